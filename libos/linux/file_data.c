/*
 * The tree's writable bytes (file_data.h): the data and name slots of the
 * node numbers and the large slots, in the libOS's part of the address
 * space. Pages are mapped as they are needed and unmapped as files shrink
 * or go, so that memory follows what the files hold.
 */
#include "linux/file_data.h"

#include <stdbool.h>

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "linux/files.h"
#include "mm/vm.h"
#include "wicket/native.h"

_Static_assert(LIBOS_FILE_DATA + NODES_MAX * FILE_DATA_SLOT <=
	       WK_LIBOS_BASE, "layout.h: the data slots end below the libOS");
_Static_assert(LIBOS_FILE_LARGE + FILE_LARGE_SLOTS * FILE_SIZE_MAX <=
	       WK_INFO_ADDRESS, "layout.h: the large slots end below the "
	       "info page");
_Static_assert(FILE_LARGE_SLOTS <= 32, "large_slots_used has a bit each");

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

uint8_t *file_data_slot(unsigned node)
{
	unsigned large = large_slot_of[node];

	return large ? large_slot(large - 1) : data_slot(node);
}

/* Maps node's first `mapped` bytes at `to` instead of where they are: the
 * same frames, so nothing is copied and the file's views keep them.
 * False (nothing changed) when the kernel has no page-table memory. */
static bool move_bytes(unsigned node, uint8_t *to, uint64_t mapped)
{
	uint8_t *from = file_data_slot(node);

	if (mapped == 0)
		return true;
	if (wk_mem_share((long)to, (long)mapped, WK_PROT_READ | WK_PROT_WRITE,
			 (long)from) < 0)
		return false;
	wk_mem_unmap((long)from, (long)mapped);
	return true;
}

long file_data_grow(unsigned node, uint64_t *mapped, uint64_t size)
{
	uint64_t want = page_up(size);

	if (size > FILE_SIZE_MAX)
		return -EFBIG;
	if (want <= *mapped)
		return 0;
	if (want > FILE_DATA_SLOT && !large_slot_of[node]) {
		unsigned index = 0;

		while (index < FILE_LARGE_SLOTS &&
		       (large_slots_used & (UINT32_C(1) << index)))
			index++;
		if (index == FILE_LARGE_SLOTS ||
		    !move_bytes(node, large_slot(index), *mapped))
			return -ENOSPC;
		large_slots_used |= UINT32_C(1) << index;
		large_slot_of[node] = (uint8_t)(index + 1);
	}
	if (wk_mem_map((long)(file_data_slot(node) + *mapped),
		       (long)(want - *mapped), WK_PROT_READ | WK_PROT_WRITE) < 0)
		return -ENOSPC;
	data_bytes += want - *mapped;
	*mapped = want;
	return 0;
}

void file_data_shrink(unsigned node, uint64_t *mapped, uint64_t size)
{
	uint64_t keep = page_up(size);
	unsigned large = large_slot_of[node];

	vm_file_shrunk(node, size);
	if (keep < *mapped) {
		wk_mem_unmap((long)(file_data_slot(node) + keep),
			     (long)(*mapped - keep));
		data_bytes -= *mapped - keep;
		*mapped = keep;
	}
	if (size < keep)
		memset(file_data_slot(node) + size, 0, keep - size);
	if (large && keep <= FILE_DATA_SLOT &&
	    move_bytes(node, data_slot(node), keep)) {
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
