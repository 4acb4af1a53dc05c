/*
 * Fast calls (fastcall.h). The handlers are the general ones
 * (linux/syscalls.h), limited to those that read no register but the
 * arguments, RAX and RIP: syscall_entry.S stores only those into the
 * thread's regs before the call, and the rest of the state only when the
 * call ends the general way. They run on the upcall stack, as the general
 * dispatcher's do; a thread's own fast-call stack holds only fastcall_run
 * and what suspends it.
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
#include "linux/signal.h"
#include "linux/syscall_list.h"
#include "linux/syscalls.h"
#include "sched/sched.h"

_Static_assert(__builtin_offsetof(struct thread, regs) == 0 &&
	       __builtin_offsetof(struct thread, light_stack_top) ==
	       THREAD_LIGHT_STACK_TOP, "syscall_entry.S");

typedef long syscall_handler(struct wk_regs *regs);

/* A fast handler's answer that sends the call the general way, as if it
 * had no fast handler (nothing changed yet). */
#define FASTCALL_DECLINED (SYSCALL_NO_RESULT + 1)

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
	uint64_t rsp = *(const uint64_t *)(self->light_stack_top - 8) +
		       FASTCALL_APP_STACK_BYTES;

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

#define FAST(name) { LINUX_NR_##name, sys_##name }
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
};
#undef FAST

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

struct fastcall_result fastcall_run(struct thread *self,
				    syscall_handler *handler)
{
	self->syscall_number = (int64_t)self->regs.rax;
	/* rt_sigreturn's is shallow and ends on the upcall stack itself: the
	 * signal round trips' hot path keeps the thread's stack. */
	long value = handler == fast_rt_sigreturn
			     ? fast_rt_sigreturn(&self->regs)
			     : fastcall_call(&self->regs, handler);

	if (value == FASTCALL_DECLINED)
		return (struct fastcall_result){ 0, FASTCALL_END_DECLINED };
	if (value != SYSCALL_NO_RESULT)
		self->regs.rax = (uint64_t)value;
	if (self->state != THREAD_RUNNING) {
		leave(self);
		if (self->poll_restarting)
			poll_again(self, handler);
	}
	/* The call may have woken a thread (the slice's end matters then)
	 * or set a deadline (a TCP retransmission, a timer). */
	sched_arm_timer();
	return (struct fastcall_result){
		(long)self->regs.rax,
		signal_deliverable(self) ? FASTCALL_END_GENERAL
					 : FASTCALL_END_FAST };
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
