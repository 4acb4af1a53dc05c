/*
 * The screen's terminal (libos/terminal.c), driven as full-screen programs
 * drive one: colours, cursor moves, erasing, inserting and deleting,
 * a scroll region, wrapping, UTF-8, line drawing, and sequences that draw
 * nothing.
 * screen_check.py's `terminal` mode renders the serial log with pyte and
 * compares the screen with it, cell by cell, colours included.
 *
 * Then, Wicket-only, the screen's native calls with bad arguments (each
 * must fail and draw nothing) and one screen_read, whose cursor must be
 * where the last sequence put it; and TIOCGWINSZ, which must give the
 * screen's size. Its last line says what it found.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define WK_NATIVE_BASE 0x574b0000
#define SCREEN_DRAW (WK_NATIVE_BASE + 15)
#define SCREEN_READ (WK_NATIVE_BASE + 16)

static void out(const char *text)
{
	size_t length = strlen(text);

	if (write(1, text, length) != (ssize_t)length)
		_exit(3);
}

/* The native call's result as the kernel gave it: -errno on failure. */
static long native(long number, long a, long b, long c, long d)
{
	long value = syscall(number, a, b, c, d);

	return value == -1 ? -errno : value;
}

static uint16_t cells[65536];

int main(void)
{
	char line[256];
	struct winsize size = { 0 };
	int sized = ioctl(1, TIOCGWINSZ, &size);

	/* A window title first: an OSC, which draws nothing. */
	out("\033]0;terminal_script, a title longer than a line\007");
	/* A few lines only: the kernel's last boot lines stay on a VGA
	 * screen, which shows the libOS took them over (screen_read). */
	for (int i = 0; i < 3; i++) {
		snprintf(line, sizeof(line), "line %d of the scroll\n", i);
		out(line);
	}
	out("\033[31mred\033[0m \033[1;34mbold blue\033[0m "
	    "\033[42;30mblack on green\033[0m \033[7mreverse\033[27m "
	    "\033[95mbright magenta\033[39m \033[43mon yellow\033[0m\n");
	for (int i = 0; i < 9; i++)
		out("0123456789");
	out("\n");
	out("a\tb\tc\bC\rA\n");
	out("\0337\033[3;20Hat 3,20\033[2B\033[5Ddown\033[G<"
	    "\033[1;60Hcorner\0338after restore\n");
	out("erase me to the end\033[10D\033[K\n");
	out("keep the end\033[6G\033[1K\n");
	out("abcdefgh\033[4G\033[2@XY\033[8G\033[P\033[1G\033[2X\n");
	out("\033[5;10r\033[10;1Hregion 1\nregion 2\nregion 3");
	out("\033[5;1H\033Mreversed in");
	/* The whole screen as the region again, said in full: pyte takes a
	 * bare "ESC [ r" as "ESC [ 0 r". */
	snprintf(line, sizeof(line), "\033[7;1H\033[2L\033[1Minserted\033[1;%ur",
		 size.ws_row);
	out(line);
	out("\033[20;1Hbox \xe2\x94\x8c\xe2\x94\x80\xe2\x94\x90 "
	    "\xe2\x94\x82 accent \xc3\xa9\n");
	out("\033]0;a title\007\033[?1h\033=\033(B\033[>c");
	/* DEC's line drawing, as ncurses draws boxes: in G0 (xterm's
	 * terminfo), then in G1 through SO and SI (the linux entry's); and
	 * UTF-8 blocks and shades. */
	out("\033[23;1H\033(0lqwqk x a`~\033(B lqk "
	    "\033)0\016tqnqu\017 mqj\033)B "
	    "\xe2\x96\x88\xe2\x96\x92\xe2\x96\x91 bar");
	out("\033[18;5H\033[1;33mbold yellow\033[0m\033[17;1H");

	long cell_count = (long)size.ws_row * size.ws_col;
	long results[6] = {
		native(SCREEN_DRAW, 0, 1, 10, 0),                  /* -EFAULT */
		native(SCREEN_DRAW, cell_count, (long)cells, 1, 0), /* -EINVAL */
		native(SCREEN_DRAW, 0, (long)cells, cell_count + 1, 0),
		native(SCREEN_READ, (long)cells, cell_count + 1, 0, 0),  /* -EINVAL */
		native(SCREEN_READ, 8, cell_count, 0, 0), /* -EFAULT */
		native(SCREEN_READ, (long)cells, cell_count, 0, 0), /* the cursor */
	};
	int bad = 0;

	for (int i = 0; i < 5; i++)
		bad += results[i] != (i == 0 || i == 4 ? -EFAULT : -EINVAL);
	snprintf(line, sizeof(line),
		 "winsize %s %ux%u, bad calls refused: %s, cursor %s, "
		 "first cell '%c'\n",
		 sized == 0 ? "ok" : "failed", size.ws_col, size.ws_row,
		 bad ? "NO" : "yes",
		 results[5] == 16L * size.ws_col ? "right" : "WRONG",
		 (char)cells[0]);
	out(line);
	return 0;
}
