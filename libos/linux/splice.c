/*
 * sendfile, splice, tee and vmsplice: bytes moved between two
 * descriptions through the libOS's own buffer, a piece at a time, never
 * through the app's memory (vmsplice is a readv or writev of a pipe).
 *
 * Which descriptions take part is Linux's rule (6.x): a source is one
 * Linux can splice from (a regular file, /dev/zero, /dev/full, the
 * random devices, a socket), a destination one it can splice to (a
 * regular file not opened with O_APPEND, /dev/null, /dev/zero, the
 * random devices, the console, a socket, a pipe). splice needs a pipe at
 * one end at least, tee at both; sendfile's source is never a pipe, and
 * is a socket only when a pipe is the destination. Anything else is
 * -EINVAL, as on Linux. A regular file as both sendfile's source and
 * destination is copied as copy_file_range copies (holes stay holes).
 *
 * Waiting. A call moves what it can. When its source has nothing yet,
 * or its destination no room, it returns what it moved; or -EAGAIN when
 * that side may not wait (its O_NONBLOCK; for a pipe also
 * SPLICE_F_NONBLOCK, and for a socket source); or waits as a pipe's read
 * does (sched_wait_for_input) and runs again, with what it moved so far
 * in the thread's call_done. A blocking socket as the destination takes
 * everything before the call returns, as a send does. Offsets move as
 * bytes go, so a signal that ends a wait leaves them right for the count
 * the call returns. SO_SNDTIMEO and SO_RCVTIMEO do not limit a wait
 * here.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "lib/string.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/pipe.h"
#include "linux/random.h"
#include "linux/socket.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define PIECE (16 << 10)

#define SPLICE_F_NONBLOCK 0x02
#define SPLICE_F_ALL      0x0f /* MOVE, NONBLOCK, MORE, GIFT */

/* One end of a move. */
struct side {
	struct file *file;
	uint64_t offset; /* where the next byte is, for what has an offset */
	bool may_wait;
};

static bool is_source(const struct file *file)
{
	return file->kind == FILE_REGULAR || file->kind == FILE_SOCKET ||
	       file->kind == FILE_ZERO || file->kind == FILE_FULL ||
	       file->kind == FILE_RANDOM;
}

/* The destinations that take every byte without looking at it. */
static bool discards(const struct file *file)
{
	return file->kind == FILE_NULL || file->kind == FILE_ZERO ||
	       file->kind == FILE_RANDOM;
}

static bool is_destination(const struct file *file)
{
	return discards(file) || file->kind == FILE_CONSOLE ||
	       file->kind == FILE_SOCKET || file->kind == FILE_PIPE ||
	       (file->kind == FILE_REGULAR && !(file->flags & O_APPEND));
}

/* A side of `file` from `offset`. A pipe, and a socket as the source,
 * wait unless splice's SPLICE_F_NONBLOCK (sendfile's flags are 0); a
 * socket as the destination waits as its sends do; nothing else waits.
 * O_NONBLOCK keeps any from waiting. */
static struct side side_of(struct file *file, uint64_t offset,
			   uint32_t flags, bool source)
{
	bool waits = file->kind == FILE_SOCKET;

	if (file->kind == FILE_PIPE || (file->kind == FILE_SOCKET && source))
		waits = !(flags & SPLICE_F_NONBLOCK);
	return (struct side){ file, offset,
			      waits && !(file->flags & O_NONBLOCK) };
}

/* Up to length bytes of the source into buffer, from its `skip`th
 * unread byte for a pipe (tee's, which keeps them), leaving the source
 * as it is but for a socket, whose bytes are taken: a count, 0 at the
 * end, -EAGAIN for nothing yet, or an error. */
static long source_peek(const struct side *from, uint64_t skip,
			uint8_t *buffer, uint64_t length)
{
	const struct file *file = from->file;

	switch (file->kind) {
	case FILE_REGULAR: {
		uint64_t size = files_size(file->node);

		if (from->offset >= size)
			return 0;
		if (length > size - from->offset)
			length = size - from->offset;
		files_read_bytes(file->node, from->offset, buffer, length);
		return (long)length;
	}
	case FILE_PIPE:
		return pipe_peek(file, skip, buffer, length);
	case FILE_SOCKET:
		return socket_get(from->file, buffer, length);
	case FILE_RANDOM:
		random_bytes(buffer, length);
		return (long)length;
	default:
		memset(buffer, 0, length);
		return (long)length;
	}
}

