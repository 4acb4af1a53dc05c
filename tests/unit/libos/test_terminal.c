/*
 * The screen's terminal (terminal.c) on a fake screen: the cells it
 * draws, the cursor it shows, its escape sequences, UTF-8, and a stream
 * of random bytes (under ASan and UBSan: no cell out of bounds). The
 * terminal's state is static and terminal_start takes a screen once:
 * each test runs in a process of its own and starts its own screen.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "terminal.h"
#include "wicket/native.h"

#define CELLS_MAX 65535
#define BLANK     WK_SCREEN_CELL(' ', 0x07)

/* The fake screen: what it shows, its size, what screen_read answers
 * (the cursor's cell or an error), the cursor screen_draw last put, and
 * how many calls reached it. */
static uint16_t screen[CELLS_MAX];
static uint32_t screen_columns, screen_rows;
static long read_answer;
static long drawn_cursor = -1;
static unsigned draws, reads;

long wk_screen_draw(long first, long cells, long count, long cursor)
{
	long total = (long)screen_columns * screen_rows;

	long at = cursor & ~(long)WK_SCREEN_CURSOR_HIDDEN;

	/* Plain checks rather than cr_assert's: the random tests draw
	 * thousands of times. A count of 0 places the cursor alone. */
	if (first < 0 || count < 0 || first + count > total)
		cr_assert_fail("screen_draw(%ld, %ld) on %ld cells", first,
			       count, total);
	if (cursor < 0 || at >= total)
		cr_assert_fail("screen_draw's cursor %#lx on %ld cells",
			       cursor, total);
	memcpy(screen + first, (const uint16_t *)cells,
	       (size_t)count * sizeof(*screen));
	/* Hidden: as past the last cell, which no cell is drawn reversed
	 * for. */
	drawn_cursor = cursor & WK_SCREEN_CURSOR_HIDDEN ? total : cursor;
	draws++;
	return count;
}

long wk_screen_read(long to, long count)
{
	reads++;
	if (read_answer < 0)
		return read_answer;
	cr_assert_eq(count, (long)screen_columns * screen_rows);
	memcpy((void *)to, screen, (size_t)count * sizeof(*screen));
	return read_answer;
}

/* A blank screen of columns x rows, its cursor at `cursor`, taken. */
static void start_at(uint32_t columns, uint32_t rows, long cursor)
{
	screen_columns = columns;
	screen_rows = rows;
	for (uint32_t i = 0; i < columns * rows; i++)
		screen[i] = BLANK;
	read_answer = cursor;
	cr_assert(terminal_start(columns, rows));
	cr_assert(terminal_active());
}

static void start(uint32_t columns, uint32_t rows)
{
	start_at(columns, rows, 0);
}

static void put(const char *text)
{
	terminal_write(text, strlen(text), true);
}

/* The cell the terminal holds: what the screen shows, the cursor's cell
 * turned back from reverse. */
static uint16_t cell(uint32_t row, uint32_t column)
{
	uint32_t at = row * screen_columns + column;
	uint16_t shown = screen[at];

	if (at != (uint32_t)drawn_cursor)
		return shown;
	return (uint16_t)((shown & 0x88ff) | (shown & 0x0700) << 4 |
			  (shown & 0x7000) >> 4);
}

/* Row `row`'s characters, trailing blanks left out. */
static const char *row_text(uint32_t row)
{
	static char text[CELLS_MAX + 1];
	uint32_t length = 0;

	for (uint32_t column = 0; column < screen_columns; column++) {
		text[column] = (char)(cell(row, column) & 0xff);
		if (text[column] != ' ')
			length = column + 1;
	}
	text[length] = '\0';
	return text;
}

/* The cells from (row, column) on are `text`, all in `attribute`. */
static void expect_cells(uint32_t row, uint32_t column, const char *text,
			 uint8_t attribute)
{
	for (size_t i = 0; text[i]; i++)
		cr_assert_eq(cell(row, column + (uint32_t)i),
			     WK_SCREEN_CELL(text[i], attribute),
			     "cell %u,%zu: %#x, not '%c' in %#x", row,
			     column + i, cell(row, column + (uint32_t)i),
			     text[i], attribute);
}

/* Row `row` is blank in `attribute`. */
static void expect_blank_row(uint32_t row, uint8_t attribute)
{
	for (uint32_t column = 0; column < screen_columns; column++)
		cr_assert_eq(cell(row, column), WK_SCREEN_CELL(' ', attribute),
			     "cell %u,%u: %#x", row, column, cell(row, column));
}

/* Where the cursor is drawn, as (row, column). */
static void expect_cursor(uint32_t row, uint32_t column)
{
	cr_assert_eq(drawn_cursor, (long)(row * screen_columns + column),
		     "cursor at %ld, not %u,%u", drawn_cursor, row, column);
}

/* The kernel's cells stay as they are shown and are the grid's (they
 * scroll with the rest); the output goes on at the kernel's cursor. */
