/*
 * The files' data and large slots (linux/file_data.c) against a fake
 * kernel that keeps mapped ranges, not pages (a large file is tens of
 * thousands of them): a file moves to a large slot when it grows past its
 * data slot, with the same frames (mem_share from where they were), and
 * back when it shrinks to fit; the large slots run out, and FILE_SIZE_MAX
 * is the end.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <errno.h>

#include "layout.h"
#include "linux/file_data.h"
#include "wicket/native.h"

#define MIB (UINT64_C(1) << 20)
#define RANGES_MAX 64

static struct range {
	uint64_t start, end;
	uint64_t from; /* mem_share's source address for start, else 0 */
} ranges[RANGES_MAX];
static unsigned range_count;
static bool share_fails; /* as with no page-table memory */

static bool overlaps(uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < range_count; i++)
		if (ranges[i].start < end && start < ranges[i].end)
			return true;
	return false;
}

/* Whether [start, end) is mapped without a hole. */
static bool covered(uint64_t start, uint64_t end)
{
	while (start < end) {
		unsigned i = 0;

		while (i < range_count &&
		       !(ranges[i].start <= start && start < ranges[i].end))
			i++;
		if (i == range_count)
			return false;
		start = ranges[i].end;
	}
	return true;
}

static long add(uint64_t start, uint64_t length, uint64_t from)
{
	if (length == 0 || length % PAGE_SIZE || start % PAGE_SIZE)
		return -WK_EINVAL;
	if (overlaps(start, start + length))
		return -WK_EEXIST;
	cr_assert_lt(range_count, RANGES_MAX);
	ranges[range_count++] = (struct range){ start, start + length, from };
	return 0;
}

long wk_mem_map(long address, long length, long prot)
{
	(void)prot;
	return add((uint64_t)address, (uint64_t)length, 0);
}

long wk_mem_share(long address, long length, long prot, long from)
{
	(void)prot;
	if (share_fails || !covered((uint64_t)from, (uint64_t)(from + length)))
		return -WK_ENOMEM;
	return add((uint64_t)address, (uint64_t)length, (uint64_t)from);
}

long wk_mem_unmap(long address, long length)
{
	uint64_t start = (uint64_t)address, end = start + (uint64_t)length;

	if (length <= 0)
		return -WK_EINVAL;
	for (unsigned i = 0; i < range_count;) {
		struct range r = ranges[i];

		if (r.end <= start || end <= r.start) {
			i++;
			continue;
		}
		ranges[i] = ranges[--range_count];
		if (r.start < start)
			add(r.start, start - r.start, r.from);
		if (end < r.end)
			add(end, r.end - end, r.from ? r.from + (end - r.start) : 0);
	}
	return 0;
}

long wk_mem_protect(long address, long length, long prot)
{
	(void)address, (void)length, (void)prot;
	return 0;
}

static unsigned shrunk_calls;

void vm_file_shrunk(unsigned node, uint64_t size)
{
	(void)node, (void)size;
	shrunk_calls++;
}

static uint64_t data_slot(unsigned node)
{
	return LIBOS_FILE_DATA + node * FILE_DATA_SLOT;
}

static uint64_t large_slot(unsigned index)
{
	return LIBOS_FILE_LARGE + index * FILE_SIZE_MAX;
}

Test(file_data, small_files_stay_in_their_data_slot)
{
	uint64_t mapped = 0;

	cr_assert_eq(file_data_grow(3, &mapped, 5000), 0);
	cr_assert_eq(mapped, 2 * PAGE_SIZE);
	cr_assert_eq((uint64_t)file_data_slot(3), data_slot(3));
	cr_assert_eq(file_data_grow(3, &mapped, FILE_DATA_SLOT), 0);
	cr_assert_eq((uint64_t)file_data_slot(3), data_slot(3));
	cr_assert(covered(data_slot(3), data_slot(3) + FILE_DATA_SLOT));
	cr_assert_eq(file_data_bytes(), FILE_DATA_SLOT);
	file_data_shrink(3, &mapped, 0);
	cr_assert_eq(mapped, 0);
	cr_assert_eq(range_count, 0);
	cr_assert_eq(file_data_bytes(), 0);
}

