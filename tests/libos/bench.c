/*
 * Scenario bench: the null native call's round trip in TSC cycles. Each
 * sample is `lfence; rdtsc` before and after one wk_nop(); the samples go in
 * a buffer from mem_map and are sorted for the median and the minimum. The
 * mean comes from one timed loop of calls without per-call timing. The
 * overhead of the timing itself (an empty rdtsc pair) is reported apart;
 * it is not subtracted.
 */
#include <stdint.h>

#include "print.h"
#include "samples.h"
#include "scenario.h"
#include "wicket/native.h"

#define CALLS 100000
#define WARM_UP 1000
#define BUFFER_AREA (SCRATCH_BASE + 0x40000000ull)
#define BUFFER_BYTES ((CALLS * 8 + WK_PAGE_SIZE - 1) & ~(uint64_t)(WK_PAGE_SIZE - 1))


int scenario_bench(const struct wk_info *info)
{
	uint64_t *samples = (uint64_t *)BUFFER_AREA;
	uint64_t i;

	long result = wk_mem_map(BUFFER_AREA, BUFFER_BYTES,
				 WK_PROT_READ | WK_PROT_WRITE);
	if (result != 0) {
		print("bench: FAIL mem_map(%lu bytes) = %ld\n",
		      (unsigned long)BUFFER_BYTES, result);
		return 1;
	}
	print("bench: tsc %lu Hz, %u calls\n",
	      (unsigned long)info->tsc_frequency_hz, CALLS);

	/* 1. The timing's own cost: nothing between the two reads. */
	for (i = 0; i < CALLS; i++) {
		uint64_t start = read_tsc();
		samples[i] = read_tsc() - start;
	}
	sort_u64(samples, CALLS);
	print("bench: rdtsc pair overhead: median %lu cycles\n",
	      (unsigned long)median_of_sorted(samples, CALLS));

	/* 2. One timed call per sample, after a warm-up. */
	for (i = 0; i < WARM_UP; i++)
		wk_nop();
	for (i = 0; i < CALLS; i++) {
		uint64_t start = read_tsc();
		wk_nop();
		samples[i] = read_tsc() - start;
	}
	sort_u64(samples, CALLS);
	uint64_t median = median_of_sorted(samples, CALLS);
	uint64_t minimum = samples[0];

	/* 3. The mean over one loop without per-call timing. */
	uint64_t start = read_tsc();
	for (i = 0; i < CALLS; i++)
		wk_nop();
	uint64_t mean = (read_tsc() - start) / CALLS;

	print("bench: native nop round trip: median %lu cycles, min %lu cycles, "
	      "mean %lu cycles over %u calls\n", (unsigned long)median,
	      (unsigned long)minimum, (unsigned long)mean, CALLS);
	wk_mem_unmap(BUFFER_AREA, BUFFER_BYTES);
	return 0;
}
