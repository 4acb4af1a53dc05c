/*
 * The tree's writable bytes (file_data.h): the data and name slots of the
 * node numbers, the large slots and the hole bitmaps, in the libOS's part
 * of the address space. Pages are mapped as they are needed and unmapped
 * as files shrink or go, so that memory follows what the files hold.
 */
#include "linux/file_data.h"

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "linux/files.h"
#include "mm/vm.h"
#include "wicket/native.h"

/* A hole bitmap's bytes of address space: a bit per page of the largest
 * file. */
#define HOLE_MAP_SLOT (FILE_SIZE_MAX / PAGE_SIZE / 8)

_Static_assert(LIBOS_FILE_DATA + NODES_MAX * FILE_DATA_SLOT <=
	       WK_LIBOS_BASE, "layout.h: the data slots end below the libOS");
_Static_assert(LIBOS_FILE_LARGE + FILE_LARGE_SLOTS * FILE_SIZE_MAX <=
	       WK_INFO_ADDRESS, "layout.h: the large slots end below the "
	       "info page");
_Static_assert(LIBOS_FILE_HOLES + NODES_MAX * HOLE_MAP_SLOT <=
	       LIBOS_FILE_LARGE, "layout.h: the hole bitmaps end below the "
	       "large slots");
_Static_assert(FILE_LARGE_SLOTS <= 32, "large_slots_used has a bit each");
_Static_assert(HOLE_MAP_SLOT <= UINT32_MAX, "file_pages.map_bytes holds it");

#define NAME_SLOT 256

static uint64_t data_bytes; /* mapped in all data and large slots */

/* Each node's large slot, plus one (0: its bytes are in its data slot),
 * and which large slots are taken. */
static uint8_t large_slot_of[NODES_MAX];
static uint32_t large_slots_used;

/* Which pages of the name slots are mapped. */
static uint8_t name_pages[NODES_MAX * NAME_SLOT / PAGE_SIZE / 8];

static uint8_t *data_slot(unsigned node)
{
	return (uint8_t *)(LIBOS_FILE_DATA + node * FILE_DATA_SLOT);
}

static uint8_t *large_slot(unsigned index)
{
	return (uint8_t *)(LIBOS_FILE_LARGE + index * FILE_SIZE_MAX);
}

static uint8_t *hole_map(unsigned node)
{
	return (uint8_t *)(LIBOS_FILE_HOLES + node * HOLE_MAP_SLOT);
}

uint8_t *file_data_slot(unsigned node)
{
	unsigned large = large_slot_of[node];

	return large ? large_slot(large - 1) : data_slot(node);
}

/* Whether the page at byte `offset` of the span has memory. */
static bool backed_at(unsigned node, const struct file_pages *pages,
		      uint64_t offset)
{
	uint64_t page = offset / PAGE_SIZE;

	if (pages->map_bytes == 0)
		return offset < pages->span;
	return (hole_map(node)[page / 8] >> (page % 8)) & 1;
}

uint64_t file_data_run(unsigned node, const struct file_pages *pages,
		       uint64_t offset, uint64_t limit, bool *backed)
{
	const uint8_t *map = hole_map(node);
	uint64_t at = page_down(offset) + PAGE_SIZE;

	*backed = backed_at(node, pages, offset);
	if (pages->map_bytes == 0)
		return limit - offset;
	while (at < limit) {
		uint64_t page = at / PAGE_SIZE;

		if (page % 8 == 0 && map[page / 8] == (*backed ? 0xff : 0)) {
			at += 8 * PAGE_SIZE;
			continue;
		}
		if (backed_at(node, pages, at) != *backed)
			break;
		at += PAGE_SIZE;
	}
	return (at < limit ? at : limit) - offset;
}

void file_data_read(unsigned node, const struct file_pages *pages,
		    uint64_t offset, void *to, uint64_t length)
{
	const uint8_t *from = file_data_slot(node);
	uint8_t *out = to;

	while (length) {
		bool backed;
		uint64_t run = file_data_run(node, pages, offset,
					     offset + length, &backed);

		if (backed)
			memcpy(out, from + offset, run);
		else
			memset(out, 0, run);
		out += run;
		offset += run;
		length -= run;
	}
}

