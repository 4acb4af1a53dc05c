/*
 * Where the tree's writable bytes live (linux/file_data.c): each node
 * number has a data slot of FILE_DATA_SLOT bytes of address space, mapped
 * a page at a time as the file grows, and a name slot of 256 bytes.
 */
#ifndef LIBOS_LINUX_FILE_DATA_H
#define LIBOS_LINUX_FILE_DATA_H

#include <stdint.h>

/* A written file's most bytes (Linux says -EFBIG past a file system's). */
#define FILE_DATA_SLOT (UINT64_C(128) << 20)

/* Node's data slot. */
uint8_t *file_data_slot(unsigned node);

/* Makes [0, size) of node's slot mapped, from *mapped bytes (page
 * multiples) on: 0, or -EFBIG past the slot, or -ENOSPC when memory is
 * out (nothing changes then). New pages read as zeros. */
long file_data_grow(unsigned node, uint64_t *mapped, uint64_t size);

/* Keeps [0, size) of node's slot: the pages past it are unmapped and the
 * rest of the last page is zeroed, so that a later growth reads zeros. */
void file_data_shrink(unsigned node, uint64_t *mapped, uint64_t size);

/* The bytes the data slots have mapped, all files together. */
uint64_t file_data_bytes(void);

/* Node's name slot (256 bytes), mapped when first asked for; NULL when
 * memory is out. */
char *file_name_slot(unsigned node);

#endif /* LIBOS_LINUX_FILE_DATA_H */
