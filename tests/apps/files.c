/*
 * Files (differential): the device files, path lookup, directories, the
 * working directory, and the process calls around them (umask, the wait
 * calls, priority, resource use). Prints only what Linux and Wicket
 * share: nothing here creates or changes a name (tree_write.c does, in a
 * tree of its own), and only the devices every Linux /dev has are named.
 *
 * With the argument "sendfile" (Wicket only, tests/apps/meson.build) it
 * prints what sendfile does with these files instead.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

/* errno's name (musl has no strerrorname_np). */
static const char *error_name(int error)
{
	static char other[16];

	switch (error) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EBADF: return "EBADF";
	case ECHILD: return "ECHILD";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case ERANGE: return "ERANGE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	default:
		snprintf(other, sizeof(other), "E%d", error);
		return other;
	}
}

/* Prints what a call returned: its result, or -1 and errno's name. */
static void show(const char *what, long result)
{
	if (result == -1)
		printf("%s: -1 %s\n", what, error_name(errno));
	else
		printf("%s: %ld\n", what, result);
	errno = 0;
}

static void expect(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "WRONG");
	failures += !ok;
}

static void device(const char *path, unsigned major_number,
		   unsigned minor_number)
{
	struct stat st;
	int fd = open(path, O_RDWR);
	char name[64];

	snprintf(name, sizeof(name), "open(%s)", path);
	expect(name, fd >= 0);
	expect("  fstat: a character device",
	       fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
	printf("  device %u:%u\n", major(st.st_rdev), minor(st.st_rdev));
	expect("  its number", major(st.st_rdev) == major_number &&
				       minor(st.st_rdev) == minor_number);
	expect("  stat names the same file",
	       stat(path, &st) == 0 && S_ISCHR(st.st_mode));
	show("  isatty", isatty(fd));
	show("  lseek(0, SEEK_SET)", lseek(fd, 0, SEEK_SET));
	close(fd);
}

static int all_zero(const unsigned char *bytes, size_t length)
{
	for (size_t i = 0; i < length; i++)
		if (bytes[i])
			return 0;
	return 1;
}

static void devices(void)
{
	unsigned char buffer[256];
	struct pollfd polled[2];

	device("/dev/null", 1, 3);
	device("/dev/zero", 1, 5);
	device("/dev/full", 1, 7);
	device("/dev/random", 1, 8);
	device("/dev/urandom", 1, 9);

	int null = open("/dev/null", O_RDWR);
	show("write(null, 5)", write(null, "hello", 5));
	show("write(null, NULL, 10)", write(null, NULL, 10));
	show("write(null, 2^62 bytes)", write(null, buffer, (size_t)1 << 62));
	show("read(null, 2^62 bytes)", read(null, buffer, (size_t)1 << 62));
	show("read(null)", read(null, buffer, sizeof(buffer)));
	show("pread(null)", pread(null, buffer, sizeof(buffer), 100));
	show("pread(null, offset -1)", pread(null, buffer, 1, -1));
	show("ioctl(null, TIOCGWINSZ)", ioctl(null, 0x5413, buffer));

	int zero = open("/dev/zero", O_RDONLY);
	memset(buffer, 0xaa, sizeof(buffer));
	show("read(zero)", read(zero, buffer, sizeof(buffer)));
	expect("  zeros", all_zero(buffer, sizeof(buffer)));
	show("write(zero) opened read-only", write(zero, "x", 1));
	show("read(zero, bad pointer)", read(zero, (void *)16, 8));

	int full = open("/dev/full", O_WRONLY);
	show("write(full)", write(full, "x", 1));
	show("read(full) opened write-only", read(full, buffer, 1));

	int urandom = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	memset(buffer, 0, sizeof(buffer));
	show("read(urandom, 64)", read(urandom, buffer, 64));
	expect("  not all zero", !all_zero(buffer, 64));
	show("F_GETFD (O_CLOEXEC)", fcntl(urandom, F_GETFD));

	/* Status flags belong to the description: a dup sees them. */
	int copy = dup(null);
	show("F_GETFL & O_ACCMODE", fcntl(null, F_GETFL) & O_ACCMODE);
	fcntl(null, F_SETFL, O_NONBLOCK);
	expect("O_NONBLOCK seen through the dup",
	       (fcntl(copy, F_GETFL) & O_NONBLOCK) != 0);
	expect("and not on the console",
	       (fcntl(1, F_GETFL) & O_NONBLOCK) == 0);

	polled[0] = (struct pollfd){ .fd = null, .events = POLLIN | POLLOUT };
	polled[1] = (struct pollfd){ .fd = zero, .events = POLLIN };
	show("poll(null, zero)", poll(polled, 2, 1000));
	printf("  revents %#x %#x\n", polled[0].revents, polled[1].revents);

	FILE *out = fopen("/dev/null", "w");
	expect("fopen(/dev/null, w)", out != NULL);
	expect("  fprintf", fprintf(out, "%d lines\n", 42) == 9);
	expect("  fclose", fclose(out) == 0);
	FILE *in = fopen("/dev/urandom", "r");
	expect("fread(/dev/urandom, 16)",
	       in && fread(buffer, 1, 16, in) == 16);
	fclose(in);

	show("ftruncate(null)", ftruncate(null, 0));
	show("fsync(null)", fsync(null));
	show("truncate(/dev/null)", truncate("/dev/null", 0));
	close(copy);
	close(null);
	close(zero);
	close(full);
	close(urandom);
}

static void stat_kind(const char *path)
{
	struct stat st;
	char what[5200];

	snprintf(what, sizeof(what), "stat(%.60s%s)", path,
		 strlen(path) > 60 ? "..." : "");
	errno = 0;
	if (stat(path, &st) == 0)
		printf("%s: %s\n", what, S_ISDIR(st.st_mode)   ? "directory"
					 : S_ISCHR(st.st_mode) ? "character device"
							       : "other");
	else
		show(what, -1);
}

static void paths(void)
{
	char long_name[300], long_path[5000];
	struct stat a, b;

	stat_kind("/");
	stat_kind("/dev");
	stat_kind("/dev/");
	stat_kind("//dev//null");
	stat_kind("/dev/null/");
	stat_kind("/dev/null/x");
	stat_kind("/dev/./null");
	stat_kind("/../dev/../dev/null");
	stat_kind("/nonexistent-wicket-test");
	stat_kind("/nonexistent-wicket-test/x");
	stat_kind("");
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	memcpy(long_name, "/dev/", 5);
	stat_kind(long_name);
	memset(long_path, '/', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	stat_kind(long_path);
	show("stat(bad pointer)", stat((const char *)16, &a));
	/* musl's stat copies from its own buffer: the raw call. */
	show("stat(/, bad buffer)", syscall(SYS_stat, "/", 16));
	expect("/dev/./null and /dev/null: one inode",
	       stat("/dev/./null", &a) == 0 && stat("/dev/null", &b) == 0 &&
		       a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	show("lstat(/dev/null) is S_IFCHR",
	     lstat("/dev/null", &a) == 0 && S_ISCHR(a.st_mode));

	show("open(/, O_DIRECTORY)", open("/", O_RDONLY | O_DIRECTORY) >= 0);
	show("open(/, O_WRONLY)", open("/", O_WRONLY));
	show("open(/, O_RDONLY | O_CREAT)", open("/", O_RDONLY | O_CREAT, 0600));
	show("open(/dev/null, O_DIRECTORY)", open("/dev/null", O_DIRECTORY));
	show("open(/dev/null, O_CREAT | O_EXCL)",
	     open("/dev/null", O_WRONLY | O_CREAT | O_EXCL, 0600));
	show("open(/nonexistent-wicket-test/x, O_CREAT)",
	     open("/nonexistent-wicket-test/x", O_WRONLY | O_CREAT, 0600));
	show("open(/nonexistent-wicket-test)",
	     open("/nonexistent-wicket-test", O_RDONLY));
	int path_fd = open("/dev/null", O_PATH);
	show("O_PATH: open", path_fd >= 0);
	show("O_PATH: read", read(path_fd, long_name, 1));
	show("O_PATH: fstat is S_IFCHR",
	     fstat(path_fd, &a) == 0 && S_ISCHR(a.st_mode));
	close(path_fd);

	int root = open("/", O_RDONLY | O_DIRECTORY);
	show("read(/)", read(root, long_name, 10));
	show("fsync(/)", fsync(root));
	show("fstatat(/, AT_EMPTY_PATH) is a directory",
	     fstatat(root, "", &a, AT_EMPTY_PATH) == 0 && S_ISDIR(a.st_mode));
	show("fstatat(/, \"\")", fstatat(root, "", &a, 0));
	show("fstatat(/, dev/null) is S_IFCHR",
	     fstatat(root, "dev/null", &a, 0) == 0 && S_ISCHR(a.st_mode));
	show("fstatat(bad flags)", fstatat(root, "dev", &a, 0x40000000));
	close(root);

	show("access(/dev/null, R_OK | W_OK)",
	     access("/dev/null", R_OK | W_OK));
	show("access(/dev/null, X_OK)", access("/dev/null", X_OK));
	show("access(/dev, X_OK)", access("/dev", X_OK));
	show("access(/nonexistent-wicket-test, F_OK)",
	     access("/nonexistent-wicket-test", F_OK));
	show("access(/, 99)", access("/", 99));
	show("faccessat(AT_FDCWD, dev/zero)",
	     faccessat(AT_FDCWD, "/dev/zero", R_OK, 0));
	show("readlink(/dev/null)", readlink("/dev/null", long_name, 10));
	show("readlink(/nonexistent-wicket-test)",
	     readlink("/nonexistent-wicket-test", long_name, 10));
	show("mkdir(/dev/null)", mkdir("/dev/null", 0700));
	show("mkdir(/nonexistent-wicket-test/x)",
	     mkdir("/nonexistent-wicket-test/x", 0700));
	show("unlink(/nonexistent-wicket-test)",
	     unlink("/nonexistent-wicket-test"));
	show("rename(/nonexistent-wicket-test, ...)",
	     rename("/nonexistent-wicket-test", "/nonexistent-wicket-test2"));
	show("rmdir(/nonexistent-wicket-test)",
	     rmdir("/nonexistent-wicket-test"));
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The entries of /dev that every Linux has, as readdir finds them. */
static void list_dev(DIR *dir, const char *when)
{
	static const char *const wanted[] = { ".", "..", "console", "full",
		"null", "random", "tty", "urandom", "zero" };
	const char *found[16];
	size_t count = 0;
	struct dirent *entry;

	while ((entry = readdir(dir)) != NULL) {
		for (size_t i = 0; i < sizeof(wanted) / sizeof(*wanted); i++) {
			if (strcmp(entry->d_name, wanted[i]) == 0 && count < 16) {
				found[count++] = wanted[i];
				if (strcmp(wanted[i], "null") == 0)
					expect("  null is DT_CHR",
					       entry->d_type == DT_CHR);
				if (strcmp(wanted[i], ".") == 0)
					expect("  . is DT_DIR",
					       entry->d_type == DT_DIR);
			}
		}
	}
	qsort(found, count, sizeof(*found), compare_names);
	printf("/dev %s:", when);
	for (size_t i = 0; i < count; i++)
		printf(" %s", found[i]);
	printf("\n");
}

static void directories(void)
{
	char cwd[64];
	DIR *dir = opendir("/dev");

	expect("opendir(/dev)", dir != NULL);
	list_dev(dir, "listed");
	rewinddir(dir);
	list_dev(dir, "after rewinddir");
	closedir(dir);
	dir = opendir("/");
	int saw_dev = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL)
		saw_dev += strcmp(entry->d_name, "dev") == 0 &&
			   entry->d_type == DT_DIR;
	closedir(dir);
	expect("/ lists dev, a directory", saw_dev == 1);
	show("opendir(/dev/null)", opendir("/dev/null") ? 0 : -1);

	int null = open("/dev/null", O_RDONLY);
	show("getdents64(/dev/null)",
	     syscall(SYS_getdents64, null, cwd, sizeof(cwd)));
	int dev = open("/dev", O_RDONLY | O_DIRECTORY);
	show("getdents64(/dev, 8-byte buffer)",
	     syscall(SYS_getdents64, dev, cwd, 8));
	show("getdents64(/dev, bad buffer)",
	     syscall(SYS_getdents64, dev, (void *)16, 4096));

	show("chdir(/dev)", chdir("/dev"));
	printf("getcwd: %s\n", getcwd(cwd, sizeof(cwd)));
	show("getcwd(size 4)", getcwd(cwd, 4) ? 0 : -1);
	int relative = open("null", O_WRONLY);
	show("open(null) from /dev", relative >= 0);
	close(relative);
	show("chdir(..)", chdir(".."));
	printf("getcwd: %s\n", getcwd(cwd, sizeof(cwd)));
	show("chdir(/dev/null)", chdir("/dev/null"));
	show("chdir(/nonexistent-wicket-test)",
	     chdir("/nonexistent-wicket-test"));
	show("fchdir(/dev)", fchdir(dev));
	printf("getcwd: %s\n", getcwd(cwd, sizeof(cwd)));
	show("fchdir(/dev/null)", fchdir(null));
	chdir("/");
	int zero = openat(dev, "zero", O_RDONLY);
	show("openat(/dev, zero)", zero >= 0);
	show("openat(/dev/null, x)", openat(null, "x", O_RDONLY));
	show("openat(bad descriptor, x)", openat(999, "x", O_RDONLY));
	show("openat(bad descriptor, /dev/zero)",
	     openat(999, "/dev/zero", O_RDONLY) >= 0);
	close(zero);
	close(dev);
	close(null);
}

static void spin_cpu_ms(long ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
	do {
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	} while ((now.tv_sec - start.tv_sec) * 1000 +
			 (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
}

static void process(void)
{
	siginfo_t info;
	struct rusage before, after, children;
	struct tms t0, t1;

	umask(077);
	show("umask", umask(022));
	show("umask", umask(022));
	show("wait", wait(NULL));
	show("waitpid(-1, WNOHANG)", waitpid(-1, NULL, WNOHANG));
	show("waitid(P_ALL, WEXITED)", waitid(P_ALL, 0, &info, WEXITED));
	show("waitid(P_ALL, 0 options)", waitid(P_ALL, 0, &info, 0));
	show("setpriority(+5)", setpriority(PRIO_PROCESS, 0, 5));
	show("getpriority", getpriority(PRIO_PROCESS, 0));
	show("getpriority(bad which)", getpriority(7, 0));

	show("getrusage(RUSAGE_SELF)", getrusage(RUSAGE_SELF, &before));
	times(&t0);
	spin_cpu_ms(80);
	getrusage(RUSAGE_SELF, &after);
	times(&t1);
	long used_ms = (after.ru_utime.tv_sec - before.ru_utime.tv_sec +
			after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1000 +
		       (after.ru_utime.tv_usec - before.ru_utime.tv_usec +
			after.ru_stime.tv_usec - before.ru_stime.tv_usec) /
			       1000;
	expect("getrusage: 80 ms of CPU time seen", used_ms >= 70);
	expect("getrusage: maxrss", after.ru_maxrss > 0);
	expect("times: 80 ms of CPU time seen",
	       (t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime) >=
		       7);
	show("getrusage(RUSAGE_CHILDREN)",
	     getrusage(RUSAGE_CHILDREN, &children));
	expect("  nothing used by children",
	       children.ru_utime.tv_sec == 0 && children.ru_utime.tv_usec == 0);
	show("getrusage(5)", getrusage(5, &children));

	uid_t real, effective, saved;
	gid_t groups[64];
	int count = getgroups(0, NULL);

	expect("getpgrp() == getpgid(0)", getpgrp() == getpgid(0));
	expect("getsid(0) == getsid(getpid())", getsid(0) == getsid(getpid()));
	show("getpgid(no such process)", getpgid(0x3fffffff));
	show("getsid(no such process)", getsid(0x3fffffff));
	expect("getresuid: the real, effective and saved ids",
	       getresuid(&real, &effective, &saved) == 0 &&
		       real == getuid() && effective == geteuid() &&
		       saved == geteuid());
	expect("getgroups: the count, then as many groups",
	       count >= 0 && count <= 64 && getgroups(64, groups) == count);
	show("getgroups(-1)", getgroups(-1, groups));
	sync();
	show("syncfs(1)", syncfs(1));
	show("syncfs(999)", syncfs(999));
}

/* Wicket only: sendfile and splice with the devices (Linux's answers
 * vary with the kernel's version; Wicket's are 6.x's, where /dev/null
 * is no source and /dev/full no destination). */
static void sendfiles(void)
{
	int null = open("/dev/null", O_RDONLY);

	int zero = open("/dev/zero", O_RDONLY), sink = open("/dev/null", O_WRONLY);
	int full = open("/dev/full", O_WRONLY), ends[2];
	int full_read = open("/dev/full", O_RDONLY);
	off_t offset = 5;
	pipe(ends);
	show("sendfile(null <- zero, 100000)",
	     sendfile(sink, zero, NULL, 100000));
	show("sendfile(null <- zero, offset 5, 10)",
	     sendfile(sink, zero, &offset, 10));
	printf("  offset %ld\n", (long)offset);
	show("sendfile(null <- null)", sendfile(sink, null, NULL, 10));
	show("sendfile(full <- zero)", sendfile(full, zero, NULL, 10));
	show("sendfile(zero opened read-only <- zero)",
	     sendfile(zero, zero, NULL, 10));
	show("sendfile(pipe <- zero)", sendfile(ends[1], zero, NULL, 10));
	show("sendfile(null <- pipe)", sendfile(sink, ends[0], NULL, 10));
	show("sendfile(null <- full)", sendfile(sink, full_read, NULL, 10));
	show("splice(pipe <- null)", splice(null, NULL, ends[1], NULL, 10, 0));
	show("splice(null <- pipe)", splice(ends[0], NULL, sink, NULL, 100, 0));
	show("splice(full <- pipe)", splice(ends[0], NULL, full, NULL, 100, 0));
	show("sendfile(stdout <- zero, 3)", sendfile(1, zero, NULL, 3));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && strcmp(argv[1], "sendfile") == 0) {
		sendfiles();
		return 0;
	}
	devices();
	paths();
	directories();
	process();
	printf("%s\n", failures ? "FAILED" : "done");
	return failures != 0;
}
