/*
 * poll, ppoll, select and pselect over standard input and output, and the
 * descriptor calls around them (dup, dup2, dup3, fcntl, getcwd).
 * Differential: stdin is tests/apps/poll.stdin, one line; on Linux a
 * regular file, under Wicket the console, where the line arrives while
 * the program waits for it. Nothing here reads fd 0 after its end of file
 * (a file stays readable there, a terminal does not).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void on_alarm(int signal)
{
	(void)signal;
}

static const char *outcome(int result)
{
	static char text[64];

	if (result >= 0)
		snprintf(text, sizeof(text), "%d", result);
	else
		snprintf(text, sizeof(text), "-1 %s", strerror(errno));
	return text;
}

static void sleeps(void)
{
	struct timeval tv = { 0, 50000 };
	struct timespec ts = { 0, 20000000 };
	sigset_t none;
	long long start = now_ms();
	int result = select(0, NULL, NULL, NULL, &tv);

	printf("select as a 50 ms sleep: %s, long enough: %s\n",
	       outcome(result), now_ms() - start >= 50 ? "yes" : "no");
	start = now_ms();
	result = poll(NULL, 0, 30);
	printf("poll as a 30 ms sleep: %s, long enough: %s\n", outcome(result),
	       now_ms() - start >= 30 ? "yes" : "no");
	sigemptyset(&none);
	start = now_ms();
	result = ppoll(NULL, 0, &ts, &none);
	printf("ppoll as a 20 ms sleep: %s, long enough: %s\n",
	       outcome(result), now_ms() - start >= 20 ? "yes" : "no");
	start = now_ms();
	result = pselect(0, NULL, NULL, NULL, &ts, &none);
	printf("pselect as a 20 ms sleep: %s, long enough: %s\n",
	       outcome(result), now_ms() - start >= 20 ? "yes" : "no");
}

static void descriptors(void)
{
	struct pollfd fds[3] = { { 1, POLLOUT, 0 }, { 50, POLLIN, 0 },
				 { -1, POLLIN, 0 } };
	fd_set set;
	struct timeval zero = { 0, 0 };

	close(50);
	int result = poll(fds, 3, 0);

	printf("poll stdout, closed 50, -1: %s; revents %#x %#x %#x\n",
	       outcome(result), fds[0].revents, fds[1].revents,
	       fds[2].revents);
	FD_ZERO(&set);
	FD_SET(1, &set);
	result = select(2, NULL, &set, NULL, &zero);
	printf("select stdout writable: %s, set: %d\n", outcome(result),
	       FD_ISSET(1, &set));
	/* Below 64: Linux's select ignores descriptors past its table's
	 * size, which starts at 64. */
	FD_ZERO(&set);
	FD_SET(50, &set);
	result = select(51, &set, NULL, NULL, &zero);
	printf("select closed fd 50: %s\n", outcome(result));
	result = poll(fds, 1u << 20, 0);
	printf("poll 2^20 descriptors: %s\n", outcome(result));
	result = poll((struct pollfd *)16, 1, 0);
	printf("poll a bad pointer: %s\n", outcome(result));
}

static void duplicates(void)
{
	char cwd[64];
	int fd = dup(1);

	printf("dup(1): %s\n", outcome(fd));
	fflush(stdout);
	dprintf(fd, "written through the dup\n");
	printf("dup2(1, 10): %s\n", outcome(dup2(1, 10)));
	printf("F_GETFD: %s\n", outcome(fcntl(10, F_GETFD)));
	printf("F_SETFD: %s\n", outcome(fcntl(10, F_SETFD, FD_CLOEXEC)));
	printf("F_GETFD: %s\n", outcome(fcntl(10, F_GETFD)));
	printf("dup3(1, 10, 0): %s\n", outcome(dup3(1, 10, 0)));
	printf("F_GETFD: %s\n", outcome(fcntl(10, F_GETFD)));
	printf("dup3(1, 1, 0): %s\n", outcome(dup3(1, 1, 0)));
	printf("dup2(1, 1): %s\n", outcome(dup2(1, 1)));
	printf("close(10): %s\n", outcome(close(10)));
	printf("F_GETFD(10): %s\n", outcome(fcntl(10, F_GETFD)));
	printf("dup2(10, 11): %s\n", outcome(dup2(10, 11)));
	printf("F_DUPFD(1, 20): %s\n", outcome(fcntl(1, F_DUPFD, 20)));
	printf("F_DUPFD_CLOEXEC(1, 20): %s\n",
	       outcome(fcntl(1, F_DUPFD_CLOEXEC, 20)));
	printf("F_GETFD(21): %s\n", outcome(fcntl(21, F_GETFD)));
	printf("stdout O_NONBLOCK: %d\n",
	       (fcntl(1, F_GETFL) & O_NONBLOCK) != 0);
	struct rlimit limit;

	getrlimit(RLIMIT_NOFILE, &limit);
	limit.rlim_cur = 100;
	printf("RLIMIT_NOFILE 100: %s\n",
	       outcome(setrlimit(RLIMIT_NOFILE, &limit)));
	printf("dup2(1, 100): %s\n", outcome(dup2(1, 100)));
	printf("dup2(1, 99): %s\n", outcome(dup2(1, 99)));
	printf("F_DUPFD(1, 100): %s\n", outcome(fcntl(1, F_DUPFD, 100)));
	printf("getcwd: %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "NULL");
	printf("getcwd into 1 byte: %s\n",
	       getcwd(cwd, 1) ? cwd : strerror(errno));
}

static void standard_input(void)
{
	struct pollfd in = { 0, POLLIN, 0 };
	fd_set set;
	struct timeval wait = { 5, 0 };
	char line[64] = "";
	int result = poll(&in, 1, 5000);

	printf("poll stdin: %s, revents %#x\n", outcome(result), in.revents);
	FD_ZERO(&set);
	FD_SET(0, &set);
	result = select(1, &set, NULL, NULL, &wait);
	printf("select stdin: %s, set: %d\n", outcome(result),
	       FD_ISSET(0, &set));
	if (fgets(line, sizeof(line), stdin))
		printf("line: %s", line);
	result = poll(&in, 1, 5000);
	printf("poll stdin at its end: %s, revents %#x\n", outcome(result),
	       in.revents);
	printf("read at the end: %zd\n", read(0, line, sizeof(line)));
}

static void interrupted(void)
{
	struct sigaction action = { 0 };
	struct itimerval once = { { 0, 0 }, { 0, 50000 } };
	struct timeval long_time = { 10, 0 };

	action.sa_handler = on_alarm;
	action.sa_flags = SA_RESTART; /* poll and select ignore it */
	sigaction(SIGALRM, &action, NULL);
	setitimer(ITIMER_REAL, &once, NULL);
	printf("poll interrupted: %s\n", outcome(poll(NULL, 0, 10000)));
	setitimer(ITIMER_REAL, &once, NULL);
	printf("select interrupted: %s\n",
	       outcome(select(0, NULL, NULL, NULL, &long_time)));
}

int main(void)
{
	sleeps();
	descriptors();
	duplicates();
	standard_input();
	interrupted();
	return 0;
}