Test(terminal, start_adopts_the_screen_and_its_cursor)
{
	screen_columns = 10;
	screen_rows = 3;
	for (uint32_t i = 0; i < 30; i++)
		screen[i] = BLANK;
	for (uint32_t i = 0; i < 4; i++)
		screen[i] = WK_SCREEN_CELL("boot"[i], 0x07);
	screen[10] = WK_SCREEN_CELL('o', 0x07);
	screen[11] = WK_SCREEN_CELL('k', 0x0a);
	read_answer = 12;
	cr_assert_not(terminal_active());
	cr_assert(terminal_start(10, 3));
	cr_assert(terminal_active());
	cr_assert_eq(reads, 1);
	/* One draw at once: the cursor, at the kernel's; nothing else. */
	cr_assert_eq(draws, 1);
	expect_cursor(1, 2);
	cr_assert_eq(screen[12], WK_SCREEN_CELL(' ', 0x70));
	put("!");
	cr_assert_eq(draws, 2);
	expect_cells(0, 0, "boot", 0x07);
	expect_cells(1, 0, "o", 0x07);
	expect_cells(1, 1, "k", 0x0a);
	expect_cells(1, 2, "!", 0x07);
	expect_cursor(1, 3);
	put("\r\n\r\nx");
	expect_cells(0, 0, "o", 0x07);
	expect_cells(0, 1, "k", 0x0a);
	expect_cells(0, 2, "!", 0x07);
	expect_blank_row(1, 0x07);
	cr_assert_str_eq(row_text(2), "x");
	expect_cursor(2, 1);
}

/* No columns, no rows, more cells than a screen_draw's grid holds (also
 * 65536 x 65536, 0 in 32 bits), or a failed screen_read: no terminal,
 * and a write draws nothing. */
Test(terminal, start_refuses_and_then_draws_nothing)
{
	screen_columns = 80;
	screen_rows = 25;
	read_answer = 0;
	cr_assert_not(terminal_start(0, 25));
	cr_assert_not(terminal_start(80, 0));
	cr_assert_not(terminal_start(256, 256));
	cr_assert_not(terminal_start(65536, 65536));
	cr_assert_not(terminal_start(65536, 1));
	read_answer = -WK_EFAULT;
	cr_assert_not(terminal_start(80, 25));
	cr_assert_not(terminal_active());
	put("text\r\n\033[2J\033[?1049h\033c");
	cr_assert_eq(draws, 0);
}

/* 65535 cells are taken, the last one drawn. */
Test(terminal, the_largest_screen)
{
	start(255, 257);
	put("\033[257;255Hz");
	expect_cells(256, 254, "z", 0x07);
	expect_cursor(256, 254);
	put("\033[?1049h");
	expect_blank_row(256, 0x07);
	put("\033[?1049l");
	expect_cells(256, 254, "z", 0x07);
}

/* A line feed returns the carriage when asked (ONLCR), else keeps the
 * column; a carriage return goes to column 0; VT is a line feed. */
Test(terminal, text_carriage_returns_and_line_feeds)
{
	start(10, 4);
	put("ab\ncd");
	cr_assert_str_eq(row_text(0), "ab");
	cr_assert_str_eq(row_text(1), "cd");
	expect_cells(0, 0, "ab", 0x07);
	expect_cursor(1, 2);
	terminal_write("e\nf", 3, false);
	cr_assert_str_eq(row_text(1), "cde");
	cr_assert_str_eq(row_text(2), "   f");
	expect_cursor(2, 4);
	put("\rX");
	cr_assert_str_eq(row_text(2), "X  f");
	expect_cursor(2, 1);
	terminal_write("\vg", 2, false);
	cr_assert_str_eq(row_text(3), " g");
}

/* BS moves left and stops at column 0; after a full line it leaves the
 * last column (pyte's and xterm's way). */
Test(terminal, backspace)
{
	start(5, 2);
	put("abc\b\bX");
	cr_assert_str_eq(row_text(0), "aXc");
	expect_cursor(0, 2);
	put("\b\b\bY");
	cr_assert_str_eq(row_text(0), "YXc");
	expect_cursor(0, 1);
	put("\rvwxyz\bQ");
	cr_assert_str_eq(row_text(0), "vwxQz");
	cr_assert_str_eq(row_text(1), "");
}

/* Tab stops every 8 columns, the last column the last stop. */
Test(terminal, tabs)
{
	start(20, 3);
	put("\tA\tB\tC");
	cr_assert_str_eq(row_text(0), "        A       B  C");
	cr_assert_str_eq(row_text(1), "");
	put("\r\nabc\td\r\n01234567\tx");
	cr_assert_str_eq(row_text(1), "abc     d");
	cr_assert_str_eq(row_text(2), "01234567        x");
	put("\033[1;20H\t");
	expect_cursor(0, 19);
	put("\033[1;19H\t");
	expect_cursor(0, 19);
}

/* A character in the last column leaves the cursor there, and the next
 * one wraps (a CR LF then makes no empty line); at the bottom the wrap
 * scrolls. */
Test(terminal, autowrap_and_the_pending_wrap)
{
	start(5, 3);
	put("abcde");
	cr_assert_str_eq(row_text(0), "abcde");
	cr_assert_str_eq(row_text(1), "");
	expect_cursor(0, 4);
	cr_assert_eq(screen[4], WK_SCREEN_CELL('e', 0x70));
	put("f");
	cr_assert_str_eq(row_text(1), "f");
	cr_assert_eq(screen[4], WK_SCREEN_CELL('e', 0x07));
	expect_cursor(1, 1);
	put("ghij\r\nk");
	cr_assert_str_eq(row_text(1), "fghij");
	cr_assert_str_eq(row_text(2), "k");
	put("lmnopq");
	cr_assert_str_eq(row_text(0), "fghij");
	cr_assert_str_eq(row_text(1), "klmno");
	cr_assert_str_eq(row_text(2), "pq");
	expect_cursor(2, 2);
}

