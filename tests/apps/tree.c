/*
 * A file tree (differential): tests/apps/tree/ is the working directory on
 * the host, and the boot's file archive (the root) under Wicket
 * (differential.py --files). Everything is named relative to it and only
 * read: contents, stat's fields a checkout keeps (type, permission bits,
 * size), directory listings (sorted), symbolic links (followed, not
 * followed, in a loop, dangling, through other links), offsets, pread,
 * readv, sendfile, FIONREAD, mmap, statx and the working directory
 * (printed below its start, which differs).
 *
 * With the argument "beside-dev" (Wicket only, tests/apps/meson.build) it
 * looks at the archive's files by absolute paths beside /dev, and at
 * what statfs says of both (tests/apps/tree_write.c changes the tree).
 * With "walk PATH" it
 * prints every name under PATH, its type, a directory's permission bits
 * and modification time, a file's size and first bytes, and a link's
 * target (tests/hostile: damaged archives).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "tree_util.h"


/* Up to 15 bytes with newlines as '|', for one line of output. */
static const char *printable(const char *bytes, size_t count)
{
	static char text[16];

	if (count > 15)
		count = 15;
	for (size_t i = 0; i < count; i++)
		text[i] = bytes[i] == '\n' ? '|' : bytes[i];
	text[count] = '\0';
	return text;
}


static const char *type_name(mode_t mode)
{
	return S_ISREG(mode) ? "file" : S_ISDIR(mode) ? "directory"
	       : S_ISLNK(mode) ? "link" : S_ISCHR(mode) ? "character device"
	       : "other";
}

/* stat (or lstat) of path: type, permission bits, and the size of what
 * is not a directory (a directory's size is the file system's). */
static void show_stat(const char *path, int follow)
{
	struct stat st;
	int result = follow ? stat(path, &st) : lstat(path, &st);

	if (result < 0) {
		printf("%s %s: -1 (%s)\n", follow ? "stat" : "lstat", path,
		       strerror(errno));
		return;
	}
	printf("%s %s: %s %04o", follow ? "stat" : "lstat", path,
	       type_name(st.st_mode), (unsigned)(st.st_mode & 07777));
	if (!S_ISDIR(st.st_mode))
		printf(" size %lld", (long long)st.st_size);
	if (S_ISREG(st.st_mode))
		printf(" blocks hold it %d", st.st_blocks * 512 >= st.st_size);
	printf("\n");
}



static void show_link(const char *path)
{
	char target[64];
	ssize_t length = readlink(path, target, sizeof(target));

	if (length < 0)
		printf("readlink %s: -1 (%s)\n", path, strerror(errno));
	else
		printf("readlink %s: %.*s\n", path, (int)length, target);
}

/* The first line of path, opened with flags. */
static void show_open(const char *path, int flags)
{
	char buffer[64] = "";
	int fd = open(path, flags);

	if (fd < 0) {
		printf("open %s 0x%x: -1 (%s)\n", path, flags, strerror(errno));
		return;
	}
	ssize_t count = read(fd, buffer, sizeof(buffer) - 1);

	if (count < 0)
		printf("open %s 0x%x: read -1 (%s)\n", path, flags,
		       strerror(errno));
	else
		printf("open %s 0x%x: %.*s", path, flags,
		       (int)strcspn(buffer, "\n") + 1, buffer);
	if (count >= 0 && strchr(buffer, '\n') == NULL)
		printf("\n");
	close(fd);
}

