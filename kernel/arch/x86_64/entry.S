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
	/* Exceptions that may become events (all but NMI, #DF and #MC). */
	.if \vector < 32 && \vector != 2 && \vector != 8 && \vector != 18
	jmp trap_exception
	.else
	jmp trap_common
	.endif
.endm

/* STAC/CLAC only when SMAP is on (they are #UD without it). Clobber
 * RFLAGS. */
.macro user_access_begin
	testb $1, uaccess_smap(%rip)
	jz .Lno_stac\@
	stac
.Lno_stac\@:
.endm
.macro user_access_end
	testb $1, uaccess_smap(%rip)
	jz .Lno_clac\@
	clac
.Lno_clac\@:
.endm

/* A store to user memory covered by the exception table. */
.macro put_user source, destination, fixup
.Lput\@:
	movq \source, \destination
	EXTABLE_ENTRY(.Lput\@, \fixup)
.endm

/* The general registers other than \base and RSP into the struct wk_regs
 * at \base + WK_VCPU_FRAME, each store covered by \fixup. */
.macro save_one reg, offset, base, fixup
	.ifnc \reg, \base
	put_user \reg, (WK_VCPU_FRAME + \offset)(\base), \fixup
	.endif
.endm
.macro save_to_vcpu base, fixup
	save_one %rax, WK_REGS_RAX, \base, \fixup
	save_one %rbx, WK_REGS_RBX, \base, \fixup
	save_one %rcx, WK_REGS_RCX, \base, \fixup
	save_one %rdx, WK_REGS_RDX, \base, \fixup
	save_one %rsi, WK_REGS_RSI, \base, \fixup
	save_one %rdi, WK_REGS_RDI, \base, \fixup
	save_one %rbp, WK_REGS_RBP, \base, \fixup
	save_one %r8, WK_REGS_R8, \base, \fixup
	save_one %r9, WK_REGS_R9, \base, \fixup
	save_one %r10, WK_REGS_R10, \base, \fixup
	save_one %r11, WK_REGS_R11, \base, \fixup
	save_one %r12, WK_REGS_R12, \base, \fixup
	save_one %r13, WK_REGS_R13, \base, \fixup
	save_one %r14, WK_REGS_R14, \base, \fixup
	save_one %r15, WK_REGS_R15, \base, \fixup
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
	save_general_registers
	cld
	/* In long mode the CPU aligns RSP to 16 before pushing its frame, and
	 * TRAP_FRAME_SIZE is a multiple of 16: the call below is aligned. */
	movq %rsp, %rdi
	call trap_dispatch
	jmp trap_return

/*
 * An exception from ring 3 with events set up, delivered without C: the
 * registers go straight into the vCPU page (abi.h, "Events"), and IRETQ
 * enters the libOS with every register but RDI and RSI as the app had
 * them. Every unusual case (events masked, an unusable vCPU page or
 * upcall stack) takes the C path with the registers intact, and C
 * decides; the C path re-reads CR2, which a fault here may have changed,
 * only to report it. The upcall stack's top word and the vCPU page's
 * first and last words are written first, so the stores after them
 * cannot fault (one CPU, interrupts off); their fixups exist only so
 * that no kernel instruction touches user memory without one. GS is not
 * used, so no SWAPGS.
 */
#define EXCEPTION_SAVED (4 * 8)         /* RDX RCX RBX RAX, pushed */
#define EXCEPTION_AT(offset) (EXCEPTION_SAVED + (offset) - TRAP_FRAME_VECTOR)(%rsp)
trap_exception:
	testb $3, (TRAP_FRAME_CS - TRAP_FRAME_VECTOR)(%rsp)
	jz .Ltrap_from_kernel
	incq kernel_counters + WK_COUNTERS_TRAPS(%rip)
	cmpq $0, event_entry(%rip)
	je .Ltrap_from_user
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	user_access_begin
	movq event_stack(%rip), %rax
	put_user $0, -8(%rax), .Lexception_slow
	movq event_vcpu(%rip), %rax
1:	orl $0, WK_VCPU_EVENTS_MASKED(%rax)
	EXTABLE_ENTRY(1b, .Lexception_slow)
	jnz .Lexception_slow            /* masked: C reports the double fault */
	put_user $0, WK_VCPU_EVENT_SYSCALL_NUMBER(%rax), .Lexception_slow
	save_to_vcpu %rax, .Lexception_slow
	movq 24(%rsp), %rbx
	put_user %rbx, (WK_VCPU_FRAME + WK_REGS_RAX)(%rax), .Lexception_slow
	movq EXCEPTION_AT(TRAP_FRAME_RIP), %rbx
	put_user %rbx, (WK_VCPU_FRAME + WK_REGS_RIP)(%rax), .Lexception_slow
	movq EXCEPTION_AT(TRAP_FRAME_RSP), %rbx
	put_user %rbx, (WK_VCPU_FRAME + WK_REGS_RSP)(%rax), .Lexception_slow
	movq EXCEPTION_AT(TRAP_FRAME_RFLAGS), %rbx
	put_user %rbx, (WK_VCPU_FRAME + WK_REGS_RFLAGS)(%rax), .Lexception_slow
	testb $1, entry_rdfsbase(%rip)
	jz 2f
	rdfsbase %rbx
	jmp 3f
