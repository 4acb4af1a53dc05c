/*
 * Differential test: preemption. Threads that never block and never yield
 * still share the CPU: on Linux they run on several CPUs, on Wicket one CPU
 * is shared by the scheduler's quantum. Nothing here passes on a single
 * CPU without preemption; every spin gives up after 10 s (and says "no")
 * rather than hang.
 *
 *   1. Three CPU-bound threads each count in their own counter while main
 *      naps 10 ms at a time: every counter advances, and again after.
 *   2. A thread spins on a flag that another CPU-bound thread sets after
 *      ~50 ms of work; then the two hand a token back and forth 10 times,
 *      by spinning only.
 *   3. Main spins (no system calls) until a thread that sleeps 50 ms sets a
 *      flag: the sleeper's wake-up must preempt main.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "threads_util.h"

/*
 * The spinning loops make no system call at all (on Wicket every system
 * call enters the libOS, which could switch threads there): they read the
 * time stamp counter, calibrated against CLOCK_MONOTONIC at the start.
 */
static double tsc_per_ns;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static void calibrate(void)
{
	int64_t t0 = mono_ns();
	uint64_t c0 = rdtsc();
	struct timespec nap = { 0, 20 * MS };
	nanosleep(&nap, NULL);
	int64_t t1 = mono_ns();
	uint64_t c1 = rdtsc();
	tsc_per_ns = (double)(c1 - c0) / (double)(t1 - t0);
	if (tsc_per_ns < 0.01)          /* a TSC that barely moves: be safe */
		tsc_per_ns = 0.01;
}

/* The TSC value ns nanoseconds from now. */
static uint64_t tsc_after(int64_t ns)
{
	return rdtsc() + (uint64_t)(ns * tsc_per_ns);
}

#define GIVE_UP (10 * SEC)

/* ---- 1. CPU-bound counters ---- */

#define COUNTERS 3
static struct {
	volatile unsigned long value;
	char pad[56];           /* one cache line each */
} counters[COUNTERS];
static volatile int stop;

static void *count(void *arg)
{
	volatile unsigned long *c = &counters[(intptr_t)arg].value;
	while (!stop)
		(*c)++;
	return NULL;
}

static void test_counters(void)
{
	pthread_t t[COUNTERS];
	unsigned long first[COUNTERS], second[COUNTERS];

	for (intptr_t i = 0; i < COUNTERS; i++)
		check0("pthread_create", pthread_create(&t[i], NULL, count,
							(void *)i));
	/* Main naps 10 ms at a time until every counter has moved (a
	 * loaded host may not run one for a while), for up to 10 s; then
	 * again until every one has moved past that. */
	struct timespec nap = { 0, 10 * MS };
	int all = 0, again = 0;

	for (int naps = 0; !all && naps < 1000; naps++) {
		nanosleep(&nap, NULL);
		all = 1;
		for (int i = 0; i < COUNTERS; i++)
			all &= (first[i] = counters[i].value) > 0;
	}
	for (int naps = 0; all && !again && naps < 1000; naps++) {
		nanosleep(&nap, NULL);
		again = 1;
		for (int i = 0; i < COUNTERS; i++)
			again &= (second[i] = counters[i].value) > first[i];
	}
	stop = 1;
	for (int i = 0; i < COUNTERS; i++)
		check0("pthread_join", pthread_join(t[i], NULL));

	printf("%d CPU-bound threads, main napping: all threads "
	       "progressed: %s\n", COUNTERS, all ? "yes" : "no");
	printf("and all progressed again after that: %s\n",
	       again ? "yes" : "no");
	for (int i = 0; i < COUNTERS; i++)
		printf("VARIES counter %d: %lu %lu\n", i, first[i], second[i]);
}

/* ---- 2. spinning on a flag another CPU-bound thread sets ---- */

#define HANDOFFS 10
static volatile int flag, token;
static volatile unsigned long work_sink;
static int spinner_saw_flag, handoffs_ok[2];

static void *spinner(void *arg)
{
	(void)arg;
	uint64_t give_up = tsc_after(GIVE_UP);
	while (!flag)
		if (rdtsc() > give_up)
			return NULL;
	spinner_saw_flag = 1;
	/* Token passing: the spinner owns odd values, the setter even ones. */
	int n = 0;
	for (int i = 1; i < 2 * HANDOFFS; i += 2) {
		while (token != i)
			if (rdtsc() > give_up)
				return NULL;
		token = i + 1;
		n++;
	}
	handoffs_ok[0] = n == HANDOFFS;
	return NULL;
}

static void *setter(void *arg)
{
	(void)arg;
	/* About 50 ms of work without a system call. */
	uint64_t until = tsc_after(50 * MS);
	while (rdtsc() < until)
		for (int i = 0; i < 1000; i++)
			work_sink += i;
	flag = 1;
	uint64_t give_up = tsc_after(GIVE_UP);
	int n = 0;
	token = 1;
	for (int i = 2; i <= 2 * HANDOFFS; i += 2) {
		while (token != i)
			if (rdtsc() > give_up)
				return NULL;
		if (i < 2 * HANDOFFS)
			token = i + 1;
		n++;
	}
	handoffs_ok[1] = n == HANDOFFS;
	return NULL;
}

static void test_spin_flag(void)
{
	pthread_t a, b;
	int64_t start = mono_ns();

	check0("pthread_create", pthread_create(&a, NULL, spinner, NULL));
	check0("pthread_create", pthread_create(&b, NULL, setter, NULL));
	check0("pthread_join", pthread_join(a, NULL));
	check0("pthread_join", pthread_join(b, NULL));
	printf("a spinning thread saw the flag a CPU-bound thread set: %s\n",
	       spinner_saw_flag ? "yes" : "no");
	printf("%d hand-offs between two spinning threads: %s\n", HANDOFFS,
	       handoffs_ok[0] && handoffs_ok[1] ? "yes" : "no");
	printf("VARIES spin test ms: %.3f\n", (mono_ns() - start) / 1e6);
}

/* ---- 3. a sleeper preempts a spinning main ---- */

static volatile int sleeper_done;

static void *sleeper(void *arg)
{
	(void)arg;
	struct timespec nap = { 0, 50 * MS };
	nanosleep(&nap, NULL);
	sleeper_done = 1;
	return NULL;
}

static void test_sleeper_preempts(void)
{
	pthread_t t;
	int64_t start = mono_ns();
	unsigned long spins = 0;

	check0("pthread_create", pthread_create(&t, NULL, sleeper, NULL));
	uint64_t give_up = tsc_after(GIVE_UP);
	while (!sleeper_done && rdtsc() < give_up)
		spins++;
	int64_t took = mono_ns() - start;
	check0("pthread_join", pthread_join(t, NULL));
	printf("main spun until a sleeping thread woke and set a flag: %s\n",
	       sleeper_done ? "yes" : "no");
	printf("that took at least 50 ms: %s\n", took >= 50 * MS ? "yes" : "no");
	printf("VARIES sleeper ms: %.3f (%lu spins)\n", took / 1e6, spins);
}

int main(void)
{
	calibrate();
	test_counters();
	test_spin_flag();
	test_sleeper_preempts();
	return 0;
}
