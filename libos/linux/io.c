/*
 * Descriptors and open file descriptions. Each descriptor names a
 * description (struct file, io.h): what open made, with its access mode,
 * status flags and directory position; dup, dup2, dup3 and fcntl's
 * F_DUPFD make more descriptors of the same description, as on Linux, so
 * O_NONBLOCK set through one holds for all. 0, 1 and 2 start as one
 * description of the serial console, open for reading and writing as a
 * terminal's inherited descriptors are. The names open finds are in
 * linux/files.c; what a read or write does depends on the kind:
 *
 *   console    console.h: line discipline, waits for input
 *   null       reads end at once; writes take everything
 *   zero, full reads give zeros; writes take everything (zero) or fail
 *              with -ENOSPC (full)
 *   random     reads give random.h's bytes; writes take everything
 *   directory  reads fail with -EISDIR (getdents64 lists it)
 *   regular    a file of the tree (linux/files.c): bytes at the
 *              offset, read and written; O_APPEND writes at the end
 *   pipe       linux/pipe.c (a pipe() end, or a FIFO's)
 *   eventfd    linux/eventfd.c
 *   epoll      linux/poll.c: no read or write (-EINVAL)
 *   timerfd    linux/timers.c: reads its expirations; no write (-EINVAL)
 *   signalfd   linux/signalfd.c: reads pending signals; no write
 *              (-EINVAL)
 *   inotify    linux/inotify.c: reads its events; no write (-EINVAL)
 *
 * A device read gives at most DEVICE_READ_MAX bytes, a short read as a
 * character device may give, so that one call never makes gigabytes of
 * the app's memory present.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "lib/string.h"
#include "linux/eventfd.h"
#include "linux/inotify.h"
#include "linux/async_io.h"
#include "linux/interfaces.h"
#include "linux/mqueue.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/pipe.h"
#include "linux/socket.h"
#include "linux/procfs.h"
#include "linux/random.h"
#include "linux/record_locks.h"
#include "linux/signalfd.h"
#include "linux/syscalls.h"
#include "linux/timers.h"
#include "libos.h"
#include "mm/vm.h"
#include "options.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "terminal.h"

#define FDS_MAX 4096 /* RLIMIT_NOFILE's hard limit (process.c) */
#define IOV_MAX 1024
#define DEVICE_READ_MAX (1 << 20)
#define USER_HALF_END UINT64_C(0x00007ffffffff000) /* Linux's TASK_SIZE */

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define F_ADD_SEALS     1033
#define F_GET_SEALS     1034
#define F_SETPIPE_SZ    1031
#define F_GETPIPE_SZ    1032
#define LOCK_SH         1
#define LOCK_EX         2
#define LOCK_NB         4
#define LOCK_UN         8
#define FD_CLOEXEC      1

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCSCTTY  0x540e
#define TIOCGPGRP  0x540f
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541b
#define SIOCATMARK 0x8905
#define FIONBIO    0x5421
#define TIOCGSID   0x5429
#define FIONCLEX   0x5450
#define FIOCLEX    0x5451
#define FIOASYNC   0x5452

/* The status flags F_SETFL changes (others it ignores, as Linux does
 * the rest on these files; O_ASYNC's signals: linux/async_io.c). */
#define STATUS_FLAGS (O_NONBLOCK | O_APPEND | O_ASYNC)

struct winsize {
	uint16_t rows, columns, x_pixels, y_pixels;
};

/* Each descriptor's state: FD_OPEN, FD_CLOEXEC as fcntl sets it, and its
 * description; or FD_RESERVED alone, a number an open that waits (a
 * FIFO's) has taken, as Linux takes it before the open starts, and that
 * is no descriptor yet. There are no more live descriptions than
 * descriptors but for those that descriptors in flight hold
 * (io_reference). */
#define FD_OPEN 0x80
#define FD_RESERVED 0x40
static uint8_t fd_state[FDS_MAX];
static uint16_t fd_file[FDS_MAX];
static struct file files[FDS_MAX];
static struct winsize window = { 24, 80, 0, 0 };

/* Every descriptor below this one is in use (Linux's next_fd): a search
 * for the lowest free one starts there, not at 0. */
static uint64_t used_below;

static void fd_freed(uint64_t fd)
{
	fd_state[fd] = 0;
	if (fd < used_below)
		used_below = fd;
}

/* The same for the descriptions: every one below this one is live. */
static unsigned files_used_below;

void io_init(void)
{
	files[0] = (struct file){ .references = 3, .flags = O_RDWR,
				  .node = NODE_TTYS0, .kind = FILE_CONSOLE };
	files_hold(NODE_TTYS0);
	for (unsigned fd = 0; fd < 3; fd++)
		fd_state[fd] = FD_OPEN; /* of files[0] */
	/* The size of the terminal a person looks at, when the command line
	 * says which (options.h, wicket.winsize), or when the screen is the
	 * only one (a PC without a serial port). */
	bool screen_alone = !libos_has_device(WK_DEVICE_SERIAL);

	if (options.winsize_rows)
		window = (struct winsize){ (uint16_t)options.winsize_rows,
					   (uint16_t)options.winsize_columns,
					   0, 0 };
	else if ((options.winsize_screen || screen_alone) && terminal_active())
		window = (struct winsize){ libos_info->screen_rows,
					   libos_info->screen_columns, 0, 0 };
}

struct file *io_file(uint64_t fd)
{
	if (fd >= FDS_MAX || !(fd_state[fd] & FD_OPEN))
		return NULL;
	return &files[fd_file[fd]];
}

struct file *io_file_for(uint64_t fd, uint32_t want)
{
	struct file *file = io_file(fd);

