/*
 * Host tests of kernel/boot/multiboot2.c. Each test builds an MBI in a byte
 * buffer, then hands the parser a malloc'd copy of exactly `available` bytes,
 * so that ASan reports any read past what the parser was given.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot_info.h"

#define MBI_ADDRESS 0x10000ull
#define MBI_CAPACITY 16384
#define MBI_PADDING 0xaa /* fills tag padding: a parser reading it shows */

struct mbi {
	uint8_t bytes[MBI_CAPACITY];
	size_t length;
};

static void put32(uint8_t *at, uint32_t value)
{
	memcpy(at, &value, sizeof(value));
}

static void put64(uint8_t *at, uint64_t value)
{
	memcpy(at, &value, sizeof(value));
}

static void mbi_begin(struct mbi *mbi)
{
	memset(mbi->bytes, MBI_PADDING, sizeof(mbi->bytes));
	put32(mbi->bytes + 4, 0);
	mbi->length = 8;
}

/* Appends a tag whose size field says `size` (normally 8 + payload_length)
 * and returns its offset. The next tag starts 8-byte aligned after it. */
static size_t mbi_tag_sized(struct mbi *mbi, uint32_t type, uint32_t size,
			    const void *payload, size_t payload_length)
{
	size_t offset = mbi->length;

	cr_assert_leq(offset + 8 + payload_length + 8, sizeof(mbi->bytes));
	put32(mbi->bytes + offset, type);
	put32(mbi->bytes + offset + 4, size);
	if (payload_length > 0)
		memcpy(mbi->bytes + offset + 8, payload, payload_length);
	mbi->length = (offset + 8 + payload_length + 7) & ~(size_t)7;
	return offset;
}

static size_t mbi_tag(struct mbi *mbi, uint32_t type, const void *payload,
		      size_t payload_length)
{
	return mbi_tag_sized(mbi, type, (uint32_t)(8 + payload_length),
			     payload, payload_length);
}

static void mbi_string(struct mbi *mbi, uint32_t type, const char *string)
{
	mbi_tag(mbi, type, string, strlen(string) + 1);
}

static void mbi_module(struct mbi *mbi, uint32_t start, uint32_t end,
		       const char *string)
{
	uint8_t payload[512];
	size_t length = strlen(string) + 1;

	cr_assert_leq(8 + length, sizeof(payload));
	put32(payload, start);
	put32(payload + 4, end);
	memcpy(payload + 8, string, length);
	mbi_tag(mbi, 3, payload, 8 + length);
}

struct region {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

/* A memory map tag with `entry_size`-byte entries (at least 24). */
static void mbi_memory_map(struct mbi *mbi, uint32_t entry_size,
			   const struct region *regions, size_t count)
{
	static uint8_t payload[8192];
	size_t length = 8 + count * entry_size;

	cr_assert_leq(length, sizeof(payload));
	memset(payload, 0x55, length);
	put32(payload, entry_size);
	put32(payload + 4, 0);
	for (size_t i = 0; i < count; i++) {
		uint8_t *entry = payload + 8 + i * entry_size;

		put64(entry, regions[i].base);
		put64(entry + 8, regions[i].length);
		put32(entry + 16, regions[i].type);
		put32(entry + 20, 0);
	}
	mbi_tag(mbi, 6, payload, length);
}

/* A 1024x768 32-bit RGB framebuffer; `colour_fields`: with the colour
 * fields (red at bit 0, green at 8, blue at 16, 8 bits each: not the
 * usual layout), as GRUB passes them, else the 24 bytes before them
 * alone. */
static void mbi_framebuffer_of(struct mbi *mbi, bool colour_fields)
{
	uint8_t payload[30] = { [24] = 0, 8, 8, 8, 16, 8 }; /* RGBX */

	put64(payload, 0xfd000000ull);
	put32(payload + 8, 4096);
	put32(payload + 12, 1024);
	put32(payload + 16, 768);
	payload[20] = 32;
	payload[21] = 1;
	mbi_tag(mbi, 8, payload, colour_fields ? sizeof(payload) : 24);
}

static void mbi_framebuffer(struct mbi *mbi)
{
	mbi_framebuffer_of(mbi, true);
}

/* An RSDP copy of `length` bytes, every byte `fill`. */
static void mbi_rsdp(struct mbi *mbi, uint32_t type, size_t length,
		     uint8_t fill)
{
	uint8_t payload[64];

	memset(payload, fill, length);
	mbi_tag(mbi, type, payload, length);
}

/* Appends the end tag and sets total_size to the whole structure. */
static void mbi_end(struct mbi *mbi)
{
	mbi_tag(mbi, 0, NULL, 0);
	put32(mbi->bytes, (uint32_t)mbi->length);
}

static void mbi_set_total(struct mbi *mbi, uint32_t total)
{
	put32(mbi->bytes, total);
}

/* Parses a copy of the first `available` bytes in a buffer of exactly that
 * size. */
static int parse_available(const struct mbi *mbi, size_t available,
			   struct boot_info *info)
{
	uint8_t *copy = malloc(available > 0 ? available : 1);

