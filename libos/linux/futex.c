/*
 * futex(2): WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE and
 * WAKE_OP, private or not (one process: the same), with relative timeouts
 * on CLOCK_MONOTONIC and absolute ones on MONOTONIC or REALTIME
 * (FUTEX_CLOCK_REALTIME). The waiters are in FIFO lists, one per hash
 * bucket of their word's address, as Linux's futex hash: a wake goes
 * through its word's bucket only, in arrival order; a requeue moves the
 * waiters to the end of their new word's bucket, as Linux's does.
 * Priority-inheritance operations are -ENOSYS.
 *
 * A waiter's result is decided by who ends the wait: 0 from a wake,
 * -ETIMEDOUT from its deadline (sched.c).
 */
#include "linux/futex.h"

#include <stdbool.h>

#include "errno.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define FUTEX_WAIT            0
#define FUTEX_WAKE            1
#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_PRIVATE_FLAG    128
#define FUTEX_CLOCK_REALTIME  256
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define BUCKET_BITS 8
static struct thread_queue buckets[1u << BUCKET_BITS];

/* The waiters on the word at address, and on others that hash alike
 * (Fibonacci hashing: words a struct apart land apart). */
static struct thread_queue *waiters_of(uint64_t address)
{
	return &buckets[((address / 4) * UINT64_C(0x9e3779b97f4a7c15)) >>
			(64 - BUCKET_BITS)];
}

/* Unlinks the waiter after previous (NULL: the head) in queue, its
 * word's. */
static void waiters_unlink(struct thread_queue *queue,
			   struct thread *previous, struct thread *thread)
{
	thread_queue_unlink(queue, previous, thread);
	thread->futex = 0;
}

/* Ends the wait of thread, unlinked: its call returns 0. */
static void end_wait(struct thread_queue *queue, struct thread *previous,
		     struct thread *thread)
{
	waiters_unlink(queue, previous, thread);
	thread->regs.rax = 0;
	sched_wake(thread);
}

void futex_forget(struct thread *thread)
{
	struct thread *previous = NULL;

	if (thread->futex == 0)
		return;
	struct thread_queue *queue = waiters_of(thread->futex);

	for (struct thread *t = queue->head; t; previous = t, t = t->queue_next)
		if (t == thread) {
			waiters_unlink(queue, previous, t);
			return;
		}
}

/* Wakes up to count waiters on address (and bitset); then moves up to
 * requeue of the rest to target. Returns the number woken plus the
 * number moved. */
static long wake_and_requeue(uint64_t address, long count, uint32_t bitset,
			     uint64_t target, long requeue)
{
	long woken = 0, moved = 0;
	struct thread_queue *queue = waiters_of(address);
	struct thread *previous = NULL, *thread = queue->head;

	/* A waiter moved to the end of this same bucket is seen again,
	 * waiting on target then: it matches no more. */
	while (thread) {
		struct thread *next = thread->queue_next;

		if (thread->futex == address && (thread->futex_bitset & bitset)) {
			if (woken < count) {
				end_wait(queue, previous, thread);
				woken++;
				thread = next;
				continue;
			}
			if (moved < requeue && target != address) {
				waiters_unlink(queue, previous, thread);
				thread->futex = target;
				thread_queue_push(waiters_of(target), thread);
				moved++;
				thread = next;
				continue;
			}
			if (moved < requeue) /* onto its own word */
				moved++;
		}
		previous = thread;
		thread = next;
	}
	return woken + moved;
}

long futex_wake(uint64_t address, long count, uint32_t bitset)
{
	struct thread_queue *queue = waiters_of(address);
	struct thread *previous = NULL, *thread = queue->head;
	long count_woken = 0;

	while (thread && count_woken < count) {
		struct thread *next = thread->queue_next;

		if (thread->futex == address &&
		    (thread->futex_bitset & bitset)) {
			end_wait(queue, previous, thread);
			count_woken++;
		} else {
			previous = thread;
		}
		thread = next;
	}
	return count_woken;
}

/* Reads the timeout argument: relative (FUTEX_WAIT) or absolute on the
 * chosen clock; returns a TSC deadline (0: none) or a negative errno, and
 * in *realtime_ns the real-time moment it waits for (0: none). */
static int64_t wait_deadline(uint64_t address, bool absolute, bool realtime,
			     uint64_t *realtime_ns)
{
	struct linux_timespec timeout;
	long status;

	*realtime_ns = 0;
	if (address == 0)
		return 0;
	status = clock_read_timespec(address, &timeout);
	if (status < 0)
		return status;
	if (absolute && realtime)
		*realtime_ns = clock_timespec_ns(&timeout);
	if (absolute)
		return (int64_t)clock_deadline_absolute(
			realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &timeout);
	return (int64_t)clock_deadline_relative(&timeout);
}

static long wait(uint64_t address, uint32_t expected, uint64_t timeout,
		 uint32_t bitset, bool absolute, bool realtime)
{
	if (bitset == 0)
		return -EINVAL;
	if (!vm_user_ok(address, 4, PROT_READ))
		return -EFAULT;
	if (*(volatile uint32_t *)address != expected)
		return -EAGAIN;
	uint64_t realtime_ns;
	int64_t deadline = wait_deadline(timeout, absolute, realtime,
					 &realtime_ns);

	if (deadline < 0)
		return deadline;
	if (deadline && (uint64_t)deadline <= rdtsc())
		return -ETIMEDOUT;

	struct thread *self = sched_current();

	self->futex = address;
	self->futex_bitset = bitset;
	thread_queue_push(waiters_of(address), self);
	sched_block(WAIT_FUTEX, (uint64_t)deadline, -ETIMEDOUT);
	self->realtime_wake = realtime_ns;
	return SYSCALL_NO_RESULT;
}

