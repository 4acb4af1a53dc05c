/*
 * System V semaphores: semget, semop, semtimedop, semctl (syscalls.h), as
 * Linux's ipc/sem.c has them, within the one process (its threads share
 * them). A semop applies all of its operations at once or none: one that
 * cannot (a decrement below 0, a wait for zero on a non-zero value)
 * fails with -EAGAIN under IPC_NOWAIT, or waits until a change to the
 * set lets it, its timeout passes (-EAGAIN, as Linux's semtimedop) or
 * the set goes (-EIDRM); a signal ends it with -EINTR, never restarted,
 * as Linux's. SEM_UNDO is taken and has nothing to undo: the process's
 * exit is the machine's.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "linux/sysv_ipc.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "sched/thread.h"

#define SETS_MAX   64    /* Wicket's SEMMNI (Linux's: 32,000) */
#define SEMMSL     250   /* semaphores in a set: Linux's old default */
#define SEMOPM     500   /* operations in one semop, Linux's */
#define SEMVMX     32767
#define SEMS_TOTAL (SETS_MAX * SEMMSL)

#define GETPID  11
#define GETVAL  12
#define GETALL  13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL  16
#define SETALL  17
#define SEM_STAT     18
#define SEM_INFO     19
#define SEM_STAT_ANY 20

/* Linux's struct semid64_ds and struct sembuf on x86-64. */
struct semid64_ds {
	struct ipc64_perm perm;
	int64_t otime;
	uint64_t unused1;
	int64_t ctime;
	uint64_t unused2;
	uint64_t nsems;
	uint64_t unused[2];
};

struct sembuf {
	uint16_t num;
	int16_t op, flags;
};

_Static_assert(sizeof(struct semid64_ds) == 104, "semid64_ds");
_Static_assert(sizeof(struct sembuf) == 6, "sembuf");

struct semaphore {
	uint16_t value;
	int32_t pid;      /* the last to change it (GETPID) */
};

struct set {
	bool used;
	uint16_t seq;
	struct semid64_ds ds;
	struct semaphore semaphores[SEMMSL];
};

static struct set sets[SETS_MAX];
static uint16_t next_seq;

/* A change to a set: waiting semops look again. */
static void changed(void)
{
	sched_wake_input_waiters();
}

static struct ipc64_perm *perm_at(unsigned index)
{
	return sets[index].used ? &sets[index].ds.perm : NULL;
}

/* The set an id names, or NULL. */
static struct set *set_of(int64_t id)
{
	long index = ipc_lookup(perm_at, SETS_MAX, id, false);

	return index < 0 ? NULL : &sets[index];
}

static long new_set(int32_t key, int32_t count, uint32_t flags)
{
	unsigned index = 0;

	if (count <= 0 || count > SEMMSL)
		return -EINVAL;
	while (index < SETS_MAX && sets[index].used)
		index++;
	if (index == SETS_MAX)
		return -ENOSPC;
	struct set *set = &sets[index];

	*set = (struct set){ .used = true, .seq = next_seq++,
			     .ds = { .ctime = ipc_now(),
				     .nsems = (uint64_t)count } };
	ipc_perm_init(&set->ds.perm, key, flags, set->seq);
	return ipc_id(index, set->seq);
}

long sys_semget(struct wk_regs *regs)
{
	int32_t key = (int32_t)regs->rdi, count = (int32_t)regs->rsi;
	uint32_t flags = (uint32_t)regs->rdx;

	if (count < 0 || count > SEMMSL)
		return -EINVAL;
	long found = key == IPC_PRIVATE
			     ? -ENOENT
			     : ipc_find_key(perm_at, SETS_MAX, key, flags);

	if (found >= 0)
		return (uint64_t)count > sets[found].ds.nsems
			       ? -EINVAL
			       : ipc_id((unsigned)found, sets[found].seq);
	if (found != -ENOENT || (key != IPC_PRIVATE && !(flags & IPC_CREAT)))
		return found;
	return new_set(key, count, flags);
}

/* Whether every operation can be done now, in order on a copy; 0, or
 * -ERANGE (a value past SEMVMX), or -EAGAIN (one would wait). */
