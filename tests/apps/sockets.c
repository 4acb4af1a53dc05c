/*
 * AF_UNIX sockets (differential): socketpair of each type, the calls on
 * its ends (send and receive in every form, shutdown, the names, the
 * options, FIONREAD, fstat), end of file and EPIPE, SIGPIPE with and
 * without MSG_NOSIGNAL, records cut short, MSG_PEEK and MSG_WAITALL,
 * nonblocking ends, poll and epoll readiness, a thread blocked in recv, a
 * megabyte through a stream; named sockets (a path's socket file, an
 * abstract name, autobind): bind, listen, connect, accept, their names,
 * a listener closed with connections waiting, DGRAM sockets sending to
 * names and the queue a DGRAM end takes from others. SO_RCVTIMEO and
 * SO_SNDTIMEO (their values, the waits they end, handlers ending those),
 * SO_PASSCRED, SCM_CREDENTIALS and SO_PEERCRED,
 * control messages as sendmsg checks them, connect(AF_UNSPEC) and a
 * DGRAM end's leaving, SCM_RIGHTS (where a stream read stops, peeks,
 * MSG_CMSG_CLOEXEC, MSG_CTRUNC, closing what nobody receives, sockets
 * passed through themselves). Sizes the host decides (its buffers) are
 * not printed, nor times, nor ids and descriptor numbers but as
 * "mine" and "the lowest free".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "show_util.h"

static volatile sig_atomic_t pipe_signals;

static void on_sigpipe(int signal)
{
	pipe_signals += signal == SIGPIPE;
}

static const char *type_name(int type)
{
	return type == SOCK_STREAM ? "stream"
	       : type == SOCK_DGRAM ? "dgram" : "seqpacket";
}

static void creation(void)
{
	int sv[2];

	printf("creation\n");
	show("socketpair(AF_INET)", socketpair(AF_INET, SOCK_STREAM, 0, sv));
	show("socketpair(AF_INET6)", socketpair(AF_INET6, SOCK_STREAM, 0, sv));
	show("socketpair(family 99)", socketpair(99, SOCK_STREAM, 0, sv));
	show("socketpair(type 4)", socketpair(AF_UNIX, 4, 0, sv));
	show("socketpair(type 12)", socketpair(AF_UNIX, 12, 0, sv));
	show("socketpair(bad flag)", socketpair(AF_UNIX, SOCK_STREAM | 0x100, 0, sv));
	show("socketpair(protocol 5)", socketpair(AF_UNIX, SOCK_STREAM, 5, sv));
	show("socketpair(protocol AF_UNIX)", socketpair(AF_UNIX, SOCK_STREAM, AF_UNIX, sv));
	close(sv[0]);
	close(sv[1]);
	show("socketpair(bad pointer)",
	     syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, (void *)16));
	show("socketpair(SOCK_RAW)", socketpair(AF_UNIX, SOCK_RAW, 0, sv));
	int type = -1;
	socklen_t length = sizeof(type);
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &length);
	printf("  SOCK_RAW's SO_TYPE: %d\n", type);
	close(sv[0]);
	close(sv[1]);
	show("socketpair(SOCK_NONBLOCK | SOCK_CLOEXEC)",
	     socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
	printf("  F_GETFL %#x\n", fcntl(sv[0], F_GETFL));
	printf("  O_NONBLOCK %d, FD_CLOEXEC %d\n",
	       !!(fcntl(sv[0], F_GETFL) & O_NONBLOCK), fcntl(sv[1], F_GETFD));
	struct stat st;
	fstat(sv[0], &st);
	printf("  S_ISSOCK %d, mode %o\n", S_ISSOCK(st.st_mode), st.st_mode & 0777);
	show("  lseek", lseek(sv[0], 0, SEEK_SET));
	show("  pread", pread(sv[0], &type, 1, 0));
	close(sv[0]);
	close(sv[1]);
	int fd = open("/dev/null", O_RDONLY);
	show("send on a file", send(fd, "x", 1, 0));
	show("shutdown on a file", shutdown(fd, SHUT_RD));
	show("getsockopt on a file", getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length));
	close(fd);
	show("send on a closed descriptor", send(fd, "x", 1, 0));
}

static void stream_basics(int type)
{
	int sv[2], unread = -1;
	char buffer[64] = { 0 };

	printf("%s basics\n", type_name(type));
	show("socketpair", socketpair(AF_UNIX, type, 0, sv));
	show("write", write(sv[0], "hello", 5));
	show("send", send(sv[0], " world", 6, 0));
	ioctl(sv[1], FIONREAD, &unread);
	printf("  FIONREAD %d\n", unread);
	show("recv(MSG_PEEK)", recv(sv[1], buffer, sizeof(buffer), MSG_PEEK));
	printf("  peeked '%s'\n", buffer);
	memset(buffer, 0, sizeof(buffer));
	show("read(3)", read(sv[1], buffer, 3));
	printf("  read '%s'\n", buffer);
	memset(buffer, 0, sizeof(buffer));
	show("recv(64)", recv(sv[1], buffer, sizeof(buffer), 0));
	printf("  got '%s'\n", buffer);
	show("the other way", write(sv[1], "back", 4));
	show("  read", read(sv[0], buffer, sizeof(buffer)));
	show("recv(MSG_DONTWAIT), empty", recv(sv[1], buffer, 1, MSG_DONTWAIT));

	struct iovec pieces[3] = { { "ab", 2 }, { "", 0 }, { "cde", 3 } };
	struct msghdr header = { .msg_iov = pieces, .msg_iovlen = 3 };
	show("sendmsg(3 pieces)", sendmsg(sv[0], &header, 0));
	show("writev(3 pieces)", writev(sv[0], pieces, 3));
	char first[4] = { 0 }, second[16] = { 0 };
	struct iovec into[2] = { { first, 3 }, { second, sizeof(second) } };
	struct msghdr in = { .msg_iov = into, .msg_iovlen = 2 };
	struct sockaddr_un name;
	in.msg_name = &name;
	in.msg_namelen = sizeof(name);
	show("recvmsg", recvmsg(sv[1], &in, 0));
	printf("  '%s' '%s' namelen %u flags %#x controllen %zu\n", first,
	       second, in.msg_namelen, in.msg_flags, (size_t)in.msg_controllen);
	if (type != SOCK_STREAM) {
		memset(second, 0, sizeof(second));
		show("readv", readv(sv[1], into, 2));
		printf("  '%s' '%s'\n", first, second);
	}

	memset(&name, 0, sizeof(name));
	show("sendto with an address", sendto(sv[0], "x", 1, 0,
					      (struct sockaddr *)&name, sizeof(name)));
	socklen_t name_length = sizeof(name);
	show("recvfrom, nothing", recvfrom(sv[1], buffer, 1, MSG_DONTWAIT,
					   (struct sockaddr *)&name, &name_length));
	write(sv[0], "z", 1);
	name_length = sizeof(name);
	show("recvfrom", recvfrom(sv[1], buffer, 1, 0, (struct sockaddr *)&name,
				  &name_length));
	printf("  name length %u\n", name_length);
	show("send(bad buffer)", send(sv[0], (void *)16, 4, 0));
	show("recv(bad buffer)", (write(sv[0], "q", 1), recv(sv[1], (void *)16, 4, 0)));
	show("recv after it", recv(sv[1], buffer, sizeof(buffer), MSG_DONTWAIT));
	show("send(0 bytes)", send(sv[0], "", 0, 0));
	close(sv[0]);
	close(sv[1]);
}

static void records(int type)
{
	int sv[2], unread = -1;
	char buffer[64] = { 0 };

	printf("%s records\n", type_name(type));
	socketpair(AF_UNIX, type, 0, sv);
	show("send 10", send(sv[0], "0123456789", 10, 0));
	show("send 3", send(sv[0], "abc", 3, 0));
	show("send 0", send(sv[0], "", 0, 0));
	ioctl(sv[1], FIONREAD, &unread);
	printf("  FIONREAD %d\n", unread);
	show("recv 4 of 10", recv(sv[1], buffer, 4, 0));
	printf("  '%s'\n", buffer);
	memset(buffer, 0, sizeof(buffer));
	show("recv(MSG_PEEK | MSG_TRUNC) 1 of 3", recv(sv[1], buffer, 1, MSG_PEEK | MSG_TRUNC));
	struct iovec into = { buffer, 2 };
	struct msghdr in = { .msg_iov = &into, .msg_iovlen = 1 };
	show("recvmsg 2 of 3", recvmsg(sv[1], &in, 0));
	printf("  '%.2s' MSG_TRUNC %d\n", buffer, !!(in.msg_flags & MSG_TRUNC));
	show("recv the empty one", recv(sv[1], buffer, sizeof(buffer), 0));
	show("recv, none", recv(sv[1], buffer, sizeof(buffer), MSG_DONTWAIT));
	static char big[70000];
	show("send 70000", send(sv[0], big, sizeof(big), 0));
	close(sv[0]);
	show("recv after the peer closed", recv(sv[1], buffer, sizeof(buffer), MSG_DONTWAIT));
	signal(SIGPIPE, on_sigpipe);
	pipe_signals = 0;
	show("send after the peer closed", send(sv[1], "x", 1, 0));
	show("send again", send(sv[1], "x", 1, 0));
	printf("  SIGPIPE %d\n", (int)pipe_signals);
	close(sv[1]);
}

static void ends_and_errors(int type)
{
	int sv[2];
	char buffer[16];

	printf("%s shutdown and close\n", type_name(type));
	signal(SIGPIPE, on_sigpipe);
	pipe_signals = 0;
	socketpair(AF_UNIX, type, 0, sv);
	show("shutdown(how 3)", shutdown(sv[0], 3));
	show("send before", send(sv[0], "ab", 2, 0));
	show("shutdown(SHUT_WR)", shutdown(sv[0], SHUT_WR));
	show("send after SHUT_WR", send(sv[0], "x", 1, 0));
	show("send after SHUT_WR, MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
	printf("  SIGPIPE %d\n", (int)pipe_signals);
	show("the peer reads", recv(sv[1], buffer, sizeof(buffer), 0));
	show("then end of file", recv(sv[1], buffer, sizeof(buffer), 0));
	show("the peer still sends", send(sv[1], "cd", 2, 0));
	show("it arrives", recv(sv[0], buffer, sizeof(buffer), 0));
	show("shutdown(SHUT_RD)", shutdown(sv[0], SHUT_RD));
	show("the peer's send", send(sv[1], "e", 1, MSG_NOSIGNAL));
	show("recv after SHUT_RD", recv(sv[0], buffer, sizeof(buffer), MSG_DONTWAIT));
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, type, 0, sv);
	send(sv[1], "unread", 6, 0);
	close(sv[0]);
	show("recv after the peer closed with data unread",
	     recv(sv[1], buffer, sizeof(buffer), MSG_DONTWAIT));
	show("recv again", recv(sv[1], buffer, sizeof(buffer), MSG_DONTWAIT));
	pipe_signals = 0;
	show("send to a closed peer", send(sv[1], "x", 1, 0));
	printf("  SIGPIPE %d\n", (int)pipe_signals);
	int error = -1;
	socklen_t length = sizeof(error);
	getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &error, &length);
	printf("  SO_ERROR %d\n", error);
	struct sockaddr_un name;
	socklen_t name_length = sizeof(name);
	show("getpeername", getpeername(sv[1], (struct sockaddr *)&name, &name_length));
	close(sv[1]);
}

static void names_and_options(void)
{
	int sv[2], value = -1;
	socklen_t length;
	struct sockaddr_un name;
	socklen_t name_length = sizeof(name);

	printf("names and options\n");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	memset(&name, 0x55, sizeof(name));
	show("getsockname", getsockname(sv[0], (struct sockaddr *)&name, &name_length));
	printf("  length %u family %d\n", name_length, name.sun_family);
	name_length = sizeof(name);
	show("getpeername", getpeername(sv[0], (struct sockaddr *)&name, &name_length));
	printf("  length %u family %d\n", name_length, name.sun_family);
	name_length = 1;
	show("getsockname, 1 byte", getsockname(sv[0], (struct sockaddr *)&name, &name_length));
	printf("  length %u\n", name_length);
	show("getsockname, bad length pointer",
	     getsockname(sv[0], (struct sockaddr *)&name, (socklen_t *)16));
	static const int options[] = { SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR,
				       SO_ACCEPTCONN, SO_REUSEADDR, SO_KEEPALIVE,
				       SO_PASSCRED, SO_RCVLOWAT };
	for (unsigned i = 0; i < sizeof(options) / sizeof(*options); i++) {
		length = sizeof(value);
		value = -1;
		int result = getsockopt(sv[0], SOL_SOCKET, options[i], &value, &length);
		printf("getsockopt(%d): %d value %d length %u\n", options[i], result,
		       value, length);
	}
	length = sizeof(value);
	printf("SO_RCVBUF positive: %d\n",
	       getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &value, &length) == 0 && value > 0);
	struct ucred credentials;
	length = sizeof(credentials);
	show("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &credentials, &length));
	printf("  pid is mine %d, uid %d, length %u\n",
	       credentials.pid == getpid(), (int)credentials.uid, length);
	length = 2;
	show("getsockopt, 2 bytes", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &value, &length));
	printf("  length %u\n", length);
	length = sizeof(value);
	show("getsockopt(unknown)", getsockopt(sv[0], SOL_SOCKET, 999, &value, &length));
	show("getsockopt(level 6)", getsockopt(sv[0], 6, 1, &value, &length));
	show("getsockopt(bad length)", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &value, (socklen_t *)16));
	value = 4096;
	show("setsockopt(SO_RCVBUF)", setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &value, sizeof(value)));
	show("setsockopt(SO_REUSEADDR)", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &value, sizeof(value)));
	show("setsockopt(short)", setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &value, 2));
	show("setsockopt(unknown)", setsockopt(sv[0], SOL_SOCKET, 999, &value, sizeof(value)));
	show("setsockopt(SO_TYPE)", setsockopt(sv[0], SOL_SOCKET, SO_TYPE, &value, sizeof(value)));
	show("setsockopt(level 6)", setsockopt(sv[0], 6, 1, &value, sizeof(value)));
	show("setsockopt(bad pointer)", setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, (void *)16, 4));
	struct timeval timeout = { 1, 0 };
	show("setsockopt(SO_RCVTIMEO)", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)));

	memset(&name, 0, sizeof(name));
	name.sun_family = AF_UNIX;
	strcpy(name.sun_path, "/nonexistent/socket");
	show("connect a connected one", connect(sv[0], (struct sockaddr *)&name, sizeof(name)));
	show("listen on a pair's end", listen(sv[0], 5));
	show("accept on a pair's end", accept(sv[0], NULL, NULL));
	show("accept4(bad flags)", accept4(sv[0], NULL, NULL, 0x1));
	close(sv[0]);
	close(sv[1]);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	name.sun_family = AF_UNIX;
	show("dgram sendto(no such path)",
	     sendto(sv[0], "x", 1, 0, (struct sockaddr *)&name, sizeof(name)));
	strcpy(name.sun_path, "/dev/null");
	show("dgram sendto(/dev/null)",
	     sendto(sv[0], "x", 1, 0, (struct sockaddr *)&name, sizeof(name)));
	strcpy(name.sun_path, "/nonexistent/socket");
	show("listen on a dgram end", listen(sv[0], 5));
	show("accept on a dgram end", accept(sv[0], NULL, NULL));
	close(sv[0]);
	close(sv[1]);

	int lone = socket(AF_UNIX, SOCK_STREAM, 0);
	show("socket(AF_UNIX)", lone >= 0);
	show("  connect(no such path)", connect(lone, (struct sockaddr *)&name, sizeof(name)));
	strcpy(name.sun_path, "/dev/null");
	show("  connect(/dev/null)", connect(lone, (struct sockaddr *)&name, sizeof(name)));
	name.sun_family = AF_INET;
	show("  connect(AF_INET address)", connect(lone, (struct sockaddr *)&name, sizeof(name)));
	show("  connect(short address)", connect(lone, (struct sockaddr *)&name, 1));
	show("  send, not connected", send(lone, "x", 1, MSG_NOSIGNAL));
	show("  recv, not connected", recv(lone, &value, 1, MSG_DONTWAIT));
	show("  shutdown, not connected", shutdown(lone, SHUT_WR));
	name_length = sizeof(name);
	show("  getpeername, not connected", getpeername(lone, (struct sockaddr *)&name, &name_length));
	struct pollfd polled = { lone, POLLIN | POLLOUT, 0 };
	show("  poll", poll(&polled, 1, 0));
	printf("  revents %#x\n", polled.revents);
	close(lone);
	show("socket(AF_UNIX, type 4)", socket(AF_UNIX, 4, 0));
}

static void readiness(void)
{
	int sv[2];
	char buffer[8];

	printf("readiness\n");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct pollfd polled[2] = { { sv[0], POLLIN | POLLOUT | POLLRDHUP, 0 },
				    { sv[1], POLLIN | POLLOUT | POLLRDHUP, 0 } };
	show("poll(idle pair)", poll(polled, 2, 0));
	printf("  revents %#x %#x\n", polled[0].revents, polled[1].revents);
	write(sv[0], "x", 1);
	show("poll(data one way)", poll(polled, 2, 0));
	printf("  revents %#x %#x\n", polled[0].revents, polled[1].revents);
	shutdown(sv[0], SHUT_WR);
	show("poll(after SHUT_WR)", poll(polled, 2, 0));
	printf("  revents %#x %#x\n", polled[0].revents, polled[1].revents);
	read(sv[1], buffer, sizeof(buffer));
	close(sv[0]);
	polled[0] = polled[1];
	show("poll(peer closed)", poll(polled, 1, 0));
	printf("  revents %#x\n", polled[0].revents);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	struct pollfd dgram = { sv[0], POLLIN | POLLOUT, 0 };
	show("poll(dgram)", poll(&dgram, 1, 0));
	printf("  revents %#x\n", dgram.revents);
	close(sv[0]);
	close(sv[1]);

	int epoll = epoll_create1(0);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	struct epoll_event event = { .events = EPOLLIN, .data.u32 = 7 }, got;
	show("epoll_ctl(ADD socket)", epoll_ctl(epoll, EPOLL_CTL_ADD, sv[1], &event));
	show("epoll_wait(nothing)", epoll_wait(epoll, &got, 1, 0));
	write(sv[0], "y", 1);
	show("epoll_wait(data)", epoll_wait(epoll, &got, 1, 100));
	printf("  events %#x data %u\n", got.events, got.data.u32);
	close(sv[0]);
	close(sv[1]);
	close(epoll);
}

static int stream[2];

static void *sender(void *arg)
{
	static unsigned char block[3000];
	struct timespec nap = { 0, 20 * 1000 * 1000 };

	(void)arg;
	nanosleep(&nap, NULL);
	send(stream[0], "late", 4, 0);
	for (unsigned i = 0; i < sizeof(block); i++)
		block[i] = (unsigned char)(i * 13);
	for (int i = 0; i < 350; i++)
		if (send(stream[0], block, sizeof(block), 0) != sizeof(block))
			printf("short send\n");
	shutdown(stream[0], SHUT_WR);
	return NULL;
}

static void threads(void)
{
	pthread_t thread;
	char buffer[4096];
	long total = 0, result;
	uint64_t sum = 0;

	printf("threads\n");
	socketpair(AF_UNIX, SOCK_STREAM, 0, stream);
	pthread_create(&thread, NULL, sender, NULL);
	show("recv blocks until the sender's first send", recv(stream[1], buffer, 4, MSG_WAITALL));
	while ((result = recv(stream[1], buffer, 1000, MSG_WAITALL)) > 0) {
		total += result;
		for (long i = 0; i < result; i++)
			sum = sum * 31 + (unsigned char)buffer[i];
	}
	pthread_join(thread, NULL);
	printf("  received %ld bytes, sum %016llx, last %ld\n", total,
	       (unsigned long long)sum, result);
	close(stream[0]);
	close(stream[1]);
}

static void *close_receiver(void *arg)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };

	(void)arg;
	nanosleep(&nap, NULL);
	close(stream[1]);
	return NULL;
}

/* A send of more than the peer can hold, waiting when the peer closes:
 * it returns what went in, and raises no SIGPIPE. */