static void contents(void)
{
	char buffer[16];
	struct stat st;

	printf("-- contents\n");
	show_open("hello.txt", O_RDONLY);
	show_open("deep/a/b/c/d.txt", O_RDONLY);
	show_open("deep//a/./b/../b/c/d.txt", O_RDONLY);
	show_open("data/empty", O_RDONLY);
	show_open("data", O_RDONLY);
	show_open("data/", O_RDONLY | O_DIRECTORY);
	show_open("hello.txt/", O_RDONLY);
	show_open("hello.txt/x", O_RDONLY);
	show_open("missing.txt", O_RDONLY);
	show_open("hello.txt", O_RDONLY | O_DIRECTORY);

	/* The whole file in odd pieces: count and a hash. */
	int fd = open("data/lines.txt", O_RDONLY);
	uint64_t hash = 1469598103934665603u, total = 0;
	ssize_t count;

	while ((count = read(fd, buffer, 13)) > 0) {
		for (ssize_t i = 0; i < count; i++)
			hash = (hash ^ (uint8_t)buffer[i]) * 1099511628211u;
		total += (uint64_t)count;
	}
	printf("lines.txt: %llu bytes, hash %016llx, last read %zd\n",
	       (unsigned long long)total, (unsigned long long)hash, count);
	show("read at the end", read(fd, buffer, sizeof(buffer)));
	show("write to a read-only descriptor", write(fd, "x", 1));
	show("fstat", fstat(fd, &st));
	printf("  %s size %lld\n", type_name(st.st_mode),
	       (long long)st.st_size);
	close(fd);
	fd = open("data", O_RDONLY);
	show("read a directory", read(fd, buffer, sizeof(buffer)));
	close(fd);
}

