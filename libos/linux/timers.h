/*
 * Timers that raise signals (linux/timers.c): alarm and setitimer
 * (ITIMER_REAL), and POSIX timers (timer_create and friends). The
 * scheduler asks for the earliest deadline when it arms the kernel timer,
 * and fires what is due on every timer event.
 */
#ifndef LIBOS_LINUX_TIMERS_H
#define LIBOS_LINUX_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

/* The earliest TSC deadline of an armed timer, 0 if none. */
uint64_t timers_deadline(void);

/* Raises the signals of the timers due at `now` and re-arms the periodic
 * ones. */
void timers_fire(uint64_t now);

/* The overrun count a POSIX timer's signal carries, taken when the
 * signal is delivered (it also lets the timer raise its signal again). */
int32_t timers_take_overrun(int32_t timer_id);

#endif /* LIBOS_LINUX_TIMERS_H */
