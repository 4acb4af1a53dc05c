/*
 * The file namespace (linux/files.c): a fixed, read-only tree of
 * directories and devices, with no storage behind it.
 */
#ifndef LIBOS_LINUX_FILES_H
#define LIBOS_LINUX_FILES_H

/* Its nodes, in its table's order: the root, /dev and the devices. */
enum file_node {
	NODE_ROOT,
	NODE_DEV,
	NODE_CONSOLE,
	NODE_FULL,
	NODE_NULL,
	NODE_RANDOM,
	NODE_TTY,
	NODE_TTYS0, /* the serial console, as descriptors 0, 1 and 2 */
	NODE_URANDOM,
	NODE_ZERO,
	NODE_PIPE,      /* every pipe's: in no directory */
	NODE_ANONYMOUS, /* eventfds' and epoll instances': in none either */
	NODE_COUNT,
};

#endif /* LIBOS_LINUX_FILES_H */
