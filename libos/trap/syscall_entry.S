/*
 * libos_syscall_entry: where a rewritten call site's trampoline jumps
 * (trap/patch.c): RCX = the address the call returns to, R11 free (a
 * SYSCALL destroys both), the rest as the app's SYSCALL would leave them.
 *
 * Two ways through (docs/patching.md, "Fast calls"):
 *
 *   fast     a number with a fast handler (trap/fastcall.c): the
 *            arguments, number and return address go straight into the
 *            running thread's regs, the handler runs on that thread's own
 *            fast-call stack, and the thread returns to the app without
 *            an event frame. A handler that blocks or yields suspends the
 *            thread on that stack and another runs: here, when that one
 *            was suspended in a fast call too (the fast switch), else
 *            through fastcall_after (light_switch, light_suspend).
 *   general  the rest: in user mode what the kernel's reflection does,
 *            the frame and the event into the vCPU page, then event_entry
 *            on the upcall stack.
 *
 * Until events are masked it is ordinary app code on the app's stack
 * (below the red zone), which an event may interrupt and resume like any
 * other, a signal handler included; TF, DF and AC are cleared (general)
 * or send the call the general way (fast), so that nothing traps once
 * events are masked.
 */
#include "trap/fastcall.h"
#include "wicket/abi.h"

#define LIBOS_VCPU_ADDRESS 0x00007f8000000000 /* layout.h */
#define LIBOS_UPCALL_STACK_TOP (0x00007f8000002000 + (64 << 10)) /* layout.h */
#define FRAME(reg) (WK_VCPU_FRAME + WK_REGS_##reg)(%r11)
#define THREAD(reg, base) WK_REGS_##reg(base)
#define RFLAGS_TF_DF_AC 0x40500

/* The callee-saved registers on the stack, that RSP into `where`:
 * light_resume pops them. */
.macro SUSPEND_INTO where
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, \where
.endm

#define SCHED_CPU(field) (sched_cpu + SCHED_CPU_##field)(%rip)

/* ZF clear when the thread (RCX) has a signal it does not block;
 * RDX and RSI destroyed (signal_deliverable). */
.macro SIGNAL_DELIVERABLE
	movq	THREAD_SIGNALS_PENDING(%rcx), %rdx
	orq	signal_process_pending(%rip), %rdx
	movq	THREAD_SIGNALS_BLOCKED(%rcx), %rsi
	notq	%rsi
	testq	%rsi, %rdx
.endm

/* The call's argument registers back from the thread's regs (RCX). */
.macro ARGUMENTS_FROM_THREAD
	movq	THREAD(RDI, %rcx), %rdi
	movq	THREAD(RSI, %rcx), %rsi
	movq	THREAD(RDX, %rcx), %rdx
	movq	THREAD(R8, %rcx), %r8
	movq	THREAD(R9, %rcx), %r9
	movq	THREAD(R10, %rcx), %r10
.endm

	.text
	.globl	libos_syscall_entry
	.type	libos_syscall_entry, @function
libos_syscall_entry:
	leaq	-128(%rsp), %rsp
	pushfq
	cmpq	$FASTCALL_LIMIT, %rax
	jae	fast_beyond
	leaq	fastcall_table(%rip), %r11
	movq	(%r11,%rax,8), %r11
fast_handler:					/* R11: the handler, or 0 */
	testl	$RFLAGS_TF_DF_AC, (%rsp)
	jnz	general
	testq	%r11, %r11
	jz	general

	/* Fast: RSP is the app's - FASTCALL_APP_STACK_BYTES, its RFLAGS at
	 * (%rsp). */
	pushq	%rcx
	movabsq	$LIBOS_VCPU_ADDRESS, %rcx
	movl	$1, WK_VCPU_EVENTS_MASKED(%rcx)
	movq	sched_running(%rip), %rcx
	movq	%rax, THREAD(RAX, %rcx)
	movq	%rax, THREAD_SYSCALL_NUMBER(%rcx)
	movq	%rdi, THREAD(RDI, %rcx)
	movq	%rsi, THREAD(RSI, %rcx)
	movq	%rdx, THREAD(RDX, %rcx)
	movq	%r8, THREAD(R8, %rcx)
	movq	%r9, THREAD(R9, %rcx)
	movq	%r10, THREAD(R10, %rcx)
	popq	THREAD(RIP, %rcx)
	movq	%rsp, THREAD_FAST_APP_RSP(%rcx)
	/* The handler on the upcall stack, which no one else uses while
	 * events are masked: handler(regs), regs at the thread's start. */
	movabsq	$LIBOS_UPCALL_STACK_TOP, %rsp
	movq	%rcx, %rdi
	call	*%r11
	/* The fast exit needs a result, the thread still running, no
	 * deadline moved (sched_arm_timer) and no signal deliverable
	 * (signal_deliverable); else fastcall_after decides. */
	movq	sched_running(%rip), %rcx
	movabsq	$FASTCALL_DECLINED, %rdx
	cmpq	%rdx, %rax
	jle	fast_no_value
	cmpb	$THREAD_RUNNING_STATE, THREAD_STATE(%rcx)
	jne	fast_stopped
	cmpb	$0, sched_timer_stale(%rip)
	jne	fast_after
	SIGNAL_DELIVERABLE
	jnz	fast_after
	movq	THREAD_FAST_APP_RSP(%rcx), %rsp
