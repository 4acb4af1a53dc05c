/*
 * A byte ring in the libOS's memory (pipes' and sockets' buffers): its
 * bytes are addressed by a running count, which wraps at the ring's size.
 */
#ifndef LIBOS_LIB_RING_H
#define LIBOS_LIB_RING_H

#include <stdint.h>

#include "lib/string.h"

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

#endif /* LIBOS_LIB_RING_H */
