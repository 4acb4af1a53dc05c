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

/* The direct map's window ends where the kernel stacks begin. */
#define DIRECT_MAP_LIMIT (KERNEL_STACK_AREA - DIRECT_MAP_BASE)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];

static uint64_t *kernel_pml4;
static uint64_t no_execute; /* PTE_NX when the CPU has NX, else 0 */

/* Bytes that one entry at `level` (1 = page table ... 4 = PML4) covers. */
static uint64_t level_size(unsigned level)
{
	return 1ull << (12 + 9 * (level - 1));
}

static unsigned table_index(uint64_t address, unsigned level)
{
	return (address >> (12 + 9 * (level - 1))) & 0x1ff;
}

/*
 * Walks from the PML4 towards the entry for `address` at `target` (1 = page
 * table ... 4 = PML4) and returns the first entry on the way that is not
 * present or maps a huge page, else the entry at `target`; its level goes
 * to *level. With `create`, missing tables are made on the way instead
 * (NULL when out of memory): then only a huge page stops the walk early.
 */
static uint64_t *walk(uint64_t address, unsigned target, bool create,
		      unsigned *level)
{
	uint64_t *table = kernel_pml4;
	/* Tables under the user half carry the user bit; the leaf decides. */
	uint64_t user = address < WK_USER_LIMIT ? PTE_USER : 0;

	for (*level = 4; *level > target; (*level)--) {
		uint64_t *entry = &table[table_index(address, *level)];
		if (create && !(*entry & PTE_PRESENT)) {
			uint64_t page = page_alloc_zeroed();
			if (page == 0)
				return NULL;
			*entry = page | PTE_PRESENT | PTE_WRITABLE | user;
		}
		if (!(*entry & PTE_PRESENT) || (*entry & PTE_HUGE))
			return entry;
		table = paging_physical_to_virtual(*entry & PTE_ADDRESS);
	}
	return &table[table_index(address, target)];
}

/* Maps `virtual` with one page of `level` (1: 4 KiB, 2: 2 MiB, 3: 1 GiB);
 * `flags` include PTE_PRESENT (or not, for a user page with no access).
 * -1 when out of memory or when a huge page already covers `virtual`. */
static int map_one(uint64_t virtual, uint64_t physical, uint64_t flags,
		   unsigned level)
{
	unsigned reached;
	uint64_t *entry = walk(virtual, level, true, &reached);

	if (entry == NULL || reached != level)
		return -1;
	*entry = physical | flags | (level > 1 ? PTE_HUGE : 0);
	return 0;
}

int paging_map_page(uint64_t virtual, uint64_t physical, uint64_t flags)
{
	return map_one(virtual, physical, flags | PTE_PRESENT | no_execute, 1);
}

static int map_image_part(const char *start, const char *end, uint64_t flags)
{
	for (uint64_t virtual = (uint64_t)start; virtual < (uint64_t)end;
	     virtual += PAGE_SIZE)
		if (map_one(virtual, virtual - KERNEL_VMA,
			    flags | PTE_GLOBAL | PTE_PRESENT, 1))
			return -1;
	return 0;
}

/* Whether physical [start, start + size) touches the image's text or
 * rodata, which the direct map must not make writable (W^X). */
static bool overlaps_read_only(uint64_t start, uint64_t size)
{
	return start < (uint64_t)__rodata_end - KERNEL_VMA &&
	       (uint64_t)__text_start - KERNEL_VMA < start + size;
}

/*
 * The direct map of [start, end): RW and NX, in the largest pages that are
 * aligned and fit, except that the kernel image's text and rodata get 4 KiB
 * read-only pages, so that the alias cannot undo W^X.
 */
