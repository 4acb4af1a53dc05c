/*
 * The screen's terminal: when the kernel has a screen (WK_DEVICE_SCREEN),
 * the console's output is drawn on its cells here, read as a VT100/xterm
 * terminal reads it, and the kernel only copies cells (screen_draw). The
 * serial port still gets the bytes themselves, for the terminal at its
 * other end. docs/terminal.md lists what is understood; the rest is
 * ignored, never drawn as text.
 */
#ifndef LIBOS_TERMINAL_H
#define LIBOS_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Takes over a screen of columns x rows cells, with what the kernel shows
 * on it and its cursor (screen_read); false (and nothing changes) when
 * there is none or it cannot be read. */
bool terminal_start(uint32_t columns, uint32_t rows);

/* Whether terminal_start took a screen. */
bool terminal_active(void);

/* The run ends: the cursor's cell drawn as it is, for the kernel's last
 * lines below it. */
void terminal_end(void);

/* Draws the console's output; `newline_returns`: a line feed also returns
 * the carriage (termios OPOST and ONLCR). The screen is up to date when
 * it returns. Does nothing before terminal_start. */
void terminal_write(const char *bytes, size_t length, bool newline_returns);

#endif /* LIBOS_TERMINAL_H */
