/*
 * The scheduler (issue #6): one run queue, round-robin, preemption by
 * timer events after a quantum (wicket.quantum=MS, default 10 ms), sleeps
 * and futex timeouts on a deadline list, all multiplexed onto the one
 * kernel timer; with nothing to run, an idle context blocks in the kernel.
 *
 * Every event enters through sched_enter (the interrupted thread's
 * registers become current->regs) and leaves through sched_resume, which
 * picks the thread to run and resumes it.
 */
#ifndef LIBOS_SCHED_SCHED_H
#define LIBOS_SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "sched/thread.h"
#include "wicket/abi.h"

/* A system-call result meaning "the thread blocked; its RAX is set when it
 * wakes" (futex_wait, nanosleep, exit). */
#define SYSCALL_NO_RESULT INT64_MIN

/* Sets the scheduler up with the first thread and returns it. */
struct thread *sched_init(uint64_t quantum_ms);

/* The thread on the CPU (trap/syscall_entry.S reads it too). */
extern struct thread *sched_running;

/* The CPU's scheduling state, which syscall_entry.S's fast switch reads
 * and changes too (trap/fastcall.h has the offsets, pinned in sched.c). */
struct sched_cpu {
	struct thread_queue run_queue;
	struct thread *fpu_owner; /* whose state the FPU registers hold:
				     the last thread that ran, or NULL */
	/* CPU time: the thread whose time counts (none while idle or after
	 * its exit), since its slice started; the process's total before
	 * that. */
	struct thread *on_cpu;
	uint64_t slice_start;
	uint64_t quantum_ticks;
	uint64_t armed;           /* the kernel timer's deadline, or 0 */
	uint64_t process_cpu_ticks;
	bool fpu_xsave;           /* FPU state is saved with XSAVE (else
				     FXSAVE) */
};
extern struct sched_cpu sched_cpu;

static inline struct thread *sched_current(void)
{
	return sched_running;
}

/* Takes the interrupted context from the vCPU page into the current
 * thread; false when the idle context was interrupted (no thread). */
bool sched_enter(const struct wk_regs *frame);

/* A timer event: wakes the sleepers whose time has come and preempts the
 * current thread when its quantum is over and another can run. */
void sched_timer(void);

/* A timer (linux/timers.c) was armed, changed or fired: the kernel timer
 * may need an earlier deadline. */
void sched_deadlines_changed(void);

/* Whether sched_arm_timer has work: the deadlines may have moved since
 * it last armed the timer (syscall_entry.S's fast exit reads it). */
extern bool sched_timer_stale;
void sched_arm_timer_now(void);

/* The kernel timer armed for the earliest deadline, if they changed since
 * (a sleeper's, a timer's, the network's, the slice's end once another
 * thread waits to run): done on every way back to the app. */
static inline void sched_arm_timer(void)
{
	if (sched_timer_stale)
		sched_arm_timer_now();
}

/* CPU time, in TSC ticks: what a thread of the process ran, and what all
 * of them did, those gone included. Time in the libOS on a thread's
 * behalf (its calls, events while it ran) is its own; time with nothing
 * to run is nobody's. */
uint64_t sched_thread_cpu_ticks(const struct thread *thread);
uint64_t sched_process_cpu_ticks(void);

/* The process ended (libos_exit): no thread runs again, and events go
 * on (the network's: net/netif.h, netif_draining) until netif_draining
 * says done or the TSC reaches deadline; then libos_exit is called
 * again. Does not return. */
__attribute__((noreturn)) void sched_linger(uint64_t deadline);

/* Resumes the thread to run now. Does not return. */
__attribute__((noreturn)) void sched_resume(void);

/* The running thread stopped running inside a fast call (it blocked or
 * yields; its TLS is in its regs): suspends it there (light_suspend) and
 * runs the next thread. Returns when it runs again. */
void sched_leave_fast_call(void);

