/*
 * Differential test: a handled signal interrupts a blocking system call,
 * which either fails with EINTR or, under SA_RESTART, is restarted (#7).
 * Linux's rules, which this compares exactly:
 *
 *  - FUTEX_WAIT without a timeout returns -ERESTARTSYS: EINTR without
 *    SA_RESTART; with SA_RESTART the handler's ucontext already shows the
 *    restart (RAX is the system call number again, RIP is back on the
 *    `syscall` instruction) and the wait goes on until a FUTEX_WAKE.
 *  - FUTEX_WAIT with a timeout (relative, or FUTEX_WAIT_BITSET absolute),
 *    nanosleep and clock_nanosleep (relative or TIMER_ABSTIME) end with
 *    EINTR under SA_RESTART too (-ERESTART_RESTARTBLOCK, -ERESTARTNOHAND);
 *    a relative sleep writes the time left.
 *  - A signal that is ignored (SIG_IGN, or SIG_DFL for SIGURG) or blocked
 *    by the waiting thread interrupts nothing; a blocked one runs its
 *    handler once the thread unblocks it.
 *
 * The futex waits are a raw `syscall` (assembly, with a label after the
 * instruction) in a second thread that main signals with tgkill; the
 * sleeps are in main, interrupted by a 50 ms ITIMER_REAL. Main sleeps
 * 100 ms before it signals a waiter: ample on Linux for the waiter to
 * block, and on one CPU the waiter runs until it blocks.
 *
 * Not here: read(2) on the console. On the host the test's stdin is a file
 * or /dev/null, which never blocks, and there are no pipes under Wicket, so
 * there is no read that blocks the same way on both.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "signals_util.h"
#include "threads_util.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128

/* raw_futex(uaddr, op, val, timeout, uaddr2, val3): the system call's
 * result (a negative errno on failure). */
long raw_futex(int *uaddr, long op, long val, const struct timespec *t,
	       void *uaddr2, long val3);
extern char raw_futex_after[];
__asm__(
	".text\n"
	".globl raw_futex, raw_futex_after\n"
	".hidden raw_futex, raw_futex_after\n"
	"raw_futex:\n"
	"	mov %rcx, %r10\n"
	"	mov $" "202" ", %eax\n"
	"	syscall\n"
	"raw_futex_after:\n"
	"	ret\n");

static const char *errno_name(long e)
{
	static char buf[32];
	switch (e) {
	case 0: return "0";
	case EINTR: return "EINTR";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EINVAL: return "EINVAL";
	default:
		snprintf(buf, sizeof buf, "errno %ld", e);
		return buf;
	}
}

static const char *raw_result(long r)
{
	static char buf[48];
	if (r >= 0)
		snprintf(buf, sizeof buf, "%ld", r);
	else
		snprintf(buf, sizeof buf, "-%s", errno_name(-r));
	return buf;
}

/* ---- futex waits in a thread ---- */

enum timeout { NONE, RELATIVE, ABSOLUTE };

static struct {
	/* the case */
	enum timeout timeout;
	int block_in_thread;
	/* the waiter */
	pthread_t self;
	volatile pid_t tid;
	volatile int ready, done, handler_after_wait;
	long result;
	/* the handler */
	volatile int calls;
	int on_waiter, rip_after, rip_at_syscall;
	long rax;
} w;

static int word;

static void futex_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	w.on_waiter = pthread_equal(pthread_self(), w.self);
	w.rip_after = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] ==
		      (uintptr_t)raw_futex_after;
	w.rip_at_syscall = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] ==
			   (uintptr_t)raw_futex_after - 2;
	w.rax = uc->uc_mcontext.gregs[REG_RAX];
	w.calls++;
}

