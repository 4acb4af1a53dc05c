/*
 * alarm, setitimer/getitimer, timer_create,
 * timer_settime, timer_gettime, timer_getoverrun and timer_delete on
 * CLOCK_REALTIME, CLOCK_MONOTONIC and CLOCK_BOOTTIME, notifying by
 * SIGEV_SIGNAL, SIGEV_THREAD_ID or SIGEV_NONE. (musl builds SIGEV_THREAD
 * on SIGEV_THREAD_ID.) Times are kept as TSC deadlines and periods.
 * Slot 0 is the process's ITIMER_REAL; POSIX timer ids are 1.. in the
 * others, which timerfds share: a timerfd's timer counts its expirations
 * for read() instead of raising a signal, and wakes the threads waiting
 * for a descriptor (sched_wake_input_waiters).
 *
 * ITIMER_VIRTUAL and ITIMER_PROF count the process's CPU time
 * (sched_process_cpu_ticks), which is all user time here, so the two
 * count alike. Their deadlines are CPU ticks; the scheduler's TSC
 * deadline for one is when it would expire if every tick from now were
 * CPU time (at least a millisecond on), and at that moment it expires,
 * or its estimate is made again from what is left.
 */
#include "linux/timers.h"

#include <stdbool.h>

#include "errno.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define TIMERS_MAX 64
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGEV_SIGNAL    0
#define SIGEV_NONE      1
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME 1
#define SIGALRM 14
#define SI_KERNEL 0x80
#define SI_TIMER  (-2)

struct timer {
	bool used;
	int32_t signal, notify, tid; /* SIGEV_*; the thread for THREAD_ID */
	uint64_t value;              /* sigev_value */
	uint64_t deadline, period;   /* TSC; 0: disarmed, one-shot */
	uint64_t period_ns;          /* the period as it was set */
	bool queued;                 /* its signal is pending, not taken */
	int32_t overrun;             /* expirations while queued */
	int32_t last_overrun;        /* of the last signal taken */
	int64_t clock;
	bool descriptor;             /* a timerfd's: no signal, a count */
	uint64_t expirations;        /* a timerfd's, not yet read */
	uint64_t realtime_at;        /* an absolute real-time timer's next
					expiry (ns since 1970; 0: none) */
	bool cancel_on_set;          /* a timerfd's TFD_TIMER_CANCEL_ON_SET */
	bool canceled;               /* ...and the clock was set since */
};

static struct timer timers[TIMERS_MAX];

/* ITIMER_VIRTUAL's and ITIMER_PROF's (at index - 1): a deadline and a
 * period in CPU ticks (0: disarmed, one-shot), the period as set. */
static struct cpu_timer {
	uint64_t deadline, period, period_ns;
} cpu_timers[2];

/* The earliest deadline, recomputed only after a timer changed: the
 * scheduler asks on every resume. */
static uint64_t earliest;
static bool earliest_stale;

struct linux_itimerval {
	struct linux_timeval { int64_t seconds, microseconds; } interval, value;
};

struct linux_itimerspec {
	struct linux_timespec interval, value;
};

/* Linux's struct sigevent (64 bytes): the fields read here. */
struct linux_sigevent {
	uint64_t value;
	int32_t signal, notify;
	int32_t tid;
};

/* A timer's deadline changed: the earliest is found again when asked,
 * and the scheduler asks at its next resume. */
static void deadline_changed(void)
{
	earliest_stale = true;
	sched_deadlines_changed();
}

/* The least wait for a CPU-time timer's next look: while nothing runs,
 * CPU time stands still, and its deadline must not wake an idle CPU at
 * once and again. */
static uint64_t cpu_timer_slack(void)
{
	return clock_ns_to_ticks(1000000);
}

uint64_t timers_deadline(void)
{
	if (!earliest_stale)
		return earliest;
	earliest = 0;
	for (unsigned i = 0; i < TIMERS_MAX; i++)
		if (timers[i].used && timers[i].deadline &&
		    (earliest == 0 || timers[i].deadline < earliest))
			earliest = timers[i].deadline;
	for (unsigned i = 0; i < 2; i++) {
		if (!cpu_timers[i].deadline)
			continue;
		uint64_t cpu = sched_process_cpu_ticks(), now = rdtsc();
		uint64_t left = cpu_timers[i].deadline - cpu;
		uint64_t at = cpu_timers[i].deadline <= cpu
				      ? now
				      : now + (left > cpu_timer_slack()
						       ? left
						       : cpu_timer_slack());

		if (earliest == 0 || at < earliest)
			earliest = at;
	}
	earliest_stale = false;
	return earliest;
}

