/*
 * A printf-style formatter that writes through a sink, shared by the kernel
 * console and the host tests.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ' '#',
 * a field width and a precision (both may be '*'), length modifiers hh h l
 * ll z t j. %p prints 0x and 16 hex digits. A NULL %s prints "(null)". An
 * unknown conversion is printed as written. No floating point.
 */
#ifndef KERNEL_LIB_FORMAT_H
#define KERNEL_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives `length` bytes of output; never NULL-terminated. */
typedef void (*format_sink)(const char *bytes, size_t length, void *context);

/* Formats through `sink`; returns the number of bytes produced. */
size_t format_v(format_sink sink, void *context, const char *fmt, va_list args);

/* snprintf semantics: writes at most size-1 bytes plus a NUL (when size > 0)
 * and returns the length the full output would have had. */
size_t format_string(char *buffer, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t format_string_v(char *buffer, size_t size, const char *fmt,
		       va_list args);

#endif /* KERNEL_LIB_FORMAT_H */
