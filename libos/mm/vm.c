/*
 * The region table (vm.h). Regions are kept sorted and never overlap;
 * operations first split regions at the edges of the range they touch, so
 * that the rest of the work is on whole regions.
 *
 * Demand paging: a region other than the image has pages only where the
 * app (vm_fault) or the libOS (vm_populate) touched it, a chunk of up to
 * VM_FAULT_CHUNK at a time. The kernel is the record of which pages are
 * present: mem_map of a present page says -EEXIST, mem_protect of an
 * absent one -ENOMEM, mem_unmap skips absent pages.
 *
 * A file view (REGION_FILE) is demand-paged the same way, its pages being
 * the file's own: mem_share of its data slot (linux/file_data.c), up to
 * the file's last page. Each view region holds its file (files_hold), so
 * that a file unlinked and closed lives while it is mapped.
 */
#include "mm/vm.h"

#include <stddef.h>

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/file_data.h"
#include "linux/files.h"
#include "trap/patch.h"
#include "wicket/native.h"

#define VM_FAULT_CHUNK (UINT64_C(16) * PAGE_SIZE)

static struct region regions[VM_REGIONS_MAX];
static unsigned region_count;
static uint64_t mapped_bytes;

/* The slot of a page in a direct-mapped cache of 2^bits slots, by
 * Fibonacci hashing of its number: the top pages of two threads' stacks,
 * whose numbers end in the same run of ones, land apart (the low bits
 * alone put them in one slot, and each thread's calls then pushed the
 * other's page out), and a run of consecutive pages as long as the cache
 * has slots / 2 lands in as many slots. */
static unsigned page_slot(uint64_t page, unsigned bits)
{
	return (unsigned)(((page / PAGE_SIZE) *
			   UINT64_C(0x9e3779b97f4a7c15)) >> (64 - bits));
}

/* Pages known to be present, so that checking a pointer the app passes
 * again and again (its stack, its buffers) costs no kernel call: a
 * direct-mapped cache of page addresses, cleared where pages go away. */
#define PRESENT_CACHE_BITS 8
#define PRESENT_CACHE_SIZE (1u << PRESENT_CACHE_BITS)
static uint64_t present_cache[PRESENT_CACHE_SIZE];

static uint64_t *present_slot(uint64_t page)
{
	return &present_cache[page_slot(page, PRESENT_CACHE_BITS)];
}

struct vm_checked_range vm_last_checked;

/* Pages vm_user_ok passed whole, with the access it passed them for (the
 * futex word or buffer an app hands over again and again): direct-mapped,
 * all forgotten whenever a region or a present page changes. */
#define CHECKED_BITS 3
#define CHECKED_SIZE (1u << CHECKED_BITS)
static struct {
	uint64_t page; /* 1 (never a page address): empty */
	uint32_t access;
} checked[CHECKED_SIZE] = { { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 },
			    { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 } };

static unsigned checked_slot(uint64_t page)
{
	return page_slot(page, CHECKED_BITS);
}

static void forget_checked(void)
{
	for (unsigned i = 0; i < CHECKED_SIZE; i++)
		checked[i].page = 1;
	vm_last_checked.start = vm_last_checked.end = 0;
}

static void forget_present(uint64_t start, uint64_t end)
{
	forget_checked();
	if ((end - start) / PAGE_SIZE >= PRESENT_CACHE_SIZE) {
		memset(present_cache, 0, sizeof(present_cache));
		return;
	}
	for (uint64_t page = start; page < end; page += PAGE_SIZE)
		if (*present_slot(page) == page)
			*present_slot(page) = 0;
}

static bool by_turns(uint32_t prot)
{
	return (prot & PROT_WRITE) && (prot & PROT_EXEC);
}

/* What the kernel maps for Linux protection `prot`: a W+X region's pages
 * in their write turn. */
static unsigned kernel_prot(uint32_t prot)
{
	unsigned wk = 0;

	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		wk |= WK_PROT_READ; /* x86 cannot map write- or exec-only */
	if (prot & PROT_WRITE)
		wk |= WK_PROT_WRITE;
	else if (prot & PROT_EXEC)
		wk |= WK_PROT_EXEC;
	return wk;
}

