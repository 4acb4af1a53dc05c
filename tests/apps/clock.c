/*
 * Differential test: clocks. The values differ from run to run, so the
 * program prints booleans about them (and the raw values on "VARIES "
 * lines, which the harness compares only up to their first ':').
 *
 * musl's clock_gettime calls the vDSO where there is one (Linux's, and
 * Wicket's: libos/vdso/vdso.c) and the system call otherwise; the last
 * part checks that the two agree on every clock id. The CPU-time clocks
 * (and getrusage, times, clock) count what a thread or the process ran,
 * not time spent asleep or blocked.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void yesno(const char *what, int value)
{
	printf("%s: %s\n", what, value ? "yes" : "no");
}

static volatile unsigned long sink;

/* Whether libc's clock_gettime and the system call give the same status
 * for clock, and the system call's time lies between two libc reads. */
static int libc_agrees_with_syscall(clockid_t clock)
{
	struct timespec before, during, after;
	int libc = clock_gettime(clock, &before);
	long call = syscall(SYS_clock_gettime, clock, &during);

	if (clock_gettime(clock, &after) != libc || (libc == 0) != (call == 0))
		return 0;
	return libc != 0 || (ns(&before) <= ns(&during) &&
			     ns(&during) <= ns(&after) &&
			     during.tv_nsec >= 0 && during.tv_nsec < 1000000000);
}

static int every_clock_agrees(void)
{
	static const clockid_t ids[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					 11, 12, 100, 12345 };
	int all = 1;

	for (unsigned i = 0; i < sizeof(ids) / sizeof(*ids); i++)
		all &= libc_agrees_with_syscall(ids[i]);
	return all;
}

static int64_t clock_ns(clockid_t clock)
{
	struct timespec t;

	return clock_gettime(clock, &t) == 0 ? ns(&t) : -1;
}

/* Runs on the CPU until this thread's CPU time has grown by `ms`
 * milliseconds (or 10 s have passed: a clock that does not move); whether
 * it got there. A busy host can take longer, never less. */
static int spin(int64_t ms)
{
	int64_t end = clock_ns(CLOCK_THREAD_CPUTIME_ID) + ms * 1000000;
	int64_t limit = clock_ns(CLOCK_MONOTONIC) + 10000000000LL;

	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		if (clock_ns(CLOCK_MONOTONIC) > limit)
			return 0;
	return 1;
}

/* Whether the CPU clock of a joined thread stops reading within a
 * second. Linux wakes pthread_join when the thread clears its tid, a
 * little before it frees the thread's id, so the clock can outlive the
 * join by a moment there. */
static int clock_goes(clockid_t clock)
{
	struct timespec t, moment = { 0, 1000000 };

	for (int tries = 0; tries < 1000; tries++) {
		if (clock_gettime(clock, &t) != 0)
			return 1;
		nanosleep(&moment, NULL);
	}
	return 0;
}

static int64_t started;

static int64_t timeval_ns(const struct timeval *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_usec * 1000;
}

static sem_t spun, read_done;

static void *spinner(void *unused)
{
	(void)unused;
	if (!spin(60))
		printf("the other thread's CPU time did not grow\n");
	sem_post(&spun);
	sem_wait(&read_done);
	return NULL;
}

