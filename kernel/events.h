/*
 * Events: exceptions, reflected syscalls, timer expiries, console input and
 * network frames delivered to the libOS's entry in ring 3 (DESIGN.md
 * section 4; the contract is the "Events" section of abi.h). One vCPU.
 * Runs with interrupts off, except inside block().
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
void events_timer_interrupt(void);

/* The serial port's receive interrupt: an input event, pending until
 * delivered like the timer's. */
void events_input_interrupt(void);

/* The network device's interrupt: a network event when the device says it
 * received or sent frames, pending until delivered like the timer's. */
void events_net_interrupt(void);

/* Called before every return to ring 3: delivers a pending event when the
 * libOS has events unmasked, else records it in vcpu->pending. */
void events_deliver_pending(struct trap_frame *frame);

static inline void events_return_to_user(struct trap_frame *frame)
{
	if (__builtin_expect(events_pending != 0, 0))
		events_deliver_pending(frame);
}

/* After the APIC set-up: whether timer_arm can work, and the devices
 * (WK_DEVICE_* bits, as wk_info.devices has them: with any that raises
 * events of its own, block() may always wait). */
void events_init(bool have_timer, uint32_t devices);
extern uint32_t events_devices;

/* The native calls of this area (abi.h has their contracts). The frame is
 * the caller's; set_self_state replaces it and returns the new RAX. */
long events_setup(uint64_t entry, uint64_t vcpu, uint64_t stack);
long events_set_self_state(struct trap_frame *frame, uint64_t state,
			   uint64_t size, uint64_t flags);
long events_timer_arm(uint64_t deadline);
long events_block(void);

/* Read by entry.S's paths for exceptions, reflected syscalls and
 * set_self_state: the event_setup arguments (all 0 without events; else
 * user addresses checked by events_setup), and whether RDFSBASE/WRFSBASE
 * may replace the FS base MSR (CR4.FSGSBASE is on). */
extern uint64_t event_entry, event_vcpu, event_stack;
extern bool entry_rdfsbase;

/* entry.S's fast paths: a user access faulted after the first ones had
 * proven the memory usable, which one CPU with interrupts off cannot see
 * happen. Reported as a libOS double fault; the run ends. */
__attribute__((noreturn)) void events_fast_path_fault(void);

#endif /* KERNEL_EVENTS_H */
