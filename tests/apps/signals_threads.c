/*
 * Differential test: signals and threads (#7).
 *
 *  - pthread_kill to one chosen thread of four, all waiting in sem_wait (a
 *    futex wait): the handler runs on that thread and only there.
 *  - pthread_kill to a thread spinning without system calls: the handler
 *    interrupts the loop on that thread.
 *  - A process-directed signal (kill) goes to the one thread that does not
 *    block it; when every thread blocks it, it stays pending for the
 *    process (sigpending in any thread) until a thread unblocks it, and
 *    that thread runs the handler.
 *  - A thread-directed signal blocked by its target is pending for that
 *    thread only.
 *  - A new thread inherits its creator's mask and starts without an
 *    alternate stack; actions are shared by all threads.
 *  - sigwaitinfo in a dedicated thread while every thread blocks the
 *    signal.
 *  - pthread_cancel, which musl implements with a signal (SIGCANCEL, 33)
 *    whose handler reads and rewrites uc_mcontext's RIP and uc_sigmask: a
 *    thread in nanosleep, in pthread_cond_wait, in sem_wait, and one
 *    spinning with asynchronous cancellation; cleanup handlers run.
 *  - tgkill to a thread that has exited: ESRCH.
 *
 * Threads print nothing; main prints what they recorded, in a fixed order.
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
#include <unistd.h>

#include "signals_util.h"
#include "threads_util.h"

/* Wait (up to 5 s) until *flag is non-zero. */
static int wait_for(volatile int *flag)
{
	for (int i = 0; i < 5000 && !__atomic_load_n(flag, __ATOMIC_SEQ_CST);
	     i++)
		nap_ms(1);
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST);
}

/* ---- who ran the handler ---- */

#define WORKERS 4

static struct {
	pthread_t self[WORKERS];
	volatile pid_t tid[WORKERS];
	volatile int started;
	sem_t go;
	sigset_t mask[WORKERS];         /* each worker's mask on start */
	int unblock;                    /* SIGUSR2 is unblocked by this one */
} pool;

static struct {
	volatile int calls;
	pthread_t ran_on;
	pid_t ran_on_tid;
	int code;
} h;

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	h.ran_on = pthread_self();
	h.ran_on_tid = gettid_();
	h.code = si->si_code;
	__atomic_add_fetch(&h.calls, 1, __ATOMIC_SEQ_CST);
}

static int ran_on_worker(void)
{
	for (int i = 0; i < WORKERS; i++)
		if (pthread_equal(h.ran_on, pool.self[i]) &&
		    h.ran_on_tid == pool.tid[i])
			return i;
	if (h.ran_on_tid == gettid_())
		return -1;              /* main */
	return -2;
}

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	sigset_t usr2 = just(SIGUSR2);

	pthread_sigmask(SIG_BLOCK, NULL, &pool.mask[me]);
	pool.tid[me] = gettid_();
	if (me == pool.unblock)
		pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
	__atomic_add_fetch(&pool.started, 1, __ATOMIC_SEQ_CST);
	while (sem_wait(&pool.go) != 0)
		;
	return NULL;
}

static const char *who(int w)
{
	static char buf[32];
	if (w == -1)
		return "main";
	if (w < 0)
		return "another thread";
	snprintf(buf, sizeof buf, "worker %d", w);
	return buf;
}

