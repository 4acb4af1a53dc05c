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
 * libos_syscall_entry: where a rewritten call site's trampoline jumps
 * (trap/patch.c): RCX = the address the call returns to, R11 free (a
 * SYSCALL destroys both), the rest as the app's SYSCALL would leave them.
 * It does in user mode what the kernel's reflection does: the frame and
 * the event into the vCPU page, events masked, then event_entry on the
 * upcall stack. Until events are masked it is ordinary app code on the
 * app's stack (below the red zone), which an event may interrupt and
 * resume like any other, a signal handler included; TF, DF and AC are
 * cleared first, so that nothing traps once events are masked.
 */
#define LIBOS_UPCALL_STACK_TOP (0x00007f8000002000 + (64 << 10)) /* layout.h */
#define FRAME(reg) (WK_VCPU_FRAME + WK_REGS_##reg)(%r11)
#define RFLAGS_TF_DF_AC 0x40500

	.globl	libos_syscall_entry
	.type	libos_syscall_entry, @function
libos_syscall_entry:
	leaq	-128(%rsp), %rsp
	pushfq
	movq	%rax, %r11
	subq	$WK_NATIVE_BASE, %r11
	cmpq	$WK_NATIVE_COUNT, %r11
	jb	3f				/* a native call: the kernel's */
	movq	(%rsp), %r11
	andq	$~RFLAGS_TF_DF_AC, %r11
	pushq	%r11
	popfq
	movabsq	$LIBOS_VCPU_ADDRESS, %r11
	movl	$1, WK_VCPU_EVENTS_MASKED(%r11)
	movq	%rax, FRAME(RAX)
	movq	%rbx, FRAME(RBX)
	movq	%rdx, FRAME(RDX)
	movq	%rsi, FRAME(RSI)
	movq	%rdi, FRAME(RDI)
	movq	%rbp, FRAME(RBP)
	movq	%r8, FRAME(R8)
	movq	%r9, FRAME(R9)
	movq	%r10, FRAME(R10)
	movq	%r12, FRAME(R12)
	movq	%r13, FRAME(R13)
	movq	%r14, FRAME(R14)
	movq	%r15, FRAME(R15)
	movq	%rcx, FRAME(RCX)
	movq	%rcx, FRAME(RIP)
	popq	%rcx				/* the app's RFLAGS */
	movq	%rcx, FRAME(RFLAGS)
	movq	%rcx, FRAME(R11)
	leaq	128(%rsp), %rcx
	movq	%rcx, FRAME(RSP)
	rdfsbase %rcx
	movq	%rcx, FRAME(FS_BASE)
	/* Vector 1 tells the libOS the call came from a rewritten site. */
	movl	$WK_EVENT_SYSCALL, WK_VCPU_EVENT_KIND(%r11)
	movl	$1, WK_VCPU_EVENT_VECTOR(%r11)
	movq	$0, WK_VCPU_EVENT_ERROR_CODE(%r11)
	movq	$0, WK_VCPU_EVENT_FAULT_ADDRESS(%r11)
	movq	%rax, WK_VCPU_EVENT_SYSCALL_NUMBER(%r11)
	movq	%r11, %rdi
	movl	$WK_EVENT_SYSCALL, %esi
	movabsq	$(LIBOS_UPCALL_STACK_TOP - 8), %rsp
	jmp	event_entry
	/* The kernel answers native calls (set_self_state included, which
	 * does not come back here); SYSRET gives back these RFLAGS. */
3:	popfq
	pushq	%rcx
	syscall
	popq	%rcx
	leaq	128(%rsp), %rsp
	jmp	*%rcx
	.size	libos_syscall_entry, . - libos_syscall_entry

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