static void *waiter(void *arg)
{
	struct timespec t;
	sigset_t s;
	(void)arg;

	w.tid = (pid_t)syscall(SYS_gettid);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	if (w.block_in_thread)
		pthread_sigmask(SIG_BLOCK, &s, NULL);
	__atomic_store_n(&w.ready, 1, __ATOMIC_SEQ_CST);
	switch (w.timeout) {
	case NONE:
		w.result = raw_futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0,
				     NULL, NULL, 0);
		break;
	case RELATIVE:
		t = ns_ts(5 * SEC);
		w.result = raw_futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0,
				     &t, NULL, 0);
		break;
	case ABSOLUTE:
		t = ns_ts(mono_ns() + 5 * SEC);
		w.result = raw_futex(&word, FUTEX_WAIT_BITSET |
				     FUTEX_PRIVATE_FLAG, 0, &t, NULL, -1);
		break;
	}
	__atomic_store_n(&w.done, 1, __ATOMIC_SEQ_CST);
	if (w.block_in_thread) {
		int before = w.calls;
		pthread_sigmask(SIG_UNBLOCK, &s, NULL);
		w.handler_after_wait = w.calls > before;
	}
	return NULL;
}

static void futex_case(const char *what, enum timeout timeout, int sig,
		       int block_in_thread)
{
	pthread_t t;

	memset(&w, 0, sizeof w);
	w.timeout = timeout;
	w.block_in_thread = block_in_thread;
	word = 0;
	check0("pthread_create", pthread_create(&t, NULL, waiter, NULL));
	w.self = t;
	while (!__atomic_load_n(&w.ready, __ATOMIC_SEQ_CST))
		nap_ms(1);
	nap_ms(100);
	int64_t start = mono_ns();
	syscall(SYS_tgkill, getpid(), w.tid, sig);
	nap_ms(100);
	int done = __atomic_load_n(&w.done, __ATOMIC_SEQ_CST);
	int calls = w.calls;
	long woken = -1;
	if (!done)
		woken = raw_futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1,
				  NULL, NULL, 0);
	check0("pthread_join", pthread_join(t, NULL));
	int64_t took = mono_ns() - start;

	printf("%s: handler ran %d time(s) by 100 ms after the signal", what,
	       calls);
	if (calls)
		printf(", on the waiter: %s", w.on_waiter ? "yes" : "no");
	printf("; the wait %s", done ? "had ended" : "went on");
	if (!done)
		printf(", FUTEX_WAKE woke %ld", woken);
	printf("; it returned %s\n", raw_result(w.result));
	if (calls)
		printf("%s: in the handler's ucontext RAX %ld, RIP %s\n", what,
		       w.rax, w.rip_after ? "after the syscall" :
		       w.rip_at_syscall ? "on the syscall" : "elsewhere");
	if (block_in_thread)
		printf("%s: the handler ran when the waiter unblocked the "
		       "signal: %s (calls in all %d)\n", what,
		       w.handler_after_wait ? "yes" : "no", w.calls);
	printf("%s: all within 5 s: %s\n", what, took < 5 * SEC ? "yes" :
	       "no");
}

static void futex_cases(void)
{
	on(SIGUSR1, futex_handler, 0);
	futex_case("FUTEX_WAIT, no timeout, handler without SA_RESTART", NONE,
		   SIGUSR1, 0);
	on(SIGUSR1, futex_handler, SA_RESTART);
	futex_case("FUTEX_WAIT, no timeout, SA_RESTART", NONE, SIGUSR1, 0);
	futex_case("FUTEX_WAIT, 5 s timeout, SA_RESTART", RELATIVE, SIGUSR1,
		   0);
	futex_case("FUTEX_WAIT_BITSET, absolute timeout, SA_RESTART", ABSOLUTE,
		   SIGUSR1, 0);
	on(SIGUSR1, futex_handler, 0);
	futex_case("FUTEX_WAIT, SIGUSR1 blocked by the waiter", NONE, SIGUSR1,
		   1);
	futex_case("FUTEX_WAIT, SIGURG with SIG_DFL (ignored)", NONE, SIGURG,
		   0);
	set_action(SIGUSR2, SIG_IGN);
	futex_case("FUTEX_WAIT, SIGUSR2 with SIG_IGN", NONE, SIGUSR2, 0);
	set_action(SIGUSR1, SIG_DFL);
	set_action(SIGUSR2, SIG_DFL);
}

