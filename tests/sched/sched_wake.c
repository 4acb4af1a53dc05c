/*
 * Sleepers wake within one quantum of their deadline while a CPU-bound
 * thread holds the CPU (issue #6). Wicket only, under -icount (virtual
 * time: a host stall cannot make a wake-up late), with the default 10 ms
 * quantum: a spinner that never blocks or yields runs the whole time, and
 * main sleeps 10 times each way, relative nanosleep, absolute
 * clock_nanosleep and a futex wait that times out, measuring how late each
 * wake-up is on CLOCK_MONOTONIC.
 *
 * Prints "sched_wake: ok, ..." when every wake-up came at or after its
 * deadline and less than one quantum after it, else the first one that
 * did not.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL
#define FUTEX_WAIT_PRIVATE 128 /* musl has no <linux/futex.h> */
#define QUANTUM (10 * MS) /* the libOS's default (wicket.quantum) */

static atomic_int stop;
static atomic_long spins;

static void *spinner(void *argument)
{
	while (!atomic_load(&stop))
		atomic_fetch_add(&spins, 1);
	return argument;
}

static int64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct timespec to_timespec(int64_t ns)
{
	struct timespec t = { ns / 1000000000LL, ns % 1000000000LL };

	return t;
}

static int64_t worst;

/* One wake-up `deadline`: false (and a line) if early or a quantum late. */
static int on_time(const char *how, int i, int64_t deadline)
{
	int64_t late = mono_ns() - deadline;

	if (late > worst)
		worst = late;
	if (late >= 0 && late < QUANTUM)
		return 1;
	printf("sched_wake: %s %d woke %lld ns after its deadline\n", how, i,
	       (long long)late);
	return 0;
}

int main(void)
{
	pthread_t thread;
	int ok = 1, word = 0;

	if (pthread_create(&thread, NULL, spinner, NULL) != 0) {
		printf("sched_wake: pthread_create failed\n");
		return 1;
	}
	for (int i = 0; i < 10 && ok; i++) {
		/* 3 ms and a bit, so the deadlines fall anywhere in a
		 * quantum. */
		int64_t wait = 3 * MS + i * 700000LL;
		int64_t start = mono_ns();
		struct timespec relative = to_timespec(wait);

		nanosleep(&relative, NULL);
		ok = on_time("nanosleep", i, start + wait);

		struct timespec absolute = to_timespec(mono_ns() + wait);

		if (ok) {
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
					&absolute, NULL);
			ok = on_time("clock_nanosleep", i,
				     absolute.tv_sec * 1000000000LL +
					     absolute.tv_nsec);
		}
		start = mono_ns();
		if (ok && syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0,
				  &relative) == 0) {
			printf("sched_wake: futex %d woke without a wake\n",
			       i);
			ok = 0;
		}
		if (ok)
			ok = on_time("futex", i, start + wait);
	}
	long before = atomic_load(&spins);

	atomic_store(&stop, 1);
	pthread_join(thread, NULL);
	if (ok && before == 0) {
		printf("sched_wake: the spinner never ran\n");
		ok = 0;
	}
	if (ok)
		printf("sched_wake: ok, 30 wake-ups on time with a thread "
		       "spinning; the latest %lld us after its deadline\n",
		       (long long)(worst / 1000));
	return ok ? 0 : 1;
}
