/*
 * Differential test: timers that send signals (#7).
 *
 *  - setitimer(ITIMER_REAL) every 20 ms during a 310 ms busy loop: the
 *    SIGALRM ticks (si_code SI_KERNEL) are counted (at least 10); what
 *    setitimer and getitimer read back; alarm()'s remaining seconds (Linux
 *    rounds to the nearest second, never 0 while armed) and that alarm and
 *    ITIMER_REAL are one timer; alarm(1) ends a pause(). ITIMER_VIRTUAL
 *    and ITIMER_PROF tick while the process computes, not while it
 *    sleeps.
 *  - timer_create with SIGEV_SIGNAL on CLOCK_MONOTONIC (relative) and
 *    CLOCK_REALTIME (TIMER_ABSTIME): si_code SI_TIMER, si_value, si_timerid;
 *    timer_gettime before and after; a periodic timer; overruns while the
 *    signal is blocked (si_overrun and timer_getoverrun, plausible against
 *    the time blocked); SIGEV_NONE; timer_settime's old value;
 *    timer_delete; errors.
 *  - SIGEV_THREAD_ID to a chosen thread (its gettid), and musl's
 *    SIGEV_THREAD (a helper thread that waits for the signal and calls the
 *    function).
 *
 * Counts and times are compared only as plausibility booleans; the
 * measured values go on VARIES lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "signals_util.h"
#include "threads_util.h"

static int64_t tv_ns(const struct timeval *t)
{
	return (int64_t)t->tv_sec * SEC + (int64_t)t->tv_usec * 1000;
}

/* ---- what the handlers saw ---- */

static struct {
	volatile int calls;
	int code, value, timerid, overrun;
	pid_t tid;
} h;

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	h.code = si->si_code;
	if (si->si_code == SI_TIMER) {
		h.value = si->si_value.sival_int;
		h.timerid = si->si_timerid;
		h.overrun = si->si_overrun;
	}
	h.tid = gettid_();
	__atomic_add_fetch(&h.calls, 1, __ATOMIC_SEQ_CST);
}

static void reset(void)
{
	memset(&h, 0, sizeof h);
}

/* ---- setitimer, getitimer, alarm ---- */

static void itimer_ticks(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, old;

	on(SIGALRM, record, SA_RESTART);
	reset();
	int64_t start = mono_ns();
	setitimer(ITIMER_REAL, &it, NULL);
	/* Until 10 ticks (or 5 s): a loaded host skips the periods in which
	 * the process did not run, so their number is not the time's. */
	while (h.calls < 10 && mono_ns() - start < 5000 * MS)
		;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, &old);
	int ticks = h.calls;
	int64_t periods = (mono_ns() - start) / (20 * MS);
	printf("ITIMER_REAL every 20 ms in a busy loop: 10 ticks: "
	       "%s, at most one per period: %s, si_code SI_KERNEL: %s\n",
	       ticks >= 10 ? "yes" : "no", ticks <= periods + 1 ? "yes" : "no",
	       h.code == SI_KERNEL ? "yes" : "no");
	printf("VARIES ITIMER_REAL ticks: %d, old value %ld us\n", ticks,
	       (long)(tv_ns(&old.it_value) / 1000));
	printf("setitimer's old value: interval %ld.%06ld s, value within "
	       "(0, 20 ms]: %s\n", (long)old.it_interval.tv_sec,
	       (long)old.it_interval.tv_usec,
	       tv_ns(&old.it_value) > 0 && tv_ns(&old.it_value) <= 20 * MS ?
	       "yes" : "no");
	nap_ms(50);
	printf("no tick after disarming: %s\n", h.calls == ticks ? "yes" :
	       "no");
}

/* ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time: ticks
 * while it computes, none while it sleeps. */
