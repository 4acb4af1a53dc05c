/*
 * The screen: when the loader left a display the kernel can draw on, the
 * console writes to it too, so a PC without a serial port shows the boot,
 * the app's output and any panic. Two kinds, from the multiboot2
 * framebuffer tag:
 *  - VGA text (type 2, GRUB's `gfxpayload=text` on BIOS): the character
 *    cells, light grey on black, with the hardware cursor;
 *  - a linear framebuffer of 24 or 32 bits per pixel (type 1, UEFI GOP or
 *    VBE): GRUB's 8x16 font (screen_font, generated from its ascii.h by
 *    tools/gen_font.py), light grey on black, no cursor; mapped
 *    write-combining. Other pixel formats are left alone.
 * Either way the text is a grid of cells whose characters `shown` keeps:
 * a line scrolls up by redrawing the cells whose character changes, so
 * the cost follows the text, not the screen's size, and video memory
 * (uncached on real hardware) is never read.
 */
#include "screen.h"

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "lib/string.h"

#define CELL_GREY 0x0700
#define PIXEL_GREY 0xaa /* in every channel, whatever their order */
#define GLYPH_WIDTH  8
#define GLYPH_HEIGHT 16
#define CELLS_MAX 65536 /* 3840x2160 is 480x135 glyphs */
#define LEGACY_VIDEO_START 0xa0000
#define LEGACY_VIDEO_END   0xc0000
#define CRTC_INDEX 0x3d4
#define CRTC_DATA  0x3d5
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW  0x0f

/* 128 glyphs (ASCII), a byte per pixel row, the leftmost pixel in bit 7. */
extern const uint8_t screen_font[128][GLYPH_HEIGHT];

static volatile uint16_t *cells;  /* VGA text, or NULL */
static volatile uint8_t *pixels;  /* a linear framebuffer, or NULL */
static uint32_t pitch, pixel_bytes;
static uint32_t columns, rows, row, column;
static uint8_t shown[CELLS_MAX];

void screen_init(const struct boot_info *info)
{
	const struct boot_framebuffer *fb = &info->framebuffer;
	bool text = fb->type == BOOT_FRAMEBUFFER_EGA_TEXT;
	uint64_t width = text ? fb->width : fb->width / GLYPH_WIDTH;
	uint64_t height = text ? fb->height : fb->height / GLYPH_HEIGHT;
	size_t bytes = text ? width * height * 2 : (size_t)fb->pitch * fb->height;

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
	columns = width;
	rows = height;
	memset(shown, ' ', columns * rows);
	if (text) {
		cells = base;
		for (uint32_t i = 0; i < columns * rows; i++)
			cells[i] = CELL_GREY | ' ';
	} else {
		pixels = base;
		pitch = fb->pitch;
		pixel_bytes = fb->bpp / 8;
		memset((void *)pixels, 0, bytes);
	}
}

bool screen_active(void)
{
	return columns != 0;
}

/* Puts character `c` in cell `at` (row-major), unless it is there. */
static void draw(uint32_t at, uint8_t c)
{
	if (shown[at] == c)
		return;
	shown[at] = c;
	if (cells != NULL) {
		cells[at] = CELL_GREY | c;
		return;
	}
	const uint8_t *glyph = screen_font[c < 128 ? c : '?'];
	volatile uint8_t *line = pixels +
		(size_t)(at / columns) * GLYPH_HEIGHT * pitch +
		(size_t)(at % columns) * GLYPH_WIDTH * pixel_bytes;

	/* Two pixels at a time: the left one (the higher bit) first. */
	static const uint64_t pairs[4] = {0, 0xaaaaaaaa00000000,
					  0xaaaaaaaa, 0xaaaaaaaaaaaaaaaa};

	for (uint32_t y = 0; y < GLYPH_HEIGHT; y++, line += pitch)
		for (uint32_t x = 0; x < GLYPH_WIDTH; x += 2) {
			uint32_t two = (glyph[y] >> (6 - x)) & 3;

			if (pixel_bytes == 4)
				((volatile uint64_t *)line)[x / 2] = pairs[two];
			else /* 3: byte by byte */
				for (uint32_t i = 0; i < 6; i++)
					line[3 * x + i] = two & (i < 3 ? 2 : 1)
						? PIXEL_GREY : 0;
		}
}

static void scroll(void)
{
	uint32_t at = 0;

	for (; at < columns * (rows - 1); at++)
		draw(at, shown[at + columns]);
	for (; at < columns * rows; at++)
		draw(at, ' ');
	row = rows - 1;
}

void screen_write(const char *bytes, size_t length)
{
	if (columns == 0)
		return;
	for (size_t i = 0; i < length; i++) {
		uint8_t c = (uint8_t)bytes[i];
		bool drawn = c != '\n' && c != '\r' && c != '\b';

		if (c == '\r')
			column = 0;
		else if (c == '\b' && column > 0)
			column--;
		/* A new line, or a character past a full one: the next row. */
		if (c == '\n' || (drawn && column == columns)) {
			column = 0;
			if (++row == rows)
				scroll();
		}
		if (drawn)
			draw(row * columns + column++, c);
	}
	if (cells == NULL)
		return;
	uint32_t at = row * columns + (column < columns ? column : columns - 1);

	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, (uint8_t)(at >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, (uint8_t)at);
}
