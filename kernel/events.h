/*
 * Events: exceptions, reflected syscalls and timer expiries delivered to
 * the libOS's entry in ring 3 (DESIGN.md section 4; the contract is the
 * "Events" section of abi.h). One vCPU. Runs with interrupts off, except
 * inside block().
 */
#ifndef KERNEL_EVENTS_H
#define KERNEL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

/* WK_PENDING_* bits of events the kernel holds back. Read on every return
 * to ring 3, so kept in one word. */
extern uint32_t events_pending;

/* An exception from ring 3 (not NMI, #DF, #MC): delivered as an event, or,
 * before event_setup, the user-fault report; while masked, a libOS double
 * fault. Returns only when `frame` now enters the libOS. */
void events_exception(struct trap_frame *frame);

/* A syscall with a non-native number: returns false when no event entry is
 * set up (the caller answers -ENOSYS), else delivers it and returns true. */
bool events_reflect_syscall(struct trap_frame *frame);

/* The timer interrupt (from ring 3, or from ring 0 inside block()). */
void events_timer_interrupt(struct trap_frame *frame);

/* Called before every return to ring 3: delivers a pending event when the
 * libOS has events unmasked, else records it in vcpu->pending. */
void events_deliver_pending(struct trap_frame *frame);

static inline void events_return_to_user(struct trap_frame *frame)
{
	if (__builtin_expect(events_pending != 0, 0))
		events_deliver_pending(frame);
}

/* After the APIC set-up: whether timer_arm can work. */
void events_init(bool have_timer);

/* The native calls of this area (abi.h has their contracts). The frame is
 * the caller's; set_self_state replaces it and returns the new RAX. */
long events_setup(uint64_t entry, uint64_t vcpu, uint64_t stack);
long events_set_self_state(struct trap_frame *frame, uint64_t state,
			   uint64_t size, uint64_t flags);
long events_timer_arm(uint64_t deadline);
long events_block(void);

struct wk_regs;

/*
 * set_self_state's fast path (entry.S calls it before building a frame):
 * copies and checks the state into *regs, sanitises RFLAGS, writes the FS
 * base and unmasks. Returns true when entry.S may load *regs and IRETQ;
 * false for everything else (bad arguments, an event to deliver), which
 * then takes the generic path with the caller's registers intact.
 */
bool set_self_state_fast(uint64_t state, uint64_t size, uint64_t flags,
			 struct wk_regs *regs);

#endif /* KERNEL_EVENTS_H */
