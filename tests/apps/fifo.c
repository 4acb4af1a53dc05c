/*
 * Named pipes (differential): mkfifo and mknod (the umask, the errors of
 * a new name, socket files and regular files by mknod), stat and
 * directory listings of a FIFO, every open mode with and without
 * O_NONBLOCK, blocking opens released by another thread's open (and by
 * one that came and went), data, end of file, SIGPIPE and -EPIPE,
 * poll and epoll readiness, a FIFO emptied when its last end goes, one
 * unlinked while open, signals interrupting a blocking open (with and
 * without SA_RESTART); and pipes opened again through /proc/self/fd in
 * each direction. The FIFOs are /tmp names with the pid in them, so that
 * two host runs never meet; only their tails are printed, and they are
 * removed at the end.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

static char directory[64];

/* A name in this run's directory under /tmp. */
static const char *named(const char *tail)
{
	static char paths[4][128];
	static unsigned next;
	char *path = paths[next++ % 4];

	snprintf(path, sizeof(paths[0]), "%s/%s", directory, tail);
	return path;
}

static void nap_ms(long ms)
{
	struct timespec time = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&time, NULL);
}

static void show_stat(const char *label, const char *path)
{
	struct stat st;

	if (show(label, stat(path, &st)) < 0)
		return;
	printf("  fifo %d mode %04o size %ld nlink %ld blocks %ld rdev %ld\n",
	       S_ISFIFO(st.st_mode), st.st_mode & 07777, (long)st.st_size,
	       (long)st.st_nlink, (long)st.st_blocks, (long)st.st_rdev);
}

/* The type getdents64 gives name in the run's directory. */
static void show_entry_type(const char *name)
{
	DIR *listing = opendir(directory);
	struct dirent *entry;
	int type = -1;

	while (listing && (entry = readdir(listing)) != NULL)
		if (strcmp(entry->d_name, name) == 0)
			type = entry->d_type;
	if (listing)
		closedir(listing);
	printf("d_type of %s: %s\n", name,
	       type == DT_FIFO ? "DT_FIFO" : type == DT_SOCK ? "DT_SOCK"
	       : type == DT_REG ? "DT_REG" : "other");
}

static void creation(void)
{
	struct stat st;
	int dir;

	printf("-- creation\n");
	umask(022);
	show("mkfifo 0666", mkfifo(named("f"), 0666));
	show_stat("stat", named("f"));
	show("lstat is a FIFO", lstat(named("f"), &st) == 0 &&
				    S_ISFIFO(st.st_mode));
	show("access W_OK", access(named("f"), W_OK));
	show("mkfifo again", mkfifo(named("f"), 0600));
	show("mkfifo over a file", mkfifo(named("file"), 0600));
	show("mkfifo in a missing directory", mkfifo(named("none/f"), 0600));
	show("mkfifo under a file", mkfifo(named("file/f"), 0600));
	show("mkfifo slashed", mkfifo(named("g/"), 0600));
	show("mkfifo in /proc", mkfifo("/proc/f", 0600));
	show("mkfifo empty name", mkfifo("", 0600));
	show("mkfifo bad pointer", mkfifo((const char *)16, 0600));
	show("mknod S_IFIFO|07777", mknod(named("all-bits"), S_IFIFO | 07777, 0));
	show_stat("  stat", named("all-bits"));
	umask(0);
	show("mknod S_IFIFO, a device number, umask 0",
	     mknod(named("numbered"), S_IFIFO | 0666, 0x0103));
	show_stat("  stat", named("numbered"));
	umask(022);
	dir = open(directory, O_RDONLY | O_DIRECTORY);
	show("mknodat from a directory", mknodat(dir, "at", S_IFIFO | 0640, 0));
	show_stat("  stat", named("at"));
	close(dir);
	dir = open(named("file"), O_RDONLY);
	show("mknodat from a file", mknodat(dir, "x", S_IFIFO | 0600, 0));
	close(dir);
	show("mknod S_IFREG", mknod(named("regular"), S_IFREG | 0600, 0));
	show("  regular, empty", stat(named("regular"), &st) == 0 &&
				    S_ISREG(st.st_mode) && st.st_size == 0);
	show("mknod type 0", mknod(named("untyped"), 0600, 0));
	show("  regular", stat(named("untyped"), &st) == 0 &&
			     S_ISREG(st.st_mode));
	show("mknod S_IFSOCK", mknod(named("socket"), S_IFSOCK | 0600, 0));
	show("  a socket file", stat(named("socket"), &st) == 0 &&
				   S_ISSOCK(st.st_mode));
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un address = { .sun_family = AF_UNIX };

	strcpy(address.sun_path, named("socket"));
	show("  connect to it", connect(s, (struct sockaddr *)&address,
					sizeof(address)));
	show("  open it", open(named("socket"), O_RDWR));
	close(s);
	show("mknod S_IFDIR", mknod(named("d"), S_IFDIR | 0700, 0));
	show("mknod a bad type", mknod(named("bad"), 0150000 | 0600, 0));
	show_entry_type("f");
	show_entry_type("socket");
	show("chmod", chmod(named("f"), 0604));
	show_stat("  stat", named("f"));
	show("link", link(named("f"), named("f-link")));
	show_stat("  stat", named("f"));
	show("unlink the link", unlink(named("f-link")));
	show("rename", rename(named("at"), named("renamed")));
	show_stat("  stat", named("renamed"));
	show("truncate", truncate(named("f"), 0));
	unlink(named("all-bits"));
	unlink(named("numbered"));
	unlink(named("renamed"));
	unlink(named("regular"));
	unlink(named("untyped"));
	unlink(named("socket"));
}