fast_exit:
	ARGUMENTS_FROM_THREAD
	movq	THREAD(RIP, %rcx), %rcx
	movabsq	$LIBOS_VCPU_ADDRESS, %r11
	movl	$0, WK_VCPU_EVENTS_MASKED(%r11)
	/*
	 * The exit window: events are delivered from here on, and the
	 * libOS, seeing RIP in [fast_exit_window, fast_exit_end), takes the
	 * app's state as the call's end (fastcall_interrupted_exit): RIP =
	 * RCX; RFLAGS at (%rsp) and RSP + 136 the app's, but RSP + 128 at
	 * fast_exit_popped and RSP itself at fast_exit_jump.
	 */
	.globl	fast_exit_window, fast_exit_popped, fast_exit_jump
	.globl	fast_exit_end
fast_exit_window:
	cmpl	$0, WK_VCPU_PENDING(%r11)
	jne	fast_pending
	movq	(%rsp), %r11			/* R11 = RFLAGS, as SYSRET */
	popfq
fast_exit_popped:
	leaq	128(%rsp), %rsp
fast_exit_jump:
	jmp	*%rcx
	/* An event was held back while masked: only the kernel can
	 * deliver it, through the general way's resume. */
fast_pending:
	movl	$1, WK_VCPU_EVENTS_MASKED(%r11)
fast_exit_end:
	movq	sched_running(%rip), %rcx

	/* The general way out of a fast call: the rest of the app's state
	 * into regs (RIP, and the arguments, are there already), then
	 * fastcall_finish on the upcall stack. RCX = the thread, RAX = the
	 * result, RSP = the app's - 136 with its RFLAGS at (%rsp). */
fast_general:
	movq	%rax, THREAD(RAX, %rcx)
	movq	%rbx, THREAD(RBX, %rcx)
	movq	%rbp, THREAD(RBP, %rcx)
	movq	%r12, THREAD(R12, %rcx)
	movq	%r13, THREAD(R13, %rcx)
	movq	%r14, THREAD(R14, %rcx)
	movq	%r15, THREAD(R15, %rcx)
	movq	THREAD(RIP, %rcx), %rax
	movq	%rax, THREAD(RCX, %rcx)
	popq	%rax
	movq	%rax, THREAD(RFLAGS, %rcx)
	movq	%rax, THREAD(R11, %rcx)
	leaq	128(%rsp), %rax
	movq	%rax, THREAD(RSP, %rcx)
	rdfsbase %rax
	movq	%rax, THREAD(FS_BASE, %rcx)
	movabsq	$(LIBOS_UPCALL_STACK_TOP - 8), %rsp
	jmp	fastcall_finish

	/* The handler's value is SYSCALL_NO_RESULT (the thread's RAX is
	 * in its regs) or FASTCALL_DECLINED (flags: that comparison). */
fast_no_value:
	je	fast_after
	cmpb	$THREAD_RUNNING_STATE, THREAD_STATE(%rcx)
	je	fast_after
	jmp	fast_switch
	/* The thread blocked or yields with a result: its RAX when it goes
	 * on. */
fast_stopped:
	movq	%rax, THREAD(RAX, %rcx)

	/*
	 * The fast switch: what fastcall_after, sched_leave_fast_call and
	 * light_resume_point do for a thread (RCX) that stopped running in
	 * its call, when the next in the run queue is suspended in a fast
	 * call too, the FPU holds the stopping thread's state and XSAVE
	 * saves it; else fastcall_after does it all.
	 */
