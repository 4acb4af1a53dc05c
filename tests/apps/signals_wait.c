/*
 * Differential test: waiting for signals (#7).
 *
 *  - sigsuspend: sleeps with its mask until a handler runs, returns -1
 *    EINTR with the old mask back; inside the handler the mask is
 *    sigsuspend's plus the handler's, while uc_sigmask is the mask from
 *    before sigsuspend (what rt_sigreturn restores); a signal already
 *    pending ends it at once; a signal still blocked by its mask does not.
 *  - sigtimedwait, sigwaitinfo, sigwait: take a blocked pending signal
 *    without running its handler: those sent to the thread (raise) before
 *    those sent to the process (kill), each lowest number first, standard
 *    signals once and real-time ones as often as raised, with the siginfo
 *    of the sender (SI_TKILL, SI_USER, SI_KERNEL from ITIMER_REAL); a
 *    timeout ends with EAGAIN, a zero timeout at once, a bad timeout with
 *    EINVAL; rt_sigtimedwait itself ends with EINTR when a handled signal
 *    outside the set arrives (musl's sigtimedwait retries).
 *  - sigpending: exactly what is pending.
 *  - pause: returns -1 EINTR after a handler.
 *
 * Signals come from raise and kill (before the wait) or from a 50 ms
 * ITIMER_REAL (during it).
 */
#define _GNU_SOURCE
#include <errno.h>
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

static sigset_t set_of(uint64_t m)
{
	sigset_t s;
	sigemptyset(&s);
	memcpy(&s, &m, sizeof m);
	return s;
}

static void arm_ms(int ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

/* ---- handlers ---- */

static struct {
	volatile int calls;
	int last;
	uint64_t live, uc_mask;
} h;

static void record(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)si;
	h.calls++;
	h.last = sig;
	sigset_t s;
	sigprocmask(SIG_BLOCK, NULL, &s);
	h.live = mask64(&s);
	h.uc_mask = mask64(&uc->uc_sigmask);
}

/* ---- sigsuspend ---- */

