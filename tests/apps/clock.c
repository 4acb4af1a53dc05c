/*
 * Differential test: clocks. The values differ from run to run, so the
 * program prints booleans about them (and the raw values on "VARIES "
 * lines, which the harness compares only up to their first ':').
 *
 * musl's clock_gettime calls the vDSO where there is one (Linux's, and
 * Wicket's: libos/vdso/vdso.c) and the system call otherwise; the last
 * part checks that the two agree on every clock id.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
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

int main(void)
{
	struct timespec m1, m2, m3, r1, res;
	struct timeval tv;
	int ok1, ok2, ok3;

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
	return 0;
}
