/*
 * Loads of little-endian integers at any alignment, for parsing firmware
 * and boot-loader structures (x86 is little-endian; memcpy keeps the
 * compiler from assuming alignment).
 */
#ifndef KERNEL_LIB_UNALIGNED_H
#define KERNEL_LIB_UNALIGNED_H

#include <stdint.h>

#include "lib/string.h"

/* load_le16, load_le32, load_le64. */
#define LOAD_LE(bits)                                                      \
	static inline uint##bits##_t load_le##bits(const void *bytes)      \
	{                                                                  \
		uint##bits##_t value;                                      \
		memcpy(&value, bytes, sizeof(value));                      \
		return value;                                              \
	}
LOAD_LE(16)
LOAD_LE(32)
LOAD_LE(64)

#endif /* KERNEL_LIB_UNALIGNED_H */
