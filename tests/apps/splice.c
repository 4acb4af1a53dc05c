/*
 * sendfile, splice, tee and vmsplice (differential): which descriptions
 * take part and Linux's errors for the rest, offsets given and the
 * descriptions' own, waits for room and for data, SIGPIPE, and whole
 * transfers through pipes and sockets (a megabyte through a pipe, a
 * Unix socket and loopback TCP to a reading thread, checked byte for
 * byte). Counts that depend on Linux's pipe pages (what fits in a pipe
 * holding a few bytes) are printed only as "some". The devices, whose
 * answers change with Linux's version, are in files.c's Wicket-only
 * `files sendfile`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

#define BIG (1 << 20)

static char path[64];
static char bytes[BIG], back[BIG];
static volatile sig_atomic_t sigpipes, alarms;

static void on_sigpipe(int signal)
{
	(void)signal;
	sigpipes++;
}

static void on_alarm(int signal)
{
	(void)signal;
	alarms++;
}

/* A file of the tree with `length` of `bytes`, open for reading and
 * writing at its start. */
static int data_file(const char *suffix, uint64_t length)
{
	snprintf(path, sizeof(path), "/tmp/wicket-splice-%d-%s", getpid(),
		 suffix);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (write(fd, bytes, length) != (ssize_t)length)
		printf("write of %s failed\n", path);
	lseek(fd, 0, SEEK_SET);
	unlink(path);
	return fd;
}

static void show_bytes(const char *label, int fd, size_t length)
{
	char text[64] = { 0 };
	ssize_t got = read(fd, text, length < 63 ? length : 63);

	if (got < 0)
		show(label, -1);
	else
		printf("%s: %zd \"%.*s\"\n", label, got, (int)got, text);
}

static long position(int fd)
{
	return (long)lseek(fd, 0, SEEK_CUR);
}

static void delay_ms(long ms)
{
	struct timespec time = { 0, ms * 1000000 };

	nanosleep(&time, NULL);
}

/* A thread that reads `length` bytes from fd into back[]. */
struct reader {
	int fd;
	size_t length, got;
};

static void *read_all(void *argument)
{
	struct reader *reader = argument;

	while (reader->got < reader->length) {
		ssize_t count = read(reader->fd, back + reader->got,
				     reader->length - reader->got);

		if (count <= 0)
			break;
		reader->got += (size_t)count;
	}
	return NULL;
}

/* BIG bytes of file `from` through a blocking sendfile (or splice from
 * a pipe, when `through` is one) to `to`, which a thread reads. */
static void whole(const char *label, int from, int to, int reader_fd)
{
	struct reader reader = { reader_fd, BIG, 0 };
	pthread_t thread;
	size_t sent = 0;
	off_t offset = 0;

	memset(back, 0, sizeof(back));
	pthread_create(&thread, NULL, read_all, &reader);
	while (sent < BIG) {
		ssize_t count = sendfile(to, from, &offset, BIG - sent);

		if (count <= 0) {
			show(label, count);
			break;
		}
		sent += (size_t)count;
	}
	pthread_join(thread, NULL);
	printf("%s: sent %zu, read %zu, same: %s, offset %ld\n", label,
	       sent, reader.got,
	       memcmp(bytes, back, BIG) == 0 ? "yes" : "no", (long)offset);
}