/* A line feed ends the pending wrap, as xterm and Linux's console have
 * it (raw mode, with no carriage return): the next character goes on the
 * last column of the next row, not a row further. */
Test(terminal, line_feed_ends_the_pending_wrap)
{
	start(5, 4);
	terminal_write("abcde\nX", 7, false);
	cr_assert_str_eq(row_text(0), "abcde");
	cr_assert_str_eq(row_text(1), "    X");
	cr_assert_str_eq(row_text(2), "");
}

/* ESC[?7l: the last column is written over; ESC[?7h wraps again. */
Test(terminal, autowrap_off)
{
	start(5, 3);
	put("\033[?7labcdefg");
	cr_assert_str_eq(row_text(0), "abcdg");
	cr_assert_str_eq(row_text(1), "");
	expect_cursor(0, 4);
	put("\033[?7hxy");
	cr_assert_str_eq(row_text(0), "abcdg");
	cr_assert_str_eq(row_text(1), "xy");
}

/* A line feed on the last row moves the rows up; the new last row is
 * blank in the default attribute, whatever the pen. */
Test(terminal, scrolling_at_the_bottom)
{
	start(5, 3);
	put("a\nb\nc\nd");
	cr_assert_str_eq(row_text(0), "b");
	cr_assert_str_eq(row_text(1), "c");
	cr_assert_str_eq(row_text(2), "d");
	put("\033[41m\n");
	expect_cells(0, 0, "c    ", 0x07);
	expect_cells(1, 0, "d    ", 0x07);
	expect_blank_row(2, 0x07);
	expect_cursor(2, 0);
}

/* The cell under the cursor is drawn with its colours swapped, the grid
 * keeping the normal one (it is drawn again when the cursor leaves);
 * screen_draw's cursor is row * columns + column, columns * rows when
 * ESC[?25l hides it. One draw a write, none when nothing changed. */
Test(terminal, the_cursor)
{
	start(10, 3);
	put("ab");
	cr_assert_eq(drawn_cursor, 2);
	cr_assert_eq(screen[1], WK_SCREEN_CELL('b', 0x07));
	cr_assert_eq(screen[2], WK_SCREEN_CELL(' ', 0x70));
	put("\033[32;44mq\b");
	cr_assert_eq(drawn_cursor, 2);
	cr_assert_eq(screen[2], WK_SCREEN_CELL('q', 0x21));
	put("\033[2;4H");
	cr_assert_eq(drawn_cursor, 13);
	cr_assert_eq(screen[2], WK_SCREEN_CELL('q', 0x12));
	cr_assert_eq(screen[13], WK_SCREEN_CELL(' ', 0x70));
	put("\033[?25l");
	cr_assert_eq(drawn_cursor, 30);
	cr_assert_eq(screen[13], BLANK);
	put("x");
	cr_assert_eq(drawn_cursor, 30);
	cr_assert_eq(screen[13], WK_SCREEN_CELL('x', 0x12));
	cr_assert_eq(screen[14], BLANK);
	put("\033[?25h");
	cr_assert_eq(drawn_cursor, 14);
	cr_assert_eq(screen[14], WK_SCREEN_CELL(' ', 0x70));
	for (uint32_t i = 0; i < 30; i++)
		if (i != 14)
			cr_assert_neq(screen[i] >> 12 & 7, 7, "cell %u", i);

	unsigned before = draws;

	put("");
	put("\033[0m");
	cr_assert_eq(draws, before);
	put("a\r\nb\r\nc");
	cr_assert_eq(draws, before + 1);
}

/* SGR: SGR colours to VGA's (red 1 is 4), bold is bright, 90-97 bright
 * (bold, as pyte has it), reverse, resets; 38/48 with 5;n or 2;r;g;b
 * are skipped whole. */
Test(terminal, select_graphic_rendition)
{
	start(20, 2);
	put("\033[31ma"			/* red */
	    "\033[1mb"			/* bright red */
	    "\033[0;42mc"		/* grey on green */
	    "\033[31;7md"		/* green on red */
	    "\033[0me"
	    "\033[1;31;39mf"		/* bright grey */
	    "\033[0;41;49mg"
	    "\033[0;94mh"		/* bright blue */
	    "\033[0;97mi"		/* white */
	    "\033[0;38;5;1;32mj"	/* green */
	    "\033[0;38;2;1;7;1;41mk"	/* grey on red */
	    "\033[48;5;21;1ml"		/* white on red */
	    "\033[7;22mm"		/* red on grey */
	    "\033[27mn"			/* grey on red */
	    "\033[31m\033[mo"
	    "\033[0;48;2;0;7;255;33mp"	/* brown */
	    "\033[0;1;22;35mq");	/* magenta */
	static const uint8_t expected[] = { 0x04, 0x0c, 0x27, 0x42, 0x07,
					    0x0f, 0x07, 0x09, 0x0f, 0x02,
					    0x47, 0x4f, 0x74, 0x47, 0x07,
					    0x06, 0x05 };

	cr_assert_str_eq(row_text(0), "abcdefghijklmnopq");
	for (uint32_t i = 0; i < sizeof(expected); i++)
		cr_assert_eq(cell(0, i), WK_SCREEN_CELL('a' + i, expected[i]),
			     "'%c': %#x", 'a' + i, cell(0, i) >> 8);
}

