/*
 * Differential test: per-thread data and one-time initialisation.
 * pthread_once called by many threads at once (the routine runs once and
 * everyone returns after it finished), thread-specific data (keys, values
 * per thread, destructors at thread exit, several destructor passes), and
 * __thread / _Thread_local variables (initial values from the TLS image,
 * zero-initialised ones, independent modification, distinct addresses).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threads_util.h"

#define NTHREADS 8

static long join_sum(pthread_t *t, int n)
{
	long sum = 0;
	for (int i = 0; i < n; i++) {
		void *ret = NULL;
		check0("pthread_join", pthread_join(t[i], &ret));
		sum += (long)(intptr_t)ret;
	}
	return sum;
}

/* ---- pthread_once ---- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs, once_finished;
static pthread_barrier_t once_gate;

static void once_routine(void)
{
	__atomic_fetch_add(&once_runs, 1, __ATOMIC_SEQ_CST);
	/* Take a while, so that the others arrive and must wait. */
	struct timespec nap = { 0, 30 * MS };
	nanosleep(&nap, NULL);
	__atomic_store_n(&once_finished, 1, __ATOMIC_SEQ_CST);
}

static void *once_caller(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&once_gate);
	check0("pthread_once", pthread_once(&once, once_routine));
	/* 1 when the routine had finished by the time pthread_once returned. */
	return (void *)(intptr_t)__atomic_load_n(&once_finished,
						 __ATOMIC_SEQ_CST);
}

static void test_once(void)
{
	pthread_t t[NTHREADS];

	pthread_barrier_init(&once_gate, NULL, NTHREADS);
	start_all(t, NTHREADS, once_caller);
	long finished = join_sum(t, NTHREADS);
	pthread_barrier_destroy(&once_gate);
	check0("pthread_once", pthread_once(&once, once_routine));
	printf("pthread_once from %d threads: the routine ran %d time(s)\n",
	       NTHREADS, once_runs);
	printf("threads that saw it finished on return: %ld of %d\n", finished,
	       NTHREADS);
}

/* ---- thread-specific data ---- */

static pthread_key_t key, key2;
static int destructor_calls, destructor_sum, destructor2_calls;
static int destructor_wrong;

static void destructor(void *value)
{
	int *v = value;
	__atomic_fetch_add(&destructor_calls, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&destructor_sum, *v, __ATOMIC_SEQ_CST);
	/* The value is already cleared when the destructor runs. */
	if (pthread_getspecific(key) != NULL)
		__atomic_fetch_add(&destructor_wrong, 1, __ATOMIC_SEQ_CST);
	free(v);
}

/* Sets a value again on its first call: the destructors run another pass. */
static void destructor2(void *value)
{
	int n = __atomic_add_fetch(&destructor2_calls, 1, __ATOMIC_SEQ_CST);
	if ((intptr_t)value == 1 && n <= NTHREADS * 2)
		pthread_setspecific(key2, (void *)2);
}

static void *tsd_thread(void *arg)
{
	int me = (int)(intptr_t)arg;
	int good = pthread_getspecific(key) == NULL;    /* starts empty */
	int *v = malloc(sizeof *v);
	*v = me + 1;
	check0("pthread_setspecific", pthread_setspecific(key, v));
	check0("pthread_setspecific", pthread_setspecific(key2, (void *)1));
	sched_yield();
	struct timespec nap = { 0, 2 * MS };
	nanosleep(&nap, NULL);
	good &= pthread_getspecific(key) == v && *v == me + 1;
	return (void *)(intptr_t)good;
}

static void *tsd_null_thread(void *arg)
{
	(void)arg;
	/* A value set back to NULL: no destructor call. */
	int dummy = 0;
	pthread_setspecific(key, &dummy);
	pthread_setspecific(key, NULL);
	return (void *)1;
}

