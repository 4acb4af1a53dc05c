/*
 * The string functions the libOS (and the test libOS) need, freestanding.
 * memset, memcpy, memmove and memcmp keep their standard names because the
 * compiler may emit calls to them by itself.
 */
#ifndef LIBOS_LIB_STRING_H
#define LIBOS_LIB_STRING_H

#include <stdbool.h>
#include <stddef.h>

void *memset(void *destination, int byte, size_t count);
void *memcpy(void *destination, const void *source, size_t count);
void *memmove(void *destination, const void *source, size_t count);
int memcmp(const void *left, const void *right, size_t count);
size_t strlen(const char *string);

/* -ffreestanding turns the builtins off: these let the compiler inline
 * the small fixed-size copies and fills (a 4-byte read of app memory, a
 * siginfo) and call the functions for the rest. */
#define memset(destination, byte, count) \
	__builtin_memset(destination, byte, count)
#define memcpy(destination, source, count) \
	__builtin_memcpy(destination, source, count)

/* Whether string begins with prefix. */
bool string_starts_with(const char *string, const char *prefix);

/* Whether the first length bytes of word equal the whole of string. */
bool string_equals_word(const char *word, size_t length, const char *string);

#endif /* LIBOS_LIB_STRING_H */
