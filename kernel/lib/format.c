/*
 * The printf-style formatter of format.h, shared by the kernel console and
 * the host tests (which compare it with the C library's snprintf).
 *
 * Output goes to the sink in runs: literal text between conversions, padding
 * in chunks of a small constant buffer, and each converted field from a local
 * buffer. Nothing here allocates or uses floating point; the deepest stack use
 * is the digit buffer of one integer conversion.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/format.h"
#include "lib/string.h"

/* Where the output goes, and how much has gone there so far. */
struct format_output {
	format_sink sink;
	void *context;
	size_t count;
};

/* A parsed conversion specification: flags, width, precision, length. */
struct format_spec {
	bool left;        /* '-': pad on the right */
	bool zero;        /* '0': pad numbers with zeros */
	bool plus;        /* '+': always print a sign */
	bool space;       /* ' ': a space where a '+' would go */
	bool alternate;   /* '#': 0x for x/X, a leading 0 for o */
	size_t width;
	bool has_precision;
	size_t precision;
	/* The argument's width in bits: 8 (hh), 16 (h), 32 (none) or 64 (l,
	 * ll, z, t, j: all 64-bit types in the x86-64 ABI). */
	unsigned bits;
};

_Static_assert(sizeof(long) == 8 && sizeof(long long) == 8 &&
	       sizeof(size_t) == 8 && sizeof(ptrdiff_t) == 8 &&
	       sizeof(intmax_t) == 8 && sizeof(int) == 4,
	       "the length modifiers map to bit widths as on x86-64");

/* Enough for the 22 octal digits of a 64-bit value. */
#define FORMAT_DIGITS_MAX 24

static void format_emit(struct format_output *output, const char *bytes,
			size_t length)
{
	if (length == 0)
		return;
	output->sink(bytes, length, output->context);
	output->count += length;
}

/* Emits `count` copies of `fill` (' ' or '0') in chunks. */
static void format_emit_fill(struct format_output *output, char fill,
			     size_t count)
{
	static const char spaces[16] = "                ";
	static const char zeros[16] = "0000000000000000";
	const char *chunk = fill == '0' ? zeros : spaces;

	while (count > 0) {
		size_t step = count < sizeof(spaces) ? count : sizeof(spaces);

		format_emit(output, chunk, step);
		count -= step;
	}
}

/* Emits `length` bytes of `field` padded with spaces to the spec's width. */
static void format_emit_padded(struct format_output *output,
			       const struct format_spec *spec,
			       const char *field, size_t length)
{
	size_t padding = spec->width > length ? spec->width - length : 0;

	if (!spec->left)
		format_emit_fill(output, ' ', padding);
	format_emit(output, field, length);
	if (spec->left)
		format_emit_fill(output, ' ', padding);
}

/* Fetches an integer argument of the spec's width, truncated to it
 * (hh and h arguments arrive promoted to int). */
static uint64_t format_argument(const struct format_spec *spec, va_list *args)
{
	uint64_t value = spec->bits == 64 ? va_arg(*args, uint64_t)
					  : va_arg(*args, unsigned int);

	return spec->bits == 64 ? value : value & ((1ull << spec->bits) - 1);
}

/* The same, read as signed: sign-extended from the spec's width. */
static int64_t format_signed_argument(const struct format_spec *spec,
				      va_list *args)
{
	unsigned shift = 64 - spec->bits;

	return (int64_t)(format_argument(spec, args) << shift) >> shift;
}

/*
 * Emits one integer conversion. `magnitude` is the absolute value, `sign` the
 * sign character ('-', '+', ' ') or 0, `base` 8, 10 or 16. The layout is
 * [spaces][sign or 0x][zeros][digits][spaces], as C11 7.21.6.1 describes:
 * a precision sets the minimum digit count (and turns off the '0' flag), a
 * zero value with precision 0 has no digits, and '#' with o forces a leading
 * zero while '#' with x/X prefixes 0x/0X to a non-zero value.
 */
