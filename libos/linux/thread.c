/*
 * Threads as Linux system calls: clone and clone3 (the flags musl's and
 * glibc's pthread_create pass), exit, set_tid_address, gettid, sched_yield
 * and the CPU set (one CPU). One process: a clone without CLONE_VM,
 * CLONE_THREAD and CLONE_SIGHAND (fork, vfork, posix_spawn) is refused
 * with -ENOSYS and said once.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/futex.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "options.h"
#include "sched/sched.h"

#define CLONE_VM             0x00000100
#define CLONE_FS             0x00000200
#define CLONE_FILES          0x00000400
#define CLONE_SIGHAND        0x00000800
#define CLONE_THREAD         0x00010000
#define CLONE_SYSVSEM        0x00040000
#define CLONE_SETTLS         0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED       0x00400000
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_SIGNAL_MASK    0x000000ff

#define CLONE_A_THREAD (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND)
#define CLONE_ALLOWED (CLONE_A_THREAD | CLONE_FS | CLONE_FILES | \
		       CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
		       CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
		       CLONE_CHILD_SETTID)
#define USER_ADDRESS_END UINT64_C(0x0000800000000000)

#define CLONE_PIDFD          0x00001000
#define CLONE_PARENT         0x00008000
#define CLONE_INTO_CGROUP    UINT64_C(0x200000000)

/* clone3's argument block (linux/sched.h, struct clone_args): 64 bytes in
 * its first version, 88 with set_tid and cgroup. A caller may pass a longer
 * block if the bytes past what the libOS knows are zero, as on Linux. */
struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

#define CLONE_ARGS_SIZE_VER0 64
#define PAGE_SIZE_BYTES      4096

static bool told_about_processes;

/* What clone and clone3 share once their arguments are read: a new thread
 * of this process, or -ENOSYS for a new process. `stack` is the child's
 * stack pointer (0: the parent's). */
static long clone_thread(const struct wk_regs *regs, uint64_t flags,
			 uint64_t stack, uint64_t parent_tid,
			 uint64_t child_tid, uint64_t tls)
{
	if ((flags & CLONE_A_THREAD) != CLONE_A_THREAD) {
		if (!told_about_processes) {
			told_about_processes = true;
			libos_report("clone without CLONE_VM|CLONE_THREAD "
				     "(fork, vfork, posix_spawn): Wicket runs "
				     "one process; returning -ENOSYS");
		}
		return -ENOSYS;
	}
	if (flags & ~(uint64_t)(CLONE_ALLOWED | CLONE_SIGNAL_MASK))
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= USER_ADDRESS_END)
		return -EPERM;
	if (((flags & CLONE_PARENT_SETTID) &&
	     !vm_user_ok(parent_tid, 4, PROT_WRITE)) ||
	    ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) &&
	     !vm_user_ok(child_tid, 4, PROT_WRITE)))
		return -EFAULT;

	struct thread *child = thread_create();

	if (child == NULL)
		return -EAGAIN;
	child->regs = *regs;
	child->regs.rax = 0;
	child->signals_blocked = sched_current()->signals_blocked;
	memcpy(child->name, sched_current()->name, sizeof(child->name));
	if (stack)
		child->regs.rsp = stack;
	if (flags & CLONE_SETTLS)
		child->regs.fs_base = tls;
	if (flags & CLONE_PARENT_SETTID)
		*(int32_t *)parent_tid = child->tid;
	if (flags & CLONE_CHILD_SETTID)
		*(int32_t *)child_tid = child->tid;
	if (flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = child_tid;
	sched_wake(child);
	return child->tid;
}

long sys_clone(struct wk_regs *regs)
{
	return clone_thread(regs, regs->rdi, regs->rsi, regs->rdx, regs->r10,
			    regs->r8);
}

/* clone3(args, size): glibc's pthread_create tries it first. The checks
 * are Linux's (kernel/fork.c: the block's size, then its fields, all
 * -EINVAL). Refused with -EINVAL where Linux would do more: set_tid
 * (choosing the child's tid), CLONE_PIDFD and CLONE_INTO_CGROUP. */