/* The CPU-time timers that are due: their signal to the process. */
static void fire_cpu_timers(void)
{
	uint64_t cpu = sched_process_cpu_ticks();

	for (unsigned i = 0; i < 2; i++) {
		struct cpu_timer *timer = &cpu_timers[i];
		struct signal_info info = { .code = SI_KERNEL };

		if (!timer->deadline || timer->deadline > cpu)
			continue;
		timer->deadline =
			timer->period
				? timer->deadline +
					  ((cpu - timer->deadline) /
						   timer->period +
					   1) * timer->period
				: 0;
		signal_send_process(i == ITIMER_VIRTUAL - 1 ? SIGVTALRM
							    : SIGPROF,
				    &info);
	}
}

static void expire(struct timer *timer, unsigned id)
{
	struct signal_info info = { 0 };

	if (timer->descriptor) {
		timer->expirations++;
		sched_wake_input_waiters();
		return;
	}
	if (timer->notify == SIGEV_NONE)
		return;
	if (id == 0) {
		info.code = SI_KERNEL; /* Linux's it_real_fn: kill_pid_info */
		signal_send_process(SIGALRM, &info);
		return;
	}
	/* While its last signal waits to be taken, an expiry only counts
	 * as an overrun (Linux's posix timers). */
	if (timer->queued) {
		timer->overrun++;
		return;
	}
	timer->queued = true;
	info.code = SI_TIMER;
	info.sender = (int32_t)id - 1; /* si_timerid */
	info.value = timer->value;
	if (timer->notify == SIGEV_THREAD_ID) {
		struct thread *thread = thread_find(timer->tid);

		if (thread) {
			signal_send_thread(thread, timer->signal, &info);
			return;
		}
	}
	signal_send_process(timer->signal, &info);
}

/* A periodic timer missed `missed` periods (beside the one it expires
 * for): a timerfd counts them, a queued signal's overrun too. */
static void count_missed(struct timer *timer, unsigned id, uint64_t missed)
{
	if (timer->queued || id == 0)
		timer->overrun += (int32_t)missed;
	timer->expirations += missed;
}

void timers_fire(uint64_t now)
{
	uint64_t due = timers_deadline();

	if (due == 0 || due > now)
		return; /* nothing due */
	deadline_changed();
	fire_cpu_timers();
	for (unsigned i = 0; i < TIMERS_MAX; i++) {
		struct timer *timer = &timers[i];

		if (!timer->used || !timer->deadline || timer->deadline > now)
			continue;
		if (timer->period) {
			uint64_t missed = (now - timer->deadline) / timer->period;

			count_missed(timer, i, missed);
			timer->deadline += (missed + 1) * timer->period;
			if (timer->realtime_at)
				timer->realtime_at +=
					(missed + 1) * timer->period_ns;
		} else {
			timer->deadline = 0;
			timer->realtime_at = 0;
		}
		expire(timer, i);
	}
}

/* The time left until deadline, as nanoseconds. */
static uint64_t left_ns(uint64_t deadline)
{
	uint64_t now = rdtsc();

	return deadline > now ? clock_ticks_to_ns(deadline - now) : 0;
}

/* Far enough never to come (centuries), and safe to add to the TSC. */
#define NEVER_NS (UINT64_MAX / 8)

static uint64_t saturated_ticks(uint64_t ns)
{
	return clock_ns_to_ticks(ns < NEVER_NS ? ns : NEVER_NS);
}

static void arm(struct timer *timer, uint64_t value_ns, uint64_t period_ns)
{
	deadline_changed();
	timer->deadline = value_ns ? rdtsc() + saturated_ticks(value_ns) : 0;
	timer->period = value_ns ? saturated_ticks(period_ns) : 0;
	timer->period_ns = value_ns ? period_ns : 0;
	timer->overrun = 0;
	timer->realtime_at = 0;
}