static void test_tsd(void)
{
	pthread_t t[NTHREADS];
	int main_value = 12345;

	check0("pthread_key_create", pthread_key_create(&key, destructor));
	check0("pthread_key_create", pthread_key_create(&key2, destructor2));
	yesno("two keys differ", key != key2);
	pthread_setspecific(key, &main_value);

	start_all(t, NTHREADS, tsd_thread);
	long good = join_sum(t, NTHREADS);
	printf("threads that saw only their own value: %ld of %d\n", good,
	       NTHREADS);
	printf("destructor calls %d, sum of values %d (expected %d), "
	       "value not cleared %d\n", destructor_calls, destructor_sum,
	       NTHREADS * (NTHREADS + 1) / 2, destructor_wrong);
	printf("a destructor that sets a value again is called again: %d calls "
	       "for %d threads\n", destructor2_calls, NTHREADS);
	yesno("main's value is untouched", pthread_getspecific(key) == &main_value);

	destructor_calls = 0;
	start_all(t, 2, tsd_null_thread);
	join_sum(t, 2);
	printf("threads that reset their value to NULL: destructor calls %d\n",
	       destructor_calls);

	check0("pthread_key_delete", pthread_key_delete(key));
	check0("pthread_key_delete", pthread_key_delete(key2));
	/* Many keys: at least _POSIX_THREAD_KEYS_MAX (128). */
	static pthread_key_t many[128];
	int made = 0;
	for (int i = 0; i < 128; i++)
		made += pthread_key_create(&many[i], NULL) == 0;
	printf("keys created: %d of 128\n", made);
	for (int i = 0; i < made; i++)
		pthread_key_delete(many[i]);
}

/* ---- __thread and _Thread_local ---- */

static __thread int tls_int = 42;
static _Thread_local char tls_text[16] = "initial";
static __thread long tls_zero[64];          /* .tbss */
static _Thread_local double tls_double = 2.5;
static __thread struct { int a; short b; char c[5]; } tls_struct =
	{ -7, 300, "abcd" };

static int64_t tls_addresses[NTHREADS + 1];

static void *tls_thread(void *arg)
{
	int me = (int)(intptr_t)arg;
	int good = tls_int == 42 && !strcmp(tls_text, "initial") &&
		   tls_double == 2.5 && tls_struct.a == -7 &&
		   tls_struct.b == 300 && !strcmp(tls_struct.c, "abcd");
	for (int i = 0; i < 64; i++)
		good &= tls_zero[i] == 0;
	tls_addresses[me] = (int64_t)(intptr_t)&tls_int;

	tls_int = 1000 + me;
	snprintf(tls_text, sizeof tls_text, "thread %d", me);
	tls_double = me * 0.5;
	tls_struct.a = me;
	for (int i = 0; i < 64; i++)
		tls_zero[i] = me * 64 + i;

	/* Let the others run and write theirs. */
	for (int round = 0; round < 5; round++) {
		sched_yield();
		struct timespec nap = { 0, 1 * MS };
		nanosleep(&nap, NULL);
	}
	char want[16];
	snprintf(want, sizeof want, "thread %d", me);
	good &= tls_int == 1000 + me && !strcmp(tls_text, want) &&
		tls_double == me * 0.5 && tls_struct.a == me;
	for (int i = 0; i < 64; i++)
		good &= tls_zero[i] == me * 64 + i;
	return (void *)(intptr_t)good;
}

static void test_thread_locals(void)
{
	pthread_t t[NTHREADS];

	tls_int = 7;            /* main's own copy changes first */
	strcpy(tls_text, "main");
	tls_zero[3] = 99;
	start_all(t, NTHREADS, tls_thread);
	long good = join_sum(t, NTHREADS);
	printf("threads that saw the initial values and kept their own: "
	       "%ld of %d\n", good, NTHREADS);
	tls_addresses[NTHREADS] = (int64_t)(intptr_t)&tls_int;
	int distinct = 1;
	for (int i = 0; i <= NTHREADS; i++)
		for (int j = 0; j < i; j++)
			distinct &= tls_addresses[i] != tls_addresses[j];
	yesno("each thread's __thread variable has its own address", distinct);
	yesno("main's values are untouched",
	      tls_int == 7 && !strcmp(tls_text, "main") && tls_zero[3] == 99 &&
	      tls_double == 2.5);
}

int main(void)
{
	test_once();
	test_tsd();
	test_thread_locals();
	return 0;
}
