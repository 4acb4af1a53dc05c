/*
 * The screen's terminal (terminal.h). The screen is a grid of cells, each
 * a character and a VGA attribute (WK_SCREEN_CELL); the output's escape
 * sequences move the cursor and change the cells; after each write the
 * cells that changed go to the kernel in one screen_draw, with the cell
 * under the cursor drawn in reverse (a framebuffer has no cursor of its
 * own). Where xterm and pyte (the reference the tests compare with) do a
 * thing differently, pyte's way is taken, the one a test can check,
 * unless real programs need xterm's (docs/terminal.md lists which).
 */
#include "terminal.h"

#include "lib/string.h"
#include "wicket/native.h"

#define CELLS_MAX 65535
#define PARAMETERS_MAX 16
#define PARAMETER_LIMIT 9999
#define TAB_WIDTH 8
#define DEFAULT_ATTRIBUTE 0x07 /* light grey on black */
#define BLANK WK_SCREEN_CELL(' ', DEFAULT_ATTRIBUTE)
#define NOWHERE UINT32_MAX

/* An SGR colour number (red is 1) to VGA's (red is 4). */
static const uint8_t vga_colour[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

/* What the next character is drawn with. */
struct pen {
	uint8_t foreground, background; /* VGA colours 0-7 */
	bool bold, reverse;
};
static const struct pen default_pen = { 7, 0, false, false };

struct cursor {
	uint32_t row, column; /* column == columns: the next character wraps */
	struct pen pen;
};

static uint16_t main_grid[CELLS_MAX], alternate_grid[CELLS_MAX];
static uint16_t *grid = main_grid;
static uint32_t columns, rows;
static struct cursor cursor, saved, saved_for_alternate;
static bool has_saved;
static uint32_t top, bottom; /* the scroll region: rows top..bottom */
static bool autowrap = true, insert_mode, cursor_visible = true;
static bool newline_returns;

/* The cells changed since the last draw, [dirty_first, dirty_end), and
 * the cell drawn in reverse as the cursor (NOWHERE: none). */
static uint32_t dirty_first = NOWHERE, dirty_end;
static uint32_t cursor_drawn = NOWHERE;
static uint64_t cursor_told = NOWHERE; /* screen_draw's last cursor */

/* The parser: where in a sequence it is, a CSI's parameters, and a UTF-8
 * character's bytes still to come. */
static enum {
	GROUND, ESCAPE, ESCAPE_CHARSET, CSI, OSC, OSC_ESCAPE,
} state;
static uint32_t parameters[PARAMETERS_MAX];
static unsigned parameter_count;
static uint32_t subparameters; /* bit i: parameter i came after a ':' */
static char private_marker;
static bool intermediate;
static uint32_t code_point;
static unsigned continuation_bytes;

/* A string's (OSC is one) bytes so far, and its first; the Linux console's
 * OSCs end by their length: ESC ] R (the palette reset) at once, ESC ] P
 * (a colour) after 7 hex digits. */
static bool osc;
static unsigned string_bytes;
static uint8_t string_first;

/* The character sets: G0 and G1 each ASCII or DEC's special graphics
 * (designated by ESC ( 0, ESC ) 0; ESC ( B and the rest give ASCII back),
 * G1 in use after SO, G0 after SI; `designating`: the set an ESC ( or
 * ESC ) names next (2: a set this terminal does not keep). */
static bool graphics[2], shifted_out;
static unsigned designating;

bool terminal_active(void)
{
	return columns != 0;
}

static uint8_t attribute(const struct pen *pen)
{
	uint8_t foreground = pen->foreground | (pen->bold ? 8 : 0);

	if (pen->reverse)
		return (uint8_t)(pen->background | (foreground & 7) << 4);
	return (uint8_t)(foreground | pen->background << 4);
}

static uint32_t min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void mark(uint32_t first, uint32_t end)
{
	if (first < dirty_first)
		dirty_first = first;
	if (end > dirty_end)
		dirty_end = end;
}

/* Cells [first, end) of the grid set to `cell`. */
static void fill(uint32_t first, uint32_t end, uint16_t cell)
{
	if (first >= end)
		return;
	for (uint32_t at = first; at < end; at++)
		grid[at] = cell;
	mark(first, end);
}

/* Rows [from, to] move up by n (down when n < 0); the rows left behind are
 * blank. */
static void scroll(uint32_t from, uint32_t to, int n)
{
	uint32_t height = to - from + 1, count = min((uint32_t)(n < 0 ? -n : n),
						     height);
	uint16_t *region = grid + from * columns;

	if (n > 0) {
		memmove(region, region + count * columns,
			(height - count) * columns * sizeof(*grid));
		fill((to + 1 - count) * columns, (to + 1) * columns, BLANK);
	} else {
		memmove(region + count * columns, region,
			(height - count) * columns * sizeof(*grid));
		fill(from * columns, (from + count) * columns, BLANK);
	}
	mark(from * columns, (to + 1) * columns);
}

static void line_feed(void)
{
	if (cursor.column == columns) /* a line feed ends the pending wrap */
		cursor.column = columns - 1;
	if (cursor.row == bottom)
		scroll(top, bottom, 1);
	else if (cursor.row + 1 < rows)
		cursor.row++;
}

static void reverse_line_feed(void)
{
	if (cursor.row == top)
		scroll(top, bottom, -1);
	else if (cursor.row > 0)
		cursor.row--;
}

/* The column the cursor is at, a full line's pending wrap aside. */
static uint32_t column_at(void)
{
	return min(cursor.column, columns - 1);
}

static uint32_t here(void)
{
	return cursor.row * columns + column_at();
}

/* n blank cells at the cursor, the rest of the line moving right (n < 0:
 * n cells deleted, the rest moving left). */
static void shift_line(int n)
{
	uint32_t start = here(), end = (cursor.row + 1) * columns;
	uint32_t count = min((uint32_t)(n < 0 ? -n : n), end - start);

	if (n > 0) {
		memmove(grid + start + count, grid + start,
			(end - start - count) * sizeof(*grid));
		fill(start, start + count, BLANK);
	} else {
		memmove(grid + start, grid + start + count,
			(end - start - count) * sizeof(*grid));
		fill(end - count, end, BLANK);
	}
	mark(start, end);
}

static void draw_character(uint8_t c)
{
	if (cursor.column == columns) {
		if (autowrap) {
			cursor.column = 0;
			line_feed();
		} else {
			cursor.column = columns - 1;
		}
	}
	if (insert_mode)
		shift_line(1);
	uint32_t at = here();

	grid[at] = WK_SCREEN_CELL(c, attribute(&cursor.pen));
	mark(at, at + 1);
	cursor.column++;
}

/* A character past ASCII: the box-drawing lines as ASCII ones, the rest
 * as '?' (the font has ASCII alone). Each takes one cell. */
static uint8_t fallback(uint32_t code)
{
	static const uint16_t horizontal[] = { 0x2500, 0x2501, 0x2504, 0x2505,
					       0x2508, 0x2509, 0x254c, 0x254d,
					       0x2550 };
	static const uint16_t vertical[] = { 0x2502, 0x2503, 0x2506, 0x2507,
					     0x250a, 0x250b, 0x254e, 0x254f,
					     0x2551 };

	if (code == 0xa0)
		return ' ';
	for (unsigned i = 0; i < sizeof(horizontal) / sizeof(*horizontal); i++) {
		if (code == horizontal[i])
			return '-';
		if (code == vertical[i])
			return '|';
	}
	if (code >= 0x2580 && code <= 0x259f) /* blocks and shades */
		return '#';
	return code >= 0x2500 && code <= 0x257f ? '+' : '?';
}

/* A character of DEC's special graphics set as the font's ASCII, as
 * fallback shows the Unicode characters the Linux console (and pyte) map
 * them to: the lines and corners, the blocks and shades; ASCII's own for
 * the bytes the set leaves alone. */
static uint8_t special_graphic(uint8_t c)
{
	static const char set[] = " ?#??????#?+++++?\?-??++++|??????";

	_Static_assert(sizeof(set) == 0x7e - 0x5f + 2, "0x5f to 0x7e");

	if (c >= 0x2b && c <= 0x2e) /* arrows */
		return '?';
	if (c == 0x30) /* a full block */
		return '#';
	return c >= 0x5f && c <= 0x7e ? (uint8_t)set[c - 0x5f] : c;
}

/* A UTF-8 character cut short (by another character or a control) shows
 * as one '?', as a replacement character would. */
static void end_character(void)
{
	if (continuation_bytes) {
		continuation_bytes = 0;
		draw_character('?');
	}
}

static uint32_t parameter(unsigned index, uint32_t otherwise)
{
	return index < parameter_count && parameters[index] != 0
		       ? parameters[index] : otherwise;
}

static void move_to(uint32_t row, uint32_t column)
{
	cursor.row = min(row, rows - 1);
	cursor.column = min(column, columns - 1);
}

static void erase(uint32_t first, uint32_t end)
{
	fill(first, end, WK_SCREEN_CELL(' ', attribute(&cursor.pen)));
}

static void select_graphic_rendition(void)
{
	struct pen *pen = &cursor.pen;

	if (parameter_count == 0)
		*pen = default_pen;
	for (unsigned i = 0; i < parameter_count; i++) {
		uint32_t p = parameters[i];

		if (subparameters >> i & 1)
			continue; /* 38:2::r:g:b, 4:3 and the like */
		if (p == 0)
			*pen = default_pen;
		else if (p == 1)
			pen->bold = true;
		else if (p == 22)
			pen->bold = false;
		else if (p == 7)
			pen->reverse = true;
		else if (p == 27)
			pen->reverse = false;
		else if (p >= 30 && p <= 37)
			pen->foreground = vga_colour[p - 30];
		else if (p == 39)
			pen->foreground = default_pen.foreground;
		else if (p >= 40 && p <= 47)
			pen->background = vga_colour[p - 40];
		else if (p == 49)
			pen->background = default_pen.background;
		else if (p >= 90 && p <= 97) { /* bright is bold, as pyte has it */
			pen->foreground = vga_colour[p - 90];
			pen->bold = true;
		} else if (p >= 100 && p <= 107) {
			pen->background = vga_colour[p - 100];
			pen->bold = true;
		}
		else if ((p == 38 || p == 48) && i + 1 < parameter_count &&
			 !(subparameters >> (i + 1) & 1))
			/* 256 colours (5;n) or RGB (2;r;g;b): not drawn */
			i += parameters[i + 1] == 5 ? 2 : 4;
	}
}

static void switch_screen(bool alternate)
{
	if ((grid == alternate_grid) == alternate)
		return;
	if (alternate) {
		saved_for_alternate = cursor;
		grid = alternate_grid;
		fill(0, rows * columns, BLANK);
	} else {
		grid = main_grid;
		cursor = saved_for_alternate;
	}
	mark(0, rows * columns);
}

static void set_mode(bool on)
{
	for (unsigned i = 0; i < parameter_count; i++) {
		uint32_t mode = parameters[i];

		if (private_marker == '?' && mode == 25)
			cursor_visible = on;
		else if (private_marker == '?' && mode == 7)
			autowrap = on;
		else if (private_marker == '?' &&
			 (mode == 47 || mode == 1047 || mode == 1049))
			switch_screen(on);
		else if (private_marker == 0 && mode == 4)
			insert_mode = on;
	}
}

static void save_cursor(void)
{
	saved = cursor;
	has_saved = true;
}

static void restore_cursor(void)
{
	if (has_saved)
		cursor = saved;
	else
		cursor = (struct cursor){ 0, 0, default_pen };
	move_to(cursor.row, min(cursor.column, columns - 1));
}

static void reset(void)
{
	graphics[0] = graphics[1] = shifted_out = false;
	grid = main_grid;
	cursor = (struct cursor){ 0, 0, default_pen };
	has_saved = false;
	top = 0;
	bottom = rows - 1;
	autowrap = cursor_visible = true;
	insert_mode = false;
	fill(0, rows * columns, BLANK);
}

static void control_sequence(char final)
{
	uint32_t n = parameter(0, 1);
	uint32_t row = cursor.row, line_start = row * columns;

	if (intermediate || (private_marker && final != 'h' && final != 'l'))
		return; /* none of these is drawn */
	switch (final) {
	case 'A': case 'F': /* up to the region's top, from inside it */
		move_to(row - min(n, row - (row >= top ? top : 0)),
			final == 'F' ? 0 : column_at());
		break;
	case 'B': case 'e': case 'E': /* down to its bottom likewise */
		move_to(min(row + min(n, rows), row <= bottom ? bottom : rows - 1),
			final == 'E' ? 0 : column_at());
		break;
	case 'C': case 'a':
		move_to(row, column_at() + min(n, columns));
		break;
	case 'D':
		move_to(row, column_at() - min(n, column_at()));
		break;
	case 'G': case '`':
		move_to(row, n - 1);
		break;
	case 'd':
		move_to(n - 1, cursor.column);
		break;
	case 'H': case 'f':
		move_to(n - 1, parameter(1, 1) - 1);
		break;
	case 'J':
		if (parameter(0, 0) == 0)
			erase(here(), rows * columns);
		else if (parameter(0, 0) == 1)
			erase(0, here() + 1);
		else
			erase(0, rows * columns);
		break;
	case 'K':
		if (parameter(0, 0) == 0)
			erase(here(), line_start + columns);
		else if (parameter(0, 0) == 1)
			erase(line_start, here() + 1);
		else
			erase(line_start, line_start + columns);
		break;
	case 'X':
		erase(here(), min(here() + n, line_start + columns));
		break;
	case 'L': case 'M':
		if (row >= top && row <= bottom) {
			scroll(row, bottom, final == 'L' ? -(int)min(n, rows)
							 : (int)min(n, rows));
			cursor.column = 0;
		}
		break;
	case '@':
		shift_line((int)min(n, columns));
		break;
	case 'P':
		shift_line(-(int)min(n, columns));
		break;
	case 'S': case 'T':
		scroll(top, bottom, final == 'S' ? (int)min(n, rows)
						 : -(int)min(n, rows));
		break;
	case 'm':
		select_graphic_rendition();
		break;
	case 'r': {
		uint32_t first = parameter(0, 1) - 1,
			 last = min(parameter(1, rows), rows) - 1;

		if (first < last) {
			top = first;
			bottom = last;
			move_to(0, 0);
		}
		break;
	}
	case 's':
		save_cursor();
		break;
	case 'u':
		restore_cursor();
		break;
	case 'h': case 'l':
		set_mode(final == 'h');
		break;
	default: /* reports (a reply would double the serial terminal's) */
		break;
	}
}

static void escape(char c)
{
	state = GROUND;
	/* ESC, an intermediate byte, a final one: the character sets
	 * (designating), ESC % (UTF-8 on or off), ESC # (line sizes), ESC SP
	 * (C1 controls' form). */
	if (c >= ' ' && c <= '/') {
		state = ESCAPE_CHARSET;
		designating = c == '(' ? 0 : c == ')' ? 1 : 2;
		return;
	}
	switch (c) {
	case '[':
		state = CSI;
		parameter_count = 0;
		subparameters = 0;
		private_marker = 0;
		intermediate = false;
		break;
	case ']': case 'P': case '_': case '^': case 'X':
		/* OSC, DCS, APC, PM, SOS: strings, up to BEL or ESC \ */
		state = OSC;
		osc = c == ']';
		string_bytes = 0;
		break;
	case '7':
		save_cursor();
		break;
	case '8':
		restore_cursor();
		break;
	case 'D':
		line_feed();
		break;
	case 'E':
		cursor.column = 0;
		line_feed();
		break;
	case 'M':
		reverse_line_feed();
		break;
	case 'c':
		reset();
		break;
	default:
		break;
	}
}

/* A CSI's byte after "ESC [". */
static void csi_byte(char c)
{
	if (c >= '0' && c <= '9') {
		if (parameter_count == 0)
			parameters[parameter_count++] = 0;
		uint32_t *p = &parameters[parameter_count - 1];

		*p = min(*p * 10 + (uint32_t)(c - '0'), PARAMETER_LIMIT);
	} else if (c == ';' || c == ':') {
		if (parameter_count == 0)
			parameters[parameter_count++] = 0;
		if (parameter_count < PARAMETERS_MAX) {
			if (c == ':')
				subparameters |= 1u << parameter_count;
			parameters[parameter_count++] = 0;
		}
	} else if (c >= '<' && c <= '?') {
		private_marker = c;
	} else if (c >= ' ' && c <= '/') {
		intermediate = true;
	} else if (c >= '@' && c <= '~') {
		state = GROUND;
		control_sequence(c);
	}
}

static void control(char c)
{
	switch (c) {
	case '\b':
		cursor.column = column_at() > 0 ? column_at() - 1 : 0;
		break;
	case '\t': {
		uint32_t next = (column_at() / TAB_WIDTH + 1) * TAB_WIDTH;

		cursor.column = min(next, columns - 1);
		break;
	}
	case '\n': case '\v': case '\f':
		line_feed();
		if (newline_returns)
			cursor.column = 0;
		break;
	case '\r':
		cursor.column = 0;
		break;
	case 0x1b:
		state = ESCAPE;
		break;
	case 0x18: case 0x1a: /* CAN and SUB end a sequence */
		state = GROUND;
		break;
	case 0x0e: case 0x0f: /* SO and SI */
		shifted_out = c == 0x0e;
		break;
	default: /* BEL and the rest */
		break;
	}
}

static void byte(uint8_t c)
{
	if (c < 0x20 || c == 0x7f) {
		/* Controls act inside a sequence too (but end an OSC). */
		if (c == 0x7f)
			return;
		if (state == OSC || state == OSC_ESCAPE) {
			state = c == 0x1b			      ? OSC_ESCAPE
				: c == 7 || c == 0x18 || c == 0x1a ? GROUND
								   : OSC;
			return;
		}
		end_character();
		control((char)c);
		return;
	}
	switch (state) {
	case ESCAPE:
		escape((char)c);
		return;
	case ESCAPE_CHARSET:
		state = GROUND;
		if (designating < 2)
			graphics[designating] = c == '0';
		return;
	case CSI:
		csi_byte((char)c);
		return;
	case OSC_ESCAPE: /* ESC \ ends it; whatever came, it is over */
		state = GROUND;
		return;
	case OSC:
		if (string_bytes++ == 0)
			string_first = c;
		if (osc && (string_first == 'R' ||
			    (string_first == 'P' && string_bytes == 8)))
			state = GROUND;
		return;
	case GROUND:
		break;
	}
	if (c >= 0x80 && c < 0xc0 && continuation_bytes) {
		code_point = code_point << 6 | (c & 0x3f);
		if (--continuation_bytes == 0)
			draw_character(fallback(code_point));
		return;
	}
	end_character();
	if (c < 0x80)
		draw_character(graphics[shifted_out] ? special_graphic(c) : c);
	else if (c < 0xc2 || c > 0xf4) /* stray, overlong or past U+10FFFF */
		draw_character('?');
	else {
		continuation_bytes = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
		code_point = c & (0x3f >> continuation_bytes);
	}
}

/* The changed cells to the kernel, the cursor's drawn in reverse, and
 * where the cursor is (the kernel writes its own messages below it). */
static void update_screen(void)
{
	uint32_t cells = rows * columns;
	uint32_t at = cursor_visible ? here() : cells;
	uint64_t told = here() | (cursor_visible ? 0 : WK_SCREEN_CURSOR_HIDDEN);

	if (at != cursor_drawn) {
		if (cursor_drawn < cells)
			mark(cursor_drawn, cursor_drawn + 1);
		if (at < cells)
			mark(at, at + 1);
	}
	if (dirty_first >= dirty_end) {
		if (told == cursor_told)
			return;
		dirty_first = dirty_end = 0;
	}
	uint16_t under = at < cells ? grid[at] : 0;

	if (at < cells)
		grid[at] = (uint16_t)((under & 0x88ff) | (under & 0x0700) << 4 |
				      (under & 0x7000) >> 4);
	wk_screen_draw(dirty_first, (long)(grid + dirty_first),
		       dirty_end - dirty_first, (long)told);
	if (at < cells)
		grid[at] = under;
	cursor_drawn = at;
	cursor_told = told;
	dirty_first = NOWHERE;
	dirty_end = 0;
}

void terminal_end(void)
{
	if (!terminal_active())
		return;
	cursor_visible = false;
	update_screen();
}

void terminal_write(const char *bytes, size_t length, bool returns)
{
	if (!terminal_active())
		return;
	newline_returns = returns;
	for (size_t i = 0; i < length; i++)
		byte((uint8_t)bytes[i]);
	update_screen();
}

bool terminal_start(uint32_t screen_columns, uint32_t screen_rows)
{
	uint64_t cells = (uint64_t)screen_columns * screen_rows;

	if (cells == 0 || cells > CELLS_MAX)
		return false;
	long at = wk_screen_read((long)main_grid, (long)cells);

	if (at < 0)
		return false;
	columns = screen_columns;
	rows = screen_rows;
	top = 0;
	bottom = rows - 1;
	move_to((uint32_t)at / columns, (uint32_t)at % columns);
	cursor.pen = default_pen;
	update_screen(); /* the screen is the libOS's from now on */
	return true;
}
