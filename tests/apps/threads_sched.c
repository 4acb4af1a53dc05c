/*
 * Differential test: scheduling calls. Two threads play ping-pong through
 * a shared counter, each waiting for its turn with sched_yield; the CPU
 * count calls succeed (the count itself differs between the host and
 * Wicket's one CPU, so it is on VARIES lines); the scheduling policy and
 * priority calls say what Linux says for an ordinary thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "threads_util.h"

/* Few: on a loaded host each sched_yield may give a whole time slice to
 * another process. */
#define ROUNDS 200

static volatile int turn;       /* whose turn: 0 or 1 */
static volatile long shared_counter;
static int out_of_turn;
static long yields[2];

static void *player(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int i = 0; i < ROUNDS; i++) {
		/* 10 s without the other's turn ending: give up. */
		int64_t give_up = mono_ns() + 10 * SEC;

		while (turn != me) {
			sched_yield();
			yields[me]++;
			if ((yields[me] & 1023) == 0 && mono_ns() > give_up)
				return NULL;
		}
		long v = shared_counter;
		if (v != 2L * i + me)
			out_of_turn++;
		shared_counter = v + 1;
		turn = 1 - me;
	}
	return NULL;
}

static void test_ping_pong(void)
{
	pthread_t t[2];
	int64_t start = mono_ns();

	for (intptr_t i = 0; i < 2; i++)
		check0("pthread_create", pthread_create(&t[i], NULL, player,
							(void *)i));
	for (int i = 0; i < 2; i++)
		check0("pthread_join", pthread_join(t[i], NULL));
	printf("sched_yield ping-pong, %d rounds each: counter %ld, "
	       "out of turn %d\n", ROUNDS, shared_counter, out_of_turn);
	printf("VARIES ping-pong ms: %.3f, yields %ld %ld\n",
	       (mono_ns() - start) / 1e6, yields[0], yields[1]);
}

static void *affinity_in_thread(void *arg)
{
	cpu_set_t *set = arg;
	int r = sched_getaffinity(0, sizeof *set, set);
	return (void *)(intptr_t)(r == 0);
}

static void test_cpus(void)
{
	cpu_set_t set, set2;

	CPU_ZERO(&set);
	int r = sched_getaffinity(0, sizeof set, &set);
	printf("sched_getaffinity: %d\n", r);
	yesno("CPU_COUNT >= 1", CPU_COUNT(&set) >= 1);
	printf("VARIES CPU_COUNT: %d\n", CPU_COUNT(&set));

	pthread_t t;
	void *ok = NULL;
	CPU_ZERO(&set2);
	check0("pthread_create",
	       pthread_create(&t, NULL, affinity_in_thread, &set2));
	check0("pthread_join", pthread_join(t, &ok));
	yesno("sched_getaffinity in a thread succeeds, same set",
	      ok != NULL && CPU_EQUAL(&set, &set2));

	CPU_ZERO(&set2);
	r = pthread_getaffinity_np(pthread_self(), sizeof set2, &set2);
	printf("pthread_getaffinity_np: %s, same set: %s\n",
	       r == 0 ? "0" : strerror(r), CPU_EQUAL(&set, &set2) ? "yes" : "no");

	long online = sysconf(_SC_NPROCESSORS_ONLN);
	long conf = sysconf(_SC_NPROCESSORS_CONF);
	yesno("sysconf(_SC_NPROCESSORS_ONLN) >= 1", online >= 1);
	yesno("sysconf(_SC_NPROCESSORS_CONF) >= 1", conf >= 1);
	printf("VARIES _SC_NPROCESSORS_ONLN: %ld\n", online);
	printf("VARIES _SC_NPROCESSORS_CONF: %ld\n", conf);
}

static void test_policy(void)
{
	int r = sched_yield();
	printf("sched_yield with nothing else to run: %d\n", r);
	printf("sched_getscheduler(0): %d (SCHED_OTHER is %d)\n",
	       sched_getscheduler(0), SCHED_OTHER);
	struct sched_param sp = { .sched_priority = -1 };
	r = sched_getparam(0, &sp);
	printf("sched_getparam(0): %d, priority %d\n", r, sp.sched_priority);
	printf("SCHED_OTHER priorities: min %d, max %d\n",
	       sched_get_priority_min(SCHED_OTHER),
	       sched_get_priority_max(SCHED_OTHER));
	int policy = -1;
	sp.sched_priority = -1;
	r = pthread_getschedparam(pthread_self(), &policy, &sp);
	printf("pthread_getschedparam: %d, policy %d, priority %d\n", r, policy,
	       sp.sched_priority);
}

int main(void)
{
	test_ping_pong();
	test_cpus();
	test_policy();
	return 0;
}
