/*
 * Random record locks on one file, the same sequence on Linux and under
 * Wicket (a fixed seed; an argument replaces it): POSIX locks (F_SETLK,
 * the process's) and OFD locks (F_OFD_SETLK, each open file
 * description's) taken, changed and dropped through three opens of the
 * file, with every whence, negative lengths and lengths to the end; a
 * description closed and opened again, or a dup of it closed (either
 * drops every POSIX lock of the process on the file); lseek for
 * SEEK_CUR. After each call: its result, and what each querier (the
 * process, and each description) is shown: the lock F_GETLK reports for
 * the whole file, and byte by byte over the first 40 which owner's lock
 * would stop a write lock there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "random_util.h"

#define ROUNDS 300
#define OPENS 3
#define SPAN 40

static char path[] = "/tmp/lock_fuzz.XXXXXX";
static int opens[OPENS];
static const char *const type_names[] = { "RD", "WR", "UN" };

/* A lock's owner as this program knows it: the process, or an OFD. */
static char owner_letter(pid_t pid)
{
	return pid == getpid() ? 'P' : pid == -1 ? 'O' : '?';
}

/* The lock a write lock over [start, start + length) meets, seen by
 * `querier` (-1: the process, F_GETLK through the first open; else that
 * description, F_OFD_GETLK). */
static int query(int querier, off_t start, off_t length, struct flock *lock)
{
	int fd = opens[querier < 0 ? 0 : querier];

	*lock = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET,
				.l_start = start, .l_len = length };
	return fcntl(fd, querier < 0 ? F_GETLK : F_OFD_GETLK, lock);
}

static void show_state(void)
{
	for (int querier = -1; querier < OPENS; querier++) {
		struct flock lock;
		char bytes[SPAN + 1];

		if (opens[querier < 0 ? 0 : querier] < 0) {
			printf("  %c: closed\n", querier < 0 ? 'p' : '0' + querier);
			continue;
		}
		for (int at = 0; at < SPAN; at++) {
			if (query(querier, at, 1, &lock) < 0)
				bytes[at] = '!';
			else if (lock.l_type == F_UNLCK)
				bytes[at] = '.';
			else
				bytes[at] = (char)(lock.l_type == F_RDLCK
							   ? owner_letter(lock.l_pid) | 0x20
							   : owner_letter(lock.l_pid));
		}
		bytes[SPAN] = '\0';
		printf("  %c: %s", querier < 0 ? 'p' : '0' + querier, bytes);
		if (query(querier, 0, 0, &lock) < 0)
			printf(" (query %s)\n", error_name(errno));
		else if (lock.l_type == F_UNLCK)
			printf(" none\n");
		else
			printf(" first %s %c %lld+%lld\n", type_names[lock.l_type],
			       owner_letter(lock.l_pid), (long long)lock.l_start,
			       (long long)lock.l_len);
	}
}

static void reopen(int which)
{
	/* One open in five is read-only: its write locks are -EBADF. */
	opens[which] = open(path, below(5) ? O_RDWR : O_RDONLY);
}

static void round_of_calls(int round)
{
	static const char *const whence_names[] = { "SET", "CUR", "END" };
	int which = (int)below(OPENS);
	int fd = opens[which];
	char call[160];

	switch (below(12)) {
	default: {
		int ofd = below(2);
		struct flock lock = {
			.l_type = (short)below(3),
			.l_whence = (short)(below(4) ? SEEK_SET : 1 + below(2)),
			.l_start = (off_t)below(36) - (below(4) ? 0 : 50),
			.l_len = (off_t)below(14) - 4,
		};
		snprintf(call, sizeof(call), "%d: %s(%d, %s, %s %lld, %lld)", round,
			 ofd ? "F_OFD_SETLK" : "F_SETLK", which,
			 type_names[lock.l_type], whence_names[lock.l_whence],
			 (long long)lock.l_start, (long long)lock.l_len);
		show_result(call, fcntl(fd, ofd ? F_OFD_SETLK : F_SETLK, &lock));
		break;
	}
	case 8: {
		off_t at = (off_t)below(40);
		snprintf(call, sizeof(call), "%d: lseek(%d, %lld)", round, which,
			 (long long)at);
		show_result(call, (long)lseek(fd, at, SEEK_SET));
		break;
	}
	case 9:
		snprintf(call, sizeof(call), "%d: close and open %d", round, which);
		show_result(call, fd < 0 ? 0 : close(fd));
		reopen(which);
		break;
	case 10: {
		snprintf(call, sizeof(call), "%d: close a dup of %d", round, which);
		int copy = dup(fd);
		show_result(call, copy < 0 ? -1 : close(copy));
		break;
	}
	case 11: {
		/* The file grows or shrinks: SEEK_END moves. */
		off_t size = (off_t)below(30);
		snprintf(call, sizeof(call), "%d: ftruncate(%d, %lld)", round, which,
			 (long long)size);
		show_result(call, ftruncate(fd, size));
		break;
	}
	}
}

int main(int argc, char **argv)
{
	seed_random(argc, argv, 0x10c4);
	setvbuf(stdout, NULL, _IOLBF, 0);
	int made = mkstemp(path);
	if (made < 0 || ftruncate(made, 20) < 0) {
		printf("the file: %s\n", strerror(errno));
		return 1;
	}
	close(made);
	for (int i = 0; i < OPENS; i++)
		opens[i] = open(path, O_RDWR);
	for (int round = 1; round <= ROUNDS; round++) {
		round_of_calls(round);
		show_state();
	}
	unlink(path);
	printf("lock_fuzz: done\n");
	return 0;
}