static void show_poll(const char *label, int fd, short events)
{
	struct pollfd polled = { fd, events, 0 };

	show(label, poll(&polled, 1, 0));
	printf("  revents %#x\n", polled.revents);
}

/* The descriptor's link in /proc/self/fd names path (and " (deleted)"
 * follows when it lost its name). */
static void show_link(const char *label, int fd, const char *path)
{
	char link[64], target[256];
	ssize_t length;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	length = readlink(link, target, sizeof(target) - 1);
	target[length < 0 ? 0 : length] = '\0';
	printf("%s: names it %d, deleted %d\n", label,
	       strncmp(target, path, strlen(path)) == 0,
	       strstr(target, " (deleted)") != NULL);
}

static void opens(void)
{
	const char *path = named("f");
	char buffer[64] = { 0 };
	struct stat by_name, by_fd;
	int unread = -1;

	printf("-- opens\n");
	show("O_WRONLY|O_NONBLOCK, no reader",
	     open(path, O_WRONLY | O_NONBLOCK));
	int reader = show("O_RDONLY|O_NONBLOCK", open(path, O_RDONLY | O_NONBLOCK));

	show_poll("poll the reader, no writer ever", reader, POLLIN);
	show("read, no writer", read(reader, buffer, 1));
	int writer = show("O_WRONLY|O_NONBLOCK, a reader there",
			  open(path, O_WRONLY | O_NONBLOCK));

	show("F_GETFL reader", fcntl(reader, F_GETFL));
	show("F_GETFL writer", fcntl(writer, F_GETFL));
	show("read, a writer, empty", read(reader, buffer, 1));
	show_poll("poll the reader, empty", reader, POLLIN);
	show_poll("poll the writer", writer, POLLOUT);
	stat(path, &by_name);
	fstat(writer, &by_fd);
	printf("fstat: fifo %d, the same inode %d\n", S_ISFIFO(by_fd.st_mode),
	       by_name.st_ino == by_fd.st_ino && by_name.st_dev == by_fd.st_dev);
	show_link("/proc/self/fd link", writer, path);
	show("lseek", lseek(reader, 0, SEEK_SET));
	show("pread", pread(reader, buffer, 1, 0));
	show("ftruncate", ftruncate(writer, 0));
	show("fallocate", fallocate(writer, 0, 0, 10));
	show("mmap", mmap(NULL, 4096, PROT_READ, MAP_SHARED, reader, 0) ==
			     MAP_FAILED ? -1 : 0);
	show("fsync", fsync(writer));
	show("F_GETPIPE_SZ", fcntl(writer, F_GETPIPE_SZ));
	show("read from the writer", read(writer, buffer, 1));
	show("write to the reader", write(reader, "x", 1));
	show("write", write(writer, "hello", 5));
	ioctl(reader, FIONREAD, &unread);
	printf("FIONREAD %d\n", unread);
	show_poll("poll the reader, data", reader, POLLIN);
	show("close the writer", close(writer));
	show_poll("poll the reader, writer gone", reader, POLLIN);
	show("read", read(reader, buffer, sizeof(buffer) - 1));
	printf("  %s\n", buffer);
	show("read again", read(reader, buffer, 1));
	close(reader);

	int both = show("O_RDWR", open(path, O_RDWR));
	show_poll("poll it", both, POLLIN | POLLOUT);
	show("write", write(both, "through", 7));
	show_poll("poll it, data", both, POLLIN | POLLOUT);
	memset(buffer, 0, sizeof(buffer));
	show("read", read(both, buffer, sizeof(buffer) - 1));
	printf("  %s\n", buffer);
	show("F_GETFL", fcntl(both, F_GETFL));
	/* Others open at once while it is open. */
	reader = show("O_RDONLY with a writer there", open(path, O_RDONLY));
	writer = show("O_WRONLY with a reader there", open(path, O_WRONLY));
	show("write", write(writer, "abc", 3));
	show("read it from the other", read(reader, buffer, 3));
	close(reader);
	close(writer);
	show("access mode 3", open(path, 3));
	show("O_DIRECTORY", open(path, O_RDONLY | O_DIRECTORY));
	show("O_CREAT|O_EXCL", open(path, O_RDWR | O_CREAT | O_EXCL, 0600));
	int created = show("O_CREAT of it", open(path, O_RDWR | O_CREAT, 0600));
	int truncated = show("O_TRUNC", open(path, O_WRONLY | O_TRUNC));
	show("  write", write(truncated, "kept", 4));
	show("  O_TRUNC again", close(open(path, O_RDWR | O_TRUNC)));
	show("  read", read(created, buffer, 4));
	close(truncated);
	close(created);
	close(both);

	int named_only = show("O_PATH", open(path, O_PATH));
	show("  fstat is a FIFO", fstat(named_only, &by_fd) == 0 &&
				     S_ISFIFO(by_fd.st_mode));
	show("  read", read(named_only, buffer, 1));
	show("  F_GETFL", fcntl(named_only, F_GETFL));
	show_poll("  poll", named_only, POLLIN);
	show("  it is no writer", open(path, O_WRONLY | O_NONBLOCK));
	close(named_only);
}

