/* keymap_translate: scancode set 1 into a terminal's bytes. Each test
 * runs in a process of its own, so the modifiers start released. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "keymap.h"

/* What a run of scancodes types, as a string. */
static const char *typed(const uint8_t *codes, size_t count)
{
	static char text[256];
	size_t length = 0;

	for (size_t i = 0; i < count; i++) {
		char key[KEYMAP_BYTES_MAX];
		size_t n = keymap_translate(codes[i], key);

		cr_assert_leq(n, KEYMAP_BYTES_MAX);
		memcpy(text + length, key, n);
		length += n;
	}
	text[length] = '\0';
	return text;
}

#define TYPED(...) \
	typed((const uint8_t[]){ __VA_ARGS__ }, \
	      sizeof((const uint8_t[]){ __VA_ARGS__ }))

Test(keymap, presses_type_and_releases_do_not)
{
	cr_assert_str_eq(TYPED(0x1e, 0x9e, 0x30, 0xb0, 0x2e, 0xae), "abc");
	cr_assert_str_eq(TYPED(0x02, 0x0b, 0x0c, 0x0d, 0x1a, 0x1b, 0x27,
			       0x28, 0x29, 0x2b, 0x33, 0x34, 0x35, 0x39),
			 "10-=[];'`\\,./ ");
}

Test(keymap, shift_either_side)
{
	cr_assert_str_eq(TYPED(0x2a, 0x1e, 0x02, 0xaa, 0x1e), "A!a");
	cr_assert_str_eq(TYPED(0x36, 0x0c, 0x28, 0x35, 0x2b, 0xb6, 0x0c),
			 "_\"?|-");
}

Test(keymap, caps_lock_shifts_letters_only)
{
	cr_assert_str_eq(TYPED(0x3a, 0xba, 0x1e, 0x02), "A1");
	cr_assert_str_eq(TYPED(0x2a, 0x1e, 0x02, 0xaa), "a!");
	cr_assert_str_eq(TYPED(0x3a, 0xba, 0x1e), "a");
}

Test(keymap, control_characters)
{
	cr_assert_str_eq(TYPED(0x1d, 0x2e, 0x9d, 0x2e), "\003c");
	/* Right Ctrl (0xe0 0x1d) and its release. */
	cr_assert_str_eq(TYPED(0xe0, 0x1d, 0x20, 0xe0, 0x9d, 0x20), "\004d");
	cr_assert_str_eq(TYPED(0x1d, 0x1a, 0x2b, 0x9d), "\033\034");
	const char *nul = TYPED(0x1d, 0x39, 0x9d);

	cr_assert_eq(nul[0], '\0'); /* Ctrl+Space: NUL */
}

Test(keymap, alt_is_an_escape_prefix)
{
	cr_assert_str_eq(TYPED(0x38, 0x1e, 0xb8, 0x1e), "\033aa");
	cr_assert_str_eq(TYPED(0xe0, 0x38, 0x30, 0xe0, 0xb8, 0x30), "\033bb");
}

Test(keymap, extended_keys)
{
	cr_assert_str_eq(TYPED(0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0x4d,
			       0xe0, 0x4b),
			 "\033[A\033[B\033[C\033[D");
	cr_assert_str_eq(TYPED(0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x52, 0xe0, 0x53,
			       0xe0, 0x49, 0xe0, 0x51),
			 "\033[1~\033[4~\033[2~\033[3~\033[5~\033[6~");
	cr_assert_str_eq(TYPED(0xe0, 0x1c, 0xe0, 0x35), "\r/");
	/* The keypad's * (0x37) without 0xe0; Print Screen's 0xe0 0x37 sends
	 * nothing. */
	cr_assert_str_eq(TYPED(0x37, 0xe0, 0x37), "*");
}

Test(keymap, control_keys_and_function_keys)
{
	cr_assert_str_eq(TYPED(0x1c, 0x0e, 0x0f, 0x01), "\r\177\t\033");
	cr_assert_str_eq(TYPED(0x3b, 0x3c, 0x3d, 0x3e, 0x3f),
			 "\033[[A\033[[B\033[[C\033[[D\033[[E");
	cr_assert_str_eq(TYPED(0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58),
			 "\033[17~\033[18~\033[19~\033[20~\033[21~"
			 "\033[23~\033[24~");
	/* Alt+F6, the longest: ESC and five bytes. */
	cr_assert_str_eq(TYPED(0x38, 0x40, 0xb8), "\033\033[17~");
	/* Scroll Lock and the 102nd key send nothing. */
	cr_assert_str_eq(TYPED(0x46, 0x56, 0x1e), "a");
}

/* The keypad: digits while Num Lock is on (at first), the keys over them
 * once it is pressed, digits again after a second press; - and + either
 * way; 5 alone sends nothing with Num Lock off. */
Test(keymap, keypad_and_num_lock)
{
	cr_assert_str_eq(TYPED(0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e,
			       0x4f, 0x50, 0x51, 0x52, 0x53),
			 "789-456+1230.");
	cr_assert_str_eq(TYPED(0x45, 0xc5, 0x47, 0x48, 0x4c, 0x4a, 0x53),
			 "\033[1~\033[A-\033[3~");
	cr_assert_str_eq(TYPED(0x45, 0xc5, 0x4f), "1");
}

Test(keymap, pause_and_fake_shifts_send_nothing)
{
	cr_assert_str_eq(TYPED(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e), "a");
	/* Keyboards wrap some extended keys in 0xe0 0x2a ... 0xe0 0xaa: no
	 * Shift. */
	cr_assert_str_eq(TYPED(0xe0, 0x2a, 0xe0, 0x48, 0x1e, 0xe0, 0xaa),
			 "\033[Aa");
}
