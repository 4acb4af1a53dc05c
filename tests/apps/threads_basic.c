/*
 * Differential test: thread basics. pthread_create and pthread_join with
 * return values (return and pthread_exit), detached threads (pthread_detach
 * and the detached attribute) that report through a semaphore and a
 * condition variable, pthread_self and pthread_equal, distinct thread ids,
 * a caller-provided stack, errno per thread, memory shared between threads,
 * and how the process ends while threads are still alive.
 *
 * argv[1] chooses the ending:
 *   (none)            main returns while one thread sleeps in sem_wait and
 *                     another spins: exit_group ends both (status 0)
 *   main-exit         the main thread calls pthread_exit; the process lives
 *                     on until the last thread returns (status 0)
 *   exit-from-thread  a thread calls exit(3) while main waits in
 *                     pthread_join; the atexit handler runs (status 3)
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "threads_util.h"

#define NTHREADS 8

/* ---- create, join, return values ---- */

static void *add_one(void *arg)
{
	return (void *)((intptr_t)arg + 1);
}

static void *exit_with(void *arg)
{
	pthread_exit((void *)((intptr_t)arg * 3));
	return NULL;        /* not reached */
}

static void test_join_values(void)
{
	pthread_t t[NTHREADS];
	int good = 1;

	for (intptr_t i = 0; i < NTHREADS; i++)
		check0("pthread_create",
		       pthread_create(&t[i], NULL, add_one, (void *)(i * 100)));
	for (intptr_t i = 0; i < NTHREADS; i++) {
		void *ret = NULL;
		check0("pthread_join", pthread_join(t[i], &ret));
		good &= (intptr_t)ret == i * 100 + 1;
	}
	printf("%d threads returned arg + 1: %s\n", NTHREADS, good ? "yes" : "no");

	good = 1;
	for (intptr_t i = 0; i < NTHREADS; i++)
		check0("pthread_create",
		       pthread_create(&t[i], NULL, exit_with, (void *)(i + 7)));
	for (intptr_t i = NTHREADS - 1; i >= 0; i--) {  /* in reverse order */
		void *ret = NULL;
		check0("pthread_join", pthread_join(t[i], &ret));
		good &= (intptr_t)ret == (i + 7) * 3;
	}
	printf("pthread_exit values joined in reverse order: %s\n",
	       good ? "yes" : "no");

	/* Joining a thread that has long finished. */
	pthread_t late;
	void *ret = NULL;
	check0("pthread_create", pthread_create(&late, NULL, add_one, (void *)41));
	struct timespec nap = { 0, 30 * MS };
	nanosleep(&nap, NULL);
	check0("pthread_join", pthread_join(late, &ret));
	printf("join after the thread finished: %ld\n", (long)(intptr_t)ret);
}

/* ---- detached threads ---- */

static sem_t detached_done;
static pthread_mutex_t detached_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t detached_cond = PTHREAD_COND_INITIALIZER;
static int detached_finished;
static int detached_sum;

static void *detached_sem(void *arg)
{
	__atomic_fetch_add(&detached_sum, (int)(intptr_t)arg, __ATOMIC_SEQ_CST);
	sem_post(&detached_done);
	return NULL;
}

static void *detached_cv(void *arg)
{
	pthread_mutex_lock(&detached_lock);
	detached_sum += (int)(intptr_t)arg;
	detached_finished++;
	pthread_cond_signal(&detached_cond);
	pthread_mutex_unlock(&detached_lock);
	return NULL;
}