static long try_operations(const struct set *set, const struct sembuf *ops,
			   unsigned count, uint16_t *values)
{
	for (unsigned i = 0; i < set->ds.nsems; i++)
		values[i] = set->semaphores[i].value;
	for (unsigned i = 0; i < count; i++) {
		int32_t value = values[ops[i].num] + ops[i].op;

		if (ops[i].op == 0 ? values[ops[i].num] != 0 : value < 0)
			return -EAGAIN;
		if (value > SEMVMX)
			return -ERANGE;
		values[ops[i].num] = (uint16_t)value;
	}
	return 0;
}

static long operate(int64_t id, uint64_t address, uint64_t count,
		    uint64_t timeout)
{
	static struct sembuf ops[SEMOPM];
	static uint16_t values[SEMMSL];
	struct set *set;
	bool alter = false;

	if (count < 1 || id < 0)
		return -EINVAL;
	if (count > SEMOPM)
		return -E2BIG;
	if (!vm_user_ok(address, count * sizeof(*ops), PROT_READ))
		return -EFAULT;
	memcpy(ops, (const void *)address, count * sizeof(*ops));
	uint64_t deadline = 0;

	if (timeout) {
		struct linux_timespec span;
		long error = clock_read_timespec(timeout, &span);

		if (error)
			return error;
		deadline = sched_call_deadline(clock_deadline_relative(&span));
	}
	set = set_of(id);
	if (set == NULL)
		return sched_current()->call_again ? -EIDRM : -EINVAL;
	for (unsigned i = 0; i < count; i++) {
		if (ops[i].num >= set->ds.nsems)
			return -EFBIG;
		alter |= ops[i].op != 0;
	}
	if (!ipc_permitted(&set->ds.perm, alter ? 2 : 4))
		return -EACCES;
	long status = try_operations(set, ops, (unsigned)count, values);

	if (status == 0) {
		for (unsigned i = 0; i < count; i++)
			set->semaphores[ops[i].num].pid = LINUX_PID;
		for (unsigned i = 0; i < set->ds.nsems; i++)
			set->semaphores[i].value = values[i];
		set->ds.otime = ipc_now();
		if (alter)
			changed();
		return 0;
	}
	bool nowait = false;

	for (unsigned i = 0; i < count; i++)
		nowait |= (ops[i].flags & IPC_NOWAIT) != 0;
	if (status != -EAGAIN || nowait)
		return status;
	if (deadline && rdtsc() >= deadline)
		return -EAGAIN;
	if (signal_deliverable(sched_current()))
		return -EINTR;
	sched_wait_for_input(WAIT_READY, deadline);
	return SYSCALL_NO_RESULT;
}

long sys_semop(struct wk_regs *regs)
{
	return operate((int32_t)regs->rdi, regs->rsi, regs->rdx, 0);
}

long sys_semtimedop(struct wk_regs *regs)
{
	return operate((int32_t)regs->rdi, regs->rsi, regs->rdx, regs->r10);
}

/* IPC_INFO's and SEM_INFO's struct seminfo (ten ints). */
static long information(int32_t cmd, uint64_t buffer)
{
	int32_t out[10] = { SETS_MAX * SEMMSL, SETS_MAX, SEMS_TOTAL, 0,
			    SEMMSL, SEMOPM, 0, SEMVMX, SEMVMX, 0 };
	int32_t highest = 0, used = 0, semaphores = 0;

	for (int32_t i = 0; i < SETS_MAX; i++)
		if (sets[i].used) {
			highest = i;
			used++;
			semaphores += (int32_t)sets[i].ds.nsems;
		}
	if (cmd == SEM_INFO) { /* semusz and semaem: what is in use */
		out[3] = used;
		out[9] = semaphores;
	}
	if (!vm_user_ok(buffer, sizeof(out), PROT_WRITE))
		return -EFAULT;
	memcpy((void *)buffer, out, sizeof(out));
	return highest;
}

/* How many semops wait on semaphore `number`: to decrement it (GETNCNT)
 * or for zero (GETZCNT). Their operations are in their registers, so
 * count the waiting threads whose call names this set and semaphore. */
