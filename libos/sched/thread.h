/*
 * The app's threads (issue #6). The kernel knows nothing of them: the one
 * vCPU runs whichever thread the scheduler (sched.h) resumes. A thread that
 * is not on the CPU keeps its whole user state here: the registers (with
 * the FS base, its TLS) and its FPU/SSE/AVX state (xsave, or fxsave where
 * XSAVE is absent). While a thread runs, the registers are live in the
 * CPU; when an event enters the libOS they are copied into regs, which the
 * system-call handlers read and change, and the thread resumes from there.
 */
#ifndef LIBOS_SCHED_THREAD_H
#define LIBOS_SCHED_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "libos.h"
#include "wicket/abi.h"

#define THREADS_MAX 2048

/* What a blocked thread waits for (how a signal or a timeout ends it). */
enum wait_kind {
	WAIT_FUTEX,   /* futex: -ETIMEDOUT; a signal: -EINTR or restart */
	WAIT_SLEEP,   /* nanosleep: 0; a signal: -EINTR */
	WAIT_POLL,    /* console input: the call runs again at the next
			 input event (or poll); a signal: -EINTR or
			 restart */
	WAIT_READY,   /* poll, select: as WAIT_POLL, but a signal's handler
			 always ends it with -EINTR */
	WAIT_SIGNAL,  /* pause, sigsuspend: a signal only, -EINTR */
	WAIT_SIGWAIT, /* sigtimedwait: a signal in the set, or -EAGAIN */
};

/* What a pending signal carries into its siginfo (signal.c). */
struct signal_info {
	int32_t code;     /* si_code */
	int32_t sender;   /* si_pid, or the timer id */
	uint64_t value;   /* si_addr, or the timer's sigval */
	int32_t overrun;  /* timers */
	int32_t errno_value;
	uint32_t trapno, error_code; /* faults: for the ucontext */
	bool polled;      /* F_SETSIG's I/O signal: si_band (value) and */
	int32_t poll_fd;  /* si_fd */
	bool from_app;    /* sigqueue's: a timer id in it is not a timer's */
};

enum thread_state {
	THREAD_FREE,
	THREAD_RUNNING,  /* on the CPU (current) */
	THREAD_RUNNABLE, /* in the run queue */
	THREAD_BLOCKED,  /* on a futex or asleep */
};

struct thread {
	struct wk_regs regs;
	/* Fast calls (trap/fastcall.c, which pins the offset for its asm): */
	uint64_t light_stack_top; /* the stack its fast calls run on */
	uint64_t light_rsp;       /* suspended inside a fast call: the RSP
				     that light_resume continues from; else
				     0, and regs is its whole state */
	uint64_t fast_app_rsp;    /* during a fast call: the app's RSP less
				     FASTCALL_APP_STACK_BYTES */
	int32_t tid;
	uint16_t slot;            /* its index (thread_slot) */
	uint8_t state;            /* enum thread_state */
	bool fpu_saved;           /* fpu holds this thread's FPU state */
	uint64_t clear_child_tid; /* set_tid_address / CLONE_CHILD_CLEARTID */
	struct thread *queue_next; /* the run queue or a futex's waiters */
	int64_t syscall_number;   /* the call being served (for restarts) */
	/* Signals (signal.c): */
	uint64_t signals_blocked, signals_pending;
	uint64_t sigsuspend_mask; /* the mask to restore after sigsuspend */
	bool sigsuspend_active;
	uint64_t sigwait_set, sigwait_info; /* sigtimedwait's set, info */
	uint64_t altstack_base, altstack_size;
	int32_t altstack_flags;   /* as given to sigaltstack (SS_DISABLE when
				     none) */
	uint8_t signals_queued[65]; /* real-time signals: how many more */
	struct signal_info *signal_infos; /* [65], the slot's second page */
	struct thread *tid_next;  /* its tid's bucket (thread_find) */
	/* While blocked: */
	uint8_t wait_kind;        /* enum wait_kind */
	uint64_t futex;           /* the futex word waited on, or 0 */
	uint64_t sleep_remaining; /* nanosleep's rem, or 0 */
	bool poll_restarting;     /* woken to run its polling call again: a
				     handler before that interrupts the call */
	bool call_again;          /* that call is running again (sched.c) */
	uint64_t ready_deadline;  /* poll, select, a read with VTIME: the TSC
				     deadline their first run computed, or 0 */
	uint32_t wait_object;     /* a read or write waiting on one object
				     (epoll_object's names): changes naming
				     others pass it by; 0: any change wakes */
	struct thread *object_prev, *object_next; /* its object's waiters
				     (sched.c), while wait_object is set */
	uint64_t call_done;       /* a write waiting for room, or a receive
				     with MSG_WAITALL waiting for the rest:
				     the bytes its earlier runs moved (else
				     0), its result if a handler ends it */
	/* An open of a FIFO waiting for the other end (linux/pipe.c): */
	uint16_t fifo_opening;    /* its pipe's slot + 1, else 0 */
	bool fifo_opening_writes; /* it opens the write end (else the read
				     end) and counts among the pipe's
				     writers (readers) meanwhile */
	uint32_t fifo_opens_seen; /* the other end's opens when it began:
				     another changes them, and it is done */
	uint16_t fifo_opening_fd; /* the descriptor it reserved (io.h) */
	uint32_t futex_bitset;
	uint64_t deadline;        /* TSC wake-up time, or 0 */
	uint64_t realtime_wake;   /* the real-time moment (ns) deadline
				     stands for, or 0: it moves when the
				     clock is set (sched_clock_was_set) */
	struct thread *timer_next; /* the sleepers, by deadline */
	bool timer_queued;
	void *fpu;                /* the save area (thread.c) */
	char name[16];            /* prctl's PR_SET_NAME, NUL-terminated */
	uint64_t cpu_ticks;       /* TSC ticks it ran, before its current
				     run (sched.c) */
};


