/*
 * Kernel console output: printf-style, to COM1. Callable from any context,
 * panics included (it takes no lock: one CPU, and output from an exception
 * handler may interleave with the line it interrupted).
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list args);

/* `wicket.quiet` on the command line: the boot chatter before the libOS
 * runs (kinfo, else kprintf) is dropped; errors, reports and the exit line
 * (kprintf) are not. */
extern bool console_quiet;
#define kinfo(...) (console_quiet ? (void)0 : kprintf(__VA_ARGS__))

#endif /* KERNEL_CONSOLE_H */