fast_switch:
	movq	SCHED_CPU(RUN_QUEUE_HEAD), %rdx
	testq	%rdx, %rdx
	jz	fast_switch_declined
	cmpq	$0, THREAD_LIGHT_RSP(%rdx)	/* also when it is RCX */
	je	fast_switch_declined
	cmpq	%rcx, SCHED_CPU(FPU_OWNER)
	jne	fast_switch_declined
	cmpb	$0, SCHED_CPU(FPU_XSAVE)
	je	fast_switch_declined
	rdfsbase %rax
	movq	%rax, THREAD(FS_BASE, %rcx)
	movq	THREAD_LIGHT_STACK_TOP(%rcx), %rsp
	call	fast_switch_to
	/* The thread goes on here when light_resume resumes it, the timer
	 * armed (as both ways of resuming it do): the call's fast exit,
	 * unless its end needs more (fastcall_resumed). */
	movq	sched_running(%rip), %rcx
	cmpb	$0, THREAD_POLL_RESTARTING(%rcx)
	jne	fast_resumed_slow
	SIGNAL_DELIVERABLE
	jnz	fast_resumed_slow
	movq	THREAD(RAX, %rcx), %rax
	movq	THREAD_FAST_APP_RSP(%rcx), %rsp
	jmp	fast_exit
fast_resumed_slow:
	movq	%rcx, %rdi
	call	fastcall_resumed
	jmp	fast_after_returned

	/* RCX: the thread that stops, RDX: the next; on the stopping
	 * thread's fast-call stack, its continuation pushed. */
fast_switch_to:
	SUSPEND_INTO	THREAD_LIGHT_RSP(%rcx)
	movq	%rdx, %rbx
	/* The next leaves the run queue's head. */
	movq	THREAD_QUEUE_NEXT(%rbx), %rax
	movq	%rax, SCHED_CPU(RUN_QUEUE_HEAD)
	testq	%rax, %rax
	jnz	1f
	movq	$0, SCHED_CPU(RUN_QUEUE_TAIL)
1:	/* The CPU time of the slice that ends goes to the stopping thread,
	 * on_cpu (only idling and an exit leave on_cpu NULL, and neither
	 * runs a fast call); the next thread's slice starts (take_cpu). */
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, %rdx
	subq	SCHED_CPU(SLICE_START), %rdx
	addq	%rdx, THREAD_CPU_TICKS(%rcx)
	addq	%rdx, SCHED_CPU(PROCESS_CPU_TICKS)
	movq	%rbx, SCHED_CPU(ON_CPU)
	movq	%rbx, sched_running(%rip)
	movb	$THREAD_RUNNING_STATE, THREAD_STATE(%rbx)
	movq	%rax, SCHED_CPU(SLICE_START)
	/* With a thread waiting, the new slice's end matters unless the
	 * timer fires before it (slice_end_matters): armed - 1 (0 wraps)
	 * below the slice's end. */
	cmpq	$0, SCHED_CPU(RUN_QUEUE_HEAD)
	je	3f
	addq	SCHED_CPU(QUANTUM_TICKS), %rax
	movq	SCHED_CPU(ARMED), %rdx
	subq	$1, %rdx
	cmpq	%rax, %rdx
	jb	3f
	movb	$1, sched_timer_stale(%rip)
3:	/* The FPU registers to the next thread (take_fpu). */
	movq	THREAD_FPU(%rcx), %rsi
	movl	$-1, %eax
	movl	$-1, %edx
	xsave64	(%rsi)
	movb	$1, THREAD_FPU_SAVED(%rcx)
	cmpb	$0, THREAD_FPU_SAVED(%rbx)
	je	4f
	movq	THREAD_FPU(%rbx), %rsi
	xrstor64 (%rsi)
4:	movq	%rbx, SCHED_CPU(FPU_OWNER)
	/* A deadline the call set (a timed wait), or the new slice's end:
	 * the timer armed for it (sched_arm_timer). */
	cmpb	$0, sched_timer_stale(%rip)
	jne	6f
5:	/* Its TLS, and on where it was suspended (light_resume_point). */
	movq	THREAD(FS_BASE, %rbx), %rax
	wrfsbase %rax
	movq	THREAD_LIGHT_RSP(%rbx), %rdi
	movq	$0, THREAD_LIGHT_RSP(%rbx)
	jmp	light_resume
