/*
 * Console input as events (Wicket only: a serial console has no Linux
 * twin to compare with). tests/console/meson.build runs each mode with
 * input that the runner holds back until the mode has said it is ready
 * (--stdin-after), and checks the output and the exit status.
 *
 *   spin          ^C stops a loop that makes no system call (SIGINT's
 *                 default action): nothing but the input event can see it
 *   spin-threads  the same with two threads sharing the CPU
 *   spin-handler  a SIGINT handler ends the loop; the input typed before
 *                 the ^C is discarded, as a Linux terminal does
 *   sleep         ^C ends a 100 s sleep at once
 *   late-input    a read waits for input that comes 0.2 s later; prints
 *                 how many times the kernel was entered meanwhile
 *   poll-input    the same with poll, after a read with O_NONBLOCK found
 *                 nothing
 *   raw-timeouts  raw mode's VMIN 0: a read returns 0 at once (VTIME 0),
 *                 or after VTIME (2: 0.2 s), or the input that comes
 *   typeahead     a line typed while the program computes is echoed as
 *                 it comes (inside the "computing..." line), then read
 *   raw-switch    the same, then raw mode: what canonical mode had taken
 *                 in is what a raw read returns
 *   async-input   O_ASYNC on the console, owned by the process with
 *                 F_SETSIG's signal: the input raises it (POLL_IN, si_fd
 *                 0) while the program waits in sigsuspend
 *   job-control   the console is the process's controlling terminal, its
 *                 group the foreground one, as a shell's job control
 *                 expects (tcsetpgrp to its own group, TIOCSCTTY); and
 *                 its size (TIOCGWINSZ, as wicket.winsize says)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define COUNTERS 0x00007ff0ffff0000ul /* WK_COUNTERS_ADDRESS (abi.h) */

static volatile sig_atomic_t interrupted;
static volatile uint64_t spins;

static void ready(const char *what)
{
	printf("%s\n", what);
	fflush(stdout);
}

static void *spin(void *unused)
{
	while (!interrupted)
		spins++;
	return unused;
}

static void on_sigint(int signal)
{
	(void)signal;
	interrupted = 1;
}

static int spin_handler(void)
{
	char buffer[64];

	signal(SIGINT, on_sigint);
	ready("spinning");
	spin(NULL);
	printf("SIGINT ended the loop after %s spins\n",
	       spins ? "some" : "no");
	/* The runner sent "typed ahead" before the ^C, then ^D. */
	ssize_t count = read(0, buffer, sizeof(buffer));

	printf("read after ^C: %zd bytes%s\n", count,
	       count == 0 ? " (end of file: the input before ^C was discarded)"
			  : "");
	return 0;
}

static volatile sig_atomic_t heard_code = -1, heard_fd = -1;

static void heard(int signal, siginfo_t *info, void *context)
{
	(void)signal;
	(void)context;
	heard_code = info->si_code;
	heard_fd = info->si_fd;
}

static int async_input(void)
{
	struct sigaction action = { .sa_sigaction = heard,
				    .sa_flags = SA_SIGINFO };
	sigset_t blocked, waiting;
	char buffer[64] = "";

	sigaction(SIGRTMIN, &action, NULL);
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &blocked, &waiting);
	if (fcntl(0, F_SETOWN, getpid()) || fcntl(0, F_SETSIG, SIGRTMIN) ||
	    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_ASYNC)) {
		printf("fcntl: %s: WRONG\n", strerror(errno));
		return 1;
	}
	ready("ready");
	while (heard_code == -1)
		sigsuspend(&waiting);
	printf("input signal: si_code %d, si_fd %d\n", (int)heard_code,
	       (int)heard_fd);
	ssize_t count = read(0, buffer, sizeof(buffer) - 1);

	buffer[count > 0 ? count : 0] = 0;
	if (count > 0 && buffer[count - 1] == '\n')
		buffer[count - 1] = 0;
	printf("read %zd bytes: \"%s\"\n", count, buffer);
	return 0;
}

