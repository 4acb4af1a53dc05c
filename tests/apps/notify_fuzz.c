/*
 * Random inotify watches and file-system calls in a directory of their
 * own, the same sequence on Linux and under Wicket (a fixed seed; an
 * argument replaces it): inotify_add_watch with random events and flags
 * (IN_ONLYDIR, IN_DONT_FOLLOW, IN_EXCL_UNLINK, IN_MASK_ADD, IN_ONESHOT,
 * IN_MASK_CREATE), inotify_rm_watch, and open, close, write, read,
 * ftruncate, chmod, unlink, mkdir, rmdir, rename and symlink on paths of
 * up to two of the names a, b and c. (Not link: an event of a file with
 * several names names the one it was opened by on Linux, and another
 * here once that one is gone; docs/libos.md, "inotify".) After each call: its
 * result, and every event the instance holds then, each with its watch
 * (by the order the program was given them), its bits, its cookie (by
 * order of first appearance) and its name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "random_util.h"

#define ROUNDS 300
#define FILES 4
#define WATCHES 32

static int instance;
static int files[FILES];
/* The watch descriptors seen, in order, and the cookies. */
static int watches[WATCHES], watch_count;
static uint32_t cookies[64];
static int cookie_count;

static int watch_index(int wd)
{
	for (int i = 0; i < watch_count; i++)
		if (watches[i] == wd)
			return i;
	if (watch_count == WATCHES)
		return -1;
	watches[watch_count] = wd;
	return watch_count++;
}

static int cookie_index(uint32_t cookie)
{
	if (cookie == 0)
		return 0;
	for (int i = 0; i < cookie_count; i++)
		if (cookies[i] == cookie)
			return i + 1;
	if (cookie_count < 64)
		cookies[cookie_count++] = cookie;
	return cookie_count;
}

static const char *path_of(char *path)
{
	static const char names[] = "abc";
	unsigned depth = below(3) ? 1 : 2;
	size_t at = 0;

	for (unsigned i = 0; i < depth; i++) {
		if (i)
			path[at++] = '/';
		path[at++] = names[below(3)];
	}
	path[at] = '\0';
	return path;
}

