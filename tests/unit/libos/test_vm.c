/*
 * The region table against a fake kernel: a set of mapped pages with
 * their protections, refusing what the real kernel refuses (W+X, mapping
 * over a mapped page, protecting an unmapped one). File views use a fake
 * file (linux/files.h, linux/file_data.h): its size, data slot and the
 * references the regions hold.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>

#include "layout.h"
#include "linux/file_data.h"
#include "linux/files.h"
#include "mm/vm.h"
#include "trap/patch.h"
#include "wicket/native.h"

#define FAKE_PAGES_MAX 8192

static struct fake_page {
	uint64_t address;
	long prot;
	uint64_t from; /* mem_share's source page, else 0 */
} pages[FAKE_PAGES_MAX];
static unsigned page_count;
static unsigned pages_limit = FAKE_PAGES_MAX; /* fewer: out of memory */
static unsigned reports;

void libos_report(const char *format, ...)
{
	(void)format;
	reports++;
}

static struct fake_page *fake_find(uint64_t address)
{
	for (unsigned i = 0; i < page_count; i++)
		if (pages[i].address == address)
			return &pages[i];
	return NULL;
}

long wk_mem_map(long address, long length, long prot)
{
	if ((prot & WK_PROT_WRITE) && (prot & WK_PROT_EXEC))
		return -WK_EINVAL;
	for (long at = address; at < address + length; at += PAGE_SIZE)
		if (fake_find((uint64_t)at))
			return -WK_EEXIST;
	if (page_count + (uint64_t)length / PAGE_SIZE > pages_limit)
		return -WK_ENOMEM;
	for (long at = address; at < address + length; at += PAGE_SIZE)
		pages[page_count++] = (struct fake_page){ (uint64_t)at, prot, 0 };
	return 0;
}

long wk_mem_share(long address, long length, long prot, long from)
{
	long status = wk_mem_map(address, length, prot);

	for (long at = 0; status == 0 && at < length; at += PAGE_SIZE)
		fake_find((uint64_t)(address + at))->from = (uint64_t)(from + at);
	return status;
}

/* One fake file, node 7, its data slot at FAKE_SLOT. */
#define FAKE_NODE 7
#define FAKE_SLOT UINT64_C(0x7e0000000000)
static uint64_t file_size;
static int file_references;

uint8_t *file_data_slot(unsigned node)
{
	cr_assert_eq(node, FAKE_NODE);
	return (uint8_t *)FAKE_SLOT;
}

uint64_t files_size(unsigned node)
{
	cr_assert_eq(node, FAKE_NODE);
	return file_size;
}

/* Copies (vm_map_copy) are checked by the apps' tests: vm.c's copy_in
 * writes the app's pages, which are not there here. */
void files_read_bytes(unsigned node, uint64_t offset, void *to,
		      uint64_t length)
{
	(void)offset, (void)to, (void)length;
	cr_assert_eq(node, FAKE_NODE);
}

/* The fake file has no holes. */
long files_back(unsigned node, uint64_t offset, uint64_t length)
{
	cr_assert_eq(node, FAKE_NODE);
	cr_assert_leq(offset + length, page_up(file_size));
	return 0;
}

/* No trampoline areas here. */
bool patch_in_area(uint64_t address)
{
	(void)address;
	return false;
}

void files_hold(unsigned node)
{
	cr_assert_eq(node, FAKE_NODE);
	file_references++;
}

void files_drop(unsigned node)
{
	cr_assert_eq(node, FAKE_NODE);
	cr_assert_gt(file_references, 0);
	file_references--;
}

/* The slot address the page at `address` shares, or 0. */
static uint64_t fake_from(uint64_t address)
{
	struct fake_page *page = fake_find(address);

	return page ? page->from : 0;
}

long wk_mem_unmap(long address, long length)
{
	for (long at = address; at < address + length; at += PAGE_SIZE) {
		struct fake_page *page = fake_find((uint64_t)at);

		if (page)
			*page = pages[--page_count];
	}
	return 0;
}

static unsigned protect_calls;

