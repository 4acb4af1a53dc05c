/*
 * Time from the TSC, with no kernel entry: the monotonic clocks count from
 * the kernel's boot TSC (info page), the real-time clock from the CMOS RTC
 * reading the kernel took at boot, the CPU-time clocks the scheduler's
 * count of what each thread ran (sched.h). The TSC frequency comes from the info
 * page; nanoseconds are (ticks * multiplier) >> 32, exact to a few parts
 * in 10^10 (no 128-bit division needed).
 *
 * Sleeping (nanosleep, clock_nanosleep) blocks the thread until a TSC
 * deadline on the scheduler's sleeper list (sched/sched.h).
 *
 * The app (root, so with CAP_SYS_TIME) may set the real-time clock: its
 * base moves, the vDSO's copy with it, and what waits for a real-time
 * moment (an absolute sleep or futex wait, an absolute timer) gets the
 * TSC deadline of that moment on the new clock, as on Linux.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "linux/clock.h"
#include "libos.h"
#include "linux/syscalls.h"
#include "linux/timers.h"
#include "loader/vdso.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define TIMER_ABSTIME 1

struct timeval {
	int64_t seconds, microseconds;
};

/* The info page's clock, and 2^32 * f / 10^9, set by clock_init. */
static struct clock_source source;
static uint64_t ticks_per_ns_32;

void clock_init(void)
{
	uint64_t hz = libos_info->tsc_frequency_hz;

	source.boot_tsc = libos_info->boot_tsc;
	source.rtc_tsc = libos_info->rtc_tsc;
	source.rtc_unix_ns = libos_info->rtc_unix_seconds * NS_PER_SECOND;
	if (hz == 0)
		return;
	source.ns_per_tick_32 = (NS_PER_SECOND << 32) / hz;
	ticks_per_ns_32 = ((hz / NS_PER_SECOND) << 32) +
			  ((hz % NS_PER_SECOND) << 32) / NS_PER_SECOND;
}

const struct clock_source *clock_source(void)
{
	return &source;
}

uint64_t clock_ticks_to_ns(uint64_t ticks)
{
	return clock_source_ns(&source, ticks);
}

uint64_t clock_ns_to_ticks(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * ticks_per_ns_32) >> 32);
}

/* A clock of CPU time: a fixed one, or one clock_getcpuclockid or
 * pthread_getcpuclockid made, ~id << 3 | 4 for a thread's (id 0: the
 * caller) | the kind (0 to 2: Linux's profiling, virtual and scheduler
 * times, all the same time here). The id must be the process's or one of
 * its threads'. Nanoseconds, or false for no such clock. */
static bool cpu_clock_now(int64_t clock, uint64_t *ns)
{
	const struct thread *thread = NULL;

	if (clock == CLOCK_THREAD_CPUTIME_ID) {
		thread = sched_current();
	} else if (clock < 0) {
		int64_t id = ~(clock >> 3);

		if ((clock & 3) == 3)
			return false;
		if (clock & 4) {
			thread = id == 0 ? sched_current()
					 : thread_find((int32_t)id);
			if (thread == NULL)
				return false;
		} else if (id != 0 && id != LINUX_PID) {
			return false;
		}
	} else if (clock != CLOCK_PROCESS_CPUTIME_ID) {
		return false;
	}
	*ns = clock_ticks_to_ns(thread ? sched_thread_cpu_ticks(thread)
				       : sched_process_cpu_ticks());
	return true;
}

/* Nanoseconds on clock, or false for a clock Wicket does not have. */
static bool clock_now(int64_t clock, uint64_t *ns)
{
	return clock_source_read(&source, clock, rdtsc(), ns) ||
	       cpu_clock_now(clock, ns);
}

uint64_t clock_realtime_ns(void)
{
	uint64_t ns = 0;

	clock_now(CLOCK_REALTIME, &ns);
	return ns;
}

static struct linux_timespec to_timespec(uint64_t ns)
{
	return (struct linux_timespec){ (int64_t)(ns / NS_PER_SECOND),
				  (int64_t)(ns % NS_PER_SECOND) };
}

long sys_clock_gettime(struct wk_regs *regs)
{
	uint64_t ns;

	if (!clock_now((int64_t)(int32_t)regs->rdi, &ns))
		return -EINVAL;
	if (!vm_user_ok(regs->rsi, sizeof(struct linux_timespec), PROT_WRITE))
		return -EFAULT;
	*(struct linux_timespec *)regs->rsi = to_timespec(ns);
	return 0;
}

