/*
 * Scancode set 1 (keymap.h): a key's press is its code, its release the
 * code | 0x80; 0xe0 comes before the codes of the keys the AT keyboard
 * added (the arrows' block, right Ctrl and Alt, the keypad's Enter and /);
 * Pause sends 0xe1 and two more bytes, twice.
 */
#include "keymap.h"

#include <stdbool.h>

#include "lib/string.h"

#define RELEASE      0x80
#define PREFIX_E0    0xe0
#define PREFIX_E1    0xe1
#define CODE_CTRL    0x1d
#define CODE_LSHIFT  0x2a
#define CODE_RSHIFT  0x36
#define CODE_ALT     0x38
#define CODE_CAPS    0x3a
#define CODE_F1      0x3b
#define CODE_NUM     0x45
#define CODE_KEYPAD  0x47 /* 7, the keypad's first key */
#define CODE_F11     0x57

/* Codes 0x00-0x39: what the key sends alone and with Shift (0: nothing). */
static const char plain[] =
	"\0\0331234567890-=\177\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[] =
	"\0\033!@#$%^&*()_+\177\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";
_Static_assert(sizeof(plain) == 0x3a + 1 && sizeof(shifted) == 0x3a + 1,
	       "one byte a code up to the space bar (0x39)");

/* After 0xe0: the sequence a key sends (NULL: nothing). */
static const char *extended(uint8_t code)
{
	switch (code) {
	case 0x1c: return "\r";      /* the keypad's Enter */
	case 0x35: return "/";       /* the keypad's / */
	case 0x47: return "\033[1~"; /* Home */
	case 0x48: return "\033[A";  /* Up */
	case 0x49: return "\033[5~"; /* Page Up */
	case 0x4b: return "\033[D";  /* Left */
	case 0x4d: return "\033[C";  /* Right */
	case 0x4f: return "\033[4~"; /* End */
	case 0x50: return "\033[B";  /* Down */
	case 0x51: return "\033[6~"; /* Page Down */
	case 0x52: return "\033[2~"; /* Insert */
	case 0x53: return "\033[3~"; /* Delete */
	default: return NULL;
	}
}

/* The keypad's codes 0x47-0x53 with Num Lock on (the keyboard's state at
 * power-on); off, its digits and its . are the keys over them (extended's,
 * after 0xe0), and 5 sends nothing. */
static const char keypad[] = "789-456+1230.";

/* F1-F12 (codes 0x3b-0x44, then 0x57 and 0x58), as the Linux console
 * sends them (Wicket's TERM is linux). */
static const char *const function_keys[] = {
	"\033[[A", "\033[[B", "\033[[C", "\033[[D", "\033[[E", "\033[17~",
	"\033[18~", "\033[19~", "\033[20~", "\033[21~", "\033[23~", "\033[24~",
};

static bool shift_left, shift_right, ctrl_left, ctrl_right, alt, caps_lock;
static bool num_lock = true;
static bool after_e0;
static unsigned pause_bytes; /* Pause's bytes still to skip */

/* A modifier's press or release (e0: after 0xe0); whether the code was
 * one. */
static bool modifier(uint8_t code, bool pressed, bool e0)
{
	bool *state = code == CODE_LSHIFT && !e0 ? &shift_left
		    : code == CODE_RSHIFT && !e0 ? &shift_right
		    : code == CODE_CTRL ? (e0 ? &ctrl_right : &ctrl_left)
		    : code == CODE_ALT ? &alt
		    : NULL;

	if (state)
		*state = pressed;
	else if (code == CODE_CAPS && !e0 && pressed)
		caps_lock = !caps_lock;
	else if (code == CODE_NUM && !e0 && pressed)
		num_lock = !num_lock;
	return state || ((code == CODE_CAPS || code == CODE_NUM) && !e0);
}

size_t keymap_translate(uint8_t scancode, char out[KEYMAP_BYTES_MAX])
{
	uint8_t code = scancode & ~RELEASE;
	bool pressed = !(scancode & RELEASE), e0 = after_e0;
	size_t length = 0;

	if (pause_bytes) {
		pause_bytes--;
		return 0;
	}
	if (scancode == PREFIX_E0 || scancode == PREFIX_E1) {
		after_e0 = scancode == PREFIX_E0;
		pause_bytes = scancode == PREFIX_E1 ? 2 : 0;
		return 0;
	}
	after_e0 = false;
	if (modifier(code, pressed, e0) || !pressed)
		return 0;
	if (alt)
		out[length++] = '\033';
	const char *sequence = NULL;

	if (code >= CODE_KEYPAD && code < CODE_KEYPAD + sizeof(keypad) - 1 &&
	    !e0) {
		char key = keypad[code - CODE_KEYPAD];

		if (num_lock || key == '-' || key == '+') {
			out[length++] = key;
			return length;
		}
		sequence = extended(code);
	} else if (e0) {
		sequence = extended(code);
	} else if (code >= CODE_F1 && code < CODE_NUM) {
		sequence = function_keys[code - CODE_F1];
	} else if (code == CODE_F11 || code == CODE_F11 + 1) {
		sequence = function_keys[code - CODE_F11 + 10];
	}
	if (sequence != NULL || e0 || code >= CODE_KEYPAD) {
		if (sequence == NULL)
			return 0;
		memcpy(out + length, sequence, strlen(sequence));
		return length + strlen(sequence);
	}
	if (code >= sizeof(plain) - 1 || plain[code] == '\0')
		return 0;
	bool shift = shift_left || shift_right;
	char c = plain[code];

	if (c >= 'a' && c <= 'z' ? shift != caps_lock : shift)
		c = shifted[code];
	if (ctrl_left || ctrl_right) {
		if (c == ' ')
			c = '\0';
		else if (c >= '@' && c <= '~')
			c = (char)(c & 0x1f);
	}
	out[length++] = c;
	return length;
}
