/*
 * Timers (linux/timers.c): alarm and setitimer (ITIMER_REAL, and the
 * CPU-time ITIMER_VIRTUAL and ITIMER_PROF) and POSIX
 * timers (timer_create and friends), which raise signals, and timerfds,
 * which count expirations on a descriptor. The scheduler asks for the
 * earliest deadline when it arms the kernel timer, and fires what is due
 * on every timer event.
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

/* The real-time clock was set: absolute real-time timers expire when it
 * reads their moment (the periods missed count as expirations), and
 * timerfds armed with TFD_TIMER_CANCEL_ON_SET become readable, their
 * read -ECANCELED. */
void timers_clock_was_set(void);

/* execve: the POSIX timers are deleted (Linux's exit_itimers); the
 * interval timers and the timerfds' stay. */
void timers_exec(void);

/* A timerfd description (linux/io.c; its position is its timer's slot):
 * read takes the expirations since the last read (as 8 bytes; -EINVAL
 * for a shorter buffer), waiting for one (may_wait, no O_NONBLOCK) or
 * -EAGAIN; poll says POLLIN while there are some; the last descriptor's
 * close frees the timer. */
struct file;
long timerfd_read(const struct file *file, uint64_t buffer, uint64_t length,
		  bool may_wait);
int16_t timerfd_poll(const struct file *file);
void timerfd_release(const struct file *file);

#endif /* LIBOS_LINUX_TIMERS_H */