/* An absolute real-time timer, after the clock was set: the periods the
 * clock skipped are counted here, and its deadline is the TSC value when
 * the clock reads its next expiry (in the past by less than a period, or
 * now, for one already gone). */
static void follow_clock(struct timer *timer, unsigned id)
{
	uint64_t now = rdtsc(), now_ns = clock_realtime_ns();

	if (timer->period_ns && timer->realtime_at < now_ns) {
		uint64_t missed =
			(now_ns - timer->realtime_at) / timer->period_ns;

		count_missed(timer, id, missed);
		timer->realtime_at += missed * timer->period_ns;
	}
	if (timer->realtime_at >= now_ns) {
		timer->deadline =
			now + saturated_ticks(timer->realtime_at - now_ns);
		return;
	}
	uint64_t late = clock_ns_to_ticks(now_ns - timer->realtime_at);

	timer->deadline = late < now ? now - late : 1;
}

void timers_clock_was_set(void)
{
	for (unsigned i = 0; i < TIMERS_MAX; i++) {
		struct timer *timer = &timers[i];

		if (timer->used && timer->deadline && timer->realtime_at)
			follow_clock(timer, i);
		if (timer->used && timer->cancel_on_set) {
			timer->canceled = true;
			timer->expirations++; /* readable, to say so */
		}
	}
	deadline_changed();
	sched_wake_input_waiters();
}

int32_t timers_take_overrun(int32_t timer_id)
{
	struct timer *timer;

	if (timer_id < 0 || timer_id >= TIMERS_MAX - 1)
		return 0;
	timer = &timers[timer_id + 1];
	timer->last_overrun = timer->overrun;
	timer->overrun = 0;
	timer->queued = false;
	return timer->last_overrun;
}

static int64_t timeval_ns(const struct linux_timeval *t)
{
	if (t->seconds < 0 || t->microseconds < 0 ||
	    t->microseconds >= 1000000)
		return -1;
	if ((uint64_t)t->seconds >= NEVER_NS / 1000000000)
		return (int64_t)NEVER_NS;
	return t->seconds * 1000000000 + t->microseconds * 1000;
}

static struct linux_timeval to_timeval(uint64_t ns)
{
	/* Round up, as Linux does, so that a set timer never reads 0. */
	uint64_t us = (ns + 999) / 1000;

	return (struct linux_timeval){ (int64_t)(us / 1000000),
				       (int64_t)(us % 1000000) };
}

/* Timer `which` (ITIMER_*) as getitimer gives it. */
static void read_itimer(uint64_t which, struct linux_itimerval *out)
{
	struct timer *timer = &timers[ITIMER_REAL];
	bool armed = timer->used && timer->deadline;

	if (which != ITIMER_REAL) {
		const struct cpu_timer *cpu = &cpu_timers[which - 1];
		uint64_t now = sched_process_cpu_ticks();

		out->value = to_timeval(
			cpu->deadline > now
				? clock_ticks_to_ns(cpu->deadline - now)
				: cpu->deadline ? 1 : 0);
		out->interval = to_timeval(cpu->deadline ? cpu->period_ns : 0);
		return;
	}
	out->value = to_timeval(armed ? left_ns(timer->deadline) : 0);
	out->interval = to_timeval(armed ? timer->period_ns : 0);
}

static void arm_itimer(uint64_t which, uint64_t value_ns, uint64_t period_ns)
{
	if (which == ITIMER_REAL) {
		timers[ITIMER_REAL].used = true;
		arm(&timers[ITIMER_REAL], value_ns, period_ns);
		return;
	}
	struct cpu_timer *timer = &cpu_timers[which - 1];

	deadline_changed();
	timer->deadline = value_ns ? sched_process_cpu_ticks() +
					     saturated_ticks(value_ns)
				   : 0;
	timer->period = value_ns ? saturated_ticks(period_ns) : 0;
	timer->period_ns = value_ns ? period_ns : 0;
}

