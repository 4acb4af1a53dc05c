/*
 * Differential test: time in threads. Timeouts (pthread_cond_timedwait on
 * CLOCK_REALTIME and, through a condattr, CLOCK_MONOTONIC; sem_timedwait;
 * pthread_mutex_timedlock) end with ETIMEDOUT no earlier than asked, and a
 * wake-up before the deadline wins. Then several threads sleep at once,
 * each for a different time, with nanosleep, clock_nanosleep (relative) and
 * clock_nanosleep (TIMER_ABSTIME, monotonic and real time): they wake in
 * the order of their deadlines, each after its time. Only booleans and the
 * order are printed; measured times go on VARIES lines.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "threads_util.h"

static void waited(const char *what, int64_t ns, int64_t at_least)
{
	printf("%s: waited at least %lld ms: %s\n", what,
	       (long long)(at_least / MS), ns >= at_least ? "yes" : "no");
	printf("%s: waited less than 5 s: %s\n", what, ns < 5 * SEC ? "yes" : "no");
	printf("VARIES %s: waited ms: %.3f\n", what, ns / 1e6);
}

/* ---- pthread_cond_timedwait ---- */

static pthread_mutex_t lock;     /* error-checking: unlock proves we hold it */
static int flag;

static void *signal_later(void *arg)
{
	struct timespec nap = { 0, 20 * MS };
	nanosleep(&nap, NULL);
	pthread_mutex_lock(&lock);
	flag = 1;
	pthread_cond_signal(arg);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void cond_timeouts(const char *name, clockid_t clock)
{
	pthread_condattr_t ca;
	pthread_cond_t c;
	char what[96];

	pthread_condattr_init(&ca);
	check0("pthread_condattr_setclock", pthread_condattr_setclock(&ca, clock));
	check0("pthread_cond_init", pthread_cond_init(&c, &ca));
	clockid_t got = -1;
	pthread_condattr_getclock(&ca, &got);
	printf("condattr clock is %s: %s\n", name, got == clock ? "yes" : "no");
	pthread_condattr_destroy(&ca);

	/* Nobody signals: 100 ms, then ETIMEDOUT with the mutex held. */
	pthread_mutex_lock(&lock);
	int64_t start = now_ns(clock);
	struct timespec deadline = ns_ts(start + 100 * MS);
	int r;
	do
		r = pthread_cond_timedwait(&c, &lock, &deadline);
	while (r == 0);         /* a spurious wake-up may come first */
	int64_t took = now_ns(clock) - start;
	int unlocked = pthread_mutex_unlock(&lock);
	snprintf(what, sizeof what, "cond_timedwait %s 100 ms", name);
	printf("%s: %s, mutex held on return: %s\n", what, err_name(r),
	       unlocked == 0 ? "yes" : "no");
	waited(what, took, 100 * MS);

	/* A deadline already past. */
	pthread_mutex_lock(&lock);
	deadline = ns_ts(now_ns(clock) / 2);        /* valid, and past */
	r = pthread_cond_timedwait(&c, &lock, &deadline);
	unlocked = pthread_mutex_unlock(&lock);
	printf("cond_timedwait %s, deadline in the past: %s, mutex held: %s\n",
	       name, err_name(r), unlocked == 0 ? "yes" : "no");

	/* Signalled after 20 ms, long before the 10 s deadline. */
	pthread_t t;
	flag = 0;
	pthread_mutex_lock(&lock);
	start = now_ns(clock);
	deadline = ns_ts(start + 10 * SEC);
	check0("pthread_create", pthread_create(&t, NULL, signal_later, &c));
	r = 0;
	while (!flag && r == 0)
		r = pthread_cond_timedwait(&c, &lock, &deadline);
	took = now_ns(clock) - start;
	pthread_mutex_unlock(&lock);
	check0("pthread_join", pthread_join(t, NULL));
	printf("cond_timedwait %s signalled after 20 ms: %s, woken before "
	       "the deadline: %s\n", name, err_name(r),
	       flag && took < 10 * SEC ? "yes" : "no");
	pthread_cond_destroy(&c);
}

/* ---- sem_timedwait, pthread_mutex_timedlock ---- */

static sem_t sem;

static void *post_later(void *arg)
{
	(void)arg;
	struct timespec nap = { 0, 20 * MS };
	nanosleep(&nap, NULL);
	sem_post(&sem);
	return NULL;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static sem_t holding, release;

static void *hold_mutex(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&held);
	sem_post(&holding);
	while (sem_wait(&release) != 0)
		;
	pthread_mutex_unlock(&held);
	return NULL;
}

static void sem_and_mutex_timeouts(void)
{
	sem_init(&sem, 0, 0);
	int64_t start = now_ns(CLOCK_REALTIME);
	struct timespec deadline = ns_ts(start + 50 * MS);
	errno = 0;
	int r = sem_timedwait(&sem, &deadline);
	int e = errno;
	int64_t took = now_ns(CLOCK_REALTIME) - start;
	printf("sem_timedwait 50 ms: %d (%s)\n", r, err_name(e));
	waited("sem_timedwait 50 ms", took, 50 * MS);

	deadline.tv_nsec = 1000000000;
	errno = 0;
	r = sem_timedwait(&sem, &deadline);
	printf("sem_timedwait with tv_nsec 1e9: %d (%s)\n", r, err_name(errno));

	pthread_t t;
	start = now_ns(CLOCK_REALTIME);
	deadline = ns_ts(start + 10 * SEC);
	check0("pthread_create", pthread_create(&t, NULL, post_later, NULL));
	while ((r = sem_timedwait(&sem, &deadline)) != 0 && errno == EINTR)
		;
	took = now_ns(CLOCK_REALTIME) - start;
	check0("pthread_join", pthread_join(t, NULL));
	printf("sem_timedwait posted after 20 ms: %d, before the deadline: %s\n",
	       r, took < 10 * SEC ? "yes" : "no");

	sem_init(&holding, 0, 0);
	sem_init(&release, 0, 0);
	check0("pthread_create", pthread_create(&t, NULL, hold_mutex, NULL));
	while (sem_wait(&holding) != 0)
		;
	start = now_ns(CLOCK_REALTIME);
	deadline = ns_ts(start + 50 * MS);
	r = pthread_mutex_timedlock(&held, &deadline);
	took = now_ns(CLOCK_REALTIME) - start;
	printf("pthread_mutex_timedlock on a held mutex: %s\n", err_name(r));
	waited("pthread_mutex_timedlock 50 ms", took, 50 * MS);
	sem_post(&release);
	deadline = ns_ts(now_ns(CLOCK_REALTIME) + 10 * SEC);
	r = pthread_mutex_timedlock(&held, &deadline);
	printf("pthread_mutex_timedlock once released: %s\n", err_name(r));
	pthread_mutex_unlock(&held);
	check0("pthread_join", pthread_join(t, NULL));
}

/* ---- several sleepers at once ---- */

enum how { NANOSLEEP, CLOCK_REL, CLOCK_ABS_MONO, CLOCK_ABS_REAL };
static const char *const how_name[] = {
	"nanosleep", "clock_nanosleep relative", "clock_nanosleep absolute "
	"CLOCK_MONOTONIC", "clock_nanosleep absolute CLOCK_REALTIME",
};

#define SLEEPERS 4
static const int sleep_ms[SLEEPERS] = { 200, 50, 150, 100 };

static struct {
	enum how how;
	pthread_barrier_t start;
	int64_t base[2];                /* absolute: monotonic, real time */
	pthread_mutex_t lock;
	int order[SLEEPERS];
	int woken;
	int long_enough[SLEEPERS];
	int results[SLEEPERS];
} sl = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *sleeper(void *arg)
{
	int me = (int)(intptr_t)arg;
	int64_t ns = sleep_ms[me] * MS;
	clockid_t clock = sl.how == CLOCK_ABS_REAL ? CLOCK_REALTIME :
			  CLOCK_MONOTONIC;
	struct timespec d;
	int r;

	pthread_barrier_wait(&sl.start);
	int64_t start = now_ns(clock);
	switch (sl.how) {
	case NANOSLEEP:
		d = ns_ts(ns);
		r = nanosleep(&d, NULL) == 0 ? 0 : errno;
		break;
	case CLOCK_REL:
		d = ns_ts(ns);
		r = clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL);
		break;
	default:
		start = sl.base[sl.how == CLOCK_ABS_REAL];
		d = ns_ts(start + ns);
		r = clock_nanosleep(clock, TIMER_ABSTIME, &d, NULL);
		break;
	}
	int64_t end = now_ns(clock);
	pthread_mutex_lock(&sl.lock);
	sl.order[sl.woken++] = me;
	pthread_mutex_unlock(&sl.lock);
	sl.long_enough[me] = end - start >= ns;
	sl.results[me] = r;
	return NULL;
}

