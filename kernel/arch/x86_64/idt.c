/*
 * The IDT: 256 interrupt gates (IF cleared on entry) at DPL 0 onto the
 * generated stubs; #DF, NMI and #MC with their IST slots. Called once by
 * kmain after gdt_init.
 */
#include "arch/x86_64/idt.h"

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/trap_frame.h"

struct __attribute__((packed)) idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attributes;
	uint16_t offset_middle;
	uint32_t offset_high;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "a long-mode IDT gate");

#define GATE_INTERRUPT_DPL0 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_INTERRUPT_DPL3 0xee /* the same, reachable by INT n from ring 3 */

static struct idt_gate idt[256] __attribute__((aligned(16)));

void idt_init(void)
{
	for (unsigned vector = 0; vector < 256; vector++) {
		uint64_t handler = trap_stub_table[vector];
		idt[vector] = (struct idt_gate){
			.offset_low = handler & 0xffff,
			.selector = GDT_KERNEL_CODE,
			.type_attributes = GATE_INTERRUPT_DPL0,
			.offset_middle = (handler >> 16) & 0xffff,
			.offset_high = handler >> 32,
		};
	}
	/* INT3 from ring 3 must reach #BP, not #GP. */
	idt[VECTOR_BREAKPOINT].type_attributes = GATE_INTERRUPT_DPL3;
	idt[VECTOR_NMI].ist = IST_NMI;
	idt[VECTOR_DOUBLE_FAULT].ist = IST_DOUBLE_FAULT;
	idt[VECTOR_MACHINE_CHECK].ist = IST_MACHINE_CHECK;
	load_idt(idt, sizeof(idt) - 1);
}