2:	movq %rax, %rbx
	movl $MSR_FS_BASE, %ecx
	rdmsr
	shlq $32, %rdx
	orq %rdx, %rax
	xchgq %rax, %rbx
3:	put_user %rbx, (WK_VCPU_FRAME + WK_REGS_FS_BASE)(%rax), .Lexception_slow
	movl EXCEPTION_AT(TRAP_FRAME_VECTOR), %ebx      /* kind, vector */
	shlq $32, %rbx
	orq $WK_EVENT_EXCEPTION, %rbx
	put_user %rbx, WK_VCPU_EVENT_KIND(%rax), .Lexception_slow
	movq EXCEPTION_AT(TRAP_FRAME_ERROR), %rbx
	put_user %rbx, WK_VCPU_EVENT_ERROR_CODE(%rax), .Lexception_slow
	xorl %ebx, %ebx
	cmpl $VECTOR_PAGE_FAULT, EXCEPTION_AT(TRAP_FRAME_VECTOR)
	jne 4f
	movq %cr2, %rbx
4:	put_user %rbx, WK_VCPU_EVENT_FAULT_ADDRESS(%rax), .Lexception_slow
	movl events_pending(%rip), %ebx                 /* masked = 1, pending */
	shlq $32, %rbx
	orq $1, %rbx
	put_user %rbx, WK_VCPU_EVENTS_MASKED(%rax), .Lexception_slow
	user_access_end
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $(TRAP_FRAME_RIP - TRAP_FRAME_VECTOR), %rsp /* the IRETQ frame */
	movq event_entry(%rip), %rdi
	movq %rdi, (TRAP_FRAME_RIP - TRAP_FRAME_RIP)(%rsp)
	movq $RFLAGS_EVENT_ENTRY, (TRAP_FRAME_RFLAGS - TRAP_FRAME_RIP)(%rsp)
	movq event_stack(%rip), %rdi
	subq $8, %rdi
	movq %rdi, (TRAP_FRAME_RSP - TRAP_FRAME_RIP)(%rsp)
	movq event_vcpu(%rip), %rdi
	movl $WK_EVENT_EXCEPTION, %esi
	iretq
.Lexception_slow:
	user_access_end
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	jmp .Ltrap_from_user

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
 * A reflected syscall, delivered without C in the same way as
 * trap_exception (its comment has the rules), then SYSRET into the libOS:
 * RCX and R11 are SYSRET's (the entry address, RFLAGS_EVENT_ENTRY), the
 * other registers but RDI and RSI as the app left them. SYSRET is safe:
 * the entry is a user address below WK_USER_LIMIT (events_setup), RFLAGS
 * has neither RF nor TF.
 */
syscall_reflect:
	cmpq $0, event_entry(%rip)
	je syscall_generic              /* -ENOSYS */
	pushq %rcx                      /* the app's RIP */
	pushq %rax
	pushq %rdx
	user_access_begin
	movq event_stack(%rip), %rcx
	put_user $0, -8(%rcx), .Lreflect_slow
	movq event_vcpu(%rip), %rcx
1:	orl $0, WK_VCPU_EVENTS_MASKED(%rcx)
	EXTABLE_ENTRY(1b, .Lreflect_slow)
	jnz .Lreflect_slow
	put_user %rax, WK_VCPU_EVENT_SYSCALL_NUMBER(%rcx), .Lreflect_slow
	save_to_vcpu %rcx, .Lreflect_slow
	put_user %r11, (WK_VCPU_FRAME + WK_REGS_RFLAGS)(%rcx), .Lreflect_slow
	movq 16(%rsp), %rax
	put_user %rax, (WK_VCPU_FRAME + WK_REGS_RIP)(%rcx), .Lreflect_slow
	put_user %rax, (WK_VCPU_FRAME + WK_REGS_RCX)(%rcx), .Lreflect_slow
	movq %gs:PERCPU_USER_RSP, %rax
	put_user %rax, (WK_VCPU_FRAME + WK_REGS_RSP)(%rcx), .Lreflect_slow
	testb $1, entry_rdfsbase(%rip)
	jz 2f
	rdfsbase %rax
	jmp 3f
2:	movq %rcx, %r11
	movl $MSR_FS_BASE, %ecx
	rdmsr
	shlq $32, %rdx
	orq %rdx, %rax
	movq %r11, %rcx
3:	put_user %rax, (WK_VCPU_FRAME + WK_REGS_FS_BASE)(%rcx), .Lreflect_slow
	put_user $WK_EVENT_SYSCALL, WK_VCPU_EVENT_KIND(%rcx), .Lreflect_slow /* vector 0 */
	put_user $0, WK_VCPU_EVENT_ERROR_CODE(%rcx), .Lreflect_slow
	put_user $0, WK_VCPU_EVENT_FAULT_ADDRESS(%rcx), .Lreflect_slow
	movl events_pending(%rip), %eax                 /* masked = 1, pending */
	shlq $32, %rax
	orq $1, %rax
	put_user %rax, WK_VCPU_EVENTS_MASKED(%rcx), .Lreflect_slow
	user_access_end
	popq %rdx
	popq %rax
	movq %rcx, %rdi
	movl $WK_EVENT_SYSCALL, %esi
	movq event_entry(%rip), %rcx
	movl $RFLAGS_EVENT_ENTRY, %r11d
	movq event_stack(%rip), %rsp
	subq $8, %rsp
	swapgs
	sysretq
