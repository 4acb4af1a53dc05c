/*
 * brk, mmap, munmap, mprotect, mremap, madvise, msync, mincore and the
 * mlock family over the region table
 * (mm/vm.h). Shared anonymous memory is the same as private with one
 * process, and /dev/zero maps anonymous memory as on Linux. A private
 * mapping of a regular file (linux/files.c) is a copy of its pages, zeros
 * past its end; a shared one is a view of the file's own pages
 * (REGION_FILE: what is written through it is the file's, and the file's
 * writes show in it), a SIGBUS past the file's last page. Anything that
 * would touch the libOS's part of the address space (APP_LIMIT and up) is
 * refused, and said so once. Memory is committed as by Linux's default
 * heuristic (vm.overcommit_memory 0): one request for more than all of
 * memory is -ENOMEM, anything less is granted and paged on demand.
 */
#include "linux/memory.h"

#include <stdbool.h>

#include "linux/file_data.h"
#include "linux/files.h"
#include "linux/io.h"

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/syscalls.h"
#include "loader/elf.h"
#include "mm/vm.h"
#include "sched/thread.h"
#include "trap/patch.h"

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_32BIT           0x40
#define MAP_NORESERVE       0x4000
#define MAP_FIXED_NOREPLACE 0x100000

#define MREMAP_MAYMOVE   1
#define MREMAP_FIXED     2
#define MREMAP_DONTUNMAP 4

#define MADV_DONTNEED 4

#define LOW_2GIB (UINT64_C(1) << 31)

static uint64_t brk_start, brk_current;
static bool told_about_libos;

void memory_set_brk(uint64_t start)
{
	brk_start = brk_current = start;
}

uint64_t memory_free_bytes(void)
{
	uint64_t total = libos_info->memory_bytes;
	uint64_t used = vm_mapped_bytes() + file_data_bytes();

	return used < total ? total - used : 0;
}

/* Whether [start, start + length) is a page-aligned, non-empty range in
 * the app's part. A range reaching into the libOS's part is reported. */
static bool app_range(uint64_t start, uint64_t length)
{
	uint64_t end = start + length;

	if (start % PAGE_SIZE || length == 0 || end < start ||
	    start < WK_USER_MIN)
		return false;
	if (end > APP_LIMIT) {
		if (!told_about_libos && start < WK_USER_LIMIT) {
			told_about_libos = true;
			libos_report("refused: the app tried to change memory "
				     "at 0x%lx-0x%lx, which belongs to the "
				     "libOS (the app has 0x%lx-0x%lx)", start,
				     end, (uint64_t)WK_USER_MIN,
				     (uint64_t)APP_LIMIT);
		}
		return false;
	}
	return true;
}

/* Rounds a length up to pages; 0 when it overflows. */
/* Linux's heuristic overcommit check (mm/util.c, __vm_enough_memory):
 * whether `length` more bytes of memory the app may write exceed all of
 * memory (there is no swap). */
static bool overcommits(uint64_t length)
{
	return length > libos_info->memory_bytes;
}

static uint64_t page_length(uint64_t length)
{
	return length > UINT64_MAX - PAGE_SIZE ? 0 : page_up(length);
}

long sys_brk(struct wk_regs *regs)
{
	uint64_t wanted = regs->rdi;
	uint64_t old_top = page_up(brk_current);

	if (wanted < brk_start || wanted > APP_LIMIT)
		return (long)brk_current;
	uint64_t new_top = page_up(wanted);

	if (new_top > old_top) {
		if (overcommits(new_top - old_top) ||
		    !vm_range_free(old_top, new_top) ||
		    vm_map(old_top, new_top - old_top, PROT_READ | PROT_WRITE,
			   REGION_HEAP) < 0)
			return (long)brk_current;
	} else if (new_top < old_top) {
		vm_unmap(new_top, old_top - new_top);
	}
	brk_current = wanted;
	return (long)brk_current;
}

/* Whether descriptor fd may be mapped so: 0 with *file the regular file
 * to copy or view (NULL: /dev/zero, anonymous memory), or Linux's error. */
