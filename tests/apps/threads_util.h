/*
 * Helpers shared by the thread tests (tests/apps/threads_*.c) and the
 * signal tests (tests/apps/signals_*.c, which also have signals_util.h):
 * time in nanoseconds, naps, yes/no lines, errno names, thread ids, and a
 * failure exit for calls that must not fail. Every program prints only what is the same on Linux (several CPUs)
 * and on Wicket (one CPU, preemptive scheduler): booleans and counts fixed
 * by the program, never thread interleavings; measured values go on
 * "VARIES " lines (differential.py compares them only up to the ':').
 */
#ifndef WICKET_TESTS_APPS_THREADS_UTIL_H
#define WICKET_TESTS_APPS_THREADS_UTIL_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

/* Start t[i] = fn((void *)i) for i = 0..n-1, stopping on a failure. */
static inline void start_all(pthread_t *t, int n, void *(*fn)(void *))
{
	for (intptr_t i = 0; i < n; i++)
		check0("pthread_create", pthread_create(&t[i], NULL, fn, (void *)i));
}

/* Sleep ms milliseconds in all, resuming after signal handlers (EINTR). */
static inline void nap_ms(int ms)
{
	struct timespec t = ns_ts(ms * MS);
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

/* The calling thread's kernel thread id (gettid). */
static inline pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* An errno value's name ("0" for none; strerror's text for the rest). */
static inline const char *err_name(int e)
{
	switch (e) {
	case 0: return "0";
	case EAGAIN: return "EAGAIN";
	case EBUSY: return "EBUSY";
	case EDEADLK: return "EDEADLK";
	case EFAULT: return "EFAULT";
	case EINTR: return "EINTR";
	case EINVAL: return "EINVAL";
	case ENOSYS: return "ENOSYS";
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case ETIMEDOUT: return "ETIMEDOUT";
	default: return strerror(e);
	}
}

/* A result of a call that sets errno: "0", "5", or "-1 EINVAL". */
static inline const char *res(long r)
{
	static char buf[64];
	if (r >= 0) {
		snprintf(buf, sizeof buf, "%ld", r);
		return buf;
	}
	snprintf(buf, sizeof buf, "-1 %s", err_name(errno));
	return buf;
}

#endif
