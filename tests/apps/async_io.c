/*
 * Signal-driven I/O (differential): F_SETOWN, F_GETOWN, F_SETOWN_EX,
 * F_GETOWN_EX, F_SETSIG and their errors; O_ASYNC's signals on a socket
 * pair, a pipe and an inotify instance (SIGIO as the kernel's, or
 * F_SETSIG's signal with si_code, si_band and si_fd); FIOASYNC; and
 * F_NOTIFY's directory notices, once and DN_MULTISHOT. Process ids are
 * printed as whether they are the process's own.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "show_util.h"

/* A directory of this run's own (parallel runs share the host's /tmp). */
static char place[] = "/tmp/async-XXXXXX";

static volatile int count, last_signal, last_code, last_band, last_fd;

static void heard(int signal, siginfo_t *info, void *context)
{
	(void)context;
	count++;
	last_signal = signal;
	last_code = info->si_code;
	last_band = (int)info->si_band;
	last_fd = info->si_fd;
}

/* What came since the last report: how many signals, and the last. */
static void report(const char *label, int fd)
{
	printf("%s: %d", label, count);
	if (count)
		printf(" signal %s code %#x band %#x fd %s", 
		       last_signal == SIGIO ? "SIGIO"
		       : last_signal >= SIGRTMIN ? "real-time" : "other",
		       last_code, last_signal == SIGIO ? 0 : last_band,
		       last_signal == SIGIO ? "-"
		       : last_fd == fd	    ? "its own"
					    : "another");
	printf("\n");
	count = 0;
}

static void owners(int fd)
{
	struct f_owner_ex owner;

	show("F_GETOWN, none", fcntl(fd, F_GETOWN));
	show("F_SETOWN, the process", fcntl(fd, F_SETOWN, getpid()));
	show_yes("F_GETOWN is it", fcntl(fd, F_GETOWN) == getpid());
	show("F_SETOWN, the group", fcntl(fd, F_SETOWN, -getpgrp()));
	show_yes("F_GETOWN is it", fcntl(fd, F_GETOWN) == -getpgrp());
	show("F_SETOWN, nobody's pid", fcntl(fd, F_SETOWN, 99999999));
	show("F_SETOWN, INT_MIN", fcntl(fd, F_SETOWN, INT32_MIN));
	owner = (struct f_owner_ex){ F_OWNER_TID, (pid_t)syscall(SYS_gettid) };
	show("F_SETOWN_EX, this thread", fcntl(fd, F_SETOWN_EX, &owner));
	memset(&owner, 0, sizeof(owner));
	show("F_GETOWN_EX", fcntl(fd, F_GETOWN_EX, &owner));
	printf(" type %d, the thread: %s\n", owner.type,
	       owner.pid == (pid_t)syscall(SYS_gettid) ? "yes" : "no");
	owner.type = 7;
	show("F_SETOWN_EX, type 7", fcntl(fd, F_SETOWN_EX, &owner));
	show("F_SETOWN_EX, bad pointer", fcntl(fd, F_SETOWN_EX, (void *)16));
	show("F_SETOWN, none", fcntl(fd, F_SETOWN, 0));
	show("F_GETOWN", fcntl(fd, F_GETOWN));
	show("F_GETSIG, none", fcntl(fd, F_GETSIG));
	show("F_SETSIG, 65", fcntl(fd, F_SETSIG, 65));
	show("F_SETSIG, SIGRTMIN", fcntl(fd, F_SETSIG, SIGRTMIN));
	show_yes("F_GETSIG is it", fcntl(fd, F_GETSIG) == SIGRTMIN);
	show("F_SETSIG, 0", fcntl(fd, F_SETSIG, 0));
}

static void sockets(void)
{
	int pair[2];
	char buffer[64];

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair);
	owners(pair[0]);
	show("O_ASYNC, no owner",
	     fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_ASYNC));
	show_yes("F_GETFL has it", (fcntl(pair[0], F_GETFL) & O_ASYNC) != 0);
	write(pair[1], "a", 1);
	report("a send, nobody to tell", pair[0]);
	fcntl(pair[0], F_SETOWN, getpid());
	write(pair[1], "b", 1);
	report("a send, the process told", pair[0]);
	write(pair[1], "c", 1);
	report("another, while some is unread", pair[0]);
	read(pair[0], buffer, sizeof(buffer));
	report("its own read", pair[0]);
	write(pair[0], "d", 1);
	report("its own send", pair[0]);
	read(pair[1], buffer, sizeof(buffer));
	report("the peer's read, room never lacked", pair[0]);
	fcntl(pair[0], F_SETSIG, SIGRTMIN + 1);
	write(pair[1], "e", 1);
	report("a send, F_SETSIG", pair[0]);
	int copy = dup(pair[0]);

	write(pair[1], "f", 1);
	report("a dup's description, the same", pair[0]);
	close(copy);
	close(pair[1]);
	report("the peer closed", pair[0]);
	show("FIOASYNC off", ioctl(pair[0], FIOASYNC, &(int){ 0 }));
	show_yes("F_GETFL has it no more",
		 (fcntl(pair[0], F_GETFL) & O_ASYNC) == 0);
	close(pair[0]);
}