static void chosen_threads(void)
{
	sigset_t usr2 = just(SIGUSR2);

	on(SIGUSR1, record, SA_RESTART);
	on(SIGUSR2, record, SA_RESTART);
	sem_init(&pool.go, 0, 0);
	pool.unblock = 1;
	/* Workers inherit main's mask: SIGUSR2 blocked (worker 1 unblocks). */
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	for (intptr_t i = 0; i < WORKERS; i++)
		check0("pthread_create", pthread_create(&pool.self[i], NULL,
							worker, (void *)i));
	while (__atomic_load_n(&pool.started, __ATOMIC_SEQ_CST) < WORKERS)
		nap_ms(1);
	nap_ms(100);                    /* all in sem_wait by now */
	int inherited = 1;
	for (int i = 0; i < WORKERS; i++)
		inherited &= sigismember(&pool.mask[i], SIGUSR2);
	yesno("new threads inherit the creator's mask (SIGUSR2 blocked)",
	      inherited);

	for (int target = 2; target >= 0; target -= 2) {
		h.calls = 0;
		pthread_kill(pool.self[target], SIGUSR1);
		wait_for(&h.calls);
		nap_ms(50);
		printf("pthread_kill(worker %d, SIGUSR1) while it waits in "
		       "sem_wait: %d handler call(s), on %s, si_code SI_TKILL: "
		       "%s\n", target, h.calls, who(ran_on_worker()),
		       h.code == SI_TKILL ? "yes" : "no");
	}

	h.calls = 0;
	kill(getpid(), SIGUSR2);
	wait_for(&h.calls);
	nap_ms(50);
	printf("kill(getpid(), SIGUSR2), only worker 1 does not block it: %d "
	       "handler call(s), on %s, si_code SI_USER: %s\n", h.calls,
	       who(ran_on_worker()), h.code == SI_USER ? "yes" : "no");

	for (int i = 0; i < WORKERS; i++)
		sem_post(&pool.go);
	for (int i = 0; i < WORKERS; i++)
		check0("pthread_join", pthread_join(pool.self[i], NULL));
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
	sem_destroy(&pool.go);
}

/* ---- a spinning thread ---- */

static volatile int spin_stop;
static pthread_t spinner_self;
static int spin_on_itself;

static void stop_spinning(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	spin_on_itself = pthread_equal(pthread_self(), spinner_self);
	spin_stop = 1;
}

static volatile int spinning;

static void *spinner(void *arg)
{
	(void)arg;
	spinner_self = pthread_self();
	spinning = 1;
	uint64_t n = 0;
	while (!spin_stop)
		n++;
	return (void *)(uintptr_t)(n != 0);
}

static void spinning_thread(void)
{
	pthread_t t;
	void *ret;

	on(SIGUSR1, stop_spinning, 0);
	check0("pthread_create", pthread_create(&t, NULL, spinner, NULL));
	wait_for(&spinning);
	nap_ms(50);
	int64_t start = mono_ns();
	pthread_kill(t, SIGUSR1);
	check0("pthread_join", pthread_join(t, &ret));
	printf("pthread_kill to a thread spinning without system calls: it "
	       "stopped: %s, the handler ran on it: %s, within 5 s: %s\n",
	       ret ? "yes" : "no", spin_on_itself ? "yes" : "no",
	       mono_ns() - start < 5 * SEC ? "yes" : "no");
}

/* ---- pending for the process, pending for a thread ---- */

static struct {
	volatile int phase, step;
	int saw_process_pending, saw_thread_pending, ran_after_unblock;
	pthread_t self;
} pp;

static void *pending_thread(void *arg)
{
	sigset_t s;
	sigset_t usr1 = just(SIGUSR1), usr2 = just(SIGUSR2);
	(void)arg;
	pp.self = pthread_self();
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);        /* USR2 too: inherited */
	__atomic_store_n(&pp.step, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&pp.phase, __ATOMIC_SEQ_CST) < 1)
		nap_ms(1);
	/* Main sent SIGUSR2 to the process and SIGUSR1 to this thread. */
	sigpending(&s);
	pp.saw_process_pending = sigismember(&s, SIGUSR2);
	pp.saw_thread_pending = sigismember(&s, SIGUSR1);
	h.calls = 0;
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
	pp.ran_after_unblock = h.calls == 1 && pthread_equal(h.ran_on,
							      pp.self);
	h.calls = 0;
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	pp.ran_after_unblock |= (h.calls == 1 && pthread_equal(h.ran_on,
								pp.self)) << 1;
	__atomic_store_n(&pp.step, 2, __ATOMIC_SEQ_CST);
	return NULL;
}

