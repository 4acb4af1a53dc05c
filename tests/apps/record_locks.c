/*
 * Record locks (differential): fcntl's F_SETLK, F_SETLKW and F_GETLK and
 * their OFD forms, in the working directory (the host's copy of
 * tests/apps/tree, Wicket's archive). One process's POSIX locks never
 * conflict with each other; they do with OFD locks, and OFD locks taken
 * through two opens of one file conflict with each other. F_GETLK shows
 * the lock in the way, as its owner left it after merging and splitting.
 * A close of any descriptor of a file drops the process's POSIX locks on
 * it; an OFD lock goes with its description's last descriptor. F_SETLKW
 * waits for another thread's unlock or close, and a signal without
 * SA_RESTART ends the wait with EINTR. Ranges are relative to the start,
 * the offset or the end, with negative lengths, and checked as Linux
 * checks them. Locks on pipes, and flock beside record locks.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

/* A struct flock's fields, set as given (l_pid 0). */
static struct flock lock_of(int type, int whence, int64_t start,
			    int64_t length)
{
	return (struct flock){ .l_type = (short)type,
			       .l_whence = (short)whence,
			       .l_start = (off_t)start,
			       .l_len = (off_t)length };
}

static void set(const char *label, int fd, int command, int type,
		int whence, int64_t start, int64_t length)
{
	struct flock lock = lock_of(type, whence, start, length);

	show(label, fcntl(fd, command, &lock));
}

/* F_GETLK or F_OFD_GETLK: the lock in the way, printed with its owner
 * ("this process", "a description"), or "none". */
static void get(const char *label, int fd, int command, int type,
		int whence, int64_t start, int64_t length)
{
	struct flock lock = lock_of(type, whence, start, length);

	if (fcntl(fd, command, &lock) < 0) {
		show(label, -1);
		return;
	}
	if (lock.l_type == F_UNLCK) {
		printf("%s: none\n", label);
		return;
	}
	printf("%s: %s %lld+%lld whence %d, %s\n", label,
	       lock.l_type == F_WRLCK	? "write"
	       : lock.l_type == F_RDLCK ? "read"
					: "?",
	       (long long)lock.l_start, (long long)lock.l_len, lock.l_whence,
	       lock.l_pid == -1		  ? "a description"
	       : lock.l_pid == getpid() ? "this process"
					: "another pid");
}

static int open_file(const char *name, int flags)
{
	int fd = open(name, flags, 0644);

	if (fd < 0)
		show(name, -1);
	return fd;
}

