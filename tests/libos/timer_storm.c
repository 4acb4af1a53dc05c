/*
 * Scenario timer-storm: 100000 armed deadlines give exactly 100000 timer
 * events. Deadlines alternate between already past (fires at once), a few
 * TSC ticks ahead, and (every 1000th) 100 us ahead; waits are either a
 * spin with events on, or block() with events masked followed by
 * set_self_state(WK_UNMASK) (no lost wake-up: the event is pending, so
 * unmasking delivers it). Every 7th iteration is a masked section: the
 * timer fires while masked, only vcpu->pending shows it, block() returns
 * at once, and WK_UNMASK delivers it before execution reaches the state's
 * RIP.
 */
#include <stdint.h>

#include "check.h"
#include "events.h"
#include "print.h"
#include "wicket/native.h"

__attribute__((noreturn)) void libos_exit(int status);

#define STORM_EVENTS 100000u

static volatile uint64_t timer_count;
static volatile uint64_t last_timer_rip;

static void timer_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	if (kind != WK_EVENT_TIMER) {
		print("libos: FAIL unexpected event kind %u vector %u at rip "
		      "0x%lx\n", kind, vcpu->event.vector,
		      (unsigned long)vcpu->frame.rip);
		libos_exit(1);
	}
	timer_count++;
	last_timer_rip = vcpu->frame.rip;
}

static volatile struct wk_vcpu *vcpu;
static struct wk_regs here_state;
static uint64_t spin_limit; /* TSC ticks: 1 s */
static unsigned failures;

static void fail(unsigned iteration, const char *what)
{
	if (failures++ < 10)
		print("libos: FAIL timer-storm iteration %u: %s (count %lu)\n",
		      iteration, what, (unsigned long)timer_count);
}

/* Unmasks with a state that resumes right here; a pending event is
 * delivered on the way. */
static bool unmask_here(unsigned iteration)
{
	long result = self_state_here(&here_state, WK_UNMASK);
	if (result != SELF_STATE_RESUMED) {
		fail(iteration, "set_self_state(WK_UNMASK) failed");
		return false;
	}
	return true;
}

/* Events on: spin until the count moves. */
static void spin_wait(unsigned iteration, uint64_t before)
{
	uint64_t start = read_tsc();

	while (timer_count == before)
		if (read_tsc() - start > spin_limit) {
			fail(iteration, "no timer event within 1 s (spinning)");
			return;
		}
}

/* Masked: block until the timer is pending, then unmask. */
static void block_wait(unsigned iteration, uint64_t deadline)
{
	vcpu->events_masked = 1;
	vcpu->pending = 0;
	__asm__ volatile("" ::: "memory");
	wk_timer_arm((long)deadline);
	uint64_t start = read_tsc();
	while (!(vcpu->pending & WK_PENDING_TIMER)) {
		wk_block();
		if (read_tsc() - start > spin_limit) {
			fail(iteration, "no timer event within 1 s (block)");
			break;
		}
	}
	unmask_here(iteration);
}

static void masked_section(unsigned iteration, uint64_t before,
			   uint64_t block_limit)
{
	vcpu->events_masked = 1;
	vcpu->pending = 0;
	__asm__ volatile("" ::: "memory");
	wk_timer_arm((long)(read_tsc() - 1000));
	uint64_t start = read_tsc();
	while (!(vcpu->pending & WK_PENDING_TIMER))
		if (read_tsc() - start > spin_limit) {
			fail(iteration, "masked: pending bit not set within 1 s");
			break;
		}
	for (volatile unsigned spin = 0; spin < 200; spin++)
		;
	if (timer_count != before)
		fail(iteration, "masked: an event was delivered");
	start = read_tsc();
	long result = wk_block();
	uint64_t elapsed = read_tsc() - start;
	if (result != 0)
		fail(iteration, "masked: block() did not return 0");
	if (elapsed > block_limit)
		fail(iteration, "masked: block() slept with an event pending");
	if (timer_count != before)
		fail(iteration, "masked: an event was delivered by block()");
	if (!unmask_here(iteration))
		return;
	if (timer_count != before + 1)
		fail(iteration, "WK_UNMASK did not deliver the pending event");
	else if (last_timer_rip != (uint64_t)self_state_here_resume)
		fail(iteration, "the event's frame is not the unmasking state");
	if (vcpu->events_masked != 0)
		fail(iteration, "still masked after the event");
}