static void sleepers(enum how how)
{
	pthread_t t[SLEEPERS];

	sl.how = how;
	sl.woken = 0;
	pthread_barrier_init(&sl.start, NULL, SLEEPERS + 1);
	for (intptr_t i = 0; i < SLEEPERS; i++)
		check0("pthread_create", pthread_create(&t[i], NULL, sleeper,
							(void *)i));
	/* Absolute deadlines count from 20 ms after everyone exists. */
	sl.base[0] = now_ns(CLOCK_MONOTONIC) + 20 * MS;
	sl.base[1] = now_ns(CLOCK_REALTIME) + 20 * MS;
	int64_t start = mono_ns();
	pthread_barrier_wait(&sl.start);
	for (int i = 0; i < SLEEPERS; i++)
		check0("pthread_join", pthread_join(t[i], NULL));
	pthread_barrier_destroy(&sl.start);

	printf("%s, %d threads sleeping 200 50 150 100 ms: woke in the order",
	       how_name[how], SLEEPERS);
	for (int i = 0; i < SLEEPERS; i++)
		printf(" %d", sl.order[i]);
	int ok = 1, good = 1;
	for (int i = 0; i < SLEEPERS; i++) {
		ok &= sl.results[i] == 0;
		good &= sl.long_enough[i];
	}
	printf("\n%s: all returned 0: %s, each slept at least its time: %s\n",
	       how_name[how], ok ? "yes" : "no", good ? "yes" : "no");
	printf("VARIES %s: all done after ms: %.3f\n", how_name[how],
	       (mono_ns() - start) / 1e6);
}