static long waiters(int64_t id, unsigned number, bool zero)
{
	long count = 0;

	for (unsigned i = 0; i < THREADS_MAX; i++) {
		const struct thread *thread = thread_slot(i);

		if (thread == NULL || thread->state != THREAD_BLOCKED ||
		    (thread->syscall_number != 65 &&
		     thread->syscall_number != 220) ||
		    (int32_t)thread->regs.rdi != id)
			continue;
		uint64_t address = thread->regs.rsi, ops = thread->regs.rdx;

		if (ops > SEMOPM ||
		    !vm_user_ok(address, ops * sizeof(struct sembuf),
				PROT_READ))
			continue;
		const struct sembuf *op = (const struct sembuf *)address;

		for (uint64_t k = 0; k < ops; k++)
			if (op[k].num == number &&
			    (zero ? op[k].op == 0 : op[k].op < 0)) {
				count++;
				break;
			}
	}
	return count;
}

long sys_semctl(struct wk_regs *regs)
{
	int64_t id = (int32_t)regs->rdi;
	uint64_t number = (uint32_t)regs->rsi, argument = regs->r10;
	int32_t cmd = (int32_t)regs->rdx;
	struct set *set;

	if (cmd < 0 || id < 0)
		return -EINVAL;
	if (cmd == IPC_INFO || cmd == SEM_INFO)
		return information(cmd, argument);
	long found = ipc_lookup(perm_at, SETS_MAX, id,
				cmd == SEM_STAT || cmd == SEM_STAT_ANY);

	if (found < 0)
		return found;
	set = &sets[found];
	bool writes = cmd == SETVAL || cmd == SETALL;

	if (cmd != IPC_RMID && cmd != IPC_SET && cmd != SEM_STAT_ANY &&
	    !ipc_permitted(&set->ds.perm, writes ? 2 : 4))
		return -EACCES;
	if ((cmd == GETVAL || cmd == SETVAL || cmd == GETPID ||
	     cmd == GETNCNT || cmd == GETZCNT) && number >= set->ds.nsems)
		return -EINVAL;
	uint64_t bytes = set->ds.nsems * sizeof(uint16_t);

	switch (cmd) {
	case IPC_STAT:
	case SEM_STAT:
	case SEM_STAT_ANY:
		if (!vm_user_ok(argument, sizeof(set->ds), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)argument, &set->ds, sizeof(set->ds));
		return cmd == IPC_STAT ? 0 : ipc_id((unsigned)(set - sets),
						    set->seq);
	case IPC_SET: {
		struct semid64_ds ds;
		long error = ipc_set_read(&set->ds.perm, argument, &ds,
					  sizeof(ds));

		if (error)
			return error;
		ipc_perm_set(&set->ds.perm, &ds.perm);
		set->ds.ctime = ipc_now();
		return 0;
	}
	case IPC_RMID:
		if (!ipc_owner(&set->ds.perm))
			return -EPERM;
		set->used = false;
		changed(); /* its waiters find it gone: -EIDRM */
		return 0;
	case GETVAL:
		return set->semaphores[number].value;
	case GETPID:
		return set->semaphores[number].pid;
	case GETNCNT:
	case GETZCNT:
		return waiters(id, (unsigned)number, cmd == GETZCNT);
	case GETALL:
		if (!vm_user_ok(argument, bytes, PROT_WRITE))
			return -EFAULT;
		for (unsigned i = 0; i < set->ds.nsems; i++)
			((uint16_t *)argument)[i] = set->semaphores[i].value;
		return 0;
	case SETVAL:
		if ((int32_t)argument < 0 || (int32_t)argument > SEMVMX)
			return -ERANGE;
		set->semaphores[number] = (struct semaphore){
			(uint16_t)argument, LINUX_PID };
		set->ds.ctime = ipc_now();
		changed();
		return 0;
	case SETALL: {
		uint16_t values[SEMMSL];

		if (!vm_user_ok(argument, bytes, PROT_READ))
			return -EFAULT;
		memcpy(values, (const void *)argument, bytes);
		for (unsigned i = 0; i < set->ds.nsems; i++)
			if (values[i] > SEMVMX)
				return -ERANGE;
		for (unsigned i = 0; i < set->ds.nsems; i++)
			set->semaphores[i] = (struct semaphore){ values[i],
								 LINUX_PID };
		set->ds.ctime = ipc_now();
		changed();
		return 0;
	}
	default:
		return -EINVAL;
	}
}
