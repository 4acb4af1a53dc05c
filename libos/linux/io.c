/*
 * File descriptors: 0, 1 and 2 are the console (console.h), open for
 * reading and writing as a terminal's are; there are no files yet. dup,
 * dup2, dup3 and fcntl's F_DUPFD make more descriptors of it; all of them
 * share one open file description, as a terminal's inherited 0, 1 and 2
 * do, so O_NONBLOCK set through one holds for all. A descriptor closed
 * stays closed until a dup reuses its number.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "lib/string.h"
#include "linux/io.h"
#include "linux/syscalls.h"
#include "libos.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define FDS_MAX 4096 /* RLIMIT_NOFILE's hard limit (process.c) */
#define IOV_MAX 1024

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1
#define O_RDWR          02
#define O_NONBLOCK      04000
#define O_LARGEFILE     0100000
#define O_CLOEXEC       02000000

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCGPGRP  0x540f
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414

struct iovec {
	uint64_t base, length;
};

struct winsize {
	uint16_t rows, columns, x_pixels, y_pixels;
};

/* Each descriptor's state: FD_OPEN, and FD_CLOEXEC as fcntl sets it. */
#define FD_OPEN 0x80
static uint8_t fds[FDS_MAX] = { FD_OPEN, FD_OPEN, FD_OPEN };
static bool nonblocking; /* the console's O_NONBLOCK */
static struct winsize window = { 24, 80, 0, 0 };

static bool is_console(uint64_t fd)
{
	return fd < FDS_MAX && (fds[fd] & FD_OPEN);
}

