/*
 * The physical page allocator: one bit per 4 KiB page between the lowest and
 * the highest free address, set while the page is allocated (or is not
 * RAM). Pure logic over caller-provided bitmap storage, so the host tests
 * run the same code; the kernel wraps it in page_alloc_zeroed() and
 * page_free() (kernel/mm/page.c), which panics on a detected double free.
 */
#ifndef KERNEL_MM_PMEM_H
#define KERNEL_MM_PMEM_H

#include <stddef.h>
#include <stdint.h>

#include "mm/memmap.h"

#define PMEM_PAGE_SIZE 4096u
#define PMEM_MAX_RANGES 64

enum pmem_status {
	PMEM_OK = 0,
	PMEM_NO_MEMORY = -1,
	PMEM_DOUBLE_FREE = -2,    /* the page was already free */
	PMEM_NOT_MANAGED = -3,    /* the address is not in a free range */
	PMEM_MISALIGNED = -4,     /* the address is not page-aligned */
};

struct pmem {
	uint64_t base;             /* physical address of bit 0 */
	uint64_t page_count;       /* bits in the bitmap */
	uint64_t *bitmap;          /* 1 = allocated or not RAM */
	uint8_t *shares;           /* per page: mappings beyond the first
				      (page_count bytes), or NULL */
	uint64_t free_pages;
	uint64_t next_hint;        /* page index where the next search starts */
	size_t range_count;
	struct memmap_range ranges[PMEM_MAX_RANGES];
};

/* Bytes of bitmap storage pmem_init needs for `ranges` (sorted). */
size_t pmem_bitmap_bytes(const struct memmap_range *ranges, size_t count);

/*
 * Sets up `pmem` over `ranges`: at most PMEM_MAX_RANGES, sorted, disjoint,
 * non-empty and page-aligned, as memmap_free_ranges returns them (the
 * caller's contract: nothing is checked), with `bitmap` of at least
 * pmem_bitmap_bytes() bytes. Every page in the ranges starts free.
 */
void pmem_init(struct pmem *pmem, const struct memmap_range *ranges,
	       size_t count, uint64_t *bitmap);

/* One page; returns PMEM_OK and its address in *address, or
 * PMEM_NO_MEMORY. */
int pmem_alloc(struct pmem *pmem, uint64_t *address);

/* Frees one page, or drops one of its shares (pmem_share) while it has
 * some. Detects double frees, misaligned addresses and addresses the
 * allocator does not manage; on error nothing changes. */
int pmem_free(struct pmem *pmem, uint64_t address);

/* One more mapping of an allocated page: the next pmem_free drops it
 * instead of freeing the page. PMEM_NO_MEMORY without `shares` or at 255
 * shares, PMEM_DOUBLE_FREE for a free page, and pmem_free's other
 * errors; on error nothing changes. */
int pmem_share(struct pmem *pmem, uint64_t address);

#endif /* KERNEL_MM_PMEM_H */
