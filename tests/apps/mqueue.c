/*
 * POSIX message queues (differential): mq_open's names, flags and
 * attributes and their errors, RLIMIT_MSGQUEUE's charge, priorities,
 * sizes, full and empty queues with and without waiting, timeouts,
 * access modes, mq_setattr, the status line a read gives, poll and
 * epoll, unlinking, /proc/self/fd's name, and mq_notify (a signal, the
 * C library's SIGEV_THREAD through netlink, a waiting receiver that
 * takes the notice's place, a close that removes it). CAP_SYS_RESOURCE
 * is dropped first, so that the default limits hold on both sides.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

#define CAP_SYS_RESOURCE 24

static void drop_sys_resource(void)
{
	struct { uint32_t version; int pid; } header = { 0x20080522, 0 };
	struct { uint32_t effective, permitted, inheritable; } data[2];

	syscall(SYS_capget, &header, data);
	data[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
	show("capset", syscall(SYS_capset, &header, data));
}

static struct mq_attr attributes(long messages, long size)
{
	return (struct mq_attr){ .mq_maxmsg = messages, .mq_msgsize = size };
}

static void show_attr(const char *label, mqd_t queue)
{
	struct mq_attr now;

	if (show(label, mq_getattr(queue, &now)) == 0)
		printf(" flags %#lx max %ld size %ld now %ld\n",
		       (long)now.mq_flags, (long)now.mq_maxmsg,
		       (long)now.mq_msgsize, (long)now.mq_curmsgs);
}

static void show_status(const char *label, mqd_t queue)
{
	char text[128] = "";
	long got = pread(queue, text, sizeof(text) - 1, 0);

	if (got < 0) {
		show(label, -1);
		return;
	}
	lseek(queue, 0, SEEK_SET);
	got = read(queue, text, sizeof(text) - 1);
	text[got > 0 ? got : 0] = '\0';
	/* NOTIFY_PID is the process's own: the host's number differs. */
	char *pid = strstr(text, "NOTIFY_PID:");
	if (pid && atoi(pid + 11) == getpid())
		strcpy(pid + 11, "self\n");
	printf("%s: %s", label, text);
	show(" read again", read(queue, text, sizeof(text)));
}

static void names(void)
{
	char name[300];

	errno = 0;
	show("open, no such queue", mq_open("/nope", O_RDWR));
	show("raw, a slash", syscall(SYS_mq_open, "a/b", O_CREAT | O_RDWR,
				     0600, NULL));
	show("raw, empty", syscall(SYS_mq_open, "", O_CREAT | O_RDWR, 0600,
				   NULL));
	show("raw, dot", syscall(SYS_mq_open, ".", O_CREAT | O_RDWR, 0600,
				 NULL));
	show("raw, dot dot", syscall(SYS_mq_open, "..", O_CREAT | O_RDWR,
				     0600, NULL));
	show("raw, bad pointer", syscall(SYS_mq_open, 16, O_RDWR, 0, NULL));
	memset(name, 'n', sizeof(name));
	name[256] = '\0';
	show("raw, 256 bytes", syscall(SYS_mq_open, name, O_CREAT | O_RDWR,
				       0600, NULL));
	name[255] = '\0';
	long fd = show("raw, 255 bytes",
		       syscall(SYS_mq_open, name, O_CREAT | O_RDWR, 0600,
			       NULL) >= 0 ? 0 : -1);
	(void)fd;
	show("raw unlink, 255 bytes", syscall(SYS_mq_unlink, name));
	show("unlink, no such queue", mq_unlink("/nope"));
}

