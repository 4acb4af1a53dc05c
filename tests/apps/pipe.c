/*
 * Pipes (differential): reads and writes, end of file, SIGPIPE and
 * -EPIPE, O_NONBLOCK and the capacity, poll and select, a self-pipe
 * written by a signal handler, and two threads moving a megabyte through
 * one in pieces of odd sizes; F_SETPIPE_SZ; a waiting write that part of
 * went in, ended by a handler (with and without SA_RESTART) or by the
 * reader's going; each pipe's own inode number (both ends share it, and
 * /proc/self/fd's link names it). Writes are whole pages where the
 * capacity shows, since Linux counts a pipe's capacity in pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "show_util.h"

static void basics(void)
{
	int fds[2];
	char buffer[64] = { 0 };
	struct stat st;
	int unread = -1;

	show("pipe", pipe(fds));
	show("write", write(fds[1], "hello", 5));
	ioctl(fds[0], FIONREAD, &unread);
	printf("FIONREAD: %d\n", unread);
	show("read(64)", read(fds[0], buffer, sizeof(buffer)));
	printf("read: %s\n", buffer);
	show("fstat is a FIFO", fstat(fds[0], &st) == 0 && S_ISFIFO(st.st_mode));
	show("lseek", lseek(fds[0], 0, SEEK_SET));
	show("pread", pread(fds[0], buffer, 1, 0));
	show("F_GETPIPE_SZ", fcntl(fds[1], F_GETPIPE_SZ));
	show("F_GETFL read end", fcntl(fds[0], F_GETFL));
	show("F_GETFL write end", fcntl(fds[1], F_GETFL));
	show("read from the write end", read(fds[1], buffer, 1));
	show("write to the read end", write(fds[0], "x", 1));
	show("write of 0 bytes", write(fds[1], "", 0));

	struct iovec pieces[2] = { { "ab", 2 }, { "cde", 3 } };
	show("writev", writev(fds[1], pieces, 2));
	char one[2] = { 0 }, rest[8] = { 0 };
	struct iovec into[2] = { { one, 1 }, { rest, sizeof(rest) - 1 } };
	show("readv", readv(fds[0], into, 2));
	printf("readv: %s %s\n", one, rest);

	/* A dup of the write end keeps the pipe open. */
	int copy = dup(fds[1]);
	close(fds[1]);
	write(copy, "z", 1);
	show("read with a dup writing", read(fds[0], buffer, sizeof(buffer)));
	close(copy);
	show("read after the last writer closed", read(fds[0], buffer, 1));
	close(fds[0]);

	show("pipe2(bad flags)", pipe2(fds, 0x1));
	show("pipe(bad pointer)", syscall(SYS_pipe, 16));
}

/* "pipe:[N]"'s N, from /proc/self/fd's link; 0 when it is not one. */
static unsigned long linked_inode(int fd)
{
	char path[64], target[64] = { 0 };
	unsigned long inode = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (readlink(path, target, sizeof(target) - 1) > 0)
		sscanf(target, "pipe:[%lu]", &inode);
	return inode;
}

static void inodes(void)
{
	int one[2], two[2];
	struct stat reader, writer, other;

	if (pipe(one) || pipe(two))
		return;
	fstat(one[0], &reader);
	fstat(one[1], &writer);
	fstat(two[0], &other);
	show_yes("both ends one inode", reader.st_ino == writer.st_ino);
	show_yes("two pipes two inodes", reader.st_ino != other.st_ino);
	show_yes("the link names it", linked_inode(one[1]) == reader.st_ino);
	show_yes("and the other's", linked_inode(two[0]) == other.st_ino);
	close(one[0]);
	close(one[1]);
	close(two[0]);
	close(two[1]);
}

static volatile sig_atomic_t pipe_signals;

static void on_sigpipe(int signal)
{
	pipe_signals += signal == SIGPIPE;
}

static void broken(void)
{
	int fds[2];

	pipe(fds);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	show("write, no reader, SIGPIPE ignored", write(fds[1], "x", 1));
	signal(SIGPIPE, on_sigpipe);
	show("write, no reader, SIGPIPE caught", write(fds[1], "x", 1));
	printf("SIGPIPE handled %d time(s)\n", (int)pipe_signals);
	struct pollfd polled = { fds[1], POLLOUT, 0 };
	show("poll(write end, no reader)", poll(&polled, 1, 0));
	printf("  revents %#x\n", polled.revents);
	close(fds[1]);
}

