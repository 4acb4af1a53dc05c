/*
 * The kernel's virtual and physical layout, shared by C and assembly; the
 * linker script repeats KERNEL_VMA and KERNEL_PHYS_BASE, and paging.c checks
 * the linker's symbols against them at boot.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff  user half (empty until #3)
 *   0xffff800000000000 ..                     direct map of physical memory (NX)
 *   0xffffff0000000000 ..                     kernel stacks, each below a guard page
 *   0xffffffff80000000 + phys                 the kernel image (text RX, rodata R,
 *                                             data and bss RW, all but text NX)
 */
#ifndef KERNEL_ARCH_X86_64_LAYOUT_H
#define KERNEL_ARCH_X86_64_LAYOUT_H

#define KERNEL_VMA          0xffffffff80000000
#define KERNEL_PHYS_BASE    0x100000
#define DIRECT_MAP_BASE     0xffff800000000000
#define KERNEL_STACK_AREA   0xffffff0000000000
#define KERNEL_STACK_STRIDE 0x10000 /* 64 KiB of address space per stack */

/* Early page tables map this much at identity and at DIRECT_MAP_BASE. */
#define EARLY_MAP_BYTES     0x100000000 /* 4 GiB */

#define BOOT_STACK_BYTES    16384

/* The values boot.S passes to kmain as the protocol; kmain.c checks that
 * they equal enum boot_protocol. */
#define BOOT_ENTRY_MULTIBOOT2 1
#define BOOT_ENTRY_PVH        2

/* Segment selectors; the order is the one SYSRET needs (user32 code, user
 * data, user64 code at STAR[63:48] + 0, + 8, + 16). */
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_CODE32 0x18
#define GDT_USER_DATA   0x20
#define GDT_USER_CODE64 0x28
#define GDT_TSS         0x30

#endif /* KERNEL_ARCH_X86_64_LAYOUT_H */
