/*
 * Timing samples for the benchmark scenarios: a serialised TSC read, and
 * sorting for medians and minimums (no libc here).
 */
#ifndef LIBOS_TEST_SAMPLES_H
#define LIBOS_TEST_SAMPLES_H

#include <stdint.h>

/* lfence keeps rdtsc from running before the instructions ahead of it. */
static inline uint64_t read_tsc(void)
{
	uint32_t low, high;

	__asm__ volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
	return ((uint64_t)high << 32) | low;
}

/* Sorts ascending in place (heap sort: no extra memory). */
void sort_u64(uint64_t *values, uint64_t count);

/* The median of `count` (> 0) sorted values. */
uint64_t median_of_sorted(const uint64_t *values, uint64_t count);

#endif /* LIBOS_TEST_SAMPLES_H */
