/*
 * Four-level page tables (Intel SDM vol. 3A, 4.5). The kernel has one
 * PML4; the upper half (entries 256..511) is the kernel's, shared by every
 * future address space.
 */
#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "boot/boot_info.h"
#include "console.h"
#include "mm/page.h"

#define PTE_PRESENT  (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_HUGE     (1ull << 7)
#define PTE_GLOBAL   (1ull << 8)
#define PTE_NX       (1ull << 63)
#define PTE_ADDRESS  0x000ffffffffff000ull

#define SIZE_2M (1ull << 21)
#define SIZE_1G (1ull << 30)

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];
extern char boot_stack_bottom[], boot_stack_top[];

static uint64_t *kernel_pml4;
static uint64_t kernel_pml4_physical;
static uint64_t no_execute; /* PTE_NX when the CPU has NX, else 0 */

static unsigned table_index(uint64_t address, unsigned level)
{
	return (address >> (12 + 9 * (level - 1))) & 0x1ff;
}

/*
 * The entry for `address` at `level` (1 = page table ... 4 = PML4),
 * creating missing tables on the way. Returns NULL when out of memory or
 * when a huge page already covers `address` above `level`.
 */
static uint64_t *page_table_entry(uint64_t address, unsigned level)
{
	uint64_t *table = kernel_pml4;

	for (unsigned current = 4; current > level; current--) {
		uint64_t *entry = &table[table_index(address, current)];
		if (!(*entry & PTE_PRESENT)) {
			uint64_t page = page_alloc_zeroed();
			if (page == 0)
				return NULL;
			*entry = page | PTE_PRESENT | PTE_WRITABLE;
		} else if (*entry & PTE_HUGE) {
			return NULL;
		}
		table = paging_physical_to_virtual(*entry & PTE_ADDRESS);
	}
	return &table[table_index(address, level)];
}

static int map_range(uint64_t virtual, uint64_t physical, uint64_t length,
		     uint64_t flags, uint64_t page_size)
{
	unsigned level = page_size == SIZE_1G ? 3 : page_size == SIZE_2M ? 2 : 1;
	uint64_t huge = level > 1 ? PTE_HUGE : 0;

	for (uint64_t offset = 0; offset < length; offset += page_size) {
		uint64_t *entry = page_table_entry(virtual + offset, level);
		if (entry == NULL)
			return -1;
		*entry = (physical + offset) | flags | huge | PTE_PRESENT;
	}
	return 0;
}

static int map_image_part(const char *start, const char *end, uint64_t flags)
{
	uint64_t virtual = (uint64_t)start;

	return map_range(virtual, virtual - KERNEL_VMA,
			 (uint64_t)end - virtual, flags | PTE_GLOBAL, PAGE_SIZE);
}

int paging_init(uint64_t memory_top)
{
	if (cpu_features.nx) {
		no_execute = PTE_NX;
		/* The kernel's tables use NX from the start. */
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	}
	kernel_pml4_physical = page_alloc_zeroed();
	if (kernel_pml4_physical == 0)
		return -1;
	kernel_pml4 = paging_physical_to_virtual(kernel_pml4_physical);

	/* 1. The image: text RX, rodata R NX, data and bss RW NX. The boot
	 * segment (32-bit code at its physical address) is left out. */
	if (map_image_part(__text_start, __text_end, 0) ||
	    map_image_part(__rodata_start, __rodata_end, no_execute) ||
	    map_image_part(__data_start, __kernel_end,
			   PTE_WRITABLE | no_execute))
		return -1;

	/* 2. The direct map, in the largest pages the CPU has. */
	uint64_t page_size = cpu_features.gigabyte_pages ? SIZE_1G : SIZE_2M;
	uint64_t top = (memory_top + page_size - 1) & ~(page_size - 1);
	if (map_range(DIRECT_MAP_BASE, 0, top,
		      PTE_WRITABLE | PTE_GLOBAL | no_execute, page_size))
		return -1;

	write_cr3(kernel_pml4_physical);
	return 0;
}

const void *paging_map_physical(uint64_t address, size_t length)
{
	uint64_t first = address & ~(PAGE_SIZE - 1);
	uint64_t end = address + length;

	if (length == 0 || end < address || end > (1ull << 46))
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
		uint64_t *entry = page_table_entry(virtual, 1);
		if (entry == NULL)
			return NULL;
		*entry = page | PTE_PRESENT | no_execute;
		invalidate_page(virtual);
	}
	return paging_physical_to_virtual(address);
}

/* ---- kernel stacks */

#define KERNEL_STACKS_MAX 8

struct kernel_stack {
	const char *name;
	uint64_t guard;  /* the unmapped page below the stack */
	uint64_t bottom;
	uint64_t top;
};

static struct kernel_stack kernel_stacks[KERNEL_STACKS_MAX];
static unsigned kernel_stack_count;

uint64_t kernel_stack_create(const char *name, size_t bytes)
{
	bytes = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (kernel_stack_count == KERNEL_STACKS_MAX ||
	    bytes + PAGE_SIZE > KERNEL_STACK_STRIDE)
		return 0;

	uint64_t guard = KERNEL_STACK_AREA +
			 (uint64_t)kernel_stack_count * KERNEL_STACK_STRIDE;
	uint64_t bottom = guard + PAGE_SIZE;
	for (uint64_t page = bottom; page < bottom + bytes; page += PAGE_SIZE) {
		uint64_t physical = page_alloc_zeroed();
		if (physical == 0)
			return 0;
		uint64_t *entry = page_table_entry(page, 1);
		if (entry == NULL)
			return 0;
		*entry = physical | PTE_PRESENT | PTE_WRITABLE | PTE_GLOBAL |
			 no_execute;
	}
	kernel_stacks[kernel_stack_count++] = (struct kernel_stack){
		.name = name, .guard = guard, .bottom = bottom,
		.top = bottom + bytes,
	};
	return bottom + bytes;
}

bool kernel_stack_find(uint64_t address, uint64_t *bottom, uint64_t *top,
		       const char **name)
{
	if (address >= (uint64_t)boot_stack_bottom &&
	    address < (uint64_t)boot_stack_top) {
		*bottom = (uint64_t)boot_stack_bottom;
		*top = (uint64_t)boot_stack_top;
		*name = "boot";
		return true;
	}
	for (unsigned i = 0; i < kernel_stack_count; i++) {
		const struct kernel_stack *stack = &kernel_stacks[i];
		if (address >= stack->bottom && address < stack->top) {
			*bottom = stack->bottom;
			*top = stack->top;
			*name = stack->name;
			return true;
		}
	}
	return false;
}

const char *kernel_stack_guard_owner(uint64_t address)
{
	for (unsigned i = 0; i < kernel_stack_count; i++) {
		const struct kernel_stack *stack = &kernel_stacks[i];
		if (address >= stack->guard && address < stack->bottom)
			return stack->name;
	}
	return NULL;
}
