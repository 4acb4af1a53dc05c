/*
 * /proc (linux/procfs.c): the files under /proc, /proc/1 and
 * /proc/1/task/TID (the fixed nodes NODE_PROC_*, NODE_PID_* and
 * NODE_TASK_*, linux/files.h), generated at each read.
 */
#ifndef LIBOS_LINUX_PROCFS_H
#define LIBOS_LINUX_PROCFS_H

#include <stdint.h>

/* The app's argv, for /proc/1/cmdline, and its file's path (absolute),
 * for /proc/1/exe: NULL when it has none, then the link names argv[0]'s
 * last component at the root. */
void procfs_init(int argc, char *const argv[], const char *executable);

struct file;

/* Where stack_build put the app's environment strings [environment,
 * environment_end) and its auxiliary vector (auxv_bytes at auxv), for
 * /proc/1/environ and auxv. */
void procfs_note_stack(uint64_t environment, uint64_t environment_end,
		       uint64_t auxv, uint64_t auxv_bytes);

/* read's and pread64's answer for a generated file: up to length bytes
 * of its text from offset into the app's buffer, or -EFAULT; -ESRCH for
 * a file of a thread that has gone (/proc/1/task/TID). */
long procfs_read(const struct file *file, uint64_t offset, uint64_t buffer,
		 uint64_t length);

/* write's answer for a generated file: a comm takes it (as Linux's
 * comm_write: the first 15 bytes become the thread's name, and the whole
 * count is taken; -ESRCH for a gone thread's, or -EFAULT); the others
 * refuse it as Linux's do (-EIO or -EINVAL). */
long procfs_write(const struct file *file, uint64_t buffer, uint64_t length);

#endif /* LIBOS_LINUX_PROCFS_H */
