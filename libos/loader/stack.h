/*
 * The app's initial stack, as Linux's execve leaves it (System V x86-64
 * psABI 3.4.1): at RSP, argc; then argv[0..argc-1], NULL; envp[...], NULL;
 * the auxiliary vector (type, value) pairs ending with AT_NULL; the
 * strings and AT_RANDOM's 16 bytes above them. RSP is 16-byte aligned.
 */
#ifndef LIBOS_LOADER_STACK_H
#define LIBOS_LOADER_STACK_H

#include <stdint.h>

#include "loader/elf.h"

/* Builds the stack below top (mapped, writable) and returns the app's
 * initial RSP, or 0 when it does not fit in room bytes. */
uint64_t stack_build(uint64_t top, uint64_t room, int argc, char *const *argv,
		     int envc, const char *const *envp,
		     const struct app_image *image);

#endif /* LIBOS_LOADER_STACK_H */
