/*
 * signalfd and signalfd4: a descriptor that reads the caller's pending
 * signals of a mask instead of their handlers running (the app blocks
 * them first, as on Linux; a signal it does not block is delivered as
 * usual). The siginfo's fields go where Linux's signalfd_copyinfo puts
 * them for the signal's layout: sender and uid for kill and tkill (and
 * sigqueue's value), the timer's id, overrun and value, a fault's
 * address.
 */
#include "linux/signalfd.h"

#include "errno.h"
#include "lib/string.h"
#include "linux/files.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define SIGNALFDS_MAX 64
#define SIGSTOP_BIT (UINT64_C(1) << (SIGSTOP - 1))
#define SIGKILL_BIT (UINT64_C(1) << (SIGKILL - 1))
#define SI_TIMER (-2)

static struct {
	uint64_t mask;
	bool used;
} slots[SIGNALFDS_MAX];
static unsigned open_count;

/* Linux's struct signalfd_siginfo (128 bytes). */
struct signalfd_siginfo {
	uint32_t signo;
	int32_t errno_value, code;
	uint32_t pid, uid;
	int32_t fd;
	uint32_t tid, band, overrun, trapno;
	int32_t status, int_value;
	uint64_t ptr, utime, stime, addr;
	uint16_t addr_lsb, pad2;
	int32_t syscall;
	uint64_t call_addr;
	uint32_t arch;
	uint8_t pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo");

static bool is_fault(int signal)
{
	return signal == SIGILL || signal == SIGFPE || signal == SIGSEGV ||
	       signal == SIGBUS || signal == SIGTRAP;
}

static struct signalfd_siginfo to_signalfd(int signal,
					   const struct signal_info *info)
{
	struct signalfd_siginfo out = { 0 };

	out.signo = (uint32_t)signal;
	out.errno_value = info->errno_value;
	out.code = info->code;
	if (info->code == SI_TIMER) {
		out.tid = (uint32_t)info->sender;
		out.overrun = (uint32_t)info->overrun;
		out.ptr = info->value;
		out.int_value = (int32_t)info->value;
	} else if (info->code < 0) { /* tkill, sigqueue */
		out.pid = (uint32_t)info->sender;
		out.ptr = info->value;
		out.int_value = (int32_t)info->value;
	} else if (info->code > 0 && info->code < SI_KERNEL &&
		   is_fault(signal)) {
		out.addr = info->value;
		out.trapno = info->trapno;
	} else if (info->code > 0 && info->code < SI_KERNEL &&
		   info->polled) { /* O_ASYNC's, F_NOTIFY's */
		out.band = (uint32_t)info->value;
		out.fd = info->poll_fd;
	} else {
		out.pid = (uint32_t)info->sender;
	}
	return out;
}

long signalfd_read(const struct file *file, uint64_t buffer,
		   uint64_t length, bool may_wait)
{
	struct thread *self = sched_current();
	uint64_t mask = slots[file->position].mask;
	uint64_t room = length / sizeof(struct signalfd_siginfo), done = 0;
	struct signal_info info;

	if (room == 0)
		return -EINVAL;
	if (!(signal_pending_for(self) & mask)) {
		if ((file->flags & O_NONBLOCK) || !may_wait)
			return -EAGAIN;
		sched_wait_for_input(WAIT_POLL, 0);
		return SYSCALL_NO_RESULT;
	}
	/* Each record's place is checked before its signal is taken: a
	 * signal is never lost, and a buffer that ends early gets what
	 * fits (-EFAULT if nothing does), as on Linux. */
	for (; done < room && (signal_pending_for(self) & mask); done++) {
		uint64_t at = buffer + done * sizeof(struct signalfd_siginfo);

		if (!vm_user_ok(at, sizeof(struct signalfd_siginfo),
				PROT_WRITE))
			break;
		int signal = signal_take(self, mask, &info);
		struct signalfd_siginfo out = to_signalfd(signal, &info);

		memcpy((void *)at, &out, sizeof(out));
	}
	return done ? (long)(done * sizeof(struct signalfd_siginfo)) : -EFAULT;
}

int16_t signalfd_poll(const struct file *file)
{
	return signal_pending_for(sched_current()) &
			       slots[file->position].mask
		       ? POLLIN | POLLRDNORM : 0;
}

void signalfd_release(const struct file *file)
{
	slots[file->position].used = false;
	open_count--;
}

void signalfd_signal_pending(void)
{
	if (open_count)
		sched_wake_input_waiters();
}

long sys_signalfd4(struct wk_regs *regs)
{
	int32_t fd = (int32_t)regs->rdi;
	uint64_t flags = regs->r10, mask;

	if (regs->rdx != 8)
		return -EINVAL;
	if (!vm_user_ok(regs->rsi, sizeof(mask), PROT_READ))
		return -EFAULT;
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	memcpy(&mask, (const void *)regs->rsi, sizeof(mask));
	mask &= ~(SIGKILL_BIT | SIGSTOP_BIT);
	if (fd != -1) {
		const struct file *file = io_file((uint64_t)(int64_t)fd);

		if (file == NULL)
			return -EBADF;
		if (file->kind != FILE_SIGNALFD)
			return -EINVAL;
		slots[file->position].mask = mask;
		signalfd_signal_pending(); /* a poll may see it ready now */
		return fd;
	}
	for (unsigned slot = 0; slot < SIGNALFDS_MAX; slot++) {
		if (slots[slot].used)
			continue;
		long new_fd = io_open(FILE_SIGNALFD, NODE_ANONYMOUS, slot,
				      O_RDWR | ((uint32_t)flags & O_NONBLOCK),
				      flags & O_CLOEXEC);

		if (new_fd >= 0) {
			slots[slot].mask = mask;
			slots[slot].used = true;
			open_count++;
		}
		return new_fd;
	}
	return -ENFILE;
}

long sys_signalfd(struct wk_regs *regs)
{
	struct wk_regs with_flags = *regs;

	with_flags.r10 = 0;
	return sys_signalfd4(&with_flags);
}
