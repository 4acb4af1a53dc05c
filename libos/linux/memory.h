/* The app's memory calls (linux/memory.c): the loader tells where brk
 * starts. */
#ifndef LIBOS_LINUX_MEMORY_H
#define LIBOS_LINUX_MEMORY_H

#include <stdint.h>

void memory_set_brk(uint64_t start);

#endif /* LIBOS_LINUX_MEMORY_H */
