/*
 * Host tests of kernel/mm/pmem.c with fake physical addresses: the allocator
 * never touches the pages, only its bitmap, which each test allocates with
 * exactly pmem_bitmap_bytes() bytes so that ASan catches a stray bit.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/pmem.h"

#define PAGE PMEM_PAGE_SIZE
#define MIB 0x100000ull
#define ARRAY_COUNT(array) (sizeof(array) / sizeof((array)[0]))

static struct pmem pmem;
static uint64_t *bitmap;

static void setup(const struct memmap_range *ranges, size_t count)
{
	size_t bytes = pmem_bitmap_bytes(ranges, count);

	free(bitmap);
	bitmap = malloc(bytes > 0 ? bytes : 1);
	cr_assert_not_null(bitmap);
	pmem_init(&pmem, ranges, count, bitmap);
}

static void teardown(void)
{
	free(bitmap);
	bitmap = NULL;
}

TestSuite(pmem, .fini = teardown);

/* Whether the bitmap marks the managed page at `address` allocated. */
static bool is_allocated(uint64_t address)
{
	uint64_t page = (address - pmem.base) / PAGE;

	return (pmem.bitmap[page / 64] >> (page % 64)) & 1;
}

/* Whether `address` is in one of `ranges`. */
static bool in_ranges(const struct memmap_range *ranges, size_t count,
		      uint64_t address)
{
	for (size_t i = 0; i < count; i++)
		if (address >= ranges[i].start && address < ranges[i].end)
			return true;
	return false;
}

Test(pmem, bitmap_bytes_round_up_to_words)
{
	const struct memmap_range one_page[] = { { MIB, MIB + PAGE } };
	const struct memmap_range sixty_four[] = { { MIB, MIB + 64 * PAGE } };
	const struct memmap_range sixty_five[] = { { MIB, MIB + 65 * PAGE } };
	const struct memmap_range spread[] = {
		{ MIB, 2 * MIB },
		{ 5 * MIB, 5 * MIB + PAGE },
	};

	cr_assert_eq(pmem_bitmap_bytes(NULL, 0), 0);
	cr_assert_eq(pmem_bitmap_bytes(one_page, 1), 8);
	cr_assert_eq(pmem_bitmap_bytes(sixty_four, 1), 8);
	cr_assert_eq(pmem_bitmap_bytes(sixty_five, 1), 16);
	/* 4 MiB + 1 page from the lowest to the highest address. */
	cr_assert_eq(pmem_bitmap_bytes(spread, 2), (1024 + 1 + 63) / 64 * 8);
}

Test(pmem, init_takes_the_most_ranges)
{
	uint64_t storage[64];
	static struct memmap_range many[PMEM_MAX_RANGES];

	for (size_t i = 0; i < ARRAY_COUNT(many); i++) {
		many[i].start = MIB + i * 2 * PAGE;
		many[i].end = many[i].start + PAGE;
	}
	pmem_init(&pmem, many, PMEM_MAX_RANGES, storage);
	cr_assert_eq(pmem.free_pages, PMEM_MAX_RANGES);
	cr_assert_eq(pmem.range_count, PMEM_MAX_RANGES);
}

Test(pmem, init_counts_pages)
{
	const struct memmap_range ranges[] = {
		{ MIB, 2 * MIB },
		{ 3 * MIB, 3 * MIB + 5 * PAGE },
	};

	setup(ranges, 2);
	cr_assert_eq(pmem.free_pages, 256 + 5);
	cr_assert_eq(pmem.base, MIB);
	cr_assert_eq(pmem.page_count, (3 * MIB + 5 * PAGE - MIB) / PAGE);
	cr_assert_eq(pmem.range_count, 2);
	cr_assert_not(is_allocated(MIB));
	cr_assert_not(is_allocated(3 * MIB + 4 * PAGE));
}

Test(pmem, empty_allocator)
{
	uint64_t address = 0x1234;

	pmem_init(&pmem, NULL, 0, NULL);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_NO_MEMORY);
	cr_assert_eq(address, 0x1234);
	cr_assert_eq(pmem_free(&pmem, MIB), PMEM_NOT_MANAGED);
	cr_assert_eq(pmem.free_pages, 0);
}

