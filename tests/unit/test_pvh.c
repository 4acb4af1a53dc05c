/*
 * Host tests of kernel/boot/pvh.c over a fake physical memory: a malloc'd
 * buffer that appears at physical FAKE_BASE. The reader refuses any range
 * outside it, and hands back a fresh malloc'd copy of exactly the bytes asked
 * for, so ASan also catches the parser reading past what it requested.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/boot_info.h"

#define FAKE_BASE 0x100000ull
#define FAKE_SIZE 0x10000u

/* Where the tests put things, as offsets into the fake memory. */
#define AT_START   0x0000u
#define AT_CMDLINE 0x0100u
#define AT_MODULES 0x0200u
#define AT_STRINGS 0x0300u
#define AT_RSDP    0x0400u
#define AT_MEMMAP  0x0500u

struct fake_memory {
	uint8_t *bytes;
	uint64_t base;
	size_t size;
	/* Every copy handed out, freed at the end of the test. */
	void **copies;
	size_t copy_count;
	size_t copy_capacity;
	size_t largest_read;
	size_t refused;
};

static struct fake_memory memory;
static struct boot_info info;

static const void *fake_read(uint64_t address, size_t length)
{
	struct fake_memory *fake = &memory;

	if (length > fake->largest_read)
		fake->largest_read = length;
	if (address < fake->base || address - fake->base > fake->size ||
	    length > fake->size - (address - fake->base)) {
		fake->refused++;
		return NULL;
	}
	if (fake->copy_count == fake->copy_capacity) {
		fake->copy_capacity = fake->copy_capacity * 2 + 64;
		fake->copies = realloc(fake->copies, fake->copy_capacity *
							     sizeof(void *));
		cr_assert_not_null(fake->copies);
	}

	void *copy = malloc(length > 0 ? length : 1);

	cr_assert_not_null(copy);
	memcpy(copy, fake->bytes + (address - fake->base), length);
	fake->copies[fake->copy_count++] = copy;
	return copy;
}

static void fake_teardown(void);

/* (Re)creates the fake memory with `size` zeroed bytes. */
static void fake_create(size_t size)
{
	fake_teardown();
	memory.bytes = calloc(1, size);
	cr_assert_not_null(memory.bytes);
	memory.base = FAKE_BASE;
	memory.size = size;
}

static void fake_setup(void)
{
	fake_create(FAKE_SIZE);
}

static void fake_teardown(void)
{
	for (size_t i = 0; i < memory.copy_count; i++)
		free(memory.copies[i]);
	free(memory.copies);
	free(memory.bytes);
	memset(&memory, 0, sizeof(memory));
}

static uint64_t phys(size_t offset)
{
	return FAKE_BASE + offset;
}

static uint8_t *at(size_t offset)
{
	cr_assert_lt(offset, memory.size);
	return memory.bytes + offset;
}

static void put32(size_t offset, uint32_t value)
{
	cr_assert_leq(offset + 4, memory.size);
	memcpy(memory.bytes + offset, &value, 4);
}

static void put64(size_t offset, uint64_t value)
{
	cr_assert_leq(offset + 8, memory.size);
	memcpy(memory.bytes + offset, &value, 8);
}

static void put_string(size_t offset, const char *string)
{
	cr_assert_leq(offset + strlen(string) + 1, memory.size);
	memcpy(memory.bytes + offset, string, strlen(string) + 1);
}

/* A start info at `offset` with nothing in it but magic and version. */
static void start_info(size_t offset, uint32_t version)
{
	put32(offset + 0, PVH_START_MAGIC);
	put32(offset + 4, version);
	put32(offset + 8, 0);
	put32(offset + 12, 0);
	put64(offset + 16, 0);
	put64(offset + 24, 0);
	put64(offset + 32, 0);
	if (version >= 1) {
		put64(offset + 40, 0);
		put32(offset + 48, 0);
		put32(offset + 52, 0);
	}
}

static void set_cmdline(size_t start, uint64_t address)
{
	put64(start + 24, address);
}

static void set_modules(size_t start, uint32_t count, uint64_t list)
{
	put32(start + 12, count);
	put64(start + 16, list);
}

