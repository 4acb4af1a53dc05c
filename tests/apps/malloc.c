/*
 * Differential test: malloc, free, realloc, calloc, aligned allocation.
 * A deterministic PRNG drives thousands of operations over many sizes,
 * including blocks above 1 MiB (which musl maps with mmap) and realloc
 * growth of large blocks (mremap or copy); every block's contents are
 * checked before it is resized or freed. The output is deterministic.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned failures;

static void fail(const char *what, size_t a, size_t b)
{
	failures++;
	if (failures <= 20)
		printf("FAIL: %s (%zu, %zu)\n", what, a, b);
}

/* Byte i of a block with tag t: a cheap hash that differs between blocks. */
static inline unsigned char pattern(uint32_t tag, size_t i)
{
	uint32_t x = tag * 2654435761u + (uint32_t)i * 40503u + (uint32_t)(i >> 8);
	return (unsigned char)(x ^ (x >> 13));
}

static void fill(unsigned char *p, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(tag, i);
}

static int check(const unsigned char *p, size_t n, uint32_t tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pattern(tag, i))
			return 0;
	return 1;
}

static size_t random_size(void)
{
	uint64_t r = rng() % 1000;
	if (r < 600)
		return 1 + rng() % 256;                 /* small */
	if (r < 900)
		return 257 + rng() % 8192;              /* medium */
	if (r < 995)
		return 8449 + rng() % (256 * 1024);     /* up to 264 KiB */
	return (1u << 20) + rng() % (2u << 20);         /* 1 to 3 MiB */
}

#define SLOTS 512

static struct {
	unsigned char *p;
	size_t n;
	uint32_t tag;
} slot[SLOTS];

static void random_operations(void)
{
	unsigned mallocs = 0, frees = 0, reallocs = 0, large = 0;
	uint32_t next_tag = 1;
	size_t live = 0, peak = 0;

	for (int op = 0; op < 6000; op++) {
		unsigned k = (unsigned)(rng() % SLOTS);
		if (!slot[k].p) {
			size_t n = random_size();
			unsigned char *p = malloc(n);
			if (!p) {
				fail("malloc returned NULL", n, 0);
				continue;
			}
			if ((uintptr_t)p % 16)
				fail("malloc alignment", n, (uintptr_t)p % 16);
			slot[k].p = p;
			slot[k].n = n;
			slot[k].tag = next_tag++;
			fill(p, n, slot[k].tag);
			mallocs++;
			large += n >= (1u << 20);
			live += n;
		} else if (rng() % 3 == 0) {
			if (!check(slot[k].p, slot[k].n, slot[k].tag))
				fail("contents before realloc", slot[k].n, k);
			size_t n = rng() % 4 == 0 ? random_size()
				: slot[k].n + slot[k].n / 2 + 1 + rng() % 64;
			unsigned char *p = realloc(slot[k].p, n);
			if (!p) {
				fail("realloc returned NULL", slot[k].n, n);
				continue;
			}
			size_t keep = n < slot[k].n ? n : slot[k].n;
			if (!check(p, keep, slot[k].tag))
				fail("contents after realloc", slot[k].n, n);
			live += n;
			live -= slot[k].n;
			slot[k].p = p;
			slot[k].n = n;
			slot[k].tag = next_tag++;
			fill(p, n, slot[k].tag);
			reallocs++;
			large += n >= (1u << 20);
		} else {
			if (!check(slot[k].p, slot[k].n, slot[k].tag))
				fail("contents before free", slot[k].n, k);
			free(slot[k].p);
			live -= slot[k].n;
			slot[k].p = NULL;
			frees++;
		}
		if (live > peak)
			peak = live;
	}
	for (unsigned k = 0; k < SLOTS; k++) {
		if (!slot[k].p)
			continue;
		if (!check(slot[k].p, slot[k].n, slot[k].tag))
			fail("contents at the end", slot[k].n, k);
		free(slot[k].p);
		slot[k].p = NULL;
		frees++;
	}
	printf("random operations: %u mallocs, %u reallocs, %u frees, "
	       "%u large blocks, peak %zu bytes live\n",
	       mallocs, reallocs, frees, large, peak);
}

