/*
 * The register frame every interrupt and exception stub builds on the stack
 * before calling trap_dispatch(). entry.S addresses it only through these
 * offsets; the _Static_asserts below pin them to struct trap_frame.
 *
 * From low to high addresses: the 15 general registers saved by the stub
 * (r15 at offset 0 up to rax, in the order of entry.S's
 * for_each_frame_register), the vector and error code it pushed (0 for
 * vectors without one), then the frame the CPU pushed (RIP, CS, RFLAGS, RSP,
 * SS).
 */
#ifndef KERNEL_ARCH_X86_64_TRAP_FRAME_H
#define KERNEL_ARCH_X86_64_TRAP_FRAME_H

#define TRAP_FRAME_VECTOR  120
#define TRAP_FRAME_ERROR   128
#define TRAP_FRAME_RIP     136
#define TRAP_FRAME_CS      144
#define TRAP_FRAME_RFLAGS  152
#define TRAP_FRAME_RSP     160
#define TRAP_FRAME_SIZE    176

/* The call number entry.S tests for set_self_state's fast path
 * (WK_CALL_set_self_state; syscall.c checks that they agree). */
#define SYSCALL_SET_SELF_STATE 0x574b0007

/* The frame's vector for a SYSCALL entry (above every IDT vector). */
#define TRAP_VECTOR_SYSCALL 256

/* The FS base MSR: events save it, set_self_state writes it. */
#define MSR_FS_BASE 0xc0000100

/* Exception vectors named by entry.S, trap.c and idt.c. NMI, #DF and #MC
 * are about the machine (IST stacks, never events). */
#define VECTOR_NMI                2
#define VECTOR_BREAKPOINT         3
#define VECTOR_DOUBLE_FAULT       8
#define VECTOR_GENERAL_PROTECTION 13
#define VECTOR_PAGE_FAULT         14
#define VECTOR_MACHINE_CHECK      18

/* RFLAGS bits ring 3 may choose in set_self_state (CF PF AF ZF SF TF DF OF
 * AC ID), and the ones always set (bit 1 is reserved-one; IF keeps
 * interrupts on), which are also the whole RFLAGS at an event entry. RF
 * (bit 16) is not among the user bits. */
#define RFLAGS_USER_BITS   0x240fd5
#define RFLAGS_ALWAYS      0x202
#define RFLAGS_EVENT_ENTRY RFLAGS_ALWAYS

/* The general registers the stubs save, from offset 0 up: one list for
 * struct trap_frame's declarators and entry.S's for_each_frame_register,
 * so the two cannot disagree on the order. */
#define TRAP_FRAME_REGISTERS \
	r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax

/* X(register) for each register struct trap_frame and struct wk_regs
 * share, RIP included: for copying one into the other. */
#define FOR_EACH_USER_REGISTER(X) X(rax) X(rbx) X(rcx) X(rdx) X(rsi) X(rdi) \
	X(rbp) X(rsp) X(r8) X(r9) X(r10) X(r11) X(r12) X(r13) X(r14) X(r15) X(rip)

/* Bit n: the CPU pushes an error code for vector n (8, 10-14, 17, 21, 29,
 * 30); said once, used by the stub generator in entry.S. */
#define TRAP_ERROR_CODE_VECTORS 0x60227d00

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct trap_frame {
	uint64_t TRAP_FRAME_REGISTERS;
	uint64_t vector;
	uint64_t error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

#define TRAP_FRAME_PIN(field, offset) \
	_Static_assert(offsetof(struct trap_frame, field) == (offset), \
		       "entry.S offset of " #field)
TRAP_FRAME_PIN(r15, 0);
TRAP_FRAME_PIN(rax, TRAP_FRAME_VECTOR - 8);
TRAP_FRAME_PIN(vector, TRAP_FRAME_VECTOR);
TRAP_FRAME_PIN(error_code, TRAP_FRAME_ERROR);
TRAP_FRAME_PIN(rip, TRAP_FRAME_RIP);
TRAP_FRAME_PIN(cs, TRAP_FRAME_CS);
TRAP_FRAME_PIN(rflags, TRAP_FRAME_RFLAGS);
TRAP_FRAME_PIN(rsp, TRAP_FRAME_RSP);
_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE,
	       "entry.S frame size");
_Static_assert(TRAP_FRAME_SIZE % 16 == 0, "entry.S calls C with RSP aligned");

/* Interrupts on no vector the kernel uses, counted and otherwise ignored
 * (reported at exit). */
extern uint64_t trap_unexpected_interrupts;

/* The C dispatcher every stub calls with the frame (interrupts off). */
void trap_dispatch(struct trap_frame *frame);

struct wk_regs;

/* The frame's user registers as the ABI lays them out (FS base from its
 * MSR), and their dump in the kernel's reports. */
void trap_frame_to_regs(struct wk_regs *regs, const struct trap_frame *frame);
void trap_print_general_registers(const struct wk_regs *regs);

/* The user-fault report and the end of the run (WK_EXIT_USER_FAULT): for
 * an exception in ring 3 before the libOS set up events. */
__attribute__((noreturn)) void trap_user_fault(const struct trap_frame *frame);

/* The 256 stub addresses, in vector order (entry.S). */
extern const uint64_t trap_stub_table[256];
#endif

#endif /* KERNEL_ARCH_X86_64_TRAP_FRAME_H */
