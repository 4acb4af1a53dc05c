/*
 * execve and execveat (linux/exec.c), and the loading they share with the
 * libOS's start (main.c).
 */
#ifndef LIBOS_LINUX_EXEC_H
#define LIBOS_LINUX_EXEC_H

#include <stdint.h>

#include "wicket/abi.h"

/* Loads the ELF in [file, file + size) into an address space with
 * nothing of the app's yet: its stack (argv, envp and the auxiliary
 * vector), its segments (and its interpreter's), its brk and the vDSO;
 * *regs becomes its entry state (psABI 3.4). NULL, or why not. */
const char *exec_load(const uint8_t *file, uint64_t size, int argc,
		      char *const *argv, int envc, const char *const *env,
		      struct wk_regs *regs);

/* The libOS's start when the app is a "#!" script, in the tree at
 * `path` as node `node` (wicket.exe): argv becomes its interpreter's, as
 * execve makes it, /proc/self names the interpreter, and the
 * interpreter is loaded (exec_load). NULL, or why not. */
const char *exec_script(unsigned node, const char *path, int argc,
			char *const *argv, int envc, const char *const *env,
			struct wk_regs *regs);

#endif /* LIBOS_LINUX_EXEC_H */