/* A FIFO of threads linked through queue_next (a thread is on one at a
 * time: the run queue or the futex waiters). */
struct thread_queue {
	struct thread *head, *tail;
};

static inline void thread_queue_push(struct thread_queue *queue,
				     struct thread *thread)
{
	thread->queue_next = NULL;
	if (queue->tail)
		queue->tail->queue_next = thread;
	else
		queue->head = thread;
	queue->tail = thread;
}

/* Unlinks thread, which follows previous (NULL: it is the head). */
static inline void thread_queue_unlink(struct thread_queue *queue,
				       struct thread *previous,
				       struct thread *thread)
{
	if (previous)
		previous->queue_next = thread->queue_next;
	else
		queue->head = thread->queue_next;
	if (queue->tail == thread)
		queue->tail = previous;
}

/* The first thread (tid 1 = pid). Returns NULL without memory. */
struct thread *thread_init(void);

/* A new thread with the next tid, its FPU state a copy of the running
 * thread's and its signal mask the creator's (Linux's clone copies both),
 * or NULL when THREADS_MAX live. */
struct thread *thread_create(void);

/* Frees a thread that will not run again. */
void thread_free(struct thread *thread);

/* Live threads. */
unsigned thread_count(void);

/* The live thread in slot index (< THREADS_MAX), or NULL. */
struct thread *thread_slot(unsigned index);

/* The thread with this tid, or NULL. */
struct thread *thread_find(int32_t tid);

/* The thread's tid becomes `tid` (execve's: the process id). */
void thread_set_tid(struct thread *thread, int32_t tid);

/* Saves the FPU registers into thread's area, restores them from it
 * (inline: a switch between threads does both). */
static inline void thread_fpu_save(struct thread *thread)
{
	if (libos_has(WK_CPU_XSAVE))
		__asm__ volatile("xsave64 (%0)" : : "r"(thread->fpu),
				 "a"(-1), "d"(-1) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(thread->fpu)
				 : "memory");
	thread->fpu_saved = true;
}

static inline void thread_fpu_restore(struct thread *thread)
{
	if (!thread->fpu_saved)
		return;
	if (libos_has(WK_CPU_XSAVE))
		__asm__ volatile("xrstor64 (%0)" : : "r"(thread->fpu),
				 "a"(-1), "d"(-1) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(thread->fpu)
				 : "memory");
}

#endif /* LIBOS_SCHED_THREAD_H */