static void cpu_itimers(void)
{
	static const int which[2] = { ITIMER_VIRTUAL, ITIMER_PROF };
	static const int sig[2] = { SIGVTALRM, SIGPROF };
	static const char *name[2] = { "ITIMER_VIRTUAL", "ITIMER_PROF" };

	for (int i = 0; i < 2; i++) {
		struct itimerval it = { { 0, 20000 }, { 0, 30000 } }, old, now;

		on(sig[i], record, SA_RESTART);
		reset();
		printf("%s: set: %d\n", name[i], setitimer(which[i], &it, NULL));
		getitimer(which[i], &now);
		/* Linux adds a tick to the value. */
		printf("%s: value within (0, 50 ms]: %s, interval %ld us\n",
		       name[i],
		       tv_ns(&now.it_value) > 0 &&
				       tv_ns(&now.it_value) <= 50 * MS
			       ? "yes" : "no",
		       (long)now.it_interval.tv_usec);
		nap_ms(200);
		printf("%s: ticks while asleep: %d\n", name[i], h.calls);
		int64_t start = mono_ns();

		while (h.calls < 5 && mono_ns() - start < 10000 * MS)
			;
		memset(&it, 0, sizeof(it));
		setitimer(which[i], &it, &old);
		int ticks = h.calls;

		printf("%s: 5 ticks computing: %s, si_code SI_KERNEL: %s, old "
		       "value within (0, 20 ms]: %s\n",
		       name[i], ticks >= 5 ? "yes" : "no",
		       h.code == SI_KERNEL ? "yes" : "no",
		       tv_ns(&old.it_value) > 0 &&
				       tv_ns(&old.it_value) <= 20 * MS
			       ? "yes" : "no");
		getitimer(which[i], &now);
		printf("%s: disarmed reads 0: %s\n", name[i],
		       tv_ns(&now.it_value) == 0 ? "yes" : "no");
		start = mono_ns();
		while (mono_ns() - start < 60 * MS)
			;
		printf("%s: no tick after disarming: %s\n", name[i],
		       h.calls == ticks ? "yes" : "no");
		signal(sig[i], SIG_DFL);
	}
	struct itimerval unused;
	int result = getitimer(3, &unused);

	printf("getitimer(3): %d %s\n", result, strerror(errno));
}

static void itimer_values(void)
{
	struct itimerval it = { { 1, 0 }, { 2, 0 } }, got;

	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &got);
	printf("getitimer after setitimer(interval 1 s, value 2 s): interval "
	       "%ld.%06ld s, value within (1.5 s, 2 s]: %s\n",
	       (long)got.it_interval.tv_sec, (long)got.it_interval.tv_usec,
	       tv_ns(&got.it_value) > 1500 * MS &&
	       tv_ns(&got.it_value) <= 2 * SEC ? "yes" : "no");
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &got);
	printf("getitimer when disarmed: all zero: %s\n",
	       !got.it_interval.tv_sec && !got.it_interval.tv_usec &&
	       !got.it_value.tv_sec && !got.it_value.tv_usec ? "yes" : "no");
	it.it_value.tv_usec = 1000000;
	errno = 0;
	int r = setitimer(ITIMER_REAL, &it, NULL);
	printf("setitimer with tv_usec 1000000: %d %s\n", r, err_name(errno));
	errno = 0;
	r = getitimer(99, &got);
	printf("getitimer(99): %d %s\n", r, err_name(errno));

	unsigned a = alarm(5);
	unsigned b = alarm(2);
	unsigned c = alarm(0);
	printf("alarm(5) -> %u, alarm(2) -> %u, alarm(0) -> %u\n", a, b, c);
	alarm(3);
	getitimer(ITIMER_REAL, &got);
	printf("getitimer after alarm(3): interval 0: %s, value within "
	       "(2.5 s, 3 s]: %s\n", !got.it_interval.tv_sec &&
	       !got.it_interval.tv_usec ? "yes" : "no",
	       tv_ns(&got.it_value) > 2500 * MS &&
	       tv_ns(&got.it_value) <= 3 * SEC ? "yes" : "no");
	it.it_interval.tv_sec = 0;
	it.it_interval.tv_usec = 0;
	it.it_value.tv_sec = 2;
	it.it_value.tv_usec = 600000;
	setitimer(ITIMER_REAL, &it, NULL);
	printf("alarm(0) after setitimer(2.6 s) -> %u\n", alarm(0));
	it.it_value.tv_sec = 0;
	it.it_value.tv_usec = 300000;
	setitimer(ITIMER_REAL, &it, NULL);
	printf("alarm(0) after setitimer(0.3 s) -> %u\n", alarm(0));

	reset();
	int64_t start = mono_ns();
	alarm(1);
	errno = 0;
	r = pause();
	int e = errno;
	int64_t took = mono_ns() - start;
	printf("alarm(1) then pause(): %d %s, handler ran %d time(s), si_code "
	       "SI_KERNEL: %s, after at least 1 s: %s, less than 3 s: %s\n",
	       r, err_name(e), h.calls, h.code == SI_KERNEL ? "yes" : "no",
	       took >= 1 * SEC ? "yes" : "no", took < 3 * SEC ? "yes" : "no");
	printf("VARIES alarm(1) then pause(): ms: %.3f\n", took / 1e6);
	signal(SIGALRM, SIG_DFL);
}

