/*
 * Differential test: the futex system call itself, through
 * syscall(SYS_futex, ...), as musl's own code and other libcs use it.
 * FUTEX_WAIT (relative timeout, wrong value, zero and invalid timeouts, bad
 * addresses), FUTEX_WAKE counts, FUTEX_WAIT_BITSET with absolute
 * CLOCK_MONOTONIC and CLOCK_REALTIME deadlines, FUTEX_WAKE_BITSET
 * selecting by bits, FUTEX_REQUEUE and FUTEX_CMP_REQUEUE, private and
 * shared forms, and the order of wakes on words of their own and after a
 * requeue.
 *
 * Waiters are counted as they arrive; main then sleeps 200 ms before it
 * wakes them, which on Linux is ample for them to reach FUTEX_WAIT and on a
 * single CPU lets each run until it blocks.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "threads_util.h"

/* Linux's <linux/futex.h> (musl-gcc has no kernel headers). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

static long futex(void *uaddr, int op, unsigned val, const struct timespec *t,
		  void *uaddr2, unsigned val3)
{
	return syscall(SYS_futex, uaddr, op, val, t, uaddr2, val3);
}

static void waited(const char *what, int64_t ns, int64_t at_least)
{
	printf("%s: waited at least %lld ms: %s, less than 5 s: %s\n", what,
	       (long long)(at_least / MS), ns >= at_least ? "yes" : "no",
	       ns < 5 * SEC ? "yes" : "no");
	printf("VARIES %s: waited ms: %.3f\n", what, ns / 1e6);
}

static void single_thread(void)
{
	static int word;        /* 0 */
	struct timespec t;
	int64_t start;
	long r;

	t = ns_ts(50 * MS);
	start = mono_ns();
	r = futex(&word, FUTEX_WAIT, 0, &t, NULL, 0);
	printf("FUTEX_WAIT 50 ms, value matches: %s\n", res(r));
	waited("FUTEX_WAIT 50 ms", mono_ns() - start, 50 * MS);

	start = mono_ns();
	r = futex(&word, FUTEX_WAIT_PRIVATE, 0, &t, NULL, 0);
	printf("FUTEX_WAIT_PRIVATE 50 ms: %s\n", res(r));
	waited("FUTEX_WAIT_PRIVATE 50 ms", mono_ns() - start, 50 * MS);

	r = futex(&word, FUTEX_WAIT, 1, &t, NULL, 0);
	printf("FUTEX_WAIT, value differs: %s\n", res(r));
	r = futex(&word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	printf("FUTEX_WAIT_PRIVATE, value differs, no timeout: %s\n", res(r));

	t = ns_ts(0);
	r = futex(&word, FUTEX_WAIT, 0, &t, NULL, 0);
	printf("FUTEX_WAIT, zero timeout: %s\n", res(r));
	t.tv_sec = 0;
	t.tv_nsec = 1000000000;
	r = futex(&word, FUTEX_WAIT, 0, &t, NULL, 0);
	printf("FUTEX_WAIT, tv_nsec 1e9: %s\n", res(r));
	t.tv_nsec = -1;
	r = futex(&word, FUTEX_WAIT, 0, &t, NULL, 0);
	printf("FUTEX_WAIT, tv_nsec -1: %s\n", res(r));
	t = ns_ts(10 * MS);
	r = futex(NULL, FUTEX_WAIT, 0, &t, NULL, 0);
	printf("FUTEX_WAIT on NULL: %s\n", res(r));
	r = futex((char *)&word + 1, FUTEX_WAIT, 0, &t, NULL, 0);
	printf("FUTEX_WAIT on a misaligned address: %s\n", res(r));
	r = futex(&word, 99, 0, &t, NULL, 0);
	printf("futex op 99: %s\n", res(r));

	r = futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0);
	printf("FUTEX_WAKE without waiters: %s\n", res(r));
	r = futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	printf("FUTEX_WAKE_PRIVATE without waiters: %s\n", res(r));

	/* FUTEX_WAIT_BITSET: absolute deadlines, monotonic by default. */
	start = mono_ns();
	int64_t deadline = start + 50 * MS;
	t = ns_ts(deadline);
	r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &t, NULL,
		  FUTEX_BITSET_MATCH_ANY);
	int64_t end = mono_ns();
	printf("FUTEX_WAIT_BITSET, absolute CLOCK_MONOTONIC deadline in 50 ms: "
	       "%s\n", res(r));
	printf("FUTEX_WAIT_BITSET monotonic: returned after the deadline: %s\n",
	       end >= deadline ? "yes" : "no");
	waited("FUTEX_WAIT_BITSET monotonic", end - start, 50 * MS);

	/* Measured on the real-time clock too (the two clocks are only
	 * compared on Linux to within NTP's slewing). */
	start = now_ns(CLOCK_REALTIME);
	deadline = start + 50 * MS;
	t = ns_ts(deadline);
	r = futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &t, NULL,
		  FUTEX_BITSET_MATCH_ANY);
	end = now_ns(CLOCK_REALTIME);
	printf("FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, deadline in 50 ms: %s\n",
	       res(r));
	printf("FUTEX_WAIT_BITSET real time: returned after the deadline: %s\n",
	       end >= deadline ? "yes" : "no");
	waited("FUTEX_WAIT_BITSET real time", end - start, 50 * MS);

	/* In the past, and valid: half of the monotonic clock's value (on
	 * Wicket it counts from boot, so "now - 1 s" can be negative). */
	t = ns_ts(mono_ns() / 2);
	r = futex(&word, FUTEX_WAIT_BITSET, 0, &t, NULL, FUTEX_BITSET_MATCH_ANY);
	printf("FUTEX_WAIT_BITSET, deadline in the past: %s\n", res(r));
	t = ns_ts(mono_ns() + 10 * MS);
	r = futex(&word, FUTEX_WAIT_BITSET, 0, &t, NULL, 0);
	printf("FUTEX_WAIT_BITSET with bitset 0: %s\n", res(r));
	r = futex(&word, FUTEX_WAIT_BITSET, 1, &t, NULL, FUTEX_BITSET_MATCH_ANY);
	printf("FUTEX_WAIT_BITSET, value differs: %s\n", res(r));
	r = futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0);
	printf("FUTEX_WAKE_BITSET with bitset 0: %s\n", res(r));
}

