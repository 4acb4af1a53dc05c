/*
 * Host tests of kernel/mm/memmap.c: hand-written maps for each rule, and
 * random maps checked against a byte-by-byte model.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mm/memmap.h"

#define USABLE BOOT_MEMORY_USABLE
#define RESERVED BOOT_MEMORY_RESERVED
#define ACPI BOOT_MEMORY_ACPI_RECLAIMABLE
#define MIB 0x100000ull
#define ARRAY_COUNT(array) (sizeof(array) / sizeof((array)[0]))

static struct memmap_range out[64];

static long free_ranges(const struct boot_memory_region *regions,
			size_t count, const struct memmap_range *excluded,
			size_t excluded_count)
{
	memset(out, 0xee, sizeof(out));
	return memmap_free_ranges(regions, count, excluded, excluded_count, out,
				  ARRAY_COUNT(out));
}

static void expect_range(size_t index, uint64_t start, uint64_t end)
{
	cr_assert_eq(out[index].start, start,
		     "range %zu starts at %#llx, expected %#llx", index,
		     (unsigned long long)out[index].start,
		     (unsigned long long)start);
	cr_assert_eq(out[index].end, end,
		     "range %zu ends at %#llx, expected %#llx", index,
		     (unsigned long long)out[index].end,
		     (unsigned long long)end);
}

Test(memmap, empty_inputs)
{
	cr_assert_eq(free_ranges(NULL, 0, NULL, 0), 0);

	const struct boot_memory_region reserved_only[] = {
		{ 0, 16 * MIB, RESERVED },
	};
	cr_assert_eq(free_ranges(reserved_only, 1, NULL, 0), 0);
}

Test(memmap, single_usable_region)
{
	const struct boot_memory_region map[] = { { MIB, 15 * MIB, USABLE } };

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 1);
	expect_range(0, MIB, 16 * MIB);
}

Test(memmap, unsorted_entries_come_out_sorted)
{
	const struct boot_memory_region map[] = {
		{ 64 * MIB, 64 * MIB, USABLE },
		{ 0x1000, 0x9e000, USABLE },
		{ 16 * MIB, 16 * MIB, USABLE },
		{ 0xf0000, 0x10000, RESERVED },
		{ 2 * MIB, 4 * MIB, USABLE },
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 4);
	expect_range(0, 0x1000, 0x9f000);
	expect_range(1, 2 * MIB, 6 * MIB);
	expect_range(2, 16 * MIB, 32 * MIB);
	expect_range(3, 64 * MIB, 128 * MIB);
}

Test(memmap, reserved_wins_over_usable)
{
	const struct boot_memory_region map[] = {
		{ 0, 32 * MIB, USABLE },
		{ 8 * MIB, 2 * MIB, RESERVED },
		{ 30 * MIB, 4 * MIB, ACPI }, /* overlaps the end */
		{ 0, 0x2000, BOOT_MEMORY_BAD },
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 2);
	expect_range(0, 0x2000, 8 * MIB);
	expect_range(1, 10 * MIB, 30 * MIB);
}

Test(memmap, reserved_listed_before_usable_still_wins)
{
	const struct boot_memory_region map[] = {
		{ 4 * MIB, MIB, RESERVED },
		{ 0, 8 * MIB, USABLE },
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 2);
	expect_range(0, 0, 4 * MIB);
	expect_range(1, 5 * MIB, 8 * MIB);
}

Test(memmap, unknown_types_subtract)
{
	const struct boot_memory_region map[] = {
		{ 0, 8 * MIB, USABLE },
		{ 2 * MIB, MIB, 0 },
		{ 5 * MIB, MIB, 0x1234 },
		{ 7 * MIB, MIB, BOOT_MEMORY_ACPI_NVS },
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 3);
	expect_range(0, 0, 2 * MIB);
	expect_range(1, 3 * MIB, 5 * MIB);
	expect_range(2, 6 * MIB, 7 * MIB);
}

Test(memmap, holes_stay_holes)
{
	const struct boot_memory_region map[] = {
		{ MIB, MIB, USABLE },
		{ 3 * MIB, MIB, USABLE },
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 2);
	expect_range(0, MIB, 2 * MIB);
	expect_range(1, 3 * MIB, 4 * MIB);
}

