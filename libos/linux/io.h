/*
 * The file descriptors (linux/io.c) as the other system calls need them.
 */
#ifndef LIBOS_LINUX_IO_H
#define LIBOS_LINUX_IO_H

#include <stdbool.h>
#include <stdint.h>

/* Whether fd is an open descriptor (of the console: there is nothing
 * else). */
bool io_fd_is_open(uint64_t fd);

#endif /* LIBOS_LINUX_IO_H */