/* sched_resume's end: resumes the running thread, whose whole state is
 * its regs, after its deliverable signals. For a thread that is RUNNING,
 * owns the FPU and is not inside a fast call (after an exception in its
 * code, or its rt_sigreturn). */
__attribute__((noreturn)) void sched_continue(void);

/* Makes a thread runnable (at the back of the queue). */
void sched_wake(struct thread *thread);

/* Blocks the current thread (waiting for `kind`) until sched_wake or
 * sched_interrupt, or until the TSC reaches deadline (0: none), when its
 * RAX becomes timeout_result (WAIT_POLL: the call runs again, in
 * sched_continue, unless a signal's handler ends it). */
void sched_block(enum wait_kind kind, uint64_t deadline, long timeout_result);

/* The real-time clock was set: the threads waiting for a real-time moment
 * (their realtime_wake, set after sched_block) wait for it on the new
 * clock. */
void sched_clock_was_set(void);

/* A signal for a blocked thread: it wakes with -EINTR, or with its system
 * call to run again when `restart` (SA_RESTART, and the call allows it).
 * sched_call_interrupted is that ending of its waiting call alone (a
 * write that part of went in returns that part's count instead). */
void sched_interrupt(struct thread *thread, bool restart);
void sched_call_interrupted(struct thread *thread, bool restart);

/* Console input came, or a descriptor changed: the threads waiting for
 * it (WAIT_POLL, WAIT_READY) run their calls again. */
void sched_wake_input_waiters(void);

/* As sched_wake_input_waiters, for a change that can raise the events of
 * the descriptions of two objects only (epoll_object's names, 0 for
 * none): epoll looks at their interests alone. */
void sched_wake_for_objects(uint32_t object, uint32_t other);

/* Whether thread (or NULL) is blocked until console input comes, or a
 * poll's time: its call then runs again (sched_continue, with
 * thread->call_again set while it does). */
static inline bool sched_waits_for_input(const struct thread *thread)
{
	return thread && thread->state == THREAD_BLOCKED &&
	       (thread->wait_kind == WAIT_POLL ||
		thread->wait_kind == WAIT_READY);
}

/* Blocks the current thread (WAIT_POLL or WAIT_READY) until console
 * input comes, the TSC reaches deadline (0: none) or a signal; where the
 * kernel raises no input events, a millisecond at most (a poll). Its call
 * then runs again, and sched_call_deadline gives it back this deadline. */
void sched_wait_for_input(enum wait_kind kind, uint64_t deadline);

/* As sched_wait_for_input, for a call whose readiness is that of one
 * object (epoll_object's names): sched_wake_for_objects wakes it only when
 * it names that object; sched_wake_input_waiters always does. */
void sched_wait_for_object(uint32_t object, enum wait_kind kind,
			   uint64_t deadline);

/* The deadline a call that waits for input keeps: first_run on its first
 * run, the one it waited with when it runs again. */
uint64_t sched_call_deadline(uint64_t first_run);

/* Puts the current thread at the back of the run queue, when another
 * waits there (inline: it is the whole of sched_yield's fast call). No
 * new deadline: the slice's end mattered from when the head was queued
 * (slice_end_matters then; the slice is the same, and the timer is
 * re-armed only earlier, or after it fired, stale). */
static inline void sched_yield(void)
{
	if (sched_cpu.run_queue.head == NULL)
		return;
	sched_running->state = THREAD_RUNNABLE;
	thread_queue_push(&sched_cpu.run_queue, sched_running);
}

/* The system call in the thread's regs runs again when it resumes: RIP
 * back over the 2-byte SYSCALL instruction, RAX its number. */
void sched_restart_call(struct thread *thread);

/* Ends the current thread (after its CLONE_CHILD_CLEARTID work). */
void sched_exit_current(void);

/* execve: every other thread ends where it is, as Linux's de_thread
 * kills them, and the running thread takes the process's id as its
 * tid. */
void sched_exec_alone(void);

#endif /* LIBOS_SCHED_SCHED_H */
