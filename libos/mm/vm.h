/*
 * The app's address space as the libOS keeps it: a sorted table of
 * regions mirroring what the kernel has mapped in [WK_USER_MIN, APP_LIMIT).
 * Every Linux memory call goes through here, and so does every check of a
 * pointer the app hands the libOS (vm_user_ok): the libOS runs with events
 * masked, where touching an unmapped page is a fatal libOS double fault,
 * so it never dereferences an app pointer this table has not vouched for.
 *
 * Protections are Linux's PROT_* bits. The app's image is mapped when it
 * is loaded; every other region (brk, mmap, the stack) is demand-paged:
 * the kernel maps a zeroed chunk the first time the app touches it (a page
 * fault event, vm_fault), or when the libOS is about to (vm_user_ok).
 *
 * W+X by turns: the kernel never maps a page writable and executable at
 * once, but Linux lets the app ask for both (a JIT's code buffer). Such a
 * region's present pages are each read-write or read-execute, their turn,
 * changed by the fault that needs the other (vm_fault) or by the libOS
 * about to write there (vm_user_ok). A page starts in its write turn.
 */
#ifndef LIBOS_MM_VM_H
#define LIBOS_MM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

#define PROT_NONE  0x0
#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4
#define PROT_SEM   0x8 /* accepted, meaning nothing (x86) */

enum region_kind {
	REGION_IMAGE,     /* the app's PT_LOAD segments: mapped at once */
	REGION_STACK,     /* the main stack (its lowest page: a guard) */
	REGION_HEAP,      /* brk */
	REGION_ANONYMOUS, /* mmap; `copied`: a private mapping of a file,
			     each page a copy of the file's bytes made when
			     it is first touched; past the file's last page
			     a SIGBUS */
	REGION_FILE,      /* a shared mapping of a regular file: its pages
			     are the file's own (mem_share of its data
			     slot), demand-paged; past the file's end a
			     SIGBUS */
};

/* The most regions the app may have (/proc/sys/vm/max_map_count). */
#define VM_REGIONS_MAX 4096

struct region {
	uint64_t start, end; /* page-aligned, start < end */
	uint64_t offset;     /* REGION_FILE, copied: the file's offset at
				start */
	uint32_t prot;       /* PROT_* */
	uint16_t node;       /* REGION_FILE, copied: the file, held
				(files_hold) */
	uint8_t kind;        /* enum region_kind */
	bool populated;      /* demand-paged: pages may be present */
	uint8_t faults;      /* demand-paged: faults so far, up to 4 (each
				maps twice the pages of the one before) */
	bool may_write;      /* REGION_FILE: PROT_WRITE may be given (the
				descriptor was writable and no seal said
				no) */
	bool copied;         /* REGION_ANONYMOUS: of file `node` (/proc's
				maps names it; MADV_DONTNEED drops its
				pages, to be copied again when touched) */
	bool shared;         /* REGION_ANONYMOUS: MAP_SHARED. One process
				shares it with no one, but MADV_DONTNEED
				keeps its contents, as Linux's shared
				memory does, and maps says s */
	bool writable_once;  /* mapped writable (vm_map_copy) or made so
				by the app (vm_protect_by_app) at some time:
				as Linux's VM_ACCOUNT, which keeps a private
				mapping of a file (a library's RELRO made
				read-only) a line of its own in maps */
};

/* Makes the stack region [top - reserve, top): its lowest page a
 * PROT_NONE guard, the rest demand-paged, the top `initial` bytes mapped
 * now. Returns 0 or a negative errno. */
long vm_init_stack(uint64_t top, uint64_t reserve, uint64_t initial);

/* Whether [start, end) is inside the app's part of the address space and
 * holds no region. */
bool vm_range_free(uint64_t start, uint64_t end);

/* Maps [start, start + length) (page-aligned, free) as a new region.
 * Returns 0, -ENOMEM (no pages or no table slot) or -EINVAL. */
long vm_map(uint64_t start, uint64_t length, uint32_t prot,
	    enum region_kind kind);

/* The same for MAP_SHARED|MAP_ANONYMOUS: a REGION_ANONYMOUS region,
 * `shared`. */
long vm_map_shared(uint64_t start, uint64_t length, uint32_t prot);

/* Maps [start, start + length) (page-aligned, free) as a REGION_FILE view
 * of regular file `node` from `offset` (page-aligned), whose data the
 * file owns (files_own_data). Returns 0, -ENOMEM, -EINVAL or -EACCES. */
long vm_map_file(uint64_t start, uint64_t length, uint32_t prot,
		 unsigned node, uint64_t offset, bool may_write);

/* Maps [start, start + length) (page-aligned, free) as a private
 * mapping of regular file `node` from `offset`: a REGION_ANONYMOUS
 * region, `copied`, demand-paged, each page the file's bytes when first
 * touched (zeros past the file's end in its last page). Returns 0,
 * -ENOMEM or -EINVAL. */
long vm_map_copy(uint64_t start, uint64_t length, uint32_t prot,
		 unsigned node, uint64_t offset);

