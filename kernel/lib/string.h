/*
 * The few C library string functions the kernel uses, with their standard
 * names and semantics (gcc may also emit calls to memcpy/memset/memcmp
 * itself; one to memmove would fail the link). The kernel's definitions
 * are in string.c; the host tests use the C library's, so code shared
 * with the tests includes this header.
 */
#ifndef KERNEL_LIB_STRING_H
#define KERNEL_LIB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict destination, const void *restrict source,
	     size_t length);
void *memset(void *destination, int value, size_t length);
int memcmp(const void *left, const void *right, size_t length);
size_t strlen(const char *string);
int strcmp(const char *left, const char *right);

#endif /* KERNEL_LIB_STRING_H */
