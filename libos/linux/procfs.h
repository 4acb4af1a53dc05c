/*
 * /proc (linux/procfs.c): the files under /proc and /proc/1 (the fixed
 * nodes NODE_PROC_* and NODE_PID_*, linux/files.h), generated at each
 * read.
 */
#ifndef LIBOS_LINUX_PROCFS_H
#define LIBOS_LINUX_PROCFS_H

#include <stdint.h>

/* The app's argv, for /proc/1/cmdline, and its file's path (absolute),
 * for /proc/1/exe: NULL when it has none, then the link names argv[0]'s
 * last component at the root. */
void procfs_init(int argc, char *const argv[], const char *executable);

/* read's and pread64's answer for a generated file: up to length bytes
 * of its text from offset into the app's buffer, or -EFAULT. */
long procfs_read(unsigned node, uint64_t offset, uint64_t buffer,
		 uint64_t length);

#endif /* LIBOS_LINUX_PROCFS_H */
