/*
 * POSIX message queues, as Linux's ipc/mqueue.c keeps them: up to 256
 * queues (fs.mqueue.queues_max; -ENOSPC beyond), named by a name without
 * a slash (the C library strips the leading one), each of up to
 * mq_maxmsg messages of up to mq_msgsize bytes (by default 10 of 8,192,
 * and at most that unless the process has CAP_SYS_RESOURCE, then up to
 * 65,536 of 16 MiB), all of them together charged to RLIMIT_MSGQUEUE as
 * Linux charges them (-EMFILE past it). A message has a priority below
 * 32,768; a receive takes the oldest of the highest. A send to a full
 * queue and a receive from an empty one wait, until the absolute
 * CLOCK_REALTIME timeout if given (-ETIMEDOUT), or say -EAGAIN under
 * O_NONBLOCK; a signal's handler ends the wait with -EINTR, or runs it
 * again under SA_RESTART. mq_notify registers the
 * process for one notice when a message comes to an empty queue that no
 * receive waits on: a signal (SIGEV_SIGNAL, SI_MESGQ with the sigevent's
 * value), nothing (SIGEV_NONE), or the C library's SIGEV_THREAD, a
 * 32-byte cookie sent to a netlink socket (linux/socket.c). Each close of
 * a description of the queue removes the registration, as Linux's flush
 * does for its owner. A queue's descriptor reads as Linux's status line
 * and polls readable with messages and writable with room.
 *
 * Not here: /dev/mqueue (the queues are not files of the tree: fstat
 * shows an anonymous file), and a queue's owner and mode beyond the
 * permission checks of mq_open and mq_unlink.
 */
#include "linux/mqueue.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/print.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/capability.h"
#include "linux/clock.h"
#include "linux/files.h"
#include "linux/identity.h"
#include "linux/interfaces.h"
#include "linux/io.h"
#include "linux/signal.h"
#include "linux/socket.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "wicket/native.h"

#define QUEUES_MAX        256
#define NAME_MAX          255
#define DEFAULT_MESSAGES  10
#define DEFAULT_SIZE      8192
#define MESSAGES_MAX      10 /* fs.mqueue.msg_max */
#define SIZE_MAX_DEFAULT  8192 /* fs.mqueue.msgsize_max */
#define HARD_MESSAGES     65536
#define HARD_SIZE         (16 << 20)
#define PRIORITY_MAX      32768 /* MQ_PRIO_MAX */
#define CHARGE_PER_MESSAGE 48 /* Linux's struct msg_msg */
#define CHARGE_PER_PRIORITY 48 /* its struct posix_msg_tree_node */
#define QUEUE_WINDOW      (UINT64_C(4) << 20)
#define STATUS_MAX        128
#define COOKIE_LENGTH     32 /* NOTIFY_COOKIE_LEN */
#define COOKIE_WOKEN_UP   1
#define COOKIE_REMOVED    2

#define CAP_SYS_RESOURCE 24
#define SIGEV_SIGNAL 0
#define SIGEV_NONE   1
#define SIGEV_THREAD 2
#define SI_MESGQ     (-3)
#define SIGNALS      64
#define CLOCK_REALTIME_ID 0
#define RLIMIT_MSGQUEUE   12

_Static_assert(LIBOS_MQUEUES + QUEUES_MAX * QUEUE_WINDOW <= LIBOS_FILE_HOLES,
	       "the queues' windows end below the next libOS area");

/* A message's slot: this header (sequence 0: a free slot), then
 * message_size bytes rounded up to 8. */
struct slot {
	uint64_t sequence;
	uint32_t length, priority;
};

