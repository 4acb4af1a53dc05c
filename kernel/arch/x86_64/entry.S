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
#include "lib/extable.h"
#include "wicket/abi.h"

	.text

/*
 * The general registers in struct trap_frame's order (TRAP_FRAME_REGISTERS
 * in trap_frame.h, which also declares the struct's fields): from
 * r15 at offset 0 up to rax, 8 bytes apart. for_each_frame_register OP
 * expands "OP register, offset" for each.
 */
.macro for_each_frame_register op
	.set .Lframe_offset, 0
	.irp reg, TRAP_FRAME_REGISTERS
	\op \reg, .Lframe_offset
	.set .Lframe_offset, .Lframe_offset + 8
	.endr
.endm

.macro save_frame_register reg, offset
	movq %\reg, \offset(%rsp)
.endm

.macro restore_frame_register reg, offset
	movq \offset(%rsp), %\reg
.endm

/* ---- interrupts and exceptions */

/* On entry the CPU has pushed SS, RSP, RFLAGS, CS, RIP and, for some
 * vectors, an error code; the stub pushes a zero in its place for the
 * others, then the vector. Each stub adds its address to
 * trap_stub_table. */
.macro trap_stub vector
	.balign 16
.Ltrap_stub_\vector:
	.pushsection .rodata
	.quad .Ltrap_stub_\vector
	.popsection
	.if \vector > 31 || ((TRAP_ERROR_CODE_VECTORS >> (\vector % 32)) & 1) == 0
	pushq $0
	.endif
	pushq $\vector
	/* Exceptions that may become events (all but NMI, #DF and #MC). */
	.if \vector == VECTOR_PAGE_FAULT
	jmp trap_page_fault
	.elseif \vector < 32 && \vector != VECTOR_NMI && \
		\vector != VECTOR_DOUBLE_FAULT && \vector != VECTOR_MACHINE_CHECK
	jmp trap_exception
	.else
	jmp trap_common
	.endif
.endm

/* \instruction (STAC or CLAC) only when SMAP is on (they are #UD
 * without it). Clobbers RFLAGS. */
.macro if_smap instruction
	testb $1, uaccess_smap(%rip)
	jz .Lno_smap\@
	\instruction
.Lno_smap\@:
.endm

/* One instruction that accesses user memory, covered by the exception
 * table: a fault there resumes at \fixup. */
.macro user_insn fixup, instruction:vararg
.Luser\@:
	\instruction
	EXTABLE_ENTRY(.Luser\@, \fixup)
.endm

/* A store to user memory covered by the exception table. */
.macro put_user source, destination, fixup
	user_insn \fixup, movq \source, \destination
.endm

/*
 * The general registers in struct wk_regs's order (abi.h): rax at
 * WK_REGS_RAX up to r15, 8 bytes apart, rsp among them.
 * for_each_user_register FIRST, SECOND, OP, ARGS expands
 * "OP %register, offset, ARGS" for each but RSP, FIRST and SECOND.
 */
.if WK_REGS_RSP != WK_REGS_RAX + 7 * 8 || WK_REGS_R15 != WK_REGS_RAX + 15 * 8
.error "struct wk_regs is not in the order for_each_user_register assumes"
.endif
.macro for_each_user_register first, second, op, args:vararg
	.set .Luser_offset, WK_REGS_RAX
	.irp reg, rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8, r9, r10, r11, r12, r13, r14, r15
	.ifnc \reg, rsp
	.ifnc %\reg, \first
	.ifnc %\reg, \second
	\op %\reg, .Luser_offset, \args
	.endif
	.endif
	.endif
	.set .Luser_offset, .Luser_offset + 8
	.endr
.endm

/* \reg into the struct wk_regs in the vCPU page at RDI. */
.macro save_to_vcpu reg, offset, fixup
	put_user \reg, (WK_VCPU_FRAME + \offset)(%rdi), \fixup
.endm

	/* The stub addresses, in vector order, for idt.c. */
	.pushsection .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
	.popsection
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
	.noaltmacro			/* "%" below is a register again */

/* RSP points at the vector: the saved CS is above it. */
trap_common:
	testb $3, (TRAP_FRAME_CS - TRAP_FRAME_VECTOR)(%rsp)
	jz .Ltrap_from_kernel
	incq kernel_counters + WK_COUNTERS_TRAPS(%rip)
.Ltrap_from_user:                       /* counted already */
	swapgs
.Ltrap_from_kernel:
	subq $TRAP_FRAME_VECTOR, %rsp
	for_each_frame_register save_frame_register
	cld
	/* In long mode the CPU aligns RSP to 16 before pushing its frame, and
	 * TRAP_FRAME_SIZE is a multiple of 16: the call below is aligned. */
	movq %rsp, %rdi
	call trap_dispatch
	jmp trap_return

