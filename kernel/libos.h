/*
 * Starting the libOS: the first boot module, loaded by its ELF segments,
 * with the info page, the other modules and a stack (abi.h fixes where).
 */
#ifndef KERNEL_LIBOS_H
#define KERNEL_LIBOS_H

#include <stdint.h>

#include "boot/boot_info.h"
#include "wicket/abi.h"

/* The TSC at the end of each boot stage (abi.h, WK_BOOT_STAGES), filled
 * in by kmain and, for the last, by libos_start. */
extern uint64_t boot_stage_tsc[WK_BOOT_STAGE_COUNT];

/* Loads and enters the libOS in ring 3; never returns. The TSC's frequency
 * and its source (WK_TSC_FROM_*) go into the info page. Without modules it
 * says so and exits 0; a bad image exits WK_EXIT_BAD_IMAGE. */
__attribute__((noreturn)) void libos_start(const struct boot_info *boot,
					   uint64_t boot_tsc, uint64_t tsc_hz,
					   uint32_t tsc_source);

#endif /* KERNEL_LIBOS_H */
