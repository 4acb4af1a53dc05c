/*
 * System V message queues: msgget, msgsnd, msgrcv, msgctl (syscalls.h),
 * as Linux's ipc/msg.c has them, within the one process; the ids, keys
 * and permissions as the other System V objects' (sysv_ipc.h). A queue
 * keeps its messages in order in its own window of LIBOS_SYSV_MESSAGES
 * (4 MiB of address space, mapped as it fills), each a header and its
 * text; msg_qbytes bounds the bytes of text and the count of messages,
 * as Linux's msg_fits_inqueue. A send that does not fit and a receive
 * that finds nothing wait until a change to a queue lets them (-EAGAIN
 * and -ENOMSG under IPC_NOWAIT) or the queue goes (-EIDRM); a handler
 * ends the wait with -EINTR, as Linux never restarts these calls then.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/capability.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "linux/sysv_ipc.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "wicket/native.h"

#define QUEUES_MAX   64           /* Wicket's MSGMNI (Linux's: 32,000) */
#define MSGMAX       8192         /* a message's most text, Linux's */
#define MSGMNB       16384        /* a new queue's msg_qbytes, Linux's */
#define QUEUE_WINDOW (UINT64_C(4) << 20)

#define MSG_STAT     11
#define MSG_INFO     12
#define MSG_STAT_ANY 13
#define MSG_NOERROR  010000
#define MSG_EXCEPT   020000
#define MSG_COPY     040000

_Static_assert(LIBOS_SYSV_MESSAGES + QUEUES_MAX * QUEUE_WINDOW <=
		       LIBOS_FILE_HOLES,
	       "the message queues' windows end below the next libOS area");

/* Linux's struct msqid64_ds on x86-64. */
struct msqid64_ds {
	struct ipc64_perm perm;
	int64_t stime, rtime, ctime;
	uint64_t cbytes, qnum, qbytes;
	int32_t lspid, lrpid;
	uint64_t unused[2];
};

_Static_assert(sizeof(struct msqid64_ds) == 120, "msqid64_ds");

/* A message in its queue's window: this header, then its text, padded
 * to 8 bytes. */
struct message {
	int64_t type;
	uint64_t size;
};

struct queue {
	bool used;
	uint16_t seq;
	uint64_t used_bytes, mapped; /* of its window */
	struct msqid64_ds ds;
};

static struct queue queues[QUEUES_MAX];
static uint16_t next_seq;

static void changed(void)
{
	sched_wake_input_waiters();
}

static uint8_t *window(const struct queue *queue)
{
	return (uint8_t *)(LIBOS_SYSV_MESSAGES +
			   (uint64_t)(queue - queues) * QUEUE_WINDOW);
}

static uint64_t stored_bytes(uint64_t size)
{
	return sizeof(struct message) + ((size + 7) & ~UINT64_C(7));
}

static struct ipc64_perm *perm_at(unsigned index)
{
	return queues[index].used ? &queues[index].ds.perm : NULL;
}

/* The queue an id names, or NULL. */
static struct queue *queue_of(int64_t id)
{
	long index = ipc_lookup(perm_at, QUEUES_MAX, id, false);

	return index < 0 ? NULL : &queues[index];
}

static void remove_queue(struct queue *queue)
{
	if (queue->mapped)
		wk_mem_unmap((long)window(queue), (long)queue->mapped);
	queue->used = false;
	changed(); /* its waiters find it gone: -EIDRM */
}

static long new_queue(int32_t key, uint32_t flags)
{
	unsigned index = 0;

	while (index < QUEUES_MAX && queues[index].used)
		index++;
	if (index == QUEUES_MAX)
		return -ENOSPC;
	struct queue *queue = &queues[index];

	*queue = (struct queue){ .used = true, .seq = next_seq++,
				 .ds = { .ctime = ipc_now(),
					 .qbytes = MSGMNB } };
	ipc_perm_init(&queue->ds.perm, key, flags, queue->seq);
	return ipc_id(index, queue->seq);
}

long sys_msgget(struct wk_regs *regs)
{
	int32_t key = (int32_t)regs->rdi;
	uint32_t flags = (uint32_t)regs->rsi;
	long found = key == IPC_PRIVATE
			     ? -ENOENT
			     : ipc_find_key(perm_at, QUEUES_MAX, key, flags);

	if (found >= 0)
		return ipc_id((unsigned)found, queues[found].seq);
	if (found != -ENOENT || (key != IPC_PRIVATE && !(flags & IPC_CREAT)))
		return found;
	return new_queue(key, flags);
}

