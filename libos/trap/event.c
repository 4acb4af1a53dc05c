/*
 * Event dispatch (event.h): reflected system calls to the Linux table,
 * exceptions to stack growth or signals, timer events to nothing yet (the
 * console's polling and sleeps leave them behind; #6 schedules on them).
 */
#include "trap/event.h"

#include <stdbool.h>

#include "layout.h"
#include "libos.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "wicket/native.h"

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

/* The signal Linux sends for an exception in user mode. */
static int exception_signal(uint32_t vector)
{
	switch (vector) {
	case VECTOR_DE:
	case VECTOR_MF:
	case VECTOR_XM:
		return SIGFPE;
	case VECTOR_DB:
	case VECTOR_BP:
		return SIGTRAP;
	case VECTOR_UD:
		return SIGILL;
	case VECTOR_AC:
		return SIGBUS;
	default: /* #OF #BR #NM #SS #GP #PF and the rest */
		return SIGSEGV;
	}
}

static void exception(struct wk_vcpu *vcpu)
{
	const struct wk_event *event = &vcpu->event;
	bool page_fault = event->vector == VECTOR_PF;

	/* #PF error code bits: 1 write, 4 instruction fetch. */
	uint32_t access = (event->error_code & 2) ? PROT_WRITE :
			  (event->error_code & 16) ? PROT_EXEC : PROT_READ;

	if (page_fault && vm_fault(event->fault_address, access))
		return;
	if (page_fault && event->fault_address >= APP_LIMIT &&
	    vcpu->frame.rip >= APP_LIMIT && vcpu->frame.rip < WK_USER_LIMIT)
		libos_report("the app jumped into the libOS's memory");
	signal_force(exception_signal(event->vector), &vcpu->frame,
		     page_fault, event->fault_address);
}

void event_resume(struct wk_regs *regs)
{
	long status = wk_set_self_state((long)regs, sizeof(*regs), WK_UNMASK);

	/* Only a state the kernel refuses comes back: the app set RSP or
	 * the FS base to something no CPU can resume with. */
	libos_report("cannot resume the app (set_self_state: %ld): rip 0x%lx "
		     "rsp 0x%lx fs 0x%lx", status, regs->rip, regs->rsp,
		     regs->fs_base);
	signal_force(SIGSEGV, regs, false, 0);
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
	switch (kind) {
	case WK_EVENT_SYSCALL:
		syscall_dispatch(&vcpu->frame);
		break;
	case WK_EVENT_EXCEPTION:
		exception(vcpu);
		break;
	case WK_EVENT_TIMER:
	default:
		break;
	}
	event_resume(&vcpu->frame);
}