.Lreflect_slow:
	user_access_end
	popq %rdx
	popq %rax
	popq %rcx
	jmp syscall_generic

/*
 * set_self_state, without C: the plain success case only. Any other
 * (bad size or flags, an event pending, a state pointer outside the user
 * half, an unreadable state, a RIP, RSP or FS base that abi.h refuses, an
 * unwritable vCPU page) goes back to syscall_generic with the caller's
 * registers, and C decides the error or delivers the event. The state's
 * first and last words are read before anything changes, so the loads
 * after them cannot fault (one CPU, interrupts off); if one did, the
 * generic path would still start from the caller's registers: RCX, R11
 * (the return RIP and RFLAGS) and RDX are kept above the IRETQ frame, and
 * RDI is loaded last.
 */
.macro load_state reg, offset
.Lload\@:
	movq \offset(%rdi), \reg
	EXTABLE_ENTRY(.Lload\@, .Lself_state_slow)
.endm
set_self_state_entry:
	cmpq $WK_REGS_SIZE, %rsi
	jne syscall_generic
	testq $~WK_UNMASK, %rdx
	jnz syscall_generic
	cmpl $0, events_pending(%rip)
	jne syscall_generic
	movabsq $(WK_USER_LIMIT - WK_REGS_SIZE), %rax
	cmpq %rax, %rdi
	ja .Lself_state_generic
	pushq %rcx
	pushq %r11
	pushq %rdx
	user_access_begin
1:	movq WK_REGS_RIP(%rdi), %rcx
2:	movq WK_REGS_RSP(%rdi), %r11
3:	movq WK_REGS_FS_BASE(%rdi), %rax
4:	cmpq $0, WK_REGS_RAX(%rdi)              /* the first word readable */
	EXTABLE_ENTRY(1b, .Lself_state_slow)
	EXTABLE_ENTRY(2b, .Lself_state_slow)
	EXTABLE_ENTRY(3b, .Lself_state_slow)
	EXTABLE_ENTRY(4b, .Lself_state_slow)
	movabsq $WK_USER_LIMIT, %rsi
	cmpq %rsi, %rcx
	jae .Lself_state_slow
	movq %r11, %rsi                          /* RSP and FS base < 2^47 */
	orq %rax, %rsi
	shrq $47, %rsi
	jnz .Lself_state_slow
	testb $WK_UNMASK, %dl
	jz 5f
	movq event_vcpu(%rip), %rsi
	testq %rsi, %rsi
	jz 5f                                    /* no events: nothing to unmask */
	put_user $0, WK_VCPU_EVENTS_MASKED(%rsi), .Lself_state_slow
	/* Committed: nothing below fails. */
5:	pushq $(GDT_USER_DATA | 3)               /* SS */
	pushq %r11                               /* RSP */
6:	movq WK_REGS_RFLAGS(%rdi), %r11
	EXTABLE_ENTRY(6b, .Lself_state_slow)
	andl $RFLAGS_USER_BITS, %r11d
	orl $RFLAGS_ALWAYS, %r11d
	pushq %r11                               /* RFLAGS */
	pushq $(GDT_USER_CODE64 | 3)             /* CS */
	pushq %rcx                               /* RIP */
	testb $1, entry_rdfsbase(%rip)
	jz 7f
	wrfsbase %rax
	jmp 8f
7:	movl $MSR_FS_BASE, %ecx
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
8:
	load_state %rax, WK_REGS_RAX
	load_state %rbx, WK_REGS_RBX
	load_state %rcx, WK_REGS_RCX
	load_state %rdx, WK_REGS_RDX
	load_state %rsi, WK_REGS_RSI
	load_state %rbp, WK_REGS_RBP
	load_state %r8, WK_REGS_R8
	load_state %r9, WK_REGS_R9
	load_state %r10, WK_REGS_R10
	load_state %r11, WK_REGS_R11
	load_state %r12, WK_REGS_R12
	load_state %r13, WK_REGS_R13
	load_state %r14, WK_REGS_R14
	load_state %r15, WK_REGS_R15
	load_state %rdi, WK_REGS_RDI             /* the base, last */
	user_access_end
	swapgs
	iretq
.Lself_state_slow:
	user_access_end
	movq %gs:PERCPU_KERNEL_STACK, %rsp
	subq $24, %rsp
	popq %rdx
	popq %r11
	popq %rcx
.Lself_state_generic:
	movl $SYSCALL_SET_SELF_STATE, %eax
	movl $WK_REGS_SIZE, %esi
	jmp syscall_generic

/* The stub addresses, for idt.c. */
	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
	.altmacro
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