	if (file == NULL || (file->flags & O_PATH))
		return NULL;
	uint32_t mode = file->flags & O_ACCMODE;

	return mode == O_RDWR || mode == want ? file : NULL;
}

static long write_console(uint64_t buffer, uint64_t length)
{
	if (!vm_user_ok(buffer, length, PROT_READ))
		return -EFAULT;
	return console_write((const void *)buffer, length);
}

/* Through a bounce buffer, so that only the bytes read are checked (and
 * made present) in the app's buffer, however large it says it is. */
static long read_console(uint64_t buffer, uint64_t length)
{
	static char bounce[4096];
	uint64_t wanted = length < sizeof(bounce) ? length : sizeof(bounce);

	if (!vm_user_ok(buffer, wanted ? 1 : 0, PROT_WRITE))
		return -EFAULT;
	long count = console_read(bounce, wanted);

	if (count <= 0)
		return count;
	if (!vm_user_ok(buffer, (uint64_t)count, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)buffer, bounce, (size_t)count);
	return count;
}

/* zero, full and random: up to DEVICE_READ_MAX bytes of their kind. */
static long read_device(const struct file *file, uint64_t buffer,
			uint64_t length)
{
	if (length > DEVICE_READ_MAX)
		length = DEVICE_READ_MAX;
	if (!vm_user_ok(buffer, length, PROT_WRITE))
		return -EFAULT;
	if (file->kind == FILE_RANDOM)
		random_bytes((void *)buffer, length);
	else
		memset((void *)buffer, 0, length);
	return (long)length;
}

/* Nothing to read yet: unless O_NONBLOCK (-EAGAIN) or raw mode's VMIN 0
 * (0 at once, or once VTIME has passed: console_wait_deciseconds) says
 * otherwise, the thread waits for input (sched_wait_for_input), then its
 * call runs again, with the deadline its first run computed. A signal
 * ends the wait with -EINTR, or restarts the call under SA_RESTART. */
static long wait_for_input(const struct file *file)
{
	long deciseconds = console_wait_deciseconds();
	uint64_t deadline = 0;

	if (file->flags & O_NONBLOCK)
		return -EAGAIN;
	if (deciseconds == 0)
		return 0;
	if (deciseconds > 0) {
		deadline = sched_call_deadline(
			rdtsc() + (uint64_t)deciseconds *
					  (libos_info->tsc_frequency_hz / 10));
		if (rdtsc() >= deadline)
			return 0;
	}
	sched_wait_for_input(WAIT_POLL, deadline);
	return SYSCALL_NO_RESULT;
}

/* A regular file's bytes from offset on, up to length. */
static long read_regular(const struct file *file, uint64_t offset,
			 uint64_t buffer, uint64_t length)
{
	uint64_t size = files_size(file->node);

	if (offset >= size)
		return 0;
	if (length > size - offset)
		length = size - offset;
	if (length > RW_MAX)
		length = RW_MAX;
	if (!vm_user_ok(buffer, length, PROT_WRITE))
		return -EFAULT;
	files_read_bytes(file->node, offset, (void *)buffer, length);
	if (length)
		files_notify(file->node, IN_ACCESS);
	return (long)length;
}

/* Linux's first check of a read or write buffer, before the file sees
 * it: the range lies in the user half (not whether it is mapped). */
static bool in_user_half(uint64_t buffer, uint64_t length)
{
	return length <= USER_HALF_END && buffer <= USER_HALF_END - length;
}

/* One read from a description that may be read; -EAGAIN from the console
 * means it would wait. A pipe waits itself, if may_wait (pipe.h). */
static long read_file(struct file *file, uint64_t buffer,
		      uint64_t length, bool may_wait)
{
	long count;

	if (!in_user_half(buffer, length))
		return -EFAULT;
	switch (file->kind) {
	case FILE_REGULAR:
	case FILE_GENERATED:
		count = file->kind == FILE_REGULAR
			? read_regular(file, file->position, buffer, length)
			: procfs_read(file, file->position, buffer, length);
		if (count > 0)
			file->position += (uint64_t)count;
		return count;
	case FILE_CONSOLE:
		return read_console(buffer, length);
	case FILE_PIPE:
		return pipe_read(file, buffer, length, may_wait);
	case FILE_SOCKET: {
		struct iovec piece = { buffer, length };

		return socket_transfer(file, (uint64_t)&piece, 1, false);
	}
	case FILE_EVENTFD:
		return eventfd_read(file, buffer, length, may_wait);
	case FILE_TIMERFD:
		return timerfd_read(file, buffer, length, may_wait);
	case FILE_SIGNALFD:
		return signalfd_read(file, buffer, length, may_wait);
	case FILE_INOTIFY:
		return inotify_read(file, buffer, length, may_wait);
	case FILE_MQUEUE:
		count = mqueue_read(file, file->position & 0xffffffff, buffer,
				    length);
		if (count > 0)
			file->position += (uint64_t)count;
		return count;
	case FILE_EPOLL:
		return -EINVAL;
	case FILE_NULL:
		return 0;
	case FILE_DIRECTORY:
		return -EISDIR;
	default:
		return read_device(file, buffer, length);
	}
}

/* One write to a description that may be written (never a directory:
 * open refuses those for writing). As on Linux, the devices that take
 * everything do not look at the buffer. */
