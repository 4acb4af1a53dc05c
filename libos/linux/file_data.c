/*
 * The tree's writable bytes (file_data.h): the data and name slots of the
 * node numbers, in the libOS's part of the address space. Pages are mapped
 * as they are needed and unmapped as files shrink or go, so that memory
 * follows what the files hold.
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

#define NAME_SLOT 256

static uint64_t data_bytes; /* mapped in all data slots */

/* Which pages of the name slots are mapped. */
static uint8_t name_pages[NODES_MAX * NAME_SLOT / PAGE_SIZE / 8];

uint8_t *file_data_slot(unsigned node)
{
	return (uint8_t *)(LIBOS_FILE_DATA + node * FILE_DATA_SLOT);
}

long file_data_grow(unsigned node, uint64_t *mapped, uint64_t size)
{
	uint64_t want = page_up(size);

	if (size > FILE_DATA_SLOT)
		return -EFBIG;
	if (want <= *mapped)
		return 0;
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

	vm_file_shrunk(node, size);
	if (keep < *mapped) {
		wk_mem_unmap((long)(file_data_slot(node) + keep),
			     (long)(*mapped - keep));
		data_bytes -= *mapped - keep;
		*mapped = keep;
	}
	if (size < keep)
		memset(file_data_slot(node) + size, 0, keep - size);
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