static void test_detached(void)
{
	pthread_t t;
	pthread_attr_t attr;
	int state = -1;

	check0("sem_init", sem_init(&detached_done, 0, 0) ? errno : 0);
	for (intptr_t i = 1; i <= 4; i++) {
		check0("pthread_create",
		       pthread_create(&t, NULL, detached_sem, (void *)i));
		check0("pthread_detach", pthread_detach(t));
	}
	for (int i = 0; i < 4; i++)
		while (sem_wait(&detached_done) != 0 && errno == EINTR)
			;
	printf("4 threads detached by pthread_detach posted, sum %d\n",
	       __atomic_load_n(&detached_sum, __ATOMIC_SEQ_CST));

	check0("pthread_attr_init", pthread_attr_init(&attr));
	check0("pthread_attr_setdetachstate",
	       pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED));
	pthread_attr_getdetachstate(&attr, &state);
	yesno("attribute says detached", state == PTHREAD_CREATE_DETACHED);
	detached_sum = 0;
	for (intptr_t i = 1; i <= 5; i++)
		check0("pthread_create",
		       pthread_create(&t, &attr, detached_cv, (void *)(i * 10)));
	pthread_attr_destroy(&attr);
	pthread_mutex_lock(&detached_lock);
	while (detached_finished < 5)
		pthread_cond_wait(&detached_cond, &detached_lock);
	printf("5 threads created detached signalled, sum %d\n", detached_sum);
	pthread_mutex_unlock(&detached_lock);
}

/* ---- identity: pthread_self, pthread_equal, gettid ---- */

struct identity {
	pthread_t self;
	pid_t tid;
	pid_t pid;
	sem_t ready;        /* posted when the fields are filled */
	sem_t leave;        /* the thread waits here, so all are alive at once */
};

static void *who_am_i(void *arg)
{
	struct identity *id = arg;
	id->self = pthread_self();
	id->tid = gettid_();
	id->pid = getpid();
	sem_post(&id->ready);
	while (sem_wait(&id->leave) != 0)
		;
	return NULL;
}

static void test_identity(void)
{
	static struct identity id[NTHREADS];
	pthread_t t[NTHREADS];
	pid_t main_tid = gettid_();
	pthread_t main_self = pthread_self();

	yesno("main thread: gettid equals getpid", main_tid == getpid());
	yesno("main thread: pthread_equal(self, self)",
	      pthread_equal(main_self, pthread_self()) != 0);
	for (int i = 0; i < NTHREADS; i++) {
		sem_init(&id[i].ready, 0, 0);
		sem_init(&id[i].leave, 0, 0);
		check0("pthread_create",
		       pthread_create(&t[i], NULL, who_am_i, &id[i]));
	}
	for (int i = 0; i < NTHREADS; i++)
		while (sem_wait(&id[i].ready) != 0)
			;
	int self_matches = 1, not_main = 1, distinct = 1, same_pid = 1;
	int tids_distinct = 1, tid_not_main = 1;
	for (int i = 0; i < NTHREADS; i++) {
		self_matches &= pthread_equal(id[i].self, t[i]) != 0;
		not_main &= pthread_equal(id[i].self, main_self) == 0;
		same_pid &= id[i].pid == getpid();
		tid_not_main &= id[i].tid != main_tid && id[i].tid > 0;
		for (int j = 0; j < i; j++) {
			distinct &= pthread_equal(id[i].self, id[j].self) == 0;
			tids_distinct &= id[i].tid != id[j].tid;
		}
	}
	yesno("pthread_self in each thread equals what pthread_create gave",
	      self_matches);
	yesno("no thread's pthread_self equals main's", not_main);
	yesno("pthread_self values are distinct", distinct);
	yesno("every thread sees the process's pid", same_pid);
	yesno("thread ids are positive and differ from main's", tid_not_main);
	yesno("thread ids of live threads are distinct", tids_distinct);
	for (int i = 0; i < NTHREADS; i++) {
		sem_post(&id[i].leave);
		check0("pthread_join", pthread_join(t[i], NULL));
	}
}

/* ---- a caller-provided stack, errno, shared memory ---- */

static void *on_my_stack(void *arg)
{
	char local;
	char *base = arg;
	int inside = &local > base && &local < base + 65536;
	return (void *)(intptr_t)inside;
}

static void *errno_thread(void *arg)
{
	(void)arg;
	int before = errno;
	errno = 4242;
	struct timespec nap = { 0, 5 * MS };
	nanosleep(&nap, NULL);
	return (void *)(intptr_t)(before == 0 && errno == 4242);
}

