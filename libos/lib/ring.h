/*
 * A byte ring in the libOS's memory (pipes' and sockets' buffers): its
 * bytes are addressed by a running count, which wraps at the ring's size.
 * A ring's pages are mapped as bytes first reach them (ring_back), so an
 * idle pipe or socket costs no memory.
 */
#ifndef LIBOS_LIB_RING_H
#define LIBOS_LIB_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"
#include "wicket/native.h"

/* `length` bytes (at most `size`) between the ring at `base`, `size`
 * bytes, from count `at` on, and `bytes`: out of the ring into them, or
 * into the ring from them when `into_ring`. */
static inline void ring_copy(uint8_t *base, uint64_t size, uint64_t at,
			     uint8_t *bytes, uint64_t length, int into_ring)
{
	uint64_t offset = at % size;
	uint64_t first = size - offset < length ? size - offset : length;

	if (into_ring) {
		memcpy(base + offset, bytes, first);
		memcpy(base, bytes + first, length - first);
	} else {
		memcpy(bytes, base + offset, first);
		memcpy(bytes + first, base, length - first);
	}
}

/* Maps the pages of the ring at `base` (`size` bytes, at most 64 pages)
 * that counts [at, at + length) fall in and `*backed` (a bit per page)
 * does not have yet, and notes them there: false when memory ran out. */
static inline bool ring_back(uint8_t *base, uint64_t size, uint64_t *backed,
			     uint64_t at, uint64_t length)
{
	uint64_t pages = size / WK_PAGE_SIZE;

	if (length > size)
		length = size;
	for (uint64_t page = at / WK_PAGE_SIZE;
	     length && page <= (at + length - 1) / WK_PAGE_SIZE; page++) {
		uint64_t slot = page % pages, bit = UINT64_C(1) << slot;

		if (*backed & bit)
			continue;
		if (wk_mem_map((long)(base + slot * WK_PAGE_SIZE), WK_PAGE_SIZE,
			       WK_PROT_READ | WK_PROT_WRITE) < 0)
			return false;
		*backed |= bit;
	}
	return true;
}

/* Unmaps the ring's pages: it holds no bytes any more. */
static inline void ring_unback(uint8_t *base, uint64_t size, uint64_t *backed)
{
	if (*backed)
		wk_mem_unmap((long)base, (long)size);
	*backed = 0;
}

#endif /* LIBOS_LIB_RING_H */
