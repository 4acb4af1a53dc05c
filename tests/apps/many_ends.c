/*
 * Descriptors up to RLIMIT_NOFILE's limit (differential): socket pairs,
 * pipes and loopback TCP connections until the 4,096th descriptor, the
 * next one refused with EMFILE; all of them watched by one epoll instance
 * or by one poll, with bytes through some of them checked; a whole
 * pipe's worth through the last pipe, and the same again after every
 * slot was freed and taken again.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "show_util.h"

#define LIMIT 4096
#define CHUNK 4096

static int fds[LIMIT];
static struct epoll_event events[LIMIT];
static struct pollfd polled[LIMIT];
static char chunk[CHUNK], back[CHUNK];

/* Epoll waits until `expected` ends were reported (each read once and
 * checked: its bytes are its index) or a wait finds nothing for 2 s. */
static void collect(int epoll, const int *ends, int expected)
{
	int reported = 0, right = 0;

	while (reported < expected) {
		int count = epoll_wait(epoll, events, LIMIT, 2000);

		if (count <= 0)
			break;
		for (int i = 0; i < count; i++) {
			int index = (int)events[i].data.u32, got = -1;

			if (read(ends[index], &got, sizeof(got)) == sizeof(got))
				right += got == index;
			reported++;
		}
	}
	printf("reported: %d of %d, right: %d\n", reported, expected, right);
}

static void socket_pairs(void)
{
	int epoll = epoll_create1(0), pairs = 0, watched = 0, written = 0;

	for (;;) {
		int pair[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0) {
			show("socketpair past the limit", -1);
			break;
		}
		fds[2 * pairs] = pair[0];
		fds[2 * pairs + 1] = pair[1];
		pairs++;
	}
	printf("socket pairs: %d\n", pairs);
	static int readers[LIMIT / 2];

	for (int i = 0; i < pairs; i++) {
		struct epoll_event event = { .events = EPOLLIN, .data.u32 = i };

		readers[i] = fds[2 * i];
		watched += epoll_ctl(epoll, EPOLL_CTL_ADD, readers[i], &event) == 0;
	}
	printf("watched: %d\n", watched);
	for (int i = 0; i < pairs; i += 7)
		written += write(fds[2 * i + 1], &i, sizeof(i)) == sizeof(i);
	collect(epoll, readers, written);
	show("a wait with nothing left", epoll_wait(epoll, events, LIMIT, 0));
	for (int i = 0; i < 2 * pairs; i++)
		close(fds[i]);
	close(epoll);
}

/* A whole pipe's worth through `fd`'s pipe (write end `fd`, read end
 * `reader`), each chunk of it numbered, read back and checked. */
static void fill_and_drain(int reader, int fd, const char *label)
{
	long in = 0, right = 0;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int n = 0;; n++) {
		memset(chunk, 'a' + n % 26, CHUNK);
		if (write(fd, chunk, CHUNK) != CHUNK)
			break;
		in += CHUNK;
	}
	for (int n = 0; n < in / CHUNK; n++) {
		if (read(reader, back, CHUNK) != CHUNK)
			break;
		memset(chunk, 'a' + n % 26, CHUNK);
		right += memcmp(chunk, back, CHUNK) == 0 ? CHUNK : 0;
	}
	printf("%s: %ld in, %ld back right\n", label, in, right);
}

static int pipes(void)
{
	int count = 0;

	for (;;) {
		int pair[2];

		if (pipe(pair) < 0) {
			show("pipe past the limit", -1);
			break;
		}
		fds[2 * count] = pair[0];
		fds[2 * count + 1] = pair[1];
		count++;
	}
	return count;
}

static void many_pipes(void)
{
	int count = pipes(), written = 0, ready = 0, right = 0;

	printf("pipes: %d\n", count);
	for (int i = 0; i < count; i += 13)
		written += write(fds[2 * i + 1], &i, sizeof(i)) == sizeof(i);
	for (int i = 0; i < count; i++)
		polled[i] = (struct pollfd){ .fd = fds[2 * i], .events = POLLIN };
	show("poll", poll(polled, (nfds_t)count, 0));
	for (int i = 0; i < count; i++) {
		int got = -1;

		if (!(polled[i].revents & POLLIN))
			continue;
		ready++;
		if (read(fds[2 * i], &got, sizeof(got)) == sizeof(got))
			right += got == i;
	}
	printf("ready: %d of %d, right: %d\n", ready, written, right);
	fill_and_drain(fds[2 * count - 2], fds[2 * count - 1], "the last pipe");
	for (int i = 0; i < 2 * count; i++)
		close(fds[i]);
	/* Every slot again: the last one's pages were given back and come
	 * fresh. */
	count = pipes();
	printf("pipes again: %d\n", count);
	fill_and_drain(fds[2 * count - 2], fds[2 * count - 1],
		       "the last pipe again");
	for (int i = 0; i < 2 * count; i++)
		close(fds[i]);
}

static void connections(void)
{
	struct sockaddr_in address = { .sin_family = AF_INET,
				       .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t length = sizeof(address);
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int epoll = epoll_create1(0), count = 0, watched = 0, sent = 0;
	static int servers[LIMIT / 2];

	bind(listener, (struct sockaddr *)&address, sizeof(address));
	getsockname(listener, (struct sockaddr *)&address, &length);
	show("listen", listen(listener, LIMIT));
	for (;;) {
		int client = socket(AF_INET, SOCK_STREAM, 0);

		if (client < 0) {
			show("socket past the limit", -1);
			break;
		}
		if (connect(client, (struct sockaddr *)&address,
			    sizeof(address)) < 0) {
			show("connect", -1);
			close(client);
			break;
		}
		int server = accept(listener, NULL, NULL);

		if (server < 0) {
			show("accept past the limit", -1);
			close(client);
			break;
		}
		fds[2 * count] = client;
		servers[count] = server;
		fds[2 * count + 1] = server;
		count++;
	}
	printf("connections: %d\n", count);
	for (int i = 0; i < count; i++) {
		struct epoll_event event = { .events = EPOLLIN | EPOLLET,
					     .data.u32 = i };

		watched += epoll_ctl(epoll, EPOLL_CTL_ADD, servers[i], &event) == 0;
	}
	printf("watched: %d\n", watched);
	for (int i = 0; i < count; i++)
		sent += send(fds[2 * i], &i, sizeof(i), 0) == sizeof(i);
	collect(epoll, servers, sent);
	for (int i = 0; i < 2 * count; i++)
		close(fds[i]);
	close(epoll);
	close(listener);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int fd = 3; fd < LIMIT; fd++)
		close(fd);
	show("setrlimit NOFILE 4096",
	     setrlimit(RLIMIT_NOFILE, &(struct rlimit){ LIMIT, LIMIT }));
	socket_pairs();
	many_pipes();
	connections();
	return 0;
}
