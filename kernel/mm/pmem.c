/*
 * The physical page allocator (see pmem.h): a bitmap with one bit per page
 * from the lowest free address to the highest, 1 while the page is allocated
 * or is not RAM at all (the holes between free ranges stay 1 forever).
 *
 * Pure logic over caller-provided storage: it never touches the pages it
 * hands out, so the host tests drive it with fake physical addresses. It
 * takes no locks; the kernel wrapper in page.c serialises callers. Searches
 * are next-fit: they start where the last allocation ended and wrap around
 * once, which keeps repeated single-page allocations O(1) amortised.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/pmem.h"
#include "lib/string.h"

#define PMEM_WORD_BITS 64u

static bool pmem_test(const struct pmem *pmem, uint64_t page)
{
	return (pmem->bitmap[page / PMEM_WORD_BITS] >>
		(page % PMEM_WORD_BITS)) & 1;
}

/* Turns a page from free to allocated or back: each caller knows which. */
static void pmem_flip(struct pmem *pmem, uint64_t page)
{
	pmem->bitmap[page / PMEM_WORD_BITS] ^=
		(uint64_t)1 << (page % PMEM_WORD_BITS);
}

/* Whether `address` lies in one of the managed ranges: a binary search of
 * the sorted, disjoint ranges. */
static bool pmem_manages(const struct pmem *pmem, uint64_t address)
{
	size_t low = 0;
	size_t high = pmem->range_count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		const struct memmap_range *range = &pmem->ranges[middle];

		if (address < range->start)
			high = middle;
		else if (address >= range->end)
			low = middle + 1;
		else
			return true;
	}
	return false;
}

size_t pmem_bitmap_bytes(const struct memmap_range *ranges, size_t count)
{
	if (count == 0)
		return 0;

	uint64_t pages = (ranges[count - 1].end - ranges[0].start) /
			 PMEM_PAGE_SIZE;
	uint64_t words = (pages + PMEM_WORD_BITS - 1) / PMEM_WORD_BITS;

	return (size_t)(words * sizeof(uint64_t));
}

void pmem_init(struct pmem *pmem, const struct memmap_range *ranges,
	       size_t count, uint64_t *bitmap)
{
	memset(pmem, 0, sizeof(*pmem));
	pmem->bitmap = bitmap;
	pmem->range_count = count;
	if (count == 0)
		return;

	/* 1. Everything starts as "not RAM", the tail bits of the last word
	 * included, so searches never hand them out. 2. Each range's pages
	 * become free. */
	memcpy(pmem->ranges, ranges, count * sizeof(*ranges));
	pmem->base = ranges[0].start;
	pmem->page_count = (ranges[count - 1].end - pmem->base) / PMEM_PAGE_SIZE;
	memset(bitmap, 0xff, pmem_bitmap_bytes(ranges, count));
	for (size_t i = 0; i < count; i++) {
		uint64_t first = (ranges[i].start - pmem->base) / PMEM_PAGE_SIZE;
		uint64_t last = (ranges[i].end - pmem->base) / PMEM_PAGE_SIZE;

		for (uint64_t page = first; page < last; page++)
			pmem_flip(pmem, page);
		pmem->free_pages += last - first;
	}
}

/* The first clear bit in [from, to), scanning a word at a time; returns
 * false when there is none. */
static bool pmem_find_clear(const struct pmem *pmem, uint64_t from,
			    uint64_t to, uint64_t *page)
{
	while (from < to) {
		uint64_t word = ~pmem->bitmap[from / PMEM_WORD_BITS];

		word &= ~(uint64_t)0 << (from % PMEM_WORD_BITS);
		if (word != 0) {
			uint64_t found = (from & ~(uint64_t)(PMEM_WORD_BITS - 1)) +
					 (uint64_t)__builtin_ctzll(word);

			if (found >= to)
				return false;
			*page = found;
			return true;
		}
		from = (from | (PMEM_WORD_BITS - 1)) + 1;
	}
	return false;
}

int pmem_alloc(struct pmem *pmem, uint64_t *address)
{
	uint64_t page;

	if (pmem->free_pages == 0)
		return PMEM_NO_MEMORY;
	if (!pmem_find_clear(pmem, pmem->next_hint, pmem->page_count, &page) &&
	    !pmem_find_clear(pmem, 0, pmem->next_hint, &page))
		return PMEM_NO_MEMORY;

	pmem_flip(pmem, page);
	pmem->free_pages--;
	pmem->next_hint = page + 1 < pmem->page_count ? page + 1 : 0;
	*address = pmem->base + page * PMEM_PAGE_SIZE;
	return PMEM_OK;
}

/* The bit of the allocated page at `address` in *page, or an error. */
static int pmem_allocated_page(const struct pmem *pmem, uint64_t address,
			       uint64_t *page)
{
	if (address % PMEM_PAGE_SIZE != 0)
		return PMEM_MISALIGNED;
	if (!pmem_manages(pmem, address))
		return PMEM_NOT_MANAGED;
	*page = (address - pmem->base) / PMEM_PAGE_SIZE;
	return pmem_test(pmem, *page) ? PMEM_OK : PMEM_DOUBLE_FREE;
}

int pmem_free(struct pmem *pmem, uint64_t address)
{
	uint64_t page;
	int status = pmem_allocated_page(pmem, address, &page);

	if (status != PMEM_OK)
		return status;
	if (pmem->shares != NULL && pmem->shares[page] != 0) {
		pmem->shares[page]--;
		return PMEM_OK;
	}
	pmem_flip(pmem, page);
	pmem->free_pages++;
	return PMEM_OK;
}

int pmem_share(struct pmem *pmem, uint64_t address)
{
	uint64_t page;
	int status = pmem_allocated_page(pmem, address, &page);

	if (status != PMEM_OK)
		return status;
	if (pmem->shares == NULL || pmem->shares[page] == UINT8_MAX)
		return PMEM_NO_MEMORY;
	pmem->shares[page]++;
	return PMEM_OK;
}
