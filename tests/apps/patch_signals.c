/*
 * Differential test: signals while call sites are rewritten and used
 * (issue #8; libos/trap/patch.c). Under Wicket a signal can arrive while
 * the thread is inside a trampoline or the libOS's user-mode entry (an
 * ordinary stretch of app code until events are masked); its handler
 * then makes calls through the very sites the interrupted code was in,
 * and the interrupted call must still complete once, with its result.
 *
 *  1. ITIMER_REAL, 1 ms after main's loop saw the last one handled (a
 *     periodic timer faster than its handler, as under -icount with a
 *     large shift, would starve main, on Linux too), while main loops on
 *     calls through every kind of site (patch_util.h), musl's getppid and
 *     syscall() included; the SIGALRM handler makes the same calls
 *     through the same sites. The sites are new when the timer starts, so
 *     some first calls (and rewrites) come from the handler. Main goes on
 *     until the handler has run 200 times.
 *  2. A second thread sends SIGUSR1 to main with tgkill, 300 times, each
 *     after the handler acknowledged the previous one, while main loops
 *     the same way; the handler again calls through the same sites.
 *  3. Main blocks in FUTEX_WAIT (no timeout) through a new site while the
 *     timer's SIGALRM (SA_RESTART, re-armed by the handler for 1 ms
 *     later) interrupts it again and again: the wait
 *     restarts each time, from the trampoline, until the other thread
 *     sets the word and wakes it through the same site. Once through a
 *     site rewritten in form B (the syscall and its tail move), once in
 *     form A (only the mov of the number moves; the syscall stays).
 *
 * Checked: every result (counted in "wrong results"), and each site's
 * tail ran exactly once per completed call, main's and the handler's
 * together. A broken rewrite or resume shows as a count that differs, a
 * wrong result, a run that times out, or a fault.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "patch_util.h"
#include "signals_util.h"
#include "threads_util.h"

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

/* The sites of each part, all new when the part starts. */
#define SITES 8
struct sites {
	long (*plain)(long, long, long, long, long, long *);
	long (*jcc)(long, long, long, long, long, long *);
	long (*call)(long, long, long, long, long, long *);
	long (*multi)(long, long, long, long, long, long *);
	long (*ret)(long, long, long, long, long, long *);
	long (*answered)(long *);
	long (*fixed)(long, long, long, long, long, long *);
	long (*keeps)(long, long, long, long, long, long *);
};

SITE_PLAIN(timer_plain);
SITE_JCC(timer_jcc);
SITE_CALL(timer_call);
SITE_MULTI(timer_multi);
SITE_RET(timer_ret);
SITE_GETPPID_ANSWERED(timer_answered);
SITE_FIXED(timer_fixed, SYS_gettid);
SITE_KEEPS(timer_keeps);
SITE_PLAIN(kill_plain);
SITE_JCC(kill_jcc);
SITE_CALL(kill_call);
SITE_MULTI(kill_multi);
SITE_RET(kill_ret);
SITE_GETPPID_ANSWERED(kill_answered);
SITE_FIXED(kill_fixed, SYS_gettid);
SITE_KEEPS(kill_keeps);
SITE_JCC(wait_site);
SITE_FIXED(wait_fixed_site, SYS_futex);

static const struct sites timer_sites = {
	timer_plain, timer_jcc, timer_call, timer_multi, timer_ret,
	timer_answered, timer_fixed, timer_keeps,
};
static const struct sites kill_sites = {
	kill_plain, kill_jcc, kill_call, kill_multi, kill_ret, kill_answered,
	kill_fixed, kill_keeps,
};

static long ppid, main_tid;
static volatile long wrong;

/* Each site's tail words, and the calls made through it (main's and the
 * handler's apart). */
static long tails[SITES][2];
static volatile long main_calls[SITES], handler_calls[SITES];
static volatile const struct sites *current;

static void expect(long got, long want)
{
	patch_jitter();
	if (got != want)
		wrong++;
}

