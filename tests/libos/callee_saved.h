/*
 * Assembly macros for the System V callee-saved registers (RBX, RBP,
 * R12-R15), shared by the test libOS's .S files.
 */
#ifndef LIBOS_TEST_CALLEE_SAVED_H
#define LIBOS_TEST_CALLEE_SAVED_H

.macro push_callee_saved
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro pop_callee_saved
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
.endm

#endif