static bool demand_paged(const struct region *region)
{
	return region->kind != REGION_IMAGE;
}

const struct region *vm_region(unsigned index)
{
	return index < region_count ? &regions[index] : NULL;
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

/* Whether `high` may join `low`, the region below it, as Linux merges
 * mappings: memory of no file mapped alike, or views of one file mapped
 * alike whose offsets follow on. The image keeps its segments, a file's
 * copies their own lines (as Linux's pages copied on write would), and
 * the trampoline areas theirs in maps. */
static bool mergeable(const struct region *low, const struct region *high)
{
	if (low->end != high->start || low->kind != high->kind ||
	    low->kind == REGION_IMAGE || low->copied || high->copied ||
	    low->prot != high->prot || low->shared != high->shared ||
	    patch_in_area(low->start) || patch_in_area(high->start))
		return false;
	return low->kind != REGION_FILE ||
	       (low->node == high->node && low->may_write == high->may_write &&
		high->offset == low->offset + (low->end - low->start));
}

/* Joins the regions in and next to [start, end), the first of them at
 * index `first`, that are mergeable, so that a range protected apart and
 * back, or a file mapped a view at a time, is one region (mremap takes
 * one region; the table has room for VM_REGIONS_MAX). */
static void merge_around(unsigned first, uint64_t end)
{
	unsigned i = first > 0 ? first - 1 : 0;

	while (i + 1 < region_count && regions[i].start < end) {
		struct region *low = &regions[i];
		const struct region *high = &regions[i + 1];

		if (!mergeable(low, high)) {
			i++;
			continue;
		}
		low->end = high->end;
		low->populated |= high->populated;
		low->writable_once |= high->writable_once;
		if (high->faults > low->faults)
			low->faults = high->faults;
		if (high->kind == REGION_FILE)
			files_drop(high->node); /* one region holds it now */
		remove_at(i + 1);
	}
}

/* Splits the region strictly containing address, if any, in two. */
static bool split_at(uint64_t address)
{
	unsigned i = first_ending_after(address);

	if (i == region_count || regions[i].start >= address)
		return true;
	struct region upper = regions[i];

	upper.start = address;
	upper.offset += address - regions[i].start;
	if (!insert_at(i + 1, upper))
		return false;
	regions[i].end = address;
	if (upper.kind == REGION_FILE || upper.copied)
		files_hold(upper.node);
	return true;
}

bool vm_range_free(uint64_t start, uint64_t end)
{
	if (start < WK_USER_MIN || end > APP_LIMIT || start >= end)
		return false;
	unsigned i = first_ending_after(start);

	return i == region_count || regions[i].start >= end;
}

static long map_region(uint64_t start, uint64_t length, uint32_t prot,
		       enum region_kind kind, bool shared)
{
	forget_checked();
	uint64_t end = start + length;

	if (!vm_range_free(start, end) || (start | length) % PAGE_SIZE)
		return -EINVAL;
	if (region_count == VM_REGIONS_MAX)
		return -ENOMEM;
	if (kind == REGION_IMAGE && prot != PROT_NONE) {
		long status = wk_mem_map((long)start, (long)length,
					 kernel_prot(prot));
		if (status < 0)
			return status == -EINVAL ? -EINVAL : -ENOMEM;
		mapped_bytes += length;
	}

	const struct region region = { .start = start, .end = end,
				       .prot = prot, .kind = (uint8_t)kind,
				       .shared = shared };
	unsigned i = first_ending_after(start);

	/* A neighbour mapped alike grows instead (and joins the one on the
	 * other side too when it can), so that a series of mmaps (or brk
	 * steps) stays one entry. */
	if (i > 0 && mergeable(&regions[i - 1], &region)) {
		regions[i - 1].end = end;
		merge_around(i - 1, end);
	} else if (i < region_count && mergeable(&region, &regions[i])) {
		regions[i].start = start;
	} else {
		insert_at(i, region);
	}
	return 0;
}

long vm_map(uint64_t start, uint64_t length, uint32_t prot,
	    enum region_kind kind)
{
	return map_region(start, length, prot, kind, false);
}

long vm_map_shared(uint64_t start, uint64_t length, uint32_t prot)
{
	return map_region(start, length, prot, REGION_ANONYMOUS, true);
}

/* Adds `region`, which holds its file (a view or a copy): free and
 * page-aligned, or -EINVAL; a view written only where it may be, or
 * -EACCES; -ENOMEM when the table is full. */
static long map_of_file(struct region region)
{
	forget_checked();
	if (!vm_range_free(region.start, region.end) ||
	    (region.start | region.end | region.offset) % PAGE_SIZE)
		return -EINVAL;
	if (region.kind == REGION_FILE && (region.prot & PROT_WRITE) &&
	    !region.may_write)
		return -EACCES;
	unsigned index = first_ending_after(region.start);

	if (!insert_at(index, region))
		return -ENOMEM;
	files_hold(region.node);
	merge_around(index, region.end);
	return 0;
}

long vm_map_file(uint64_t start, uint64_t length, uint32_t prot,
		 unsigned node, uint64_t offset, bool may_write)
{
	return map_of_file((struct region){
		.start = start, .end = start + length, .offset = offset,
		.prot = prot, .node = (uint16_t)node, .kind = REGION_FILE,
		.may_write = may_write });
}

long vm_map_copy(uint64_t start, uint64_t length, uint32_t prot,
		 unsigned node, uint64_t offset)
{
	return map_of_file((struct region){
		.start = start, .end = start + length, .offset = offset,
		.prot = prot, .node = (uint16_t)node,
		.kind = REGION_ANONYMOUS, .copied = true,
		.writable_once = (prot & PROT_WRITE) != 0 });
}

long vm_unmap(uint64_t start, uint64_t length)
{
	forget_checked();
	uint64_t end = start + length;

	if (!split_at(start) || !split_at(end))
		return -ENOMEM;
	unsigned i = first_ending_after(start);

	while (i < region_count && regions[i].start < end) {
		struct region gone = regions[i];
		uint64_t bytes = gone.end - gone.start;

		if (!demand_paged(&gone) || gone.populated)
			wk_mem_unmap((long)gone.start, (long)bytes);
		forget_present(gone.start, gone.end);
		remove_at(i);
		if (gone.kind == REGION_FILE || gone.copied)
			files_drop(gone.node); /* with the region gone */
		if (gone.kind != REGION_FILE)
			mapped_bytes -= bytes < mapped_bytes ? bytes
							     : mapped_bytes;
	}
	return 0;
}

/* Re-protects the present pages of [start, end): all at once when all are
 * present, else page by page. */
static long protect_present(uint64_t start, uint64_t end, uint32_t prot)
{
	long status = wk_mem_protect((long)start, (long)(end - start),
				     kernel_prot(prot));

	if (status != -ENOMEM)
		return status;
	for (uint64_t page = start; page < end; page += PAGE_SIZE) {
		status = wk_mem_protect((long)page, PAGE_SIZE,
					kernel_prot(prot));
		if (status < 0 && status != -ENOMEM)
			return status;
	}
	return 0;
}

/* vm_protect; by_app: the app's own mprotect, which makes a region it
 * gives PROT_WRITE writable_once. */
static long protect(uint64_t start, uint64_t length, uint32_t prot,
		    bool by_app)
{
	forget_checked();
	uint64_t end = start + length;
	uint64_t covered = start;
	long refused = 0;

	for (unsigned i = first_ending_after(start);
	     i < region_count && regions[i].start < end; i++) {
		if (regions[i].start > covered)
			break;
		if (regions[i].kind == REGION_FILE && (prot & PROT_WRITE) &&
		    !regions[i].may_write) {
			refused = -EACCES;
			break;
		}
		covered = regions[i].end;
	}
	/* As Linux, a gap (-ENOMEM) or a region that refuses (-EACCES)
	 * ends the call, but what comes before it changes all the same. */
	if (covered < end) {
		end = covered;
		if (refused == 0)
			refused = -ENOMEM;
	}
	if (end == start)
		return refused;
	if (!split_at(start) || !split_at(end))
		return -ENOMEM;

	unsigned first = first_ending_after(start);

	for (unsigned i = first; i < region_count && regions[i].start < end;
	     i++) {
		struct region *region = &regions[i];
		long status;

		if (demand_paged(region))
			status = region->populated
					 ? protect_present(region->start,
							   region->end, prot)
					 : 0; /* nothing to re-protect */
		else /* the image: all present */
			status = wk_mem_protect((long)region->start,
						(long)(region->end -
						       region->start),
						kernel_prot(prot));
		if (status < 0)
			return status == -EINVAL ? -EINVAL : -ENOMEM;
		region->prot = prot;
		if (by_app && (prot & PROT_WRITE))
			region->writable_once = true;
	}
	merge_around(first, end);
	return refused;
}

long vm_protect(uint64_t start, uint64_t length, uint32_t prot)
{
	return protect(start, length, prot, false);
}

long vm_protect_by_app(uint64_t start, uint64_t length, uint32_t prot)
{
	return protect(start, length, prot, true);
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

/* The index of the region find() found last, tried first: checked against
 * the live table, so a stale one costs a search, never a wrong answer. */
static unsigned last_found;

static struct region *find(uint64_t address)
{
	unsigned i = last_found;

	if (i < region_count && regions[i].start <= address &&
	    address < regions[i].end)
		return &regions[i];
	i = first_ending_after(address);
	if (i < region_count && regions[i].start <= address) {
		last_found = i;
		return &regions[i];
	}
	return NULL;
}

const struct region *vm_find(uint64_t address)
{
	return find(address);
}

/* Where the pages of file view `region` stop being the file's, for a file
 * of `size` bytes: its last page is the file's in full. */
static uint64_t file_view_end(const struct region *region, uint64_t size)
{
	uint64_t data = page_up(size);

	if (data <= region->offset)
		return region->start;
	return data - region->offset < region->end - region->start
		       ? region->start + (data - region->offset)
		       : region->end;
}

/* Copied `region`'s [start, start + length), mapped writable and zeroed:
 * the file's bytes as they are now, then the region's protection. */
static void copy_in(const struct region *region, uint64_t start,
		    uint64_t length)
{
	uint64_t size = files_size(region->node);
	uint64_t from = region->offset + (start - region->start);
	uint64_t count = from >= size ? 0 : size - from;

	files_read_bytes(region->node, from, (void *)start,
			 count < length ? count : length);
	if (region->prot != (PROT_READ | PROT_WRITE))
		wk_mem_protect((long)start, (long)length,
			       kernel_prot(region->prot));
}

/* Makes [start, start + length) of demand-paged `region` present: zeroed
 * pages, a copy's pages of its file as it is when they are first touched,
 * or a file view's pages of its file (the last two -EFAULT past its
 * end). */
static long fill(const struct region *region, uint64_t start,
		 uint64_t length)
{
	unsigned prot = kernel_prot(region->prot);

	if (region->copied) {
		if (start + length > file_view_end(region,
						   files_size(region->node)))
			return -EFAULT;
		prot = WK_PROT_READ | WK_PROT_WRITE;
	}
	if (region->kind != REGION_FILE) {
		long status = wk_mem_map((long)start, (long)length, prot);

		if (status == 0) {
			mapped_bytes += length;
			if (region->copied)
				copy_in(region, start, length);
		}
		return status;
	}
	uint64_t at = region->offset + (start - region->start);

	if (start + length > file_view_end(region, files_size(region->node)))
		return -EFAULT;
	if (files_back(region->node, at, length) < 0)
		return -ENOMEM;
	return wk_mem_share((long)start, (long)length, prot,
			   (long)(file_data_slot(region->node) + at));
}

/* Maps the absent pages of [start, end) inside one demand-paged region:
 * pages the cache knows are skipped; a run of others is mapped in one
 * call, or page by page when some of it was present already. */
static bool populate_range(struct region *region, uint64_t start,
			   uint64_t end)
{
	region->populated = true;

	for (uint64_t run = start; run < end;) {
		uint64_t stop = run;

		while (stop < end && *present_slot(stop) != stop)
			stop += PAGE_SIZE;
		long status = stop > run ? fill(region, run, stop - run) : 0;

		/* Else the one page was present already. */
		if (status != 0 && (status != -EEXIST || stop - run > PAGE_SIZE))
			for (uint64_t page = run; page < stop; page += PAGE_SIZE) {
				status = fill(region, page, PAGE_SIZE);
				if (status != 0 && status != -EEXIST)
					return false;
			}
		for (uint64_t page = run; page < stop; page += PAGE_SIZE)
			*present_slot(page) = page;
		run = stop;
		while (run < end && *present_slot(run) == run)
			run += PAGE_SIZE;
	}
	return true;
}

long vm_init_stack(uint64_t top, uint64_t reserve, uint64_t initial)
{
	long status = vm_map(top - reserve, PAGE_SIZE, PROT_NONE, REGION_STACK);

	if (status == 0)
		status = vm_map(top - reserve + PAGE_SIZE, reserve - PAGE_SIZE,
				PROT_READ | PROT_WRITE, REGION_STACK);
	if (status == 0 && !vm_populate(top - initial, initial))
		status = -ENOMEM;
	return status;
}

/* vm_fault's mapping, out of line: the app's errors (a SIGSEGV, often
 * caught) are answered without its register saving. */
static __attribute__((noinline)) enum vm_fault_result
map_around(struct region *region, uint64_t address)
{
	/* The chunk around the page, inside the region: 1 page on the
	 * region's first fault, then 2, 4, 8 and 16 (VM_FAULT_CHUNK), so
	 * that a thread's stack costs a page or two and a big buffer few
	 * faults. A fault on a page already present is a protection fault,
	 * the app's error. */
	uint64_t chunk = PAGE_SIZE << region->faults;
	uint64_t start = page_down(address) & ~(chunk - 1);
	uint64_t end = start + chunk;

	_Static_assert(VM_FAULT_CHUNK == PAGE_SIZE << 4, "faults: up to 4");
	if (chunk < VM_FAULT_CHUNK)
		region->faults++;
	region->populated = true;

	if (start < region->start)
		start = region->start;
	if (end > region->end)
		end = region->end;
	if (region->kind == REGION_FILE || region->copied) {
		uint64_t data_end = file_view_end(region,
						  files_size(region->node));

		if (address >= data_end)
			return VM_FAULT_BUS;
		if (end > data_end)
			end = data_end;
	}
	if (fill(region, start, end - start) == 0) {
		for (uint64_t page = start; page < end; page += PAGE_SIZE)
			*present_slot(page) = page;
		return VM_FAULT_MAPPED;
	}
	long status = fill(region, page_down(address), PAGE_SIZE);

	if (status == 0)
		*present_slot(page_down(address)) = page_down(address);
	if (status == -ENOMEM) {
		libos_report("out of memory: no page for the app's 0x%lx "
			     "(%lu MiB of its memory in use); it is killed, "
			     "as Linux's OOM killer would", address,
			     (unsigned long)(mapped_bytes >> 20));
		return VM_FAULT_OOM;
	}
	return status == 0 ? VM_FAULT_MAPPED : VM_FAULT_ACCERR;
}

/* The last turn vm_fault gave, and how many times running it was the
 * other turn of the one before, for the same page and instruction: an
 * instruction that writes the page it is fetched from. */
static struct {
	uint64_t page, rip;
	uint32_t access;
	unsigned flips;
} last_turn;

/* Whether the instruction at rip, turning `page` for `access`, can never
 * run: it needed the page's other turn just before, twice running. */
static bool needs_both_turns(uint64_t page, uint64_t rip, uint32_t access)
{
	if (page == last_turn.page && rip == last_turn.rip &&
	    access != last_turn.access)
		last_turn.flips++;
	else
		last_turn.flips = 0;
	last_turn.page = page;
	last_turn.rip = rip;
	last_turn.access = access;
	if (last_turn.flips < 2)
		return false;
	libos_report("the app's instruction at 0x%lx writes the page it runs "
		     "from (0x%lx): Wicket maps a page writable or executable, "
		     "never both at once", rip, page);
	return true;
}

/* A W+X region's fault for a write or an instruction fetch: the present
 * page's turn changed (false: the page is absent, to be mapped). */
static bool take_turn(uint64_t address, uint32_t access, uint64_t rip,
		      enum vm_fault_result *result)
{
	uint64_t page = page_down(address);
	unsigned turn = access == PROT_EXEC ? WK_PROT_READ | WK_PROT_EXEC
					    : WK_PROT_READ | WK_PROT_WRITE;

	if (wk_mem_protect((long)page, PAGE_SIZE, turn) != 0)
		return false;
	/* vm_user_ok's answers for writes there no longer hold. */
	if (access == PROT_EXEC)
		forget_checked();
	*result = needs_both_turns(page, rip, access) ? VM_FAULT_ACCERR
						      : VM_FAULT_MAPPED;
	return true;
}

enum vm_fault_result vm_fault(uint64_t address, uint32_t access,
			      uint64_t rip)
{
	struct region *region = find(address);
	enum vm_fault_result turned;

	if (region == NULL ||
	    (region->kind == REGION_STACK && region->prot == PROT_NONE))
		return VM_FAULT_MAPERR;
	if (by_turns(region->prot) && access != PROT_READ &&
	    take_turn(address, access, rip, &turned))
		return turned;
	if (!demand_paged(region) || region->prot == PROT_NONE ||
	    (access & ~region->prot & PROT_WRITE) ||
	    (access & ~region->prot & PROT_EXEC))
		return VM_FAULT_ACCERR;
	return map_around(region, address);
}

bool vm_populate(uint64_t address, uint64_t length)
{
	uint64_t end = page_up(address + length);

	for (uint64_t at = page_down(address); at < end;) {
		struct region *region = find(at);

		if (region == NULL)
			return false;
		uint64_t stop = region->end < end ? region->end : end;

		if (demand_paged(region) && !populate_range(region, at, stop))
			return false;
		at = stop;
	}
	return true;
}

bool vm_page_present(uint64_t page)
{
	const struct region *region = find(page);

	if (region == NULL)
		return false;
	if (!demand_paged(region) || *present_slot(page) == page)
		return true;
	if (!region->populated)
		return false;
	/* The kernel knows: a protection change to what the page has
	 * already is -ENOMEM for an absent page, and changes nothing. */
	if (wk_mem_protect((long)page, PAGE_SIZE,
			   kernel_prot(region->prot)) != 0)
		return false;
	*present_slot(page) = page;
	return true;
}

/* Gives the W+X pages of [start, end), all present, their write turn,
 * for the libOS to write there. */
static void write_turns(uint64_t start, uint64_t end)
{
	for (uint64_t at = start; at < end;) {
		const struct region *region = vm_find(at);
		uint64_t stop = region->end < end ? region->end : end;

		if (by_turns(region->prot)) {
			last_turn.flips = 0;
			wk_mem_protect((long)page_down(at),
				       (long)(page_up(stop) - page_down(at)),
				       WK_PROT_READ | WK_PROT_WRITE);
		}
		at = stop;
	}
}

static __attribute__((noinline)) bool user_ok(uint64_t address,
					      uint64_t length,
					      uint32_t access)
{
	uint64_t end = address + length;
	uint32_t allowed = PROT_READ | PROT_WRITE;

	if (length == 0)
		return true;
	if (end < address || end > APP_LIMIT || address < WK_USER_MIN)
		return false;
	for (uint64_t at = address; at < end;) {
		const struct region *region = vm_find(at);

		if (region == NULL || region->prot == PROT_NONE ||
		    ((access & PROT_WRITE) && !(region->prot & PROT_WRITE)))
			return false;
		/* A W+X page is in its write turn only if made so now. */
		if (!(region->prot & PROT_WRITE) ||
		    (by_turns(region->prot) && !(access & PROT_WRITE)))
			allowed = PROT_READ;
		at = region->end;
	}
	if (!vm_populate(address, length))
		return false;
	if (access & PROT_WRITE)
		write_turns(address, end);
	if (length <= CHECKED_SIZE * PAGE_SIZE / 2)
		for (uint64_t page = page_down(address); page < end;
		     page += PAGE_SIZE) {
			checked[checked_slot(page)].page = page;
			checked[checked_slot(page)].access = allowed;
		}
	vm_last_checked = (struct vm_checked_range){
		page_down(address), page_up(end), allowed };
	return true;
}

/* Up to a few pages, each checked before (with at least this access);
 * the rest, length 0 and a wrap included, the long way. Out of line, so
 * that the one-page case needs no frame. */
static __attribute__((noinline)) bool pages_ok(uint64_t address,
					       uint64_t length,
					       uint32_t access)
{
	uint64_t end = address + length, first = page_down(address);

	if (length - 1 >= CHECKED_SIZE * PAGE_SIZE / 2 || end < address)
		return user_ok(address, length, access);
	uint32_t allowed = PROT_READ | PROT_WRITE;

	for (uint64_t page = first; page < end; page += PAGE_SIZE) {
		unsigned slot = checked_slot(page);

		if (checked[slot].page != page ||
		    (access & ~checked[slot].access) != 0)
			return user_ok(address, length, access);
		allowed &= checked[slot].access;
	}
	vm_last_checked = (struct vm_checked_range){
		page_down(address), page_up(end), allowed };
	return true;
}

bool vm_user_ok_checking(uint64_t address, uint64_t length, uint32_t access)
{
	uint64_t end = address + length, first = page_down(address);

	/* Inside one page (most pointers an app hands over): one slot. */
	if (end - 1 - first < PAGE_SIZE && end > address) {
		unsigned slot = checked_slot(first);

		if (checked[slot].page != first ||
		    (access & ~checked[slot].access) != 0)
			return user_ok(address, length, access);
		vm_last_checked = (struct vm_checked_range){
			first, first + PAGE_SIZE, checked[slot].access };
		return true;
	}
	return pages_ok(address, length, access);
}

void vm_discard(uint64_t address, uint64_t length,
		vm_image_source *original)
{
	static uint8_t page_bytes[PAGE_SIZE];

	uint64_t end = address + length;

	for (uint64_t at = address; at < end;) {
		unsigned index = first_ending_after(at);

		if (index == region_count || regions[index].start >= end)
			return;
		struct region *region = &regions[index];
		if (at < region->start)
			at = region->start;	/* over a gap */
		uint64_t stop = region->end < end ? region->end : end;

		if (region->shared) {
			/* Shared memory keeps its contents. */
		} else if (demand_paged(region)) {
			wk_mem_unmap((long)at, (long)(stop - at));
			forget_present(at, stop);
		} else if (original) {
			/* The image: each page as the file has it, written
			 * through a writable view for the moment (the region
			 * table stays as it is). */
			for (uint64_t page = at; page < stop; page += PAGE_SIZE) {
				original(page, page_bytes);
				if (wk_mem_protect((long)page, PAGE_SIZE,
						   WK_PROT_READ |
							   WK_PROT_WRITE) < 0)
					continue;
				memcpy((void *)page, page_bytes, PAGE_SIZE);
				wk_mem_protect((long)page, PAGE_SIZE,
					       kernel_prot(region->prot));
			}
		}
		at = stop;
	}
}

void vm_file_shrunk(unsigned node, uint64_t size)
{
	for (unsigned i = 0; i < region_count; i++) {
		const struct region *region = &regions[i];
		uint64_t cut = file_view_end(region, size);

		if (region->kind != REGION_FILE || region->node != node ||
		    !region->populated || cut == region->end)
			continue;
		wk_mem_unmap((long)cut, (long)(region->end - cut));
		forget_present(cut, region->end);
	}
}

void vm_file_punched(unsigned node, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < region_count; i++) {
		const struct region *region = &regions[i];
		uint64_t length = region->end - region->start;

		if (region->kind != REGION_FILE || region->node != node ||
		    !region->populated || end <= region->offset ||
		    region->offset + length <= start)
			continue;
		uint64_t from = start > region->offset ? start : region->offset;
		uint64_t to = end < region->offset + length
				      ? end
				      : region->offset + length;

		from = region->start + (from - region->offset);
		to = region->start + (to - region->offset);
		wk_mem_unmap((long)from, (long)(to - from));
		forget_present(from, to);
	}
}

bool vm_file_writable_view(unsigned node)
{
	for (unsigned i = 0; i < region_count; i++)
		if (regions[i].kind == REGION_FILE && regions[i].node == node &&
		    regions[i].may_write)
			return true;
	return false;
}

uint64_t vm_mapped_bytes(void)
{
	return mapped_bytes;
}
