/*
 * uint64_t preserve_check(long number)
 *
 * Loads a distinct pattern into RBX RBP RDI RSI RDX R8 R9 R10 R12 R13 R14
 * R15, runs `syscall` with RAX = number (whatever the call does with these
 * as arguments, it must hand them back unchanged: abi.h), then returns a
 * mask with bit n set when the n-th register of that list changed. SYSCALL
 * itself clobbers RCX (return RIP) and R11 (RFLAGS); RAX is the result.
 * The callee-saved registers of the SysV ABI are saved and restored here.
 */
#include "callee_saved.h"
#define PATTERN(n) $(0x5a5a000000000000 + (n) * 0x0101010101)

	.text
	.globl	preserve_check
	.type	preserve_check, @function
preserve_check:
	push_callee_saved
	movq	%rdi, %rax
	movabsq	PATTERN(0), %rbx
	movabsq	PATTERN(1), %rbp
	movabsq	PATTERN(2), %rdi
	movabsq	PATTERN(3), %rsi
	movabsq	PATTERN(4), %rdx
	movabsq	PATTERN(5), %r8
	movabsq	PATTERN(6), %r9
	movabsq	PATTERN(7), %r10
	movabsq	PATTERN(8), %r12
	movabsq	PATTERN(9), %r13
	movabsq	PATTERN(10), %r14
	movabsq	PATTERN(11), %r15
	syscall
	xorl	%eax, %eax
	/* For each register: RCX = expected pattern; if it differs, set the
	 * bit. R11 is free (SYSCALL clobbered it) and holds the bit. */
#define CHECK(reg, n)				\
	movabsq	PATTERN(n), %rcx;		\
	cmpq	%rcx, reg;			\
	je	1f;				\
	movl	$(1 << (n)), %r11d;		\
	orq	%r11, %rax;			\
1:
	CHECK(%rbx, 0)
	CHECK(%rbp, 1)
	CHECK(%rdi, 2)
	CHECK(%rsi, 3)
	CHECK(%rdx, 4)
	CHECK(%r8, 5)
	CHECK(%r9, 6)
	CHECK(%r10, 7)
	CHECK(%r12, 8)
	CHECK(%r13, 9)
	CHECK(%r14, 10)
	CHECK(%r15, 11)
	pop_callee_saved
	ret
	.size	preserve_check, . - preserve_check

	.section .note.GNU-stack, "", @progbits
