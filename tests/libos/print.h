/*
 * Console output for the test libOS: a small printf that formats into a
 * buffer and hands it to the console_write native call in one piece, so
 * that a line is never interleaved with the kernel's own output.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, with the flags '0' and '-', a
 * field width, and the length modifiers l, ll and z. Nothing else.
 */
#ifndef LIBOS_TEST_PRINT_H
#define LIBOS_TEST_PRINT_H

#include <stdarg.h>
#include <stddef.h>

#define PRINT_BUFFER_SIZE 1024

/* Formats into buffer (always NUL-terminated when size > 0); returns the
 * length written, truncated to size - 1. */
size_t print_format(char *buffer, size_t size, const char *format,
		    va_list arguments);

/* Formats and writes to the console; returns console_write's result. */
long print(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif /* LIBOS_TEST_PRINT_H */