static void send_cut_short(void)
{
	static char big[4 << 20];
	pthread_t thread;

	printf("a waiting send whose peer closes\n");
	signal(SIGPIPE, on_sigpipe);
	pipe_signals = 0;
	socketpair(AF_UNIX, SOCK_STREAM, 0, stream);
	pthread_create(&thread, NULL, close_receiver, NULL);
	long sent = send(stream[0], big, sizeof(big), 0);

	printf("  sent part of it: %d\n", sent > 0 && sent < (long)sizeof(big));
	printf("  SIGPIPE %d\n", (int)pipe_signals);
	show("  then a send", send(stream[0], "x", 1, 0));
	printf("  SIGPIPE %d\n", (int)pipe_signals);
	pthread_join(thread, NULL);
	close(stream[0]);
}

/* A named socket's address: a path in /tmp carrying the pid (so that the
 * host's parallel runs cannot meet), or an abstract name (a NUL first). */
static socklen_t named_address(struct sockaddr_un *address, const char *tag,
			       int abstract)
{
	memset(address, 0, sizeof(*address));
	address->sun_family = AF_UNIX;
	snprintf(address->sun_path + abstract, sizeof(address->sun_path) - 1,
		 "/tmp/wicket-sockets-%d-%s", (int)getpid(), tag);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract +
			   strlen(address->sun_path + abstract) + !abstract);
}

