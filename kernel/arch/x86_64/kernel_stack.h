/*
 * Kernel stacks: each in its own 64 KiB slot of KERNEL_STACK_AREA, above an
 * unmapped guard page, so that an overflow faults instead of corrupting
 * memory. Also answers "which stack is this address on?" for panic reports.
 */
#ifndef KERNEL_ARCH_X86_64_KERNEL_STACK_H
#define KERNEL_ARCH_X86_64_KERNEL_STACK_H

#include <stddef.h>
#include <stdint.h>

/* A stack of `bytes` (whole pages), named for reports. Needs the kernel's
 * page tables (after paging_init). Returns its 16-byte aligned top, or 0
 * when out of memory or slots. */
uint64_t kernel_stack_create(const char *name, size_t bytes);

struct kernel_stack {
	const char *name;
	uint64_t guard; /* the unmapped page below the stack, or `bottom` */
	uint64_t bottom;
	uint64_t top;
};

/* The kernel stack (the boot stack and the early exception stack included)
 * whose [guard, top) contains `address` (below `bottom`: its guard page),
 * or NULL. */
const struct kernel_stack *kernel_stack_of(uint64_t address);

#endif /* KERNEL_ARCH_X86_64_KERNEL_STACK_H */
