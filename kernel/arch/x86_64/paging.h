/*
 * Kernel page tables: the higher-half image with W^X and the direct map of
 * physical memory (NX; read-only over the image's text and rodata). The
 * user half stays empty (#3 fills it).
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

struct boot_info;

/*
 * Builds the kernel's page tables and switches to them. The RAM and ACPI
 * regions of `info` (widened to 2 MiB) are direct-mapped, up to what both
 * the CPU's physical address width and the window below KERNEL_STACK_AREA
 * can hold; the holes between them are not. Runs on the early tables; a
 * page-table page from beyond their 4 GiB fails the call. Returns 0, or -1
 * when out of memory.
 */
int paging_init(const struct boot_info *info);

/* Maps one 4 KiB kernel page; `flags` are PTE_* bits (NX is added when the
 * CPU has it). Returns 0, or -1 when out of memory or the address is inside
 * a huge page. */
int paging_map_page(uint64_t virtual, uint64_t physical, uint64_t flags);

/* Makes sure [address, address + length) of physical memory is in the
 * direct map (adding read-only NX 4 KiB pages for what paging_init left
 * out, such as firmware tables above RAM); returns its virtual address or
 * NULL. */
const void *paging_map_physical(uint64_t address, size_t length);

/*
 * The user half (PML4 entries 0..255). Protections are WK_PROT_* bits: 0
 * keeps the frame but makes the page inaccessible (a software PTE bit
 * remembers it), READ and EXEC give user-readable pages (NX unless EXEC),
 * WRITE a writable NX page. The caller checks ranges and W^X.
 */

/* Maps the 4 KiB page at `virtual` to `physical`. 0, or -1 when out of
 * memory for page tables. The page must not be mapped. */
int paging_user_map(uint64_t virtual, uint64_t physical, unsigned prot);

/* Whether `virtual` is mapped (accessible or not); its frame in *physical. */
bool paging_user_lookup(uint64_t virtual, uint64_t *physical);

/* Changes the protection of a mapped page. */
void paging_user_protect(uint64_t virtual, unsigned prot);

/* The lowest address in [virtual, end) (page-aligned) at which a user
 * page is mapped (accessible or not), or an address >= end: skips the
 * whole span of any missing page table, so a scan over a huge, mostly
 * empty range takes a few steps. */
uint64_t paging_user_next(uint64_t virtual, uint64_t end);

/* Removes the mapping; returns its frame, or 0 if it was not mapped. */
uint64_t paging_user_unmap(uint64_t virtual);

/*
 * Maps [physical, physical + length) of device memory (a local APIC, say)
 * into the direct map at DIRECT_MAP_BASE + physical: 4 KiB pages, RW, NX,
 * uncached (PCD and PWT: PAT entry 3, UC), or write-combining for a
 * framebuffer (PWT alone: entry 1, which paging_init makes WC; WT on a CPU
 * without the PAT). Pages already mapped the same way are kept; a page
 * mapped any other way (RAM in a huge direct-map page, a firmware table)
 * fails the call, since two memory
 * types for one frame are undefined behaviour. Returns the virtual address
 * of `physical`, or NULL (also when out of memory for page tables, which
 * may leave the pages before the failure mapped).
 */
volatile void *paging_map_mmio(uint64_t physical, size_t length,
			       bool write_combining);

#endif /* KERNEL_ARCH_X86_64_PAGING_H */