long sys_getitimer(struct wk_regs *regs)
{
	struct linux_itimerval value;
	uint32_t which = (uint32_t)regs->rdi;

	if (which > ITIMER_PROF)
		return -EINVAL;
	if (!vm_user_ok(regs->rsi, sizeof(value), PROT_WRITE))
		return -EFAULT;
	read_itimer(which, &value);
	*(struct linux_itimerval *)regs->rsi = value;
	return 0;
}

long sys_setitimer(struct wk_regs *regs)
{
	struct linux_itimerval wanted, old;
	uint32_t which = (uint32_t)regs->rdi;

	if (which > ITIMER_PROF)
		return -EINVAL;
	if (regs->rsi && !vm_user_ok(regs->rsi, sizeof(wanted), PROT_READ))
		return -EFAULT;
	if (regs->rdx && !vm_user_ok(regs->rdx, sizeof(old), PROT_WRITE))
		return -EFAULT;
	struct linux_itimerval zero = { { 0, 0 }, { 0, 0 } };

	wanted = regs->rsi ? *(const struct linux_itimerval *)regs->rsi : zero;
	int64_t value = timeval_ns(&wanted.value);
	int64_t period = timeval_ns(&wanted.interval);

	if (value < 0 || period < 0)
		return -EINVAL;
	read_itimer(which, &old);
	arm_itimer(which, (uint64_t)value, (uint64_t)period);
	if (regs->rdx)
		*(struct linux_itimerval *)regs->rdx = old;
	return 0;
}

long sys_alarm(struct wk_regs *regs)
{
	struct linux_itimerval old;
	uint64_t seconds = (uint32_t)regs->rdi;

	read_itimer(ITIMER_REAL, &old);
	arm_itimer(ITIMER_REAL, seconds * 1000000000, 0);
	/* The seconds that were left, rounded to nearest, at least 1 when
	 * the alarm was set (Linux's alarm_setitimer). */
	uint64_t left = (uint64_t)old.value.seconds +
			(old.value.microseconds >= 500000);

	if (left == 0 && old.value.microseconds)
		left = 1;
	return (long)left;
}

static bool clock_known(int64_t clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC ||
	       clock == CLOCK_BOOTTIME;
}

long sys_timer_create(struct wk_regs *regs)
{
	int64_t clock = (int32_t)regs->rdi;
	struct linux_sigevent event = { 0, SIGALRM, SIGEV_SIGNAL, 0 };
	unsigned id;

	if (!clock_known(clock))
		return -EINVAL;
	if (regs->rsi) {
		if (!vm_user_ok(regs->rsi, sizeof(event), PROT_READ))
			return -EFAULT;
		event = *(const struct linux_sigevent *)regs->rsi;
	}
	if (!vm_user_ok(regs->rdx, 4, PROT_WRITE))
		return -EFAULT;
	if (event.notify != SIGEV_SIGNAL && event.notify != SIGEV_NONE &&
	    event.notify != SIGEV_THREAD_ID)
		return -EINVAL;
	if (event.notify != SIGEV_NONE &&
	    (event.signal < 1 || event.signal > SIGNAL_MAX))
		return -EINVAL;
	if (event.notify == SIGEV_THREAD_ID && !thread_find(event.tid))
		return -EINVAL;
	for (id = 1; id < TIMERS_MAX && timers[id].used; id++)
		;
	if (id == TIMERS_MAX)
		return -EAGAIN;
	timers[id] = (struct timer){
		.used = true, .signal = event.signal, .notify = event.notify,
		.tid = event.tid, .clock = clock,
		.value = regs->rsi ? event.value : id - 1,
	};
	*(int32_t *)regs->rdx = (int32_t)id - 1;
	return 0;
}

static struct timer *posix_timer(uint64_t id)
{
	if ((int64_t)(int32_t)id < 0 || (int32_t)id >= TIMERS_MAX - 1 ||
	    !timers[(int32_t)id + 1].used || timers[(int32_t)id + 1].descriptor)
		return NULL;
	return &timers[(int32_t)id + 1];
}

static void read_timer(const struct timer *timer,
		       struct linux_itimerspec *out)
{
	uint64_t left = timer->deadline ? left_ns(timer->deadline) : 0;
	uint64_t period = timer->deadline ? timer->period_ns : 0;

