/*
 * The event handler: every kernel event (abi.h, "Events") comes here on
 * the upcall stack with events masked, and leaves by resuming the app with
 * set_self_state(WK_UNMASK).
 */
#ifndef LIBOS_TRAP_EVENT_H
#define LIBOS_TRAP_EVENT_H

#include <stdint.h>

#include "wicket/abi.h"

/* The assembly entry (start.S). */
void event_entry(void);

/* Resumes the app in *regs, unmasking events. Does not return. */
__attribute__((noreturn)) void event_resume(struct wk_regs *regs);

#endif /* LIBOS_TRAP_EVENT_H */