/* The colon forms: a parameter after ':' belongs to the one before it
 * and is never read as an SGR code of its own. */
Test(terminal, select_graphic_rendition_subparameters)
{
	start(20, 2);
	put("\033[31;38:2::1:0:7;1ma"	/* bright red: 1 is bold */
	    "\033[0;58:2::255:0:0;32mb"	/* green: the 0 resets nothing */
	    "\033[4:3;44mc"		/* on blue: 3 is no code */
	    "\033[0;38:5:1;33md");	/* brown */
	static const uint8_t expected[] = { 0x0c, 0x02, 0x12, 0x06 };

	cr_assert_str_eq(row_text(0), "abcd");
	for (uint32_t i = 0; i < sizeof(expected); i++)
		cr_assert_eq(cell(0, i), WK_SCREEN_CELL('a' + i, expected[i]),
			     "'%c': %#x", 'a' + i, cell(0, i) >> 8);
}

/* CUU CUD CUF CUB CNL CPL CHA VPA CUP (and their other finals), missing
 * and 0 parameters meaning 1, clamped at the screen's edges. */
Test(terminal, cursor_movement)
{
	start(10, 5);
	put("\033[3;4H");
	expect_cursor(2, 3);
	put("\033[A");
	expect_cursor(1, 3);
	put("\033[5A");
	expect_cursor(0, 3);
	put("\033[2B");
	expect_cursor(2, 3);
	put("\033[99B");
	expect_cursor(4, 3);
	put("\033[3;4H\033[0B");
	expect_cursor(3, 3);
	put("\033[1e");
	expect_cursor(4, 3);
	put("\033[2C");
	expect_cursor(4, 5);
	put("\033[99C");
	expect_cursor(4, 9);
	put("\033[3D");
	expect_cursor(4, 6);
	put("\033[99D");
	expect_cursor(4, 0);
	put("\033[a");
	expect_cursor(4, 1);
	put("\033[2;5H\033[E");
	expect_cursor(2, 0);
	put("\033[9E");
	expect_cursor(4, 0);
	put("\033[3;5H\033[F");
	expect_cursor(1, 0);
	put("\033[9F");
	expect_cursor(0, 0);
	put("\033[3;9H\033[5G");
	expect_cursor(2, 4);
	put("\033[99G");
	expect_cursor(2, 9);
	put("\033[3`");
	expect_cursor(2, 2);
	put("\033[2d");
	expect_cursor(1, 2);
	put("\033[99d");
	expect_cursor(4, 2);
	put("\033[H");
	expect_cursor(0, 0);
	put("\033[99;99H");
	expect_cursor(4, 9);
	put("\033[;5H");
	expect_cursor(0, 4);
	put("\033[3;0f");
	expect_cursor(2, 0);
	put("\033[0;0H");
	expect_cursor(0, 0);
	put("\033[2;3HX");
	cr_assert_str_eq(row_text(1), "  X");
	/* A move from the pending wrap of a full line. */
	put("\033[1;1H0123456789\033[D");
	expect_cursor(0, 8);
	put("\033[2;1H0123456789\033[B");
	expect_cursor(2, 9);
	put("\033[4;1H0123456789\033[Ay");
	cr_assert_str_eq(row_text(2), "         y");
}

/* Parameters past the largest int clamp, nothing overflows. */
Test(terminal, huge_parameters)
{
	start(10, 5);
	put("\033[3;3H\033[99999999999A");
	expect_cursor(0, 2);
	put("\033[99999999999B");
	expect_cursor(4, 2);
	put("\033[99999999999C");
	expect_cursor(4, 9);
	put("\033[99999999999D");
	expect_cursor(4, 0);
	put("\033[99999999999;99999999999H");
	expect_cursor(4, 9);
	put("\033[99999999999G\033[99999999999d");
	expect_cursor(4, 9);
	put("\033[H\033[99999999999E");
	expect_cursor(4, 0);
	put("\033[99999999999F");
	expect_cursor(0, 0);
	put("abc\r\033[99999999999@d");
	cr_assert_str_eq(row_text(0), "d");
	put("\rabc\r\033[99999999999Pd");
	cr_assert_str_eq(row_text(0), "d");
	put("\rabc\r\033[99999999999X");
	cr_assert_str_eq(row_text(0), "");
	put("x\r\n\033[99999999999L\033[99999999999M");
	cr_assert_str_eq(row_text(0), "x");
	cr_assert_str_eq(row_text(1), "");
	put("\033[99999999999S\033[99999999999T");
	cr_assert_str_eq(row_text(0), "");
	/* 2^32 + 1 and 2^32 do not wrap round to 1 and 0. */
	put("\033[4294967297A");
	expect_cursor(0, 0);
	put("\033[4294967296C");
	expect_cursor(0, 9);
	put("\033[2;1H\033[99999999999;31mr\033[99999999999;99999999999r");
	expect_cells(1, 0, "r", 0x04);
	expect_cursor(1, 1); /* no region set: no move home */
}