/* Whether a name the kernel gave is the one bound (the pid is not
 * printed). */
static void show_name(const char *label, const struct sockaddr_un *name,
		      socklen_t length, const struct sockaddr_un *bound,
		      socklen_t bound_length)
{
	printf("%s: the bound one %d\n", label,
	       length == bound_length && memcmp(name, bound, length) == 0);
}

static void *accept_later(void *arg)
{
	int server = *(int *)arg, accepted = accept(server, NULL, NULL);
	char buffer[16] = { 0 };

	recv(accepted, buffer, sizeof(buffer) - 1, 0);
	send(accepted, buffer, strlen(buffer), 0);
	close(accepted);
	return NULL;
}

static void named(void)
{
	struct sockaddr_un address, other, name;
	socklen_t length = named_address(&address, "stream", 0), name_length;
	int server = socket(AF_UNIX, SOCK_STREAM, 0);
	int client = socket(AF_UNIX, SOCK_STREAM, 0);
	char buffer[32] = { 0 };
	struct stat st;
	int value;
	socklen_t value_length = sizeof(value);

	printf("named sockets\n");
	unlink(address.sun_path);
	show("bind", bind(server, (struct sockaddr *)&address, length));
	show("bind again", bind(server, (struct sockaddr *)&address, length));
	show("bind the name to another", bind(client, (struct sockaddr *)&address, length));
	show("stat the file", stat(address.sun_path, &st));
	printf("  a socket %d, mode %o, rdev %lu, size %ld\n", S_ISSOCK(st.st_mode),
	       st.st_mode & 0777 & ~022, (unsigned long)st.st_rdev, (long)st.st_size);
	show("open it", open(address.sun_path, O_RDWR));
	name_length = sizeof(name);
	getsockname(server, (struct sockaddr *)&name, &name_length);
	show_name("getsockname", &name, name_length, &address, length);
	show("connect before listen", connect(client, (struct sockaddr *)&address, length));
	show("listen", listen(server, 1));
	getsockopt(server, SOL_SOCKET, SO_ACCEPTCONN, &value, &value_length);
	printf("  SO_ACCEPTCONN %d\n", value);
	struct pollfd polled = { server, POLLIN | POLLOUT, 0 };
	show("poll, nobody waiting", poll(&polled, 1, 0));
	show("connect", connect(client, (struct sockaddr *)&address, length));
	show("connect again", connect(client, (struct sockaddr *)&address, length));
	polled.revents = 0;
	show("poll, one waiting", poll(&polled, 1, 0));
	printf("  revents %#x\n", polled.revents);
	int dgram = socket(AF_UNIX, SOCK_DGRAM, 0);
	show("a dgram socket connects", connect(dgram, (struct sockaddr *)&address, length));
	close(dgram);
	name_length = sizeof(name);
	int accepted = accept4(server, (struct sockaddr *)&name, &name_length, SOCK_CLOEXEC);
	show("accept4", accepted >= 0);
	printf("  peer's name length %u, FD_CLOEXEC %d\n", (unsigned)name_length,
	       fcntl(accepted, F_GETFD));
	name_length = sizeof(name);
	getsockname(accepted, (struct sockaddr *)&name, &name_length);
	show_name("  its getsockname", &name, name_length, &address, length);
	name_length = sizeof(name);
	getpeername(client, (struct sockaddr *)&name, &name_length);
	show_name("  the client's getpeername", &name, name_length, &address, length);
	name_length = sizeof(name);
	show("  its getpeername", getpeername(accepted, (struct sockaddr *)&name, &name_length));
	printf("  length %u\n", (unsigned)name_length);
	show("send", send(client, "request", 7, 0));
	show("recv", recv(accepted, buffer, sizeof(buffer), 0));
	show("send back", send(accepted, "reply", 5, 0));
	memset(buffer, 0, sizeof(buffer));
	show("recv", recv(client, buffer, sizeof(buffer), 0));
	printf("  %s\n", buffer);
	fcntl(server, F_SETFL, O_NONBLOCK);
	show("accept, none waiting", accept(server, NULL, NULL));
	close(accepted);
	close(client);

	pthread_t thread;
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	fcntl(server, F_SETFL, 0);
	pthread_create(&thread, NULL, accept_later, &server);
	show("connect to a thread in accept", connect(client, (struct sockaddr *)&address, length));
	send(client, "echo", 4, 0);
	memset(buffer, 0, sizeof(buffer));
	show("  its echo", recv(client, buffer, sizeof(buffer), MSG_WAITALL));
	printf("  %s\n", buffer);
	pthread_join(thread, NULL);
	close(client);

	int waiting[3];
	for (int i = 0; i < 3; i++) {
		waiting[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		printf("connect %d with a backlog of 1: %s\n", i,
		       connect(waiting[i], (struct sockaddr *)&address, length)
			       ? strerror(errno) : "0");
	}
	close(server);
	show("recv after the listener closed", recv(waiting[0], buffer, 1, 0));
	show("  again", recv(waiting[0], buffer, 1, 0));
	for (int i = 0; i < 3; i++)
		close(waiting[i]);
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	show("connect once it closed", connect(client, (struct sockaddr *)&address, length));
	server = socket(AF_UNIX, SOCK_STREAM, 0);
	show("bind while the file is there", bind(server, (struct sockaddr *)&address, length));
	show("unlink it", unlink(address.sun_path));
	show("bind now", bind(server, (struct sockaddr *)&address, length));
	unlink(address.sun_path);
	show("connect once unlinked", connect(client, (struct sockaddr *)&address, length));
	close(server);
	close(client);

	socklen_t abstract = named_address(&other, "abstract", 1);
	server = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	client = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	show("bind an abstract name", bind(server, (struct sockaddr *)&other, abstract));
	show("listen", listen(server, 5));
	show("connect to it", connect(client, (struct sockaddr *)&other, abstract));
	accepted = accept(server, NULL, NULL);
	send(client, "one", 3, 0);
	send(client, "two", 3, 0);
	show("  a record", recv(accepted, buffer, sizeof(buffer), 0));
	name_length = sizeof(name);
	getsockname(server, (struct sockaddr *)&name, &name_length);
	show_name("  getsockname", &name, name_length, &other, abstract);
	int again = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	show("bind it again", bind(again, (struct sockaddr *)&other, abstract));
	struct sockaddr_un bare = { .sun_family = AF_UNIX };
	show("autobind", bind(again, (struct sockaddr *)&bare, sizeof(sa_family_t)));
	name_length = sizeof(name);
	getsockname(again, (struct sockaddr *)&name, &name_length);
	printf("  length %u, abstract %d\n", (unsigned)name_length, name.sun_path[0] == 0);
	close(again);
	close(accepted);
	close(client);
	close(server);

	length = named_address(&address, "dgram", 0);
	named_address(&other, "dgram-client", 0);
	unlink(address.sun_path);
	unlink(other.sun_path);
	server = socket(AF_UNIX, SOCK_DGRAM, 0);
	client = socket(AF_UNIX, SOCK_DGRAM, 0);
	show("dgram bind", bind(server, (struct sockaddr *)&address, length));
	show("sendto it", sendto(client, "hi", 2, 0, (struct sockaddr *)&address, length));
	name_length = sizeof(name);
	show("recvfrom", recvfrom(server, buffer, sizeof(buffer), 0,
				  (struct sockaddr *)&name, &name_length));
	printf("  from an unnamed one: length %u\n", (unsigned)name_length);
	socklen_t client_length = named_address(&other, "dgram-client", 0);
	bind(client, (struct sockaddr *)&other, client_length);
	sendto(client, "again", 5, 0, (struct sockaddr *)&address, length);
	name_length = sizeof(name);
	show("recvfrom a named one", recvfrom(server, buffer, sizeof(buffer), 0,
					      (struct sockaddr *)&name, &name_length));
	show_name("  from", &name, name_length, &other, client_length);
	show("connect", connect(client, (struct sockaddr *)&address, length));
	show("send", send(client, "x", 1, 0));
	show("the reply to its name", sendto(server, "y", 1, 0, (struct sockaddr *)&other, client_length));
	show("  arrives", recv(client, buffer, sizeof(buffer), 0));
	close(server);
	show("send once it closed", send(client, "x", 1, 0));
	show("send again", send(client, "x", 1, 0));
	close(client);
	unlink(address.sun_path);
	unlink(other.sun_path);
}

/* Sends 1-byte datagrams by name without waiting until one fails (at most
 * 100): how many went. */
static int fill_by_name(int fd, const struct sockaddr_un *address,
			socklen_t length)
{
	int count = 0;

	while (count < 100 && sendto(fd, "q", 1, MSG_DONTWAIT,
				     (const struct sockaddr *)address,
				     length) == 1)
		count++;
	return count;
}

/* A DGRAM end holding more than max_dgram_qlen's default (10) messages
 * takes no more from a sender it is not connected back to, and such a
 * sender connected to it polls unwritable; its own peer sends on. */
static void dgram_queue(void)
{
	struct sockaddr_un address, client_address;
	socklen_t length = named_address(&address, "queue", 0);
	socklen_t client_length = named_address(&client_address,
						"queue-client", 0);
	int server = socket(AF_UNIX, SOCK_DGRAM, 0);
	int client = socket(AF_UNIX, SOCK_DGRAM, 0);
	int other = socket(AF_UNIX, SOCK_DGRAM, 0);
	char buffer[8];
	int sv[2];

	printf("dgram queue\n");
	unlink(address.sun_path);
	unlink(client_address.sun_path);
	bind(server, (struct sockaddr *)&address, length);
	bind(client, (struct sockaddr *)&client_address, client_length);
	printf("  sent before the queue was full: %d\n",
	       fill_by_name(client, &address, length));
	show("  a send then", sendto(client, "q", 1, MSG_DONTWAIT,
				     (struct sockaddr *)&address, length));
	show("  another sender's", sendto(other, "q", 1, MSG_DONTWAIT,
					  (struct sockaddr *)&address, length));
	connect(client, (struct sockaddr *)&address, length);
	struct pollfd polled = { client, POLLOUT, 0 };
	show("  poll(POLLOUT) of a sender connected to it", poll(&polled, 1, 0));
	show("  one received", recv(server, buffer, sizeof(buffer), 0));
	show("  poll(POLLOUT) again", poll(&polled, 1, 0));
	show("  send", send(client, "q", 1, MSG_DONTWAIT));
	show("  send again", send(client, "q", 1, MSG_DONTWAIT));
	show("the receiver connects back",
	     connect(server, (struct sockaddr *)&client_address, client_length));
	printf("  its peer sends on: %d\n",
	       fill_by_name(client, &address, length));
	show("  another sender's", sendto(other, "q", 1, MSG_DONTWAIT,
					  (struct sockaddr *)&address, length));
	close(server);
	close(client);
	close(other);
	unlink(address.sun_path);
	unlink(client_address.sun_path);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int count = 0;

	while (count < 50 && send(sv[0], "q", 1, MSG_DONTWAIT) == 1)
		count++;
	printf("  a socketpair's end took %d\n", count);
	close(sv[0]);
	close(sv[1]);
}

static void nonblocking(void)
{
	static char page[4096];
	int sv[2];
	long total = 0, result;

	printf("nonblocking\n");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	while ((result = send(sv[0], page, sizeof(page), MSG_DONTWAIT)) > 0)
		total += result;
	int error = errno;

	show("filled with pages", total > 0);
	errno = error;
	show("  then a send", result);
	struct pollfd polled = { sv[0], POLLOUT, 0 };
	show("poll(POLLOUT) when full", poll(&polled, 1, 0));
	close(sv[0]);
	close(sv[1]);
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static volatile sig_atomic_t handled;

static void on_sigusr1(int signal)
{
	handled += signal == SIGUSR1;
}

/* A thread that signals `target` after 50 ms, then sends a byte to
 * `target_socket` (if not -1) 50 ms later. */
struct kick {
	pthread_t target;
	int target_socket;
};

static void *kicker(void *arg)
{
	const struct kick *kick = arg;
	struct timespec nap = { 0, 50 * 1000 * 1000 };

	nanosleep(&nap, NULL);
	pthread_kill(kick->target, SIGUSR1);
	if (kick->target_socket >= 0) {
		nanosleep(&nap, NULL);
		send(kick->target_socket, "z", 1, 0);
	}
	return NULL;
}

static struct kick kick;
static pthread_t kick_thread;

static void kick_later(int target_socket)
{
	kick.target = pthread_self();
	kick.target_socket = target_socket;
	pthread_create(&kick_thread, NULL, kicker, &kick);
}

static void show_timeout(const char *label, int fd, int option)
{
	struct timeval time = { -5, -5 };
	socklen_t length = sizeof(time);

	show(label, getsockopt(fd, SOL_SOCKET, option, &time, &length));
	printf("  %ld.%06ld, length %u\n", (long)time.tv_sec,
	       (long)time.tv_usec, length);
}

static int set_timeout(int fd, int option, long seconds, long microseconds)
{
	struct timeval time = { seconds, microseconds };

	return setsockopt(fd, SOL_SOCKET, option, &time, sizeof(time));
}

/* A call that should wait its timeout (100 ms) out: its answer, and
 * whether it waited that long. */
static void show_timed(const char *label, double started, long result)
{
	int error = errno;
	double waited = now() - started;

	errno = error;
	show(label, result);
	printf("  waited the timeout out: %d\n", waited >= 0.09);
}

/* SO_RCVTIMEO and SO_SNDTIMEO: their values, and the waits they end. */
static void timeouts(void)
{
	static char big[1 << 22];
	struct sigaction action = { .sa_handler = on_sigusr1,
				    .sa_flags = SA_RESTART };
	int sv[2];
	char buffer[16];
	double started;

	printf("timeouts\n");
	sigaction(SIGUSR1, &action, NULL);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	show_timeout("SO_RCVTIMEO at first", sv[0], SO_RCVTIMEO);
	show("set 0.1 s", set_timeout(sv[0], SO_RCVTIMEO, 0, 100000));
	show_timeout("  SO_RCVTIMEO", sv[0], SO_RCVTIMEO);
	show("set 2 s", set_timeout(sv[0], SO_SNDTIMEO, 2, 0));
	show_timeout("  SO_SNDTIMEO", sv[0], SO_SNDTIMEO);
	show_timeout("  SO_RCVTIMEO unchanged", sv[0], SO_RCVTIMEO);
	show("set 1 us", set_timeout(sv[1], SO_RCVTIMEO, 0, 1));
	struct timeval time = { 0, 0 };
	socklen_t length = sizeof(time);
	getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &time, &length);
	printf("  a little: %d\n", time.tv_sec == 0 && time.tv_usec > 0 &&
				       time.tv_usec <= 10000);
	show("set 1000000 us", set_timeout(sv[1], SO_RCVTIMEO, 0, 1000000));
	show("set -1 us", set_timeout(sv[1], SO_RCVTIMEO, 0, -1));
	time = (struct timeval){ 1, 0 };
	show("set, 8 bytes", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &time, 8));
	show("set, bad pointer", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO,
					    (void *)16, sizeof(time)));
	length = 8;
	show("get into 8 bytes", getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &time, &length));
	printf("  length %u, seconds %ld\n", length, (long)time.tv_sec);
	show("set -1 s", set_timeout(sv[1], SO_RCVTIMEO, -1, 0));
	show_timeout("  SO_RCVTIMEO", sv[1], SO_RCVTIMEO);
	started = now();
	show("  recv never waits", recv(sv[1], buffer, 1, 0));
	printf("  at once: %d\n", now() - started < 0.05);
	show("set 0 s", set_timeout(sv[1], SO_RCVTIMEO, 0, 0));

	started = now();
	show_timed("recv, nothing comes", started, recv(sv[0], buffer, 1, 0));
	send(sv[1], "abc", 3, 0);
	started = now();
	show_timed("recv MSG_WAITALL, 3 of 10 come", started,
		   recv(sv[0], buffer, 10, MSG_WAITALL));
	set_timeout(sv[0], SO_RCVTIMEO, 2, 0);
	handled = 0;
	kick_later(-1);
	show("a handler (SA_RESTART) ends a recv with a timeout",
	     recv(sv[0], buffer, 1, 0));
	pthread_join(kick_thread, NULL);
	printf("  handled %d\n", (int)handled);
	send(sv[1], "abc", 3, 0);
	kick_later(-1);
	show("  one with MSG_WAITALL that took 3", recv(sv[0], buffer, 10, MSG_WAITALL));
	pthread_join(kick_thread, NULL);
	set_timeout(sv[0], SO_RCVTIMEO, 0, 0);
	kick_later(sv[1]);
	show("a handler (SA_RESTART) restarts a recv without one",
	     recv(sv[0], buffer, 1, 0));
	pthread_join(kick_thread, NULL);
	printf("  handled %d\n", (int)handled);

	set_timeout(sv[1], SO_SNDTIMEO, 0, 100000);
	started = now();
	long sent = send(sv[1], big, sizeof(big), 0);
	show_timed("send more than fits", started, sent > 0 && sent < (long)sizeof(big));
	started = now();
	show_timed("send to a full peer", started, send(sv[1], big, 10, 0));
	set_timeout(sv[1], SO_SNDTIMEO, 2, 0);
	kick_later(-1);
	show("a handler (SA_RESTART) ends it", send(sv[1], big, 10, 0));
	pthread_join(kick_thread, NULL);
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	set_timeout(sv[0], SO_SNDTIMEO, 0, 100000);
	long count = 0;
	while (send(sv[0], "x", 1, MSG_DONTWAIT) == 1)
		count++;
	printf("dgram: filled %d\n", count > 0);
	started = now();
	show_timed("  send to a full peer", started, send(sv[0], "x", 1, 0));
	close(sv[0]);
	close(sv[1]);

	struct sockaddr_un address;
	socklen_t address_length = named_address(&address, "timeouts", 1);
	int server = socket(AF_UNIX, SOCK_STREAM, 0), clients[3];

	bind(server, (struct sockaddr *)&address, address_length);
	listen(server, 0);
	set_timeout(server, SO_RCVTIMEO, 0, 100000);
	started = now();
	show_timed("accept, nobody comes", started, accept(server, NULL, NULL));
	set_timeout(server, SO_RCVTIMEO, 2, 0);
	kick_later(-1);
	show("  a handler (SA_RESTART) ends it", accept(server, NULL, NULL));
	pthread_join(kick_thread, NULL);
	for (int i = 0; i < 3; i++) {
		clients[i] = socket(AF_UNIX, SOCK_STREAM, 0);
		set_timeout(clients[i], SO_SNDTIMEO, 0, 100000);
	}
	show("connect, backlog 0", connect(clients[0], (struct sockaddr *)&address, address_length));
	started = now();
	show_timed("connect to a full backlog", started,
		   connect(clients[1], (struct sockaddr *)&address, address_length));
	set_timeout(clients[2], SO_SNDTIMEO, 2, 0);
	kick_later(-1);
	show("  a handler (SA_RESTART) ends it",
	     connect(clients[2], (struct sockaddr *)&address, address_length));
	pthread_join(kick_thread, NULL);
	for (int i = 0; i < 3; i++)
		close(clients[i]);
	close(server);
	signal(SIGUSR1, SIG_DFL);
}

