/*
 * Host tests of kernel/lib/format.c: every supported conversion is compared
 * with the C library's snprintf, except %p, whose output is our own rule
 * (0x and 16 lowercase hex digits).
 */
#include <criterion/criterion.h>

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "lib/format.h"

/* Some cases use flag combinations that C leaves to the implementation
 * (such as '0' with %s); glibc's behaviour is the reference. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-zero-length"

/* A NULL string the compiler cannot see through. */
static const char *volatile null_string;

#define FORMAT_TEST_BUFFER 512

/* Formats with both implementations and checks text and length agree. */
#define CHECK_LIKE_LIBC(...)                                                   \
	do {                                                                   \
		char expected[FORMAT_TEST_BUFFER];                             \
		char actual[FORMAT_TEST_BUFFER];                               \
		int expected_length = snprintf(expected, sizeof(expected),     \
					       __VA_ARGS__);                   \
		size_t actual_length = format_string(actual, sizeof(actual),   \
						     __VA_ARGS__);             \
		cr_assert_str_eq(actual, expected, "format %s",                \
				 #__VA_ARGS__);                                \
		cr_assert_eq(actual_length, (size_t)expected_length,           \
			     "length of %s", #__VA_ARGS__);                    \
	} while (0)

Test(format, plain_text)
{
	CHECK_LIKE_LIBC("");
	CHECK_LIKE_LIBC("hello, world");
	CHECK_LIKE_LIBC("100%% sure %%");
	CHECK_LIKE_LIBC("a\tb\nc");
}

Test(format, decimal)
{
	CHECK_LIKE_LIBC("%d", 0);
	CHECK_LIKE_LIBC("%d", 42);
	CHECK_LIKE_LIBC("%d", -42);
	CHECK_LIKE_LIBC("%i", 123456789);
	CHECK_LIKE_LIBC("%d", INT_MAX);
	CHECK_LIKE_LIBC("%d", INT_MIN);
	CHECK_LIKE_LIBC("%ld", LONG_MIN);
	CHECK_LIKE_LIBC("%ld", LONG_MAX);
	CHECK_LIKE_LIBC("%lld", LLONG_MIN);
	CHECK_LIKE_LIBC("%lld", LLONG_MAX);
	CHECK_LIKE_LIBC("%jd", (intmax_t)INT64_MIN);
	CHECK_LIKE_LIBC("%jd", (intmax_t)INT64_MAX);
	CHECK_LIKE_LIBC("%td", (ptrdiff_t)-7);
	CHECK_LIKE_LIBC("%zd", (ssize_t)-9);
}

Test(format, decimal_lengths_truncate)
{
	CHECK_LIKE_LIBC("%hhd", 300);
	CHECK_LIKE_LIBC("%hhd", -129);
	CHECK_LIKE_LIBC("%hhd", 127);
	CHECK_LIKE_LIBC("%hd", 70000);
	CHECK_LIKE_LIBC("%hd", -32768);
	CHECK_LIKE_LIBC("%hhu", 511);
	CHECK_LIKE_LIBC("%hu", 65537);
	CHECK_LIKE_LIBC("%hhx", -1);
	CHECK_LIKE_LIBC("%hx", -1);
}

Test(format, unsigned_bases)
{
	CHECK_LIKE_LIBC("%u", 0u);
	CHECK_LIKE_LIBC("%u", UINT_MAX);
	CHECK_LIKE_LIBC("%lu", ULONG_MAX);
	CHECK_LIKE_LIBC("%llu", ULLONG_MAX);
	CHECK_LIKE_LIBC("%zu", SIZE_MAX);
	CHECK_LIKE_LIBC("%ju", UINTMAX_MAX);
	CHECK_LIKE_LIBC("%x", 0xdeadbeefu);
	CHECK_LIKE_LIBC("%X", 0xdeadbeefu);
	CHECK_LIKE_LIBC("%llx", 0x0123456789abcdefull);
	CHECK_LIKE_LIBC("%llX", ULLONG_MAX);
	CHECK_LIKE_LIBC("%o", 8u);
	CHECK_LIKE_LIBC("%llo", ULLONG_MAX);
	CHECK_LIKE_LIBC("%x", 0u);
	CHECK_LIKE_LIBC("%o", 0u);
	CHECK_LIKE_LIBC("%tx", (ptrdiff_t)-1);
}

Test(format, signs)
{
	CHECK_LIKE_LIBC("%+d", 5);
	CHECK_LIKE_LIBC("%+d", -5);
	CHECK_LIKE_LIBC("%+d", 0);
	CHECK_LIKE_LIBC("% d", 5);
	CHECK_LIKE_LIBC("% d", -5);
	CHECK_LIKE_LIBC("%+ d", 5);
	CHECK_LIKE_LIBC("% +d", 5);
	CHECK_LIKE_LIBC("%+u", 5u);
	CHECK_LIKE_LIBC("% x", 5u);
	CHECK_LIKE_LIBC("%+lld", LLONG_MIN);
}

Test(format, width_and_flags)
{
	CHECK_LIKE_LIBC("[%5d]", 42);
	CHECK_LIKE_LIBC("[%-5d]", 42);
	CHECK_LIKE_LIBC("[%05d]", 42);
	CHECK_LIKE_LIBC("[%05d]", -42);
	CHECK_LIKE_LIBC("[%+05d]", 42);
	CHECK_LIKE_LIBC("[% 05d]", 42);
	CHECK_LIKE_LIBC("[%-05d]", 42);
	CHECK_LIKE_LIBC("[%1d]", 12345);
	CHECK_LIKE_LIBC("[%020lld]", LLONG_MIN);
	CHECK_LIKE_LIBC("[%30lld]", LLONG_MIN);
	CHECK_LIKE_LIBC("[%-30llu|]", ULLONG_MAX);
	CHECK_LIKE_LIBC("[%08x]", 0xbeefu);
	CHECK_LIKE_LIBC("[%-8X]", 0xbeefu);
	CHECK_LIKE_LIBC("[%100d]", 7);
	CHECK_LIKE_LIBC("[%-100d]", 7);
	CHECK_LIKE_LIBC("[%0100d]", -7);
}

Test(format, precision_on_integers)
{
	CHECK_LIKE_LIBC("[%.0d]", 0);
	CHECK_LIKE_LIBC("[%.d]", 0);
	CHECK_LIKE_LIBC("[%5.0d]", 0);
	CHECK_LIKE_LIBC("[%-5.0d]", 0);
	CHECK_LIKE_LIBC("[%+.0d]", 0);
	CHECK_LIKE_LIBC("[% .0d]", 0);
	CHECK_LIKE_LIBC("[%.0d]", 1);
	CHECK_LIKE_LIBC("[%.0u]", 0u);
	CHECK_LIKE_LIBC("[%.0x]", 0u);
	CHECK_LIKE_LIBC("[%.0o]", 0u);
	CHECK_LIKE_LIBC("[%.5d]", 42);
	CHECK_LIKE_LIBC("[%.5d]", -42);
	CHECK_LIKE_LIBC("[%+.5d]", 42);
	CHECK_LIKE_LIBC("[%8.5d]", -42);
	CHECK_LIKE_LIBC("[%-8.5d]", -42);
	CHECK_LIKE_LIBC("[%08.5d]", 42);
	CHECK_LIKE_LIBC("[%08.3d]", -1);
	CHECK_LIKE_LIBC("[%0.3d]", 4);
	CHECK_LIKE_LIBC("[%.2d]", 12345);
	CHECK_LIKE_LIBC("[%.30llx]", ULLONG_MAX);
	CHECK_LIKE_LIBC("[%.25lld]", LLONG_MIN);
}

Test(format, alternate_forms)
{
	CHECK_LIKE_LIBC("[%#x]", 255u);
	CHECK_LIKE_LIBC("[%#X]", 255u);
	CHECK_LIKE_LIBC("[%#x]", 0u);
	CHECK_LIKE_LIBC("[%#.0x]", 0u);
	CHECK_LIKE_LIBC("[%#08x]", 255u);
	CHECK_LIKE_LIBC("[%#-8x]", 255u);
	CHECK_LIKE_LIBC("[%#10.4x]", 255u);
	CHECK_LIKE_LIBC("[%#010.4x]", 255u);
	CHECK_LIKE_LIBC("[%#llx]", ULLONG_MAX);
	CHECK_LIKE_LIBC("[%#o]", 8u);
	CHECK_LIKE_LIBC("[%#o]", 0u);
	CHECK_LIKE_LIBC("[%#.0o]", 0u);
	CHECK_LIKE_LIBC("[%#.3o]", 8u);
	CHECK_LIKE_LIBC("[%#.2o]", 8u);
	CHECK_LIKE_LIBC("[%#5.3o]", 8u);
	CHECK_LIKE_LIBC("[%#06o]", 8u);
	CHECK_LIKE_LIBC("[%#llo]", ULLONG_MAX);
	CHECK_LIKE_LIBC("[%#u]", 8u);
	CHECK_LIKE_LIBC("[%#d]", 8);
}

Test(format, star_width_and_precision)
{
	CHECK_LIKE_LIBC("[%*d]", 6, 42);
	CHECK_LIKE_LIBC("[%*d]", -6, 42);
	CHECK_LIKE_LIBC("[%0*d]", -6, 42);
	CHECK_LIKE_LIBC("[%-*d]", -6, 42);
	CHECK_LIKE_LIBC("[%*d]", 0, 42);
	CHECK_LIKE_LIBC("[%.*d]", 4, 42);
	CHECK_LIKE_LIBC("[%.*d]", -4, 42);
	CHECK_LIKE_LIBC("[%.*d]", 0, 0);
	CHECK_LIKE_LIBC("[%.*d]", -1, 0);
	CHECK_LIKE_LIBC("[%0.*d]", -1, 7);
	CHECK_LIKE_LIBC("[%*.*d]", 8, 5, -42);
	CHECK_LIKE_LIBC("[%*.*s]", -8, 2, "abcdef");
	CHECK_LIKE_LIBC("[%*s]", 10, "right");
	CHECK_LIKE_LIBC("[%*c]", -3, 'z');
	CHECK_LIKE_LIBC("[%*d|%*d]", 3, 1, -3, 2);
}

Test(format, strings)
{
	CHECK_LIKE_LIBC("[%s]", "text");
	CHECK_LIKE_LIBC("[%s]", "");
	CHECK_LIKE_LIBC("[%8s]", "text");
	CHECK_LIKE_LIBC("[%-8s]", "text");
	CHECK_LIKE_LIBC("[%08s]", "text");
	CHECK_LIKE_LIBC("[%.2s]", "text");
	CHECK_LIKE_LIBC("[%.0s]", "text");
	CHECK_LIKE_LIBC("[%.10s]", "text");
	CHECK_LIKE_LIBC("[%6.2s]", "text");
	CHECK_LIKE_LIBC("[%-6.2s]", "text");
	CHECK_LIKE_LIBC("[%s]", null_string);
	CHECK_LIKE_LIBC("[%10s]", null_string);
	CHECK_LIKE_LIBC("[%-10s]", null_string);
	CHECK_LIKE_LIBC("[%.6s]", null_string);
	CHECK_LIKE_LIBC("[%.3s]", null_string);
	CHECK_LIKE_LIBC("[%5.3s]", null_string);
}

Test(format, string_precision_reads_no_further)
{
	/* Not NUL-terminated: a precision must bound the read (ASan). */
	char *bytes = malloc(4);
	char out[16];

	cr_assert_not_null(bytes);
	memcpy(bytes, "abcd", 4);
	cr_assert_eq(format_string(out, sizeof(out), "%.4s|%.2s", bytes, bytes),
		     7);
	cr_assert_str_eq(out, "abcd|ab");
	free(bytes);
}

Test(format, characters)
{
	CHECK_LIKE_LIBC("[%c]", 'a');
	CHECK_LIKE_LIBC("[%3c]", 'a');
	CHECK_LIKE_LIBC("[%-3c]", 'a');
	CHECK_LIKE_LIBC("[%03c]", 'a');
	CHECK_LIKE_LIBC("[%c%c%c]", 'x', 'y', 'z');
	CHECK_LIKE_LIBC("[%c]", 255);
}

Test(format, nul_character_is_counted)
{
	char out[8];

	cr_assert_eq(format_string(out, sizeof(out), "a%cb", 0), 3);
	cr_assert_eq(memcmp(out, "a\0b\0", 4), 0);
}

Test(format, unknown_conversions_print_as_written)
{
	CHECK_LIKE_LIBC("[%y]");
	CHECK_LIKE_LIBC("[%5y]");
	CHECK_LIKE_LIBC("[%%]");
}

/* glibc re-prints an unknown specification normalised ("%-08.3k" becomes
 * "%-8.3k", "%lk" becomes "%k"); format.h promises it as written. */
Test(format, unknown_conversions_keep_flags_and_length)
{
	char out[32];

	cr_assert_eq(format_string(out, sizeof(out), "[%-08.3k]"), 9);
	cr_assert_str_eq(out, "[%-08.3k]");
	cr_assert_eq(format_string(out, sizeof(out), "[%llk]"), 6);
	cr_assert_str_eq(out, "[%llk]");
	cr_assert_eq(format_string(out, sizeof(out), "[%#5y|%d]", 3), 8);
	cr_assert_str_eq(out, "[%#5y|3]");
}

Test(format, trailing_percent)
{
	char out[16];

	cr_assert_eq(format_string(out, sizeof(out), "abc%"), 4);
	cr_assert_str_eq(out, "abc%");
	cr_assert_eq(format_string(out, sizeof(out), "x%-5"), 4);
	cr_assert_str_eq(out, "x%-5");
}

Test(format, mixed)
{
	CHECK_LIKE_LIBC("%s=%d (%#x) [%-6s] %c%%", "answer", 42, 42u, "ok",
			'!');
	CHECK_LIKE_LIBC("%lu pages, %llu bytes, %zu items, %hhu", 12ul,
			ULLONG_MAX, (size_t)3, 258);
	CHECK_LIKE_LIBC("%5.1s|%-5.3d|%+.2i|%#5o", "xyz", 7, 3, 9u);
}

Test(format, pointer_is_16_hex_digits)
{
	char out[64];

	cr_assert_eq(format_string(out, sizeof(out), "%p", (void *)0), 18);
	cr_assert_str_eq(out, "0x0000000000000000");
	format_string(out, sizeof(out), "%p", (void *)0xdeadbeefull);
	cr_assert_str_eq(out, "0x00000000deadbeef");
	format_string(out, sizeof(out), "%p", (void *)UINTPTR_MAX);
	cr_assert_str_eq(out, "0xffffffffffffffff");
	format_string(out, sizeof(out), "[%20p]", (void *)0x10);
	cr_assert_str_eq(out, "[  0x0000000000000010]");
	format_string(out, sizeof(out), "[%-20p]", (void *)0x10);
	cr_assert_str_eq(out, "[0x0000000000000010  ]");
	format_string(out, sizeof(out), "[%4p]", (void *)0xabcdef);
	cr_assert_str_eq(out, "[0x0000000000abcdef]");
}

Test(format, truncation_keeps_return_value)
{
	char out[8];

	memset(out, 'X', sizeof(out));
	cr_assert_eq(format_string(out, sizeof(out), "%s", "hello, world"), 12);
	cr_assert_str_eq(out, "hello, ");

	memset(out, 'X', sizeof(out));
	cr_assert_eq(format_string(out, 1, "%d", 12345), 5);
	cr_assert_eq(out[0], '\0');
	cr_assert_eq(out[1], 'X');

	memset(out, 'X', sizeof(out));
	cr_assert_eq(format_string(out, 0, "%d", 12345), 5);
	cr_assert_eq(out[0], 'X');

	cr_assert_eq(format_string(NULL, 0, "%20d", 1), 20);

	memset(out, 'X', sizeof(out));
	cr_assert_eq(format_string(out, sizeof(out), "%7d", 1), 7);
	cr_assert_str_eq(out, "      1");

	memset(out, 'X', sizeof(out));
	cr_assert_eq(format_string(out, sizeof(out), "%8d", 1), 8);
	cr_assert_str_eq(out, "       ");
}

Test(format, truncation_matches_libc)
{
	static const char *const formats[] = { "%s|%d", "%-12s|%05d",
					       "%10s%10d" };

	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		for (size_t size = 0; size < 30; size++) {
			char expected[32];
			char actual[32];

			memset(expected, 'X', sizeof(expected));
			memset(actual, 'X', sizeof(actual));
			int expected_length = snprintf(expected, size,
						       formats[f], "abcdef", -17);
			size_t actual_length = format_string(actual, size,
							     formats[f],
							     "abcdef", -17);

			cr_assert_eq(actual_length, (size_t)expected_length);
			cr_assert_eq(memcmp(actual, expected, sizeof(actual)),
				     0, "format %s, size %zu", formats[f],
				     size);
		}
	}
}

/* A sink that records every call, to check chunking and byte totals. */
struct recorder {
	char text[4096];
	size_t length;
	size_t calls;
	size_t empty_calls;
	size_t largest;
};

static void recorder_sink(const char *bytes, size_t length, void *context)
{
	struct recorder *recorder = context;

	recorder->calls++;
	if (length == 0)
		recorder->empty_calls++;
	if (length > recorder->largest)
		recorder->largest = length;
	cr_assert_leq(recorder->length + length, sizeof(recorder->text));
	memcpy(recorder->text + recorder->length, bytes, length);
	recorder->length += length;
}

static size_t record(struct recorder *recorder, const char *fmt, ...)
{
	va_list args;
	size_t length;

	memset(recorder, 0, sizeof(*recorder));
	va_start(args, fmt);
	length = format_v(recorder_sink, recorder, fmt, args);
	va_end(args);
	return length;
}

Test(format, sink_receives_everything_in_chunks)
{
	struct recorder recorder;
	char expected[4096];

	size_t length = record(&recorder, "start %-1000d|%0*x|%s end", -5, 900,
			       0xabcu, "tail");
	int expected_length = snprintf(expected, sizeof(expected),
				       "start %-1000d|%0*x|%s end", -5, 900,
				       0xabcu, "tail");

	cr_assert_eq(length, (size_t)expected_length);
	cr_assert_eq(recorder.length, length);
	cr_assert_eq(memcmp(recorder.text, expected, length), 0);
	cr_assert_eq(recorder.empty_calls, 0, "the sink got empty calls");
	cr_assert_gt(recorder.calls, 5, "padding should come in chunks");
}

Test(format, sink_gets_no_call_for_empty_output)
{
	struct recorder recorder;

	cr_assert_eq(record(&recorder, ""), 0);
	cr_assert_eq(recorder.calls, 0);
	cr_assert_eq(record(&recorder, "%s%.0d", "", 0), 0);
	cr_assert_eq(recorder.calls, 0);
}

Test(format, literal_text_is_one_chunk)
{
	struct recorder recorder;

	cr_assert_eq(record(&recorder, "just some literal text"), 22);
	cr_assert_eq(recorder.calls, 1);
	cr_assert_eq(recorder.largest, 22);
}

static size_t format_through_v(char *buffer, size_t size, const char *fmt,
			       ...)
{
	va_list args;
	size_t length;

	va_start(args, fmt);
	length = format_string_v(buffer, size, fmt, args);
	va_end(args);
	return length;
}

Test(format, string_v_variant)
{
	char out[32];

	cr_assert_eq(format_through_v(out, sizeof(out), "%d-%s-%c", 1, "two",
				      '3'),
		     7);
	cr_assert_str_eq(out, "1-two-3");
}
