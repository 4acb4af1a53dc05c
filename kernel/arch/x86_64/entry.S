/*
 * Kernel entry and exit: 256 interrupt/exception stubs generated from one
 * macro, SYSCALL, the two exits (IRETQ and SYSRET), and the stack switch
 * kmain uses. Every entry builds the same struct trap_frame
 * (trap_frame.h) and hands it to C; C decides everything.
 *
 * GS follows the SWAPGS rule in percpu.h: SWAPGS on entry from ring 3 and
 * on exit to ring 3, never for ring 0. Nothing here uses GS between an
 * entry and its SWAPGS.
 */
#include "arch/x86_64/layout.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap_frame.h"
#include "wicket/abi.h"

	.text

.macro save_general_registers
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
.endm

.macro restore_general_registers
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
.endm

/* ---- interrupts and exceptions */

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

/* On entry the CPU has pushed SS, RSP, RFLAGS, CS, RIP and, for some
 * vectors, an error code; the stub pushes a zero in its place for the
 * others, then the vector. */
.macro trap_stub vector
	.balign 16
.Ltrap_stub_\vector:
	has_error_code \vector
	.if .Lerr == 0
	pushq $0
	.endif
	pushq $\vector
	jmp trap_common
.endm

	/* One symbol for all 256 stubs (local labels keep the embedded symbol
	 * table small); a backtrace names an address in them trap_stubs+N. */
	.altmacro
	.balign 16
	.globl trap_stubs
trap_stubs:
.set vector, 0
.rept 256
	trap_stub %vector
	.set vector, vector + 1
.endr

/* RSP points at the vector: the saved CS is above it. */
trap_common:
	testb $3, (TRAP_FRAME_CS - TRAP_FRAME_VECTOR)(%rsp)
	jz 1f
	swapgs                          /* from ring 3 */
	incq kernel_counters + WK_COUNTERS_TRAPS(%rip)
1:	subq $TRAP_FRAME_VECTOR, %rsp
	save_general_registers
	cld
	/* In long mode the CPU aligns RSP to 16 before pushing its frame, and
	 * TRAP_FRAME_SIZE is a multiple of 16: the call below is aligned. */
	movq %rsp, %rdi
	call trap_dispatch
	jmp trap_return

/*
 * The IRETQ exit: RSP points at a complete struct trap_frame. Used by
 * interrupts and exceptions, by SYSCALL when SYSRET is not safe, and by
 * arch_enter_user.
 */
trap_return:
	testb $3, TRAP_FRAME_CS(%rsp)
	jz 2f
	swapgs                          /* to ring 3 */
2:	restore_general_registers
	addq $TRAP_FRAME_RIP, %rsp
	iretq

/* void arch_enter_user(struct trap_frame *frame) */
	.globl arch_enter_user
arch_enter_user:
	movq %rdi, %rsp
	jmp trap_return

/* ---- SYSCALL */

/*
 * The CPU just did: RCX = the user's RIP after the instruction, R11 = the
 * user's RFLAGS, CS/SS from STAR, RFLAGS &= ~SFMASK (IF, TF, DF, AC, NT,
 * IOPL now clear). RSP is still the user's and untrusted; GS is the user's.
 */
	.balign 16
	.globl syscall_entry
syscall_entry:
	swapgs
	incq kernel_counters + WK_COUNTERS_SYSCALLS(%rip)
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KERNEL_STACK, %rsp
	cmpq $SYSCALL_SET_SELF_STATE, %rax
	je set_self_state_entry
syscall_generic:
	pushq $(GDT_USER_DATA | 3)      /* SS */
	pushq %gs:PERCPU_USER_RSP       /* RSP */
	pushq %r11                      /* RFLAGS */
	pushq $(GDT_USER_CODE64 | 3)    /* CS */
	pushq %rcx                      /* RIP */
	pushq $0                        /* error code */
	pushq $TRAP_VECTOR_SYSCALL
	subq $TRAP_FRAME_VECTOR, %rsp
	save_general_registers
	movq %rsp, %rdi
	call syscall_dispatch
	testb %al, %al
	jz trap_return
	/* SYSRET: syscall_dispatch checked that the frame's RCX is its RIP,
	 * its R11 its RFLAGS, RIP canonical below the user limit, RF and TF
	 * clear. The user RSP is loaded last, after the frame is read. */
	restore_general_registers
	movq TRAP_FRAME_RSP(%rsp), %rsp
	swapgs
	sysretq

/*
 * set_self_state's fast path. The caller's registers are discarded on
 * success, so no frame is built: the argument and SYSCALL registers are
 * kept only for a fallback to the generic path, set_self_state_fast()
 * copies and checks the new state into a buffer on the stack, and the new
 * state is loaded from there and entered by IRETQ (CS and SS are the
 * kernel's constants, RFLAGS already sanitised).
 */
#define FAST_SAVED (9 * 8)
	.balign 16
set_self_state_entry:
	pushq %rax
	pushq %rcx
	pushq %r11
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %r10
	pushq %r8
	pushq %r9
	/* 9 words + the buffer keep RSP 16-byte aligned for the call. */
	subq $WK_REGS_SIZE, %rsp
	movq %rsp, %rcx
	call set_self_state_fast
	testb %al, %al
	jz 3f
	pushq $(GDT_USER_DATA | 3)                   /* SS; buffer at +8 */
	pushq (WK_REGS_RSP + 8)(%rsp)                /* RSP; buffer at +16 */
	pushq (WK_REGS_RFLAGS + 16)(%rsp)            /* RFLAGS; +24 */
	pushq $(GDT_USER_CODE64 | 3)                 /* CS; +32 */
	pushq (WK_REGS_RIP + 32)(%rsp)               /* RIP; +40 */
	movq (WK_REGS_RAX + 40)(%rsp), %rax
	movq (WK_REGS_RBX + 40)(%rsp), %rbx
	movq (WK_REGS_RCX + 40)(%rsp), %rcx
	movq (WK_REGS_RDX + 40)(%rsp), %rdx
	movq (WK_REGS_RSI + 40)(%rsp), %rsi
	movq (WK_REGS_RDI + 40)(%rsp), %rdi
	movq (WK_REGS_RBP + 40)(%rsp), %rbp
	movq (WK_REGS_R8 + 40)(%rsp), %r8
	movq (WK_REGS_R9 + 40)(%rsp), %r9
	movq (WK_REGS_R10 + 40)(%rsp), %r10
	movq (WK_REGS_R11 + 40)(%rsp), %r11
	movq (WK_REGS_R12 + 40)(%rsp), %r12
	movq (WK_REGS_R13 + 40)(%rsp), %r13
	movq (WK_REGS_R14 + 40)(%rsp), %r14
	movq (WK_REGS_R15 + 40)(%rsp), %r15
	swapgs
	iretq
	/* Fallback: the caller's registers back, then the generic path
	 * (the user RSP is still in the per-CPU slot). */
3:	addq $WK_REGS_SIZE, %rsp
	popq %r9
	popq %r8
	popq %r10
	popq %rdx
	popq %rsi
	popq %rdi
	popq %r11
	popq %rcx
	popq %rax
	jmp syscall_generic

/* The stub addresses, for idt.c. */
	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
.macro trap_stub_address vector
	.quad .Ltrap_stub_\vector
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