static void cpu_time(void)
{
	const int64_t ms = 1000000;
	struct timespec nap = { 0, 200 * ms }, tiny = { 0, 1000 };
	int64_t process = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	int64_t thread = clock_ns(CLOCK_THREAD_CPUTIME_ID);

	printf("CPU time\n");
	nanosleep(&nap, NULL);
	yesno("a 200 ms sleep adds under 100 ms of process CPU time",
	      clock_ns(CLOCK_PROCESS_CPUTIME_ID) - process < 100 * ms);
	yesno("and of the thread's",
	      clock_ns(CLOCK_THREAD_CPUTIME_ID) - thread < 100 * ms);
	int64_t wall = clock_ns(CLOCK_MONOTONIC);

	yesno("spinning, the thread's CPU time grows by 100 ms", spin(100));
	yesno("which takes at least 95 ms of time",
	      clock_ns(CLOCK_MONOTONIC) - wall >= 95 * ms);
	thread = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	yesno("the process's CPU time is at least the thread's",
	      clock_ns(CLOCK_PROCESS_CPUTIME_ID) >= thread);

	pthread_t other;
	clockid_t other_clock, own_clock, process_clock;

	sem_init(&spun, 0, 0);
	sem_init(&read_done, 0, 0);
	thread = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	pthread_create(&other, NULL, spinner, NULL);
	sem_wait(&spun);
	yesno("pthread_getcpuclockid", pthread_getcpuclockid(other, &other_clock) == 0);
	yesno("another thread's clock reads its 60 ms",
	      clock_ns(other_clock) >= 60 * ms);
	yesno("waiting for it added under 30 ms to this one's",
	      clock_ns(CLOCK_THREAD_CPUTIME_ID) - thread < 30 * ms);
	sem_post(&read_done);
	pthread_join(other, NULL);
	yesno("its clock is gone with it", clock_goes(other_clock));
	pthread_getcpuclockid(pthread_self(), &own_clock);
	int64_t own = clock_ns(own_clock), fixed = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	yesno("this thread's own clock reads like CLOCK_THREAD_CPUTIME_ID",
	      own >= 0 && own <= fixed);
	yesno("clock_getcpuclockid(0)", clock_getcpuclockid(0, &process_clock) == 0 &&
	      clock_ns(process_clock) >= 160 * ms);
	yesno("clock_getcpuclockid(getpid())",
	      clock_getcpuclockid(getpid(), &process_clock) == 0 &&
	      clock_ns(process_clock) >= 160 * ms);
	printf("clock_getcpuclockid of no process: %s\n",
	       strerror(clock_getcpuclockid(4999999, &process_clock)));
	printf("sleeping on the thread's CPU clock: %s\n",
	       strerror(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &tiny, NULL)));
	printf("sleeping on its own pthread clock: %s\n",
	       strerror(clock_nanosleep(own_clock, 0, &tiny, NULL)));

	struct rusage usage, mine;
	struct tms times_now;

	getrusage(RUSAGE_SELF, &usage);
	getrusage(RUSAGE_THREAD, &mine);
	/* Their microseconds and hundredths round down. */
	yesno("getrusage(RUSAGE_SELF) counts the 160 ms run",
	      timeval_ns(&usage.ru_utime) + timeval_ns(&usage.ru_stime) >=
		      158 * ms);
	yesno("and not the 200 ms sleep",
	      timeval_ns(&usage.ru_utime) + timeval_ns(&usage.ru_stime) <
		      clock_ns(CLOCK_MONOTONIC) - started - 150 * ms);
	yesno("getrusage(RUSAGE_THREAD) counts this thread's 100 ms",
	      timeval_ns(&mine.ru_utime) + timeval_ns(&mine.ru_stime) >=
		      98 * ms);
	times(&times_now);
	yesno("times() counts at least 14 ticks",
	      times_now.tms_utime + times_now.tms_stime >= 14);
	yesno("clock() counts at least 158 ms",
	      clock() >= CLOCKS_PER_SEC / 1000 * 158);
}

/* Setting clocks: the arguments' errors, and what may not be set. (Run
 * as root on the host, the real-time clock could be set: the test sets
 * it only with an invalid time.) */
static void setting(void)
{
	struct timespec now, bad = { 0, 1000000000 };
	struct timeval bad_tv = { 0, 1000000 };
	clockid_t other;

	printf("setting clocks\n");
	clock_gettime(CLOCK_REALTIME, &now);
	printf("realtime, bad time: %s\n",
	       clock_settime(CLOCK_REALTIME, &bad) ? strerror(errno) : "set");
	printf("realtime, bad pointer: %s\n",
	       syscall(SYS_clock_settime, CLOCK_REALTIME, 16) ? strerror(errno) : "set");
	printf("monotonic: %s\n",
	       clock_settime(CLOCK_MONOTONIC, &now) ? strerror(errno) : "set");
	printf("monotonic, bad pointer: %s\n",
	       syscall(SYS_clock_settime, CLOCK_MONOTONIC, 16) ? strerror(errno) : "set");
	printf("unknown clock: %s\n",
	       clock_settime(12345, &now) ? strerror(errno) : "set");
	printf("process CPU time: %s\n",
	       clock_settime(CLOCK_PROCESS_CPUTIME_ID, &now) ? strerror(errno) : "set");
	printf("thread CPU time, bad pointer: %s\n",
	       syscall(SYS_clock_settime, CLOCK_THREAD_CPUTIME_ID, 16) ? strerror(errno) : "set");
	clock_getcpuclockid(0, &other);
	printf("a process CPU clock: %s\n",
	       clock_settime(other, &now) ? strerror(errno) : "set");
	printf("no thread's CPU clock: %s\n",
	       clock_settime(~(4999999 << 3) | 4, &now) ? strerror(errno) : "set");
	printf("settimeofday, bad time: %s\n",
	       settimeofday(&bad_tv, NULL) ? strerror(errno) : "set");
	printf("settimeofday, bad pointer: %s\n",
	       syscall(SYS_settimeofday, 16, NULL) ? strerror(errno) : "set");
}