	cr_assert_not_null(copy);
	memcpy(copy, mbi->bytes, available);
	int status = multiboot2_parse(copy, available, MBI_ADDRESS, info);

	free(copy);
	return status;
}

static int parse(const struct mbi *mbi, struct boot_info *info)
{
	return parse_available(mbi, mbi->length, info);
}

static struct mbi mbi;
static struct boot_info info;

static const struct region standard_map[] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 0x7ee0000, 1 },
	{ 0x7fe0000, 0x20000, 3 },
	{ 0xfffc0000, 0x40000, 2 },
};

#define STANDARD_MAP_COUNT (sizeof(standard_map) / sizeof(standard_map[0]))

static void check_standard_map(const struct boot_info *parsed)
{
	cr_assert_eq(parsed->memory_region_count, STANDARD_MAP_COUNT);
	for (size_t i = 0; i < STANDARD_MAP_COUNT; i++) {
		cr_assert_eq(parsed->memory_regions[i].base,
			     standard_map[i].base);
		cr_assert_eq(parsed->memory_regions[i].length,
			     standard_map[i].length);
		cr_assert_eq(parsed->memory_regions[i].type,
			     standard_map[i].type);
	}
}

Test(multiboot2, full_mbi_with_every_tag)
{
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, "console=ttyS0 verbose");
	mbi_string(&mbi, 2, "GRUB 2.06");
	mbi_module(&mbi, 0x200000, 0x280000, "/boot/init.elf arg1");
	mbi_module(&mbi, 0x280000, 0x281000, "");
	mbi_memory_map(&mbi, 24, standard_map, STANDARD_MAP_COUNT);
	mbi_framebuffer(&mbi);
	mbi_rsdp(&mbi, 14, 20, 0x11);
	mbi_end(&mbi);

	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "console=ttyS0 verbose");
	cr_assert_eq(info.module_count, 2);
	cr_assert_eq(info.modules[0].start, 0x200000);
	cr_assert_eq(info.modules[0].end, 0x280000);
	cr_assert_str_eq(info.modules[0].string, "/boot/init.elf arg1");
	cr_assert_eq(info.modules[1].start, 0x280000);
	cr_assert_eq(info.modules[1].end, 0x281000);
	cr_assert_str_eq(info.modules[1].string, "");
	check_standard_map(&info);
	cr_assert(info.has_framebuffer);
	cr_assert_eq(info.framebuffer.address, 0xfd000000ull);
	cr_assert_eq(info.framebuffer.pitch, 4096);
	cr_assert_eq(info.framebuffer.width, 1024);
	cr_assert_eq(info.framebuffer.height, 768);
	cr_assert_eq(info.framebuffer.bpp, 32);
	cr_assert_eq(info.framebuffer.type, BOOT_FRAMEBUFFER_RGB);
	cr_assert_arr_eq(info.framebuffer.colour_fields,
			 ((uint8_t[]){ 0, 8, 8, 8, 16, 8 }), 6);
	cr_assert_eq(info.rsdp_length, 20);
	cr_assert_eq(info.rsdp[0], 0x11);
	cr_assert_eq(info.rsdp[19], 0x11);
	cr_assert_eq(info.reserved_count, 1);
	cr_assert_eq(info.reserved[0].start, MBI_ADDRESS);
	cr_assert_eq(info.reserved[0].end, MBI_ADDRESS + mbi.length);
	cr_assert_not(info.truncated);
}