/* Control messages: what recvmsg got, printed so that the host's and
 * Wicket's runs match (ids as "mine", descriptors as whether they are
 * the lowest free ones); the descriptors received are closed after. */
static int received_fds[512], received_count;

static const char *id_name(long id, long mine, char *text)
{
	if (id == mine)
		return "mine";
	sprintf(text, "%ld", id);
	return text;
}

/* The `count` lowest free descriptors, into `lowest`. */
static void lowest_free(int *lowest, int count)
{
	for (int fd = 0, found = 0; found < count; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			lowest[found++] = fd;
	errno = 0;
}

static void show_control(struct msghdr *message, const int *lowest)
{
	char pid[16], uid[16], gid[16];

	for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(message); cmsg;
	     cmsg = CMSG_NXTHDR(message, cmsg)) {
		printf("  level %d type %d length %zu", cmsg->cmsg_level,
		       cmsg->cmsg_type, (size_t)cmsg->cmsg_len);
		if (cmsg->cmsg_level == SOL_SOCKET &&
		    cmsg->cmsg_type == SCM_CREDENTIALS &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred credentials;

			memcpy(&credentials, CMSG_DATA(cmsg), sizeof(credentials));
			printf(": pid %s uid %s gid %s",
			       id_name(credentials.pid, getpid(), pid),
			       id_name(credentials.uid, getuid(), uid),
			       id_name(credentials.gid, getgid(), gid));
		}
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
			int count = (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			int at_lowest = 1, close_on_exec = 0;

			for (int i = 0; i < count; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(fd));
				at_lowest &= i < 300 && fd == lowest[i];
				close_on_exec += (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
				received_fds[received_count++] = fd;
			}
			printf(": %d descriptors, the lowest free %d, close-on-exec %d",
			       count, at_lowest, close_on_exec);
		}
		printf("\n");
	}
}