/* More than 16 parameters: the first ones still count, the sequence
 * still ends at its final byte. */
Test(terminal, more_parameters_than_kept)
{
	start(10, 5);
	put("\033[31;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;"
	    "1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1mx");
	cr_assert_str_eq(row_text(0), "x");
	expect_cells(0, 0, "x", 0x0c);
	put("\033[3;4;5;6;7;8;9;1;2;3;4;5;6;7;8;9;1;2;3;4;5;6;7;8;9;1;2;3;4"
	    ";5;6;7;8;9;1;2;3;4;5;6;7;8;9;1;2;3;4;5;6;7;8;9;1;2;3;4;5;6;7;8"
	    "Hy");
	expect_cells(2, 3, "y", 0x0c);
	cr_assert_str_eq(row_text(2), "   y");
}

/* A screen of 0-9 a-j A-J, the cursor at row 1, column 4. */
static void fill_screen(void)
{
	put("\033[0m\033[H0123456789abcdefghijABCDEFGHIJ\033[2;5H");
}

/* ED 0, 1, 2: from the cursor on, up to the cursor, all; the erased
 * cells take the pen's attribute; the cursor stays. */
Test(terminal, erase_in_display)
{
	start(10, 3);
	fill_screen();
	put("\033[41m\033[J");
	expect_cells(0, 0, "0123456789", 0x07);
	expect_cells(1, 0, "abcd", 0x07);
	expect_cells(1, 4, "      ", 0x47);
	expect_blank_row(2, 0x47);
	expect_cursor(1, 4);
	fill_screen();
	put("\033[42m\033[1J");
	expect_blank_row(0, 0x27);
	expect_cells(1, 0, "     ", 0x27);
	expect_cells(1, 5, "fghij", 0x07);
	expect_cells(2, 0, "ABCDEFGHIJ", 0x07);
	fill_screen();
	put("\033[0J");
	expect_cells(1, 0, "abcd      ", 0x07);
	expect_blank_row(2, 0x07);
	fill_screen();
	put("\033[44m\033[2J");
	for (uint32_t row = 0; row < 3; row++)
		expect_blank_row(row, 0x17);
	expect_cursor(1, 4);
}

/* EL 0, 1, 2 and ECH, in the pen's attribute, on the cursor's row
 * alone. */
Test(terminal, erase_in_line_and_characters)
{
	start(10, 3);
	fill_screen();
	put("\033[41m\033[K");
	expect_cells(0, 0, "0123456789", 0x07);
	expect_cells(1, 0, "abcd", 0x07);
	expect_cells(1, 4, "      ", 0x47);
	expect_cells(2, 0, "ABCDEFGHIJ", 0x07);
	expect_cursor(1, 4);
	fill_screen();
	put("\033[41m\033[1K");
	expect_cells(1, 0, "     ", 0x47);
	expect_cells(1, 5, "fghij", 0x07);
	fill_screen();
	put("\033[41m\033[2K");
	expect_blank_row(1, 0x47);
	expect_cells(0, 0, "0123456789", 0x07);
	expect_cells(2, 0, "ABCDEFGHIJ", 0x07);
	fill_screen();
	put("\033[43m\033[3X");
	expect_cells(1, 0, "abcd", 0x07);
	expect_cells(1, 4, "   ", 0x67);
	expect_cells(1, 7, "hij", 0x07);
	expect_cursor(1, 4);
	fill_screen();
	put("\033[X");
	cr_assert_str_eq(row_text(1), "abcd fghij");
	fill_screen();
	put("\033[2;9H\033[99X");
	cr_assert_str_eq(row_text(1), "abcdefgh");
	expect_cells(2, 0, "ABCDEFGHIJ", 0x07);
}

/* ICH and DCH move the rest of the line, blanks (default attribute)
 * coming in; IRM (ESC[4h) inserts as it draws. */
Test(terminal, insert_and_delete_characters)
{
	start(10, 2);
	put("abcdefghij\r\033[3C\033[41m\033[2@");
	cr_assert_str_eq(row_text(0), "abc  defgh");
	expect_cells(0, 3, "  ", 0x07);
	expect_cursor(0, 3);
	put("\033[0m\rabcdefghij\r\033[2C\033[3P");
	cr_assert_str_eq(row_text(0), "abfghij");
	expect_cells(0, 7, "   ", 0x07);
	expect_cursor(0, 2);
	put("\rabcdefghij\033[P");
	cr_assert_str_eq(row_text(0), "abcdefghi");
	put("\rabcdefghij\033[@");
	cr_assert_str_eq(row_text(0), "abcdefghi");
	put("\r\033[Kabcdef\033[1;3H\033[4hXY\033[4lZ");
	cr_assert_str_eq(row_text(0), "abXYZdef");
	cr_assert_str_eq(row_text(1), "");
}

/* Rows A to E, one a row. */
static void fill_rows(void)
{
	put("\033c\033[HA\r\nB\r\nC\r\nD\r\nE");
}

static void expect_rows(const char *a, const char *b, const char *c,
			const char *d, const char *e)
{
	const char *rows[] = { a, b, c, d, e };

	for (uint32_t row = 0; row < 5; row++)
		cr_assert_str_eq(row_text(row), rows[row], "row %u", row);
}