static void set_rsdp(size_t start, uint64_t address)
{
	put64(start + 32, address);
}

static void set_memmap(size_t start, uint32_t count, uint64_t table)
{
	put64(start + 40, table);
	put32(start + 48, count);
}

static void module_entry(size_t list, uint32_t index, uint64_t address,
			 uint64_t size, uint64_t cmdline)
{
	size_t entry = list + index * 32u;

	put64(entry, address);
	put64(entry + 8, size);
	put64(entry + 16, cmdline);
	put64(entry + 24, 0);
}

static void memmap_entry(size_t table, uint32_t index, uint64_t address,
			 uint64_t size, uint32_t type)
{
	size_t entry = table + index * 24u;

	put64(entry, address);
	put64(entry + 8, size);
	put32(entry + 16, type);
	put32(entry + 20, 0);
}

/* An RSDP of the given revision: "RSD PTR " then bytes numbered by offset. */
static void rsdp(size_t offset, uint8_t revision)
{
	for (size_t i = 0; i < 36; i++)
		*at(offset + i) = (uint8_t)(0x40 + i);
	memcpy(at(offset), "RSD PTR ", 8);
	*at(offset + 15) = revision;
}

static int parse(size_t start)
{
	return pvh_parse(phys(start), fake_read, &info);
}

/* The usual v1 layout: cmdline, two modules with strings, RSDP 2.0, a memory
 * map of four entries. */
static void full_layout(void)
{
	start_info(AT_START, 1);
	put_string(AT_CMDLINE, "console=ttyS0 pvh");
	set_cmdline(AT_START, phys(AT_CMDLINE));
	module_entry(AT_MODULES, 0, 0x2000000, 0x80000, phys(AT_STRINGS));
	module_entry(AT_MODULES, 1, 0x2080000, 0x1234, phys(AT_STRINGS + 0x40));
	put_string(AT_STRINGS, "init.elf --flag");
	put_string(AT_STRINGS + 0x40, "data");
	set_modules(AT_START, 2, phys(AT_MODULES));
	rsdp(AT_RSDP, 2);
	set_rsdp(AT_START, phys(AT_RSDP));
	memmap_entry(AT_MEMMAP, 0, 0x0, 0x9fc00, 1);
	memmap_entry(AT_MEMMAP, 1, 0x9fc00, 0x400, 2);
	memmap_entry(AT_MEMMAP, 2, 0x100000, 0x7f00000, 1);
	memmap_entry(AT_MEMMAP, 3, 0xfeffc000, 0x4000, 2);
	set_memmap(AT_START, 4, phys(AT_MEMMAP));
}

TestSuite(pvh, .init = fake_setup, .fini = fake_teardown);

Test(pvh, valid_v1_with_modules_and_memmap)
{
	full_layout();
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "console=ttyS0 pvh");

	cr_assert_eq(info.module_count, 2);
	cr_assert_eq(info.modules[0].start, 0x2000000);
	cr_assert_eq(info.modules[0].end, 0x2080000);
	cr_assert_str_eq(info.modules[0].string, "init.elf --flag");
	cr_assert_eq(info.modules[1].start, 0x2080000);
	cr_assert_eq(info.modules[1].end, 0x2081234);
	cr_assert_str_eq(info.modules[1].string, "data");

	cr_assert_eq(info.memory_region_count, 4);
	cr_assert_eq(info.memory_regions[2].base, 0x100000);
	cr_assert_eq(info.memory_regions[2].length, 0x7f00000);
	cr_assert_eq(info.memory_regions[2].type, BOOT_MEMORY_USABLE);
	cr_assert_eq(info.memory_regions[3].type, BOOT_MEMORY_RESERVED);

	cr_assert_eq(info.rsdp_length, 36);
	cr_assert_eq(memcmp(info.rsdp, at(AT_RSDP), 36), 0);

	cr_assert_eq(info.reserved_count, 3);
	cr_assert_eq(info.reserved[0].start, phys(AT_START));
	cr_assert_eq(info.reserved[0].end, phys(AT_START) + 56);
	cr_assert_eq(info.reserved[1].start, phys(AT_MODULES));
	cr_assert_eq(info.reserved[1].end, phys(AT_MODULES) + 64);
	cr_assert_eq(info.reserved[2].start, phys(AT_MEMMAP));
	cr_assert_eq(info.reserved[2].end, phys(AT_MEMMAP) + 96);

	cr_assert_not(info.has_framebuffer);
	cr_assert_not(info.truncated);
	cr_assert_leq(memory.largest_read, 4096);
}

