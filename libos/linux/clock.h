/*
 * The clocks (linux/time.c) as the other system calls need them: reading
 * a struct timespec argument and turning times into TSC deadlines.
 */
#ifndef LIBOS_LINUX_CLOCK_H
#define LIBOS_LINUX_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "vdso/clock_source.h"

struct linux_timespec {
	int64_t seconds, nanoseconds;
};

/* Reads the clock's parameters off the info page; before any other call
 * here. */
void clock_init(void);

/* Those parameters, for the vDSO's data page (loader/vdso.c). */
const struct clock_source *clock_source(void);

/* Copies in and checks (0 <= nanoseconds < 10^9, seconds >= 0) the
 * timespec at address; 0, -EFAULT or -EINVAL. */
long clock_read_timespec(uint64_t address, struct linux_timespec *out);

/* The nanoseconds in a checked timespec, saturated at centuries (so that
 * adding a TSC reading never wraps). */
uint64_t clock_timespec_ns(const struct linux_timespec *t);

/* The TSC value `t` from now. */
uint64_t clock_deadline_relative(const struct linux_timespec *t);

/* The TSC value when `clock` reads `t` (now if that is past); 0 for a
 * clock Wicket does not have. */
uint64_t clock_deadline_absolute(int64_t clock, const struct linux_timespec *t);

/* The same for `wanted` nanoseconds on `clock`. */
uint64_t clock_deadline_at(int64_t clock, uint64_t wanted);

/* Whether `clock` is the real-time clock, which the app may set (the
 * real-time family: REALTIME, its COARSE and ALARM forms, and TAI). */
bool clock_is_realtime(int64_t clock);

/* CLOCK_REALTIME now, in nanoseconds since 1970. */
uint64_t clock_realtime_ns(void);

/* TSC ticks and nanoseconds, both ways (the info page's frequency). */
uint64_t clock_ticks_to_ns(uint64_t ticks);
uint64_t clock_ns_to_ticks(uint64_t ns);

/* Writes the time left until the TSC deadline as a timespec to address,
 * if the app may still write there. */
void clock_write_remaining(uint64_t address, uint64_t deadline);

#endif /* LIBOS_LINUX_CLOCK_H */
