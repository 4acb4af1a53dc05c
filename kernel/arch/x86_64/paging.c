/*
 * Four-level page tables (Intel SDM vol. 3A, 4.5). The kernel has one
 * PML4; the upper half (entries 256..511) is the kernel's, shared by every
 * future address space.
 */
#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/page_table.h"
#include "console.h"
#include "boot/boot_info.h"
#include "mm/memmap.h"
#include "mm/page.h"
#include "wicket/abi.h"

#define SIZE_4K (1ull << 12)
#define SIZE_2M (1ull << 21)
#define SIZE_1G (1ull << 30)

/* The direct map's window ends where the kernel stacks begin. */
#define DIRECT_MAP_LIMIT (KERNEL_STACK_AREA - DIRECT_MAP_BASE)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static uint64_t *kernel_pml4;
static uint64_t no_execute; /* PTE_NX when the CPU has NX, else 0 */
/* While the early tables are live only their first 4 GiB is reachable, so
 * new table pages must come from there. */
static bool building_on_early_tables;

static unsigned table_index(uint64_t address, unsigned level)
{
	return (address >> (12 + 9 * (level - 1))) & 0x1ff;
}

static uint64_t table_page_alloc(void)
{
	uint64_t page = page_alloc_zeroed();

	if (page != 0 && building_on_early_tables &&
	    page >= EARLY_MAP_BYTES - PAGE_SIZE) {
		kprintf("wicket: page-table page %#lx is beyond the early "
			"map\n", page);
		return 0;
	}
	return page;
}

/*
 * The entry for `address` at `level` (1 = page table ... 4 = PML4),
 * creating missing tables on the way. Returns NULL when out of memory or
 * when a huge page already covers `address` above `level`.
 */
static uint64_t *page_table_entry(uint64_t address, unsigned level)
{
	uint64_t *table = kernel_pml4;
	/* Tables under the user half carry the user bit; the leaf decides. */
	uint64_t user = address < WK_USER_LIMIT ? PTE_USER : 0;

	for (unsigned current = 4; current > level; current--) {
		uint64_t *entry = &table[table_index(address, current)];
		if (!(*entry & PTE_PRESENT)) {
			uint64_t page = table_page_alloc();
			if (page == 0)
				return NULL;
			*entry = page | PTE_PRESENT | PTE_WRITABLE | user;
		} else if (*entry & PTE_HUGE) {
			return NULL;
		}
		table = paging_physical_to_virtual(*entry & PTE_ADDRESS);
	}
	return &table[table_index(address, level)];
}

static int map_one(uint64_t virtual, uint64_t physical, uint64_t flags,
		   uint64_t page_size)
{
	unsigned level = page_size == SIZE_1G ? 3 : page_size == SIZE_2M ? 2 : 1;
	uint64_t *entry = page_table_entry(virtual, level);

	if (entry == NULL)
		return -1;
	*entry = physical | flags | (level > 1 ? PTE_HUGE : 0) | PTE_PRESENT;
	return 0;
}

int paging_map_page(uint64_t virtual, uint64_t physical, uint64_t flags)
{
	return map_one(virtual, physical, flags | no_execute, SIZE_4K);
}

static int map_image_part(const char *start, const char *end, uint64_t flags)
{
	for (uint64_t virtual = (uint64_t)start; virtual < (uint64_t)end;
	     virtual += SIZE_4K)
		if (map_one(virtual, virtual - KERNEL_VMA, flags | PTE_GLOBAL,
			    SIZE_4K))
			return -1;
	return 0;
}

static bool overlaps(uint64_t start, uint64_t size, uint64_t low,
		     uint64_t high)
{
	return start < high && low < start + size;
}

/*
 * The direct map of [start, end): RW and NX, in the largest pages that fit,
 * except that the kernel image's text and rodata ([read_only_start,
 * read_only_end)) get 4 KiB read-only pages, so that the alias cannot
 * undo W^X.
 */
