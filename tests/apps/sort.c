/*
 * Differential test: qsort and bsearch on integers, doubles, strings and
 * structures, including sorted, reversed, constant and random inputs of
 * many lengths; every result is checked and summarised.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t seed = 12345;

static uint32_t rng(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 1;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_int_desc(const void *a, const void *b)
{
	return cmp_int(b, a);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct record {
	int key;
	int order;              /* original position: a deterministic tie-break */
	char name[12];
};

static int cmp_record(const void *a, const void *b)
{
	const struct record *x = a, *y = b;
	if (x->key != y->key)
		return (x->key > y->key) - (x->key < y->key);
	return (x->order > y->order) - (x->order < y->order);
}

static unsigned long checksum(const int *v, size_t n)
{
	unsigned long h = 1469598103u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned)v[i]) * 1099511628211ul;
	return h;
}

static int sorted(const int *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i - 1] > v[i])
			return 0;
	return 1;
}

static void integers(void)
{
	static int v[20000];
	static const size_t lengths[] = { 0, 1, 2, 3, 5, 8, 13, 100, 1000, 20000 };
	for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
		size_t n = lengths[li];
		for (int kind = 0; kind < 5; kind++) {
			for (size_t i = 0; i < n; i++) {
				switch (kind) {
				case 0: v[i] = (int)(rng() % 1000) - 500; break;
				case 1: v[i] = (int)i; break;
				case 2: v[i] = (int)(n - i); break;
				case 3: v[i] = 7; break;
				default: v[i] = (int)rng() - (int)(rng() >> 1); break;
				}
			}
			qsort(v, n, sizeof v[0], cmp_int);
			printf("ints n=%zu kind=%d: sorted=%d sum=%lu\n", n, kind,
			       sorted(v, n), checksum(v, n));
		}
	}
	/* bsearch over distinct sorted values. */
	size_t n = 5000;
	for (size_t i = 0; i < n; i++)
		v[i] = (int)(i * 3 + 1);
	unsigned found = 0, right = 0, absent = 0;
	for (int k = -5; k < (int)(n * 3 + 5); k++) {
		int *p = bsearch(&k, v, n, sizeof v[0], cmp_int);
		if (p) {
			found++;
			right += *p == k && (p - v) * 3 + 1 == k;
		} else {
			absent += k % 3 != 1 || k < 1 || k >= (int)(n * 3);
		}
	}
	printf("bsearch: %u found (%u right), %u correctly absent\n", found,
	       right, absent);
	int key = 4;
	printf("bsearch in an empty array: %s\n",
	       bsearch(&key, v, 0, sizeof v[0], cmp_int) ? "found" : "NULL");
	qsort(v, 10, sizeof v[0], cmp_int_desc);
	printf("descending:");
	for (int i = 0; i < 10; i++)
		printf(" %d", v[i]);
	printf("\n");
}

static void doubles(void)
{
	double d[257];
	for (int i = 0; i < 257; i++)
		d[i] = (double)(int)(rng() % 20001 - 10000) / 7.0;
	qsort(d, 257, sizeof d[0], cmp_double);
	int ok = 1;
	for (int i = 1; i < 257; i++)
		ok &= d[i - 1] <= d[i];
	printf("doubles: sorted=%d first=%.6f median=%.6f last=%.6f\n", ok,
	       d[0], d[128], d[256]);
}

static void strings(void)
{
	const char *words[] = {
		"pear", "apple", "fig", "banana", "cherry", "date", "elderberry",
		"grape", "Apple", "Zebra", "apple", "", "a", "ab", "abc", "abd",
		"kiwi", "lemon", "mango", "nectarine", "orange", "papaya",
	};
	size_t n = sizeof words / sizeof words[0];
	qsort(words, n, sizeof words[0], cmp_str);
	printf("strings:");
	for (size_t i = 0; i < n; i++)
		printf(" [%s]", words[i]);
	printf("\n");
	const char *key = "mango";
	const char **hit = bsearch(&key, words, n, sizeof words[0], cmp_str);
	printf("bsearch mango: %s at %ld\n", hit ? *hit : "(none)",
	       hit ? (long)(hit - words) : -1L);
	key = "melon";
	hit = bsearch(&key, words, n, sizeof words[0], cmp_str);
	printf("bsearch melon: %s\n", hit ? *hit : "(none)");
}

static void records(void)
{
	static struct record r[3000];
	for (int i = 0; i < 3000; i++) {
		r[i].key = (int)(rng() % 50);
		r[i].order = i;
		snprintf(r[i].name, sizeof r[i].name, "n%d", i);
	}
	qsort(r, 3000, sizeof r[0], cmp_record);
	int ok = 1;
	unsigned long h = 0;
	for (int i = 1; i < 3000; i++)
		ok &= cmp_record(&r[i - 1], &r[i]) < 0;
	for (int i = 0; i < 3000; i++)
		h = h * 31 + (unsigned long)r[i].order;
	printf("records: ordered=%d hash=%lu first=%s last=%s\n", ok, h,
	       r[0].name, r[2999].name);
	struct record probe = { .key = 25, .order = 0 };
	int lo = 0;
	while (lo < 3000 && cmp_record(&r[lo], &probe) < 0)
		lo++;
	probe = r[lo];
	struct record *p = bsearch(&probe, r, 3000, sizeof r[0], cmp_record);
	printf("bsearch record: %s\n", p == &r[lo] ? "exact element" : "wrong");
}

int main(void)
{
	integers();
	doubles();
	strings();
	records();
	return 0;
}
