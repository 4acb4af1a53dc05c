/*
 * The process: identity (one process, pid 1, run as root), limits,
 * uname (with sethostname, setdomainname), sysinfo, arch_prctl, its file
 * mode mask, priority and resource use, personality, reboot (the run
 * ends), and the wait calls (it has no children).
 *
 * CPU time is what CLOCK_PROCESS_CPUTIME_ID says (vdso/clock_source.h):
 * with one process on one CPU, all of the time since boot, spent in user
 * mode.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/print.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/capability.h"
#include "linux/clock.h"
#include "linux/io.h"
#include "linux/memory.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "wicket/native.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define USER_ADDRESS_END UINT64_C(0x0000800000000000)

#define RLIMIT_COUNT 16
#define RLIMIT_STACK 3
#define RLIMIT_CORE  4
#define RLIMIT_NOFILE 7
#define RLIM_INFINITY UINT64_MAX

struct rlimit {
	uint64_t current, maximum;
};

/* Linux's defaults for a root process (unlimited where not listed). */
static struct rlimit limits[RLIMIT_COUNT] = {
	[0] = { RLIM_INFINITY, RLIM_INFINITY },     /* RLIMIT_CPU */
	[1] = { RLIM_INFINITY, RLIM_INFINITY },     /* RLIMIT_FSIZE */
	[2] = { RLIM_INFINITY, RLIM_INFINITY },     /* RLIMIT_DATA */
	[5] = { RLIM_INFINITY, RLIM_INFINITY },     /* RLIMIT_RSS */
	[6] = { RLIM_INFINITY, RLIM_INFINITY },     /* RLIMIT_NPROC */
	[9] = { RLIM_INFINITY, RLIM_INFINITY },     /* RLIMIT_AS */
	[10] = { RLIM_INFINITY, RLIM_INFINITY },    /* RLIMIT_LOCKS */
	[15] = { RLIM_INFINITY, RLIM_INFINITY },    /* RLIMIT_RTTIME */
	[RLIMIT_STACK] = { 8 << 20, RLIM_INFINITY },
	[RLIMIT_CORE] = { 0, RLIM_INFINITY },
	[RLIMIT_NOFILE] = { 1024, 4096 },
	[8] = { 8 << 20, 8 << 20 },       /* RLIMIT_MEMLOCK */
	[11] = { 1024, 1024 },            /* RLIMIT_SIGPENDING */
	[12] = { 819200, 819200 },        /* RLIMIT_MSGQUEUE */
	[13] = { 0, 0 },                  /* RLIMIT_NICE */
	[14] = { 0, 0 },                  /* RLIMIT_RTPRIO */
};

static uint64_t robust_list;

uint64_t process_open_files_limit(void)
{
	return limits[RLIMIT_NOFILE].current;
}

uint64_t process_limit(unsigned resource)
{
	return resource < RLIMIT_COUNT ? limits[resource].current
				       : RLIM_INFINITY;
}

long sys_getpid(struct wk_regs *regs)
{
	(void)regs;
	return LINUX_PID;
}

long sys_getppid(struct wk_regs *regs)
{
	(void)regs;
	return LINUX_PPID;
}

/* The process is its own group and session (pid 1 leads both). */
static bool this_process(int64_t pid)
{
	return pid == 0 || pid == LINUX_PID;
}

long sys_getpgrp(struct wk_regs *regs)
{
	(void)regs;
	return LINUX_PID;
}

long sys_getpgid(struct wk_regs *regs)
{
	return this_process((int32_t)regs->rdi) ? LINUX_PID : -ESRCH;
}

long sys_getsid(struct wk_regs *regs)
{
	return this_process((int32_t)regs->rdi) ? LINUX_PID : -ESRCH;
}

/* A group leader cannot start a session: Linux's -EPERM. */
long sys_setsid(struct wk_regs *regs)
{
	(void)regs;
	return -EPERM;
}

/* Only into the group it is in already. */
long sys_setpgid(struct wk_regs *regs)
{
	int64_t pid = (int32_t)regs->rdi, group = (int32_t)regs->rsi;

	if (group < 0)
		return -EINVAL;
	if (!this_process(pid))
		return -ESRCH;
	return this_process(group) ? 0 : -EPERM;
}

/* Nothing is buffered for a storage device. */
long sys_sync(struct wk_regs *regs)
{
	(void)regs;
	return 0;
}

long sys_syncfs(struct wk_regs *regs)
{
	return io_file(regs->rdi) ? 0 : -EBADF;
}