static void close_received(void)
{
	for (int i = 0; i < received_count; i++)
		close(received_fds[i]);
	received_count = 0;
}

/* recvmsg into `size` bytes and `room` bytes of control (-1: none), and
 * what came. */
static long receive_shown(const char *label, int fd, size_t size, long room,
			  int flags)
{
	static char control[CMSG_SPACE(300 * sizeof(int)) + 64];
	static int lowest[300];
	char bytes[64] = { 0 };
	struct iovec piece = { bytes, size };
	struct msghdr message = { .msg_iov = &piece, .msg_iovlen = 1 };

	memset(control, 0, sizeof(control));
	if (room >= 0) {
		message.msg_control = control;
		message.msg_controllen = (size_t)room;
	}
	lowest_free(lowest, 300);
	long result = recvmsg(fd, &message, flags);
	int error = errno;

	printf("%s: ", label);
	errno = error;
	show("", result);
	if (result < 0)
		return result;
	printf("  bytes '%.*s' flags %#x control length %zu\n", (int)result,
	       bytes, message.msg_flags, (size_t)message.msg_controllen);
	show_control(&message, lowest);
	return result;
}

/* sendmsg as the system call (musl's copies the control messages into a
 * buffer of its own, 1024 bytes at most, before Linux sees them). */
