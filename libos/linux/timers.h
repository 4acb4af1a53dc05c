/*
 * Timers that raise signals (linux/timers.c): alarm and setitimer
 * (ITIMER_REAL), and POSIX timers (timer_create and friends). The
 * scheduler asks for the earliest deadline when it arms the kernel timer,
 * and fires what is due on every timer event.
 */
#ifndef LIBOS_LINUX_TIMERS_H
#define LIBOS_LINUX_TIMERS_H

#include <stdint.h>

/* The earliest TSC deadline of an armed timer, 0 if none. */
uint64_t timers_deadline(void);

/* Raises the signals of the timers due at `now` and re-arms the periodic
 * ones. */
void timers_fire(uint64_t now);

#endif /* LIBOS_LINUX_TIMERS_H */
