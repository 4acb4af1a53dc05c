/*
 * Fast calls: system calls from rewritten sites that a handler can serve
 * on the calling thread's own stack, without an event frame
 * (trap/syscall_entry.S; docs/patching.md, "Fast calls"). A thread that
 * blocks or yields inside one is suspended there (light_suspend) and
 * resumed by the scheduler (light_resume).
 */
#ifndef LIBOS_TRAP_FASTCALL_H
#define LIBOS_TRAP_FASTCALL_H

#include "wicket/abi.h"

/* Numbers below this may have a fast handler (syscall_entry.S), each its
 * own; the numbers from here up (but the kernel's native ones) share the
 * table's last slot. Past every Linux number (linux/syscall_list.h). */
#define FASTCALL_LIMIT 512

/* What syscall_entry.S reads of a thread (pinned in fastcall.c): struct
 * thread begins with its regs. */
#define THREAD_LIGHT_STACK_TOP (WK_REGS_SIZE + 0)
#define THREAD_FAST_APP_RSP (WK_REGS_SIZE + 16)
#define THREAD_STATE (WK_REGS_SIZE + 30)
#define THREAD_SYSCALL_NUMBER (WK_REGS_SIZE + 48)
#define THREAD_SIGNALS_BLOCKED (WK_REGS_SIZE + 56)
#define THREAD_SIGNALS_PENDING (WK_REGS_SIZE + 64)
#define THREAD_RUNNING_STATE 1 /* THREAD_RUNNING */
/* ... and what its fast switch reads and changes, of a thread and of
 * struct sched_cpu (pinned in sched.c). */
#define THREAD_LIGHT_RSP (WK_REGS_SIZE + 8)
#define THREAD_FPU_SAVED (WK_REGS_SIZE + 31)
#define THREAD_QUEUE_NEXT (WK_REGS_SIZE + 40)
#define THREAD_POLL_RESTARTING (WK_REGS_SIZE + 232)
#define THREAD_FPU (WK_REGS_SIZE + 328)
#define THREAD_CPU_TICKS (WK_REGS_SIZE + 352)
#define SCHED_CPU_RUN_QUEUE_HEAD 0
#define SCHED_CPU_RUN_QUEUE_TAIL 8
#define SCHED_CPU_FPU_OWNER 16
#define SCHED_CPU_ON_CPU 24
#define SCHED_CPU_SLICE_START 32
#define SCHED_CPU_QUANTUM_TICKS 40
#define SCHED_CPU_ARMED 48
#define SCHED_CPU_PROCESS_CPU_TICKS 56
#define SCHED_CPU_FPU_XSAVE 64

/* A fast handler's answer that sends the call the general way, as if it
 * had no fast handler (nothing changed yet): SYSCALL_NO_RESULT + 1. */
#define FASTCALL_DECLINED (-0x7fffffffffffffff)

/* How a fast call ends (fastcall_after's RDX): the fast exit; the general
 * way out, with a signal to deliver; or the general way in, the handler
 * having declined the call. */
#define FASTCALL_END_FAST 0
#define FASTCALL_END_GENERAL 1
#define FASTCALL_END_DECLINED 2

/* During a fast call thread->fast_app_rsp is the app's RSP less this
 * (the red zone and the saved RFLAGS, which are at that address). */
#define FASTCALL_APP_STACK_BYTES 136

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include "sched/thread.h"

/* Fills the table of fast handlers; none when every call must go through
 * the general dispatcher (wicket.strace). */
void fastcall_init(bool enabled);

/* An unimplemented number, reported once (linux/dispatch.c): from now on
 * its calls, or those of every number past Linux's table, get -ENOSYS as
 * fast calls. */
void fastcall_enosys(uint64_t number);

/* Whether an event interrupted a fast call's exit after it unmasked
 * events; if so, *regs becomes the app's state at the call's end. */
bool fastcall_interrupted_exit(const struct wk_regs *frame,
			       struct wk_regs *regs);

/* syscall_entry.S calls the handler on the upcall stack, and takes the
 * fast exit when it can (FASTCALL_END_FAST). A thread that blocked or
 * yields switches to the next one in the entry itself (its fast switch)
 * when that one is suspended in a fast call too, the FPU is the thread's
 * and the timer needs no look; it goes on in fastcall_resumed when its
 * end needs more than the fast exit. Else these two:
 * fastcall_after(self, the handler's value), on the thread's fast-call
 * stack, suspends a thread that blocked or yields, and returns the result
 * in RAX and in RDX how the call ends (FASTCALL_END_*): the general way
 * out is through fastcall_finish, which does not return. */
struct fastcall_result {
	long value;
	long end;
};
struct fastcall_result fastcall_after(struct thread *self, long value);
struct fastcall_result fastcall_resumed(struct thread *self);
__attribute__((noreturn)) void fastcall_finish(void);

/* syscall_entry.S: handler(regs) on the upcall stack (the thread's own
 * is a page: room for suspending it, not for a handler's depth). */
long fastcall_call(struct wk_regs *regs, long (*handler)(struct wk_regs *));

/* syscall_entry.S: the callee-saved registers and RSP into *light_rsp,
 * then `then` on the upcall stack; light_resume(*light_rsp) returns from
 * light_suspend. */
void light_suspend(uint64_t *light_rsp, void (*then)(void));
__attribute__((noreturn)) void light_resume(uint64_t light_rsp);

/* syscall_entry.S: light_suspend's saving, then light_resume(next_rsp)
 * instead of `then` (another thread's fast call goes on). */
void light_switch(uint64_t *light_rsp, uint64_t next_rsp);

#endif /* !__ASSEMBLER__ */
#endif /* LIBOS_TRAP_FASTCALL_H */