long sys_clone3(struct wk_regs *regs)
{
	uint64_t address = regs->rdi, size = regs->rsi;
	struct clone_args args = { 0 };

	if (size > PAGE_SIZE_BYTES)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (!vm_user_ok(address, size, PROT_READ))
		return -EFAULT;
	for (uint64_t i = sizeof(args); i < size; i++)
		if (((const volatile uint8_t *)address)[i] != 0)
			return -E2BIG;
	memcpy(&args, (const void *)address,
	       size < sizeof(args) ? size : sizeof(args));

	if (args.set_tid || args.set_tid_size ||
	    args.exit_signal & ~(uint64_t)CLONE_SIGNAL_MASK ||
	    args.exit_signal > 64 ||
	    args.flags & (CLONE_DETACHED | CLONE_SIGNAL_MASK | CLONE_PIDFD |
			  CLONE_INTO_CGROUP) ||
	    ((args.flags & (CLONE_THREAD | CLONE_PARENT)) && args.exit_signal) ||
	    (args.stack ? args.stack_size == 0 : args.stack_size != 0) ||
	    args.stack + args.stack_size < args.stack ||
	    args.stack + args.stack_size > USER_ADDRESS_END)
		return -EINVAL;
	return clone_thread(regs, args.flags, args.stack + args.stack_size,
			    args.parent_tid, args.child_tid, args.tls);
}

long sys_exit(struct wk_regs *regs)
{
	struct thread *self = sched_current();
	uint64_t clear = self->clear_child_tid;

	if (thread_count() == 1)
		libos_exit((int)regs->rdi); /* the last thread: the process */
	/* CLONE_CHILD_CLEARTID: zero the tid word and wake one waiter
	 * (pthread_join). A bad address is the app's loss, as on Linux. */
	if (clear && vm_user_ok(clear, 4, PROT_WRITE)) {
		*(volatile int32_t *)clear = 0;
		futex_wake(clear, 1, 0xffffffffu);
	}
	sched_exit_current();
	return SYSCALL_NO_RESULT;
}

long sys_exit_group(struct wk_regs *regs)
{
	libos_exit((int)regs->rdi);
}

long sys_set_tid_address(struct wk_regs *regs)
{
	struct thread *self = sched_current();

	self->clear_child_tid = regs->rdi;
	return self->tid;
}

long sys_gettid(struct wk_regs *regs)
{
	(void)regs;
	return sched_current()->tid;
}

long sys_sched_yield(struct wk_regs *regs)
{
	(void)regs;
	sched_yield();
	return 0;
}

/* Any thread of the process (0: the caller). */
static bool ours(int32_t tid)
{
	return tid == 0 || thread_find(tid) != NULL;
}

long sys_sched_getaffinity(struct wk_regs *regs)
{
	uint64_t length = regs->rsi, mask = regs->rdx;

	if (!ours((int32_t)regs->rdi))
		return -ESRCH;
	if (length < 8 || length % 8)
		return -EINVAL;
	if (!vm_user_ok(mask, 8, PROT_WRITE))
		return -EFAULT;
	*(uint64_t *)mask = 1; /* CPU 0 */
	return 8;
}

long sys_sched_setaffinity(struct wk_regs *regs)
{
	uint64_t length = regs->rsi, mask = regs->rdx;

	if (!ours((int32_t)regs->rdi))
		return -ESRCH;
	if (length == 0 || !vm_user_ok(mask, 1, PROT_READ))
		return -EFAULT;
	return (*(uint8_t *)mask & 1) ? 0 : -EINVAL; /* must allow CPU 0 */
}

/* Scheduling policies: every thread is SCHED_OTHER at priority 0; the
 * real-time policies exist (their priority range is Linux's) but the
 * scheduler has no priorities, so setting one is refused with -EPERM. */
#define SCHED_OTHER 0
#define SCHED_FIFO  1
#define SCHED_RR    2
#define SCHED_BATCH 3
#define SCHED_IDLE  5

static bool policy_known(int64_t policy)
{
	return policy == SCHED_OTHER || policy == SCHED_FIFO ||
	       policy == SCHED_RR || policy == SCHED_BATCH ||
	       policy == SCHED_IDLE;
}

long sys_sched_get_priority_max(struct wk_regs *regs)
{
	int32_t policy = (int32_t)regs->rdi;

	if (!policy_known(policy))
		return -EINVAL;
	return policy == SCHED_FIFO || policy == SCHED_RR ? 99 : 0;
}

long sys_sched_get_priority_min(struct wk_regs *regs)
{
	int32_t policy = (int32_t)regs->rdi;

	if (!policy_known(policy))
		return -EINVAL;
	return policy == SCHED_FIFO || policy == SCHED_RR ? 1 : 0;
}

