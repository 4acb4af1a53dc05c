/*
 * The console (console.h) and the libOS's own messages.
 */
#include "console.h"

#include <stdarg.h>
#include <stdbool.h>

#include "errno.h"
#include "keymap.h"
#include "lib/print.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/signal.h"
#include "sched/sched.h"
#include "terminal.h"
#include "wicket/native.h"

/* termios bits (asm-generic/termbits.h). */
#define TTY_ICRNL  0000400
#define TTY_IXON   0002000
#define TTY_OPOST  0000001
#define TTY_ONLCR  0000004
#define TTY_B38400 0000017
#define TTY_CS8    0000060
#define TTY_CREAD  0000200
#define TTY_ISIG   0000001
#define TTY_ICANON 0000002
#define TTY_ECHO   0000010
#define TTY_ECHOE  0000020
#define TTY_ECHOK  0000040
#define TTY_ECHOCTL 0001000
#define TTY_ECHOKE 0004000
#define TTY_IEXTEN 0100000

enum { VINTR, VQUIT, VERASE, VKILL, VEOF, VTIME, VMIN, VSWTC, VSTART, VSTOP,
       VSUSP, VEOL, VREPRINT, VDISCARD, VWERASE, VLNEXT, VEOL2 };

#define CONSOLE_LINE_MAX 4096

static struct linux_termios tty = {
	.c_iflag = TTY_ICRNL | TTY_IXON,
	.c_oflag = TTY_OPOST | TTY_ONLCR,
	.c_cflag = TTY_B38400 | TTY_CS8 | TTY_CREAD,
	.c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | TTY_ECHOE | TTY_ECHOK |
		   TTY_ECHOCTL | TTY_ECHOKE | TTY_IEXTEN,
	.c_cc = { [VINTR] = 3, [VQUIT] = 28, [VERASE] = 127, [VKILL] = 21,
		  [VEOF] = 4, [VTIME] = 0, [VMIN] = 1, [VSTART] = 17,
		  [VSTOP] = 19, [VSUSP] = 26, [VREPRINT] = 18,
		  [VDISCARD] = 15, [VWERASE] = 23, [VLNEXT] = 22 },
};

/* Bytes from the serial port and the keyboard not yet taken by the line
 * discipline: taken in as they come (console_input) where the kernel
 * raises input events, else when a read finds none. When it is full the
 * rest waits in the devices. */
static char raw[4096];
static size_t raw_head, raw_tail;
static bool interrupted; /* ^C came during the console_read running */

/* Canonical mode: the line being edited, and how much of a finished line
 * (or the bytes before an end-of-file) is still to be read. */
static char line[CONSOLE_LINE_MAX];
static size_t line_length, line_ready, line_taken;
static bool end_of_file;

long console_write(const void *bytes, size_t length)
{
	const char *at = bytes;
	size_t done = 0;
	long written = 0;

	while (done < length) {
		size_t chunk = length - done;

		if (chunk > WK_CONSOLE_WRITE_MAX)
			chunk = WK_CONSOLE_WRITE_MAX;
		written = wk_console_write((long)(at + done), (long)chunk);
		if (written < 0)
			break;
		done += (size_t)written;
	}
	/* The screen gets what the serial port got. */
	terminal_write(bytes, done,
		       (tty.c_oflag & (TTY_OPOST | TTY_ONLCR)) ==
			       (TTY_OPOST | TTY_ONLCR));
	return done || written >= 0 ? (long)done : written;
}

void libos_report(const char *format, ...)
{
	char buffer[PRINT_BUFFER_SIZE];
	va_list arguments;
	size_t length;

	memcpy(buffer, "wicket: ", 8);
	va_start(arguments, format);
	length = 8 + print_format(buffer + 8, sizeof(buffer) - 9, format,
				  arguments);
	va_end(arguments);
	buffer[length++] = '\n';
	console_write(buffer, length);
}

static void echo(const char *bytes, size_t length)
{
	if (tty.c_lflag & TTY_ECHO)
		console_write(bytes, length);
}

/* Bytes taken in so far: what wakes a terminal's EPOLLET and O_ASYNC
 * watchers (console_arrivals). */
static uint64_t arrivals;

uint64_t console_arrivals(void)
{
	return arrivals;
}

/* One byte into raw. With ISIG, ^C is not input: it discards the input
 * before it (as Linux does without NOFLSH) and raises SIGINT, whatever the
 * app is doing. */
static void take_in(char byte)
{
	if (!(tty.c_lflag & TTY_ISIG) || byte != (char)tty.c_cc[VINTR]) {
		raw[raw_tail++] = byte;
		arrivals++;
		return;
	}
	struct signal_info info = { .code = SI_KERNEL };

	raw_head = raw_tail = 0;
	line_length = line_ready = line_taken = 0;
	end_of_file = false;
	interrupted = true;
	echo("^C\n", 3);
	signal_send_process(SIGINT, &info);
}

/* Reads one device (the serial port, or the keyboard's scancodes turned
 * into a terminal's bytes) into raw while there is room for what one read
 * can bring. */
