/*
 * A printf-style formatter that writes through a sink: the kernel console's,
 * tested on the host against the C library's snprintf.
 *
 * Only what the kernel's messages use: conversions %d %u %x %s %%, flags
 * '-' '0' '#' (0x before a non-zero %x), a decimal field width, length
 * modifiers l ll z. A NULL %s prints "(null)". Anything else (%c, %p, a
 * precision, '+' ...) is an unknown conversion: printed as written, from
 * its '%' to the first character that is no flag, width digit or length
 * modifier, and reading no argument. No floating point.
 */
#ifndef KERNEL_LIB_FORMAT_H
#define KERNEL_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives `length` (> 0) bytes of output; never NUL-terminated. */
typedef void (*format_sink)(const char *bytes, size_t length);

/* Formats `fmt` with `args` through `sink`. */
void format_v(format_sink sink, const char *fmt, va_list args);

#endif /* KERNEL_LIB_FORMAT_H */