/* IL and DL at the cursor's row, to the region's bottom, the cursor to
 * column 0; outside the region they do nothing. */
Test(terminal, insert_and_delete_lines)
{
	start(10, 5);
	fill_rows();
	put("\033[2;3H\033[L");
	expect_rows("A", "", "B", "C", "D");
	expect_cursor(1, 0);
	put("\033[M");
	expect_rows("A", "B", "C", "D", "");
	put("\033[2M");
	expect_rows("A", "D", "", "", "");
	fill_rows();
	put("\033[2;1H\033[99L");
	expect_rows("A", "", "", "", "");
	fill_rows();
	put("\033[2;4r\033[3;1H\033[L");
	expect_rows("A", "B", "", "C", "E");
	put("\033[M");
	expect_rows("A", "B", "C", "", "E");
	put("\033[2;1H\033[9M");
	expect_rows("A", "", "", "", "E");
	put("\033[2;2H\033[41m\033[L");
	expect_blank_row(1, 0x07);
	fill_rows();
	put("\033[2;4r\033[5;3H\033[L\033[1;3H\033[M");
	expect_rows("A", "B", "C", "D", "E");
	expect_cursor(0, 2);
}

/* DECSTBM: the cursor goes home; a line feed at the region's bottom and
 * a reverse index at its top scroll the region alone, as SU and SD do;
 * below the region the last row does not scroll. */
Test(terminal, scroll_region)
{
	start(10, 5);
	fill_rows();
	put("\033[2;4r");
	expect_cursor(0, 0);
	put("\033[4;1H\n");
	expect_rows("A", "C", "D", "", "E");
	expect_cursor(3, 0);
	put("x\033D");
	expect_rows("A", "D", "x", "", "E");
	put("\033[2;1H\033M");
	expect_rows("A", "", "D", "x", "E");
	expect_cursor(1, 0);
	put("\033[S");
	expect_rows("A", "D", "x", "", "E");
	put("\033[2T");
	expect_rows("A", "", "", "D", "E");
	put("\033[5;1H\n\n");
	expect_rows("A", "", "", "D", "E");
	expect_cursor(4, 0);
	put("\033[1;1H\033M");
	expect_rows("A", "", "", "D", "E");
	expect_cursor(0, 0);
	put("\033[r\033[5;1H\n");
	expect_rows("", "", "D", "E", "");
	fill_rows();
	put("\033[2;99r\033[5;1H\ny");
	expect_rows("A", "C", "D", "E", "y");
}

/* A region of one row or upside down is ignored: no move home, the
 * whole screen still scrolls. */
Test(terminal, invalid_scroll_regions)
{
	start(10, 5);
	fill_rows();
	put("\033[3;3r");
	expect_cursor(4, 1);
	put("\033[4;2r\033[9;7r\033[6;9r");
	expect_cursor(4, 1);
	put("\n");
	expect_rows("B", "C", "D", "E", "");
}

/* Where the cursor is goes to the kernel even when no cell changes (its
 * own messages go below it), hidden or not. */
Test(terminal, the_cursor_told_alone)
{
	start(10, 3);
	put("\033[?25lab");
	unsigned before = draws;

	put("\033[3;4H");
	cr_assert_eq(draws, before + 1);
	cr_assert_eq(drawn_cursor, 30);
	put("\033[3;4H");
	cr_assert_eq(draws, before + 1);
	put("\033[?25h");
	expect_cursor(2, 3);
}

/* The run's end: the cursor's cell drawn as it is, the cursor hidden. */
Test(terminal, the_end)
{
	start(10, 3);
	put("ab");
	cr_assert_eq(screen[2], WK_SCREEN_CELL(' ', 0x70));
	terminal_end();
	cr_assert_eq(screen[2], BLANK);
	cr_assert_eq(drawn_cursor, 30);
}

/* ESC 7 / ESC 8 and CSI s / CSI u keep the position and the pen. */
/* Up and down stop at the scroll region's edges when they start inside
 * it (as xterm and pyte do), and at the screen's from outside it. */
Test(terminal, vertical_moves_and_the_scroll_region)
{
	start(10, 8);
	put("\033[3;5r\033[5;2H\033[9A");
	expect_cursor(2, 1);
	put("\033[9B");
	expect_cursor(4, 1);
	put("\033[4;3H\033[9F");
	expect_cursor(2, 0);
	put("\033[9E");
	expect_cursor(4, 0);
	put("\033[2;7H\033[9A");
	expect_cursor(0, 6);
	put("\033[7;7H\033[9B");
	expect_cursor(7, 6);
}

Test(terminal, save_and_restore_the_cursor)
{
	start(10, 5);
	put("\033[2;3H\033[31m\0337\033[0m\033[4;6Hy\0338x");
	expect_cells(1, 2, "x", 0x04);
	expect_cells(3, 5, "y", 0x07);
	put("\033[32m\033[s\033[0m\033[5;1H\033[uz");
	expect_cells(1, 3, "z", 0x02);
	/* A saved pending wrap comes back on the last column (pyte's
	 * way). */
	put("\033[3;1H0123456789\0337\033[H\0338w");
	cr_assert_str_eq(row_text(2), "012345678w");
}

/* ESC 8 with nothing saved: home, the default pen. */
Test(terminal, restore_without_save_goes_home)
{
	start(10, 5);
	put("\033[3;3H\033[31m\0338x");
	expect_cells(0, 0, "x", 0x07);
}

