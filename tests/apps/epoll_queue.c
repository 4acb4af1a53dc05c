/*
 * epoll's ready queue (differential): what each kind of change raises
 * is reported by the next wait (pipes, eventfds, AF_UNIX streams and
 * datagrams, TCP and UDP on the loopback), a small maxevents starves no
 * ready interest, interests removed or gone in the middle of an instance
 * leave the others whole, a reused pipe slot, two instances and a dup'd
 * descriptor on one object, poll on an epoll descriptor, a wait woken
 * from another thread, connections coming and going (connect, accept,
 * shutdown, close, a datagram peer leaving, a listener closed), and a
 * long run of random adds, removals and writes checked against the
 * program's own account. Reports are sorted: the order of ready interests
 * is not part of the contract.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "show_util.h"

static int compare(const void *a, const void *b)
{
	uint64_t x = ((const struct epoll_event *)a)->data.u64;
	uint64_t y = ((const struct epoll_event *)b)->data.u64;

	return (x > y) - (x < y);
}

static void report(const char *what, int epoll)
{
	struct epoll_event events[32];
	int count = epoll_wait(epoll, events, 32, 0);

	if (count < 0) {
		printf("%s: -1 %s\n", what, strerror(errno));
		return;
	}
	qsort(events, (size_t)count, sizeof(*events), compare);
	printf("%s:", what);
	for (int i = 0; i < count; i++)
		printf(" %llu/%#x", (unsigned long long)events[i].data.u64,
		       events[i].events);
	printf("\n");
}

static void watch(int epoll, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event event = { .events = events, .data.u64 = data };

	if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) < 0)
		printf("watch %llu: -1 %s\n", (unsigned long long)data,
		       strerror(errno));
}

static void drain(int fd)
{
	char bytes[4096];

	while (read(fd, bytes, sizeof(bytes)) > 0)
		;
}

static void fill(int fd, size_t size)
{
	static char bytes[4096];

	while (write(fd, bytes, size) > 0)
		;
}

static void one_byte(int fd)
{
	if (write(fd, "x", 1) != 1)
		printf("write: -1 %s\n", strerror(errno));
}

static void bump(int fd, uint64_t value)
{
	if (write(fd, &value, sizeof(value)) != sizeof(value))
		printf("eventfd write: -1 %s\n", strerror(errno));
}

/* A byte written, the writer filled, the reader drained: the reader's
 * POLLIN rises, the writer's POLLOUT goes and comes back. */
static void write_fill_drain(int epoll, const char *what, int writer,
			     int reader, size_t size)
{
	static const char *const steps[] = { "written", "full", "drained" };
	char label[64];

	for (int step = 0; step < 3; step++) {
		if (step == 0)
			one_byte(writer);
		else if (step == 1)
			fill(writer, size);
		else
			drain(reader);
		snprintf(label, sizeof(label), "%s %s", what, steps[step]);
		report(label, epoll);
	}
}

