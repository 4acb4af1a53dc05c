/*
 * Record locks: fcntl's F_GETLK, F_SETLK and F_SETLKW, and their OFD
 * forms (linux/record_locks.c), as the descriptors (linux/io.c) use them.
 */
#ifndef LIBOS_LINUX_RECORD_LOCKS_H
#define LIBOS_LINUX_RECORD_LOCKS_H

#include <stdint.h>

#include "linux/io.h"

/* fcntl's lock commands (Linux's values). */
#define F_GETLK      5
#define F_SETLK      6
#define F_SETLKW     7
#define F_OFD_GETLK  36
#define F_OFD_SETLK  37
#define F_OFD_SETLKW 38

/* One of the six commands on file with the app's struct flock at
 * address: 0, an error, or SYSCALL_NO_RESULT after the thread was made
 * to wait (F_SETLKW and F_OFD_SETLKW; the call runs again). */
long record_lock(struct file *file, uint32_t command, uint64_t address);

/* A descriptor of file was closed: the process's (POSIX) locks on its
 * object go, whichever description took them. */
void record_locks_closed(const struct file *file);

/* file, the description, is gone: its OFD locks go. */
void record_locks_released(const struct file *file);

#endif /* LIBOS_LINUX_RECORD_LOCKS_H */
