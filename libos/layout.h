/*
 * The libOS's view of the user half (docs/libos.md has the map). The app
 * owns [WK_USER_MIN, APP_LIMIT); everything from APP_LIMIT up belongs to
 * the libOS and the kernel (the libOS image at WK_LIBOS_BASE, the info
 * page, the modules, the boot stack), and Linux calls that would map,
 * unmap or re-protect it are refused.
 */
#ifndef LIBOS_LAYOUT_H
#define LIBOS_LAYOUT_H

#include <stdint.h>

#include "wicket/abi.h"

#define APP_LIMIT          UINT64_C(0x00007e0000000000)

/* The app's stack: APP_STACK_MAX bytes reserved below APP_STACK_TOP, the
 * top APP_STACK_INITIAL mapped at start, the rest demand-paged like any
 * region (mm/vm.c), the lowest page a PROT_NONE guard. */
#define APP_STACK_TOP      0x00007dff00000000
#define APP_STACK_MAX      (UINT64_C(8) << 20)
#define APP_STACK_INITIAL  (UINT64_C(128) << 10)

/* The vDSO (loader/vdso.c): its data page, then its image, above the
 * stack with a page between. */
#define APP_VDSO_DATA      (APP_STACK_TOP + PAGE_SIZE)

/* mmap without an address searches down from here. */
#define APP_MMAP_TOP       (APP_STACK_TOP - APP_STACK_MAX - (UINT64_C(1) << 30))

/* Where a static PIE is loaded (its lowest segment), as Linux does
 * without address-space randomisation. */
#define APP_PIE_BASE       0x0000555555554000

/* The libOS's own pages: the vCPU page, then a guard page, then the
 * upcall stack. */
#define LIBOS_VCPU_ADDRESS 0x00007f8000000000
#define LIBOS_UPCALL_STACK_BOTTOM 0x00007f8000002000
#define LIBOS_UPCALL_STACK_BYTES  (UINT64_C(64) << 10)

/* Four pages per thread slot: a guard, its fast-call stack, its FPU save
 * area and its pending signals' information (sched/thread.c). */
#define LIBOS_THREAD_PAGES 0x00007f8100000000

/* The branch-target bitmaps of call-site rewriting (trap/patch.c): a
 * 256 MiB window for each of its 16 texts. */
#define LIBOS_PATCH_BITMAP 0x00007f8200000000

/* The pipes' buffers, 64 KiB of address space per slot, their pages
 * mapped as bytes reach them (linux/pipe.c, lib/ring.h). */
#define LIBOS_PIPE_BUFFERS 0x00007f8300000000

/* The sockets' receive rings, 256 KiB of address space per slot, their
 * pages mapped as bytes reach them (linux/socket.c, lib/ring.h). */
#define LIBOS_SOCKET_BUFFERS 0x00007f8600000000

/* The epoll instances' interests: a window for each instance, mapped as
 * its count grows (linux/poll.c). */
#define LIBOS_EPOLL_INTERESTS 0x00007f8700000000

/* The inotify instances' event queues, 4.25 MiB of address space each,
 * mapped as they first fill (linux/inotify.c). */
#define LIBOS_INOTIFY_QUEUES 0x00007f8740000000

/* The POSIX message queues' messages, 4 MiB of address space each,
 * mapped when a queue is made (linux/mqueue.c). */
#define LIBOS_MQUEUES 0x00007f8780000000

/* The System V message queues' messages, 4 MiB of address space each,
 * mapped as they fill (linux/sysv_msg.c). */
#define LIBOS_SYSV_MESSAGES 0x00007f87c0000000

/* The written files' bytes, FILE_DATA_SLOT (128 MiB) of address space
 * per node number, and their names, 256 bytes per node number; pages are
 * mapped as they are needed (linux/file_data.c). */
#define LIBOS_FILE_DATA  0x00007e0000000000
#define LIBOS_FILE_NAMES 0x00007f8400000000

/* The large files' bytes: FILE_LARGE_SLOTS slots of FILE_SIZE_MAX bytes
 * of address space, up to WK_INFO_ADDRESS; a file moves into one when it
 * grows past its data slot (linux/file_data.c). */
#define LIBOS_FILE_LARGE 0x00007f9000000000

/* The files' extended attributes: 256 KiB of address space per node
 * number, mapped as they grow (linux/xattr.c). */
#define LIBOS_FILE_ATTRIBUTES 0x00007f8c00000000

/* The sparse files' hole bitmaps: a bit per page of FILE_SIZE_MAX, 1 MiB
 * of address space per node number, mapped as a file's span needs
 * (linux/file_data.c). */
#define LIBOS_FILE_HOLES 0x00007f8800000000
/* The file tree's node table, mapped as it grows (linux/files.c). */
#define LIBOS_FILE_NODES 0x00007f8500000000

/* The idle context's stack (sched/sched.c). */
#define LIBOS_IDLE_STACK_BOTTOM 0x00007f8000020000
#define LIBOS_IDLE_STACK_BYTES  (UINT64_C(16) << 10)

#define PAGE_SIZE WK_PAGE_SIZE

static inline uint64_t page_down(uint64_t address)
{
	return address & ~(uint64_t)(PAGE_SIZE - 1);
}

static inline uint64_t page_up(uint64_t address)
{
	return page_down(address + PAGE_SIZE - 1);
}

#endif /* LIBOS_LAYOUT_H */