static struct queue {
	bool used;       /* a queue is here */
	bool named;      /* its name still opens it (not unlinked) */
	bool notifying;  /* mq_notify registered the process */
	uint8_t name_length;
	char name[NAME_MAX + 1];
	uint32_t mode, uid, gid;
	uint32_t descriptions;
	int64_t max_messages, message_size;
	uint32_t count;        /* messages in it */
	uint64_t bytes;        /* their bytes (QSIZE) */
	uint64_t sequence;     /* the last message's */
	uint64_t sends, receives; /* wakeups */
	uint64_t mapped;       /* bytes of its window mapped */
	/* The registration: how, the signal, the value, and for
	 * SIGEV_THREAD the netlink socket's description and its cookie. */
	int32_t notify, notify_signal;
	uint64_t notify_value;
	struct file *notify_socket;
	uint8_t cookie[COOKIE_LENGTH];
} queues[QUEUES_MAX];

/* struct mq_attr. */
struct linux_mq_attr {
	int64_t flags, max_messages, message_size, count;
	int64_t reserved[4];
};

/* struct sigevent, as far as mq_notify reads it. */
struct linux_sigevent {
	uint64_t value;
	int32_t signal, notify;
};

static uint64_t slot_bytes(const struct queue *queue)
{
	return sizeof(struct slot) +
	       (((uint64_t)queue->message_size + 7) & ~(uint64_t)7);
}

static struct slot *slot_at(unsigned index, uint64_t number)
{
	return (struct slot *)(LIBOS_MQUEUES + index * QUEUE_WINDOW +
			       number * slot_bytes(&queues[index]));
}

static unsigned slot_of(const struct file *file)
{
	return (unsigned)(file->position >> 32);
}

/* What Linux charges a queue to RLIMIT_MSGQUEUE. */
static uint64_t charge(int64_t messages, int64_t size)
{
	uint64_t priorities = messages < PRIORITY_MAX ? (uint64_t)messages
						      : PRIORITY_MAX;

	return (uint64_t)messages * (CHARGE_PER_MESSAGE + (uint64_t)size) +
	       priorities * CHARGE_PER_PRIORITY;
}

/* The app's name into name[]: its length, or -EFAULT, -ENOENT (empty),
 * -ENAMETOOLONG, -EACCES (a slash, "." or "..", which the mqueue file
 * system's lookup refuses). */
static long read_name(uint64_t address, char name[NAME_MAX + 1])
{
	uint64_t length = 0;

	for (;; length++) {
		if (!vm_user_ok(address + length, 1, PROT_READ))
			return -EFAULT;
		char c = *(const char *)(address + length);

		if (c == '\0')
			break;
		if (length == NAME_MAX)
			return -ENAMETOOLONG;
		name[length] = c;
	}
	name[length] = '\0';
	if (length == 0)
		return -ENOENT;
	for (uint64_t i = 0; i < length; i++)
		if (name[i] == '/')
			return -EACCES;
	if (string_equals_word(name, length, ".") ||
	    string_equals_word(name, length, ".."))
		return -EACCES;
	return (long)length;
}

static long find(const char *name, uint64_t length)
{
	for (unsigned index = 0; index < QUEUES_MAX; index++)
		if (queues[index].used && queues[index].named &&
		    string_equals_word(name, length, queues[index].name) &&
		    queues[index].name_length == length)
			return index;
	return -1;
}

/* Whether the process may open the queue for `want` (MAY_READ 4,
 * MAY_WRITE 2), as inode_permission with root's CAP_DAC_OVERRIDE. */
static bool permitted(const struct queue *queue, uint32_t want)
{
	const struct identity *ids = identity();
	uint32_t bits = queue->mode;

	if (capability_effective(CAP_DAC_OVERRIDE))
		return true;
	if (ids->uid[ID_FS] == queue->uid)
		bits >>= 6;
	else if (identity_holds(queue->gid, true))
		bits >>= 3;
	return (bits & want) == want;
}

static void end_notification(struct queue *queue, uint8_t why);

static void forget(unsigned index)
{
	struct queue *queue = &queues[index];

	end_notification(queue, COOKIE_REMOVED); /* its socket's reference */
	if (queue->mapped)
		wk_mem_unmap((long)slot_at(index, 0), (long)queue->mapped);
	*queue = (struct queue){ 0 };
}

