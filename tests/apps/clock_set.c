/*
 * Setting the real-time clock (Wicket only: on the host, as root, it
 * would set the machine's). The app is root, so clock_settime and
 * settimeofday set it; the vDSO, the system calls and the monotonic
 * clock then say what Linux's would. What waits for a real-time moment
 * follows the clock: an absolute clock_nanosleep and an absolute futex
 * wait on CLOCK_REALTIME end when the clock passes their moment, an
 * absolute timer's expiry moves (a timerfd counts the periods the clock
 * skipped), and a timerfd armed with TFD_TIMER_CANCEL_ON_SET reads
 * -ECANCELED; a relative sleep keeps its length.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

#define SECOND INT64_C(1000000000)

/* linux/futex.h's, which musl's headers lack. */
#define FUTEX_WAIT_BITSET      9
#define FUTEX_PRIVATE_FLAG     128
#define FUTEX_CLOCK_REALTIME   256
#define FUTEX_BITSET_MATCH_ANY 0xffffffff

static int64_t now(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return (int64_t)t.tv_sec * SECOND + t.tv_nsec;
}

static struct timespec spec(int64_t ns)
{
	return (struct timespec){ (time_t)(ns / SECOND), (long)(ns % SECOND) };
}

/* Moves the real-time clock by `by` ns: clock_settime's answer. */
static int move_clock(int64_t by)
{
	struct timespec to = spec(now(CLOCK_REALTIME) + by);

	return clock_settime(CLOCK_REALTIME, &to);
}

static void nap_ms(int ms)
{
	struct timespec t = { 0, ms * 1000000L };

	nanosleep(&t, NULL);
}

/* The vDSO's function `name` (by its section headers; it is linked at
 * 0, as Linux's), or NULL. */
static void *vdso_function(const char *name)
{
	const char *base = (const char *)getauxval(AT_SYSINFO_EHDR);

	if (base == NULL)
		return NULL;
	const Elf64_Ehdr *header = (const Elf64_Ehdr *)base;
	const Elf64_Shdr *sections = (const Elf64_Shdr *)(base +
							  header->e_shoff);

	for (unsigned i = 0; i < header->e_shnum; i++) {
		if (sections[i].sh_type != SHT_DYNSYM)
			continue;
		const Elf64_Sym *symbols =
			(const Elf64_Sym *)(base + sections[i].sh_offset);
		const char *names = base + sections[sections[i].sh_link].sh_offset;

		for (unsigned j = 0; j < sections[i].sh_size / sizeof(*symbols);
		     j++)
			if (strcmp(names + symbols[j].st_name, name) == 0)
				return (void *)(base + symbols[j].st_value);
	}
	return NULL;
}

/* ---- threads that wait for a real-time moment */

static int64_t waited_ns; /* what the waiter measured on CLOCK_MONOTONIC */
static int waiter_result;
static uint32_t futex_word;

static void *sleep_until_hour(void *unused)
{
	(void)unused;
	int64_t start = now(CLOCK_MONOTONIC);
	struct timespec at = spec(now(CLOCK_REALTIME) + 3600 * SECOND);

	waiter_result = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at,
					NULL);
	waited_ns = now(CLOCK_MONOTONIC) - start;
	return NULL;
}

static void *sleep_relative(void *unused)
{
	(void)unused;
	int64_t start = now(CLOCK_MONOTONIC);
	struct timespec length = spec(SECOND / 2);

	waiter_result = clock_nanosleep(CLOCK_REALTIME, 0, &length, NULL);
	waited_ns = now(CLOCK_MONOTONIC) - start;
	return NULL;
}

static void *futex_until_hour(void *unused)
{
	(void)unused;
	int64_t start = now(CLOCK_MONOTONIC);
	struct timespec at = spec(now(CLOCK_REALTIME) + 3600 * SECOND);

	waiter_result = syscall(SYS_futex, &futex_word,
				FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG |
					FUTEX_CLOCK_REALTIME,
				0, &at, NULL, FUTEX_BITSET_MATCH_ANY) ? errno : 0;
	waited_ns = now(CLOCK_MONOTONIC) - start;
	return NULL;
}

/* Starts `body`, lets it block, moves the clock by `by`, and joins it. */
static void waiter(void *(*body)(void *), int64_t by)
{
	pthread_t thread;

	waited_ns = -1;
	pthread_create(&thread, NULL, body, NULL);
	nap_ms(100);
	if (move_clock(by))
		printf("clock_settime: %s\n", strerror(errno));
	pthread_join(thread, NULL);
}

static void waits(void)
{
	waiter(sleep_until_hour, 3600 * SECOND);
	show_yes("an absolute sleep for an hour ends when the clock jumps an hour",
		 waiter_result == 0 && waited_ns < 5 * SECOND);
	waiter(futex_until_hour, 3600 * SECOND);
	show_yes("so does an absolute futex wait, with ETIMEDOUT",
		 waiter_result == ETIMEDOUT && waited_ns < 5 * SECOND);
	waiter(sleep_relative, -100 * SECOND);
	show_yes("a relative sleep of 0.5 s keeps its length when the clock goes "
		 "back 100 s", waiter_result == 0 && waited_ns >= SECOND / 2 &&
			       waited_ns < 5 * SECOND);
}

/* ---- timers */

