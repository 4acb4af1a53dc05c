/*
 * trap_dispatch(): the one C entry for all 256 vectors, called by entry.S
 * with interrupts off and the frame on the current stack (an IST stack for
 * #DF, NMI and #MC).
 *
 * A #PF or #GP in the kernel at an instruction listed in the exception
 * table resumes at its fixup (a user access that failed). Any other kernel
 * exception is a bug: a panic report naming the vector, the faulting
 * function and the stack. An exception in ring 3 becomes an event for the
 * libOS (events.c), or the user-fault report before it set events up; NMI,
 * #DF and #MC are never events. The APIC timer's vector, the console
 * input's (serial and keyboard) and the network device's go to events.c;
 * other vectors are unexpected interrupts: counted and ignored.
 */
#include <stdbool.h>
#include <stdint.h>

#include "wicket/abi.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/kernel_stack.h"
#include "arch/x86_64/trap_frame.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/apic.h"
#include "console.h"
#include "events.h"
#include "exception_table.h"
#include "ksyms.h"
#include "panic.h"

#define EXCEPTION_VECTORS 32

static const char *const exception_names[EXCEPTION_VECTORS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range exceeded", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack-segment fault",
	"#GP general protection", "#PF page fault", "reserved (15)",
	"#MF x87 floating-point error", "#AC alignment check",
	"#MC machine check", "#XM SIMD floating-point exception",
	"#VE virtualization exception", "#CP control protection",
	"reserved (22)", "reserved (23)", "reserved (24)", "reserved (25)",
	"reserved (26)", "reserved (27)", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security exception", "reserved (31)",
};

uint64_t trap_unexpected_interrupts;

static void print_page_fault(uint64_t error, uint64_t address)
{
	kprintf("wicket: page fault: %s %s at %#lx%s%s\n",
		error & (1u << 4) ? "instruction fetch" :
		error & (1u << 1) ? "write" : "read",
		error & (1u << 0) ? "violating the protection of a present page"
				  : "of a non-present page",
		address, error & (1u << 2) ? " (user mode)" : "",
		error & (1u << 3) ? " (reserved bit set)" : "");
}

static void print_stack_diagnosis(const struct trap_frame *frame,
				  uint64_t cr2)
{
	const struct kernel_stack *stack = kernel_stack_of(frame->rsp);
	uint64_t at = frame->rsp;

	if ((stack == NULL || at >= stack->bottom) &&
	    frame->vector == VECTOR_PAGE_FAULT) {
		stack = kernel_stack_of(cr2);
		at = cr2;
	}
	if (stack != NULL && at < stack->bottom)
		kprintf("wicket: kernel stack overflow: the %s stack ran into "
			"its guard page\n", stack->name);
	else if ((stack = kernel_stack_of((uint64_t)frame)) != NULL)
		kprintf("wicket: reported on the %s stack\n", stack->name);
}

/* A fault at an address in no kernel function (a jump or call into data,
 * an instruction fetch from a non-executable page) comes right after a CALL
 * as often as not: the word at RSP is then the caller's return address. */
static void print_caller_of_bad_jump(const struct trap_frame *frame)
{
	const struct kernel_stack *stack = kernel_stack_of(frame->rsp);
	const char *symbol;
	uint64_t offset;

	if (ksyms_lookup(frame->rip, &symbol, &offset) || frame->rsp % 8 ||
	    stack == NULL || frame->rsp < stack->bottom ||
	    frame->rsp + 8 > stack->top)
		return;
	uint64_t return_address = *(const uint64_t *)frame->rsp;
	kprintf("wicket: rip is in no kernel function; the word at rsp, "
		"0x%016lx", return_address);
	panic_print_symbol(return_address, true);
	kprintf(", may be the return address of the call that got there\n");
}

void trap_frame_to_regs(struct wk_regs *regs, const struct trap_frame *f)
{
#define FROM_FRAME(r) regs->r = f->r;
	FOR_EACH_USER_REGISTER(FROM_FRAME)
	regs->rflags = f->rflags;
	regs->fs_base = rdmsr(MSR_FS_BASE);
}

void trap_print_general_registers(const struct wk_regs *r)
{
	kprintf("  rax 0x%016lx  rbx 0x%016lx  rcx 0x%016lx\n", r->rax, r->rbx,
		r->rcx);
	kprintf("  rdx 0x%016lx  rsi 0x%016lx  rdi 0x%016lx\n", r->rdx, r->rsi,
		r->rdi);
	kprintf("  rbp 0x%016lx  rsp 0x%016lx  r8  0x%016lx\n", r->rbp, r->rsp,
		r->r8);
	kprintf("  r9  0x%016lx  r10 0x%016lx  r11 0x%016lx\n", r->r9, r->r10,
		r->r11);
	kprintf("  r12 0x%016lx  r13 0x%016lx  r14 0x%016lx\n", r->r12, r->r13,
		r->r14);
	kprintf("  r15 0x%016lx  fs  0x%016lx\n", r->r15, r->fs_base);
}

