/*
 * Fast calls (fastcall.h). The handlers are the general ones
 * (linux/syscalls.h), limited to those that read no register but the
 * arguments, RAX and RIP: syscall_entry.S stores only those into the
 * thread's regs before the call, and the rest of the state only when the
 * call ends the general way. They run on the upcall stack, called by the
 * entry itself, as the general dispatcher's do; a thread's own fast-call
 * stack holds only fastcall_after and what suspends it.
 *
 * A fast call ends the general way (fastcall_finish: sched_resume with
 * the whole state) when a signal is deliverable at its end, which is
 * where Linux delivers one too. A call that waited to poll again (a read
 * of an empty pipe, say: sched_wait_for_input) runs again here when it
 * is woken, as sched_continue runs it, unless a signal is deliverable
 * first: then the general way delivers it, and ends or restarts the call
 * by the handler's SA_RESTART.
 */
#include "trap/fastcall.h"

#include "errno.h"
#include "layout.h"
#include "linux/signal.h"
#include "linux/syscall_list.h"
#include "linux/syscalls.h"
#include "sched/sched.h"

#define PINNED(field, offset) \
	_Static_assert(__builtin_offsetof(struct thread, field) == (offset), \
		       "syscall_entry.S: " #field)
PINNED(regs, 0);
PINNED(light_stack_top, THREAD_LIGHT_STACK_TOP);
PINNED(fast_app_rsp, THREAD_FAST_APP_RSP);
PINNED(state, THREAD_STATE);
PINNED(syscall_number, THREAD_SYSCALL_NUMBER);
PINNED(signals_blocked, THREAD_SIGNALS_BLOCKED);
PINNED(signals_pending, THREAD_SIGNALS_PENDING);
PINNED(light_rsp, THREAD_LIGHT_RSP);
PINNED(fpu_saved, THREAD_FPU_SAVED);
PINNED(queue_next, THREAD_QUEUE_NEXT);
PINNED(poll_restarting, THREAD_POLL_RESTARTING);
PINNED(fpu, THREAD_FPU);
PINNED(cpu_ticks, THREAD_CPU_TICKS);
#undef PINNED
_Static_assert(THREAD_RUNNING_STATE == THREAD_RUNNING &&
	       FASTCALL_DECLINED == SYSCALL_NO_RESULT + 1, "syscall_entry.S");

typedef long syscall_handler(struct wk_regs *regs);

/* syscall_entry.S: `then` on the upcall stack; the fast-call stack is
 * left as it is (the next fast call starts it afresh). */
__attribute__((noreturn)) void on_upcall_stack(void (*then)(void));

/* rt_sigreturn: the frame's whole state becomes the thread's, so the call
 * ends by resuming it (sched_continue), never through the fast exit. A
 * frame that cannot be taken back goes the general way, where the
 * SIGSEGV gets the whole state at the call. */
static long fast_rt_sigreturn(struct wk_regs *regs)
{
	struct thread *self = sched_current();
	/* The handler's RET popped pretcode: RSP is at the ucontext. */
	uint64_t rsp = self->fast_app_rsp + FASTCALL_APP_STACK_BYTES;

	if (!signal_return(self, rsp))
		return FASTCALL_DECLINED;
	__asm__ volatile("rdfsbase %0" : "=r"(regs->fs_base));
	on_upcall_stack(sched_continue);
}

/* syscall_entry.S reads it: NULL sends the number the general way. */
syscall_handler *fastcall_table[FASTCALL_LIMIT + 1];
static bool fastcall_enabled;

_Static_assert(LINUX_SYSCALL_LIMIT <= FASTCALL_LIMIT, "fastcall.h");

/* The waits that take a signal mask for their time (ppoll,
 * epoll_pwait) go the general way when given one: the mask is put back as
 * sched_continue delivers a signal, or as the call ends there. */
static long fast_ppoll(struct wk_regs *regs)
{
	return regs->r10 ? FASTCALL_DECLINED : sys_ppoll(regs);
}

static long fast_epoll_pwait(struct wk_regs *regs)
{
	return regs->r8 ? FASTCALL_DECLINED : sys_epoll_pwait(regs);
}

/* The memory calls that can take pages away, or zero or protect them, go
 * the general way when their range may reach the word where the entry
 * keeps the app's RFLAGS (the app's RSP - FASTCALL_APP_STACK_BYTES),
 * which the fast exit reads back with events masked. A page of slack on
 * either side: declining more than needed costs only time. */
static bool reaches_call_frame(uint64_t address, uint64_t length)
{
	uint64_t frame = sched_current()->fast_app_rsp;

	if (length > (1ull << 47) || address > (1ull << 47))
		return true; /* the general way answers */
	return address <= frame + 8 + PAGE_SIZE &&
	       address + length + PAGE_SIZE >= frame;
}

static long fast_mmap(struct wk_regs *regs)
{
	const uint64_t map_fixed = 0x10;

	if ((regs->r10 & map_fixed) && reaches_call_frame(regs->rdi, regs->rsi))
		return FASTCALL_DECLINED;
	return sys_mmap(regs);
}

static long fast_munmap(struct wk_regs *regs)
{
	return reaches_call_frame(regs->rdi, regs->rsi) ? FASTCALL_DECLINED
							: sys_munmap(regs);
}

static long fast_mprotect(struct wk_regs *regs)
{
	return reaches_call_frame(regs->rdi, regs->rsi) ? FASTCALL_DECLINED
							: sys_mprotect(regs);
}

static long fast_madvise(struct wk_regs *regs)
{
	return reaches_call_frame(regs->rdi, regs->rsi) ? FASTCALL_DECLINED
							: sys_madvise(regs);
}

/* Its old range (to the larger length) and any fixed new one. */
static long fast_mremap(struct wk_regs *regs)
{
	const uint64_t mremap_fixed = 2;
	uint64_t longer = regs->rsi > regs->rdx ? regs->rsi : regs->rdx;

	return reaches_call_frame(regs->rdi, longer) ||
			       ((regs->r10 & mremap_fixed) &&
				reaches_call_frame(regs->r8, regs->rdx))
		       ? FASTCALL_DECLINED
		       : sys_mremap(regs);
}

#define FAST(name) { LINUX_NR_##name, sys_##name }
#define FAST_WRAPPED(name) { LINUX_NR_##name, fast_##name }
static const struct {
	uint16_t number;
	syscall_handler *handler;
} fast[] = {
	FAST(rt_sigprocmask), FAST(sched_yield), FAST(nanosleep),
	FAST(getpid),         FAST(getppid),     FAST(gettid),
	FAST(tkill),          FAST(futex),       FAST(clock_gettime),
	FAST(clock_nanosleep), FAST(tgkill),
	{ LINUX_NR_rt_sigreturn, fast_rt_sigreturn },
	/* Descriptors and files. */
	FAST(read),    FAST(write),      FAST(readv),       FAST(writev),
	FAST(pread64), FAST(pwrite64),   FAST(preadv),      FAST(pwritev),
	FAST(lseek),   FAST(close),      FAST(fstat),       FAST(newfstatat),
	FAST(statx),   FAST(openat),     FAST(open),        FAST(access),
	FAST(faccessat), FAST(getdents64), FAST(fcntl),     FAST(ioctl),
	FAST(dup),     FAST(dup2),       FAST(dup3),        FAST(pipe2),
	FAST(eventfd2), FAST(readlink),  FAST(ftruncate),   FAST(fsync),
	/* Waiting for descriptors. */
	FAST(poll),    FAST(select),     FAST(epoll_wait),  FAST(epoll_ctl),
	{ LINUX_NR_ppoll, fast_ppoll },
	{ LINUX_NR_epoll_pwait, fast_epoll_pwait },
	/* Sockets. */
	FAST(socket),  FAST(bind),       FAST(listen),      FAST(connect),
	FAST(accept),  FAST(accept4),    FAST(shutdown),    FAST(sendto),
	FAST(recvfrom), FAST(sendmsg),   FAST(recvmsg),     FAST(sendmmsg),
	FAST(recvmmsg), FAST(getsockopt), FAST(setsockopt),
	FAST(getsockname), FAST(getpeername), FAST(sendfile), FAST(splice),
	FAST(socketpair),
	/* Memory. */
	FAST_WRAPPED(mmap), FAST_WRAPPED(munmap), FAST_WRAPPED(mprotect),
	FAST_WRAPPED(madvise), FAST_WRAPPED(mremap), FAST(msync),
	FAST(mincore),
	/* Paths. */
	FAST(stat),    FAST(lstat),      FAST(creat),       FAST(unlink),
	FAST(unlinkat), FAST(mkdir),     FAST(mkdirat),     FAST(rmdir),
	FAST(rename),  FAST(renameat),   FAST(renameat2),   FAST(chdir),
	FAST(fchdir),  FAST(getcwd),     FAST(statfs),      FAST(fstatfs),
	FAST(chmod),   FAST(fchmod),     FAST(fchmodat),    FAST(truncate),
	FAST(fdatasync), FAST(readlinkat), FAST(symlink),   FAST(symlinkat),
	FAST(link),    FAST(linkat),     FAST(utimensat),   FAST(umask),
	/* Identity, limits and the clock. */
	FAST(getuid),  FAST(geteuid),    FAST(getgid),      FAST(getegid),
	FAST(getpgrp), FAST(getpgid),    FAST(getsid),      FAST(getgroups),
	FAST(uname),   FAST(sysinfo),    FAST(getrusage),   FAST(times),
	FAST(getrlimit), FAST(prlimit64), FAST(getrandom),  FAST(clock_getres),
	FAST(gettimeofday), FAST(time),  FAST(sched_getaffinity),
	/* Signals. */
	FAST(rt_sigaction), FAST(rt_sigpending), FAST(kill),
	FAST(set_robust_list), FAST(set_tid_address),
};
#undef FAST
#undef FAST_WRAPPED

void fastcall_init(bool enabled)
{
	fastcall_enabled = enabled;
	for (unsigned i = 0; enabled && i < sizeof(fast) / sizeof(*fast); i++)
		fastcall_table[fast[i].number] = fast[i].handler;
}

static long fast_enosys(struct wk_regs *regs)
{
	(void)regs;
	return -ENOSYS;
}

void fastcall_enosys(uint64_t number)
{
	uint64_t first = number, last = number;

	if (number >= LINUX_SYSCALL_LIMIT) { /* they share one report */
		first = LINUX_SYSCALL_LIMIT;
		last = FASTCALL_LIMIT;
	}
	for (uint64_t slot = first; fastcall_enabled && slot <= last; slot++)
		fastcall_table[slot] = fast_enosys;
}

/* The running call blocked or yields: the thread is suspended here and
 * comes back with its result (or a restart: RIP back over the call) in
 * regs. Its TLS (the app may have set it with WRFSBASE itself) is given
 * back when the thread goes on here. */
static void leave(struct thread *self)
{
	__asm__ volatile("rdfsbase %0" : "=r"(self->regs.fs_base));
	sched_leave_fast_call();
}

/* The thread came back woken to poll again: its call runs again, and
 * waits again, until it ends or a signal is deliverable. (Out of line:
 * the other calls save no more registers for it.) */
__attribute__((noinline)) static void poll_again(struct thread *self,
						 syscall_handler *handler)
{
	while (self->poll_restarting && !signal_deliverable(self)) {
		self->poll_restarting = false;
		self->call_again = true;
		long value = fastcall_call(&self->regs, handler);

		self->call_again = false;
		if (value != SYSCALL_NO_RESULT)
			self->regs.rax = (uint64_t)value;
		if (self->state == THREAD_RUNNING)
			return;
		leave(self);
	}
}

/* The handler of the call being served (syscall_entry.S's choice). */
static syscall_handler *handler_of(const struct thread *self)
{
	uint64_t number = (uint64_t)self->syscall_number;

	return fastcall_table[number < FASTCALL_LIMIT ? number
						      : FASTCALL_LIMIT];
}

/* The end of a call that goes on running: its result in regs. */
static struct fastcall_result ending(struct thread *self)
{
	/* The call may have woken a thread (the slice's end matters then)
	 * or set a deadline (a TCP retransmission, a timer). */
	sched_arm_timer();
	return (struct fastcall_result){
		(long)self->regs.rax,
		signal_deliverable(self) ? FASTCALL_END_GENERAL
					 : FASTCALL_END_FAST };
}

struct fastcall_result fastcall_resumed(struct thread *self)
{
	if (self->poll_restarting)
		poll_again(self, handler_of(self));
	return ending(self);
}

struct fastcall_result fastcall_after(struct thread *self, long value)
{
	if (value == FASTCALL_DECLINED)
		return (struct fastcall_result){ 0, FASTCALL_END_DECLINED };
	if (value != SYSCALL_NO_RESULT)
		self->regs.rax = (uint64_t)value;
	if (self->state == THREAD_RUNNING)
		return ending(self);
	leave(self);
	return fastcall_resumed(self);
}

__attribute__((noreturn)) void fastcall_finish(void)
{
	sched_resume();
}

/* syscall_entry.S */
extern const char fast_exit_window[], fast_exit_popped[], fast_exit_jump[],
	fast_exit_end[];

bool fastcall_interrupted_exit(const struct wk_regs *frame,
			       struct wk_regs *regs)
{
	uint64_t rip = frame->rip, rsp = frame->rsp;

	if (rip < (uint64_t)fast_exit_window || rip >= (uint64_t)fast_exit_end)
		return false;
	*regs = *frame;
	if (rip == (uint64_t)fast_exit_jump) {
		/* all done but the jump */
	} else if (rip == (uint64_t)fast_exit_popped) {
		rsp += 128;
	} else {
		regs->rflags = *(const uint64_t *)rsp;
		rsp += FASTCALL_APP_STACK_BYTES;
	}
	regs->rsp = rsp;
	regs->rip = frame->rcx;
	regs->r11 = regs->rflags;
	return true;
}
