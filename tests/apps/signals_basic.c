/*
 * Differential test: signal handlers, masks and actions (#7).
 *
 *  - Several signals raised while blocked, then unblocked at once: with
 *    handlers that block nothing else, Linux sets up every frame before it
 *    returns to user mode (the synchronous signals SIGSEGV, SIGBUS, SIGILL,
 *    SIGTRAP, SIGFPE, SIGSYS first, then the lowest number first), so the
 *    handlers *run* in the reverse order; with a full sa_mask one frame is
 *    set up at a time and they run in the delivery order.
 *  - Inside a handler: its own signal and its sa_mask are blocked on top
 *    of the mask it interrupted; a signal raised there stays pending until
 *    the handler returns; a mask change in the handler ends with it.
 *  - SA_NODEFER nests, without it a handler's own raise waits; SA_RESETHAND
 *    resets the action (the flags stay) and still blocks its own signal.
 *  - What sigaction reads back (unknown flag bits cleared, SIGKILL and
 *    SIGSTOP never in sa_mask), SA_SIGINFO's si_code for kill, raise,
 *    tgkill, tkill and pthread_kill (never kill(0, ...): on the host that
 *    would signal the test harness too).
 *  - Ignoring: default-ignored signals, SIG_IGN, a pending signal discarded
 *    by SIG_IGN, a blocked ignored signal kept pending (Linux never ignores
 *    a blocked signal when it is sent).
 *  - Real-time signals queue, standard ones do not.
 *  - Errors from rt_sigaction, rt_sigprocmask, kill and tgkill.
 *
 * Handlers only record; main prints. Everything printed is fixed by the
 * program, so there are no VARIES lines.
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
#include <unistd.h>

#include "signals_util.h"
#include "threads_util.h"

/* The kernel's struct sigaction (x86-64), for raw rt_sigaction calls. */
struct ksigaction {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};

#define K_SA_RESTORER 0x04000000UL

static long k_sigaction(int sig, const struct ksigaction *act,
			struct ksigaction *old, size_t size)
{
	return syscall(SYS_rt_sigaction, sig, act, old, size);
}

static void block(int how, int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

static int is_pending(int sig)
{
	sigset_t p;
	sigpending(&p);
	return sigismember(&p, sig);
}

/* ---- a log of handler entries ---- */

static volatile int log_sig[64];
static volatile int log_n;

static void logger(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	if (log_n < 64)
		log_sig[log_n++] = sig;
}

static void print_log(const char *what)
{
	printf("%s:", what);
	for (int i = 0; i < log_n; i++)
		printf(" %d", log_sig[i]);
	printf("\n");
	log_n = 0;
}

/* ---- the order of delivery ---- */

static void delivery_order(void)
{
	const int sigs[] = { SIGTERM, SIGUSR2, SIGUSR1, SIGHUP, SIGSEGV,
			     SIGTRAP, SIGCHLD, SIGRTMIN + 3, SIGRTMIN };
	const int n = sizeof sigs / sizeof sigs[0];
	sigset_t all, old, full;

	sigfillset(&all);
	memset(&full, 0xff, sizeof full);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++)
			on_mask(sigs[i], logger, 0, pass ? &full : NULL);
		sigprocmask(SIG_BLOCK, &all, &old);
		printf("raised while blocked:");
		for (int i = 0; i < n; i++) {
			raise(sigs[i]);
			printf(" %d", sigs[i]);
		}
		printf("\n");
		sigprocmask(SIG_SETMASK, &old, NULL);
		print_log(pass ? "handlers ran, each with a full sa_mask" :
			  "handlers ran, with an empty sa_mask");
	}
	for (int i = 0; i < n; i++)
		set_action(sigs[i], SIG_DFL);
}

/* ---- masks inside a handler ---- */

static sigset_t mask_inside, mask_after_change;
static int usr2_pending_inside;

static void mask_probe(int sig, siginfo_t *si, void *uc)
{
	logger(sig, si, uc);
	sigprocmask(SIG_BLOCK, NULL, &mask_inside);
	raise(SIGUSR2);                 /* blocked by sa_mask: waits */
	usr2_pending_inside = is_pending(SIGUSR2);
	block(SIG_BLOCK, SIGQUIT);      /* undone by the return */
	sigprocmask(SIG_BLOCK, NULL, &mask_after_change);
}

