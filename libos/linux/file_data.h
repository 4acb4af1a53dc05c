/*
 * Where the tree's writable bytes live (linux/file_data.c): each node
 * number has a data slot of FILE_DATA_SLOT bytes of address space, mapped
 * a page at a time as the file grows, and a name slot of 256 bytes. A
 * file that grows past its data slot moves into one of FILE_LARGE_SLOTS
 * large slots of FILE_SIZE_MAX bytes, and back when it shrinks to fit
 * again: the same frames, mapped at the other address (mem_share), so a
 * shared view of the file keeps its pages.
 *
 * A file may have holes: pages of its span with no memory, which read as
 * zeros (a truncate that grows it, a write past its end, a punched hole).
 * Such a sparse file has a bitmap of its pages (a bit set: the page has
 * memory), in a window of its own; a file with none has every page of its
 * span mapped, as a file a growth of less than SPARSE_MIN leaves.
 */
#ifndef LIBOS_LINUX_FILE_DATA_H
#define LIBOS_LINUX_FILE_DATA_H

#include <stdbool.h>
#include <stdint.h>

#define FILE_DATA_SLOT (UINT64_C(128) << 20)

/* A written file's most bytes (Linux says -EFBIG past a file system's). */
#define FILE_SIZE_MAX (UINT64_C(32) << 30)

/* How many files may be larger than FILE_DATA_SLOT at once. */
#define FILE_LARGE_SLOTS 12

/* A file without holes gets some only when a growth leaves at least this
 * many bytes unwritten; less is given zeroed pages. */
#define SPARSE_MIN (UINT64_C(1) << 20)

/* A written file's pages, kept in its node. */
struct file_pages {
	uint64_t span;      /* bytes of its slot it covers: page_up(size) */
	uint64_t backed;    /* bytes of the span that have memory */
	uint32_t map_bytes; /* bytes of its hole bitmap mapped; 0: none (no
			       holes) */
};

/* Where node's bytes are now: its data slot, or its large slot. Growing
 * and shrinking may move them. */
uint8_t *file_data_slot(unsigned node);

/* Makes node's span page_up(size), moving it to a large slot when it
 * passes the data slot: 0, or -EFBIG past FILE_SIZE_MAX, or -ENOSPC when
 * memory or the large slots are out (nothing but its address changes
 * then). New pages read as zeros; those wholly below hole_end are left
 * holes if there are SPARSE_MIN bytes of them or the file has holes
 * already. */
long file_data_grow(unsigned node, struct file_pages *pages, uint64_t size,
		    uint64_t hole_end);

/* Gives memory to the holes among the pages of [offset, offset + length)
 * (inside the span): 0, or -ENOSPC (some may have it then). */
long file_data_back(unsigned node, struct file_pages *pages, uint64_t offset,
		    uint64_t length);

/* Makes the whole pages of [offset, offset + length) inside the span
 * holes and zeroes the rest of the range that is inside `size`: 0, or
 * -ENOSPC when a file without holes cannot have a bitmap. File views of
 * those pages lose them (vm_file_punched). */
long file_data_punch(unsigned node, struct file_pages *pages, uint64_t size,
		     uint64_t offset, uint64_t length);

/* From offset (below limit, inside the span), how many bytes up to limit
 * are all memory or all holes (*backed: which). */
uint64_t file_data_run(unsigned node, const struct file_pages *pages,
		       uint64_t offset, uint64_t limit, bool *backed);

/* Copies length bytes of node's from offset (inside the span) to `to`,
 * zeros for the holes. */
void file_data_read(unsigned node, const struct file_pages *pages,
		    uint64_t offset, void *to, uint64_t length);

/* Zeroes the bytes of [offset, offset + length) (inside the span) that
 * have memory. */
void file_data_zero(unsigned node, const struct file_pages *pages,
		    uint64_t offset, uint64_t length);

/* Keeps [0, size) of node's bytes: the pages past it are unmapped and the
 * rest of the last page is zeroed, so that a later growth reads zeros; a
 * file in a large slot that fits its data slot again moves back. */
void file_data_shrink(unsigned node, struct file_pages *pages, uint64_t size);

/* The bytes the data slots have mapped, all files together. */
uint64_t file_data_bytes(void);

/* Node's name slot (256 bytes), mapped when first asked for; NULL when
 * memory is out. */
char *file_name_slot(unsigned node);

#endif /* LIBOS_LINUX_FILE_DATA_H */
