/*
 * The scheduler (sched.h).
 *
 * The kernel timer is armed for the earliest of two deadlines: the end of
 * the current quantum when another thread is waiting to run, and the
 * first sleeper's wake-up. It is re-armed only when it would fire too
 * late: one that fires early costs a timer event that re-arms it, which
 * is cheaper than a timer call on every switch. The deadlines are looked
 * at again only after one of them may have moved (sched_timer_stale).
 *
 * FPU state is switched lazily: the registers belong to fpu_owner, the
 * last app thread that ran; they are saved only when another thread is
 * about to run, and the idle context never touches them.
 */
#include "sched/sched.h"

#include <stddef.h>

#include "errno.h"
#include "layout.h"
#include "lib/print.h"
#include "libos.h"
#include "linux/async_io.h"
#include "linux/clock.h"
#include "linux/futex.h"
#include "linux/io.h"
#include "net/netif.h"
#include "linux/pipe.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "linux/timers.h"
#include "trap/event.h"
#include "trap/fastcall.h"
#include "wicket/native.h"

struct thread *sched_running;
struct sched_cpu sched_cpu;
static struct thread *sleepers;        /* by deadline */
static struct wk_regs idle_regs;       /* the idle context */
static bool idling;
static uint64_t linger_deadline; /* sched_linger's, or 0 */
/* Something sched_arm_timer reads changed: the next resume looks at the
 * deadlines again. */
bool sched_timer_stale = true;