long wk_mem_protect(long address, long length, long prot)
{
	protect_calls++;
	if ((prot & WK_PROT_WRITE) && (prot & WK_PROT_EXEC))
		return -WK_EINVAL;
	for (long at = address; at < address + length; at += PAGE_SIZE)
		if (!fake_find((uint64_t)at))
			return -WK_ENOMEM;
	for (long at = address; at < address + length; at += PAGE_SIZE)
		fake_find((uint64_t)at)->prot = prot;
	return 0;
}

static long fake_prot(uint64_t address)
{
	struct fake_page *page = fake_find(address);

	return page ? page->prot : -1;
}

#define BASE UINT64_C(0x10000000)
#define P(n) (BASE + (uint64_t)(n) * PAGE_SIZE)

Test(vm, demand_paged_map_unmap_split)
{
	cr_assert_eq(vm_map(P(0), 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    REGION_ANONYMOUS), 0);
	cr_assert_eq(fake_prot(P(7)), -1); /* nothing until touched */
	cr_assert_eq(vm_fault(P(7) + 5, PROT_WRITE, 0), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(7)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(fake_prot(P(6)), -1); /* the first fault: one page */
	cr_assert_eq(vm_fault(P(0), PROT_READ, 0), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(1)), WK_PROT_READ | WK_PROT_WRITE); /* two */
	cr_assert_eq(fake_prot(P(2)), -1);
	/* four, one present: one */
	cr_assert_eq(vm_fault(P(4), PROT_READ, 0), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(4)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(fake_prot(P(5)), -1);
	/* eight, some present: one */
	cr_assert_eq(vm_fault(P(2), PROT_READ, 0), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(3)), -1);
	cr_assert_eq(vm_fault(P(7), PROT_WRITE, 0), VM_FAULT_ACCERR); /* present */
	cr_assert_eq(vm_fault(P(7), PROT_EXEC, 0), VM_FAULT_ACCERR);
	cr_assert(!vm_range_free(P(0), P(1)));
	cr_assert_eq(vm_unmap(P(2), 2 * PAGE_SIZE), 0);
	cr_assert(vm_range_free(P(2), P(4)));
	cr_assert_eq(fake_prot(P(2)), -1);
	cr_assert_eq(fake_prot(P(4)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(vm_find(P(1))->end, P(2));
	cr_assert_eq(vm_find(P(5))->start, P(4));
	cr_assert_null(vm_find(P(3)));
	/* no region */
	cr_assert_eq(vm_fault(P(3), PROT_READ, 0), VM_FAULT_MAPERR);
}

Test(vm, image_is_mapped_at_once)
{
	cr_assert_eq(vm_map(P(0), 2 * PAGE_SIZE, PROT_READ, REGION_IMAGE), 0);
	cr_assert_eq(fake_prot(P(1)), WK_PROT_READ);
	cr_assert_eq(vm_mapped_bytes(), 2 * PAGE_SIZE);
}

Test(vm, refuses_overlap)
{
	cr_assert_eq(vm_map(P(0), PAGE_SIZE, PROT_READ, REGION_ANONYMOUS), 0);
	cr_assert_eq(vm_map(P(0), PAGE_SIZE, PROT_READ, REGION_ANONYMOUS),
		     -EINVAL);
	cr_assert_eq(vm_map(P(1), 100, PROT_READ, REGION_ANONYMOUS), -EINVAL);
	cr_assert_eq(vm_map(APP_LIMIT - PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ,
			    REGION_ANONYMOUS), -EINVAL);
}

#define RW (WK_PROT_READ | WK_PROT_WRITE)
#define RX (WK_PROT_READ | WK_PROT_EXEC)
#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

/* W+X memory: each present page read-write or read-execute, turned by
 * the fault that needs the other; the fake kernel refuses W+X itself. */
Test(vm, wx_by_turns)
{
	cr_assert_eq(vm_map(P(0), 4 * PAGE_SIZE, RWX, REGION_ANONYMOUS), 0);
	cr_assert_eq(vm_fault(P(0), PROT_EXEC, 1), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(0)), RW); /* mapped in its write turn */
	cr_assert_eq(vm_fault(P(0), PROT_EXEC, 2), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(0)), RX);
	cr_assert_eq(vm_fault(P(0), PROT_WRITE, 3), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(0)), RW);
	cr_assert_eq(vm_fault(P(0), PROT_EXEC, 4), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(0)), RX);
	cr_assert_eq(reports, 0);

	/* The libOS writing there takes the write turn, and a write check
	 * answered before an exec turn is not answered again from memory. */
	cr_assert(vm_user_ok(P(0) + 8, 8, PROT_READ));
	cr_assert_eq(fake_prot(P(0)), RX);
	cr_assert(vm_user_ok(P(0) + 8, 8, PROT_WRITE));
	cr_assert_eq(fake_prot(P(0)), RW);
	cr_assert_eq(vm_fault(P(0), PROT_EXEC, 5), VM_FAULT_MAPPED);
	cr_assert(vm_user_ok(P(0) + 8, 8, PROT_WRITE));
	cr_assert_eq(fake_prot(P(0)), RW);
	cr_assert(vm_user_ok(P(0), 3 * PAGE_SIZE, PROT_WRITE));
	cr_assert_eq(fake_prot(P(2)), RW);

	/* The same instruction fetching a page again and again is fine. */
	cr_assert_eq(vm_fault(P(2), PROT_EXEC, P(2)), VM_FAULT_MAPPED);
	cr_assert(vm_user_ok(P(2), 8, PROT_WRITE));
	cr_assert_eq(vm_fault(P(2), PROT_EXEC, P(2)), VM_FAULT_MAPPED);
	cr_assert(vm_user_ok(P(2), 8, PROT_WRITE));
	cr_assert_eq(vm_fault(P(2), PROT_EXEC, P(2)), VM_FAULT_MAPPED);
	cr_assert_eq(reports, 0);

	/* One instruction needing both turns of its page: reported. */
	cr_assert_eq(vm_fault(P(1), PROT_EXEC, P(1) + 9), VM_FAULT_MAPPED);
	cr_assert_eq(vm_fault(P(1), PROT_WRITE, P(1) + 9), VM_FAULT_MAPPED);
	cr_assert_eq(vm_fault(P(1), PROT_EXEC, P(1) + 9), VM_FAULT_ACCERR);
	cr_assert_eq(reports, 1);

	/* mprotect to and from W+X; the image by turns too. */
	cr_assert_eq(vm_protect(P(0), 2 * PAGE_SIZE, PROT_READ | PROT_EXEC), 0);
	cr_assert_eq(fake_prot(P(1)), RX);
	cr_assert_eq(vm_fault(P(1), PROT_WRITE, 6), VM_FAULT_ACCERR);
	cr_assert_eq(vm_protect(P(0), 2 * PAGE_SIZE, RWX), 0);
	cr_assert_eq(fake_prot(P(1)), RW);
	cr_assert_eq(vm_find(P(1))->prot, RWX);
	cr_assert_eq(vm_map(P(8), PAGE_SIZE, RWX, REGION_IMAGE), 0);
	cr_assert_eq(fake_prot(P(8)), RW);
	cr_assert_eq(vm_fault(P(8), PROT_EXEC, 7), VM_FAULT_MAPPED);
	cr_assert_eq(fake_prot(P(8)), RX);
	cr_assert_eq(vm_fault(P(8), PROT_READ, 8), VM_FAULT_ACCERR);
}

