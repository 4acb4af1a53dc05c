/*
 * The native calls' kernel side: one case per entry of WK_NATIVE_CALLS
 * (abi.h).
 */
#ifndef KERNEL_NATIVE_H
#define KERNEL_NATIVE_H

#include "wicket/abi.h"

struct trap_frame;

/* Runs `call` (a number of the list) with the arguments in the frame's
 * registers and returns the value for RAX. One that replaces the frame
 * (set_self_state) returns the new state's RAX. */
long native_call(struct trap_frame *frame, enum wk_call call);

#endif /* KERNEL_NATIVE_H */