/* A new queue named `name`: its slot, or an error. */
static long create(const char *name, uint64_t length, uint32_t mode,
		   const struct linux_mq_attr *asked)
{
	int64_t messages = asked ? asked->max_messages : DEFAULT_MESSAGES;
	int64_t size = asked ? asked->message_size : DEFAULT_SIZE;
	bool resourceful = capability_effective(CAP_SYS_RESOURCE);
	uint64_t charged = 0;
	long free = -1;

	if (messages <= 0 || size <= 0 ||
	    messages > (resourceful ? HARD_MESSAGES : MESSAGES_MAX) ||
	    size > (resourceful ? HARD_SIZE : SIZE_MAX_DEFAULT))
		return -EINVAL;
	for (unsigned index = 0; index < QUEUES_MAX; index++) {
		if (queues[index].used)
			charged += charge(queues[index].max_messages,
					  queues[index].message_size);
		else if (free < 0)
			free = index;
	}
	if (free < 0)
		return resourceful ? -ENOMEM : -ENOSPC;
	if (charged + charge(messages, size) > process_limit(RLIMIT_MSGQUEUE))
		return -EMFILE;
	struct queue *queue = &queues[free];

	*queue = (struct queue){ .used = true, .named = true,
				 .name_length = (uint8_t)length,
				 .mode = mode, .max_messages = messages,
				 .message_size = size,
				 .uid = identity()->uid[ID_FS],
				 .gid = identity()->gid[ID_FS] };
	memcpy(queue->name, name, length + 1);
	uint64_t bytes = page_up((uint64_t)messages * slot_bytes(queue));

	if (bytes > QUEUE_WINDOW ||
	    wk_mem_map((long)slot_at((unsigned)free, 0), (long)bytes,
		       WK_PROT_READ | WK_PROT_WRITE) < 0) {
		*queue = (struct queue){ 0 };
		return -ENOMEM;
	}
	queue->mapped = bytes;
	return free;
}

long sys_mq_open(struct wk_regs *regs)
{
	char name[NAME_MAX + 1];
	uint32_t flags = (uint32_t)regs->rsi;
	struct linux_mq_attr asked;
	bool made = false;
	long index;

	if (regs->r10 && !vm_user_ok(regs->r10, sizeof(asked), PROT_READ))
		return -EFAULT;
	if (regs->r10)
		memcpy(&asked, (const void *)regs->r10, sizeof(asked));
	long length = read_name(regs->rdi, name);

	if (length < 0)
		return length;
	index = find(name, (uint64_t)length);
	if (index < 0) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		index = create(name, (uint64_t)length,
			       (uint32_t)regs->rdx & 07777 & ~process_umask(),
			       regs->r10 ? &asked : NULL);
		if (index < 0)
			return index;
		made = true;
	} else {
		static const uint32_t wants[3] = { 4, 2, 6 };

		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		if ((flags & O_ACCMODE) == O_ACCMODE)
			return -EINVAL;
		if (!permitted(&queues[index], wants[flags & O_ACCMODE]))
			return -EACCES;
	}
	long fd = io_open(FILE_MQUEUE, NODE_ANONYMOUS, (uint64_t)index << 32,
			  flags & (O_ACCMODE | O_NONBLOCK), flags & O_CLOEXEC);

	if (fd >= 0)
		queues[index].descriptions++;
	else if (made) /* Linux finds no descriptor before it makes one */
		forget((unsigned)index);
	return fd;
}

long sys_mq_unlink(struct wk_regs *regs)
{
	char name[NAME_MAX + 1];
	long length = read_name(regs->rdi, name);

	if (length < 0)
		return length;
	long index = find(name, (uint64_t)length);

	if (index < 0)
		return -ENOENT;
	/* The mqueue root is sticky: its owner's, or CAP_FOWNER. */
	if (!capability_effective(CAP_FOWNER) &&
	    identity()->uid[ID_FS] != queues[index].uid)
		return -EPERM;
	queues[index].named = false;
	if (queues[index].descriptions == 0)
		forget((unsigned)index);
	return 0;
}