static void attribute_checks(void)
{
	struct mq_attr bad[] = { attributes(0, 16), attributes(4, 0),
				 attributes(11, 16), attributes(4, 8193),
				 attributes(-1, 16) };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		printf("attributes %ld x %ld: ", (long)bad[i].mq_maxmsg,
		       (long)bad[i].mq_msgsize);
		show("", mq_open("/attr", O_CREAT | O_RDWR, 0600, &bad[i]));
	}
	struct mq_attr fine = attributes(4, 64);
	mqd_t queue = mq_open("/attr", O_CREAT | O_EXCL | O_RDWR, 0640, &fine);

	show_yes("made 4 x 64", queue >= 0);
	show_attr("its attributes", queue);
	show("again, O_EXCL", mq_open("/attr", O_CREAT | O_EXCL | O_RDWR, 0600,
				      &fine));
	mqd_t again = mq_open("/attr", O_CREAT | O_RDWR, 0600, &bad[0]);

	show_yes("again, bad attributes ignored", again >= 0);
	show_attr("the same queue", again);
	show("bad attributes pointer",
	     mq_open("/attr2", O_CREAT | O_RDWR, 0600, (void *)16));
	close(again);
	close(queue);
	mq_unlink("/attr");

	/* 9 default queues fit RLIMIT_MSGQUEUE's 819,200 bytes. */
	mqd_t many[16];
	int made = 0;
	char name[32];

	for (; made < 16; made++) {
		snprintf(name, sizeof(name), "/many%d", made);
		many[made] = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
		if (many[made] < 0)
			break;
	}
	printf("default queues made: %d\n", made);
	show("the next", -1);
	for (int i = 0; i < made; i++) {
		snprintf(name, sizeof(name), "/many%d", i);
		mq_unlink(name);
		close(many[i]);
	}
	show_yes("room again", (many[0] = mq_open("/many0", O_CREAT | O_RDWR,
						  0600, NULL)) >= 0);
	close(many[0]);
	mq_unlink("/many0");
}

static void messages(void)
{
	struct mq_attr fine = attributes(4, 64);
	mqd_t queue = mq_open("/m", O_CREAT | O_RDWR | O_NONBLOCK, 0600, &fine);
	char buffer[128];
	unsigned priority;
	static const struct { const char *text; unsigned priority; } sent[] = {
		{ "one", 1 }, { "five-a", 5 }, { "three", 3 }, { "five-b", 5 },
	};

	show_status("status, empty", queue);
	for (unsigned i = 0; i < 4; i++)
		show("send", mq_send(queue, sent[i].text,
				     strlen(sent[i].text), sent[i].priority));
	show_attr("four in it", queue);
	show_status("status, four", queue);
	show("send to a full queue, O_NONBLOCK", mq_send(queue, "x", 1, 0));
	struct timespec past = { 1, 0 };
	struct pollfd ready = { queue, POLLIN | POLLOUT, 0 };

	show("poll, full", poll(&ready, 1, 0));
	printf(" revents %#x\n", ready.revents);
	mq_setattr(queue, &(struct mq_attr){ .mq_flags = 0 }, NULL);
	show_attr("blocking now", queue);
	show("timed send, full, a moment past",
	     mq_timedsend(queue, "x", 1, 0, &past));
	show("receive into 63 bytes", mq_receive(queue, buffer, 63, NULL));
	for (unsigned i = 0; i < 4; i++) {
		long got = mq_receive(queue, buffer, sizeof(buffer), &priority);

		show("receive", got);
		if (got >= 0)
			printf(" %.*s priority %u\n", (int)got, buffer, priority);
	}
	show("timed receive, empty, a moment past",
	     mq_timedreceive(queue, buffer, sizeof(buffer), NULL, &past));
	struct timespec soon;

	clock_gettime(CLOCK_REALTIME, &soon);
	soon.tv_nsec += 50000000;
	if (soon.tv_nsec >= 1000000000) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000;
	}
	show("timed receive, empty, 50 ms",
	     mq_timedreceive(queue, buffer, sizeof(buffer), NULL, &soon));
	struct timespec bad = { 0, 1000000000 };

	mq_send(queue, "y", 1, 0);
	show("timed receive, bad timeout, a message there",
	     mq_timedreceive(queue, buffer, sizeof(buffer), NULL, &bad));
	show("send, 65 bytes", mq_send(queue, buffer, 65, 0));
	show("send, 64 bytes", mq_send(queue, buffer, 64, 0));
	show("send, priority 32768", mq_send(queue, "p", 1, 32768));
	show("send, priority 32767", mq_send(queue, "p", 1, 32767));
	show("send, 0 bytes", mq_send(queue, "", 0, 7));
	show("send, bad buffer", mq_send(queue, (void *)16, 4, 0));
	show("receive, bad buffer", mq_receive(queue, (void *)16, 64, NULL));
	show_attr("after it", queue);
	show("receive, bad priority pointer",
	     mq_receive(queue, buffer, sizeof(buffer), (unsigned *)16));
	show_attr("after that", queue);
	mq_setattr(queue, &(struct mq_attr){ .mq_flags = O_NONBLOCK }, NULL);
	while (mq_receive(queue, buffer, sizeof(buffer), &priority) >= 0)
		printf(" drained priority %u\n", priority);
	show("setattr, bad flags",
	     mq_setattr(queue, &(struct mq_attr){ .mq_flags = O_APPEND }, NULL));
	show("write", write(queue, "w", 1));
	close(queue);

	mqd_t reader = mq_open("/m", O_RDONLY), writer = mq_open("/m", O_WRONLY);

	show("send on a reader", mq_send(reader, "r", 1, 0));
	show("send on a writer", mq_send(writer, "r", 1, 0));
	show("receive on a writer",
	     mq_receive(writer, buffer, sizeof(buffer), NULL));
	show("receive on a reader",
	     mq_receive(reader, buffer, sizeof(buffer), NULL));
	int pipes[2];

	pipe(pipes);
	show("send on a pipe", mq_send(pipes[1], "r", 1, 0));
	show("getattr on a pipe", mq_getattr(pipes[0], &fine));
	show("notify on a pipe", mq_notify(pipes[0], NULL));
	char link[64] = "", path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", reader);
	readlink(path, link, sizeof(link) - 1);
	printf("its /proc/self/fd name: %s\n", link);

	show("unlink", mq_unlink("/m"));
	show("unlink again", mq_unlink("/m"));
	show("open by its name", mq_open("/m", O_RDWR));
	show("send after the unlink", mq_send(writer, "u", 1, 2));
	show("receive after the unlink",
	     mq_receive(reader, buffer, sizeof(buffer), NULL));
	mqd_t other = mq_open("/m", O_CREAT | O_RDWR | O_NONBLOCK, 0600, NULL);

	show("another queue of the name: empty",
	     mq_receive(other, buffer, 8192, NULL));
	close(other);
	mq_unlink("/m");
	close(reader);
	close(writer);
	close(pipes[0]);
	close(pipes[1]);
}