Test(memmap, adjacent_and_overlapping_usable_merge)
{
	const struct boot_memory_region map[] = {
		{ MIB, MIB, USABLE },
		{ 2 * MIB, MIB, USABLE },
		{ 0x280000, 2 * MIB, USABLE },
		{ 0x380000, 0x1000, USABLE },
		/* Adjacent only before rounding: still one piece. */
		{ 10 * MIB, 0x800, USABLE },
		{ 10 * MIB + 0x800, 0x1800, USABLE },
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 2);
	expect_range(0, MIB, 0x480000);
	expect_range(1, 10 * MIB, 10 * MIB + 0x2000);
}

Test(memmap, zero_length_regions_are_ignored)
{
	const struct boot_memory_region map[] = {
		{ MIB, MIB, USABLE },
		{ 0x180000, 0, RESERVED },
		{ 5 * MIB, 0, USABLE },
		{ 0xffffffffffff0000ull, 0, USABLE },
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 1);
	expect_range(0, MIB, 2 * MIB);
}

Test(memmap, first_mib_exclusion)
{
	const struct boot_memory_region map[] = {
		{ 0, 0x9fc00, USABLE },
		{ 0x9fc00, 0x400, RESERVED },
		{ 0xe8000, 0x18000, RESERVED },
		{ MIB, 127 * MIB, USABLE },
	};
	const struct memmap_range excluded[] = { { 0, MIB } };

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), excluded, 1), 1);
	expect_range(0, MIB, 128 * MIB);
}

Test(memmap, exclusions_split_ranges)
{
	const struct boot_memory_region map[] = { { 0, 64 * MIB, USABLE } };
	const struct memmap_range excluded[] = {
		{ 0, MIB },                   /* first MiB */
		{ 2 * MIB, 0x2a3456 },        /* kernel image, unaligned end */
		{ 8 * MIB + 0x10, 8 * MIB + 0x20 }, /* tiny: a whole page */
		{ 20 * MIB, 21 * MIB },       /* a module */
		{ 20 * MIB + 0x1000, 20 * MIB + 0x3000 }, /* inside it */
		{ 63 * MIB, 80 * MIB },       /* past the end */
		{ 30 * MIB, 30 * MIB },       /* empty: ignored */
		{ 40 * MIB, 39 * MIB },       /* inverted: ignored */
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), excluded,
				 ARRAY_COUNT(excluded)),
		     4);
	expect_range(0, MIB, 2 * MIB);
	expect_range(1, 0x2a4000, 8 * MIB);
	expect_range(2, 8 * MIB + 0x1000, 20 * MIB);
	expect_range(3, 21 * MIB, 63 * MIB);
}

Test(memmap, unaligned_bases_round_inward)
{
	const struct boot_memory_region map[] = {
		{ MIB + 0x800, MIB, USABLE },
		{ 4 * MIB + 1, 0x1ffe, USABLE },     /* no whole page */
		{ 6 * MIB + 0xfff, 0x1002, USABLE }, /* one whole page */
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 2);
	expect_range(0, MIB + 0x1000, 2 * MIB);
	expect_range(1, 6 * MIB + 0x1000, 6 * MIB + 0x2000);
}

Test(memmap, subtraction_happens_before_rounding)
{
	const struct boot_memory_region map[] = {
		{ 0, 0x10000, USABLE },
		{ 0x1800, 0x100, RESERVED },
	};

	cr_assert_eq(free_ranges(map, ARRAY_COUNT(map), NULL, 0), 2);
	expect_range(0, 0, 0x1000);
	expect_range(1, 0x2000, 0x10000);
}

Test(memmap, wraparound_region_is_clipped)
{
	const struct boot_memory_region map[] = {
		{ 0xffffffffffff0000ull, 0x20000, USABLE },
		{ 0xfffffffffff00000ull, 0x10000, USABLE },
		{ 0xfffffffffff08000ull, UINT64_MAX, RESERVED },
	};

	cr_assert_eq(free_ranges(map, 2, NULL, 0), 2);
	expect_range(0, 0xfffffffffff00000ull, 0xfffffffffff10000ull);
	expect_range(1, 0xffffffffffff0000ull, 0xfffffffffffff000ull);

	/* A wrapping reserved region reaches the top, not address 0. */
	const struct boot_memory_region low[] = {
		{ 0, 2 * MIB, USABLE },
		{ 0xffffffffffff0000ull, 0x20000, RESERVED },
	};
	cr_assert_eq(free_ranges(low, 2, NULL, 0), 1);
	expect_range(0, 0, 2 * MIB);

	cr_assert_eq(free_ranges(map, 3, NULL, 0), 1);
	expect_range(0, 0xfffffffffff00000ull, 0xfffffffffff08000ull);
}

