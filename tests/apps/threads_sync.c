/*
 * Differential test: synchronisation between threads. Mutexes (normal,
 * recursive, error-checking), condition variables (signal, broadcast, a
 * bounded producer/consumer queue), read-write locks (readers together,
 * writers alone), barriers over several rounds, POSIX semaphores and spin
 * locks. Every count printed is fixed by the program, whatever the
 * interleaving; waits that could hang when something is broken give up
 * after a few seconds and say so.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "threads_util.h"

#define WORKERS 4

static void join_all(pthread_t *t, int n)
{
	for (int i = 0; i < n; i++)
		check0("pthread_join", pthread_join(t[i], NULL));
}

/* Spin (yielding) until *word reaches want or 10 s pass; 1 if it did. */
static int wait_until_at_least(int *word, int want)
{
	int64_t give_up = mono_ns() + 10 * SEC;
	while (__atomic_load_n(word, __ATOMIC_SEQ_CST) < want) {
		if (mono_ns() > give_up)
			return 0;
		sched_yield();
	}
	return 1;
}

/* ---- mutexes ---- */

#define MUTEX_ROUNDS 20000
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *mutex_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < MUTEX_ROUNDS; i++) {
		pthread_mutex_lock(&counter_lock);
		long v = counter;       /* a read-modify-write the lock protects */
		if ((i & 255) == 0)
			sched_yield();  /* inside the lock: others must wait */
		counter = v + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static pthread_mutex_t shared_mutex;
static int foreign_result[2];

/* Another thread tries shared_mutex: trylock (undone when it worked),
 * then, when arg is not NULL, an unlock of a mutex it does not hold. */
static void *foreign_ops(void *arg)
{
	pthread_mutex_t *m = &shared_mutex;
	foreign_result[0] = pthread_mutex_trylock(m);
	if (foreign_result[0] == 0)
		pthread_mutex_unlock(m);
	if (arg)
		foreign_result[1] = pthread_mutex_unlock(m);
	return NULL;
}

static void run_foreign_ops(int with_unlock)
{
	pthread_t t;
	check0("pthread_create", pthread_create(&t, NULL, foreign_ops,
						with_unlock ? (void *)1 : NULL));
	check0("pthread_join", pthread_join(t, NULL));
}

#define run_foreign() run_foreign_ops(1)

static void test_mutexes(void)
{
	pthread_t t[WORKERS];
	pthread_mutexattr_t attr;

	counter = 0;
	start_all(t, WORKERS, mutex_worker);
	join_all(t, WORKERS);
	printf("normal mutex: %d threads x %d increments = %ld\n", WORKERS,
	       MUTEX_ROUNDS, counter);
	/* (Unlocking a normal mutex another thread holds is undefined.) */
	check0("pthread_mutex_init", pthread_mutex_init(&shared_mutex, NULL));
	pthread_mutex_lock(&shared_mutex);
	run_foreign_ops(0);
	printf("normal mutex held by main: trylock from a thread gives %s\n",
	       err_name(foreign_result[0]));
	pthread_mutex_unlock(&shared_mutex);
	run_foreign_ops(0);
	printf("normal mutex released: trylock from a thread gives %s\n",
	       err_name(foreign_result[0]));
	pthread_mutex_destroy(&shared_mutex);

	/* Recursive. */
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	check0("pthread_mutex_init", pthread_mutex_init(&shared_mutex, &attr));
	int r1 = pthread_mutex_lock(&shared_mutex);
	int r2 = pthread_mutex_lock(&shared_mutex);
	int r3 = pthread_mutex_trylock(&shared_mutex);
	printf("recursive: lock, lock, trylock by the owner: %s %s %s\n",
	       err_name(r1), err_name(r2), err_name(r3));
	run_foreign();
	printf("recursive held 3 deep: another thread's trylock %s, unlock %s\n",
	       err_name(foreign_result[0]), err_name(foreign_result[1]));
	r1 = pthread_mutex_unlock(&shared_mutex);
	r2 = pthread_mutex_unlock(&shared_mutex);
	run_foreign();
	printf("recursive after 2 unlocks: still held (trylock %s)\n",
	       err_name(foreign_result[0]));
	r3 = pthread_mutex_unlock(&shared_mutex);
	int r4 = pthread_mutex_unlock(&shared_mutex);
	printf("recursive: unlocks %s %s %s, one too many %s\n", err_name(r1),
	       err_name(r2), err_name(r3), err_name(r4));
	run_foreign();
	printf("recursive released: another thread's trylock %s, unlock %s\n",
	       err_name(foreign_result[0]), err_name(foreign_result[1]));
	pthread_mutex_destroy(&shared_mutex);

	/* Error-checking. */
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	check0("pthread_mutex_init", pthread_mutex_init(&shared_mutex, &attr));
	r1 = pthread_mutex_lock(&shared_mutex);
	r2 = pthread_mutex_lock(&shared_mutex);
	printf("errorcheck: lock %s, relock by the owner %s\n", err_name(r1),
	       err_name(r2));
	run_foreign();
	printf("errorcheck held: another thread's trylock %s, unlock %s\n",
	       err_name(foreign_result[0]), err_name(foreign_result[1]));
	r1 = pthread_mutex_unlock(&shared_mutex);
	r2 = pthread_mutex_unlock(&shared_mutex);
	printf("errorcheck: unlock %s, unlock again %s\n", err_name(r1),
	       err_name(r2));
	pthread_mutex_destroy(&shared_mutex);
	pthread_mutexattr_destroy(&attr);
}

/* ---- condition variables ---- */

static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_main = PTHREAD_COND_INITIALIZER;
static int cv_waiting, cv_go, cv_woken;

static void *cv_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cv_lock);
	cv_waiting++;
	pthread_cond_signal(&cv_main);
	while (!cv_go)
		pthread_cond_wait(&cv, &cv_lock);
	cv_go--;    /* each wake-up consumes one "go" */
	cv_woken++;
	pthread_cond_signal(&cv_main);
	pthread_mutex_unlock(&cv_lock);
	return NULL;
}

