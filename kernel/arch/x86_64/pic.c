/*
 * 8259 initialisation words (ICW1..ICW4), as the Intel 8259A data sheet
 * orders them. Called once by kmain, with interrupts off.
 */
#include "arch/x86_64/pic.h"

#include "arch/x86_64/cpu.h"

#define PIC1_COMMAND 0x20
#define PIC1_DATA    0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA    0xa1
#define ICW1_INIT_WITH_ICW4 0x11
#define ICW3_PIC1_SLAVE_ON_IRQ2 0x04
#define ICW3_PIC2_CASCADE_ID 0x02
#define ICW4_8086 0x01

void pic_remap_and_mask(void)
{
	/* 1. Start the initialisation sequence on both. */
	outb(PIC1_COMMAND, ICW1_INIT_WITH_ICW4);
	outb(PIC2_COMMAND, ICW1_INIT_WITH_ICW4);
	/* 2. Vector bases. */
	outb(PIC1_DATA, PIC_VECTOR_BASE);
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	/* 3. Cascade wiring: the second PIC hangs off IRQ2. */
	outb(PIC1_DATA, ICW3_PIC1_SLAVE_ON_IRQ2);
	outb(PIC2_DATA, ICW3_PIC2_CASCADE_ID);
	/* 4. 8086 mode, then mask all 16 lines. */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}