/* What the FIFO's last close leaves: nothing. */
static void emptied(void)
{
	const char *path = named("f");
	char buffer[16];

	printf("-- emptied\n");
	int both = open(path, O_RDWR);
	show("write", write(both, "stale", 5));
	close(both);
	both = open(path, O_RDWR | O_NONBLOCK);
	show("open again, read", read(both, buffer, sizeof(buffer)));
	close(both);
}

static int thread_fd;
static long thread_result;
static char thread_bytes[64];

static void *open_and_read(void *path)
{
	thread_fd = open(path, O_RDONLY);
	thread_result = thread_fd < 0 ? -errno : 0;
	if (thread_fd >= 0) {
		long total = 0, got;

		while ((got = read(thread_fd, thread_bytes + total,
				   sizeof(thread_bytes) - 1 - total)) > 0)
			total += got;
		thread_result = total;
		close(thread_fd);
	}
	return NULL;
}

static void *open_for_writing(void *path)
{
	thread_fd = open(path, O_WRONLY);
	thread_result = thread_fd < 0 ? -errno : 0;
	if (thread_fd >= 0) {
		thread_result = write(thread_fd, "from the thread", 15);
		close(thread_fd);
	}
	return NULL;
}

static void blocking_opens(void)
{
	const char *path = named("f");
	pthread_t thread;
	char buffer[64] = { 0 };

	printf("-- blocking opens\n");
	memset(thread_bytes, 0, sizeof(thread_bytes));
	int lowest = dup(0);

	close(lowest);
	pthread_create(&thread, NULL, open_and_read, (void *)path);
	nap_ms(100);
	/* The waiting open has taken the lowest descriptor number. */
	/* (musl's dup2 tries again on -EBUSY: the call itself) */
	show("dup2 onto the waiting open's number",
	     syscall(SYS_dup2, 0, lowest));
	show("  dup takes the next", dup(0) == lowest + 1);
	close(lowest + 1);
	/* The waiting reader counts as one. */
	int writer = show("O_WRONLY|O_NONBLOCK while a reader waits",
			  open(path, O_WRONLY | O_NONBLOCK));
	show("  write", write(writer, "released", 8));
	close(writer);
	pthread_join(thread, NULL);
	printf("  the reader's open and reads: %ld %s\n", thread_result,
	       thread_bytes);

	memset(thread_bytes, 0, sizeof(thread_bytes));
	pthread_create(&thread, NULL, open_and_read, (void *)path);
	nap_ms(100);
	writer = show("O_WRONLY while a reader waits", open(path, O_WRONLY));
	show("  write", write(writer, "more", 4));
	nap_ms(50);
	show("  write", write(writer, "+", 1));
	close(writer);
	pthread_join(thread, NULL);
	printf("  the reader's open and reads: %ld %s\n", thread_result,
	       thread_bytes);

	pthread_create(&thread, NULL, open_for_writing, (void *)path);
	nap_ms(100);
	int reader = show("O_RDONLY while a writer waits", open(path, O_RDONLY));
	pthread_join(thread, NULL);
	printf("  the writer's open and write: %ld\n", thread_result);
	show("  read", read(reader, buffer, sizeof(buffer) - 1));
	printf("  %s\n", buffer);
	show("  then", read(reader, buffer, 1));
	close(reader);

	pthread_create(&thread, NULL, open_for_writing, (void *)path);
	nap_ms(100);
	reader = show("O_RDONLY|O_NONBLOCK while a writer waits",
		      open(path, O_RDONLY | O_NONBLOCK));
	pthread_join(thread, NULL);
	printf("  the writer's open and write: %ld\n", thread_result);
	memset(buffer, 0, sizeof(buffer));
	show("  read", read(reader, buffer, sizeof(buffer) - 1));
	printf("  %s\n", buffer);
	close(reader);
}