Test(multiboot2, tags_in_odd_order_and_unknown_tags)
{
	uint8_t unknown[13] = { 1, 2, 3 };

	mbi_begin(&mbi);
	mbi_tag(&mbi, 21, unknown, sizeof(unknown)); /* load base address */
	mbi_memory_map(&mbi, 24, standard_map, STANDARD_MAP_COUNT);
	mbi_module(&mbi, 0x300000, 0x301000, "second");
	mbi_tag(&mbi, 0x7fff, unknown, 1);
	mbi_framebuffer(&mbi);
	mbi_string(&mbi, 2, "loader");
	mbi_module(&mbi, 0x400000, 0x401000, "third");
	mbi_string(&mbi, 1, "last cmdline");
	mbi_end(&mbi);

	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "last cmdline");
	check_standard_map(&info);
	cr_assert_eq(info.module_count, 2);
	cr_assert_str_eq(info.modules[0].string, "second");
	cr_assert_str_eq(info.modules[1].string, "third");
	cr_assert(info.has_framebuffer);
	cr_assert_eq(info.rsdp_length, 0);
	cr_assert_not(info.truncated);
}

Test(multiboot2, minimal_mbi)
{
	mbi_begin(&mbi);
	mbi_end(&mbi);
	cr_assert_eq(mbi.length, 16);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.memory_region_count, 0);
	cr_assert_eq(info.module_count, 0);
	cr_assert_str_eq(info.cmdline, "");
	cr_assert_eq(info.reserved[0].end - info.reserved[0].start, 16);
}

Test(multiboot2, info_is_cleared_first)
{
	memset(&info, 0x5a, sizeof(info));
	mbi_begin(&mbi);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 0);
	cr_assert_not(info.has_framebuffer);
	cr_assert_not(info.truncated);
}

Test(multiboot2, total_size_too_small)
{
	mbi_begin(&mbi);
	mbi_end(&mbi);
	for (uint32_t total = 0; total < 16; total++) {
		mbi_set_total(&mbi, total);
		cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED,
			     "total_size %u", total);
	}
}

Test(multiboot2, available_too_small)
{
	mbi_begin(&mbi);
	mbi_end(&mbi);
	for (size_t available = 0; available < 16; available++)
		cr_assert_eq(parse_available(&mbi, available, &info),
			     BOOT_PARSE_MALFORMED);
}

Test(multiboot2, total_size_beyond_available)
{
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, "cmdline");
	mbi_end(&mbi);
	cr_assert_eq(parse_available(&mbi, mbi.length - 1, &info),
		     BOOT_PARSE_MALFORMED);
	cr_assert_str_eq(info.cmdline, "");
	mbi_set_total(&mbi, 0xffffffffu);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
}

Test(multiboot2, truncated_total_size_keeps_earlier_tags)
{
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, "kept");
	size_t map = mbi.length;
	mbi_memory_map(&mbi, 24, standard_map, STANDARD_MAP_COUNT);
	mbi_end(&mbi);

	/* total_size ends in the middle of the memory map tag. */
	mbi_set_total(&mbi, (uint32_t)(map + 40));
	cr_assert_eq(parse_available(&mbi, map + 40, &info),
		     BOOT_PARSE_MALFORMED);
	cr_assert_str_eq(info.cmdline, "kept");
	cr_assert_eq(info.memory_region_count, 0);
}

Test(multiboot2, every_truncation_is_safe)
{
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, "console=ttyS0");
	mbi_string(&mbi, 2, "GRUB");
	mbi_module(&mbi, 0x200000, 0x280000, "module");
	mbi_memory_map(&mbi, 24, standard_map, STANDARD_MAP_COUNT);
	mbi_framebuffer(&mbi);
	mbi_rsdp(&mbi, 15, 36, 0x22);
	mbi_end(&mbi);

	size_t full = mbi.length;

	for (size_t cut = 16; cut < full; cut++) {
		mbi_set_total(&mbi, (uint32_t)cut);
		cr_assert_eq(parse_available(&mbi, cut, &info),
			     BOOT_PARSE_MALFORMED, "cut at %zu", cut);
	}
	mbi_set_total(&mbi, (uint32_t)full);
	for (size_t available = 0; available < full; available++)
		cr_assert_eq(parse_available(&mbi, available, &info),
			     BOOT_PARSE_MALFORMED);
	cr_assert_eq(parse_available(&mbi, full, &info), BOOT_PARSE_OK);
}