/* One round of calls through every site; `calls` counts them. */
static void round_of_calls(const struct sites *s, volatile long *calls)
{
	char byte = 'x';
	int word = 0;

	expect(s->plain(SYS_getppid, 0, 0, 0, 0, tails[0]), ppid);
	calls[0]++;
	/* Two calls that succeed and one that fails: a moved js that took
	 * the wrong way would swap the counts. */
	expect(s->jcc(SYS_gettid, 0, 0, 0, 0, tails[1]), main_tid);
	expect(s->jcc(SYS_getppid, 0, 0, 0, 0, tails[1]), ppid);
	expect(s->jcc(SYS_write, -1, (long)&byte, 1, 0, tails[1]), -EBADF);
	calls[1] += 3;
	expect(s->call(SYS_futex, (long)&word, FUTEX_WAKE_PRIVATE, 1, 0,
		       tails[2]), 0);
	calls[2]++;
	expect(s->multi(SYS_getppid, 0, 0, 0, 0, tails[3]), ppid);
	calls[3]++;
	expect(s->ret(SYS_gettid, 0, 0, 0, 0, tails[4]), main_tid);
	calls[4]++;
	expect(s->answered(tails[5]), ppid);
	calls[5]++;
	expect(s->fixed(0, 0, 0, 0, 0, tails[6]), main_tid);
	calls[6]++;
	expect(s->keeps(SYS_getppid, 0, 0, 0, 0, tails[7]), ppid);
	calls[7]++;
	expect(getppid(), ppid);
	expect(syscall(SYS_gettid), main_tid);
}

static void reset(void)
{
	memset(tails, 0, sizeof tails);
	for (int i = 0; i < SITES; i++)
		main_calls[i] = handler_calls[i] = 0;
}

/* Each tail ran once per call; the JCC site's js branch once per write;
 * the KEEPS site found every register and the red zone as they were. */
static int tails_match(void)
{
	int ok = 1;

	for (int i = 0; i < SITES; i++)
		ok &= tails[i][0] + tails[i][1] ==
		      main_calls[i] + handler_calls[i];
	return ok && tails[1][1] * 3 == main_calls[1] + handler_calls[1] &&
	       tails[7][1] == 0;
}

static volatile int handler_runs, rearm, armed;

/* ITIMER_REAL once, that many microseconds from now (0: off). */
static void set_timer(long microseconds)
{
	struct itimerval it = { { 0, 0 }, { 0, microseconds } };

	if (setitimer(ITIMER_REAL, &it, NULL) != 0) {
		printf("FAILED: setitimer: %s\n", strerror(errno));
		exit(1);
	}
}

static void handler(int sig, siginfo_t *info, void *context)
{
	int saved = errno;

	(void)sig, (void)info, (void)context;
	if (current)
		round_of_calls((const struct sites *)current, handler_calls);
	handler_runs++;
	armed = 0;
	if (rearm)
		set_timer(1000);
	errno = saved;
}

/* `from_handler`: the handler arms the next one (main may be blocked),
 * else main's loop does (arm_again), so that it runs between two. */
static void start_timer(int from_handler)
{
	rearm = from_handler;
	armed = 1;
	set_timer(1000);
}

static void arm_again(void)
{
	if (!armed) {
		armed = 1;
		set_timer(1000);
	}
}

static void stop_timer(void)
{
	rearm = 0;
	armed = 1;
	set_timer(0);
}

/* ---- 1. ITIMER_REAL ---- */

#define TIMER_RUNS 200

static void test_timer(void)
{
	int64_t give_up = mono_ns() + 20 * SEC;
	long rounds = 0;

	reset();
	current = &timer_sites;
	handler_runs = 0;
	on(SIGALRM, handler, SA_RESTART);
	start_timer(0);
	while (handler_runs < TIMER_RUNS && mono_ns() < give_up) {
		round_of_calls(&timer_sites, main_calls);
		rounds++;
		arm_again();
	}
	stop_timer();
	current = NULL;
	yesno("timer: the handler ran 200 times", handler_runs >= TIMER_RUNS);
	yesno("timer: main made calls meanwhile", rounds > 0);
	yesno("timer: tails match", tails_match());
}

