/* The app's memory calls (linux/memory.c): the loader tells where brk
 * starts. */
#ifndef LIBOS_LINUX_MEMORY_H
#define LIBOS_LINUX_MEMORY_H

#include <stdint.h>

void memory_set_brk(uint64_t start);

/* The guest's usable memory not yet holding the app's pages or the file
 * tree's bytes (sysinfo, /proc/meminfo, statfs). */
uint64_t memory_free_bytes(void);

#endif /* LIBOS_LINUX_MEMORY_H */