Test(file_data, a_file_moves_past_its_slot_and_back)
{
	uint64_t mapped = 0;

	cr_assert_eq(file_data_grow(5, &mapped, 100 * MIB), 0);
	cr_assert_eq(file_data_grow(5, &mapped, 200 * MIB), 0);
	cr_assert_eq((uint64_t)file_data_slot(5), large_slot(0));
	cr_assert_eq(mapped, 200 * MIB);
	cr_assert_eq(file_data_bytes(), 200 * MIB);
	/* Its first 100 MiB are the frames it had, shared from its data
	 * slot, which is unmapped now; the rest is new. */
	cr_assert(covered(large_slot(0), large_slot(0) + 200 * MIB));
	cr_assert(!overlaps(data_slot(5), data_slot(5) + FILE_DATA_SLOT));
	bool shared = false;

	for (unsigned i = 0; i < range_count; i++)
		if (ranges[i].start == large_slot(0))
			shared = ranges[i].from == data_slot(5) &&
				 ranges[i].end == large_slot(0) + 100 * MIB;
	cr_assert(shared);

	file_data_shrink(5, &mapped, 150 * MIB);
	cr_assert_eq((uint64_t)file_data_slot(5), large_slot(0));
	file_data_shrink(5, &mapped, 64 * MIB);
	cr_assert_eq((uint64_t)file_data_slot(5), data_slot(5));
	cr_assert_eq(mapped, 64 * MIB);
	cr_assert(covered(data_slot(5), data_slot(5) + 64 * MIB));
	cr_assert(!overlaps(large_slot(0), large_slot(0) + FILE_SIZE_MAX));
	cr_assert_eq(shrunk_calls, 2);
	file_data_shrink(5, &mapped, 0);
	cr_assert_eq(range_count, 0);
}

Test(file_data, the_large_slots_run_out)
{
	uint64_t mapped[FILE_LARGE_SLOTS + 1] = { 0 };

	for (unsigned node = 0; node < FILE_LARGE_SLOTS; node++) {
		cr_assert_eq(file_data_grow(node, &mapped[node],
					    FILE_DATA_SLOT + 1), 0);
		cr_assert_eq((uint64_t)file_data_slot(node), large_slot(node));
	}
	unsigned last = FILE_LARGE_SLOTS;

	cr_assert_eq(file_data_grow(last, &mapped[last], MIB), 0);
	cr_assert_eq(file_data_grow(last, &mapped[last], 300 * MIB), -ENOSPC);
	cr_assert_eq(mapped[last], MIB);
	cr_assert_eq((uint64_t)file_data_slot(last), data_slot(last));
	cr_assert(covered(data_slot(last), data_slot(last) + MIB));

	/* One goes, and its slot is free for the next. */
	file_data_shrink(4, &mapped[4], 0);
	cr_assert_eq(file_data_grow(last, &mapped[last], 300 * MIB), 0);
	cr_assert_eq((uint64_t)file_data_slot(last), large_slot(4));
	cr_assert(covered(large_slot(4), large_slot(4) + 300 * MIB));
}

Test(file_data, no_move_without_page_table_memory)
{
	uint64_t mapped = 0;

	cr_assert_eq(file_data_grow(9, &mapped, MIB), 0);
	share_fails = true;
	cr_assert_eq(file_data_grow(9, &mapped, 2 * FILE_DATA_SLOT), -ENOSPC);
	cr_assert_eq((uint64_t)file_data_slot(9), data_slot(9));
	cr_assert_eq(mapped, MIB);
	cr_assert(covered(data_slot(9), data_slot(9) + MIB));
	share_fails = false;
	cr_assert_eq(file_data_grow(9, &mapped, 2 * FILE_DATA_SLOT), 0);
	cr_assert_eq((uint64_t)file_data_slot(9), large_slot(0));
}

Test(file_data, the_largest_file)
{
	uint64_t mapped = 0;

	cr_assert_eq(file_data_grow(1, &mapped, FILE_SIZE_MAX + 1), -EFBIG);
	cr_assert_eq(mapped, 0);
	cr_assert_eq(range_count, 0);
	cr_assert_eq(file_data_grow(1, &mapped, FILE_SIZE_MAX), 0);
	cr_assert_eq((uint64_t)file_data_slot(1), large_slot(0));
	cr_assert_eq(mapped, FILE_SIZE_MAX);
}
