/*
 * The boot's file archive (linux/archive.c): a newc cpio archive whose
 * directories, regular files, symbolic links, FIFOs and socket files
 * join the file namespace
 * (linux/files.h) from the root, as Linux's initramfs does.
 */
#ifndef LIBOS_LINUX_ARCHIVE_H
#define LIBOS_LINUX_ARCHIVE_H

#include <stdint.h>

/* Adds the archive's entries (`size` bytes at `archive`, which stay
 * there) to the namespace; what is damaged or left out is reported. */
void archive_load(const uint8_t *archive, uint64_t size);

/* A regular file at `path` (from the root) whose `size` bytes at `bytes`
 * stay there, as an archive's do, its missing directories made (0755,
 * root's): its node, or the node the path names already if that is no
 * directory; NO_NODE when it cannot be there (a component is no
 * directory, the table is full, more than 4 GiB). */
unsigned archive_place(const char *path, const uint8_t *bytes, uint64_t size,
		       uint32_t mode, int64_t mtime);

#endif /* LIBOS_LINUX_ARCHIVE_H */