static void show_events(void)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" },
		{ IN_ATTRIB, "ATTRIB" }, { IN_CLOSE_WRITE, "CLOSE_WRITE" },
		{ IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" }, { IN_OPEN, "OPEN" },
		{ IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
		{ IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" },
		{ IN_DELETE_SELF, "DELETE_SELF" }, { IN_MOVE_SELF, "MOVE_SELF" },
		{ IN_UNMOUNT, "UNMOUNT" }, { IN_Q_OVERFLOW, "OVERFLOW" },
		{ IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" },
	};
	char buffer[4096] __attribute__((aligned(8)));
	ssize_t length;

	while ((length = read(instance, buffer, sizeof(buffer))) > 0) {
		for (char *at = buffer; at < buffer + length;) {
			const struct inotify_event *event = (const void *)at;
			uint32_t mask = event->mask;

			printf("  w%d", event->wd < 0 ? -1 : watch_index(event->wd));
			for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
				if (mask & bits[i].bit) {
					printf(" %s", bits[i].name);
					mask &= ~bits[i].bit;
				}
			}
			if (mask)
				printf(" +%x", mask);
			if (event->cookie)
				printf(" cookie%d", cookie_index(event->cookie));
			if (event->len)
				printf(" '%s'", event->name);
			putchar('\n');
			at += sizeof(*event) + event->len;
		}
	}
}

static void round_of_calls(int round)
{
	static const uint32_t events[] = {
		IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_CLOSE_NOWRITE,
		IN_OPEN, IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE,
		IN_DELETE_SELF, IN_MOVE_SELF,
	};
	static const struct {
		uint32_t bit;
		const char *name;
	} flags[] = {
		{ IN_ONLYDIR, "ONLYDIR" }, { IN_DONT_FOLLOW, "DONT_FOLLOW" },
		{ IN_EXCL_UNLINK, "EXCL_UNLINK" }, { IN_MASK_ADD, "MASK_ADD" },
		{ IN_ONESHOT, "ONESHOT" }, { IN_MASK_CREATE, "MASK_CREATE" },
	};
	char call[200], path[8], other[8];
	int slot = (int)below(FILES);
	int fd = files[slot];
	char buffer[64];

	memset(buffer, 'q', sizeof(buffer));
	switch (below(16)) {
	case 0:
	case 1: {
		uint32_t mask = 0;
		size_t at;
		/* The top directory ("."), or a path. */
		if (below(3) == 0)
			strcpy(path, ".");
		else
			path_of(path);
		at = (size_t)snprintf(call, sizeof(call), "%d: add_watch(%s,", round,
				      path);
		for (unsigned i = 0; i < sizeof(events) / sizeof(events[0]); i++)
			if (below(3) == 0)
				mask |= events[i];
		if (below(4) == 0)
			mask = IN_ALL_EVENTS;
		at += (size_t)snprintf(call + at, sizeof(call) - at, " %x", mask);
		for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			if (below(6) == 0) {
				mask |= flags[i].bit;
				at += (size_t)snprintf(call + at, sizeof(call) - at, "|%s",
						       flags[i].name);
			}
		}
		snprintf(call + at, sizeof(call) - at, ")");
		int wd = inotify_add_watch(instance, path, mask);
		if (wd < 0)
			show_result(call, -1);
		else
			printf("%s = w%d\n", call, watch_index(wd));
		break;
	}
	case 2: {
		int which = watch_count ? (int)below((unsigned)watch_count) : 0;
		snprintf(call, sizeof(call), "%d: rm_watch(w%d)", round, which);
		show_result(call, watch_count ? inotify_rm_watch(instance, watches[which])
					      : -1);
		break;
	}
	case 3:
	case 4: {
		static const int modes[] = { O_RDONLY, O_WRONLY, O_RDWR };
		int mode = modes[below(3)] | (below(2) ? O_CREAT : 0) |
			   (below(4) == 0 ? O_TRUNC : 0);
		path_of(path);
		if (fd >= 0)
			close(fd);
		files[slot] = open(path, mode, 0644);
		snprintf(call, sizeof(call), "%d: open(%s, %x) as %d", round, path, mode,
			 slot);
		show_result(call, files[slot] < 0 ? -1 : 0);
		break;
	}
	case 5:
		snprintf(call, sizeof(call), "%d: close(%d)", round, slot);
		show_result(call, fd < 0 ? 0 : close(fd));
		files[slot] = -1;
		break;
	case 6: {
		unsigned size = below(20);
		snprintf(call, sizeof(call), "%d: write(%d, %u)", round, slot, size);
		show_result(call, write(fd, buffer, size));
		break;
	}
	case 7: {
		unsigned size = below(20);
		snprintf(call, sizeof(call), "%d: read(%d, %u)", round, slot, size);
		show_result(call, read(fd, buffer, size));
		break;
	}
	case 8: {
		off_t size = (off_t)below(10);
		snprintf(call, sizeof(call), "%d: ftruncate(%d, %lld)", round, slot,
			 (long long)size);
		show_result(call, ftruncate(fd, size));
		break;
	}
	case 9: {
		mode_t mode = below(2) ? 0644 : 0600;
		path_of(path);
		snprintf(call, sizeof(call), "%d: chmod(%s, %o)", round, path, mode);
		show_result(call, chmod(path, mode));
		break;
	}
	case 10:
		path_of(path);
		snprintf(call, sizeof(call), "%d: unlink(%s)", round, path);
		show_result(call, unlink(path));
		break;
	case 11:
		path_of(path);
		snprintf(call, sizeof(call), "%d: mkdir(%s)", round, path);
		show_result(call, mkdir(path, 0755));
		break;
	case 12:
		path_of(path);
		snprintf(call, sizeof(call), "%d: rmdir(%s)", round, path);
		show_result(call, rmdir(path));
		break;
	case 13:
		path_of(path);
		path_of(other);
		snprintf(call, sizeof(call), "%d: rename(%s, %s)", round, path, other);
		show_result(call, rename(path, other));
		break;
	case 14:
	case 15:
		path_of(path);
		path_of(other);
		snprintf(call, sizeof(call), "%d: symlink(%s, %s)", round, path, other);
		show_result(call, symlink(path, other));
		break;
	}
}

static void remove_all(const char *name)
{
	char inner[16];

	for (const char *a = "abc"; *a; a++) {
		snprintf(inner, sizeof(inner), "%s/%c", name, *a);
		unlink(inner);
		rmdir(inner);
	}
	unlink(name);
	rmdir(name);
}

int main(int argc, char **argv)
{
	seed_random(argc, argv, 0x1707);
	setvbuf(stdout, NULL, _IOLBF, 0);
	char top[] = "/tmp/notify_fuzz.XXXXXX";
	if (mkdtemp(top) == NULL || chdir(top) < 0) {
		printf("the directory: %s\n", strerror(errno));
		return 1;
	}
	instance = inotify_init1(IN_NONBLOCK);
	for (int i = 0; i < FILES; i++)
		files[i] = -1;
	for (int round = 1; round <= ROUNDS; round++) {
		round_of_calls(round);
		show_events();
	}
	for (int i = 0; i < FILES; i++)
		if (files[i] >= 0)
			close(files[i]);
	close(instance);
	remove_all("a");
	remove_all("b");
	remove_all("c");
	if (chdir("/") == 0)
		rmdir(top);
	printf("notify_fuzz: done\n");
	return 0;
}
