/*
 * Event dispatch (event.h): reflected system calls to the Linux table,
 * exceptions to demand paging or signals, timer events to the scheduler,
 * input events to the console; then the scheduler resumes whichever thread
 * should run.
 */
#include "trap/event.h"

#include <stdbool.h>

#include "console.h"
#include "layout.h"
#include "libos.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "net/netif.h"
#include "sched/sched.h"
#include "trap/patch.h"
#include "wicket/native.h"

#define KERNEL_HALF UINT64_C(0xffff800000000000)

/* Exception vectors (Intel SDM vol. 3, table 6-1). */
#define VECTOR_DE 0
#define VECTOR_DB 1
#define VECTOR_BP 3
#define VECTOR_OF 4
#define VECTOR_BR 5
#define VECTOR_UD 6
#define VECTOR_NM 7
#define VECTOR_GP 13
#define VECTOR_SS 12
#define VECTOR_PF 14
#define VECTOR_MF 16
#define VECTOR_AC 17
#define VECTOR_XM 19

/* The signal and siginfo Linux gives for an exception in user mode
 * (arch/x86/kernel/traps.c), #PF's aside (page_fault); #XM's code comes
 * from the unmasked MXCSR exception flags, as Linux's fpu__exception_code
 * decides. */
static int exception_signal(const struct wk_event *event,
			    const struct wk_regs *regs,
			    struct signal_info *info)
{
	info->trapno = event->vector;
	info->error_code = (uint32_t)event->error_code;
	switch (event->vector) {
	case VECTOR_DE:
		info->code = FPE_INTDIV;
		info->value = regs->rip;
		return SIGFPE;
	case VECTOR_DB:
		info->code = TRAP_TRACE;
		info->value = regs->rip;
		return SIGTRAP;
	case VECTOR_BP:
		info->code = SI_KERNEL;
		return SIGTRAP;
	case VECTOR_UD:
		info->code = ILL_ILLOPN;
		info->value = regs->rip;
		return SIGILL;
	case VECTOR_AC:
		info->code = BUS_ADRALN;
		return SIGBUS;
	case VECTOR_SS:
		info->code = SI_KERNEL;
		return SIGBUS;
	case VECTOR_MF:
	case VECTOR_XM: {
		uint32_t mxcsr, raised;

		__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
		raised = mxcsr & 0x3f & ~((mxcsr >> 7) & 0x3f);
		info->code = (raised & 0x01) ? FPE_FLTINV :
			     (raised & 0x04) ? FPE_FLTDIV :
			     (raised & 0x08) ? FPE_FLTOVF :
			     (raised & 0x12) ? FPE_FLTUND :
			     (raised & 0x20) ? FPE_FLTRES : FPE_FLTINV;
		info->value = regs->rip;
		return SIGFPE;
	}
	default: /* #GP, #OF, #BR, #NM and the rest */
		info->code = SI_KERNEL;
		return SIGSEGV;
	}
}

/* A fault just below the stack pointer in a page the app may not touch:
 * a thread ran off its stack into the guard. */
static bool stack_overflow(const struct wk_regs *regs, uint64_t address)
{
	if (address >= regs->rsp + PAGE_SIZE ||
	    address + (UINT64_C(64) << 10) <= regs->rsp)
		return false;
	const struct region *region = vm_find(address);

	return region && region->prot == PROT_NONE;
}

/* A #PF: demand paging, else a SIGSEGV with the code Linux gives (a
 * SIGBUS past the end of a mapped file). */
static void page_fault(const struct wk_event *event, struct wk_regs *regs)
{
	uint64_t address = event->fault_address;
	/* Error code bits: 1 write, 4 instruction fetch. */
	uint32_t access = (event->error_code & 2) ? PROT_WRITE :
			  (event->error_code & 16) ? PROT_EXEC : PROT_READ;
	enum vm_fault_result fault = vm_fault(address, access, regs->rip);

	if (fault == VM_FAULT_MAPPED)
		return;
	if (address >= APP_LIMIT && regs->rip >= APP_LIMIT &&
	    regs->rip < WK_USER_LIMIT)
		libos_report("the app jumped into the libOS's memory");
	if (stack_overflow(regs, address) && !signal_caught(SIGSEGV))
		libos_report("thread %d overflowed its stack into the guard "
			     "page at 0x%lx (rsp 0x%lx)", sched_current()->tid,
			     page_down(address), regs->rsp);
	/* Every field, each a store (an initialiser zeroes with REP STOS).
	 * As Linux: an access to the kernel half reads as a protection
	 * fault, whatever the kernel's page tables are, so that they do not
	 * show through. */
	static const uint8_t signals[] = { [VM_FAULT_ACCERR] = SIGSEGV,
					   [VM_FAULT_MAPERR] = SIGSEGV,
					   [VM_FAULT_BUS] = SIGBUS,
					   [VM_FAULT_OOM] = SIGKILL };
	static const uint8_t codes[] = { [VM_FAULT_ACCERR] = SEGV_ACCERR,
					 [VM_FAULT_MAPERR] = SEGV_MAPERR,
					 [VM_FAULT_BUS] = BUS_ADRERR,
					 [VM_FAULT_OOM] = SI_KERNEL };
	struct signal_info info;

	info.code = codes[fault];
	info.sender = 0;
	info.value = address;
	info.overrun = 0;
	info.errno_value = 0;
	info.trapno = VECTOR_PF;
	/* A #PF's address is canonical: the kernel half's have the top bit
	 * (KERNEL_HALF and up). */
	info.error_code = (uint32_t)event->error_code |
			  (uint32_t)(address >> 63);
	signal_force(signals[fault], regs, &info);
}