/* The queue behind descriptor fd if it may be used for `want` (O_RDONLY
 * or O_WRONLY), else NULL with -EBADF. */
static struct queue *queue_for(uint64_t fd, uint32_t want, struct file **out)
{
	struct file *file = io_file(fd);
	uint32_t mode;

	if (file == NULL || file->kind != FILE_MQUEUE ||
	    (file->flags & O_PATH))
		return NULL;
	mode = file->flags & O_ACCMODE;
	if (want != O_ACCMODE && mode != O_RDWR && mode != want)
		return NULL;
	*out = file;
	return &queues[slot_of(file)];
}

/* Whether a thread waits in mq_timedreceive on queue `index` (a send then
 * notifies nobody, as Linux's goes to that receiver). */
static bool receiver_waits(unsigned index)
{
	for (unsigned i = 0, live = 0; i < THREADS_MAX && live < thread_count();
	     i++) {
		struct thread *thread = thread_slot(i);
		const struct file *file;

		live += thread != NULL;
		if (!sched_waits_for_input(thread) ||
		    thread->syscall_number != LINUX_NR_mq_timedreceive)
			continue;
		file = io_file(thread->regs.rdi);
		if (file && file->kind == FILE_MQUEUE &&
		    slot_of(file) == index)
			return true;
	}
	return false;
}

/* The registration goes; a SIGEV_THREAD one's socket hears why. */
static void end_notification(struct queue *queue, uint8_t why)
{
	if (!queue->notifying)
		return;
	queue->notifying = false;
	if (queue->notify == SIGEV_THREAD) {
		queue->cookie[COOKIE_LENGTH - 1] = why;
		socket_netlink_post(queue->notify_socket, queue->cookie,
				    COOKIE_LENGTH);
		io_drop(queue->notify_socket);
		queue->notify_socket = NULL;
	}
}

static void notify(struct queue *queue)
{
	int32_t how = queue->notify, signal = queue->notify_signal;
	struct signal_info info = { .code = SI_MESGQ, .sender = LINUX_PID,
				    .value = queue->notify_value };

	if (how == SIGEV_THREAD) {
		end_notification(queue, COOKIE_WOKEN_UP);
		return;
	}
	queue->notifying = false;
	if (how == SIGEV_SIGNAL && signal)
		signal_send_process(signal, &info);
}

/* The wait of a send to a full queue or a receive from an empty one:
 * -EAGAIN (O_NONBLOCK), -ETIMEDOUT, or SYSCALL_NO_RESULT. */
static long wait(const struct file *file, uint64_t timeout)
{
	struct linux_timespec when;
	uint64_t deadline = 0;

	if (file->flags & O_NONBLOCK)
		return -EAGAIN;
	if (timeout) {
		clock_read_timespec(timeout, &when); /* checked before */
		deadline = sched_call_deadline(
			clock_deadline_absolute(CLOCK_REALTIME_ID, &when));
		if (deadline == 0 || rdtsc() >= deadline)
			return -ETIMEDOUT;
	}
	/* A handler ends it with -EINTR, or under SA_RESTART runs it again,
	 * its timeout being a moment (Linux's -ERESTARTSYS). */
	sched_wait_for_input(WAIT_POLL, deadline);
	return SYSCALL_NO_RESULT;
}

/* A timeout's timespec, checked up front as Linux's prepare_timeout. */
static long check_timeout(uint64_t timeout)
{
	struct linux_timespec when;

	return timeout ? clock_read_timespec(timeout, &when) : 0;
}

