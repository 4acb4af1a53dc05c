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

/* Prints why the boot cannot go on (a printf format and its arguments, the
 * whole line) and exits with WK_EXIT_BAD_BOOT. */
__attribute__((noreturn, format(printf, 1, 2)))
void boot_fail(const char *fmt, ...);

/*
 * The self-tests of the test kernel (wicket-test.elf, tests/kernel/): run
 * once the kernel is up, before the libOS, with the command line. Weak and
 * undefined, so null, in the product kernel.
 */
__attribute__((weak)) void kernel_selftest(const char *cmdline);

#endif /* KERNEL_KMAIN_H */