static void suspends(void)
{
	on(SIGALRM, record, 0);
	on(SIGUSR1, record, 0);

	/* Before: SIGALRM and SIGINT blocked. sigsuspend's mask: SIGUSR2. */
	uint64_t before = bit(SIGALRM) | bit(SIGINT);
	set_mask(before);
	memset(&h, 0, sizeof h);
	/* The clock starts before the timer: the other order can measure
	 * less than 50 ms when the host is slow between the two. */
	int64_t start = mono_ns();
	arm_ms(50);
	sigset_t during = set_of(bit(SIGUSR2));
	errno = 0;
	int r = sigsuspend(&during);
	int e = errno;
	int64_t took = mono_ns() - start;
	printf("sigsuspend until a 50 ms ITIMER_REAL: %d %s, handler ran %d "
	       "time(s) for %d, after at least 50 ms: %s\n", r, err_name(e),
	       h.calls, h.last, took >= 50 * MS ? "yes" : "no");
	print_bits("mask before sigsuspend", before);
	print_bits("mask in the handler", h.live);
	print_bits("uc_sigmask in the handler", h.uc_mask);
	print_bits("mask after sigsuspend", get_mask());

	/* Already pending: at once. */
	set_mask(bit(SIGUSR1));
	raise(SIGUSR1);
	memset(&h, 0, sizeof h);
	sigset_t none = set_of(0);
	start = mono_ns();
	errno = 0;
	r = sigsuspend(&none);
	e = errno;
	printf("sigsuspend with SIGUSR1 already pending: %d %s, handler ran "
	       "%d time(s) for %d, at once (within 1 s): %s\n", r, err_name(e),
	       h.calls, h.last, mono_ns() - start < 1 * SEC ? "yes" : "no");
	print_bits("mask after", get_mask());

	/* Pending but blocked by sigsuspend's own mask: the timer ends it. */
	raise(SIGUSR1);
	memset(&h, 0, sizeof h);
	sigset_t keep_usr1 = set_of(bit(SIGUSR1));
	start = mono_ns(); /* before arming, as above */
	arm_ms(50);
	r = sigsuspend(&keep_usr1);
	printf("sigsuspend keeping pending SIGUSR1 blocked: handler ran %d "
	       "time(s), for %d, after at least 50 ms: %s\n", h.calls, h.last,
	       mono_ns() - start >= 50 * MS ? "yes" : "no");
	set_mask(0);
	printf("SIGUSR1's handler ran once unblocked: %s\n", h.last == SIGUSR1 ?
	       "yes" : "no");
	signal(SIGALRM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
}

/* ---- sigtimedwait and friends ---- */

static void waits(void)
{
	siginfo_t si;
	struct timespec zero = { 0, 0 }, t50 = { 0, 50 * MS };
	int rt = SIGRTMIN + 2;

	on(SIGUSR1, record, 0);
	on(SIGUSR2, record, 0);
	on(rt, record, 0);
	memset(&h, 0, sizeof h);
	set_mask(bit(SIGUSR1) | bit(SIGUSR2) | bit(rt) | bit(SIGALRM));
	raise(SIGUSR2);
	kill(getpid(), SIGUSR1);
	raise(SIGUSR2);
	for (int i = 0; i < 3; i++)
		raise(rt);
	sigset_t p;
	sigpending(&p);
	print_bits("pending after raising SIGUSR2 twice, SIGUSR1 and 3x rt",
		   mask64(&p));

	sigset_t want = set_of(bit(SIGUSR1) | bit(SIGUSR2) | bit(rt));
	printf("sigtimedwait with a zero timeout, repeatedly:");
	for (;;) {
		memset(&si, 0, sizeof si);
		errno = 0;
		int s = sigtimedwait(&want, &si, &zero);
		if (s < 0) {
			printf(" then -1 %s\n", err_name(errno));
			break;
		}
		printf(" %d (%s, si_pid ours: %s)", s, code_name(si.si_code),
		       si.si_pid == getpid() ? "yes" : "no");
	}
	printf("handlers ran meanwhile: %d\n", h.calls);
	sigpending(&p);
	print_bits("pending afterwards", mask64(&p));

	int64_t start = mono_ns();
	errno = 0;
	int r = sigtimedwait(&want, &si, &t50);
	int e = errno;
	int64_t took = mono_ns() - start;
	printf("sigtimedwait 50 ms with nothing coming: %d %s, waited at least "
	       "50 ms: %s, less than 5 s: %s\n", r, err_name(e),
	       took >= 50 * MS ? "yes" : "no", took < 5 * SEC ? "yes" : "no");
	printf("VARIES sigtimedwait 50 ms: waited ms: %.3f\n", took / 1e6);

	struct timespec bad = { 0, 1000000000 };
	errno = 0;
	r = sigtimedwait(&want, &si, &bad);
	printf("sigtimedwait with tv_nsec 1e9: %d %s\n", r, err_name(errno));

	/* From ITIMER_REAL, while waiting. */
	sigset_t alrm = set_of(bit(SIGALRM));
	arm_ms(50);
	memset(&si, 0, sizeof si);
	r = sigwaitinfo(&alrm, &si);
	printf("sigwaitinfo for SIGALRM from ITIMER_REAL: %d, si_code %s\n", r,
	       code_name(si.si_code));
	arm_ms(50);
	int sig = 0;
	r = sigwait(&alrm, &sig);
	printf("sigwait for SIGALRM: returned %d, signal %d\n", r, sig);

	/* A handled signal outside the set interrupts the wait: the system
	 * call itself (musl's sigtimedwait retries after EINTR). */
	on(SIGALRM, record, 0);
	set_mask(bit(SIGUSR1) | bit(SIGUSR2) | bit(rt));
	memset(&h, 0, sizeof h);
	arm_ms(50);
	struct timespec t5 = { 5, 0 };
	start = mono_ns();
	errno = 0;
	long rr = syscall(SYS_rt_sigtimedwait, &want, &si, &t5, 8);
	e = errno;
	printf("rt_sigtimedwait 5 s, a SIGALRM handler runs at 50 ms: %ld %s, "
	       "handler ran %d time(s), within 4 s: %s\n", rr, err_name(e),
	       h.calls, mono_ns() - start < 4 * SEC ? "yes" : "no");

	/* The set may name signals that are not blocked. */
	set_mask(0);
	signal(SIGALRM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	signal(rt, SIG_DFL);
}

/* ---- sigpending ---- */

static void pendings(void)
{
	sigset_t p;
	int rt = SIGRTMIN + 5;

	on(SIGUSR1, record, 0);
	on(rt, record, 0);
	on(SIGHUP, record, 0);
	set_mask(bit(SIGUSR1) | bit(rt) | bit(SIGHUP) | bit(SIGCHLD));
	sigpending(&p);
	print_bits("pending with nothing raised", mask64(&p));
	raise(SIGUSR1);
	raise(rt);
	raise(SIGCHLD);                 /* SIG_DFL, ignored, but blocked */
	sigpending(&p);
	print_bits("pending after raising SIGUSR1, rt and SIGCHLD", mask64(&p));
	memset(&h, 0, sizeof h);
	set_mask(bit(SIGHUP));
	sigpending(&p);
	printf("after unblocking: handlers ran %d time(s)\n", h.calls);
	print_bits("pending now", mask64(&p));
	set_mask(0);
	signal(SIGUSR1, SIG_DFL);
	signal(rt, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	errno = 0;
	long r = syscall(SYS_rt_sigpending, &p, 4);
	printf("rt_sigpending with sigsetsize 4: %ld %s\n", r, err_name(errno));
}

/* ---- pause ---- */

static void pauses(void)
{
	on(SIGALRM, record, 0);
	memset(&h, 0, sizeof h);
	int64_t start = mono_ns(); /* before arming, as above */
	arm_ms(50);
	errno = 0;
	int r = pause();
	int e = errno;
	printf("pause until a 50 ms ITIMER_REAL: %d %s, handler ran %d "
	       "time(s), after at least 50 ms: %s\n", r, err_name(e), h.calls,
	       mono_ns() - start >= 50 * MS ? "yes" : "no");
	signal(SIGALRM, SIG_DFL);
}

int main(void)
{
	suspends();
	waits();
	pendings();
	pauses();
	printf("done\n");
	return 0;
}
