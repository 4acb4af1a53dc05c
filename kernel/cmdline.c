/*
 * Command-line lookup over the copy in struct boot_info. No quoting: a
 * value ends at the next space.
 */
#include "cmdline.h"

#include "lib/string.h"

bool cmdline_get(const char *cmdline, const char *key, char *value,
		 size_t size)
{
	size_t key_length = strlen(key);
	bool found = false;
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *word = p;
		while (*p && *p != ' ')
			p++;
		size_t word_length = (size_t)(p - word);

		if (word_length < key_length ||
		    memcmp(word, key, key_length) != 0 ||
		    (word_length > key_length && word[key_length] != '='))
			continue;
		found = true;
		/* The value ends the word: after "key=", or empty for "key". */
		size_t n = word_length > key_length ? word_length - key_length - 1
						    : 0;
		const char *text = p - n;

		if (size) {
			if (n >= size)
				n = size - 1;
			memcpy(value, text, n);
			value[n] = '\0';
		}
	}
	return found;
}
