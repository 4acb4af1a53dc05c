/*
 * The console: the one terminal behind fds 0, 1 and 2. Output goes to the
 * kernel's console (which turns "\n" into "\r\n", as a tty's ONLCR does);
 * input comes from the serial port, taken in at each input event (or, where
 * the kernel raises none, when a read finds nothing), through a small line
 * discipline: ^C raises SIGINT as it comes (ISIG), whatever the app is
 * doing; canonical mode (ICANON) collects a line with echo, erase and
 * kill, ^D at the start of a line is end-of-file; raw mode hands bytes
 * over as they come.
 */
#ifndef LIBOS_CONSOLE_H
#define LIBOS_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux's struct termios as the TCGETS/TCSETS ioctls pass it (the
 * kernel's layout, with 19 control characters and no speed fields). */
struct linux_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[19];
};
_Static_assert(sizeof(struct linux_termios) == 36, "struct termios");

/* Writes all of [bytes, bytes + length) from memory the libOS may read;
 * returns the count written or the kernel's negative error. */
long console_write(const void *bytes, size_t length);

/* Reads into buffer as read(2) on a terminal, without waiting: returns the
 * count of a line (or, in raw mode, of the bytes) that has come, 0 at
 * end-of-file, -EAGAIN when nothing is complete yet (the caller waits and
 * asks again: linux/io.c), or -EINTR after ^C raised SIGINT. buffer must
 * be writable. */
long console_read(char *buffer, size_t length);

/* How long a read that finds nothing waits, as termios says: -1 until
 * input comes (canonical mode, or raw mode's VMIN > 0), else raw mode's
 * VTIME in tenths of a second (0: not at all), after which it returns 0.
 * (VMIN > 1 waits for the first byte only, and VTIME is no inter-byte
 * timer there.) */
long console_wait_deciseconds(void);

/* Whether a read would return without waiting (a line, the bytes of raw
 * mode, or an end of file has come), taking in what the port received
 * (with canonical mode's echo) to see. */
bool console_readable(void);

/* An input event: takes in what the port received, and wakes the threads
 * waiting to read. */
void console_input(void);

/* The bytes taken in from the port so far (each wakes a terminal's
 * watchers on Linux: poll.c's wakeup counts). */
uint64_t console_arrivals(void);

void console_get_termios(struct linux_termios *termios);
void console_set_termios(const struct linux_termios *termios);

/* Echo off (wicket.echo=off): for input fed by a program. */
void console_set_echo(int on);

#endif /* LIBOS_CONSOLE_H */
