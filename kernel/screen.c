/*
 * The screen in VGA text mode: when the loader left the display as EGA
 * text (multiboot2 framebuffer type 2, GRUB's `gfxpayload=text` on BIOS),
 * the console writes to its character cells too, so a PC without a serial
 * port shows the boot, the app's output and any panic. Light grey on
 * black; the view scrolls up a line when the last is full; the hardware
 * cursor follows. A graphical framebuffer (UEFI GOP) is not drawn yet.
 */
#include "screen.h"

#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"

#define CELL_GREY 0x0700
#define LEGACY_VIDEO_START 0xa0000
#define LEGACY_VIDEO_END   0xc0000
#define CRTC_INDEX 0x3d4
#define CRTC_DATA  0x3d5
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW  0x0f

static volatile uint16_t *cells;
static uint32_t columns, rows, row, column;

void screen_init(const struct boot_info *info)
{
	const struct boot_framebuffer *fb = &info->framebuffer;

	if (!info->has_framebuffer || fb->type != BOOT_FRAMEBUFFER_EGA_TEXT ||
	    fb->width == 0 || fb->height == 0 || fb->width > 256 ||
	    fb->height > 128)
		return;
	size_t bytes = (size_t)fb->width * fb->height * 2;

	cells = paging_map_mmio(fb->address, bytes);
	/* The legacy video window (0xa0000-0xbffff) is usually inside the
	 * direct map's first huge page, with RAM: paging_map_mmio refuses a
	 * second mapping there, and the direct map serves, since the
	 * firmware's fixed-range MTRRs make that window uncached, which wins
	 * over the page's write-back type. */
	if (cells == NULL && fb->address >= LEGACY_VIDEO_START &&
	    fb->address + bytes <= LEGACY_VIDEO_END)
		cells = (volatile uint16_t *)paging_physical_to_virtual(
			fb->address);
	if (cells == NULL)
		return;
	columns = fb->width;
	rows = fb->height;
	for (uint32_t i = 0; i < columns * rows; i++)
		cells[i] = CELL_GREY | ' ';
}

static void scroll(void)
{
	for (uint32_t i = 0; i < columns * (rows - 1); i++)
		cells[i] = cells[i + columns];
	for (uint32_t i = columns * (rows - 1); i < columns * rows; i++)
		cells[i] = CELL_GREY | ' ';
	row = rows - 1;
}

void screen_write(const char *bytes, size_t length)
{
	if (cells == NULL)
		return;
	for (size_t i = 0; i < length; i++) {
		uint8_t c = (uint8_t)bytes[i];

		if (c == '\n') {
			column = 0;
			row++;
		} else if (c == '\r') {
			column = 0;
		} else if (c == '\b') {
			if (column > 0)
				column--;
		} else {
			if (column == columns) {
				column = 0;
				row++;
			}
			if (row == rows)
				scroll();
			cells[row * columns + column++] = CELL_GREY | c;
			continue;
		}
		if (row == rows)
			scroll();
	}
	uint32_t at = row * columns + (column < columns ? column : columns - 1);

	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, (uint8_t)(at >> 8));
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, (uint8_t)at);
}
