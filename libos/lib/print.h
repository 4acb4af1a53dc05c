/*
 * Console output for the libOS (and the test libOS): a small printf that
 * formats into a buffer and hands it to the console_write native call in
 * one piece, so that a line is never interleaved with other output.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, with the flags '0' and '-', a
 * field width, and the length modifiers l, ll and z. Nothing else.
 */
#ifndef LIBOS_LIB_PRINT_H
#define LIBOS_LIB_PRINT_H

#include <stdarg.h>
#include <stddef.h>

#define PRINT_BUFFER_SIZE 1024

/* Formats into buffer (always NUL-terminated when size > 0); returns the
 * length written, truncated to size - 1. */
size_t print_format(char *buffer, size_t size, const char *format,
		    va_list arguments);

/* print_format with its arguments inline. */
size_t print_format_to(char *buffer, size_t size, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* Formats and writes to the console; returns console_write's result. */
long print(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif /* LIBOS_LIB_PRINT_H */
