/*
 * File descriptors: 0, 1 and 2 are the console (console.h), open for
 * reading and writing as a terminal's are; there are no files yet. A
 * closed descriptor stays closed (there is no open to bring it back).
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "errno.h"
#include "lib/string.h"
#include "linux/syscalls.h"
#include "libos.h"
#include "mm/vm.h"
#include "sched/sched.h"

#define CONSOLE_FDS 3
#define IOV_MAX 1024

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

static bool closed[CONSOLE_FDS];
static struct winsize window = { 24, 80, 0, 0 };

static bool is_console(uint64_t fd)
{
	return fd < CONSOLE_FDS && !closed[fd];
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

/* Nothing to read yet: the thread waits for the next input event, or,
 * where the kernel raises none, for a millisecond (a poll); then its call
 * runs again. A signal ends the wait with -EINTR, or restarts the call
 * under SA_RESTART. */
static long wait_for_input(void)
{
	uint64_t deadline = 0;

	if (!libos_has_device(WK_DEVICE_INPUT_EVENTS))
		deadline = rdtsc() + libos_info->tsc_frequency_hz / 1000;
	sched_block(WAIT_POLL, deadline, 0);
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
	closed[regs->rdi] = true;
	return 0;
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
