/*
 * Random file-system calls in a directory of their own, the same sequence
 * on Linux and under Wicket (a fixed seed; an argument replaces it):
 * open with random flags, close, dup, read, write, pread, pwrite, lseek,
 * ftruncate, fstat, stat, lstat, mkdir, rmdir, unlink, rename, link,
 * symlink and readlink, on paths of up to three names drawn from a, b and
 * c. After each call, its result and the whole tree: each name's type,
 * and a file's size, link count and first bytes, or a link's target.
 * Only what Linux's own file systems share is printed: no directory
 * sizes or link counts, no inode numbers or times.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "random_util.h"

#define ROUNDS 300
#define SLOTS 6

static int slots[SLOTS];

/* A path of one to three of the names a, b and c (mostly short). */
static const char *random_path(char *path)
{
	static const char names[] = "abc";
	unsigned depth = below(8) < 5 ? 1 : below(4) ? 2 : 3;
	size_t at = 0;

	for (unsigned i = 0; i < depth; i++) {
		if (i)
			path[at++] = '/';
		path[at++] = names[below(3)];
	}
	path[at] = '\0';
	return path;
}

static const char *error_name(int error)
{
	switch (error) {
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case ENOTEMPTY: return "ENOTEMPTY";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case ELOOP: return "ELOOP";
	case EPERM: return "EPERM";
	case EXDEV: return "EXDEV";
	case EBUSY: return "EBUSY";
	case EFBIG: return "EFBIG";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	default: return strerror(error);
	}
}

static void show_result(const char *call, long result)
{
	if (result < 0)
		printf("%s = -1 %s\n", call, error_name(errno));
	else
		printf("%s = %ld\n", call, result);
}

/* Bytes as text: letters as they are, anything else as '.'. */
static void show_bytes(const char *bytes, long count)
{
	for (long i = 0; i < count; i++)
		putchar(bytes[i] >= 'a' && bytes[i] <= 'z' ? bytes[i] : '.');
}

/* A read's result, and the bytes it read. */
static void show_read(const char *call, long result, const char *bytes)
{
	show_result(call, result);
	if (result > 0) {
		printf("  read: ");
		show_bytes(bytes, result);
		putchar('\n');
	}
}

static int compare_names(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

/* The tree under `dir`, each name on the line: "a/ a/b(3,1:xyz) c->a". */
static void show_tree(const char *dir)
{
	DIR *stream = opendir(dir);
	char *names[64];
	int count = 0;
	struct dirent *entry;

	if (stream == NULL)
		return;
	while ((entry = readdir(stream)) != NULL && count < 64) {
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
			names[count++] = strdup(entry->d_name);
	}
	closedir(stream);
	qsort(names, (size_t)count, sizeof(names[0]), compare_names);
	for (int i = 0; i < count; i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		const char *shown = path + 2; /* without "./" */
		if (lstat(path, &st) < 0) {
			printf(" %s(lstat %s)", shown, error_name(errno));
		} else if (S_ISDIR(st.st_mode)) {
			printf(" %s/", shown);
			show_tree(path);
		} else if (S_ISLNK(st.st_mode)) {
			char target[64];
			ssize_t length = readlink(path, target, sizeof(target) - 1);
			target[length > 0 ? length : 0] = '\0';
			printf(" %s->%s", shown, target);
		} else {
			char head[8];
			int fd = open(path, O_RDONLY | O_NOFOLLOW);
			long got = fd < 0 ? 0 : read(fd, head, sizeof(head));
			if (fd >= 0)
				close(fd);
			printf(" %s(%ld,%lu:", shown, (long)st.st_size,
			       (unsigned long)st.st_nlink);
			show_bytes(head, got > 0 ? got : 0);
			putchar(')');
		}
	}
}

static void remove_tree(const char *dir)
{
	DIR *stream = opendir(dir);
	struct dirent *entry;

	if (stream == NULL)
		return;
	while ((entry = readdir(stream)) != NULL) {
		char path[512];
		struct stat st;

		if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			remove_tree(path);
			rmdir(path);
		} else {
			unlink(path);
		}
	}
	closedir(stream);
}