static volatile int notices, notice_code, notice_value, notice_from_self;

static void noticed(int signal, siginfo_t *info, void *context)
{
	(void)signal;
	(void)context;
	notices++;
	notice_code = info->si_code;
	notice_value = info->si_value.sival_int;
	notice_from_self = info->si_pid == getpid();
}

static volatile int thread_notices, thread_value;

static void thread_noticed(union sigval value)
{
	thread_value = value.sival_int;
	__atomic_add_fetch(&thread_notices, 1, __ATOMIC_SEQ_CST);
}

static mqd_t waiting_queue;

static void *receiver(void *arg)
{
	char buffer[8192];

	(void)arg;
	return (void *)(intptr_t)mq_receive(waiting_queue, buffer,
					    sizeof(buffer), NULL);
}

static void *sender(void *arg)
{
	(void)arg;
	usleep(50000);
	return (void *)(intptr_t)mq_send(waiting_queue, "late", 4, 1);
}

static void notification(void)
{
	struct sigaction action = { .sa_sigaction = noticed,
				    .sa_flags = SA_SIGINFO };
	struct sigevent event = { .sigev_notify = SIGEV_SIGNAL,
				  .sigev_signo = SIGUSR1,
				  .sigev_value.sival_int = 42 };
	mqd_t queue = mq_open("/n", O_CREAT | O_RDWR | O_NONBLOCK, 0600, NULL);
	char buffer[8192];

	sigaction(SIGUSR1, &action, NULL);
	show("notify", mq_notify(queue, &event));
	show("notify again", mq_notify(queue, &event));
	show_status("status, registered", queue);
	mq_send(queue, "a", 1, 0);
	printf("notices %d code %d value %d from itself %d\n", notices,
	       notice_code, notice_value, notice_from_self);
	show_status("status, after the notice", queue);
	show("notify, once more", mq_notify(queue, &event));
	mq_send(queue, "b", 1, 0);
	printf("a second message, not to an empty queue: notices %d\n",
	       notices);
	while (mq_receive(queue, buffer, sizeof(buffer), NULL) >= 0)
		;
	mq_send(queue, "c", 1, 0);
	printf("then to the empty queue: notices %d\n", notices);
	mq_receive(queue, buffer, sizeof(buffer), NULL);
	show("notify, SIGEV_NONE",
	     mq_notify(queue, &(struct sigevent){ .sigev_notify = SIGEV_NONE }));
	show_status("status, SIGEV_NONE", queue);
	mq_send(queue, "d", 1, 0);
	show_status("status, it went", queue);
	mq_receive(queue, buffer, sizeof(buffer), NULL);
	show("notify, bad signal",
	     mq_notify(queue, &(struct sigevent){ .sigev_notify = SIGEV_SIGNAL,
						  .sigev_signo = 65 }));
	show("notify, bad kind",
	     mq_notify(queue, &(struct sigevent){ .sigev_notify = 7 }));
	show("notify, bad pointer", syscall(SYS_mq_notify, queue, 16));
	show("notify", mq_notify(queue, &event));
	show("unregister", mq_notify(queue, NULL));
	show("unregister again", mq_notify(queue, NULL));
	mq_send(queue, "e", 1, 0);
	printf("unregistered: notices %d\n", notices);
	mq_receive(queue, buffer, sizeof(buffer), NULL);

	/* A close of any of its descriptors removes it. */
	show("notify", mq_notify(queue, &event));
	close(dup(queue));
	show_status("status, after a close", queue);

	/* A receive waiting takes the message; no notice. */
	mq_setattr(queue, &(struct mq_attr){ .mq_flags = 0 }, NULL);
	waiting_queue = queue;
	pthread_t thread;
	void *result;

	pthread_create(&thread, NULL, receiver, NULL);
	usleep(300000); /* time for it to wait, on a loaded host too */
	show("notify, a receiver waiting", mq_notify(queue, &event));
	mq_send(queue, "f", 1, 0);
	pthread_join(thread, &result);
	printf("the receiver took %ld; notices %d\n", (long)(intptr_t)result,
	       notices);
	mq_notify(queue, NULL);

	/* A receive waits for a later send, a send for a later receive. */
	pthread_create(&thread, NULL, sender, NULL);
	long got = mq_receive(queue, buffer, sizeof(buffer), NULL);

	pthread_join(thread, &result);
	printf("waited for a send: %ld, the sender %ld\n", got,
	       (long)(intptr_t)result);

	/* SIGEV_THREAD: the C library's thread hears of it. */
	struct sigevent threaded = { .sigev_notify = SIGEV_THREAD,
				     .sigev_notify_function = thread_noticed,
				     .sigev_value.sival_int = 7 };

	show("notify, SIGEV_THREAD", mq_notify(queue, &threaded));
	mq_send(queue, "g", 1, 0);
	for (int i = 0; i < 200 && !thread_notices; i++)
		usleep(10000);
	printf("thread notices %d value %d\n", thread_notices, thread_value);
	close(queue);
	mq_unlink("/n");
}