static long raw_sendmsg(int fd, const struct msghdr *message, int flags)
{
	return syscall(SYS_sendmsg, fd, message, flags);
}

/* sendmsg of `bytes` with `count` descriptors (-1: no SCM_RIGHTS) and
 * the credentials (NULL: none). */
static long send_with(int fd, const char *bytes, const int *fds, int count,
		      const struct ucred *credentials, int flags)
{
	static char control[CMSG_SPACE(sizeof(struct ucred)) +
			    CMSG_SPACE(300 * sizeof(int))];
	struct iovec piece = { (void *)bytes, strlen(bytes) };
	struct msghdr message = { .msg_iov = &piece, .msg_iovlen = 1,
				  .msg_control = control };
	size_t length = 0;

	/* Zeros in musl's padding of cmsg_len, which Linux reads whole. */
	memset(control, 0, sizeof(control));
	message.msg_controllen = sizeof(control);
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
	if (credentials) {
		cmsg->cmsg_len = CMSG_LEN(sizeof(*credentials));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_CREDENTIALS;
		memcpy(CMSG_DATA(cmsg), credentials, sizeof(*credentials));
		length += CMSG_SPACE(sizeof(*credentials));
		cmsg = (struct cmsghdr *)(control + length);
	}
	if (count >= 0) {
		cmsg->cmsg_len = CMSG_LEN(count * sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), fds, count * sizeof(int));
		length += CMSG_SPACE(count * sizeof(int));
	}
	message.msg_controllen = length;
	if (length == 0)
		message.msg_control = NULL;
	return raw_sendmsg(fd, &message, flags);
}

static int passes_credentials(int fd)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
}

static void show_peer_credentials(const char *label, int fd)
{
	struct ucred credentials = { -5, 5, 5 };
	socklen_t length = sizeof(credentials);
	char pid[16], uid[16], gid[16];

	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length);
	printf("%s: pid %s uid %s gid %s, length %u\n", label,
	       id_name(credentials.pid, getpid(), pid),
	       credentials.uid == (uid_t)-1 ? "-1" : id_name(credentials.uid, getuid(), uid),
	       credentials.gid == (gid_t)-1 ? "-1" : id_name(credentials.gid, getgid(), gid),
	       length);
}

static void show_own_name(const char *label, int fd)
{
	struct sockaddr_un name;
	socklen_t length = sizeof(name);

	getsockname(fd, (struct sockaddr *)&name, &length);
	printf("%s: name length %u, abstract %d\n", label, length,
	       length > 2 && name.sun_path[0] == 0);
}

/* SO_PASSCRED, SCM_CREDENTIALS and SO_PEERCRED. */
static void credentials(int type)
{
	int sv[2], value = -1;
	socklen_t length = sizeof(value);

	printf("credentials, %s\n", type_name(type));
	socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv);
	getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &value, &length);
	printf("SO_PASSCRED at first %d\n", value);
	send(sv[0], "ab", 2, 0);
	show("set SO_PASSCRED", passes_credentials(sv[1]));
	getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &value, &length);
	printf("  SO_PASSCRED %d\n", value);
	send(sv[0], "cd", 2, 0);
	receive_shown("sent before", sv[1], 10, 64, 0);
	receive_shown("sent after", sv[1], 10, 64, 0);
	send(sv[0], "ef", 2, 0);
	receive_shown("no control", sv[1], 10, -1, 0);
	send(sv[0], "ef", 2, 0);
	receive_shown("control of 20 bytes", sv[1], 10, 20, 0);
	send(sv[0], "ef", 2, 0);
	receive_shown("control of 16 bytes", sv[1], 10, 16, 0);
	send(sv[0], "ef", 2, 0);
	receive_shown("control of 10 bytes", sv[1], 10, 10, 0);
	receive_shown("nothing there", sv[1], 10, 64, 0);
	struct ucred mine = { getpid(), getuid(), getgid() }, given = mine;
	show("SCM_CREDENTIALS, mine", send_with(sv[0], "g", NULL, -1, &given, 0));
	receive_shown("  received", sv[1], 10, 64, 0);
	given.uid = (uid_t)-1;
	show("SCM_CREDENTIALS, uid -1", send_with(sv[0], "g", NULL, -1, &given, 0));
	given = mine;
	given.gid = (gid_t)-1;
	show("SCM_CREDENTIALS, gid -1", send_with(sv[0], "g", NULL, -1, &given, 0));
	given = mine;
	given.pid = 0;
	show("SCM_CREDENTIALS, pid 0", send_with(sv[0], "g", NULL, -1, &given, 0));
	given.pid = 0x3ffffff0;
	show("SCM_CREDENTIALS, pid of nobody", send_with(sv[0], "g", NULL, -1, &given, 0));
	given.pid = (pid_t)syscall(SYS_gettid);
	show("SCM_CREDENTIALS, my tid", send_with(sv[0], "g", NULL, -1, &given, 0));
	receive_shown("  received", sv[1], 10, 64, 0);
	shutdown(sv[0], SHUT_WR);
	receive_shown("after SHUT_WR", sv[1], 10, 64, 0);
	close(sv[0]);
	close(sv[1]);

	/* The sender's SO_PASSCRED alone attaches them. */
	socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv);
	passes_credentials(sv[0]);
	send(sv[0], "h", 1, 0);
	passes_credentials(sv[1]);
	receive_shown("the sender passed them", sv[1], 10, 64, 0);
	close(sv[0]);
	close(sv[1]);
}