static void wait_for(int *value, int want)
{
	while (*value < want)
		pthread_cond_wait(&cv_main, &cv_lock);
}

#define CV_WAITERS 6
#define QUEUE_SIZE 8
#define PRODUCERS 3
#define CONSUMERS 3
#define ITEMS_EACH 3000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	int items[QUEUE_SIZE];
	int head, count;
	int producers_left;
	int max_count;
} queue = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	    PTHREAD_COND_INITIALIZER, { 0 }, 0, 0, PRODUCERS, 0 };

static void *producer(void *arg)
{
	int base = (int)(intptr_t)arg * ITEMS_EACH;
	for (int i = 1; i <= ITEMS_EACH; i++) {
		pthread_mutex_lock(&queue.lock);
		while (queue.count == QUEUE_SIZE)
			pthread_cond_wait(&queue.not_full, &queue.lock);
		queue.items[(queue.head + queue.count) % QUEUE_SIZE] = base + i;
		queue.count++;
		if (queue.count > queue.max_count)
			queue.max_count = queue.count;
		pthread_cond_signal(&queue.not_empty);
		pthread_mutex_unlock(&queue.lock);
	}
	pthread_mutex_lock(&queue.lock);
	if (--queue.producers_left == 0)
		pthread_cond_broadcast(&queue.not_empty);
	pthread_mutex_unlock(&queue.lock);
	return NULL;
}

static long long consumed_sum;
static int consumed_count;