static void offsets(void)
{
	char buffer[32];
	int fd = open("data/lines.txt", O_RDONLY);
	int empty = open("data/empty", O_RDONLY);
	int available = -1;

	printf("-- offsets\n");
	show("lseek SEEK_END", lseek(fd, 0, SEEK_END));
	show("lseek SEEK_END -5", lseek(fd, -5, SEEK_END));
	memset(buffer, 0, sizeof(buffer));
	show("read the last 5", read(fd, buffer, sizeof(buffer)));
	printf("  \"%.4s\"\n", buffer);
	show("lseek past the end", lseek(fd, 100000, SEEK_SET));
	show("read past the end", read(fd, buffer, sizeof(buffer)));
	show("lseek SEEK_CUR -99990", lseek(fd, -99990, SEEK_CUR));
	show("lseek before 0", lseek(fd, -20, SEEK_CUR));
	show("lseek SEEK_DATA 100", lseek(fd, 100, SEEK_DATA));
	show("lseek SEEK_HOLE 100", lseek(fd, 100, SEEK_HOLE));
	show("lseek SEEK_DATA at the size", lseek(fd, 8893, SEEK_DATA));
	show("lseek SEEK_DATA in an empty file", lseek(empty, 0, SEEK_DATA));
	show("lseek whence 7", lseek(fd, 0, 7));
	lseek(fd, 10, SEEK_SET);
	show("ioctl FIONREAD", ioctl(fd, FIONREAD, &available));
	printf("  %d\n", available);
	memset(buffer, 0, sizeof(buffer));
	show("pread 10 at 4090", pread(fd, buffer, 10, 4090));
	printf("  \"%s\"\n", printable(buffer, 10));
	show("offset after pread", lseek(fd, 0, SEEK_CUR));
	show("pread at -1", pread(fd, buffer, 10, -1));
	show("pread past the end", pread(fd, buffer, 10, 9000));

	char first[5] = "", second[7] = "";
	struct iovec pieces[2] = { { first, 4 }, { second, 6 } };

	lseek(fd, 0, SEEK_SET);
	show("readv 4 + 6", readv(fd, pieces, 2));
	printf("  \"%s\"", printable(first, 4));
	printf(" \"%s\"\n", printable(second, 6));

	fflush(stdout);
	off_t from = 8880;
	ssize_t sent = sendfile(STDOUT_FILENO, fd, &from, 100);

	printf("\nsendfile 100 from 8880: %zd, offset now %lld, file offset "
	       "%lld\n", sent, (long long)from,
	       (long long)lseek(fd, 0, SEEK_CUR));
	fflush(stdout);
	lseek(fd, 8885, SEEK_SET);
	sent = sendfile(STDOUT_FILENO, fd, NULL, 3);
	printf("\nsendfile 3 from the offset: %zd, offset now %lld\n", sent,
	       (long long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	close(empty);
}

static void links(void)
{
	printf("-- links\n");
	show_stat("links/to-hello", 1);
	show_stat("links/to-hello", 0);
	show_stat("links/to-data", 1);
	show_stat("links/chain", 1);
	show_stat("links/loop-a", 1);
	show_stat("links/loop-a", 0);
	show_stat("links/dangling", 1);
	show_stat("links/dangling", 0);
	show_stat("links/to-data/", 0);
	show_link("links/to-hello");
	show_link("links/chain");
	show_link("links/dangling");
	show_link("hello.txt");
	show_link("links/to-data/");
	show_link("missing");
	show_open("links/to-hello", O_RDONLY);
	show_open("links/chain", O_RDONLY);
	show_open("links/to-data/../hello.txt", O_RDONLY);
	show_open("links/loop-a", O_RDONLY);
	show_open("links/loop-a/x", O_RDONLY);
	show_open("links/dangling", O_RDONLY);
	show_open("links/to-hello", O_RDONLY | O_NOFOLLOW);
	show_open("links/to-data/lines.txt", O_RDONLY | O_NOFOLLOW);

	struct stat st;
	int fd = open("links/to-hello", O_PATH | O_NOFOLLOW);

	show("open O_PATH|O_NOFOLLOW", fd >= 0);
	show("fstat of it", fstat(fd, &st));
	printf("  %s size %lld\n", type_name(st.st_mode),
	       (long long)st.st_size);
	close(fd);
	show("fstatat AT_SYMLINK_NOFOLLOW",
	     fstatat(AT_FDCWD, "links/chain", &st, AT_SYMLINK_NOFOLLOW));
	printf("  %s size %lld\n", type_name(st.st_mode),
	       (long long)st.st_size);

	int directory = open("links/to-data", O_RDONLY | O_DIRECTORY);

	show("openat from a directory reached by a link",
	     (fd = openat(directory, "lines.txt", O_RDONLY)) >= 0);
	close(fd);
	show("fstatat ../hello.txt from it",
	     fstatat(directory, "../hello.txt", &st, 0));
	close(directory);
}

static void listings(void)
{
	printf("-- directories\n");
	list(".");
	list("data");
	list("links");
	list("links/to-data");
	list("deep/a/b");
	list("hello.txt");
	show_stat(".", 1);
	show_stat("data", 1);
	show_stat("bin/tool.sh", 1);
	show_stat("hello.txt", 1);
	show_stat("data/lines.txt", 1);
	show_stat("data/empty", 1);
	show("access bin/tool.sh X_OK", access("bin/tool.sh", X_OK));
	show("access hello.txt X_OK", access("hello.txt", X_OK));
	show("access hello.txt R_OK", access("hello.txt", R_OK));
	show("access links/dangling F_OK", access("links/dangling", F_OK));
	show("faccessat links/to-hello R_OK",
	     faccessat(AT_FDCWD, "links/to-hello", R_OK, 0));

	/* seekdir back to a position telldir gave. */
	DIR *directory = opendir("links");
	long position = -1;
	struct dirent *entry;
	char name[256] = "";
	int seen = 0;

	while ((entry = readdir(directory)) != NULL) {
		if (++seen == 3) {
			position = telldir(directory);
		} else if (seen == 4) {
			snprintf(name, sizeof(name), "%s", entry->d_name);
		}
	}
	seekdir(directory, position);
	entry = readdir(directory);
	check(entry && strcmp(entry->d_name, name) == 0,
	      "seekdir to telldir's position gives the same next entry");
	rewinddir(directory);
	entry = readdir(directory);
	check(entry != NULL, "rewinddir lists again");
	closedir(directory);
}

/* The working directory, below where the program started. */
static void show_cwd(const char *start)
{
	char path[4096];

	if (getcwd(path, sizeof(path)) == NULL) {
		printf("getcwd: -1 (%s)\n", strerror(errno));
		return;
	}
	size_t length = strlen(start);

	if (strcmp(start, "/") == 0)
		length = 0;
	if (strncmp(path, start, length) != 0) {
		printf("getcwd: outside the start: %s\n", path);
		failures++;
		return;
	}
	printf("getcwd: /%s\n", path[length] == '/' ? path + length + 1
		 : path + length);
}

static void working_directory(void)
{
	char start[4096];
	char small[4];

	printf("-- working directory\n");
	getcwd(start, sizeof(start));
	show("chdir deep/a/b/c", chdir("deep/a/b/c"));
	show_cwd(start);
	show("getcwd into 4 bytes", getcwd(small, sizeof(small)) ? 0 : -1);
	show_open("d.txt", O_RDONLY);
	show("chdir ../../../..", chdir("../../../.."));
	show_cwd(start);
	show("chdir links/to-data", chdir("links/to-data"));
	show_cwd(start);
	show_open("lines.txt", O_RDONLY);
	show("chdir ..", chdir(".."));
	show_cwd(start);
	show("chdir hello.txt", chdir("hello.txt"));
	show("chdir links/loop-a", chdir("links/loop-a"));
	int fd = open("deep/a", O_RDONLY | O_DIRECTORY);

	show("fchdir deep/a", fchdir(fd));
	close(fd);
	show_cwd(start);
	chdir(start);
}

static void mappings(void)
{
	int fd = open("data/lines.txt", O_RDONLY);
	int directory = open("data", O_RDONLY);
	char expected[4096];
	void *at;

	printf("-- mmap\n");
	pread(fd, expected, sizeof(expected), 4096);
	at = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);
	show("mmap private at 4096", at == MAP_FAILED ? -1 : 0);
	if (at != MAP_FAILED) {
		check(memcmp(at, expected, 4096 - 0) == 0,
		      "the mapping holds the file's bytes");
		/* 8893 - 4096 bytes of the file, then zeros to the page's
		 * end. */
		check(((char *)at)[8893 - 4096 - 1] == '\n' &&
		      ((char *)at)[8893 - 4096] == 0,
		      "zeros after the file's end");
		munmap(at, 8192);
	}
	at = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	show("mmap private writable", at == MAP_FAILED ? -1 : 0);
	if (at != MAP_FAILED) {
		char first[4] = "";

		memcpy(at, "XYZ", 3);
		pread(fd, first, 3, 0);
		printf("  mapping \"%s\"", printable(at, 3));
		printf(", file \"%s\"\n", printable(first, 3));
		munmap(at, 4096);
	}
	at = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	show("mmap shared read-only", at == MAP_FAILED ? -1 : 0);
	if (at != MAP_FAILED) {
		check(memcmp(at, "1\n2\n3\n", 6) == 0, "shared mapping");
		munmap(at, 4096);
	}
	at = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	show("mmap shared writable of a read-only descriptor",
	     at == MAP_FAILED ? -1 : 0);
	at = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 100);
	show("mmap at an unaligned offset", at == MAP_FAILED ? -1 : 0);
	at = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, directory, 0);
	show("mmap a directory", at == MAP_FAILED ? -1 : 0);
	at = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 1000, 0);
	show("mmap a closed descriptor", at == MAP_FAILED ? -1 : 0);

	int zero = open("/dev/zero", O_RDWR);

	at = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
	show("mmap /dev/zero", at == MAP_FAILED ? -1 : 0);
	if (at != MAP_FAILED) {
		check(((char *)at)[5000] == 0, "/dev/zero maps zeros");
		((char *)at)[5000] = 1;
		munmap(at, 8192);
	}
	close(zero);
	close(directory);
	close(fd);
}

