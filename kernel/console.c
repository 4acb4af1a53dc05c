/*
 * The console: the formatter writing to the serial port and the screen.
 */
#include "console.h"

#include "arch/x86_64/serial.h"
#include "screen.h"
#include "lib/format.h"

static void console_write(const char *bytes, size_t length)
{
	serial_write(bytes, length);
	screen_write(bytes, length);
}

void kvprintf(const char *fmt, va_list args)
{
	format_v(console_write, fmt, args);
}

void kprintf(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	kvprintf(fmt, args);
	va_end(args);
}

bool console_quiet;
