/*
 * The kernel's page allocator: set up once by kmain from the boot memory
 * map, then used for page tables and kernel stacks (and, from #3, user
 * memory). One CPU and no interrupts in the kernel: no lock.
 */
#include "mm/page.h"

#include "arch/x86_64/layout.h"
#include "arch/x86_64/paging.h"
#include "console.h"
#include "lib/string.h"
#include "mm/memmap.h"
#include "panic.h"

struct pmem page_allocator;

extern char __kernel_phys_start[], __kernel_phys_end[];

#define LOW_MEMORY_END 0x100000 /* the first MiB: BIOS data, EBDA, ROMs */

int page_allocator_init(const struct boot_info *info)
{
	struct memmap_range excluded[2 + BOOT_MODULES_MAX + BOOT_RESERVED_MAX];
	struct memmap_range ranges[PMEM_MAX_RANGES];
	size_t excluded_count = 0;

	if (info->memory_region_count == 0) {
		kprintf("wicket: the boot loader gave no memory map\n");
		return -1;
	}
	excluded[excluded_count++] = (struct memmap_range){0, LOW_MEMORY_END};
	excluded[excluded_count++] = (struct memmap_range){
		(uint64_t)__kernel_phys_start, (uint64_t)__kernel_phys_end};
	for (uint32_t i = 0; i < info->module_count; i++)
		excluded[excluded_count++] = (struct memmap_range){
			info->modules[i].start, info->modules[i].end};
	for (uint32_t i = 0; i < info->reserved_count; i++)
		excluded[excluded_count++] = (struct memmap_range){
			info->reserved[i].start, info->reserved[i].end};

	long count = memmap_free_ranges(info->memory_regions,
					info->memory_region_count, excluded,
					excluded_count, ranges, PMEM_MAX_RANGES);
	if (count < 0) {
		kprintf("wicket: memory map has more than %u free ranges; "
			"using the first %u\n", PMEM_MAX_RANGES, PMEM_MAX_RANGES);
		count = PMEM_MAX_RANGES;
	}
	size_t range_count = (size_t)count;
	size_t bitmap_bytes = pmem_bitmap_bytes(ranges, range_count);
	/* The share counts follow the bitmap: a byte for each of its bits. */
	size_t storage_bytes = bitmap_bytes * 9;
	uint64_t storage = memmap_carve(ranges, &range_count, storage_bytes);
	if (storage == 0 || storage + storage_bytes > EARLY_MAP_BYTES) {
		kprintf("wicket: no room below 4 GiB for the page bitmap "
			"(%zu bytes)\n", storage_bytes);
		return -1;
	}
	pmem_init(&page_allocator, ranges, range_count,
		  (uint64_t *)(DIRECT_MAP_BASE + storage));
	page_allocator.shares = (uint8_t *)(DIRECT_MAP_BASE + storage +
					    bitmap_bytes);
	memset(page_allocator.shares, 0, bitmap_bytes * 8);
	return 0;
}

uint64_t page_alloc_zeroed(void)
{
	uint64_t address;

	if (pmem_alloc(&page_allocator, &address) != PMEM_OK)
		return 0;
	memset(paging_physical_to_virtual(address), 0, PMEM_PAGE_SIZE);
	return address;
}

void page_free(uint64_t address)
{
	int status = pmem_free(&page_allocator, address);

	if (status == PMEM_DOUBLE_FREE)
		panic("double free of physical page %#lx", address);
	if (status != PMEM_OK)
		panic("free of physical address %#lx, which the page "
		      "allocator does not manage (status %d)", address, status);
}

uint64_t page_usable_bytes(const struct boot_info *info)
{
	struct memmap_range ranges[PMEM_MAX_RANGES];
	long count = memmap_free_ranges(info->memory_regions,
					info->memory_region_count, NULL, 0,
					ranges, PMEM_MAX_RANGES);

	if (count < 0)
		count = PMEM_MAX_RANGES;
	return memmap_total(ranges, (size_t)count);
}