/* Control messages as sendmsg checks them. */
static void control_checks(void)
{
	char control[CMSG_SPACE(sizeof(struct ucred))] = { 0 };
	struct ucred mine = { getpid(), getuid(), getgid() };
	struct iovec piece = { "y", 1 };
	struct msghdr message = { .msg_iov = &piece, .msg_iovlen = 1,
				  .msg_control = control,
				  .msg_controllen = sizeof(control) };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
	int sv[2];
	char buffer[8];

	printf("control messages\n");
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv);
	cmsg->cmsg_len = CMSG_LEN(sizeof(mine));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_CREDENTIALS;
	memcpy(CMSG_DATA(cmsg), &mine, sizeof(mine));
	cmsg->cmsg_len = CMSG_LEN(8);
	show("SCM_CREDENTIALS of 8 bytes", raw_sendmsg(sv[0], &message, 0));
	cmsg->cmsg_len = CMSG_LEN(sizeof(mine));
	cmsg->cmsg_type = 99;
	show("type 99", raw_sendmsg(sv[0], &message, 0));
	cmsg->cmsg_level = 0;
	show("level 0 (skipped)", raw_sendmsg(sv[0], &message, 0));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_CREDENTIALS;
	message.msg_controllen = 5;
	show("control of 5 bytes (no message)", raw_sendmsg(sv[0], &message, 0));
	message.msg_controllen = sizeof(control);
	cmsg->cmsg_len = 100;
	show("a message longer than the control", raw_sendmsg(sv[0], &message, 0));
	cmsg->cmsg_len = 4;
	show("a message shorter than its header", raw_sendmsg(sv[0], &message, 0));
	cmsg->cmsg_len = CMSG_LEN(sizeof(mine));
	message.msg_control = (void *)16;
	show("bad control", raw_sendmsg(sv[0], &message, 0));
	static char huge[1 << 20];
	message.msg_control = huge;
	message.msg_controllen = sizeof(huge);
	show("control of 1 MiB", raw_sendmsg(sv[0], &message, 0));
	while (recv(sv[1], buffer, sizeof(buffer), 0) > 0)
		;
	close(sv[0]);
	close(sv[1]);

	/* SO_PEERCRED. */
	struct sockaddr_un address;
	socklen_t length = named_address(&address, "credentials", 1);
	int lone = socket(AF_UNIX, SOCK_STREAM, 0);
	show_peer_credentials("SO_PEERCRED, unconnected", lone);
	bind(lone, (struct sockaddr *)&address, length);
	listen(lone, 5);
	show_peer_credentials("  listening", lone);
	int client = socket(AF_UNIX, SOCK_STREAM, 0);
	show_own_name("a client without SO_PASSCRED connects", client);
	connect(client, (struct sockaddr *)&address, length);
	show_own_name("  then", client);
	show_peer_credentials("  its SO_PEERCRED", client);
	send(client, "before accept", 13, 0);
	int accepted = accept(lone, NULL, NULL);
	show_peer_credentials("  the accepted one's", accepted);
	send(client, "after", 5, 0);
	passes_credentials(accepted);
	receive_shown("a send before accept (credentials)", accepted, 13, 64, 0);
	receive_shown("  one after (none)", accepted, 13, 64, 0);
	close(client);
	close(accepted);
	passes_credentials(lone);
	client = socket(AF_UNIX, SOCK_STREAM, 0);
	passes_credentials(client);
	connect(client, (struct sockaddr *)&address, length);
	show_own_name("a client with SO_PASSCRED connects", client);
	accepted = accept(lone, NULL, NULL);
	int value = -1;
	socklen_t value_length = sizeof(value);
	getsockopt(accepted, SOL_SOCKET, SO_PASSCRED, &value, &value_length);
	printf("  the accepted one has the listener's SO_PASSCRED: %d\n", value);
	close(client);
	close(accepted);
	close(lone);

	int dgram = socket(AF_UNIX, SOCK_DGRAM, 0);
	show_peer_credentials("dgram SO_PEERCRED", dgram);
	int server = socket(AF_UNIX, SOCK_DGRAM, 0);
	length = named_address(&address, "credentials-dgram", 1);
	bind(server, (struct sockaddr *)&address, length);
	passes_credentials(dgram);
	struct sockaddr unspecified = { AF_UNSPEC };
	connect(dgram, &unspecified, sizeof(unspecified));
	show_own_name("dgram with SO_PASSCRED, after connect(AF_UNSPEC)", dgram);
	sendto(dgram, "x", 1, 0, (struct sockaddr *)&address, length);
	show_own_name("  after sendto", dgram);
	close(dgram);
	dgram = socket(AF_UNIX, SOCK_DGRAM, 0);
	passes_credentials(dgram);
	connect(dgram, (struct sockaddr *)&address, length);
	show_own_name("  another, after connect", dgram);
	show_peer_credentials("  its SO_PEERCRED", dgram);
	close(dgram);
	close(server);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	passes_credentials(sv[0]);
	show_own_name("a pair's dgram end with SO_PASSCRED", sv[0]);
	send(sv[0], "x", 1, 0);
	show_own_name("  after send", sv[0]);
	close(sv[0]);
	close(sv[1]);
}

static int socket_error(int fd)
{
	int error = -1;
	socklen_t length = sizeof(error);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
	return error;
}