static long destination_put(struct side *to, const uint8_t *buffer,
			    uint64_t length)
{
	struct file *file = to->file;
	long count;

	switch (file->kind) {
	case FILE_REGULAR:
		count = files_write_bytes(file->node, to->offset, buffer,
					  length);
		break;
	case FILE_PIPE:
		return pipe_put(file, buffer, length);
	case FILE_SOCKET:
		return socket_put(file, buffer, length);
	case FILE_CONSOLE:
		return console_write(buffer, length);
	default:
		count = (long)length;
	}
	if (count > 0)
		to->offset += (uint64_t)count;
	return count;
}

/* Up to count bytes from `from` to `to`; `keep`: tee's, which leaves
 * the source's bytes. The count, an error, -EAGAIN, or SYSCALL_NO_RESULT
 * after a wait (the file comment). */
static long move(struct side *from, struct side *to, uint64_t count,
		 bool keep)
{
	static uint8_t buffer[PIECE];
	struct thread *self = sched_current();
	uint64_t done = self->call_again ? self->call_done : 0;
	const struct side *stuck = NULL;

	self->call_done = 0;
	if (discards(to->file) && from->file->kind != FILE_PIPE &&
	    from->file->kind != FILE_SOCKET) {
		if (from->file->kind == FILE_REGULAR) {
			uint64_t size = files_size(from->file->node);

			count = from->offset >= size ? 0
				: count < size - from->offset
					? count : size - from->offset;
		}
		from->offset += count;
		to->offset += count;
		return (long)count;
	}
	/* Linux looks for a reader before it reads a source that is no
	 * pipe (a pipe's emptiness comes first). */
	if (to->file->kind == FILE_PIPE && from->file->kind != FILE_PIPE) {
		long readers = pipe_put(to->file, buffer, 0);

		if (readers < 0)
			return done ? (long)done : readers;
	}
	while (done < count && stuck == NULL) {
		uint64_t length = count - done < PIECE ? count - done : PIECE;

		/* A socket's bytes, once taken, must all go in. */
		if (from->file->kind == FILE_SOCKET &&
		    pipe_room(to->file) < length)
			length = pipe_room(to->file);
		long got = length ? source_peek(from, keep ? done : 0,
						buffer, length)
				  : -EAGAIN;

		if (got == -EAGAIN) {
			stuck = length ? from : to;
			break;
		}
		if (got <= 0)
			return done ? (long)done : got;
		long put = destination_put(to, buffer, (uint64_t)got);

		if (put == -EAGAIN) {
			stuck = to;
			break;
		}
		if (put < 0)
			return done ? (long)done : put;
		if (from->file->kind == FILE_PIPE && !keep)
			pipe_consume(from->file, (uint64_t)put);
		from->offset += (uint64_t)put;
		done += (uint64_t)put;
		if (put < got)
			stuck = to;
	}
	if (stuck == NULL)
		return (long)done;
	if (!stuck->may_wait)
		return done ? (long)done : -EAGAIN;
	if (done && !(stuck == to && to->file->kind == FILE_SOCKET))
		return (long)done;
	self->call_done = done;
	sched_wait_for_input(WAIT_POLL, 0);
	return SYSCALL_NO_RESULT;
}

/* A side's offset back where it lives: the app's (when it gave one) or
 * the description's (when it has one). */
static void put_offset(const struct side *side, uint64_t *given)
{
	if (given)
		*given = side->offset;
	else if (io_seekable(side->file))
		side->file->position = side->offset;
}

long sys_sendfile(struct wk_regs *regs)
{
	uint64_t *given = (uint64_t *)regs->rdx;
	uint64_t count = regs->r10 < RW_MAX ? regs->r10 : RW_MAX;

	if (given && !vm_user_ok(regs->rdx, 8, PROT_READ | PROT_WRITE))
		return -EFAULT;
	struct file *in = io_file_for(regs->rsi, O_RDONLY);

	if (in == NULL)
		return -EBADF;
	if (given && !io_seekable(in))
		return -ESPIPE;
	uint64_t start = given ? *given : in->position;

	if ((int64_t)start < 0)
		return -EINVAL;
	struct file *out = io_file_for(regs->rdi, O_WRONLY);

	if (out == NULL)
		return -EBADF;
	if (!is_source(in) ||
	    (in->kind == FILE_SOCKET && out->kind != FILE_PIPE) ||
	    (out->kind == FILE_REGULAR && (out->flags & O_APPEND)))
		return -EINVAL;
	/* Linux finds a destination it cannot write when the first bytes
	 * go: there are none at a file's end. */
	if (!is_destination(out))
		return count && (in->kind != FILE_REGULAR ||
				 start < files_size(in->node))
			       ? -EINVAL : 0;
	struct side from = side_of(in, start, 0, true);
	struct side to = side_of(out, out->position, 0, false);
	long result;

	if (in->kind == FILE_REGULAR && out->kind == FILE_REGULAR) {
		uint64_t size = files_size(in->node);

		count = start >= size ? 0
			: count < size - start ? count : size - start;
		result = files_copy(out->node, out->position, in->node, start,
				    count);
		if (result > 0) {
			from.offset += (uint64_t)result;
			to.offset += (uint64_t)result;
		}
	} else {
		result = move(&from, &to, count, false);
	}
	put_offset(&from, given);
	put_offset(&to, NULL);
	return result;
}

