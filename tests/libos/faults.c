/*
 * Scenario fault=NAME: ring 3 does one thing it must not. Until events
 * arrive (#4) the kernel ends the run with its user-fault report and
 * WK_EXIT_USER_FAULT (119), never a kernel panic. Each prints
 * "libos: about to NAME" first; getting past the instruction is a failure.
 *
 * The one exception is sgdt, which faults only when the kernel turned UMIP
 * on (WK_CPU_UMIP in the info page); without UMIP it is allowed to run.
 */
#include <stdint.h>

#include "print.h"
#include "scenario.h"
#include "string.h"
#include "wicket/native.h"

/* A page of kernel text (the image starts at 0xffffffff80100000). */
#define KERNEL_TEXT 0xffffffff80101000ull
#define READ_ONLY_PAGE (SCRATCH_BASE + 0x30000000ull)

struct __attribute__((packed)) descriptor_table {
	uint16_t limit;
	uint64_t base;
};

static void fault_read_kernel(void)
{
	uint64_t value = *(volatile uint64_t *)KERNEL_TEXT;
	print("libos: read 0x%lx\n", (unsigned long)value);
}

static void fault_write_kernel(void)
{
	*(volatile uint64_t *)KERNEL_TEXT = 0x0b0b0b0b0b0b0b0bull;
}

static void fault_exec_kernel(void)
{
	((void (*)(void))KERNEL_TEXT)();
}

static void fault_cli(void) { __asm__ volatile("cli"); }
static void fault_hlt(void) { __asm__ volatile("hlt"); }

static void fault_mov_cr3(void)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	print("libos: cr3 0x%lx\n", (unsigned long)cr3);
}

static void fault_wrmsr(void)
{
	/* IA32_EFER with 0: would turn long mode off. */
	__asm__ volatile("wrmsr" ::"c"(0xc0000080u), "a"(0), "d"(0));
}

static void fault_in(void)
{
	uint8_t value;
	__asm__ volatile("inb $0x80, %0" : "=a"(value));
	print("libos: in 0x%x\n", value);
}

static void fault_out(void)
{
	__asm__ volatile("outb %0, $0x80" ::"a"((uint8_t)0x42));
}

static void fault_lgdt(void)
{
	struct descriptor_table table = { 0, 0 };
	__asm__ volatile("lgdt %0" ::"m"(table));
}

static void fault_write_readonly(void)
{
	long result = wk_mem_map(READ_ONLY_PAGE, WK_PAGE_SIZE, WK_PROT_READ);
	if (result != 0) {
		print("libos: FAIL mem_map(read) = %ld\n", result);
		return;
	}
	print("libos: the read-only page reads %lu\n",
	      (unsigned long)*(volatile uint64_t *)READ_ONLY_PAGE);
	*(volatile uint64_t *)READ_ONLY_PAGE = 1;
}

static void fault_null(void)
{
	uint64_t value = *(volatile uint64_t *)0;
	print("libos: read 0x%lx at NULL\n", (unsigned long)value);
}

static void fault_ud2(void) { __asm__ volatile("ud2"); }

/* A page whose translation is in the TLB, then downgraded: the kernel must
 * invalidate the stale entry, so the next access faults. */
#define TLB_PAGE (SCRATCH_BASE + 0x31000000ull)

static int map_warm_page(void)
{
	long result = wk_mem_map(TLB_PAGE, WK_PAGE_SIZE,
				 WK_PROT_READ | WK_PROT_WRITE);
	if (result != 0) {
		print("libos: FAIL mem_map(rw) = %ld\n", result);
		return -1;
	}
	*(volatile uint64_t *)TLB_PAGE = 7; /* the TLB now holds it, writable */
	return 0;
}

static void fault_write_after_protect(void)
{
	if (map_warm_page() || wk_mem_protect(TLB_PAGE, WK_PAGE_SIZE, WK_PROT_READ))
		return;
	print("libos: the page still reads %lu\n",
	      (unsigned long)*(volatile uint64_t *)TLB_PAGE);
	*(volatile uint64_t *)TLB_PAGE = 8;
}

static void fault_read_after_protect_none(void)
{
	if (map_warm_page() || wk_mem_protect(TLB_PAGE, WK_PAGE_SIZE, 0))
		return;
	print("libos: read %lu\n", (unsigned long)*(volatile uint64_t *)TLB_PAGE);
}

static void fault_read_after_unmap(void)
{
	if (map_warm_page() || wk_mem_unmap(TLB_PAGE, WK_PAGE_SIZE))
		return;
	print("libos: read %lu\n", (unsigned long)*(volatile uint64_t *)TLB_PAGE);
}

struct fault {
	const char *name;
	void (*run)(void);
};

static const struct fault faults[] = {
	{ "read-kernel", fault_read_kernel },
	{ "write-kernel", fault_write_kernel },
	{ "exec-kernel", fault_exec_kernel },
	{ "cli", fault_cli },
	{ "hlt", fault_hlt },
	{ "mov-cr3", fault_mov_cr3 },
	{ "wrmsr", fault_wrmsr },
	{ "in", fault_in },
	{ "out", fault_out },
	{ "lgdt", fault_lgdt },
	{ "write-readonly", fault_write_readonly },
	{ "null", fault_null },
	{ "ud2", fault_ud2 },
	{ "write-after-protect", fault_write_after_protect },
	{ "read-after-protect-none", fault_read_after_protect_none },
	{ "read-after-unmap", fault_read_after_unmap },
};

/* sgdt: #GP with UMIP, an ordinary instruction without it. */
static int fault_sgdt(const struct wk_info *info)
{
	struct descriptor_table table = { 0, 0 };
	bool umip = info->cpu_features & WK_CPU_UMIP;

	print("libos: UMIP is %s: sgdt should %s\n", umip ? "on" : "off",
	      umip ? "raise #GP" : "not fault");
	print("libos: about to sgdt\n");
	__asm__ volatile("sgdt %0" : "=m"(table));
	if (umip) {
		print("libos: FAIL sgdt did not fault although UMIP is on "
		      "(base 0x%lx)\n", (unsigned long)table.base);
		return 1;
	}
	print("libos: sgdt did not fault: UMIP is off (base 0x%lx, limit 0x%x)\n",
	      (unsigned long)table.base, table.limit);
	return 0;
}

int scenario_fault(const struct wk_info *info, const char *name,
		   size_t length)
{
	size_t i;

	if (string_equals_word(name, length, "sgdt"))
		return fault_sgdt(info);
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		if (!string_equals_word(name, length, faults[i].name))
			continue;
		print("libos: about to %s\n", faults[i].name);
		faults[i].run();
		print("libos: FAIL %s did not fault\n", faults[i].name);
		return 1;
	}
	print("libos: unknown test\n");
	return 1;
}
