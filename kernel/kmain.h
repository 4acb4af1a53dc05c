/*
 * The kernel's C entry, called by boot.S on the early page tables and the
 * boot stack with interrupts off: `protocol` is an enum boot_protocol value,
 * `info_address` the physical address of the loader's information (the
 * multiboot2 MBI or the PVH start info). Never returns.
 */
#ifndef KERNEL_KMAIN_H
#define KERNEL_KMAIN_H

#include <stdint.h>

__attribute__((noreturn)) void kmain(uint32_t protocol, uint32_t info_address);

#endif /* KERNEL_KMAIN_H */