/* FUTEX_WAKE_OP: *address2 = op(*address2, argument), wake count waiters
 * on address, and count2 on address2 if the old value passes the test. */
static long wake_op(uint64_t address, long count, uint64_t address2,
		    long count2, uint32_t encoded)
{
	uint32_t op = (encoded >> 28) & 7, compare = (encoded >> 24) & 15;
	/* Both arguments are 12-bit signed (Linux's sign_extend32). */
	uint32_t argument = (uint32_t)(((int32_t)(encoded << 8)) >> 20);
	uint32_t compare_argument = (uint32_t)(((int32_t)(encoded << 20)) >> 20);

	if ((encoded >> 31) & 1) /* FUTEX_OP_OPARG_SHIFT */
		argument = 1u << (argument & 31);
	if (!vm_user_ok(address2, 4, PROT_WRITE))
		return -EFAULT;
	uint32_t *word = (uint32_t *)address2, old = *word;

	switch (op) {
	case 0: *word = argument; break;
	case 1: *word = old + argument; break;
	case 2: *word = old | argument; break;
	case 3: *word = old & ~argument; break;
	case 4: *word = old ^ argument; break;
	default: return -ENOSYS;
	}
	bool pass;

	switch (compare) {
	case 0: pass = old == compare_argument; break;
	case 1: pass = old != compare_argument; break;
	case 2: pass = (int32_t)old < (int32_t)compare_argument; break;
	case 3: pass = (int32_t)old <= (int32_t)compare_argument; break;
	case 4: pass = (int32_t)old > (int32_t)compare_argument; break;
	case 5: pass = (int32_t)old >= (int32_t)compare_argument; break;
	default: return -ENOSYS;
	}
	long woken = futex_wake(address, count, FUTEX_BITSET_MATCH_ANY);

	if (pass)
		woken += futex_wake(address2, count2, FUTEX_BITSET_MATCH_ANY);
	return woken;
}

/* The operations other than a plain WAIT or WAKE: a frame of their own,
 * which the two that pthreads make most do without. */
static __attribute__((noinline)) long futex_other(struct wk_regs *regs)
{
	uint64_t address = regs->rdi;
	uint32_t op = (uint32_t)regs->rsi;
	uint32_t value = (uint32_t)regs->rdx;
	uint64_t timeout = regs->r10; /* or value2 */
	uint64_t address2 = regs->r8;
	uint32_t value3 = (uint32_t)regs->r9;
	uint32_t command = op & ~(uint32_t)(FUTEX_PRIVATE_FLAG |
					    FUTEX_CLOCK_REALTIME);
	bool realtime = op & FUTEX_CLOCK_REALTIME;

	if (address % 4)
		return -EINVAL;
	if (realtime && command != FUTEX_WAIT_BITSET && command != FUTEX_WAIT)
		return -ENOSYS;
	switch (command) {
	case FUTEX_WAIT: /* the timeout is relative, whatever the clock */
		return wait(address, value, timeout, FUTEX_BITSET_MATCH_ANY,
			    false, false);
	case FUTEX_WAIT_BITSET:
		return wait(address, value, timeout, value3, true, realtime);
	/* A count of 0 (or less) wakes one, as Linux's loop does. */
	case FUTEX_WAKE:
		return futex_wake(address, (int32_t)value <= 0 ? 1 : value,
				  FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		if (value3 == 0)
			return -EINVAL;
		return futex_wake(address, (int32_t)value <= 0 ? 1 : value,
				  value3);
	case FUTEX_CMP_REQUEUE:
		if (!vm_user_ok(address, 4, PROT_READ))
			return -EFAULT;
		if (*(volatile uint32_t *)address != value3)
			return -EAGAIN;
		/* fall through */
	case FUTEX_REQUEUE:
		if ((int32_t)value < 0 || (int64_t)(int32_t)timeout < 0)
			return -EINVAL;
		if (address2 % 4)
			return -EINVAL;
		if (!vm_user_ok(address2, 4, PROT_READ))
			return -EFAULT;
		return wake_and_requeue(address, value, FUTEX_BITSET_MATCH_ANY,
					address2, (int32_t)timeout);
	case FUTEX_WAKE_OP:
		if (address2 % 4)
			return -EINVAL;
		return wake_op(address, value, address2, (int32_t)timeout,
			       value3);
	default:
		return -ENOSYS;
	}
}

long sys_futex(struct wk_regs *regs)
{
	uint64_t address = regs->rdi;
	uint32_t value = (uint32_t)regs->rdx;

	if (address % 4 == 0) {
		switch ((uint32_t)regs->rsi) {
		case FUTEX_WAIT:
		case FUTEX_WAIT | FUTEX_PRIVATE_FLAG:
			return wait(address, value, regs->r10,
				    FUTEX_BITSET_MATCH_ANY, false, false);
		case FUTEX_WAKE:
		case FUTEX_WAKE | FUTEX_PRIVATE_FLAG:
			return futex_wake(address,
					  (int32_t)value <= 0 ? 1 : value,
					  FUTEX_BITSET_MATCH_ANY);
		}
	}
	return futex_other(regs);
}
