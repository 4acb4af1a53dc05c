/*
 * The kernel <-> libOS contract (DESIGN.md section 3). Self-contained: C99
 * fixed-width types only, usable from C and from assembly.
 *
 * Issue #2 fixes only the version and the exit statuses; the native calls,
 * the vCPU page and the register frame join this header with the privileged
 * core (#3) and events (#4).
 */
#ifndef WICKET_ABI_H
#define WICKET_ABI_H

#define WK_ABI_VERSION 1

/*
 * Exit statuses. A run ends with one status in 0..255; the QEMU runner hands
 * it back as its own exit code (docs/runner.md has the transport,
 * docs/boot.md the ways the kernel powers off).
 *
 *   0..119    the app's own exit status (`exit(n)`), 0 is success
 *   120..123  the kernel's own verdicts, below
 *   124, 125  reserved for the runner: timeout or silence, QEMU failure
 *   126..255  the app's again (128 + signal number for a killed app)
 *
 * The kernel's verdicts sit below 128 so that QEMU's isa-debug-exit device,
 * which carries only 7 bits back to the host, can report them without the
 * serial log.
 */
#define WK_EXIT_SUCCESS            0
#define WK_EXIT_KERNEL_PANIC       120
#define WK_EXIT_BAD_IMAGE          121
#define WK_EXIT_LIBOS_DOUBLE_FAULT 122
#define WK_EXIT_BAD_BOOT           123
#define WK_EXIT_RUNNER_TIMEOUT     124
#define WK_EXIT_RUNNER_FAILURE     125

#endif /* WICKET_ABI_H */
