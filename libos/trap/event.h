/*
 * The event handler: every kernel event (abi.h, "Events") comes here on
 * the upcall stack with events masked, and leaves by resuming the app with
 * set_self_state(WK_UNMASK).
 */
#ifndef LIBOS_TRAP_EVENT_H
#define LIBOS_TRAP_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "wicket/abi.h"

/* The assembly entry (start.S). */
void event_entry(void);

/* Whether an event interrupted event_resume's user-mode path, after it
 * unmasked events: the thread's state is then still the one it was
 * resuming. */
bool event_interrupted_resume(const struct wk_regs *frame);

/* Resumes the app in *regs, unmasking events: in user mode when it can
 * (start.S: resume_in_user_mode), else through set_self_state. Does not
 * return. */
__attribute__((noreturn)) void event_resume(struct wk_regs *regs);

#endif /* LIBOS_TRAP_EVENT_H */
