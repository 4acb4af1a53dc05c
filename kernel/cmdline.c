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
		    memcmp(word, key, key_length) != 0)
			continue;
		if (word_length == key_length) {
			if (size)
				value[0] = '\0';
			found = true;
		} else if (word[key_length] == '=') {
			size_t n = word_length - key_length - 1;
			if (size) {
				if (n >= size)
					n = size - 1;
				memcpy(value, word + key_length + 1, n);
				value[n] = '\0';
			}
			found = true;
		}
	}
	return found;
}
