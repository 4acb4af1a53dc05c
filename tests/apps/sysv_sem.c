/*
 * System V semaphores (libos/linux/sysv_sem.c): values set and read,
 * semops done all at once or not at all, waits for a decrement and for
 * zero that other threads end, a timeout, a signal (-EINTR even under
 * SA_RESTART), a set removed under a waiter (-EIDRM), and Linux's
 * errors. Differential; every set is removed at the end (on the host
 * they would outlive the program).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int set_id;

static long op(int id, unsigned short number, short change, short flags)
{
	struct sembuf one = { number, change, flags };

	return semop(id, &one, 1);
}

static void show_values(const char *label)
{
	unsigned short values[3] = { 9, 9, 9 };
	union semun argument = { .array = values };

	semctl(set_id, 0, GETALL, argument);
	printf("%s: %u %u %u\n", label, values[0], values[1], values[2]);
}

static void *take(void *argument)
{
	/* Blocks until the main thread gives one. */
	(void)argument;
	return (void *)op(set_id, 0, -1, 0);
}

static void *wait_for_zero(void *argument)
{
	(void)argument;
	return (void *)op(set_id, 2, 0, 0);
}

static void *take_from_removed(void *argument)
{
	long status = op(*(int *)argument, 0, -1, 0);

	return (void *)(long)(status < 0 ? errno : 0);
}

static void on_alarm(int signal)
{
	(void)signal;
}

static void pause_ms(int ms)
{
	struct timespec span = { 0, ms * 1000000L };

	nanosleep(&span, NULL);
}

static void values_and_operations(void)
{
	union semun argument;
	struct semid_ds ds;

	printf("-- values\n");
	set_id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	show_yes("made", set_id >= 0);
	argument.buf = &ds;
	show("IPC_STAT", semctl(set_id, 0, IPC_STAT, argument));
	printf("  %lu semaphores, mode %03o\n", (unsigned long)ds.sem_nsems,
	       (unsigned)ds.sem_perm.mode & 0777);
	show_values("at first");
	argument.val = 5;
	show("SETVAL", semctl(set_id, 0, SETVAL, argument));
	show("GETVAL", semctl(set_id, 0, GETVAL));
	unsigned short all[3] = { 1, 2, 3 };

	argument.array = all;
	show("SETALL", semctl(set_id, 0, SETALL, argument));
	show_values("after");
	show_yes("GETPID is ours", semctl(set_id, 1, GETPID) == getpid());

	printf("-- operations\n");
	show("take one", op(set_id, 0, -1, 0));
	show("take another, IPC_NOWAIT", op(set_id, 0, -1, IPC_NOWAIT));

	struct sembuf two[2] = { { 1, -1, 0 }, { 0, -1, IPC_NOWAIT } };

	show("two at once, the second impossible", semop(set_id, two, 2));
	show_values("none done");
	show("wait for zero, IPC_NOWAIT", op(set_id, 1, 0, IPC_NOWAIT));
	show("past 32767", op(set_id, 1, 32767, 0));
	two[0] = (struct sembuf){ 1, -2, 0 };
	two[1] = (struct sembuf){ 1, 0, 0 };
	show("down to 0 then wait for 0", semop(set_id, two, 2));
	show_values("now");
	argument.val = 3;
	semctl(set_id, 1, SETVAL, argument);

	struct timespec short_wait = { 0, 50000000 };
	struct sembuf blocked = { 0, -1, 0 };

	show("semtimedop that times out", semtimedop(set_id, &blocked, 1,
						     &short_wait));
	short_wait.tv_nsec = 2000000000;
	show("semtimedop, a bad timeout", semtimedop(set_id, &blocked, 1,
						     &short_wait));
}

/* Until `count` semops wait on the set's semaphore (GETNCNT, or GETZCNT
 * for zero), or two seconds: another thread is to be waiting first. */
static void until_waiting(int id, int number, int cmd)
{
	for (int i = 0; i < 400 && semctl(id, number, cmd) < 1; i++)
		pause_ms(5);
}

static void waits(void)
{
	pthread_t thread;
	void *result;
	union semun argument;

	printf("-- waits\n");
	pthread_create(&thread, NULL, take, NULL);
	until_waiting(set_id, 0, GETNCNT);
	show("GETNCNT with a taker waiting", semctl(set_id, 0, GETNCNT));
	show("give one", op(set_id, 0, 1, 0));
	pthread_join(thread, &result);
	show("the taker's semop", (long)result);
	show_values("after");

	pthread_create(&thread, NULL, wait_for_zero, NULL);
	until_waiting(set_id, 2, GETZCNT);
	show("GETZCNT with one waiting for zero", semctl(set_id, 2, GETZCNT));
	argument.val = 0;
	semctl(set_id, 2, SETVAL, argument);
	pthread_join(thread, &result);
	show("its semop", (long)result);

	/* A handler (even with SA_RESTART) ends a wait: -EINTR. */
	struct sigaction action = { .sa_handler = on_alarm,
				    .sa_flags = SA_RESTART };
	struct itimerval once = { { 0, 0 }, { 0, 50000 } };

	sigaction(SIGALRM, &action, NULL);
	setitimer(ITIMER_REAL, &once, NULL);
	show("a wait a signal ends", op(set_id, 0, -1, 0));

	/* A set removed under a waiter. */
	int other = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);

	pthread_create(&thread, NULL, take_from_removed, &other);
	until_waiting(other, 0, GETNCNT);
	show("IPC_RMID with a waiter", semctl(other, 0, IPC_RMID));
	pthread_join(thread, &result);
	printf("the waiter's errno: %s\n", strerror((int)(long)result));
}

static void errors(void)
{
	struct sembuf many[501];
	union semun argument;

	printf("-- errors\n");
	memset(many, 0, sizeof(many));
	show("a semaphore past the set", op(set_id, 3, 1, 0));
	show("no operations", semop(set_id, many, 0));
	show("501 operations", semop(set_id, many, 501));
	show("a bad vector", semop(set_id, (struct sembuf *)8, 1));
	/* A removed set's id (the host's ids are shared by every program,
	 * so a neighbour's number could be another test's set). */
	int removed = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);

	semctl(removed, 0, IPC_RMID);
	show("a removed set's id", op(removed, 0, 1, 0));
	argument.val = 40000;
	show("SETVAL 40000", semctl(set_id, 0, SETVAL, argument));
	argument.val = -1;
	show("SETVAL -1", semctl(set_id, 0, SETVAL, argument));
	show("GETVAL past the set", semctl(set_id, 5, GETVAL));
	show("a bad command", semctl(set_id, 0, 1000));
	show("a new set of none", semget(IPC_PRIVATE, 0, IPC_CREAT | 0600));

	key_t key = (key_t)(0x53000000 | (getpid() & 0xffffff));
	int id = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);

	show_yes("made by key", id >= 0);
	show("again, IPC_EXCL", semget(key, 2, IPC_CREAT | IPC_EXCL | 0600));
	show_yes("found", semget(key, 1, 0) == id);
	show("more than it has", semget(key, 3, 0));
	/* A key no test makes. */
	show("another key", semget((key & 0xffffff) | 0x5e000000, 1, 0));
	show("IPC_RMID", semctl(id, 0, IPC_RMID));
	show("its key now", semget(key, 1, 0));
}

int main(void)
{
	values_and_operations();
	waits();
	errors();
	show("IPC_RMID", semctl(set_id, 0, IPC_RMID));
	show("used after", op(set_id, 0, 1, 0));
	return 0;
}