static void print_registers(const struct trap_frame *frame, uint64_t cr2)
{
	struct wk_regs regs;

	kprintf("  rip 0x%016lx", frame->rip);
	panic_print_symbol(frame->rip, false);
	kprintf("\n  error 0x%lx  cr2 0x%016lx  rflags 0x%lx  cs 0x%lx  ss 0x%lx\n",
		frame->error_code, cr2, frame->rflags, frame->cs, frame->ss);
	trap_frame_to_regs(&regs, frame);
	trap_print_general_registers(&regs);
	kprintf("  cr3 0x%016lx  cr4 0x%lx\n", read_cr3(), read_cr4());
	if (frame->vector == VECTOR_PAGE_FAULT)
		print_page_fault(frame->error_code, cr2);
}

/* Before the libOS sets up events, a fault in ring 3 ends the run: it is
 * the libOS's (or the app's) bug, not the kernel's. */
void trap_user_fault(const struct trap_frame *frame)
{
	interrupts_disable();
	kprintf("wicket: USER FAULT: %s (vector %lu) at rip 0x%016lx\n",
		exception_names[frame->vector], frame->vector, frame->rip);
	print_registers(frame, read_cr2());
	power_exit(WK_EXIT_USER_FAULT);
}

/* The kernel-panic report; does not return (power_exit). */
static void panic_trap(const struct trap_frame *frame)
{
	uint64_t cr2 = read_cr2();

	panic_begin();
	kprintf("wicket: KERNEL PANIC: %s (vector %lu) in %s mode\n",
		exception_names[frame->vector], frame->vector,
		(frame->cs & 3) ? "user" : "kernel");
	print_registers(frame, cr2);
	print_stack_diagnosis(frame, cr2);
	print_caller_of_bad_jump(frame);
	panic_print_backtrace(frame->rip, false, frame->rbp);
	power_exit(WK_EXIT_KERNEL_PANIC);
}

/* NMI, #DF and #MC are about the machine, not the code that ran. */
static bool machine_vector(uint64_t vector)
{
	return vector == VECTOR_NMI || vector == VECTOR_DOUBLE_FAULT ||
	       vector == VECTOR_MACHINE_CHECK;
}

/*
 * Whether a kernel fault may take its exception-table fixup: a #PF only
 * when the faulting address is a user one (a bad kernel-side operand of a
 * user copy is a kernel bug and panics); a #GP always (a non-canonical user
 * address; the range checks keep kernel operands canonical).
 */
static bool fixup_applies(const struct trap_frame *frame)
{
	if (frame->vector == VECTOR_PAGE_FAULT)
		return read_cr2() < WK_USER_LIMIT;
	return frame->vector == VECTOR_GENERAL_PROTECTION;
}

void trap_dispatch(struct trap_frame *frame)
{
	/* Interrupt gates do not clear AC, and ring 3 may set it with POPF:
	 * without this, SMAP would be off in every handler. */
	if (uaccess_smap)
		__asm__ volatile("clac" : : : "memory");
	bool from_user = frame->cs & 3;

	if (frame->vector < EXCEPTION_VECTORS) {
		if (from_user && !machine_vector(frame->vector))
			events_exception(frame);
		else if (from_user || !fixup_applies(frame) ||
			 !exception_table_fixup(frame))
			panic_trap(frame);
	} else if (frame->vector == APIC_TIMER_VECTOR) {
		events_timer_interrupt();
	} else if (frame->vector == APIC_INPUT_VECTOR) {
		events_input_interrupt();
	} else if (frame->vector == APIC_NET_VECTOR) {
		events_net_interrupt();
	} else if (frame->vector != APIC_SPURIOUS_VECTOR) {
		/* Nothing else is wired up (the PICs and the other LVTs are
		 * masked; the kernel routes only the serial port, the
		 * keyboard and the network device through the I/O APIC).
		 * Above the PIC's range it can only be the local APIC's:
		 * acknowledge it, or its in-service bit would block the
		 * timer for good. */
		trap_unexpected_interrupts++;
		if (frame->vector >= PIC_VECTOR_BASE + 16)
			apic_eoi();
	}
	if (from_user)
		events_return_to_user(frame);
}