Test(pvh, info_is_cleared_first)
{
	memset(&info, 0x77, sizeof(info));
	start_info(AT_START, 1);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 0);
	cr_assert_eq(info.memory_region_count, 0);
	cr_assert_str_eq(info.cmdline, "");
	cr_assert_eq(info.rsdp_length, 0);
	cr_assert_not(info.truncated);
	cr_assert_eq(info.reserved_count, 1);
}

Test(pvh, v0_has_no_memmap)
{
	/* A version 0 start info in the last 40 bytes of memory: reading the
	 * 56-byte version 1 layout would be refused. */
	size_t start = FAKE_SIZE - 40;

	start_info(start, 0);
	put_string(AT_CMDLINE, "v0");
	set_cmdline(start, phys(AT_CMDLINE));
	module_entry(AT_MODULES, 0, phys(0x2000), 0x1000, 0);
	set_modules(start, 1, phys(AT_MODULES));
	rsdp(AT_RSDP, 0);
	set_rsdp(start, phys(AT_RSDP));

	cr_assert_eq(parse(start), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "v0");
	cr_assert_eq(info.module_count, 1);
	cr_assert_str_eq(info.modules[0].string, "");
	cr_assert_eq(info.memory_region_count, 0);
	cr_assert_eq(info.rsdp_length, 20);
	cr_assert_eq(memcmp(info.rsdp, at(AT_RSDP), 20), 0);
	cr_assert_eq(info.rsdp[20], 0);
	cr_assert_eq(info.reserved_count, 2);
	cr_assert_eq(info.reserved[0].end - info.reserved[0].start, 40);
	cr_assert_eq(memory.refused, 0);
}

Test(pvh, v1_at_end_of_memory_is_unreadable)
{
	size_t start = FAKE_SIZE - 40;

	start_info(start, 0);
	put32(start + 4, 1);
	cr_assert_eq(parse(start), BOOT_PARSE_UNREADABLE);
}

Test(pvh, bad_magic)
{
	full_layout();
	put32(AT_START, PVH_START_MAGIC ^ 1);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_BAD_MAGIC);
	cr_assert_eq(info.module_count, 0);
	cr_assert_str_eq(info.cmdline, "");

	put32(AT_START, MULTIBOOT2_BOOTLOADER_MAGIC);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_BAD_MAGIC);
}

Test(pvh, start_info_unreadable_or_absent)
{
	cr_assert_eq(pvh_parse(0x5000, fake_read, &info),
		     BOOT_PARSE_UNREADABLE);
	cr_assert_eq(pvh_parse(phys(FAKE_SIZE - 2), fake_read, &info),
		     BOOT_PARSE_UNREADABLE);
	cr_assert_eq(pvh_parse(0, fake_read, &info),
		     BOOT_PARSE_MALFORMED);
}

Test(pvh, module_list_outside_memory)
{
	full_layout();
	set_modules(AT_START, 2, FAKE_BASE + FAKE_SIZE + 0x1000);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_UNREADABLE);
	cr_assert_str_eq(info.cmdline, "console=ttyS0 pvh");
	cr_assert_eq(info.module_count, 0);

	/* The list starts inside but its second entry does not fit. */
	module_entry(FAKE_SIZE - 32, 0, 0x5000000, 0x1000, 0);
	set_modules(AT_START, 2, phys(FAKE_SIZE - 32));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_UNREADABLE);
	cr_assert_eq(info.module_count, 1);
	cr_assert_eq(info.modules[0].start, 0x5000000);
}

Test(pvh, module_string_unreadable)
{
	full_layout();
	module_entry(AT_MODULES, 1, 0x2080000, 0x1000, 0x10);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_UNREADABLE);
	cr_assert_eq(info.module_count, 2);
	cr_assert_str_eq(info.modules[0].string, "init.elf --flag");
}

