/*
 * mem_map, mem_share, mem_unmap and mem_protect. Every argument is
 * untrusted: ranges must be page-aligned, non-empty, inside
 * [WK_USER_MIN, WK_USER_LIMIT) and not wrap; protections are WK_PROT_*
 * without W and X together. Running out of memory undoes what the call
 * had done and returns -ENOMEM. Scans skip the span of missing page
 * tables, so no call walks page by page through empty address space.
 * Page-table pages are not freed on unmap (a known limit: a libOS that
 * maps one page in many 2 MiB regions keeps their tables).
 */
#include "mm/user_memory.h"

#include <stdbool.h>

#include "arch/x86_64/paging.h"
#include "arch/x86_64/uaccess.h"
#include "mm/memmap.h"
#include "mm/page.h"
#include "wicket/abi.h"

#define PROT_ALL (WK_PROT_READ | WK_PROT_WRITE | WK_PROT_EXEC)

static bool range_valid(uint64_t address, uint64_t length)
{
	return address % WK_PAGE_SIZE == 0 && length % WK_PAGE_SIZE == 0 &&
	       length != 0 && address >= WK_USER_MIN &&
	       user_range_ok(address, length);
}

/* The counters page is the kernel's own (a page of its image): it is
 * never unmapped or re-protected. */
static bool covers_counters(uint64_t address, uint64_t length)
{
	return address <= WK_COUNTERS_ADDRESS &&
	       WK_COUNTERS_ADDRESS - address < length;
}

static bool prot_valid(uint64_t prot)
{
	return !(prot & ~(uint64_t)PROT_ALL) &&
	       (prot & (WK_PROT_WRITE | WK_PROT_EXEC)) !=
		       (WK_PROT_WRITE | WK_PROT_EXEC);
}

static void unmap_and_free(uint64_t address, uint64_t length)
{
	uint64_t end = address + length;

	for (uint64_t page = paging_user_next(address, end); page < end;
	     page = paging_user_next(page + WK_PAGE_SIZE, end))
		page_free(paging_user_unmap(page));
}

long user_memory_map(uint64_t address, uint64_t length, uint64_t prot)
{
	uint64_t physical;

	if (!range_valid(address, length) || !prot_valid(prot))
		return -WK_EINVAL;
	/* Cheap refusal of what cannot fit (page tables come on top), before
	 * any walk, so a huge request costs nothing. */
	if (length / WK_PAGE_SIZE > page_allocator.free_pages)
		return -WK_ENOMEM;
	if (paging_user_next(address, address + length) < address + length)
		return -WK_EEXIST;

	for (uint64_t page = address; page < address + length;
	     page += WK_PAGE_SIZE) {
		physical = page_alloc_zeroed();
		if (physical == 0 ||
		    paging_user_map(page, physical, (unsigned)prot)) {
			if (physical)
				page_free(physical);
			unmap_and_free(address, page - address);
			return -WK_ENOMEM;
		}
	}
	return 0;
}

/* The frames stay allocated until their last mapping goes (pmem_share);
 * only the allocator's own frames can be shared, so never the counters
 * page. */
long user_memory_share(uint64_t address, uint64_t length, uint64_t prot,
		       uint64_t from)
{
	uint64_t physical;

	if (!range_valid(address, length) || !range_valid(from, length) ||
	    !prot_valid(prot))
		return -WK_EINVAL;
	if (paging_user_next(address, address + length) < address + length)
		return -WK_EEXIST;
	/* [from, from + length) is all mapped and the target all unmapped,
	 * so the two cannot overlap. */
	for (uint64_t done = 0; done < length; done += WK_PAGE_SIZE)
		if (!paging_user_lookup(from + done, &physical))
			return -WK_ENOMEM;

	for (uint64_t done = 0; done < length; done += WK_PAGE_SIZE) {
		paging_user_lookup(from + done, &physical);
		int status = pmem_share(&page_allocator, physical);

		if (status == PMEM_OK &&
		    paging_user_map(address + done, physical, (unsigned)prot))
			page_free(physical);
		else if (status == PMEM_OK)
			continue;
		unmap_and_free(address, done);
		return status == PMEM_NOT_MANAGED ? -WK_EINVAL : -WK_ENOMEM;
	}
	return 0;
}

long user_memory_unmap(uint64_t address, uint64_t length)
{
	if (!range_valid(address, length) || covers_counters(address, length))
		return -WK_EINVAL;
	unmap_and_free(address, length);
	return 0;
}

long user_memory_protect(uint64_t address, uint64_t length, uint64_t prot)
{
	uint64_t physical;

	if (!range_valid(address, length) || !prot_valid(prot) ||
	    covers_counters(address, length))
		return -WK_EINVAL;
	for (uint64_t page = address; page < address + length;
	     page += WK_PAGE_SIZE)
		if (!paging_user_lookup(page, &physical))
			return -WK_ENOMEM;
	for (uint64_t page = address; page < address + length;
	     page += WK_PAGE_SIZE)
		paging_user_protect(page, (unsigned)prot);
	return 0;
}
