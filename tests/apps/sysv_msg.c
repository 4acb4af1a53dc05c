/*
 * System V message queues (libos/linux/sysv_msg.c): messages sent and
 * received by type (the first, of a type, not of it, the lowest up to
 * one), truncation, a copy by index, a full queue, waits other threads
 * end, a signal (-EINTR), a queue removed under a waiter (-EIDRM), the
 * queue's state and Linux's errors. Differential; every queue is
 * removed at the end (on the host they would outlive the program).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct message {
	long type;
	char text[64];
};

static int queue;

static long send_text(int id, long type, const char *text, int flags)
{
	struct message m = { .type = type };

	strcpy(m.text, text);
	return msgsnd(id, &m, strlen(text), flags);
}

static void receive(const char *label, long wanted, size_t room, int flags)
{
	struct message m;

	memset(&m, 0, sizeof(m));
	long count = msgrcv(queue, &m, room, wanted, flags);

	if (count < 0)
		show(label, count);
	else
		printf("%s: %ld bytes, type %ld, \"%.*s\"\n", label, count,
		       m.type, (int)count, m.text);
}

static void show_state(const char *label)
{
	struct msqid_ds ds;

	if (msgctl(queue, IPC_STAT, &ds) < 0) {
		show(label, -1);
		return;
	}
	printf("%s: %lu messages, %lu bytes, room %lu, mode %03o\n", label,
	       (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes,
	       (unsigned long)ds.msg_qbytes, (unsigned)ds.msg_perm.mode & 0777);
}

static void pause_ms(int ms)
{
	struct timespec span = { 0, ms * 1000000L };

	nanosleep(&span, NULL);
}

static volatile pid_t receiver_tid;

/* Until thread `tid` sleeps (its /proc stat says S), or two seconds: it
 * is to be waiting in its call first (a queue has no count of them). */
static void until_asleep(volatile pid_t *tid)
{
	char path[64], text[256] = { 0 };

	for (int i = 0; i < 400; i++) {
		int fd = -1;

		if (*tid) {
			snprintf(path, sizeof(path), "/proc/self/task/%d/stat",
				 (int)*tid);
			fd = open(path, O_RDONLY);
		}
		long length = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
		char *state;

		if (fd >= 0)
			close(fd);
		text[length > 0 ? length : 0] = '\0';
		state = strrchr(text, ')');
		if (state && state[1] == ' ' && state[2] == 'S')
			return;
		pause_ms(5);
	}
}

static void *receiver(void *argument)
{
	struct message m;
	long count;

	receiver_tid = (pid_t)syscall(SYS_gettid);
	count = msgrcv(*(int *)argument, &m, sizeof(m.text), 7, 0);
	return (void *)(count < 0 ? -(long)errno : count);
}

static void *sender(void *argument)
{
	(void)argument;
	return (void *)send_text(queue, 1, "waited", 0);
}

static void on_alarm(int signal)
{
	(void)signal;
}

static void types(void)
{
	printf("-- types\n");
	queue = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	show_yes("made", queue >= 0);
	show_state("empty");
	send_text(queue, 3, "three", 0);
	send_text(queue, 1, "one", 0);
	send_text(queue, 2, "two", 0);
	send_text(queue, 1, "one again", 0);
	send_text(queue, 5, "", 0);
	show_state("five sent");
	receive("a copy of the second", 1, 64, MSG_COPY | IPC_NOWAIT);
	receive("a copy past the end", 9, 64, MSG_COPY | IPC_NOWAIT);
	receive("MSG_COPY without IPC_NOWAIT", 1, 64, MSG_COPY);
	receive("the first", 0, 64, 0);
	receive("type 2", 2, 64, 0);
	receive("not type 1", 1, 64, MSG_EXCEPT);
	receive("the lowest up to 4", -4, 64, 0);
	receive("too long for 3 bytes", 1, 3, 0);
	receive("truncated to 3", 1, 3, MSG_NOERROR);
	receive("type 9, IPC_NOWAIT", 9, 64, IPC_NOWAIT);
	show_state("after");
}