static int map_direct(uint64_t start, uint64_t end, uint64_t read_only_start,
		      uint64_t read_only_end)
{
	uint64_t rw = PTE_WRITABLE | PTE_GLOBAL | no_execute;

	for (uint64_t physical = start; physical < end;) {
		uint64_t size = SIZE_4K;
		if (cpu_features.gigabyte_pages && physical % SIZE_1G == 0 &&
		    end - physical >= SIZE_1G &&
		    !overlaps(physical, SIZE_1G, read_only_start, read_only_end))
			size = SIZE_1G;
		else if (physical % SIZE_2M == 0 && end - physical >= SIZE_2M &&
			 !overlaps(physical, SIZE_2M, read_only_start,
				   read_only_end))
			size = SIZE_2M;
		uint64_t flags = overlaps(physical, size, read_only_start,
					  read_only_end)
					 ? PTE_GLOBAL | no_execute : rw;
		if (map_one(DIRECT_MAP_BASE + physical, physical, flags, size))
			return -1;
		physical += size;
	}
	return 0;
}

/*
 * The ranges to direct-map: RAM and ACPI regions (memmap_free_ranges on the
 * map with ACPI counted as RAM), widened to 2 MiB and merged, below the
 * limit. Holes between them (the PCI/MMIO window below 4 GiB, where the
 * local APIC lives) stay unmapped, so that device pages can later be mapped
 * uncached. The first 2 MiB is always included (BIOS data, the EBDA and the
 * RSDP live there).
 */
static size_t direct_map_ranges(const struct boot_info *info, uint64_t limit,
				struct memmap_range *ranges, size_t capacity)
{
	static struct boot_memory_region regions[BOOT_MEMORY_REGIONS_MAX];
	uint32_t count = info->memory_region_count;

	for (uint32_t i = 0; i < count; i++) {
		regions[i] = info->memory_regions[i];
		if (regions[i].type == BOOT_MEMORY_ACPI_RECLAIMABLE ||
		    regions[i].type == BOOT_MEMORY_ACPI_NVS)
			regions[i].type = BOOT_MEMORY_USABLE;
	}
	long found = memmap_free_ranges(regions, count, NULL, 0, ranges + 1,
					capacity - 1);
	size_t total = 1 + (found < 0 ? capacity - 1 : (size_t)found);
	size_t merged = 0;

	ranges[0] = (struct memmap_range){0, SIZE_2M};
	for (size_t i = 0; i < total; i++) {
		uint64_t start = ranges[i].start & ~(SIZE_2M - 1);
		uint64_t end = ranges[i].end < limit ? ranges[i].end : limit;
		end = (end + SIZE_2M - 1) & ~(SIZE_2M - 1);
		if (start >= end)
			continue;
		if (merged > 0 && start <= ranges[merged - 1].end) {
			if (end > ranges[merged - 1].end)
				ranges[merged - 1].end = end;
		} else {
			ranges[merged++] = (struct memmap_range){start, end};
		}
	}
	return merged;
}

uint64_t paging_physical_limit(void)
{
	uint64_t limit = DIRECT_MAP_LIMIT;

	if (cpu_features.physical_address_bits &&
	    cpu_features.physical_address_bits < 64 &&
	    (1ull << cpu_features.physical_address_bits) < limit)
		limit = 1ull << cpu_features.physical_address_bits;
	return limit;
}