static void posix_and_ofd(void)
{
	int a = open_file("locks.posix", O_CREAT | O_RDWR | O_TRUNC);
	int b = open_file("locks.posix", O_RDWR);
	int c = open_file("locks.posix", O_RDWR);

	printf("-- POSIX and OFD locks\n");
	set("POSIX write 0+10 through a", a, F_SETLK, F_WRLCK, SEEK_SET, 0,
	    10);
	set("POSIX write 0+10 through b (same process)", b, F_SETLK, F_WRLCK,
	    SEEK_SET, 0, 10);
	get("F_GETLK through b", b, F_GETLK, F_WRLCK, SEEK_SET, 0, 10);
	get("F_OFD_GETLK through b", b, F_OFD_GETLK, F_WRLCK, SEEK_SET, 5, 1);
	set("OFD write 5+1 through b", b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5,
	    1);
	set("OFD read 5+1 through b", b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 5,
	    1);
	set("OFD read 20+10 through b", b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 20,
	    10);
	set("OFD read 20+10 through c", c, F_OFD_SETLK, F_RDLCK, SEEK_SET, 20,
	    10);
	set("OFD write 25+1 through c", c, F_OFD_SETLK, F_WRLCK, SEEK_SET, 25,
	    1);
	get("F_GETLK write 25+1", a, F_GETLK, F_WRLCK, SEEK_SET, 25, 1);
	get("F_GETLK read 25+1", a, F_GETLK, F_RDLCK, SEEK_SET, 25, 1);
	set("POSIX write 25+1", a, F_SETLK, F_WRLCK, SEEK_SET, 25, 1);
	set("POSIX read 25+1", a, F_SETLK, F_RDLCK, SEEK_SET, 25, 1);
	set("OFD write 0+1 through a (a's own POSIX lock is another owner)",
	    a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1);

	/* Closing any descriptor of the file drops the POSIX locks. */
	int d = open_file("locks.posix", O_RDONLY);

	show("close another descriptor", close(d));
	get("F_OFD_GETLK 0+30 through c", c, F_OFD_GETLK, F_WRLCK, SEEK_SET,
	    0, 30);
	set("OFD write 0+10 through c", c, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0,
	    10);
	set("POSIX read 0+1", a, F_SETLK, F_RDLCK, SEEK_SET, 0, 1);

	/* An OFD lock goes with its description's last descriptor. */
	int c2 = dup(c);

	show("close c (c2 is its dup)", close(c));
	get("F_GETLK 0+1", a, F_GETLK, F_RDLCK, SEEK_SET, 0, 1);
	show("close c2", close(c2));
	get("F_GETLK 0+1 after", a, F_GETLK, F_RDLCK, SEEK_SET, 0, 1);
	get("F_GETLK 20+10 (b's)", a, F_GETLK, F_WRLCK, SEEK_SET, 20, 10);
	set("POSIX write 0+1", a, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);

	/* dup2 over a descriptor of the file is a close too. */
	int e = open_file("locks.posix", O_RDONLY);

	show("dup2 over it", dup2(a, e));
	get("F_OFD_GETLK 0+1 through b", b, F_OFD_GETLK, F_WRLCK, SEEK_SET,
	    0, 1);
	close(e);
	close(b);
	get("F_GETLK 20+10 after b's close", a, F_GETLK, F_WRLCK, SEEK_SET,
	    20, 10);
	close(a);
}

