/*
 * The kernel command line's libOS options (options.h).
 */
#include "options.h"

#include "lib/string.h"
#include "libos.h"
#include "wicket/abi.h"

struct options options = { .quantum_ms = 10 };

/* The words, unescaped, each NUL-terminated; env entries point here. */
static char words[WK_INFO_CMDLINE_MAX];

/* The decimal number at *at (at most 100000, so as not to overflow), *at
 * moved past its digits. */
static unsigned number(const char **at)
{
	unsigned value = 0;

	while (**at >= '0' && **at <= '9' && value < 100000)
		value = value * 10 + (unsigned)(*(*at)++ - '0');
	return value;
}

static void option(const char *word)
{
	if (string_starts_with(word, "wicket.env=")) {
		const char *entry = word + 11;
		const char *equals = entry;

		while (*equals && *equals != '=')
			equals++;
		if (*equals != '=' || equals == entry) {
			libos_report("ignoring %s: wicket.env wants NAME=VALUE",
				     word);
			return;
		}
		if (options.env_count == OPTIONS_ENV_MAX) {
			libos_report("ignoring %s: more than %d wicket.env "
				     "options", word, OPTIONS_ENV_MAX);
			return;
		}
		options.env[options.env_count++] = entry;
	} else if (string_starts_with(word, "wicket.quantum=")) {
		const char *digit = word + 15;
		unsigned value = number(&digit);

		if (*digit || value < 1 || value > 1000)
			libos_report("ignoring %s: the quantum is 1..1000 ms",
				     word);
		else
			options.quantum_ms = value;
	} else if (string_starts_with(word, "wicket.exe=")) {
		if (word[11] != '/' || word[12] == '\0')
			libos_report("ignoring %s: wicket.exe wants an absolute "
				     "path to a file", word);
		else
			options.executable = word + 11;
	} else if (string_starts_with(word, "wicket.cwd=")) {
		if (word[11] != '/')
			libos_report("ignoring %s: wicket.cwd wants an absolute "
				     "path to a directory", word);
		else
			options.directory = word + 11;
	} else if (string_starts_with(word, "wicket.ip=")) {
		options.ip = word + 10;
	} else if (string_starts_with(word, "wicket.gateway=")) {
		options.gateway = word + 15;
	} else if (string_starts_with(word, "wicket.dns=")) {
		options.dns = word + 11;
	} else if (string_equals_word(word, strlen(word), "wicket.patch=off")) {
		options.patch_off = true;
	} else if (string_equals_word(word, strlen(word), "wicket.vdso=off")) {
		options.vdso_off = true;
	} else if (string_equals_word(word, strlen(word), "wicket.strace")) {
		options.strace = true;
	} else if (string_equals_word(word, strlen(word), "wicket.bootlog")) {
		options.bootlog = true;
	} else if (string_equals_word(word, strlen(word), "wicket.echo=off")) {
		options.echo_off = true;
	} else if (string_equals_word(word, strlen(word),
				      "wicket.winsize=screen")) {
		options.winsize_screen = true;
	} else if (string_starts_with(word, "wicket.winsize=")) {
		const char *digit = word + 15;
		unsigned size[2] = { number(&digit), 0 };

		if (*digit == 'x') {
			digit++;
			size[1] = number(&digit);
		}
		if (*digit || size[0] < 1 || size[0] > 9999 || size[1] < 1 ||
		    size[1] > 9999) {
			libos_report("ignoring %s: the size is ROWSxCOLUMNS "
				     "(1..9999 each) or screen", word);
		} else {
			options.winsize_rows = size[0];
			options.winsize_columns = size[1];
		}
	}
}

void options_parse(const char *cmdline)
{
	size_t out = 0;

	for (size_t in = 0; cmdline[in] && out < sizeof(words) - 1;) {
		while (cmdline[in] == ' ')
			in++;
		if (!cmdline[in])
			break;
		size_t start = out;

		bool quoted = false;

		while (cmdline[in] && (quoted || cmdline[in] != ' ') &&
		       out < sizeof(words) - 1) {
			if (cmdline[in] == '"') {
				quoted = !quoted;
				in++;
				continue;
			}
			if (cmdline[in] == '\\' && cmdline[in + 1])
				in++;
			words[out++] = cmdline[in++];
		}
		words[out++] = '\0';
		option(&words[start]);
	}
}
