/*
 * A PS/2 keyboard's scancodes (set 1, as the 8042 passes them: the kernel's
 * keyboard_read) into the bytes a terminal sends for the keys: a US layout,
 * Shift and Caps Lock, Ctrl (Ctrl+letter is the control character), Alt as
 * an ESC prefix, and the Linux console's sequences (Wicket's TERM is
 * linux) for the arrows, Home, End, Insert, Delete, Page Up/Down and
 * F1-F12; the keypad's digits with Num
 * Lock on (as a keyboard starts), the keys over them with it off. Enter
 * sends CR, Backspace DEL. Other keys (Print Screen, the Windows keys)
 * send nothing.
 */
#ifndef LIBOS_KEYMAP_H
#define LIBOS_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

/* The longest a key's bytes are (ESC, then F6's "\033[17~"). */
#define KEYMAP_BYTES_MAX 6

/* Takes one scancode byte; returns how many bytes the key sends (0 for a
 * release, a modifier or a prefix) and puts them in out. Keeps the
 * modifiers' state between calls. */
size_t keymap_translate(uint8_t scancode, char out[KEYMAP_BYTES_MAX]);

#endif /* LIBOS_KEYMAP_H */