long sys_clock_getres(struct wk_regs *regs)
{
	uint64_t ns;
	int32_t clock = (int32_t)regs->rdi;

	if (!clock_now(clock, &ns))
		return -EINVAL;
	if (regs->rsi == 0)
		return 0;
	if (!vm_user_ok(regs->rsi, sizeof(struct linux_timespec), PROT_WRITE))
		return -EFAULT;
	*(struct linux_timespec *)regs->rsi = to_timespec(1);
	return 0;
}

bool clock_is_realtime(int64_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE ||
	       clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI;
}

/* Linux's latest settable time (KTIME_SEC_MAX less 30 years), seconds. */
#define SETTABLE_SECONDS_MAX INT64_C(8277292036)

/* The real-time clock reads wanted_ns from now: 0, or -EINVAL for a time
 * before boot (Linux's answer where the monotonic clock would be ahead of
 * it) or past SETTABLE_SECONDS_MAX. */
static long set_realtime(const struct linux_timespec *wanted)
{
	uint64_t now = rdtsc();
	uint64_t wanted_ns = clock_timespec_ns(wanted);

	if (wanted->seconds >= SETTABLE_SECONDS_MAX ||
	    wanted_ns < clock_source_ns(&source, now - source.boot_tsc))
		return -EINVAL;
	source.rtc_tsc = now;
	source.rtc_unix_ns = wanted_ns;
	source.generation++;
	vdso_clock_changed();
	sched_clock_was_set();
	timers_clock_was_set();
	return 0;
}

/* Setting a clock: only the real-time clock can be set, after checks in
 * Linux's order; a clock that cannot be set at all is -EINVAL (the
 * CPU-time clocks clock_getcpuclockid makes: -EPERM, as Linux's; its
 * fixed ids for them: -EINVAL). */
long sys_clock_settime(struct wk_regs *regs)
{
	int64_t clock = (int32_t)regs->rdi;
	bool cpu_time = clock < 0 && (clock & 3) != 3; /* made ids only */
	struct linux_timespec wanted;
	uint64_t ns;

	if (clock != CLOCK_REALTIME && !cpu_time)
		return -EINVAL;
	if (!vm_user_ok(regs->rsi, sizeof(wanted), PROT_READ))
		return -EFAULT;
	if (cpu_time)
		return cpu_clock_now(clock, &ns) ? -EPERM : -EINVAL;
	long status = clock_read_timespec(regs->rsi, &wanted);

	return status < 0 ? -EINVAL : set_realtime(&wanted);
}

/* settimeofday: the time (if given) and the time zone (if given, which
 * gettimeofday gives back; Linux's limit of 15 hours each way). */
long sys_settimeofday(struct wk_regs *regs)
{
	struct timeval time = { 0, 0 };
	int32_t zone[2];

	if ((regs->rdi && !vm_user_ok(regs->rdi, sizeof(time), PROT_READ)) ||
	    (regs->rsi && !vm_user_ok(regs->rsi, sizeof(zone), PROT_READ)))
		return -EFAULT;
	if (regs->rdi) {
		time = *(const struct timeval *)regs->rdi;
		if (time.seconds < 0 || time.seconds >= SETTABLE_SECONDS_MAX ||
		    time.microseconds < 0 || time.microseconds >= 1000000)
			return -EINVAL;
	}
	if (regs->rsi) {
		memcpy(zone, (const void *)regs->rsi, sizeof(zone));
		if (zone[0] > 15 * 60 || zone[0] < -15 * 60)
			return -EINVAL;
		memcpy(source.zone, zone, sizeof(zone));
		source.generation++;
		vdso_clock_changed();
	}
	if (regs->rdi) {
		struct linux_timespec wanted = {
			time.seconds, time.microseconds * 1000 };

		return set_realtime(&wanted);
	}
	return 0;
}

long sys_gettimeofday(struct wk_regs *regs)
{
	uint64_t ns;

	clock_now(CLOCK_REALTIME, &ns);
	if (regs->rdi) {
		if (!vm_user_ok(regs->rdi, sizeof(struct timeval), PROT_WRITE))
			return -EFAULT;
		*(struct timeval *)regs->rdi = (struct timeval){
			(int64_t)(ns / NS_PER_SECOND),
			(int64_t)(ns % NS_PER_SECOND / 1000) };
	}
	if (regs->rsi) { /* struct timezone: settimeofday's */
		if (!vm_user_ok(regs->rsi, sizeof(source.zone), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)regs->rsi, source.zone, sizeof(source.zone));
	}
	return 0;
}

