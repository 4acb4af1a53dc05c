/*
 * The kernel's one physical page allocator (a struct pmem over the boot
 * memory map) and its set-up from struct boot_info.
 */
#ifndef KERNEL_MM_PAGE_H
#define KERNEL_MM_PAGE_H

#include <stdint.h>

#include "boot/boot_info.h"
#include "mm/pmem.h"

extern struct pmem page_allocator;

/* Builds the free ranges (RAM minus the first MiB, the kernel image, the
 * modules and the loader's structures) and the allocator over them. Runs on
 * the early page tables: the bitmap must lie in the first 4 GiB. Returns 0,
 * or -1 after printing why (no memory map, no room for the bitmap). */
int page_allocator_init(const struct boot_info *info);

/* One zeroed page: its physical address, or 0 when memory is exhausted. */
uint64_t page_alloc_zeroed(void);

/* Frees a page; a double free or a foreign address is a kernel bug and
 * panics. */
void page_free(uint64_t address);

/* Usable RAM in the memory map, in bytes (before exclusions). */
uint64_t page_usable_bytes(const struct boot_info *info);

#endif /* KERNEL_MM_PAGE_H */
