/*
 * Ending the run: see power.h for the order of the attempts.
 */
#include "arch/x86_64/power.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap_frame.h"
#include "console.h"
#include "lib/string.h"

/* QEMU's fw_cfg: write a 16-bit key to the selector port, read the item
 * from the data port; key 0 is the signature "QEMU". */
#define FW_CFG_SELECTOR  0x510
#define FW_CFG_DATA      0x511
#define FW_CFG_SIGNATURE 0x0000

/* isa-debug-exit,iobase=0xf4,iosize=4 (the runner adds it): a write of v
 * makes QEMU exit with status (v << 1) | 1. */
#define DEBUG_EXIT_PORT  0xf4

/* The 8042 keyboard controller: command 0xfe pulses the CPU reset line. */
#define KBC_COMMAND      0x64
#define KBC_RESET        0xfe

static enum power_on_exit on_exit = POWER_OFF;

void power_set_on_exit(const char *word)
{
	if (!strcmp(word, "reboot"))
		on_exit = POWER_REBOOT;
	else if (!strcmp(word, "halt"))
		on_exit = POWER_HALT;
	else if (strcmp(word, "poweroff"))
		kprintf("wicket: wicket.on_exit=%s: not poweroff, reboot or "
			"halt; powering off\n", word);
}

/* The reset ways in order; the last, a triple fault (an empty IDT, then
 * an exception), cannot fail. */
__attribute__((noreturn)) static void reboot(void)
{
	acpi_reset();
	kprintf("wicket: resetting through the 8042\n");
	outb(KBC_COMMAND, KBC_RESET);
	for (unsigned i = 0; i < 10000000; i++)
		__asm__ volatile("pause");
	kprintf("wicket: resetting by a triple fault\n");
	load_idt(NULL, 0);
	__asm__ volatile("int3");
	cpu_halt_forever();
}

static bool running_on_qemu(void)
{
	static const char signature[4] = {'Q', 'E', 'M', 'U'};

	outw(FW_CFG_SELECTOR, FW_CFG_SIGNATURE);
	for (unsigned i = 0; i < sizeof(signature); i++)
		if (inb(FW_CFG_DATA) != (uint8_t)signature[i])
			return false;
	return true;
}

void power_exit(int status)
{
	static bool exiting;

	interrupts_disable();
	/* A fault while powering off (firmware tables can be bad) panics,
	 * and the panic exits again: the second time, just stop. */
	if (exiting) {
		kprintf("wicket: fault while powering off; halting\n");
		cpu_halt_forever();
	}
	exiting = true;
	if (trap_unexpected_interrupts)
		kprintf("wicket: %lu unexpected interrupts were ignored\n",
			trap_unexpected_interrupts);
	kprintf("wicket: exit status %d\n", status);
	if (on_exit == POWER_HALT) {
		kprintf("wicket: halting (wicket.on_exit=halt)\n");
		cpu_halt_forever();
	}
	if (on_exit == POWER_REBOOT)
		reboot();
	if (running_on_qemu())
		outl(DEBUG_EXIT_PORT, (uint32_t)status & 0x7f);
	acpi_power_off();
	kprintf("wicket: could not power off; halting\n");
	cpu_halt_forever();
}