#define STREAM_BYTES (512 * 1024)

static uint64_t hash_step(uint64_t hash, unsigned char byte)
{
	return (hash ^ byte) * 0x100000001b3;
}

static void *produce(void *path)
{
	static unsigned char piece[5003];
	int writer = open(path, O_WRONLY);
	long sent = 0;
	uint64_t state = 11;

	while (sent < STREAM_BYTES) {
		long length = STREAM_BYTES - sent < (long)sizeof(piece)
				      ? STREAM_BYTES - sent : (long)sizeof(piece);

		for (long i = 0; i < length; i++) {
			state = state * 6364136223846793005u + 1442695040888963407u;
			piece[i] = (unsigned char)(state >> 56);
		}
		if (write(writer, piece, (size_t)length) != length)
			printf("short write\n");
		sent += length;
	}
	close(writer);
	return NULL;
}

static volatile sig_atomic_t pipe_signals;

static void on_sigpipe(int signal)
{
	pipe_signals += signal == SIGPIPE;
}

static void data(void)
{
	const char *path = named("f");
	static char big[100 * 1024];
	unsigned char piece[999];
	uint64_t hash = 0xcbf29ce484222325;
	long received = 0, result;
	pthread_t thread;

	printf("-- data\n");
	pthread_create(&thread, NULL, produce, (void *)path);
	int reader = open(path, O_RDONLY);

	while ((result = read(reader, piece, sizeof(piece))) > 0) {
		for (long i = 0; i < result; i++)
			hash = hash_step(hash, piece[i]);
		received += result;
	}
	pthread_join(thread, NULL);
	printf("threads: %ld bytes, hash %016llx, last read %ld\n", received,
	       (unsigned long long)hash, result);
	close(reader);

	int both = open(path, O_RDWR | O_NONBLOCK);
	show("a non-blocking write of 100 KiB", write(both, big, sizeof(big)));
	show("  then a byte", write(both, big, 1));
	show_poll("  poll", both, POLLIN | POLLOUT);
	close(both);

	signal(SIGPIPE, on_sigpipe);
	reader = open(path, O_RDONLY | O_NONBLOCK);
	int writer = open(path, O_WRONLY);
	close(reader);
	show("write, the reader gone", write(writer, "x", 1));
	printf("  SIGPIPE %d\n", (int)pipe_signals);
	show_poll("  poll the writer", writer, POLLOUT);
	close(writer);
	signal(SIGPIPE, SIG_DFL);
}

static void epoll_readiness(void)
{
	const char *path = named("f");
	struct epoll_event event = { .events = EPOLLIN }, got[2];
	int instance = epoll_create1(0);

	printf("-- epoll\n");
	int reader = open(path, O_RDONLY | O_NONBLOCK);
	int writer = open(path, O_WRONLY | O_NONBLOCK);

	event.data.fd = reader;
	show("epoll_ctl the reader", epoll_ctl(instance, EPOLL_CTL_ADD, reader,
					      &event));
	show("epoll_wait, empty", epoll_wait(instance, got, 2, 0));
	write(writer, "e", 1);
	show("epoll_wait, data", epoll_wait(instance, got, 2, 0));
	printf("  events %#x, the reader %d\n", got[0].events,
	       got[0].data.fd == reader);
	close(writer);
	show("epoll_wait, writer gone", epoll_wait(instance, got, 2, 0));
	printf("  events %#x\n", got[0].events);
	close(reader);
	close(instance);
}

