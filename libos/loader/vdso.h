/*
 * The vDSO in the app (libos/vdso/vdso.c answers clock_gettime there
 * without a system call): its data page at APP_VDSO_DATA, a copy of the
 * clocks' parameters (linux/clock.h), then the image; both read-only,
 * the image executable.
 */
#ifndef LIBOS_LOADER_VDSO_H
#define LIBOS_LOADER_VDSO_H

#include <stdint.h>

/* Maps the two and returns the image's address (AT_SYSINFO_EHDR), or 0
 * without memory. After clock_init. */
uint64_t vdso_map(void);

/* For MADV_DONTNEED (app_original_page): if page is one of the vDSO's,
 * writes what it holds when mapped into out (a zeroed page). */
void vdso_original_page(uint64_t page, void *out);

/* The clocks' parameters changed (the app set the real-time clock or the
 * time zone): the data page, if the app left it in place, gets them. */
void vdso_clock_changed(void);

#endif /* LIBOS_LOADER_VDSO_H */
