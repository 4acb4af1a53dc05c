/*
 * The screen console (screen.c): VGA text mode, when the loader left one.
 */
#ifndef KERNEL_SCREEN_H
#define KERNEL_SCREEN_H

#include <stddef.h>

#include "boot/boot_info.h"

/* Maps the text buffer the boot information describes, if it is EGA text;
 * call once paging is up. Without one, screen_write does nothing. */
void screen_init(const struct boot_info *info);

void screen_write(const char *bytes, size_t length);

#endif /* KERNEL_SCREEN_H */