Test(multiboot2, tag_running_past_end)
{
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, "kept");
	size_t tag = mbi_tag(&mbi, 2, "name", 5);
	mbi_end(&mbi);
	/* The loader name tag claims to reach past total_size. */
	put32(mbi.bytes + tag + 4, (uint32_t)(mbi.length - tag + 1));
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
	cr_assert_str_eq(info.cmdline, "kept");

	put32(mbi.bytes + tag + 4, 0xfffffff8u);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
}

Test(multiboot2, tag_size_below_header)
{
	for (uint32_t size = 0; size < 8; size++) {
		mbi_begin(&mbi);
		mbi_string(&mbi, 1, "kept");
		size_t tag = mbi_tag(&mbi, 2, "name", 5);
		mbi_end(&mbi);
		put32(mbi.bytes + tag + 4, size);
		cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED,
			     "tag size %u", size);
		cr_assert_str_eq(info.cmdline, "kept");
	}
}

Test(multiboot2, end_tag_with_size_below_header)
{
	mbi_begin(&mbi);
	mbi_end(&mbi);
	put32(mbi.bytes + 12, 0);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
}

Test(multiboot2, missing_end_tag)
{
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, "no end");
	mbi_set_total(&mbi, (uint32_t)mbi.length);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
	cr_assert_str_eq(info.cmdline, "no end");

	/* Trailing bytes too few for another tag header. */
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, "no end");
	mbi_set_total(&mbi, (uint32_t)mbi.length + 4);
	cr_assert_eq(parse_available(&mbi, mbi.length + 4, &info),
		     BOOT_PARSE_MALFORMED);

	/* A last tag whose padding reaches total_size. */
	mbi_begin(&mbi);
	mbi_tag(&mbi, 1, "abc", 4);
	mbi_set_total(&mbi, (uint32_t)mbi.length - 4);
	cr_assert_eq(parse_available(&mbi, mbi.length - 4, &info),
		     BOOT_PARSE_MALFORMED);
	cr_assert_str_eq(info.cmdline, "abc");
}

Test(multiboot2, end_tag_need_not_be_last_byte)
{
	/* Bytes after the end tag (inside total_size) are never looked at. */
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, "x");
	mbi_tag(&mbi, 0, NULL, 0);
	mbi_string(&mbi, 1, "after end");
	mbi_set_total(&mbi, (uint32_t)mbi.length);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "x");
}

Test(multiboot2, huge_entry_size_yields_no_entries)
{
	mbi_begin(&mbi);
	mbi_memory_map(&mbi, 24, standard_map, 2);
	mbi_end(&mbi);
	/* entry_size is the first payload word of the first tag. */
	put32(mbi.bytes + 16, 0x7ffffff8u);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.memory_region_count, 0);

	put32(mbi.bytes + 16, 0xfffffff8u);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.memory_region_count, 0);

	/* One entry's worth plus a partial second: only the whole one. */
	put32(mbi.bytes + 16, 40);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.memory_region_count, 1);
	cr_assert_eq(info.memory_regions[0].base, standard_map[0].base);
}

Test(multiboot2, bad_entry_size_is_malformed)
{
	static const uint32_t bad[] = { 0, 8, 16, 20, 25, 28, 30, 36 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mbi_begin(&mbi);
		mbi_string(&mbi, 1, "kept");
		size_t map = mbi.length;
		mbi_memory_map(&mbi, 24, standard_map, STANDARD_MAP_COUNT);
		mbi_end(&mbi);
		put32(mbi.bytes + map + 8, bad[i]);
		cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED,
			     "entry_size %u", bad[i]);
		cr_assert_str_eq(info.cmdline, "kept");
	}
}

Test(multiboot2, memory_map_tag_without_header)
{
	mbi_begin(&mbi);
	mbi_tag(&mbi, 6, "\x18\0\0\0", 4);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
}

Test(multiboot2, larger_entry_size_is_stepped)
{
	mbi_begin(&mbi);
	mbi_memory_map(&mbi, 40, standard_map, STANDARD_MAP_COUNT);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	check_standard_map(&info);
}

