/*
 * Differential test: call-site rewriting under preemption (issue #8;
 * libos/trap/patch.c). tests/apps/meson.build runs it with
 * wicket.quantum=1, so that Wicket's scheduler preempts threads often,
 * inside trampolines and the libOS's user-mode entry among other places.
 *
 *  1. hammer: four threads, released together from a spin barrier, each
 *     make the same mix of calls through the same sites, every site new
 *     (its first call, and so its rewrite, happens while the others run
 *     or sit preempted around it): hand-written sites of each kind
 *     (patch_util.h), one the libOS answers in the trampoline, and musl's
 *     own sites (getppid, syscall(), clock_gettime, sched_yield: each
 *     16th time round). Each result is checked, and each tail must have
 *     run once per call.
 *  2. blocked at a new site: three threads wait in FUTEX_WAIT through a
 *     site none has called before; the first one's call rewrites it and
 *     blocks, the others enter through the trampoline. A SA_RESTART
 *     handler interrupts each wait (the wait restarts, from the
 *     trampoline or at the syscall the kernel reflected) and makes a call
 *     through the same site itself; then main wakes them through that
 *     site too. Once through a site rewritten in form B (the syscall and
 *     its tail move), once in form A (only the mov of the number moves).
 *  3. a FUTEX_WAIT with a timeout through another new site, interrupted
 *     by a handler: EINTR (no restart), and the tail ran once; form B,
 *     then form A.
 *
 * A broken rewrite shows as a wrong result ("wrong results: N"), a tail
 * count that differs from the call count ("tails match: no"), a thread
 * that never wakes (the run times out), or a fault (the exit status).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "patch_util.h"
#include "signals_util.h"
#include "threads_util.h"

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

SITE_PLAIN(hammer_plain);
SITE_JCC(hammer_jcc);
SITE_CALL(hammer_call);
SITE_MULTI(hammer_multi);
SITE_RET(hammer_ret);
SITE_GETPPID_ANSWERED(hammer_answered);
SITE_FIXED(hammer_fixed, SYS_gettid);
SITE_KEEPS(hammer_keeps);
SITE_JCC(wait_site);
SITE_FIXED(wait_fixed_site, SYS_futex);
SITE_CALL(timed_wait_site);
SITE_FIXED(timed_fixed_site, SYS_futex);

static long ppid;
static volatile long wrong;

static void expect(long got, long want)
{
	patch_jitter();
	if (got != want)
		__atomic_fetch_add(&wrong, 1, __ATOMIC_SEQ_CST);
}

/* ---- 1. hammer ---- */

#define HAMMER_THREADS 4
#define HAMMER_ITERATIONS 2500
#define HAMMER_SITES 8

static volatile int arrived;
static long tails[HAMMER_THREADS][HAMMER_SITES][2];
static long calls[HAMMER_THREADS][HAMMER_SITES];

static void *hammer(void *arg)
{
	intptr_t me = (intptr_t)arg;
	long tid = syscall(SYS_gettid), (*tail)[2] = tails[me];
	long *count = calls[me];
	int futex_word = 0;
	struct timespec last = { 0, 0 }, now;
	char byte = 'x';

	/* Released together: no system call until all four are here. */
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < HAMMER_THREADS)
		;
	for (long i = 0; i < HAMMER_ITERATIONS; i++) {
		expect(hammer_plain(SYS_getppid, 0, 0, 0, 0, tail[0]), ppid);
		count[0]++;
		expect(hammer_jcc(SYS_gettid, 0, 0, 0, 0, tail[1]), tid);
		expect(hammer_jcc(SYS_write, -1, (long)&byte, 1, 0, tail[1]),
		       -EBADF);
		count[1] += 2;
		expect(hammer_call(SYS_futex, (long)&futex_word,
				   FUTEX_WAKE_PRIVATE, 1, 0, tail[2]), 0);
		count[2]++;
		/* A yield each 16th time round: on a loaded host each one
		 * may give a whole time slice to another process. */
		if ((i & 15) == 0)
			expect(hammer_multi(SYS_sched_yield, 0, 0, 0, 0, tail[3]),
			       0);
		else
			expect(hammer_multi(SYS_getppid, 0, 0, 0, 0, tail[3]),
			       ppid);
		count[3]++;
		expect(hammer_ret(SYS_gettid, 0, 0, 0, 0, tail[4]), tid);
		count[4]++;
		expect(hammer_answered(tail[5]), ppid);
		count[5]++;
		expect(hammer_fixed(0, 0, 0, 0, 0, tail[6]), tid);
		count[6]++;
		expect(hammer_keeps(SYS_getppid, 0, 0, 0, 0, tail[7]), ppid);
		count[7]++;
		/* musl's sites */
		expect(getppid(), ppid);
		expect(syscall(SYS_gettid), tid);
		if ((i & 15) == 8)
			expect(sched_yield(), 0);
		clock_gettime(CLOCK_MONOTONIC, &now);
		expect(ts_ns(&now) < ts_ns(&last), 0);
		last = now;
	}
	return NULL;
}