static long write_file(struct file *file, uint64_t buffer,
		       uint64_t length, bool may_wait)
{
	long count;

	if (!in_user_half(buffer, length))
		return -EFAULT;
	switch (file->kind) {
	case FILE_REGULAR:
		if (file->flags & O_APPEND)
			file->position = files_size(file->node);
		count = files_write(file->node, file->position, buffer,
				    length);
		if (count > 0)
			file->position += (uint64_t)count;
		return count;
	case FILE_GENERATED:
		return procfs_write(file, buffer, length);
	case FILE_CONSOLE:
		return write_console(buffer, length);
	case FILE_PIPE:
		return pipe_write(file, buffer, length, may_wait);
	case FILE_SOCKET: {
		struct iovec piece = { buffer, length };

		return socket_transfer(file, (uint64_t)&piece, 1, true);
	}
	case FILE_EVENTFD:
		return eventfd_write(file, buffer, length, may_wait);
	case FILE_EPOLL:
	case FILE_TIMERFD:
	case FILE_SIGNALFD:
	case FILE_INOTIFY:
	case FILE_MQUEUE:
		return -EINVAL;
	case FILE_FULL:
		return -ENOSPC;
	default:
		return (long)length;
	}
}

long sys_write(struct wk_regs *regs)
{
	struct file *file = io_file_for(regs->rdi, O_WRONLY);

	return file ? write_file(file, regs->rsi, regs->rdx, true) : -EBADF;
}

long sys_read(struct wk_regs *regs)
{
	struct file *file = io_file_for(regs->rdi, O_RDONLY);

	if (file == NULL)
		return -EBADF;
	long result = read_file(file, regs->rsi, regs->rdx, true);

	return result == -EAGAIN && file->kind == FILE_CONSOLE
		       ? wait_for_input(file)
		       : result;
}

/* Eventfds, timerfds and signalfds stay at 0 whatever lseek asks, as
 * Linux's do. */
static bool fixed_at_zero(const struct file *file)
{
	return file->kind == FILE_EVENTFD || file->kind == FILE_TIMERFD ||
	       file->kind == FILE_SIGNALFD || file->kind == FILE_INOTIFY;
}

bool io_seekable(const struct file *file)
{
	return file->kind != FILE_CONSOLE && file->kind != FILE_PIPE &&
	       file->kind != FILE_EPOLL && file->kind != FILE_SOCKET &&
	       !fixed_at_zero(file);
}

/* pread64 and pwrite64: a regular file reads at the offset; the other
 * seekable ones ignore it. */
static struct file *positioned(uint64_t fd, int64_t offset, uint32_t want,
			       long *error)
{
	struct file *file = io_file_for(fd, want);

	*error = offset < 0               ? -EINVAL
		 : file == NULL           ? -EBADF
		 : !io_seekable(file)     ? -ESPIPE
					  : 0;
	return *error ? NULL : file;
}

long io_read_text(const char *text, uint64_t size, uint64_t offset,
		  uint64_t buffer, uint64_t length)
{
	if (offset >= size)
		return 0;
	if (length > size - offset)
		length = size - offset;
	if (!vm_user_ok(buffer, length, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)buffer, text + offset, length);
	return (long)length;
}

/* One positioned transfer (pread64, pwrite64, preadv, pwritev) on a
 * description `positioned` accepted. */
static long read_at(struct file *file, uint64_t offset, uint64_t buffer,
		    uint64_t length)
{
	if (file->kind == FILE_MQUEUE)
		return mqueue_read(file, offset, buffer, length);
	if (file->kind != FILE_REGULAR && file->kind != FILE_GENERATED)
		return read_file(file, buffer, length, false);
	if (!in_user_half(buffer, length))
		return -EFAULT;
	return file->kind == FILE_REGULAR
		       ? read_regular(file, offset, buffer, length)
		       : procfs_read(file, offset, buffer, length);
}

static long write_at(struct file *file, uint64_t offset, uint64_t buffer,
		     uint64_t length)
{
	if (file->kind != FILE_REGULAR)
		return write_file(file, buffer, length, false);
	if (!in_user_half(buffer, length))
		return -EFAULT;
	/* O_APPEND appends whatever the offset says, as on Linux. */
	return files_write(file->node,
			   file->flags & O_APPEND ? files_size(file->node)
						  : offset,
			   buffer, length);
}

/* Whether a positioned transfer of length bytes at offset would pass the
 * largest offset (Linux's rw_verify_area: -EINVAL). */
static bool past_offsets(uint64_t offset, uint64_t length)
{
	return (int64_t)length < 0 || (int64_t)(offset + length) < 0;
}

long sys_pread64(struct wk_regs *regs)
{
	long error;
	struct file *file = positioned(regs->rdi, (int64_t)regs->r10,
				       O_RDONLY, &error);

	if (file && past_offsets(regs->r10, regs->rdx))
		return -EINVAL;
	return file ? read_at(file, regs->r10, regs->rsi, regs->rdx) : error;
}

long sys_pwrite64(struct wk_regs *regs)
{
	long error;
	struct file *file = positioned(regs->rdi, (int64_t)regs->r10,
				       O_WRONLY, &error);

	if (file && past_offsets(regs->r10, regs->rdx))
		return -EINVAL;
	return file ? write_at(file, regs->r10, regs->rsi, regs->rdx) : error;
}

/*
 * readv, writev and their positioned forms: the vector is checked first;
 * a transfer stops at the first short or failed piece, returning what was
 * done (or its error when nothing was). `offset` is where a positioned
 * call starts (the description's own offset stays), or -1 for the
 * description's offset; only the first piece may wait, and only if
 * `may_wait`. `late` is an error found before (preadv2's flags) that
 * Linux reports only once the vector is checked and not empty.
 */