long sys_set_robust_list(struct wk_regs *regs)
{
	if (regs->rsi != 24) /* sizeof(struct robust_list_head) */
		return -EINVAL;
	robust_list = regs->rdi;
	return 0;
}

long sys_rseq(struct wk_regs *regs)
{
	(void)regs;
	return -ENOSYS; /* optional: libcs go on without it */
}

/* Linux's struct utsname: six 65-byte strings. */
struct utsname {
	char sysname[65], nodename[65], release[65], version[65],
		machine[65], domainname[65];
};

/* uname's names; sethostname and setdomainname change the last two. */
static struct utsname names = {
	"Linux", "wicket", LINUX_RELEASE, LINUX_VERSION, "x86_64", "(none)",
};

long sys_uname(struct wk_regs *regs)
{
	if (!vm_user_ok(regs->rdi, sizeof(names), PROT_WRITE))
		return -EFAULT;
	memcpy((void *)regs->rdi, &names, sizeof(names));
	return 0;
}

/* A name of at most 64 bytes (it need not end in a NUL); the length is
 * an int, as Linux's. */
static long set_uts_name(char *name, uint64_t address, uint64_t int_length)
{
	int32_t length = (int32_t)int_length;

	if (length < 0 || length > 64)
		return -EINVAL;
	if (!vm_user_ok(address, (uint64_t)length, PROT_READ))
		return -EFAULT;
	memcpy(name, (const void *)address, (size_t)length);
	memset(name + length, 0, 65 - (size_t)length);
	return 0;
}

const char *process_uts_name(bool domain)
{
	return domain ? names.domainname : names.nodename;
}

long process_uts_write(bool domain, uint64_t buffer, uint64_t length)
{
	char *name = domain ? names.domainname : names.nodename;
	uint64_t kept = length < 64 ? length : 64;

	if (!vm_user_ok(buffer, kept, PROT_READ))
		return -EFAULT;
	const char *bytes = (const char *)buffer;
	uint64_t end = 0;

	while (end < kept && bytes[end] != '\n' && bytes[end] != '\0')
		end++;
	memcpy(name, bytes, end);
	memset(name + end, 0, 65 - end);
	return (long)length;
}

/* /proc/1/limits' rows, in Linux's order of the limits. */
static const struct {
	const char *name, *units;
} limit_rows[RLIMIT_COUNT] = {
	{ "Max cpu time", "seconds" },     { "Max file size", "bytes" },
	{ "Max data size", "bytes" },      { "Max stack size", "bytes" },
	{ "Max core file size", "bytes" }, { "Max resident set", "bytes" },
	{ "Max processes", "processes" },  { "Max open files", "files" },
	{ "Max locked memory", "bytes" },  { "Max address space", "bytes" },
	{ "Max file locks", "locks" },     { "Max pending signals", "signals" },
	{ "Max msgqueue size", "bytes" },  { "Max nice priority", "" },
	{ "Max realtime priority", "" },   { "Max realtime timeout", "us" },
};

/* A limit's value in a column of /proc/1/limits. */
static size_t limit_column(char *out, size_t size, uint64_t value)
{
	return value == RLIM_INFINITY
		       ? print_format_to(out, size, "%-20s ", "unlimited")
		       : print_format_to(out, size, "%-20lu ",
					 (unsigned long)value);
}

size_t process_limits_text(char *out, size_t size)
{
	size_t length = print_format_to(out, size, "%-25s %-20s %-20s %-10s\n",
					"Limit", "Soft Limit", "Hard Limit",
					"Units");

	for (unsigned i = 0; i < RLIMIT_COUNT; i++) {
		length += print_format_to(out + length, size - length, "%-25s ",
					  limit_rows[i].name);
		length += limit_column(out + length, size - length,
				       limits[i].current);
		length += limit_column(out + length, size - length,
				       limits[i].maximum);
		length += print_format_to(out + length, size - length,
					  *limit_rows[i].units ? "%-10s\n"
							       : "%s\n",
					  limit_rows[i].units);
	}
	return length;
}

long sys_sethostname(struct wk_regs *regs)
{
	return set_uts_name(names.nodename, regs->rdi, regs->rsi);
}

long sys_setdomainname(struct wk_regs *regs)
{
	return set_uts_name(names.domainname, regs->rdi, regs->rsi);
}

/* Linux's struct sysinfo on x86-64 (112 bytes). */
struct sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char reserved[4];
};
_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo");