/* Linux's struct statx (musl 1.2.3 has no statx()). */
struct statx_time {
	int64_t seconds;
	uint32_t nanoseconds;
	int32_t reserved;
};

struct statx_buffer {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_time atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

static long statx_call(int dirfd, const char *path, int flags, unsigned mask,
		       struct statx_buffer *out)
{
	return syscall(SYS_statx, dirfd, path, flags, mask, out);
}

/* statx of path must say what stat (or lstat) says. */
static void statx_agrees(const char *path, int flags)
{
	struct statx_buffer x;
	struct stat st;
	int follow = !(flags & AT_SYMLINK_NOFOLLOW);

	memset(&x, 0xa5, sizeof(x));
	if (statx_call(AT_FDCWD, path, flags, 0x7ff, &x) < 0) {
		printf("statx %s: -1 (%s)\n", path, strerror(errno));
		return;
	}
	if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
		printf("statx %s: stat failed\n", path);
		failures++;
		return;
	}
	int agrees = (x.mask & 0x7ff) == 0x7ff && x.mode == st.st_mode &&
		     x.size == (uint64_t)st.st_size && x.ino == st.st_ino &&
		     x.nlink == st.st_nlink && x.uid == st.st_uid &&
		     x.blocks == (uint64_t)st.st_blocks &&
		     x.mtime.seconds == st.st_mtim.tv_sec &&
		     makedev(x.dev_major, x.dev_minor) == st.st_dev &&
		     makedev(x.rdev_major, x.rdev_minor) == st.st_rdev;

