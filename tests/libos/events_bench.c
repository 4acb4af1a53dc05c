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

struct result {
	uint64_t median, min;
};

static struct result summary(uint64_t *samples)
{
	uint64_t middle = median(samples);
	return (struct result){middle, samples[0]};
}

static void report(const char *prefix, const char *what, struct result r)
{
	print("bench: %s%s: median %lu cycles, min %lu cycles\n", prefix, what,
	      (unsigned long)r.median, (unsigned long)r.min);
}

/* INT 0x81 toggles the test kernel's baseline paths
 * (tests/kernel/baseline.c): RAX = 1 on, 0 off, -ENOSYS when this CPU
 * cannot run them. The product kernel has no such gate: the INT is a #GP
 * there, which toggle_hook turns into -ENOSYS. */
extern char baseline_toggle_int[];

static void toggle_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	if (kind == WK_EVENT_EXCEPTION && vcpu->event.vector == 13 &&
	    vcpu->frame.rip == (uint64_t)baseline_toggle_int) {
		vcpu->frame.rip += 2;
		vcpu->frame.rax = (uint64_t)-WK_ENOSYS;
	}
}

__attribute__((noinline)) static long baseline_toggle(void)
{
	event_hook_fn saved = event_hook;
	long on;

	event_hook = toggle_hook;
	__asm__ volatile("baseline_toggle_int: int $0x81"
			 : "=a"(on) : : "memory");
	event_hook = saved;
	return on;
}

#define PATHS 3
static const char *const path_names[PATHS] = {
	"exception event round trip",
	"reflected syscall round trip",
	"set_self_state alone",
};

/* Times the three paths into `results`; prints nothing (under the
 * baseline a native console_write would be reflected). Returns the number
 * of rounds that gave a wrong result. */
static unsigned measure(uint64_t *samples, struct result *results)
{
	static struct wk_regs state;
	unsigned wrong = 0, i;

	for (i = 0; i < WARM_UP; i++)
		bench_fault();
	for (i = 0; i < ROUNDS; i++) {
		uint64_t start = read_tsc();
		bench_fault();
		samples[i] = read_tsc() - start;
	}
	results[0] = summary(samples);

	for (i = 0; i < WARM_UP; i++)
		wk_syscall6(1234, 0, 0, 0, 0, 0, 0);
	for (i = 0; i < ROUNDS; i++) {
		uint64_t start = read_tsc();
		long value = wk_syscall6(1234, 0, 0, 0, 0, 0, 0);
		samples[i] = read_tsc() - start;
		wrong += value != 0;
	}
	results[1] = summary(samples);

	for (i = 0; i < WARM_UP; i++)
		self_state_here(&state, 0);
	for (i = 0; i < ROUNDS; i++) {
		uint64_t start = read_tsc();
		long result = self_state_here(&state, 0);
		samples[i] = read_tsc() - start;
		wrong += result != SELF_STATE_RESUMED;
	}
	results[2] = summary(samples);
	return wrong;
}

int scenario_events_bench(const struct wk_info *info)
{
	uint64_t *samples = (uint64_t *)SAMPLES_AREA;
	struct result real[PATHS], floor[PATHS];
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

	unsigned wrong = measure(samples, real);
	for (i = 0; i < PATHS; i++)
		report("", path_names[i], real[i]);
	/* The same rounds through the hand-written floor, then the ratios
	 * (issue #4's goal: at most 1.2). */
	result = baseline_toggle();
	if (result == 1) {
		wrong += measure(samples, floor);
		result = baseline_toggle();
		if (result != 0) {
			print("bench: FAIL the baseline did not switch off: "
			      "%ld\n", result);
			return 1;
		}
		for (i = 0; i < PATHS; i++)
			report("baseline ", path_names[i], floor[i]);
		for (i = 0; i < PATHS; i++) {
			uint64_t base = floor[i].median ? floor[i].median : 1;
			uint64_t percent = (real[i].median * 100 + base / 2) /
					   base;
			print("bench: %s vs baseline: %lu.%02lu x\n",
			      path_names[i], (unsigned long)(percent / 100),
			      (unsigned long)(percent % 100));
		}
	} else {
		print("bench: baseline paths: unavailable (%ld: the product kernel, or a CPU without SMAP and FSGSBASE)\n", result);
	}
	event_hook = NULL;
	wk_mem_unmap(SAMPLES_AREA, SAMPLES_BYTES);
	if (wrong) {
		print("bench: FAIL %u rounds gave a wrong result\n", wrong);
		return 1;
	}
	return 0;
}