static void pending_sets(void)
{
	pthread_t t;
	sigset_t usr2 = just(SIGUSR2), s;

	on(SIGUSR1, record, 0);
	on(SIGUSR2, record, 0);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	check0("pthread_create", pthread_create(&t, NULL, pending_thread,
						NULL));
	while (__atomic_load_n(&pp.step, __ATOMIC_SEQ_CST) < 1)
		nap_ms(1);
	h.calls = 0;
	kill(getpid(), SIGUSR2);
	pthread_kill(t, SIGUSR1);
	nap_ms(50);
	sigpending(&s);
	printf("every thread blocks SIGUSR2, kill(getpid()): handler calls %d, "
	       "pending in main: %s\n", h.calls,
	       sigismember(&s, SIGUSR2) ? "yes" : "no");
	printf("pthread_kill(t, SIGUSR1), blocked by t: pending in main: %s\n",
	       sigismember(&s, SIGUSR1) ? "yes" : "no");
	__atomic_store_n(&pp.phase, 1, __ATOMIC_SEQ_CST);
	check0("pthread_join", pthread_join(t, NULL));
	printf("in t: SIGUSR2 pending (for the process): %s, SIGUSR1 pending "
	       "(for t): %s\n", pp.saw_process_pending ? "yes" : "no",
	       pp.saw_thread_pending ? "yes" : "no");
	printf("t unblocked SIGUSR2, then SIGUSR1: each handler ran on t: "
	       "%s, %s\n", pp.ran_after_unblock & 1 ? "yes" : "no",
	       pp.ran_after_unblock & 2 ? "yes" : "no");
	sigpending(&s);
	printf("pending in main afterwards: SIGUSR2 %s\n",
	       sigismember(&s, SIGUSR2) ? "yes" : "no");
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
}

/* ---- actions are shared; a new thread's alternate stack ---- */

static int altstack_flags;

static void *installer(void *arg)
{
	stack_t ss;
	(void)arg;
	sigaltstack(NULL, &ss);
	altstack_flags = ss.ss_flags;
	on(SIGUSR1, record, 0);         /* for the whole process */
	return NULL;
}

static void shared_actions(void)
{
	pthread_t t;
	char *alt = malloc(65536);
	stack_t ss = { .ss_sp = alt, .ss_size = 65536, .ss_flags = 0 };

	sigaltstack(&ss, NULL);         /* main's: not the new thread's */
	signal(SIGUSR1, SIG_IGN);
	check0("pthread_create", pthread_create(&t, NULL, installer, NULL));
	check0("pthread_join", pthread_join(t, NULL));
	printf("a new thread's sigaltstack while main has one: %s\n",
	       altstack_flags == SS_DISABLE ? "SS_DISABLE" : "other");
	h.calls = 0;
	raise(SIGUSR1);
	printf("a handler installed by another thread runs in main: %s\n",
	       h.calls == 1 && ran_on_worker() == -1 ? "yes" : "no");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	free(alt);
}

/* ---- sigwaitinfo in a dedicated thread ---- */

static struct {
	volatile int ready;
	int sig, code, from_us;
} sw;

static void *sigwaiter(void *arg)
{
	sigset_t usr2 = just(SIGUSR2);
	siginfo_t si;
	(void)arg;
	__atomic_store_n(&sw.ready, 1, __ATOMIC_SEQ_CST);
	sw.sig = sigwaitinfo(&usr2, &si);
	sw.code = si.si_code;
	sw.from_us = si.si_pid == getpid();
	return NULL;
}

static void dedicated_waiter(void)
{
	pthread_t t;
	sigset_t usr2 = just(SIGUSR2);

	on(SIGUSR2, record, 0);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	check0("pthread_create", pthread_create(&t, NULL, sigwaiter, NULL));
	wait_for(&sw.ready);
	nap_ms(100);
	h.calls = 0;
	kill(getpid(), SIGUSR2);
	check0("pthread_join", pthread_join(t, NULL));
	printf("sigwaitinfo in a thread, everyone blocking SIGUSR2, "
	       "kill(getpid()): got %d, si_code SI_USER: %s, si_pid ours: %s, "
	       "handler calls %d\n", sw.sig, sw.code == SI_USER ? "yes" : "no",
	       sw.from_us ? "yes" : "no", h.calls);
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
}

/* ---- pthread_cancel (SIGCANCEL) ---- */

enum cancel_kind { IN_NANOSLEEP, IN_COND_WAIT, IN_SEM_WAIT, ASYNC_SPIN };
static const char *const cancel_name[] = {
	"nanosleep 10 s", "pthread_cond_wait", "sem_wait",
	"a spin with PTHREAD_CANCEL_ASYNCHRONOUS",
};