long sys_sysinfo(struct wk_regs *regs)
{
	struct sysinfo info = { 0 };
	uint64_t total = libos_info->memory_bytes;

	if (!vm_user_ok(regs->rdi, sizeof(info), PROT_WRITE))
		return -EFAULT;
	info.uptime = (int64_t)((rdtsc() - libos_info->boot_tsc) /
				libos_info->tsc_frequency_hz);
	info.totalram = total;
	info.freeram = memory_free_bytes();
	info.procs = 1;
	info.mem_unit = 1;
	memcpy((void *)regs->rdi, &info, sizeof(info));
	return 0;
}

static long limits_of(int64_t pid, uint64_t resource, uint64_t new_limit,
		      uint64_t old_limit)
{
	struct rlimit wanted;

	if (pid != 0 && pid != LINUX_PID)
		return -ESRCH;
	if (resource >= RLIMIT_COUNT)
		return -EINVAL;
	if (new_limit) {
		if (!vm_user_ok(new_limit, sizeof(wanted), PROT_READ))
			return -EFAULT;
		memcpy(&wanted, (const void *)new_limit, sizeof(wanted));
		if (wanted.current > wanted.maximum)
			return -EINVAL;
	}
	if (old_limit) {
		if (!vm_user_ok(old_limit, sizeof(wanted), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)old_limit, &limits[resource], sizeof(wanted));
	}
	if (new_limit)
		limits[resource] = wanted; /* root may raise the maximum */
	return 0;
}

long sys_getrlimit(struct wk_regs *regs)
{
	return limits_of(0, regs->rdi, 0, regs->rsi);
}

long sys_setrlimit(struct wk_regs *regs)
{
	return limits_of(0, regs->rdi, regs->rsi, 0);
}

long sys_prlimit64(struct wk_regs *regs)
{
	return limits_of((int32_t)regs->rdi, regs->rsi, regs->rdx, regs->r10);
}

long sys_arch_prctl(struct wk_regs *regs)
{
	uint64_t code = regs->rdi, address = regs->rsi;

	switch (code) {
	case ARCH_SET_FS:
		if (address >= USER_ADDRESS_END)
			return -EPERM;
		/* set_self_state loads it on the way back; with FSGSBASE the
		 * register is also right at once, for callers that return
		 * without the kernel (call-site rewriting, #8). */
		regs->fs_base = address;
		if (libos_has(WK_CPU_FSGSBASE))
			__asm__ volatile("wrfsbase %0" : : "r"(address));
		return 0;
	case ARCH_GET_FS:
		if (!vm_user_ok(address, 8, PROT_WRITE))
			return -EFAULT;
		*(uint64_t *)address = regs->fs_base;
		return 0;
	case ARCH_SET_GS:
	case ARCH_GET_GS:
		return -EINVAL; /* the GS base is the kernel's (SWAPGS) */
	default:
		return -EINVAL;
	}
}

static uint32_t file_mode_mask = 022;

uint32_t process_umask(void)
{
	return file_mode_mask;
}

long sys_umask(struct wk_regs *regs)
{
	uint32_t old = file_mode_mask;

	file_mode_mask = (uint32_t)regs->rdi & 0777;
	return old;
}

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2

static int nice_value;

/* Whether (which, who) names this process: itself (pid 1), its group (1)
 * or its user (root). */
static long priority_target(uint64_t which, int64_t who)
{
	if (which > PRIO_USER)
		return -EINVAL;
	if (who == 0 || (which == PRIO_USER ? who == 0 : who == LINUX_PID))
		return 0;
	return -ESRCH;
}

long sys_getpriority(struct wk_regs *regs)
{
	long error = priority_target(regs->rdi, (int32_t)regs->rsi);

	return error ? error : 20 - nice_value; /* the ABI's 1..40 */
}

/* Root may raise and lower it; only the scheduler's order could use it,
 * and with one process there is nothing to order. */
long sys_setpriority(struct wk_regs *regs)
{
	long error = priority_target(regs->rdi, (int32_t)regs->rsi);
	int64_t nice = (int32_t)regs->rdx;

	if (error)
		return error;
	nice_value = nice < -20 ? -20 : nice > 19 ? 19 : (int)nice;
	return 0;
}

#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN -1
#define RUSAGE_THREAD   1

/* Linux's struct rusage on x86-64 (144 bytes): two timevals, then
 * fourteen counters, maxrss (KiB) first. */
struct rusage {
	int64_t user_seconds, user_microseconds;
	int64_t system_seconds, system_microseconds;
	int64_t max_rss_kib;
	int64_t other[13];
};
_Static_assert(sizeof(struct rusage) == 144, "struct rusage");