Test(multiboot2, too_many_regions)
{
	static struct region many[BOOT_MEMORY_REGIONS_MAX + 40];

	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++) {
		many[i].base = i * 0x10000;
		many[i].length = 0x10000;
		many[i].type = 1 + (uint32_t)(i % 2);
	}
	mbi_begin(&mbi);
	mbi_memory_map(&mbi, 24, many, sizeof(many) / sizeof(many[0]));
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.memory_region_count, BOOT_MEMORY_REGIONS_MAX);
	cr_assert_eq(info.memory_regions[BOOT_MEMORY_REGIONS_MAX - 1].base,
		     (BOOT_MEMORY_REGIONS_MAX - 1) * 0x10000ull);
	cr_assert(info.truncated);
}

Test(multiboot2, too_many_modules)
{
	char name[16];

	mbi_begin(&mbi);
	for (uint32_t i = 0; i < BOOT_MODULES_MAX + 4; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		mbi_module(&mbi, 0x1000000 + i * 0x1000,
			   0x1000000 + (i + 1) * 0x1000, name);
	}
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, BOOT_MODULES_MAX);
	cr_assert_str_eq(info.modules[0].string, "mod0");
	cr_assert_str_eq(info.modules[BOOT_MODULES_MAX - 1].string, "mod15");
	cr_assert(info.truncated);
}

Test(multiboot2, unterminated_strings_end_at_tag_end)
{
	mbi_begin(&mbi);
	mbi_tag(&mbi, 1, "abcdefg", 7); /* no NUL; padding is 0xaa */
	mbi_tag(&mbi, 2, "", 0);        /* an empty tag */
	uint8_t module[8 + 5];
	put32(module, 0x1000);
	put32(module + 4, 0x2000);
	memcpy(module + 8, "hello", 5);
	mbi_tag(&mbi, 3, module, sizeof(module));
	mbi_end(&mbi);

	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "abcdefg");
	cr_assert_eq(info.module_count, 1);
	cr_assert_str_eq(info.modules[0].string, "hello");
	cr_assert_not(info.truncated);
}

Test(multiboot2, unterminated_string_at_the_very_end)
{
	/* The cmdline tag is the last thing in `available`: no end tag, no
	 * NUL, no padding. ASan catches a read of one byte more. */
	mbi_begin(&mbi);
	mbi_tag(&mbi, 1, "abcdefgh", 8);
	mbi_set_total(&mbi, (uint32_t)mbi.length);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
	cr_assert_str_eq(info.cmdline, "abcdefgh");
}

Test(multiboot2, overlong_strings_are_truncated)
{
	static char longer[BOOT_CMDLINE_MAX + 500];

	memset(longer, 'c', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, longer);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(strlen(info.cmdline), BOOT_CMDLINE_MAX - 1);
	cr_assert(info.truncated);

	/* Exactly fitting is not truncation. */
	longer[BOOT_CMDLINE_MAX - 1] = '\0';
	mbi_begin(&mbi);
	mbi_string(&mbi, 1, longer);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(strlen(info.cmdline), BOOT_CMDLINE_MAX - 1);
	cr_assert_not(info.truncated);
}

Test(multiboot2, overlong_module_string_is_truncated)
{
	static char longer[BOOT_MODULE_STRING_MAX + 100];
	static uint8_t payload[8 + sizeof(longer)];

	memset(longer, 'm', sizeof(longer));
	put32(payload, 0x1000);
	put32(payload + 4, 0x2000);
	memcpy(payload + 8, longer, sizeof(longer)); /* unterminated too */
	mbi_begin(&mbi);
	mbi_tag(&mbi, 3, payload, sizeof(payload));
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 1);
	cr_assert_eq(strlen(info.modules[0].string),
		     BOOT_MODULE_STRING_MAX - 1);
	cr_assert(info.truncated);
}

Test(multiboot2, module_end_before_start)
{
	mbi_begin(&mbi);
	mbi_module(&mbi, 0x1000, 0x2000, "good");
	mbi_module(&mbi, 0x3000, 0x2fff, "bad");
	mbi_module(&mbi, 0x4000, 0x5000, "never");
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
	cr_assert_eq(info.module_count, 1);
	cr_assert_str_eq(info.modules[0].string, "good");
}

