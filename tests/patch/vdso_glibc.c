/*
 * glibc's clock calls through Wicket's vDSO (tests/patch/meson.build runs
 * it under wicket.strace, which would show each call that reached the
 * libOS): time, gettimeofday, clock_gettime, clock_getres and
 * sched_getcpu, 100,000 times each, checked for sense. Built with glibc
 * (gcc -static), which looks the vDSO's functions up at start-up.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

int main(void)
{
	enum { CALLS = 100000 };
	long wrong = 0;
	struct timespec previous = { 0, 0 }, now, resolution;
	struct timeval tv;

	if (getauxval(AT_SYSINFO_EHDR) == 0)
		printf("WRONG: no vDSO\n");
	for (int i = 0; i < CALLS; i++) {
		time_t seconds = time(NULL);

		wrong += gettimeofday(&tv, NULL) != 0 || tv.tv_usec < 0 ||
			 tv.tv_usec >= 1000000 || tv.tv_sec + 1 < seconds ||
			 seconds < 1704067200; /* 2024 */
		wrong += clock_gettime(CLOCK_MONOTONIC, &now) != 0 ||
			 now.tv_sec < previous.tv_sec ||
			 (now.tv_sec == previous.tv_sec &&
			  now.tv_nsec < previous.tv_nsec);
		previous = now;
		wrong += clock_getres(CLOCK_REALTIME, &resolution) != 0 ||
			 resolution.tv_sec != 0 || resolution.tv_nsec <= 0;
		wrong += sched_getcpu() != 0;
	}
	printf("vdso_glibc: %d rounds of time, gettimeofday, clock_gettime, "
	       "clock_getres, sched_getcpu: %ld wrong\n", CALLS, wrong);
	return wrong != 0;
}
