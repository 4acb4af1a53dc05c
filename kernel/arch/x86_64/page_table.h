/*
 * Page-table entry bits (Intel SDM vol. 3A, 4.5), shared by boot.S and C.
 */
#ifndef KERNEL_ARCH_X86_64_PAGE_TABLE_H
#define KERNEL_ARCH_X86_64_PAGE_TABLE_H

#define PTE_PRESENT  0x1
#define PTE_WRITABLE 0x2
#define PTE_USER     0x4
#define PTE_WRITE_THROUGH 0x8  /* PWT: with PCD, UC; alone, WC (paging_init) */
#define PTE_CACHE_DISABLE 0x10 /* PCD */
#define PTE_HUGE     0x80   /* a 2 MiB or 1 GiB page, in a PD or PDPT */
#define PTE_GLOBAL   0x100
#define PTE_SOFT_NONE 0x200 /* software: a user page mapped with no access */

#ifndef __ASSEMBLER__
#define PTE_NX      (1ull << 63)
#define PTE_ADDRESS 0x000ffffffffff000ull
#endif

#endif /* KERNEL_ARCH_X86_64_PAGE_TABLE_H */
