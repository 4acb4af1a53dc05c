/*
 * The IDT: all 256 vectors point at the generated stubs in entry.S, which
 * call trap_dispatch() (trap.c). #DF, NMI and #MC run on their own IST
 * stacks so that they are reported even when the kernel stack is gone.
 */
#ifndef KERNEL_ARCH_X86_64_IDT_H
#define KERNEL_ARCH_X86_64_IDT_H

void idt_init(void);

#endif /* KERNEL_ARCH_X86_64_IDT_H */