static void format_integer(struct format_output *output,
			   const struct format_spec *spec, uintmax_t magnitude,
			   char sign, unsigned int base, bool upper)
{
	const char *digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[FORMAT_DIGITS_MAX];
	size_t digit_count = 0;
	char prefix[2];
	size_t prefix_length = 0;
	size_t zeros = 0;
	size_t total;
	size_t padding;

	/* Digits are produced least significant first, at the buffer's end. */
	if (!(spec->has_precision && spec->precision == 0 && magnitude == 0)) {
		do {
			digits[FORMAT_DIGITS_MAX - 1 - digit_count] =
				digit_chars[magnitude % base];
			magnitude /= base;
			digit_count++;
		} while (magnitude != 0);
	}
	const char *first_digit = digits + FORMAT_DIGITS_MAX - digit_count;

	if (spec->has_precision && spec->precision > digit_count)
		zeros = spec->precision - digit_count;

	if (sign != 0) {
		prefix[prefix_length++] = sign;
	} else if (spec->alternate && base == 16 && digit_count > 0 &&
		   !(digit_count == 1 && first_digit[0] == '0')) {
		prefix[prefix_length++] = '0';
		prefix[prefix_length++] = upper ? 'X' : 'x';
	}
	if (spec->alternate && base == 8 && zeros == 0 &&
	    (digit_count == 0 || first_digit[0] != '0'))
		zeros = 1;

	total = prefix_length + zeros + digit_count;
	padding = spec->width > total ? spec->width - total : 0;
	if (spec->zero && !spec->left && !spec->has_precision) {
		zeros += padding;
		padding = 0;
	}

	if (!spec->left)
		format_emit_fill(output, ' ', padding);
	format_emit(output, prefix, prefix_length);
	format_emit_fill(output, '0', zeros);
	format_emit(output, first_digit, digit_count);
	if (spec->left)
		format_emit_fill(output, ' ', padding);
}

/* Emits %s: at most `precision` bytes, never reading past them. glibc prints
 * a NULL string as "(null)" unless a precision shorter than that is given,
 * in which case it prints nothing; we do the same. */
static void format_string_field(struct format_output *output,
				const struct format_spec *spec,
				const char *string)
{
	size_t length;

	if (string == NULL) {
		string = "(null)";
		if (spec->has_precision && spec->precision < 6)
			string = "";
	}
	if (spec->has_precision)
		length = strnlen(string, spec->precision);
	else
		length = strlen(string);
	format_emit_padded(output, spec, string, length);
}

/* Emits %p: 0x and 16 lowercase hex digits whatever the value, then padding
 * with spaces to the width. Flags other than '-' are ignored. */
static void format_pointer(struct format_output *output,
			   const struct format_spec *spec, const void *pointer)
{
	char field[18];
	uint64_t value = (uint64_t)(uintptr_t)pointer;

	field[0] = '0';
	field[1] = 'x';
	for (int i = 0; i < 16; i++)
		field[2 + i] = "0123456789abcdef"[(value >> (60 - 4 * i)) & 0xf];
	format_emit_padded(output, spec, field, sizeof(field));
}

/* Reads decimal digits at *cursor into a size_t, saturating on overflow. */
static size_t format_parse_number(const char **cursor)
{
	size_t value = 0;

	while (**cursor >= '0' && **cursor <= '9') {
		size_t digit = (size_t)(**cursor - '0');

		if (value > (SIZE_MAX - digit) / 10)
			value = SIZE_MAX;
		else
			value = value * 10 + digit;
		(*cursor)++;
	}
	return value;
}

