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

#include "wicket/abi.h"

#define THREADS_MAX 2048

enum thread_state {
	THREAD_FREE,
	THREAD_RUNNING,  /* on the CPU (current) */
	THREAD_RUNNABLE, /* in the run queue */
	THREAD_BLOCKED,  /* on a futex or asleep */
};

struct thread {
	struct wk_regs regs;
	int32_t tid;
	uint8_t state;            /* enum thread_state */
	bool fpu_saved;           /* fpu holds this thread's FPU state */
	uint64_t clear_child_tid; /* set_tid_address / CLONE_CHILD_CLEARTID */
	struct thread *queue_next; /* the run queue or a futex's waiters */
	/* While blocked: */
	uint64_t futex;           /* the futex word waited on, or 0 */
	uint32_t futex_bitset;
	uint64_t deadline;        /* TSC wake-up time, or 0 */
	struct thread *timer_next; /* the sleepers, by deadline */
	bool timer_queued;
	void *fpu;                /* the save area (thread.c) */
};

/* The first thread (tid 1 = pid). Returns NULL without memory. */
struct thread *thread_init(void);

/* A new thread with the next tid, its FPU state a copy of the running
 * thread's (Linux's clone copies it), or NULL when THREADS_MAX live. */
struct thread *thread_create(void);

/* Frees a thread that will not run again. */
void thread_free(struct thread *thread);

/* Live threads. */
unsigned thread_count(void);

/* The thread with this tid, or NULL. */
struct thread *thread_find(int32_t tid);

/* Saves the FPU registers into thread's area, restores them from it. */
void thread_fpu_save(struct thread *thread);
void thread_fpu_restore(struct thread *thread);

#endif /* LIBOS_SCHED_THREAD_H */