Test(terminal, csi_restore_without_save_goes_home)
{
	start(10, 5);
	put("\033[3;3H\033[31m\033[ux");
	expect_cells(0, 0, "x", 0x07);
}

/* ESC[?1049h: a blank screen, the cursor where it was; ESC[?1049l: the
 * main screen's cells and cursor (and pen) back. */
Test(terminal, alternate_screen)
{
	start(10, 3);
	put("main\r\n\033[31mline");
	put("\033[?1049h");
	for (uint32_t row = 0; row < 3; row++)
		expect_blank_row(row, 0x07);
	expect_cursor(1, 4);
	put("\033[0m\033[Halt\033[3;3Hxx");
	cr_assert_str_eq(row_text(0), "alt");
	put("\033[?1049l");
	expect_cells(0, 0, "main", 0x07);
	expect_cells(1, 0, "line", 0x04);
	expect_blank_row(2, 0x07);
	expect_cursor(1, 4);
	cr_assert_eq(screen[14], WK_SCREEN_CELL(' ', 0x70));
	put("!");
	expect_cells(1, 4, "!", 0x04);
	put("\033[?1049l");
	cr_assert_str_eq(row_text(0), "main");
	put("\033[?1049h");
	for (uint32_t row = 0; row < 3; row++)
		expect_blank_row(row, 0x07);
}

/* ESC c: a blank screen, the cursor home and shown, the default pen,
 * the whole screen the region, wrapping on. */
Test(terminal, reset)
{
	start(10, 3);
	put("\033[31;44m\033[2;3r\033[?7l\033[?25labc\0337\033c");
	for (uint32_t row = 0; row < 3; row++)
		expect_blank_row(row, 0x07);
	expect_cursor(0, 0);
	cr_assert_eq(screen[0], WK_SCREEN_CELL(' ', 0x70));
	put("0123456789ab");
	expect_cells(0, 0, "0123456789", 0x07);
	expect_cells(1, 0, "ab", 0x07);
	put("\033[3;1H\ny");
	cr_assert_str_eq(row_text(0), "ab");
	cr_assert_str_eq(row_text(1), "");
	cr_assert_str_eq(row_text(2), "y");
	put("\0338z");
	expect_cells(0, 0, "z", 0x07);
}

/* DEC's line drawing: G0 designated (ESC ( 0, as xterm's terminfo
 * draws), or G1 (ESC ) 0) selected by SO until SI (the linux entry's);
 * the lines and corners as - | +, shades as #, the rest as ?; the bytes
 * the set leaves alone and CSIs as ever; ESC c gives ASCII back. */
Test(terminal, line_drawing)
{
	start(20, 3);
	put("\033(0lqwqk x a~A\033(B lqk\r\n");
	cr_assert_str_eq(row_text(0), "+-+-+ | #?A lqk");
	put("\033)0q\016tqnqu\033[32mmvj\017q\r\n");
	cr_assert_str_eq(row_text(1), "q+-+-++++q");
	cr_assert_eq(cell(1, 6), WK_SCREEN_CELL('+', 0x02));
	put("\016\033cx\033(0\033%Gx");
	cr_assert_str_eq(row_text(0), "x|");
}

/* The Linux console's OSCs, which TERM=linux's terminfo sends (reset
 * and initc), end by their length, not at BEL; DCS, APC, PM and SOS
 * strings are swallowed whole; ESC, an intermediate and a final draw
 * nothing. */
Test(terminal, strings_and_escapes)
{
	start(20, 2);
	put("a\033]R\033[1;3Hb\033]P1a0b0c0c\033P1$r\033\\d");
	put("\033_x\007\033^y\033\\\033Xz\033\\e\033 Ff\033#8g");
	cr_assert_str_eq(row_text(0), "a bcdefg");
}

/* OSC strings, charsets, private and intermediate CSIs, reports, BEL
 * and DEL draw nothing and leave the cursor and pen. */
Test(terminal, sequences_that_draw_nothing)
{
	static const char *const sequences[] = {
		"\033]0;a title\a", "\033]2;[a title]\033\\",
		"\033]8;;http://x/\033\\", "\033(B", "\033)0", "\033(0\033(B",
		"\033[>c", "\033[>0;1m", "\033[?1h", "\033[?1000h",
		"\033[?2004h", "\033[6n", "\033[5n", "\033[c", "\033[2 q",
		"\033=", "\033>", "\a", "\177", "\033[?47l", "\033[4l",
		"\033[?7h", "\033[?25h", "\033[3g", "\033[1;2;3;4;5y",
		"\033[25l", "\033[1049h", "\033[?4h", "\033[>25l",
	};

	start(10, 3);
	put("ab");

	unsigned before = draws;

	for (size_t i = 0; i < sizeof(sequences) / sizeof(*sequences); i++) {
		put(sequences[i]);
		cr_assert_eq(draws, before, "%zu", i);
	}
	put("c");
	cr_assert_str_eq(row_text(0), "abc");
	expect_cells(0, 0, "abc", 0x07);
	cr_assert_str_eq(row_text(1), "");
}