	printf("statx %s: %s %s\n", path, type_name(x.mode),
	       agrees ? "agrees with stat" : "DIFFERS from stat");
	failures += !agrees;
}

static void statx_calls(void)
{
	struct statx_buffer x;
	int fd = open("data/lines.txt", O_RDONLY);

	printf("-- statx\n");
	statx_agrees("hello.txt", 0);
	statx_agrees("data", 0);
	statx_agrees("links/chain", 0);
	statx_agrees("links/chain", AT_SYMLINK_NOFOLLOW);
	statx_agrees("/dev/null", 0);
	statx_agrees("links/loop-a", 0);
	statx_agrees("missing", 0);
	show("statx AT_EMPTY_PATH of a descriptor",
	     statx_call(fd, "", AT_EMPTY_PATH, 0x7ff, &x));
	printf("  size %llu\n", (unsigned long long)x.size);
	show("statx bad flags", statx_call(AT_FDCWD, "hello.txt", 0x40000,
					   0x7ff, &x));
	show("statx both sync types", statx_call(AT_FDCWD, "hello.txt", 0x6000,
						 0x7ff, &x));
	show("statx reserved mask bit", statx_call(AT_FDCWD, "hello.txt", 0,
						   0x80000000u, &x));
	close(fd);
}

/* Wicket only: the archive's files by absolute paths beside /dev, and
 * the file systems statfs names. */
static void beside_dev(void)
{
	struct statfs fs;
	struct stat st;
	int fd;

	show_open("/hello.txt", O_RDONLY);
	show_open("/links/to-hello", O_RDONLY);
	show_open("/dev/../data/../hello.txt", O_RDONLY);
	list("/");
	list("/dev");
	list("/etc");
	show("stat /dev/null", stat("/dev/null", &st));
	printf("  %s\n", type_name(st.st_mode));
	show("statfs /", statfs("/", &fs));
	printf("  type %lx read-only %d name max %ld\n", (long)fs.f_type,
	       (int)(fs.f_flags & ST_RDONLY) != 0, (long)fs.f_namelen);
	fd = open("/dev/null", O_RDONLY);
	show("fstatfs /dev/null", fstatfs(fd, &fs));
	printf("  type %lx\n", (long)fs.f_type);
	close(fd);
}

/* Every name under path, depth first, in the order listed. */
static void walk(const char *path, int depth)
{
	DIR *directory = opendir(path);
	struct dirent *entry;

	if (directory == NULL) {
		printf("opendir %s: -1 (%s)\n", path, strerror(errno));
		return;
	}
	while ((entry = readdir(directory)) != NULL) {
		char child[4096], bytes[16];
		struct stat st;

		if (strcmp(entry->d_name, ".") == 0 ||
		    strcmp(entry->d_name, "..") == 0)
			continue;
		snprintf(child, sizeof(child), "%s/%s",
			 strcmp(path, "/") == 0 ? "" : path, entry->d_name);
		if (lstat(child, &st) < 0) {
			printf("walk %s: -1 (%s)\n", child, strerror(errno));
			continue;
		}
		printf("walk %s %s", child, type_name(st.st_mode));
		if (S_ISDIR(st.st_mode))
			printf(" %04o %lld", (unsigned)(st.st_mode & 07777),
			       (long long)st.st_mtime);
		if (S_ISREG(st.st_mode)) {
			int fd = open(child, O_RDONLY);
			ssize_t count = read(fd, bytes, sizeof(bytes));

			printf(" %lld \"%s\"", (long long)st.st_size,
			       printable(bytes, count > 0 ? (size_t)count : 0));
			close(fd);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t count = readlink(child, bytes, 15);

			printf(" -> %s", count < 0 ? "?" :
			       printable(bytes, (size_t)count));
		}
		printf("\n");
		if (S_ISDIR(st.st_mode) && depth < 64 &&
		    strcmp(child, "/dev") != 0 && strcmp(child, "/proc") != 0)
			walk(child, depth + 1);
	}
	closedir(directory);
}

