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
	} else {
		fprintf(stderr, "console_input: unknown mode \"%s\"\n", mode);
		return 2;
	}
	printf("came back: WRONG\n");
	return 1;
}