/* A connected TCP pair on the loopback: [0] the client, [1] accepted. */
static void tcp_pair(int pair[2])
{
	struct sockaddr_in address = { .sin_family = AF_INET,
				       .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t length = sizeof(address);
	int listener = socket(AF_INET, SOCK_STREAM, 0);

	bind(listener, (struct sockaddr *)&address, sizeof(address));
	listen(listener, 1);
	getsockname(listener, (struct sockaddr *)&address, &length);
	pair[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(pair[0], (struct sockaddr *)&address, sizeof(address)) < 0)
		printf("tcp connect: -1 %s\n", strerror(errno));
	pair[1] = accept(listener, NULL, NULL);
	close(listener);
	fcntl(pair[0], F_SETFL, O_NONBLOCK);
	fcntl(pair[1], F_SETFL, O_NONBLOCK);
}

/* Each change that can raise an event, and each that takes it away. */
static void rises(void)
{
	int epoll = epoll_create1(0), pipe_ends[2], stream[2], dgram[2];
	int counter = eventfd(0, EFD_NONBLOCK);
	int full = eventfd(0, EFD_NONBLOCK), tcp[2];
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int sender = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in udp_name = { .sin_family = AF_INET,
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t length = sizeof(udp_name);

	pipe2(pipe_ends, O_NONBLOCK);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, stream);
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, dgram);
	tcp_pair(tcp);
	bind(udp, (struct sockaddr *)&udp_name, sizeof(udp_name));
	getsockname(udp, (struct sockaddr *)&udp_name, &length);

	watch(epoll, pipe_ends[0], EPOLLIN, 1);
	watch(epoll, pipe_ends[1], EPOLLOUT, 2);
	watch(epoll, counter, EPOLLIN, 3);
	watch(epoll, full, EPOLLOUT, 4);
	watch(epoll, stream[0], EPOLLIN, 5);
	watch(epoll, stream[1], EPOLLOUT, 6);
	watch(epoll, dgram[0], EPOLLIN, 7);
	watch(epoll, dgram[1], EPOLLOUT, 8);
	watch(epoll, tcp[1], EPOLLIN, 9);
	watch(epoll, tcp[0], EPOLLOUT, 10);
	watch(epoll, udp, EPOLLIN, 11);
	report("at first", epoll);

	write_fill_drain(epoll, "pipe", pipe_ends[1], pipe_ends[0], 4096);

	bump(counter, 1);
	report("eventfd written", epoll);
	uint64_t value;

	read(counter, &value, sizeof(value));
	report("eventfd read", epoll);
	bump(full, UINT64_MAX - 1);
	report("eventfd at its most", epoll);
	read(full, &value, sizeof(value));
	report("eventfd emptied", epoll);

	write_fill_drain(epoll, "unix stream", stream[1], stream[0], 4096);
	write_fill_drain(epoll, "unix datagram", dgram[1], dgram[0], 1024);
	/* A sender that connect()s to a bound end, not the end's peer. */
	struct sockaddr_un name = { .sun_family = AF_UNIX };
	/* Abstract, and the process's own: test runs share the host. */
	int name_bytes = 1 + snprintf(name.sun_path + 1,
				      sizeof(name.sun_path) - 1,
				      "epoll_queue.%d", (int)getpid());
	socklen_t name_length = (socklen_t)(offsetof(struct sockaddr_un,
						     sun_path) + name_bytes);
	int receiver = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int connected = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	show("bind a datagram end",
	     bind(receiver, (struct sockaddr *)&name, name_length));
	show("connect another to it",
	     connect(connected, (struct sockaddr *)&name, name_length));
	watch(epoll, receiver, EPOLLIN, 12);
	watch(epoll, connected, EPOLLOUT, 13);
	write_fill_drain(epoll, "unix datagram, connect()ed", connected,
			 receiver, 1024);

	one_byte(tcp[0]);
	usleep(20000); /* the host's loopback, for the differential run */
	report("tcp written", epoll);
	drain(tcp[1]);
	report("tcp read", epoll);

	sendto(sender, "y", 1, 0, (struct sockaddr *)&udp_name,
	       sizeof(udp_name));
	usleep(20000);
	report("udp sent", epoll);
	drain(udp);
	report("udp read", epoll);

	int fds[] = { epoll, pipe_ends[0], pipe_ends[1], counter, full,
		      stream[0], stream[1], dgram[0], dgram[1], tcp[0], tcp[1],
		      udp, sender, receiver, connected };

	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
}

/* Edge-triggered interests in a pipe's two ends and an eventfd: each
 * reports again only after a change of its own object. */
static void edges(void)
{
	int epoll = epoll_create1(0), ends[2], counter = eventfd(0, EFD_NONBLOCK);
	uint64_t value;

	pipe2(ends, O_NONBLOCK);
	watch(epoll, ends[1], EPOLLOUT | EPOLLET, 1);
	watch(epoll, ends[0], EPOLLIN | EPOLLET, 2);
	watch(epoll, counter, EPOLLIN | EPOLLOUT | EPOLLET, 3);
	report("edge-triggered, at first", epoll);
	report("edge-triggered, again", epoll);
	write_fill_drain(epoll, "edge-triggered pipe", ends[1], ends[0], 4096);
	report("edge-triggered, again", epoll);
	bump(counter, 2);
	report("edge-triggered eventfd written", epoll);
	read(counter, &value, sizeof(value));
	report("edge-triggered eventfd read", epoll);
	one_byte(ends[1]);
	report("edge-triggered pipe written again", epoll);
	close(ends[0]);
	report("edge-triggered pipe's reader closed", epoll);
	close(ends[1]);
	close(counter);
	/* TCP's POLLOUT, gone and back between two waits with no wait
	 * between: only the change that took it away arms it again. */
	int tcp[2];

	tcp_pair(tcp);
	watch(epoll, tcp[0], EPOLLOUT | EPOLLET, 4);
	report("edge-triggered tcp, at first", epoll);
	fill(tcp[0], 4096);
	for (int round = 0; round < 3; round++) {
		usleep(20000);
		drain(tcp[1]);
	}
	report("edge-triggered tcp filled and drained", epoll);
	close(tcp[0]);
	close(tcp[1]);
	close(epoll);
}

/* Five ready level-triggered interests, two a wait: three waits see all
 * five. */