int main(void)
{
	struct timespec m1, m2, m3, r1, res;
	struct timeval tv;
	int ok1, ok2, ok3;

	started = clock_ns(CLOCK_MONOTONIC);
	ok1 = clock_gettime(CLOCK_MONOTONIC, &m1) == 0;
	for (unsigned long i = 0; i < 2000000; i++)    /* some work */
		sink += i * i;
	ok2 = clock_gettime(CLOCK_MONOTONIC, &m2) == 0;
	yesno("clock_gettime(CLOCK_MONOTONIC) succeeds", ok1 && ok2);
	yesno("the monotonic clock advances across work", ns(&m2) > ns(&m1));
	yesno("tv_nsec is normalised",
	      m1.tv_nsec >= 0 && m1.tv_nsec < 1000000000 &&
	      m2.tv_nsec >= 0 && m2.tv_nsec < 1000000000);
	printf("VARIES work took ns: %lld\n", (long long)(ns(&m2) - ns(&m1)));

	/* Many reads in a row never go backwards. */
	int never_back = 1;
	struct timespec prev = m2, now;
	for (int i = 0; i < 2000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		never_back &= ns(&now) >= ns(&prev);
		prev = now;
	}
	yesno("2000 monotonic reads never go backwards", never_back);

	/* A 20 ms sleep lasts at least 20 ms, and not absurdly long. */
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	ok1 = nanosleep(&nap, NULL) == 0;
	clock_gettime(CLOCK_MONOTONIC, &m3);
	int64_t slept = ns(&m3) - ns(&prev);
	yesno("nanosleep(20 ms) succeeds", ok1);
	yesno("it slept at least 20 ms", slept >= 20 * 1000 * 1000);
	yesno("it slept less than 5 s", slept < 5LL * 1000 * 1000 * 1000);
	printf("VARIES slept ns: %lld\n", (long long)slept);

	ok3 = clock_gettime(CLOCK_REALTIME, &r1) == 0;
	yesno("clock_gettime(CLOCK_REALTIME) succeeds", ok3);
	/* 2024-01-01T00:00:00Z and 2100-01-01T00:00:00Z */
	yesno("the real time is after 2024", r1.tv_sec >= 1704067200);
	yesno("the real time is before 2100", r1.tv_sec < 4102444800);
	printf("VARIES realtime: %lld.%09ld\n", (long long)r1.tv_sec, r1.tv_nsec);
	ok1 = gettimeofday(&tv, NULL) == 0;
	yesno("gettimeofday succeeds", ok1);
	yesno("gettimeofday agrees with CLOCK_REALTIME (within 10 s)",
	      tv.tv_sec >= r1.tv_sec && tv.tv_sec - r1.tv_sec <= 10 &&
	      tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	time_t t = time(NULL);
	yesno("time() agrees with CLOCK_REALTIME (within 10 s)",
	      t >= r1.tv_sec && t - r1.tv_sec <= 10);

	ok1 = clock_getres(CLOCK_MONOTONIC, &res) == 0;
	yesno("clock_getres(CLOCK_MONOTONIC) succeeds", ok1);
	yesno("its resolution is positive and at most 1 ms",
	      ns(&res) > 0 && ns(&res) <= 1000000);
	struct timespec bad;
	yesno("an invalid clock id fails",
	      clock_gettime((clockid_t)12345, &bad) != 0);

	/* app-clock-static-novdso runs without it (startup.c requires it). */
	printf("VARIES the vDSO is there: %s\n",
	       getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
	yesno("libc and the system call agree on every clock id",
	      every_clock_agrees());
	/* Linux refuses, or refills the pages from the vDSO; Wicket refills
	 * them (loader/vdso.c). Either way the clock still reads. */
	uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);
	if (vdso) {
		madvise((void *)vdso, 4096, MADV_DONTNEED);
		madvise((void *)(vdso - 4096), 4096, MADV_DONTNEED);
	}
	yesno("after MADV_DONTNEED on the vDSO they still agree",
	      every_clock_agrees() && clock_gettime(CLOCK_MONOTONIC, &m3) == 0 &&
	      ns(&m3) > ns(&m2));
	cpu_time();
	setting();
	return 0;
}
