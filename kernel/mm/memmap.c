/*
 * Turning the loader's memory map into free page ranges (see memmap.h).
 *
 * Called once at boot, before any allocator exists, and by the host tests.
 * It allocates nothing and needs no workspace: a sweep walks the boundaries
 * of every region and exclusion in increasing order, and each elementary
 * interval between two neighbouring boundaries is free exactly when some
 * usable region covers it and no other region or exclusion does. Finding the
 * next boundary and classifying an interval take one scan of all inputs, so
 * the cost is O(n^2) for n = regions + exclusions (a few hundred at most).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/memmap.h"

/* The end of a region, clipped at 2^64 - 1 when base + length wraps. */
static uint64_t memmap_region_end(const struct boot_memory_region *region)
{
	if (region->length > UINT64_MAX - region->base)
		return UINT64_MAX;
	return region->base + region->length;
}

/* Lowers *next to `start` or `end` where that is a closer boundary above
 * `point`; returns whether `point` lies in [start, end). An empty or
 * inverted range only adds boundaries, which split no piece's verdict. */
static bool memmap_visit(uint64_t start, uint64_t end, uint64_t point,
			 uint64_t *next)
{
	if (start > point && start < *next)
		*next = start;
	if (end > point && end < *next)
		*next = end;
	return point >= start && point < end;
}

/*
 * Looks at every region and exclusion once: lowers *next to the smallest
 * boundary strictly above `point`, if there is one below it, and returns
 * whether the byte at `point` (and so the whole elementary interval that
 * starts there) is usable RAM that nothing else claims.
 */
static bool memmap_scan(const struct boot_memory_region *regions,
			size_t count, const struct memmap_range *excluded,
			size_t excluded_count, uint64_t point, uint64_t *next)
{
	bool usable = false;
	bool claimed = false;

	for (size_t i = 0; i < count; i++) {
		if (!memmap_visit(regions[i].base,
				  memmap_region_end(&regions[i]), point, next))
			continue;
		if (regions[i].type == BOOT_MEMORY_USABLE)
			usable = true;
		else
			claimed = true;
	}
	for (size_t i = 0; i < excluded_count; i++)
		if (memmap_visit(excluded[i].start, excluded[i].end, point,
				 next))
			claimed = true;
	return usable && !claimed;
}

/*
 * Appends the free piece [start, end) after rounding it inward to pages.
 * Returns false when `out` is full and the piece is not empty.
 */
static bool memmap_emit(uint64_t start, uint64_t end, struct memmap_range *out,
			size_t capacity, size_t *written)
{
	if (start > page_round_down(UINT64_MAX))
		return true; /* nothing page-aligned left above start */
	start = page_round_up(start);
	end = page_round_down(end);
	if (start >= end)
		return true;
	if (*written >= capacity)
		return false;
	out[*written].start = start;
	out[*written].end = end;
	(*written)++;
	return true;
}

long memmap_free_ranges(const struct boot_memory_region *regions, size_t count,
			const struct memmap_range *excluded, size_t excluded_count,
			struct memmap_range *out, size_t capacity)
{
	size_t written = 0;
	uint64_t point = 0;
	bool in_piece = false;
	uint64_t piece_start = 0;

	/* The sweep visits 0, every boundary above it, and 2^64 - 1. A piece
	 * open at one point is closed at a later one: the usable region that
	 * covers it ends there, and no byte at 2^64 - 1 (where clipped regions
	 * end) is free. */
	for (;;) {
		uint64_t next = UINT64_MAX;
		bool is_free = memmap_scan(regions, count, excluded,
					   excluded_count, point, &next);

		if (is_free && !in_piece) {
			in_piece = true;
			piece_start = point;
		} else if (!is_free && in_piece) {
			in_piece = false;
			if (!memmap_emit(piece_start, point, out, capacity,
					 &written))
				return -1;
		}
		if (point == UINT64_MAX)
			break;
		point = next;
	}
	return (long)written;
}

uint64_t memmap_total(const struct memmap_range *ranges, size_t count)
{
	uint64_t total = 0;

	for (size_t i = 0; i < count; i++)
		total += ranges[i].end - ranges[i].start;
	return total;
}

uint64_t memmap_carve(struct memmap_range *ranges, size_t *count,
		      uint64_t size)
{
	if (size == 0 || size > page_round_down(UINT64_MAX))
		return 0;
	size = page_round_up(size);

	for (size_t i = 0; i < *count; i++) {
		uint64_t address = ranges[i].start;

		if (address == 0 || ranges[i].end - address < size)
			continue;
		ranges[i].start += size;
		if (ranges[i].start == ranges[i].end) {
			for (size_t j = i + 1; j < *count; j++)
				ranges[j - 1] = ranges[j];
			(*count)--;
		}
		return address;
	}
	return 0;
}