static int late_input(bool with_poll)
{
	const volatile uint64_t *counters = (const uint64_t *)COUNTERS;
	char buffer[64] = "";
	struct pollfd in = { 0, POLLIN, 0 };

	if (with_poll) {
		fcntl(0, F_SETFL, O_NONBLOCK);
		ssize_t none = read(0, buffer, sizeof(buffer));

		printf("read with O_NONBLOCK: %zd%s\n", none,
		       none < 0 && errno == EAGAIN ? " EAGAIN" : "");
		fcntl(0, F_SETFL, 0);
	}
	ready("ready");
	uint64_t before = counters[0] + counters[1];
	int polled = with_poll ? poll(&in, 1, -1) : 0;
	ssize_t count = read(0, buffer, sizeof(buffer) - 1);
	uint64_t entries = counters[0] + counters[1] - before;

	if (with_poll)
		printf("poll: %d, revents %#x\n", polled, in.revents);

	buffer[count > 0 ? count : 0] = 0;
	if (count > 0 && buffer[count - 1] == '\n')
		buffer[count - 1] = 0;
	printf("read %zd bytes: \"%s\"\n", count, buffer);
	printf("kernel entries while the read waited: %llu\n",
	       (unsigned long long)entries);
	return 0;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* One raw-mode read with VMIN 0 and this VTIME: its count, and how long
 * it took into *took_ms. */
static ssize_t timed_read(struct termios *raw, cc_t vtime, long long *took_ms)
{
	char buffer[64];

	raw->c_cc[VTIME] = vtime;
	tcsetattr(0, TCSANOW, raw);
	long long start = now_ms();
	ssize_t count = read(0, buffer, sizeof(buffer));

	*took_ms = now_ms() - start;
	return count;
}

static int raw_timeouts(void)
{
	struct termios saved, raw;
	long long took;

	tcgetattr(0, &saved);
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	ssize_t count = timed_read(&raw, 0, &took);

	printf("VMIN 0, VTIME 0: %zd, at once: %s\n", count,
	       took < 150 ? "yes" : "no");
	count = timed_read(&raw, 2, &took);
	printf("VMIN 0, VTIME 2: %zd, after 0.2 s: %s\n", count,
	       took >= 200 && took < 3000 ? "yes" : "no");
	ready("ready");
	count = timed_read(&raw, 50, &took);
	printf("VMIN 0, VTIME 50: input before the 5 s: %s\n",
	       count > 0 && took < 5000 ? "yes" : "no");
	tcsetattr(0, TCSANOW, &saved);
	return 0;
}

/* Computes for a second without reading, on a line of its own. */
static void compute(void)
{
	long long start = now_ms();

	printf("computing...");
	fflush(stdout);
	while (now_ms() - start < 1000)
		spins++;
	printf(" done\n");
}

static int typeahead(bool then_raw)
{
	char buffer[64] = "";

	ready("ready");
	compute();
	if (!then_raw) {
		if (fgets(buffer, sizeof(buffer), stdin))
			printf("line: %s", buffer);
		return 0;
	}
	struct termios raw;

	tcgetattr(0, &raw);
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	tcsetattr(0, TCSANOW, &raw);
	ssize_t count = read(0, buffer, sizeof(buffer) - 1);

	buffer[count > 0 ? count : 0] = 0;
	printf("raw read after the switch: %zd bytes \"%s\"\n", count, buffer);
	return 0;
}

static void show_result(const char *what, int result)
{
	const char *name = errno == ESRCH ? " ESRCH" : errno == EINVAL
		? " EINVAL" : errno == ENOTTY ? " ENOTTY" : " another errno";

	printf("%s: %d%s\n", what, result, result < 0 ? name : "");
}

static int job_control(void)
{
	ready("ready");
	printf("tcgetpgrp is getpgrp: %s\n",
	       tcgetpgrp(0) == getpgrp() ? "yes" : "no");
	printf("tcgetsid is getsid: %s\n",
	       tcgetsid(0) == getsid(0) ? "yes" : "no");
	show_result("tcsetpgrp(own group)", tcsetpgrp(0, getpgrp()));
	show_result("tcsetpgrp(no such group)", tcsetpgrp(0, 4242));
	show_result("tcsetpgrp(-1)", tcsetpgrp(0, -1));
	show_result("TIOCSCTTY", ioctl(0, TIOCSCTTY, 0));

	struct winsize size;

	if (ioctl(1, TIOCGWINSZ, &size) == 0)
		printf("window: %u rows, %u columns\n", size.ws_row, size.ws_col);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	pthread_t thread;

	if (!strcmp(mode, "spin")) {
		ready("spinning");
		spin(NULL);
	} else if (!strcmp(mode, "spin-threads")) {
		pthread_create(&thread, NULL, spin, NULL);
		ready("spinning");
		spin(NULL);
	} else if (!strcmp(mode, "spin-handler")) {
		return spin_handler();
	} else if (!strcmp(mode, "sleep")) {
		struct timespec long_time = { 100, 0 };

		ready("sleeping");
		nanosleep(&long_time, NULL);
	} else if (!strcmp(mode, "late-input")) {
		return late_input(false);
	} else if (!strcmp(mode, "poll-input")) {
		return late_input(true);
	} else if (!strcmp(mode, "raw-timeouts")) {
		return raw_timeouts();
	} else if (!strcmp(mode, "typeahead")) {
		return typeahead(false);
	} else if (!strcmp(mode, "raw-switch")) {
		return typeahead(true);
	} else if (!strcmp(mode, "async-input")) {
		return async_input();
	} else if (!strcmp(mode, "job-control")) {
		return job_control();
	} else {
		fprintf(stderr, "console_input: unknown mode \"%s\"\n", mode);
		return 2;
	}
	printf("came back: WRONG\n");
	return 1;
}