Test(multiboot2, empty_module_is_fine)
{
	mbi_begin(&mbi);
	mbi_module(&mbi, 0x3000, 0x3000, "empty");
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 1);
	cr_assert_eq(info.modules[0].end, 0x3000);
}

Test(multiboot2, short_module_tag)
{
	mbi_begin(&mbi);
	mbi_tag(&mbi, 3, "\0\x10\0\0", 4);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
	cr_assert_eq(info.module_count, 0);
}

Test(multiboot2, acpi_old_then_new)
{
	mbi_begin(&mbi);
	mbi_rsdp(&mbi, 14, 20, 0x14);
	mbi_rsdp(&mbi, 15, 36, 0x15);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.rsdp_length, 36);
	for (size_t i = 0; i < 36; i++)
		cr_assert_eq(info.rsdp[i], 0x15);
}

Test(multiboot2, acpi_new_then_old)
{
	mbi_begin(&mbi);
	mbi_rsdp(&mbi, 15, 36, 0x15);
	mbi_rsdp(&mbi, 14, 20, 0x14);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert_eq(info.rsdp_length, 36);
	for (size_t i = 0; i < 36; i++)
		cr_assert_eq(info.rsdp[i], 0x15);
}

Test(multiboot2, acpi_tags_too_short)
{
	mbi_begin(&mbi);
	mbi_rsdp(&mbi, 14, 19, 0x14);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
	cr_assert_eq(info.rsdp_length, 0);

	mbi_begin(&mbi);
	mbi_rsdp(&mbi, 15, 35, 0x15);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
	cr_assert_eq(info.rsdp_length, 0);
}

Test(multiboot2, framebuffer_tag_too_short)
{
	uint8_t payload[21] = { 0 };

	mbi_begin(&mbi);
	mbi_tag(&mbi, 8, payload, sizeof(payload));
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_MALFORMED);
	cr_assert_not(info.has_framebuffer);
}

/* A tag that ends before the colour fields still describes the
 * framebuffer, in the usual layout (blue lowest). */
Test(multiboot2, framebuffer_without_colour_fields)
{
	mbi_begin(&mbi);
	mbi_framebuffer_of(&mbi, false);
	mbi_end(&mbi);
	cr_assert_eq(parse(&mbi, &info), BOOT_PARSE_OK);
	cr_assert(info.has_framebuffer);
	cr_assert_eq(info.framebuffer.width, 1024);
	cr_assert_arr_eq(info.framebuffer.colour_fields,
			 ((uint8_t[]){ 16, 8, 8, 8, 0, 8 }), 6);
}

/* A small deterministic generator, so that failures reproduce. */
static uint32_t fuzz_next(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 33);
}

Test(multiboot2, corrupted_bytes_never_read_out_of_bounds)
{
	struct mbi pristine;
	uint64_t state = 0x5eed;

	mbi_begin(&pristine);
	mbi_string(&pristine, 1, "console=ttyS0");
	mbi_module(&pristine, 0x200000, 0x280000, "module");
	mbi_memory_map(&pristine, 24, standard_map, STANDARD_MAP_COUNT);
	mbi_framebuffer(&pristine);
	mbi_rsdp(&pristine, 14, 20, 0x14);
	mbi_end(&pristine);

	for (int round = 0; round < 20000; round++) {
		mbi = pristine;
		int flips = 1 + (int)(fuzz_next(&state) % 4);

		for (int i = 0; i < flips; i++) {
			size_t at = fuzz_next(&state) % (mbi.length - 4);
			/* Favour tag sizes and counts: whole small words. */
			if (fuzz_next(&state) % 2)
				put32(mbi.bytes + (at & ~(size_t)3),
				      fuzz_next(&state) % 256);
			else
				mbi.bytes[at] = (uint8_t)fuzz_next(&state);
		}
		int status = parse(&mbi, &info);

		cr_assert(status == BOOT_PARSE_OK ||
			  status == BOOT_PARSE_MALFORMED);
		cr_assert_leq(info.memory_region_count,
			      BOOT_MEMORY_REGIONS_MAX);
		cr_assert_leq(info.module_count, BOOT_MODULES_MAX);
		cr_assert_lt(strnlen(info.cmdline, sizeof(info.cmdline)),
			     sizeof(info.cmdline));
	}
}
