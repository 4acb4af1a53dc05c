/*
 * The clocks' one definition, shared by the libOS's system calls
 * (linux/time.c) and the vDSO (vdso.c), which reads a copy of the same
 * struct from its data page: both answer the same time for the same TSC.
 * Freestanding (the vDSO links nothing else).
 */
#ifndef LIBOS_VDSO_CLOCK_SOURCE_H
#define LIBOS_VDSO_CLOCK_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define CLOCK_REALTIME_ALARM     8
#define CLOCK_BOOTTIME_ALARM     9
#define CLOCK_TAI                11

#define NS_PER_SECOND UINT64_C(1000000000)

struct clock_source {
	uint64_t boot_tsc;         /* the monotonic clocks' zero */
	uint64_t rtc_tsc;          /* the TSC when the real-time clock... */
	uint64_t rtc_unix_ns;      /* ...read this (the RTC at boot, or what
				      the app set it to) */
	uint64_t ns_per_tick_32;   /* 2^32 * 10^9 / the TSC's Hz */
	int32_t zone[2];           /* settimeofday's struct timezone */
	uint32_t generation;       /* changes when the rest does */
};

/* Nanoseconds in `ticks` TSC ticks, exact to a few parts in 10^10. */
static inline uint64_t clock_source_ns(const struct clock_source *source,
				       uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks *
			   source->ns_per_tick_32) >> 32);
}

/* What `clock` reads when the TSC reads `tsc`, in nanoseconds; false for
 * any other clock: the CPU-time clocks, which only the libOS can read
 * (linux/time.c), and the ones Wicket does not have. */
static inline bool clock_source_read(const struct clock_source *source,
				     int64_t clock, uint64_t tsc,
				     uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI:
		*ns = source->rtc_unix_ns +
		      clock_source_ns(source, tsc - source->rtc_tsc);
		return true;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		*ns = clock_source_ns(source, tsc - source->boot_tsc);
		return true;
	default:
		return false;
	}
}

#endif /* LIBOS_VDSO_CLOCK_SOURCE_H */
