/*
 * Kernel page tables: the higher-half image with W^X, the direct map of
 * physical memory (NX) and guarded kernel stacks. The user half stays empty
 * (#3 fills it).
 */
#ifndef KERNEL_ARCH_X86_64_PAGING_H
#define KERNEL_ARCH_X86_64_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/layout.h"

#define PAGE_SIZE ((uint64_t)4096)

static inline void *paging_physical_to_virtual(uint64_t address)
{
	return (void *)(DIRECT_MAP_BASE + address);
}

/*
 * Builds the kernel's page tables and switches to them. `memory_top` is the
 * end of the highest RAM or ACPI region: [0, memory_top) is direct-mapped.
 * Runs on the early tables (page-table pages must come from below 4 GiB).
 * Returns 0, or -1 when out of memory.
 */
int paging_init(uint64_t memory_top);

/* Makes sure [address, address + length) of physical memory is in the
 * direct map (4 KiB pages, read-only, NX for what memory_top left out,
 * such as firmware tables above RAM); returns its virtual address or NULL. */
const void *paging_map_physical(uint64_t address, size_t length);

/* A kernel stack of `bytes` (whole pages) below an unmapped guard page,
 * named for reports. Returns its 16-byte aligned top, or 0. */
uint64_t kernel_stack_create(const char *name, size_t bytes);

/* The kernel stack (or boot stack) containing `address`: its bounds and
 * name. Returns false for addresses in none. */
bool kernel_stack_find(uint64_t address, uint64_t *bottom, uint64_t *top,
		       const char **name);

/* The name of the stack whose guard page contains `address`, or NULL. */
const char *kernel_stack_guard_owner(uint64_t address);

#endif /* KERNEL_ARCH_X86_64_PAGING_H */
