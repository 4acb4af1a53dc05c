/*
 * Where the tree's writable bytes live (linux/file_data.c): each node
 * number has a data slot of FILE_DATA_SLOT bytes of address space, mapped
 * a page at a time as the file grows, and a name slot of 256 bytes. A
 * file that grows past its data slot moves into one of FILE_LARGE_SLOTS
 * large slots of FILE_SIZE_MAX bytes, and back when it shrinks to fit
 * again: the same frames, mapped at the other address (mem_share), so a
 * shared view of the file keeps its pages.
 */
#ifndef LIBOS_LINUX_FILE_DATA_H
#define LIBOS_LINUX_FILE_DATA_H

#include <stdint.h>

#define FILE_DATA_SLOT (UINT64_C(128) << 20)

/* A written file's most bytes (Linux says -EFBIG past a file system's). */
#define FILE_SIZE_MAX (UINT64_C(32) << 30)

/* How many files may be larger than FILE_DATA_SLOT at once. */
#define FILE_LARGE_SLOTS 12

/* Where node's bytes are now: its data slot, or its large slot. Growing
 * and shrinking may move them. */
uint8_t *file_data_slot(unsigned node);

/* Makes [0, size) of node's bytes mapped, from *mapped bytes (page
 * multiples) on, moving them to a large slot when size passes the data
 * slot: 0, or -EFBIG past FILE_SIZE_MAX, or -ENOSPC when memory or the
 * large slots are out (nothing but their address changes then). New
 * pages read as zeros. */
long file_data_grow(unsigned node, uint64_t *mapped, uint64_t size);

/* Keeps [0, size) of node's bytes: the pages past it are unmapped and the
 * rest of the last page is zeroed, so that a later growth reads zeros; a
 * file in a large slot that fits its data slot again moves back. */
void file_data_shrink(unsigned node, uint64_t *mapped, uint64_t size);

/* The bytes the data slots have mapped, all files together. */
uint64_t file_data_bytes(void);

/* Node's name slot (256 bytes), mapped when first asked for; NULL when
 * memory is out. */
char *file_name_slot(unsigned node);

#endif /* LIBOS_LINUX_FILE_DATA_H */
