/* argv_split: GRUB's escaping undone, then shell-like words. */
#include <criterion/criterion.h>
#include <string.h>

#include "loader/argv.h"

static char storage[1024];
static char *argv[16];

static int split(const char *string)
{
	memset(storage, 0x55, sizeof(storage));
	return argv_split(string, storage, sizeof(storage), argv, 16);
}

Test(argv, plain_words)
{
	cr_assert_eq(split("hello  one\ttwo "), 3);
	cr_assert_str_eq(argv[0], "hello");
	cr_assert_str_eq(argv[1], "one");
	cr_assert_str_eq(argv[2], "two");
}

Test(argv, empty_and_blank)
{
	cr_assert_eq(split(""), 0);
	cr_assert_eq(split("   "), 0);
}

/* What GRUB and mkbundle deliver for shlex.join(["a b", "it's", "x\\y"]):
 * 'a b' 'it'"'"'s' 'x\y' with a backslash before each \ ' and ". */
Test(argv, grub_escaped_shell_quoting)
{
	cr_assert_eq(split("app \\'a b\\' \\'it\\'\\\"\\'\\\"\\'s\\' \\'x\\\\y\\'"), 4);
	cr_assert_str_eq(argv[0], "app");
	cr_assert_str_eq(argv[1], "a b");
	cr_assert_str_eq(argv[2], "it's");
	cr_assert_str_eq(argv[3], "x\\y");
}

Test(argv, double_quotes_and_backslashes)
{
	/* After unescaping: "a \"b\" $x" c\ d */
	cr_assert_eq(split("\\\"a \\\\\\\"b\\\\\\\" $x\\\" c\\\\ d"), 2);
	cr_assert_str_eq(argv[0], "a \"b\" $x");
	cr_assert_str_eq(argv[1], "c d");
}

Test(argv, empty_quoted_word)
{
	cr_assert_eq(split("a \\'\\' b"), 3);
	cr_assert_str_eq(argv[1], "");
}

Test(argv, unclosed_quote)
{
	cr_assert_eq(split("a \\'b"), ARGV_ERROR_QUOTE);
	cr_assert_eq(split("a \\\"b"), ARGV_ERROR_QUOTE);
}

Test(argv, too_many)
{
	cr_assert_eq(split("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"), 16);
	cr_assert_eq(split("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
		     ARGV_ERROR_TOO_MANY);
}

Test(argv, small_storage_stays_inside)
{
	char small[12];
	char *words[8];

	memset(small, 0x55, sizeof(small));
	int count = argv_split("abcdefgh ijklmnop qrstuvwx", small,
			       sizeof(small), words, 8);
	cr_assert_geq(count, 1);
	for (int i = 0; i < count; i++) {
		cr_assert(words[i] >= small && words[i] < small + sizeof(small));
		cr_assert(memchr(words[i], '\0', small + sizeof(small) -
					       words[i]) != NULL);
	}
}

Test(argv, a_trailing_backslash_is_kept)
{
	cr_assert_eq(split("a\\"), 1);
	cr_assert_str_eq(argv[0], "a\\");
}
