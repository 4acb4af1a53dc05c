/*
 * The floor the event paths are measured against (issue #4: each within
 * 1.2x of a minimal hand-written path doing the same work). Test kernel
 * only. `int $BASELINE_TOGGLE_VECTOR` from ring 3 switches LSTAR and the
 * #PF gate between the kernel's real entries and these (selftest.c), so
 * that tests/libos/events_bench.c times both in one run.
 *
 * Each path does the work abi.h asks of the real one, for this CPU and
 * nothing more: the same stores into the vCPU page (all 16 registers, RIP,
 * RSP, RFLAGS, FS base, the event, masked and pending), the masked check,
 * the upcall-stack probe, the same checks and sanitising of a
 * set_self_state, the unmask, and the same exits (IRETQ for a fault and
 * set_self_state, SYSRET for a reflected call). Left out, since these are
 * the real paths' own choices rather than the work: the kernel-entry
 * counters, SWAPGS and the per-CPU stack (a static stack and scratch word
 * serve one CPU), the fall-backs to C for unusual cases, and run-time
 * tests for SMAP and FSGSBASE (the toggle refuses a CPU without them).
 * A fault on user memory here is a test-kernel panic (baseline_failed).
 */
#include "arch/x86_64/layout.h"
#include "arch/x86_64/trap_frame.h"
#include "lib/extable.h"
#include "wicket/abi.h"

.macro put reg_or_imm, destination
.Lput\@:
	movq \reg_or_imm, \destination
	EXTABLE_ENTRY(.Lput\@, baseline_fault)
.endm
.macro get source, reg
.Lget\@:
	movq \source, \reg
	EXTABLE_ENTRY(.Lget\@, baseline_fault)
.endm
.macro put_frame reg, offset, base
	put \reg, (WK_VCPU_FRAME + \offset)(\base)
.endm

	.text
/* SYSCALL while the baseline is on: set_self_state or a reflected call
 * (the bench makes no native call meanwhile). */
	.balign 16
	.globl baseline_syscall_entry
baseline_syscall_entry:
	cmpq $SYSCALL_SET_SELF_STATE, %rax
	je baseline_set_self_state
	movq %rcx, baseline_scratch(%rip)       /* the app's RIP */
	movq %rsp, baseline_scratch+8(%rip)     /* and RSP */
	leaq baseline_stack_top(%rip), %rsp
	movq event_vcpu(%rip), %rcx
	stac
1:	cmpl $0, WK_VCPU_EVENTS_MASKED(%rcx)
	EXTABLE_ENTRY(1b, baseline_fault)
	jne baseline_fault
	put_frame %rax, WK_REGS_RAX, %rcx
	put_frame %rbx, WK_REGS_RBX, %rcx
	put_frame %rdx, WK_REGS_RDX, %rcx
	put_frame %rsi, WK_REGS_RSI, %rcx
	put_frame %rdi, WK_REGS_RDI, %rcx
	put_frame %rbp, WK_REGS_RBP, %rcx
	put_frame %r8, WK_REGS_R8, %rcx
	put_frame %r9, WK_REGS_R9, %rcx
	put_frame %r10, WK_REGS_R10, %rcx
	put_frame %r11, WK_REGS_R11, %rcx
	put_frame %r11, WK_REGS_RFLAGS, %rcx
	put_frame %r12, WK_REGS_R12, %rcx
	put_frame %r13, WK_REGS_R13, %rcx
	put_frame %r14, WK_REGS_R14, %rcx
	put_frame %r15, WK_REGS_R15, %rcx
	movq baseline_scratch(%rip), %rdi
	put_frame %rdi, WK_REGS_RIP, %rcx
	put_frame %rdi, WK_REGS_RCX, %rcx
	movq baseline_scratch+8(%rip), %rdi
	put_frame %rdi, WK_REGS_RSP, %rcx
	rdfsbase %rdi
	put_frame %rdi, WK_REGS_FS_BASE, %rcx
	put $WK_EVENT_SYSCALL, WK_VCPU_EVENT_KIND(%rcx)
	put $0, WK_VCPU_EVENT_ERROR_CODE(%rcx)
	put $0, WK_VCPU_EVENT_FAULT_ADDRESS(%rcx)
	put %rax, WK_VCPU_EVENT_SYSCALL_NUMBER(%rcx)
	movl events_pending(%rip), %edi
	shlq $32, %rdi
	orq $1, %rdi
	put %rdi, WK_VCPU_EVENTS_MASKED(%rcx)
	movq event_stack(%rip), %rsi
	put $0, -8(%rsi)
	clac
	movq %rcx, %rdi
	leaq -8(%rsi), %rsp
	movl $WK_EVENT_SYSCALL, %esi
	movq event_entry(%rip), %rcx
	movl $RFLAGS_EVENT_ENTRY, %r11d
	sysretq

/* set_self_state(state, size, flags): checks as abi.h, then IRETQ. */
baseline_set_self_state:
	leaq baseline_stack_top(%rip), %rsp
	cmpq $WK_REGS_SIZE, %rsi
	jne baseline_fault
	testq $~WK_UNMASK, %rdx
	jnz baseline_fault
	movabsq $(WK_USER_LIMIT - WK_REGS_SIZE), %rax
	cmpq %rax, %rdi
	ja baseline_fault
	stac
	get WK_REGS_RIP(%rdi), %rcx
	movabsq $WK_USER_LIMIT, %rax
	cmpq %rax, %rcx
	jae baseline_fault
	get WK_REGS_RSP(%rdi), %r11
	get WK_REGS_FS_BASE(%rdi), %rax
	movq %r11, %rsi
	orq %rax, %rsi
	shrq $47, %rsi
	jnz baseline_fault
	testb $WK_UNMASK, %dl
	jz 1f
	cmpl $0, events_pending(%rip)
	jne baseline_fault                      /* the bench arms no timer */
	movq event_vcpu(%rip), %rsi