/* A DGRAM end leaves its peer: connect(AF_UNSPEC), or to another. */
static void dgram_disconnect(void)
{
	struct sockaddr unspecified = { AF_UNSPEC };
	struct sockaddr_un address, other;
	socklen_t length = sizeof(address), other_length;
	int sv[2];
	char buffer[8];

	printf("dgram disconnect\n");
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv);
	send(sv[1], "x", 1, 0);
	show("connect(AF_UNSPEC), 1 byte", connect(sv[0], &unspecified, 1));
	show("connect(AF_UNSPEC), 0 bytes", connect(sv[0], &unspecified, 0));
	show("connect(AF_UNSPEC), 2 bytes", connect(sv[0], &unspecified, 2));
	show("  its unread message is gone", recv(sv[0], buffer, sizeof(buffer), 0));
	int error = socket_error(sv[1]);
	printf("  the peer's SO_ERROR %d, then %d\n", error, socket_error(sv[1]));
	show("  send", send(sv[0], "y", 1, 0));
	show("  getpeername", getpeername(sv[0], (struct sockaddr *)&address, &length));
	show("  the peer still sends to it", send(sv[1], "z", 1, 0));
	show("  and it comes", recv(sv[0], buffer, sizeof(buffer), 0));
	show("connect(AF_UNSPEC) again", connect(sv[0], &unspecified, sizeof(unspecified)));
	show("  bad address", connect(sv[0], (struct sockaddr *)16, 16));
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv);
	send(sv[0], "w", 1, 0);
	show("connect(AF_UNSPEC) with nothing unread", connect(sv[0], &unspecified, sizeof(unspecified)));
	printf("  the peer's SO_ERROR %d\n", socket_error(sv[1]));
	show("  the peer receives", recv(sv[1], buffer, sizeof(buffer), 0));
	close(sv[0]);
	close(sv[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	show("a stream's connect(AF_UNSPEC)", connect(sv[0], &unspecified, sizeof(unspecified)));
	close(sv[0]);
	close(sv[1]);
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	show("a seqpacket's", connect(sv[0], &unspecified, sizeof(unspecified)));
	close(sv[0]);
	close(sv[1]);

	struct sockaddr_un third;
	socklen_t third_length = named_address(&third, "leave-c", 1);
	length = named_address(&address, "leave-a", 1);
	other_length = named_address(&other, "leave-b", 1);
	int a = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int b = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int c = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	bind(a, (struct sockaddr *)&address, length);
	bind(b, (struct sockaddr *)&other, other_length);
	bind(c, (struct sockaddr *)&third, third_length);
	show("c connects to a", connect(c, (struct sockaddr *)&address, length));
	show("c sends to a", send(c, "1", 1, 0));
	show("a to b", connect(a, (struct sockaddr *)&other, other_length));
	show("b to a", connect(b, (struct sockaddr *)&address, length));
	show("c to b, connected to a", connect(c, (struct sockaddr *)&other, other_length));
	show("c sends to b", sendto(c, "0", 1, 0, (struct sockaddr *)&other, other_length));
	show("c sends to a", send(c, "2", 1, 0));
	show("a connects to c", connect(a, (struct sockaddr *)&third, third_length));
	show("  its unread message is gone", recv(a, buffer, sizeof(buffer), 0));
	printf("  SO_ERROR of its old peer %d, of c %d\n", socket_error(b),
	       socket_error(c));
	show("a connects to c again", connect(a, (struct sockaddr *)&third, third_length));
	close(a);
	close(b);
	close(c);
}

static int pipe_state(int fd)
{
	char byte;
	int result = (int)read(fd, &byte, 1);

	return result < 0 ? -errno : result;
}

/* SCM_RIGHTS: descriptors passed within the process. */
static void passing(int type)
{
	int sv[2], fds[2], many[300];
	struct ucred mine = { getpid(), getuid(), getgid() };
	char buffer[8];

	printf("descriptor passing, %s\n", type_name(type));
	pipe2(fds, O_NONBLOCK);
	socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv);
	send(sv[0], "aa", 2, 0);
	show("send bb with two", send_with(sv[0], "bb", fds, 2, NULL, 0));
	send(sv[0], "cc", 2, 0);
	receive_shown("receive", sv[1], 10, 64, 0);
	receive_shown("receive", sv[1], 10, 64, 0);
	receive_shown("receive", sv[1], 10, 64, 0);
	close_received();
	send_with(sv[0], "bb", fds, 2, NULL, 0);
	send(sv[0], "cc", 2, 0);
	send_with(sv[0], "dd", fds, 1, NULL, 0);
	receive_shown("peek 1", sv[1], 1, 64, MSG_PEEK);
	receive_shown("receive 1, MSG_CMSG_CLOEXEC", sv[1], 1, 64, MSG_CMSG_CLOEXEC);
	receive_shown("receive", sv[1], 10, 64, 0);
	receive_shown("receive", sv[1], 10, 64, 0);
	if (type != SOCK_STREAM)
		receive_shown("receive", sv[1], 10, 64, 0);
	close_received();

	int three[3] = { fds[1], fds[1], fds[1] };
	send_with(sv[0], "ee", three, 3, NULL, 0);
	receive_shown("room for 2 of 3", sv[1], 10, CMSG_SPACE(2 * sizeof(int)), 0);
	send_with(sv[0], "ee", three, 3, NULL, 0);
	receive_shown("room for 1 and 2 bytes", sv[1], 10, CMSG_LEN(sizeof(int)) + 2, 0);
	send_with(sv[0], "ee", three, 3, NULL, 0);
	receive_shown("room for a header", sv[1], 10, 16, 0);
	send_with(sv[0], "ee", three, 3, NULL, 0);
	receive_shown("no control", sv[1], 10, -1, 0);
	close_received();

	int bad[2] = { fds[1], 999 };
	show("send with a closed descriptor", send_with(sv[0], "ff", bad, 2, NULL, 0));
	bad[1] = -1;
	show("send with -1", send_with(sv[0], "ff", bad, 2, NULL, 0));
	for (int i = 0; i < 300; i++)
		many[i] = fds[1];
	show("send with 253", send_with(sv[0], "gg", many, 253, NULL, 0));
	show("send with 254", send_with(sv[0], "gg", many, 254, NULL, 0));
	receive_shown("receive 253", sv[1], 10, CMSG_SPACE(300 * sizeof(int)), 0);
	close_received();
	show("send with none", send_with(sv[0], "hh", many, 0, NULL, 0));
	receive_shown("receive", sv[1], 10, 64, 0);

	/* A passed descriptor is the file itself. */
	send_with(sv[0], "i", &fds[1], 1, NULL, 0);
	receive_shown("receive a pipe's write end", sv[1], 10, 64, 0);
	write(received_fds[0], "!", 1);
	show("  what went through it", pipe_state(fds[0]));
	close_received();

	/* Descriptors nobody receives are closed. */
	int other[2];
	pipe2(other, O_NONBLOCK);
	send_with(sv[0], "j", &other[1], 1, NULL, 0);
	close(other[1]);
	show("a pipe whose write end is in flight", pipe_state(other[0]));
	recv(sv[1], buffer, sizeof(buffer), 0);
	show("  once recv (no control) took it", pipe_state(other[0]));
	close(other[0]);
	pipe2(other, O_NONBLOCK);
	send_with(sv[0], "k", &other[1], 1, NULL, 0);
	close(other[1]);
	close(sv[1]);
	show("  once the receiver closed", pipe_state(other[0]));
	close(other[0]);
	close(sv[0]);

	/* Credentials and descriptors together. */
	socketpair(AF_UNIX, type | SOCK_NONBLOCK, 0, sv);
	passes_credentials(sv[1]);
	show("send both", send_with(sv[0], "l", fds, 1, &mine, 0));
	receive_shown("receive", sv[1], 10, 128, 0);
	send_with(sv[0], "m", fds, 1, NULL, 0);
	receive_shown("room for the credentials alone", sv[1], 10,
		      CMSG_SPACE(sizeof(struct ucred)) + CMSG_LEN(0), 0);
	close_received();

	/* Bad control buffers, and one that ends before its length says. */
	pipe2(other, O_NONBLOCK);
	send_with(sv[0], "m", &other[1], 1, NULL, 0);
	close(other[1]);
	struct iovec piece = { buffer, sizeof(buffer) };
	struct msghdr message = { .msg_iov = &piece, .msg_iovlen = 1,
				  .msg_control = (void *)16,
				  .msg_controllen = 64 };
	show("recvmsg into a bad control buffer", recvmsg(sv[1], &message, 0));
	printf("  flags %#x, control length %zu\n", message.msg_flags,
	       (size_t)message.msg_controllen);
	show("  the descriptor was closed", pipe_state(other[0]));
	close(other[0]);
	char *pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(pages + 4096, 4096, PROT_NONE);
	send_with(sv[0], "m", fds, 1, NULL, 0);
	message.msg_control = pages + 4096 - 64;
	message.msg_controllen = 1 << 20;
	show("recvmsg into 64 bytes said to be 1 MiB", recvmsg(sv[1], &message, 0));
	printf("  flags %#x, control length %zu\n", message.msg_flags,
	       (size_t)message.msg_controllen);
	/* The control length is what was written now. */
	for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message); cmsg;
	     cmsg = CMSG_NXTHDR(&message, cmsg)) {
		printf("  type %d length %zu\n", cmsg->cmsg_type, (size_t)cmsg->cmsg_len);
		if (cmsg->cmsg_type == SCM_RIGHTS)
			close(*(int *)CMSG_DATA(cmsg));
	}
	munmap(pages, 8192);

	/* MSG_WAITALL stops with descriptors, and where credentials change. */
	if (type == SOCK_STREAM) {
		fcntl(sv[1], F_SETFL, 0);
		send_with(sv[0], "wx", fds, 1, NULL, 0);
		send(sv[0], "yz", 2, 0);
		receive_shown("MSG_WAITALL", sv[1], 10, 64, MSG_WAITALL);
		receive_shown("  the rest", sv[1], 2, 64, MSG_WAITALL);
		close_received();
		int plain[2];
		socketpair(AF_UNIX, SOCK_STREAM, 0, plain);
		send(plain[0], "ab", 2, 0);
		passes_credentials(plain[1]);
		send(plain[0], "cd", 2, 0);
		receive_shown("MSG_WAITALL over a change of credentials", plain[1], 10, 64, MSG_WAITALL);
		close(plain[0]);
		close(plain[1]);
		fcntl(sv[1], F_SETFL, O_NONBLOCK);
	}

	/* An empty send with descriptors. */
	show("send nothing with one", send_with(sv[0], "", fds, 1, NULL, 0));
	send(sv[0], "n", 1, 0);
	receive_shown("receive", sv[1], 10, 64, 0);
	if (type != SOCK_STREAM)
		receive_shown("receive", sv[1], 10, 64, 0);
	close_received();

	/* An O_PATH descriptor, and a socket passed and used. */
	int path = open("/tmp", O_PATH);
	send_with(sv[0], "o", &path, 1, NULL, 0);
	receive_shown("receive an O_PATH descriptor", sv[1], 10, 64, 0);
	printf("  O_PATH %d\n", received_count && (fcntl(received_fds[0], F_GETFL) & O_PATH) != 0);
	close_received();
	close(path);
	int pair[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
	send_with(sv[0], "p", &pair[0], 1, NULL, 0);
	close(pair[0]);
	receive_shown("receive a socket", sv[1], 10, 64, 0);
	show("  send through it", received_count ? send(received_fds[0], "q", 1, 0) : -1);
	show("  received", recv(pair[1], buffer, sizeof(buffer), 0));
	close_received();
	close(pair[1]);

	/* Too few descriptors free. */
	struct rlimit limit, low;
	int lowest[2];
	send_with(sv[0], "r", three, 3, NULL, 0);
	lowest_free(lowest, 2);
	getrlimit(RLIMIT_NOFILE, &limit);
	low = (struct rlimit){ (rlim_t)lowest[1] + 1, limit.rlim_max };
	setrlimit(RLIMIT_NOFILE, &low);
	receive_shown("receive 3 with 2 descriptors free", sv[1], 10, 64, 0);
	setrlimit(RLIMIT_NOFILE, &limit);
	close_received();
	close(sv[0]);
	close(sv[1]);

	/* A socket passed through itself, and two through each other, then
	 * closed: Linux's collector frees them. */
	int freed = 0;
	for (int i = 0; i < 400; i++) {
		if (socketpair(AF_UNIX, type, 0, sv))
			break;
		freed += send_with(sv[0], "s", &sv[1], 1, NULL, 0) == 1;
		close(sv[0]);
		close(sv[1]);
	}
	printf("a socket through itself, closed: %d times\n", freed);
	freed = 0;
	for (int i = 0; i < 400; i++) {
		int a[2], b[2];

		if (socketpair(AF_UNIX, type, 0, a))
			break;
		if (socketpair(AF_UNIX, type, 0, b)) {
			close(a[0]);
			close(a[1]);
			break;
		}
		freed += send_with(a[0], "t", &b[0], 1, NULL, 0) == 1 &&
			 send_with(b[0], "u", &a[0], 1, NULL, 0) == 1;
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
	}
	printf("two through each other, closed: %d times\n", freed);
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	creation();
	stream_basics(SOCK_STREAM);
	stream_basics(SOCK_SEQPACKET);
	stream_basics(SOCK_DGRAM);
	records(SOCK_SEQPACKET);
	records(SOCK_DGRAM);
	ends_and_errors(SOCK_STREAM);
	ends_and_errors(SOCK_SEQPACKET);
	names_and_options();
	readiness();
	threads();
	send_cut_short();
	named();
	dgram_queue();
	nonblocking();
	timeouts();
	credentials(SOCK_STREAM);
	credentials(SOCK_SEQPACKET);
	credentials(SOCK_DGRAM);
	control_checks();
	dgram_disconnect();
	passing(SOCK_STREAM);
	passing(SOCK_SEQPACKET);
	passing(SOCK_DGRAM);
	return 0;
}