/* ---- POSIX timers with SIGEV_SIGNAL ---- */

/* Wait (up to 5 s) for the handler, with sig blocked outside sigsuspend. */
static void await_signal(int calls)
{
	sigset_t none;
	sigemptyset(&none);
	int64_t start = mono_ns();
	while (h.calls < calls && mono_ns() - start < 5 * SEC)
		sigsuspend(&none);
}

static void one_shot(const char *name, clockid_t clock, int absolute)
{
	struct sigevent ev;
	timer_t t;
	struct itimerspec its, got;
	sigset_t usr1 = just(SIGUSR1);

	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 42;
	check0("timer_create", timer_create(clock, &ev, &t) ? errno : 0);
	memset(&its, 0, sizeof its);
	reset();
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	int64_t start = now_ns(clock);
	its.it_value = ns_ts(absolute ? start + 50 * MS : 50 * MS);
	timer_settime(t, absolute ? TIMER_ABSTIME : 0, &its, NULL);
	timer_gettime(t, &got);
	int before_ok = ts_ns(&got.it_value) > 0 &&
			ts_ns(&got.it_value) <= 50 * MS &&
			ts_ns(&got.it_interval) == 0;
	await_signal(1);
	int64_t took = now_ns(clock) - start;
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	timer_gettime(t, &got);
	printf("%s one-shot 50 ms%s: gettime before within (0, 50 ms]: %s; "
	       "%d signal(s), si_code SI_TIMER: %s, si_value 42: %s, "
	       "si_timerid is the timer: %s, si_overrun %d\n", name,
	       absolute ? " (TIMER_ABSTIME)" : "", before_ok ? "yes" : "no",
	       h.calls, h.code == SI_TIMER ? "yes" : "no",
	       h.value == 42 ? "yes" : "no",
	       h.timerid == (int)(intptr_t)t ? "yes" : "no", h.overrun);
	printf("%s one-shot: fired after at least 50 ms: %s, gettime "
	       "afterwards all zero: %s\n", name,
	       took >= 50 * MS ? "yes" : "no",
	       ts_ns(&got.it_value) == 0 && ts_ns(&got.it_interval) == 0 ?
	       "yes" : "no");
	printf("VARIES %s one-shot: fired after ms: %.3f\n", name, took / 1e6);
	timer_delete(t);
}

static void periodic(void)
{
	struct sigevent ev;
	timer_t t;
	struct itimerspec its, old;
	sigset_t usr1 = just(SIGUSR1);

	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 7;
	check0("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &t) ? errno :
	       0);
	reset();
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	its.it_interval = ns_ts(10 * MS);
	its.it_value = ns_ts(10 * MS);
	int64_t start = mono_ns();
	timer_settime(t, 0, &its, NULL);
	await_signal(10);
	int64_t took = mono_ns() - start;
	memset(&its, 0, sizeof its);
	timer_settime(t, 0, &its, &old);
	/* An expiry after the tenth signal, before the disarm: pending
	 * still on some kernels, dropped by others. */
	struct timespec zero = { 0, 0 };

	while (sigtimedwait(&usr1, NULL, &zero) == SIGUSR1)
		;
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	int calls = h.calls;
	nap_ms(50);
	printf("periodic 10 ms CLOCK_MONOTONIC timer: %d signals, the last "
	       "SI_TIMER with si_value 7: %s, at least 100 ms: %s\n", calls,
	       h.code == SI_TIMER && h.value == 7 ? "yes" : "no",
	       took >= 100 * MS ? "yes" : "no");
	printf("periodic: old value on disarming: interval %lld ns, value "
	       "within (0, 10 ms]: %s; no signal after disarming: %s\n",
	       (long long)ts_ns(&old.it_interval),
	       ts_ns(&old.it_value) > 0 && ts_ns(&old.it_value) <= 10 * MS ?
	       "yes" : "no", h.calls == calls ? "yes" : "no");
	printf("VARIES periodic: 10 signals after ms: %.3f\n", took / 1e6);
	timer_delete(t);
}