bool io_fd_is_open(uint64_t fd)
{
	return is_console(fd);
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

/* Nothing to read yet: unless O_NONBLOCK (-EAGAIN) or raw mode's VMIN 0
 * (0 at once, or once VTIME has passed: console_wait_deciseconds) says
 * otherwise, the thread waits for input (sched_wait_for_input), then its
 * call runs again, with the deadline its first run computed. A signal
 * ends the wait with -EINTR, or restarts the call under SA_RESTART. */
static long wait_for_input(void)
{
	long deciseconds = console_wait_deciseconds();
	uint64_t deadline = 0;

	if (nonblocking)
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

long sys_write(struct wk_regs *regs)
{
	if (!is_console(regs->rdi))
		return -EBADF;
	return write_console(regs->rsi, regs->rdx);
}

long sys_read(struct wk_regs *regs)
{
	if (!is_console(regs->rdi))
		return -EBADF;
	long result = read_console(regs->rsi, regs->rdx);

	return result == -EAGAIN ? wait_for_input() : result;
}

/* readv and writev: the vector is checked first; a transfer stops at the
 * first short or failed piece, returning what was done (or its error when
 * nothing was). */
static long vector_io(struct wk_regs *regs, bool writing)
{
	uint64_t vector = regs->rsi, count = regs->rdx;
	long done = 0;

	if (!is_console(regs->rdi))
		return -EBADF;
	if (count > IOV_MAX)
		return -EINVAL;
	if (!vm_user_ok(vector, count * sizeof(struct iovec), PROT_READ))
		return -EFAULT;
	const struct iovec *iov = (const struct iovec *)vector;

	for (uint64_t i = 0; i < count; i++)
		if ((int64_t)iov[i].length < 0)
			return -EINVAL;
	for (uint64_t i = 0; i < count; i++) {
		if (iov[i].length == 0)
			continue;
		long result = writing ? write_console(iov[i].base, iov[i].length)
				      : read_console(iov[i].base, iov[i].length);
		if (result == -EAGAIN && done == 0)
			return wait_for_input();
		if (result < 0)
			return done ? done : result;
		done += result;
		if ((uint64_t)result < iov[i].length || !writing)
			break; /* a read returns what one line gave */
	}
	return done;
}

long sys_writev(struct wk_regs *regs)
{
	return vector_io(regs, true);
}

long sys_readv(struct wk_regs *regs)
{
	return vector_io(regs, false);
}

long sys_close(struct wk_regs *regs)
{
	if (!is_console(regs->rdi))
		return -EBADF;
	fds[regs->rdi] = 0;
	return 0;
}

/* How many descriptors there may be (RLIMIT_NOFILE, up to the table). */
static uint64_t fd_limit(void)
{
	uint64_t limit = process_open_files_limit();

	return limit < FDS_MAX ? limit : FDS_MAX;
}

/* A new descriptor of the console: the lowest free one from `lowest`. */
static long duplicate(uint64_t fd, uint64_t lowest, bool close_on_exec)
{
	if (!is_console(fd))
		return -EBADF;
	for (uint64_t new_fd = lowest; new_fd < fd_limit(); new_fd++) {
		if (!(fds[new_fd] & FD_OPEN)) {
			fds[new_fd] = FD_OPEN | (close_on_exec ? FD_CLOEXEC : 0);
			return (long)new_fd;
		}
	}
	return -EMFILE;
}

/* dup2 and dup3: new_fd becomes a descriptor of the console, closed
 * first if it was open. */
static long duplicate_to(uint64_t fd, uint64_t new_fd, bool close_on_exec)
{
	if (!is_console(fd) || new_fd >= fd_limit())
		return -EBADF;
	fds[new_fd] = FD_OPEN | (close_on_exec ? FD_CLOEXEC : 0);
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
		return is_console(regs->rdi) ? (long)regs->rdi : -EBADF;
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

	if (!is_console(fd))
		return -EBADF;
	switch ((uint32_t)regs->rsi) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (argument >= fd_limit())
			return -EINVAL;
		return duplicate(fd, argument,
				 (uint32_t)regs->rsi == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fds[fd] & FD_CLOEXEC;
	case F_SETFD:
		fds[fd] = FD_OPEN | (argument & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return O_RDWR | O_LARGEFILE | (nonblocking ? O_NONBLOCK : 0);
	case F_SETFL: /* of the status flags only O_NONBLOCK means something
			 here (O_APPEND, O_ASYNC... are ignored) */
		nonblocking = argument & O_NONBLOCK;
		return 0;
	default:
		return -EINVAL;
	}
}

/* The one directory there is. */
long sys_getcwd(struct wk_regs *regs)
{
	if (regs->rsi < 2)
		return -ERANGE;
	if (!vm_user_ok(regs->rdi, 2, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)regs->rdi, "/", 2);
	return 2;
}

long sys_lseek(struct wk_regs *regs)
{
	return is_console(regs->rdi) ? -ESPIPE : -EBADF;
}

/* Linux's struct stat on x86-64 (144 bytes); the console is a character
 * device, ttyS0 (major 4, minor 64). */
struct linux_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat");

long sys_fstat(struct wk_regs *regs)
{
	struct linux_stat stat = { 0 };

	if (!is_console(regs->rdi))
		return -EBADF;
	if (!vm_user_ok(regs->rsi, sizeof(stat), PROT_WRITE))
		return -EFAULT;
	stat.dev = 5;
	stat.ino = 3;
	stat.nlink = 1;
	stat.mode = 0020000 | 0620; /* S_IFCHR, rw--w---- */
	stat.rdev = (4 << 8) | 64;
	stat.blksize = 1024;
	memcpy((void *)regs->rsi, &stat, sizeof(stat));
	return 0;
}

long sys_ioctl(struct wk_regs *regs)
{
	uint64_t request = regs->rsi & 0xffffffff, argument = regs->rdx;
	struct linux_termios termios;

	if (!is_console(regs->rdi))
		return -EBADF;
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
	case TIOCGPGRP:
		if (!vm_user_ok(argument, 4, PROT_WRITE))
			return -EFAULT;
		*(int32_t *)argument = LINUX_PID;
		return 0;
	default:
		return -ENOTTY;
	}
}
