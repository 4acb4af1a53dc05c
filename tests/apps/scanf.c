/*
 * Differential test: sscanf with many conversions, then scanf, getchar and
 * fgets on standard input until end of file. The harness feeds scanf.stdin
 * (on the host as the process's stdin, under Wicket through the serial
 * port followed by Ctrl-D).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void conversions(void)
{
	int i1 = 0, i2 = 0, i3 = 0, n = -1;
	unsigned u = 0;
	long l = 0;
	long long ll = 0;
	unsigned long long ull = 0;
	signed char hh = 0;
	unsigned char uhh = 0;
	short h = 0;
	intmax_t j = 0;
	size_t z = 0;
	ptrdiff_t t = 0;
	float f = 0;
	double d1 = 0, d2 = 0, d3 = 0;
	long double ld = 0;
	char s1[32] = "", s2[32] = "", s3[32] = "";
	char c[8] = "";
	int r;

	puts("-- integers");
	r = sscanf("42 -17 +8", "%d %d %d", &i1, &i2, &i3);
	printf("%%d x3: r=%d %d %d %d\n", r, i1, i2, i3);
	r = sscanf("0x1f 017 99", "%i %i %i", &i1, &i2, &i3);
	printf("%%i x3: r=%d %d %d %d\n", r, i1, i2, i3);
	r = sscanf("-0X10", "%i", &i1);
	printf("%%i -0X10: r=%d %d\n", r, i1);
	r = sscanf("4294967295", "%u", &u);
	printf("%%u max: r=%d %u\n", r, u);
	r = sscanf("ff FF 0x1A", "%x %X %x", &i1, &i2, &i3);
	printf("%%x x3: r=%d %d %d %d\n", r, i1, i2, i3);
	r = sscanf("777 0777", "%o %o", &i1, &i2);
	printf("%%o x2: r=%d %d %d\n", r, i1, i2);
	r = sscanf("-9223372036854775808 18446744073709551615",
		   "%lld %llu", &ll, &ull);
	printf("%%lld %%llu: r=%d %lld %llu\n", r, ll, ull);
	r = sscanf("-2147483649", "%ld", &l);
	printf("%%ld: r=%d %ld\n", r, l);
	r = sscanf("-128 255 -32768", "%hhd %hhu %hd", &hh, &uhh, &h);
	printf("%%hhd %%hhu %%hd: r=%d %d %u %d\n", r, hh, uhh, h);
	r = sscanf("300", "%hhd", &hh);
	printf("%%hhd overflow 300: r=%d %d\n", r, hh);
	r = sscanf("123456789012 77 -5", "%jd %zu %td", &j, &z, &t);
	printf("%%jd %%zu %%td: r=%d %jd %zu %td\n", r, j, z, t);
	r = sscanf("1" "2" "3" "4" "5" "6", "%3d%2d%d", &i1, &i2, &i3);
	printf("widths 3,2,rest: r=%d %d %d %d\n", r, i1, i2, i3);
	r = sscanf("12 34 56", "%d %*d %d", &i1, &i2);
	printf("suppressed: r=%d %d %d\n", r, i1, i2);
	r = sscanf("abc", "%d", &i1);
	printf("no digits: r=%d\n", r);
	r = sscanf("", "%d", &i1);
	printf("empty input: r=%d\n", r);
	r = sscanf("   ", "%d", &i1);
	printf("blank input: r=%d\n", r);
	r = sscanf("7x", "%d%n", &i1, &n);
	printf("%%n after 7: r=%d %d n=%d\n", r, i1, n);
	r = sscanf("key = 99;", "key = %d;%n", &i1, &n);
	printf("literal match: r=%d %d n=%d\n", r, i1, n);
	r = sscanf("key: 99", "key = %d", &i1);
	printf("literal mismatch: r=%d\n", r);
	r = sscanf("100%", "%d%%", &i1);
	printf("percent literal: r=%d %d\n", r, i1);
	r = sscanf("0x", "%x%n", &i1, &n);
	printf("bare 0x: r=%d\n", r);

	puts("-- floating point");
	r = sscanf("3.25 -1e3 0x1.8p1", "%f %lf %lf", &f, &d1, &d2);
	printf("%%f %%lf %%lf: r=%d %g %g %g\n", r, f, d1, d2);
	r = sscanf("1.5e-300 .5 7.", "%le %lg %lE", &d1, &d2, &d3);
	printf("%%le %%lg %%lE: r=%d %g %g %g\n", r, d1, d2, d3);
	r = sscanf("inf -INFINITY nan", "%lf %lf %lf", &d1, &d2, &d3);
	printf("inf/nan: r=%d %f %f %f\n", r, d1, d2, d3);
	r = sscanf("0.1000000000000000055511151231257827", "%Lf", &ld);
	printf("%%Lf: r=%d %.20Lg\n", r, ld);
	r = sscanf("123.456", "%4lf%lf", &d1, &d2);
	printf("width 4: r=%d %g %g\n", r, d1, d2);
	r = sscanf("1e", "%lf", &d1);
	printf("1e: r=%d\n", r);
	r = sscanf("2.5e+3x", "%la%n", &d1, &n);
	printf("%%la then %%n: r=%d %g n=%d\n", r, d1, n);

	puts("-- strings, characters, sets");
	r = sscanf("  hello   world  ", "%s %s", s1, s2);
	printf("%%s %%s: r=%d [%s] [%s]\n", r, s1, s2);
	r = sscanf("abcdefghij", "%4s%3s%s", s1, s2, s3);
	printf("%%4s%%3s%%s: r=%d [%s] [%s] [%s]\n", r, s1, s2, s3);
	memset(c, 0, sizeof c);
	r = sscanf(" xyz", "%c%2c", &c[0], &c[1]);
	printf("%%c%%2c: r=%d [%s]\n", r, c);
	memset(c, 0, sizeof c);
	r = sscanf(" xyz", " %c", &c[0]);
	printf("space then %%c: r=%d [%s]\n", r, c);
	r = sscanf("abc123def", "%[a-z]%[0-9]%s", s1, s2, s3);
	printf("%%[a-z]%%[0-9]%%s: r=%d [%s] [%s] [%s]\n", r, s1, s2, s3);
	r = sscanf("name,age,,city", "%[^,],%[^,],%[^,]", s1, s2, s3);
	printf("%%[^,] x3: r=%d [%s] [%s]\n", r, s1, s2);
	r = sscanf("]]]x", "%[]]%s", s1, s2);
	printf("%%[]]: r=%d [%s] [%s]\n", r, s1, s2);
	r = sscanf("a-b-c+", "%[-a-c]", s1);
	printf("%%[-a-c]: r=%d [%s]\n", r, s1);
	r = sscanf("zzzzzzzzzz", "%5[z]", s1);
	printf("%%5[z]: r=%d [%s]\n", r, s1);
	r = sscanf("123", "%[a-z]", s1);
	printf("set mismatch: r=%d\n", r);
	r = sscanf("a:b", "%*[^:]:%s", s1);
	printf("suppressed set: r=%d [%s]\n", r, s1);
	r = sscanf("x=1 y=2.5 z=word", "x=%d y=%lf z=%31s", &i1, &d1, s1);
	printf("mixed: r=%d %d %g [%s]\n", r, i1, d1, s1);
	char *m = NULL;
	r = sscanf("allocated-string rest", "%ms", &m);
	printf("%%ms: r=%d [%s]\n", r, m ? m : "(null)");
	free(m);
	m = NULL;
	r = sscanf("aaab", "%m[a]", &m);
	printf("%%m[a]: r=%d [%s]\n", r, m ? m : "(null)");
	free(m);
}

static void from_stdin(void)
{
	int count = 0, value, r;
	long sum = 0;
	char word[64] = "", line[256];
	double x;

	puts("-- standard input");
	r = scanf("%d", &count);
	printf("count: r=%d %d\n", r, count);
	for (int i = 0; i < count; i++) {
		r = scanf("%d", &value);
		if (r != 1) {
			printf("number %d: r=%d\n", i, r);
			break;
		}
		sum += value;
	}
	printf("sum of %d numbers: %ld\n", count, sum);
	for (;;) {
		r = scanf(" name %63s %d %lf", word, &value, &x);
		if (r != 3)
			break;
		printf("record: [%s] %d %.3f\n", word, value, x);
	}
	printf("records ended with r=%d\n", r);
	r = scanf("%63s", word);
	printf("word: r=%d [%s]\n", r, word);
	int ch = getchar();
	printf("getchar after the word: %d\n", ch);
	unsigned lines = 0, bytes = 0;
	unsigned long hash = 5381;
	while (fgets(line, sizeof line, stdin)) {
		lines++;
		size_t len = strlen(line);
		bytes += (unsigned)len;
		for (size_t k = 0; k < len; k++)
			hash = hash * 33 + (unsigned char)line[k];
		if (lines <= 3 || !strchr(line, '\n'))
			printf("line %u (%zu bytes): %s%s", lines, len, line,
			       strchr(line, '\n') ? "" : "\n");
	}
	printf("fgets: %u lines, %u bytes, hash %lu\n", lines, bytes, hash);
	printf("feof=%d ferror=%d\n", feof(stdin) != 0, ferror(stdin) != 0);
}

int main(void)
{
	conversions();
	from_stdin();
	return 0;
}
