/*
 * Byte-at-a-time string functions: small and obviously right, which is all
 * the tests need. Built with -fno-tree-loop-distribute-patterns so that GCC
 * does not turn these loops back into calls to themselves.
 */
#include "string.h"

void *memset(void *destination, int byte, size_t count)
{
	unsigned char *d = destination;

	while (count--)
		*d++ = (unsigned char)byte;
	return destination;
}

void *memcpy(void *destination, const void *source, size_t count)
{
	unsigned char *d = destination;
	const unsigned char *s = source;

	while (count--)
		*d++ = *s++;
	return destination;
}

int memcmp(const void *left, const void *right, size_t count)
{
	const unsigned char *l = left, *r = right;

	for (; count; count--, l++, r++)
		if (*l != *r)
			return *l < *r ? -1 : 1;
	return 0;
}

size_t strlen(const char *string)
{
	size_t length = 0;

	while (string[length])
		length++;
	return length;
}

bool string_starts_with(const char *string, const char *prefix)
{
	while (*prefix)
		if (*string++ != *prefix++)
			return false;
	return true;
}

bool string_equals_word(const char *word, size_t length, const char *string)
{
	return strlen(string) == length && memcmp(word, string, length) == 0;
}
