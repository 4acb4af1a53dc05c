/*
 * Turning the loader's memory map into free page ranges.
 *
 * Pure logic, shared with the host tests. The map may be unsorted, may
 * overlap and may have holes; where a usable region overlaps any other kind,
 * the other kind wins. Excluded ranges (kernel image, modules, boot
 * structures, the first MiB) are cut out. The result is sorted, merged and
 * page-aligned inward.
 */
#ifndef KERNEL_MM_MEMMAP_H
#define KERNEL_MM_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"

#define MEMMAP_PAGE_SIZE 4096u

/* `address` rounded down or up to a page boundary. page_round_up wraps to 0
 * above the last page boundary below 2^64: callers check first. */
static inline uint64_t page_round_down(uint64_t address)
{
	return address & ~(uint64_t)(MEMMAP_PAGE_SIZE - 1);
}

static inline uint64_t page_round_up(uint64_t address)
{
	return page_round_down(address + MEMMAP_PAGE_SIZE - 1);
}

/* [start, end), both page-aligned, start < end. */
struct memmap_range {
	uint64_t start;
	uint64_t end;
};

/*
 * Computes the free ranges of `regions` minus `excluded`, writing at most
 * `capacity` ranges to `out`. Returns the number written, or -1 when more
 * than `capacity` would be needed (the first `capacity` are then valid).
 * Regions whose base + length wraps around 2^64 are clipped at 2^64 - 1.
 */
long memmap_free_ranges(const struct boot_memory_region *regions, size_t count,
			const struct memmap_range *excluded, size_t excluded_count,
			struct memmap_range *out, size_t capacity);

/* Total bytes in `ranges`. */
uint64_t memmap_total(const struct memmap_range *ranges, size_t count);

/*
 * Takes `size` bytes (rounded up to whole pages) from the start of the
 * lowest range that holds them, shrinking it in place and removing it from
 * the `*count` ranges when it is used up. Returns their physical address,
 * or 0 when no range fits (a range that starts at 0 is never used, since 0
 * means failure).
 */
uint64_t memmap_carve(struct memmap_range *ranges, size_t *count,
		      uint64_t size);

#endif /* KERNEL_MM_MEMMAP_H */
