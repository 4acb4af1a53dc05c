/*
 * The region table (vm.h). Regions are kept sorted and never overlap;
 * operations first split regions at the edges of the range they touch, so
 * that the rest of the work is on whole regions.
 */
#include "mm/vm.h"

#include <stddef.h>

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "wicket/native.h"

#define VM_REGIONS_MAX 4096

static struct region regions[VM_REGIONS_MAX];
static unsigned region_count;
static uint64_t mapped_bytes;

/* The stack's reserve is [stack_bottom, stack_top); pages are mapped in
 * [stack_mapped, stack_top); the page at stack_bottom is never mapped. */
static uint64_t stack_bottom, stack_mapped, stack_top;

static unsigned kernel_prot(uint32_t prot)
{
	unsigned wk = 0;

	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		wk |= WK_PROT_READ; /* x86 cannot map write- or exec-only */
	if (prot & PROT_WRITE)
		wk |= WK_PROT_WRITE;
	if (prot & PROT_EXEC)
		wk |= WK_PROT_EXEC;
	return wk;
}

/* The index of the first region that ends after address (region_count if
 * none). */
static unsigned first_ending_after(uint64_t address)
{
	unsigned low = 0, high = region_count;

	while (low < high) {
		unsigned middle = (low + high) / 2;

		if (regions[middle].end <= address)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

static bool insert_at(unsigned index, struct region region)
{
	if (region_count == VM_REGIONS_MAX)
		return false;
	memmove(&regions[index + 1], &regions[index],
		(region_count - index) * sizeof(regions[0]));
	regions[index] = region;
	region_count++;
	return true;
}

static void remove_at(unsigned index)
{
	memmove(&regions[index], &regions[index + 1],
		(region_count - index - 1) * sizeof(regions[0]));
	region_count--;
}

/* Splits the region strictly containing address, if any, in two. */
static bool split_at(uint64_t address)
{
	unsigned i = first_ending_after(address);

	if (i == region_count || regions[i].start >= address)
		return true;
	struct region upper = regions[i];

	upper.start = address;
	if (!insert_at(i + 1, upper))
		return false;
	regions[i].end = address;
	return true;
}

/* The part of [start, end) that has pages: all of it for a backed region,
 * the mapped part for the stack, nothing otherwise. */
static bool backed_part(const struct region *region, uint64_t *start,
			uint64_t *end)
{
	*start = region->start;
	*end = region->end;
	if (region->kind == REGION_STACK) {
		if (*start < stack_mapped)
			*start = stack_mapped;
		return *start < *end;
	}
	return region->backed;
}

bool vm_range_free(uint64_t start, uint64_t end)
{
	if (start < WK_USER_MIN || end > APP_LIMIT || start >= end)
		return false;
	unsigned i = first_ending_after(start);

	return i == region_count || regions[i].start >= end;
}

long vm_map(uint64_t start, uint64_t length, uint32_t prot,
	    enum region_kind kind)
{
	uint64_t end = start + length;

	if (!vm_range_free(start, end) || (start | length) % PAGE_SIZE)
		return -EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	if (region_count == VM_REGIONS_MAX)
		return -ENOMEM;
	if (prot != PROT_NONE) {
		long status = wk_mem_map((long)start, (long)length,
					 kernel_prot(prot));
		if (status < 0)
			return status == -EINVAL ? -EINVAL : -ENOMEM;
		mapped_bytes += length;
	}

	struct region region = { start, end, prot, (uint8_t)kind,
				 prot != PROT_NONE };
	unsigned i = first_ending_after(start);

	/* Grow a neighbour of the same kind and protection instead of
	 * adding a region, so that a series of mmaps stays one entry. */
	if (kind == REGION_ANONYMOUS && i > 0) {
		struct region *before = &regions[i - 1];

		if (before->end == start && before->kind == kind &&
		    before->prot == prot && before->backed == region.backed) {
			before->end = end;
			return 0;
		}
	}
	if (kind == REGION_ANONYMOUS && i < region_count) {
		struct region *after = &regions[i];

		if (after->start == end && after->kind == kind &&
		    after->prot == prot && after->backed == region.backed) {
			after->start = start;
			return 0;
		}
	}
	insert_at(i, region);
	return 0;
}

long vm_unmap(uint64_t start, uint64_t length)
{
	uint64_t end = start + length;

	if (!split_at(start) || !split_at(end))
		return -ENOMEM;
	unsigned i = first_ending_after(start);

	while (i < region_count && regions[i].start < end) {
		uint64_t from, to;

		if (backed_part(&regions[i], &from, &to)) {
			wk_mem_unmap((long)from, (long)(to - from));
			mapped_bytes -= to - from;
		}
		remove_at(i);
	}
	return 0;
}

long vm_protect(uint64_t start, uint64_t length, uint32_t prot)
{
	uint64_t end = start + length;
	uint64_t expected = start;

	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	for (unsigned i = first_ending_after(start);
	     i < region_count && regions[i].start < end; i++) {
		if (regions[i].start > expected)
			return -ENOMEM;
		expected = regions[i].end;
	}
	if (expected < end)
		return -ENOMEM;
	if (!split_at(start) || !split_at(end))
		return -ENOMEM;

	for (unsigned i = first_ending_after(start);
	     i < region_count && regions[i].start < end; i++) {
		struct region *region = &regions[i];
		uint64_t from, to;
		long status = 0;

		if (backed_part(region, &from, &to)) {
			status = wk_mem_protect((long)from, (long)(to - from),
						kernel_prot(prot));
		} else if (region->kind != REGION_STACK && prot != PROT_NONE) {
			status = wk_mem_map((long)region->start,
					    (long)(region->end - region->start),
					    kernel_prot(prot));
			if (status == 0) {
				region->backed = true;
				mapped_bytes += region->end - region->start;
			}
		}
		if (status < 0)
			return status == -EINVAL ? -EINVAL : -ENOMEM;
		region->prot = prot;
	}
	return 0;
}

uint64_t vm_find_free(uint64_t length, uint64_t below)
{
	uint64_t hole_end = below;

	if (length == 0 || length > below)
		return 0;
	for (unsigned i = region_count; i-- > 0;) {
		if (regions[i].start >= hole_end)
			continue;
		if (regions[i].end <= hole_end &&
		    hole_end - regions[i].end >= length)
			return hole_end - length;
		hole_end = regions[i].start;
	}
	if (hole_end >= WK_USER_MIN + length)
		return hole_end - length;
	return 0;
}

const struct region *vm_find(uint64_t address)
{
	unsigned i = first_ending_after(address);

	if (i < region_count && regions[i].start <= address)
		return &regions[i];
	return NULL;
}

long vm_init_stack(uint64_t top, uint64_t reserve, uint64_t initial)
{
	long status = wk_mem_map((long)(top - initial), (long)initial,
				 WK_PROT_READ | WK_PROT_WRITE);

	if (status < 0)
		return status;
	stack_bottom = top - reserve;
	stack_mapped = top - initial;
	stack_top = top;
	mapped_bytes += initial;
	struct region region = { stack_bottom, top, PROT_READ | PROT_WRITE,
				 REGION_STACK, false };

	insert_at(first_ending_after(stack_bottom), region);
	return 0;
}

bool vm_grow_stack(uint64_t address)
{
	const struct region *region = vm_find(address);

	if (region == NULL || region->kind != REGION_STACK ||
	    address < stack_bottom + PAGE_SIZE || address >= stack_mapped)
		return false;

	uint64_t new_bottom = page_down(address) & ~(APP_STACK_GROWTH - 1);

	if (new_bottom < stack_bottom + PAGE_SIZE)
		new_bottom = stack_bottom + PAGE_SIZE;
	/* Page by page where something (the app through native calls) mapped
	 * a page already; the kernel then says -EEXIST. */
	if (wk_mem_map((long)new_bottom, (long)(stack_mapped - new_bottom),
		       kernel_prot(region->prot)) < 0) {
		for (uint64_t page = new_bottom; page < stack_mapped;
		     page += PAGE_SIZE) {
			long status = wk_mem_map((long)page, PAGE_SIZE,
						 kernel_prot(region->prot));
			if (status < 0 && status != -EEXIST)
				return false;
		}
	}
	mapped_bytes += stack_mapped - new_bottom;
	stack_mapped = new_bottom;
	return true;
}

bool vm_user_ok(uint64_t address, uint64_t length, uint32_t access)
{
	uint64_t end = address + length;

	if (length == 0)
		return true;
	if (end < address || end > APP_LIMIT || address < WK_USER_MIN)
		return false;
	for (uint64_t at = address; at < end;) {
		const struct region *region = vm_find(at);

		if (region == NULL || region->prot == PROT_NONE ||
		    ((access & PROT_WRITE) && !(region->prot & PROT_WRITE)))
			return false;
		if (region->kind == REGION_STACK && at < stack_mapped &&
		    !vm_grow_stack(at))
			return false;
		if (region->kind != REGION_STACK && !region->backed)
			return false;
		at = region->end;
	}
	return true;
}

uint64_t vm_mapped_bytes(void)
{
	return mapped_bytes;
}