static int map_direct(uint64_t start, uint64_t end)
{
	uint64_t size;

	for (uint64_t physical = start; physical < end; physical += size) {
		unsigned level = cpu_features.gigabyte_pages ? 3 : 2;
		while (level > 1 && (physical % level_size(level) != 0 ||
				     end - physical < level_size(level) ||
				     overlaps_read_only(physical,
							level_size(level))))
			level--;
		size = level_size(level);
		uint64_t flags = PTE_PRESENT | PTE_GLOBAL | no_execute;
		if (!overlaps_read_only(physical, size))
			flags |= PTE_WRITABLE;
		if (map_one(DIRECT_MAP_BASE + physical, physical, flags, level))
			return -1;
	}
	return 0;
}

/* The highest physical address + 1 that the direct map can hold: the CPU's
 * physical address width, or the window below KERNEL_STACK_AREA. */
static uint64_t paging_physical_limit(void)
{
	uint64_t limit = DIRECT_MAP_LIMIT;

	if (cpu_features.physical_address_bits &&
	    cpu_features.physical_address_bits < 64 &&
	    (1ull << cpu_features.physical_address_bits) < limit)
		limit = 1ull << cpu_features.physical_address_bits;
	return limit;
}

/*
 * Direct-maps RAM and ACPI regions (memmap_free_ranges on the map with ACPI
 * counted as RAM), widened to 2 MiB and merged, below
 * paging_physical_limit(). Holes between them (the PCI/MMIO window below
 * 4 GiB, where the local APIC lives) stay unmapped, so that device pages can
 * later be mapped uncached. The first 2 MiB is always included (BIOS data,
 * the EBDA and the RSDP live there).
 */
static int map_direct_ranges(const struct boot_info *info)
{
	static struct boot_memory_region regions[BOOT_MEMORY_REGIONS_MAX];
	static struct memmap_range ranges[BOOT_MEMORY_REGIONS_MAX];
	uint32_t count = info->memory_region_count;
	uint64_t limit = paging_physical_limit();
	uint64_t start = 0;
	uint64_t end = level_size(2);

	for (uint32_t i = 0; i < count; i++) {
		regions[i] = info->memory_regions[i];
		if (regions[i].type == BOOT_MEMORY_ACPI_RECLAIMABLE ||
		    regions[i].type == BOOT_MEMORY_ACPI_NVS)
			regions[i].type = BOOT_MEMORY_USABLE;
	}
	long found = memmap_free_ranges(regions, count, NULL, 0, ranges,
					BOOT_MEMORY_REGIONS_MAX);
	if (found < 0)
		found = BOOT_MEMORY_REGIONS_MAX;
	/* [start, end) grows while the next range touches it. */
	for (long i = 0; i < found; i++) {
		uint64_t next_start = ranges[i].start & ~(level_size(2) - 1);
		uint64_t next_end = ranges[i].end < limit ? ranges[i].end : limit;
		next_end = (next_end + level_size(2) - 1) & ~(level_size(2) - 1);
		if (next_start >= next_end)
			continue;
		if (next_start > end) {
			if (map_direct(start, end))
				return -1;
			start = next_start;
		}
		if (next_end > end)
			end = next_end;
	}
	return map_direct(start, end);
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
	/* Until write_cr3 only the early tables' first 4 GiB is reachable;
	 * the tables made here come from there, as the page allocator hands
	 * out pages from the bottom of memory up at boot (page_alloc_zeroed
	 * clears each through that map). */
	uint64_t pml4_physical = page_alloc_zeroed();
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
	if (map_direct_ranges(info))
		return -1;

	write_cr3(pml4_physical);
	return 0;
}

/* The CPU sets these in a leaf by itself: they say nothing of the type. */
#define PTE_ACCESSED_DIRTY 0x60ull

/*
 * Maps the pages of physical [address, address + length) that nothing maps
 * yet into the direct map, in 4 KiB pages with `flags`, and returns the
 * virtual address of `address`. A page already mapped (in a huge page or
 * not) is kept as it is; with `exact`, one mapped other than with `flags`
 * refuses the whole range before anything changes. NULL for an empty or
 * wrapping range, one beyond paging_physical_limit(), a refusal, or when
 * out of memory. The pages mapped were not present, so no stale TLB entry
 * can exist, but INVLPG costs little and keeps the rule simple.
 */
