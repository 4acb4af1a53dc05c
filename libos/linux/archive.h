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

#endif /* LIBOS_LINUX_ARCHIVE_H */