6:	subq	$8, %rsp
	call	sched_arm_timer_now
	addq	$8, %rsp
	jmp	5b

fast_switch_declined:
	movabsq	$(FASTCALL_DECLINED - 1), %rax	/* SYSCALL_NO_RESULT */
	/* The rest of the call on the thread's own fast-call stack, where
	 * fastcall_after may suspend it (RAX: the handler's value). */
fast_after:
	movq	THREAD_LIGHT_STACK_TOP(%rcx), %rsp
	movq	%rcx, %rdi
	movq	%rax, %rsi
	call	fastcall_after			/* RAX: the result; RDX: how
						   the call ends */
fast_after_returned:
	movq	sched_running(%rip), %rcx
	movq	THREAD_FAST_APP_RSP(%rcx), %rsp
	testq	%rdx, %rdx
	jz	fast_exit
	cmpq	$FASTCALL_END_GENERAL, %rdx
	je	fast_general
	/* Declined: the call as it came, the general way. */
	ARGUMENTS_FROM_THREAD
	movq	THREAD(RAX, %rcx), %rax
	movq	THREAD(RIP, %rcx), %rcx
	jmp	general

	/* The numbers from FASTCALL_LIMIT up share the table's last slot,
	 * but the kernel's native calls. */
fast_beyond:
	movq	%rax, %r11
	subq	$WK_NATIVE_BASE, %r11
	cmpq	$WK_NATIVE_COUNT, %r11
	jb	native
	movq	(fastcall_table + 8 * FASTCALL_LIMIT)(%rip), %r11
	jmp	fast_handler

	/* General: clear TF, DF and AC, mask events, and the frame. */
general:
	movq	%rax, %r11
	subq	$WK_NATIVE_BASE, %r11
	cmpq	$WK_NATIVE_COUNT, %r11
	jb	native				/* a native call: the kernel's */
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
native:
	popfq
	pushq	%rcx
	syscall
	popq	%rcx
	leaq	128(%rsp), %rsp
	jmp	*%rcx
	.size	libos_syscall_entry, . - libos_syscall_entry

/*
 * void light_suspend(uint64_t *light_rsp, void (*then)(void))
 *
 * Suspends the running fast call: the callee-saved registers go on its
 * stack, that RSP into *light_rsp, and `then` (which does not return)
 * runs on the upcall stack. light_resume(*light_rsp), from any stack,
 * continues as if light_suspend had returned.
 */
	.globl	light_suspend
	.type	light_suspend, @function
light_suspend:
	SUSPEND_INTO	(%rdi)
	movabsq	$(LIBOS_UPCALL_STACK_TOP - 8), %rsp
	jmp	*%rsi
	.size	light_suspend, . - light_suspend

/*
 * void light_switch(uint64_t *light_rsp, uint64_t next_rsp)
 *
 * light_suspend's saving, then light_resume(next_rsp): another thread's
 * suspended fast call goes on; this one returns from light_switch when
 * light_resume(*light_rsp) runs.
 */
	.globl	light_switch
	.type	light_switch, @function
light_switch:
	SUSPEND_INTO	(%rdi)
	movq	%rsi, %rdi
	jmp	light_resume
	.size	light_switch, . - light_switch

/*
 * long fastcall_call(struct wk_regs *regs, long (*handler)(struct wk_regs *))
 *
 * handler(regs) on the upcall stack, which no one uses while a fast call
 * runs: a handler goes as deep as the general dispatcher's do, and the
 * thread's own stack keeps only what suspends it.
 */
	.globl	fastcall_call
	.type	fastcall_call, @function
fastcall_call:
	pushq	%rbx
	movq	%rsp, %rbx
	movabsq	$LIBOS_UPCALL_STACK_TOP, %rsp
	call	*%rsi
	movq	%rbx, %rsp
	popq	%rbx
	ret
	.size	fastcall_call, . - fastcall_call

	.globl	on_upcall_stack
	.type	on_upcall_stack, @function
on_upcall_stack:
	movabsq	$(LIBOS_UPCALL_STACK_TOP - 8), %rsp
	jmp	*%rdi
	.size	on_upcall_stack, . - on_upcall_stack

	.globl	light_resume
	.type	light_resume, @function
light_resume:
	movq	%rdi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	light_resume, . - light_resume

	.section .note.GNU-stack, "", @progbits