	if (timer->deadline && left == 0)
		left = 1; /* due but not yet fired: still armed */
	out->value = (struct linux_timespec){ (int64_t)(left / 1000000000),
					      (int64_t)(left % 1000000000) };
	out->interval = (struct linux_timespec){
		(int64_t)(period / 1000000000), (int64_t)(period % 1000000000) };
}

/* A new value for timer_settime or timerfd_settime, from the app: 0,
 * -EFAULT or -EINVAL (Linux checks both before the timer). */
static long read_new_value(uint64_t address, struct linux_itimerspec *out)
{
	if (!vm_user_ok(address, sizeof(*out), PROT_READ))
		return -EFAULT;
	*out = *(const struct linux_itimerspec *)address;
	if (out->value.seconds < 0 || out->value.nanoseconds < 0 ||
	    out->value.nanoseconds >= 1000000000 ||
	    out->interval.seconds < 0 || out->interval.nanoseconds < 0 ||
	    out->interval.nanoseconds >= 1000000000)
		return -EINVAL;
	return 0;
}

/* timer_settime's and timerfd_settime's work: the old value into the
 * app's `old_at` (0: none). */
static long set_timer(struct timer *timer, bool absolute,
		      const struct linux_itimerspec *wanted, uint64_t old_at)
{
	struct linux_itimerspec old;

	if (old_at && !vm_user_ok(old_at, sizeof(old), PROT_WRITE))
		return -EFAULT;
	read_timer(timer, &old);
	uint64_t value = clock_timespec_ns(&wanted->value);
	uint64_t period = clock_timespec_ns(&wanted->interval);

	if (value && absolute) {
		uint64_t deadline = clock_deadline_absolute(timer->clock,
							    &wanted->value);
		timer->deadline = deadline ? deadline : rdtsc();
		deadline_changed();
		timer->period = saturated_ticks(period);
		timer->period_ns = period;
		timer->overrun = 0;
		timer->realtime_at = clock_is_realtime(timer->clock) ? value
								    : 0;
	} else {
		arm(timer, value, period);
	}
	timer->expirations = 0;
	if (old_at)
		*(struct linux_itimerspec *)old_at = old;
	return 0;
}

long sys_timer_settime(struct wk_regs *regs)
{
	struct linux_itimerspec wanted;
	long status = regs->rdx ? read_new_value(regs->rdx, &wanted)
				: -EINVAL; /* Linux's answer for none */
	struct timer *timer = posix_timer(regs->rdi);

	if (status == 0 &&
	    (timer == NULL || (regs->rsi & ~(uint64_t)TIMER_ABSTIME)))
		status = -EINVAL;
	return status ? status : set_timer(timer, regs->rsi & TIMER_ABSTIME,
					   &wanted, regs->r10);
}

long sys_timer_gettime(struct wk_regs *regs)
{
	struct timer *timer = posix_timer(regs->rdi);
	struct linux_itimerspec value;

	if (timer == NULL)
		return -EINVAL;
	if (!vm_user_ok(regs->rsi, sizeof(value), PROT_WRITE))
		return -EFAULT;
	read_timer(timer, &value);
	*(struct linux_itimerspec *)regs->rsi = value;
	return 0;
}

long sys_timer_getoverrun(struct wk_regs *regs)
{
	struct timer *timer = posix_timer(regs->rdi);

	return timer ? timer->last_overrun : -EINVAL;
}

void timers_exec(void)
{
	for (unsigned i = 1; i < TIMERS_MAX; i++)
		if (timers[i].used && !timers[i].descriptor)
			timers[i] = (struct timer){ 0 };
	deadline_changed();
}

long sys_timer_delete(struct wk_regs *regs)
{
	struct timer *timer = posix_timer(regs->rdi);

	if (timer == NULL)
		return -EINVAL;
	timer->used = false;
	timer->deadline = 0;
	deadline_changed();
	return 0;
}

/* ---- timerfd */

#define TFD_TIMER_ABSTIME       1
#define TFD_TIMER_CANCEL_ON_SET 2
#define CLOCK_REALTIME_ALARM    8
#define CLOCK_BOOTTIME_ALARM    9

