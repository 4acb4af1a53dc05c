/*
 * The libOS's two entries from the kernel (abi.h):
 *
 *   _start        once, at boot: ring 3, RDI = the info page, RSP =
 *                 WK_STACK_TOP (16-byte aligned as after a `ret`).
 *   event_entry   on every event: RSP = upcall stack top - 8 (as after a
 *                 call), RDI = the vCPU page, RSI = the event kind, events
 *                 masked, the interrupted context saved in the vCPU page.
 *
 * Both hand off to C at once and never return. `_start` is the first
 * instruction of the image (WK_LIBOS_BASE), so an app that jumps to the
 * libOS's base lands in libos_main, which tells a second entry apart.
 */
#include "wicket/abi.h"

#define WK_CALL_block (WK_NATIVE_BASE + 9)

	.section .text.entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* the outermost frame for debuggers */
	call	libos_main		/* RDI still holds the info page */
	ud2				/* libos_main does not return */
	.size	_start, . - _start

	.text
	.globl	event_entry
	.type	event_entry, @function
event_entry:
	xorl	%ebp, %ebp
	subq	$8, %rsp		/* RSP + 8 was 16-byte aligned */
	call	libos_event		/* (vcpu, kind) */
	ud2				/* libos_event does not return */
	.size	event_entry, . - event_entry

/*
 * The idle context (sched/sched.c): runs in ring 3 with events unmasked
 * when no thread can, halting in block() until the timer event that
 * wakes a sleeper. block() fails only when no timer is armed.
 */
	.globl	sched_idle_loop
	.type	sched_idle_loop, @function
sched_idle_loop:
	movl	$WK_CALL_block, %eax
	syscall
	testq	%rax, %rax
	jns	sched_idle_loop
	andq	$-16, %rsp
	call	sched_deadlock
	ud2
	.size	sched_idle_loop, . - sched_idle_loop

	.section .note.GNU-stack, "", @progbits
