/*
 * The printf-style formatter of format.h, for the kernel console; the host
 * tests compare it with the C library's snprintf.
 *
 * Output goes to the sink in runs: literal text between conversions, each
 * converted field from a local buffer, and padding a byte at a time. Nothing
 * here allocates or uses floating point.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/format.h"
#include "lib/string.h"

/* A parsed conversion specification: its flags and width. */
struct format_spec {
	bool left;      /* '-': pad on the right */
	bool zero;      /* '0': pad numbers with zeros after the sign or 0x */
	bool alternate; /* '#': 0x before a non-zero %x */
	size_t width;
};

_Static_assert(sizeof(size_t) == sizeof(long), "z reads what l reads");

static void format_emit(format_sink sink, const char *bytes, size_t length)
{
	if (length > 0)
		sink(bytes, length);
}

static void format_fill(format_sink sink, char fill, size_t count)
{
	while (count-- > 0)
		sink(&fill, 1);
}

/*
 * Emits `prefix` (a sign, 0x or "") and `length` bytes of `body`, padded to
 * the spec's width as C11 7.21.6.1 says: with zeros between the two for '0',
 * else with spaces before them, or after them for '-' (which beats '0').
 */
static void format_field(format_sink sink, const struct format_spec *spec,
			 const char *prefix, const char *body, size_t length)
{
	size_t prefix_length = strlen(prefix);
	size_t total = prefix_length + length;
	size_t padding = spec->width > total ? spec->width - total : 0;
	bool zeros = spec->zero && !spec->left;

	if (!spec->left && !zeros)
		format_fill(sink, ' ', padding);
	format_emit(sink, prefix, prefix_length);
	if (zeros)
		format_fill(sink, '0', padding);
	format_emit(sink, body, length);
	if (spec->left)
		format_fill(sink, ' ', padding);
}

/* Emits `value` in `base` (10, or 16 in lowercase) after `prefix`. */
static void format_number(format_sink sink, const struct format_spec *spec,
			  const char *prefix, uint64_t value, unsigned base)
{
	char digits[20]; /* UINT64_MAX has 20 decimal digits */
	char *first = digits + sizeof(digits);

	/* Least significant first, at the buffer's end. */
	do {
		*--first = "0123456789abcdef"[value % base];
		value /= base;
	} while (value != 0);
	format_field(sink, spec, prefix, first,
		     (size_t)(digits + sizeof(digits) - first));
}

void format_v(format_sink sink, const char *fmt, va_list args)
{
	while (*fmt != '\0') {
		const char *run = fmt;

		while (*fmt != '\0' && *fmt != '%')
			fmt++;
		format_emit(sink, run, (size_t)(fmt - run));
		if (*fmt == '\0')
			break;

		/* 1. Flags, width and length: %[-0#]*[0-9]*(l|ll|z)? */
		const char *specification = fmt++;
		struct format_spec spec = { 0 };
		bool wide = false;

		for (; *fmt == '-' || *fmt == '0' || *fmt == '#'; fmt++) {
			spec.left |= *fmt == '-';
			spec.zero |= *fmt == '0';
			spec.alternate |= *fmt == '#';
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			spec.width = spec.width * 10 + (size_t)(*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			wide = true;

		/* 2. Conversion. */
		switch (*fmt) {
		case 'd': {
			int64_t value = wide ? va_arg(args, long)
					     : va_arg(args, int);
			/* Unsigned negation: right for INT64_MIN too. */
			uint64_t magnitude = value < 0 ? 0 - (uint64_t)value
						       : (uint64_t)value;

			format_number(sink, &spec, value < 0 ? "-" : "",
				      magnitude, 10);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t value = wide ? va_arg(args, unsigned long)
					      : va_arg(args, unsigned int);
			bool hex = *fmt == 'x';
			bool prefixed = hex && spec.alternate && value != 0;

			format_number(sink, &spec, prefixed ? "0x" : "", value,
				      hex ? 16 : 10);
			break;
		}
		case 's': {
			const char *string = va_arg(args, const char *);

			if (string == NULL)
				string = "(null)";
			spec.zero = false; /* as glibc: spaces pad a %s */
			format_field(sink, &spec, "", string, strlen(string));
			break;
		}
		case '%':
			format_emit(sink, "%", 1);
			break;
		default:
			/* Unknown, or cut off by the end: print it as written,
			 * reading no argument. */
			if (*fmt != '\0')
				fmt++;
			format_emit(sink, specification,
				    (size_t)(fmt - specification));
			continue;
		}
		fmt++;
	}
}