/* Wicket only: /proc's files, each as one line ('|' for a newline, ' '
 * for a NUL), and the links. */
static void proc_files(void)
{
	static const char *const paths[] = {
		"/proc/meminfo", "/proc/uptime", "/proc/loadavg",
		"/proc/mounts", "/proc/version", "/proc/stat",
		"/proc/self/cmdline", "/proc/self/comm", "/proc/1/status",
		"/proc/1/stat", "/proc/cpuinfo", "/proc/self/mounts",
		"/proc/self/mountinfo", "/proc/sys/kernel/osrelease",
		"/proc/sys/net/core/somaxconn", "/proc/sys/kernel/threads-max",
		"/proc/self/cgroup", "/proc/filesystems",
	};
	char text[2048], target[64];
	struct stat st;

	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		int fd = open(paths[i], O_RDONLY);
		ssize_t count = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

		for (ssize_t j = 0; j < count; j++)
			text[j] = text[j] == '\n' ? '|' : text[j] ? text[j]
				  : ' ';
		text[count < 0 ? 0 : count] = '\0';
		printf("%s: %s\n", paths[i], text);
		close(fd);
	}
	/* The host name through /proc/sys, as uname then has it. */
	int hostname = open("/proc/sys/kernel/hostname", O_WRONLY);
	struct utsname names;

	show("write hostname", write(hostname, "appliance\n", 10));
	close(hostname);
	uname(&names);
	printf("uname's nodename: %s\n", names.nodename);
	ssize_t length = readlink("/proc/self/exe", target, sizeof(target));

	printf("exe: %.*s\n", (int)(length < 0 ? 0 : length), target);
	length = readlink("/proc/self", target, sizeof(target));
	printf("self: %.*s\n", (int)(length < 0 ? 0 : length), target);
	show("stat /proc/meminfo", stat("/proc/meminfo", &st));
	printf("  mode %04o size %lld\n", (unsigned)(st.st_mode & 07777),
	       (long long)st.st_size);
	int written = open("/proc/meminfo", O_WRONLY);

	show("open /proc/meminfo for writing (as root)", written < 0 ? -1 : 0);
	show("write it", write(written, "1", 1));
	close(written);
	show("unlink /proc/uptime", unlink("/proc/uptime"));
	int fd = open("/proc/version", O_RDONLY);

	show("lseek to 6", lseek(fd, 6, SEEK_SET));
	show("read from 6", read(fd, text, 7));
	printf("  \"%.7s\"\n", text);
	show("mmap it", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)
			    == MAP_FAILED ? -1 : 0);
	close(fd);
	/* maps, whole and in 7-byte reads. */
	static char whole[16384], pieces[16384];
	ssize_t count, total = 0;

	fd = open("/proc/self/maps", O_RDONLY);
	count = read(fd, whole, sizeof(whole) - 1);
	whole[count < 0 ? 0 : count] = '\0';
	lseek(fd, 0, SEEK_SET);
	while ((count = read(fd, pieces + total, 7)) > 0 &&
	       total < (ssize_t)sizeof(pieces) - 8)
		total += count;
	close(fd);
	printf("maps: stack %d, heap %d, vdso %d, the app %d, "
	       "pieces agree %d\n", strstr(whole, " [stack]\n") != NULL,
	       strstr(whole, " [heap]\n") != NULL,
	       strstr(whole, "r-xp 00000000 00:00 0") != NULL &&
	       strstr(whole, " [vdso]\n") != NULL,
	       strstr(whole, " /tree\n") != NULL,
	       total == (ssize_t)strlen(whole) &&
	       memcmp(whole, pieces, (size_t)total) == 0);

	struct statfs fs;

	show("statfs /proc", statfs("/proc", &fs));
	printf("  type %lx\n", (long)fs.f_type);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "proc") == 0) {
		proc_files();
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "walk") == 0) {
		walk(argv[2], 0);
		printf("walked\n");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "beside-dev") == 0) {
		beside_dev();
		return 0;
	}
	contents();
	offsets();
	links();
	listings();
	working_directory();
	mappings();
	statx_calls();
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