Test(pvh, module_list_at_zero_is_malformed)
{
	full_layout();
	set_modules(AT_START, 2, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_MALFORMED);

	/* No modules and no list is fine. */
	set_modules(AT_START, 0, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 0);
	cr_assert_eq(info.reserved_count, 2);
}

Test(pvh, memmap_at_zero_is_malformed)
{
	full_layout();
	set_memmap(AT_START, 4, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_MALFORMED);
	cr_assert_eq(info.module_count, 2);
}

Test(pvh, memmap_outside_memory)
{
	full_layout();
	set_memmap(AT_START, 4, FAKE_BASE + FAKE_SIZE - 48);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_UNREADABLE);
	cr_assert_eq(info.memory_region_count, 2);
}

Test(pvh, unterminated_string_at_end_of_memory)
{
	full_layout();
	memcpy(at(FAKE_SIZE - 5), "abcde", 5);
	set_cmdline(AT_START, phys(FAKE_SIZE - 5));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_UNREADABLE);
	cr_assert_str_eq(info.cmdline, "abcde");
	cr_assert_eq(info.module_count, 0);
}

Test(pvh, string_ending_at_end_of_memory)
{
	full_layout();
	put_string(FAKE_SIZE - 6, "abcde");
	set_cmdline(AT_START, phys(FAKE_SIZE - 6));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "abcde");
}

Test(pvh, string_across_a_page_boundary)
{
	full_layout();
	put_string(0x1000 - 3, "page-crossing string");
	set_cmdline(AT_START, phys(0x1000 - 3));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "page-crossing string");
}

Test(pvh, string_near_unaligned_end_of_memory)
{
	/* Memory ends mid-page: a page-sized chunk is refused, yet a string
	 * that ends before the end still parses. */
	fake_create(0x1234);
	start_info(AT_START, 1);
	put_string(0x1234 - 10, "near end!");
	set_cmdline(AT_START, phys(0x1234 - 10));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_str_eq(info.cmdline, "near end!");

	memcpy(at(0x1234 - 3), "xyz", 3);
	set_cmdline(AT_START, phys(0x1234 - 3));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_UNREADABLE);
	cr_assert_str_eq(info.cmdline, "xyz");
}

Test(pvh, overlong_cmdline_is_truncated)
{
	full_layout();
	memset(at(0x2000), 'c', 3000);
	*at(0x2000 + 3000) = '\0';
	set_cmdline(AT_START, phys(0x2000));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(strlen(info.cmdline), BOOT_CMDLINE_MAX - 1);
	cr_assert(info.truncated);
	/* The rest was still parsed. */
	cr_assert_eq(info.module_count, 2);
	cr_assert_eq(info.memory_region_count, 4);
}

Test(pvh, cmdline_that_exactly_fits)
{
	full_layout();
	memset(at(0x2000), 'c', BOOT_CMDLINE_MAX - 1);
	*at(0x2000 + BOOT_CMDLINE_MAX - 1) = '\0';
	set_cmdline(AT_START, phys(0x2000));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(strlen(info.cmdline), BOOT_CMDLINE_MAX - 1);
	cr_assert_not(info.truncated);
}

Test(pvh, overlong_string_at_end_of_memory_is_truncated_not_unreadable)
{
	/* The limit is reached exactly where memory ends. */
	size_t offset = FAKE_SIZE - (BOOT_CMDLINE_MAX - 1);

	full_layout();
	memset(at(offset), 'e', BOOT_CMDLINE_MAX - 1);
	set_cmdline(AT_START, phys(offset));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(strlen(info.cmdline), BOOT_CMDLINE_MAX - 1);
	cr_assert(info.truncated);
}

Test(pvh, overlong_module_string_is_truncated)
{
	full_layout();
	memset(at(0x3000), 'm', 2000);
	module_entry(AT_MODULES, 0, 0x2000000, 0x1000, phys(0x3000));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(strlen(info.modules[0].string),
		     BOOT_MODULE_STRING_MAX - 1);
	cr_assert(info.truncated);
}

