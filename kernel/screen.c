/*
 * The screen: when the loader left a display the kernel can draw on, the
 * console writes to it too, so a PC without a serial port shows the boot,
 * the app's output and any panic. Two kinds, from the multiboot2
 * framebuffer tag:
 *  - VGA text (type 2, GRUB's `gfxpayload=text` on BIOS): the character
 *    cells, with the hardware cursor;
 *  - a linear framebuffer of 24 or 32 bits per pixel (type 1, UEFI GOP or
 *    VBE): GRUB's 8x16 font (screen_font, generated from its ascii.h by
 *    tools/gen_font.py), no cursor; mapped write-combining. Other pixel
 *    formats are left alone.
 * Either way the text is a grid of cells, each a character and a VGA
 * attribute (WK_SCREEN_CELL), which `shown` keeps: a line scrolls up by
 * redrawing the cells that change, so the cost follows the text, not the
 * screen's size, and video memory (uncached on real hardware) is never
 * read. The kernel's own text is light grey on black.
 *
 * The libOS may draw the cells itself (the screen_draw native call),
 * being the terminal that reads escape sequences; from then on the bytes
 * it writes to the console reach the serial port alone, and only the
 * kernel's own messages (a panic) are still written here, from the cursor
 * the libOS last placed. The cells are copied in whole before any is drawn,
 * so a bad pointer draws nothing.
 */
#include "screen.h"

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/uaccess.h"
#include "lib/string.h"
#include "wicket/abi.h"

#define KERNEL_ATTRIBUTE 0x07 /* light grey on black */
#define GLYPH_WIDTH  8
#define GLYPH_HEIGHT 16
#define CELLS_MAX 65535 /* 3840x2160 is 480x135 glyphs; a uint16_t side */
#define LEGACY_VIDEO_START 0xa0000
#define LEGACY_VIDEO_END   0xc0000
#define CRTC_INDEX 0x3d4
#define CRTC_DATA  0x3d5
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW  0x0f

/* 128 glyphs (ASCII), a byte per pixel row, the leftmost pixel in bit 7. */
extern const uint8_t screen_font[128][GLYPH_HEIGHT];

/* The 16 colours of a VGA attribute's foreground (the background takes
 * the first 8), as 0xRRGGBB: bit 0 blue, bit 1 green, bit 2 red, bit 3
 * bright. */
static const uint32_t vga_colours[16] = {
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500,
	0xaaaaaa, 0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff,
	0xffff55, 0xffffff,
};

static volatile uint16_t *cells;  /* VGA text, or NULL */
static volatile uint8_t *pixels;  /* a linear framebuffer, or NULL */
static uint32_t pitch, pixel_bytes;
static uint32_t pixel_of[16];     /* vga_colours in the framebuffer's format */
static uint32_t row, column, cell_count;
uint32_t screen_columns, screen_rows;
static uint16_t shown[CELLS_MAX];
bool screen_drawn_by_libos;
static bool libos_drew_last;

/* A colour (0xRRGGBB) as a pixel of the framebuffer's layout: each
 * channel's top bits at its position (boot_framebuffer.colour_fields). */
static uint32_t pixel_value(uint32_t rgb, const uint8_t fields[6])
{
	uint32_t pixel = 0;

	for (int i = 0; i < 3; i++) {
		uint8_t position = fields[2 * i], size = fields[2 * i + 1];

		if (size >= 1 && size <= 8 && position <= 24)
			pixel |= (rgb >> (16 - 8 * i) & 0xff) >> (8 - size)
				 << position;
	}
	return pixel;
}

void screen_init(const struct boot_info *info)
{
	const struct boot_framebuffer *fb = &info->framebuffer;
	bool text = fb->type == BOOT_FRAMEBUFFER_EGA_TEXT;
	uint64_t width = text ? fb->width : fb->width / GLYPH_WIDTH;
	uint64_t height = text ? fb->height : fb->height / GLYPH_HEIGHT;
	size_t bytes = text ? width * height * 2
			    : (size_t)fb->pitch * fb->height;

	if (!info->has_framebuffer || width == 0 || height == 0 ||
	    width * height > CELLS_MAX ||
	    !(text || (fb->type == BOOT_FRAMEBUFFER_RGB &&
		       (fb->bpp == 24 || fb->bpp == 32) &&
		       fb->pitch >= (uint64_t)fb->width * (fb->bpp / 8))))
		return;
	volatile void *base = paging_map_mmio(fb->address, bytes, !text);
	/* The legacy video window (0xa0000-0xbffff) is usually inside the
	 * direct map's first huge page, with RAM: paging_map_mmio refuses a
	 * second mapping there, and the direct map serves, since the
	 * firmware's fixed-range MTRRs make that window uncached, which wins
	 * over the page's write-back type. */
	if (base == NULL && text && fb->address >= LEGACY_VIDEO_START &&
	    fb->address + bytes <= LEGACY_VIDEO_END)
		base = paging_physical_to_virtual(fb->address);
	if (base == NULL)
		return;
	screen_columns = width;
	screen_rows = height;
	cell_count = screen_columns * screen_rows;
	for (uint32_t i = 0; i < cell_count; i++)
		shown[i] = WK_SCREEN_CELL(' ', KERNEL_ATTRIBUTE);
	if (text) {
		cells = base;
		memcpy((void *)cells, shown, cell_count * 2);
	} else {
		pixels = base;
		pitch = fb->pitch;
		pixel_bytes = fb->bpp / 8;
		for (int i = 0; i < 16; i++)
			pixel_of[i] = pixel_value(vga_colours[i],
						  fb->colour_fields);
		memset((void *)pixels, 0, bytes); /* black, in any format */
	}
}