long sys_sched_getscheduler(struct wk_regs *regs)
{
	if ((int32_t)regs->rdi < 0)
		return -EINVAL;
	return ours((int32_t)regs->rdi) ? SCHED_OTHER : -ESRCH;
}

long sys_sched_getparam(struct wk_regs *regs)
{
	if ((int32_t)regs->rdi < 0 || regs->rsi == 0)
		return -EINVAL;
	if (!ours((int32_t)regs->rdi))
		return -ESRCH;
	if (!vm_user_ok(regs->rsi, 4, PROT_WRITE))
		return -EFAULT;
	*(int32_t *)regs->rsi = 0;
	return 0;
}

/* Only what is already so: SCHED_OTHER (or BATCH, IDLE) at priority 0. */
static long set_policy(int32_t tid, int64_t policy, uint64_t param)
{
	if (tid < 0 || param == 0)
		return -EINVAL;
	if (!ours(tid))
		return -ESRCH;
	if (!vm_user_ok(param, 4, PROT_READ))
		return -EFAULT;
	int32_t priority = *(int32_t *)param;

	if (!policy_known(policy))
		return -EINVAL;
	if (policy == SCHED_FIFO || policy == SCHED_RR)
		return priority < 1 || priority > 99 ? -EINVAL : -EPERM;
	return priority == 0 ? 0 : -EINVAL;
}

long sys_sched_setscheduler(struct wk_regs *regs)
{
	return set_policy((int32_t)regs->rdi, (int32_t)regs->rsi, regs->rdx);
}

long sys_sched_setparam(struct wk_regs *regs)
{
	return set_policy((int32_t)regs->rdi, SCHED_OTHER, regs->rsi);
}

/* The quantum, which is every thread's time slice. */
long sys_sched_rr_get_interval(struct wk_regs *regs)
{
	struct linux_timespec slice = {
		(int64_t)(options.quantum_ms / 1000),
		(int64_t)(options.quantum_ms % 1000) * 1000000 };

	if ((int32_t)regs->rdi < 0)
		return -EINVAL;
	if (!ours((int32_t)regs->rdi))
		return -ESRCH;
	if (!vm_user_ok(regs->rsi, sizeof(slice), PROT_WRITE))
		return -EFAULT;
	memcpy((void *)regs->rsi, &slice, sizeof(slice));
	return 0;
}

/* getcpu: CPU 0 of node 0 (the third argument is unused since 2.6.24). */
long sys_getcpu(struct wk_regs *regs)
{
	const uint32_t zero = 0;

	if ((regs->rdi && !vm_user_ok(regs->rdi, 4, PROT_WRITE)) ||
	    (regs->rsi && !vm_user_ok(regs->rsi, 4, PROT_WRITE)))
		return -EFAULT;
	if (regs->rdi)
		memcpy((void *)regs->rdi, &zero, 4);
	if (regs->rsi)
		memcpy((void *)regs->rsi, &zero, 4);
	return 0;
}

/*
 * membarrier: with one CPU every thread sees the caller's stores in
 * order, so each barrier is done when asked. The commands are Linux 6.1's;
 * the private expedited ones need their registration first (-EPERM), as
 * on Linux.
 */
#define MEMBARRIER_CMD_QUERY                       0
#define MEMBARRIER_CMD_GLOBAL                      (1 << 0)
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED            (1 << 1)
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED   (1 << 2)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED           (1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED  (1 << 4)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE (1 << 5)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (1 << 6)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ      (1 << 7)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ (1 << 8)
#define MEMBARRIER_CMD_FLAG_CPU                    1
#define MEMBARRIER_COMMANDS 0x1ff

long sys_membarrier(struct wk_regs *regs)
{
	static uint32_t registered; /* the REGISTER_PRIVATE_* bits given */
	uint32_t command = (uint32_t)regs->rdi, flags = (uint32_t)regs->rsi;
	uint32_t needs = command << 1; /* each one's registration */

	if ((int32_t)command < 0 ||
	    (command & (command - 1)) || (command & ~MEMBARRIER_COMMANDS))
		return -EINVAL;
	if (flags && !(command == MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ &&
		       flags == MEMBARRIER_CMD_FLAG_CPU))
		return -EINVAL;
	switch (command) {
	case MEMBARRIER_CMD_QUERY:
		return MEMBARRIER_COMMANDS;
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
	case MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ:
		return (registered & needs) ? 0 : -EPERM;
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
	case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ:
		registered |= command;
		return 0;
	default: /* GLOBAL, GLOBAL_EXPEDITED and its registration */
		return 0;
	}
}