static void handler_masks(void)
{
	sigset_t m, before, after;

	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	on_mask(SIGUSR1, mask_probe, 0, &m);
	on(SIGUSR2, logger, 0);
	block(SIG_SETMASK, SIGINT);
	sigprocmask(SIG_BLOCK, NULL, &before);
	print_bits("mask before raise(SIGUSR1)", mask64(&before));
	raise(SIGUSR1);
	sigprocmask(SIG_BLOCK, NULL, &after);
	print_bits("mask in the SIGUSR1 handler (sa_mask SIGUSR2)",
		   mask64(&mask_inside));
	yesno("SIGUSR2 raised in the handler was pending there",
	      usr2_pending_inside);
	print_bits("mask in the handler after it blocked SIGQUIT",
		   mask64(&mask_after_change));
	print_log("handlers ran in the order");
	print_bits("mask after the handlers returned", mask64(&after));
	block(SIG_UNBLOCK, SIGINT);
	set_action(SIGUSR1, SIG_DFL);
	set_action(SIGUSR2, SIG_DFL);
}

/* ---- SA_NODEFER and nesting ---- */

static int depth, max_depth, calls;
static char shape[64];
static int shape_n;

static void nester(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	calls++;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	shape[shape_n++] = '[';
	if (calls < 4)
		raise(sig);
	shape[shape_n++] = ']';
	depth--;
}

static void nesting(void)
{
	for (int nodefer = 1; nodefer >= 0; nodefer--) {
		calls = depth = max_depth = shape_n = 0;
		on(SIGUSR1, nester, nodefer ? SA_NODEFER : 0);
		raise(SIGUSR1);
		shape[shape_n] = 0;
		printf("%s: handler raising its own signal: %d calls, "
		       "deepest nesting %d, shape %s\n",
		       nodefer ? "SA_NODEFER" : "without SA_NODEFER", calls,
		       max_depth, shape);
	}
	set_action(SIGUSR1, SIG_DFL);
}

/* ---- SA_RESETHAND ---- */

static int reset_calls, reset_own_blocked;

static void reset_handler(int sig, siginfo_t *si, void *uc)
{
	sigset_t m;
	(void)si;
	(void)uc;
	reset_calls++;
	sigprocmask(SIG_BLOCK, NULL, &m);
	reset_own_blocked = sigismember(&m, sig);
}

static void reset_hand(void)
{
	struct ksigaction k;

	on(SIGURG, reset_handler, SA_RESETHAND);
	raise(SIGURG);
	printf("SA_RESETHAND: handler ran %d time(s), its own signal blocked "
	       "inside: %s\n", reset_calls, reset_own_blocked ? "yes" : "no");
	k_sigaction(SIGURG, NULL, &k, 8);
	printf("SA_RESETHAND: action afterwards is SIG_DFL: %s, flags read "
	       "back: %#lx\n", k.handler == (uintptr_t)SIG_DFL ? "yes" : "no",
	       k.flags);
	raise(SIGURG);                  /* default: ignored */
	printf("SA_RESETHAND: second SIGURG took the default action (ignored), "
	       "handler calls still %d\n", reset_calls);
}

/* ---- what sigaction reads back ---- */

static void readback(void)
{
	struct sigaction sa;
	struct ksigaction k;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = logger;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER | SA_ONSTACK |
		      0x400 /* SA_UNSUPPORTED: never a valid flag */;
	memset(&sa.sa_mask, 0xff, 8);   /* signals 1..64 */
	sigaction(SIGUSR2, &sa, NULL);
	k_sigaction(SIGUSR2, NULL, &k, 8);
	printf("sigaction read back: handler as set: %s, flags %#lx, "
	       "restorer set: %s, sa_mask %#llx\n",
	       k.handler == (uintptr_t)logger ? "yes" : "no", k.flags,
	       k.restorer ? "yes" : "no", (unsigned long long)k.mask);
	memset(&sa, 0, sizeof sa);
	sigaction(SIGUSR2, NULL, &sa);
	printf("libc sigaction read back: SA_SIGINFO|SA_RESTART|SA_NODEFER|"
	       "SA_ONSTACK set: %s, 0x400 clear: %s\n",
	       (sa.sa_flags & (SA_SIGINFO | SA_RESTART | SA_NODEFER |
			       SA_ONSTACK)) == (SA_SIGINFO | SA_RESTART |
						SA_NODEFER | SA_ONSTACK)
	       ? "yes" : "no", sa.sa_flags & 0x400 ? "no" : "yes");
	set_action(SIGUSR2, SIG_DFL);
	k_sigaction(SIGUSR2, NULL, &k, 8);
	printf("after SIG_DFL: handler 0: %s, flags %#lx, sa_mask %#llx\n",
	       k.handler == 0 ? "yes" : "no", k.flags,
	       (unsigned long long)k.mask);
}

