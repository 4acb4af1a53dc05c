/*
 * Host tests of kernel/lib/format.c: every conversion the kernel uses is
 * compared with the C library's snprintf; what format.h leaves out (%c, %p,
 * precisions, '+', ...) must print as written and read no argument.
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

/* The sink records every call, to check the text, chunking and totals. */
static struct {
	char text[4096]; /* NUL-terminated: the sink keeps the last byte 0 */
	size_t length;
	size_t calls;
	size_t empty_calls;
	size_t largest;
} recorder;

static void recorder_sink(const char *bytes, size_t length)
{
	recorder.calls++;
	if (length == 0)
		recorder.empty_calls++;
	if (length > recorder.largest)
		recorder.largest = length;
	cr_assert_lt(recorder.length + length, sizeof(recorder.text));
	memcpy(recorder.text + recorder.length, bytes, length);
	recorder.length += length;
}

/* Formats into the recorder; returns the number of bytes produced. */
static size_t record(const char *fmt, ...)
{
	va_list args;

	memset(&recorder, 0, sizeof(recorder));
	va_start(args, fmt);
	format_v(recorder_sink, fmt, args);
	va_end(args);
	return recorder.length;
}

/* Formats with both implementations and checks text and length agree. */
#define CHECK_LIKE_LIBC(...)                                                   \
	do {                                                                   \
		char expected[sizeof(recorder.text)];                          \
		int expected_length = snprintf(expected, sizeof(expected),     \
					       __VA_ARGS__);                   \
		size_t actual_length = record(__VA_ARGS__);                    \
		cr_assert_str_eq(recorder.text, expected, "format %s",         \
				 #__VA_ARGS__);                                \
		cr_assert_eq(actual_length, (size_t)expected_length,           \
			     "length of %s", #__VA_ARGS__);                    \
	} while (0)

/* Checks that `fmt` with the arguments gives exactly `expected`. */
#define CHECK_GIVES(expected, ...)                                             \
	do {                                                                   \
		cr_assert_eq(record(__VA_ARGS__), strlen(expected));           \
		cr_assert_str_eq(recorder.text, expected);                     \
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
	CHECK_LIKE_LIBC("%d", 123456789);
	CHECK_LIKE_LIBC("%d", INT_MAX);
	CHECK_LIKE_LIBC("%d", INT_MIN);
	CHECK_LIKE_LIBC("%ld", LONG_MIN);
	CHECK_LIKE_LIBC("%ld", LONG_MAX);
	CHECK_LIKE_LIBC("%lld", LLONG_MIN);
	CHECK_LIKE_LIBC("%lld", LLONG_MAX);
	CHECK_LIKE_LIBC("%zd", (ssize_t)-9);
}

Test(format, unsigned_bases)
{
	CHECK_LIKE_LIBC("%u", 0u);
	CHECK_LIKE_LIBC("%u", UINT_MAX);
	CHECK_LIKE_LIBC("%lu", ULONG_MAX);
	CHECK_LIKE_LIBC("%llu", ULLONG_MAX);
	CHECK_LIKE_LIBC("%zu", SIZE_MAX);
	CHECK_LIKE_LIBC("%x", 0xdeadbeefu);
	CHECK_LIKE_LIBC("%lx", ULONG_MAX);
	CHECK_LIKE_LIBC("%llx", 0x0123456789abcdefull);
	CHECK_LIKE_LIBC("%x", 0u);
	CHECK_LIKE_LIBC("%zx", (size_t)-1);
}

Test(format, width_and_flags)
{
	CHECK_LIKE_LIBC("[%5d]", 42);
	CHECK_LIKE_LIBC("[%-5d]", 42);
	CHECK_LIKE_LIBC("[%05d]", 42);
	CHECK_LIKE_LIBC("[%05d]", -42);
	CHECK_LIKE_LIBC("[%-05d]", 42);
	CHECK_LIKE_LIBC("[%1d]", 12345);
	CHECK_LIKE_LIBC("[%020lld]", LLONG_MIN);
	CHECK_LIKE_LIBC("[%30lld]", LLONG_MIN);
	CHECK_LIKE_LIBC("[%-30llu|]", ULLONG_MAX);
	CHECK_LIKE_LIBC("[%08x]", 0xbeefu);
	CHECK_LIKE_LIBC("[%-8x]", 0xbeefu);
	CHECK_LIKE_LIBC("[%016lx]", 0xffffffff80001234ul);
	CHECK_LIKE_LIBC("[%016lx]", 0ul);
	CHECK_LIKE_LIBC("[%02u|%02u|%02u]", 0u, 7u, 123u);
	CHECK_LIKE_LIBC("[%-2u|%-2u|%-2u]", 0u, 7u, 123u);
	CHECK_LIKE_LIBC("[%100d]", 7);
	CHECK_LIKE_LIBC("[%-100d]", 7);
	CHECK_LIKE_LIBC("[%0100d]", -7);
}

Test(format, alternate_forms)
{
	CHECK_LIKE_LIBC("[%#x]", 255u);
	CHECK_LIKE_LIBC("[%#x]", 0u);
	CHECK_LIKE_LIBC("[%#08x]", 255u);
	CHECK_LIKE_LIBC("[%#-8x]", 255u);
	CHECK_LIKE_LIBC("[%#lx]", 0xfee00000ul);
	CHECK_LIKE_LIBC("[%#lx]", 0ul);
	CHECK_LIKE_LIBC("[%#llx]", ULLONG_MAX);
	CHECK_LIKE_LIBC("[%#u]", 8u);
	CHECK_LIKE_LIBC("[%#d]", 8);
}

Test(format, strings)
{
	CHECK_LIKE_LIBC("[%s]", "text");
	CHECK_LIKE_LIBC("[%s]", "");
	CHECK_LIKE_LIBC("[%8s]", "text");
	CHECK_LIKE_LIBC("[%-8s]", "text");
	CHECK_LIKE_LIBC("[%08s]", "text");
	CHECK_LIKE_LIBC("[%2s]", "text");
	CHECK_LIKE_LIBC("[%s]", null_string);
	CHECK_LIKE_LIBC("[%10s]", null_string);
	CHECK_LIKE_LIBC("[%-10s]", null_string);
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
	CHECK_GIVES("[%-08.3k]", "[%-08.3k]");
	CHECK_GIVES("[%llk]", "[%llk]");
	CHECK_GIVES("[%#5y|3]", "[%#5y|3]", 3);
}

/* Each form format.h leaves out ends at its first character that is no
 * flag, width digit or length modifier, and reads no argument: the %d
 * after them gets the first one. */
Test(format, forms_left_out_read_no_argument)
{
	CHECK_GIVES("[%c|%p|%.3d|%+d|% d|%*d|%hd|%X|%o|%i|7]",
		    "[%c|%p|%.3d|%+d|% d|%*d|%hd|%X|%o|%i|%d]", 7, 8);
}

Test(format, trailing_percent)
{
	CHECK_GIVES("abc%", "abc%");
	CHECK_GIVES("x%-5", "x%-5");
	CHECK_GIVES("x%l", "x%l");
}

Test(format, mixed)
{
	CHECK_LIKE_LIBC("%s=%d (%#x) [%-6s] %%", "answer", 42, 42u, "ok");
	CHECK_LIKE_LIBC("%lu pages, %llu bytes, %zu items", 12ul, ULLONG_MAX,
			(size_t)3);
	CHECK_LIKE_LIBC("  #%-2u 0x%016lx <%s+0x%lx>", 3u,
			0xffffffff80012345ul, "kmain", 0x45ul);
}

Test(format, sink_receives_everything_in_chunks)
{
	char expected[4096];

	size_t length = record("start %-1000d|%0900x|%s end", -5, 0xabcu,
			       "tail");
	int expected_length = snprintf(expected, sizeof(expected),
				       "start %-1000d|%0900x|%s end", -5,
				       0xabcu, "tail");

	cr_assert_eq(length, (size_t)expected_length);
	cr_assert_eq(memcmp(recorder.text, expected, length), 0);
	cr_assert_eq(recorder.empty_calls, 0, "the sink got empty calls");
	cr_assert_gt(recorder.calls, 5, "padding should come in chunks");
}

Test(format, sink_gets_no_call_for_empty_output)
{
	cr_assert_eq(record(""), 0);
	cr_assert_eq(recorder.calls, 0);
	cr_assert_eq(record("%s%s", "", ""), 0);
	cr_assert_eq(recorder.calls, 0);
}

Test(format, literal_text_is_one_chunk)
{
	cr_assert_eq(record("just some literal text"), 22);
	cr_assert_eq(recorder.calls, 1);
	cr_assert_eq(recorder.largest, 22);
}
