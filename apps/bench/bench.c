/*
 * apps/bench: system-call costs as an app sees them, the same binary on
 * Linux and on Wicket. Each row times batches of calls with
 * `lfence; rdtsc` and prints the median and minimum cycles per call over
 * the batches. Under `-icount shift=0` the TSC counts guest instructions.
 *
 *   getpid             a reflected (on Wicket) or native (on Linux) getpid
 *   invalid syscall    number 100000: -ENOSYS from the dispatcher
 *   clock_gettime      CLOCK_MONOTONIC (Linux: the vDSO unless static
 *                      musl, which calls the kernel; Wicket: reflected)
 *
 * Issue #8 adds the rest (patched calls, signals, threads).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 31
#define CALLS   200

static inline uint64_t timestamp(void)
{
	uint32_t low, high;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(low), "=d"(high)
			 :: "memory");
	return ((uint64_t)high << 32) | low;
}

static int compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static long raw_syscall0(long number)
{
	long result;

	__asm__ volatile("syscall" : "=a"(result) : "a"(number)
			 : "rcx", "r11", "memory");
	return result;
}

static void row(const char *name, void (*body)(void))
{
	uint64_t per_call[BATCHES], empty[BATCHES];

	for (int b = 0; b < BATCHES; b++) {
		uint64_t start = timestamp();

		for (int i = 0; i < CALLS; i++)
			__asm__ volatile("" ::: "memory");
		empty[b] = timestamp() - start;
		start = timestamp();
		for (int i = 0; i < CALLS; i++)
			body();
		per_call[b] = timestamp() - start;
	}
	qsort(per_call, BATCHES, sizeof(*per_call), compare);
	qsort(empty, BATCHES, sizeof(*empty), compare);
	uint64_t overhead = empty[BATCHES / 2];

	printf("bench: %-16s median %6lu  min %6lu cycles per call\n", name,
	       (unsigned long)((per_call[BATCHES / 2] - overhead) / CALLS),
	       (unsigned long)((per_call[0] - overhead) / CALLS));
}

static void do_getpid(void) { raw_syscall0(SYS_getpid); }
static void do_invalid(void) { raw_syscall0(100000); }
static void do_clock(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
}

int main(void)
{
	row("getpid", do_getpid);
	row("invalid syscall", do_invalid);
	row("clock_gettime", do_clock);
	return 0;
}