Test(pmem, alloc_everything_then_free_everything)
{
	/* Three ranges with holes, 100 pages in the last word's middle. */
	const struct memmap_range ranges[] = {
		{ MIB, MIB + 37 * PAGE },
		{ MIB + 40 * PAGE, MIB + 41 * PAGE },
		{ 3 * MIB, 3 * MIB + 100 * PAGE },
	};
	const uint64_t total = 37 + 1 + 100;
	uint64_t addresses[138];
	uint64_t address;

	setup(ranges, ARRAY_COUNT(ranges));
	cr_assert_eq(pmem.free_pages, total);
	for (uint64_t i = 0; i < total; i++) {
		cr_assert_eq(pmem_alloc(&pmem, &addresses[i]), PMEM_OK,
			     "allocation %llu", (unsigned long long)i);
		cr_assert_eq(addresses[i] % PAGE, 0);
		cr_assert(in_ranges(ranges, ARRAY_COUNT(ranges), addresses[i]));
		cr_assert(is_allocated(addresses[i]));
		for (uint64_t j = 0; j < i; j++)
			cr_assert_neq(addresses[i], addresses[j]);
		cr_assert_eq(pmem.free_pages, total - i - 1);
	}
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_NO_MEMORY);

	for (uint64_t i = 0; i < total; i++)
		cr_assert_eq(pmem_free(&pmem, addresses[i]), PMEM_OK);
	cr_assert_eq(pmem.free_pages, total);

	/* Everything can be had again. */
	for (uint64_t i = 0; i < total; i++)
		cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_NO_MEMORY);
}

Test(pmem, allocation_is_next_fit_with_wraparound)
{
	const struct memmap_range ranges[] = { { MIB, MIB + 4 * PAGE } };
	uint64_t address;

	setup(ranges, 1);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(address, MIB);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(address, MIB + PAGE);
	cr_assert_eq(pmem_free(&pmem, MIB), PMEM_OK);
	/* The freed first page is not reused until the search wraps. */
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(address, MIB + 2 * PAGE);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(address, MIB + 3 * PAGE);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(address, MIB);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_NO_MEMORY);
}

Test(pmem, double_free_is_detected)
{
	const struct memmap_range ranges[] = { { MIB, 2 * MIB } };
	uint64_t address;

	setup(ranges, 1);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(pmem_free(&pmem, address), PMEM_OK);
	cr_assert_eq(pmem.free_pages, 256);
	cr_assert_eq(pmem_free(&pmem, address), PMEM_DOUBLE_FREE);
	cr_assert_eq(pmem.free_pages, 256, "an error changes nothing");
	cr_assert_eq(pmem_free(&pmem, MIB + 100 * PAGE), PMEM_DOUBLE_FREE);
}

Test(pmem, free_of_unmanaged_addresses)
{
	const struct memmap_range ranges[] = {
		{ MIB, 2 * MIB },
		{ 4 * MIB, 5 * MIB },
		{ 8 * MIB, 9 * MIB },
	};

	uint64_t address;

	setup(ranges, ARRAY_COUNT(ranges));
	while (pmem_alloc(&pmem, &address) == PMEM_OK)
		continue; /* until everything is allocated */
	cr_assert_eq(pmem_free(&pmem, 0), PMEM_NOT_MANAGED);
	cr_assert_eq(pmem_free(&pmem, MIB - PAGE), PMEM_NOT_MANAGED);
	cr_assert_eq(pmem_free(&pmem, 2 * MIB), PMEM_NOT_MANAGED);
	cr_assert_eq(pmem_free(&pmem, 3 * MIB), PMEM_NOT_MANAGED);
	cr_assert_eq(pmem_free(&pmem, 5 * MIB), PMEM_NOT_MANAGED);
	cr_assert_eq(pmem_free(&pmem, 7 * MIB), PMEM_NOT_MANAGED);
	cr_assert_eq(pmem_free(&pmem, 9 * MIB), PMEM_NOT_MANAGED);
	cr_assert_eq(pmem_free(&pmem, 0xfffffffffffff000ull),
		     PMEM_NOT_MANAGED);
	cr_assert_eq(pmem.free_pages, 0);
	/* The edges of each range are managed. */
	cr_assert_eq(pmem_free(&pmem, MIB), PMEM_OK);
	cr_assert_eq(pmem_free(&pmem, 2 * MIB - PAGE), PMEM_OK);
	cr_assert_eq(pmem_free(&pmem, 4 * MIB), PMEM_OK);
	cr_assert_eq(pmem_free(&pmem, 9 * MIB - PAGE), PMEM_OK);
	cr_assert_eq(pmem.free_pages, 4);
}

Test(pmem, free_of_misaligned_addresses)
{
	const struct memmap_range ranges[] = { { MIB, 2 * MIB } };
	uint64_t address;

	setup(ranges, 1);
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(pmem_free(&pmem, address + 1), PMEM_MISALIGNED);
	cr_assert_eq(pmem_free(&pmem, address + PAGE - 1), PMEM_MISALIGNED);
	cr_assert_eq(pmem_free(&pmem, 3), PMEM_MISALIGNED);
	cr_assert(is_allocated(address));
	cr_assert_eq(pmem.free_pages, 255);
}

static uint32_t fuzz_next(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 33);
}

