/*
 * Differential test: <string.h> and <strings.h> functions, plus the
 * number conversions of <stdlib.h> that parse strings. Bulk memcpy,
 * memmove, memset, memcmp and memchr run over many lengths and alignments
 * against byte-by-byte reference loops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Truncating strncpy and strncat are what is being tested. */
#pragma GCC diagnostic ignored "-Wstringop-truncation"

static unsigned failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		failures++; \
		printf("FAIL line %d: %s\n", __LINE__, #cond); \
	} \
} while (0)

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void basics(void)
{
	char buf[64], *p;

	puts("-- lengths, copies, comparisons");
	printf("strlen: %zu %zu %zu\n", strlen(""), strlen("a"),
	       strlen("hello, world"));
	printf("strnlen: %zu %zu\n", strnlen("hello", 3), strnlen("hi", 10));
	strcpy(buf, "abc");
	strcat(buf, "def");
	strncat(buf, "ghijkl", 3);
	printf("strcpy/strcat/strncat: [%s]\n", buf);
	memset(buf, 'X', sizeof buf);
	strncpy(buf, "ab", 6);
	printf("strncpy pads: %d %d %d %d %c\n", buf[2], buf[3], buf[4], buf[5],
	       buf[6]);
	strncpy(buf, "abcdefgh", 4);
	printf("strncpy truncates without NUL: %.4s then %d\n", buf, buf[4]);
	p = stpcpy(buf, "stp");
	p = stpcpy(p, "cpy");
	printf("stpcpy: [%s] end at %ld\n", buf, (long)(p - buf));
	p = stpncpy(buf, "xy", 5);
	printf("stpncpy: end at %ld\n", (long)(p - buf));
	printf("strcmp: %d %d %d %d\n", sign(strcmp("a", "b")),
	       sign(strcmp("b", "a")), sign(strcmp("abc", "abc")),
	       sign(strcmp("ab", "abc")));
	printf("strcmp is unsigned: %d\n", sign(strcmp("\x80", "\x01")));
	printf("strncmp: %d %d\n", sign(strncmp("abcX", "abcY", 3)),
	       sign(strncmp("abcX", "abcY", 4)));
	printf("strcasecmp: %d %d %d\n", sign(strcasecmp("HeLLo", "hello")),
	       sign(strcasecmp("a", "B")), sign(strncasecmp("ABCd", "abce", 3)));
	printf("strcoll: %d, strxfrm: %zu\n", sign(strcoll("a", "b")),
	       strxfrm(buf, "xfrm", sizeof buf));
	printf("memcmp: %d %d %d\n", sign(memcmp("abc", "abd", 3)),
	       sign(memcmp("abc", "abd", 2)), sign(memcmp("\xff", "\x00", 1)));
	printf("bcmp equal: %d\n", bcmp("same", "same", 4) == 0);
}

static void searching(void)
{
	const char *s = "the quick brown fox jumps over the lazy dog";
	char buf[128];

	puts("-- searching");
	printf("strchr o: %ld, strrchr o: %ld, strchr NUL: %ld, absent: %s\n",
	       (long)(strchr(s, 'o') - s), (long)(strrchr(s, 'o') - s),
	       (long)(strchr(s, '\0') - s), strchr(s, 'Z') ? "found" : "NULL");
	printf("strchrnul absent: %ld\n", (long)(strchrnul(s, 'Z') - s));
	printf("strstr: %ld %ld %s\n", (long)(strstr(s, "the") - s),
	       (long)(strstr(s, "lazy") - s), strstr(s, "cat") ? "found" : "NULL");
	printf("strstr empty needle: %ld\n", (long)(strstr(s, "") - s));
	printf("strcasestr: %ld\n", (long)(strcasestr(s, "QUICK") - s));
	printf("memmem: %ld\n", (long)((char *)memmem(s, strlen(s), "fox", 3) - s));
	printf("strspn: %zu, strcspn: %zu\n", strspn(s, "the "), strcspn(s, "xyz"));
	printf("strpbrk: [%s]\n", strpbrk(s, "qz"));
	printf("memchr: %ld, memrchr: %ld\n",
	       (long)((const char *)memchr(s, 'e', strlen(s)) - s),
	       (long)((const char *)memrchr(s, 'e', strlen(s)) - s));

	strcpy(buf, "  alpha, beta,,gamma ;delta  ");
	printf("strtok:");
	for (char *t = strtok(buf, " ,;"); t; t = strtok(NULL, " ,;"))
		printf(" [%s]", t);
	printf("\n");
	strcpy(buf, "a=1&b=2&c=3");
	char *save = NULL;
	printf("strtok_r:");
	for (char *t = strtok_r(buf, "&", &save); t; t = strtok_r(NULL, "&", &save)) {
		char *inner = NULL;
		char *k = strtok_r(t, "=", &inner);
		char *v = strtok_r(NULL, "=", &inner);
		printf(" %s->%s", k, v);
	}
	printf("\n");
	strcpy(buf, "x,,y,");
	char *rest = buf, *tok;
	printf("strsep:");
	while ((tok = strsep(&rest, ",")))
		printf(" [%s]", tok);
	printf("\n");
}