void file_data_zero(unsigned node, const struct file_pages *pages,
		    uint64_t offset, uint64_t length)
{
	uint8_t *slot = file_data_slot(node);

	while (length) {
		bool backed;
		uint64_t run = file_data_run(node, pages, offset,
					     offset + length, &backed);

		if (backed)
			memset(slot + offset, 0, run);
		offset += run;
		length -= run;
	}
}

/* Marks the pages of [start, end) (page multiples) as having memory or
 * not. */
static void mark(unsigned node, uint64_t start, uint64_t end, bool backed)
{
	uint8_t *map = hole_map(node);

	for (uint64_t page = start / PAGE_SIZE; page < end / PAGE_SIZE;
	     page++) {
		if (backed)
			map[page / 8] |= (uint8_t)(1u << (page % 8));
		else
			map[page / 8] &= (uint8_t)~(1u << (page % 8));
	}
}

/* Bytes of [start, end) (page multiples) with memory. */
static uint64_t backed_between(unsigned node, const struct file_pages *pages,
			       uint64_t start, uint64_t end)
{
	uint64_t count = 0;

	while (start < end) {
		bool backed;
		uint64_t run = file_data_run(node, pages, start, end, &backed);

		if (backed)
			count += run;
		start += run;
	}
	return count;
}

/* Makes node's hole bitmap cover `span` bytes, its pages' bits set as
 * having memory when it had none: false when memory is out. */
static bool map_holes(unsigned node, struct file_pages *pages, uint64_t span)
{
	uint64_t want = page_up((span / PAGE_SIZE + 7) / 8);
	bool had = pages->map_bytes != 0;

	if (want > pages->map_bytes) {
		if (wk_mem_map((long)(hole_map(node) + pages->map_bytes),
			       (long)(want - pages->map_bytes),
			       WK_PROT_READ | WK_PROT_WRITE) < 0)
			return false;
		pages->map_bytes = (uint32_t)want;
	}
	if (!had)
		mark(node, 0, pages->span, true);
	return true;
}

/* A file whose every page has memory needs no bitmap. */
static void drop_holes_if_none(unsigned node, struct file_pages *pages)
{
	if (pages->map_bytes && pages->backed == pages->span) {
		wk_mem_unmap((long)hole_map(node), pages->map_bytes);
		pages->map_bytes = 0;
	}
}

/* Maps node's pages at `to` instead of where they are: the same frames,
 * so nothing is copied and the file's views keep them. False (nothing
 * changed) when the kernel has no page-table memory. */
static bool move_bytes(unsigned node, struct file_pages *pages, uint8_t *to)
{
	uint8_t *from = file_data_slot(node);

	for (uint64_t at = 0; at < pages->span;) {
		bool backed;
		uint64_t run = file_data_run(node, pages, at, pages->span,
					     &backed);

		if (backed && wk_mem_share((long)(to + at), (long)run,
					   WK_PROT_READ | WK_PROT_WRITE,
					   (long)(from + at)) < 0) {
			if (at)
				wk_mem_unmap((long)to, (long)at);
			return false;
		}
		at += run;
	}
	if (pages->span)
		wk_mem_unmap((long)from, (long)pages->span);
	return true;
}

/* Maps the holes of [start, end) (page multiples inside the span). */
static long fill_holes(unsigned node, struct file_pages *pages,
		       uint64_t start, uint64_t end)
{
	uint8_t *slot = file_data_slot(node);

	while (start < end) {
		bool backed;
		uint64_t run = file_data_run(node, pages, start, end, &backed);

		if (!backed) {
			if (wk_mem_map((long)(slot + start), (long)run,
				       WK_PROT_READ | WK_PROT_WRITE) < 0)
				return -ENOSPC;
			mark(node, start, start + run, true);
			pages->backed += run;
			data_bytes += run;
		}
		start += run;
	}
	return 0;
}