static void overruns(void)
{
	struct sigevent ev;
	timer_t t;
	struct itimerspec its;
	sigset_t usr2 = just(SIGUSR2);
	siginfo_t si;
	struct timespec zero = { 0, 0 };

	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR2;
	check0("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &t) ? errno :
	       0);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	its.it_interval = ns_ts(10 * MS);
	its.it_value = ns_ts(10 * MS);
	int64_t start = mono_ns();
	timer_settime(t, 0, &its, NULL);
	/* 105 ms: the signal is taken halfway between two expiries. */
	nap_ms(105);
	int sig = sigtimedwait(&usr2, &si, &zero);
	int64_t blocked = mono_ns() - start;
	int after = timer_getoverrun(t);
	siginfo_t later;
	int again = sigtimedwait(&usr2, &later, &zero);
	/* A host stall can let the next period expire after the first
	 * signal was taken; a second signal is then Linux's answer too. */
	if (again == SIGUSR2 && mono_ns() - start >= 110 * MS)
		again = -1;
	memset(&its, 0, sizeof its);
	timer_settime(t, 0, &its, NULL);
	while (sigtimedwait(&usr2, &later, &zero) == SIGUSR2)
		;
	sigprocmask(SIG_UNBLOCK, &usr2, NULL);
	int most = (int)(blocked / (10 * MS));
	printf("periodic 10 ms timer, signal blocked ~100 ms: one signal: %s, "
	       "SI_TIMER: %s, si_overrun >= 5: %s, si_overrun <= the periods "
	       "blocked: %s, timer_getoverrun agrees: %s, no second signal "
	       "queued: %s\n", sig == SIGUSR2 ? "yes" : "no",
	       si.si_code == SI_TIMER ? "yes" : "no",
	       si.si_overrun >= 5 ? "yes" : "no",
	       si.si_overrun <= most ? "yes" : "no",
	       after == si.si_overrun ? "yes" : "no", again < 0 ? "yes" : "no");
	printf("VARIES overrun: si_overrun %d, timer_getoverrun %d, ms blocked "
	       "%.3f\n", si.si_overrun, after, blocked / 1e6);
	timer_delete(t);
}

static void none_and_errors(void)
{
	struct sigevent ev;
	timer_t t, t2;
	struct itimerspec its, got, old;

	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_NONE;
	check0("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &t) ? errno :
	       0);
	reset();
	memset(&its, 0, sizeof its);
	its.it_value = ns_ts(200 * MS);
	timer_settime(t, 0, &its, NULL);
	nap_ms(50);
	timer_gettime(t, &got);
	printf("SIGEV_NONE 200 ms, after 50 ms: value within (0, 150 ms]: %s\n",
	       ts_ns(&got.it_value) > 0 && ts_ns(&got.it_value) <= 150 * MS ?
	       "yes" : "no");
	its.it_value = ns_ts(1 * SEC);
	timer_settime(t, 0, &its, NULL);
	its.it_value = ns_ts(2 * SEC);
	timer_settime(t, 0, &its, &old);
	printf("timer_settime's old value after setting 1 s: within "
	       "(0.9 s, 1 s]: %s\n", ts_ns(&old.it_value) > 900 * MS &&
	       ts_ns(&old.it_value) <= 1 * SEC ? "yes" : "no");
	printf("timer_delete: %d\n", timer_delete(t));

	/* The system calls themselves, as musl passes them through. */
	int kid = (int)(intptr_t)t;
	errno = 0;
	long r = syscall(SYS_timer_gettime, kid, &got);
	printf("timer_gettime of a deleted timer: %ld %s\n", r,
	       err_name(errno));
	errno = 0;
	r = syscall(SYS_timer_delete, kid);
	printf("timer_delete of a deleted timer: %ld %s\n", r, err_name(errno));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	errno = 0;
	r = timer_create((clockid_t)12345, &ev, &t2);
	printf("timer_create on clock 12345: %ld %s\n", r, err_name(errno));
	ev.sigev_signo = 0;
	errno = 0;
	r = timer_create(CLOCK_MONOTONIC, &ev, &t2);
	printf("timer_create with signal 0: %ld %s\n", r, err_name(errno));
	ev.sigev_signo = 65;
	errno = 0;
	r = timer_create(CLOCK_MONOTONIC, &ev, &t2);
	printf("timer_create with signal 65: %ld %s\n", r, err_name(errno));
	ev.sigev_signo = SIGUSR1;
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_notify_thread_id = 0x7fffffff;
	errno = 0;
	r = timer_create(CLOCK_MONOTONIC, &ev, &t2);
	printf("timer_create SIGEV_THREAD_ID to no thread: %ld %s\n", r,
	       err_name(errno));
	ev.sigev_notify = 99;
	errno = 0;
	r = timer_create(CLOCK_MONOTONIC, &ev, &t2);
	printf("timer_create with sigev_notify 99: %ld %s\n", r,
	       err_name(errno));
	ev.sigev_notify = SIGEV_SIGNAL;
	check0("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &t2) ? errno :
	       0);
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 1000000000;
	errno = 0;
	r = timer_settime(t2, 0, &its, NULL);
	printf("timer_settime with tv_nsec 1e9: %ld %s\n", r, err_name(errno));
	timer_delete(t2);
}