/* ---- waiters in other threads ---- */

struct waiter {
	int *word;
	int op;
	unsigned bitset;
	long result;
	int error;
};

static int arrived;

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	errno = 0;
	w->result = futex(w->word, w->op, 0, NULL, NULL, w->bitset);
	w->error = errno;
	return NULL;
}

/* Start n waiters on word; return when they are (as good as) asleep. */
static void start_waiters(pthread_t *t, struct waiter *w, int n, int *word,
			  int op, unsigned bitset)
{
	arrived = 0;
	for (int i = 0; i < n; i++) {
		w[i] = (struct waiter){ word, op, bitset, -2, 0 };
		check0("pthread_create",
		       pthread_create(&t[i], NULL, wait_thread, &w[i]));
	}
	while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < n) {
		struct timespec nap = { 0, 1 * MS };
		nanosleep(&nap, NULL);
	}
	struct timespec nap = { 0, 200 * MS };
	nanosleep(&nap, NULL);
}

/* Join the waiters; say how many returned 0 (woken). */
static int join_waiters(pthread_t *t, struct waiter *w, int n)
{
	int woken = 0;
	for (int i = 0; i < n; i++) {
		check0("pthread_join", pthread_join(t[i], NULL));
		woken += w[i].result == 0;
	}
	return woken;
}

static void with_waiters(void)
{
	static int word, other;
	pthread_t t[4];
	struct waiter w[4];
	long r1, r2, r3;

	/* FUTEX_WAKE returns how many it woke. */
	start_waiters(t, w, 3, &word, FUTEX_WAIT_PRIVATE, 0);
	r1 = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	r2 = futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	r3 = futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	printf("3 waiters: FUTEX_WAKE(1) %ld, FUTEX_WAKE(all) %ld, "
	       "FUTEX_WAKE(all) again %ld\n", r1, r2, r3);
	printf("waiters that returned 0: %d\n", join_waiters(t, w, 3));

	/* The shared (non-private) form. */
	start_waiters(t, w, 2, &word, FUTEX_WAIT, 0);
	r1 = futex(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	printf("2 shared waiters: FUTEX_WAKE(all) %ld, returned 0: %d\n", r1,
	       join_waiters(t, w, 2));

	/* A wake on another word does not wake them. */
	start_waiters(t, w, 2, &word, FUTEX_WAIT_PRIVATE, 0);
	r1 = futex(&other, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	r2 = futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	printf("2 waiters: FUTEX_WAKE on another word %ld, on theirs %ld\n", r1,
	       r2);
	join_waiters(t, w, 2);

	/* FUTEX_WAKE_BITSET wakes only waiters whose bitset intersects. */
	start_waiters(t, w, 1, &word, FUTEX_WAIT_BITSET_PRIVATE, 0x1);
	start_waiters(t + 1, w + 1, 1, &word, FUTEX_WAIT_BITSET_PRIVATE, 0x6);
	r1 = futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x8);
	r2 = futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x4);
	r3 = futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 0x1);
	printf("bitset waiters 0x1 and 0x6: wake 0x8 %ld, wake 0x4 %ld, "
	       "wake 0x1 %ld\n", r1, r2, r3);
	join_waiters(t, w, 2);
	/* A plain FUTEX_WAKE matches any bitset. */
	start_waiters(t, w, 1, &word, FUTEX_WAIT_BITSET_PRIVATE, 0x10);
	r1 = futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	printf("bitset waiter 0x10: FUTEX_WAKE %ld\n", r1);
	join_waiters(t, w, 1);

	/* FUTEX_CMP_REQUEUE checks the value; FUTEX_REQUEUE moves waiters. */
	start_waiters(t, w, 4, &word, FUTEX_WAIT_PRIVATE, 0);
	errno = 0;
	r1 = futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)(long)INT_MAX,
		   &other, 5);
	printf("4 waiters: FUTEX_CMP_REQUEUE expecting a wrong value: %s\n",
	       res(r1));
	r1 = futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &other, 0);
	printf("FUTEX_CMP_REQUEUE wake 1, move 1: %s\n", res(r1));
	r1 = futex(&word, FUTEX_REQUEUE_PRIVATE, 0, (void *)(long)INT_MAX,
		   &other, 0);
	printf("FUTEX_REQUEUE wake 0, move all: %s\n", res(r1));
	r2 = futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	r3 = futex(&other, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
	printf("then FUTEX_WAKE: on the first word %ld, on the second %ld\n",
	       r2, r3);
	printf("waiters that returned 0: %d\n", join_waiters(t, w, 4));
}