/* ---- sleeps in main, interrupted by ITIMER_REAL ---- */

static volatile int alarms;

static void alarm_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	alarms++;
}

static void arm_50ms(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

enum sleep_kind { NANOSLEEP, CLOCK_REL, CLOCK_ABS_MONO, CLOCK_ABS_REAL };
static const char *const sleep_name[] = {
	"nanosleep 5 s", "clock_nanosleep relative 5 s",
	"clock_nanosleep TIMER_ABSTIME CLOCK_MONOTONIC +5 s",
	"clock_nanosleep TIMER_ABSTIME CLOCK_REALTIME +5 s",
};

static void sleep_case(enum sleep_kind kind, int restart)
{
	struct timespec req = ns_ts(5 * SEC), rem = { -1, -1 };
	int e;

	on(SIGALRM, alarm_handler, restart ? SA_RESTART : 0);
	alarms = 0;
	int64_t start = mono_ns();
	arm_50ms();
	switch (kind) {
	case NANOSLEEP:
		e = nanosleep(&req, &rem) == 0 ? 0 : errno;
		break;
	case CLOCK_REL:
		e = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
		break;
	case CLOCK_ABS_MONO:
		req = ns_ts(mono_ns() + 5 * SEC);
		e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, &rem);
		break;
	default:
		req = ns_ts(now_ns(CLOCK_REALTIME) + 5 * SEC);
		e = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &req, &rem);
		break;
	}
	int64_t took = mono_ns() - start;
	disarm();
	printf("%s, %s: %s, handler ran %d time(s), returned within 4 s: %s",
	       sleep_name[kind], restart ? "SA_RESTART" : "no SA_RESTART",
	       errno_name(e), alarms, took < 4 * SEC ? "yes" : "no");
	if (kind <= CLOCK_REL) {
		int64_t left = ts_ns(&rem);
		printf(", time left written, between 1 s and 5 s: %s",
		       left > 1 * SEC && left <= 5 * SEC ? "yes" : "no");
	} else {
		printf(", rem untouched: %s", rem.tv_sec == -1 &&
		       rem.tv_nsec == -1 ? "yes" : "no");
	}
	printf("\n");
	printf("VARIES %s, %s: interrupted after ms: %.3f\n", sleep_name[kind],
	       restart ? "SA_RESTART" : "no SA_RESTART", took / 1e6);
}

static void sleep_cases(void)
{
	for (enum sleep_kind k = NANOSLEEP; k <= CLOCK_ABS_REAL; k++) {
		sleep_case(k, 0);
		sleep_case(k, 1);
	}

	/* Ignored or blocked: the sleep runs its full 200 ms. */
	for (int blocked = 0; blocked < 2; blocked++) {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGALRM);
		if (blocked) {
			on(SIGALRM, alarm_handler, 0);
			sigprocmask(SIG_BLOCK, &s, NULL);
		} else {
			set_action(SIGALRM, SIG_IGN);
		}
		alarms = 0;
		struct timespec req = ns_ts(200 * MS);
		int64_t start = mono_ns();
		arm_50ms();
		int r = nanosleep(&req, NULL);
		int64_t took = mono_ns() - start;
		int pending_after;
		sigset_t p;
		sigpending(&p);
		pending_after = sigismember(&p, SIGALRM);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		printf("nanosleep 200 ms, SIGALRM at 50 ms %s: returned %d, "
		       "slept at least 200 ms: %s, SIGALRM pending after: %s, "
		       "handler ran after unblocking: %s\n",
		       blocked ? "blocked" : "ignored", r,
		       took >= 200 * MS ? "yes" : "no",
		       pending_after ? "yes" : "no", alarms ? "yes" : "no");
	}
	set_action(SIGALRM, SIG_DFL);
}

int main(void)
{
	futex_cases();
	sleep_cases();
	printf("done\n");
	return 0;
}
