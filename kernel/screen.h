/*
 * The screen console (screen.c): VGA text, or text drawn on a linear
 * framebuffer, when the loader left one.
 */
#ifndef KERNEL_SCREEN_H
#define KERNEL_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"

/* Maps and clears the display the boot information describes, if it is
 * EGA text or 24- or 32-bit RGB; call once paging is up. Without one,
 * screen_write does nothing. */
void screen_init(const struct boot_info *info);

/* The screen's size in cells; 0 when screen_init found no display it
 * draws on. */
extern uint32_t screen_columns, screen_rows;

/* The kernel's text: newlines, carriage returns and backspaces move the
 * cursor, every other byte is drawn at it, light grey on black. */
void screen_write(const char *bytes, size_t length);

/* The native calls screen_draw and screen_read (abi.h), their arguments
 * unchecked. From the first screen_draw that draws,
 * screen_drawn_by_libos is true. */
long screen_draw_from_user(uint64_t first, uint64_t from, uint64_t count,
			   uint64_t cursor);
long screen_read_to_user(uint64_t to, uint64_t count);
extern bool screen_drawn_by_libos;

#endif /* KERNEL_SCREEN_H */