static void *consumer(void *arg)
{
	(void)arg;
	long long sum = 0;
	int n = 0;
	for (;;) {
		pthread_mutex_lock(&queue.lock);
		while (queue.count == 0 && queue.producers_left > 0)
			pthread_cond_wait(&queue.not_empty, &queue.lock);
		if (queue.count == 0) {
			pthread_mutex_unlock(&queue.lock);
			break;
		}
		sum += queue.items[queue.head];
		queue.head = (queue.head + 1) % QUEUE_SIZE;
		queue.count--;
		pthread_cond_signal(&queue.not_full);
		pthread_mutex_unlock(&queue.lock);
		n++;
	}
	__atomic_fetch_add(&consumed_sum, sum, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&consumed_count, n, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_condvars(void)
{
	pthread_t t[CV_WAITERS];

	/* Signal: one waiter, one signal. */
	cv_waiting = cv_go = cv_woken = 0;
	start_all(t, 1, cv_waiter);
	pthread_mutex_lock(&cv_lock);
	wait_for(&cv_waiting, 1);
	cv_go = 1;
	pthread_cond_signal(&cv);
	wait_for(&cv_woken, 1);
	pthread_mutex_unlock(&cv_lock);
	join_all(t, 1);
	printf("condvar signal woke the waiter: %d\n", cv_woken);

	/* Signal with several waiters: each signal lets exactly one go. */
	cv_waiting = cv_go = cv_woken = 0;
	start_all(t, CV_WAITERS, cv_waiter);
	pthread_mutex_lock(&cv_lock);
	wait_for(&cv_waiting, CV_WAITERS);
	int one_each = 1;
	for (int i = 1; i <= CV_WAITERS; i++) {
		cv_go++;
		pthread_cond_signal(&cv);
		wait_for(&cv_woken, i);
		one_each &= cv_woken == i;
	}
	pthread_mutex_unlock(&cv_lock);
	join_all(t, CV_WAITERS);
	printf("%d signals, one waiter released by each: %s\n", CV_WAITERS,
	       one_each ? "yes" : "no");

	/* Broadcast: every waiter is asleep in pthread_cond_wait first. */
	cv_waiting = cv_go = cv_woken = 0;
	start_all(t, CV_WAITERS, cv_waiter);
	pthread_mutex_lock(&cv_lock);
	wait_for(&cv_waiting, CV_WAITERS);
	cv_go = CV_WAITERS;
	pthread_cond_broadcast(&cv);
	wait_for(&cv_woken, CV_WAITERS);
	pthread_mutex_unlock(&cv_lock);
	join_all(t, CV_WAITERS);
	printf("condvar broadcast woke all %d waiters: %d\n", CV_WAITERS,
	       cv_woken);

	/* Producers and consumers through a queue of 8. */
	pthread_t p[PRODUCERS], c[CONSUMERS];
	start_all(c, CONSUMERS, consumer);
	start_all(p, PRODUCERS, producer);
	join_all(p, PRODUCERS);
	join_all(c, CONSUMERS);
	long long n = (long long)PRODUCERS * ITEMS_EACH;
	printf("producer/consumer: %d items consumed, sum %lld (expected %lld)\n",
	       consumed_count, consumed_sum, n * (n + 1) / 2);
	yesno("the queue never held more than its size",
	      queue.max_count <= QUEUE_SIZE && queue.max_count >= 1);
	yesno("the queue is empty at the end", queue.count == 0);
}

/* ---- read-write locks ---- */

#define READERS 5
#define WRITERS 2
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_inside, writers_inside, max_readers_inside;
static int rw_violations, readers_met;
static volatile long rw_value;
static long rw_writes;

static void note_max(int *max, int value)
{
	int m = __atomic_load_n(max, __ATOMIC_SEQ_CST);
	while (value > m &&
	       !__atomic_compare_exchange_n(max, &m, value, 0, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST))
		;
}

static void *reader_together(void *arg)
{
	(void)arg;
	pthread_rwlock_rdlock(&rw);
	int inside = __atomic_add_fetch(&readers_inside, 1, __ATOMIC_SEQ_CST);
	note_max(&max_readers_inside, inside);
	/* Hold the read lock until every reader holds it too. */
	if (wait_until_at_least(&max_readers_inside, READERS))
		__atomic_fetch_add(&readers_met, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&readers_inside, 1, __ATOMIC_SEQ_CST);
	pthread_rwlock_unlock(&rw);
	return NULL;
}

static void *rw_reader(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		pthread_rwlock_rdlock(&rw);
		__atomic_add_fetch(&readers_inside, 1, __ATOMIC_SEQ_CST);
		long before = rw_value;
		if (__atomic_load_n(&writers_inside, __ATOMIC_SEQ_CST) != 0)
			__atomic_fetch_add(&rw_violations, 1, __ATOMIC_SEQ_CST);
		if ((i & 63) == 0)
			sched_yield();
		if (rw_value != before)     /* a writer got in meanwhile */
			__atomic_fetch_add(&rw_violations, 1, __ATOMIC_SEQ_CST);
		__atomic_sub_fetch(&readers_inside, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *rw_writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		pthread_rwlock_wrlock(&rw);
		if (__atomic_add_fetch(&writers_inside, 1, __ATOMIC_SEQ_CST) != 1 ||
		    __atomic_load_n(&readers_inside, __ATOMIC_SEQ_CST) != 0)
			__atomic_fetch_add(&rw_violations, 1, __ATOMIC_SEQ_CST);
		long v = rw_value;
		if ((i & 63) == 0)
			sched_yield();
		rw_value = v + 1;
		rw_writes++;
		__atomic_sub_fetch(&writers_inside, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static int rw_try_result[2];

static void *rw_try(void *arg)
{
	(void)arg;
	rw_try_result[0] = pthread_rwlock_tryrdlock(&rw);
	if (rw_try_result[0] == 0)
		pthread_rwlock_unlock(&rw);
	rw_try_result[1] = pthread_rwlock_trywrlock(&rw);
	if (rw_try_result[1] == 0)
		pthread_rwlock_unlock(&rw);
	return NULL;
}

static void test_rwlocks(void)
{
	pthread_t t[READERS + WRITERS];

	start_all(t, READERS, reader_together);
	join_all(t, READERS);
	printf("rwlock: %d readers held the read lock at once: %s\n", READERS,
	       readers_met == READERS && max_readers_inside == READERS ?
	       "yes" : "no");

	start_all(t, READERS, rw_reader);
	start_all(t + READERS, WRITERS, rw_writer);
	join_all(t, READERS + WRITERS);
	printf("rwlock: %d readers and %d writers: value %ld, writes %ld, "
	       "violations %d\n", READERS, WRITERS, rw_value, rw_writes,
	       rw_violations);

	pthread_t probe;
	pthread_rwlock_rdlock(&rw);
	check0("pthread_create", pthread_create(&probe, NULL, rw_try, NULL));
	check0("pthread_join", pthread_join(probe, NULL));
	pthread_rwlock_unlock(&rw);
	printf("rwlock read-held: another thread's tryrdlock %s, trywrlock %s\n",
	       err_name(rw_try_result[0]), err_name(rw_try_result[1]));
	pthread_rwlock_wrlock(&rw);
	check0("pthread_create", pthread_create(&probe, NULL, rw_try, NULL));
	check0("pthread_join", pthread_join(probe, NULL));
	pthread_rwlock_unlock(&rw);
	printf("rwlock write-held: another thread's tryrdlock %s, trywrlock %s\n",
	       err_name(rw_try_result[0]), err_name(rw_try_result[1]));
}

/* ---- barriers ---- */

#define BARRIER_THREADS 5
#define BARRIER_ROUNDS 20
static pthread_barrier_t barrier;
static int slots[BARRIER_THREADS];
static int barrier_serial, barrier_bad;

static void *barrier_worker(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (int round = 1; round <= BARRIER_ROUNDS; round++) {
		__atomic_store_n(&slots[me], round, __ATOMIC_SEQ_CST);
		int r = pthread_barrier_wait(&barrier);
		if (r == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&barrier_serial, 1, __ATOMIC_SEQ_CST);
		else if (r != 0)
			__atomic_fetch_add(&barrier_bad, 1, __ATOMIC_SEQ_CST);
		/* Everyone has written this round and nobody the next. */
		for (int i = 0; i < BARRIER_THREADS; i++)
			if (__atomic_load_n(&slots[i], __ATOMIC_SEQ_CST) != round)
				__atomic_fetch_add(&barrier_bad, 1, __ATOMIC_SEQ_CST);
		r = pthread_barrier_wait(&barrier);
		if (r == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&barrier_serial, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void test_barriers(void)
{
	pthread_t t[BARRIER_THREADS];

	check0("pthread_barrier_init",
	       pthread_barrier_init(&barrier, NULL, BARRIER_THREADS));
	start_all(t, BARRIER_THREADS, barrier_worker);
	join_all(t, BARRIER_THREADS);
	pthread_barrier_destroy(&barrier);
	printf("barrier: %d threads, %d rounds, %d serial returns, %d mistakes\n",
	       BARRIER_THREADS, BARRIER_ROUNDS, barrier_serial, barrier_bad);
}

/* ---- semaphores ---- */

static sem_t sem_items, sem_done;
static int sem_taken;

static void *sem_taker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		while (sem_wait(&sem_items) != 0)
			;
		__atomic_fetch_add(&sem_taken, 1, __ATOMIC_SEQ_CST);
	}
	sem_post(&sem_done);
	return NULL;
}

static void test_semaphores(void)
{
	sem_t s;
	int v = -1;

	check0("sem_init", sem_init(&s, 0, 2) ? errno : 0);
	sem_getvalue(&s, &v);
	printf("sem_init(2): value %d\n", v);
	int a = sem_trywait(&s), b = sem_trywait(&s);
	errno = 0;
	int c = sem_trywait(&s);
	printf("trywait, trywait, trywait: %d %d %d (%s)\n", a, b, c,
	       err_name(errno));
	sem_post(&s);
	sem_post(&s);
	sem_post(&s);
	sem_getvalue(&s, &v);
	printf("after 3 posts: value %d\n", v);
	a = sem_wait(&s);
	sem_getvalue(&s, &v);
	printf("sem_wait: %d, value %d\n", a, v);
	sem_destroy(&s);

	/* Four threads take 200 items that main posts one at a time. */
	pthread_t t[WORKERS];
	sem_init(&sem_items, 0, 0);
	sem_init(&sem_done, 0, 0);
	start_all(t, WORKERS, sem_taker);
	for (int i = 0; i < WORKERS * 50; i++) {
		sem_post(&sem_items);
		if ((i & 15) == 0)
			sched_yield();
	}
	for (int i = 0; i < WORKERS; i++)
		while (sem_wait(&sem_done) != 0)
			;
	join_all(t, WORKERS);
	sem_getvalue(&sem_items, &v);
	printf("semaphore: %d threads took %d posts, value left %d\n", WORKERS,
	       sem_taken, v);
}

/* ---- spin locks ---- */

#define SPIN_ROUNDS 20000
static pthread_spinlock_t spin;
static long spin_counter;

static void *spin_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < SPIN_ROUNDS; i++) {
		pthread_spin_lock(&spin);
		long v = spin_counter;
		__asm__ volatile("" ::: "memory");
		spin_counter = v + 1;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

static int spin_try_result;

static void *spin_try(void *arg)
{
	(void)arg;
	spin_try_result = pthread_spin_trylock(&spin);
	return NULL;
}

static void test_spinlocks(void)
{
	pthread_t t[WORKERS];

	check0("pthread_spin_init",
	       pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE));
	start_all(t, WORKERS, spin_worker);
	join_all(t, WORKERS);
	printf("spinlock: %d threads x %d increments = %ld\n", WORKERS,
	       SPIN_ROUNDS, spin_counter);
	pthread_spin_lock(&spin);
	start_all(t, 1, spin_try);
	join_all(t, 1);
	pthread_spin_unlock(&spin);
	printf("spinlock held: another thread's trylock %s\n",
	       err_name(spin_try_result));
	pthread_spin_destroy(&spin);
}

int main(void)
{
	int64_t start = mono_ns();

	test_mutexes();
	test_condvars();
	test_rwlocks();
	test_barriers();
	test_semaphores();
	test_spinlocks();
	printf("VARIES total ms: %lld\n", (long long)((mono_ns() - start) / MS));
	return 0;
}
