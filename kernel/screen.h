/*
 * The screen console (screen.c): VGA text, or text drawn on a linear
 * framebuffer, when the loader left one.
 */
#ifndef KERNEL_SCREEN_H
#define KERNEL_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "boot/boot_info.h"

/* Maps and clears the display the boot information describes, if it is
 * EGA text or 24- or 32-bit RGB; call once paging is up. Without one,
 * screen_write does nothing. */
void screen_init(const struct boot_info *info);

/* Whether screen_init found a display it draws on. */
bool screen_active(void);

void screen_write(const char *bytes, size_t length);

#endif /* KERNEL_SCREEN_H */
