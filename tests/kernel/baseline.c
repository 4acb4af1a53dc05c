/*
 * The C half of the baseline paths (baseline.S): the ring-3 toggle gate,
 * installed at boot by the test kernel, and the switch itself.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/trap_frame.h"
#include "lib/string.h"
#include "panic.h"
#include "wicket/abi.h"

/* INT n from ring 3 toggles the baseline (tests/libos/events_bench.c). */
#define BASELINE_TOGGLE_VECTOR 0x81
#define MSR_LSTAR 0xc0000082u
#define GATE_INTERRUPT_DPL3 0xee

void baseline_syscall_entry(void);
void baseline_page_fault(void);
void baseline_toggle_entry(void);
long baseline_toggle(void);
__attribute__((noreturn)) void baseline_failed(void);

struct __attribute__((packed)) gate {
	uint16_t offset_low, selector;
	uint8_t ist, type_attributes;
	uint16_t offset_middle;
	uint32_t offset_high, reserved;
};

static struct gate *idt;
static struct gate real_page_fault_gate;
static bool baseline_on;

static struct gate gate_to(struct gate gate, void (*handler)(void))
{
	uint64_t address = (uint64_t)handler;

	gate.offset_low = address & 0xffff;
	gate.offset_middle = (address >> 16) & 0xffff;
	gate.offset_high = address >> 32;
	return gate;
}

void baseline_install(void)
{
	struct descriptor_pointer pointer;

	__asm__ volatile("sidt %0" : "=m"(pointer));
	idt = (struct gate *)pointer.base;
	real_page_fault_gate = idt[VECTOR_PAGE_FAULT];
	struct gate toggle = gate_to(idt[BASELINE_TOGGLE_VECTOR],
				     baseline_toggle_entry);
	toggle.type_attributes = GATE_INTERRUPT_DPL3;
	idt[BASELINE_TOGGLE_VECTOR] = toggle;
}

/* Returns 1 when the baseline is now on, 0 when off, -ENOSYS on a CPU
 * without the SMAP and FSGSBASE it is written for. */
long baseline_toggle(void)
{
	if (!cpu_features.smap || !cpu_features.fsgsbase)
		return -WK_ENOSYS;
	baseline_on = !baseline_on;
	wrmsr(MSR_LSTAR, (uint64_t)(baseline_on ? baseline_syscall_entry
						 : syscall_entry));
	idt[VECTOR_PAGE_FAULT] = baseline_on ? gate_to(real_page_fault_gate,
						       baseline_page_fault)
					     : real_page_fault_gate;
	return baseline_on;
}

void baseline_failed(void)
{
	panic("a baseline path faulted on user memory (test kernel only)");
}
