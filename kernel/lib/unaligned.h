/*
 * Loads of little-endian integers at any alignment, for parsing firmware
 * and boot-loader structures (x86 is little-endian; memcpy keeps the
 * compiler from assuming alignment).
 */
#ifndef KERNEL_LIB_UNALIGNED_H
#define KERNEL_LIB_UNALIGNED_H

#include <stdint.h>

#include "lib/string.h"

static inline uint16_t load_le16(const void *bytes)
{
	uint16_t value;

	memcpy(&value, bytes, sizeof(value));
	return value;
}

static inline uint32_t load_le32(const void *bytes)
{
	uint32_t value;

	memcpy(&value, bytes, sizeof(value));
	return value;
}

static inline uint64_t load_le64(const void *bytes)
{
	uint64_t value;

	memcpy(&value, bytes, sizeof(value));
	return value;
}

#endif /* KERNEL_LIB_UNALIGNED_H */