static struct {
	enum cancel_kind kind;
	volatile int ready, cleaned, returned;
	pthread_mutex_t m;
	pthread_cond_t c;
	sem_t s;
} cn;

static void cleanup(void *arg)
{
	(void)arg;
	cn.cleaned++;
	if (cn.kind == IN_COND_WAIT)
		pthread_mutex_unlock(&cn.m);    /* reacquired by the cancel */
}

static void *cancellee(void *arg)
{
	struct timespec t = ns_ts(10 * SEC);
	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	switch (cn.kind) {
	case IN_NANOSLEEP:
		__atomic_store_n(&cn.ready, 1, __ATOMIC_SEQ_CST);
		nanosleep(&t, NULL);
		break;
	case IN_COND_WAIT:
		pthread_mutex_lock(&cn.m);
		__atomic_store_n(&cn.ready, 1, __ATOMIC_SEQ_CST);
		for (;;)
			pthread_cond_wait(&cn.c, &cn.m);
		break;
	case IN_SEM_WAIT:
		__atomic_store_n(&cn.ready, 1, __ATOMIC_SEQ_CST);
		sem_wait(&cn.s);
		break;
	case ASYNC_SPIN:
		pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
		__atomic_store_n(&cn.ready, 1, __ATOMIC_SEQ_CST);
		for (;;)
			__asm__ volatile("" ::: "memory");
		break;
	}
	cn.returned = 1;
	pthread_cleanup_pop(0);
	return NULL;
}

static void cancels(void)
{
	for (enum cancel_kind k = IN_NANOSLEEP; k <= ASYNC_SPIN; k++) {
		pthread_t t;
		void *ret = NULL;

		memset(&cn, 0, sizeof cn);
		cn.kind = k;
		pthread_mutex_init(&cn.m, NULL);
		pthread_cond_init(&cn.c, NULL);
		sem_init(&cn.s, 0, 0);
		check0("pthread_create", pthread_create(&t, NULL, cancellee,
							NULL));
		wait_for(&cn.ready);
		nap_ms(100);
		int64_t start = mono_ns();
		check0("pthread_cancel", pthread_cancel(t));
		check0("pthread_join", pthread_join(t, &ret));
		printf("pthread_cancel of a thread in %s: joined "
		       "PTHREAD_CANCELED: %s, cleanup ran %d time(s), the call "
		       "returned: %s, within 5 s: %s\n", cancel_name[k],
		       ret == PTHREAD_CANCELED ? "yes" : "no", cn.cleaned,
		       cn.returned ? "yes" : "no",
		       mono_ns() - start < 5 * SEC ? "yes" : "no");
		sem_destroy(&cn.s);
		pthread_cond_destroy(&cn.c);
		pthread_mutex_destroy(&cn.m);
	}
}

/* ---- tgkill to a thread that is gone ---- */

static volatile pid_t gone_tid;

static void *short_lived(void *arg)
{
	(void)arg;
	gone_tid = gettid_();
	return NULL;
}

static void exited_thread(void)
{
	pthread_t t;
	check0("pthread_create", pthread_create(&t, NULL, short_lived, NULL));
	check0("pthread_join", pthread_join(t, NULL));
	/* Linux clears the tid (which ends pthread_join) before the thread
	 * is gone, so right after the join the tid may still take a
	 * signal for a moment: ask with signal 0 until it says ESRCH. */
	long r = 0;

	for (int i = 0; i < 1000 && r == 0; i++) {
		errno = 0;
		r = syscall(SYS_tgkill, getpid(), gone_tid, 0);
		if (r == 0)
			usleep(1000);
	}
	printf("tgkill to a joined thread's tid, soon after: %ld %s\n", r,
	       errno == ESRCH ? "ESRCH" : strerror(errno));
	r = syscall(SYS_tgkill, getpid(), gettid_(), 0);
	printf("tgkill(getpid(), gettid(), 0) in main: %ld\n", r);
}

int main(void)
{
	chosen_threads();
	spinning_thread();
	pending_sets();
	shared_actions();
	dedicated_waiter();
	cancels();
	exited_thread();
	printf("done\n");
	return 0;
}
