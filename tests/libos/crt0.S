/*
 * The test libOS's entry. The kernel enters ring 3 here (abi.h, "Entry
 * into the libOS") with RDI = the info page address and RSP = WK_STACK_TOP,
 * 16-byte aligned as after a return address was popped; every other
 * general register is 0 and RFLAGS holds IF only.
 *
 * `call` pushes 8 bytes, so at libos_main's first instruction RSP + 8 is
 * 16-byte aligned, as the SysV ABI requires. libos_main returns the exit
 * status; libos_exit never returns.
 */
	.section .text.entry, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* the outermost frame for debuggers */
	call	libos_main		/* RDI still holds the info page */
	movl	%eax, %edi
	call	libos_exit
	ud2				/* libos_exit does not return */
	.size	_start, . - _start

	.section .note.GNU-stack, "", @progbits
