/*
 * Starting the libOS: the first boot module, loaded by its ELF segments,
 * with the info page, the other modules and a stack (abi.h fixes where).
 */
#ifndef KERNEL_LIBOS_H
#define KERNEL_LIBOS_H

#include <stdint.h>

#include "boot/boot_info.h"

/* Loads and enters the libOS in ring 3; never returns. Without modules it
 * says so and exits 0; a bad image exits WK_EXIT_BAD_IMAGE. */
__attribute__((noreturn)) void libos_start(const struct boot_info *boot,
					   uint64_t boot_tsc);

#endif /* KERNEL_LIBOS_H */
