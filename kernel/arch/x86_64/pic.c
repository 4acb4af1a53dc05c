/*
 * 8259 initialisation words (ICW1..ICW4), as the Intel 8259A data sheet
 * orders them. Called once by kmain, with interrupts off.
 */
#include "arch/x86_64/pic.h"

#include "arch/x86_64/cpu.h"

#define ICW1_INIT_WITH_ICW4 0x11
#define ICW4_8086 0x01

/* The first and the second PIC: the command port (the data port is the
 * next one) and ICW3, the cascade wiring: the second hangs off the
 * first's IRQ2 (a mask on the first, an id on the second). */
static const struct {
	uint16_t command;
	uint8_t icw3;
} pics[2] = { { 0x20, 0x04 }, { 0xa0, 0x02 } };

void pic_remap_and_mask(void)
{
	for (unsigned i = 0; i < 2; i++) {
		/* 1. Start the initialisation sequence. */
		outb(pics[i].command, ICW1_INIT_WITH_ICW4);
		/* 2. The vector base: 8 vectors per PIC. */
		outb(pics[i].command + 1, PIC_VECTOR_BASE + 8 * i);
		/* 3. Cascade wiring. */
		outb(pics[i].command + 1, pics[i].icw3);
		/* 4. 8086 mode, then mask all 8 lines. */
		outb(pics[i].command + 1, ICW4_8086);
		outb(pics[i].command + 1, 0xff);
	}
}