/* One owner's locks as another owner's F_GETLK sees them. */
static void merging(void)
{
	int x = open_file("locks.merge", O_CREAT | O_RDWR | O_TRUNC);
	int y = open_file("locks.merge", O_RDWR);

	printf("-- merging and splitting\n");
	set("x write 0+100", x, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 100);
	set("x unlock 40+20", x, F_OFD_SETLK, F_UNLCK, SEEK_SET, 40, 20);
	get("y sees 0+end", y, F_OFD_GETLK, F_RDLCK, SEEK_SET, 0, 0);
	get("y sees 45+10", y, F_OFD_GETLK, F_RDLCK, SEEK_SET, 45, 10);
	get("y sees 45+end", y, F_OFD_GETLK, F_RDLCK, SEEK_SET, 45, 0);
	set("x read 40+20", x, F_OFD_SETLK, F_RDLCK, SEEK_SET, 40, 20);
	get("y write 45+1", y, F_OFD_GETLK, F_WRLCK, SEEK_SET, 45, 1);
	get("y read 30+end", y, F_OFD_GETLK, F_RDLCK, SEEK_SET, 30, 0);
	set("y read 45+5", y, F_OFD_SETLK, F_RDLCK, SEEK_SET, 45, 5);
	get("x write 0+end sees y's", x, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0,
	    0);
	set("x write 40+20 (y holds 45+5)", x, F_OFD_SETLK, F_WRLCK, SEEK_SET,
	    40, 20);
	set("y unlock all", y, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	set("x write 40+20", x, F_OFD_SETLK, F_WRLCK, SEEK_SET, 40, 20);
	get("y sees one write lock", y, F_OFD_GETLK, F_RDLCK, SEEK_SET, 50,
	    1);
	set("x read 100+10", x, F_OFD_SETLK, F_RDLCK, SEEK_SET, 100, 10);
	set("x read 110+10 (touches)", x, F_OFD_SETLK, F_RDLCK, SEEK_SET, 110,
	    10);
	get("y write 115+1", y, F_OFD_GETLK, F_WRLCK, SEEK_SET, 115, 1);
	set("x write 130+10 (a gap)", x, F_OFD_SETLK, F_WRLCK, SEEK_SET, 130,
	    10);
	set("x write 120+10 (fills it)", x, F_OFD_SETLK, F_WRLCK, SEEK_SET,
	    120, 10);
	get("y write 125+1", y, F_OFD_GETLK, F_WRLCK, SEEK_SET, 125, 1);
	set("x read 50+100 over all kinds", x, F_OFD_SETLK, F_RDLCK,
	    SEEK_SET, 50, 100);
	get("y write 0+end", y, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0, 0);
	get("y write 60+end", y, F_OFD_GETLK, F_WRLCK, SEEK_SET, 60, 0);
	set("x unlock 0+end", x, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	get("y write 0+end after", y, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0, 0);

	/* Which lock F_GETLK shows: the first owner's, then by start. */
	set("y read 500+10", y, F_OFD_SETLK, F_RDLCK, SEEK_SET, 500, 10);
	set("x read 400+10", x, F_OFD_SETLK, F_RDLCK, SEEK_SET, 400, 10);
	set("y read 300+10", y, F_OFD_SETLK, F_RDLCK, SEEK_SET, 300, 10);
	set("POSIX read 200+10", x, F_SETLK, F_RDLCK, SEEK_SET, 200, 10);
	int z = open_file("locks.merge", O_RDWR);

	get("z write 0+end", z, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0, 0);
	set("y unlock 0+end", y, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	get("z write 0+end after y's unlock", z, F_OFD_GETLK, F_WRLCK,
	    SEEK_SET, 0, 0);
	set("y read 0+1", y, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1);
	get("z write 0+end (y's is last now)", z, F_OFD_GETLK, F_WRLCK,
	    SEEK_SET, 0, 0);
	get("F_GETLK write 0+end", x, F_GETLK, F_WRLCK, SEEK_SET, 0, 0);

	/* Many locks of one owner. */
	int taken = 0;

	for (int i = 0; i < 1000; i++) {
		struct flock lock = lock_of(F_WRLCK, SEEK_SET,
					    10000 + 2 * i, 1);

		taken += fcntl(z, F_OFD_SETLK, &lock) == 0;
	}
	printf("1000 separate locks taken: %d\n", taken);
	get("y write 11000+end", y, F_OFD_GETLK, F_WRLCK, SEEK_SET, 11000, 0);
	set("z write 10000+2000 merges them", z, F_OFD_SETLK, F_WRLCK,
	    SEEK_SET, 10000, 2000);
	get("y write 10500+1", y, F_OFD_GETLK, F_WRLCK, SEEK_SET, 10500, 1);
	close(x);
	close(y);
	close(z);
}

static void ranges(void)
{
	int fd = open_file("locks.range", O_CREAT | O_RDWR | O_TRUNC);
	int other = open_file("locks.range", O_RDWR);
	int reader = open_file("locks.range", O_RDONLY);

	printf("-- ranges and checks\n");
	show("write 10 bytes", write(fd, "0123456789", 10));
	show("ftruncate 100", ftruncate(fd, 100));
	show("lseek 10", lseek(fd, 10, SEEK_SET));
	set("SEEK_CUR +5, 5", fd, F_OFD_SETLK, F_WRLCK, SEEK_CUR, 5, 5);
	get("it is 15+5", other, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0, 0);
	set("SEEK_CUR -10, 2", fd, F_OFD_SETLK, F_WRLCK, SEEK_CUR, -10, 2);
	get("it is 0+2", other, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0, 10);
	set("SEEK_END -10, 10", fd, F_OFD_SETLK, F_RDLCK, SEEK_END, -10, 10);
	get("it is 90+10", other, F_OFD_GETLK, F_WRLCK, SEEK_SET, 50, 0);
	set("SEEK_END 0, 0 (to any end)", fd, F_OFD_SETLK, F_WRLCK, SEEK_END,
	    0, 0);
	get("it is 100+end", other, F_OFD_GETLK, F_RDLCK, SEEK_SET, 5000, 1);
	set("30, -10 (20+10)", fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 30, -10);
	get("it is 20+10", other, F_OFD_GETLK, F_WRLCK, SEEK_SET, 20, 10);
	get("through the other, SEEK_CUR -1", other, F_OFD_GETLK, F_WRLCK,
	    SEEK_CUR, -1, 1);
	set("unlock 1000+5 (splits 100+end)", fd, F_OFD_SETLK, F_UNLCK, SEEK_SET,
	    1000, 5);
	set("start -1", fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, -1, 1);
	set("whence 3", fd, F_OFD_SETLK, F_WRLCK, 3, 0, 1);
	set("5, -6", fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, -6);
	set("5, -5", fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, -5);
	set("INT64_MAX, 2", fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, INT64_MAX, 2);
	set("INT64_MAX, 1", fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, INT64_MAX, 1);
	get("the last byte", other, F_OFD_GETLK, F_WRLCK, SEEK_SET,
	    INT64_MAX, 1);
	set("SEEK_END INT64_MAX", fd, F_OFD_SETLK, F_WRLCK, SEEK_END,
	    INT64_MAX, 1);
	set("SEEK_END -101", fd, F_OFD_SETLK, F_WRLCK, SEEK_END, -101, 1);
	set("bad type", fd, F_OFD_SETLK, 7, SEEK_SET, 0, 1);
	set("bad type, overflowing range", fd, F_SETLK, 7, SEEK_SET,
	    INT64_MAX, 2);
	set("write lock, read-only descriptor", reader, F_SETLK, F_WRLCK,
	    SEEK_SET, 0, 1);
	get("F_GETLK write, read-only descriptor", reader, F_GETLK, F_WRLCK,
	    SEEK_SET, 7000, 1);
	get("F_GETLK F_UNLCK", reader, F_GETLK, F_UNLCK, SEEK_SET, 0, 1);
	get("F_GETLK overflowing range", reader, F_GETLK, F_RDLCK, SEEK_SET,
	    INT64_MAX, 2);

	struct flock lock = lock_of(F_RDLCK, SEEK_SET, 0, 1);

	lock.l_pid = 5;
	show("F_OFD_SETLK, l_pid 5", fcntl(reader, F_OFD_SETLK, &lock));
	show("F_OFD_GETLK, l_pid 5", fcntl(reader, F_OFD_GETLK, &lock));
	show("F_SETLK, l_pid 5", fcntl(reader, F_SETLK, &lock));
	lock.l_type = F_WRLCK;
	show("F_OFD_SETLK write, l_pid 5, read-only",
	     fcntl(reader, F_OFD_SETLK, &lock));
	show("F_SETLK, bad pointer", fcntl(fd, F_SETLK, (void *)16));
	show("F_GETLK, bad pointer", fcntl(fd, F_GETLK, (void *)16));
	show("F_OFD_SETLKW, bad pointer", fcntl(fd, F_OFD_SETLKW, (void *)16));
	int path = open("locks.range", O_PATH);

	set("O_PATH descriptor", path, F_SETLK, F_RDLCK, SEEK_SET, 0, 1);
	close(path);
	close(fd);
	close(other);
	close(reader);
}

static void other_objects(void)
{
	int first[2], second[2];
	int file = open_file("locks.flock", O_CREAT | O_RDWR | O_TRUNC);
	int again = open_file("locks.flock", O_RDWR);

	printf("-- pipes, eventfds, flock\n");
	show("pipe", pipe(first));
	show("pipe", pipe(second));
	set("OFD write on a pipe's write end", first[1], F_OFD_SETLK, F_WRLCK,
	    SEEK_SET, 0, 10);
	get("its read end sees it", first[0], F_OFD_GETLK, F_RDLCK, SEEK_SET,
	    5, 1);
	get("through SEEK_END (a pipe's size is 0)", first[0], F_OFD_GETLK,
	    F_RDLCK, SEEK_END, 5, 1);
	get("another pipe does not", second[0], F_OFD_GETLK, F_RDLCK,
	    SEEK_SET, 0, 0);
	int one = eventfd(0, 0), two = eventfd(0, 0);

	set("OFD write on an eventfd", one, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0,
	    1);
	get("another eventfd (one anonymous inode)", two, F_OFD_GETLK,
	    F_WRLCK, SEEK_SET, 0, 1);
	show("flock on an eventfd", flock(one, LOCK_EX | LOCK_NB));
	show("flock on another", flock(two, LOCK_EX | LOCK_NB));
	close(one);
	close(two);

	show("flock LOCK_EX", flock(file, LOCK_EX | LOCK_NB));
	set("OFD write through another open (flock is apart)", again,
	    F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0);
	show("flock LOCK_SH through it", flock(again, LOCK_SH | LOCK_NB));
	show("flock LOCK_UN", flock(file, LOCK_UN));
	set("OFD write through the first", file, F_OFD_SETLK, F_WRLCK,
	    SEEK_SET, 0, 1);
	for (int i = 0; i < 2; i++) {
		close(first[i]);
		close(second[i]);
	}
	close(file);
	close(again);
}

/* F_SETLKW: a thread unlocks or closes release_fd after a while. */
static int release_fd;
static long release_after_ms;
static volatile int let_go;
static int release_result;

static void pause_ms(long ms)
{
	struct timespec time = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&time, NULL);
}

static void *release_later(void *closing)
{
	pause_ms(release_after_ms);
	struct flock unlock = lock_of(F_UNLCK, SEEK_SET, 0, 0);

	let_go = 1;
	release_result = closing ? close(release_fd)
				 : fcntl(release_fd, F_OFD_SETLK, &unlock);
	return NULL;
}

static pthread_t main_thread;

static void *signal_later(void *unused)
{
	(void)unused;
	pause_ms(50);
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static volatile int signals;

static void on_signal(int signal)
{
	(void)signal;
	signals++;
}

/* Waits with F_SETLKW or F_OFD_SETLKW for what the thread releases. */
static void wait_for(const char *label, int fd, int command, int type,
		     bool closing)
{
	pthread_t thread;

	let_go = 0;
	pthread_create(&thread, NULL, release_later, (void *)closing);
	set(label, fd, command, type, SEEK_SET, 0, 1);
	printf("after the release: %s\n", let_go ? "yes" : "no");
	pthread_join(thread, NULL);
	show(closing ? "the thread's close" : "the thread's unlock",
	     release_result);
}

static void waiting(void)
{
	int holder = open_file("locks.wait", O_CREAT | O_RDWR | O_TRUNC);
	int waiter = open_file("locks.wait", O_RDWR);
	struct sigaction action = { .sa_handler = on_signal };
	pthread_t thread;

	printf("-- F_SETLKW waits\n");
	release_after_ms = 50;
	release_fd = holder;
	set("holder writes 0+end", holder, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0,
	    0);
	wait_for("F_OFD_SETLKW read, until an unlock", waiter, F_OFD_SETLKW,
		 F_RDLCK, false);
	set("the waiter unlocks", waiter, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0,
	    0);
	set("holder writes 0+1", holder, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0,
	    1);
	wait_for("POSIX F_SETLKW write, until a close", waiter, F_SETLKW,
		 F_WRLCK, true);
	holder = open_file("locks.wait", O_RDWR);
	get("the POSIX lock is there", holder, F_OFD_GETLK, F_RDLCK,
	    SEEK_SET, 0, 0);
	show("close the waiter", close(waiter));
	waiter = open_file("locks.wait", O_RDWR);

	/* A signal without SA_RESTART ends the wait; with it, the wait goes
	 * on until the unlock. */
	sigaction(SIGUSR1, &action, NULL);
	main_thread = pthread_self();
	set("holder writes 0+1", holder, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0,
	    1);
	pthread_create(&thread, NULL, signal_later, NULL);
	set("F_OFD_SETLKW, a signal comes", waiter, F_OFD_SETLKW, F_WRLCK,
	    SEEK_SET, 0, 1);
	pthread_join(thread, NULL);
	printf("signals: %d\n", signals);
	action.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &action, NULL);
	release_after_ms = 300;
	release_fd = holder;
	pthread_create(&thread, NULL, signal_later, NULL);
	wait_for("F_OFD_SETLKW, SA_RESTART", waiter, F_OFD_SETLKW, F_WRLCK,
		 false);
	pthread_join(thread, NULL);
	printf("signals: %d\n", signals);
	close(holder);
	close(waiter);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	posix_and_ofd();
	merging();
	ranges();
	other_objects();
	waiting();
	return 0;
}