Test(pvh, too_many_modules)
{
	/* 20 entries are announced; only the 16 kept must be read, so the
	 * list is placed where the last four would lie outside memory. The
	 * modules (each read for a bundle's magic) tile the fake memory. */
	size_t list = FAKE_SIZE - BOOT_MODULES_MAX * 32;

	full_layout();
	for (uint32_t i = 0; i < BOOT_MODULES_MAX; i++)
		module_entry(list, i, phys(i * 0x1000u), 0x1000, 0);
	set_modules(AT_START, BOOT_MODULES_MAX + 4, phys(list));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, BOOT_MODULES_MAX);
	cr_assert_eq(info.modules[15].start, phys(15 * 0x1000u));
	cr_assert(info.truncated);
	cr_assert_eq(memory.refused, 0);
	/* The whole announced list is kept away from the allocator. */
	cr_assert_eq(info.reserved[1].start, phys(list));
	cr_assert_eq(info.reserved[1].end, phys(list) + 20 * 32);
}

Test(pvh, too_many_memmap_entries)
{
	size_t table = FAKE_SIZE - BOOT_MEMORY_REGIONS_MAX * 24;

	full_layout();
	set_modules(AT_START, 0, 0); /* outside memory: their reads fail */
	for (uint32_t i = 0; i < BOOT_MEMORY_REGIONS_MAX; i++)
		memmap_entry(table, i, i * 0x100000ull, 0x100000, 1);
	set_memmap(AT_START, 0xffffffffu, phys(table));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.memory_region_count, BOOT_MEMORY_REGIONS_MAX);
	cr_assert_eq(info.memory_regions[127].base, 127 * 0x100000ull);
	cr_assert(info.truncated);
	cr_assert_eq(memory.refused, 0);
}

Test(pvh, wrapping_module)
{
	full_layout();
	module_entry(AT_MODULES, 1, 0xfffffffffffff000ull, 0x2000, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_MALFORMED);
	cr_assert_eq(info.module_count, 1);

	module_entry(AT_MODULES, 1, 0xfffffffffffff000ull, 0x1000, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_MALFORMED);

	module_entry(AT_MODULES, 1, 0xffffffffffffe000ull, 0x1000, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.modules[1].end, 0xfffffffffffff000ull);
}

Test(pvh, wrapping_tables_are_malformed)
{
	full_layout();
	set_modules(AT_START, 2, 0xffffffffffffffe0ull);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_MALFORMED);

	full_layout();
	set_memmap(AT_START, 2, 0xfffffffffffffff0ull);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_MALFORMED);
}

Test(pvh, rsdp_revisions)
{
	full_layout();
	rsdp(AT_RSDP, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.rsdp_length, 20);

	rsdp(AT_RSDP, 1);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.rsdp_length, 20);

	rsdp(AT_RSDP, 3);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.rsdp_length, 36);
	cr_assert_eq(memcmp(info.rsdp, at(AT_RSDP), 36), 0);
}

Test(pvh, rsdp_unreadable)
{
	full_layout();
	set_rsdp(AT_START, 0xe0000);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_UNREADABLE);
	cr_assert_eq(info.rsdp_length, 0);
	cr_assert_eq(info.module_count, 2);

	/* A revision 2 RSDP whose 36 bytes run past the end of memory. */
	rsdp(FAKE_SIZE - 36, 2);
	memmove(at(FAKE_SIZE - 30), at(FAKE_SIZE - 36), 30);
	set_rsdp(AT_START, phys(FAKE_SIZE - 30));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_UNREADABLE);

	/* The same bytes as revision 0 only need 20. */
	*at(FAKE_SIZE - 30 + 15) = 0;
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.rsdp_length, 20);
}

/* A small deterministic generator, so that failures reproduce. */
static uint32_t fuzz_next(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(*state >> 33);
}