Test(vm, protect_needs_cover_and_splits)
{
	vm_map(P(0), 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, REGION_ANONYMOUS);
	vm_map(P(5), PAGE_SIZE, PROT_READ, REGION_ANONYMOUS);
	cr_assert(vm_populate(P(0), 4 * PAGE_SIZE));
	/* As Linux: the run before a gap changes, then -ENOMEM; from a gap,
	 * nothing changes. */
	cr_assert_eq(vm_protect(P(3), 3 * PAGE_SIZE, PROT_READ), -ENOMEM);
	cr_assert_eq(fake_prot(P(3)), WK_PROT_READ);
	cr_assert_eq(vm_protect(P(4), 2 * PAGE_SIZE, PROT_NONE), -ENOMEM);
	cr_assert_eq(vm_find(P(5))->prot, PROT_READ);
	cr_assert_eq(vm_protect(P(3), PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(vm_protect(P(1), 2 * PAGE_SIZE, PROT_READ), 0);
	cr_assert_eq(fake_prot(P(0)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(fake_prot(P(1)), WK_PROT_READ);
	cr_assert_eq(fake_prot(P(3)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert(!vm_user_ok(P(1), 10, PROT_WRITE));
	cr_assert(vm_user_ok(P(1), 10, PROT_READ));
	cr_assert(vm_user_ok(P(0), 4 * PAGE_SIZE, PROT_READ));
	cr_assert(!vm_user_ok(P(0), 5 * PAGE_SIZE + 1, PROT_READ));
}

Test(vm, protect_keeps_absent_pages_absent)
{
	vm_map(P(0), 32 * PAGE_SIZE, PROT_NONE, REGION_ANONYMOUS);
	cr_assert(!vm_user_ok(P(0), 1, PROT_READ));
	cr_assert_eq(vm_fault(P(0), PROT_READ, 0), VM_FAULT_ACCERR);
	cr_assert_eq(vm_protect(P(1), 31 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	/* still the guard */
	cr_assert_eq(vm_fault(P(0), PROT_READ, 0), VM_FAULT_ACCERR);
	cr_assert_eq(fake_prot(P(20)), -1);
	cr_assert(vm_user_ok(P(20), PAGE_SIZE, PROT_WRITE));
	cr_assert_eq(fake_prot(P(20)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(fake_prot(P(21)), -1);
	cr_assert_eq(vm_protect(P(1), 31 * PAGE_SIZE, PROT_READ), 0);
	cr_assert_eq(fake_prot(P(20)), WK_PROT_READ);
	cr_assert_eq(fake_prot(P(21)), -1);
}

Test(vm, discard_drops_pages)
{
	vm_map(P(0), 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, REGION_ANONYMOUS);
	cr_assert(vm_populate(P(0), 4 * PAGE_SIZE));
	vm_discard(P(1), 2 * PAGE_SIZE, NULL);
	cr_assert_eq(fake_prot(P(0)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(fake_prot(P(1)), -1);
	cr_assert_eq(fake_prot(P(3)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert(vm_find(P(1)) != NULL);
}

Test(vm, discard_skips_gaps_and_shared_memory)
{
	vm_map(P(0), 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, REGION_ANONYMOUS);
	cr_assert_eq(vm_map_shared(P(3), 2 * PAGE_SIZE, PROT_READ | PROT_WRITE),
		     0);
	cr_assert(vm_populate(P(0), 2 * PAGE_SIZE));
	cr_assert(vm_populate(P(3), 2 * PAGE_SIZE));
	cr_assert(vm_find(P(3))->shared && !vm_find(P(1))->shared);
	vm_discard(P(1), 4 * PAGE_SIZE, NULL);
	cr_assert_eq(fake_prot(P(0)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(fake_prot(P(1)), -1);
	cr_assert_eq(fake_prot(P(3)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(fake_prot(P(4)), WK_PROT_READ | WK_PROT_WRITE);
}

Test(vm, protected_apart_and_back_is_one_region)
{
	vm_map(P(0), 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, REGION_ANONYMOUS);
	cr_assert(vm_populate(P(0), PAGE_SIZE));
	cr_assert_eq(vm_protect(P(1), PAGE_SIZE, PROT_READ), 0);
	cr_assert_eq(vm_find(P(0))->end, P(1));
	cr_assert_eq(vm_protect_by_app(P(1), PAGE_SIZE,
				       PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(vm_find(P(0))->end, P(4));
	cr_assert(vm_find(P(0))->populated);
	/* Shared and private memory stay apart, as a file's copy does. */
	cr_assert_eq(vm_map_shared(P(4), PAGE_SIZE, PROT_READ), 0);
	cr_assert_eq(vm_protect(P(4), PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(vm_find(P(0))->end, P(4));
	cr_assert_eq(vm_find(P(4))->start, P(4));
}

Test(vm, find_free_searches_down)
{
	vm_map(P(10), PAGE_SIZE, PROT_READ, REGION_ANONYMOUS);
	cr_assert_eq(vm_find_free(PAGE_SIZE, P(11)), P(9));
	cr_assert_eq(vm_find_free(2 * PAGE_SIZE, P(12)), P(8));
	cr_assert_eq(vm_find_free(PAGE_SIZE, P(12)), P(11));
	cr_assert_eq(vm_find_free(P(100), P(10)), 0);
}

Test(vm, neighbours_merge)
{
	vm_map(P(0), PAGE_SIZE, PROT_READ, REGION_ANONYMOUS);
	vm_map(P(1), PAGE_SIZE, PROT_READ, REGION_ANONYMOUS);
	vm_map(P(3), PAGE_SIZE, PROT_READ, REGION_ANONYMOUS);
	vm_map(P(2), PAGE_SIZE, PROT_READ, REGION_ANONYMOUS);
	/* The gap filled: both sides join, as Linux merges. */
	cr_assert_eq(vm_find(P(0))->end, P(4));
	cr_assert_eq(vm_find(P(3))->start, P(0));
	/* Another protection stays apart. */
	vm_map(P(4), PAGE_SIZE, PROT_READ | PROT_WRITE, REGION_ANONYMOUS);
	cr_assert_eq(vm_find(P(4))->start, P(4));
}

Test(vm, stack_has_a_guard_and_pages_on_demand)
{
	uint64_t top = P(1000), reserve = 64 * PAGE_SIZE;

	cr_assert_eq(vm_init_stack(top, reserve, 4 * PAGE_SIZE), 0);
	cr_assert_eq(fake_prot(top - PAGE_SIZE), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(fake_prot(top - 5 * PAGE_SIZE), -1);
	cr_assert(vm_user_ok(top - 10 * PAGE_SIZE, 8, PROT_WRITE));
	cr_assert_eq(fake_prot(top - 10 * PAGE_SIZE),
		     WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(vm_fault(top - reserve + PAGE_SIZE, PROT_WRITE, 0),
		     VM_FAULT_MAPPED);
	cr_assert_eq(vm_fault(top - reserve, PROT_WRITE, 0),
		     VM_FAULT_MAPERR); /* the guard page */
	cr_assert_eq(fake_prot(top - reserve), -1);
	cr_assert_eq(vm_fault(top + PAGE_SIZE, PROT_READ, 0), VM_FAULT_MAPERR);
}

/* A fault that finds no page left is out of memory (reported once per
 * fault), not the app's error; the next one, with memory, maps. */
Test(vm, fault_without_memory_is_out_of_memory)
{
	cr_assert_eq(vm_map(P(10), 64 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    REGION_ANONYMOUS), 0);
	pages_limit = page_count;
	cr_assert_eq(vm_fault(P(20), PROT_WRITE, 0), VM_FAULT_OOM);
	cr_assert_eq(reports, 1);
	cr_assert_eq(fake_prot(P(20)), -1);
	pages_limit = FAKE_PAGES_MAX;
	cr_assert_eq(vm_fault(P(20), PROT_WRITE, 0), VM_FAULT_MAPPED);
	cr_assert_eq(reports, 1);
	cr_assert_eq(fake_prot(P(20)), WK_PROT_READ | WK_PROT_WRITE);
}

/* vm_user_ok remembers the pages it passed; every change forgets them. */
Test(vm, checked_pages_follow_changes)
{
	vm_map(P(0), 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, REGION_ANONYMOUS);
	cr_assert(vm_user_ok(P(0), 4 * PAGE_SIZE, PROT_WRITE));
	cr_assert(vm_user_ok(P(1) + 8, 8, PROT_WRITE));

	cr_assert_eq(vm_protect(P(1), PAGE_SIZE, PROT_READ), 0);
	cr_assert(!vm_user_ok(P(1) + 8, 8, PROT_WRITE));
	cr_assert(vm_user_ok(P(1) + 8, 8, PROT_READ));
	/* Checked for reading only, as its region allows: a write fails
	 * again without a look at the regions passing it. */
	cr_assert(!vm_user_ok(P(1), PAGE_SIZE, PROT_WRITE));

	vm_discard(P(2), PAGE_SIZE, NULL);
	cr_assert_eq(fake_prot(P(2)), -1);
	cr_assert(vm_user_ok(P(2), 8, PROT_WRITE));
	cr_assert_eq(fake_prot(P(2)), WK_PROT_READ | WK_PROT_WRITE);

	cr_assert_eq(vm_unmap(P(3), PAGE_SIZE), 0);
	cr_assert(!vm_user_ok(P(3), 8, PROT_READ));
	cr_assert(!vm_user_ok(P(2), PAGE_SIZE + 1, PROT_READ));

	cr_assert(vm_user_ok(P(0), 0, PROT_WRITE));
	cr_assert(!vm_user_ok(UINT64_MAX - 7, 16, PROT_READ));
	cr_assert(!vm_user_ok(P(0) + 8, UINT64_MAX - 8, PROT_READ));
}

/* A region never touched has no page to re-protect: no kernel call (a
 * thread stack is mapped PROT_NONE, then opened). */
Test(vm, untouched_region_protects_without_the_kernel)
{
	vm_map(P(0), 8 * PAGE_SIZE, PROT_NONE, REGION_ANONYMOUS);
	cr_assert_eq(vm_protect(P(1), 7 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	cr_assert_eq(protect_calls, 0);
	cr_assert_eq(vm_fault(P(5), PROT_WRITE, 0), VM_FAULT_MAPPED);
	cr_assert_eq(vm_protect(P(1), 7 * PAGE_SIZE, PROT_READ), 0);
	cr_assert_gt(protect_calls, 0);
	cr_assert_eq(fake_prot(P(5)), WK_PROT_READ);
	/* still PROT_NONE */
	cr_assert_eq(vm_fault(P(0), PROT_READ, 0), VM_FAULT_ACCERR);
}

#define SLOT(n) (FAKE_SLOT + (uint64_t)(n) * PAGE_SIZE)

Test(vm, file_view_pages_are_the_files_up_to_its_last_page)
{
	file_size = 2 * PAGE_SIZE + 100; /* three pages, the last in part */
	cr_assert_eq(vm_map_file(P(0), 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				 FAKE_NODE, 4 * PAGE_SIZE, true), 0);
	cr_assert_eq(file_references, 1);
	/* The view starts at the file's page 4: past its end. */
	cr_assert_eq(vm_fault(P(0), PROT_READ, 0), VM_FAULT_BUS);
	cr_assert(!vm_user_ok(P(0), 1, PROT_READ));
	cr_assert_eq(vm_unmap(P(0), 8 * PAGE_SIZE), 0);
	cr_assert_eq(file_references, 0);

	cr_assert_eq(vm_map_file(P(0), 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				 FAKE_NODE, PAGE_SIZE, true), 0);
	cr_assert_eq(vm_fault(P(1) + 8, PROT_WRITE, 0), VM_FAULT_MAPPED);
	cr_assert_eq(fake_from(P(1)), SLOT(2));
	cr_assert_eq(fake_prot(P(1)), WK_PROT_READ | WK_PROT_WRITE);
	cr_assert_eq(vm_fault(P(2), PROT_READ, 0), VM_FAULT_BUS);
	/* Chunks stop at the file's end. */
	cr_assert_eq(vm_fault(P(0), PROT_READ, 0), VM_FAULT_MAPPED);
	cr_assert_eq(fake_from(P(0)), SLOT(1));
	cr_assert_eq(fake_prot(P(2)), -1);
	cr_assert(vm_user_ok(P(0), 2 * PAGE_SIZE, PROT_WRITE));
	cr_assert(!vm_user_ok(P(1), PAGE_SIZE + 1, PROT_READ));
	cr_assert_eq(vm_mapped_bytes(), 0); /* the file's memory, not the app's */

	/* The file grows: the next page is there. */
	file_size = 4 * PAGE_SIZE;
	cr_assert_eq(vm_fault(P(2), PROT_READ, 0), VM_FAULT_MAPPED);
	cr_assert_eq(fake_from(P(2)), SLOT(3));
	/* It shrinks to a page and a byte: its pages past that go. */
	vm_file_shrunk(FAKE_NODE, PAGE_SIZE + 1);
	file_size = PAGE_SIZE + 1;
	cr_assert_eq(fake_from(P(0)), SLOT(1));
	cr_assert_eq(fake_prot(P(1)), -1);
	cr_assert_eq(fake_prot(P(2)), -1);
	cr_assert_eq(vm_fault(P(1), PROT_READ, 0), VM_FAULT_BUS);
	cr_assert(!vm_user_ok(P(1), 1, PROT_READ));
}

Test(vm, file_views_that_follow_on_are_one_region)
{
	file_size = 8 * PAGE_SIZE;
	cr_assert_eq(vm_map_file(P(0), 2 * PAGE_SIZE, PROT_READ, FAKE_NODE,
				 0, false), 0);
	cr_assert_eq(vm_map_file(P(2), 2 * PAGE_SIZE, PROT_READ, FAKE_NODE,
				 2 * PAGE_SIZE, false), 0);
	cr_assert_eq(vm_find(P(0))->end, P(4));
	cr_assert_eq(file_references, 1);
	/* Offsets that do not follow on stay apart. */
	cr_assert_eq(vm_map_file(P(4), PAGE_SIZE, PROT_READ, FAKE_NODE, 0,
				 false), 0);
	cr_assert_eq(vm_find(P(4))->start, P(4));
	cr_assert_eq(file_references, 2);
	/* Protected apart and back: one view again. */
	cr_assert_eq(vm_protect(P(1), PAGE_SIZE, PROT_NONE), 0);
	cr_assert_eq(file_references, 4); /* [0,1) [1,2) [2,4) [4,5) */
	cr_assert_eq(vm_protect(P(1), PAGE_SIZE, PROT_READ), 0);
	cr_assert_eq(vm_find(P(0))->end, P(4));
	cr_assert_eq(vm_find(P(2))->offset, 0);
	cr_assert_eq(file_references, 2);
	cr_assert_eq(vm_unmap(P(0), 5 * PAGE_SIZE), 0);
	cr_assert_eq(file_references, 0);
}

Test(vm, file_view_splits_keep_offsets_and_references)
{
	file_size = 8 * PAGE_SIZE;
	cr_assert_eq(vm_map_file(P(0), 8 * PAGE_SIZE, PROT_READ, FAKE_NODE,
				 0, false), 0);
	cr_assert_eq(vm_unmap(P(2), PAGE_SIZE), 0);
	cr_assert_eq(file_references, 2);
	cr_assert_eq(vm_find(P(3))->offset, 3 * PAGE_SIZE);
	cr_assert_eq(vm_fault(P(5), PROT_READ, 0), VM_FAULT_MAPPED);
	cr_assert_eq(fake_from(P(5)), SLOT(5));
	cr_assert_eq(vm_protect(P(4), PAGE_SIZE, PROT_READ | PROT_WRITE),
		     -EACCES);
	cr_assert(!vm_file_writable_view(FAKE_NODE));
	cr_assert_eq(vm_protect(P(4), PAGE_SIZE, PROT_NONE), 0);
	cr_assert_eq(file_references, 4); /* [0,2) [3,4) [4,5) [5,8) */
	cr_assert_eq(vm_find(P(5))->offset, 5 * PAGE_SIZE);
	cr_assert_eq(vm_unmap(P(0), 8 * PAGE_SIZE), 0);
	cr_assert_eq(file_references, 0);
	cr_assert_eq(fake_prot(P(5)), -1);

	cr_assert_eq(vm_map_file(P(0), PAGE_SIZE, PROT_READ, FAKE_NODE, 0,
				 true), 0);
	cr_assert(vm_file_writable_view(FAKE_NODE));
	cr_assert_eq(vm_map_file(P(1), PAGE_SIZE, PROT_READ | PROT_WRITE,
				 FAKE_NODE, 0, false), -EACCES);
	cr_assert_eq(vm_map_file(P(0), PAGE_SIZE, PROT_READ, FAKE_NODE, 0,
				 true), -EINVAL);
	cr_assert_eq(file_references, 1);
}

Test(vm, file_view_discard_keeps_the_files_pages)
{
	file_size = 2 * PAGE_SIZE;
	vm_map_file(P(0), 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, FAKE_NODE, 0,
		    true);
	cr_assert(vm_populate(P(0), 2 * PAGE_SIZE));
	vm_discard(P(0), 2 * PAGE_SIZE, NULL);
	cr_assert_eq(fake_prot(P(0)), -1);
	cr_assert(vm_user_ok(P(1), 8, PROT_READ));
	cr_assert_eq(fake_from(P(1)), SLOT(1));
}
