/*
 * The thread table and FPU state (thread.h). Each slot is four pages of
 * the libOS's own (LIBOS_THREAD_PAGES; the last three mapped the first
 * time the slot is used): an unmapped guard, the stack its fast calls run
 * on (trap/fastcall.c), the FPU save area (XSAVE needs 64-byte alignment
 * and, with the components this kernel enables, at most a few KiB), then
 * the pending signals' information and the struct thread itself. Only the
 * table of pointers is in the image, so that the libOS's bss stays small
 * (the kernel zeroes it at boot).
 */
#include "sched/thread.h"

#include <stddef.h>

#include "layout.h"
#include "lib/string.h"
#include "libos.h"
#include "wicket/native.h"

#define FPU_AREA_BYTES PAGE_SIZE
#define SLOT_BYTES (4 * PAGE_SIZE)
#define SLOT_MAPPED_BYTES (3 * PAGE_SIZE) /* all but the guard */

#define SIGNAL_INFO_BYTES (65 * sizeof(struct signal_info))
_Static_assert(SIGNAL_INFO_BYTES + sizeof(struct thread) <= PAGE_SIZE,
	       "a thread's second page");

static struct thread *slots[THREADS_MAX]; /* NULL: never used */
static unsigned live;
static int32_t next_tid = 1;
/* The live threads by tid: tids count up, so their low bits spread. */
#define TID_BUCKETS 4096
static struct thread *by_tid[TID_BUCKETS];

static struct thread **tid_bucket(int32_t tid)
{
	return &by_tid[(uint32_t)tid % TID_BUCKETS];
}

static void tid_link(struct thread *thread)
{
	struct thread **bucket = tid_bucket(thread->tid);

	thread->tid_next = *bucket;
	*bucket = thread;
}

static void tid_unlink(struct thread *thread)
{
	for (struct thread **link = tid_bucket(thread->tid); *link;
	     link = &(*link)->tid_next)
		if (*link == thread) {
			*link = thread->tid_next;
			return;
		}
}

static struct thread *allocate(void)
{
	for (unsigned i = 0; i < THREADS_MAX; i++) {
		uint64_t stack = LIBOS_THREAD_PAGES + (uint64_t)i * SLOT_BYTES +
				 PAGE_SIZE;
		uint64_t area = stack + PAGE_SIZE;

		if (slots[i] && slots[i]->state != THREAD_FREE)
			continue;
		if (!slots[i]) {
			if (wk_mem_map((long)stack, SLOT_MAPPED_BYTES,
				       WK_PROT_READ | WK_PROT_WRITE) < 0)
				return NULL;
			slots[i] = (struct thread *)(area + FPU_AREA_BYTES +
						     SIGNAL_INFO_BYTES);
		}
		struct thread *thread = slots[i];

		memset(thread, 0, sizeof(*thread));
		thread->slot = (uint16_t)i;
		thread->fpu = (void *)area;
		thread->signal_infos = (struct signal_info *)(area +
							      FPU_AREA_BYTES);
		thread->light_stack_top = area; /* 16-byte aligned */
		thread->altstack_flags = 2; /* SS_DISABLE */
		thread->tid = next_tid++;
		thread->state = THREAD_RUNNABLE;
		tid_link(thread);
		live++;
		return thread;
	}
	return NULL;
}

struct thread *thread_init(void)
{
	return allocate();
}

struct thread *thread_create(void)
{
	struct thread *thread = allocate();

	if (thread) {
		/* XSAVE leaves the header's reserved bytes (the 64 after
		 * the 512-byte legacy area) as they were: XRSTOR wants them
		 * zero. It writes the rest it needs itself. */
		memset((uint8_t *)thread->fpu + 512, 0, 64);
		thread_fpu_save(thread);
	}
	return thread;
}

void thread_free(struct thread *thread)
{
	tid_unlink(thread);
	thread->state = THREAD_FREE;
	live--;
}

unsigned thread_count(void)
{
	return live;
}

struct thread *thread_slot(unsigned index)
{
	struct thread *thread = slots[index];

	return thread && thread->state != THREAD_FREE ? thread : NULL;
}

struct thread *thread_find(int32_t tid)
{
	for (struct thread *thread = *tid_bucket(tid); thread;
	     thread = thread->tid_next)
		if (thread->tid == tid)
			return thread;
	return NULL;
}

void thread_set_tid(struct thread *thread, int32_t tid)
{
	tid_unlink(thread);
	thread->tid = tid;
	tid_link(thread);
}