/* splice's and tee's pipes: whether two descriptions are of one pipe
 * (io.h: one object). */
static bool same_pipe(const struct file *a, const struct file *b)
{
	return a->node == b->node && io_object_slot(a) == io_object_slot(b);
}

long sys_splice(struct wk_regs *regs)
{
	uint64_t *in_given = (uint64_t *)regs->rsi;
	uint64_t *out_given = (uint64_t *)regs->r10;
	uint64_t count = regs->r8 < RW_MAX ? regs->r8 : RW_MAX;
	uint32_t flags = (uint32_t)regs->r9;

	if (regs->r8 == 0)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *in = io_file(regs->rdi);
	struct file *out = in ? io_file(regs->rdx) : NULL;

	if (out == NULL)
		return -EBADF;
	bool in_pipe = in->kind == FILE_PIPE, out_pipe = out->kind == FILE_PIPE;

	if ((in_pipe && in_given) || (out_pipe && out_given))
		return -ESPIPE;
	if ((out_given &&
	     !vm_user_ok(regs->r10, 8, PROT_READ | PROT_WRITE)) ||
	    (in_given && !vm_user_ok(regs->rsi, 8, PROT_READ | PROT_WRITE)))
		return -EFAULT;
	if (!io_file_for(regs->rdi, O_RDONLY) ||
	    !io_file_for(regs->rdx, O_WRONLY))
		return -EBADF;
	if (in_pipe && out_pipe) {
		if (same_pipe(in, out))
			return -EINVAL;
		if ((in->flags | out->flags) & O_NONBLOCK)
			flags |= SPLICE_F_NONBLOCK;
	} else if (in_pipe) {
		if ((out_given && !io_seekable(out)) || !is_destination(out))
			return -EINVAL;
	} else if (out_pipe) {
		if ((in_given && !io_seekable(in)) || !is_source(in))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	struct side from = side_of(in, in_given ? *in_given : in->position,
				   flags, true);
	struct side to = side_of(out, out_given ? *out_given : out->position,
				 flags, false);

	if ((int64_t)from.offset < 0 || (int64_t)to.offset < 0)
		return -EINVAL;
	long result = move(&from, &to, count, false);

	put_offset(&from, in_given);
	put_offset(&to, out_given);
	return result;
}

long sys_tee(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->r10;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (regs->rdx == 0)
		return 0;
	struct file *in = io_file_for(regs->rdi, O_RDONLY);
	struct file *out = io_file_for(regs->rsi, O_WRONLY);

	if (in == NULL || out == NULL)
		return -EBADF;
	if (in->kind != FILE_PIPE || out->kind != FILE_PIPE ||
	    same_pipe(in, out))
		return -EINVAL;
	if ((in->flags | out->flags) & O_NONBLOCK)
		flags |= SPLICE_F_NONBLOCK;
	struct side from = side_of(in, 0, flags, true);
	struct side to = side_of(out, 0, flags, false);

	return move(&from, &to, regs->rdx < RW_MAX ? regs->rdx : RW_MAX,
		    true);
}

/* vmsplice: writev into a pipe through a description that writes, else
 * readv from it. Only SPLICE_F_NONBLOCK keeps it from waiting: the
 * pipe's own O_NONBLOCK does not, as on Linux, so the call sees the
 * description without it. */
long sys_vmsplice(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->r10;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *file = io_file(regs->rdi);

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	struct file view = *file;

	view.flags &= ~(uint32_t)O_NONBLOCK;
	return io_vector(&view, regs->rsi, regs->rdx,
			 (file->flags & O_ACCMODE) != O_RDONLY,
			 !(flags & SPLICE_F_NONBLOCK),
			 file->kind == FILE_PIPE ? 0 : -EBADF);
}