static void exception(const struct wk_vcpu *vcpu, struct wk_regs *regs)
{
	const struct wk_event *event = &vcpu->event;

	if (event->vector == VECTOR_PF) {
		page_fault(event, regs);
		return;
	}
	struct signal_info info = { 0 };
	int signal = exception_signal(event, regs, &info);

	signal_force(signal, regs, &info);
}

/* start.S */
__attribute__((noreturn)) void
resume_in_user_mode(const struct wk_regs *regs);
extern const char resume_begin[], resume_end[];

/* RFLAGS bits ring 3 may hold (abi.h, set_self_state), IF and bit 1. */
#define USER_RFLAGS 0x00240fd5u
#define RFLAGS_FIXED 0x202u
#define RFLAGS_TF 0x100u

bool event_interrupted_resume(const struct wk_regs *frame)
{
	return frame->rip >= (uint64_t)resume_begin &&
	       frame->rip < (uint64_t)resume_end;
}

/* Sanitises regs->rflags; whether resume_in_user_mode may become regs:
 * the FS base needs WRFSBASE, a trap flag needs the kernel's IRETQ, and a
 * state the kernel would refuse is left for set_self_state to refuse. */
static inline __attribute__((always_inline)) bool
user_mode_resumable(struct wk_regs *regs)
{
	regs->rflags = (regs->rflags & USER_RFLAGS) | RFLAGS_FIXED;
	return libos_has(WK_CPU_FSGSBASE) && !(regs->rflags & RFLAGS_TF) &&
	       regs->rip < WK_USER_LIMIT && regs->rsp < WK_USER_LIMIT &&
	       regs->fs_base < WK_USER_LIMIT;
}

/* The rest of event_resume, through the kernel. A state it refuses
 * (-EINVAL) ends as Linux's return to it does, in a handler if there is
 * one, which runs with this state as its context (so the loop ends when a
 * frame no longer fits, or the signal is blocked in its handler): a
 * kernel-half RIP faults on its instruction fetch; a non-canonical one is
 * #GP at IRET; a non-canonical RSP, #SS (SIGBUS). */
static __attribute__((noinline, noreturn)) void
resume_through_kernel(struct wk_regs *regs)
{
	for (;;) {
		wk_set_self_state((long)regs, sizeof(*regs), WK_UNMASK);

		struct signal_info info = { .code = SI_KERNEL, .trapno = 13 };
		int signal = SIGSEGV;

		if (regs->rip >= KERNEL_HALF) {
			info = (struct signal_info){ .code = SEGV_MAPERR,
						     .value = regs->rip,
						     .trapno = 14,
						     .error_code = 0x15 };
		} else if (regs->rip < WK_USER_LIMIT &&
			   regs->rsp >= WK_USER_LIMIT &&
			   regs->fs_base < WK_USER_LIMIT) {
			signal = SIGBUS;
			info.trapno = 12;
		}
		signal_force(signal, regs, &info);
		signal_deliver(sched_current());
		if (user_mode_resumable(regs))
			resume_in_user_mode(regs);
	}
}

void event_resume(struct wk_regs *regs)
{
	if (user_mode_resumable(regs))
		resume_in_user_mode(regs);
	resume_through_kernel(regs);
}

__attribute__((noreturn)) void libos_event(struct wk_vcpu *vcpu_argument,
					   uint32_t kind)
{
	struct wk_vcpu *vcpu = libos_vcpu;

	/* The kernel enters with RDI = our vCPU page and events masked;
	 * anything else is the app calling in here itself. */
	if (vcpu_argument != vcpu || !vcpu->events_masked) {
		libos_report("the app jumped to the libOS's event entry");
		libos_exit(128 + SIGSEGV);
	}
	if (!sched_enter(&vcpu->frame)) {
		/* The idle context was waiting for a timer or input event. */
		if (kind == WK_EVENT_INPUT)
			console_input();
		else if (kind == WK_EVENT_NET)
			netif_poll();
		else
			sched_timer();
		sched_resume();
	}
	struct wk_regs *regs = &sched_current()->regs;

	switch (kind) {
	case WK_EVENT_SYSCALL:
		sched_current()->syscall_number = (int64_t)regs->rax;
		if (vcpu->event.vector == 0) /* the kernel's reflection */
			patch_reflected_site(regs);
		syscall_dispatch(regs);
		break;
	case WK_EVENT_EXCEPTION:
		/* The app's own code faulted: the thread runs on (or the
		 * process ends). */
		exception(vcpu, regs);
		sched_continue();
	case WK_EVENT_INPUT:
		console_input();
		break;
	case WK_EVENT_NET:
		netif_poll();
		break;
	case WK_EVENT_TIMER:
	default:
		sched_timer();
		break;
	}
	sched_resume();
}
