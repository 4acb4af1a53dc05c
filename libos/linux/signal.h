/*
 * POSIX signals, the part issue #5 needs: the process's actions and mask
 * (rt_sigaction, rt_sigprocmask), signals raised by the app (kill, tkill,
 * tgkill, ^C on the console) and by exceptions, and the default actions.
 * Running the app's handlers arrives with issue #7; until then a signal
 * whose action is a handler ends the app like the default action, saying
 * so.
 */
#ifndef LIBOS_LINUX_SIGNAL_H
#define LIBOS_LINUX_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "wicket/abi.h"

#define SIGHUP  1
#define SIGINT  2
#define SIGQUIT 3
#define SIGILL  4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS  7
#define SIGFPE  8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGSTOP 19
#define SIGSYS  31
#define SIGNAL_MAX 64

/* A signal for the whole process (kill, ^C): pending while blocked, else
 * its action now (which may end the run). */
void signal_raise_process(int signal);

/* A synchronous signal from an exception in the app: blocking or ignoring
 * it does not apply (as on Linux, the action is reset to the default).
 * fault_address is printed when has_address. Does not return. */
__attribute__((noreturn)) void signal_force(int signal, const struct wk_regs *regs,
					    bool has_address,
					    uint64_t fault_address);

/* "SIGSEGV" and so on ("signal 40" past the named ones). */
const char *signal_name(int signal, char *scratch, unsigned scratch_size);

#endif /* LIBOS_LINUX_SIGNAL_H */