#define PINNED(field, offset) \
	_Static_assert(__builtin_offsetof(struct sched_cpu, field) == \
		       (offset), "syscall_entry.S: " #field)
PINNED(run_queue.head, SCHED_CPU_RUN_QUEUE_HEAD);
PINNED(run_queue.tail, SCHED_CPU_RUN_QUEUE_TAIL);
PINNED(fpu_owner, SCHED_CPU_FPU_OWNER);
PINNED(on_cpu, SCHED_CPU_ON_CPU);
PINNED(slice_start, SCHED_CPU_SLICE_START);
PINNED(quantum_ticks, SCHED_CPU_QUANTUM_TICKS);
PINNED(armed, SCHED_CPU_ARMED);
PINNED(process_cpu_ticks, SCHED_CPU_PROCESS_CPU_TICKS);
PINNED(fpu_xsave, SCHED_CPU_FPU_XSAVE);
#undef PINNED

extern void sched_idle_loop(void);       /* start.S */

/* The current slice's end is a deadline once a thread waits to run; it
 * needs looking at only when the kernel timer would fire after it. */
static void slice_end_matters(void)
{
	if (sched_cpu.armed == 0 ||
	    sched_cpu.armed > sched_cpu.slice_start + sched_cpu.quantum_ticks)
		sched_timer_stale = true;
}

static void run_queue_push(struct thread *thread)
{
	slice_end_matters();
	thread_queue_push(&sched_cpu.run_queue, thread);
}

static struct thread *run_queue_pop(void)
{
	struct thread *thread = sched_cpu.run_queue.head;

	if (thread)
		thread_queue_unlink(&sched_cpu.run_queue, NULL, thread);
	return thread;
}

static void sleepers_remove(struct thread *thread)
{
	if (!thread->timer_queued)
		return;
	for (struct thread **link = &sleepers; *link;
	     link = &(*link)->timer_next) {
		if (*link == thread) {
			*link = thread->timer_next;
			break;
		}
	}
	thread->timer_queued = false;
}

static void sleepers_insert(struct thread *thread)
{
	struct thread **link = &sleepers;

	while (*link && (*link)->deadline <= thread->deadline)
		link = &(*link)->timer_next;
	thread->timer_next = *link;
	*link = thread;
	thread->timer_queued = true;
	sched_timer_stale = true;
}

/* The CPU leaves on_cpu, now. */
static void cpu_time_stops(uint64_t now)
{
	if (sched_cpu.on_cpu) {
		sched_cpu.on_cpu->cpu_ticks += now - sched_cpu.slice_start;
		sched_cpu.process_cpu_ticks += now - sched_cpu.slice_start;
		sched_cpu.on_cpu = NULL;
	}
}

uint64_t sched_thread_cpu_ticks(const struct thread *thread)
{
	return thread->cpu_ticks +
	       (thread == sched_cpu.on_cpu ? rdtsc() - sched_cpu.slice_start : 0);
}

uint64_t sched_process_cpu_ticks(void)
{
	return sched_cpu.process_cpu_ticks +
	       (sched_cpu.on_cpu ? rdtsc() - sched_cpu.slice_start : 0);
}

struct thread *sched_init(uint64_t quantum_ms)
{
	sched_cpu.quantum_ticks = libos_info->tsc_frequency_hz / 1000 * quantum_ms;
	sched_cpu.fpu_xsave = libos_has(WK_CPU_XSAVE);
	sched_running = thread_init();
	if (sched_running) {
		sched_running->state = THREAD_RUNNING;
		sched_cpu.fpu_owner = sched_running;
		sched_cpu.on_cpu = sched_running;
		sched_cpu.slice_start = rdtsc();
	}
	idle_regs.rip = (uint64_t)sched_idle_loop;
	idle_regs.rsp = LIBOS_IDLE_STACK_BOTTOM + LIBOS_IDLE_STACK_BYTES;
	idle_regs.rflags = 0x202;
	if (wk_mem_map(LIBOS_IDLE_STACK_BOTTOM, LIBOS_IDLE_STACK_BYTES,
		       WK_PROT_READ | WK_PROT_WRITE) < 0)
		return NULL;
	return sched_running;
}

bool sched_enter(const struct wk_regs *frame)
{
	if (idling)
		return false;
	/* The windows that hold a thread's state elsewhere are libOS code. */
	if (frame->rip < APP_LIMIT || (!event_interrupted_resume(frame) &&
	    !fastcall_interrupted_exit(frame, &sched_running->regs)))
		sched_running->regs = *frame;
	return true;
}

void sched_deadlines_changed(void)
{
	sched_timer_stale = true;
}

void sched_wake(struct thread *thread)
{
	sleepers_remove(thread);
	thread->state = THREAD_RUNNABLE;
	run_queue_push(thread);
}

void sched_block(enum wait_kind kind, uint64_t deadline, long timeout_result)
{
	sched_running->state = THREAD_BLOCKED;
	sched_running->wait_kind = (uint8_t)kind;
	sched_running->deadline = deadline;
	sched_running->realtime_wake = 0;
	sched_running->regs.rax = (uint64_t)timeout_result;
	if (deadline)
		sleepers_insert(sched_running);
}

void sched_clock_was_set(void)
{
	struct thread *moved = NULL;

	for (struct thread **link = &sleepers; *link;) {
		struct thread *thread = *link;

		if (thread->realtime_wake == 0) {
			link = &thread->timer_next;
			continue;
		}
		*link = thread->timer_next;
		thread->timer_next = moved;
		moved = thread;
	}
	while (moved) {
		struct thread *thread = moved;

		moved = thread->timer_next;
		thread->deadline = clock_deadline_at(CLOCK_REALTIME,
						     thread->realtime_wake);
		sleepers_insert(thread);
	}
}

static void object_unlink(struct thread *thread);

void sched_exit_current(void)
{
	cpu_time_stops(rdtsc());
	sleepers_remove(sched_running);
	object_unlink(sched_running);
	if (sched_cpu.fpu_owner == sched_running)
		sched_cpu.fpu_owner = NULL;
	thread_free(sched_running);
}

void sched_exec_alone(void)
{
	for (unsigned i = 0; i < THREADS_MAX; i++) {
		struct thread *thread = thread_slot(i), *previous = NULL;

		if (thread == NULL || thread == sched_running)
			continue;
		for (struct thread *t = sched_cpu.run_queue.head; t;
		     previous = t, t = t->queue_next)
			if (t == thread) {
				thread_queue_unlink(&sched_cpu.run_queue, previous, t);
				break;
			}
		sleepers_remove(thread);
		object_unlink(thread);
		futex_forget(thread);
		signal_wait_ended(thread);
		pipe_open_abandoned(thread);
		if (sched_cpu.fpu_owner == thread)
			sched_cpu.fpu_owner = NULL;
		thread_free(thread);
	}
	thread_set_tid(sched_running, LINUX_PID);
}

uint64_t sched_call_deadline(uint64_t first_run)
{
	return sched_running->call_again ? sched_running->ready_deadline
					 : first_run;
}

/* The slots of the threads that may wait for input, so that a change
 * looks at those and not at every thread: a bit is set as a thread starts
 * such a wait and cleared when a look finds it waits no more. Threads
 * take the lowest free slots: the words past the last one ever set are
 * never looked at. A wait on one object (sched_wait_for_object) sets its
 * bit in object_waiter_bits instead, which only the changes that name no
 * object look at: the others find such a waiter in its object's bucket. */
#define WAITER_WORDS (THREADS_MAX / 64)
static uint64_t input_waiters[WAITER_WORDS], object_waiter_bits[WAITER_WORDS];
static unsigned waiter_words_used;

/* The threads waiting on an object, in buckets by its hash, linked
 * through object_prev and object_next while wait_object is not 0 (it
 * stays so after the wait ends, until the next wait, a look that finds
 * the thread waiting no more, or the thread's end). */
#define OBJECT_BUCKET_BITS 8
static struct thread *object_waiters[1u << OBJECT_BUCKET_BITS];
static unsigned objects_linked; /* threads in them: none, none to look at */

static struct thread **object_bucket(uint32_t object)
{
	return &object_waiters[(object * UINT32_C(2654435761)) >>
			       (32 - OBJECT_BUCKET_BITS)];
}

static void object_unlink(struct thread *thread)
{
	if (thread->wait_object == 0)
		return;
	if (thread->object_prev)
		thread->object_prev->object_next = thread->object_next;
	else
		*object_bucket(thread->wait_object) = thread->object_next;
	if (thread->object_next)
		thread->object_next->object_prev = thread->object_prev;
	thread->wait_object = 0;
	objects_linked--;
}

/* The running thread waits, its bit set in `bits` and clear in `other`
 * (the bitmaps of its wait and of the other kind of wait). */
static void wait_until_woken(uint64_t *bits, uint64_t *other,
			     enum wait_kind kind, uint64_t deadline)
{
	uint64_t wake = deadline;
	unsigned word = sched_running->slot / 64;
	uint64_t bit = UINT64_C(1) << (sched_running->slot % 64);

	bits[word] |= bit;
	other[word] &= ~bit;
	if (word >= waiter_words_used)
		waiter_words_used = word + 1;

	if (!libos_has_device(WK_DEVICE_INPUT_EVENTS)) {
		uint64_t poll = rdtsc() + libos_info->tsc_frequency_hz / 1000;

		if (wake == 0 || poll < wake)
			wake = poll;
	}
	sched_running->ready_deadline = deadline;
	sched_block(kind, wake, 0);
}

void sched_wait_for_input(enum wait_kind kind, uint64_t deadline)
{
	object_unlink(sched_running);
	wait_until_woken(input_waiters, object_waiter_bits, kind, deadline);
}

void sched_wait_for_object(uint32_t object, enum wait_kind kind,
			   uint64_t deadline)
{
	struct thread *self = sched_running, **head = object_bucket(object);

	object_unlink(self);
	self->wait_object = object;
	self->object_prev = NULL;
	self->object_next = *head;
	if (*head)
		(*head)->object_prev = self;
	*head = self;
	objects_linked++;
	wait_until_woken(object_waiter_bits, input_waiters, kind, deadline);
}

void sched_restart_call(struct thread *thread)
{
	thread->regs.rip -= 2;
	thread->regs.rax = (uint64_t)thread->syscall_number;
}

static void wake_expired(uint64_t now)
{
	while (sleepers && sleepers->deadline <= now) {
		struct thread *thread = sleepers;

		sleepers = thread->timer_next;
		thread->timer_queued = false;
		futex_forget(thread);
		signal_wait_ended(thread);
		/* A poll's call runs again in sched_continue; the others
		 * return their timeout result (RAX). */
		thread->poll_restarting = sched_waits_for_input(thread);
		thread->state = THREAD_RUNNABLE;
		run_queue_push(thread);
	}
}

void sched_call_interrupted(struct thread *thread, bool restart)
{
	pipe_open_abandoned(thread); /* a FIFO open's wait, if it was one */
	if (thread->call_done) {
		/* A write that waited for room after part of it went in:
		 * that part's count, as Linux returns. */
		thread->regs.rax = thread->call_done;
		thread->call_done = 0;
	} else if (restart && ((thread->wait_kind == WAIT_FUTEX &&
				thread->deadline == 0) ||
			       thread->wait_kind == WAIT_POLL)) {
		/* Linux restarts a futex wait without a timeout
		 * (-ERESTARTSYS); one with a timeout returns -EINTR once a
		 * handler ran. */
		sched_restart_call(thread);
	} else {
		thread->regs.rax = (uint64_t)-EINTR;
		if (thread->wait_kind == WAIT_SLEEP && thread->sleep_remaining)
			clock_write_remaining(thread->sleep_remaining,
					      thread->deadline);
	}
}

void sched_interrupt(struct thread *thread, bool restart)
{
	if (thread->state != THREAD_BLOCKED)
		return;
	futex_forget(thread);
	sleepers_remove(thread);
	signal_wait_ended(thread);
	/* Runnable first: the threads that the call's ending wakes (a FIFO
	 * open's, pipe_open_abandoned) are the others. */
	thread->state = THREAD_RUNNABLE;
	sched_call_interrupted(thread, restart);
	run_queue_push(thread);
}

void sched_timer(void)
{
	uint64_t now = rdtsc();

	sched_cpu.armed = 0; /* it fired */
	sched_timer_stale = true;
	wake_expired(now);
	timers_fire(now);
	netif_timer(now);
	if (!idling && sched_running->state == THREAD_RUNNING &&
	    sched_cpu.run_queue.head &&
	    now - sched_cpu.slice_start >= sched_cpu.quantum_ticks) {
		sched_running->state = THREAD_RUNNABLE;
		run_queue_push(sched_running);
	}
}

void sched_arm_timer_now(void)
{
	sched_timer_stale = false;
	uint64_t deadline = sleepers ? sleepers->deadline : 0;
	uint64_t timers = timers_deadline(), network = netif_deadline();

	if (timers && (deadline == 0 || timers < deadline))
		deadline = timers;
	if (network && (deadline == 0 || network < deadline))
		deadline = network;
	if (linger_deadline && (deadline == 0 || linger_deadline < deadline))
		deadline = linger_deadline;

	if (sched_cpu.run_queue.head && !idling) {
		uint64_t slice_end = sched_cpu.slice_start + sched_cpu.quantum_ticks;

		if (deadline == 0 || slice_end < deadline)
			deadline = slice_end;
	}
	if (deadline != 0 && (sched_cpu.armed == 0 || deadline < sched_cpu.armed)) {
		wk_timer_arm((long)deadline);
		sched_cpu.armed = deadline;
	}
}

/* each_waiter_in's look at one word of a bitmap (out of line: the
 * common look, at no waiter, then saves no register). */
__attribute__((noinline)) static bool
each_in_word(uint64_t *bitmap, unsigned word,
	     bool (*each)(struct thread *thread))
{
	for (uint64_t bits = bitmap[word]; bits; bits &= bits - 1) {
		unsigned bit = (unsigned)__builtin_ctzll(bits);
		struct thread *thread = thread_slot(word * 64 + bit);
		bool stop = sched_waits_for_input(thread) && each(thread);

		if (!sched_waits_for_input(thread))
			bitmap[word] &= ~(UINT64_C(1) << bit);
		if (stop)
			return true;
	}
	return false;
}

/* Calls `each` for the threads of a bitmap blocked until input comes
 * (console input, a descriptor's change), in slot order, until it
 * returns true; whether one did. */
static bool each_waiter_in(uint64_t *bitmap,
			   bool (*each)(struct thread *thread))
{
	for (unsigned word = 0; word < waiter_words_used; word++)
		if (bitmap[word] && each_in_word(bitmap, word, each))
			return true;
	return false;
}

/* ... for every such thread, whatever it waits on. */
static bool each_input_waiter(bool (*each)(struct thread *thread))
{
	return each_waiter_in(input_waiters, each) ||
	       each_waiter_in(object_waiter_bits, each);
}

static bool wake_for_input(struct thread *thread)
{
	object_unlink(thread);
	sleepers_remove(thread);
	thread->poll_restarting = true;
	thread->state = THREAD_RUNNABLE;
	run_queue_push(thread);
	return false; /* and the next */
}

static bool found(struct thread *thread)
{
	(void)thread;
	return true;
}

void sched_wake_input_waiters(void)
{
	epoll_note_change();
	async_note_change();
	each_input_waiter(wake_for_input);
}

/* A thread of input_waiters that waits on an object now is passed by:
 * its bucket has it. */
static bool wake_if_on_none(struct thread *thread)
{
	if (thread->wait_object == 0)
		wake_for_input(thread);
	return false; /* and the next */
}

/* The threads waiting on `object`; the ones in its bucket that wait no
 * more leave it. */
static void wake_object_waiters(uint32_t object)
{
	for (struct thread *thread = *object_bucket(object); thread;) {
		struct thread *next = thread->object_next;

		if (!sched_waits_for_input(thread))
			object_unlink(thread);
		else if (thread->wait_object == object)
			wake_for_input(thread);
		thread = next;
	}
}

static __attribute__((noinline)) void wake_objects_waiters(uint32_t object,
							   uint32_t other)
{
	if (object)
		wake_object_waiters(object);
	if (other && other != object)
		wake_object_waiters(other);
}

void sched_wake_for_objects(uint32_t object, uint32_t other)
{
	if (objects_linked)
		wake_objects_waiters(object, other);
	epoll_note_objects(object, other);
	async_note_change();
	each_waiter_in(input_waiters, wake_if_on_none);
}

/* Whether a thread waits for console input that an input event will
 * announce, or for a socket the network may change (or for a signal
 * that O_ASYNC console input would raise). */
static bool input_awaited(void)
{
	return (libos_has_device(WK_DEVICE_INPUT_EVENTS) &&
		async_console_watched()) ||
	       ((libos_has_device(WK_DEVICE_INPUT_EVENTS) ||
		 libos_has_device(WK_DEVICE_NET)) &&
		each_input_waiter(found));
}

/* Called by the idle context when block() says no event can come: every
 * thread waits for something that will never happen. */
__attribute__((noreturn)) void sched_deadlock(void)
{
	static const char *const waits[] = {
		[WAIT_FUTEX] = "a futex", [WAIT_SLEEP] = "a sleep",
		[WAIT_POLL] = "a descriptor", [WAIT_READY] = "a descriptor",
		[WAIT_SIGNAL] = "a signal", [WAIT_SIGWAIT] = "a signal",
	};
	unsigned kinds = 0;

	for (unsigned i = 0, live = 0; i < THREADS_MAX && live < thread_count();
	     i++) {
		const struct thread *thread = thread_slot(i);

		live += thread != NULL;
		if (thread && thread->state == THREAD_BLOCKED)
			kinds |= 1u << thread->wait_kind;
	}
	char what[64] = "";
	size_t used = 0;

	for (unsigned kind = 0; kind < sizeof(waits) / sizeof(*waits); kind++)
		if ((kinds & 1u << kind) &&
		    !(kind == WAIT_READY && (kinds & 1u << WAIT_POLL)) &&
		    !(kind == WAIT_SIGWAIT && (kinds & 1u << WAIT_SIGNAL)))
			used += print_format_to(what + used, sizeof(what) - used,
						"%s%s", used ? ", " : "",
						waits[kind]);
	libos_report("deadlock: all %u threads wait forever (for %s); "
		     "ending the run", thread_count(), used ? what : "nothing");
	libos_exit(128 + 9); /* as if killed */
}

/* The CPU to next, a new slice (the thread that had it is off the CPU:
 * in a queue, blocked or gone), whose end matters if a thread waits. */
static void take_cpu(struct thread *next)
{
	uint64_t now = rdtsc();

	cpu_time_stops(now);
	sched_cpu.on_cpu = next;
	sched_running = next;
	next->state = THREAD_RUNNING;
	sched_cpu.slice_start = now;
	if (sched_cpu.run_queue.head)
		slice_end_matters();
}

/* The FPU registers to the running thread. */
static void take_fpu(void)
{
	if (sched_cpu.fpu_owner != sched_running) {
		if (sched_cpu.fpu_owner)
			thread_fpu_save(sched_cpu.fpu_owner);
		thread_fpu_restore(sched_running);
		sched_cpu.fpu_owner = sched_running;
	}
}

/* The running thread, suspended in a fast call, is about to go on there:
 * the timer and its TLS set; returns the RSP light_resume continues from. */
static uint64_t light_resume_point(void)
{
	uint64_t rsp = sched_running->light_rsp;

	sched_running->light_rsp = 0;
	sched_arm_timer();
	__asm__ volatile("wrfsbase %0" : : "r"(sched_running->regs.fs_base));
	return rsp;
}

void sched_linger(uint64_t deadline)
{
	linger_deadline = deadline;
	sched_timer_stale = true;
	sched_resume();
}

/* The process has ended, and its connections send what it left them
 * (sched_linger): no thread runs again; the run ends once they have,
 * or at the deadline. */
static void linger(void)
{
	if (!netif_draining() || rdtsc() >= linger_deadline)
		libos_exit(0); /* the status libos_exit kept */
	idling = true;
	sched_cpu.armed = 0;
	sched_timer_stale = true;
	sched_arm_timer();
	event_resume(&idle_regs);
}

void sched_resume(void)
{
	if (linger_deadline)
		linger();
	if (idling || sched_running == NULL ||
	    sched_running->state != THREAD_RUNNING) {
		struct thread *next = run_queue_pop();

		if (next == NULL) {
			if (thread_count() == 0)
				libos_exit(0); /* cannot happen: exit ends it */
			/* Nothing to run: the idle context waits for the
			 * next timer event. The timer fired already if the
			 * first sleeper is due. */
			wake_expired(rdtsc());
			timers_fire(rdtsc());
			next = run_queue_pop();
		}
		if (next == NULL) {
			cpu_time_stops(rdtsc());
			idling = true;
			/* re-arm: a due deadline may be pending */
			sched_cpu.armed = 0;
			sched_timer_stale = true;
			sched_arm_timer();
			if (sched_cpu.armed == 0 && !input_awaited())
				sched_deadlock(); /* nothing will wake anyone */
			event_resume(&idle_regs);
		}
		idling = false;
		take_cpu(next);
	}
	take_fpu();
	if (sched_running->light_rsp) {
		/* Inside a fast call, which delivers signals on its way
		 * out (fastcall.c). */
		light_resume(light_resume_point());
	}
	sched_continue();
}

void sched_leave_fast_call(void)
{
	struct thread *self = sched_running, *next = sched_cpu.run_queue.head;

	/* Straight to another thread suspended in a fast call: the rest
	 * (idling, a thread to resume from its regs) through sched_resume. */
	if (next == NULL || next == self || next->light_rsp == 0) {
		light_suspend(&self->light_rsp, sched_resume);
		return;
	}
	run_queue_pop();
	take_cpu(next);
	take_fpu();
	light_switch(&self->light_rsp, light_resume_point());
}

void sched_continue(void)
{
	struct thread *self = sched_running;

	signal_deliver(self);
	/* Woken to poll again, and no handler ended its call: the call runs
	 * again here, not from the app's code, so that no signal can come
	 * between two polls and find the thread outside its call. */
	if (self->poll_restarting) {
		self->poll_restarting = false;
		self->regs.rax = (uint64_t)self->syscall_number;
		self->call_again = true;
		syscall_dispatch(&self->regs);
		self->call_again = false;
		if (self->state != THREAD_RUNNING)
			sched_resume();
	}
	sched_arm_timer();
	event_resume(&self->regs);
}