int paging_init(const struct boot_info *info)
{
	if (cpu_features.nx) {
		no_execute = PTE_NX;
		/* The kernel's tables use NX from the start. */
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	}
	if (cpu_features.pat) /* no mapping uses PWT alone yet */
		wrmsr(MSR_PAT, PAT_ENTRY1_WC);
	building_on_early_tables = true;
	uint64_t pml4_physical = table_page_alloc();
	if (pml4_physical == 0)
		return -1;
	kernel_pml4 = paging_physical_to_virtual(pml4_physical);

	/* 1. The image: text RX, rodata R NX, data and bss RW NX. The boot
	 * segment (32-bit code at its physical address) is left out. */
	if (map_image_part(__text_start, __text_end, 0) ||
	    map_image_part(__rodata_start, __rodata_end, no_execute) ||
	    map_image_part(__data_start, __kernel_end,
			   PTE_WRITABLE | no_execute))
		return -1;

	/* 2. The direct map of RAM and ACPI tables, at most up to what the
	 * CPU and the window can address. */
	static struct memmap_range ranges[BOOT_MEMORY_REGIONS_MAX + 1];
	size_t count = direct_map_ranges(info, paging_physical_limit(), ranges,
					 BOOT_MEMORY_REGIONS_MAX + 1);
	for (size_t i = 0; i < count; i++)
		if (map_direct(ranges[i].start, ranges[i].end,
			       (uint64_t)__text_start - KERNEL_VMA,
			       (uint64_t)__rodata_end - KERNEL_VMA))
			return -1;

	write_cr3(pml4_physical);
	building_on_early_tables = false;
	return 0;
}

const void *paging_map_physical(uint64_t address, size_t length)
{
	uint64_t first = address & ~(PAGE_SIZE - 1);
	uint64_t end = address + length;

	if (length == 0 || end < address || end > paging_physical_limit())
		return NULL;
	for (uint64_t page = first; page < end; page += PAGE_SIZE) {
		uint64_t virtual = DIRECT_MAP_BASE + page;
		uint64_t *table = kernel_pml4;
		bool mapped = false;

		/* Already covered, by a huge page or a 4 KiB one? */
		for (unsigned level = 4; level >= 1; level--) {
			uint64_t entry = table[table_index(virtual, level)];
			if (!(entry & PTE_PRESENT))
				break;
			if (level == 1 || (entry & PTE_HUGE)) {
				mapped = true;
				break;
			}
			table = paging_physical_to_virtual(entry & PTE_ADDRESS);
		}
		if (mapped)
			continue;
		if (map_one(virtual, page, PTE_GLOBAL | no_execute, SIZE_4K))
			return NULL;
		invalidate_page(virtual);
	}
	return paging_physical_to_virtual(address);
}

/* ---- the user half */

/* The existing leaf entry for a user page, or NULL (no table on the way). */
static uint64_t *user_leaf(uint64_t virtual)
{
	uint64_t *table = kernel_pml4;

	for (unsigned level = 4; level > 1; level--) {
		uint64_t entry = table[table_index(virtual, level)];
		if (!(entry & PTE_PRESENT) || (entry & PTE_HUGE))
			return NULL;
		table = paging_physical_to_virtual(entry & PTE_ADDRESS);
	}
	return &table[table_index(virtual, 1)];
}

uint64_t paging_user_next(uint64_t virtual, uint64_t end)
{
	uint64_t *table = kernel_pml4;

	for (unsigned level = 4; level > 1; level--) {
		uint64_t entry = table[table_index(virtual, level)];
		if (!(entry & PTE_PRESENT)) {
			/* Nothing below this entry: go to the next one. */
			uint64_t span = 1ull << (12 + 9 * (level - 1));
			return (virtual & ~(span - 1)) + span;
		}
		if (entry & PTE_HUGE)
			return virtual;
		table = paging_physical_to_virtual(entry & PTE_ADDRESS);
	}
	/* In the leaf table, the first entry that maps something. */
	virtual &= ~(uint64_t)(WK_PAGE_SIZE - 1);
	for (unsigned i = table_index(virtual, 1); i < 512 && virtual < end;
	     i++, virtual += WK_PAGE_SIZE)
		if (table[i] & (PTE_PRESENT | PTE_SOFT_NONE))
			return virtual;
	return virtual; /* the next table's first page */
}

static uint64_t user_flags(unsigned prot)
{
	if (prot == 0)
		return PTE_SOFT_NONE;
	uint64_t flags = PTE_PRESENT | PTE_USER;
	if (prot & WK_PROT_WRITE)
		flags |= PTE_WRITABLE;
	if (!(prot & WK_PROT_EXEC))
		flags |= no_execute;
	return flags;
}