/* ---- siginfo for the ways to send ---- */

static siginfo_t got;
static int got_n;
static void *got_uc;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	got = *si;
	got_n++;
	got_uc = uc;
}

static void show_info(const char *how)
{
	printf("%s: ran %d time(s), si_signo %d, si_code %s, si_errno %d, "
	       "si_pid is getpid(): %s, si_uid is getuid(): %s, ucontext "
	       "given: %s\n", how, got_n, got.si_signo, code_name(got.si_code),
	       got.si_errno, got.si_pid == getpid() ? "yes" : "no",
	       got.si_uid == getuid() ? "yes" : "no", got_uc ? "yes" : "no");
	memset(&got, 0, sizeof got);
	got_n = 0;
	got_uc = NULL;
}

static void siginfo_codes(void)
{
	on(SIGUSR1, info_handler, 0);
	on(SIGUSR2, info_handler, 0);
	kill(getpid(), SIGUSR1);
	show_info("kill(getpid(), SIGUSR1)");
	raise(SIGUSR1);
	show_info("raise(SIGUSR1)");
	syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR2);
	show_info("tgkill(getpid(), gettid(), SIGUSR2)");
	syscall(SYS_tkill, (pid_t)syscall(SYS_gettid), SIGUSR1);
	show_info("tkill(gettid(), SIGUSR1)");
	pthread_kill(pthread_self(), SIGUSR2);
	show_info("pthread_kill(pthread_self(), SIGUSR2)");
	set_action(SIGUSR1, SIG_DFL);
	set_action(SIGUSR2, SIG_DFL);
}

/* ---- ignoring ---- */

static void ignoring(void)
{
	const int dfl_ignored[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT };
	for (unsigned i = 0; i < 4; i++) {
		raise(dfl_ignored[i]);
		printf("raise(%d) with SIG_DFL (ignored by default): still "
		       "running\n", dfl_ignored[i]);
	}
	const int ignored[] = { SIGUSR1, SIGTERM, SIGSEGV, SIGALRM };
	for (unsigned i = 0; i < 4; i++) {
		set_action(ignored[i], SIG_IGN);
		raise(ignored[i]);
		printf("raise(%d) with SIG_IGN: still running\n", ignored[i]);
		set_action(ignored[i], SIG_DFL);
	}

	/* A pending signal is discarded when its action becomes SIG_IGN. */
	on(SIGUSR1, logger, 0);
	block(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);
	printf("blocked SIGUSR1 raised: pending: %s", is_pending(SIGUSR1) ?
	       "yes" : "no");
	set_action(SIGUSR1, SIG_IGN);
	printf(", after SIG_IGN: %s", is_pending(SIGUSR1) ? "yes" : "no");
	on(SIGUSR1, logger, 0);
	block(SIG_UNBLOCK, SIGUSR1);
	printf(", handler ran after unblocking: %s\n", log_n ? "yes" : "no");
	log_n = 0;

	/* Blocked signals are never ignored when sent: a handler installed
	 * before the unblock gets it. */
	block(SIG_BLOCK, SIGUSR2);
	set_action(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	printf("blocked SIGUSR2 raised while SIG_IGN: pending: %s",
	       is_pending(SIGUSR2) ? "yes" : "no");
	on(SIGUSR2, logger, 0);
	printf(", still pending with a handler: %s", is_pending(SIGUSR2) ?
	       "yes" : "no");
	block(SIG_UNBLOCK, SIGUSR2);
	printf(", handler ran after unblocking: %s\n", log_n == 1 ? "yes" :
	       "no");
	log_n = 0;

	/* The same for a signal ignored by default. */
	block(SIG_BLOCK, SIGWINCH);
	raise(SIGWINCH);
	printf("blocked SIGWINCH (SIG_DFL) raised: pending: %s",
	       is_pending(SIGWINCH) ? "yes" : "no");
	block(SIG_UNBLOCK, SIGWINCH);
	printf(", pending after unblocking: %s\n", is_pending(SIGWINCH) ?
	       "yes" : "no");
	set_action(SIGUSR1, SIG_DFL);
	set_action(SIGUSR2, SIG_DFL);
}

/* ---- real-time signals queue ---- */

static void queueing(void)
{
	sigset_t full;
	int rt = SIGRTMIN + 1;

	memset(&full, 0xff, sizeof full);
	on_mask(SIGUSR1, logger, 0, &full);
	on_mask(rt, logger, 0, &full);
	block(SIG_BLOCK, SIGUSR1);
	block(SIG_BLOCK, rt);
	for (int i = 0; i < 3; i++) {
		raise(rt);
		raise(SIGUSR1);
	}
	printf("raised %d and SIGUSR1 three times each while blocked\n", rt);
	sigset_t both;
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, rt);
	sigprocmask(SIG_UNBLOCK, &both, NULL);
	print_log("handlers ran for");
	set_action(SIGUSR1, SIG_DFL);
	set_action(rt, SIG_DFL);
}