static void test_hammer(void)
{
	pthread_t t[HAMMER_THREADS];
	int tails_match = 1, negative_ok = 1, kept = 1;

	start_all(t, HAMMER_THREADS, hammer);
	for (int i = 0; i < HAMMER_THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < HAMMER_THREADS; i++) {
		for (int s = 0; s < HAMMER_SITES; s++)
			tails_match &= tails[i][s][0] + tails[i][s][1] ==
				       calls[i][s];
		/* The JCC site: one of its two calls per iteration fails. */
		negative_ok &= tails[i][1][1] == HAMMER_ITERATIONS;
		/* The KEEPS site's tail[1] counts calls that lost a register
		 * or the red zone. */
		kept &= tails[i][7][1] == 0;
	}
	printf("hammer: %d threads x %d iterations\n", HAMMER_THREADS,
	       HAMMER_ITERATIONS);
	yesno("hammer: tails match", tails_match);
	yesno("hammer: the moved js took its branch once per iteration",
	      negative_ok);
	yesno("hammer: registers and red zone kept", kept);
}

/* ---- 2. blocked at a new site ---- */

#define WAITERS 3

typedef long site_fn(long, long, long, long, long, long *);

static site_fn *wait_through;           /* the site of this run */
static int gate, other_word;
static volatile int handler_runs, handler_wrong, waiting;
static struct {
	long calls, woken, again, interrupted, other;
	long tail[2];
} waiter[WAITERS];

static void on_usr1(int sig, siginfo_t *info, void *context)
{
	long tail[2] = { 0, 0 };

	(void)sig, (void)info, (void)context;
	/* A call through the same site from the handler. */
	if (wait_through(SYS_futex, (long)&other_word, FUTEX_WAKE_PRIVATE, 1,
			 0, tail) != 0 || tail[0] != 1 || tail[1] != 0)
		__atomic_fetch_add(&handler_wrong, 1, __ATOMIC_SEQ_CST);
	/* Atomic: on the host the handlers of three threads may run at
	 * once, on two CPUs. */
	__atomic_fetch_add(&handler_runs, 1, __ATOMIC_SEQ_CST);
}

static void *waiter_thread(void *arg)
{
	intptr_t me = (intptr_t)arg;

	__atomic_fetch_add(&waiting, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&gate, __ATOMIC_SEQ_CST) == 0) {
		long r = wait_through(SYS_futex, (long)&gate,
				      FUTEX_WAIT_PRIVATE, 0, 0,
				      waiter[me].tail);

		waiter[me].calls++;
		if (r == 0)
			waiter[me].woken++;
		else if (r == -EAGAIN)
			waiter[me].again++;
		else if (r == -EINTR)
			waiter[me].interrupted++;
		else
			waiter[me].other++;
	}
	return NULL;
}

/* `jcc`: the site counts failures in tail[1] (SITE_JCC), else all
 * returns in tail[0]. */
