/*
 * The app's argv from its module string (docs/libos.md, "The app's
 * arguments"). The string arrives as GRUB builds it, with a backslash
 * before every backslash, single and double quote; PVH bundles store it
 * the same way (tools/mkbundle.py). Undoing that gives a command line in
 * POSIX shell quoting (as Python's shlex.join writes it), which is split
 * into words: blanks separate words; '...' keeps everything; "..." keeps
 * everything but a backslash before \ " $ ` or a newline; a backslash
 * outside quotes keeps the next character. Nothing is expanded.
 */
#ifndef LIBOS_LOADER_ARGV_H
#define LIBOS_LOADER_ARGV_H

#include <stddef.h>

#define ARGV_ERROR_QUOTE    (-1) /* a quote is not closed */
#define ARGV_ERROR_TOO_MANY (-2) /* more than argv_max words */

/* Splits string into at most argv_max words, stored NUL-terminated in
 * storage and pointed at from argv. Storage of 2 * (strlen(string) + 1)
 * bytes is always enough; less cuts the last words short. Returns the
 * word count or an ARGV_ERROR_*. */
int argv_split(const char *string, char *storage, size_t storage_size,
	       char **argv, int argv_max);

#endif /* LIBOS_LOADER_ARGV_H */