static void nonblocking(void)
{
	static char page[4096];
	int fds[2];
	long total = 0, result;
	char byte;

	show("pipe2(O_NONBLOCK)", pipe2(fds, O_NONBLOCK | O_CLOEXEC));
	show("F_GETFD", fcntl(fds[0], F_GETFD));
	show("read, empty", read(fds[0], &byte, 1));
	while ((result = write(fds[1], page, sizeof(page))) > 0)
		total += result;
	int error = errno;
	show("filled with pages", total);
	errno = error;
	show("  then a write", result);
	struct pollfd polled[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLOUT, 0 } };
	show("poll(full pipe)", poll(polled, 2, 0));
	printf("  revents %#x %#x\n", polled[0].revents, polled[1].revents);
	show("read a page", read(fds[0], page, sizeof(page)));
	show("write a page", write(fds[1], page, sizeof(page)));
	show("write a byte", write(fds[1], page, 1));
	close(fds[1]);
	polled[0].revents = 0;
	show("poll(read end, writer gone)", poll(polled, 1, 0));
	printf("  revents %#x\n", polled[0].revents);
	total = 0;
	while ((result = read(fds[0], page, sizeof(page))) > 0)
		total += result;
	show("drained", total);
	show("  then a read", result);
	close(fds[0]);
}

static int self_pipe[2];

static void on_alarm(int signal)
{
	(void)signal;
	write(self_pipe[1], "A", 1);
}

static void signal_self_pipe(void)
{
	struct sigaction action = { .sa_handler = on_alarm };
	struct pollfd polled;
	char byte = 0;
	fd_set readable;
	struct timeval none = { 0, 0 };

	pipe(self_pipe);
	sigaction(SIGALRM, &action, NULL);
	polled = (struct pollfd){ self_pipe[0], POLLIN, 0 };
	show("poll(empty, no timeout)", poll(&polled, 1, 0));
	alarm(1);
	show("poll(-1) until the handler", poll(&polled, 1, -1));
	show("poll again", poll(&polled, 1, -1));
	printf("  revents %#x\n", polled.revents);
	FD_ZERO(&readable);
	FD_SET(self_pipe[0], &readable);
	show("select", select(self_pipe[0] + 1, &readable, NULL, NULL, &none));
	show("  readable", FD_ISSET(self_pipe[0], &readable));
	show("read", read(self_pipe[0], &byte, 1));
	printf("  byte %c\n", byte);
	close(self_pipe[0]);
	close(self_pipe[1]);
}

#define MEGABYTE (1 << 20)

static int stream[2];

static uint64_t hash_step(uint64_t hash, unsigned char byte)
{
	return (hash ^ byte) * 0x100000001b3;
}

static void *producer(void *arg)
{
	static unsigned char piece[3001];
	long sent = 0;
	uint64_t state = 7;

	(void)arg;
	while (sent < MEGABYTE) {
		long length = MEGABYTE - sent < (long)sizeof(piece)
				      ? MEGABYTE - sent : (long)sizeof(piece);

		for (long i = 0; i < length; i++) {
			state = state * 6364136223846793005u + 1442695040888963407u;
			piece[i] = (unsigned char)(state >> 56);
		}
		if (write(stream[1], piece, (size_t)length) != length)
			printf("short write\n");
		sent += length;
	}
	/* One write far over the capacity: it returns once all is in. */
	static unsigned char big[300000];
	memset(big, 0x5a, sizeof(big));
	printf("big write: %ld\n", (long)write(stream[1], big, sizeof(big)));
	close(stream[1]);
	return NULL;
}

static void threads(void)
{
	pthread_t thread;
	unsigned char piece[777];
	long received = 0, result;
	uint64_t hash = 0xcbf29ce484222325;

	pipe(stream);
	pthread_create(&thread, NULL, producer, NULL);
	while ((result = read(stream[0], piece, sizeof(piece))) > 0) {
		for (long i = 0; i < result; i++)
			hash = hash_step(hash, piece[i]);
		received += result;
	}
	pthread_join(thread, NULL);
	printf("threads: received %ld bytes, hash %016llx, last read %ld\n",
	       received, (unsigned long long)hash, result);
	close(stream[0]);
}