/* ---- errors ---- */

static void errors(void)
{
	struct ksigaction k, old;
	memset(&k, 0, sizeof k);

	errno = 0;
	printf("rt_sigaction(0): %s\n", res(k_sigaction(0, &k, NULL, 8)));
	printf("rt_sigaction(65): %s\n", res(k_sigaction(65, &k, NULL, 8)));
	printf("rt_sigaction(SIGKILL, SIG_DFL): %s\n",
	       res(k_sigaction(SIGKILL, &k, NULL, 8)));
	k.handler = (uintptr_t)SIG_IGN;
	printf("rt_sigaction(SIGSTOP, SIG_IGN): %s\n",
	       res(k_sigaction(SIGSTOP, &k, NULL, 8)));
	printf("rt_sigaction(SIGKILL, NULL, &old): %s\n",
	       res(k_sigaction(SIGKILL, NULL, &old, 8)));
	printf("rt_sigaction with sigsetsize 16: %s\n",
	       res(k_sigaction(SIGUSR1, NULL, &old, 16)));
	printf("rt_sigaction with a bad pointer: %s\n",
	       res(k_sigaction(SIGUSR1, (void *)8, NULL, 8)));
	/* Signals 32..34 are musl's own, but the kernel takes them. */
	printf("rt_sigaction(33, NULL, &old): %s\n",
	       res(k_sigaction(33, NULL, &old, 8)));
	printf("libc sigaction(33) (musl refuses): %s\n",
	       res(sigaction(33, NULL, NULL)));

	uint64_t all = ~UINT64_C(0), saved, now;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &saved, 8);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
	now = get_mask();
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &saved, NULL, 8);
	printf("rt_sigprocmask blocking all 64 reads back %#llx\n",
	       (unsigned long long)now);
	printf("rt_sigprocmask(how 7): %s\n",
	       res(syscall(SYS_rt_sigprocmask, 7, &all, NULL, 8)));
	printf("rt_sigprocmask(how 7, NULL set): %s\n",
	       res(syscall(SYS_rt_sigprocmask, 7, NULL, &now, 8)));
	printf("rt_sigprocmask with sigsetsize 4: %s\n",
	       res(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &now, 4)));

	printf("kill(getpid(), 0): %s\n", res(kill(getpid(), 0)));
	printf("kill(getpid(), 65): %s\n", res(kill(getpid(), 65)));
	printf("kill(INT_MAX, 0): %s\n", res(kill(INT_MAX, 0)));
	pid_t tid = (pid_t)syscall(SYS_gettid);
	printf("tgkill(getpid(), gettid(), 0): %s\n",
	       res(syscall(SYS_tgkill, getpid(), tid, 0)));
	printf("tgkill(getpid(), INT_MAX, 0): %s\n",
	       res(syscall(SYS_tgkill, getpid(), INT_MAX, 0)));
	printf("tgkill(0, gettid(), 0): %s\n",
	       res(syscall(SYS_tgkill, 0, tid, 0)));
	printf("tgkill(getpid(), gettid(), 65): %s\n",
	       res(syscall(SYS_tgkill, getpid(), tid, 65)));
	printf("tkill(-1, 0): %s\n", res(syscall(SYS_tkill, -1, 0)));
}

int main(void)
{
	delivery_order();
	handler_masks();
	nesting();
	reset_hand();
	readback();
	siginfo_codes();
	ignoring();
	queueing();
	errors();
	printf("done\n");
	return 0;
}