/* Puts `cell` (WK_SCREEN_CELL) in cell `at` (row-major), unless it is
 * there. Characters past ASCII show as '?'. */
static void draw(uint32_t at, uint16_t cell)
{
	if (shown[at] == cell)
		return;
	shown[at] = cell;
	if (cells != NULL) {
		cells[at] = cell;
		return;
	}
	uint8_t c = cell & 0xff, attribute = cell >> 8;
	const uint8_t *glyph = screen_font[c < 128 ? c : '?'];
	uint32_t on = pixel_of[attribute & 15];
	uint32_t off = pixel_of[attribute >> 4 & 7];
	volatile uint8_t *line = pixels +
		(size_t)(at / screen_columns) * GLYPH_HEIGHT * pitch +
		(size_t)(at % screen_columns) * GLYPH_WIDTH * pixel_bytes;

	for (uint32_t y = 0; y < GLYPH_HEIGHT; y++, line += pitch)
		for (uint32_t x = 0; x < GLYPH_WIDTH; x++) {
			uint32_t pixel = glyph[y] & (0x80 >> x) ? on : off;

			if (pixel_bytes == 4)
				((volatile uint32_t *)line)[x] = pixel;
			else /* 3: byte by byte, the lowest first */
				for (uint32_t i = 0; i < 3; i++)
					line[3 * x + i] =
						(uint8_t)(pixel >> 8 * i);
		}
}

/* The cell the cursor is on (a full line's: its last). */
static uint32_t cursor_cell(void)
{
	return row * screen_columns +
	       (column < screen_columns ? column : screen_columns - 1);
}

/* VGA text: the blinking cursor at cell `at` (past the last: hidden). */
static void place_hardware_cursor(uint64_t at)
{
	if (cells == NULL)
		return;
	if (at > cell_count)
		at = cell_count;
	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, (uint8_t)(at >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, (uint8_t)at);
}

static void scroll(void)
{
	uint32_t at = 0;

	for (; at < cell_count - screen_columns; at++)
		draw(at, shown[at + screen_columns]);
	for (; at < cell_count; at++)
		draw(at, WK_SCREEN_CELL(' ', KERNEL_ATTRIBUTE));
	row = screen_rows - 1;
}

void screen_write(const char *bytes, size_t length)
{
	if (screen_columns == 0)
		return;
	if (libos_drew_last) { /* the kernel's text on a line of its own */
		libos_drew_last = false;
		if (column != 0)
			screen_write("\n", 1);
	}
	for (size_t i = 0; i < length; i++) {
		uint8_t c = (uint8_t)bytes[i];
		bool drawn = c != '\n' && c != '\r' && c != '\b';

		if (c == '\r')
			column = 0;
		else if (c == '\b' && column > 0)
			column--;
		/* A new line, or a character past a full one: the next row. */
		if (c == '\n' || (drawn && column == screen_columns)) {
			column = 0;
			if (++row == screen_rows)
				scroll();
		}
		if (drawn)
			draw(row * screen_columns + column++,
			     WK_SCREEN_CELL(c, KERNEL_ATTRIBUTE));
	}
	place_hardware_cursor(cursor_cell());
}

long screen_draw_from_user(uint64_t first, uint64_t from, uint64_t count,
			   uint64_t cursor)
{
	static uint16_t copy[CELLS_MAX];

	if (screen_columns == 0)
		return -WK_ENODEV;
	if (first > cell_count || count > cell_count - first)
		return -WK_EINVAL;
	if (copy_from_user(copy, user_pointer(from), 2 * count))
		return -WK_EFAULT;
	screen_drawn_by_libos = libos_drew_last = true;
	for (uint32_t i = 0; i < count; i++)
		draw((uint32_t)first + i, copy[i]);
	uint64_t at = cursor & ~(uint64_t)WK_SCREEN_CURSOR_HIDDEN;

	if (at < cell_count) {
		row = (uint32_t)at / screen_columns;
		column = (uint32_t)at % screen_columns;
	}
	place_hardware_cursor(cursor & WK_SCREEN_CURSOR_HIDDEN ? cell_count
							       : at);
	return (long)count;
}

long screen_read_to_user(uint64_t to, uint64_t count)
{
	if (screen_columns == 0)
		return -WK_ENODEV;
	if (count > cell_count)
		return -WK_EINVAL;
	if (copy_to_user(user_pointer(to), shown, 2 * count))
		return -WK_EFAULT;
	return cursor_cell();
}
