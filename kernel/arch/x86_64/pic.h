/*
 * The legacy 8259 PICs. The BIOS leaves IRQ0 on vector 8 (#DF): remap them
 * to vectors 0x20..0x2f and mask every line before anything runs with
 * interrupts on. The kernel's timer is the local APIC (#4).
 */
#ifndef KERNEL_ARCH_X86_64_PIC_H
#define KERNEL_ARCH_X86_64_PIC_H

#define PIC_VECTOR_BASE 0x20

void pic_remap_and_mask(void);

#endif /* KERNEL_ARCH_X86_64_PIC_H */
