/*
 * eventfd and epoll (differential): the counter's reads and writes,
 * semaphore mode and its limits; epoll_ctl's answers, level-triggered
 * and edge-triggered reports, EPOLLONESHOT, interests going with their
 * description, a wait woken by another thread and one ended by a
 * signal's handler. Reports are sorted by their data: the order of ready
 * interests is not Linux's. EPOLLET reports at each of Linux's wakeups:
 * more coming while some is unread, an AF_UNIX reader taking whole sends
 * (room its writer never lacked), each eventfd write and read.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "show_util.h"

static uint64_t take(int fd)
{
	uint64_t value = 0;

	if (read(fd, &value, sizeof(value)) < 0)
		printf("  read: -1 %s\n", strerror(errno));
	return value;
}

static void add(int fd, uint64_t value)
{
	if (write(fd, &value, sizeof(value)) < 0)
		printf("  write: -1 %s\n", strerror(errno));
}

static void counters(void)
{
	int fd = eventfd(3, EFD_NONBLOCK);
	uint32_t small;
	uint64_t big = UINT64_MAX;

	printf("eventfd(3): read %llu\n", (unsigned long long)take(fd));
	show("read, empty", read(fd, &big, sizeof(big)));
	add(fd, 5);
	add(fd, 2);
	printf("after 5 and 2: read %llu\n", (unsigned long long)take(fd));
	show("read into 4 bytes", read(fd, &small, sizeof(small)));
	big = UINT64_MAX;
	show("write 2^64 - 1", write(fd, &big, sizeof(big)));
	big = UINT64_MAX - 1;
	show("write 2^64 - 2", write(fd, &big, sizeof(big)));
	big = 1;
	show("write 1 more", write(fd, &big, sizeof(big)));
	struct pollfd polled = { fd, POLLIN | POLLOUT, 0 };
	show("poll(full counter)", poll(&polled, 1, 0));
	printf("  revents %#x\n", polled.revents);
	close(fd);

	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	show("F_GETFD", fcntl(fd, F_GETFD));
	printf("semaphore: %llu", (unsigned long long)take(fd));
	printf(" %llu\n", (unsigned long long)take(fd));
	show("  then", read(fd, &big, sizeof(big)));
	show("lseek", lseek(fd, 0, SEEK_SET));
	close(fd);
	show("eventfd2(bad flags)", eventfd(0, 0x10));
}

static int compare(const void *a, const void *b)
{
	uint64_t x = ((const struct epoll_event *)a)->data.u64;
	uint64_t y = ((const struct epoll_event *)b)->data.u64;

	return (x > y) - (x < y);
}

static void report(const char *what, int epoll, int timeout_ms)
{
	struct epoll_event events[8];
	int count = epoll_wait(epoll, events, 8, timeout_ms);

	if (count < 0) {
		printf("%s: -1 %s\n", what, strerror(errno));
		return;
	}
	qsort(events, (size_t)count, sizeof(*events), compare);
	printf("%s: %d", what, count);
	for (int i = 0; i < count; i++)
		printf(" [data %llu events %#x]",
		       (unsigned long long)events[i].data.u64, events[i].events);
	printf("\n");
}

static int watch(int epoll, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event event = { .events = events, .data.u64 = data };

	return epoll_ctl(epoll, op, fd, &event);
}

static int wake_fd;

static void *waker(void *arg)
{
	(void)arg;
	usleep(50000);
	add(wake_fd, 1);
	return NULL;
}

static void on_alarm(int signal)
{
	(void)signal;
}

static void instances(void)
{
	int epoll = epoll_create1(EPOLL_CLOEXEC), ends[2], counter, other;
	int null = open("/dev/null", O_RDONLY);
	struct epoll_event event;

	show("F_GETFD", fcntl(epoll, F_GETFD));
	show("epoll_create(0)", epoll_create(0));
	show("epoll_create1(bad flags)", epoll_create1(1));
	pipe(ends);
	counter = eventfd(0, EFD_NONBLOCK);
	show("ADD pipe", watch(epoll, EPOLL_CTL_ADD, ends[0], EPOLLIN, 1));
	show("ADD eventfd", watch(epoll, EPOLL_CTL_ADD, counter, EPOLLIN, 2));
	show("ADD pipe again", watch(epoll, EPOLL_CTL_ADD, ends[0], EPOLLIN, 1));
	show("MOD not added", watch(epoll, EPOLL_CTL_MOD, ends[1], EPOLLOUT, 3));
	show("DEL not added", epoll_ctl(epoll, EPOLL_CTL_DEL, ends[1], NULL));
	show("ADD /dev/null", watch(epoll, EPOLL_CTL_ADD, null, EPOLLIN, 4));
	show("ADD itself", watch(epoll, EPOLL_CTL_ADD, epoll, EPOLLIN, 5));
	show("ADD bad descriptor", watch(epoll, EPOLL_CTL_ADD, 999, EPOLLIN, 6));
	show("ADD to a non-epoll", watch(null, EPOLL_CTL_ADD, ends[0], EPOLLIN, 7));
	show("bad op", watch(epoll, 99, ends[0], EPOLLIN, 8));
	show("ADD bad event pointer",
	     epoll_ctl(epoll, EPOLL_CTL_ADD, ends[1], (void *)16));
	show("epoll_wait(maxevents 0)", epoll_wait(epoll, &event, 0, 0));
	show("epoll_wait(events in the kernel)",
	     epoll_wait(epoll, (void *)0xffff800000000000, 1, 0));

	report("nothing ready", epoll, 0);
	write(ends[1], "x", 1);
	report("pipe written", epoll, -1);
	report("still readable", epoll, 0);
	add(counter, 1);
	report("both", epoll, 0);
	show("maxevents 1", epoll_wait(epoll, &event, 1, 0));
	struct pollfd polled = { epoll, POLLIN, 0 };
	show("poll(epoll)", poll(&polled, 1, 0));
	char byte;
	read(ends[0], &byte, 1);
	take(counter);
	report("both read", epoll, 0);
	show("poll(epoll), nothing ready", poll(&polled, 1, 0));

	show("MOD eventfd ONESHOT",
	     watch(epoll, EPOLL_CTL_MOD, counter, EPOLLIN | EPOLLONESHOT, 9));
	add(counter, 1);
	report("oneshot", epoll, 0);
	report("oneshot again", epoll, 0);
	show("MOD rearms", watch(epoll, EPOLL_CTL_MOD, counter, EPOLLIN, 10));
	report("rearmed", epoll, 0);
	take(counter);

	/* An interest lives as long as its description. */
	other = dup(ends[0]);
	close(ends[0]);
	write(ends[1], "y", 1);
	report("after closing a dup'd pipe end", epoll, 0);
	close(other);
	report("after closing the last", epoll, 0);
	close(ends[1]);

	wake_fd = counter;
	pthread_t thread;
	pthread_create(&thread, NULL, waker, NULL);
	report("woken by a thread", epoll, -1);
	pthread_join(thread, NULL);
	take(counter);

	struct sigaction action = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &action, NULL);
	ualarm(50000, 0);
	report("a handler ends the wait", epoll, -1);
	show("DEL eventfd", epoll_ctl(epoll, EPOLL_CTL_DEL, counter, NULL));
	report("nothing watched", epoll, 0);
	show("read(epoll)", read(epoll, &byte, 1));
	close(counter);
	close(epoll);
	close(null);
}