static long vector_io(struct file *file, uint64_t vector, uint64_t count,
		      bool writing, int64_t offset, bool may_wait, long late)
{
	long done = 0;
	uint64_t total = 0;

	if (count > IOV_MAX)
		return -EINVAL;
	if (!vm_user_ok(vector, count * sizeof(struct iovec), PROT_READ))
		return -EFAULT;
	const struct iovec *iov = (const struct iovec *)vector;

	/* The total as Linux counts it: at most RW_MAX. */
	for (uint64_t i = 0; i < count; i++) {
		if ((int64_t)iov[i].length < 0)
			return -EINVAL;
		total += iov[i].length < RW_MAX - total ? iov[i].length
							: RW_MAX - total;
	}
	/* A kind with no read or write at all refuses even an empty
	 * vector (Linux's FMODE_CAN_READ, FMODE_CAN_WRITE). */
	if (file->kind == FILE_EPOLL ||
	    (writing && (file->kind == FILE_TIMERFD ||
			 file->kind == FILE_SIGNALFD ||
			 file->kind == FILE_INOTIFY ||
			 file->kind == FILE_MQUEUE)))
		return -EINVAL;
	if (total == 0)
		return 0;
	if (offset >= 0 && past_offsets((uint64_t)offset, total))
		return -EINVAL;
	if (late)
		return late;
	if (file->kind == FILE_SOCKET) /* one message, not one a piece */
		return socket_transfer(file, vector, count, writing);
	if (file->kind == FILE_EVENTFD && !writing) /* one counter */
		return eventfd_read_vector(file, iov, count, may_wait);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = (uint64_t)offset + (uint64_t)done;
		long result;

		/* An eventfd's writev writes piece by piece, an empty one
		 * too (Linux's plain write, no write_iter). */
		if (iov[i].length == 0 && file->kind != FILE_EVENTFD)
			continue;
		if (offset >= 0)
			result = writing ? write_at(file, at, iov[i].base,
						    iov[i].length)
					 : read_at(file, at, iov[i].base,
						   iov[i].length);
		else
			result = writing ? write_file(file, iov[i].base,
						      iov[i].length,
						      may_wait && done == 0)
					 : read_file(file, iov[i].base,
						     iov[i].length,
						     may_wait && done == 0);
		if (result == -EAGAIN && done == 0 && may_wait &&
		    file->kind == FILE_CONSOLE)
			return wait_for_input(file);
		if (result == SYSCALL_NO_RESULT) /* waits (done is 0) */
			return result;
		if (result < 0)
			return done ? done : result;
		done += result;
		if ((uint64_t)result < iov[i].length ||
		    (!writing && file->kind == FILE_CONSOLE))
			break; /* a console read returns what one line gave */
	}
	return done;
}

long io_vector(struct file *file, uint64_t vector, uint64_t count,
	       bool writing, bool may_wait, long late)
{
	return vector_io(file, vector, count, writing, -1, may_wait, late);
}

static long vector_call(struct wk_regs *regs, bool writing)
{
	struct file *file =
		io_file_for(regs->rdi, writing ? O_WRONLY : O_RDONLY);

	return file ? vector_io(file, regs->rsi, regs->rdx, writing, -1, true,
				0)
		    : -EBADF;
}

long sys_writev(struct wk_regs *regs)
{
	return vector_call(regs, true);
}

long sys_readv(struct wk_regs *regs)
{
	return vector_call(regs, false);
}

/* preadv and pwritev (the offset is R10 whole: on x86-64 Linux ignores
 * the high half in R8); with flags, preadv2 and pwritev2, where offset -1
 * is the description's own. RWF_HIPRI, RWF_DSYNC and RWF_SYNC change
 * nothing here (nothing is slow, nothing is cached); RWF_NOWAIT never
 * waits (a pipe's -EAGAIN); RWF_APPEND writes at the end. */
#define RWF_HIPRI  0x01
#define RWF_DSYNC  0x02
#define RWF_SYNC   0x04
#define RWF_NOWAIT 0x08
#define RWF_APPEND 0x10

static long positioned_vector(struct wk_regs *regs, bool writing,
			      bool with_flags, uint64_t flags)
{
	int64_t offset = (int64_t)regs->r10;
	long error, late = 0;

	if (flags & ~(uint64_t)(RWF_HIPRI | RWF_DSYNC | RWF_SYNC |
				RWF_NOWAIT | RWF_APPEND))
		late = -EOPNOTSUPP;
	if (offset == -1 && with_flags) {
		struct file *file =
			io_file_for(regs->rdi, writing ? O_WRONLY : O_RDONLY);

		if (file == NULL)
			return -EBADF;
		if (!late && writing && (flags & RWF_APPEND) &&
		    file->kind == FILE_REGULAR)
			file->position = files_size(file->node);
		return vector_io(file, regs->rsi, regs->rdx, writing, -1,
				 !(flags & RWF_NOWAIT), late);
	}
	struct file *file = positioned(regs->rdi, offset,
				       writing ? O_WRONLY : O_RDONLY, &error);

	if (file == NULL)
		return error;
	if (writing && (flags & RWF_APPEND) && file->kind == FILE_REGULAR)
		offset = (int64_t)files_size(file->node);
	return vector_io(file, regs->rsi, regs->rdx, writing, offset, false,
			 late);
}

long sys_preadv(struct wk_regs *regs)
{
	return positioned_vector(regs, false, false, 0);
}

long sys_pwritev(struct wk_regs *regs)
{
	return positioned_vector(regs, true, false, 0);
}

long sys_preadv2(struct wk_regs *regs)
{
	return positioned_vector(regs, false, true, (uint32_t)regs->r9);
}

long sys_pwritev2(struct wk_regs *regs)
{
	return positioned_vector(regs, true, true, (uint32_t)regs->r9);
}

