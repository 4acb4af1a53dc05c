/*
 * The process: identity (one process, pid 1, run as root), limits,
 * uname, sysinfo and arch_prctl.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
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

/* Root: uid, euid, gid and egid are 0 (AT_UID and friends agree). */
long sys_getuid(struct wk_regs *regs) { (void)regs; return 0; }
long sys_geteuid(struct wk_regs *regs) { (void)regs; return 0; }
long sys_getgid(struct wk_regs *regs) { (void)regs; return 0; }
long sys_getegid(struct wk_regs *regs) { (void)regs; return 0; }

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

long sys_uname(struct wk_regs *regs)
{
	static const struct utsname name = {
		"Linux", "wicket", "6.1.0-wicket", "#1 Wicket libOS",
		"x86_64", "(none)",
	};

	if (!vm_user_ok(regs->rdi, sizeof(name), PROT_WRITE))
		return -EFAULT;
	memcpy((void *)regs->rdi, &name, sizeof(name));
	return 0;
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
	uint64_t total = libos_info->memory_bytes, used = vm_mapped_bytes();

	if (!vm_user_ok(regs->rdi, sizeof(info), PROT_WRITE))
		return -EFAULT;
	info.uptime = (int64_t)((rdtsc() - libos_info->boot_tsc) /
				libos_info->tsc_frequency_hz);
	info.totalram = total;
	info.freeram = used < total ? total - used : 0;
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