/* ---- the order of wakes: each woken waiter writes its letter ---- */

struct lettered {
	int *word;
	char letter;
};

static char wake_log[8];
static int woken_count;

static void *lettered_thread(void *arg)
{
	struct lettered *l = arg;

	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	futex(l->word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	wake_log[__atomic_fetch_add(&woken_count, 1, __ATOMIC_SEQ_CST)] =
		l->letter;
	return NULL;
}

/* Wakes one waiter on word and waits until it wrote its letter. */
static void wake_one(int *word)
{
	int before = __atomic_load_n(&woken_count, __ATOMIC_SEQ_CST);

	if (futex(word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) != 1)
		printf("FUTEX_WAKE woke none\n");
	while (__atomic_load_n(&woken_count, __ATOMIC_SEQ_CST) == before) {
		struct timespec nap = { 0, 1 * MS };
		nanosleep(&nap, NULL);
	}
}

static int compare_chars(const void *a, const void *b)
{
	return *(const char *)a - *(const char *)b;
}

/* Waiters on words of their own wake as their words are woken; waiters
 * requeued onto a word wake after the ones already there, as Linux
 * appends them to the new word's queue (when the words' buckets differ). */
static void wake_order(void)
{
	static int first, second, words[3];
	struct lettered l[6] = { { &first, 'A' }, { &first, 'B' },
				 { &second, 'C' }, { &words[0], 'D' },
				 { &words[1], 'E' }, { &words[2], 'F' } };
	pthread_t t[6];

	for (int i = 0; i < 6; i++) {
		arrived = 0;
		check0("pthread_create",
		       pthread_create(&t[i], NULL, lettered_thread, &l[i]));
		while (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < 1) {
			struct timespec nap = { 0, 1 * MS };
			nanosleep(&nap, NULL);
		}
		struct timespec nap = { 0, 200 * MS };
		nanosleep(&nap, NULL);
	}
	wake_one(&words[2]);
	wake_one(&words[0]);
	wake_one(&words[1]);
	printf("F, D, E woken on their own words: %.3s\n", wake_log);
	long moved = futex(&first, FUTEX_REQUEUE_PRIVATE, 0,
			   (void *)(long)INT_MAX, &second, 0);

	for (int i = 0; i < 3; i++)
		wake_one(&second);
	char woken[4] = { 0 };
	memcpy(woken, wake_log + 3, 3);
	qsort(woken, 3, 1, compare_chars);
	printf("A, B requeued onto C's word (%ld moved), woken one at a time: "
	       "%s\n", moved, woken);
	/* Linux appends a requeued waiter to the new word's queue only when
	 * the two words hash to different buckets; in one bucket it keeps its
	 * place, so the host prints CAB or ABC. tests/sched checks that
	 * Wicket prints CAB. */
	printf("VARIES the order of those wakes: %.3s\n", wake_log + 3);
	for (int i = 0; i < 6; i++)
		check0("pthread_join", pthread_join(t[i], NULL));
}

int main(void)
{
	single_thread();
	with_waiters();
	wake_order();
	return 0;
}