Test(pvh, corrupted_start_info_is_handled)
{
	uint64_t state = 0xfeed;
	uint8_t pristine[0x600];

	full_layout();
	memcpy(pristine, memory.bytes, sizeof(pristine));
	for (int round = 0; round < 5000; round++) {
		memcpy(memory.bytes, pristine, sizeof(pristine));
		int flips = 1 + (int)(fuzz_next(&state) % 3);

		for (int i = 0; i < flips; i++) {
			size_t offset = fuzz_next(&state) % 56;

			*at(offset) = (uint8_t)fuzz_next(&state);
		}
		int status = parse(AT_START);

		cr_assert(status == BOOT_PARSE_OK ||
			  status == BOOT_PARSE_BAD_MAGIC ||
			  status == BOOT_PARSE_MALFORMED ||
			  status == BOOT_PARSE_UNREADABLE);
		cr_assert_leq(info.module_count, BOOT_MODULES_MAX);
		cr_assert_leq(info.memory_region_count,
			      BOOT_MEMORY_REGIONS_MAX);
		cr_assert_leq(info.reserved_count, BOOT_RESERVED_MAX);
		/* Free the copies as we go to keep memory bounded. */
		for (size_t c = 0; c < memory.copy_count; c++)
			free(memory.copies[c]);
		memory.copy_count = 0;
	}
}

/* ---- module bundles (docs/boot.md, "Modules under PVH: the bundle") ---- */

#define AT_BUNDLE 0x4000u
#define PAGE      0x1000u

static void bundle_header(uint32_t version, uint32_t count)
{
	memcpy(at(AT_BUNDLE), "WKBUNDLE", 8);
	put32(AT_BUNDLE + 8, version);
	put32(AT_BUNDLE + 12, count);
}

static void bundle_entry(uint32_t index, uint64_t offset, uint64_t size,
			 uint32_t string, uint32_t length)
{
	size_t entry = AT_BUNDLE + 16 + index * 24u;

	put64(entry, offset);
	put64(entry + 8, size);
	put32(entry + 16, string);
	put32(entry + 20, length);
}

/* Puts `string` (no NUL) at `offset` in the bundle; returns its length. */
static uint32_t bundle_string(uint32_t offset, const char *string)
{
	memcpy(at(AT_BUNDLE + offset), string, strlen(string));
	return (uint32_t)strlen(string);
}

/* A v1 start info whose one module is the bundle of `size` bytes (with a
 * module string of its own, which the members do not inherit). */
static void bundle_layout(uint64_t size)
{
	start_info(AT_START, 1);
	put_string(AT_STRINGS, "the bundle's own string");
	module_entry(AT_MODULES, 0, phys(AT_BUNDLE), size, phys(AT_STRINGS));
	set_modules(AT_START, 1, phys(AT_MODULES));
}

/* Three members: an ELF-sized one, one whose string has GRUB's escapes and
 * a run of spaces, and an empty one at the very end with an empty string. */
static void good_bundle(void)
{
	bundle_layout(0x4000);
	bundle_header(1, 3);
	bundle_entry(0, 0x1000, 0x1000, 0x100, bundle_string(0x100, "libos"));
	bundle_entry(1, 0x2000, 0x1234, 0x105,
		     bundle_string(0x105, "app \\\"q\\\"  c\\\\d \\'s\\'"));
	bundle_entry(2, 0x4000, 0, 0x1000, 0);
	memcpy(at(AT_BUNDLE + 0x1000), "\177ELF", 4);
}

static void assert_malformed(void)
{
	cr_assert_eq(parse(AT_START), BOOT_PARSE_MALFORMED);
	cr_assert_not_null(info.problem);
	cr_assert_eq(strncmp(info.problem, "module bundle: ", 15), 0);
}

Test(pvh, bundle_members_become_modules)
{
	good_bundle();
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 3);
	cr_assert_eq(info.modules[0].start, phys(AT_BUNDLE + 0x1000));
	cr_assert_eq(info.modules[0].end, phys(AT_BUNDLE + 0x2000));
	cr_assert_str_eq(info.modules[0].string, "libos");
	cr_assert_eq(info.modules[1].start, phys(AT_BUNDLE + 0x2000));
	cr_assert_eq(info.modules[1].end, phys(AT_BUNDLE + 0x3234));
	cr_assert_str_eq(info.modules[1].string,
			 "app \\\"q\\\"  c\\\\d \\'s\\'");
	cr_assert_eq(info.modules[2].start, phys(AT_BUNDLE + 0x4000));
	cr_assert_eq(info.modules[2].end, phys(AT_BUNDLE + 0x4000));
	cr_assert_str_eq(info.modules[2].string, "");
	cr_assert_not(info.truncated);
	cr_assert_null(info.problem);
	/* The whole bundle, header page included, stays reserved. */
	cr_assert_eq(info.reserved_count, 3);
	cr_assert_eq(info.reserved[2].start, phys(AT_BUNDLE));
	cr_assert_eq(info.reserved[2].end, phys(AT_BUNDLE + 0x4000));
	cr_assert_leq(memory.largest_read, 4096);
}

