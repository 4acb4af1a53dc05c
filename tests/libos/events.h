/*
 * Shared pieces of the event scenarios (issue #4): the vCPU page and the
 * upcall stack, the entry stub (events.S) and its C side, the FS base, and
 * the assembly helpers around set_self_state.
 */
#ifndef LIBOS_TEST_EVENTS_H
#define LIBOS_TEST_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "samples.h"

#include "scenario.h"
#include "wicket/abi.h"

/* Everything declared here is defined in the image: hidden visibility
 * keeps the compiler from going through a GOT for their addresses (the
 * non-PIE link could not turn those into absolute addresses this high). */
#pragma GCC visibility push(hidden)

/* The vCPU page and a 64 KiB upcall stack (an unmapped gap below it). */
#define EVENT_VCPU_ADDRESS (SCRATCH_BASE + 0x50000000ull)
#define EVENT_STACK_BOTTOM (SCRATCH_BASE + 0x50010000ull)
#define EVENT_STACK_BYTES  0x10000ull
#define EVENT_STACK_TOP    (EVENT_STACK_BOTTOM + EVENT_STACK_BYTES)

/* Scratch mappings of the event scenarios. */
#define EVENT_SCRATCH (SCRATCH_BASE + 0x60000000ull)

#define RFLAGS_CF   (1ull << 0)
#define RFLAGS_BIT1 (1ull << 1)
#define RFLAGS_PF   (1ull << 2)
#define RFLAGS_AF   (1ull << 4)
#define RFLAGS_ZF   (1ull << 6)
#define RFLAGS_SF   (1ull << 7)
#define RFLAGS_TF   (1ull << 8)
#define RFLAGS_IF   (1ull << 9)
#define RFLAGS_DF   (1ull << 10)
#define RFLAGS_OF   (1ull << 11)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_NT   (1ull << 14)
#define RFLAGS_RF   (1ull << 16)
#define RFLAGS_VM   (1ull << 17)
#define RFLAGS_AC   (1ull << 18)
#define RFLAGS_VIF  (1ull << 19)
#define RFLAGS_VIP  (1ull << 20)
#define RFLAGS_ID   (1ull << 21)

/* What self_state_here and self_state_probe return when the state took
 * effect (the state's RAX). */
#define SELF_STATE_RESUMED 0x5e1f5e1f

/* The scenario's handler: inspects vcpu->event, edits vcpu->frame. After
 * it returns, event_dispatch resumes vcpu->frame with WK_UNMASK. */
typedef void (*event_hook_fn)(struct wk_vcpu *vcpu, uint32_t kind);
extern event_hook_fn event_hook;
extern struct wk_vcpu *event_vcpu;

/* The FS base this libOS set last (self_state_* pass it on). */
extern uint64_t current_fs_base;

/* events.S */
void event_entry(void);
long self_state_here(struct wk_regs *state, uint64_t flags);
long self_state_probe(struct wk_regs *state, uint64_t size, uint64_t flags,
		      void (*edit)(struct wk_regs *state));
extern char self_state_here_resume[];
/* The registers at event_entry's first instruction, last event (RAX and
 * RFLAGS included; RIP and FS base not recorded). */
extern struct wk_regs event_entry_regs;
extern char probe_landing[];
extern char probe_landing_next[];
extern uint64_t probe_rflags;
extern struct wk_regs probe_regs;

/* Maps the vCPU page and the upcall stack and calls event_setup with
 * event_entry; prints a FAIL line and returns false on failure. */
bool events_setup(void);

/* Sets the FS base: wrfsbase under WK_CPU_FSGSBASE, else set_self_state
 * with the current registers. Returns false (after a FAIL line) when it
 * did not work. */
bool set_fs_base(const struct wk_info *info, uint64_t base);

/* Reads the 8 bytes at %fs:offset. */
static inline uint64_t read_fs_qword(uint64_t offset)
{
	uint64_t value;

	__asm__ volatile("movq %%fs:(%1), %0" : "=r"(value) : "r"(offset)
			 : "memory");
	return value;
}

static inline uint64_t read_rflags(void)
{
	uint64_t flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags)::"memory");
	return flags;
}


#pragma GCC visibility pop

#endif /* LIBOS_TEST_EVENTS_H */
