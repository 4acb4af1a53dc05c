/*
 * The native calls' kernel side: one handler per entry of WK_NATIVE_CALLS
 * (abi.h), in a table generated from that list.
 */
#ifndef KERNEL_NATIVE_H
#define KERNEL_NATIVE_H

#include <stdint.h>

struct trap_frame;

#include "wicket/abi.h"

/* A handler takes its arguments from the frame's registers and returns the
 * value for RAX. One that replaces the frame (set_self_state) returns the
 * new state's RAX. */
typedef long (*native_handler)(struct trap_frame *frame);

/* Indexed by call number - WK_NATIVE_BASE (< WK_NATIVE_COUNT). */
extern const native_handler native_table[WK_NATIVE_COUNT];

#endif /* KERNEL_NATIVE_H */