static void duplicates_and_errors(void)
{
	puts("-- duplicates, errors, signals");
	char *d = strdup("duplicate me");
	char *n = strndup("truncate me", 8);
	printf("strdup: [%s] strndup: [%s]\n", d, n);
	free(d);
	free(n);
	static const int errs[] = { 0, EPERM, ENOENT, EINTR, EFAULT, EINVAL,
				    ENOSYS, ENOMEM, ERANGE, EAGAIN };
	for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
		printf("strerror(%d): %s\n", errs[i], strerror(errs[i]));
	char eb[64];
	int r = strerror_r(EINVAL, eb, sizeof eb);
	printf("strerror_r: %d [%s]\n", r, eb);
	printf("strsignal(SIGSEGV=11): %s\n", strsignal(11));
}

static void numbers(void)
{
	char *end;
	puts("-- number parsing");
	printf("atoi: %d %d %d\n", atoi("  -123abc"), atoi("+7"), atoi("x"));
	printf("atol: %ld, atoll: %lld\n", atol("9876543210"), atoll("-42"));
	long l = strtol("0x7fz", &end, 0);
	printf("strtol 0x7fz base 0: %ld rest [%s]\n", l, end);
	l = strtol("0755", &end, 0);
	printf("strtol 0755 base 0: %ld\n", l);
	l = strtol("zz", &end, 36);
	printf("strtol zz base 36: %ld\n", l);
	errno = 0;
	l = strtol("99999999999999999999", &end, 10);
	printf("strtol overflow: %ld %s\n", l, errno == ERANGE ? "ERANGE" : "no error");
	errno = 0;
	unsigned long ul = strtoul("-1", &end, 10);
	printf("strtoul -1: %lu errno %d\n", ul, errno);
	unsigned long long ull = strtoull("18446744073709551615", &end, 10);
	printf("strtoull max: %llu\n", ull);
	errno = 0;
	l = strtol("   ", &end, 10);
	printf("strtol blank: %ld, consumed %ld\n", l, (long)(end - "   "));
	double dd = strtod("  -1.25e2xyz", &end);
	printf("strtod: %g rest [%s]\n", dd, end);
	dd = strtod("0x1.8p3", &end);
	printf("strtod hex: %g\n", dd);
	errno = 0;
	dd = strtod("1e999", &end);
	printf("strtod overflow: %g %s\n", dd, errno == ERANGE ? "ERANGE" : "no error");
	float f = strtof("3.4028236e38", &end);
	printf("strtof overflow: %g\n", f);
	long double ld = strtold("1.000000000000000000001", &end);
	printf("strtold: %.21Lf\n", ld);
	printf("atof: %g\n", atof("2.718281828"));
}

/* Bulk operations against reference loops, over lengths and alignments. */
static void bulk(void)
{
	enum { SIZE = 70000 };
	static unsigned char src[SIZE + 64], dst[SIZE + 64], ref[SIZE + 64];
	static const size_t lengths[] = { 0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32,
					  33, 63, 64, 65, 127, 128, 255, 256,
					  257, 1000, 4095, 4096, 4097, 65536 };
	unsigned checked = 0;

	puts("-- bulk memory operations");
	for (size_t i = 0; i < sizeof src; i++)
		src[i] = (unsigned char)(i * 7 + (i >> 7));
	for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
		size_t n = lengths[li];
		for (size_t sa = 0; sa < 8; sa += 3) {
			for (size_t da = 0; da < 8; da += 5) {
				memset(dst, 0xee, sizeof dst);
				memcpy(dst + da, src + sa, n);
				memset(ref, 0xee, sizeof ref);
				for (size_t i = 0; i < n; i++)
					ref[da + i] = src[sa + i];
				CHECK(memcmp(dst, ref, sizeof dst) == 0);
				checked++;
			}
		}
		/* memmove both ways, overlapping. */
		for (size_t shift = 1; shift < 40 && n + shift < SIZE; shift += 13) {
			memcpy(dst, src, n + shift);
			memmove(dst + shift, dst, n);
			for (size_t i = 0; i < n; i++)
				CHECK(dst[shift + i] == src[i]);
			memcpy(dst, src, n + shift);
			memmove(dst, dst + shift, n);
			for (size_t i = 0; i < n; i++)
				CHECK(dst[i] == src[shift + i]);
			checked += 2;
		}
		/* memset at an odd offset, with sentinels. */
		memset(dst, 0, n + 8);
		memset(dst + 3, 0x5c, n);
		CHECK(dst[2] == 0 && dst[n + 3] == 0);
		for (size_t i = 0; i < n; i++)
			CHECK(dst[3 + i] == 0x5c);
		/* memcmp finds the first difference, memchr the first match. */
		if (n) {
			memcpy(dst, src, n);
			CHECK(memcmp(dst, src, n) == 0);
			dst[n - 1] ^= 1;
			CHECK(memcmp(dst, src, n) != 0);
			CHECK((memcmp(dst, src, n) < 0) == (dst[n - 1] < src[n - 1]));
			memset(dst, 'a', n);
			dst[n - 1] = 'b';
			CHECK(memchr(dst, 'b', n) == dst + n - 1);
			CHECK(memchr(dst, 'c', n) == NULL);
			dst[n] = 0;
			CHECK(strlen((char *)dst) == n);
		}
		checked += 3;
	}
	printf("bulk: %u checks\n", checked);
}

int main(void)
{
	basics();
	searching();
	duplicates_and_errors();
	numbers();
	bulk();
	printf("string test: %u failures\n", failures);
	return failures != 0;
}