long sys_mq_timedsend(struct wk_regs *regs)
{
	uint64_t length = regs->rdx, priority = regs->r10 & 0xffffffff;
	struct file *file;
	long error;

	if (priority >= PRIORITY_MAX)
		return -EINVAL;
	if ((error = check_timeout(regs->r8)) < 0)
		return error;
	struct queue *queue = queue_for(regs->rdi, O_WRONLY, &file);

	if (queue == NULL)
		return -EBADF;
	if (length > (uint64_t)queue->message_size)
		return -EMSGSIZE;
	if (length && !vm_user_ok(regs->rsi, length, PROT_READ))
		return -EFAULT;
	if (queue->count == queue->max_messages)
		return wait(file, regs->r8);
	unsigned index = slot_of(file);
	struct slot *free = slot_at(index, 0);

	for (uint64_t n = 0; free->sequence; free = slot_at(index, ++n))
		;
	*free = (struct slot){ ++queue->sequence, (uint32_t)length,
			       (uint32_t)priority };
	memcpy(free + 1, (const void *)regs->rsi, length);
	queue->count++;
	queue->bytes += length;
	queue->sends++;
	if (queue->count == 1 && queue->notifying && !receiver_waits(index))
		notify(queue);
	sched_wake_input_waiters();
	return 0;
}

long sys_mq_timedreceive(struct wk_regs *regs)
{
	uint64_t length = regs->rdx, priority_address = regs->r10;
	struct file *file;
	long error;

	if ((error = check_timeout(regs->r8)) < 0)
		return error;
	struct queue *queue = queue_for(regs->rdi, O_RDONLY, &file);

	if (queue == NULL)
		return -EBADF;
	if (length < (uint64_t)queue->message_size)
		return -EMSGSIZE;
	if (queue->count == 0)
		return wait(file, regs->r8);
	unsigned index = slot_of(file);
	struct slot *best = NULL;

	for (int64_t n = 0; n < queue->max_messages; n++) {
		struct slot *slot = slot_at(index, (uint64_t)n);

		if (slot->sequence &&
		    (best == NULL || slot->priority > best->priority ||
		     (slot->priority == best->priority &&
		      slot->sequence < best->sequence)))
			best = slot;
	}
	struct slot taken = *best;
	long result = taken.length;

	/* Gone from the queue before it is copied, as Linux's. */
	best->sequence = 0;
	queue->count--;
	queue->bytes -= taken.length;
	queue->receives++;
	if (!vm_user_ok(regs->rsi, taken.length, PROT_WRITE))
		result = -EFAULT;
	else
		memcpy((void *)regs->rsi, best + 1, taken.length);
	if (priority_address) {
		if (vm_user_ok(priority_address, 4, PROT_WRITE))
			*(uint32_t *)priority_address = taken.priority;
		else
			result = -EFAULT;
	}
	sched_wake_input_waiters();
	return result;
}

long sys_mq_notify(struct wk_regs *regs)
{
	struct linux_sigevent event;
	struct file *file, *socket = NULL;
	uint8_t cookie[COOKIE_LENGTH];

	if (regs->rsi) {
		if (!vm_user_ok(regs->rsi, sizeof(event), PROT_READ))
			return -EFAULT;
		memcpy(&event, (const void *)regs->rsi, sizeof(event));
		if (event.notify != SIGEV_NONE && event.notify != SIGEV_SIGNAL &&
		    event.notify != SIGEV_THREAD)
			return -EINVAL;
		if (event.notify == SIGEV_SIGNAL &&
		    (event.signal < 0 || event.signal > SIGNALS))
			return -EINVAL;
		if (event.notify == SIGEV_THREAD) {
			if (!vm_user_ok(event.value, COOKIE_LENGTH, PROT_READ))
				return -EFAULT;
			memcpy(cookie, (const void *)event.value,
			       COOKIE_LENGTH);
			socket = io_file((uint64_t)(uint32_t)event.signal);
			if (socket == NULL)
				return -EBADF;
			if (socket->kind != FILE_SOCKET ||
			    socket_family(socket) != AF_NETLINK)
				return -ECONNREFUSED;
		}
	}
	struct queue *queue = queue_for(regs->rdi, O_ACCMODE, &file);

	if (queue == NULL)
		return -EBADF;
	if (regs->rsi == 0) {
		end_notification(queue, COOKIE_REMOVED);
		queue->notifying = false;
		return 0;
	}
	if (queue->notifying)
		return -EBUSY;
	queue->notifying = true;
	queue->notify = event.notify;
	queue->notify_signal = event.signal;
	queue->notify_value = event.value;
	if (socket) {
		queue->notify_socket = socket;
		io_reference(socket);
		memcpy(queue->cookie, cookie, COOKIE_LENGTH);
	}
	return 0;
}

