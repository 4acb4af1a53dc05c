/*
 * Scenarios where the libOS's event machinery itself is broken: the kernel
 * must end the run with its libOS-double-fault report and status 122
 * (WK_EXIT_LIBOS_DOUBLE_FAULT), never a kernel panic.
 *
 *   double-fault          ud2 inside the event handler (events masked)
 *   double-fault-syscall  a reflected syscall inside the event handler
 *   double-fault-bad-kind the handler scribbles a huge event kind into the
 *                         vCPU page, then faults: the kernel's report reads
 *                         that page and must not trust the kind
 *   bad-vcpu              event_setup refuses bad vCPU and stack addresses;
 *                         then a vCPU pointer to an unmapped page, and ud2
 *   bad-vcpu-timer        the same vCPU pointer, and a timer event
 *   bad-upcall-stack      an upcall stack top in an unmapped region, ud2
 *
 * Each prints what it is about to do; getting past it is a failure.
 */
#include <stdint.h>

#include "check.h"
#include "events.h"
#include "print.h"
#include "wicket/native.h"

#define UNMAPPED_VCPU  (EVENT_SCRATCH + 0x70000ull)
#define UNMAPPED_STACK (EVENT_SCRATCH + 0x90000ull)
#define KERNEL_HALF    0xffffffff80100000ull

static void ud2_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	print("libos: event kind %u vector %u in the handler, about to ud2 "
	      "with events masked (%u)\n", kind, vcpu->event.vector,
	      vcpu->events_masked);
	__asm__ volatile("ud2");
	print("libos: FAIL ud2 inside the handler did not end the run\n");
}

static void syscall_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	print("libos: event kind %u vector %u in the handler, about to "
	      "syscall(1234) with events masked (%u)\n", kind,
	      vcpu->event.vector, vcpu->events_masked);
	long result = wk_syscall6(1234, 0, 0, 0, 0, 0, 0);
	print("libos: FAIL a reflected syscall inside the handler returned "
	      "%ld\n", result);
}

static void bad_kind_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	(void)kind;
	vcpu->event.kind = 0x1000000;
	print("libos: wrote event kind 0x1000000 into the vCPU page, about to "
	      "ud2 with events masked\n");
	__asm__ volatile("ud2");
	print("libos: FAIL ud2 inside the handler did not end the run\n");
}

static int double_fault(event_hook_fn hook)
{
	if (!events_setup())
		return 1;
	event_hook = hook;
	print("libos: about to ud2 (the first event)\n");
	__asm__ volatile("ud2");
	print("libos: FAIL resumed after a double fault\n");
	return 1;
}

int scenario_double_fault(const struct wk_info *info)
{
	(void)info;
	return double_fault(ud2_hook);
}

int scenario_double_fault_syscall(const struct wk_info *info)
{
	(void)info;
	return double_fault(syscall_hook);
}

int scenario_double_fault_bad_kind(const struct wk_info *info)
{
	(void)info;
	return double_fault(bad_kind_hook);
}

/* event_setup's own checks; returns false on a failure. */
static bool refused_setups(void)
{
	long entry = (long)event_entry;
	long vcpu = (long)EVENT_VCPU_ADDRESS;
	long stack = (long)EVENT_STACK_TOP;
	bool ok = true;

	ok &= check_value("event_setup(vcpu in the kernel half)",
			  wk_event_setup(entry, (long)KERNEL_HALF, stack),
			  -WK_EINVAL);
	ok &= check_value("event_setup(vcpu non-canonical)",
			  wk_event_setup(entry, (long)0x0000800000000000ull,
					 stack), -WK_EINVAL);
	ok &= check_value("event_setup(vcpu not 8-byte aligned)",
			  wk_event_setup(entry, vcpu + 4, stack), -WK_EINVAL);
	ok &= check_value("event_setup(stack in the kernel half)",
			  wk_event_setup(entry, vcpu, (long)KERNEL_HALF),
			  -WK_EINVAL);
	ok &= check_value("event_setup(stack not 16-byte aligned)",
			  wk_event_setup(entry, vcpu, stack - 8), -WK_EINVAL);
	ok &= check_value("event_setup(0, 0, 0)", wk_event_setup(0, 0, 0), 0);
	return ok;
}

static int bad_vcpu(bool timer)
{
	if (!events_setup() || !refused_setups())
		return 1;
	long result = wk_event_setup((long)event_entry, (long)UNMAPPED_VCPU,
				     (long)EVENT_STACK_TOP);
	print("libos: event_setup(vcpu on an unmapped page) = %ld\n", result);
	if (result != 0) {
		print("libos: FAIL event_setup(unmapped vcpu) = %ld\n", result);
		return 1;
	}
	event_hook = ud2_hook;
	if (timer) {
		print("libos: about to take a timer event with an unmapped "
		      "vCPU page\n");
		wk_timer_arm((long)(read_tsc() - 1000));
		uint64_t start = read_tsc();
		while (read_tsc() - start < 1000000000ull)
			;
		print("libos: FAIL no double fault within 1e9 TSC ticks\n");
		return 1;
	}
	print("libos: about to ud2 with an unmapped vCPU page\n");
	__asm__ volatile("ud2");
	print("libos: FAIL resumed after ud2 with an unmapped vCPU page\n");
	return 1;
}

int scenario_bad_vcpu(const struct wk_info *info)
{
	(void)info;
	return bad_vcpu(false);
}

int scenario_bad_vcpu_timer(const struct wk_info *info)
{
	(void)info;
	return bad_vcpu(true);
}

int scenario_bad_upcall_stack(const struct wk_info *info)
{
	(void)info;
	if (!events_setup())
		return 1;
	long result = wk_event_setup((long)event_entry,
				     (long)EVENT_VCPU_ADDRESS,
				     (long)UNMAPPED_STACK);
	print("libos: event_setup(stack top 0x%lx, unmapped) = %ld\n",
	      (unsigned long)UNMAPPED_STACK, result);
	if (result != 0)
		return 1;
	event_hook = ud2_hook;
	print("libos: about to ud2 with an unmapped upcall stack\n");
	__asm__ volatile("ud2");
	print("libos: FAIL resumed after ud2 with an unmapped upcall stack\n");
	return 1;
}
