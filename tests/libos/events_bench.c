/*
 * Scenario events-bench: TSC cycles of the event paths, 10000 timed rounds
 * each (`lfence; rdtsc` around one round trip; median and minimum):
 *   - exception event round trip: a #PF on an unmapped page -> the handler
 *     (events.S, events.c) moves RIP past the load -> set_self_state with
 *     WK_UNMASK -> resume;
 *   - reflected syscall round trip: syscall(1234) -> the handler sets RAX
 *     -> set_self_state with WK_UNMASK -> resume;
 *   - set_self_state alone: to a state whose RIP is the next instruction,
 *     from outside any handler (self_state_here, which also captures the
 *     registers into the state).
 * The rdtsc pair's own cost is printed apart, not subtracted.
 */
#include <stdint.h>

#include "events.h"
#include "print.h"
#include "wicket/native.h"

#define ROUNDS 10000
#define WARM_UP 100
#define SAMPLES_AREA (EVENT_SCRATCH + 0x100000ull)
#define SAMPLES_BYTES ((ROUNDS * 8 + WK_PAGE_SIZE - 1) & ~(uint64_t)(WK_PAGE_SIZE - 1))

#pragma GCC visibility push(hidden)
void bench_fault(void);
extern char bench_fault_resume[];
#pragma GCC visibility pop

static void bench_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	if (kind == WK_EVENT_EXCEPTION)
		vcpu->frame.rip = (uint64_t)bench_fault_resume;
	else if (kind == WK_EVENT_SYSCALL)
		vcpu->frame.rax = 0;
}

static uint64_t median(uint64_t *samples)
{
	sort_u64(samples, ROUNDS);
	return median_of_sorted(samples, ROUNDS);
}

static void report(const char *what, uint64_t *samples)
{
	uint64_t middle = median(samples);
	print("bench: %s: median %lu cycles, min %lu cycles\n", what,
	      (unsigned long)middle, (unsigned long)samples[0]);
}

int scenario_events_bench(const struct wk_info *info)
{
	uint64_t *samples = (uint64_t *)SAMPLES_AREA;
	static struct wk_regs state;
	unsigned i;

	if (!events_setup())
		return 1;
	long result = wk_mem_map(SAMPLES_AREA, SAMPLES_BYTES,
				 WK_PROT_READ | WK_PROT_WRITE);
	if (result != 0) {
		print("bench: FAIL mem_map = %ld\n", result);
		return 1;
	}
	event_hook = bench_hook;
	print("bench: tsc %lu Hz, %u rounds\n",
	      (unsigned long)info->tsc_frequency_hz, ROUNDS);

	for (i = 0; i < ROUNDS; i++) {
		uint64_t start = read_tsc();
		samples[i] = read_tsc() - start;
	}
	print("bench: rdtsc pair overhead: median %lu cycles\n",
	      (unsigned long)median(samples));

	for (i = 0; i < WARM_UP; i++)
		bench_fault();
	for (i = 0; i < ROUNDS; i++) {
		uint64_t start = read_tsc();
		bench_fault();
		samples[i] = read_tsc() - start;
	}
	report("exception event round trip", samples);

	for (i = 0; i < WARM_UP; i++)
		wk_syscall6(1234, 0, 0, 0, 0, 0, 0);
	unsigned wrong = 0;
	for (i = 0; i < ROUNDS; i++) {
		uint64_t start = read_tsc();
		long value = wk_syscall6(1234, 0, 0, 0, 0, 0, 0);
		samples[i] = read_tsc() - start;
		wrong += value != 0;
	}
	report("reflected syscall round trip", samples);

	for (i = 0; i < WARM_UP; i++)
		self_state_here(&state, 0);
	for (i = 0; i < ROUNDS; i++) {
		uint64_t start = read_tsc();
		result = self_state_here(&state, 0);
		samples[i] = read_tsc() - start;
		wrong += result != SELF_STATE_RESUMED;
	}
	report("set_self_state alone", samples);
	event_hook = NULL;
	wk_mem_unmap(SAMPLES_AREA, SAMPLES_BYTES);
	if (wrong) {
		print("bench: FAIL %u rounds gave a wrong result\n", wrong);
		return 1;
	}
	return 0;
}
