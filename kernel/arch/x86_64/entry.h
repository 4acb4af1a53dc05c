/*
 * The C view of entry.S (besides the trap stubs, declared in trap_frame.h).
 */
#ifndef KERNEL_ARCH_X86_64_ENTRY_H
#define KERNEL_ARCH_X86_64_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

/* Switches RSP to `stack_top` (16-byte aligned), clears RBP (ending
 * backtraces there) and calls function(argument), which must not return. */
__attribute__((noreturn)) void arch_run_on_stack(
	uint64_t stack_top, void (*function)(void *), void *argument);

/* SYSCALL lands here (LSTAR). It builds a struct trap_frame on the
 * per-CPU kernel stack and calls syscall_dispatch(). */
void syscall_entry(void);

/* Called by syscall_entry with interrupts off; returns whether the exit may
 * use SYSRET (syscall.c checks Linux's conditions), else IRETQ. */
bool syscall_dispatch(struct trap_frame *frame);

/* Leaves the kernel through `frame` (on the current stack, which it
 * abandons): SWAPGS when frame->cs is a ring-3 selector, then IRETQ. */
__attribute__((noreturn)) void arch_enter_user(struct trap_frame *frame);

#endif /* KERNEL_ARCH_X86_64_ENTRY_H */
