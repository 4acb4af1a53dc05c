/*
 * The vDSO: a small shared object the libOS maps into the app
 * (loader/vdso.c) and names in AT_SYSINFO_EHDR, as Linux does. musl finds
 * __vdso_clock_gettime in it (its DT_HASH, dynamic symbols and LINUX_2.6
 * version) and calls it instead of the clock_gettime system call; glibc,
 * static programs too, also __vdso_gettimeofday, __vdso_time,
 * __vdso_clock_getres and __vdso_getcpu. So reading a clock is a TSC read
 * in the app's own code: no trampoline, no libOS entry.
 *
 * It runs as app code, on the app's stack: it reads its data page (a
 * struct clock_source, the page below the image, vdso.ld) and writes only
 * the caller's timespec. A bad pointer faults in the app, as with Linux's
 * vDSO; the system call is still there for -EFAULT. Any other clock (the
 * CPU-time ones, which only the libOS can read, and unknown ones) is the
 * system call's, as in Linux's vDSO: callers take its answer as the
 * call's.
 */
#include "vdso/clock_source.h"

#define SYS_clock_gettime 228
#define SYS_clock_getres  229

struct timespec {
	int64_t seconds, nanoseconds;
};

struct timeval {
	int64_t seconds, microseconds;
};

/* vdso.ld: the page below the image. Not const: the libOS rewrites it
 * when the app sets the clock, so its fields are read again after each
 * load of its generation. */
extern struct clock_source vdso_data __attribute__((visibility("hidden")));

/* The system call, for what the data page cannot answer. */
static long system_call(long number, long first, long second)
{
	long result;

	__asm__ volatile("syscall"
			 : "=a"(result)
			 : "a"(number), "D"(first), "S"(second)
			 : "rcx", "r11", "memory");
	return result;
}

/* `clock` now, in nanoseconds; false for a clock only the libOS knows.
 * A thread preempted here may find the data page changed when it resumes
 * (another thread set the clock): the libOS writes it whole while no app
 * code runs, so a read that saw one generation throughout is whole. */
static inline __attribute__((always_inline)) int read_clock(int clock,
							       uint64_t *ns)
{
	uint32_t low, high, generation;
	int known;

	do {
		generation = __atomic_load_n(&vdso_data.generation,
					     __ATOMIC_ACQUIRE);
		__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
		known = clock_source_read(&vdso_data, clock,
					  (uint64_t)high << 32 | low, ns);
	} while (__builtin_expect(__atomic_load_n(&vdso_data.generation,
						  __ATOMIC_ACQUIRE) !=
					  generation,
				  0));
	return known;
}

int __vdso_clock_gettime(int clock, struct timespec *out)
{
	uint64_t ns;

	if (!read_clock(clock, &ns))
		return (int)system_call(SYS_clock_gettime, clock, (long)out);
	out->seconds = (int64_t)(ns / NS_PER_SECOND);
	out->nanoseconds = (int64_t)(ns % NS_PER_SECOND);
	return 0;
}

/* The time zone is what settimeofday last set (zeros at first), as the
 * system call says. */
int __vdso_gettimeofday(struct timeval *out, int32_t *zone)
{
	uint64_t ns;
	const struct clock_source *source = &vdso_data;

	read_clock(CLOCK_REALTIME, &ns); /* always the data page's */
	if (out) {
		out->seconds = (int64_t)(ns / NS_PER_SECOND);
		out->microseconds = (int64_t)(ns % NS_PER_SECOND / 1000);
	}
	if (zone) {
		zone[0] = source->zone[0];
		zone[1] = source->zone[1];
	}
	return 0;
}

long __vdso_time(long *out)
{
	uint64_t ns;

	read_clock(CLOCK_REALTIME, &ns);
	if (out)
		*out = (long)(ns / NS_PER_SECOND);
	return (long)(ns / NS_PER_SECOND);
}

int __vdso_clock_getres(int clock, struct timespec *out)
{
	uint64_t ns;

	if (!read_clock(clock, &ns))
		return (int)system_call(SYS_clock_getres, clock, (long)out);
	if (out) {
		out->seconds = 0;
		out->nanoseconds = 1;
	}
	return 0;
}

/* One CPU, one node. */
int __vdso_getcpu(uint32_t *cpu, uint32_t *node, void *unused)
{
	(void)unused;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}