static void polling(void)
{
	struct mq_attr fine = attributes(2, 16);
	mqd_t queue = mq_open("/p", O_CREAT | O_RDWR | O_NONBLOCK, 0600, &fine);
	int epoll = epoll_create1(0);
	struct epoll_event event = { .events = EPOLLIN | EPOLLOUT,
				     .data.u64 = 9 }, got[2];

	show("epoll_ctl", epoll_ctl(epoll, EPOLL_CTL_ADD, queue, &event));
	show("epoll, empty", epoll_wait(epoll, got, 2, 0));
	printf(" events %#x\n", got[0].events);
	mq_send(queue, "a", 1, 0);
	mq_send(queue, "b", 1, 0);
	show("epoll, full", epoll_wait(epoll, got, 2, 0));
	printf(" events %#x\n", got[0].events);
	event.events = EPOLLIN | EPOLLET;
	epoll_ctl(epoll, EPOLL_CTL_MOD, queue, &event);
	show("epoll, edge", epoll_wait(epoll, got, 2, 0));
	show("epoll, edge, nothing new", epoll_wait(epoll, got, 2, 0));
	close(epoll);
	close(queue);
	mq_unlink("/p");
}

/* On the host, queues and their charge are the user's, shared with the
 * other variants of this test that run at the same time: one run at a
 * time holds this lock. (Under Wicket nothing else shares them.) */
static void one_run_at_a_time(void)
{
	int lock = open("/tmp/wicket-app-mqueue.lock",
			O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (lock >= 0)
		flock(lock, LOCK_EX);
}

/* What an earlier run that died may have left: the queues of its names
 * (a queue lasts until it is unlinked, and is charged till then). */
static void leftovers(void)
{
	static const char *const names[] = { "/n", "/m", "/p", "/attr",
					     "/attr2" };
	char name[300];

	for (unsigned i = 0; i < sizeof(names) / sizeof(*names); i++)
		mq_unlink(names[i]);
	for (int i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "/many%d", i);
		mq_unlink(name);
	}
	memset(name, 'n', sizeof(name));
	name[255] = '\0';
	syscall(SYS_mq_unlink, name);
	errno = 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	one_run_at_a_time();
	leftovers();
	/* Linux's default, whatever the host's shell set. */
	setrlimit(RLIMIT_MSGQUEUE, &(struct rlimit){ 819200, 819200 });
	drop_sys_resource();
	names();
	attribute_checks();
	messages();
	notification();
	polling();
	return 0;
}