static void intake_from(long (*device_read)(long buffer, long length),
			bool scancodes)
{
	char chunk[64]; /* what one read gives at most */
	char key[KEYMAP_BYTES_MAX];
	/* Bytes in a read: a scancode may become KEYMAP_BYTES_MAX. */
	size_t per_byte = scancodes ? KEYMAP_BYTES_MAX : 1;

	while (sizeof(raw) - raw_tail >= per_byte) {
		size_t room = (sizeof(raw) - raw_tail) / per_byte;
		long count = device_read((long)chunk, room < sizeof(chunk)
							  ? (long)room
							  : (long)sizeof(chunk));

		if (count <= 0)
			return;
		for (long i = 0; i < count; i++) {
			size_t length = scancodes
				? keymap_translate((uint8_t)chunk[i], key)
				: (key[0] = chunk[i], 1);

			for (size_t k = 0; k < length; k++)
				take_in(key[k]);
		}
	}
}

static void intake(void)
{
	if (raw_head == raw_tail) {
		raw_head = raw_tail = 0;
	} else if (raw_head) {
		memmove(raw, raw + raw_head, raw_tail - raw_head);
		raw_tail -= raw_head;
		raw_head = 0;
	}
	intake_from(wk_console_read, false);
	if (libos_has_device(WK_DEVICE_KEYBOARD))
		intake_from(wk_keyboard_read, true);
}

void console_input(void)
{
	intake();
	/* Canonical mode edits (and echoes) the line as it is typed, as a
	 * terminal does, whether or not the app is reading yet. */
	if (tty.c_lflag & TTY_ICANON)
		console_readable();
	sched_wake_input_waiters();
}

/* The next byte from the port, if one has come. */
static bool next_byte(char *c)
{
	if (raw_head == raw_tail)
		intake();
	if (raw_head == raw_tail)
		return false;
	*c = raw[raw_head++];
	return true;
}

/* Raw mode's next byte: first what canonical mode had taken into its
 * line and the app has not read (the mode changed meanwhile), then the
 * port's. */
static bool next_raw_byte(char *c)
{
	if (line_taken < line_length) {
		*c = line[line_taken++];
		if (line_taken == line_length)
			line_length = line_ready = line_taken = 0;
		return true;
	}
	return next_byte(c);
}

/* Takes the bytes that have come into the line being edited. Returns 1
 * when a line (or end-of-file) is complete, 0 when more is needed. */
static int collect_line(void)
{
	char c;

	while (next_byte(&c)) {
		if (c == '\r' && (tty.c_iflag & TTY_ICRNL))
			c = '\n';
		if (c == (char)tty.c_cc[VEOF]) {
			if (line_length == 0)
				end_of_file = true;
			line_ready = line_length;
			return 1;
		}
		if (c == (char)tty.c_cc[VERASE] || c == '\b') {
			if (line_length > 0) {
				line_length--;
				echo("\b \b", 3);
			}
			continue;
		}
		if (c == (char)tty.c_cc[VKILL]) {
			while (line_length > 0) {
				line_length--;
				echo("\b \b", 3);
			}
			continue;
		}
		if (line_length < CONSOLE_LINE_MAX - 1 || c == '\n') {
			line[line_length++] = c;
			echo(&c, 1);
		}
		if (c == '\n') {
			line_ready = line_length;
			return 1;
		}
	}
	return 0;
}

long console_read(char *buffer, size_t length)
{
	if (length == 0)
		return 0;
	interrupted = false;
	if (!(tty.c_lflag & TTY_ICANON)) {
		size_t count = 0;

		while (count < length && next_raw_byte(&buffer[count]))
			count++;
		if (interrupted)
			return -EINTR;
		return count ? (long)count : -EAGAIN;
	}

	if (line_taken == line_ready) {
		if (line_ready) /* the last line was read out: a new one */
			line_length = line_ready = line_taken = 0;
		/* An end of file console_readable met is read first. */
		int status = end_of_file ? 1 : collect_line();

		if (interrupted)
			return -EINTR;
		if (status == 0)
			return -EAGAIN;
		if (end_of_file) {
			end_of_file = false;
			line_length = line_ready = line_taken = 0;
			return 0;
		}
	}
	size_t count = line_ready - line_taken;

	if (count > length)
		count = length;
	memcpy(buffer, line + line_taken, count);
	line_taken += count;
	return (long)count;
}

void console_get_termios(struct linux_termios *termios)
{
	*termios = tty;
}

void console_set_termios(const struct linux_termios *termios)
{
	tty = *termios;
}

void console_set_echo(int on)
{
	if (on)
		tty.c_lflag |= TTY_ECHO;
	else
		tty.c_lflag &= ~(uint32_t)TTY_ECHO;
}

bool console_readable(void)
{
	if (!(tty.c_lflag & TTY_ICANON)) {
		if (raw_head == raw_tail)
			intake();
		return line_taken < line_length || raw_head != raw_tail;
	}
	if (line_taken != line_ready || end_of_file)
		return true;
	if (line_ready) /* the last line was read out: a new one */
		line_length = line_ready = line_taken = 0;
	return collect_line() == 1;
}

long console_wait_deciseconds(void)
{
	if ((tty.c_lflag & TTY_ICANON) || tty.c_cc[VMIN] > 0)
		return -1;
	return tty.c_cc[VTIME];
}