Test(memmap, whole_address_space)
{
	const struct boot_memory_region map[] = { { 0, UINT64_MAX, USABLE } };
	const struct memmap_range excluded[] = { { 0, MIB } };

	cr_assert_eq(free_ranges(map, 1, excluded, 1), 1);
	expect_range(0, MIB, 0xfffffffffffff000ull);
}

Test(memmap, capacity_overflow)
{
	struct boot_memory_region map[10];
	struct memmap_range small[4];

	for (size_t i = 0; i < ARRAY_COUNT(map); i++) {
		map[i].base = (uint64_t)(9 - i) * 2 * MIB; /* reversed */
		map[i].length = MIB;
		map[i].type = USABLE;
	}
	memset(small, 0, sizeof(small));
	cr_assert_eq(memmap_free_ranges(map, ARRAY_COUNT(map), NULL, 0, small,
					4),
		     -1);
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(small[i].start, i * 2 * MIB);
		cr_assert_eq(small[i].end, i * 2 * MIB + MIB);
	}
	cr_assert_eq(memmap_free_ranges(map, ARRAY_COUNT(map), NULL, 0, small,
					0),
		     -1);

	/* Exactly enough room is not an overflow. */
	struct memmap_range exact[10];
	cr_assert_eq(memmap_free_ranges(map, ARRAY_COUNT(map), NULL, 0, exact,
					10),
		     10);
	/* Nothing to write fits in no room. */
	cr_assert_eq(memmap_free_ranges(map, 0, NULL, 0, NULL, 0), 0);
}

Test(memmap, total)
{
	const struct memmap_range ranges[] = {
		{ MIB, 2 * MIB },
		{ 4 * MIB, 4 * MIB + 0x3000 },
	};

	cr_assert_eq(memmap_total(ranges, 2), MIB + 0x3000);
	cr_assert_eq(memmap_total(ranges, 0), 0);
}

/* A model of memmap_free_ranges over a small address space, one byte at a
 * time: a page is free when all of its bytes are usable and unclaimed. */
#define MODEL_PAGES 48
#define MODEL_BYTES (MODEL_PAGES * MEMMAP_PAGE_SIZE)

static uint32_t fuzz_next(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 33);
}

static size_t model(const struct boot_memory_region *regions, size_t count,
		    const struct memmap_range *excluded, size_t excluded_count,
		    struct memmap_range *ranges)
{
	static uint8_t state[MODEL_BYTES]; /* 0 nothing, 1 usable, 2 claimed */
	size_t written = 0;

	memset(state, 0, sizeof(state));
	for (size_t i = 0; i < count; i++) {
		for (uint64_t b = regions[i].base;
		     b < regions[i].base + regions[i].length && b < MODEL_BYTES;
		     b++) {
			if (regions[i].type != USABLE)
				state[b] = 2;
			else if (state[b] == 0)
				state[b] = 1;
		}
	}
	for (size_t i = 0; i < excluded_count; i++)
		for (uint64_t b = excluded[i].start;
		     b < excluded[i].end && b < MODEL_BYTES; b++)
			state[b] = 2;

	bool open = false;

	for (uint64_t page = 0; page < MODEL_PAGES; page++) {
		bool page_free = true;

		for (uint64_t b = 0; b < MEMMAP_PAGE_SIZE; b++)
			if (state[page * MEMMAP_PAGE_SIZE + b] != 1)
				page_free = false;
		if (page_free && !open) {
			ranges[written].start = page * MEMMAP_PAGE_SIZE;
			open = true;
		}
		if (!page_free && open) {
			ranges[written++].end = page * MEMMAP_PAGE_SIZE;
			open = false;
		}
	}
	if (open)
		ranges[written++].end = MODEL_BYTES;
	return written;
}

/* A random address in the model space, often page- or half-page-aligned. */
static uint64_t random_address(uint64_t *state)
{
	uint64_t address = fuzz_next(state) % MODEL_BYTES;

	switch (fuzz_next(state) % 3) {
	case 0:
		return address & ~(uint64_t)(MEMMAP_PAGE_SIZE - 1);
	case 1:
		return address & ~(uint64_t)(MEMMAP_PAGE_SIZE / 2 - 1);
	default:
		return address;
	}
}