Test(pvh, bundle_between_plain_modules_keeps_the_order)
{
	good_bundle();
	module_entry(AT_MODULES, 0, 0x2000000, 0x1000, 0);
	module_entry(AT_MODULES, 1, phys(AT_BUNDLE), 0x4000, 0);
	module_entry(AT_MODULES, 2, phys(0x100), 0x10, phys(AT_STRINGS));
	set_modules(AT_START, 3, phys(AT_MODULES));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 5);
	cr_assert_eq(info.modules[0].start, 0x2000000);
	cr_assert_str_eq(info.modules[1].string, "libos");
	cr_assert_eq(info.modules[3].start, phys(AT_BUNDLE + 0x4000));
	cr_assert_eq(info.modules[4].start, phys(0x100));
	cr_assert_str_eq(info.modules[4].string, "the bundle's own string");
}

Test(pvh, module_without_the_magic_stays_one_module)
{
	good_bundle();
	*at(AT_BUNDLE + 7) = 'X';
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 1);
	cr_assert_eq(info.modules[0].start, phys(AT_BUNDLE));
	cr_assert_str_eq(info.modules[0].string, "the bundle's own string");

	/* Too short to hold the magic: not read at all. */
	good_bundle();
	module_entry(AT_MODULES, 0, phys(AT_BUNDLE), 7, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, 1);
	cr_assert_eq(info.modules[0].end, phys(AT_BUNDLE) + 7);
}

Test(pvh, bundle_truncated_header)
{
	/* The magic, then less than the header page. */
	static const uint64_t sizes[] = { 8, 12, 16, 400, 4095 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		good_bundle();
		module_entry(AT_MODULES, 0, phys(AT_BUNDLE), sizes[i], 0);
		assert_malformed();
	}
}

Test(pvh, bundle_bad_version_or_count)
{
	good_bundle();
	put32(AT_BUNDLE + 8, 2);
	assert_malformed();

	good_bundle();
	put32(AT_BUNDLE + 8, 0);
	assert_malformed();

	good_bundle();
	put32(AT_BUNDLE + 12, 0);
	assert_malformed();
	cr_assert_eq(info.module_count, 0);

	good_bundle();
	put32(AT_BUNDLE + 12, BOOT_MODULES_MAX + 1);
	assert_malformed();

	good_bundle();
	put32(AT_BUNDLE + 12, 0xffffffffu);
	assert_malformed();
}

Test(pvh, bundle_member_past_the_end)
{
	good_bundle();
	bundle_entry(1, 0x2000, 0x2001, 0x105, 4);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x5000, 0, 0x105, 4);
	assert_malformed();

	/* The last byte exactly at the end is fine. */
	good_bundle();
	bundle_entry(1, 0x2000, 0x2000, 0x105, 4);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.modules[1].end, phys(AT_BUNDLE + 0x4000));
}

Test(pvh, bundle_member_unaligned_or_in_the_header_page)
{
	good_bundle();
	bundle_entry(1, 0x2800, 0x10, 0x105, 4);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x2001, 0x10, 0x105, 4);
	assert_malformed();

	good_bundle();
	bundle_entry(0, 0, 0x10, 0x100, 5);
	assert_malformed();
}

Test(pvh, bundle_string_outside_the_header_page)
{
	good_bundle();
	bundle_entry(1, 0x2000, 0x10, 0xfff, 2);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x2000, 0x10, 0x1001, 0);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x2000, 0x10, 0, 0x1001);
	assert_malformed();

	/* Up to the page's last byte, and empty right after it, are fine. */
	good_bundle();
	memcpy(at(AT_BUNDLE + 0xffe), "zz", 2);
	bundle_entry(1, 0x2000, 0x10, 0xffe, 2);
	bundle_entry(2, 0x4000, 0, 0x1000, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_str_eq(info.modules[1].string, "zz");
}

