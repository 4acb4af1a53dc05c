/*
 * The kernel command line: space-separated words, `key=value` or `key`.
 * Options the kernel reads are named `wicket.*` (docs/boot.md lists them);
 * the rest is for the libOS and the app.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the value of `key` (the text after "key=" up to the next space)
 * into `value` (NUL-terminated, cut to `size`). Returns false when the key
 * is absent; a bare `key` yields an empty value. The last occurrence wins. */
bool cmdline_get(const char *cmdline, const char *key, char *value,
		 size_t size);

#endif /* KERNEL_CMDLINE_H */
