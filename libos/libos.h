/*
 * State the whole libOS shares, set once by libos_main (main.c) before the
 * app runs, and the ways out.
 */
#ifndef LIBOS_LIBOS_H
#define LIBOS_LIBOS_H

#include <stdbool.h>
#include <stdint.h>

#include "wicket/abi.h"

extern const struct wk_info *libos_info;
extern struct wk_vcpu *libos_vcpu;

/* The exit statuses the libOS itself chooses (abi.h has the kernel's). */
#define LIBOS_EXIT_BAD_APP WK_EXIT_BAD_IMAGE /* no app, or a refused ELF */

/* Ends the run with status & 0xff (the native exit call). */
__attribute__((noreturn)) void libos_exit(int status);

/* Prints "wicket: " and the formatted message, then a newline. */
void libos_report(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

/* Whether the CPU (and the kernel) gave us feature WK_CPU_*. */
static inline bool libos_has(uint32_t feature)
{
	return (libos_info->cpu_features & feature) != 0;
}

/* Whether the kernel gave us device feature WK_DEVICE_*. */
static inline bool libos_has_device(uint32_t device)
{
	return (libos_info->devices & device) != 0;
}

static inline uint64_t rdtsc(void)
{
	uint32_t low, high;

	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return ((uint64_t)high << 32) | low;
}

#endif /* LIBOS_LIBOS_H */