static void unlinked(void)
{
	const char *path = named("f");
	char buffer[16] = { 0 };
	struct stat st;

	printf("-- unlinked while open\n");
	int both = open(path, O_RDWR);
	int reader = open(path, O_RDONLY | O_NONBLOCK);

	show("unlink", unlink(path));
	show("write", write(both, "still", 5));
	show("read through the other", read(reader, buffer, sizeof(buffer)));
	printf("  %s\n", buffer);
	fstat(both, &st);
	printf("fstat: fifo %d nlink %ld\n", S_ISFIFO(st.st_mode),
	       (long)st.st_nlink);
	show_link("/proc/self/fd link", both, path);
	show("mkfifo the name again", mkfifo(path, 0600));
	show("  a writer: a new FIFO, no reader",
	     open(path, O_WRONLY | O_NONBLOCK));
	char link[64];

	snprintf(link, sizeof(link), "/proc/self/fd/%d", reader);
	int again = show("open the old one through /proc/self/fd",
			 open(link, O_WRONLY | O_NONBLOCK));
	show("  write", write(again, "!", 1));
	show("  read", read(reader, buffer, sizeof(buffer)));
	close(again);
	close(reader);
	close(both);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int signal)
{
	(void)signal;
	alarms++;
}

/* Opens the FIFO for writing later; SIGALRM is the main thread's. */
static void *late_writer(void *path)
{
	sigset_t alarm_only;

	sigemptyset(&alarm_only);
	sigaddset(&alarm_only, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alarm_only, NULL);
	nap_ms(300);
	int writer = open(path, O_WRONLY);

	write(writer, "late", 4);
	close(writer);
	return NULL;
}

static void interrupted(void)
{
	const char *path = named("f");
	struct itimerval in_50ms = { { 0, 0 }, { 0, 50000 } };
	struct sigaction action = { .sa_handler = on_alarm };
	char buffer[16] = { 0 };
	pthread_t thread;

	printf("-- signals\n");
	sigaction(SIGALRM, &action, NULL);
	setitimer(ITIMER_REAL, &in_50ms, NULL);
	show("O_RDONLY waiting, a handler", open(path, O_RDONLY));
	printf("  alarms %d\n", (int)alarms);
	show("  it no longer counts as a reader",
	     open(path, O_WRONLY | O_NONBLOCK));
	setitimer(ITIMER_REAL, &in_50ms, NULL);
	show("O_WRONLY waiting, a handler", open(path, O_WRONLY));
	printf("  alarms %d\n", (int)alarms);
	int reader = open(path, O_RDONLY | O_NONBLOCK);
	show_poll("  a reader sees no writer", reader, POLLIN);
	close(reader);

	action.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &action, NULL);
	pthread_create(&thread, NULL, late_writer, (void *)path);
	setitimer(ITIMER_REAL, &in_50ms, NULL);
	reader = open(path, O_RDONLY);
	show("O_RDONLY waiting, a handler with SA_RESTART", reader >= 0);
	printf("  alarms %d\n", (int)alarms);
	pthread_join(thread, NULL);
	show("  read", read(reader, buffer, sizeof(buffer)));
	printf("  %s\n", buffer);
	close(reader);
	signal(SIGALRM, SIG_DFL);
}