/* A wait for a change to a queue (SYSCALL_NO_RESULT), or -EINTR. */
static long wait_for_change(void)
{
	if (signal_deliverable(sched_current()))
		return -EINTR;
	sched_wait_for_input(WAIT_READY, 0);
	return SYSCALL_NO_RESULT;
}

/* The queue a call that may have waited names: -EIDRM once it went
 * while the call waited, -EINVAL for an id that names none. */
static struct queue *waited_queue(int64_t id, long *error)
{
	struct queue *queue = queue_of(id);

	*error = sched_current()->call_again ? -EIDRM : -EINVAL;
	return queue;
}

long sys_msgsnd(struct wk_regs *regs)
{
	int64_t id = (int32_t)regs->rdi;
	uint64_t address = regs->rsi;
	int64_t size = (int64_t)regs->rdx;
	uint32_t flags = (uint32_t)regs->r10;
	int64_t type;
	long error;

	/* Linux's order: the type read, the size and id checked, the type,
	 * then the text read. */
	if (!vm_user_ok(address, sizeof(type), PROT_READ))
		return -EFAULT;
	memcpy(&type, (const void *)address, sizeof(type));
	if (size < 0 || size > MSGMAX || id < 0 || type < 1)
		return -EINVAL;
	if (!vm_user_ok(address + sizeof(type), (uint64_t)size, PROT_READ))
		return -EFAULT;
	struct queue *queue = waited_queue(id, &error);

	if (queue == NULL)
		return error;
	if (!ipc_permitted(&queue->ds.perm, 2))
		return -EACCES;
	uint64_t needed = stored_bytes((uint64_t)size);

	if (queue->ds.cbytes + (uint64_t)size > queue->ds.qbytes ||
	    queue->ds.qnum + 1 > queue->ds.qbytes ||
	    queue->used_bytes + needed > QUEUE_WINDOW)
		return flags & IPC_NOWAIT ? -EAGAIN : wait_for_change();
	uint8_t *at = window(queue) + queue->used_bytes;

	if (queue->used_bytes + needed > queue->mapped) {
		uint64_t grow = page_up(queue->used_bytes + needed) -
				queue->mapped;

		if (wk_mem_map((long)(window(queue) + queue->mapped),
			       (long)grow, WK_PROT_READ | WK_PROT_WRITE) < 0)
			return -ENOMEM;
		queue->mapped += grow;
	}
	*(struct message *)at = (struct message){ type, (uint64_t)size };
	memcpy(at + sizeof(struct message),
	       (const void *)(address + sizeof(type)), (size_t)size);
	queue->used_bytes += needed;
	queue->ds.cbytes += (uint64_t)size;
	queue->ds.qnum++;
	queue->ds.lspid = LINUX_PID;
	queue->ds.stime = ipc_now();
	changed();
	return 0;
}

/* The offset of the message a receive of `wanted` takes (Linux's
 * find_msg: 0 the first; above 0 the first of that type, or not of it
 * with MSG_EXCEPT; below 0 the first of the lowest type up to -wanted),
 * or -1. With MSG_COPY, the message at index `wanted` whatever its type. */
static int64_t find(const struct queue *queue, int64_t wanted, uint32_t flags)
{
	int64_t found = -1, lowest = INT64_MAX, index = 0;

	for (uint64_t at = 0; at < queue->used_bytes; index++) {
		const struct message *m =
			(const struct message *)(window(queue) + at);

		if (flags & MSG_COPY) {
			if (index == wanted)
				return (int64_t)at;
		} else if (wanted == 0 ||
			   (wanted > 0 && !(flags & MSG_EXCEPT) &&
			    m->type == wanted) ||
			   (wanted > 0 && (flags & MSG_EXCEPT) &&
			    m->type != wanted)) {
			return (int64_t)at;
		} else if (wanted < 0 && m->type <= -wanted &&
			   m->type < lowest) {
			lowest = m->type;
			found = (int64_t)at;
		}
		at += stored_bytes(m->size);
	}
	return found;
}