long sys_getrusage(struct wk_regs *regs)
{
	int64_t who = (int32_t)regs->rdi;
	struct rusage usage = { 0 };

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN &&
	    who != RUSAGE_THREAD)
		return -EINVAL;
	if (!vm_user_ok(regs->rsi, sizeof(usage), PROT_WRITE))
		return -EFAULT;
	if (who != RUSAGE_CHILDREN) {
		uint64_t ns = clock_ticks_to_ns(
			who == RUSAGE_THREAD
				? sched_thread_cpu_ticks(sched_current())
				: sched_process_cpu_ticks());

		usage.user_seconds = (int64_t)(ns / 1000000000);
		usage.user_microseconds = (int64_t)(ns % 1000000000 / 1000);
		usage.max_rss_kib = (int64_t)(vm_mapped_bytes() >> 10);
	}
	memcpy((void *)regs->rsi, &usage, sizeof(usage));
	return 0;
}

/* times: clock ticks of USER_HZ (100 a second), the process's CPU time
 * as user time; the result counts from boot. */
long sys_times(struct wk_regs *regs)
{
	uint64_t ticks = clock_ticks_to_ns(rdtsc() - libos_info->boot_tsc) /
			 10000000;

	if (regs->rdi) {
		uint64_t times[4] = { /* struct tms */
			clock_ticks_to_ns(sched_process_cpu_ticks()) / 10000000,
			0, 0, 0 };

		if (!vm_user_ok(regs->rdi, sizeof(times), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)regs->rdi, times, sizeof(times));
	}
	return (long)ticks;
}

#define WNOHANG    0x1
#define WUNTRACED  0x2
#define WSTOPPED   0x2
#define WEXITED    0x4
#define WCONTINUED 0x8
#define WNOWAIT    0x1000000
#define WAIT_THREAD_FLAGS 0xe0000000 /* __WNOTHREAD, __WALL, __WCLONE */
#define P_PIDFD    3

/* There are no children to wait for. */
long sys_wait4(struct wk_regs *regs)
{
	if (regs->rdx & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED |
				    WAIT_THREAD_FLAGS))
		return -EINVAL;
	return -ECHILD;
}

long sys_waitid(struct wk_regs *regs)
{
	uint64_t options = regs->r10;

	if (regs->rdi > P_PIDFD ||
	    options & ~(uint64_t)(WNOHANG | WSTOPPED | WEXITED | WCONTINUED |
				  WNOWAIT | WAIT_THREAD_FLAGS) ||
	    !(options & (WSTOPPED | WEXITED | WCONTINUED)))
		return -EINVAL;
	return -ECHILD;
}

#define PR_SET_PDEATHSIG        1
#define PR_GET_PDEATHSIG        2
#define PR_GET_DUMPABLE         3
#define PR_SET_DUMPABLE         4
#define PR_SET_NAME             15
#define PR_GET_NAME             16
#define PR_GET_SECCOMP          21
#define PR_SET_TIMERSLACK       29
#define PR_GET_TIMERSLACK       30
#define PR_SET_CHILD_SUBREAPER  36
#define PR_GET_CHILD_SUBREAPER  37
#define PR_SET_NO_NEW_PRIVS     38
#define PR_GET_NO_NEW_PRIVS     39
#define SIGNAL_LAST             64
#define TIMER_SLACK_NS          50000 /* Linux's default */

void process_name_first_thread(const char *path)
{
	const char *name = path;
	struct thread *self = sched_current();
	size_t length;

	for (const char *at = path; *at; at++)
		if (*at == '/')
			name = at + 1;
	length = strlen(name);
	if (length >= sizeof(self->name))
		length = sizeof(self->name) - 1;
	memset(self->name, 0, sizeof(self->name));
	memcpy(self->name, name, length);
}

void process_exec(const char *path)
{
	process_name_first_thread(path);
	sched_current()->clear_child_tid = 0;
	robust_list = 0;
}

/* An int the app asked for, into its memory. */
static long put_int(uint64_t address, int32_t value)
{
	if (!vm_user_ok(address, sizeof(value), PROT_WRITE))
		return -EFAULT;
	memcpy((void *)address, &value, sizeof(value));
	return 0;
}

/* What prctl keeps: nothing here acts on it (there is no parent to die,
 * no core dump, no exec, no child to reap). */
static struct {
	int32_t parent_death_signal, dumpable, no_new_privileges, subreaper;
	uint64_t timer_slack_ns;
} control = { 0, 1, 0, 0, TIMER_SLACK_NS };