static void test_blocked(const char *name, site_fn *site, int jcc)
{
	pthread_t t[WAITERS];
	long main_tail[2] = { 0, 0 };
	int tails_match = 1, interrupted = 0, other = 0;

	wait_through = site;
	gate = 0;
	waiting = handler_runs = handler_wrong = 0;
	memset(waiter, 0, sizeof waiter);
	on(SIGUSR1, on_usr1, SA_RESTART);
	start_all(t, WAITERS, waiter_thread);
	while (__atomic_load_n(&waiting, __ATOMIC_SEQ_CST) < WAITERS)
		nap_ms(1);
	nap_ms(30);                     /* all three in FUTEX_WAIT by now */
	for (int i = 0; i < WAITERS; i++)
		check0("pthread_kill", pthread_kill(t[i], SIGUSR1));
	nap_ms(30);
	__atomic_store_n(&gate, 1, __ATOMIC_SEQ_CST);
	if (site(SYS_futex, (long)&gate, FUTEX_WAKE_PRIVATE, INT_MAX, 0,
		 main_tail) < 0)
		wrong++;
	for (int i = 0; i < WAITERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < WAITERS; i++) {
		long failed = waiter[i].again + waiter[i].interrupted +
			      waiter[i].other;

		tails_match &= waiter[i].tail[0] + waiter[i].tail[1] ==
			       waiter[i].calls &&
			       waiter[i].tail[1] == (jcc ? failed : 0);
		interrupted += waiter[i].interrupted;
		other += waiter[i].other;
	}
	tails_match &= main_tail[0] == 1 && main_tail[1] == 0;
	printf("%s: handler ran %d times, %d wrong\n", name, handler_runs,
	       handler_wrong);
	printf("%s: tails match: %s\n", name, tails_match ? "yes" : "no");
	printf("%s: EINTR %d, other errors %d\n", name, interrupted, other);
}

/* ---- 3. a wait with a timeout, interrupted ---- */

static int timed_gate;
static site_fn *timed_through;
static long timed_tail[2];
static volatile long timed_calls, timed_interrupted, timed_wrong;

static void on_usr2(int sig, siginfo_t *info, void *context)
{
	(void)sig, (void)info, (void)context;
}

static void *timed_waiter(void *arg)
{
	struct timespec timeout = { 10, 0 };

	(void)arg;
	while (__atomic_load_n(&timed_gate, __ATOMIC_SEQ_CST) == 0) {
		long r = timed_through(SYS_futex, (long)&timed_gate,
				       FUTEX_WAIT_PRIVATE, 0, (long)&timeout,
				       timed_tail);

		timed_calls++;
		if (r == -EINTR)
			timed_interrupted = 1;
		else if (r != 0 && r != -EAGAIN)
			timed_wrong++;
	}
	return NULL;
}

static void test_timed(const char *name, site_fn *site)
{
	pthread_t t;

	timed_through = site;
	timed_gate = 0;
	timed_calls = timed_interrupted = timed_wrong = 0;
	memset(timed_tail, 0, sizeof timed_tail);
	on(SIGUSR2, on_usr2, SA_RESTART);
	check0("pthread_create", pthread_create(&t, NULL, timed_waiter, NULL));
	/* Until a signal has found it waiting (at most 5 s). */
	for (int i = 0; i < 250 && !timed_interrupted; i++) {
		nap_ms(20);
		check0("pthread_kill", pthread_kill(t, SIGUSR2));
	}
	__atomic_store_n(&timed_gate, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &timed_gate, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	pthread_join(t, NULL);
	printf("%s: a wait with a timeout ended in EINTR: %s\n", name,
	       timed_interrupted ? "yes" : "no");
	printf("%s: tail ran once per call: %s\n", name,
	       timed_tail[0] == timed_calls && timed_tail[1] == 0 ?
	       "yes" : "no");
	printf("%s: other errors %ld\n", name, timed_wrong);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	ppid = getppid();
	test_hammer();
	test_blocked("blocked (form B)", wait_site, 1);
	test_blocked("blocked (form A)", wait_fixed_site, 0);
	test_timed("timed (form B)", timed_wait_site);
	test_timed("timed (form A)", timed_fixed_site);
	printf("wrong results: %ld\n", wrong);
	return 0;
}
