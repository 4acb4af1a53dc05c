/*
 * String functions. The bulk moves go 8 bytes at a time (`rep movsq`,
 * `rep stosq`: TCG, and so -icount, counts each repetition as an
 * instruction), then byte by byte for the tail; the rest are
 * byte loops, built with -fno-tree-loop-distribute-patterns so that GCC
 * does not turn them back into calls to themselves.
 */
#include "string.h"

#include <stdint.h>

#undef memset /* the functions themselves, not string.h's builtins */
#undef memcpy

void *memset(void *destination, int byte, size_t count)
{
	void *d = destination;
	size_t words = count / 8, tail = count % 8;
	uint64_t pattern = (uint8_t)byte * UINT64_C(0x0101010101010101);

	__asm__ volatile("rep stosq; movq %3, %%rcx; rep stosb"
			 : "+D"(d), "+c"(words)
			 : "a"(pattern), "r"(tail)
			 : "memory");
	return destination;
}

void *memcpy(void *destination, const void *source, size_t count)
{
	void *d = destination;
	size_t words = count / 8, tail = count % 8;

	__asm__ volatile("rep movsq; movq %3, %%rcx; rep movsb"
			 : "+D"(d), "+S"(source), "+c"(words)
			 : "r"(tail)
			 : "memory");
	return destination;
}

/* Overlap with the destination above the source copies backwards: the
 * tail bytes from the last one down, then the words (DF set for the two
 * moves; the ABI wants it clear again at the end). */
void *memmove(void *destination, const void *source, size_t count)
{
	unsigned char *d = destination;
	const unsigned char *s = source;
	size_t words = count / 8, tail = count % 8;

	if (d <= s || d >= s + count)
		return memcpy(destination, source, count);
	d += count - 1;
	s += count - 1;
	__asm__ volatile("std; rep movsb; subq $7, %%rdi; subq $7, %%rsi;"
			 "movq %3, %%rcx; rep movsq; cld"
			 : "+D"(d), "+S"(s), "+c"(tail)
			 : "r"(words)
			 : "memory");
	return destination;
}

int memcmp(const void *left, const void *right, size_t count)
{
	const unsigned char *l = left, *r = right;

	/* Eight bytes at a time while they match (x86-64 loads a word from
	 * any address), then the bytes that differ or are left. */
	for (; count >= 8; count -= 8, l += 8, r += 8) {
		uint64_t a, b;

		__builtin_memcpy(&a, l, 8);
		__builtin_memcpy(&b, r, 8);
		if (a != b)
			break;
	}
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
