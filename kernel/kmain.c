/*
 * kmain: the one C entry, reached from both boot protocols (boot.S) on the
 * early page tables and the boot stack, interrupts off.
 *
 * Order matters: the console first (so everything can report), the CPU
 * tables next (so a fault is a report, not a triple fault), then the boot
 * information (copied before its memory can be handed out), the page
 * allocator, the kernel's own page tables, guarded stacks, and the rest on
 * the main stack.
 */
#include <stdarg.h>
#include <stdint.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/kernel_stack.h"
#include "arch/x86_64/keyboard.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/rtc.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/virtio_net.h"
#include "boot/boot_info.h"
#include "cmdline.h"
#include "console.h"
#include "screen.h"
#include "events.h"
#include "exception_table.h"
#include "kmain.h"
#include "lib/string.h"
#include "libos.h"
#include "mm/page.h"
#include "wicket/abi.h"

#ifndef WICKET_VERSION
#define WICKET_VERSION "unknown"
#endif

#define MAIN_STACK_BYTES 16384
#define IST_STACK_BYTES  8192

static struct boot_info boot_info;
static uint64_t boot_tsc;
uint64_t boot_stage_tsc[WK_BOOT_STAGE_COUNT];

void boot_fail(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	kvprintf(fmt, args);
	va_end(args);
	power_exit(WK_EXIT_BAD_BOOT);
}

/* The early tables map the first 4 GiB at DIRECT_MAP_BASE. */
static const void *early_physical_reader(uint64_t address, size_t length)
{
	if (address >= EARLY_MAP_BYTES || length > EARLY_MAP_BYTES - address)
		return NULL;
	return (const void *)(DIRECT_MAP_BASE + address);
}

/* Copies the boot information into boot_info; returns a BOOT_PARSE_*
 * status (the caller reports it once the console may speak). */
static int parse_boot_information(uint32_t protocol, uint64_t address)
{
	if (address == 0) {
		boot_info.problem = "the boot loader passed none";
		return BOOT_PARSE_MALFORMED;
	}
	if (protocol == BOOT_ENTRY_MULTIBOOT2)
		return multiboot2_parse(
			(const void *)(DIRECT_MAP_BASE + address),
			EARLY_MAP_BYTES - address, address, &boot_info);
	return pvh_parse(address, early_physical_reader, &boot_info);
}

static void banner_print(void)
{
	const struct boot_info *info = &boot_info;
	uint8_t acpi_revision = 0;
	uint64_t acpi_root = acpi_root_table(&acpi_revision);

	cpu_features_print();
	kprintf("wicket: memory: %lu MiB usable, %lu MiB free for pages in "
		"%zu range%s\n",
		page_usable_bytes(info) >> 20,
		(page_allocator.free_pages * PAGE_SIZE) >> 20,
		page_allocator.range_count,
		page_allocator.range_count == 1 ? "" : "s");
	kprintf("wicket: command line: \"%s\"\n", info->cmdline);
	kprintf("wicket: modules: %u\n", info->module_count);
	for (uint32_t i = 0; i < info->module_count; i++) {
		const struct boot_module *m = &info->modules[i];
		kprintf("wicket: module %u: %#lx-%#lx (%lu bytes) \"%s\"\n", i,
			m->start, m->end, m->end - m->start, m->string);
	}
	if (info->has_framebuffer)
		kprintf("wicket: framebuffer: %ux%u, %u bpp, type %u, at %#lx%s\n",
			info->framebuffer.width, info->framebuffer.height,
			info->framebuffer.bpp, info->framebuffer.type,
			info->framebuffer.address,
			screen_columns ? "" : " (not drawn)");
	else
		kprintf("wicket: framebuffer: none\n");
	if (acpi_root)
		kprintf("wicket: acpi: revision %u, root table at %#lx\n",
			acpi_revision, acpi_root);
	else
		kprintf("wicket: acpi: none found\n");
}

/* Whether console input raises events: the UART's receive interrupt
 * routed to the local APIC, unless the command line says
 * wicket.input=poll; and the keyboard's, when there is one. Returns the
 * WK_DEVICE_* bits. */
