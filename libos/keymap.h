/*
 * A PS/2 keyboard's scancodes (set 1, as the 8042 passes them: the kernel's
 * keyboard_read) into the bytes a terminal sends for the keys: a US layout,
 * Shift and Caps Lock, Ctrl (Ctrl+letter is the control character), Alt as
 * an ESC prefix, and VT100/xterm sequences for the arrows, Home, End,
 * Insert, Delete, Page Up/Down and F1-F4. Enter sends CR, Backspace DEL.
 * Other keys (the rest of the function keys, the keypad but its Enter, *
 * and /) send nothing.
 */
#ifndef LIBOS_KEYMAP_H
#define LIBOS_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

/* The longest a key's bytes are (ESC, then "[3~"). */
#define KEYMAP_BYTES_MAX 5

/* Takes one scancode byte; returns how many bytes the key sends (0 for a
 * release, a modifier or a prefix) and puts them in out. Keeps the
 * modifiers' state between calls. */
size_t keymap_translate(uint8_t scancode, char out[KEYMAP_BYTES_MAX]);

#endif /* LIBOS_KEYMAP_H */