/*
 * An exception from ring 3 with events set up, delivered without C: the
 * registers go straight into the vCPU page (abi.h, "Events"), and IRETQ
 * enters the libOS with every register but RDI (the vCPU) and RSI (the
 * kind) as the app had them. GS is not used, so no SWAPGS.
 *
 * The rule of the fast paths (here, syscall_reflect, set_self_state_entry):
 * the first user accesses prove the memory usable (the upcall stack's top
 * word, then a read-modify-write of the vCPU page's first word and a write
 * of its last; a state's first and last words). A fault there, or any
 * unusual case (events masked, bad arguments, an event to deliver), takes
 * the C path with the app's registers intact, and C decides (for a #PF,
 * C re-reads CR2, which such a fault changed: only its report can show
 * the wrong address). The accesses after those cannot fault with one CPU
 * and interrupts off; their fixup, events_fast_path_fault, exists only
 * so that no kernel instruction touches user memory without one.
 */
/* The first accesses of a fast path, by the rule above: the upcall stack's
 * top word, then a read-modify-write of events_masked. Leaves the vCPU
 * page's address in RDI; a fault, events masked, or a CPU without
 * FSGSBASE (C reads the FS base's MSR) goes to \slow. */
.macro open_vcpu_page slow
	testb $1, entry_rdfsbase(%rip)
	jz \slow
	if_smap stac
	movq event_stack(%rip), %rdi
	put_user $0, -8(%rdi), \slow
	movq event_vcpu(%rip), %rdi
	user_insn \slow, orl $0, WK_VCPU_EVENTS_MASKED(%rdi)
	jnz \slow
.endm

/* The last words of a delivery: the FS base, then events_masked = 1 with
 * the kernel's pending bits beside it, in one store. Uses RSI. */
.macro close_vcpu_page fixup
	rdfsbase %rsi
	put_user %rsi, (WK_VCPU_FRAME + WK_REGS_FS_BASE)(%rdi), \fixup
	movl events_pending(%rip), %esi
	shlq $32, %rsi
	orq $1, %rsi
	put_user %rsi, WK_VCPU_EVENTS_MASKED(%rdi), \fixup
	if_smap clac
.endm

#define EXCEPTION_AT(offset) ((offset) - TRAP_FRAME_VECTOR)(%rsp)
.macro exception_event page_fault
	testb $3, EXCEPTION_AT(TRAP_FRAME_CS)
	jz .Ltrap_from_kernel
	incq kernel_counters + WK_COUNTERS_TRAPS(%rip)
	cmpq $0, event_entry(%rip)
	je .Ltrap_from_user
	pushq %rdi
	pushq %rsi
	open_vcpu_page .Lexception_slow\@ /* masked: C reports the double fault */
	put_user $0, WK_VCPU_EVENT_SYSCALL_NUMBER(%rdi), .Lexception_slow\@
	for_each_user_register %rdi, %rsi, save_to_vcpu, .Lexception_lost
	popq %rsi
	put_user %rsi, (WK_VCPU_FRAME + WK_REGS_RSI)(%rdi), .Lexception_lost
	popq %rsi
	put_user %rsi, (WK_VCPU_FRAME + WK_REGS_RDI)(%rdi), .Lexception_lost
	movq EXCEPTION_AT(TRAP_FRAME_RIP), %rsi
	put_user %rsi, (WK_VCPU_FRAME + WK_REGS_RIP)(%rdi), .Lexception_lost
	movq EXCEPTION_AT(TRAP_FRAME_RSP), %rsi
	put_user %rsi, (WK_VCPU_FRAME + WK_REGS_RSP)(%rdi), .Lexception_lost
	movq EXCEPTION_AT(TRAP_FRAME_RFLAGS), %rsi
	put_user %rsi, (WK_VCPU_FRAME + WK_REGS_RFLAGS)(%rdi), .Lexception_lost
	.if \page_fault
	movabsq $((VECTOR_PAGE_FAULT << 32) | WK_EVENT_EXCEPTION), %rsi
	put_user %rsi, WK_VCPU_EVENT_KIND(%rdi), .Lexception_lost
	movq %cr2, %rsi
	put_user %rsi, WK_VCPU_EVENT_FAULT_ADDRESS(%rdi), .Lexception_lost
	.else
	movl EXCEPTION_AT(TRAP_FRAME_VECTOR), %esi      /* kind, vector */
	shlq $32, %rsi
	orq $WK_EVENT_EXCEPTION, %rsi
	put_user %rsi, WK_VCPU_EVENT_KIND(%rdi), .Lexception_lost
	put_user $0, WK_VCPU_EVENT_FAULT_ADDRESS(%rdi), .Lexception_lost
	.endif
	movq EXCEPTION_AT(TRAP_FRAME_ERROR), %rsi
	put_user %rsi, WK_VCPU_EVENT_ERROR_CODE(%rdi), .Lexception_lost
	close_vcpu_page .Lexception_lost
	addq $(TRAP_FRAME_RIP - TRAP_FRAME_VECTOR), %rsp /* the IRETQ frame */
	movq event_entry(%rip), %rsi
	movq %rsi, (TRAP_FRAME_RIP - TRAP_FRAME_RIP)(%rsp)
	movq $RFLAGS_EVENT_ENTRY, (TRAP_FRAME_RFLAGS - TRAP_FRAME_RIP)(%rsp)
	movq event_stack(%rip), %rsi
	subq $8, %rsi
	movq %rsi, (TRAP_FRAME_RSP - TRAP_FRAME_RIP)(%rsp)
	movl $WK_EVENT_EXCEPTION, %esi
	iretq