static void sendfile_kinds(void)
{
	int file = data_file("kinds", 100);
	int pipe_ends[2], stream[2], datagram[2];
	off_t offset = 5;
	char text[64];

	pipe(pipe_ends);
	socketpair(AF_UNIX, SOCK_STREAM, 0, stream);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, datagram);
	show("sendfile file to pipe at 5", sendfile(pipe_ends[1], file,
						   &offset, 10));
	printf("offset %ld, position %ld\n", (long)offset, position(file));
	show_bytes("pipe", pipe_ends[0], 100);
	show("sendfile file to pipe at its position",
	     sendfile(pipe_ends[1], file, NULL, 7));
	printf("position %ld\n", position(file));
	show_bytes("pipe", pipe_ends[0], 100);
	show("sendfile to a stream socket",
	     sendfile(stream[0], file, NULL, 12));
	show_bytes("socket", stream[1], 100);
	show("sendfile to a datagram socket",
	     sendfile(datagram[0], file, NULL, 9));
	show("one datagram", recv(datagram[1], text, sizeof(text), 0));
	show("sendfile at the end", sendfile(pipe_ends[1], file,
					    &(off_t){ 100 }, 10));
	show("sendfile of nothing", sendfile(pipe_ends[1], file, &offset, 0));

	write(stream[1], "socket bytes", 12);
	show("sendfile from a socket to a pipe",
	     sendfile(pipe_ends[1], stream[0], NULL, 100));
	show_bytes("pipe", pipe_ends[0], 100);

	int event = eventfd(0, 0);
	int append = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);

	unlink(path);

	printf("the refused:\n");
	show("sendfile from a pipe", sendfile(stream[0], pipe_ends[0], NULL,
					      1));
	show("sendfile from a socket to a socket",
	     sendfile(stream[0], stream[1], NULL, 1));
	show("sendfile from a socket with an offset",
	     sendfile(pipe_ends[1], stream[1], &offset, 1));
	show("sendfile to an eventfd", sendfile(event, file, &offset, 8));
	show("sendfile to an O_APPEND file", sendfile(append, file, &offset,
						      8));
	show("sendfile at -1", sendfile(pipe_ends[1], file, &(off_t){ -1 },
					8));
	show("sendfile from a closed descriptor",
	     sendfile(pipe_ends[1], 999, NULL, 8));
	show("sendfile to the read end", sendfile(pipe_ends[0], file, NULL,
						  8));
	show("sendfile with a bad offset pointer",
	     sendfile(pipe_ends[1], file, (off_t *)8, 8));
	close(append);
	close(pipe_ends[0]);
	show("sendfile to a pipe with no reader",
	     sendfile(pipe_ends[1], file, &offset, 8));
	printf("SIGPIPEs: %d\n", (int)sigpipes);
	close(pipe_ends[1]);
	close(stream[0]);
	close(stream[1]);
	close(datagram[0]);
	close(datagram[1]);
	close(event);
	close(file);
}

