/*
 * The C side of event delivery for the event scenarios: event_dispatch()
 * runs on the upcall stack with events masked, calls the scenario's hook,
 * and resumes the (possibly edited) interrupted context with
 * set_self_state(&vcpu->frame, sizeof, WK_UNMASK), which does not return
 * on success.
 */
#include <stdint.h>

#include "events.h"
#include "print.h"
#include "wicket/native.h"

__attribute__((noreturn)) void libos_exit(int status);
__attribute__((noreturn)) void event_dispatch(struct wk_vcpu *vcpu,
					      uint64_t kind);

event_hook_fn event_hook;
struct wk_vcpu *event_vcpu;
uint64_t current_fs_base;

/* self_state_probe's record of what arrived at probe_landing. */
uint64_t probe_rflags;
struct wk_regs probe_regs;
struct wk_regs event_entry_regs;

void event_dispatch(struct wk_vcpu *vcpu, uint64_t kind)
{
	if (!event_hook) {
		print("libos: FAIL unexpected event kind %lu vector %u at rip "
		      "0x%lx\n", (unsigned long)kind, vcpu->event.vector,
		      (unsigned long)vcpu->frame.rip);
		libos_exit(1);
	}
	event_hook(vcpu, (uint32_t)kind);
	long result = wk_set_self_state((long)&vcpu->frame,
					sizeof(vcpu->frame), WK_UNMASK);
	print("libos: FAIL set_self_state(frame, WK_UNMASK) returned %ld\n",
	      result);
	libos_exit(1);
}

bool events_setup(void)
{
	long result = wk_mem_map(EVENT_VCPU_ADDRESS, WK_PAGE_SIZE,
				 WK_PROT_READ | WK_PROT_WRITE);
	if (result == 0)
		result = wk_mem_map(EVENT_STACK_BOTTOM, EVENT_STACK_BYTES,
				    WK_PROT_READ | WK_PROT_WRITE);
	if (result != 0) {
		print("libos: FAIL mapping the vCPU page and upcall stack: %ld\n",
		      result);
		return false;
	}
	event_vcpu = (struct wk_vcpu *)EVENT_VCPU_ADDRESS;
	result = wk_event_setup((long)event_entry, EVENT_VCPU_ADDRESS,
				EVENT_STACK_TOP);
	if (result != 0) {
		print("libos: FAIL event_setup = %ld\n", result);
		return false;
	}
	return true;
}

bool set_fs_base(const struct wk_info *info, uint64_t base)
{
	if (info->cpu_features & WK_CPU_FSGSBASE) {
		__asm__ volatile("wrfsbase %0" ::"r"(base) : "memory");
		current_fs_base = base;
		return true;
	}
	static struct wk_regs state;
	uint64_t previous = current_fs_base;
	current_fs_base = base;
	long result = self_state_here(&state, 0);
	if (result != SELF_STATE_RESUMED) {
		current_fs_base = previous;
		print("libos: FAIL set_self_state(FS base 0x%lx) = %ld\n",
		      (unsigned long)base, result);
		return false;
	}
	return true;
}