.Lexception_slow\@:
	if_smap clac
	popq %rsi
	popq %rdi
	jmp .Ltrap_from_user
.endm

trap_exception:
	exception_event 0
trap_page_fault:
	exception_event 1
.Lexception_lost:
	swapgs                          /* C may use GS */
.Lfast_path_lost:
	andq $-16, %rsp
	call events_fast_path_fault     /* does not return */

/*
 * The IRETQ exit: RSP points at a complete struct trap_frame. Used by
 * interrupts and exceptions, by SYSCALL when SYSRET is not safe, and by
 * arch_enter_user.
 */
trap_return:
	testb $3, TRAP_FRAME_CS(%rsp)
	jz 2f
	swapgs                          /* to ring 3 */
2:	for_each_frame_register restore_frame_register
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
 * set_self_state and reflected calls have paths of their own below; native
 * calls, and whatever those paths give up on, build a struct trap_frame
 * and go to C.
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
	cmpq $WK_NATIVE_BASE, %rax
	jb syscall_reflect
	cmpq $(WK_NATIVE_BASE + WK_NATIVE_COUNT), %rax
	jae syscall_reflect
syscall_generic:
	pushq $(GDT_USER_DATA | 3)      /* SS */
	pushq %gs:PERCPU_USER_RSP       /* RSP */
	pushq %r11                      /* RFLAGS */
	pushq $(GDT_USER_CODE64 | 3)    /* CS */
	pushq %rcx                      /* RIP */
	pushq $0                        /* error code */
	pushq $TRAP_VECTOR_SYSCALL
	subq $TRAP_FRAME_VECTOR, %rsp
	for_each_frame_register save_frame_register
	movq %rsp, %rdi
	call syscall_dispatch
	testb %al, %al
	jz trap_return
	/* SYSRET: syscall_dispatch checked that the frame's RCX is its RIP,
	 * its R11 its RFLAGS, RIP canonical below the user limit, RF and TF
	 * clear. The user RSP is loaded last, after the frame is read. */
	for_each_frame_register restore_frame_register
	movq TRAP_FRAME_RSP(%rsp), %rsp
	swapgs
	sysretq

/*
 * A reflected syscall, delivered without C by the rule above
 * trap_exception, then SYSRET into the libOS: RCX and R11 are SYSRET's
 * (the entry address, RFLAGS_EVENT_ENTRY), RDI the vCPU, RSI the kind, the
 * other registers as the app left them. SYSRET is safe: the entry is a
 * user address below WK_USER_LIMIT (events_setup), RFLAGS has neither RF
 * nor TF.
 */
syscall_reflect:
	cmpq $0, event_entry(%rip)
	je syscall_generic              /* -ENOSYS */
	pushq %rdi
	open_vcpu_page .Lreflect_slow
	put_user %rax, WK_VCPU_EVENT_SYSCALL_NUMBER(%rdi), .Lreflect_slow
	for_each_user_register %rdi, %rcx, save_to_vcpu, .Lfast_path_lost
	put_user %rcx, (WK_VCPU_FRAME + WK_REGS_RCX)(%rdi), .Lfast_path_lost
	put_user %rcx, (WK_VCPU_FRAME + WK_REGS_RIP)(%rdi), .Lfast_path_lost
	put_user %r11, (WK_VCPU_FRAME + WK_REGS_RFLAGS)(%rdi), .Lfast_path_lost
	popq %rsi
	put_user %rsi, (WK_VCPU_FRAME + WK_REGS_RDI)(%rdi), .Lfast_path_lost
	movq %gs:PERCPU_USER_RSP, %rsi
	put_user %rsi, (WK_VCPU_FRAME + WK_REGS_RSP)(%rdi), .Lfast_path_lost
	put_user $WK_EVENT_SYSCALL, WK_VCPU_EVENT_KIND(%rdi), .Lfast_path_lost /* vector 0 */
	put_user $0, WK_VCPU_EVENT_ERROR_CODE(%rdi), .Lfast_path_lost
	put_user $0, WK_VCPU_EVENT_FAULT_ADDRESS(%rdi), .Lfast_path_lost
	close_vcpu_page .Lfast_path_lost
	movl $WK_EVENT_SYSCALL, %esi
	movq event_entry(%rip), %rcx
	movl $RFLAGS_EVENT_ENTRY, %r11d
	movq event_stack(%rip), %rsp
	subq $8, %rsp
	swapgs
	sysretq