static void splice_kinds(void)
{
	int file = data_file("splice", 40);
	int a[2], b[2], stream[2];
	loff_t offset = 3;
	char text[64];

	pipe(a);
	pipe(b);
	socketpair(AF_UNIX, SOCK_STREAM, 0, stream);
	show("splice file at 3 to pipe", splice(file, &offset, a[1], NULL,
						20, SPLICE_F_MORE));
	printf("offset %ld, position %ld\n", (long)offset, position(file));
	show("splice pipe to pipe", splice(a[0], NULL, b[1], NULL, 8,
					   SPLICE_F_MOVE));
	show("tee", tee(b[0], a[1], 100, 0));
	show_bytes("tee's source", b[0], 100);
	show("splice pipe to socket", splice(a[0], NULL, stream[0], NULL,
					     100, 0));
	show_bytes("socket", stream[1], 100);
	write(stream[1], "from the socket", 15);
	show("splice socket to pipe", splice(stream[0], NULL, a[1], NULL, 100,
					     0));
	offset = 0;
	show("splice pipe to file at 0", splice(a[0], NULL, file, &offset, 4,
						0));
	printf("offset %ld, position %ld\n", (long)offset, position(file));
	show("splice pipe to file at its position",
	     splice(a[0], NULL, file, NULL, 100, 0));
	printf("position %ld\n", position(file));
	show("pread", pread(file, text, 40, 0));
	printf("file: \"%.40s\"\n", text);

	int null = open("/dev/null", O_RDWR);
	int event = eventfd(0, 0);
	int append = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);

	unlink(path);

	printf("the refused:\n");
	show("splice of 0 bytes, bad descriptors",
	     splice(999, NULL, 998, NULL, 0, 0));
	show("splice with unknown flags", splice(a[0], NULL, file, NULL, 1,
						 0x10));
	show("splice from a closed descriptor",
	     splice(999, NULL, a[1], NULL, 1, 0));
	show("splice with a pipe's offset", splice(a[0], &offset, file, NULL,
						   1, 0));
	show("splice with a bad offset pointer",
	     splice(file, (loff_t *)8, a[1], NULL, 1, 0));
	show("splice from a write end", splice(a[1], NULL, b[1], NULL, 1, 0));
	show("splice a pipe to itself", splice(a[0], NULL, a[1], NULL, 1, 0));
	show("splice without a pipe", splice(file, NULL, null, NULL, 1, 0));
	show("splice to an O_APPEND file", splice(a[0], NULL, append, NULL, 1,
						  0));
	show("splice to an eventfd", splice(a[0], NULL, event, NULL, 1, 0));
	show("splice to a socket with an offset",
	     splice(a[0], NULL, stream[0], &offset, 1, 0));
	show("splice at -1", splice(file, &(loff_t){ -1 }, a[1], NULL, 1, 0));
	show("splice from an empty pipe, SPLICE_F_NONBLOCK",
	     splice(a[0], NULL, file, NULL, 1, SPLICE_F_NONBLOCK));
	show("tee of 0 bytes, bad descriptors", tee(999, 998, 0, 0));
	show("tee with unknown flags", tee(a[0], b[1], 1, 0x10));
	show("tee to the same pipe", tee(a[0], a[1], 1, 0));
	show("tee from a file", tee(file, a[1], 1, 0));
	show("tee from an empty pipe, SPLICE_F_NONBLOCK",
	     tee(a[0], b[1], 1, SPLICE_F_NONBLOCK));
	close(a[1]);
	show("splice from a pipe with no writer", splice(a[0], NULL, file,
							 NULL, 1, 0));
	show("tee from a pipe with no writer", tee(a[0], b[1], 1, 0));
	close(b[0]);
	show("splice to a pipe with no reader", splice(file, &(loff_t){ 0 },
						       b[1], NULL, 1, 0));
	printf("SIGPIPEs: %d\n", (int)sigpipes);
	close(a[0]);
	close(b[1]);
	close(stream[0]);
	close(stream[1]);
	close(null);
	close(event);
	close(append);
	close(file);
}

/* A thread that writes "late" to fd after 50 ms. */
static void *write_late(void *argument)
{
	delay_ms(50);
	write(*(int *)argument, "late", 4);
	return NULL;
}