long sys_timerfd_create(struct wk_regs *regs)
{
	int64_t clock = (int32_t)regs->rdi;
	uint64_t flags = regs->rsi;
	unsigned id;

	/* The alarm clocks only also wake a suspended machine. */
	if (clock == CLOCK_REALTIME_ALARM)
		clock = CLOCK_REALTIME;
	else if (clock == CLOCK_BOOTTIME_ALARM)
		clock = CLOCK_BOOTTIME;
	if (!clock_known(clock) ||
	    (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK)))
		return -EINVAL;
	for (id = 1; id < TIMERS_MAX && timers[id].used; id++)
		;
	if (id == TIMERS_MAX)
		return -EMFILE;
	long fd = io_open(FILE_TIMERFD, NODE_ANONYMOUS, id,
			  O_RDWR | ((uint32_t)flags & O_NONBLOCK),
			  flags & O_CLOEXEC);

	if (fd >= 0)
		timers[id] = (struct timer){ .used = true, .clock = clock,
					     .descriptor = true };
	return fd;
}

/* The timer of a timerfd descriptor, brought up to date; NULL with
 * *error -EBADF (no descriptor) or -EINVAL (another kind). */
static struct timer *timerfd_timer(uint64_t fd, long *error)
{
	const struct file *file = io_file(fd);

	*error = file == NULL ? -EBADF
		 : file->kind != FILE_TIMERFD ? -EINVAL : 0;
	if (*error)
		return NULL;
	timers_fire(rdtsc());
	return &timers[file->position];
}

long sys_timerfd_settime(struct wk_regs *regs)
{
	struct linux_itimerspec wanted;
	long status = read_new_value(regs->rdx, &wanted);

	if (status == 0 && (regs->rsi & ~(uint64_t)(TFD_TIMER_ABSTIME |
						    TFD_TIMER_CANCEL_ON_SET)))
		status = -EINVAL;
	if (status)
		return status;
	struct timer *timer = timerfd_timer(regs->rdi, &status);

	if (timer == NULL)
		return status;
	status = set_timer(timer, regs->rsi & TFD_TIMER_ABSTIME, &wanted,
			   regs->r10);
	if (status == 0) {
		/* Cancelled by a setting of the clock: an absolute timer on
		 * the real-time clock, until it is set again. */
		timer->cancel_on_set =
			(regs->rsi & TFD_TIMER_ABSTIME) &&
			(regs->rsi & TFD_TIMER_CANCEL_ON_SET) &&
			clock_is_realtime(timer->clock);
		timer->canceled = false;
	}
	return status;
}

long sys_timerfd_gettime(struct wk_regs *regs)
{
	long error;
	struct timer *timer = timerfd_timer(regs->rdi, &error);
	struct linux_itimerspec value;

	if (timer == NULL)
		return error;
	if (!vm_user_ok(regs->rsi, sizeof(value), PROT_WRITE))
		return -EFAULT;
	read_timer(timer, &value);
	*(struct linux_itimerspec *)regs->rsi = value;
	return 0;
}

long timerfd_read(const struct file *file, uint64_t buffer, uint64_t length,
		  bool may_wait)
{
	struct timer *timer = &timers[file->position];

	if (length < sizeof(timer->expirations))
		return -EINVAL;
	timers_fire(rdtsc());
	if (timer->expirations == 0) {
		if ((file->flags & O_NONBLOCK) || !may_wait)
			return -EAGAIN;
		sched_wait_for_input(WAIT_POLL, 0);
		return SYSCALL_NO_RESULT;
	}
	if (timer->canceled) { /* the count means nothing now (Linux's) */
		timer->canceled = false;
		timer->expirations = 0;
		return -ECANCELED;
	}
	if (!vm_user_ok(buffer, sizeof(timer->expirations), PROT_WRITE))
		return -EFAULT;
	memcpy((void *)buffer, &timer->expirations, sizeof(timer->expirations));
	timer->expirations = 0;
	return sizeof(timer->expirations);
}

int16_t timerfd_poll(const struct file *file)
{
	timers_fire(rdtsc());
	return timers[file->position].expirations ? POLLIN | POLLRDNORM : 0;
}

void timerfd_release(const struct file *file)
{
	timers[file->position] = (struct timer){ 0 };
	deadline_changed();
}
