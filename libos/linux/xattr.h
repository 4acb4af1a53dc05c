/*
 * Extended attributes (linux/xattr.c), as the file tree (linux/files.c)
 * uses them.
 */
#ifndef LIBOS_LINUX_XATTR_H
#define LIBOS_LINUX_XATTR_H

/* Node number `node` is free again: its file's attributes go. */
void attributes_forget(unsigned node);

#endif /* LIBOS_LINUX_XATTR_H */