/* ---- SIGEV_THREAD_ID and SIGEV_THREAD ---- */

static struct {
	volatile pid_t tid;
	sem_t go;
} tw;

static void *target(void *arg)
{
	(void)arg;
	tw.tid = gettid_();
	while (sem_wait(&tw.go) != 0)
		;
	return NULL;
}

static void thread_id_timer(void)
{
	pthread_t t;
	struct sigevent ev;
	timer_t tm;
	struct itimerspec its;

	on(SIGUSR1, record, SA_RESTART);
	sem_init(&tw.go, 0, 0);
	check0("pthread_create", pthread_create(&t, NULL, target, NULL));
	while (!tw.tid)
		nap_ms(1);
	nap_ms(50);
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = SIGUSR1;
	ev.sigev_value.sival_int = 99;
	ev.sigev_notify_thread_id = tw.tid;
	check0("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &tm) ?
	       errno : 0);
	reset();
	memset(&its, 0, sizeof its);
	its.it_value = ns_ts(30 * MS);
	timer_settime(tm, 0, &its, NULL);
	for (int i = 0; i < 5000 && !h.calls; i++)
		nap_ms(1);
	nap_ms(20);
	printf("SIGEV_THREAD_ID timer to a waiting thread: %d signal(s), on "
	       "that thread: %s, SI_TIMER: %s, si_value 99: %s\n", h.calls,
	       h.tid == tw.tid ? "yes" : "no",
	       h.code == SI_TIMER ? "yes" : "no",
	       h.value == 99 ? "yes" : "no");
	timer_delete(tm);
	sem_post(&tw.go);
	check0("pthread_join", pthread_join(t, NULL));
	sem_destroy(&tw.go);
	signal(SIGUSR1, SIG_DFL);
}

static struct {
	sem_t done;
	int value;
	pid_t tid;
	int calls;
} nt;

static void notify(union sigval v)
{
	nt.value = v.sival_int;
	nt.tid = gettid_();
	nt.calls++;
	sem_post(&nt.done);
}

static void thread_timer(void)
{
	struct sigevent ev;
	timer_t tm;
	struct itimerspec its;
	struct timespec deadline;

	sem_init(&nt.done, 0, 0);
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = notify;
	ev.sigev_value.sival_int = 1234;
	check0("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &tm) ?
	       errno : 0);
	memset(&its, 0, sizeof its);
	its.it_value = ns_ts(30 * MS);
	timer_settime(tm, 0, &its, NULL);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	int r;
	while ((r = sem_timedwait(&nt.done, &deadline)) != 0 && errno == EINTR)
		;
	printf("SIGEV_THREAD timer: the function ran: %s, with sival 1234: %s, "
	       "in another thread: %s\n", r == 0 ? "yes" : "no",
	       nt.value == 1234 ? "yes" : "no",
	       nt.tid && nt.tid != gettid_() ? "yes" : "no");
	timer_delete(tm);
	sem_destroy(&nt.done);
}

int main(void)
{
	itimer_ticks();
	itimer_values();
	cpu_itimers();
	on(SIGUSR1, record, 0);
	one_shot("CLOCK_MONOTONIC", CLOCK_MONOTONIC, 0);
	one_shot("CLOCK_REALTIME", CLOCK_REALTIME, 1);
	periodic();
	signal(SIGUSR1, SIG_DFL);
	overruns();
	none_and_errors();
	thread_id_timer();
	thread_timer();
	printf("done\n");
	return 0;
}