uint64_t io_object_slot(const struct file *file)
{
	bool shared_node = file->node == NODE_PIPE ||
			   file->node == NODE_SOCKET;

	return shared_node ? (uint64_t)file->kind << 56 | file->position : 0;
}

static bool same_object(const struct file *a, const struct file *b)
{
	return a->node == b->node && io_object_slot(a) == io_object_slot(b);
}

/* Whether another description of file's object holds a flock that
 * `want` cannot share. */
static bool flock_conflicts(const struct file *file, uint8_t want)
{
	for (unsigned i = 0; i < FDS_MAX; i++) {
		const struct file *other = &files[i];

		if (other != file && other->references && other->flock &&
		    same_object(file, other) &&
		    (want == FLOCK_EXCLUSIVE ||
		     other->flock == FLOCK_EXCLUSIVE))
			return true;
	}
	return false;
}

/* A description lets its flock go: the threads waiting for one try
 * again. */
static void flock_drop(struct file *file)
{
	if (file->flock == FLOCK_NONE)
		return;
	file->flock = FLOCK_NONE;
	sched_wake_input_waiters();
}

/* A descriptor of file is gone, or a reference in flight; with the last
 * one, the description. */
static void release(struct file *file)
{
	if (--file->references) {
		if (file->kind == FILE_SOCKET) /* a cycle in flight may be left */
			socket_unreferenced(file);
		return;
	}
	if ((unsigned)(file - files) < files_used_below)
		files_used_below = (unsigned)(file - files);
	flock_drop(file);
	record_locks_released(file);
	if (!(file->flags & O_PATH) && file->node != NODE_PIPE &&
	    file->node != NODE_SOCKET && file->node != NODE_ANONYMOUS)
		files_notify(file->node, (file->flags & O_ACCMODE) == O_RDONLY
						 ? IN_CLOSE_NOWRITE
						 : IN_CLOSE_WRITE);
	files_drop(file->node);
	epoll_forget(file);
	async_forget(file);
	if (file->kind == FILE_PIPE)
		pipe_release(file);
	else if (file->kind == FILE_SOCKET)
		socket_release(file);
	else if (file->kind == FILE_EVENTFD)
		eventfd_release(file);
	else if (file->kind == FILE_TIMERFD)
		timerfd_release(file);
	else if (file->kind == FILE_SIGNALFD)
		signalfd_release(file);
	else if (file->kind == FILE_INOTIFY)
		inotify_release(file);
	else if (file->kind == FILE_MQUEUE)
		mqueue_release(file);
	else if (file->kind == FILE_EPOLL)
		epoll_release(file);
}

long io_close(uint64_t fd)
{
	struct file *file = io_file(fd);

	if (file == NULL)
		return -EBADF;
	fd_freed(fd);
	record_locks_closed(file);
	if (file->kind == FILE_MQUEUE) /* Linux's flush, at each close */
		mqueue_flush(file);
	release(file);
	return 0;
}

long sys_close(struct wk_regs *regs)
{
	return io_close(regs->rdi);
}

bool io_node_written(unsigned node)
{
	for (unsigned i = 0; i < FDS_MAX; i++)
		if (files[i].references && files[i].node == node &&
		    !(files[i].flags & O_PATH) &&
		    (files[i].flags & O_ACCMODE) != O_RDONLY)
			return true;
	return false;
}

void io_close_on_exec(void)
{
	for (uint64_t fd = 0; fd < FDS_MAX; fd++)
		if ((fd_state[fd] & FD_OPEN) && (fd_state[fd] & FD_CLOEXEC))
			io_close(fd);
}

/* close_range: the open descriptors from first to last (unsigned, up to
 * the table) closed, or with CLOSE_RANGE_CLOEXEC marked close-on-exec;
 * CLOSE_RANGE_UNSHARE has nothing to unshare (one process). */
#define CLOSE_RANGE_UNSHARE 2
#define CLOSE_RANGE_CLOEXEC 4

