/*
 * The vDSO: a small shared object the libOS maps into the app
 * (loader/vdso.c) and names in AT_SYSINFO_EHDR, as Linux does. musl finds
 * __vdso_clock_gettime in it (its DT_HASH, dynamic symbols and LINUX_2.6
 * version) and calls it instead of the clock_gettime system call, so
 * reading a clock is a TSC read in the app's own code: no trampoline, no
 * libOS entry.
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

struct timespec {
	int64_t seconds, nanoseconds;
};

/* vdso.ld: the page below the image. */
extern const struct clock_source vdso_data
	__attribute__((visibility("hidden")));

int __vdso_clock_gettime(int clock, struct timespec *out)
{
	uint32_t low, high;
	uint64_t ns;

	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	if (!clock_source_read(&vdso_data, clock,
			       (uint64_t)high << 32 | low, &ns)) {
		long result;

		__asm__ volatile("syscall"
				 : "=a"(result)
				 : "a"(SYS_clock_gettime), "D"((long)clock),
				   "S"(out)
				 : "rcx", "r11", "memory");
		return (int)result;
	}
	out->seconds = (int64_t)(ns / NS_PER_SECOND);
	out->nanoseconds = (int64_t)(ns % NS_PER_SECOND);
	return 0;
}