long sys_mq_getsetattr(struct wk_regs *regs)
{
	struct linux_mq_attr wanted, now = { 0 };
	struct file *file;

	if (regs->rsi) {
		if (!vm_user_ok(regs->rsi, sizeof(wanted), PROT_READ))
			return -EFAULT;
		memcpy(&wanted, (const void *)regs->rsi, sizeof(wanted));
		if (wanted.flags & ~(int64_t)O_NONBLOCK)
			return -EINVAL;
	}
	struct queue *queue = queue_for(regs->rdi, O_ACCMODE, &file);

	if (queue == NULL)
		return -EBADF;
	now = (struct linux_mq_attr){ file->flags & O_NONBLOCK,
				      queue->max_messages,
				      queue->message_size, queue->count,
				      { 0, 0, 0, 0 } };
	if (regs->rsi)
		file->flags = (file->flags & ~(uint32_t)O_NONBLOCK) |
			      (uint32_t)(wanted.flags & O_NONBLOCK);
	if (regs->rdx) {
		if (!vm_user_ok(regs->rdx, sizeof(now), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)regs->rdx, &now, sizeof(now));
	}
	return 0;
}

static uint64_t status(const struct queue *queue, char *out)
{
	bool signals = queue->notifying && queue->notify == SIGEV_SIGNAL;

	return print_format_to(out, STATUS_MAX,
			       "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d "
			       "NOTIFY_PID:%-6d\n",
			       (unsigned long)queue->bytes,
			       queue->notifying ? queue->notify : 0,
			       signals ? queue->notify_signal : 0,
			       queue->notifying ? LINUX_PID : 0);
}

long mqueue_read(const struct file *file, uint64_t offset, uint64_t buffer,
		 uint64_t length)
{
	char text[STATUS_MAX];
	uint64_t size = status(&queues[slot_of(file)], text);

	return io_read_text(text, size, offset, buffer, length);
}

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define FILE_ENTRY_SIZE 80 /* a queue's i_size, Linux's FILENT_SIZE */

long mqueue_seek(struct file *file, int64_t offset, uint64_t whence)
{
	int64_t base = whence == SEEK_SET   ? 0
		       : whence == SEEK_CUR ? (int64_t)(file->position &
							0xffffffff)
		       : whence == SEEK_END ? FILE_ENTRY_SIZE
					    : -1;

	if (base < 0 || __builtin_add_overflow(offset, base, &offset) ||
	    offset < 0 || offset > INT32_MAX)
		return -EINVAL;
	file->position = (file->position & ~(uint64_t)0xffffffff) |
			 (uint64_t)offset;
	return offset;
}

void mqueue_flush(const struct file *file)
{
	end_notification(&queues[slot_of(file)], COOKIE_REMOVED);
}

void mqueue_release(const struct file *file)
{
	unsigned index = slot_of(file);

	if (--queues[index].descriptions == 0 && !queues[index].named)
		forget(index);
}

int16_t mqueue_poll(const struct file *file)
{
	const struct queue *queue = &queues[slot_of(file)];

	return (int16_t)((queue->count ? POLLIN | POLLRDNORM : 0) |
			 (queue->count < queue->max_messages
				  ? POLLOUT | POLLWRNORM
				  : 0));
}

void mqueue_wakeups(const struct file *file, uint64_t wakeups[2])
{
	wakeups[0] = queues[slot_of(file)].sends;
	wakeups[1] = queues[slot_of(file)].receives;
}

long mqueue_path(const struct file *file, char *out, uint64_t size)
{
	return (long)print_format_to(out, size, "/%s",
				     queues[slot_of(file)].name);
}
