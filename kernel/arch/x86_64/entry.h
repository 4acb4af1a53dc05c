/*
 * The C view of entry.S (besides the trap stubs, declared in trap_frame.h).
 */
#ifndef KERNEL_ARCH_X86_64_ENTRY_H
#define KERNEL_ARCH_X86_64_ENTRY_H

#include <stdint.h>

/* Switches RSP to `stack_top` (16-byte aligned), clears RBP (ending
 * backtraces there) and calls function(argument), which must not return. */
__attribute__((noreturn)) void arch_run_on_stack(
	uint64_t stack_top, void (*function)(void *), void *argument);

#endif /* KERNEL_ARCH_X86_64_ENTRY_H */
