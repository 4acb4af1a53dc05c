/*
 * Differential test: printf-family formatting. Every line is deterministic
 * (no addresses), so it must match the host byte for byte. Each case prints
 * the format, the result in brackets and snprintf's return value.
 */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <wchar.h>

/* Some cases are valid but ignored flags (" " with "+", "0" with "-" or a
 * precision), others truncate on purpose: both sides must agree on them. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-truncation"

static int cases;

#define P(fmt, ...) do { \
	char buf_[512]; \
	int r_ = snprintf(buf_, sizeof buf_, fmt, __VA_ARGS__); \
	printf("%-14s [%s] %d\n", #fmt, buf_, r_); \
	cases++; \
} while (0)

static void integers(void)
{
	puts("-- integers");
	P("%d", 0);
	P("%d", 42);
	P("%d", -42);
	P("%d", INT_MAX);
	P("%d", INT_MIN);
	P("%i", -1);
	P("%u", UINT_MAX);
	P("%hhd", (signed char)-128);
	P("%hhd", (signed char)127);
	P("%hhu", (unsigned char)255);
	P("%hhx", (unsigned char)0xab);
	P("%hd", (short)SHRT_MIN);
	P("%hu", (unsigned short)USHRT_MAX);
	P("%ld", LONG_MIN);
	P("%ld", LONG_MAX);
	P("%lu", ULONG_MAX);
	P("%lld", LLONG_MIN);
	P("%llu", ULLONG_MAX);
	P("%llx", 0x0123456789abcdefULL);
	P("%jd", (intmax_t)INTMAX_MIN);
	P("%ju", (uintmax_t)UINTMAX_MAX);
	P("%zu", (size_t)SIZE_MAX);
	P("%zd", (ssize_t)-5);
	P("%td", (ptrdiff_t)-123456789);
	P("%" PRId8, (int8_t)-8);
	P("%" PRIu16, (uint16_t)65535);
	P("%" PRIx32, (uint32_t)0xdeadbeef);
	P("%" PRIo64, (uint64_t)01234567012345670ULL);
	P("%" PRIX64, (uint64_t)0xfedcba9876543210ULL);

	puts("-- bases and flags");
	P("%x", 255u);
	P("%X", 255u);
	P("%#x", 255u);
	P("%#X", 255u);
	P("%#x", 0u);
	P("%o", 8u);
	P("%#o", 8u);
	P("%#o", 0u);
	P("%+d", 5);
	P("%+d", -5);
	P("% d", 5);
	P("% d", -5);
	P("%+ d", 5);
	P("%5d", 42);
	P("%-5d|", 42);
	P("%05d", 42);
	P("%05d", -42);
	P("%-05d|", -42);
	P("%.5d", 42);
	P("%.5d", -42);
	P("%8.5d", 42);
	P("%-8.5d|", -42);
	P("%08.5d", 42);
	P("%.0d", 0);
	P("%5.0d|", 0);
	P("%.0x", 0u);
	P("%#.0o", 0u);
	P("%#10x", 0xabcu);
	P("%#010x", 0xabcu);
	P("%-#10x|", 0xabcu);
	P("%#.8x", 0xabcu);
	P("%*d", 6, 7);
	P("%-*d|", 6, 7);
	P("%*d|", -6, 7);
	P("%.*d", 4, 7);
	P("%.*d", -4, 7);
	P("%*.*d", 8, 4, -7);
	P("%'d", 1234567);
}

static void floats(void)
{
	puts("-- floating point");
	P("%f", 0.0);
	P("%f", -0.0);
	P("%f", 1.0);
	P("%f", 3.14159265358979);
	P("%f", -2.5);
	P("%.0f", 0.5);
	P("%.0f", 1.5);
	P("%.0f", 2.5);
	P("%.0f", -0.5);
	P("%.1f", 0.05);
	P("%.1f", 0.25);
	P("%.2f", 1.005);
	P("%.3f", 2.0 / 3.0);
	P("%.10f", 1.0 / 3.0);
	P("%.20f", 0.1);
	P("%f", 1e20);
	P("%f", 123456789.125);
	P("%.0f", 1e22);
	P("%f", DBL_MAX);
	P("%.3f", DBL_MIN);
	P("%#.0f", 3.0);
	P("%+.2f", 3.14159);
	P("% .2f", 3.14159);
	P("%10.3f|", 3.14159);
	P("%-10.3f|", 3.14159);
	P("%010.3f", -3.14159);
	P("%F", 1.5);
	P("%e", 0.0);
	P("%e", 1.0);
	P("%e", 123456.789);
	P("%e", -0.000123456789);
	P("%.0e", 5.5);
	P("%#.0e", 5.5);
	P("%.3e", 9.9995);
	P("%E", 1e-300);
	P("%e", DBL_MAX);
	P("%e", DBL_MIN);
	P("%e", 4.9406564584124654e-324);
	P("%12.4e|", 31415.9265);
	P("%-12.4e|", -31415.9265);
	P("%g", 0.0);
	P("%g", 100000.0);
	P("%g", 1000000.0);
	P("%g", 0.0001);
	P("%g", 0.00001);
	P("%g", 123456789.0);
	P("%g", 1.5);
	P("%g", -2.0);
	P("%#g", 1.0);
	P("%#g", 123.0);
	P("%.3g", 3.14159);
	P("%.0g", 123.0);
	P("%.10g", 1.0 / 7.0);
	P("%G", 1e-20);
	P("%10.4g|", 0.000012345);
	P("%a", 0.0);
	P("%a", 1.0);
	P("%a", -1.5);
	P("%a", 0.1);
	P("%a", DBL_MAX);
	P("%a", DBL_MIN);
	P("%a", 4.9406564584124654e-324);
	P("%A", 255.0);
	P("%.0a", 1.5);
	P("%.3a", 1.0 / 3.0);
	P("%20a|", 3.0);
	P("%f", (double)INFINITY);
	P("%f", -(double)INFINITY);
	P("%F", (double)INFINITY);
	P("%e", (double)INFINITY);
	P("%g", -(double)INFINITY);
	P("%a", (double)INFINITY);
	P("%8f|", (double)INFINITY);
	P("%-8f|", -(double)INFINITY);
	P("%f", (double)NAN);
	P("%F", (double)NAN);
	P("%e", (double)NAN);
	P("%g", (double)NAN);
	P("%5.2f|", (double)NAN);
	P("%Lf", 1.0L / 3.0L);
	P("%.25Lf", 1.0L / 3.0L);
	P("%Le", 6.02214076e23L);
	P("%Lg", LDBL_MAX);
	P("%La", 1.0L);
	P("%.15Lg", LDBL_MIN);
	P("%.17g", 0.1 + 0.2);
	P("%.17g", 1e23);
	P("%.17g", 9007199254740993.0);
}

static void strings_and_chars(void)
{
	puts("-- strings and characters");
	P("%s", "hello");
	P("%s", "");
	P("%10s|", "right");
	P("%-10s|", "left");
	P("%.3s", "truncated");
	P("%10.3s|", "truncated");
	P("%-10.3s|", "truncated");
	P("%.*s", 2, "abc");
	P("%.0s|", "gone");
	P("%.10s", "short");
	P("%c", 'A');
	P("%c", '0' + 9);
	P("%5c|", 'x');
	P("%-5c|", 'x');
	P("%c%c%c", 'a', 'b', 'c');
	P("%%%s", "");
	P("%s %d %c %x %.2f", "mix", 1, 'z', 0x1fu, 2.345);
	P("%2$s %1$s", "world", "hello");
	P("%3$d %1$d %2$d", 1, 2, 3);
	P("%1$*2$d|", 5, 8);
	P("%ls", L"wide");
	P("%lc", (wint_t)L'W');
}

static void counting(void)
{
	puts("-- %n and return values");
	int n = -1;
	signed char hhn = -1;
	short hn = -1;
	long ln = -1;
	long long lln = -1;
	size_t zn = 0;
	char buf[64];
	int r = snprintf(buf, sizeof buf, "abc%ndefgh%hhn%hn ij%ln%lln%zn",
			 &n, &hhn, &hn, &ln, &lln, &zn);
	printf("%%n: [%s] r=%d n=%d hhn=%d hn=%d ln=%ld lln=%lld zn=%zu\n",
	       buf, r, n, hhn, hn, ln, lln, zn);
	int a = 0, b = 0;
	r = printf("%d%n + %d%n\n", 12345, &a, 6, &b);
	printf("printf returned %d, a=%d b=%d\n", r, a, b);

	r = snprintf(buf, 5, "%s", "0123456789");
	printf("truncated: [%s] r=%d\n", buf, r);
	r = snprintf(NULL, 0, "%d-%s-%.3f", 123, "abc", 1.0);
	printf("measure only: r=%d\n", r);
	r = snprintf(buf, 1, "xyz");
	printf("size 1: [%s] r=%d\n", buf, r);
	memset(buf, '#', sizeof buf);
	r = snprintf(buf, 0, "xyz");
	printf("size 0 leaves the buffer: %c r=%d\n", buf[0], r);

	char big[300];
	r = snprintf(big, sizeof big, "%250d|", 1);
	printf("wide field: len=%zu r=%d last=[%s]\n", strlen(big), r,
	       big + 247);
	r = snprintf(big, sizeof big, "%.280d", 7);
	printf("long precision: len=%zu r=%d first=%c last=%c\n", strlen(big),
	       r, big[0], big[strlen(big) - 1]);

	errno = ERANGE;
	r = snprintf(buf, sizeof buf, "%m");
	printf("%%m with ERANGE: [%s] r=%d\n", buf, r);

	/* fprintf to stdout, fputs, putchar, puts, fwrite mixed. */
	fprintf(stdout, "fprintf %05.1f\n", 9.87);
	fputs("fputs line\n", stdout);
	putchar('p');
	putchar('\n');
	fwrite("fwrite 12 b\n", 1, 12, stdout);

	/* A long line through printf (more than a stdio buffer). */
	unsigned long sum = 0;
	for (int i = 0; i < 3000; i++) {
		int c = 'a' + i % 26;
		putchar(c);
		sum += (unsigned long)c * (unsigned long)(i + 1);
		if (i % 100 == 99)
			putchar('\n');
	}
	printf("long output checksum %lu\n", sum);
}

int main(void)
{
	integers();
	floats();
	strings_and_chars();
	counting();
	printf("%d cases\n", cases);
	return 0;
}
