/*
 * Smaller calls of the Linux ABI (differential): preadv, pwritev and their
 * flagged forms; memfd_create and its seals; utime, utimes and futimesat;
 * msync, mincore, the mlock family and overcommit; close_range; getcpu,
 * membarrier and sched_rr_get_interval; setrlimit; personality; the error
 * paths of sethostname and setdomainname (the host's names must not
 * change); sendfile between files; the ioctls of every file;
 * /proc/self/fd; F_GETFL of each kind of file; clone3's refusals. Where
 * the host's answer depends on the machine (which CPU, the slice's
 * length) the program prints only what both must agree on.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>
#include <utime.h>

#include "show_util.h"

#define CLOSE_RANGE_CLOEXEC 4
#define RWF_APPEND 0x10
#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16

/* musl has no preadv2 or pwritev2: the offset's halves are R10 and R8
 * (x86-64 Linux takes R10 whole). */
static long preadv2(int fd, const struct iovec *vector, int count,
		    long offset, int flags)
{
	return syscall(SYS_preadv2, fd, vector, count, offset, 0, flags);
}

static long pwritev2(int fd, const struct iovec *vector, int count,
		     long offset, int flags)
{
	return syscall(SYS_pwritev2, fd, vector, count, offset, 0, flags);
}

static int memfd(const char *name, unsigned flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

static void vectors(void)
{
	int fd = memfd("vectors", 0);
	char one[6], two[6];
	struct iovec out[2] = { { "hello ", 6 }, { "world", 5 } };
	struct iovec in[2] = { { one, 3 }, { two, 5 } };

	show("pwritev", pwritev(fd, out, 2, 0));
	show("offset after pwritev", lseek(fd, 0, SEEK_CUR));
	memset(one, 0, sizeof(one));
	memset(two, 0, sizeof(two));
	show("preadv at 3", preadv(fd, in, 2, 3));
	printf("  '%s' '%s'\n", one, two);
	show("preadv at the end", preadv(fd, in, 2, 11));
	show("preadv offset -1", preadv(fd, in, 2, -1));
	show("pwritev2 offset -1",
	     pwritev2(fd, out, 1, -1, 0));
	show("offset after pwritev2", lseek(fd, 0, SEEK_CUR));
	show("pwritev2 append", pwritev2(fd, &out[1], 1, 0, RWF_APPEND));
	struct stat status;

	fstat(fd, &status);
	printf("size: %ld\n", (long)status.st_size);
	show("preadv2 offset -1", preadv2(fd, in, 2, -1, 0));
	printf("  '%s' '%s'\n", one, two);
	show("preadv2 bad flags", preadv2(fd, in, 2, 0, 0x1000));
	int pipes[2];

	pipe(pipes);
	show("pwritev on a pipe", pwritev(pipes[1], out, 2, 0));
	show("pwritev2 -1 on a pipe", pwritev2(pipes[1], out, 2, -1, 0));
	show("preadv2 -1 on a pipe", preadv2(pipes[0], in, 2, -1, 0));
	show("preadv bad fd", preadv(99, in, 2, 0));
	show("preadv bad fd, negative offset", preadv(99, in, 2, -5));
	show("preadv2 bad fd, bad flags", preadv2(99, in, 2, 0, 0x1000));
	show("preadv2 bad flags, nothing to read",
	     preadv2(fd, in, 0, 0, 0x1000));
	show("pread past the largest offset",
	     pread(fd, one, 5, 0x7ffffffffffffffe));
	show("preadv past the largest offset",
	     preadv(fd, in, 2, 0x7ffffffffffffffe));
	show("pwrite past the largest offset",
	     pwrite(fd, one, 5, 0x7ffffffffffffffe));
	show("preadv bad vector", preadv(fd, (struct iovec *)16, 2, 0));
	close(pipes[0]);
	close(pipes[1]);
	close(fd);
}

static void memfds(void)
{
	char long_name[300];
	struct stat status;

	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	show("memfd bad flags", memfd("x", 0x100));
	show("memfd long name", memfd(long_name, 0));
	show("memfd bad name", syscall(SYS_memfd_create, (void *)16, 0));

	int fd = memfd("sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);

	fstat(fd, &status);
	printf("mode %o size %ld links %ld\n", status.st_mode,
	       (long)status.st_size, (long)status.st_nlink);
	show("cloexec", fcntl(fd, F_GETFD));
	show("get seals", fcntl(fd, F_GET_SEALS));
	show("write", write(fd, "0123456789", 10));
	show("add bad seal", fcntl(fd, F_ADD_SEALS, 0x100));
	show("add GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	show("write past the end", pwrite(fd, "ab", 2, 9));
	show("write inside", pwrite(fd, "ab", 2, 0));
	show("ftruncate longer", ftruncate(fd, 20));
	show("fallocate keep size, past the end",
	     fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 100));
	show("ftruncate shorter", ftruncate(fd, 8));
	show("add SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	show("ftruncate shorter again", ftruncate(fd, 4));
	show("ftruncate same", ftruncate(fd, 8));
	show("add WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	show("write sealed", pwrite(fd, "ab", 2, 0));
	char back[9] = { 0 };

	show("read sealed", pread(fd, back, 8, 0));
	printf("  '%s'\n", back);
	char *map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

	printf("private map: %.8s\n", map == MAP_FAILED ? "failed" : map);
	show("add SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	show("add after SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	show("seals now", fcntl(fd, F_GET_SEALS));
	close(fd);

	/* F_SEAL_GROW stops a write at the page that would grow the file:
	 * the pages before it are written. */
	static char big[6000];

	fd = memfd("grow", MFD_ALLOW_SEALING);
	memset(big, 'g', sizeof(big));
	ftruncate(fd, 4096 + 100);
	fcntl(fd, F_ADD_SEALS, F_SEAL_GROW);
	show("write across the end", pwrite(fd, big, sizeof(big), 0));
	show("write from the last page", pwrite(fd, big, 200, 4096));
	fstat(fd, &status);
	printf("size %ld\n", (long)status.st_size);
	close(fd);

	fd = memfd("plain", 0);
	show("plain seals", fcntl(fd, F_GET_SEALS));
	show("plain add", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	show("plain cloexec", fcntl(fd, F_GETFD));
	close(fd);
	int pipes[2];

	pipe(pipes);
	show("seals of a pipe", fcntl(pipes[0], F_GET_SEALS));
	close(pipes[0]);
	close(pipes[1]);
}

static void show_times(const char *path)
{
	struct stat status;

	stat(path, &status);
	printf("  atime %ld.%09ld mtime %ld.%09ld\n",
	       (long)status.st_atim.tv_sec, status.st_atim.tv_nsec,
	       (long)status.st_mtim.tv_sec, status.st_mtim.tv_nsec);
}

static void times(void)
{
	char path[] = "/tmp/abi_misc_XXXXXX";
	int fd = mkstemp(path);
	struct timeval values[2] = { { 1000, 500 }, { 2000, 250000 } };
	struct utimbuf whole = { 3000, 4000 };
	struct stat status;

	close(fd);
	show("utimes", utimes(path, values));
	show_times(path);
	show("utime", utime(path, &whole));
	show_times(path);
	values[0].tv_sec = 5000;
	show("futimesat", syscall(SYS_futimesat, AT_FDCWD, path, values));
	show_times(path);
	show("utime now", utime(path, NULL));
	stat(path, &status);
	printf("  recent: %s\n", status.st_mtim.tv_sec > 1700000000 ? "yes" : "no");
	values[1].tv_usec = 1000000;
	show("utimes bad usec", utimes(path, values));
	show("utimes null path", syscall(SYS_utimes, NULL, NULL));
	show("utime missing", utime("/tmp/abi_misc_none/x", NULL));
	show("utime bad times", syscall(SYS_utime, path, (void *)16));
	unlink(path);
}

/* Linux's default overcommit heuristic: one request for more memory than
 * the machine has is refused; memory that cannot be written, or mapped
 * MAP_NORESERVE, is not counted. 64 TiB is more than either side has. */
static void overcommit(void)
{
	const size_t huge = (size_t)1 << 46;
	void *map = mmap(NULL, huge, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("overcommit\n");
	show("64 TiB writable", map == MAP_FAILED ? -1 : 0);
	map = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	show("64 TiB shared", map == MAP_FAILED ? -1 : 0);
	map = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	show("64 TiB MAP_NORESERVE", map == MAP_FAILED ? -1 : munmap(map, huge));
	map = mmap(NULL, huge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show("64 TiB read-only", map == MAP_FAILED ? -1 : munmap(map, huge));
	printf("malloc 64 TiB: %s\n", malloc(huge) ? "granted" : "refused");
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *moved = mremap(map, 4096, huge, MREMAP_MAYMOVE);
	show("mremap to 64 TiB", moved == MAP_FAILED ? -1 : 0);
	munmap(moved == MAP_FAILED ? map : moved, 4096);
	long top = syscall(SYS_brk, 0);
	printf("brk by 64 TiB moves: %s\n",
	       syscall(SYS_brk, top + (long)huge) == top ? "no" : "yes");
}

static void memory(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *area = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char vector[4];

	area[0] = 1;
	area[2 * page] = 1;
	show("msync", msync(area, 2 * page, MS_SYNC));
	show("msync async", msync(area, 2 * page, MS_ASYNC | MS_INVALIDATE));
	show("msync both", msync(area, page, MS_ASYNC | MS_SYNC));
	show("msync bad flags", msync(area, page, 0x40));
	show("msync unaligned", msync(area + 1, page, MS_SYNC));
	show("msync zero length", msync(area, 0, MS_SYNC));
	show("mincore", mincore(area, 4 * page, vector));
	printf("  touched pages present: %d %d\n", vector[0] & 1,
	       vector[2] & 1);
	show("mincore unaligned", mincore(area + 1, page, vector));
	show("mincore bad vector", mincore(area, page, (unsigned char *)16));
	show("mlock", mlock(area + 10, page));
	show("munlock", munlock(area, page));
	show("mlock2 onfault", syscall(SYS_mlock2, area, page, 1));
	show("mlock2 bad flags", syscall(SYS_mlock2, area, page, 2));
	show("mlockall none", mlockall(0));
	show("mlockall onfault alone", mlockall(4));
	show("mlockall bad", mlockall(0x10));
	show("munlockall", munlockall());
	munmap(area, 4 * page);
	show("msync unmapped", msync(area, page, MS_SYNC));
	show("mincore unmapped", mincore(area, page, vector));
	show("mlock unmapped", mlock(area, page));
	overcommit();
}

static void descriptors(void)
{
	int null = open("/dev/null", O_RDONLY);

	dup2(null, 40);
	dup2(null, 41);
	dup2(null, 42);
	show("close_range 40-41", syscall(SYS_close_range, 40, 41, 0));
	show("40 after", fcntl(40, F_GETFD));
	show("41 after", fcntl(41, F_GETFD));
	show("42 after", fcntl(42, F_GETFD));
	show("close_range cloexec",
	     syscall(SYS_close_range, 42, 42, CLOSE_RANGE_CLOEXEC));
	show("42 flags", fcntl(42, F_GETFD));
	show("close_range backwards", syscall(SYS_close_range, 5, 4, 0));
	show("close_range bad flags", syscall(SYS_close_range, 40, 50, 1));
	show("close_range to the top", syscall(SYS_close_range, 42, ~0u, 0));
	show("42 at last", fcntl(42, F_GETFD));
	close(null);
}

static void process(void)
{
	unsigned cpu = 99, node = 99;
	struct timespec slice = { -1, -1 };
	struct rlimit limit = { 64, 128 };

	show("getcpu", syscall(SYS_getcpu, &cpu, &node, NULL));
	printf("  cpu and node set: %s\n", cpu != 99 && node != 99 ? "yes" : "no");
	show("getcpu nulls", syscall(SYS_getcpu, NULL, NULL, NULL));
	show("getcpu bad", syscall(SYS_getcpu, (void *)16, NULL, NULL));
	long commands = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	printf("membarrier has private expedited: %ld\n",
	       commands > 0 ? (commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED) : -1);
	show("private expedited unregistered",
	     syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
	show("register", syscall(SYS_membarrier,
				 MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0));
	show("private expedited",
	     syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0));
	show("membarrier two commands", syscall(SYS_membarrier, 24, 0, 0));
	show("membarrier flags", syscall(SYS_membarrier,
					 MEMBARRIER_CMD_PRIVATE_EXPEDITED, 1, 0));
	show("sched_rr_get_interval", sched_rr_get_interval(0, &slice));
	printf("  slice set: %s\n", slice.tv_sec >= 0 && slice.tv_nsec >= 0 &&
	       slice.tv_nsec < 1000000000 ? "yes" : "no");
	show("sched_rr_get_interval -1", sched_rr_get_interval(-1, &slice));
	show("sched_rr_get_interval none", sched_rr_get_interval(4999999, &slice));
	show("sched_rr_get_interval bad",
	     syscall(SYS_sched_rr_get_interval, 0, (void *)16));
	show("setrlimit", setrlimit(RLIMIT_NOFILE, &limit));
	getrlimit(RLIMIT_NOFILE, &limit);
	printf("  nofile %ld %ld\n", (long)limit.rlim_cur, (long)limit.rlim_max);
	show("dup2 past the limit", dup2(0, 70));
	limit.rlim_cur = 200;
	show("setrlimit soft above hard", setrlimit(RLIMIT_NOFILE, &limit));
	show("setrlimit bad pointer",
	     syscall(SYS_setrlimit, RLIMIT_NOFILE, (void *)16));
	show("setrlimit bad resource", setrlimit(99, &limit));
	show("personality query", personality(0xffffffff));
	show("personality set", personality(PER_LINUX));
	show("personality again", personality(0xffffffff));
	show("sethostname too long", sethostname("x", 65));
	show("sethostname bad pointer", sethostname(NULL, 5));
	show("setdomainname too long", setdomainname("x", 65));
	show("setdomainname bad pointer", setdomainname(NULL, 5));
}

/* sendfile from a regular file to another, at each one's offset or at a
 * given one, and its refusals. */
static void sendfile_files(void)
{
	char from_name[64], to_name[64], pattern[10000], back[10000];
	off_t offset = 5000;

	snprintf(from_name, sizeof(from_name), "/tmp/abi-misc-%d-from", (int)getpid());
	snprintf(to_name, sizeof(to_name), "/tmp/abi-misc-%d-to", (int)getpid());
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)(i * 7 + i / 256);
	int from = open(from_name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int to = open(to_name, O_RDWR | O_CREAT | O_TRUNC, 0600);

	printf("sendfile between files\n");
	show("write source", write(from, pattern, sizeof(pattern)));
	lseek(from, 0, SEEK_SET);
	show("from its offset", sendfile(to, from, NULL, 3000));
	show("  source offset", lseek(from, 0, SEEK_CUR));
	show("at offset 5000", sendfile(to, from, &offset, 2000));
	printf("  offset now %ld, source offset %ld, destination offset %ld\n",
	       (long)offset, (long)lseek(from, 0, SEEK_CUR),
	       (long)lseek(to, 0, SEEK_CUR));
	offset = 9000;
	show("past the end", sendfile(to, from, &offset, 5000));
	printf("  offset now %ld\n", (long)offset);
	offset = 20000;
	show("from past the end", sendfile(to, from, &offset, 10));
	show("read back", pread(to, back, sizeof(back), 0));
	printf("  matches: %d %d %d\n", memcmp(back, pattern, 3000) == 0,
	       memcmp(back + 3000, pattern + 5000, 2000) == 0,
	       memcmp(back + 5000, pattern + 9000, 1000) == 0);
	int appending = open(to_name, O_WRONLY | O_APPEND);
	int reading = open(to_name, O_RDONLY);

	show("to O_APPEND", sendfile(appending, from, NULL, 10));
	show("to read-only", sendfile(reading, from, NULL, 10));
	show("bad offset pointer", sendfile(to, from, (off_t *)16, 10));
	offset = -1;
	show("negative offset", sendfile(to, from, &offset, 10));
	close(appending);
	close(reading);
	close(from);
	close(to);
	unlink(from_name);
	unlink(to_name);
}

/* The ioctls Linux answers for every file: FIONBIO, FIOCLEX, FIONCLEX
 * and FIOASYNC, on a pipe, /dev/null and a regular file. */
static void generic_ioctls(void)
{
	int pipe_ends[2], on = 1, off = 0;
	char byte;

	printf("generic ioctls\n");
	if (pipe(pipe_ends) != 0)
		return;
	int null = open("/dev/null", O_RDWR);
	int regular = memfd_create("ioctls", 0);
	int fds[3] = { pipe_ends[0], null, regular };

	show("FIONBIO on", ioctl(pipe_ends[0], FIONBIO, &on));
	printf("  O_NONBLOCK: %d\n", !!(fcntl(pipe_ends[0], F_GETFL) & O_NONBLOCK));
	show("  read from the empty pipe", read(pipe_ends[0], &byte, 1));
	show("FIONBIO off", ioctl(pipe_ends[0], FIONBIO, &off));
	printf("  O_NONBLOCK: %d\n", !!(fcntl(pipe_ends[0], F_GETFL) & O_NONBLOCK));
	show("FIONBIO bad pointer", ioctl(pipe_ends[0], FIONBIO, (int *)16));
	for (int i = 0; i < 3; i++) {
		printf(" fd kind %d\n", i);
		show("  FIONBIO", ioctl(fds[i], FIONBIO, &on));
		printf("  O_NONBLOCK: %d\n", !!(fcntl(fds[i], F_GETFL) & O_NONBLOCK));
		show("  FIOCLEX", ioctl(fds[i], FIOCLEX));
		show("  F_GETFD", fcntl(fds[i], F_GETFD));
		show("  FIONCLEX", ioctl(fds[i], FIONCLEX));
		show("  F_GETFD", fcntl(fds[i], F_GETFD));
		show("  FIOASYNC off", ioctl(fds[i], FIOASYNC, &off));
		show("  FIOASYNC bad pointer", ioctl(fds[i], FIOASYNC, (int *)16));
		show("  TIOCGWINSZ", ioctl(fds[i], TIOCGWINSZ, &on));
	}
	show("FIOCLEX on a closed descriptor", ioctl(99, FIOCLEX));
	close(pipe_ends[0]);
	close(pipe_ends[1]);
	close(null);
	close(regular);
}

/* What readlink says of /proc/self/fd/FD. */
static void show_fd_link(const char *label, int fd)
{
	char path[64], target[256];
	ssize_t length;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	length = readlink(path, target, sizeof(target) - 1);
	target[length < 0 ? 0 : length] = '\0';
	printf("%s: %s\n", label, length < 0 ? strerror(errno) : target);
}

/* /proc/self/fd: a link per descriptor, leading to the file itself. The
 * names of /tmp files carry the pid, so only their tails are printed. */
static void proc_fd(void)
{
	char name[64], path[64], bytes[8] = { 0 }, target[128];
	int fds[2];
	struct stat by_fd, by_path, link;

	printf("/proc/self/fd\n");
	snprintf(name, sizeof(name), "/tmp/abi-misc-%d-fd", (int)getpid());
	int file = open(name, O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(file, "content", 7);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", file);
	ssize_t length = readlink(path, target, sizeof(target) - 1);
	target[length < 0 ? 0 : length] = '\0';
	printf("file: names it %d\n", strcmp(target, name) == 0);
	fstat(file, &by_fd);
	stat(path, &by_path);
	lstat(path, &link);
	printf("  stat is the file's %d, lstat a link %d\n",
	       by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev,
	       S_ISLNK(link.st_mode));
	int again = open(path, O_RDONLY);
	show("  open it again", again >= 0);
	show("  read", read(again, bytes, 7));
	printf("  %s, own offset %ld\n", bytes, (long)lseek(file, 0, SEEK_CUR));
	close(again);
	unlink(name);
	length = readlink(path, target, sizeof(target) - 1);
	target[length < 0 ? 0 : length] = '\0';
	printf("unlinked: ends in (deleted) %d\n",
	       length > 10 && strcmp(target + length - 10, " (deleted)") == 0);
	again = open(path, O_RDONLY);
	show("  open it again", again >= 0);
	close(again);
	pipe(fds);
	length = readlink((snprintf(path, sizeof(path), "/proc/self/fd/%d",
				   fds[0]), path), target, sizeof(target) - 1);
	target[length < 0 ? 0 : length] = '\0';
	printf("pipe: pipe:[ %d\n", strncmp(target, "pipe:[", 6) == 0);
	int counter = eventfd(0, 0);
	show_fd_link("eventfd", counter);
	int memfd = memfd_create("fd-link", 0);
	show_fd_link("memfd", memfd);
	show_fd_link("/dev/null", open("/dev/null", O_RDONLY));
	show_fd_link("a closed one", 999);
	DIR *listing = opendir("/proc/self/fd");
	struct dirent *entry;
	int listed = 0, kinds = 1;

	while (listing && (entry = readdir(listing)) != NULL) {
		if (strcmp(entry->d_name, ".") == 0 ||
		    strcmp(entry->d_name, "..") == 0)
			continue;
		listed += atoi(entry->d_name) == file ||
			  atoi(entry->d_name) == memfd;
		kinds &= entry->d_type == DT_LNK;
	}
	if (listing)
		closedir(listing);
	printf("listed: both %d, all links %d\n", listed == 2, kinds);
	show("unlink a descriptor's link", unlink(path));
	show("a name in it", open("/proc/self/fd/new", O_CREAT | O_RDWR, 0600));
	show("a name in /proc/self", open("/proc/self/new", O_CREAT | O_RDWR, 0600));
	show("a directory in /proc", mkdir("/proc/new", 0700));
	show("no such descriptor", open("/proc/self/fd/999", O_RDONLY));
	show("not a number", open("/proc/self/fd/x", O_RDONLY));
	close(file);
	close(fds[0]);
	close(fds[1]);
	close(counter);
	close(memfd);
}

/* F_GETFL of each kind of file: open() adds O_LARGEFILE, the calls that
 * make pipes and anonymous files do not. */
static void status_flags(void)
{
	int fds[2];
	sigset_t none;

	sigemptyset(&none);
	pipe(fds);
	int made[] = { open("/dev/null", O_RDWR), memfd_create("flags", 0),
		       fds[0], fds[1], eventfd(0, 0), epoll_create1(0),
		       timerfd_create(CLOCK_MONOTONIC, 0), signalfd(-1, &none, 0) };
	const char *names[] = { "/dev/null", "memfd", "pipe read end",
				"pipe write end", "eventfd", "epoll", "timerfd",
				"signalfd" };

	printf("F_GETFL\n");
	for (unsigned i = 0; i < sizeof(made) / sizeof(*made); i++) {
		printf("  %s: %#x\n", names[i], fcntl(made[i], F_GETFL));
		close(made[i]);
	}
}

/* clone3's refusals (glibc's pthread_create calls it first; musl has no
 * wrapper). Each block is refused before anything is made, on Linux too. */
static void clone3_refusals(void)
{
	enum { THREAD = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			CLONE_THREAD | CLONE_SYSVSEM };
	uint64_t block[12] = { 0 };

	printf("clone3\n");
	show("size 0", syscall(SYS_clone3, block, 0));
	show("size past a page", syscall(SYS_clone3, block, 8192));
	show("bad pointer", syscall(SYS_clone3, (void *)16, 64));
	block[11] = 1;
	show("unknown field set", syscall(SYS_clone3, block, 96));
	block[11] = 0;
	block[0] = THREAD;
	block[4] = 17;
	show("thread with an exit signal", syscall(SYS_clone3, block, 88));
	block[4] = 0;
	block[0] = THREAD | CLONE_DETACHED;
	show("CLONE_DETACHED", syscall(SYS_clone3, block, 88));
	block[0] = THREAD | 17;
	show("signal in flags", syscall(SYS_clone3, block, 88));
	block[0] = THREAD;
	block[5] = 0x10000;
	show("stack without size", syscall(SYS_clone3, block, 64));
	block[5] = 0;
	block[6] = 4096;
	show("size without stack", syscall(SYS_clone3, block, 64));
	block[6] = 0;
	block[8] = (uint64_t)(uintptr_t)&block[11];
	show("set_tid without its size", syscall(SYS_clone3, block, 88));
	block[8] = 0;
	block[0] = 0;
	block[4] = 65;
	show("exit signal 65", syscall(SYS_clone3, block, 88));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	vectors();
	memfds();
	times();
	memory();
	descriptors();
	process();
	sendfile_files();
	generic_ioctls();
	proc_fd();
	status_flags();
	clone3_refusals();
	return 0;
}