/* ---- 2. tgkill from another thread ---- */

#define KILLS 300

static volatile int acks;

static void acknowledging(int sig, siginfo_t *info, void *context)
{
	handler(sig, info, context);
	acks++;
}

static void *killer(void *arg)
{
	int64_t give_up = mono_ns() + 20 * SEC;

	(void)arg;
	for (int k = 0; k < KILLS; k++) {
		if (syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1) != 0)
			wrong++;
		while (acks <= k && mono_ns() < give_up)
			sched_yield();
	}
	return NULL;
}

static void test_tgkill(void)
{
	pthread_t t;
	int64_t give_up = mono_ns() + 20 * SEC;

	reset();
	current = &kill_sites;
	on(SIGUSR1, acknowledging, SA_RESTART);
	check0("pthread_create", pthread_create(&t, NULL, killer, NULL));
	while (acks < KILLS && mono_ns() < give_up)
		round_of_calls(&kill_sites, main_calls);
	pthread_join(t, NULL);
	current = NULL;
	printf("tgkill: %d signals acknowledged\n", acks);
	yesno("tgkill: tails match", tails_match());
}

/* ---- 3. a blocked wait restarted again and again ---- */

typedef long site_fn(long, long, long, long, long, long *);

static int gate;
static site_fn *wait_through;
static long wait_tail[2], wait_calls;

static void *opener(void *arg)
{
	(void)arg;
	/* 100 ms, and then until the handler has run (at most 5 s more: a
	 * loaded host may not have run main's timer yet). */
	nap_ms(100);
	for (int naps = 0; naps < 500 &&
			   __atomic_load_n(&handler_runs, __ATOMIC_SEQ_CST) == 0;
	     naps++)
		nap_ms(10);
	__atomic_store_n(&gate, 1, __ATOMIC_SEQ_CST);
	/* The first FUTEX_WAKE through the site main waits at. */
	if (wait_through(SYS_futex, (long)&gate, FUTEX_WAKE_PRIVATE, 1, 0,
			 wait_tail) < 0)
		wrong++;
	return NULL;
}

static void test_restart(const char *name, site_fn *site)
{
	pthread_t t;
	long results_ok = 1;
	sigset_t alarm = just(SIGALRM);

	wait_through = site;
	gate = 0;
	wait_calls = 0;
	memset(wait_tail, 0, sizeof wait_tail);
	handler_runs = 0;
	on(SIGALRM, handler, SA_RESTART);       /* current is NULL: no calls */
	/* The opener starts with SIGALRM blocked: the timer's signals are
	 * all main's. */
	pthread_sigmask(SIG_BLOCK, &alarm, NULL);
	check0("pthread_create", pthread_create(&t, NULL, opener, NULL));
	pthread_sigmask(SIG_UNBLOCK, &alarm, NULL);
	start_timer(1);
	while (__atomic_load_n(&gate, __ATOMIC_SEQ_CST) == 0) {
		long r = site(SYS_futex, (long)&gate, FUTEX_WAIT_PRIVATE, 0, 0,
			      wait_tail);

		wait_calls++;
		results_ok &= r == 0 || r == -EAGAIN;
	}
	stop_timer();
	pthread_join(t, NULL);
	printf("%s: the wait ended in 0 or EAGAIN, never EINTR: %s\n", name,
	       results_ok ? "yes" : "no");
	printf("%s: the handler ran meanwhile: %s\n", name,
	       handler_runs > 0 ? "yes" : "no");
	printf("%s: tails match: %s\n", name,
	       wait_tail[0] + wait_tail[1] == wait_calls + 1 ? "yes" : "no");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	ppid = getppid();
	main_tid = syscall(SYS_gettid);
	test_timer();
	test_tgkill();
	test_restart("restart (form B)", wait_site);
	test_restart("restart (form A)", wait_fixed_site);
	printf("wrong results: %ld\n", wrong);
	return 0;
}
