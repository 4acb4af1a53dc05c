/*
 * Signal-driven I/O (linux/async_io.c): a description's owner and signal
 * (fcntl F_SETOWN and its kin, F_SETSIG), O_ASYNC's signals, and
 * directory notices (F_NOTIFY), as the descriptors (linux/io.c) and the
 * file tree's events (linux/inotify.c) use them.
 */
#ifndef LIBOS_LINUX_ASYNC_IO_H
#define LIBOS_LINUX_ASYNC_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/io.h"

#define O_ASYNC 020000

/* fcntl's F_SETOWN, F_GETOWN, F_SETOWN_EX, F_GETOWN_EX, F_SETSIG,
 * F_GETSIG and F_NOTIFY on descriptor fd's description: the answer, or
 * -ENOIOCTLCMD for another command. */
long async_fcntl(struct file *file, uint64_t fd, uint32_t command,
		 uint64_t argument);

/* O_ASYNC was set on (or cleared from) descriptor fd's description
 * (F_SETFL, FIOASYNC): its signals go to that descriptor number. 0, or
 * -ENOTTY for a file that has no such signals on Linux either (its
 * fasync: FIOASYNC's answer; F_SETFL keeps the flag all the same). */
long async_enabled(struct file *file, uint64_t fd, bool on);

/* Whether console input would signal someone (an owned console
 * description with O_ASYNC): a thread that waits for a signal then waits
 * for input too (sched.c's deadlock check). */
bool async_console_watched(void);

/* A description is gone: its owner and notices with it. */
void async_forget(const struct file *file);

/* Something a descriptor may wait for changed (sched's input hook): the
 * owners of O_ASYNC descriptions that woke as Linux's would get their
 * signals. */
void async_note_change(void);

/* A file tree event (inotify's mask) on `file` itself or on an entry of
 * `directory` (either may be NO_NODE): F_NOTIFY's registrations on them
 * hear it. `renamed`: instead, Linux's FS_RENAME event, a name of
 * `directory` renamed (before its IN_MOVED_FROM). */
void dnotify_event(unsigned file, unsigned directory, uint32_t mask,
		   bool renamed);

#endif /* LIBOS_LINUX_ASYNC_IO_H */