long sys_msgrcv(struct wk_regs *regs)
{
	int64_t id = (int32_t)regs->rdi;
	uint64_t address = regs->rsi;
	int64_t room = (int64_t)regs->rdx, wanted = (int64_t)regs->r10;
	uint32_t flags = (uint32_t)regs->r8;
	long error;

	if (room < 0 || id < 0)
		return -EINVAL;
	if ((flags & MSG_COPY) &&
	    (!(flags & IPC_NOWAIT) || (flags & MSG_EXCEPT)))
		return -EINVAL;
	struct queue *queue = waited_queue(id, &error);

	if (queue == NULL)
		return error;
	if (!ipc_permitted(&queue->ds.perm, 4))
		return -EACCES;
	int64_t at = find(queue, wanted, flags);

	if (at < 0)
		return flags & IPC_NOWAIT ? -ENOMSG : wait_for_change();
	struct message *m = (struct message *)(window(queue) + at);
	uint64_t size = m->size;

	if (size > (uint64_t)room && !(flags & MSG_NOERROR))
		return -E2BIG;
	if (size > (uint64_t)room)
		size = (uint64_t)room;
	/* Linux copies after taking the message: a bad buffer loses it. */
	bool copied = vm_user_ok(address, sizeof(m->type) + size, PROT_WRITE);

	if (copied) {
		memcpy((void *)address, &m->type, sizeof(m->type));
		memcpy((void *)(address + sizeof(m->type)), m + 1, size);
	}
	if (!(flags & MSG_COPY)) {
		uint64_t gone = stored_bytes(m->size);

		queue->ds.cbytes -= m->size;
		queue->ds.qnum--;
		memmove(m, (uint8_t *)m + gone,
			queue->used_bytes - (uint64_t)at - gone);
		queue->used_bytes -= gone;
		queue->ds.lrpid = LINUX_PID;
		queue->ds.rtime = ipc_now();
		changed();
	}
	return copied ? (long)size : -EFAULT;
}

/* IPC_INFO's and MSG_INFO's struct msginfo: seven ints and a short. */
static long information(int32_t cmd, uint64_t buffer)
{
	int32_t out[8] = { QUEUES_MAX * MSGMNB / 1024, QUEUES_MAX * MSGMNB,
			   MSGMAX, MSGMNB, QUEUES_MAX, 16,
			   QUEUES_MAX * MSGMNB, 0xffff };
	int32_t highest = 0;

	for (int32_t i = 0; i < QUEUES_MAX; i++)
		if (queues[i].used)
			highest = i;
	if (cmd == MSG_INFO) { /* msgpool, msgmap, msgtql: what is in use */
		out[0] = out[1] = out[6] = 0;
		for (int32_t i = 0; i < QUEUES_MAX; i++)
			if (queues[i].used) {
				out[0]++;
				out[1] += (int32_t)queues[i].ds.qnum;
				out[6] += (int32_t)queues[i].ds.cbytes;
			}
	}
	if (!vm_user_ok(buffer, sizeof(out), PROT_WRITE))
		return -EFAULT;
	memcpy((void *)buffer, out, sizeof(out));
	return highest;
}

long sys_msgctl(struct wk_regs *regs)
{
	int64_t id = (int32_t)regs->rdi;
	int32_t cmd = (int32_t)regs->rsi;
	uint64_t buffer = regs->rdx;
	struct queue *queue;

	if (cmd < 0 || id < 0)
		return -EINVAL;
	if (cmd == IPC_INFO || cmd == MSG_INFO)
		return information(cmd, buffer);
	long found = ipc_lookup(perm_at, QUEUES_MAX, id,
				cmd == MSG_STAT || cmd == MSG_STAT_ANY);

	if (found < 0)
		return found;
	queue = &queues[found];
	switch (cmd) {
	case IPC_STAT:
	case MSG_STAT:
	case MSG_STAT_ANY:
		if (cmd != MSG_STAT_ANY && !ipc_permitted(&queue->ds.perm, 4))
			return -EACCES;
		if (!vm_user_ok(buffer, sizeof(queue->ds), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)buffer, &queue->ds, sizeof(queue->ds));
		return cmd == IPC_STAT
			       ? 0 : ipc_id((unsigned)(queue - queues), queue->seq);
	case IPC_SET: {
		struct msqid64_ds ds;
		long error = ipc_set_read(&queue->ds.perm, buffer, &ds,
					  sizeof(ds));

		if (error)
			return error;
		if (ds.qbytes > MSGMNB &&
		    !capability_effective(CAP_SYS_RESOURCE))
			return -EPERM;
		ipc_perm_set(&queue->ds.perm, &ds.perm);
		queue->ds.qbytes = ds.qbytes;
		queue->ds.ctime = ipc_now();
		changed(); /* more room may let a send go */
		return 0;
	}
	case IPC_RMID:
		if (!ipc_owner(&queue->ds.perm))
			return -EPERM;
		remove_queue(queue);
		return 0;
	default:
		return -EINVAL;
	}
}
