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
 * void resume_in_user_mode(const struct wk_regs *regs)
 *
 * Becomes *regs without entering the kernel (trap/event.c decides when it
 * may): on the upcall stack, events masked, RFLAGS already sanitised (no
 * TF), FSGSBASE on. Steps:
 *   1. the FS base, and RIP and RDI into scratch words (RDI is the base
 *      register, RIP is reached by an indirect jump);
 *   2. unmask events; from here an event may arrive at any instruction,
 *      and the handler, seeing RIP inside [resume_begin, resume_end),
 *      knows the thread's state is still *regs;
 *   3. an event held back while masked is in vcpu->pending: then the
 *      kernel must deliver it, so set_self_state(regs, WK_UNMASK) does
 *      the rest;
 *   4. RFLAGS through the upcall stack (POPFQ; MOV leaves flags alone),
 *      the other registers, RSP, RDI, and the jump.
 */
#define LIBOS_VCPU_ADDRESS 0x00007f8000000000 /* layout.h */
#define WK_CALL_set_self_state (WK_NATIVE_BASE + 7)

	.globl	resume_in_user_mode
	.globl	resume_begin
	.globl	resume_end
	.type	resume_in_user_mode, @function
resume_in_user_mode:
	movq	WK_REGS_FS_BASE(%rdi), %rax
	wrfsbase %rax
	movq	WK_REGS_RIP(%rdi), %rax
	movq	%rax, resume_rip(%rip)
	movq	WK_REGS_RDI(%rdi), %rax
	movq	%rax, resume_rdi(%rip)
	movabsq	$LIBOS_VCPU_ADDRESS, %rax
resume_begin:
	movl	$0, WK_VCPU_EVENTS_MASKED(%rax)
	cmpl	$0, WK_VCPU_PENDING(%rax)
	jne	2f
	pushq	WK_REGS_RFLAGS(%rdi)
	popfq
	movq	WK_REGS_RAX(%rdi), %rax
	movq	WK_REGS_RBX(%rdi), %rbx
	movq	WK_REGS_RCX(%rdi), %rcx
	movq	WK_REGS_RDX(%rdi), %rdx
	movq	WK_REGS_RSI(%rdi), %rsi
	movq	WK_REGS_RBP(%rdi), %rbp
	movq	WK_REGS_R8(%rdi), %r8
	movq	WK_REGS_R9(%rdi), %r9
	movq	WK_REGS_R10(%rdi), %r10
	movq	WK_REGS_R11(%rdi), %r11
	movq	WK_REGS_R12(%rdi), %r12
	movq	WK_REGS_R13(%rdi), %r13
	movq	WK_REGS_R14(%rdi), %r14
	movq	WK_REGS_R15(%rdi), %r15
	movq	WK_REGS_RSP(%rdi), %rsp
	movq	resume_rdi(%rip), %rdi
	jmp	*resume_rip(%rip)
	/* The fallback is inside the window too: it also runs unmasked. */
2:	movl	$WK_REGS_SIZE, %esi
	movl	$WK_UNMASK, %edx
	movl	$WK_CALL_set_self_state, %eax
	syscall
resume_end:
	ud2			/* the kernel refused a state it had given */
	.size	resume_in_user_mode, . - resume_in_user_mode

	.bss
	.balign	8
resume_rip:
	.quad	0
resume_rdi:
	.quad	0
	.text

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