static void no_starving(void)
{
	int epoll = epoll_create1(0), counters[5];
	uint32_t seen = 0;

	for (int i = 0; i < 5; i++) {
		counters[i] = eventfd(1, EFD_NONBLOCK);
		watch(epoll, counters[i], EPOLLIN, (uint64_t)i);
	}
	for (int round = 0; round < 3; round++) {
		struct epoll_event events[2];
		int count = epoll_wait(epoll, events, 2, 0);

		printf("maxevents 2, wait %d: %d\n", round, count);
		for (int i = 0; i < count; i++)
			seen |= 1u << events[i].data.u64;
	}
	printf("seen after three waits: %d of 5\n", __builtin_popcount(seen));
	for (int i = 0; i < 5; i++)
		close(counters[i]);
	close(epoll);
}

/* Interests removed by EPOLL_CTL_DEL and by a close, in the middle. */
static void removals(void)
{
	int epoll = epoll_create1(0), pipes[10][2];

	for (int i = 0; i < 10; i++) {
		pipe2(pipes[i], O_NONBLOCK);
		watch(epoll, pipes[i][0], EPOLLIN, (uint64_t)i);
		one_byte(pipes[i][1]);
	}
	epoll_ctl(epoll, EPOLL_CTL_DEL, pipes[2][0], NULL);
	epoll_ctl(epoll, EPOLL_CTL_DEL, pipes[5][0], NULL);
	epoll_ctl(epoll, EPOLL_CTL_DEL, pipes[0][0], NULL);
	close(pipes[7][0]);
	report("2, 5 and 0 removed, 7 closed", epoll);
	for (int i = 0; i < 10; i++)
		if (i != 7)
			drain(pipes[i][0]);
	report("all read", epoll);
	one_byte(pipes[9][1]);
	one_byte(pipes[3][1]);
	one_byte(pipes[2][1]);
	report("3, 9 and the removed 2 written", epoll);
	for (int i = 0; i < 10; i++) {
		if (i != 7)
			close(pipes[i][0]);
		close(pipes[i][1]);
	}
	close(epoll);
}

/* A pipe closed while watched, a new one in its place; two instances
 * and a dup on one pipe; poll on an epoll descriptor. */
static void sharing(void)
{
	int first = epoll_create1(0), second = epoll_create1(0), ends[2];

	pipe2(ends, O_NONBLOCK);
	watch(first, ends[0], EPOLLIN, 1);
	one_byte(ends[1]);
	close(ends[0]);
	close(ends[1]);
	pipe2(ends, O_NONBLOCK);
	report("the closed pipe's interest", first);
	watch(first, ends[0], EPOLLIN, 2);
	int copy = dup(ends[0]);

	watch(first, copy, EPOLLIN, 3);
	watch(second, ends[0], EPOLLIN, 4);
	report("new pipe, first instance", first);
	struct pollfd polled = { first, POLLIN, 0 };

	show("poll on the instance", poll(&polled, 1, 0));
	one_byte(ends[1]);
	report("written, first instance", first);
	report("written, second instance", second);
	show("poll on the instance", poll(&polled, 1, 0));
	printf("  revents %#x\n", polled.revents);
	drain(ends[0]);
	show("read, poll on the instance", poll(&polled, 1, 0));
	close(copy);
	one_byte(ends[1]);
	report("dup closed, written again", first);
	close(ends[0]);
	close(ends[1]);
	close(first);
	close(second);
}

static int writer_end;

static void *late_writer(void *arg)
{
	(void)arg;
	usleep(50000);
	one_byte(writer_end);
	return NULL;
}

/* A wait that blocks, woken by a pipe written from another thread. */
static void woken(void)
{
	int epoll = epoll_create1(0), ends[2];
	pthread_t thread;
	struct epoll_event event;

	pipe(ends);
	writer_end = ends[1];
	watch(epoll, ends[0], EPOLLIN, 7);
	pthread_create(&thread, NULL, late_writer, NULL);
	int count = epoll_wait(epoll, &event, 1, 5000);

	printf("blocked wait: %d, data %llu\n", count,
	       (unsigned long long)event.data.u64);
	pthread_join(thread, NULL);
	close(ends[0]);
	close(ends[1]);
	close(epoll);
}

/* Random adds, removals, writes, reads and closes over 200 eventfds;
 * after each step the wait must report exactly those watched with a
 * count. */
