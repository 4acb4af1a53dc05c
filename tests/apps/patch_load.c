/*
 * Differential test: call sites rewritten for the first time while eight
 * threads use them (issue #8; libos/trap/patch.c). tests/apps/meson.build
 * runs it with wicket.quantum=1.
 *
 * Eight threads wait at a spin barrier (no system calls), then each makes
 * rounds of calls through sixteen new hand-written sites (patch_util.h:
 * two of each kind rewritten in form B, two in form A with a fixed call,
 * sched_yield and gettid, and two that the libOS answers in the
 * trampoline),
 * each thread starting at a different site and each round shifting which
 * call goes through which site: getppid, gettid, sched_yield, write to a
 * bad descriptor (-EBADF), a FUTEX_WAKE with no waiter, clock_gettime,
 * getpid, rt_sigprocmask. So every site's first call, and its rewrite,
 * happens while the seven other threads are running through or preempted
 * at the same sites, and later calls mix the kernel's path with the
 * trampolines'. Every result is checked, and every tail must have run
 * once per call (for the JCC sites, its branch once per failing call).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "patch_util.h"
#include "threads_util.h"

#define FUTEX_WAKE_PRIVATE 129

SITE_PLAIN(load_plain_1);
SITE_PLAIN(load_plain_2);
SITE_JCC(load_jcc_1);
SITE_JCC(load_jcc_2);
SITE_CALL(load_call_1);
SITE_CALL(load_call_2);
SITE_MULTI(load_multi_1);
SITE_MULTI(load_multi_2);
SITE_RET(load_ret_1);
SITE_RET(load_ret_2);
SITE_KEEPS(load_keeps_1);
SITE_KEEPS(load_keeps_2);
SITE_GETPPID_ANSWERED(load_answered_1);
SITE_GETPPID_ANSWERED(load_answered_2);
SITE_FIXED(load_fixed_yield, SYS_sched_yield);
SITE_FIXED(load_fixed_gettid, SYS_gettid);

typedef long site_fn(long, long, long, long, long, long *);

#define SITES 16
#define GENERIC_SITES 12
static site_fn *const sites[GENERIC_SITES] = {
	load_plain_1, load_jcc_1, load_call_1, load_multi_1, load_ret_1,
	load_plain_2, load_jcc_2, load_call_2, load_multi_2, load_ret_2,
	load_keeps_1, load_keeps_2,
};
static long (*const answered[2])(long *) = {
	load_answered_1, load_answered_2,
};

#define THREADS 8
#define ROUNDS 250
#define CALL_KINDS 8

static long pid, ppid;
static volatile int arrived;

static struct worker {
	long tails[SITES][2];
	long calls[SITES], failing[SITES];
	long wrong;
} workers[THREADS];

/* Call kind `kind` through generic site `s`; checks the result. */
static void one_call(struct worker *w, long tid, int s, int kind)
{
	long *tail = w->tails[s];
	site_fn *site = sites[s];
	int word = 0;
	char byte = 'x';
	struct timespec ts;
	uint64_t old_mask = ~0ull;
	long r, want = 0;

	switch (kind) {
	case 0:
		r = site(SYS_getppid, 0, 0, 0, 0, tail);
		want = ppid;
		break;
	case 1:
		r = site(SYS_gettid, 0, 0, 0, 0, tail);
		want = tid;
		break;
	case 2:
		r = site(SYS_sched_yield, 0, 0, 0, 0, tail);
		break;
	case 3:
		r = site(SYS_write, -1, (long)&byte, 1, 0, tail);
		want = -EBADF;
		w->failing[s]++;
		break;
	case 4:
		r = site(SYS_futex, (long)&word, FUTEX_WAKE_PRIVATE, 1, 0, tail);
		break;
	case 5:
		r = site(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0,
			 tail);
		if (r == 0 && (ts.tv_nsec < 0 || ts.tv_nsec >= SEC))
			w->wrong++;
		break;
	case 6:
		r = site(SYS_getpid, 0, 0, 0, 0, tail);
		want = pid;
		break;
	default:
		r = site(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&old_mask, 8,
			 tail);
		if (old_mask != 0)      /* the threads block nothing */
			w->wrong++;
		break;
	}
	w->calls[s]++;
	if (r != want)
		w->wrong++;
	patch_jitter();
}

static void *worker(void *arg)
{
	intptr_t me = (intptr_t)arg;
	struct worker *w = &workers[me];
	long tid = syscall(SYS_gettid);

	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < THREADS)
		;
	for (int round = 0; round < ROUNDS; round++) {
		for (int n = 0; n < SITES; n++) {
			int s = (int)((me + n) % SITES);
			long r = 0, want = 0;

			switch (s) {
			case GENERIC_SITES:
			case GENERIC_SITES + 1:
				r = answered[s - GENERIC_SITES](w->tails[s]);
				want = ppid;
				break;
			case GENERIC_SITES + 2:
				r = load_fixed_yield(0, 0, 0, 0, 0, w->tails[s]);
				break;
			case GENERIC_SITES + 3:
				r = load_fixed_gettid(0, 0, 0, 0, 0,
						      w->tails[s]);
				want = tid;
				break;
			default:
				one_call(w, tid, s,
					 (int)((me + round + n) % CALL_KINDS));
				continue;
			}
			w->calls[s]++;
			if (r != want)
				w->wrong++;
			patch_jitter();
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	long wrong = 0;
	int tails_match = 1, branches_match = 1, kept = 1;

	pid = getpid();
	ppid = getppid();
	start_all(t, THREADS, worker);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		struct worker *w = &workers[i];

		wrong += w->wrong;
		for (int s = 0; s < SITES; s++) {
			tails_match &= w->tails[s][0] + w->tails[s][1] ==
				       w->calls[s];
			/* Sites 1 and 6 are the JCC ones, 10 and 11 the
			 * KEEPS ones. */
			if (s == 1 || s == 6)
				branches_match &= w->tails[s][1] ==
						  w->failing[s];
			if (s == 10 || s == 11)
				kept &= w->tails[s][1] == 0;
		}
	}
	printf("load: %d threads x %d rounds of %d sites\n", THREADS, ROUNDS,
	       SITES);
	yesno("load: tails match", tails_match);
	yesno("load: the js branch ran once per failing call", branches_match);
	yesno("load: registers and red zone kept", kept);
	printf("load: wrong results: %ld\n", wrong);
	return 0;
}
