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
 * value for RAX, or NATIVE_KEEP_FRAME when it replaced the frame itself
 * (set_self_state: RAX is then the new state's). */
typedef long (*native_handler)(struct trap_frame *frame);

#define NATIVE_KEEP_FRAME INT64_MIN

/* Indexed by call number - WK_NATIVE_BASE (< WK_NATIVE_COUNT). */
extern const native_handler native_table[WK_NATIVE_COUNT];

#endif /* KERNEL_NATIVE_H */