static void timers(void)
{
	timer_t timer;
	struct sigevent event = { .sigev_notify = SIGEV_NONE };
	struct itimerspec value = { { 0, 0 }, spec(now(CLOCK_REALTIME) +
						  3600 * SECOND) };
	struct itimerspec left;

	timer_create(CLOCK_REALTIME, &event, &timer);
	timer_settime(timer, TIMER_ABSTIME, &value, NULL);
	timer_gettime(timer, &left);
	show_yes("an absolute timer an hour away says about an hour",
		 left.it_value.tv_sec > 3500 && left.it_value.tv_sec <= 3600);
	move_clock(3590 * SECOND);
	timer_gettime(timer, &left);
	show_yes("after the clock jumps 3590 s it says at most 10 s",
		 left.it_value.tv_sec <= 10 &&
			 (left.it_value.tv_sec > 0 || left.it_value.tv_nsec > 0));
	timer_delete(timer);

	/* A timerfd with a 1 s period, first due in 10 s: the clock jumps
	 * 100 s, and the periods it skipped are expirations. */
	int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	uint64_t count = 0;

	value = (struct itimerspec){ spec(SECOND),
				     spec(now(CLOCK_REALTIME) + 10 * SECOND) };
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &value, NULL);
	move_clock(100 * SECOND);
	nap_ms(50);
	show_yes("a periodic timerfd counts the ~91 periods the clock skipped",
		 read(fd, &count, sizeof(count)) == sizeof(count) && count >= 90 &&
			 count <= 93);
	printf("(%llu)\n", (unsigned long long)count);
	close(fd);

	/* TFD_TIMER_CANCEL_ON_SET: any setting of the clock cancels. */
	fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	value = (struct itimerspec){ { 0, 0 },
				     spec(now(CLOCK_REALTIME) + 3600 * SECOND) };
	timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
			&value, NULL);
	show_yes("a cancel-on-set timerfd is not readable at first",
		 read(fd, &count, sizeof(count)) < 0 && errno == EAGAIN);
	move_clock(SECOND);
	struct pollfd readable = { fd, POLLIN, 0 };

	show_yes("after a setting of the clock it polls readable",
		 poll(&readable, 1, 0) == 1 && (readable.revents & POLLIN));
	show_yes("and reads ECANCELED",
		 read(fd, &count, sizeof(count)) < 0 && errno == ECANCELED);
	show_yes("once", read(fd, &count, sizeof(count)) < 0 && errno == EAGAIN);
	close(fd);
}

int main(void)
{
	struct timeval tv;
	struct timezone zone;
	int64_t real = now(CLOCK_REALTIME), mono = now(CLOCK_MONOTONIC);
	struct timespec to = spec(real + 1000 * SECOND);

	show_yes("clock_settime 1000 s ahead",
		 clock_settime(CLOCK_REALTIME, &to) == 0);
	int64_t gap = now(CLOCK_REALTIME) - (real + 1000 * SECOND);

	show_yes("the clock reads it (vDSO)", gap >= 0 && gap < 5 * SECOND);
	struct timespec by_call;

	syscall(SYS_clock_gettime, CLOCK_REALTIME, &by_call);
	gap = (int64_t)by_call.tv_sec * SECOND + by_call.tv_nsec -
	      (real + 1000 * SECOND);
	show_yes("and so does the system call", gap >= 0 && gap < 5 * SECOND);
	show_yes("time() too", time(NULL) - to.tv_sec >= 0 &&
				       time(NULL) - to.tv_sec < 5);
	show_yes("the monotonic clock did not jump",
		 now(CLOCK_MONOTONIC) - mono < 5 * SECOND);

	/* musl's settimeofday and gettimeofday leave the zone alone: the
	 * system calls. */
	tv = (struct timeval){ to.tv_sec - 2000, 0 };
	zone = (struct timezone){ -60, 0 };
	show_yes("settimeofday 1000 s behind the start, zone -60",
		 syscall(SYS_settimeofday, &tv, &zone) == 0);
	zone = (struct timezone){ 0, 0 };
	syscall(SYS_gettimeofday, &tv, &zone);
	show_yes("gettimeofday says both", tv.tv_sec - real / SECOND >= -1000 &&
						   tv.tv_sec - real / SECOND < -995 &&
						   zone.tz_minuteswest == -60);
	int (*vdso_gettimeofday)(struct timeval *, struct timezone *) =
		(int (*)(struct timeval *, struct timezone *))vdso_function(
			"__vdso_gettimeofday");

	zone = (struct timezone){ 0, 0 };
	show_yes("and the vDSO's gettimeofday the zone",
		 vdso_gettimeofday && vdso_gettimeofday(&tv, &zone) == 0 &&
			 zone.tz_minuteswest == -60);
	zone = (struct timezone){ 16 * 60, 0 };
	show_yes("a zone past 15 hours: EINVAL",
		 syscall(SYS_settimeofday, NULL, &zone) < 0 && errno == EINVAL);

	to = (struct timespec){ 0, 0 };
	show_yes("1970 (before boot): EINVAL",
		 clock_settime(CLOCK_REALTIME, &to) < 0 && errno == EINVAL);
	to = (struct timespec){ INT64_C(8277292036), 0 };
	show_yes("past Linux's latest: EINVAL",
		 clock_settime(CLOCK_REALTIME, &to) < 0 && errno == EINVAL);

	waits();
	timers();
	printf("%d failed\n", *show_failures());
	return *show_failures() != 0;
}
