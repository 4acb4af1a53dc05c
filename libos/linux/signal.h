/*
 * POSIX signals in user mode (issue #7): actions for the process, masks
 * and pending sets per thread, delivery with Linux's x86-64 rt_sigframe,
 * rt_sigreturn through the state checks every resume passes, exceptions
 * as signals with Linux's siginfo, and the default actions.
 */
#ifndef LIBOS_LINUX_SIGNAL_H
#define LIBOS_LINUX_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/thread.h"
#include "wicket/abi.h"

#define SIGHUP  1
#define SIGINT  2
#define SIGQUIT 3
#define SIGILL  4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS  7
#define SIGFPE  8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGSTOP 19
#define SIGSYS  31
#define SIGNAL_MAX 64

/* si_code values (Linux's uapi/asm-generic/siginfo.h). */
#define SI_USER    0
#define SI_KERNEL  0x80
#define SI_TKILL   (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN  1
#define BUS_ADRERR  2
#define FPE_INTDIV  1
#define FPE_FLTDIV  3
#define FPE_FLTOVF  4
#define FPE_FLTUND  5
#define FPE_FLTRES  6
#define FPE_FLTINV  7
#define ILL_ILLOPN  2
#define TRAP_BRKPT  1
#define TRAP_TRACE  2

/* A signal for one thread (tkill, tgkill, SIGEV_THREAD_ID): pending on it;
 * a blocked wait of that thread is interrupted when a handler will run.
 * False when a real-time signal could not be queued (too many pending)
 * and was dropped; sigqueue then says -EAGAIN. */
bool signal_send_thread(struct thread *thread, int signal,
			const struct signal_info *info);

/* A signal for the process (kill, ^C, timers): to a thread that does not
 * block it, else pending for the process. A default action that ends the
 * process ends it now. False as signal_send_thread's. */
bool signal_send_process(int signal, const struct signal_info *info);

/* A synchronous signal from an exception in the current thread: its
 * handler's frame is set up at once if it has a handler and does not
 * block it, else (as on Linux, the action reset to the default) the
 * default action. regs is the thread's regs, its state at the fault; its
 * FPU state is live. */
void signal_force(int signal, struct wk_regs *regs,
		  const struct signal_info *info);

/* Whether the current thread would run a handler for this signal now
 * (one is installed and the thread does not block it). */
bool signal_caught(int signal);

/* The process's pending signals (a bit per signal, as signals_pending). */
extern uint64_t signal_process_pending;

/* Whether the thread has a signal it does not block, its own or the
 * process's (signal_deliver would take one). */
static inline bool signal_deliverable(const struct thread *thread)
{
	return ((thread->signals_pending | signal_process_pending) &
		~thread->signals_blocked) != 0;
}

/* signal_deliver's work, when there is some. */
void signal_deliver_pending(struct thread *thread);

/* signalfd (linux/signalfd.c): takes the next pending signal of `set`
 * (SIGKILL and SIGSTOP never) off the thread, or the process, as a
 * handler's delivery would, into *info; 0 if none is pending. */
int signal_take(struct thread *thread, uint64_t set,
		struct signal_info *info);

/* The signals pending for the thread: its own and the process's. */
uint64_t signal_pending_for(const struct thread *thread);

/* Sets up the handler frames of the signals the thread can take now;
 * called just before it resumes, with its FPU state live. On every
 * resume: most find nothing to do. */
static inline void signal_deliver(struct thread *thread)
{
	if (signal_deliverable(thread) || thread->sigsuspend_active)
		signal_deliver_pending(thread);
}

/* execve, for self (the running thread, the only one left, which owns
 * the FPU): every handler back to SIG_DFL but the ignored (their flags,
 * masks and restorers cleared), no alternate stack, the FPU as at
 * start; the mask and what is pending stay (Linux's
 * flush_signal_handlers). */
void signal_exec(struct thread *self);

/* rt_sigreturn for self (the running thread) with the ucontext at
 * `address`: its registers, mask, FPU state and alternate stack back into
 * force (regs->fs_base is left as it is). False, with nothing changed,
 * when the frame cannot be taken back (the caller forces SIGSEGV). */
bool signal_return(struct thread *self, uint64_t address);

/* ppoll and pselect6: the signal mask at address (size bytes, which must
 * be 8) replaces the current thread's until signal_wait_mask_end, or
 * until a handler runs, whose frame keeps the mask to go back to (as
 * sigsuspend's). 0, -EINVAL or -EFAULT. */
long signal_wait_mask(uint64_t address, uint64_t size);
void signal_wait_mask_end(void);

/* A sigtimedwait of thread ended some other way (its timeout, a handled
 * signal): it no longer takes signals of its set. */
void signal_wait_ended(struct thread *thread);

/* "SIGSEGV" and so on ("signal 40" past the named ones). */
const char *signal_name(int signal, char *scratch, unsigned scratch_size);

#endif /* LIBOS_LINUX_SIGNAL_H */
