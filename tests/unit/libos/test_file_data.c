/*
 * The files' data and large slots (linux/file_data.c) against a fake
 * kernel that keeps mapped ranges, not pages (a large file is tens of
 * thousands of them): a file moves to a large slot when it grows past its
 * data slot, with the same frames (mem_share from where they were), and
 * back when it shrinks to fit; the large slots run out, and FILE_SIZE_MAX
 * is the end. Holes: a growth of SPARSE_MIN or more leaves them, memory
 * is given to those written, punched pages give theirs back, and a file
 * whose holes are all filled loses its bitmap. The bitmaps are the one
 * thing file_data.c reads and writes itself, so the fake kernel maps
 * their pages in this process, at their own addresses.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <errno.h>
#include <sys/mman.h>

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

static bool holes_fail; /* no memory for a hole bitmap */
static uint64_t hole_map_bytes; /* of the bitmaps, all files */

static bool in_hole_maps(uint64_t address)
{
	return address >= LIBOS_FILE_HOLES && address < LIBOS_FILE_LARGE;
}

long wk_mem_map(long address, long length, long prot)
{
	(void)prot;
	if (in_hole_maps((uint64_t)address)) {
		if (holes_fail)
			return -WK_ENOMEM;
		void *got = mmap((void *)address, (size_t)length,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS |
					 MAP_FIXED_NOREPLACE,
				 -1, 0);

		cr_assert_eq(got, (void *)address, "a bitmap page at 0x%lx",
			     address);
		hole_map_bytes += (uint64_t)length;
		return 0;
	}
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
	if (in_hole_maps(start)) {
		cr_assert_eq(munmap((void *)address, (size_t)length), 0);
		hole_map_bytes -= (uint64_t)length;
		return 0;
	}
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

static uint64_t punched_start, punched_end;

void vm_file_punched(unsigned node, uint64_t start, uint64_t end)
{
	(void)node;
	punched_start = start;
	punched_end = end;
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
	struct file_pages mapped = { 0 };

	cr_assert_eq(file_data_grow(3, &mapped, 5000, 0), 0);
	cr_assert_eq(mapped.span, 2 * PAGE_SIZE);
	cr_assert_eq((uint64_t)file_data_slot(3), data_slot(3));
	cr_assert_eq(file_data_grow(3, &mapped, FILE_DATA_SLOT, 0), 0);
	cr_assert_eq((uint64_t)file_data_slot(3), data_slot(3));
	cr_assert(covered(data_slot(3), data_slot(3) + FILE_DATA_SLOT));
	cr_assert_eq(file_data_bytes(), FILE_DATA_SLOT);
	file_data_shrink(3, &mapped, 0);
	cr_assert_eq(mapped.span, 0);
	cr_assert_eq(range_count, 0);
	cr_assert_eq(file_data_bytes(), 0);
}

Test(file_data, a_file_moves_past_its_slot_and_back)
{
	struct file_pages mapped = { 0 };

	cr_assert_eq(file_data_grow(5, &mapped, 100 * MIB, 0), 0);
	cr_assert_eq(file_data_grow(5, &mapped, 200 * MIB, 0), 0);
	cr_assert_eq((uint64_t)file_data_slot(5), large_slot(0));
	cr_assert_eq(mapped.span, 200 * MIB);
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
	cr_assert_eq(mapped.span, 64 * MIB);
	cr_assert(covered(data_slot(5), data_slot(5) + 64 * MIB));
	cr_assert(!overlaps(large_slot(0), large_slot(0) + FILE_SIZE_MAX));
	cr_assert_eq(shrunk_calls, 2);
	file_data_shrink(5, &mapped, 0);
	cr_assert_eq(range_count, 0);
}

Test(file_data, the_large_slots_run_out)
{
	struct file_pages mapped[FILE_LARGE_SLOTS + 1] = { 0 };

	for (unsigned node = 0; node < FILE_LARGE_SLOTS; node++) {
		cr_assert_eq(file_data_grow(node, &mapped[node],
					    FILE_DATA_SLOT + 1, 0), 0);
		cr_assert_eq((uint64_t)file_data_slot(node), large_slot(node));
	}
	unsigned last = FILE_LARGE_SLOTS;

	cr_assert_eq(file_data_grow(last, &mapped[last], MIB, 0), 0);
	cr_assert_eq(file_data_grow(last, &mapped[last], 300 * MIB, 0), -ENOSPC);
	cr_assert_eq(mapped[last].span, MIB);
	cr_assert_eq((uint64_t)file_data_slot(last), data_slot(last));
	cr_assert(covered(data_slot(last), data_slot(last) + MIB));

	/* One goes, and its slot is free for the next. */
	file_data_shrink(4, &mapped[4], 0);
	cr_assert_eq(file_data_grow(last, &mapped[last], 300 * MIB, 0), 0);
	cr_assert_eq((uint64_t)file_data_slot(last), large_slot(4));
	cr_assert(covered(large_slot(4), large_slot(4) + 300 * MIB));
}

Test(file_data, no_move_without_page_table_memory)
{
	struct file_pages mapped = { 0 };

	cr_assert_eq(file_data_grow(9, &mapped, MIB, 0), 0);
	share_fails = true;
	cr_assert_eq(file_data_grow(9, &mapped, 2 * FILE_DATA_SLOT, 0), -ENOSPC);
	cr_assert_eq((uint64_t)file_data_slot(9), data_slot(9));
	cr_assert_eq(mapped.span, MIB);
	cr_assert(covered(data_slot(9), data_slot(9) + MIB));
	share_fails = false;
	cr_assert_eq(file_data_grow(9, &mapped, 2 * FILE_DATA_SLOT, 0), 0);
	cr_assert_eq((uint64_t)file_data_slot(9), large_slot(0));
}

Test(file_data, the_largest_file)
{
	struct file_pages mapped = { 0 };

	cr_assert_eq(file_data_grow(1, &mapped, FILE_SIZE_MAX + 1, 0), -EFBIG);
	cr_assert_eq(mapped.span, 0);
	cr_assert_eq(range_count, 0);
	cr_assert_eq(file_data_grow(1, &mapped, FILE_SIZE_MAX, 0), 0);
	cr_assert_eq((uint64_t)file_data_slot(1), large_slot(0));
	cr_assert_eq(mapped.span, FILE_SIZE_MAX);
}

/* The runs of [start, end): `expect` alternates data and holes, starting
 * with data if `data_first`, each a length, 0-terminated. */
static void check_runs(unsigned node, const struct file_pages *pages,
		       uint64_t start, uint64_t end, bool data_first,
		       const uint64_t *expect)
{
	bool want = data_first;

	for (unsigned i = 0; expect[i]; i++, want = !want) {
		bool backed;
		uint64_t run = file_data_run(node, pages, start, end, &backed);

		cr_assert_eq(backed, want, "run %u at 0x%lx", i, start);
		cr_assert_eq(run, expect[i], "run %u at 0x%lx", i, start);
		start += run;
	}
	cr_assert_eq(start, end);
}

Test(file_data, a_big_growth_leaves_holes)
{
	struct file_pages pages = { 0 };
	uint64_t ten = UINT64_C(10) << 30;

	/* A small file (one page), then truncated to 10 GiB. */
	cr_assert_eq(file_data_grow(2, &pages, 100, 0), 0);
	cr_assert_eq(pages.map_bytes, 0);
	cr_assert_eq(file_data_grow(2, &pages, ten, ten), 0);
	cr_assert_eq(pages.span, ten);
	cr_assert_eq(pages.backed, PAGE_SIZE);
	cr_assert_eq(file_data_bytes(), PAGE_SIZE);
	cr_assert_eq((uint64_t)file_data_slot(2), large_slot(0));
	cr_assert(covered(large_slot(0), large_slot(0) + PAGE_SIZE));
	cr_assert(!overlaps(large_slot(0) + PAGE_SIZE, large_slot(0) + ten));
	/* The bitmap: a bit for each of its pages. */
	cr_assert_eq(hole_map_bytes, ten / PAGE_SIZE / 8);
	check_runs(2, &pages, 0, ten, true,
		   (uint64_t[]){ PAGE_SIZE, ten - PAGE_SIZE, 0 });

	/* A write at 5 GiB gives two pages memory. */
	cr_assert_eq(file_data_back(2, &pages, 5 * (ten / 10) - 1, 2), 0);
	cr_assert_eq(pages.backed, 3 * PAGE_SIZE);
	uint64_t five = ten / 2;

	cr_assert(covered(large_slot(0) + five - PAGE_SIZE,
			  large_slot(0) + five + PAGE_SIZE));
	check_runs(2, &pages, 0, ten, true,
		   (uint64_t[]){ PAGE_SIZE, five - 2 * PAGE_SIZE,
				 2 * PAGE_SIZE, ten - five - PAGE_SIZE, 0 });
	check_runs(2, &pages, five, five + 100, true, (uint64_t[]){ 100, 0 });

	/* Shrunk to 6 MiB: back to its data slot, its one page moved. */
	file_data_shrink(2, &pages, 6 * MIB);
	cr_assert_eq(pages.backed, PAGE_SIZE);
	cr_assert_eq((uint64_t)file_data_slot(2), data_slot(2));
	cr_assert(covered(data_slot(2), data_slot(2) + PAGE_SIZE));
	cr_assert_eq(range_count, 1);
	check_runs(2, &pages, 0, 6 * MIB, true,
		   (uint64_t[]){ PAGE_SIZE, 6 * MIB - PAGE_SIZE, 0 });
	file_data_shrink(2, &pages, 0);
	cr_assert_eq(range_count, 0);
	cr_assert_eq(hole_map_bytes, 0);
	cr_assert_eq(pages.map_bytes, 0);
	cr_assert_eq(file_data_bytes(), 0);
}

Test(file_data, a_small_growth_is_memory)
{
	struct file_pages pages = { 0 };

	cr_assert_eq(file_data_grow(4, &pages, SPARSE_MIN - PAGE_SIZE,
				    SPARSE_MIN - PAGE_SIZE), 0);
	cr_assert_eq(pages.map_bytes, 0);
	cr_assert_eq(pages.backed, SPARSE_MIN - PAGE_SIZE);
	cr_assert(covered(data_slot(4), data_slot(4) + SPARSE_MIN - PAGE_SIZE));
	/* A write 3 MiB on: the pages before it are holes, its own not. */
	cr_assert_eq(file_data_grow(4, &pages, 3 * MIB + 10, 3 * MIB), 0);
	cr_assert_eq(pages.backed, SPARSE_MIN);
	check_runs(4, &pages, 0, 3 * MIB + PAGE_SIZE, true,
		   (uint64_t[]){ SPARSE_MIN - PAGE_SIZE,
				 3 * MIB - SPARSE_MIN + PAGE_SIZE, PAGE_SIZE,
				 0 });
	/* Once each hole has memory, there is no bitmap. */
	cr_assert_eq(file_data_back(4, &pages, 0, 3 * MIB), 0);
	cr_assert_eq(pages.map_bytes, 0);
	cr_assert_eq(hole_map_bytes, 0);
	cr_assert_eq(pages.backed, 3 * MIB + PAGE_SIZE);
	cr_assert(covered(data_slot(4), data_slot(4) + 3 * MIB + PAGE_SIZE));
	file_data_shrink(4, &pages, 0);
	cr_assert_eq(range_count, 0);
}

Test(file_data, punched_pages_give_their_memory_back)
{
	struct file_pages pages = { 0 };

	cr_assert_eq(file_data_grow(6, &pages, MIB, 0), 0);
	cr_assert_eq(file_data_punch(6, &pages, MIB, 64 << 10, 64 << 10), 0);
	cr_assert_eq(punched_start, 64 << 10);
	cr_assert_eq(punched_end, 128 << 10);
	cr_assert_eq(pages.backed, MIB - (64 << 10));
	cr_assert_eq(file_data_bytes(), MIB - (64 << 10));
	cr_assert(!overlaps(data_slot(6) + (64 << 10),
			    data_slot(6) + (128 << 10)));
	check_runs(6, &pages, 0, MIB, true,
		   (uint64_t[]){ 64 << 10, 64 << 10, MIB - (128 << 10), 0 });
	/* Past the end: nothing. */
	cr_assert_eq(file_data_punch(6, &pages, MIB, MIB, MIB), 0);
	cr_assert_eq(pages.backed, MIB - (64 << 10));

	/* No memory for a bitmap: -ENOSPC, and nothing changes. */
	struct file_pages other = { 0 };

	cr_assert_eq(file_data_grow(8, &other, MIB, 0), 0);
	holes_fail = true;
	cr_assert_eq(file_data_punch(8, &other, MIB, 0, MIB), -ENOSPC);
	cr_assert_eq(file_data_grow(8, &other, 100 * MIB, 100 * MIB), -ENOSPC);
	holes_fail = false;
	cr_assert_eq(other.backed, MIB);
	cr_assert_eq(other.span, MIB);
	cr_assert(covered(data_slot(8), data_slot(8) + MIB));
}