.Lreflect_slow:
	if_smap clac
	popq %rdi
	jmp syscall_generic

/*
 * set_self_state, without C: the plain success case only (the rule above
 * trap_exception). Any other (bad size or flags, an event pending, a state
 * pointer outside the user half, an unreadable state, a RIP, RSP or FS
 * base that abi.h refuses, an unwritable vCPU page) goes to
 * syscall_generic with the caller's registers: until the commit only RAX
 * (the call number) and RSI (the size) serve as scratch.
 */
/* Loads from the state after the commit. */
.macro load_state reg, offset
	user_insn .Lfast_path_lost, movq \offset(%rdi), \reg
.endm

set_self_state_entry:
	cmpq $WK_REGS_SIZE, %rsi
	jne .Lself_state_generic
	testq $~WK_UNMASK, %rdx
	jnz .Lself_state_generic
	cmpl $0, events_pending(%rip)
	jne .Lself_state_generic
	testb $1, entry_rdfsbase(%rip)           /* no FSGSBASE: C writes the MSR */
	jz .Lself_state_generic
	movabsq $(WK_USER_LIMIT - WK_REGS_SIZE), %rax
	cmpq %rax, %rdi
	ja .Lself_state_generic
	if_smap stac
	user_insn .Lself_state_slow, movq WK_REGS_RIP(%rdi), %rax
	movabsq $WK_USER_LIMIT, %rsi
	cmpq %rsi, %rax
	jae .Lself_state_slow
	user_insn .Lself_state_slow, movq WK_REGS_RSP(%rdi), %rax
	/* The last word, then the first. */
	user_insn .Lself_state_slow, orq WK_REGS_FS_BASE(%rdi), %rax
	user_insn .Lself_state_slow, cmpq $0, WK_REGS_RAX(%rdi)
	shrq $47, %rax                           /* RSP and FS base < 2^47 */
	jnz .Lself_state_slow
	testb $WK_UNMASK, %dl
	jz 5f
	movq event_vcpu(%rip), %rsi
	testq %rsi, %rsi
	jz 5f                                    /* no events: nothing to unmask */
	put_user $0, WK_VCPU_EVENTS_MASKED(%rsi), .Lself_state_slow
	/* Committed. */
5:	pushq $(GDT_USER_DATA | 3)               /* SS */
	user_insn .Lfast_path_lost, pushq WK_REGS_RSP(%rdi)
	load_state %rax, WK_REGS_RFLAGS
	andl $RFLAGS_USER_BITS, %eax
	orl $RFLAGS_ALWAYS, %eax
	pushq %rax                               /* RFLAGS */
	pushq $(GDT_USER_CODE64 | 3)             /* CS */
	user_insn .Lfast_path_lost, pushq WK_REGS_RIP(%rdi)
	load_state %rax, WK_REGS_FS_BASE
	wrfsbase %rax
	/* Every general register but RSP (in the IRETQ frame) and RDI (the
	 * base, loaded last). */
	for_each_user_register %rdi, %rdi, load_state
	load_state %rdi, WK_REGS_RDI             /* the base, last */
	if_smap clac
	swapgs
	iretq
.Lself_state_slow:                       /* RSI was WK_REGS_SIZE */
	if_smap clac
	movl $WK_REGS_SIZE, %esi
.Lself_state_generic:
	movl $SYSCALL_SET_SELF_STATE, %eax
	jmp syscall_generic

/*
 * void arch_run_on_stack(uint64_t stack_top, void (*function)(void *),
 *                        void *argument)
 * Switches RSP to stack_top (16-byte aligned) and calls function(argument),
 * which must not return.
 */
	.globl arch_run_on_stack
arch_run_on_stack:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	movq %rdx, %rdi
	call *%rsi
	ud2

	.section .note.GNU-stack, "", @progbits
