/*
 * AF_UNIX sockets (differential): socketpair of each type, the calls on
 * its ends (send and receive in every form, shutdown, the names, the
 * options, FIONREAD, fstat), end of file and EPIPE, SIGPIPE with and
 * without MSG_NOSIGNAL, records cut short, MSG_PEEK and MSG_WAITALL,
 * nonblocking ends, poll and epoll readiness, a thread blocked in recv, a
 * megabyte through a stream; named sockets (a path's socket file, an
 * abstract name, autobind): bind, listen, connect, accept, their names,
 * a listener closed with connections waiting, DGRAM sockets sending to
 * names. Sizes the host decides (its buffers) are not printed.
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
#include <sys/epoll.h>
#include <sys/ioctl.h>
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
	nonblocking();
	return 0;
}