/* File `node`'s data now ends at `size`: the pages of its views that lie
 * wholly past it go (a SIGBUS when touched, as on Linux). */
void vm_file_shrunk(unsigned node, uint64_t size);

/* The pages of file `node`'s [start, end) (page multiples) became holes:
 * its views' pages there go, and are its holes' new pages when touched. */
void vm_file_punched(unsigned node, uint64_t start, uint64_t end);

/* Whether some view of `node` may be written (F_SEAL_WRITE's -EBUSY). */
bool vm_file_writable_view(unsigned node);

/* Unmaps whatever regions overlap [start, start + length), splitting them
 * at the edges. Returns 0 or -ENOMEM (no table slot for a split). */
long vm_unmap(uint64_t start, uint64_t length);

/* Changes the protection of [start, start + length). Returns 0, -ENOMEM
 * (a hole, or no slot), -EACCES (PROT_WRITE on a file view that may not
 * be written) or the kernel's error. As Linux's mprotect, a hole or a
 * view that refuses ends the call with what comes before it changed. */
long vm_protect(uint64_t start, uint64_t length, uint32_t prot);

/* The same for the app's mprotect: a region given PROT_WRITE becomes
 * writable_once (the libOS's own changes, such as call-site rewriting's
 * writes to a text, do not count). */
long vm_protect_by_app(uint64_t start, uint64_t length, uint32_t prot);

/* The highest page-aligned address a with [a, a + length) free and
 * a + length <= below, or 0 when there is none. */
uint64_t vm_find_free(uint64_t length, uint64_t below);

/* The region containing address, or NULL. */
const struct region *vm_find(uint64_t address);

/* The regions in address order, for /proc/self/maps: the index'th, or
 * NULL past the last. */
const struct region *vm_region(unsigned index);

/* vm_user_ok's way when the last range does not answer (vm.c). */
bool vm_user_ok_checking(uint64_t address, uint64_t length, uint32_t access);

/* The last range vm_user_ok passed (whole pages, with the access their
 * regions allow): a frame, a buffer or a futex word handed over again
 * and again is answered inline. Forgotten whenever a region or a
 * present page changes, as vm.c's cache of single pages. */
struct vm_checked_range {
	uint64_t start, end;
	uint32_t access;
};
extern struct vm_checked_range vm_last_checked;

/* Whether the app may hand the libOS [address, address + length) for
 * reading (PROT_READ) or writing (PROT_WRITE): inside mapped regions
 * with that access, the stack grown to cover it if needed. A zero length
 * is always fine. */
static inline bool vm_user_ok(uint64_t address, uint64_t length,
			      uint32_t access)
{
	const struct vm_checked_range *last = &vm_last_checked;

	if (address - last->start < last->end - last->start &&
	    length <= last->end - address && (access & ~last->access) == 0)
		return true;
	return vm_user_ok_checking(address, length, access);
}

/* What vm_fault made of a page fault: resolved, or the app's own error,
 * a SIGSEGV with the si_code Linux gives. */
enum vm_fault_result {
	VM_FAULT_MAPPED, /* the page is there now: the app runs on */
	VM_FAULT_ACCERR, /* a region forbids the access (or the page was
			    present already) */
	VM_FAULT_MAPERR, /* no region there, or the main stack's guard,
			    which Linux has as a gap */
	VM_FAULT_BUS,    /* a file view's or copy's page wholly past the
			    file's end: SIGBUS, BUS_ADRERR */
	VM_FAULT_OOM,    /* no memory left for the page (reported): the
			    app is killed, as by Linux's OOM killer */
};

/* Handles the app's page fault at address (access: PROT_READ, PROT_WRITE
 * or PROT_EXEC) by the instruction at rip: a W+X page's turn changed, or
 * the demand-paged chunk around it mapped (of a file view: up to the
 * file's end). An instruction that needs its own W+X page's two turns at
 * once (it writes the page it runs from) is reported, a VM_FAULT_ACCERR. */
enum vm_fault_result vm_fault(uint64_t address, uint32_t access,
			      uint64_t rip);

/* Makes [address, address + length) of a demand-paged region present,
 * for the libOS to touch. False if no memory is left. */
bool vm_populate(uint64_t address, uint64_t length);

/* Whether the page at `page` (page-aligned) is mapped in a region and
 * present: mincore's answer. A demand-paged page the libOS has not seen
 * costs a kernel call. */
bool vm_page_present(uint64_t page);

/* Fills the page at address with what the app's file has there (zero
 * beyond the file's bytes). */
typedef void vm_image_source(uint64_t page, void *out);

/* Makes the parts of [address, address + length) that regions cover read
 * as they were first (MADV_DONTNEED on private memory): demand-paged
 * pages are dropped (zero again, or a copied file's bytes as they are
 * when next touched), image pages written from `original`; shared
 * memory is left as it is. */
void vm_discard(uint64_t address, uint64_t length,
		vm_image_source *original);

/* Bytes the libOS has had the kernel map for the app (an estimate: a
 * demand-paged range that is unmapped counts as fully present). */
uint64_t vm_mapped_bytes(void);

#endif /* LIBOS_MM_VM_H */