2:	movl $0, WK_VCPU_EVENTS_MASKED(%rsi)
	EXTABLE_ENTRY(2b, baseline_fault)
1:	wrfsbase %rax
	pushq $(GDT_USER_DATA | 3)
	pushq %r11
	get WK_REGS_RFLAGS(%rdi), %r11
	andl $RFLAGS_USER_BITS, %r11d
	orl $RFLAGS_ALWAYS, %r11d
	pushq %r11
	pushq $(GDT_USER_CODE64 | 3)
	pushq %rcx
	get WK_REGS_RAX(%rdi), %rax
	get WK_REGS_RBX(%rdi), %rbx
	get WK_REGS_RCX(%rdi), %rcx
	get WK_REGS_RDX(%rdi), %rdx
	get WK_REGS_RSI(%rdi), %rsi
	get WK_REGS_RBP(%rdi), %rbp
	get WK_REGS_R8(%rdi), %r8
	get WK_REGS_R9(%rdi), %r9
	get WK_REGS_R10(%rdi), %r10
	get WK_REGS_R11(%rdi), %r11
	get WK_REGS_R12(%rdi), %r12
	get WK_REGS_R13(%rdi), %r13
	get WK_REGS_R14(%rdi), %r14
	get WK_REGS_R15(%rdi), %r15
	get WK_REGS_RDI(%rdi), %rdi
	clac
	iretq

/* #PF while the baseline is on. A kernel fault (a user copy's fixup) goes
 * to the real stub. */
	.balign 16
	.globl baseline_page_fault
baseline_page_fault:
	testb $3, 16(%rsp)                      /* CS, above the error code */
	jz 3f
	pushq %rax
	pushq %rbx
	movq event_vcpu(%rip), %rax
	stac
1:	cmpl $0, WK_VCPU_EVENTS_MASKED(%rax)
	EXTABLE_ENTRY(1b, baseline_fault)
	jne baseline_fault
	movq 8(%rsp), %rbx
	put_frame %rbx, WK_REGS_RAX, %rax
	movq (%rsp), %rbx
	put_frame %rbx, WK_REGS_RBX, %rax
	put_frame %rcx, WK_REGS_RCX, %rax
	put_frame %rdx, WK_REGS_RDX, %rax
	put_frame %rsi, WK_REGS_RSI, %rax
	put_frame %rdi, WK_REGS_RDI, %rax
	put_frame %rbp, WK_REGS_RBP, %rax
	put_frame %r8, WK_REGS_R8, %rax
	put_frame %r9, WK_REGS_R9, %rax
	put_frame %r10, WK_REGS_R10, %rax
	put_frame %r11, WK_REGS_R11, %rax
	put_frame %r12, WK_REGS_R12, %rax
	put_frame %r13, WK_REGS_R13, %rax
	put_frame %r14, WK_REGS_R14, %rax
	put_frame %r15, WK_REGS_R15, %rax
	movq 24(%rsp), %rbx                     /* RIP */
	put_frame %rbx, WK_REGS_RIP, %rax
	movq 48(%rsp), %rbx                     /* RSP */
	put_frame %rbx, WK_REGS_RSP, %rax
	movq 40(%rsp), %rbx                     /* RFLAGS */
	put_frame %rbx, WK_REGS_RFLAGS, %rax
	rdfsbase %rbx
	put_frame %rbx, WK_REGS_FS_BASE, %rax
	movabsq $((VECTOR_PAGE_FAULT << 32) | WK_EVENT_EXCEPTION), %rbx
	put %rbx, WK_VCPU_EVENT_KIND(%rax)
	movq 16(%rsp), %rbx                     /* the error code */
	put %rbx, WK_VCPU_EVENT_ERROR_CODE(%rax)
	movq %cr2, %rbx
	put %rbx, WK_VCPU_EVENT_FAULT_ADDRESS(%rax)
	put $0, WK_VCPU_EVENT_SYSCALL_NUMBER(%rax)
	movl events_pending(%rip), %ebx
	shlq $32, %rbx
	orq $1, %rbx
	put %rbx, WK_VCPU_EVENTS_MASKED(%rax)
	movq event_stack(%rip), %rbx
	put $0, -8(%rbx)
	clac
	subq $8, %rbx
	movq %rbx, 48(%rsp)
	movq $RFLAGS_EVENT_ENTRY, 40(%rsp)
	movq event_entry(%rip), %rbx
	movq %rbx, 24(%rsp)
	movq %rax, %rdi
	movl $WK_EVENT_EXCEPTION, %esi
	popq %rbx
	popq %rax
	addq $8, %rsp                           /* the error code */
	iretq
3:	jmp *(trap_stub_table + VECTOR_PAGE_FAULT * 8)(%rip)

baseline_fault:
	clac
	call baseline_failed                    /* does not return */

/* INT $BASELINE_TOGGLE_VECTOR from ring 3: RAX = baseline_toggle(). */
	.balign 16
	.globl baseline_toggle_entry
baseline_toggle_entry:
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	subq $8, %rsp                   /* 5 + 8 + 1 words: aligned */
	cld
	call baseline_toggle
	addq $8, %rsp
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	iretq

	.bss
	.balign 16
baseline_scratch:
	.skip 16
baseline_stack:
	.skip 256
baseline_stack_top:

	.section .note.GNU-stack, "", @progbits