static long mappable(int32_t fd, uint64_t type, uint32_t prot,
		     uint64_t offset, const struct file **file)
{
	const struct file *found = fd < 0 ? NULL : io_file((uint64_t)fd);
	uint32_t mode;

	if (found == NULL || (found->flags & O_PATH))
		return -EBADF;
	if (offset % PAGE_SIZE)
		return -EINVAL;
	if (found->kind == FILE_ZERO)
		return 0;
	if (found->kind != FILE_REGULAR)
		return -ENODEV;
	mode = found->flags & O_ACCMODE;
	if (mode == O_WRONLY || mode == O_ACCMODE ||
	    (type != MAP_PRIVATE && (prot & PROT_WRITE) && mode != O_RDWR))
		return -EACCES;
	if (type != MAP_PRIVATE && (prot & PROT_WRITE) &&
	    files_write_sealed(found->node))
		return -EPERM;
	*file = found;
	return 0;
}

/* A view at address of the file's pages from offset on (REGION_FILE). */
static long map_shared(const struct file *file, uint64_t offset,
		       uint64_t address, uint64_t length, uint32_t prot)
{
	bool may_write = (file->flags & O_ACCMODE) == O_RDWR &&
			 !files_write_sealed(file->node);

	if (offset + length < offset)
		return -EOVERFLOW;
	long status = files_own_data(file->node);

	if (status == 0)
		status = vm_map_file(address, length, prot, file->node, offset,
				     may_write);
	return status < 0 ? status : (long)address;
}

/* A private mapping at address of file `node`'s bytes from offset on:
 * each page copied when first touched (vm_map_copy). */
static long map_copy(unsigned node, uint64_t offset, uint64_t address,
		     uint64_t length, uint32_t prot)
{
	long status = vm_map_copy(address, length, prot, node, offset);

	return status < 0 ? status : (long)address;
}

long sys_mmap(struct wk_regs *regs)
{
	uint64_t address = regs->rdi, length = page_length(regs->rsi);
	uint32_t prot = (uint32_t)regs->rdx;
	uint64_t flags = regs->r10 & 0xffffffff;
	int32_t fd = (int32_t)regs->r8;
	uint64_t type = flags & MAP_TYPE;

	if (regs->rsi == 0 || (type != MAP_SHARED && type != MAP_PRIVATE &&
			       type != MAP_SHARED_VALIDATE))
		return -EINVAL;
	if (length == 0)
		return -ENOMEM;
	/* Linux's mmap ignores the bits it does not know. */
	prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
	const struct file *file = NULL;

	if (!(flags & MAP_ANONYMOUS)) {
		long error = mappable(fd, type, prot, regs->r9, &file);

		if (error)
			return error;
	}
	/* What Linux charges: private memory that may be written, and shared
	 * anonymous memory, unless MAP_NORESERVE. */
	if (!(flags & MAP_NORESERVE) &&
	    ((type == MAP_PRIVATE && (prot & PROT_WRITE)) ||
	     (type != MAP_PRIVATE && file == NULL)) &&
	    overcommits(length))
		return -ENOMEM;

	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);

	if (fixed) {
		if (address % PAGE_SIZE)
			return -EINVAL;
		if (!app_range(address, length))
			return -ENOMEM;
		if (!vm_range_free(address, address + length)) {
			if (flags & MAP_FIXED_NOREPLACE)
				return -EEXIST;
			patch_text_changed(address, length);
			long status = vm_unmap(address, length);

			if (status < 0)
				return status;
		}
	} else {
		uint64_t hint = page_down(address);

		if (hint && hint + length > hint &&
		    vm_range_free(hint, hint + length)) {
			address = hint;
		} else {
			address = vm_find_free(length, (flags & MAP_32BIT)
					       ? LOW_2GIB : APP_MMAP_TOP);
			if (address == 0)
				return -ENOMEM;
		}
	}
	if (file && type != MAP_PRIVATE)
		return map_shared(file, regs->r9, address, length, prot);
	if (file)
		return map_copy(file->node, regs->r9, address, length, prot);
	long status = type == MAP_PRIVATE
		? vm_map(address, length, prot, REGION_ANONYMOUS)
		: vm_map_shared(address, length, prot);

	return status < 0 ? status : (long)address;
}

long sys_munmap(struct wk_regs *regs)
{
	uint64_t address = regs->rdi, length = page_length(regs->rsi);

	if (length == 0 || !app_range(address, length))
		return -EINVAL;
	patch_text_changed(address, length);
	return vm_unmap(address, length);
}

/* mprotect, and pkey_mprotect with key `key`: Linux's checks in its
 * order. PROT_SEM is accepted and means nothing, as on x86 Linux. */