static void random_run(void)
{
	enum { N = 200, STEPS = 3000 };
	int epoll = epoll_create1(0), fds[N];
	bool watched[N] = { false }, full[N] = { false };
	uint32_t state = 12345;
	int mismatches = 0;

	for (int i = 0; i < N; i++)
		fds[i] = eventfd(0, EFD_NONBLOCK);
	for (int step = 0; step < STEPS; step++) {
		state = state * 1103515245 + 12345;
		int i = (int)((state >> 8) % N), what = (int)((state >> 20) % 5);
		uint64_t value = 1;

		if (what == 0 && !watched[i]) {
			watch(epoll, fds[i], EPOLLIN, (uint64_t)i);
			watched[i] = true;
		} else if (what == 0) {
			epoll_ctl(epoll, EPOLL_CTL_DEL, fds[i], NULL);
			watched[i] = false;
		} else if (what == 1 || what == 2) {
			bump(fds[i], value);
			full[i] = true;
		} else if (what == 3 && full[i]) {
			read(fds[i], &value, sizeof(value));
			full[i] = false;
		} else if (what == 4) { /* its interest goes with it */
			close(fds[i]);
			fds[i] = eventfd(0, EFD_NONBLOCK);
			watched[i] = full[i] = false;
		}
		struct epoll_event events[N];
		int count = epoll_wait(epoll, events, N, 0), expected = 0;
		bool reported[N] = { false };

		for (int k = 0; k < count; k++)
			reported[events[k].data.u64] = true;
		for (int k = 0; k < N; k++) {
			expected += watched[k] && full[k];
			if (reported[k] != (watched[k] && full[k]))
				mismatches++;
		}
		if (count != expected)
			mismatches++;
	}
	printf("random run: %d steps, %d mismatches\n", STEPS, mismatches);
	for (int i = 0; i < N; i++)
		close(fds[i]);
	close(epoll);
}

/* Connections coming and going, among idle interests: a connect to a
 * watched listener, its accept, a peer's shutdown and close, a pipe's
 * writer closed, a DGRAM end leaving its peer with messages unread (the
 * peer's ECONNRESET), a listener closed under a connection not
 * accepted. */
static void connections(void)
{
	int epoll = epoll_create1(0), idle[8][2], pair[2], dgram[2];
	struct sockaddr_un name = { .sun_family = AF_UNIX };
	struct sockaddr unspecified = { AF_UNSPEC };
	int bytes = 1 + snprintf(name.sun_path + 1, sizeof(name.sun_path) - 1,
				 "epoll_queue.%d", (int)getpid());
	socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				       bytes);

	for (int i = 0; i < 8; i++) {
		socketpair(AF_UNIX, SOCK_STREAM, 0, idle[i]);
		watch(epoll, idle[i][0], EPOLLIN, 100 + (uint64_t)i);
	}
	int listener = socket(AF_UNIX, SOCK_STREAM, 0);
	int client = socket(AF_UNIX, SOCK_STREAM, 0);

	bind(listener, (struct sockaddr *)&name, length);
	listen(listener, 4);
	watch(epoll, listener, EPOLLIN, 1);
	report("a listener, at first", epoll);
	connect(client, (struct sockaddr *)&name, length);
	report("connected to it", epoll);
	int accepted = accept(listener, NULL, NULL);

	report("accepted", epoll);
	watch(epoll, accepted, EPOLLIN | EPOLLRDHUP, 2);
	report("the accepted end watched", epoll);
	close(client);
	report("its client closed", epoll);
	close(accepted);

	socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
	watch(epoll, pair[0], EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, 3);
	report("a stream pair's end", epoll);
	shutdown(pair[1], SHUT_WR);
	report("its peer shut its sending down", epoll);
	close(pair[1]);
	report("its peer closed", epoll);
	close(pair[0]);

	pipe(pair);
	watch(epoll, pair[0], EPOLLIN, 6);
	report("a pipe's reader", epoll);
	close(pair[1]);
	report("its writer closed", epoll);
	close(pair[0]);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram);
	send(dgram[1], "x", 1, 0);
	watch(epoll, dgram[1], EPOLLIN | EPOLLET, 4);
	report("a datagram pair's end", epoll);
	connect(dgram[0], &unspecified, sizeof(unspecified));
	report("its peer left it, a message unread", epoll);
	close(dgram[0]);
	close(dgram[1]);

	client = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(client, (struct sockaddr *)&name, length);
	report("connected again", epoll);
	watch(epoll, client, EPOLLIN | EPOLLRDHUP | EPOLLET, 5);
	report("the client watched", epoll);
	close(listener);
	report("the listener closed before its accept", epoll);
	close(client);
	for (int i = 0; i < 8; i++) {
		close(idle[i][0]);
		close(idle[i][1]);
	}
	close(epoll);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	rises();
	edges();
	no_starving();
	removals();
	sharing();
	woken();
	connections();
	random_run();
	return 0;
}