static void waits_and_room(void)
{
	pthread_t thread;
	void *result;
	struct msqid_ds ds;
	static char big[8192];

	printf("-- waits\n");
	receiver_tid = 0;
	pthread_create(&thread, NULL, receiver, &queue);
	until_asleep(&receiver_tid);
	send_text(queue, 6, "not for it", 0);
	send_text(queue, 7, "for it", 0);
	pthread_join(thread, &result);
	show("the waiting receiver", (long)result);
	receive("left", 0, 64, 0);

	/* Room: 16,384 bytes of text by default. */
	struct { long type; char text[8192]; } full = { 1, { 0 } };

	show("8192 bytes", msgsnd(queue, &full, sizeof(big), 0));
	show("8192 more", msgsnd(queue, &full, sizeof(big), 0));
	show("one more byte, IPC_NOWAIT", msgsnd(queue, &full, 1, IPC_NOWAIT));
	show("8193 bytes", msgsnd(queue, &full, 8193, IPC_NOWAIT));
	pthread_create(&thread, NULL, sender, NULL);
	pause_ms(50);
	show_state("full, a sender waiting");
	struct { long type; char text[8192]; } out;

	show("take one", msgrcv(queue, &out, sizeof(out.text), 0, 0));
	pthread_join(thread, &result);
	show("the waiting sender", (long)result);
	msgctl(queue, IPC_STAT, &ds);
	ds.msg_qbytes = 100;
	ds.msg_perm.mode = 0640;
	show("IPC_SET", msgctl(queue, IPC_SET, &ds));
	show_state("after");

	struct sigaction action = { .sa_handler = on_alarm,
				    .sa_flags = SA_RESTART };
	struct itimerval once = { { 0, 0 }, { 0, 50000 } };

	sigaction(SIGALRM, &action, NULL);
	setitimer(ITIMER_REAL, &once, NULL);
	receive("a wait a signal ends", 99, 64, 0);

	int other = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	receiver_tid = 0;
	pthread_create(&thread, NULL, receiver, &other);
	until_asleep(&receiver_tid);
	show("IPC_RMID with a waiter", msgctl(other, IPC_RMID, NULL));
	pthread_join(thread, &result);
	printf("the waiter's errno: %s\n", strerror(-(int)(long)result));
}

static void errors(void)
{
	struct message m = { .type = 0 };

	printf("-- errors\n");
	show("type 0", msgsnd(queue, &m, 1, 0));
	m.type = 1;
	show("a negative size", msgsnd(queue, &m, (size_t)-1, 0));
	show("a bad buffer", msgsnd(queue, (void *)8, 1, 0));
	/* A removed queue's id (the host's ids are shared by every program,
	 * so a neighbour's number could be another test's queue). */
	int removed = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	msgctl(removed, IPC_RMID, NULL);
	show("a removed queue's id", msgsnd(removed, &m, 1, 0));
	show("receive a negative size", msgrcv(queue, &m, (size_t)-1, 0, 0));
	show("a bad command", msgctl(queue, 1000, NULL));

	key_t key = (key_t)(0x4d000000 | (getpid() & 0xffffff));
	int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);

	show_yes("made by key", id >= 0);
	show("again, IPC_EXCL", msgget(key, IPC_CREAT | IPC_EXCL | 0600));
	show_yes("found", msgget(key, 0) == id);
	/* A key no test makes. */
	show("another key", msgget((key & 0xffffff) | 0x5e000000, 0));
	show("IPC_RMID", msgctl(id, IPC_RMID, NULL));
	show("its key now", msgget(key, 0));
}

int main(void)
{
	types();
	waits_and_room();
	errors();
	show("IPC_RMID", msgctl(queue, IPC_RMID, NULL));
	show("used after", send_text(queue, 1, "x", 0));
	return 0;
}
