/*
 * The GDT and the TSS. Segment descriptors are fixed values: in long mode
 * only the type, DPL, present and L bits of code and data segments matter.
 */
#include "arch/x86_64/gdt.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"

struct __attribute__((packed)) tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t io_map_base;
};
_Static_assert(sizeof(struct tss) == 104, "the 64-bit TSS is 104 bytes");

#define DESCRIPTOR_KERNEL_CODE64 0x00af9b000000ffffull /* DPL0, L, accessed */
#define DESCRIPTOR_KERNEL_DATA   0x00cf93000000ffffull /* DPL0, writable */
#define DESCRIPTOR_USER_CODE32   0x00cffb000000ffffull /* DPL3, D (for SYSRET) */
#define DESCRIPTOR_USER_DATA     0x00cff3000000ffffull /* DPL3, writable */
#define DESCRIPTOR_USER_CODE64   0x00affb000000ffffull /* DPL3, L */
#define TSS_TYPE_AVAILABLE       0x89ull               /* present, 64-bit TSS */

static struct tss tss;
uint8_t early_exception_stack[EARLY_EXCEPTION_STACK_BYTES]
	__attribute__((aligned(16)));
static uint64_t gdt[GDT_TSS / 8 + 2] __attribute__((aligned(16)));

void gdt_init(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	tss.io_map_base = sizeof(tss); /* no I/O permission bitmap */
	for (unsigned ist = 1; ist <= 7; ist++)
		gdt_set_ist(ist, (uint64_t)early_exception_stack +
					 EARLY_EXCEPTION_STACK_BYTES);

	/* Slot n holds selector n * 8 of layout.h; slot 0 stays null. */
	gdt[GDT_KERNEL_CODE / 8] = DESCRIPTOR_KERNEL_CODE64;
	gdt[GDT_KERNEL_DATA / 8] = DESCRIPTOR_KERNEL_DATA;
	gdt[GDT_USER_CODE32 / 8] = DESCRIPTOR_USER_CODE32;
	gdt[GDT_USER_DATA / 8] = DESCRIPTOR_USER_DATA;
	gdt[GDT_USER_CODE64 / 8] = DESCRIPTOR_USER_CODE64;
	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		(TSS_TYPE_AVAILABLE << 40) | (((limit >> 16) & 0xf) << 48) |
		(((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
	load_gdt(gdt, sizeof(gdt) - 1);
	load_segments(GDT_KERNEL_CODE, GDT_KERNEL_DATA);
	load_task_register(GDT_TSS);
}

void gdt_set_ist(unsigned ist, uint64_t stack_top)
{
	if (ist >= 1 && ist <= 7)
		tss.ist[ist - 1] = stack_top;
}

void gdt_set_kernel_stack(uint64_t stack_top)
{
	tss.rsp[0] = stack_top;
}