static void vmsplice_and_waits(void)
{
	int ends[2], file = data_file("vm", 20);
	char got[8] = { 0 };
	struct iovec out[2] = { { "vm", 2 }, { "splice", 6 } };
	struct iovec in = { got, sizeof(got) };
	pthread_t thread;

	pipe(ends);
	show("vmsplice into the pipe", vmsplice(ends[1], out, 2, 0));
	show("vmsplice out of the pipe", vmsplice(ends[0], &in, 1, 0));
	printf("got \"%.8s\"\n", got);
	show("vmsplice of nothing", vmsplice(ends[1], out, 0, 0));
	show("vmsplice with unknown flags", vmsplice(ends[1], out, 1, 0x10));
	show("vmsplice to a file", vmsplice(file, out, 1, 0));
	show("vmsplice with a bad vector", vmsplice(ends[1], (void *)8, 1, 0));
	show("vmsplice from an empty pipe, SPLICE_F_NONBLOCK",
	     vmsplice(ends[0], &in, 1, SPLICE_F_NONBLOCK));

	/* O_NONBLOCK does not keep vmsplice from waiting; it keeps
	 * splice from waiting. */
	fcntl(ends[0], F_SETFL, O_NONBLOCK);
	show("splice from an empty O_NONBLOCK pipe",
	     splice(ends[0], NULL, file, NULL, 4, 0));
	pthread_create(&thread, NULL, write_late, &ends[1]);
	memset(got, 0, sizeof(got));
	show("vmsplice from an O_NONBLOCK pipe waits",
	     vmsplice(ends[0], &in, 1, 0));
	printf("got \"%.8s\"\n", got);
	pthread_join(thread, NULL);
	fcntl(ends[0], F_SETFL, 0);

	/* A blocking splice waits for data, then returns what came. */
	pthread_create(&thread, NULL, write_late, &ends[1]);
	show("splice waits for data", splice(ends[0], NULL, file,
					     &(loff_t){ 0 }, 100, 0));
	pthread_join(thread, NULL);
	show("pread", pread(file, got, 4, 0));
	printf("file starts \"%.4s\"\n", got);

	/* A signal ends a wait that moved nothing: -EINTR. */
	struct sigaction action = { .sa_handler = on_alarm };

	sigaction(SIGALRM, &action, NULL);
	int other[2];

	pipe(other);
	ualarm(50000, 0);
	show("splice interrupted", splice(ends[0], NULL, file, NULL, 4, 0));
	ualarm(50000, 0);
	show("tee interrupted", tee(ends[0], other[1], 4, 0));
	printf("alarms: %d\n", (int)alarms);
	close(other[0]);
	close(other[1]);

	/* A full O_NONBLOCK pipe: some goes in, then -EAGAIN. */
	int fill = data_file("fill", 3 * 65536);

	fcntl(ends[1], F_SETFL, O_NONBLOCK);
	write(ends[1], "x", 1);
	long first = sendfile(ends[1], fill, NULL, 3 * 65536);

	printf("first sendfile to a nearly empty pipe: %s\n",
	       first > 60000 && first < 65536 ? "some" : "not some");
	show("then", sendfile(ends[1], fill, NULL, 3 * 65536));
	show("splice too", splice(fill, NULL, ends[1], NULL, 10, 0));
	close(fill);
	close(ends[0]);
	close(ends[1]);
	close(file);
}

static void whole_transfers(void)
{
	int file = data_file("big", BIG);
	int ends[2], stream[2];

	pipe(ends);
	whole("through a pipe", file, ends[1], ends[0]);
	close(ends[0]);
	close(ends[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, stream);
	whole("through a unix socket", file, stream[0], stream[1]);
	close(stream[0]);
	close(stream[1]);

	struct sockaddr_in name = { .sin_family = AF_INET,
				    .sin_addr.s_addr =
					    htonl(INADDR_LOOPBACK) };
	socklen_t length = sizeof(name);
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int client = socket(AF_INET, SOCK_STREAM, 0);

	bind(listener, (struct sockaddr *)&name, sizeof(name));
	listen(listener, 1);
	getsockname(listener, (struct sockaddr *)&name, &length);
	connect(client, (struct sockaddr *)&name, sizeof(name));
	int server = accept(listener, NULL, NULL);

	whole("through loopback TCP", file, client, server);
	close(client);
	close(server);
	close(listener);

	/* A copy through a pipe with splice, as `cat` might make it. */
	int copy = data_file("copy", 0);
	size_t moved = 0;

	pipe(ends);
	lseek(file, 0, SEEK_SET);
	for (;;) {
		ssize_t in = splice(file, NULL, ends[1], NULL, 100000, 0);

		if (in <= 0)
			break;
		while (in > 0) {
			ssize_t out = splice(ends[0], NULL, copy, NULL,
					     (size_t)in, 0);

			if (out <= 0)
				break;
			in -= out;
			moved += (size_t)out;
		}
	}
	memset(back, 0, sizeof(back));
	show("copy's size", (long)lseek(copy, 0, SEEK_END));
	pread(copy, back, BIG, 0);
	printf("splice copy: %zu bytes, same: %s\n", moved,
	       memcmp(bytes, back, BIG) == 0 ? "yes" : "no");
	close(ends[0]);
	close(ends[1]);
	close(copy);
	close(file);
}

int main(void)
{
	struct sigaction action = { .sa_handler = on_sigpipe };

	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGPIPE, &action, NULL);
	for (size_t i = 0; i < BIG; i++)
		bytes[i] = (char)('a' + (i * 7 + i / 26) % 26);
	sendfile_kinds();
	splice_kinds();
	vmsplice_and_waits();
	whole_transfers();
	return 0;
}
