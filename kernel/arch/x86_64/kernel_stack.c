/*
 * Kernel stacks and their guard pages. Slots are never freed: the kernel
 * has a fixed set of stacks (main, and one per IST vector).
 */
#include "arch/x86_64/kernel_stack.h"

#include "arch/x86_64/gdt.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/page_table.h"
#include "arch/x86_64/paging.h"
#include "mm/memmap.h"
#include "mm/page.h"

#define FIXED_STACKS 2
#define KERNEL_STACKS_MAX (FIXED_STACKS + 8)

extern char boot_stack_bottom[], boot_stack_top[];

/* First the stacks that the image holds, without guard pages, then the
 * created ones. */
static struct kernel_stack kernel_stacks[KERNEL_STACKS_MAX] = {
	{"boot", (uint64_t)boot_stack_bottom, (uint64_t)boot_stack_bottom,
	 (uint64_t)boot_stack_top},
	{"early-exception", (uint64_t)early_exception_stack,
	 (uint64_t)early_exception_stack,
	 (uint64_t)early_exception_stack + EARLY_EXCEPTION_STACK_BYTES},
};
static unsigned kernel_stack_count = FIXED_STACKS;

uint64_t kernel_stack_create(const char *name, size_t bytes)
{
	bytes = page_round_up(bytes);
	if (kernel_stack_count == KERNEL_STACKS_MAX ||
	    bytes + PAGE_SIZE > KERNEL_STACK_STRIDE)
		return 0;

	uint64_t guard = KERNEL_STACK_AREA +
			 (uint64_t)(kernel_stack_count - FIXED_STACKS) *
				 KERNEL_STACK_STRIDE;
	uint64_t bottom = guard + PAGE_SIZE;
	for (uint64_t page = bottom; page < bottom + bytes; page += PAGE_SIZE) {
		uint64_t physical = page_alloc_zeroed();
		if (physical == 0 ||
		    paging_map_page(page, physical, PTE_WRITABLE | PTE_GLOBAL))
			return 0;
	}
	kernel_stacks[kernel_stack_count++] = (struct kernel_stack){
		.name = name, .guard = guard, .bottom = bottom,
		.top = bottom + bytes,
	};
	return bottom + bytes;
}

const struct kernel_stack *kernel_stack_of(uint64_t address)
{
	for (unsigned i = 0; i < kernel_stack_count; i++)
		if (address >= kernel_stacks[i].guard &&
		    address < kernel_stacks[i].top)
			return &kernel_stacks[i];
	return NULL;
}