static long protect(const struct wk_regs *regs, int32_t key)
{
	uint64_t address = regs->rdi, length = page_length(regs->rsi);
	uint32_t prot = (uint32_t)regs->rdx;

	if (address % PAGE_SIZE)
		return -EINVAL;
	if (regs->rsi == 0)
		return 0;
	if (length == 0)
		return -ENOMEM;
	if (prot & ~(uint32_t)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	/* No protection keys (Wicket does not turn PKU on), so no key is
	 * ever allocated, as on a Linux CPU without them. */
	if (key != -1)
		return -EINVAL;
	if (!app_range(address, length))
		return -ENOMEM;
	patch_text_changed(address, length);
	return vm_protect_by_app(address, length, prot & ~(uint32_t)PROT_SEM);
}

long sys_mprotect(struct wk_regs *regs)
{
	return protect(regs, -1);
}

long sys_pkey_mprotect(struct wk_regs *regs)
{
	return protect(regs, (int32_t)regs->r10);
}

/* Without PKU, Linux refuses every key: allocating one and freeing one. */
long sys_pkey_alloc(struct wk_regs *regs)
{
	(void)regs;
	return -EINVAL;
}

long sys_pkey_free(struct wk_regs *regs)
{
	(void)regs;
	return -EINVAL;
}

/* Moves [old, old + old_length) to a new mapping of new_length bytes at
 * target (or anywhere when target is 0), copying the contents (a file
 * view: the same view of the file, moved). */
static long move(uint64_t old, uint64_t old_length, uint64_t new_length,
		 uint64_t target)
{
	const struct region region = *vm_find(old); /* the table changes */
	uint32_t prot = region.prot;

	if (target == 0)
		target = vm_find_free(new_length, APP_MMAP_TOP);
	if (target == 0)
		return -ENOMEM;
	if (region.kind == REGION_FILE) {
		long status = vm_map_file(target, new_length, prot, region.node,
					  region.offset + (old - region.start),
					  region.may_write);

		if (status < 0)
			return status;
		vm_unmap(old, old_length);
		return (long)target;
	}
	/* A file's copy goes on being one: what grows is the file's. */
	long status = region.copied
		? map_copy(region.node, region.offset + (old - region.start),
			   target, new_length, PROT_READ | PROT_WRITE)
		: region.shared
		? vm_map_shared(target, new_length, PROT_READ | PROT_WRITE)
		: vm_map(target, new_length, PROT_READ | PROT_WRITE,
			 REGION_ANONYMOUS);

	uint64_t copied = old_length < new_length ? old_length : new_length;

	if (status < 0)
		return status;
	/* A file's copy: its pages up to the file's end, after which there
	 * are none (the new mapping has the same). */
	if (region.copied) {
		uint64_t file_bytes = page_up(files_size(region.node));
		uint64_t from = region.offset + (old - region.start);
		uint64_t present = file_bytes > from ? file_bytes - from : 0;

		if (copied > present)
			copied = present;
	}
	if (!vm_populate(target, copied) || !vm_populate(old, copied)) {
		vm_unmap(target, new_length);
		return -ENOMEM;
	}
	memcpy((void *)target, (const void *)old, copied);
	if (prot != (PROT_READ | PROT_WRITE))
		vm_protect(target, new_length, prot);
	vm_unmap(old, old_length);
	return (long)target;
}

long sys_mremap(struct wk_regs *regs)
{
	uint64_t old = regs->rdi, old_length = page_length(regs->rsi);
	uint64_t new_length = page_length(regs->rdx), flags = regs->r10;
	uint64_t target = regs->r8;

	if (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED |
				MREMAP_DONTUNMAP) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) ||
	    old % PAGE_SIZE || regs->rdx == 0 || new_length == 0)
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL; /* needs shared pages: not supported */
	if (old_length == 0)
		return -EINVAL; /* duplicating a shared mapping: none here */
	if (!app_range(old, old_length))
		return -EFAULT;

	/* The old range must be one region, with pages behind it. */
	const struct region *region = vm_find(old);

	if (region == NULL || region->end < old + old_length ||
	    region->kind == REGION_STACK ||
	    (region->kind != REGION_FILE && !region->copied &&
	     !vm_user_ok(old, old_length, PROT_NONE)) ||
	    (old_length < new_length && region->prot == PROT_NONE))
		return -EFAULT;

	if (new_length > old_length && region->kind != REGION_FILE &&
	    (region->prot & PROT_WRITE) && overcommits(new_length - old_length))
		return -ENOMEM;
	patch_text_changed(old, old_length);
	if (flags & MREMAP_FIXED) {
		if (target % PAGE_SIZE || !app_range(target, new_length) ||
		    (target < old + old_length && old < target + new_length))
			return -EINVAL;
		patch_text_changed(target, new_length);
		vm_unmap(target, new_length);
		return move(old, old_length, new_length, target);
	}
	if (new_length <= old_length) {
		vm_unmap(old + new_length, old_length - new_length);
		return (long)old;
	}
	uint64_t grow_from = old + old_length;

	if (grow_from + (new_length - old_length) <= APP_LIMIT &&
	    vm_range_free(grow_from, old + new_length)) {
		uint32_t prot = region->prot;
		uint64_t offset = region->offset + (grow_from - region->start);
		long status = region->kind == REGION_FILE
			? vm_map_file(grow_from, new_length - old_length, prot,
				      region->node, offset, region->may_write)
			: region->copied
			? map_copy(region->node, offset, grow_from,
				   new_length - old_length, prot)
			: region->shared
			? vm_map_shared(grow_from, new_length - old_length,
					prot)
			: vm_map(grow_from, new_length - old_length, prot,
				 (enum region_kind)region->kind);

		if (status < 0)
			return status;
		return (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	return move(old, old_length, new_length, 0);
}

/* Whether regions cover [address, address + length) without a gap. */
static bool covered(uint64_t address, uint64_t length)
{
	uint64_t at = address;

	while (at < address + length && vm_find(at))
		at = vm_find(at)->end;
	return at >= address + length;
}

/* The page-aligned range of madvise, msync and mincore: 0 if it may go
 * on, else -EINVAL (not aligned) or -ENOMEM (not all mapped); *length is
 * rounded up to pages. */
static long aligned_range(uint64_t address, uint64_t *length)
{
	uint64_t asked = *length;

	*length = page_length(asked);
	if (address % PAGE_SIZE)
		return -EINVAL;
	if (asked != 0 && (*length == 0 || !app_range(address, *length) ||
			   !covered(address, *length)))
		return -ENOMEM;
	return 0;
}

long sys_madvise(struct wk_regs *regs)
{
	uint64_t address = regs->rdi, length = regs->rsi;
	int advice = (int)regs->rdx;

	if (advice < 0 || advice > 100)
		return -EINVAL;
	long status = aligned_range(address, &length);

	/* As Linux: a range with gaps is -ENOMEM, but the advice is taken
	 * for its mapped parts all the same. */
	if (status == -EINVAL || length == 0 ||
	    (status == -ENOMEM && !app_range(address, length)))
		return status;
	if (advice == MADV_DONTNEED) {
		patch_text_changed(address, length);
		vm_discard(address, length, app_original_page);
	}
	return status;
}

/* msync: every mapping is memory or a copy (a file's shared mapping is
 * read-only), so there is nothing to write back. */
#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

long sys_msync(struct wk_regs *regs)
{
	uint64_t length = regs->rsi, flags = regs->rdx;

	if ((flags & ~(uint64_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	return aligned_range(regs->rdi, &length);
}

/* mincore: a byte per page, 1 when it is present (the demand pager maps
 * a chunk at a time, so a page next to one touched may be present too,
 * as a page the kernel read ahead is on Linux). */
long sys_mincore(struct wk_regs *regs)
{
	uint64_t address = regs->rdi, length = regs->rsi;
	long status = aligned_range(address, &length);
	uint64_t pages = length / PAGE_SIZE;

	if (status < 0 || pages == 0)
		return status;
	if (!vm_user_ok(regs->rdx, pages, PROT_WRITE))
		return -EFAULT;
	uint8_t *vector = (uint8_t *)regs->rdx;

	for (uint64_t i = 0; i < pages; i++)
		vector[i] = vm_page_present(address + i * PAGE_SIZE);
	return 0;
}

/* mlock and mlock2 make the range's accessible pages present (memory
 * never leaves, so it stays locked), MLOCK_ONFAULT leaving them to the
 * app's first touch; munlock, mlockall and munlockall only check their
 * arguments (mlockall does not make every reserved page present). */
#define MLOCK_ONFAULT 1
#define MCL_CURRENT   1
#define MCL_FUTURE    2
#define MCL_ONFAULT   4

static long lock_range(uint64_t address, uint64_t length, bool populate)
{
	uint64_t start = page_down(address);
	uint64_t end = page_length(address - start + length);

	if (length == 0)
		return 0;
	if (end == 0 || !app_range(start, end) || !covered(start, end))
		return -ENOMEM;
	end += start;
	for (uint64_t at = start; populate && at < end;) {
		const struct region *region = vm_find(at);
		uint64_t stop = region->end < end ? region->end : end;

		if (region->prot != PROT_NONE && !vm_populate(at, stop - at))
			return -ENOMEM;
		at = stop;
	}
	return 0;
}

long sys_mlock(struct wk_regs *regs)
{
	return lock_range(regs->rdi, regs->rsi, true);
}

long sys_mlock2(struct wk_regs *regs)
{
	if (regs->rdx & ~(uint64_t)MLOCK_ONFAULT)
		return -EINVAL;
	return lock_range(regs->rdi, regs->rsi, !(regs->rdx & MLOCK_ONFAULT));
}

long sys_munlock(struct wk_regs *regs)
{
	return lock_range(regs->rdi, regs->rsi, false);
}

long sys_mlockall(struct wk_regs *regs)
{
	uint64_t flags = regs->rdi;

	if (flags == 0 || flags == MCL_ONFAULT ||
	    (flags & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)))
		return -EINVAL;
	return 0;
}

long sys_munlockall(struct wk_regs *regs)
{
	(void)regs;
	return 0;
}

/* process_vm_readv and process_vm_writev: the one process's own memory
 * (its pid, or any of its threads' tids), copied between the local and
 * the "remote" vectors in order, as Linux's process_vm_rw: a page it
 * cannot reach, remote or local, ends the copy (the bytes so far, else
 * -EFAULT). */
#define PROCESS_VM_IOV_MAX 1024

static long process_vm(const struct wk_regs *regs, bool write)
{
	int32_t pid = (int32_t)regs->rdi;
	uint64_t local = regs->rsi, local_count = regs->rdx;
	uint64_t remote = regs->r10, remote_count = regs->r8;
	uint64_t done = 0;

	if (regs->r9 != 0 || local_count > PROCESS_VM_IOV_MAX ||
	    remote_count > PROCESS_VM_IOV_MAX)
		return -EINVAL;
	if (!vm_user_ok(local, local_count * sizeof(struct iovec), PROT_READ) ||
	    !vm_user_ok(remote, remote_count * sizeof(struct iovec),
			PROT_READ))
		return -EFAULT;
	const struct iovec *mine = (const struct iovec *)local;
	const struct iovec *theirs = (const struct iovec *)remote;

	if (pid != LINUX_PID && (pid <= 0 || thread_find(pid) == NULL))
		return -ESRCH;
	for (uint64_t r = 0, l = 0, l_at = 0; r < remote_count && l < local_count;
	     r++) {
		for (uint64_t r_at = 0; r_at < theirs[r].length &&
					l < local_count;) {
			uint64_t piece = theirs[r].length - r_at;
			uint64_t room = mine[l].length - l_at;

			if (piece > room)
				piece = room;
			uint64_t from = theirs[r].base + r_at;
			uint64_t to = mine[l].base + l_at;

			/* A page at a time, as Linux pins and copies them: a
			 * copy stops at the first page it cannot reach. */
			if (piece > PAGE_SIZE - from % PAGE_SIZE)
				piece = PAGE_SIZE - from % PAGE_SIZE;
			if (piece > PAGE_SIZE - to % PAGE_SIZE)
				piece = PAGE_SIZE - to % PAGE_SIZE;

			if (piece && (!vm_user_ok(from, piece, write ? PROT_WRITE
								 : PROT_READ) ||
				      !vm_user_ok(to, piece, write ? PROT_READ
								 : PROT_WRITE)))
				return done ? (long)done : -EFAULT;
			if (write)
				memmove((void *)from, (const void *)to, piece);
			else
				memmove((void *)to, (const void *)from, piece);
			done += piece;
			r_at += piece;
			l_at += piece;
			if (l_at == mine[l].length) {
				l++;
				l_at = 0;
			}
		}
	}
	return (long)done;
}

long sys_process_vm_readv(struct wk_regs *regs)
{
	return process_vm(regs, false);
}

long sys_process_vm_writev(struct wk_regs *regs)
{
	return process_vm(regs, true);
}
