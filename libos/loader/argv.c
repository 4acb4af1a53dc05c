/*
 * argv_split (argv.h). The upper half of storage holds the unescaped
 * string, the lower half the words: the words and their NULs never take
 * more bytes than the text they came from plus one.
 */
#include "loader/argv.h"

#include <stdbool.h>

enum quoting { BARE, SINGLE, DOUBLE };

/* Undoes GRUB's escaping in place: "\x" becomes "x". */
static size_t unescape(const char *in, char *out, size_t size)
{
	size_t length = 0;

	while (*in && length < size - 1) {
		if (*in == '\\' && in[1])
			in++;
		out[length++] = *in++;
	}
	out[length] = '\0';
	return length;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int argv_split(const char *string, char *storage, size_t storage_size,
	       char **argv, int argv_max)
{
	size_t half = storage_size / 2;
	char *text = storage + half;     /* the unescaped string */
	char *out = storage;             /* the words, NUL-terminated */
	char *out_end = storage + half;
	int count = 0;

	if (storage_size < 2)
		return 0;
	unescape(string, text, storage_size - half);

	for (const char *at = text; *at;) {
		while (is_blank(*at))
			at++;
		if (!*at)
			break;
		if (count == argv_max)
			return ARGV_ERROR_TOO_MANY;
		if (out == out_end)
			break;
		argv[count++] = out;

		enum quoting quoting = BARE;

		for (; *at && (quoting != BARE || !is_blank(*at)); at++) {
			char c = *at;

			if (quoting == BARE && c == '\'') {
				quoting = SINGLE;
				continue;
			}
			if (quoting == BARE && c == '"') {
				quoting = DOUBLE;
				continue;
			}
			if ((quoting == SINGLE && c == '\'') ||
			    (quoting == DOUBLE && c == '"')) {
				quoting = BARE;
				continue;
			}
			if (c == '\\' && at[1] &&
			    (quoting == BARE ||
			     (quoting == DOUBLE &&
			      (at[1] == '\\' || at[1] == '"' || at[1] == '$' ||
			       at[1] == '`' || at[1] == '\n'))))
				c = *++at;
			if (out < out_end - 1)
				*out++ = c;
		}
		if (quoting != BARE)
			return ARGV_ERROR_QUOTE;
		*out++ = '\0';
	}
	return count;
}