/* A sequence split across writes is still read whole. */
Test(terminal, sequences_split_across_writes)
{
	start(10, 3);
	put("\033");
	put("[3");
	put("1");
	put(";4");
	put("4mx\033]0;ti");
	put("tle\033");
	put("\\y\033[2");
	put(";5Hz");
	expect_cells(0, 0, "xy", 0x14);
	expect_cells(1, 4, "z", 0x14);
	cr_assert_str_eq(row_text(0), "xy");
}

/* UTF-8: the box-drawing lines as ASCII ones, a no-break space a space,
 * the rest '?', one cell each; a stray continuation byte, a byte no
 * character starts with, and a character cut short one '?' each, as a
 * replacement character would be. */
Test(terminal, utf8)
{
	start(20, 2);
	put("\xc3\xa9\xe2\x94\x80\xe2\x94\x82\xe2\x94\x8c\xc2\xa0x"
	    "\xf0\x9f\x98\x80\xe2\x95\x90\xe2\x95\x91");
	cr_assert_str_eq(row_text(0), "?-|+ x?-|");
	expect_cursor(0, 9);

	put("\x80");
	put("\xbf\xc0\xf8y");
	cr_assert_str_eq(row_text(0), "?-|+ x?-|????y");
	/* A character cut short by another, by ASCII, by a control. */
	put("\xe2\x94\xc3\xa9\xe2z\xc3\r");
	cr_assert_str_eq(row_text(0), "?-|+ x?-|????y???z?");
}

/* A UTF-8 character split across writes is still one. */
Test(terminal, utf8_split_across_writes)
{
	start(20, 2);
	put("a\xe2");
	put("\x94");
	cr_assert_str_eq(row_text(0), "a");
	expect_cursor(0, 1);
	put("\x80");
	cr_assert_str_eq(row_text(0), "a-");
	put("\xf0\x9f");
	put("\x98");
	put("\x80" "b");
	cr_assert_str_eq(row_text(0), "a-?b");
}

/* Random bytes, many of them sequences' bytes, in random chunks: no cell
 * out of bounds (ASan, UBSan, the fake screen's checks); then CAN and
 * ESC c still reset the screen. */
static uint64_t random_state = 0x9e3779b97f4a7c15ull;

static uint32_t random_number(void)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 7;
	random_state ^= random_state << 17;
	return (uint32_t)(random_state >> 32);
}

static size_t random_bytes(char *bytes, size_t length)
{
	static const char *const pieces[] = {
		"\033[", "\033[?", "\033]0;", "\033(", "\0337", "\0338",
		"\033c", "\033M", "\033D", "\033E", "\033[?1049h",
		"\033[?1049l", "\033[?7l", "\033[?7h", "\033[?25l",
		"\033[?25h", "\033[4h", "\033[4l", "\033[2;4r", "\033[r",
		"\xe2\x94\x80", "\xc3\xa9", "\r\n", "\a", "\033\\",
		"\033[99999999999", "\033[38;2;1;2;3m", "\033[0;1;7;41m",
	};
	static const char finals[] = "ABCDEFGHJKLMPSTXdefhlmnrsu@`ac";
	static const char controls[] = "\n\r\b\t\030\032\a\v\f";
	size_t at = 0;

	while (at < length) {
		uint32_t r = random_number() % 100;
		const char *piece;
		char c;

		if (r < 8)
			c = '\033';
		else if (r < 16)
			c = '[';
		else if (r < 30)
			c = (char)('0' + random_number() % 10);
		else if (r < 38)
			c = ';';
		else if (r < 41)
			c = '?';
		else if (r < 55)
			c = finals[random_number() % (sizeof(finals) - 1)];
		else if (r < 65)
			c = (char)(0x80 + random_number() % 0x80);
		else if (r < 70)
			c = controls[random_number() % (sizeof(controls) - 1)];
		else if (r < 80) {
			piece = pieces[random_number() %
				       (sizeof(pieces) / sizeof(*pieces))];
			size_t n = strlen(piece);

			if (n > length - at)
				n = length - at;
			memcpy(bytes + at, piece, n);
			at += n;
			continue;
		} else
			c = (char)(' ' + random_number() % 95);
		bytes[at++] = c;
	}
	return at;
}

static void random_stream(uint32_t columns, uint32_t rows, size_t total)
{
	static char bytes[4096];

	start_at(columns, rows, random_number() % (columns * rows));
	for (size_t done = 0; done < total;) {
		size_t length = random_number() % 8 == 0
					? 1 + random_number() % sizeof(bytes)
					: 1 + random_number() % 64;

		random_bytes(bytes, length);
		terminal_write(bytes, length, random_number() % 2);
		done += length;
	}
	cr_assert_gt(draws, 0);
	put("\a\030\033c");
	for (uint32_t row = 0; row < rows; row++)
		expect_blank_row(row, 0x07);
	expect_cursor(0, 0);
	cr_assert_eq(screen[0], WK_SCREEN_CELL(' ', 0x70));
}

Test(terminal, random_bytes_on_a_small_screen)
{
	random_stream(7, 5, 400000);
}

Test(terminal, random_bytes_on_a_large_screen)
{
	random_stream(132, 50, 400000);
}

Test(terminal, random_bytes_on_one_column)
{
	random_stream(1, 6, 200000);
}

Test(terminal, random_bytes_on_one_row)
{
	random_stream(9, 1, 200000);
}