int paging_user_map(uint64_t virtual, uint64_t physical, unsigned prot)
{
	uint64_t *entry = page_table_entry(virtual, 1);

	if (entry == NULL)
		return -1;
	*entry = physical | user_flags(prot);
	return 0;
}

bool paging_user_lookup(uint64_t virtual, uint64_t *physical)
{
	uint64_t *entry = user_leaf(virtual);

	if (entry == NULL || !(*entry & (PTE_PRESENT | PTE_SOFT_NONE)))
		return false;
	*physical = *entry & PTE_ADDRESS;
	return true;
}

void paging_user_protect(uint64_t virtual, unsigned prot)
{
	uint64_t *entry = user_leaf(virtual);

	if (entry == NULL || !(*entry & (PTE_PRESENT | PTE_SOFT_NONE)))
		return;
	*entry = (*entry & PTE_ADDRESS) | user_flags(prot);
	invalidate_page(virtual);
}

uint64_t paging_user_unmap(uint64_t virtual)
{
	uint64_t *entry = user_leaf(virtual);

	if (entry == NULL || !(*entry & (PTE_PRESENT | PTE_SOFT_NONE)))
		return 0;
	uint64_t physical = *entry & PTE_ADDRESS;
	*entry = 0;
	invalidate_page(virtual);
	return physical;
}

/* ---- device memory */

/* The CPU sets these in a leaf by itself: they say nothing of the type. */
#define PTE_ACCESSED_DIRTY 0x60ull

/*
 * The kernel-half leaf entry mapping `virtual` in 4 KiB, without creating
 * tables: 0 in *entry when nothing maps it yet. Returns false when a huge
 * page covers it.
 */
static bool kernel_leaf_lookup(uint64_t virtual, uint64_t *entry)
{
	uint64_t *table = kernel_pml4;

	*entry = 0;
	for (unsigned level = 4; level > 1; level--) {
		uint64_t upper = table[table_index(virtual, level)];
		if (!(upper & PTE_PRESENT))
			return true;
		if (upper & PTE_HUGE)
			return false;
		table = paging_physical_to_virtual(upper & PTE_ADDRESS);
	}
	*entry = table[table_index(virtual, 1)];
	return true;
}

volatile void *paging_map_mmio(uint64_t physical, size_t length,
			       bool write_combining)
{
	uint64_t first = physical & ~(PAGE_SIZE - 1);
	uint64_t end = physical + length;
	uint64_t flags = PTE_PRESENT | PTE_WRITABLE | PTE_WRITE_THROUGH |
			 (write_combining ? 0 : PTE_CACHE_DISABLE) |
			 PTE_GLOBAL | no_execute;

	if (length == 0 || end < physical || end > paging_physical_limit())
		return NULL;
	/* 1. Refuse the whole range before changing anything if any page is
	 * in a huge page or mapped as something else. */
	for (uint64_t page = first; page < end; page += PAGE_SIZE) {
		uint64_t entry;
		if (!kernel_leaf_lookup(DIRECT_MAP_BASE + page, &entry))
			return NULL;
		if ((entry & PTE_PRESENT) &&
		    (entry & ~PTE_ACCESSED_DIRTY) != (page | flags))
			return NULL;
		if (!(entry & PTE_PRESENT) && entry != 0)
			return NULL;
	}
	/* 2. Map what is missing. The pages were not present, so no stale
	 * TLB entry can exist, but INVLPG costs little and keeps the rule
	 * simple. */
	for (uint64_t page = first; page < end; page += PAGE_SIZE) {
		uint64_t virtual = DIRECT_MAP_BASE + page;
		uint64_t entry;
		kernel_leaf_lookup(virtual, &entry);
		if (entry & PTE_PRESENT)
			continue;
		if (map_one(virtual, page, flags & ~PTE_PRESENT, SIZE_4K))
			return NULL;
		invalidate_page(virtual);
	}
	return (volatile void *)paging_physical_to_virtual(physical);
}
