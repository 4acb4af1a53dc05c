/*
 * Assembly for the event scenarios (events.h):
 *
 *   event_entry         where the kernel enters on an event (abi.h,
 *                       "Events"): RSP = upcall stack top - 8, RDI = the
 *                       vCPU, RSI = the kind. Calls event_dispatch(vcpu,
 *                       kind), which never returns.
 *   self_state_here     set_self_state to a copy of the current registers
 *                       that resumes right after the call.
 *   self_state_probe    the same with an edit hook between the capture and
 *                       the call, and a record of what arrived.
 */
#include "wicket/abi.h"
#include "callee_saved.h"

#define SELF_STATE_RESUMED 0x5e1f5e1f
#define CALL_SET_SELF_STATE (WK_NATIVE_BASE + 7)

/* Stores every general register but RAX into the struct wk_regs at
 * \base (a register other than those being stored is not required: the
 * base register stores its own value too). */
.macro STORE_GPRS base
	movq	%rbx, WK_REGS_RBX(\base)
	movq	%rcx, WK_REGS_RCX(\base)
	movq	%rdx, WK_REGS_RDX(\base)
	movq	%rsi, WK_REGS_RSI(\base)
	movq	%rdi, WK_REGS_RDI(\base)
	movq	%rbp, WK_REGS_RBP(\base)
	movq	%rsp, WK_REGS_RSP(\base)
	movq	%r8, WK_REGS_R8(\base)
	movq	%r9, WK_REGS_R9(\base)
	movq	%r10, WK_REGS_R10(\base)
	movq	%r11, WK_REGS_R11(\base)
	movq	%r12, WK_REGS_R12(\base)
	movq	%r13, WK_REGS_R13(\base)
	movq	%r14, WK_REGS_R14(\base)
	movq	%r15, WK_REGS_R15(\base)
.endm

	.text

	.globl	event_entry
	.type	event_entry, @function
event_entry:
	/* A record of the registers as the kernel entered (events.h:
	 * event_entry_regs), for the scenarios to check the entry state. */
	movq	%rax, event_entry_regs+WK_REGS_RAX(%rip)
	leaq	event_entry_regs(%rip), %rax
	STORE_GPRS %rax
	movq	event_entry_regs+WK_REGS_RAX(%rip), %rax
	pushfq
	popq	event_entry_regs+WK_REGS_RFLAGS(%rip)
	/* RSP + 8 is 16-byte aligned, as at a function's entry: one more
	 * slot makes RSP aligned for the call. */
	subq	$8, %rsp
	call	event_dispatch
	ud2				/* event_dispatch does not return */
	.size	event_entry, . - event_entry

/*
 * long self_state_here(struct wk_regs *state, uint64_t flags)
 *
 * Fills *state with the current registers: RIP = self_state_here_resume
 * (right after the syscall), RSP as it is there, RFLAGS as now, RAX =
 * SELF_STATE_RESUMED, FS base = the global current_fs_base; then
 * set_self_state(state, sizeof, flags). Returns SELF_STATE_RESUMED when
 * the state took effect (directly, or after an event delivered with it as
 * the interrupted context), else set_self_state's error.
 */
	.globl	self_state_here
	.globl	self_state_here_resume
	.type	self_state_here, @function
self_state_here:
	STORE_GPRS %rdi
	movq	$SELF_STATE_RESUMED, WK_REGS_RAX(%rdi)
	leaq	self_state_here_resume(%rip), %rax
	movq	%rax, WK_REGS_RIP(%rdi)
	pushfq
	popq	WK_REGS_RFLAGS(%rdi)
	movq	current_fs_base(%rip), %rax
	movq	%rax, WK_REGS_FS_BASE(%rdi)
	movq	%rsi, %rdx
	movl	$WK_REGS_SIZE, %esi
	movl	$CALL_SET_SELF_STATE, %eax
	syscall
self_state_here_resume:
	ret
	.size	self_state_here, . - self_state_here

/*
 * long self_state_probe(struct wk_regs *state, uint64_t size,
 *                       uint64_t flags, void (*edit)(struct wk_regs *))
 *
 * Captures the current registers into *state as self_state_here does
 * (RIP = probe_landing), calls edit(state) when edit is not NULL, then
 * set_self_state(state, size, flags). At probe_landing (reached on
 * success, and by falling through when the call returns an error) the
 * first instruction records RFLAGS in probe_rflags, then every general
 * register goes into probe_regs; TF and AC are cleared, DF too, the
 * callee-saved registers restored, and RAX returned.
 */
	.globl	self_state_probe
	.globl	probe_landing
	.globl	probe_landing_next
	.type	self_state_probe, @function
self_state_probe:
	push_callee_saved
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx			/* 9 pushes: RSP is 16-byte aligned */
	STORE_GPRS %rdi
	movq	$SELF_STATE_RESUMED, WK_REGS_RAX(%rdi)
	leaq	probe_landing(%rip), %rax
	movq	%rax, WK_REGS_RIP(%rdi)
	pushfq
	popq	WK_REGS_RFLAGS(%rdi)
	movq	current_fs_base(%rip), %rax
	movq	%rax, WK_REGS_FS_BASE(%rdi)
	testq	%rcx, %rcx
	jz	1f
	call	*%rcx
1:	movq	16(%rsp), %rdi
	movq	8(%rsp), %rsi
	movq	(%rsp), %rdx
	movl	$CALL_SET_SELF_STATE, %eax
	syscall
probe_landing:
	pushfq				/* with TF set, #DB comes after this */
probe_landing_next:
	popq	probe_rflags(%rip)
	movq	%rax, probe_regs+WK_REGS_RAX(%rip)
	leaq	probe_regs(%rip), %rax
	STORE_GPRS %rax
	movq	probe_regs+WK_REGS_RAX(%rip), %rax
	pushfq
	andq	$~0x40500, (%rsp)	/* AC, DF, TF off */
	popfq
	addq	$24, %rsp
	pop_callee_saved
	ret
	.size	self_state_probe, . - self_state_probe

	.section .note.GNU-stack, "", @progbits
