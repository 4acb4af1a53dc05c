/*
 * Helpers shared by the thread tests (tests/apps/threads_*.c): time in
 * nanoseconds, yes/no lines, and a failure exit for calls that must not
 * fail. Every program prints only what is the same on Linux (several CPUs)
 * and on Wicket (one CPU, preemptive scheduler): booleans and counts fixed
 * by the program, never thread interleavings; measured values go on
 * "VARIES " lines (differential.py compares them only up to the ':').
 */
#ifndef WICKET_TESTS_APPS_THREADS_UTIL_H
#define WICKET_TESTS_APPS_THREADS_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MS 1000000LL            /* nanoseconds */
#define SEC 1000000000LL

static inline int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * SEC + t->tv_nsec;
}

static inline struct timespec ns_ts(int64_t ns)
{
	struct timespec t = { (time_t)(ns / SEC), (long)(ns % SEC) };
	return t;
}

static inline int64_t now_ns(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return ts_ns(&t);
}

static inline int64_t mono_ns(void)
{
	return now_ns(CLOCK_MONOTONIC);
}

static inline void yesno(const char *what, int value)
{
	printf("%s: %s\n", what, value ? "yes" : "no");
}

/* A call that must succeed: on failure print which and stop (status 1). */
static inline void check0(const char *what, int error)
{
	if (error) {
		printf("FAILED: %s: %s\n", what, strerror(error));
		fflush(stdout);
		exit(1);
	}
}

#endif
