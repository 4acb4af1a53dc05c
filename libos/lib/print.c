/*
 * print(): format into a stack buffer, then one console_write native call.
 */
#include <stdbool.h>
#include <stdint.h>

#include "print.h"
#include "string.h"
#include "wicket/native.h"

struct output {
	char *buffer;
	size_t size;
	size_t length;
};

static void put(struct output *out, char c)
{
	if (out->length + 1 < out->size)
		out->buffer[out->length++] = c;
}

static void put_padded(struct output *out, const char *text, size_t length,
		       unsigned width, bool left, char pad)
{
	size_t i;

	if (!left)
		for (i = length; i < width; i++)
			put(out, pad);
	for (i = 0; i < length; i++)
		put(out, text[i]);
	if (left)
		for (i = length; i < width; i++)
			put(out, ' ');
}

/* Digits of value in base (10 or 16), with a '-' for negative signed
 * values; the sign goes before zero padding. */
static void put_number(struct output *out, uint64_t value, bool negative,
		       unsigned base, bool upper, unsigned width, bool left,
		       bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char text[24];
	size_t length = 0, i;

	do {
		text[sizeof(text) - 1 - length++] = digits[value % base];
		value /= base;
	} while (value);
	if (negative) {
		if (zero && !left) {
			put(out, '-');
			width = width ? width - 1 : 0;
		} else {
			text[sizeof(text) - 1 - length++] = '-';
		}
	}
	char ordered[24];
	for (i = 0; i < length; i++)
		ordered[i] = text[sizeof(text) - length + i];
	put_padded(out, ordered, length, width, left, zero && !left ? '0' : ' ');
}

size_t print_format(char *buffer, size_t size, const char *format,
		    va_list arguments)
{
	struct output out = { buffer, size, 0 };

	for (; *format; format++) {
		if (*format != '%') {
			put(&out, *format);
			continue;
		}
		bool left = false, zero = false;
		unsigned width = 0, longs = 0;

		for (format++;; format++) {
			if (*format == '-')
				left = true;
			else if (*format == '0')
				zero = true;
			else
				break;
		}
		while (*format >= '0' && *format <= '9')
			width = width * 10 + (unsigned)(*format++ - '0');
		while (*format == 'l' || *format == 'z') {
			longs++;
			format++;
		}

		switch (*format) {
		case 'd':
		case 'i': {
			int64_t value = longs ? va_arg(arguments, int64_t)
					      : va_arg(arguments, int);
			uint64_t magnitude = value < 0 ? 0 - (uint64_t)value
						       : (uint64_t)value;
			put_number(&out, magnitude, value < 0, 10, false,
				   width, left, zero);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t value = longs ? va_arg(arguments, uint64_t)
					       : va_arg(arguments, unsigned);
			put_number(&out, value, false, *format == 'u' ? 10 : 16,
				   *format == 'X', width, left, zero);
			break;
		}
		case 'p':
			put(&out, '0');
			put(&out, 'x');
			put_number(&out,
				   (uint64_t)(uintptr_t)va_arg(arguments, void *),
				   false, 16, false, 16, false, true);
			break;
		case 's': {
			const char *text = va_arg(arguments, const char *);
			if (text == NULL)
				text = "(null)";
			put_padded(&out, text, strlen(text), width, left, ' ');
			break;
		}
		case 'c':
			put(&out, (char)va_arg(arguments, int));
			break;
		case '%':
			put(&out, '%');
			break;
		case '\0':
			format--; /* a lone '%' at the end */
			break;
		default:
			put(&out, '%');
			put(&out, *format);
			break;
		}
	}
	if (size)
		buffer[out.length] = '\0';
	return out.length;
}

size_t print_format_to(char *buffer, size_t size, const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	size_t length = print_format(buffer, size, format, arguments);
	va_end(arguments);
	return length;
}

long print(const char *format, ...)
{
	char buffer[PRINT_BUFFER_SIZE];
	va_list arguments;

	va_start(arguments, format);
	size_t length = print_format(buffer, sizeof(buffer), format, arguments);
	va_end(arguments);
	return wk_console_write((long)buffer, (long)length);
}
