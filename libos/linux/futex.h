/* Futexes (linux/futex.c): the waiters, which the scheduler's timeouts and
 * thread exit also reach. */
#ifndef LIBOS_LINUX_FUTEX_H
#define LIBOS_LINUX_FUTEX_H

#include <stdint.h>

#include "sched/thread.h"

/* Wakes up to count waiters on the word at address whose bitset meets
 * bitset; returns how many. */
long futex_wake(uint64_t address, long count, uint32_t bitset);

/* Takes a thread out of the waiters (its wait timed out). */
void futex_forget(struct thread *thread);

#endif /* LIBOS_LINUX_FUTEX_H */