long sys_time(struct wk_regs *regs)
{
	uint64_t ns;

	clock_now(CLOCK_REALTIME, &ns);
	if (regs->rdi) {
		if (!vm_user_ok(regs->rdi, 8, PROT_WRITE))
			return -EFAULT;
		*(int64_t *)regs->rdi = (int64_t)(ns / NS_PER_SECOND);
	}
	return (long)(ns / NS_PER_SECOND);
}

long clock_read_timespec(uint64_t address, struct linux_timespec *out)
{
	if (!vm_user_ok(address, sizeof(*out), PROT_READ))
		return -EFAULT;
	*out = *(const struct linux_timespec *)address;
	if (out->seconds < 0 || out->nanoseconds < 0 ||
	    (uint64_t)out->nanoseconds >= NS_PER_SECOND)
		return -EINVAL;
	return 0;
}

uint64_t clock_timespec_ns(const struct linux_timespec *t)
{
	uint64_t limit = UINT64_MAX / 4; /* centuries: never overflows */
	uint64_t seconds = (uint64_t)t->seconds;

	if (seconds > limit / NS_PER_SECOND)
		return limit;
	return seconds * NS_PER_SECOND + (uint64_t)t->nanoseconds;
}

uint64_t clock_deadline_relative(const struct linux_timespec *t)
{
	uint64_t ticks = clock_ns_to_ticks(clock_timespec_ns(t));
	uint64_t now = rdtsc();

	return ticks > UINT64_MAX / 2 - now ? UINT64_MAX / 2 : now + ticks;
}

uint64_t clock_deadline_absolute(int64_t clock, const struct linux_timespec *t)
{
	return clock_deadline_at(clock, clock_timespec_ns(t));
}

uint64_t clock_deadline_at(int64_t clock, uint64_t wanted)
{
	uint64_t now_ns;

	if (!clock_now(clock, &now_ns))
		return 0;
	struct linux_timespec left = { 0, 0 };

	if (wanted > now_ns) {
		left.seconds = (int64_t)((wanted - now_ns) / NS_PER_SECOND);
		left.nanoseconds = (int64_t)((wanted - now_ns) % NS_PER_SECOND);
	}
	return clock_deadline_relative(&left);
}

void clock_write_remaining(uint64_t address, uint64_t deadline)
{
	uint64_t now = rdtsc();
	uint64_t ns = deadline > now ? clock_ticks_to_ns(deadline - now) : 0;

	/* Checked again: another thread may have unmapped it meanwhile (a
	 * lost write, where Linux would return -EFAULT). */
	if (vm_user_ok(address, sizeof(struct linux_timespec), PROT_WRITE))
		*(struct linux_timespec *)address = to_timespec(ns);
}

static long sleep_for(int64_t clock, bool absolute, uint64_t request,
		      uint64_t remaining)
{
	struct linux_timespec wanted;
	uint64_t now;
	long status = clock_read_timespec(request, &wanted);

	if (status < 0)
		return status;
	/* A thread cannot wait for its own CPU time to pass (Linux's
	 * -EINVAL); the others' CPU time is taken to pass as time does. */
	if (!clock_now(clock, &now) || clock == CLOCK_THREAD_CPUTIME_ID ||
	    (clock < 0 && (clock & 4) &&
	     (~(clock >> 3) == 0 || ~(clock >> 3) == sched_current()->tid)))
		return -EINVAL;
	uint64_t deadline = absolute ? clock_deadline_absolute(clock, &wanted)
				     : clock_deadline_relative(&wanted);

	if (deadline <= rdtsc())
		return 0;
	/* A signal handler interrupting a relative sleep gets the time
	 * left written to `remaining` (sched_interrupt). */
	if (remaining && !absolute &&
	    !vm_user_ok(remaining, sizeof(wanted), PROT_WRITE))
		return -EFAULT;
	sched_current()->sleep_remaining = absolute ? 0 : remaining;
	sched_block(WAIT_SLEEP, deadline, 0);
	if (absolute && clock_is_realtime(clock))
		sched_current()->realtime_wake = clock_timespec_ns(&wanted);
	return SYSCALL_NO_RESULT;
}

long sys_nanosleep(struct wk_regs *regs)
{
	return sleep_for(CLOCK_MONOTONIC, false, regs->rdi, regs->rsi);
}

long sys_clock_nanosleep(struct wk_regs *regs)
{
	if (regs->rsi & ~(uint64_t)TIMER_ABSTIME)
		return -EINVAL;
	return sleep_for((int32_t)regs->rdi, regs->rsi & TIMER_ABSTIME,
			 regs->rdx, regs->r10);
}