int scenario_timer_storm(const struct wk_info *info)
{
	uint64_t hz = info->tsc_frequency_hz;

	if (!events_setup())
		return 1;
	vcpu = event_vcpu;
	spin_limit = hz;
	event_hook = timer_hook;
	print("libos: timer-storm: %u deadlines, tsc %lu Hz\n", STORM_EVENTS,
	      (unsigned long)hz);

	uint64_t storm_start = read_tsc();
	/* Kinds of iteration: 0 masked section, 1 100 us ahead + block,
	 * 2 past + spin, 3 past + block, 4 2000 ticks ahead + block,
	 * 5 2000 ticks ahead + spin. Future deadlines cost the most under
	 * TCG (QEMU's timer granularity), so they are a quarter of the rest. */
	static const char *const kind_names[6] = {
		"masked", "100 us + block", "past + spin", "past + block",
		"2000 ticks + block", "2000 ticks + spin",
	};
	uint64_t kind_ticks[6] = { 0 };
	unsigned kind_count[6] = { 0 };
	for (unsigned i = 0; i < STORM_EVENTS; i++) {
		uint64_t before = timer_count;
		uint64_t t0 = read_tsc();
		unsigned kind = i % 7 == 0	      ? 0
				: i % 1000 == 999     ? 1
				: (i & 1)	      ? 2
				: i % 8 == 2	      ? 4
				: i % 8 == 6	      ? 5
						      : 3;
		switch (kind) {
		case 0:
			masked_section(i, before, hz / 20);
			break;
		case 1:
			block_wait(i, read_tsc() + hz / 10000);
			break;
		case 2:
			wk_timer_arm((long)(read_tsc() - 1000));
			spin_wait(i, before);
			break;
		case 3:
			block_wait(i, read_tsc() - 1000);
			break;
		case 4:
			block_wait(i, read_tsc() + 2000);
			break;
		default:
			wk_timer_arm((long)(read_tsc() + 2000));
			spin_wait(i, before);
			break;
		}
		kind_ticks[kind] += read_tsc() - t0;
		kind_count[kind]++;
		if (timer_count != before + 1) {
			fail(i, "the count did not move by exactly one");
			if (failures > 100)
				break;
		}
	}
	uint64_t storm_ticks = read_tsc() - storm_start;
	uint64_t storm_count = timer_count;

	/* Nothing more arrives: wait 10 ms. */
	uint64_t start = read_tsc();
	while (read_tsc() - start < hz / 100)
		;
	print("libos: timer-storm: %lu events in %lu ms\n",
	      (unsigned long)timer_count,
	      (unsigned long)(storm_ticks / (hz / 1000)));
	for (unsigned k = 0; k < 6; k++)
		print("libos: timer-storm:   %-18s %6u events, %5lu ms\n",
		      kind_names[k], kind_count[k],
		      (unsigned long)(kind_ticks[k] / (hz / 1000)));
	check_value("timer-storm: events", (long)storm_count, STORM_EVENTS);
	check_value("timer-storm: events 10 ms later", (long)timer_count,
		    STORM_EVENTS);
	check_value("timer-storm: iteration failures", failures, 0);

	/* 0 cancels: a deadline 50 ms ahead (under TCG on a loaded host,
	 * 1 ms could pass between the two calls), then 100 ms of waiting. */
	uint64_t before = timer_count;
	wk_timer_arm((long)(read_tsc() + hz / 20));
	wk_timer_arm(0);
	start = read_tsc();
	while (read_tsc() - start < hz / 10)
		;
	check_value("timer_arm(0) cancels: events", (long)(timer_count - before),
		    0);
	/* Re-arming replaces: a far deadline replaced by a past one gives
	 * one event, and no second one. */
	before = timer_count;
	wk_timer_arm((long)(read_tsc() + hz / 200));
	wk_timer_arm((long)(read_tsc() - 1));
	start = read_tsc();
	while (read_tsc() - start < hz / 50)
		;
	check_value("re-arming replaces: events", (long)(timer_count - before),
		    1);
	event_hook = NULL;
	wk_event_setup(0, 0, 0);
	if (storm_count == STORM_EVENTS)
		return check_finish_note("timer-storm", "100000 events");
	return check_finish("timer-storm");
}