Test(memmap, random_maps_match_model)
{
	uint64_t state = 0x3e3a;
	struct memmap_range expected[MODEL_PAGES];

	for (int round = 0; round < 300; round++) {
		struct boot_memory_region regions[12];
		struct memmap_range excluded[4];
		size_t count = fuzz_next(&state) % ARRAY_COUNT(regions);
		size_t excluded_count = fuzz_next(&state) % 5;

		for (size_t i = 0; i < count; i++) {
			uint64_t a = random_address(&state);
			uint64_t b = random_address(&state);

			regions[i].base = a < b ? a : b;
			regions[i].length = a < b ? b - a : a - b;
			regions[i].type = fuzz_next(&state) % 3 == 0 ?
						  1 + fuzz_next(&state) % 6 :
						  USABLE;
		}
		for (size_t i = 0; i < excluded_count; i++) {
			uint64_t a = random_address(&state);

			excluded[i].start = a;
			excluded[i].end = a + fuzz_next(&state) % 0x3000;
		}

		size_t expected_count = model(regions, count, excluded,
					      excluded_count, expected);
		long got = free_ranges(regions, count, excluded,
				       excluded_count);

		cr_assert_eq(got, (long)expected_count, "round %d", round);
		for (size_t i = 0; i < expected_count; i++) {
			cr_assert_eq(out[i].start, expected[i].start,
				     "round %d range %zu", round, i);
			cr_assert_eq(out[i].end, expected[i].end,
				     "round %d range %zu", round, i);
		}
	}
}

Test(memmap, carve_from_start_of_first_fit)
{
	struct memmap_range ranges[4] = {
		{ MIB, MIB + 0x3000 },
		{ 4 * MIB, 8 * MIB },
	};
	size_t count = 2;

	cr_assert_eq(memmap_carve(ranges, &count, 0x2000), MIB);
	cr_assert_eq(count, 2);
	cr_assert_eq(ranges[0].start, MIB + 0x2000);

	/* Too big for the rest of the first range: taken from the second. */
	cr_assert_eq(memmap_carve(ranges, &count, 0x1001), 4 * MIB);
	cr_assert_eq(count, 2);
	cr_assert_eq(ranges[1].start, 4 * MIB + 0x2000);

	/* The last page of the first range. */
	cr_assert_eq(memmap_carve(ranges, &count, 0x1000),
		     MIB + 0x2000);
	cr_assert_eq(count, 1, "an exhausted range is removed");
	cr_assert_eq(ranges[0].start, 4 * MIB + 0x2000);
	cr_assert_eq(ranges[0].end, 8 * MIB);
}

Test(memmap, carve_rounds_size_to_pages)
{
	struct memmap_range ranges[2] = { { MIB, 2 * MIB } };
	size_t count = 1;

	cr_assert_eq(memmap_carve(ranges, &count, 1), MIB);
	cr_assert_eq(ranges[0].start, MIB + 0x1000);
	cr_assert_eq(memmap_carve(ranges, &count, 0x1fff),
		     MIB + 0x1000);
	cr_assert_eq(ranges[0].start, MIB + 0x3000);
	cr_assert_eq(memmap_total(ranges, count), MIB - 0x3000);
}

Test(memmap, carve_failures)
{
	struct memmap_range ranges[2] = { { MIB, 2 * MIB } };
	size_t count = 1;

	cr_assert_eq(memmap_carve(ranges, &count, 2 * MIB), 0);
	cr_assert_eq(memmap_carve(ranges, &count, 0), 0);
	cr_assert_eq(memmap_carve(ranges, &count, UINT64_MAX), 0);
	cr_assert_eq(count, 1);
	cr_assert_eq(ranges[0].start, MIB);
	cr_assert_eq(ranges[0].end, 2 * MIB);

	size_t none = 0;
	cr_assert_eq(memmap_carve(ranges, &none, 0x1000), 0);
}

Test(memmap, carve_never_returns_address_zero)
{
	struct memmap_range ranges[2] = { { 0, 0x4000 }, { MIB, 2 * MIB } };
	size_t count = 1;

	cr_assert_eq(memmap_carve(ranges, &count, 0x1000), 0);
	count = 2;
	cr_assert_eq(memmap_carve(ranges, &count, 0x1000), MIB);
	cr_assert_eq(count, 2);
	cr_assert_eq(ranges[0].start, 0);
	cr_assert_eq(ranges[0].end, 0x4000);
	cr_assert_eq(ranges[1].start, MIB + 0x1000);
}

Test(memmap, carve_whole_range_until_empty)
{
	struct memmap_range ranges[1] = { { MIB, MIB + 0x4000 } };
	size_t count = 1;

	for (uint64_t i = 0; i < 4; i++)
		cr_assert_eq(memmap_carve(ranges, &count, 0x1000),
			     MIB + i * 0x1000);
	cr_assert_eq(count, 0);
	cr_assert_eq(memmap_carve(ranges, &count, 0x1000), 0);
}
