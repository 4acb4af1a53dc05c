/*
 * Differential test: many threads. 1,000 threads in batches of 50 that are
 * all alive at once (they meet at a barrier with main), once with 64 KiB
 * stacks and once with the default stack size; then 1,000 created and
 * joined one after another; then 1,000 detached ones. Each joined thread
 * returns its index and main checks the sum (0 + 1 + ... + 999 = 499500).
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>

#include "threads_util.h"

#define TOTAL 1000
#define BATCH 50

static pthread_barrier_t gate;
static int alive, max_alive, ran;

static void *batch_thread(void *arg)
{
	int now = __atomic_add_fetch(&alive, 1, __ATOMIC_SEQ_CST);
	int m = __atomic_load_n(&max_alive, __ATOMIC_SEQ_CST);
	while (now > m &&
	       !__atomic_compare_exchange_n(&max_alive, &m, now, 0,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	pthread_barrier_wait(&gate);    /* the whole batch is alive here */
	__atomic_fetch_add(&ran, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&alive, 1, __ATOMIC_SEQ_CST);
	return arg;
}

static void batches(const char *what, size_t stack_size)
{
	pthread_attr_t attr, *attrp = NULL;
	pthread_t t[BATCH];
	long sum = 0;
	int64_t start = mono_ns();

	if (stack_size) {
		check0("pthread_attr_init", pthread_attr_init(&attr));
		check0("pthread_attr_setstacksize",
		       pthread_attr_setstacksize(&attr, stack_size));
		attrp = &attr;
	}
	alive = max_alive = ran = 0;
	check0("pthread_barrier_init",
	       pthread_barrier_init(&gate, NULL, BATCH + 1));
	for (int first = 0; first < TOTAL; first += BATCH) {
		for (int i = 0; i < BATCH; i++)
			check0("pthread_create",
			       pthread_create(&t[i], attrp, batch_thread,
					      (void *)(intptr_t)(first + i)));
		pthread_barrier_wait(&gate);
		for (int i = 0; i < BATCH; i++) {
			void *ret = NULL;
			check0("pthread_join", pthread_join(t[i], &ret));
			sum += (long)(intptr_t)ret;
		}
	}
	pthread_barrier_destroy(&gate);
	if (attrp)
		pthread_attr_destroy(attrp);
	printf("%s: %d threads in batches of %d: ran %d, sum %ld, "
	       "most alive at once %d\n", what, TOTAL, BATCH, ran, sum,
	       max_alive);
	printf("VARIES %s: ms: %lld\n", what,
	       (long long)((mono_ns() - start) / MS));
}

static void *index_thread(void *arg)
{
	return arg;
}

static void sequential(const char *what, size_t stack_size)
{
	pthread_attr_t attr, *attrp = NULL;
	long sum = 0;
	int64_t start = mono_ns();

	if (stack_size) {
		check0("pthread_attr_init", pthread_attr_init(&attr));
		check0("pthread_attr_setstacksize",
		       pthread_attr_setstacksize(&attr, stack_size));
		attrp = &attr;
	}
	for (int i = 0; i < TOTAL; i++) {
		pthread_t t;
		void *ret = NULL;
		check0("pthread_create",
		       pthread_create(&t, attrp, index_thread,
				      (void *)(intptr_t)i));
		check0("pthread_join", pthread_join(t, &ret));
		sum += (long)(intptr_t)ret;
	}
	if (attrp)
		pthread_attr_destroy(attrp);
	printf("%s: %d threads one after another: sum %ld\n", what, TOTAL, sum);
	printf("VARIES %s: ms: %lld\n", what,
	       (long long)((mono_ns() - start) / MS));
}

static sem_t detached_done;
static long detached_sum;

static void *detached_thread(void *arg)
{
	__atomic_fetch_add(&detached_sum, (long)(intptr_t)arg, __ATOMIC_SEQ_CST);
	sem_post(&detached_done);
	return NULL;
}

static void detached(void)
{
	pthread_attr_t attr;
	int64_t start = mono_ns();

	check0("pthread_attr_init", pthread_attr_init(&attr));
	check0("pthread_attr_setdetachstate",
	       pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
	check0("pthread_attr_setstacksize",
	       pthread_attr_setstacksize(&attr, 64 * 1024));
	sem_init(&detached_done, 0, 0);
	for (int first = 0; first < TOTAL; first += BATCH) {
		for (int i = 0; i < BATCH; i++) {
			pthread_t t;
			check0("pthread_create",
			       pthread_create(&t, &attr, detached_thread,
					      (void *)(intptr_t)(first + i)));
		}
		for (int i = 0; i < BATCH; i++)
			while (sem_wait(&detached_done) != 0 && errno == EINTR)
				;
	}
	pthread_attr_destroy(&attr);
	printf("detached, 64 KiB stacks: %d threads posted, sum %ld\n", TOTAL,
	       detached_sum);
	printf("VARIES detached: ms: %lld\n",
	       (long long)((mono_ns() - start) / MS));
}

int main(void)
{
	batches("64 KiB stacks", 64 * 1024);
	batches("default stacks", 0);
	sequential("default stacks", 0);
	sequential("64 KiB stacks", 64 * 1024);
	detached();
	return 0;
}