static int random_flags(char *text, size_t size)
{
	static const struct {
		int flag;
		const char *name;
	} extras[] = {
		{ O_CREAT, "|CREAT" }, { O_EXCL, "|EXCL" },
		{ O_TRUNC, "|TRUNC" }, { O_APPEND, "|APPEND" },
		{ O_DIRECTORY, "|DIRECTORY" }, { O_NOFOLLOW, "|NOFOLLOW" },
	};
	static const char *access_names[] = { "RDONLY", "WRONLY", "RDWR" };
	int access = (int)below(3);
	int flags = access;
	size_t at = (size_t)snprintf(text, size, "%s", access_names[access]);

	for (unsigned i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
		/* O_CREAT half the time, the others one in three. */
		if (below(extras[i].flag == O_CREAT ? 2 : 3))
			continue;
		/* Linux 6.4 made O_CREAT|O_DIRECTORY -EINVAL; before, it
		 * could create a file: not a question for this test. */
		if (extras[i].flag == O_DIRECTORY && (flags & O_CREAT))
			continue;
		flags |= extras[i].flag;
		at += (size_t)snprintf(text + at, size - at, "%s", extras[i].name);
	}
	return flags;
}

int main(int argc, char **argv)
{
	seed_random(argc, argv, 0xf5f5123);
	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);

	/* The calls happen two levels down in a directory of their own, so
	 * that no link (two ".." at most) leads out of it. */
	char top[] = "/tmp/fs_fuzz.XXXXXX";
	if (mkdtemp(top) == NULL || chdir(top) < 0 || mkdir("1", 0755) < 0 ||
	    chdir("1") < 0 || mkdir("2", 0755) < 0 || chdir("2") < 0) {
		printf("the directory: %s\n", strerror(errno));
		return 1;
	}
	for (int i = 0; i < SLOTS; i++)
		slots[i] = -1;

	char call[160], path[8], other[8], flags_text[80];
	char buffer[64];
	for (int round = 1; round <= ROUNDS; round++) {
		/* Mostly an open descriptor, when there is one. */
		int slot = (int)below(SLOTS);
		for (int i = 0; i < SLOTS && slots[slot] < 0 && below(5); i++)
			slot = (slot + 1) % SLOTS;
		int fd = slots[slot];
		unsigned count = below(12);
		long result;

		switch (below(22)) {
		case 0:
		case 1:
		case 2: {
			random_path(path);
			int flags = random_flags(flags_text, sizeof(flags_text));
			if (fd >= 0)
				close(fd);
			slots[slot] = open(path, flags, 0644);
			snprintf(call, sizeof(call), "%d: open(%s, %s) as %d",
				 round, path, flags_text, slot);
			show_result(call, slots[slot] < 0 ? -1 : 0);
			break;
		}
		case 3:
			snprintf(call, sizeof(call), "%d: close(%d)", round, slot);
			show_result(call, fd < 0 ? 0 : close(fd));
			slots[slot] = -1;
			break;
		case 4: {
			int to = (int)below(SLOTS);
			snprintf(call, sizeof(call), "%d: dup(%d) as %d", round,
				 slot, to);
			if (to == slot || fd < 0) {
				printf("%s: skipped\n", call);
				break;
			}
			if (slots[to] >= 0)
				close(slots[to]);
			slots[to] = dup(fd);
			show_result(call, slots[to] < 0 ? -1 : 0);
			break;
		}
		case 5:
		case 6: {
			char letter = (char)('k' + below(10));
			memset(buffer, letter, count);
			snprintf(call, sizeof(call), "%d: write(%d, %u x %c)",
				 round, slot, count, letter);
			show_result(call, write(fd, buffer, count));
			break;
		}
		case 7: {
			result = read(fd, buffer, count);
			snprintf(call, sizeof(call), "%d: read(%d, %u)", round,
				 slot, count);
			show_read(call, result, buffer);
			break;
		}
		case 8: {
			off_t at = below(24);
			if (below(2)) {
				char letter = (char)('k' + below(10));
				memset(buffer, letter, count);
				snprintf(call, sizeof(call),
					 "%d: pwrite(%d, %u x %c, at %ld)", round,
					 slot, count, letter, (long)at);
				show_result(call, pwrite(fd, buffer, count, at));
			} else {
				result = pread(fd, buffer, count, at);
				snprintf(call, sizeof(call),
					 "%d: pread(%d, %u, at %ld)", round, slot,
					 count, (long)at);
				show_read(call, result, buffer);
			}
			break;
		}
		case 9: {
			static const char *whence_names[] = { "SET", "CUR", "END" };
			int whence = (int)below(3);
			off_t offset = (off_t)below(30) - (whence ? 10 : 0);
			snprintf(call, sizeof(call), "%d: lseek(%d, %ld, %s)",
				 round, slot, (long)offset, whence_names[whence]);
			/* A directory's offsets are its file system's own
			 * (ext4's end is 2^63 - 1). */
			struct stat st;
			if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
				printf("%s: a directory, skipped\n", call);
			else
				show_result(call, lseek(fd, offset, whence));
			break;
		}
		case 10: {
			off_t length = below(24);
			snprintf(call, sizeof(call), "%d: ftruncate(%d, %ld)",
				 round, slot, (long)length);
			show_result(call, ftruncate(fd, length));
			break;
		}
		case 11: {
			struct stat st;
			int by_path = below(3);
			if (by_path)
				random_path(path);
			snprintf(call, sizeof(call), "%d: %s(%s)", round,
				 by_path == 2 ? "lstat" : by_path ? "stat" : "fstat",
				 by_path ? path : (char[]){ (char)('0' + slot), 0 });
			result = by_path == 2 ? lstat(path, &st)
				 : by_path ? stat(path, &st) : fstat(fd, &st);
			show_result(call, result);
			if (result == 0)
				printf("  %s size %ld\n",
				       S_ISDIR(st.st_mode) ? "directory"
				       : S_ISLNK(st.st_mode) ? "link" : "file",
				       S_ISDIR(st.st_mode) ? 0L : (long)st.st_size);
			break;
		}
		case 12:
		case 20:
		case 21:
			random_path(path);
			snprintf(call, sizeof(call), "%d: mkdir(%s)", round, path);
			show_result(call, mkdir(path, 0755));
			break;
		case 13:
			random_path(path);
			snprintf(call, sizeof(call), "%d: rmdir(%s)", round, path);
			show_result(call, rmdir(path));
			break;
		case 14:
			random_path(path);
			snprintf(call, sizeof(call), "%d: unlink(%s)", round, path);
			show_result(call, unlink(path));
			break;
		case 15:
		case 16:
			random_path(path);
			random_path(other);
			snprintf(call, sizeof(call), "%d: rename(%s, %s)", round,
				 path, other);
			show_result(call, rename(path, other));
			break;
		case 17:
			random_path(path);
			random_path(other);
			snprintf(call, sizeof(call), "%d: link(%s, %s)", round,
				 path, other);
			show_result(call, link(path, other));
			break;
		case 18: {
			static const char *targets[] = {
				"a", "b", "c", "a/b", "../a", "../../c", "b/c/a",
			};
			const char *target = targets[below(7)];
			random_path(path);
			snprintf(call, sizeof(call), "%d: symlink(%s, %s)", round,
				 target, path);
			show_result(call, symlink(target, path));
			break;
		}
		default: {
			random_path(path);
			result = readlink(path, buffer, sizeof(buffer));
			snprintf(call, sizeof(call), "%d: readlink(%s)", round,
				 path);
			show_result(call, result);
			if (result > 0)
				printf("  -> %.*s\n", (int)result, buffer);
			break;
		}
		}
		printf(" ");
		show_tree(".");
		putchar('\n');
	}

	for (int i = 0; i < SLOTS; i++)
		if (slots[i] >= 0)
			close(slots[i]);
	if (chdir(top) < 0)
		printf("back to the directory: %s\n", strerror(errno));
	remove_tree(".");
	if (chdir("/") < 0 || rmdir(top) < 0)
		printf("removing the directory: %s\n", strerror(errno));
	return 0;
}