static void *write_through(void *arg)
{
	int *cells = arg;
	for (int i = 0; i < 100; i++)
		cells[i] += i;
	return NULL;
}

static void test_misc(void)
{
	pthread_t t;
	pthread_attr_t attr;
	void *ret = NULL;
	void *stack = aligned_alloc(4096, 65536);

	check0("aligned_alloc", stack ? 0 : ENOMEM);
	check0("pthread_attr_init", pthread_attr_init(&attr));
	check0("pthread_attr_setstack", pthread_attr_setstack(&attr, stack, 65536));
	check0("pthread_create", pthread_create(&t, &attr, on_my_stack, stack));
	check0("pthread_join", pthread_join(t, &ret));
	pthread_attr_destroy(&attr);
	yesno("a thread runs on the stack the caller gave", ret != NULL);
	free(stack);

	errno = 0;
	check0("pthread_create", pthread_create(&t, NULL, errno_thread, NULL));
	check0("pthread_join", pthread_join(t, &ret));
	yesno("errno is per thread (the thread's starts at 0 and keeps its own)",
	      ret != NULL);
	yesno("main's errno is untouched", errno == 0);

	int cells[100];
	for (int i = 0; i < 100; i++)
		cells[i] = 1000;
	check0("pthread_create", pthread_create(&t, NULL, write_through, cells));
	check0("pthread_join", pthread_join(t, NULL));
	int good = 1;
	for (int i = 0; i < 100; i++)
		good &= cells[i] == 1000 + i;
	yesno("a thread writes into main's stack through a pointer", good);
}

/* ---- the endings ---- */

static sem_t never;
static volatile int spin_forever = 1;

static void *block_forever(void *arg)
{
	(void)arg;
	for (;;)
		sem_wait(&never);
	return NULL;
}

static void *spin_thread(void *arg)
{
	(void)arg;
	unsigned long n = 0;
	while (spin_forever)
		n++;
	return (void *)n;
}

static void *last_one(void *arg)
{
	pthread_t main_thread = *(pthread_t *)arg;
	/* Joining the main thread after it called pthread_exit is allowed. */
	void *ret = (void *)1;
	int e = pthread_join(main_thread, &ret);
	printf("joined the main thread: %s, its value %ld\n",
	       e == 0 ? "yes" : strerror(e), (long)(intptr_t)ret);
	struct timespec nap = { 0, 50 * MS };
	nanosleep(&nap, NULL);
	printf("last thread: the process is still alive after main exited\n");
	return NULL;    /* the last thread: the process exits with 0 */
}

static void at_exit(void)
{
	printf("atexit handler ran\n");
}

static void *exiter(void *arg)
{
	(void)arg;
	struct timespec nap = { 0, 20 * MS };
	nanosleep(&nap, NULL);
	printf("thread calls exit(3)\n");
	exit(3);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	test_join_values();
	test_detached();
	test_identity();
	test_misc();

	if (!strcmp(mode, "main-exit")) {
		static pthread_t self;
		pthread_t t;
		self = pthread_self();
		check0("pthread_create", pthread_create(&t, NULL, last_one, &self));
		check0("pthread_detach", pthread_detach(t));
		printf("main calls pthread_exit\n");
		pthread_exit((void *)77);
	}
	if (!strcmp(mode, "exit-from-thread")) {
		pthread_t t, blocked;
		atexit(at_exit);
		sem_init(&never, 0, 0);
		check0("pthread_create",
		       pthread_create(&blocked, NULL, block_forever, NULL));
		printf("main joins a thread that never ends\n");
		check0("pthread_create", pthread_create(&t, NULL, exiter, NULL));
		pthread_join(blocked, NULL);
		printf("not reached\n");
		return 1;
	}

	pthread_t a, b;
	sem_init(&never, 0, 0);
	check0("pthread_create", pthread_create(&a, NULL, block_forever, NULL));
	check0("pthread_create", pthread_create(&b, NULL, spin_thread, NULL));
	struct timespec nap = { 0, 20 * MS };
	nanosleep(&nap, NULL);
	printf("main returns with a thread blocked and a thread spinning\n");
	return 0;
}