static uint32_t console_input_devices(void)
{
	char mode[8] = "";
	bool polled = cmdline_get(boot_info.cmdline, "wicket.input", mode,
				  sizeof(mode)) && strcmp(mode, "poll") == 0;
	int gsi = -1;
	uint32_t devices = 0;

	if (!polled && serial_enable_receive_interrupt())
		gsi = ioapic_route_irq(SERIAL_IRQ, APIC_INPUT_VECTOR, false);
	if (gsi < 0) {
		kinfo("wicket: console input: polled\n");
	} else {
		kinfo("wicket: console input: interrupt (IRQ %d at GSI %d)\n",
		      SERIAL_IRQ, gsi);
		devices |= WK_DEVICE_INPUT_EVENTS;
	}
	if (!keyboard_init())
		return devices;
	gsi = polled ? -1 : ioapic_route_irq(KEYBOARD_IRQ, APIC_INPUT_VECTOR,
					     false);
	if (gsi < 0)
		kinfo("wicket: keyboard: PS/2, polled\n");
	else
		kinfo("wicket: keyboard: PS/2 (IRQ %d at GSI %d)\n",
		      KEYBOARD_IRQ, gsi);
	return devices | WK_DEVICE_KEYBOARD;
}

static void kmain_on_main_stack(void *unused)
{
	(void)unused;
	cpu_enable_protections();
	acpi_init(&boot_info);
	if (!console_quiet)
		banner_print();
	rtc_init();
	if (kernel_selftest)
		kernel_selftest(boot_info.cmdline);
	uint32_t tsc_source;
	boot_stage_tsc[3] = read_tsc();
	uint64_t tsc_hz = tsc_frequency(&tsc_source);
	bool timer = apic_init(tsc_hz) == 0;

	uint32_t devices = 0;

	if (timer)
		devices |= console_input_devices();
	if (timer && virtio_net_init())
		devices |= WK_DEVICE_NET;
	if (screen_columns)
		devices |= WK_DEVICE_SCREEN;
	if (serial_present())
		devices |= WK_DEVICE_SERIAL;
	events_init(timer, devices);
	boot_stage_tsc[4] = read_tsc();
	kinfo("wicket: boot complete\n");
	libos_start(&boot_info, boot_tsc, tsc_hz, tsc_source);
}

void kmain(uint32_t protocol, uint32_t info_address)
{
	boot_tsc = read_tsc();
	serial_init();
	cpu_features_detect();
	gdt_init();
	idt_init();
	pic_remap_and_mask();

	/* The command line decides whether the first line is printed. */
	int status = parse_boot_information(protocol, info_address);
	/* boot.S passes one of the two protocols. */
	const char *booted_by =
		protocol == BOOT_ENTRY_PVH ? "PVH" : "multiboot2";
	console_quiet = cmdline_get(boot_info.cmdline, "wicket.quiet", NULL, 0);
	char on_exit[16];

	if (cmdline_get(boot_info.cmdline, "wicket.on_exit", on_exit,
			sizeof(on_exit)))
		power_set_on_exit(on_exit);
	kinfo("wicket: kernel %s (abi %d), booted by %s\n", WICKET_VERSION,
	      WK_ABI_VERSION, booted_by);
	exception_table_check();
	if (status != BOOT_PARSE_OK)
		boot_fail("wicket: bad %s boot information at %#x "
			  "(error %d%s%s)\n", booted_by, info_address, status,
			  boot_info.problem ? ": " : "",
			  boot_info.problem ? boot_info.problem : "");
	if (boot_info.truncated)
		kprintf("wicket: some boot information did not fit and was "
			"cut short\n");
	boot_stage_tsc[0] = read_tsc();
	if (page_allocator_init(&boot_info))
		power_exit(WK_EXIT_BAD_BOOT);
	if (paging_init(&boot_info))
		boot_fail("wicket: out of memory building the page tables\n");

	screen_init(&boot_info);
	boot_stage_tsc[1] = read_tsc();
	uint64_t main_stack = kernel_stack_create("main", MAIN_STACK_BYTES);
	uint64_t double_fault_stack =
		kernel_stack_create("double-fault", IST_STACK_BYTES);
	uint64_t nmi_stack = kernel_stack_create("nmi", IST_STACK_BYTES);
	uint64_t machine_check_stack =
		kernel_stack_create("machine-check", IST_STACK_BYTES);
	if (!main_stack || !double_fault_stack || !nmi_stack ||
	    !machine_check_stack)
		boot_fail("wicket: out of memory for the kernel stacks\n");
	gdt_set_ist(IST_DOUBLE_FAULT, double_fault_stack);
	gdt_set_ist(IST_NMI, nmi_stack);
	gdt_set_ist(IST_MACHINE_CHECK, machine_check_stack);
	percpu_init(main_stack);
	boot_stage_tsc[2] = read_tsc();
	arch_run_on_stack(main_stack, kmain_on_main_stack, NULL);
}