static void pipes(void)
{
	int ends[2];
	char buffer[64];

	pipe2(ends, O_NONBLOCK);
	fcntl(ends[0], F_SETOWN, getpid());
	fcntl(ends[0], F_SETSIG, SIGRTMIN + 2);
	show("FIOASYNC on", ioctl(ends[0], FIOASYNC, &(int){ 1 }));
	write(ends[1], "ab", 2);
	report("pipe: bytes came", ends[0]);
	read(ends[0], buffer, 1);
	report("pipe: a read", ends[0]);
	write(ends[1], "c", 1);
	report("pipe: more came", ends[0]);
	close(ends[1]);
	report("pipe: the writer closed", ends[0]);
	close(ends[0]);

	int file = open("/tmp", O_RDONLY | O_DIRECTORY);

	show("FIOASYNC on a directory", ioctl(file, FIOASYNC, &(int){ 1 }));
	close(file);
}

static void inotify(void)
{
	int watcher = inotify_init1(IN_NONBLOCK);

	inotify_add_watch(watcher, place, IN_CREATE);
	fcntl(watcher, F_SETOWN, getpid());
	fcntl(watcher, F_SETFL, O_ASYNC | O_NONBLOCK);
	close(open(path_in(place, "one"), O_CREAT | O_WRONLY, 0600));
	report("inotify: an event", watcher);
	close(open(path_in(place, "one"), O_WRONLY));
	report("inotify: none it watches", watcher);
	unlink(path_in(place, "one"));
	close(watcher);
}

static void notices(void)
{
	int directory = open(place, O_RDONLY | O_DIRECTORY);
	int file = open(path_in(place, "file"), O_CREAT | O_RDWR, 0600);

	show("F_NOTIFY on a file", fcntl(file, F_NOTIFY, DN_MODIFY));
	show("F_NOTIFY, DN_CREATE", fcntl(directory, F_NOTIFY, DN_CREATE));
	show_yes("its owner is the process",
		 fcntl(directory, F_GETOWN) == getpid());
	close(open(path_in(place, "new"), O_CREAT | O_WRONLY, 0600));
	report("a name came", directory);
	close(open(path_in(place, "newer"), O_CREAT | O_WRONLY, 0600));
	report("another, once was all", directory);
	fcntl(directory, F_SETSIG, SIGRTMIN + 3);
	show("F_NOTIFY, DN_MODIFY | DN_MULTISHOT",
	     fcntl(directory, F_NOTIFY, DN_MODIFY | DN_MULTISHOT));
	write(file, "x", 1);
	report("a write in it", directory);
	write(file, "y", 1);
	report("another", directory);
	show("F_NOTIFY, DN_DELETE | DN_RENAME | DN_ATTRIB",
	     fcntl(directory, F_NOTIFY,
		   DN_DELETE | DN_RENAME | DN_ATTRIB | DN_MULTISHOT));
	rename(path_in(place, "new"), path_in(place, "renamed"));
	report("a rename within", directory);
	chmod(path_in(place, "renamed"), 0644);
	report("a chmod of an entry", directory);
	unlink(path_in(place, "renamed"));
	report("an unlink", directory);
	show("F_NOTIFY, none", fcntl(directory, F_NOTIFY, 0));
	unlink(path_in(place, "newer"));
	report("an unlink, none registered", directory);
	unlink(path_in(place, "file"));
	close(file);
	close(directory);
	rmdir(place);
}

int main(void)
{
	struct sigaction action = { .sa_sigaction = heard,
				    .sa_flags = SA_SIGINFO };

	setvbuf(stdout, NULL, _IONBF, 0);
	if (mkdtemp(place) == NULL)
		return 2;
	sigaction(SIGIO, &action, NULL);
	for (int signal = SIGRTMIN; signal <= SIGRTMIN + 3; signal++)
		sigaction(signal, &action, NULL);
	sockets();
	pipes();
	inotify();
	notices();
	return *show_failures() != 0;
}