/* Opening /proc/self/fd/N of a pipe() end opens that pipe again. */
static void proc_reopen(void)
{
	char link[64], buffer[16] = { 0 };
	struct stat original, again;
	int fds[2];

	printf("-- /proc/self/fd\n");
	pipe(fds);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fds[0]);
	int writer = show("the read end, O_WRONLY", open(link, O_WRONLY));
	fstat(fds[0], &original);
	fstat(writer, &again);
	printf("  fifo %d, the same inode %d\n", S_ISFIFO(again.st_mode),
	       original.st_ino == again.st_ino);
	show("  F_GETFL", fcntl(writer, F_GETFL));
	show("  write", write(writer, "one", 3));
	show("  read the original", read(fds[0], buffer, sizeof(buffer)));
	printf("  %s\n", buffer);
	close(fds[1]);
	show("  write, the original writer gone", write(writer, "two", 3));
	close(writer);
	show("  read, every writer gone", read(fds[0], buffer, 3) > 0);
	show("  then", read(fds[0], buffer, 3));
	writer = show("the read end, O_WRONLY|O_NONBLOCK",
		      open(link, O_WRONLY | O_NONBLOCK));
	close(writer);
	close(fds[0]);

	pipe(fds);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fds[1]);
	close(fds[0]);
	writer = show("the write end, O_WRONLY|O_NONBLOCK, no reader (no -ENXIO)",
		      open(link, O_WRONLY | O_NONBLOCK));
	close(writer);
	int reader = show("the write end, O_RDONLY, no reader left (no wait)",
			  open(link, O_RDONLY));
	show("  write now", write(fds[1], "three", 5));
	memset(buffer, 0, sizeof(buffer));
	show("  read", read(reader, buffer, sizeof(buffer)));
	printf("  %s\n", buffer);
	int both = show("the write end, O_RDWR", open(link, O_RDWR));
	show("  F_GETFL", fcntl(both, F_GETFL));
	close(fds[1]);
	close(reader);
	show("  write to itself", write(both, "four", 4));
	memset(buffer, 0, sizeof(buffer));
	show("  read it back", read(both, buffer, sizeof(buffer)));
	printf("  %s\n", buffer);
	show_poll("  poll", both, POLLIN | POLLOUT);
	close(both);

	int pair[2];

	socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pair[0]);
	show("a socket's", open(link, O_RDWR));
	close(pair[0]);
	close(pair[1]);

	mkfifo(named("f"), 0600);
	reader = open(named("f"), O_RDONLY | O_NONBLOCK);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", reader);
	writer = show("a FIFO's, O_WRONLY|O_NONBLOCK", open(link, O_WRONLY |
							       O_NONBLOCK));
	close(reader);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", writer);
	show("  its writer's, O_WRONLY|O_NONBLOCK, no reader",
	     open(link, O_WRONLY | O_NONBLOCK));
	close(writer);
	unlink(named("f"));
}

/* `fifo tree`: the FIFO and the socket file that the run's tree brings
 * in special/ (tests/apps/special_tree.py makes it: on Wicket they come
 * through the file archive). */
static void from_the_tree(void)
{
	char text[16] = "";
	struct stat st;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un address = { .sun_family = AF_UNIX };

	printf("-- a FIFO and a socket file from the tree\n");
	snprintf(directory, sizeof(directory), "special");
	show_stat("stat the FIFO", named("fifo"));
	show("  a socket file", stat(named("sock"), &st) == 0 &&
				   S_ISSOCK(st.st_mode) &&
				   (st.st_mode & 07777) == 0751);
	show_entry_type("fifo");
	show_entry_type("sock");
	show_entry_type("plain");
	show("open the FIFO O_WRONLY|O_NONBLOCK, no reader",
	     open(named("fifo"), O_WRONLY | O_NONBLOCK));
	int fifo = open(named("fifo"), O_RDWR | O_NONBLOCK);

	show("open the FIFO O_RDWR", fifo >= 0);
	show("write", write(fifo, "through the tree", 16));
	show("read", read(fifo, text, sizeof(text) - 1));
	printf("  read \"%s\"\n", text);
	show("read it empty", read(fifo, text, 1));
	close(fifo);
	show("open the socket file", open(named("sock"), O_RDWR));
	strcpy(address.sun_path, named("sock"));
	show("connect to it, no listener", connect(s, (struct sockaddr *)&address,
						   sizeof(address)));
	close(s);
}

int main(int argc, char **argv)
{
	int file;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 2 && strcmp(argv[1], "tree") == 0) {
		from_the_tree();
		return 0;
	}
	snprintf(directory, sizeof(directory), "/tmp/fifo-%d", (int)getpid());
	if (mkdir(directory, 0755) < 0) {
		perror("mkdir");
		return 1;
	}
	file = open(named("file"), O_CREAT | O_WRONLY, 0644);
	close(file);
	creation();
	opens();
	emptied();
	blocking_opens();
	data();
	epoll_readiness();
	unlinked();
	interrupted();
	proc_reopen();
	unlink(named("f"));
	unlink(named("file"));
	show("remove the directory", rmdir(directory));
	return 0;
}
