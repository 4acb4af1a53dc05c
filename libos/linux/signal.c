/*
 * Signals (signal.h) and their system calls. One process, one thread: a
 * signal "for the process" and one "for the thread" are the same thing
 * until #6 brings threads.
 */
#include "linux/signal.h"

#include <stddef.h>

#include "errno.h"
#include "lib/print.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/syscalls.h"
#include "loader/elf.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define SIG_DFL 0
#define SIG_IGN 1

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SIGSET_BYTES 8

/* Linux's struct sigaction as rt_sigaction passes it on x86-64. */
struct kernel_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

static struct kernel_sigaction actions[SIGNAL_MAX + 1];
static uint64_t blocked, pending;

static uint64_t bit(int signal)
{
	return UINT64_C(1) << (signal - 1);
}

/* SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
static const uint64_t unblockable = (UINT64_C(1) << (SIGKILL - 1)) |
				    (UINT64_C(1) << (SIGSTOP - 1));

static const char *const names[32] = {
	[1] = "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

const char *signal_name(int signal, char *scratch, unsigned scratch_size)
{
	if (signal > 0 && signal < 32)
		return names[signal];
	print_format_to(scratch, scratch_size, "signal %d", signal);
	return scratch;
}

/* Linux's default is to ignore these; stopping (SIGSTOP, SIGTSTP,
 * SIGTTIN, SIGTTOU) has no one to continue the app here, so Wicket
 * ignores those too (docs/libos.md). */
static bool ignored_by_default(int signal)
{
	switch (signal) {
	case 17: case 18: case 23: case 28: /* CHLD CONT URG WINCH */
	case 19: case 20: case 21: case 22: /* STOP TSTP TTIN TTOU */
		return true;
	default:
		return false;
	}
}

__attribute__((noreturn)) static void terminate(int signal,
						const struct wk_regs *regs,
						bool has_address,
						uint64_t fault_address,
						const char *why)
{
	char scratch[24], symbol[128], address[48] = "";

	app_symbolise(regs->rip, symbol, sizeof(symbol));
	if (has_address)
		print_format_to(address, sizeof(address),
				", fault address 0x%lx", fault_address);
	libos_report("app killed by %s at 0x%lx%s%s%s",
		     signal_name(signal, scratch, sizeof(scratch)), regs->rip,
		     symbol, address, why);
	libos_exit(128 + signal);
}

/* Runs the action of an unblocked signal. */
static void act(int signal)
{
	uint64_t handler = actions[signal].handler;

	if (handler == SIG_IGN ||
	    (handler == SIG_DFL && ignored_by_default(signal)))
		return;
	terminate(signal, &sched_current()->regs, false, 0,
		  handler == SIG_DFL ? "" :
		  " (its handler was not run: signal handlers arrive with "
		  "issue #7)");
}

static void deliver_unblocked(void)
{
	uint64_t ready = pending & ~blocked;

	for (int signal = 1; ready && signal <= SIGNAL_MAX; signal++) {
		if (!(ready & bit(signal)))
			continue;
		pending &= ~bit(signal);
		ready &= ~bit(signal);
		act(signal);
	}
}

void signal_raise_process(int signal)
{
	pending |= bit(signal);
	deliver_unblocked();
}

void signal_force(int signal, const struct wk_regs *regs, bool has_address,
		  uint64_t fault_address)
{
	terminate(signal, regs, has_address, fault_address,
		  actions[signal].handler > SIG_IGN ?
		  " (its handler was not run: signal handlers arrive with "
		  "issue #7)" : "");
}

long sys_rt_sigaction(struct wk_regs *regs)
{
	int signal = (int)regs->rdi;
	uint64_t new_action = regs->rsi, old_action = regs->rdx;
	struct kernel_sigaction action;

	if (regs->r10 != SIGSET_BYTES || signal < 1 || signal > SIGNAL_MAX)
		return -EINVAL;
	if (new_action && (bit(signal) & unblockable))
		return -EINVAL;
	if (new_action &&
	    !vm_user_ok(new_action, sizeof(action), PROT_READ))
		return -EFAULT;
	if (old_action &&
	    !vm_user_ok(old_action, sizeof(action), PROT_WRITE))
		return -EFAULT;
	if (new_action)
		memcpy(&action, (const void *)new_action, sizeof(action));
	if (old_action)
		memcpy((void *)old_action, &actions[signal], sizeof(action));
	if (new_action) {
		action.mask &= ~unblockable;
		actions[signal] = action;
		if (action.handler == SIG_IGN ||
		    (action.handler == SIG_DFL && ignored_by_default(signal)))
			pending &= ~bit(signal); /* POSIX: discarded */
	}
	return 0;
}

long sys_rt_sigprocmask(struct wk_regs *regs)
{
	int how = (int)regs->rdi;
	uint64_t set_address = regs->rsi, old_address = regs->rdx;
	uint64_t set;

	if (regs->r10 != SIGSET_BYTES)
		return -EINVAL;
	if (set_address && how != SIG_BLOCK && how != SIG_UNBLOCK &&
	    how != SIG_SETMASK)
		return -EINVAL;
	if (set_address && !vm_user_ok(set_address, 8, PROT_READ))
		return -EFAULT;
	if (old_address && !vm_user_ok(old_address, 8, PROT_WRITE))
		return -EFAULT;
	if (old_address)
		memcpy((void *)old_address, &blocked, 8);
	if (set_address) {
		memcpy(&set, (const void *)set_address, 8);
		if (how == SIG_BLOCK)
			blocked |= set;
		else if (how == SIG_UNBLOCK)
			blocked &= ~set;
		else
			blocked = set;
		blocked &= ~unblockable;
		deliver_unblocked();
	}
	return 0;
}

/* The app is process 1 with one thread, 1. */
static long send(int signal)
{
	if (signal < 0 || signal > SIGNAL_MAX)
		return -EINVAL;
	if (signal != 0)
		signal_raise_process(signal);
	return 0;
}

long sys_kill(struct wk_regs *regs)
{
	int64_t pid = (int32_t)regs->rdi;

	if (pid != 1 && pid != 0 && pid != -1)
		return (int32_t)regs->rsi < 0 || (int32_t)regs->rsi > SIGNAL_MAX
			       ? -EINVAL : -ESRCH;
	return send((int)regs->rsi);
}

long sys_tkill(struct wk_regs *regs)
{
	if ((int32_t)regs->rdi <= 0)
		return -EINVAL;
	if ((int32_t)regs->rdi != LINUX_TID)
		return -ESRCH;
	return send((int)regs->rsi);
}

long sys_tgkill(struct wk_regs *regs)
{
	if ((int32_t)regs->rdi <= 0 || (int32_t)regs->rsi <= 0)
		return -EINVAL;
	if ((int32_t)regs->rdi != LINUX_PID || (int32_t)regs->rsi != LINUX_TID)
		return -ESRCH;
	return send((int)regs->rdx);
}