Test(pmem, random_operations_match_model)
{
	const struct memmap_range ranges[] = {
		{ MIB, MIB + 70 * PAGE },
		{ MIB + 75 * PAGE, MIB + 130 * PAGE },
		{ MIB + 200 * PAGE, MIB + 203 * PAGE },
	};
	enum { SPAN = 203 };
	bool allocated[SPAN] = { false };
	bool managed[SPAN] = { false };
	uint64_t free_count = 0;
	uint64_t state = 0xa110c;

	setup(ranges, ARRAY_COUNT(ranges));
	for (size_t r = 0; r < ARRAY_COUNT(ranges); r++)
		for (uint64_t a = ranges[r].start; a < ranges[r].end; a += PAGE) {
			managed[(a - MIB) / PAGE] = true;
			free_count++;
		}

	for (int step = 0; step < 20000; step++) {
		uint32_t operation = fuzz_next(&state) % 2;
		uint64_t address;

		if (operation == 0) {
			int status = pmem_alloc(&pmem, &address);

			if (free_count == 0) {
				cr_assert_eq(status, PMEM_NO_MEMORY);
				continue;
			}
			cr_assert_eq(status, PMEM_OK);
			uint64_t page = (address - MIB) / PAGE;
			cr_assert(managed[page] && !allocated[page]);
			allocated[page] = true;
			free_count--;
		} else {
			uint64_t page = fuzz_next(&state) % (SPAN + 8);
			int status = pmem_free(&pmem, MIB + page * PAGE);

			if (page >= SPAN || !managed[page])
				cr_assert_eq(status, PMEM_NOT_MANAGED);
			else if (!allocated[page])
				cr_assert_eq(status, PMEM_DOUBLE_FREE);
			else {
				cr_assert_eq(status, PMEM_OK);
				allocated[page] = false;
				free_count++;
			}
		}
		cr_assert_eq(pmem.free_pages, free_count, "step %d", step);
	}
}

/* Share counts over `ranges`: a byte per page, as the kernel gives them. */
static uint8_t *setup_shares(void)
{
	uint8_t *shares = calloc(pmem.page_count, 1);

	cr_assert_not_null(shares);
	pmem.shares = shares;
	return shares;
}

Test(pmem, a_shared_page_is_freed_by_its_last_free)
{
	const struct memmap_range ranges[] = { { MIB, MIB + 4 * PAGE } };
	uint64_t address;

	setup(ranges, ARRAY_COUNT(ranges));
	uint8_t *shares = setup_shares();

	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	cr_assert_eq(pmem_share(&pmem, address), PMEM_OK);
	cr_assert_eq(pmem_share(&pmem, address), PMEM_OK);
	cr_assert_eq(pmem.free_pages, 3);
	cr_assert_eq(pmem_free(&pmem, address), PMEM_OK);
	cr_assert_eq(pmem_free(&pmem, address), PMEM_OK);
	cr_assert(is_allocated(address), "freed while a share was left");
	cr_assert_eq(pmem.free_pages, 3);
	cr_assert_eq(pmem_free(&pmem, address), PMEM_OK);
	cr_assert(!is_allocated(address));
	cr_assert_eq(pmem.free_pages, 4);
	cr_assert_eq(pmem_free(&pmem, address), PMEM_DOUBLE_FREE);
	free(shares);
}

Test(pmem, share_refusals_change_nothing)
{
	const struct memmap_range ranges[] = { { MIB, MIB + 4 * PAGE } };
	uint64_t address;

	setup(ranges, ARRAY_COUNT(ranges));
	cr_assert_eq(pmem_alloc(&pmem, &address), PMEM_OK);
	/* No share counts: sharing is refused, freeing still works. */
	cr_assert_eq(pmem_share(&pmem, address), PMEM_NO_MEMORY);

	uint8_t *shares = setup_shares();

	cr_assert_eq(pmem_share(&pmem, address + PAGE), PMEM_DOUBLE_FREE);
	cr_assert_eq(pmem_share(&pmem, address + 1), PMEM_MISALIGNED);
	cr_assert_eq(pmem_share(&pmem, 2 * MIB), PMEM_NOT_MANAGED);
	for (unsigned i = 0; i < 255; i++)
		cr_assert_eq(pmem_share(&pmem, address), PMEM_OK);
	cr_assert_eq(pmem_share(&pmem, address), PMEM_NO_MEMORY);
	for (unsigned i = 0; i < 255; i++)
		cr_assert_eq(pmem_free(&pmem, address), PMEM_OK);
	cr_assert(is_allocated(address));
	cr_assert_eq(pmem_free(&pmem, address), PMEM_OK);
	cr_assert(!is_allocated(address));
	for (uint64_t page = 0; page < pmem.page_count; page++)
		cr_assert_eq(shares[page], 0);
	free(shares);
}