long sys_close_range(struct wk_regs *regs)
{
	uint32_t first = (uint32_t)regs->rdi, last = (uint32_t)regs->rsi;
	uint32_t flags = (uint32_t)regs->rdx;

	if ((flags & ~(uint32_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) ||
	    first > last)
		return -EINVAL;
	for (uint64_t fd = first; fd <= last && fd < FDS_MAX; fd++) {
		if (!(fd_state[fd] & FD_OPEN))
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			fd_state[fd] |= FD_CLOEXEC;
		else
			io_close(fd);
	}
	return 0;
}

/* How many descriptors there may be (RLIMIT_NOFILE, up to the table). */
static uint64_t fd_limit(void)
{
	uint64_t limit = process_open_files_limit();

	return limit < FDS_MAX ? limit : FDS_MAX;
}

/* new_fd (free) becomes a descriptor of files[index]. */
static long attach(uint64_t new_fd, unsigned index, bool close_on_exec)
{
	fd_state[new_fd] = FD_OPEN | (close_on_exec ? FD_CLOEXEC : 0);
	fd_file[new_fd] = (uint16_t)index;
	files[index].references++;
	return (long)new_fd;
}

/* The lowest free descriptor from `lowest` (neither open nor reserved),
 * or -EMFILE. */
static long free_fd(uint64_t lowest)
{
	uint64_t start = lowest > used_below ? lowest : used_below;

	for (uint64_t fd = start; fd < fd_limit(); fd++)
		if (fd_state[fd] == 0) {
			if (lowest <= used_below)
				used_below = fd;
			return (long)fd;
		}
	return -EMFILE;
}

bool io_room(void)
{
	return free_fd(0) >= 0;
}

long io_reserve(void)
{
	long fd = free_fd(0);

	if (fd >= 0)
		fd_state[fd] = FD_RESERVED;
	return fd;
}

void io_unreserve(uint64_t fd)
{
	if (fd < FDS_MAX && fd_state[fd] == FD_RESERVED)
		fd_freed(fd);
}

/* A new description of node in descriptor fd (free). */
static long open_in(uint64_t fd, enum file_kind kind, unsigned node,
		    uint64_t position, uint32_t flags, bool close_on_exec)
{
	for (unsigned i = files_used_below; i < FDS_MAX; i++) {
		if (files[i].references == 0) {
			files_used_below = i + 1;
			files[i] = (struct file){ .flags = flags,
						  .node = (uint16_t)node,
						  .kind = (uint8_t)kind,
						  .position = position };
			files_hold(node);
			return attach(fd, i, close_on_exec);
		}
	}
	return -ENFILE; /* descriptions in flight fill the table */
}

long io_open(enum file_kind kind, unsigned node, uint64_t position,
	     uint32_t flags, bool close_on_exec)
{
	long fd = free_fd(0);

	if (fd < 0)
		return fd;
	return open_in((uint64_t)fd, kind, node, position, flags,
		       close_on_exec);
}

long io_open_reserved(uint64_t fd, enum file_kind kind, unsigned node,
		      uint64_t position, uint32_t flags, bool close_on_exec)
{
	io_unreserve(fd);
	return open_in(fd, kind, node, position, flags, close_on_exec);
}

void io_reference(struct file *file)
{
	file->references++;
}

void io_drop(struct file *file)
{
	release(file);
}

long io_install(struct file *file, bool close_on_exec)
{
	long fd = free_fd(0);

	if (fd < 0)
		return fd;
	attach((uint64_t)fd, (unsigned)(file - files), close_on_exec);
	file->references--; /* the reference in flight became the descriptor */
	return fd;
}

/* A new descriptor of fd's description: the lowest free one from
 * `lowest`. */
static long duplicate(uint64_t fd, uint64_t lowest, bool close_on_exec)
{
	if (io_file(fd) == NULL)
		return -EBADF;
	long new_fd = free_fd(lowest);

	return new_fd < 0 ? new_fd : attach((uint64_t)new_fd, fd_file[fd],
					    close_on_exec);
}

/* dup2 and dup3: new_fd becomes a descriptor of fd's description, closed
 * first if it was open. */
static long duplicate_to(uint64_t fd, uint64_t new_fd, bool close_on_exec)
{
	struct file *old;

	if (io_file(fd) == NULL || new_fd >= fd_limit())
		return -EBADF;
	if (fd_state[new_fd] == FD_RESERVED)
		return -EBUSY; /* a waiting open's, as Linux answers */
	old = io_file(new_fd);
	/* attach first: a pipe end dup2'd over itself stays open */
	attach(new_fd, fd_file[fd], close_on_exec);
	if (old) {
		record_locks_closed(old);
		release(old);
	}
	return (long)new_fd;
}

long sys_dup(struct wk_regs *regs)
{
	return duplicate(regs->rdi, 0, false);
}

long sys_dup2(struct wk_regs *regs)
{
	/* The same descriptor twice: nothing to do, if it is open. */
	if (regs->rdi == regs->rsi)
		return io_file(regs->rdi) ? (long)regs->rdi : -EBADF;
	return duplicate_to(regs->rdi, regs->rsi, false);
}

long sys_dup3(struct wk_regs *regs)
{
	if (regs->rdx & ~(uint64_t)O_CLOEXEC || regs->rdi == regs->rsi)
		return -EINVAL;
	return duplicate_to(regs->rdi, regs->rsi, regs->rdx & O_CLOEXEC);
}

long sys_fcntl(struct wk_regs *regs)
{
	uint64_t fd = regs->rdi, argument = regs->rdx;
	struct file *file = io_file(fd);

	if (file == NULL)
		return -EBADF;
	switch ((uint32_t)regs->rsi) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (argument >= fd_limit())
			return -EINVAL;
		return duplicate(fd, argument,
				 (uint32_t)regs->rsi == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_state[fd] & FD_CLOEXEC;
	case F_SETFD:
		fd_state[fd] = FD_OPEN | (argument & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		/* Linux's open() adds O_LARGEFILE on x86-64, but not with
		 * O_PATH; pipes, sockets and the anonymous files (the nodes
		 * no path names) are made without it (a pipe that open
		 * made again through /proc/1/fd has it in its flags). */
		return file->flags | (file->node == NODE_PIPE ||
				      file->node == NODE_SOCKET ||
				      file->node == NODE_ANONYMOUS ||
				      (file->flags & O_PATH)
					      ? 0 : O_LARGEFILE);
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		return file->kind == FILE_PIPE
			       ? pipe_size(file, (uint32_t)regs->rsi ==
							 F_SETPIPE_SZ,
					   (uint32_t)argument)
			       : -EBADF;
	case F_SETFL:
		if (file->flags & O_PATH)
			return -EBADF;
		if ((file->flags ^ (uint32_t)argument) & O_ASYNC)
			async_enabled(file, fd, argument & O_ASYNC);
		file->flags = (file->flags & ~(uint32_t)STATUS_FLAGS) |
			      ((uint32_t)argument & STATUS_FLAGS);
		return 0;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		return files_seals(file, (uint32_t)regs->rsi == F_ADD_SEALS,
				   argument);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return record_lock(file, (uint32_t)regs->rsi, argument);
	default: {
		long answer = file->flags & O_PATH
				      ? -EBADF
				      : async_fcntl(file, fd,
						    (uint32_t)regs->rsi,
						    argument);

		return answer == -ENOIOCTLCMD ? -EINVAL : answer;
	}
	}
}

/*
 * flock: a lock on the whole object, held by the description (its dups
 * share it) until LOCK_UN or its last close. Two descriptions of one
 * object (two opens of a file) conflict when either lock is exclusive:
 * LOCK_NB says -EWOULDBLOCK, else the thread waits, and runs the call
 * again whenever a lock goes (a signal: -EINTR, or the call restarts
 * with SA_RESTART). As on Linux, converting a lock lets the old one go
 * first.
 */
long sys_flock(struct wk_regs *regs)
{
	struct file *file = io_file(regs->rdi);
	uint64_t operation = regs->rsi & ~(uint64_t)LOCK_NB;
	uint8_t want = operation == LOCK_EX ? FLOCK_EXCLUSIVE : FLOCK_SHARED;

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	if (operation == LOCK_UN) {
		flock_drop(file);
		return 0;
	}
	if (operation != LOCK_SH && operation != LOCK_EX)
		return -EINVAL;
	if (file->flock == want)
		return 0;
	flock_drop(file);
	if (flock_conflicts(file, want)) {
		if (regs->rsi & LOCK_NB)
			return -EAGAIN; /* EWOULDBLOCK */
		sched_wait_for_input(WAIT_POLL, 0);
		return SYSCALL_NO_RESULT;
	}
	file->flock = want;
	return 0;
}

/* The advice calls: checked, then nothing to do (memory is the storage,
 * and it is all read ahead). */
long sys_fadvise64(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	if (file->kind == FILE_PIPE)
		return -ESPIPE;
	return (int64_t)regs->rdx < 0 || regs->r10 > 5 ? -EINVAL : 0;
}

long sys_readahead(struct wk_regs *regs)
{
	const struct file *file = io_file_for(regs->rdi, O_RDONLY);

	if (file == NULL)
		return -EBADF;
	return file->kind == FILE_REGULAR ? 0 : -EINVAL;
}

long sys_sync_file_range(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	if ((int64_t)regs->rsi < 0 || (int64_t)regs->rdx < 0 ||
	    (regs->r10 & ~UINT64_C(7)))
		return -EINVAL;
	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	return file->kind == FILE_PIPE ? -ESPIPE : 0;
}

/* The console cannot seek; the devices stay at 0, as Linux's do; a
 * directory's position is the entry getdents64 lists next (rewinddir's
 * lseek to 0 included); a regular file's may go past its end, and
 * SEEK_DATA and SEEK_HOLE find its holes (files_seek_data). */
long sys_lseek(struct wk_regs *regs)
{
	struct file *file = io_file(regs->rdi);
	int64_t offset = (int64_t)regs->rsi;
	uint64_t size = 0;

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	if (fixed_at_zero(file))
		return 0;
	if (!io_seekable(file))
		return -ESPIPE;
	if (file->kind == FILE_MQUEUE)
		return mqueue_seek(file, offset, regs->rdx);
	if (file->kind == FILE_REGULAR)
		size = files_size(file->node);
	else if (file->kind != FILE_DIRECTORY &&
		 file->kind != FILE_GENERATED) /* size 0, as /proc's are */
		return 0;
	switch (regs->rdx) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		if (__builtin_add_overflow(offset, (int64_t)file->position,
					   &offset))
			return -EINVAL;
		break;
	case SEEK_END:
	case SEEK_DATA:
	case SEEK_HOLE:
		if (file->kind == FILE_DIRECTORY)
			return -EINVAL;
		if (regs->rdx == SEEK_END) {
			if (__builtin_add_overflow(offset, (int64_t)size,
						   &offset))
				return -EINVAL;
			break;
		}
		if (offset < 0)
			return -EINVAL;
		if ((uint64_t)offset >= size)
			return -ENXIO;
		if (file->kind != FILE_REGULAR)
			break;
		long found = files_seek_data(file->node, (uint64_t)offset,
					     regs->rdx == SEEK_DATA);

		if (found < 0)
			return found;
		offset = found;
		break;
	default:
		return -EINVAL;
	}
	if (offset < 0)
		return -EINVAL;
	file->position = (uint64_t)offset;
	return offset;
}

/* The requests Linux answers for every kind of file before the file's
 * own (fs/ioctl.c, do_vfs_ioctl): FIOCLEX and FIONCLEX (the descriptor's
 * close-on-exec flag), FIONBIO (O_NONBLOCK from a nonzero int; CPython's
 * os.set_blocking uses it) and FIOASYNC (checked, and nothing to do:
 * no SIGIO). -ENOIOCTLCMD for any other. */

static long common_ioctl(uint64_t fd, struct file *file, uint64_t request,
			 uint64_t argument)
{
	switch (request) {
	case FIOCLEX:
	case FIONCLEX:
		fd_state[fd] = FD_OPEN | (request == FIOCLEX ? FD_CLOEXEC : 0);
		return 0;
	case FIONBIO:
	case FIOASYNC:
		if (!vm_user_ok(argument, 4, PROT_READ))
			return -EFAULT;
		if (request == FIONBIO && *(const int32_t *)argument)
			file->flags |= O_NONBLOCK;
		else if (request == FIONBIO)
			file->flags &= ~(uint32_t)O_NONBLOCK;
		else if ((*(const int32_t *)argument != 0) !=
			 ((file->flags & O_ASYNC) != 0)) {
			long error = async_enabled(file, fd,
						   !(file->flags & O_ASYNC));

			if (error)
				return error;
			file->flags ^= O_ASYNC;
		}
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

long sys_ioctl(struct wk_regs *regs)
{
	uint64_t request = regs->rsi & 0xffffffff, argument = regs->rdx;
	struct file *file = io_file(regs->rdi);
	struct linux_termios termios;

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	long common = common_ioctl(regs->rdi, file, request, argument);

	if (common != -ENOIOCTLCMD)
		return common;
	/* Linux's netlink sockets have no FIONREAD. */
	if ((file->kind == FILE_PIPE || file->kind == FILE_REGULAR ||
	     (file->kind == FILE_SOCKET &&
	      socket_family(file) != AF_NETLINK) ||
	     file->kind == FILE_INOTIFY) &&
	    request == FIONREAD) {
		uint64_t size = 0;

		long unread = file->kind == FILE_SOCKET ? socket_unread(file)
							 : 0;

		if (unread < 0)
			return unread;
		if (!vm_user_ok(argument, 4, PROT_WRITE))
			return -EFAULT;
		if (file->kind == FILE_PIPE)
			size = pipe_unread(file);
		else if (file->kind == FILE_SOCKET)
			size = (uint64_t)unread;
		else if (file->kind == FILE_INOTIFY)
			size = inotify_unread(file);
		else if (file->kind == FILE_REGULAR &&
			 file->position < files_size(file->node))
			size = files_size(file->node) - file->position;
		else
			size = 0;
		*(int32_t *)argument = (int32_t)(size < INT32_MAX ? size
							       : INT32_MAX);
		return 0;
	}
	if (file->kind == FILE_SOCKET && request == SIOCATMARK &&
	    socket_at_mark(file) >= 0) {
		if (!vm_user_ok(argument, 4, PROT_WRITE))
			return -EFAULT;
		*(int32_t *)argument = (int32_t)socket_at_mark(file);
		return 0;
	}
	if (file->kind == FILE_SOCKET) {
		long answer = interfaces_ioctl(socket_family(file), request,
					       argument);

		return answer == -ENOIOCTLCMD ? -ENOTTY : answer;
	}
	if (file->kind != FILE_CONSOLE)
		return -ENOTTY;
	switch (request) {
	case TCGETS:
		if (!vm_user_ok(argument, sizeof(termios), PROT_WRITE))
			return -EFAULT;
		console_get_termios(&termios);
		memcpy((void *)argument, &termios, sizeof(termios));
		return 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		if (!vm_user_ok(argument, sizeof(termios), PROT_READ))
			return -EFAULT;
		memcpy(&termios, (const void *)argument, sizeof(termios));
		console_set_termios(&termios);
		return 0;
	case TIOCGWINSZ:
		if (!vm_user_ok(argument, sizeof(window), PROT_WRITE))
			return -EFAULT;
		memcpy((void *)argument, &window, sizeof(window));
		return 0;
	case TIOCSWINSZ:
		if (!vm_user_ok(argument, sizeof(window), PROT_READ))
			return -EFAULT;
		memcpy(&window, (const void *)argument, sizeof(window));
		return 0;
	/* The console is the controlling terminal of the one session, whose
	 * one process group is the foreground group (linux/process.c): a
	 * shell's job control finds itself in charge. */
	case TIOCGPGRP:
	case TIOCGSID:
		if (!vm_user_ok(argument, 4, PROT_WRITE))
			return -EFAULT;
		*(int32_t *)argument = LINUX_PID;
		return 0;
	case TIOCSPGRP: {
		int32_t group;

		if (!vm_user_ok(argument, 4, PROT_READ))
			return -EFAULT;
		memcpy(&group, (const void *)argument, 4);
		return group < 0 ? -EINVAL : group == LINUX_PID ? 0 : -ESRCH;
	}
	case TIOCSCTTY: /* a session leader's, and it is already */
		return 0;
	default:
		return -ENOTTY;
	}
}

/* kcmp: two of the one process's resources compared, as Linux's: the
 * descriptions of two descriptors (KCMP_FILE; an epoll instance's
 * watched one, KCMP_EPOLL_TFD), or the process's shared parts, which are
 * one (KCMP_VM to KCMP_SYSVSEM: 0). 0 for the same, else 1 or 2 by their
 * order in memory; -EBADF, -ESRCH (another pid), -EINVAL. */
#define KCMP_FILE      0
#define KCMP_SYSVSEM   6
#define KCMP_EPOLL_TFD 7

static bool ours(int32_t pid)
{
	return pid == LINUX_PID || (pid > 0 && thread_find(pid) != NULL);
}

long sys_kcmp(struct wk_regs *regs)
{
	uint64_t type = regs->rdx;
	const struct file *one, *other;

	if (!ours((int32_t)regs->rdi) || !ours((int32_t)regs->rsi))
		return -ESRCH;
	if (type == KCMP_FILE) {
		one = io_file(regs->r10);
		other = io_file(regs->r8);
	} else if (type == KCMP_EPOLL_TFD) {
		struct { uint32_t epoll, target, offset; } slot;

		if (!vm_user_ok(regs->r8, sizeof(slot), PROT_READ))
			return -EFAULT;
		memcpy(&slot, (const void *)regs->r8, sizeof(slot));
		one = io_file(regs->r10);
		other = epoll_target(slot.epoll, slot.target, slot.offset);
		if (one && io_file(slot.epoll) && other == NULL)
			return -ENOENT;
	} else if (type <= KCMP_SYSVSEM) {
		return 0;
	} else {
		return -EINVAL;
	}
	if (one == NULL || other == NULL)
		return -EBADF;
	return one == other ? 0 : one < other ? 1 : 2;
}