static void sleep_edges(void)
{
	struct timespec d = { 0, 0 };
	int64_t start = mono_ns();
	int r = nanosleep(&d, NULL);
	printf("nanosleep(0): %d\n", r);
	d.tv_nsec = 1000000000;
	errno = 0;
	r = nanosleep(&d, NULL);
	printf("nanosleep with tv_nsec 1e9: %d (%s)\n", r, err_name(errno));
	d.tv_nsec = -1;
	errno = 0;
	r = nanosleep(&d, NULL);
	printf("nanosleep with tv_nsec -1: %d (%s)\n", r, err_name(errno));
	/* In the past, and valid: half of the monotonic clock's value (on
	 * Wicket it counts from boot, so "now - 1 s" can be negative). */
	d = ns_ts(mono_ns() / 2);
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &d, NULL);
	printf("clock_nanosleep absolute, in the past: %s\n", err_name(r));
	d = ns_ts(1 * MS);
	r = clock_nanosleep((clockid_t)12345, 0, &d, NULL);
	printf("clock_nanosleep on a bad clock: %s\n", err_name(r));
	printf("these returned within 1 s: %s\n",
	       mono_ns() - start < 1 * SEC ? "yes" : "no");
}

int main(void)
{
	pthread_mutexattr_t ma;

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	check0("pthread_mutex_init", pthread_mutex_init(&lock, &ma));
	pthread_mutexattr_destroy(&ma);

	cond_timeouts("CLOCK_REALTIME", CLOCK_REALTIME);
	cond_timeouts("CLOCK_MONOTONIC", CLOCK_MONOTONIC);
	sem_and_mutex_timeouts();
	sleep_edges();
	for (enum how h = NANOSLEEP; h <= CLOCK_ABS_REAL; h++)
		sleepers(h);
	return 0;
}