static void *map_missing(uint64_t address, size_t length, uint64_t flags,
			 bool exact)
{
	uint64_t end = address + length;

	if (length == 0 || end < address || end > paging_physical_limit())
		return NULL;
	/* Pass 1 (only when exact) checks: a huge page's entry has PTE_HUGE,
	 * so it never matches. Pass 2 maps. */
	for (int pass = exact ? 1 : 2; pass <= 2; pass++) {
		for (uint64_t page = page_round_down(address); page < end;
		     page += PAGE_SIZE) {
			uint64_t virtual = DIRECT_MAP_BASE + page;
			unsigned level;
			uint64_t entry = *walk(virtual, 1, false, &level);

			if (pass == 1 && entry != 0 &&
			    (entry & ~PTE_ACCESSED_DIRTY) != (page | flags))
				return NULL;
			if (pass == 1 || (entry & PTE_PRESENT))
				continue;
			if (map_one(virtual, page, flags, 1))
				return NULL;
			invalidate_page(virtual);
		}
	}
	return paging_physical_to_virtual(address);
}

const void *paging_map_physical(uint64_t address, size_t length)
{
	return map_missing(address, length,
			   PTE_PRESENT | PTE_GLOBAL | no_execute, false);
}

volatile void *paging_map_mmio(uint64_t physical, size_t length,
			       bool write_combining)
{
	return map_missing(physical, length,
			   PTE_PRESENT | PTE_WRITABLE | PTE_WRITE_THROUGH |
				   (write_combining ? 0 : PTE_CACHE_DISABLE) |
				   PTE_GLOBAL | no_execute,
			   true);
}

/* ---- the user half */

/* The leaf entry of a mapped user page (accessible or not), or NULL. */
static uint64_t *user_page(uint64_t virtual)
{
	unsigned level;
	uint64_t *entry = walk(virtual, 1, false, &level);

	if (level != 1 || !(*entry & (PTE_PRESENT | PTE_SOFT_NONE)))
		return NULL;
	return entry;
}

uint64_t paging_user_next(uint64_t virtual, uint64_t end)
{
	for (virtual = page_round_down(virtual); virtual < end;) {
		unsigned level;
		uint64_t *entry = walk(virtual, 1, false, &level);

		if (level != 1) {
			/* Nothing mapped below this entry: go to the next one.
			 * (User pages are 4 KiB: the user half has no huge
			 * pages.) */
			virtual = (virtual | (level_size(level) - 1)) + 1;
			continue;
		}
		/* In the leaf table, the first entry that maps something:
		 * a scan, not a walk per page (mem_map checks whole empty
		 * ranges this way). */
		for (unsigned i = table_index(virtual, 1);
		     i < 512 && virtual < end;
		     i++, entry++, virtual += PAGE_SIZE)
			if (*entry & (PTE_PRESENT | PTE_SOFT_NONE))
				return virtual;
	}
	return virtual;
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
	return map_one(virtual, physical, user_flags(prot), 1);
}

bool paging_user_lookup(uint64_t virtual, uint64_t *physical)
{
	uint64_t *entry = user_page(virtual);

	if (entry == NULL)
		return false;
	*physical = *entry & PTE_ADDRESS;
	return true;
}

void paging_user_protect(uint64_t virtual, unsigned prot)
{
	uint64_t *entry = user_page(virtual);

	if (entry == NULL)
		return;
	*entry = (*entry & PTE_ADDRESS) | user_flags(prot);
	invalidate_page(virtual);
}

uint64_t paging_user_unmap(uint64_t virtual)
{
	uint64_t *entry = user_page(virtual);

	if (entry == NULL)
		return 0;
	uint64_t physical = *entry & PTE_ADDRESS;
	*entry = 0;
	invalidate_page(virtual);
	return physical;
}