/* EPOLLET: a report when an event rises, none while it stays. */
static void edge_triggered(void)
{
	int epoll = epoll_create1(0), ends[2], pair[2];
	char buffer[4096] = { 0 };
	long filled = 0;

	pipe2(ends, O_NONBLOCK);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair);
	watch(epoll, EPOLL_CTL_ADD, ends[0], EPOLLIN | EPOLLET, 1);
	watch(epoll, EPOLL_CTL_ADD, ends[1], EPOLLOUT | EPOLLET, 2);
	report("et: the write end, once", epoll, 0);
	report("et: then nothing", epoll, 0);
	write(ends[1], "abc", 3);
	report("et: bytes came", epoll, 0);
	report("et: still unread, no report", epoll, 0);
	read(ends[0], buffer, 1);
	report("et: one read, still no report", epoll, 0);
	write(ends[1], "x", 1);
	report("et: more came while some was unread", epoll, 0);
	report("et: and no more", epoll, 0);
	read(ends[0], buffer, sizeof(buffer));
	write(ends[1], "de", 2);
	report("et: read out, then more came", epoll, 0);
	read(ends[0], buffer, sizeof(buffer));
	while (write(ends[1], buffer, sizeof(buffer)) > 0)
		filled += (long)sizeof(buffer);
	printf("et: the pipe took %ld\n", filled);
	report("et: full, readable", epoll, 0);
	read(ends[0], buffer, sizeof(buffer));
	report("et: room again, more to read", epoll, 0);
	watch(epoll, EPOLL_CTL_MOD, ends[0], EPOLLIN | EPOLLET | EPOLLONESHOT,
	      1);
	report("et: modified, readable", epoll, 0);
	report("et: oneshot, reported", epoll, 0);
	watch(epoll, EPOLL_CTL_DEL, ends[0], 0, 0);
	watch(epoll, EPOLL_CTL_DEL, ends[1], 0, 0);
	watch(epoll, EPOLL_CTL_ADD, pair[0], EPOLLIN | EPOLLOUT | EPOLLET, 3);
	watch(epoll, EPOLL_CTL_ADD, pair[1], EPOLLIN | EPOLLOUT | EPOLLET, 4);
	report("et: two writable sockets", epoll, 0);
	report("et: then nothing", epoll, 100);
	send(pair[0], "hello", 5, 0);
	report("et: the receiver, all it has", epoll, 0);
	send(pair[0], "more", 4, 0);
	report("et: the receiver again, more came", epoll, 0);
	recv(pair[1], buffer, sizeof(buffer), 0);
	report("et: the sender, its sends taken", epoll, 0);
	send(pair[0], "z", 1, 0);
	recv(pair[1], buffer, sizeof(buffer), 0);
	report("et: both, the byte gone before the wait", epoll, 0);
	report("et: then nothing again", epoll, 0);
	watch(epoll, EPOLL_CTL_DEL, pair[0], 0, 0);
	watch(epoll, EPOLL_CTL_MOD, pair[1],
	      EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, 4);
	report("et: modified, all it has again", epoll, 0);
	shutdown(pair[0], SHUT_WR);
	report("et: its peer stopped writing", epoll, 0);
	close(pair[0]);
	close(pair[1]);
	close(ends[0]);
	close(ends[1]);

	int counter = eventfd(0, EFD_NONBLOCK);
	uint64_t value = 1;

	watch(epoll, EPOLL_CTL_ADD, counter, EPOLLIN | EPOLLOUT | EPOLLET, 5);
	report("et: eventfd, writable", epoll, 0);
	write(counter, &value, sizeof(value));
	report("et: eventfd, a write", epoll, 0);
	write(counter, &value, sizeof(value));
	report("et: eventfd, another write", epoll, 0);
	report("et: eventfd, nothing new", epoll, 0);
	read(counter, &value, sizeof(value));
	report("et: eventfd, a read", epoll, 0);
	close(counter);

	/* TCP: each segment wakes the receiver; a read wakes the sender
	 * only after a send found no room. */
	struct sockaddr_in name = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t length = sizeof(name);
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	bind(listener, (struct sockaddr *)&name, sizeof(name));
	listen(listener, 1);
	getsockname(listener, (struct sockaddr *)&name, &length);
	connect(client, (struct sockaddr *)&name, sizeof(name));
	int server = accept(listener, NULL, NULL);

	watch(epoll, EPOLL_CTL_ADD, server, EPOLLIN | EPOLLOUT | EPOLLET, 6);
	watch(epoll, EPOLL_CTL_ADD, client, EPOLLIN | EPOLLOUT | EPOLLET, 7);
	report("et: tcp, both writable", epoll, 0);
	send(client, "a", 1, 0);
	report("et: tcp, a byte came", epoll, 100);
	send(client, "b", 1, 0);
	report("et: tcp, another came", epoll, 100);
	recv(server, buffer, sizeof(buffer), 0);
	report("et: tcp, read: the sender lacked no room", epoll, 0);
	close(client);
	close(server);
	close(listener);
	close(epoll);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	counters();
	instances();
	edge_triggered();
	return 0;
}