static void large_growth(void)
{
	size_t n = 1u << 20;
	unsigned char *p = malloc(n);
	unsigned steps = 0;
	if (!p) {
		fail("malloc 1 MiB", n, 0);
		return;
	}
	fill(p, n, 777);
	while (n < (20u << 20)) {
		size_t m = n + n / 2 + 4096 * (steps + 1) + 3;
		unsigned char *q = realloc(p, m);
		if (!q) {
			fail("realloc growth", n, m);
			free(p);
			return;
		}
		if (!check(q, n, 777))
			fail("contents after growth", n, m);
		for (size_t i = n; i < m; i++)
			q[i] = pattern(777, i);
		p = q;
		n = m;
		steps++;
	}
	printf("large growth: %u steps to %zu bytes, contents %s\n", steps, n,
	       check(p, n, 777) ? "intact" : "CORRUPT");
	/* And back down. */
	while (n > 4096) {
		size_t m = n / 3;
		unsigned char *q = realloc(p, m);
		if (!q) {
			fail("realloc shrink", n, m);
			break;
		}
		p = q;
		n = m;
		if (!check(p, n, 777))
			fail("contents after shrink", n, 0);
	}
	printf("large shrink: down to %zu bytes\n", n);
	free(p);
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void zeroing(void)
{
	static const size_t sizes[] = {
		1, 7, 16, 100, 1000, 4096, 5000, 65536, 200000,
		1u << 20, (3u << 20) + 5,
	};
	const unsigned count = sizeof sizes / sizeof sizes[0];
	unsigned zero = 0;

	/* Dirty memory first, so that calloc must really clear reused
	 * blocks. */
	for (int round = 0; round < 3; round++) {
		void *dirty[32];
		for (unsigned i = 0; i < 32; i++) {
			size_t n = sizes[i % count];
			dirty[i] = malloc(n);
			if (dirty[i])
				memset(dirty[i], 0xa5, n);
		}
		for (unsigned i = 0; i < 32; i++)
			free(dirty[i]);
		for (unsigned i = 0; i < count; i++) {
			unsigned char *p = calloc(sizes[i], 1);
			if (!p) {
				fail("calloc", sizes[i], 0);
				continue;
			}
			zero += all_zero(p, sizes[i]);
			memset(p, 0x5a, sizes[i]);
			free(p);
		}
		unsigned char *q = calloc(1000, 24);
		zero += q && all_zero(q, 24000);
		free(q);
	}
	printf("calloc: %u of %u blocks zeroed\n", zero, 3 * (count + 1));

	/* volatile: the compiler must not see the sizes (and warn or fold). */
	volatile size_t half = SIZE_MAX / 2, quarter = SIZE_MAX / 4;
	errno = 0;
	void *p = calloc(half, 3);
	printf("calloc overflow: %s, errno %s\n", p ? "non-NULL" : "NULL",
	       errno == ENOMEM ? "ENOMEM" : "other");
	free(p);
	errno = 0;
	p = malloc(quarter);
	printf("malloc(SIZE_MAX/4): %s, errno %s\n", p ? "non-NULL" : "NULL",
	       errno == ENOMEM ? "ENOMEM" : "other");
	free(p);
	errno = 0;
	p = malloc((size_t)1 << 47);        /* the whole user address space */
	printf("malloc(128 TiB): %s, errno %s\n", p ? "non-NULL" : "NULL",
	       errno == ENOMEM ? "ENOMEM" : "other");
	free(p);
	p = malloc(0);
	printf("malloc(0): %s\n", p ? "non-NULL" : "NULL");
	free(p);
	p = realloc(NULL, 100);
	printf("realloc(NULL, 100): %s\n", p ? "non-NULL" : "NULL");
	free(p);
}

static void aligned(void)
{
	unsigned ok = 0, total = 0;
	for (size_t align = 16; align <= 65536; align *= 2) {
		for (int i = 0; i < 4; i++) {
			size_t n = align * (size_t)(i + 1) + (size_t)i * 13;
			void *p = NULL;
			int r = posix_memalign(&p, align, n);
			total++;
			if (r == 0 && p && (uintptr_t)p % align == 0) {
				memset(p, 0x11, n);
				ok++;
			}
			free(p);
			p = aligned_alloc(align, align * 2);
			total++;
			if (p && (uintptr_t)p % align == 0) {
				memset(p, 0x22, align * 2);
				ok++;
			}
			free(p);
		}
	}
	void *p = NULL;
	int r = posix_memalign(&p, 24, 100);
	printf("aligned: %u of %u ok; alignment 24 gives %s\n", ok, total,
	       r == EINVAL ? "EINVAL" : "something else");
}

int main(void)
{
	random_operations();
	large_growth();
	zeroing();
	aligned();
	printf("malloc test: %u failures\n", failures);
	return failures != 0;
}
