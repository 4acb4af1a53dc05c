/*
 * Interrupt and exception entry: 256 stubs generated from one macro, one
 * common path to trap_dispatch(), and the stack switch kmain uses.
 *
 * On entry the CPU has pushed SS, RSP, RFLAGS, CS, RIP and, for the vectors
 * in TRAP_VECTORS_WITH_ERROR_CODE, an error code; the stub pushes a zero in
 * its place for the others, then the vector. All entries so far come from
 * ring 0 (no user mode until #3), so no SWAPGS: #3 adds the CS.RPL test here.
 */
#include "arch/x86_64/trap_frame.h"

	.text

/* has_error_code VECTOR: sets the assembler symbol .Lerr to 1 when the CPU
 * pushes an error code for VECTOR. */
.macro has_error_code vector
	.set .Lerr, 0
	.irp v, TRAP_VECTORS_WITH_ERROR_CODE
	.if \vector == \v
	.set .Lerr, 1
	.endif
	.endr
.endm

.macro trap_stub vector
	.balign 16
trap_stub_\vector:
	has_error_code \vector
	.if .Lerr == 0
	pushq $0
	.endif
	pushq $\vector
	jmp trap_common
.endm

	.altmacro
.set vector, 0
.rept 256
	trap_stub %vector
	.set vector, vector + 1
.endr

/* The frame: TRAP_FRAME_VECTOR bytes of registers below the vector. */
trap_common:
	subq $TRAP_FRAME_VECTOR, %rsp
	movq %r15, TRAP_FRAME_R15(%rsp)
	movq %r14, TRAP_FRAME_R14(%rsp)
	movq %r13, TRAP_FRAME_R13(%rsp)
	movq %r12, TRAP_FRAME_R12(%rsp)
	movq %r11, TRAP_FRAME_R11(%rsp)
	movq %r10, TRAP_FRAME_R10(%rsp)
	movq %r9, TRAP_FRAME_R9(%rsp)
	movq %r8, TRAP_FRAME_R8(%rsp)
	movq %rbp, TRAP_FRAME_RBP(%rsp)
	movq %rdi, TRAP_FRAME_RDI(%rsp)
	movq %rsi, TRAP_FRAME_RSI(%rsp)
	movq %rdx, TRAP_FRAME_RDX(%rsp)
	movq %rcx, TRAP_FRAME_RCX(%rsp)
	movq %rbx, TRAP_FRAME_RBX(%rsp)
	movq %rax, TRAP_FRAME_RAX(%rsp)
	cld
	/* In long mode the CPU aligns RSP to 16 before pushing its frame, and
	 * TRAP_FRAME_SIZE is a multiple of 16: the call below is aligned. */
	movq %rsp, %rdi
	call trap_dispatch
	movq TRAP_FRAME_R15(%rsp), %r15
	movq TRAP_FRAME_R14(%rsp), %r14
	movq TRAP_FRAME_R13(%rsp), %r13
	movq TRAP_FRAME_R12(%rsp), %r12
	movq TRAP_FRAME_R11(%rsp), %r11
	movq TRAP_FRAME_R10(%rsp), %r10
	movq TRAP_FRAME_R9(%rsp), %r9
	movq TRAP_FRAME_R8(%rsp), %r8
	movq TRAP_FRAME_RBP(%rsp), %rbp
	movq TRAP_FRAME_RDI(%rsp), %rdi
	movq TRAP_FRAME_RSI(%rsp), %rsi
	movq TRAP_FRAME_RDX(%rsp), %rdx
	movq TRAP_FRAME_RCX(%rsp), %rcx
	movq TRAP_FRAME_RBX(%rsp), %rbx
	movq TRAP_FRAME_RAX(%rsp), %rax
	addq $TRAP_FRAME_RIP, %rsp
	iretq

/* The stub addresses, for idt.c. */
	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
.macro trap_stub_address vector
	.quad trap_stub_\vector
.endm
.set vector, 0
.rept 256
	trap_stub_address %vector
	.set vector, vector + 1
.endr

/*
 * void arch_run_on_stack(uint64_t stack_top, void (*function)(void *),
 *                        void *argument)
 * Switches RSP to stack_top (16-byte aligned) and calls function(argument),
 * which must not return.
 */
	.text
	.globl arch_run_on_stack
arch_run_on_stack:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	movq %rdx, %rdi
	call *%rsi
	ud2

	.section .note.GNU-stack, "", @progbits