size_t format_v(format_sink sink, void *context, const char *fmt, va_list args)
{
	struct format_output output = { sink, context, 0 };
	const char *cursor = fmt;
	va_list ap;

	/* A copy, so that helpers can take its address portably. */
	va_copy(ap, args);
	while (*cursor != '\0') {
		const char *run = cursor;

		while (*cursor != '\0' && *cursor != '%')
			cursor++;
		format_emit(&output, run, (size_t)(cursor - run));
		if (*cursor == '\0')
			break;

		/* 1. Flags. */
		const char *specification = cursor++;
		struct format_spec spec = { 0 };

		for (;; cursor++) {
			if (*cursor == '-')
				spec.left = true;
			else if (*cursor == '0')
				spec.zero = true;
			else if (*cursor == '+')
				spec.plus = true;
			else if (*cursor == ' ')
				spec.space = true;
			else if (*cursor == '#')
				spec.alternate = true;
			else
				break;
		}

		/* 2. Width; a negative '*' width means '-' and its magnitude. */
		if (*cursor == '*') {
			int width = va_arg(ap, int);

			cursor++;
			if (width < 0) {
				spec.left = true;
				spec.width = (size_t)(0u - (unsigned int)width);
			} else {
				spec.width = (size_t)width;
			}
		} else {
			spec.width = format_parse_number(&cursor);
		}

		/* 3. Precision; a negative '*' precision means none. */
		if (*cursor == '.') {
			cursor++;
			spec.has_precision = true;
			if (*cursor == '*') {
				int precision = va_arg(ap, int);

				cursor++;
				if (precision < 0)
					spec.has_precision = false;
				else
					spec.precision = (size_t)precision;
			} else {
				spec.precision = format_parse_number(&cursor);
			}
		}

		/* 4. Length modifier. */
		spec.bits = 32;
		if (*cursor == 'h') {
			spec.bits = cursor[1] == 'h' ? 8 : 16;
			cursor += spec.bits == 8 ? 2 : 1;
		} else if (*cursor == 'l') {
			spec.bits = 64;
			cursor += cursor[1] == 'l' ? 2 : 1;
		} else if (*cursor == 'z' || *cursor == 't' || *cursor == 'j') {
			spec.bits = 64;
			cursor++;
		}

		/* 5. Conversion. */
		char conversion = *cursor;

		switch (conversion) {
		case 'd':
		case 'i': {
			int64_t value = format_signed_argument(&spec, &ap);
			uint64_t magnitude = (uint64_t)value;
			char sign = 0;

			if (value < 0) {
				/* Unsigned negation: right for INTMAX_MIN too. */
				magnitude = 0 - magnitude;
				sign = '-';
			} else if (spec.plus) {
				sign = '+';
			} else if (spec.space) {
				sign = ' ';
			}
			format_integer(&output, &spec, magnitude, sign, 10,
				       false);
			break;
		}
		case 'u':
			format_integer(&output, &spec,
				       format_argument(&spec, &ap), 0,
				       10, false);
			break;
		case 'x':
		case 'X':
			format_integer(&output, &spec,
				       format_argument(&spec, &ap), 0,
				       16, conversion == 'X');
			break;
		case 'o':
			format_integer(&output, &spec,
				       format_argument(&spec, &ap), 0,
				       8, false);
			break;
		case 'p':
			format_pointer(&output, &spec, va_arg(ap, void *));
			break;
		case 's':
			format_string_field(&output, &spec,
					    va_arg(ap, const char *));
			break;
		case 'c': {
			char character = (char)va_arg(ap, int);

			format_emit_padded(&output, &spec, &character, 1);
			break;
		}
		case '%':
			format_emit(&output, "%", 1);
			break;
		case '\0':
			/* A '%' at the end: print what was written. */
			format_emit(&output, specification,
				    (size_t)(cursor - specification));
			continue;
		default:
			/* Unknown: print the whole specification as written. */
			format_emit(&output, specification,
				    (size_t)(cursor + 1 - specification));
			break;
		}
		cursor++;
	}
	va_end(ap);
	return output.count;
}

/* The sink of format_string_v: copies what fits, keeping room for the NUL. */
struct format_buffer {
	char *buffer;
	size_t size;
	size_t used;
};

static void format_buffer_sink(const char *bytes, size_t length, void *context)
{
	struct format_buffer *target = context;

	if (target->size == 0 || target->used >= target->size - 1)
		return;
	size_t room = target->size - 1 - target->used;
	size_t step = length < room ? length : room;

	memcpy(target->buffer + target->used, bytes, step);
	target->used += step;
}

size_t format_string_v(char *buffer, size_t size, const char *fmt,
		       va_list args)
{
	struct format_buffer target = { buffer, size, 0 };
	size_t length = format_v(format_buffer_sink, &target, fmt, args);

	if (size > 0)
		buffer[target.used] = '\0';
	return length;
}

size_t format_string(char *buffer, size_t size, const char *fmt, ...)
{
	va_list args;
	size_t length;

	va_start(args, fmt);
	length = format_string_v(buffer, size, fmt, args);
	va_end(args);
	return length;
}
