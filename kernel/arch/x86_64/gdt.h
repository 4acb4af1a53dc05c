/*
 * The GDT (selectors in layout.h, in the order SYSRET needs) and the one
 * TSS, whose RSP0 and IST slots hold the kernel stacks.
 */
#ifndef KERNEL_ARCH_X86_64_GDT_H
#define KERNEL_ARCH_X86_64_GDT_H

#include <stdint.h>

/* IST slots (1-based, as the IDT gate names them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MACHINE_CHECK 3

/* Until the guarded IST stacks exist, every IST slot points at this one,
 * so that an early #DF, NMI or #MC is still reported. */
#define EARLY_EXCEPTION_STACK_BYTES 4096
extern uint8_t early_exception_stack[EARLY_EXCEPTION_STACK_BYTES];

/* Loads the GDT and the TSS (IST slots on the early exception stack);
 * reloads every segment register. */
void gdt_init(void);

/* Sets IST slot `ist` (1..7) to `stack_top`. */
void gdt_set_ist(unsigned ist, uint64_t stack_top);

/* Sets the stack the CPU switches to on entry from ring 3 (TSS.RSP0). */
void gdt_set_kernel_stack(uint64_t stack_top);

#endif /* KERNEL_ARCH_X86_64_GDT_H */