/* F_SETPIPE_SZ within the default 64 KiB (as root, the host's Linux
 * would go further; Wicket's most is 64 KiB). */
static void sizes(void)
{
	static char page[4096];
	int fds[2], file = open("/dev/null", O_WRONLY);
	long total = 0, result;

	pipe2(fds, O_NONBLOCK);
	show("F_SETPIPE_SZ 3 pages", fcntl(fds[1], F_SETPIPE_SZ, 3 * 4096));
	show("F_GETPIPE_SZ", fcntl(fds[0], F_GETPIPE_SZ));
	while ((result = write(fds[1], page, sizeof(page))) > 0)
		total += result;
	show("it holds", total);
	show("F_SETPIPE_SZ 1 page, full", fcntl(fds[1], F_SETPIPE_SZ, 4096));
	show("F_SETPIPE_SZ 0, full", fcntl(fds[1], F_SETPIPE_SZ, 0));
	while (read(fds[0], page, sizeof(page)) > 0)
		;
	show("F_SETPIPE_SZ 0, empty", fcntl(fds[1], F_SETPIPE_SZ, 0));
	show("F_SETPIPE_SZ 100", fcntl(fds[1], F_SETPIPE_SZ, 100));
	show("F_SETPIPE_SZ 2^40", fcntl(fds[1], F_SETPIPE_SZ, 1L << 40));
	show("F_SETPIPE_SZ 64 KiB", fcntl(fds[1], F_SETPIPE_SZ, 65536));
	show("F_GETPIPE_SZ on /dev/null", fcntl(file, F_GETPIPE_SZ));
	show("F_SETPIPE_SZ on /dev/null", fcntl(file, F_SETPIPE_SZ, 4096));
	close(fds[0]);
	close(fds[1]);
	close(file);
}

static volatile sig_atomic_t alarms;

static void count_alarm(int signal)
{
	(void)signal;
	alarms++;
}

static int partial_pipe[2];

static void *close_reader(void *unused)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };

	(void)unused;
	nanosleep(&nap, NULL);
	close(partial_pipe[0]);
	return NULL;
}

/* A write of 128 KiB into an empty 64 KiB pipe puts 64 KiB in and waits;
 * what ends the wait decides what it returns. */
static void partial_writes(void)
{
	static char big[128 * 1024];
	struct itimerval in_50ms = { { 0, 0 }, { 0, 50000 } };

	for (int restart = 0; restart < 2; restart++) {
		struct sigaction action = { .sa_handler = count_alarm,
					    .sa_flags = restart ? SA_RESTART : 0 };
		char drained[4096];
		long total = 0, result;

		sigaction(SIGALRM, &action, NULL);
		pipe(partial_pipe);
		setitimer(ITIMER_REAL, &in_50ms, NULL);
		printf("a handler ends a waiting write (%s)\n",
		       restart ? "SA_RESTART" : "no SA_RESTART");
		show("  write 128 KiB", write(partial_pipe[1], big, sizeof(big)));
		printf("  alarms %d\n", (int)alarms);
		fcntl(partial_pipe[0], F_SETFL, O_NONBLOCK);
		while ((result = read(partial_pipe[0], drained, sizeof(drained))) > 0)
			total += result;
		show("  the pipe held", total);
		close(partial_pipe[0]);
		close(partial_pipe[1]);
	}

	pthread_t thread;

	signal(SIGPIPE, SIG_IGN);
	pipe(partial_pipe);
	pthread_create(&thread, NULL, close_reader, NULL);
	printf("the reader goes during a waiting write\n");
	show("  write 128 KiB", write(partial_pipe[1], big, sizeof(big)));
	show("  write again", write(partial_pipe[1], big, 1));
	pthread_join(thread, NULL);
	close(partial_pipe[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	basics();
	broken();
	nonblocking();
	signal_self_pipe();
	threads();
	sizes();
	partial_writes();
	inodes();
	return 0;
}