Test(pvh, bundle_huge_values_do_not_wrap)
{
	good_bundle();
	bundle_entry(1, 0xfffffffffffff000ull, 0x2000, 0x105, 4);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x2000, 0xffffffffffffffffull, 0x105, 4);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x2000, 0xffffffffffffe000ull, 0x105, 4);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x2000, 0x10, 0xffffffffu, 2);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x2000, 0x10, 0x105, 0xffffffffu);
	assert_malformed();

	good_bundle();
	bundle_entry(1, 0x2000, 0x10, 0xfffff000u, 0x2000);
	assert_malformed();

	/* A bundle that wraps 2^64 is refused as any module is. */
	good_bundle();
	module_entry(AT_MODULES, 0, 0xfffffffffffff000ull, 0x2000, 0);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_MALFORMED);
}

Test(pvh, bundle_overlong_string_is_truncated)
{
	good_bundle();
	memset(at(AT_BUNDLE + 0x200), 's', 0x300);
	bundle_entry(1, 0x2000, 0x10, 0x200, 0x300);
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(strlen(info.modules[1].string),
		     BOOT_MODULE_STRING_MAX - 1);
	cr_assert(info.truncated);
	cr_assert_str_eq(info.modules[2].string, "");
}

Test(pvh, bundle_members_beyond_the_module_table)
{
	/* A plain module, then a bundle of 16: one member does not fit, and
	 * is still checked. */
	good_bundle();
	bundle_header(1, BOOT_MODULES_MAX);
	for (uint32_t i = 0; i < BOOT_MODULES_MAX; i++)
		bundle_entry(i, 0x1000, 0x10, 0x300 + i, 1);
	memset(at(AT_BUNDLE + 0x300), 'm', BOOT_MODULES_MAX);
	module_entry(AT_MODULES, 0, 0x2000000, 0x1000, 0);
	module_entry(AT_MODULES, 1, phys(AT_BUNDLE), 0x4000, 0);
	set_modules(AT_START, 2, phys(AT_MODULES));
	cr_assert_eq(parse(AT_START), BOOT_PARSE_OK);
	cr_assert_eq(info.module_count, BOOT_MODULES_MAX);
	cr_assert_str_eq(info.modules[15].string, "m");
	cr_assert(info.truncated);

	bundle_entry(BOOT_MODULES_MAX - 1, 0x1001, 0x10, 0x300, 1);
	assert_malformed();
}

Test(pvh, corrupted_bundle_is_handled)
{
	uint64_t state = 0xb0d1e;
	uint8_t pristine[0x200];

	good_bundle();
	memcpy(pristine, at(AT_BUNDLE), sizeof(pristine));
	for (int round = 0; round < 5000; round++) {
		memcpy(at(AT_BUNDLE), pristine, sizeof(pristine));
		int flips = 1 + (int)(fuzz_next(&state) % 4);

		for (int i = 0; i < flips; i++) {
			size_t offset = fuzz_next(&state) % (16 + 3 * 24);

			*at(AT_BUNDLE + offset) = (uint8_t)fuzz_next(&state);
		}
		int status = parse(AT_START);

		cr_assert(status == BOOT_PARSE_OK ||
			  status == BOOT_PARSE_MALFORMED);
		cr_assert_leq(info.module_count, BOOT_MODULES_MAX);
		bool bundle = memcmp(at(AT_BUNDLE), "WKBUNDLE", 8) == 0;

		for (uint32_t m = 0; bundle && status == BOOT_PARSE_OK &&
				     m < info.module_count; m++) {
			cr_assert_geq(info.modules[m].start,
				      phys(AT_BUNDLE + PAGE));
			cr_assert_leq(info.modules[m].end,
				      phys(AT_BUNDLE + 0x4000));
		}
		for (size_t c = 0; c < memory.copy_count; c++)
			free(memory.copies[c]);
		memory.copy_count = 0;
	}
}