long file_data_grow(unsigned node, struct file_pages *pages, uint64_t size,
		    uint64_t hole_end)
{
	uint64_t want = page_up(size), holes = 0;

	if (size > FILE_SIZE_MAX)
		return -EFBIG;
	if (want <= pages->span)
		return 0;
	if (hole_end > want)
		hole_end = want;
	if (page_down(hole_end) > pages->span)
		holes = page_down(hole_end) - pages->span;
	if (pages->map_bytes == 0 && holes < SPARSE_MIN)
		holes = 0;
	if (want > FILE_DATA_SLOT && !large_slot_of[node]) {
		unsigned index = 0;

		while (index < FILE_LARGE_SLOTS &&
		       (large_slots_used & (UINT32_C(1) << index)))
			index++;
		if (index == FILE_LARGE_SLOTS ||
		    !move_bytes(node, pages, large_slot(index)))
			return -ENOSPC;
		large_slots_used |= UINT32_C(1) << index;
		large_slot_of[node] = (uint8_t)(index + 1);
	}
	if ((holes || pages->map_bytes) && !map_holes(node, pages, want))
		return -ENOSPC;
	uint64_t first = pages->span + holes;

	if (first < want &&
	    wk_mem_map((long)(file_data_slot(node) + first),
		       (long)(want - first), WK_PROT_READ | WK_PROT_WRITE) < 0) {
		drop_holes_if_none(node, pages);
		return -ENOSPC;
	}
	if (pages->map_bytes)
		mark(node, first, want, true);
	data_bytes += want - first;
	pages->backed += want - first;
	pages->span = want;
	return 0;
}

long file_data_back(unsigned node, struct file_pages *pages, uint64_t offset,
		    uint64_t length)
{
	if (pages->map_bytes == 0 || length == 0)
		return 0;
	long error = fill_holes(node, pages, page_down(offset),
				page_up(offset + length));

	drop_holes_if_none(node, pages);
	return error;
}

long file_data_punch(unsigned node, struct file_pages *pages, uint64_t size,
		     uint64_t offset, uint64_t length)
{
	uint64_t end = offset + length < size ? offset + length : size;
	uint64_t first = page_up(offset), last = page_down(end);

	if (offset >= end)
		return 0;
	if (first < last) {
		if (!map_holes(node, pages, pages->span))
			return -ENOSPC;
		uint64_t gone = backed_between(node, pages, first, last);

		vm_file_punched(node, first, last);
		wk_mem_unmap((long)(file_data_slot(node) + first),
			     (long)(last - first));
		mark(node, first, last, false);
		pages->backed -= gone;
		data_bytes -= gone;
	}
	/* The pieces of pages at the ends (one page, or two with no whole
	 * page between), where they have memory. */
	uint8_t *slot = file_data_slot(node);
	uint64_t head_end = first < end ? first : end;
	uint64_t tail = last > head_end ? last : head_end;

	if (offset < head_end && backed_at(node, pages, offset))
		memset(slot + offset, 0, head_end - offset);
	if (tail < end && backed_at(node, pages, tail))
		memset(slot + tail, 0, end - tail);
	drop_holes_if_none(node, pages);
	return 0;
}

void file_data_shrink(unsigned node, struct file_pages *pages, uint64_t size)
{
	uint64_t keep = page_up(size);
	unsigned large = large_slot_of[node];

	vm_file_shrunk(node, size);
	if (keep < pages->span) {
		uint64_t gone = backed_between(node, pages, keep, pages->span);

		wk_mem_unmap((long)(file_data_slot(node) + keep),
			     (long)(pages->span - keep));
		if (pages->map_bytes)
			mark(node, keep, pages->span, false);
		data_bytes -= gone;
		pages->backed -= gone;
		pages->span = keep;
	}
	if (size < keep && backed_at(node, pages, size))
		memset(file_data_slot(node) + size, 0, keep - size);
	drop_holes_if_none(node, pages);
	if (large && keep <= FILE_DATA_SLOT &&
	    move_bytes(node, pages, data_slot(node))) {
		large_slot_of[node] = 0;
		large_slots_used &= ~(UINT32_C(1) << (large - 1));
	}
}

uint64_t file_data_bytes(void)
{
	return data_bytes;
}

char *file_name_slot(unsigned node)
{
	uint64_t address = LIBOS_FILE_NAMES + (uint64_t)node * NAME_SLOT;
	uint64_t page = (address - LIBOS_FILE_NAMES) / PAGE_SIZE;

	if (!(name_pages[page / 8] & (1u << (page % 8)))) {
		if (wk_mem_map((long)page_down(address), PAGE_SIZE,
			       WK_PROT_READ | WK_PROT_WRITE) < 0)
			return NULL;
		name_pages[page / 8] |= (uint8_t)(1u << (page % 8));
	}
	return (char *)address;
}