/* PR_SET_NAME: up to 15 bytes of the app's string, each byte checked. */
static long set_name(struct thread *self, uint64_t address)
{
	char name[sizeof(self->name)] = { 0 };

	for (size_t i = 0; i + 1 < sizeof(name); i++) {
		if (!vm_user_ok(address + i, 1, PROT_READ))
			return -EFAULT;
		name[i] = *(const char *)(address + i);
		if (name[i] == '\0')
			break;
	}
	memcpy(self->name, name, sizeof(name));
	return 0;
}

long sys_prctl(struct wk_regs *regs)
{
	struct thread *self = sched_current();
	uint64_t argument = regs->rsi;

	switch (regs->rdi) {
	case PR_SET_NAME:
		return set_name(self, argument);
	case PR_GET_NAME:
		if (!vm_user_ok(argument, sizeof(self->name), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)argument, self->name, sizeof(self->name));
		return 0;
	case PR_SET_PDEATHSIG:
		if (argument > SIGNAL_LAST)
			return -EINVAL;
		control.parent_death_signal = (int32_t)argument;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_int(argument, control.parent_death_signal);
	case PR_GET_DUMPABLE:
		return control.dumpable;
	case PR_SET_DUMPABLE:
		if (argument > 1)
			return -EINVAL;
		control.dumpable = (int32_t)argument;
		return 0;
	case PR_GET_SECCOMP:
		return 0;
	case PR_SET_TIMERSLACK:
		control.timer_slack_ns = argument ? argument : TIMER_SLACK_NS;
		return 0;
	case PR_GET_TIMERSLACK:
		return (long)control.timer_slack_ns;
	case PR_SET_CHILD_SUBREAPER:
		control.subreaper = argument != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_int(argument, control.subreaper);
	case PR_SET_NO_NEW_PRIVS:
		if (argument != 1 || regs->rdx || regs->r10 || regs->r8)
			return -EINVAL;
		control.no_new_privileges = 1;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (regs->rsi || regs->rdx || regs->r10 || regs->r8)
			return -EINVAL;
		return control.no_new_privileges;
	default:
		return capability_prctl(regs->rdi, argument, regs->rdx,
					regs->r10, regs->r8);
	}
}

/* personality: kept and given back; it changes nothing here (there is no
 * exec for it to act on). 0xffffffff only asks. */
long sys_personality(struct wk_regs *regs)
{
	static uint32_t persona; /* PER_LINUX */
	uint32_t old = persona;

	if ((uint32_t)regs->rdi != 0xffffffffu)
		persona = (uint32_t)regs->rdi;
	return (int32_t)old;
}

/*
 * reboot: powering off, halting and restarting end the run (the
 * appliance stops; Wicket has no reboot, so a restart stops too), with
 * the reason on the console and exit status 0. The Ctrl-Alt-Del switches
 * are accepted and change nothing (there is no such key here); the rest
 * (kexec, suspend) are -EINVAL, as Linux answers without a loaded image.
 */
#define REBOOT_MAGIC1         0xfee1deadu
#define REBOOT_CMD_RESTART    0x01234567u
#define REBOOT_CMD_HALT       0xcdef0123u
#define REBOOT_CMD_CAD_ON     0x89abcdefu
#define REBOOT_CMD_CAD_OFF    0x00000000u
#define REBOOT_CMD_POWER_OFF  0x4321fedcu
#define REBOOT_CMD_RESTART2   0xa1b2c3d4u

long sys_reboot(struct wk_regs *regs)
{
	uint32_t magic2 = (uint32_t)regs->rsi, command = (uint32_t)regs->rdx;

	if ((uint32_t)regs->rdi != REBOOT_MAGIC1 ||
	    (magic2 != 672274793u && magic2 != 85072278u &&
	     magic2 != 369367448u && magic2 != 537993216u))
		return -EINVAL;
	switch (command) {
	case REBOOT_CMD_CAD_ON:
	case REBOOT_CMD_CAD_OFF:
		return 0;
	case REBOOT_CMD_POWER_OFF:
		libos_report("the app powered the machine off");
		libos_exit(0);
	case REBOOT_CMD_HALT:
		libos_report("the app halted the machine");
		libos_exit(0);
	case REBOOT_CMD_RESTART:
	case REBOOT_CMD_RESTART2:
		libos_report("the app asked for a restart: Wicket stops the "
			     "machine instead");
		libos_exit(0);
	default:
		return -EINVAL;
	}
}
