/*
 * The faulting blocks of scenario events-exceptions (events_exceptions.c).
 * Each fault_case_NAME():
 *   - records the addresses of its labels 1 (the faulting instruction) and
 *     2 (right after it) in fault_label_insn and fault_label_resume;
 *   - runs its set-up, records RSP in fault_saved_rsp, sets CF and DF,
 *     records RFLAGS in fault_flags_in;
 *   - loads all 15 general registers but RSP from fault_in (struct
 *     wk_regs), runs its trigger, then the instruction at label 1;
 *   - at label 2 (where the event handler resumes it) stores all 16
 *     general registers and RFLAGS into fault_out, clears DF, AC and TF,
 *     restores RSP from fault_saved_rsp, runs its clean-up and returns.
 * Everything is addressed RIP-relative, so no register is needed to reach
 * the data while they hold the patterns.
 */
#include "wicket/abi.h"
#include "callee_saved.h"

/* events.h: EVENT_SCRATCH = SCRATCH_BASE + 0x60000000 */
/* Assembler symbols, not macros: the FAULT_CASE arguments are quoted. */
	.equ	FAULT_READ_ADDRESS, 0x100060010123	/* never mapped */
	.equ	FAULT_READONLY_ADDRESS, 0x100060000458	/* mapped read-only */
	.equ	NON_CANONICAL, 0x8000000000000000

.macro LOAD_GPRS
	movq	fault_in+WK_REGS_RAX(%rip), %rax
	movq	fault_in+WK_REGS_RBX(%rip), %rbx
	movq	fault_in+WK_REGS_RCX(%rip), %rcx
	movq	fault_in+WK_REGS_RDX(%rip), %rdx
	movq	fault_in+WK_REGS_RSI(%rip), %rsi
	movq	fault_in+WK_REGS_RDI(%rip), %rdi
	movq	fault_in+WK_REGS_RBP(%rip), %rbp
	movq	fault_in+WK_REGS_R8(%rip), %r8
	movq	fault_in+WK_REGS_R9(%rip), %r9
	movq	fault_in+WK_REGS_R10(%rip), %r10
	movq	fault_in+WK_REGS_R11(%rip), %r11
	movq	fault_in+WK_REGS_R12(%rip), %r12
	movq	fault_in+WK_REGS_R13(%rip), %r13
	movq	fault_in+WK_REGS_R14(%rip), %r14
	movq	fault_in+WK_REGS_R15(%rip), %r15
.endm

.macro STORE_ALL
	movq	%rax, fault_out+WK_REGS_RAX(%rip)
	movq	%rbx, fault_out+WK_REGS_RBX(%rip)
	movq	%rcx, fault_out+WK_REGS_RCX(%rip)
	movq	%rdx, fault_out+WK_REGS_RDX(%rip)
	movq	%rsi, fault_out+WK_REGS_RSI(%rip)
	movq	%rdi, fault_out+WK_REGS_RDI(%rip)
	movq	%rbp, fault_out+WK_REGS_RBP(%rip)
	movq	%rsp, fault_out+WK_REGS_RSP(%rip)
	movq	%r8, fault_out+WK_REGS_R8(%rip)
	movq	%r9, fault_out+WK_REGS_R9(%rip)
	movq	%r10, fault_out+WK_REGS_R10(%rip)
	movq	%r11, fault_out+WK_REGS_R11(%rip)
	movq	%r12, fault_out+WK_REGS_R12(%rip)
	movq	%r13, fault_out+WK_REGS_R13(%rip)
	movq	%r14, fault_out+WK_REGS_R14(%rip)
	movq	%r15, fault_out+WK_REGS_R15(%rip)
	pushfq
	popq	fault_out+WK_REGS_RFLAGS(%rip)
.endm

.macro FAULT_CASE name, pre, trigger, insn, post
	.text
	.globl	fault_case_\name
	.type	fault_case_\name, @function
fault_case_\name:
	push_callee_saved
	leaq	1f(%rip), %rax
	movq	%rax, fault_label_insn(%rip)
	leaq	2f(%rip), %rax
	movq	%rax, fault_label_resume(%rip)
	\pre
	movq	%rsp, fault_saved_rsp(%rip)
	stc
	std
	pushfq
	popq	fault_flags_in(%rip)
	LOAD_GPRS
	\trigger
1:	\insn
2:	STORE_ALL
	cld
	pushfq
	andq	$~0x40500, (%rsp)	/* AC, DF, TF off */
	popfq
	movq	fault_saved_rsp(%rip), %rsp
	\post
	pop_callee_saved
	ret
	.size	fault_case_\name, . - fault_case_\name
.endm

FAULT_CASE de, "", "", "divq fault_zero(%rip)", ""
FAULT_CASE db_icebp, "", "", ".byte 0xf1", ""
FAULT_CASE db_step, "", "pushfq; orq $0x100, (%rsp); popfq", "nop", ""
FAULT_CASE bp_int3, "", "", "int3", ""
FAULT_CASE bp_int_3, "", "", "int $3", ""
FAULT_CASE ud_ud2, "", "", "ud2", ""
FAULT_CASE gp_cli, "", "", "cli", ""
FAULT_CASE gp_int80, "", "", "int $0x80", ""
FAULT_CASE gp_noncanonical, "", "", "movabsq NON_CANONICAL, %rax", ""
FAULT_CASE ss_push, "", "movabsq $NON_CANONICAL, %rsp", "pushq %rax", ""
FAULT_CASE pf_read, "", "", "movabsq FAULT_READ_ADDRESS, %rax", ""
FAULT_CASE pf_write, "", "", "movabsq %rax, FAULT_READONLY_ADDRESS", ""
FAULT_CASE ac_load, "pushfq; orq $0x40000, (%rsp); popfq", "", "movq fault_misaligned+1(%rip), %rax", ""
FAULT_CASE xm_divss, "ldmxcsr fault_mxcsr_unmasked(%rip); movss fault_one_float(%rip), %xmm0", "", "divss fault_zero_float(%rip), %xmm0", "ldmxcsr fault_mxcsr_default(%rip)"
FAULT_CASE syscall_reflected, "", "", "syscall", ""
FAULT_CASE mf_fwait, "fninit; fldcw fault_fpucw_unmasked(%rip); fld1; fdivs fault_zero_float(%rip)", "", "fwait", "fnclex; fninit"

	.section .rodata
	.balign	8
fault_zero:
	.quad	0
fault_zero_float:
	.float	0.0
fault_one_float:
	.float	1.0
fault_mxcsr_unmasked:
	.long	0x1f80 & ~0x200		/* ZM clear: zero-divide unmasked */
fault_mxcsr_default:
	.long	0x1f80
fault_fpucw_unmasked:
	.short	0x037f & ~0x4		/* ZM clear */

	.data
	.balign	16
	.globl	fault_misaligned
fault_misaligned:
	.quad	0x1122334455667788, 0x99aabbccddeeff00


/* events_bench.c: one #PF on an unmapped page; the handler resumes at
 * bench_fault_resume. */
	.text
	.globl	bench_fault
	.globl	bench_fault_resume
	.type	bench_fault, @function
bench_fault:
	movabsq	FAULT_READ_ADDRESS, %rax
bench_fault_resume:
	ret
	.size	bench_fault, . - bench_fault

	.section .note.GNU-stack, "", @progbits
