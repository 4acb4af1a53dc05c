/*
 * The native calls' kernel side: one handler per entry of WK_NATIVE_CALLS
 * (abi.h), in a table generated from that list.
 */
#ifndef KERNEL_NATIVE_H
#define KERNEL_NATIVE_H

#include <stdint.h>

struct trap_frame;

/* Runs native call `index` (< WK_NATIVE_COUNT) with the arguments in
 * `frame`; returns the value for RAX. */
long native_call(uint64_t index, struct trap_frame *frame);

#endif /* KERNEL_NATIVE_H */
