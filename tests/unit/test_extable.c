/*
 * Host tests of the exception table: the lookup in kernel/lib/extable.c and
 * the post-link sorter in tools/extable_sort.c (compiled here with
 * -DEXTABLE_SORT_NO_MAIN). The sorter tests work on byte buffers at fake
 * runtime addresses and on small ELF images built in memory; the lookup
 * tests build a real table in host memory, sort it with the sorter and
 * search it, as the kernel does with its own.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/extable.h"
#include "../../tools/extable_sort.h"


#define ENTRY 8u
#define GIB 0x40000000ull
#define KERNEL_TABLE 0xffffffff80200000ull
#define ARRAY_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* An entry by its absolute addresses, and its position in the input. */
struct pair {
	uint64_t instruction;
	uint64_t fixup;
	size_t index;
};

static uint32_t load32(const uint8_t *bytes)
{
	return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
	       (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

static void store32(uint8_t *bytes, uint32_t value)
{
	for (int i = 0; i < 4; i++)
		bytes[i] = (uint8_t)(value >> (8 * i));
}

static uint64_t sign_extend(uint32_t value)
{
	return (uint64_t)(int64_t)(int32_t)value;
}

/* The relative field at `field` that designates `target` (must fit). */
static uint32_t relative(uint64_t target, uint64_t field)
{
	uint64_t difference = target - field;

	cr_assert(difference <= 0x7fffffffull || difference >= 0xffffffff80000000ull,
		  "test bug: %#llx is out of reach of %#llx",
		  (unsigned long long)target, (unsigned long long)field);
	return (uint32_t)difference;
}

/* Encodes `pairs` as a table at runtime address `address`. */
static void encode(uint8_t *bytes, const struct pair *pairs, size_t count,
		   uint64_t address)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t field = address + i * ENTRY;

		store32(bytes + i * ENTRY, relative(pairs[i].instruction, field));
		store32(bytes + i * ENTRY + 4, relative(pairs[i].fixup, field + 4));
	}
}

/* Decodes a table at runtime address `address`; index is the position. */
static void decode(const uint8_t *bytes, struct pair *pairs, size_t count,
		   uint64_t address)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t field = address + i * ENTRY;

		pairs[i].instruction = field + sign_extend(load32(bytes + i * ENTRY));
		pairs[i].fixup = field + 4 + sign_extend(load32(bytes + i * ENTRY + 4));
		pairs[i].index = i;
	}
}

static int compare_pairs(const void *left_pointer, const void *right_pointer)
{
	const struct pair *left = left_pointer, *right = right_pointer;

	if (left->instruction != right->instruction)
		return left->instruction < right->instruction ? -1 : 1;
	if (left->fixup != right->fixup)
		return left->fixup < right->fixup ? -1 : 1;
	return 0;
}

/*
 * Sorts `pairs` as a table at `address` with extable_sort_entries and
 * checks the result: sorted by instruction, the same multiset of absolute
 * pairs, and equal instructions in input order. The caller makes every
 * fixup unique so that an entry's input position can be told from it.
 */
static void sort_and_check(const struct pair *pairs, size_t count,
			   uint64_t address)
{
	size_t size = count * ENTRY;
	uint8_t *bytes = malloc(size ? size : 1);
	struct pair *sorted = calloc(count ? count : 1, sizeof(*sorted));
	struct pair *expected = calloc(count ? count : 1, sizeof(*expected));

	cr_assert(bytes != NULL && sorted != NULL && expected != NULL);
	encode(bytes, pairs, count, address);
	cr_assert_eq(extable_sort_entries(bytes, size, address), 0);
	decode(bytes, sorted, count, address);

	for (size_t i = 1; i < count; i++)
		cr_assert_leq(sorted[i - 1].instruction, sorted[i].instruction,
			      "entries %zu and %zu are out of order", i - 1, i);

	/* Stability: map each fixup back to its input position. */
	for (size_t i = 1; i < count; i++) {
		if (sorted[i - 1].instruction != sorted[i].instruction)
			continue;
		size_t before = count, after = count;
		for (size_t j = 0; j < count; j++) {
			if (pairs[j].fixup == sorted[i - 1].fixup)
				before = j;
			if (pairs[j].fixup == sorted[i].fixup)
				after = j;
		}
		cr_assert(before < after, "equal instructions at %zu, %zu were reordered",
			  i - 1, i);
	}

	memcpy(expected, pairs, count * sizeof(*pairs));
	qsort(expected, count, sizeof(*expected), compare_pairs);
	qsort(sorted, count, sizeof(*sorted), compare_pairs);
	for (size_t i = 0; i < count; i++) {
		cr_assert_eq(sorted[i].instruction, expected[i].instruction);
		cr_assert_eq(sorted[i].fixup, expected[i].fixup);
	}
	free(bytes);
	free(sorted);
	free(expected);
}

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t random_next(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}

TestSuite(extable_sort);

Test(extable_sort, random_tables)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 7, 8, 64, 100, 999, 1000, 2000 };
	static const uint64_t addresses[] = { KERNEL_TABLE, 0x400000, 0x100000000ull };

	for (uint64_t seed = 1; seed <= 6; seed++) {
		for (size_t s = 0; s < ARRAY_COUNT(sizes); s++) {
			size_t count = sizes[s];
			uint64_t address = addresses[seed % ARRAY_COUNT(addresses)];
			uint64_t state = seed * 0x9e3779b97f4a7c15ull;
			struct pair *pairs = calloc(count ? count : 1, sizeof(*pairs));
			/* Odd seeds draw from a narrow range, to make duplicates. */
			uint64_t span = seed % 2 ? 64 : 64 * 1024 * 1024;

			cr_assert_not_null(pairs);
			for (size_t i = 0; i < count; i++) {
				pairs[i].instruction = address - 2 * 1024 * 1024 - span / 2 +
						       random_next(&state) % span;
				pairs[i].fixup = address - 1024 * 1024 + 16 * i;
			}
			sort_and_check(pairs, count, address);
			free(pairs);
		}
	}
}

Test(extable_sort, duplicates_are_kept_in_input_order)
{
	struct pair pairs[12];

	for (size_t i = 0; i < ARRAY_COUNT(pairs); i++) {
		pairs[i].instruction = KERNEL_TABLE - 0x1000 - 0x10 * (i % 3);
		pairs[i].fixup = KERNEL_TABLE - 0x800 + i;
	}
	sort_and_check(pairs, ARRAY_COUNT(pairs), KERNEL_TABLE);

	/* Check the exact order too: all of i % 3 == 2, then 1, then 0. */
	uint8_t bytes[sizeof(pairs) / sizeof(pairs[0]) * ENTRY];
	struct pair sorted[ARRAY_COUNT(pairs)];

	encode(bytes, pairs, ARRAY_COUNT(pairs), KERNEL_TABLE);
	cr_assert_eq(extable_sort_entries(bytes, sizeof(bytes), KERNEL_TABLE), 0);
	decode(bytes, sorted, ARRAY_COUNT(pairs), KERNEL_TABLE);
	for (size_t i = 0; i < ARRAY_COUNT(pairs); i++) {
		size_t group = 2 - i / 4, member = i % 4;

		cr_assert_eq(sorted[i].fixup, KERNEL_TABLE - 0x800 + group + 3 * member);
	}
}

Test(extable_sort, reverse_order)
{
	struct pair pairs[500];

	for (size_t i = 0; i < ARRAY_COUNT(pairs); i++) {
		pairs[i].instruction = KERNEL_TABLE - 0x100000 - 5 * i;
		pairs[i].fixup = KERNEL_TABLE - 0x80000 + 16 * i;
	}
	sort_and_check(pairs, ARRAY_COUNT(pairs), KERNEL_TABLE);
}

Test(extable_sort, already_sorted_is_unchanged)
{
	struct pair pairs[300];
	uint8_t bytes[sizeof(pairs) / sizeof(pairs[0]) * ENTRY];
	uint8_t copy[sizeof(bytes)];

	for (size_t i = 0; i < ARRAY_COUNT(pairs); i++) {
		pairs[i].instruction = KERNEL_TABLE - 0x100000 + 3 * (i / 2);
		pairs[i].fixup = KERNEL_TABLE - 0x80000 + 16 * i;
	}
	sort_and_check(pairs, ARRAY_COUNT(pairs), KERNEL_TABLE);
	encode(bytes, pairs, ARRAY_COUNT(pairs), KERNEL_TABLE);
	memcpy(copy, bytes, sizeof(bytes));
	cr_assert_eq(extable_sort_entries(bytes, sizeof(bytes), KERNEL_TABLE), 0);
	cr_assert_arr_eq(bytes, copy, sizeof(bytes));
}

Test(extable_sort, targets_at_section_edges_and_far_away)
{
	const uint64_t address = KERNEL_TABLE;
	const size_t count = 6;
	const uint64_t end = address + count * ENTRY;
	struct pair pairs[] = {
		{ end, address, 0 },                              /* at the end */
		{ address + GIB, address - GIB, 0 },              /* +1 GiB */
		{ address, end, 0 },                              /* at the start */
		{ address - GIB, address + GIB, 0 },              /* -1 GiB */
		{ address + 4, address + 12, 0 },                 /* inside */
		{ address + 0x7fff0000ull, address - 0x7fff0000ull, 0 },
	};

	cr_assert_eq(ARRAY_COUNT(pairs), count);
	sort_and_check(pairs, count, address);
}

Test(extable_sort, extreme_offsets_that_still_fit)
{
	/*
	 * Each entry stays where it is, so the extreme offsets stay valid. (Not
	 * at KERNEL_TABLE, where address + 2 GiB would wrap around.)
	 */
	const uint64_t address = 0x10000000000ull;
	struct pair pairs[] = {
		{ address - 0x80000000ull, address + 4 + 0x7fffffffull, 0 },
		{ address + 8 + 0x7fffffffull, address + 12 - 0x80000000ull, 0 },
	};

	sort_and_check(pairs, ARRAY_COUNT(pairs), address);
}

Test(extable_sort, fixup_out_of_reach_after_the_move)
{
	/* The first entry moves 8 bytes up; its fixup was at the lowest reach. */
	const uint64_t address = KERNEL_TABLE;
	struct pair pairs[] = {
		{ address + 100, address + 4 - 0x80000000ull, 0 },
		{ address + 50, address + 12, 0 },
	};
	uint8_t bytes[2 * ENTRY], copy[2 * ENTRY];

	encode(bytes, pairs, 2, address);
	memcpy(copy, bytes, sizeof(bytes));
	cr_assert_eq(extable_sort_entries(bytes, sizeof(bytes), address), -1);
	cr_assert_arr_eq(bytes, copy, sizeof(bytes), "a failed sort changed the table");
}

Test(extable_sort, instruction_out_of_reach_after_the_move)
{
	/*
	 * At a low address, the first entry's instruction wraps to the top of
	 * the address space, so it sorts last and falls out of reach.
	 */
	const uint64_t address = 0x1000;
	struct pair pairs[] = {
		{ address - 0x80000000ull, address + 4, 0 },
		{ address + 8, address + 12, 0 },
	};
	uint8_t bytes[2 * ENTRY], copy[2 * ENTRY];

	encode(bytes, pairs, 2, address);
	memcpy(copy, bytes, sizeof(bytes));
	cr_assert_eq(extable_sort_entries(bytes, sizeof(bytes), address), -1);
	cr_assert_arr_eq(bytes, copy, sizeof(bytes));
}

Test(extable_sort, size_not_a_multiple_of_the_entry)
{
	uint8_t bytes[3 * ENTRY] = { 0 };

	cr_assert_eq(extable_sort_entries(bytes, 4, KERNEL_TABLE), -1);
	cr_assert_eq(extable_sort_entries(bytes, 17, KERNEL_TABLE), -1);
	cr_assert_eq(extable_sort_entries(bytes, 0, KERNEL_TABLE), 0);
	cr_assert_eq(extable_sort_entries(NULL, 0, KERNEL_TABLE), 0);
}

/* Lookup: a real table in host memory, as the kernel sees its own. */

/* Fills `table` (count entries) with instructions base + 7k for k shuffled. */
static void build_host_table(struct extable_entry *table, size_t count,
			     uint64_t seed)
{
	uint64_t base = (uint64_t)(uintptr_t)table;
	size_t *order = malloc((count ? count : 1) * sizeof(*order));
	uint64_t state = seed;

	cr_assert_not_null(order);
	for (size_t i = 0; i < count; i++)
		order[i] = i;
	for (size_t i = count; i > 1; i--) {
		size_t j = random_next(&state) % i;
		size_t swap = order[i - 1];

		order[i - 1] = order[j];
		order[j] = swap;
	}
	for (size_t i = 0; i < count; i++) {
		uint64_t instruction = base + 7 * order[i];
		uint64_t fixup = base + 0x100000 + order[i];

		table[i].instruction = (int32_t)relative(
			instruction, (uint64_t)(uintptr_t)&table[i].instruction);
		table[i].fixup = (int32_t)relative(
			fixup, (uint64_t)(uintptr_t)&table[i].fixup);
		cr_assert_eq(extable_instruction(&table[i]), instruction);
		cr_assert_eq(extable_fixup(&table[i]), fixup);
	}
	free(order);
}

TestSuite(extable_search);

Test(extable_search, finds_every_entry_of_a_sorted_table)
{
	static const size_t sizes[] = { 1, 2, 3, 10, 257, 1000 };

	for (size_t s = 0; s < ARRAY_COUNT(sizes); s++) {
		size_t count = sizes[s];
		struct extable_entry *table = malloc(count * sizeof(*table));
		uint64_t base = (uint64_t)(uintptr_t)table;
		const struct extable_entry *end = table + count;

		cr_assert_not_null(table);
		build_host_table(table, count, 0x1234 + s);
		cr_assert_eq(extable_sort_entries((uint8_t *)table,
						  count * sizeof(*table), base), 0);
		cr_assert(extable_is_sorted(table, end));

		for (size_t k = 0; k < count; k++) {
			uint64_t instruction = base + 7 * k;

			cr_assert_eq(extable_search(table, end, instruction),
				     base + 0x100000 + k, "count %zu, k %zu", count, k);
			cr_assert_eq(extable_search(table, end, instruction + 1), 0);
			cr_assert_eq(extable_search(table, end, instruction - 1), 0);
		}
		cr_assert_eq(extable_search(table, end, base - 7), 0);
		cr_assert_eq(extable_search(table, end, base + 7 * count), 0);
		cr_assert_eq(extable_search(table, end, 0), 0);
		cr_assert_eq(extable_search(table, end, UINT64_MAX), 0);
		free(table);
	}
}

Test(extable_search, empty_table)
{
	struct extable_entry table[1] = { { 0, 0 } };

	cr_assert_eq(extable_search(table, table, (uint64_t)(uintptr_t)table), 0);
	cr_assert_eq(extable_search(NULL, NULL, 0x1000), 0);
	cr_assert(extable_is_sorted(table, table));
	cr_assert(extable_is_sorted(NULL, NULL));
}

Test(extable_search, duplicates_give_one_of_their_fixups)
{
	struct extable_entry table[9];
	uint64_t base = (uint64_t)(uintptr_t)table;

	/* Instructions base + 0, +8 (five times), +16, +24, +32. */
	static const unsigned offsets[] = { 16, 8, 32, 8, 0, 8, 24, 8, 8 };
	for (size_t i = 0; i < ARRAY_COUNT(table); i++) {
		table[i].instruction = (int32_t)relative(
			base + offsets[i], (uint64_t)(uintptr_t)&table[i].instruction);
		table[i].fixup = (int32_t)relative(
			base + 0x1000 + offsets[i] * 16 + i,
			(uint64_t)(uintptr_t)&table[i].fixup);
	}
	cr_assert_not(extable_is_sorted(table, table + 9));
	cr_assert_eq(extable_sort_entries((uint8_t *)table, sizeof(table), base), 0);
	cr_assert(extable_is_sorted(table, table + 9));

	uint64_t fixup = extable_search(table, table + 9, base + 8);
	bool known = false;
	for (size_t i = 0; i < ARRAY_COUNT(table); i++)
		if (offsets[i] == 8 && fixup == base + 0x1000 + 8 * 16 + i)
			known = true;
	cr_assert(known, "fixup %#llx is not one of the duplicates'",
		  (unsigned long long)fixup);
	for (unsigned offset = 0; offset <= 32; offset += 8)
		cr_assert_neq(extable_search(table, table + 9, base + offset), 0);
	cr_assert_eq(extable_search(table, table + 9, base + 40), 0);
}

Test(extable_search, is_sorted_rejects_a_crafted_unsorted_table)
{
	struct extable_entry table[3];
	uint64_t base = (uint64_t)(uintptr_t)table;
	static const unsigned offsets[] = { 10, 20, 15 };

	for (size_t i = 0; i < 3; i++) {
		table[i].instruction = (int32_t)relative(
			base + offsets[i], (uint64_t)(uintptr_t)&table[i].instruction);
		table[i].fixup = 0;
	}
	cr_assert(extable_is_sorted(table, table + 2));
	cr_assert_not(extable_is_sorted(table, table + 3));
	cr_assert(extable_is_sorted(table + 2, table + 3));
}

Test(extable_search, offsets_are_relative_to_each_field)
{
	struct extable_entry entry = { .instruction = -8, .fixup = 0x100 };
	uint64_t at = (uint64_t)(uintptr_t)&entry;

	cr_assert_eq(extable_instruction(&entry), at - 8);
	cr_assert_eq(extable_fixup(&entry), at + 4 + 0x100);
	entry.instruction = INT32_MIN;
	entry.fixup = INT32_MAX;
	cr_assert_eq(extable_instruction(&entry), at - 0x80000000ull);
	cr_assert_eq(extable_fixup(&entry), at + 4 + 0x7fffffffull);
}

/* ELF images: a minimal linked ELF64 with the two sections, built in memory. */

#define IMAGE_TABLE_OFFSET 0x40
#define IMAGE_TABLE_ADDRESS KERNEL_TABLE
#define IMAGE_SECTIONS 5  /* null, .text, .extable, .extable_sorted, .shstrtab */

static const char image_names[] = "\0.text\0.extable\0.extable_sorted\0.shstrtab";
enum { NAME_TEXT = 1, NAME_TABLE = 7, NAME_MARK = 16, NAME_NAMES = 32 };

struct image {
	uint8_t *bytes;
	size_t size;
	size_t mark_offset;
	size_t names_offset;
	size_t headers_offset;
};

/* The section header `index` of `image`, for tests to corrupt. */
static Elf64_Shdr *image_section(struct image *image, size_t index)
{
	return (Elf64_Shdr *)(image->bytes + image->headers_offset) + index;
}

static Elf64_Ehdr *image_header(struct image *image)
{
	return (Elf64_Ehdr *)image->bytes;
}

/*
 * Builds an image whose .extable holds `pairs` (in that order) and whose
 * mark is `mark`. The buffer is exactly the file's size, so ASan catches a
 * read past the end.
 */
static struct image build_image(const struct pair *pairs, size_t count,
				uint32_t mark)
{
	struct image image;
	size_t table_size = count * ENTRY;

	image.mark_offset = IMAGE_TABLE_OFFSET + table_size;
	image.names_offset = image.mark_offset + 4;
	image.headers_offset = (image.names_offset + sizeof(image_names) + 7) & ~(size_t)7;
	image.size = image.headers_offset + IMAGE_SECTIONS * sizeof(Elf64_Shdr);
	image.bytes = calloc(1, image.size);
	cr_assert_not_null(image.bytes);

	Elf64_Ehdr *header = image_header(&image);
	memcpy(header->e_ident, ELFMAG, SELFMAG);
	header->e_ident[EI_CLASS] = ELFCLASS64;
	header->e_ident[EI_DATA] = ELFDATA2LSB;
	header->e_ident[EI_VERSION] = EV_CURRENT;
	header->e_type = ET_EXEC;
	header->e_machine = EM_X86_64;
	header->e_version = EV_CURRENT;
	header->e_ehsize = sizeof(Elf64_Ehdr);
	header->e_shoff = image.headers_offset;
	header->e_shentsize = sizeof(Elf64_Shdr);
	header->e_shnum = IMAGE_SECTIONS;
	header->e_shstrndx = 4;

	encode(image.bytes + IMAGE_TABLE_OFFSET, pairs, count, IMAGE_TABLE_ADDRESS);
	store32(image.bytes + image.mark_offset, mark);
	memcpy(image.bytes + image.names_offset, image_names, sizeof(image_names));

	*image_section(&image, 1) = (Elf64_Shdr){
		.sh_name = NAME_TEXT, .sh_type = SHT_NOBITS,
		.sh_flags = SHF_ALLOC | SHF_EXECINSTR,
		.sh_addr = IMAGE_TABLE_ADDRESS - 0x200000, .sh_size = 0x100000,
	};
	*image_section(&image, 2) = (Elf64_Shdr){
		.sh_name = NAME_TABLE, .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC,
		.sh_addr = IMAGE_TABLE_ADDRESS, .sh_offset = IMAGE_TABLE_OFFSET,
		.sh_size = table_size, .sh_addralign = 4,
	};
	*image_section(&image, 3) = (Elf64_Shdr){
		.sh_name = NAME_MARK, .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC,
		.sh_addr = IMAGE_TABLE_ADDRESS + table_size,
		.sh_offset = image.mark_offset, .sh_size = 4, .sh_addralign = 4,
	};
	*image_section(&image, 4) = (Elf64_Shdr){
		.sh_name = NAME_NAMES, .sh_type = SHT_STRTAB,
		.sh_offset = image.names_offset, .sh_size = sizeof(image_names),
		.sh_addralign = 1,
	};
	return image;
}

/* A default image: 40 entries in a scrambled order, unmarked. */
static struct image build_default_image(void)
{
	struct pair pairs[40];

	for (size_t i = 0; i < ARRAY_COUNT(pairs); i++) {
		pairs[i].instruction = IMAGE_TABLE_ADDRESS - 0x200000 + (i * 17) % 40 * 4;
		pairs[i].fixup = IMAGE_TABLE_ADDRESS - 0x180000 + i;
	}
	return build_image(pairs, ARRAY_COUNT(pairs), 0);
}

static uint8_t *copy_bytes(const uint8_t *bytes, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	cr_assert_not_null(copy);
	memcpy(copy, bytes, size);
	return copy;
}

/* Expects the image to be rejected by both modes, with `reason` in the message. */
static void expect_rejected(struct image *image, const char *reason)
{
	char error[256] = "";
	uint8_t *original = copy_bytes(image->bytes, image->size);

	cr_assert_eq(extable_sort_image(image->bytes, image->size, error,
					sizeof(error)), -1);
	cr_assert(strstr(error, reason) != NULL, "message \"%s\" lacks \"%s\"",
		  error, reason);
	cr_assert_arr_eq(image->bytes, original, image->size,
			 "a rejected image was changed");
	error[0] = '\0';
	cr_assert_eq(extable_check_image(image->bytes, image->size, error,
					 sizeof(error)), -1);
	cr_assert(strstr(error, reason) != NULL, "message \"%s\" lacks \"%s\"",
		  error, reason);
	free(original);
	free(image->bytes);
}

TestSuite(extable_image);

Test(extable_image, sort_marks_and_verifies)
{
	struct image image = build_default_image();
	uint8_t *before = copy_bytes(image.bytes, image.size);
	char error[256] = "";

	cr_assert_eq(extable_check_image(image.bytes, image.size, error, sizeof(error)), -1);
	cr_assert(strstr(error, "sorted mark") != NULL, "%s", error);
	cr_assert_eq(extable_sort_image(image.bytes, image.size, error, sizeof(error)), 0,
		     "%s", error);
	cr_assert_eq(load32(image.bytes + image.mark_offset), EXTABLE_SORTED_MAGIC);
	cr_assert_eq(extable_check_image(image.bytes, image.size, error, sizeof(error)), 0,
		     "%s", error);
	cr_assert_eq(extable_verify_image(before, image.size, image.bytes, image.size,
					  error, sizeof(error)), 0, "%s", error);

	/* Sorting again changes nothing. */
	uint8_t *once = copy_bytes(image.bytes, image.size);
	cr_assert_eq(extable_sort_image(image.bytes, image.size, error, sizeof(error)), 0);
	cr_assert_arr_eq(image.bytes, once, image.size);
	free(once);
	free(before);
	free(image.bytes);
}

Test(extable_image, empty_table_is_marked)
{
	struct image image = build_image(NULL, 0, 0);
	char error[256] = "";

	cr_assert_eq(extable_sort_image(image.bytes, image.size, error, sizeof(error)), 0,
		     "%s", error);
	cr_assert_eq(load32(image.bytes + image.mark_offset), EXTABLE_SORTED_MAGIC);
	cr_assert_eq(extable_check_image(image.bytes, image.size, error, sizeof(error)), 0);
	free(image.bytes);
}

Test(extable_image, check_rejects_marked_but_unsorted)
{
	struct image image = build_default_image();
	char error[256] = "";

	store32(image.bytes + image.mark_offset, EXTABLE_SORTED_MAGIC);
	cr_assert_eq(extable_check_image(image.bytes, image.size, error, sizeof(error)), -1);
	cr_assert(strstr(error, "comes before") != NULL, "%s", error);
	free(image.bytes);
}

Test(extable_image, verify_catches_a_changed_entry)
{
	struct image image = build_default_image();
	uint8_t *before = copy_bytes(image.bytes, image.size);
	char error[256] = "";

	cr_assert_eq(extable_sort_image(image.bytes, image.size, error, sizeof(error)), 0);
	/* Move the last entry's fixup by one byte: still sorted, wrong target. */
	uint8_t *fixup = image.bytes + image.mark_offset - 4;
	store32(fixup, load32(fixup) + 1);
	cr_assert_eq(extable_verify_image(before, image.size, image.bytes, image.size,
					  error, sizeof(error)), -1);
	cr_assert(strstr(error, "does not hold") != NULL, "%s", error);
	store32(fixup, load32(fixup) - 1);
	cr_assert_eq(extable_verify_image(before, image.size, image.bytes, image.size,
					  error, sizeof(error)), 0, "%s", error);

	/* A byte changed outside the table. */
	image.bytes[image.names_offset + 2] ^= 1;
	cr_assert_eq(extable_verify_image(before, image.size, image.bytes, image.size,
					  error, sizeof(error)), -1);
	free(before);
	free(image.bytes);
}

Test(extable_image, rejects_a_table_out_of_reach_after_sorting)
{
	struct pair pairs[] = {
		{ IMAGE_TABLE_ADDRESS + 100, IMAGE_TABLE_ADDRESS + 4 - 0x80000000ull, 0 },
		{ IMAGE_TABLE_ADDRESS + 50, IMAGE_TABLE_ADDRESS, 0 },
	};
	struct image image = build_image(pairs, 2, 0);
	char error[256] = "";

	cr_assert_eq(extable_sort_image(image.bytes, image.size, error, sizeof(error)), -1);
	cr_assert(strstr(error, "reach") != NULL, "%s", error);
	cr_assert_eq(load32(image.bytes + image.mark_offset), 0);
	free(image.bytes);
}

Test(extable_image, rejects_bad_identification)
{
	struct image image;

	image = build_default_image();
	image.bytes[0] = 0x7e;
	expect_rejected(&image, "bad magic");

	image = build_default_image();
	image.bytes[EI_CLASS] = ELFCLASS32;
	expect_rejected(&image, "64-bit little-endian");

	image = build_default_image();
	image.bytes[EI_DATA] = ELFDATA2MSB;
	expect_rejected(&image, "64-bit little-endian");

	image = build_default_image();
	image_header(&image)->e_machine = EM_386;
	expect_rejected(&image, "x86-64");

	image = build_default_image();
	image_header(&image)->e_type = ET_REL;
	expect_rejected(&image, "not a linked ELF");
}

Test(extable_image, rejects_bad_section_headers)
{
	struct image image;

	image = build_default_image();
	image_header(&image)->e_shentsize = 40;
	expect_rejected(&image, "section header size");

	image = build_default_image();
	image_header(&image)->e_shnum = 0;
	expect_rejected(&image, "no section headers");

	image = build_default_image();
	image_header(&image)->e_shoff = image.size;
	expect_rejected(&image, "past the end");

	image = build_default_image();
	image_header(&image)->e_shoff = UINT64_MAX - 8;
	expect_rejected(&image, "past the end");

	image = build_default_image();
	image_header(&image)->e_shnum = 0xffff;
	expect_rejected(&image, "past the end");

	image = build_default_image();
	image_header(&image)->e_shstrndx = IMAGE_SECTIONS;
	expect_rejected(&image, "section name table index");

	image = build_default_image();
	image_section(&image, 4)->sh_offset = image.size - 4;
	expect_rejected(&image, "section name table");

	image = build_default_image();
	image_section(&image, 4)->sh_size = UINT64_MAX;
	expect_rejected(&image, "section name table");

	/* Names that run past the name table do not match. */
	image = build_default_image();
	image_section(&image, 4)->sh_size = NAME_MARK + 4;
	expect_rejected(&image, "no .extable_sorted section");

	image = build_default_image();
	image_section(&image, 2)->sh_name = 0xffffff00u;
	expect_rejected(&image, "no .extable section");
}

Test(extable_image, rejects_missing_or_bad_sections)
{
	struct image image;

	image = build_default_image();
	image_section(&image, 2)->sh_name = NAME_TEXT;
	expect_rejected(&image, "no .extable section");

	image = build_default_image();
	image_section(&image, 3)->sh_name = NAME_TABLE;
	expect_rejected(&image, "more than one .extable section");

	image = build_default_image();
	image_section(&image, 3)->sh_name = NAME_TEXT;
	expect_rejected(&image, "no .extable_sorted section");

	image = build_default_image();
	image_section(&image, 2)->sh_size -= 4;
	expect_rejected(&image, "not a multiple");

	image = build_default_image();
	image_section(&image, 2)->sh_offset = image.size;
	expect_rejected(&image, "past the end");

	image = build_default_image();
	image_section(&image, 2)->sh_offset = 8;
	image_section(&image, 2)->sh_size = UINT64_MAX - 7;
	expect_rejected(&image, "past the end");

	image = build_default_image();
	image_section(&image, 2)->sh_type = SHT_NOBITS;
	expect_rejected(&image, "NOBITS");

	image = build_default_image();
	image_section(&image, 2)->sh_addr = UINT64_MAX - 16;
	expect_rejected(&image, "wraps");

	image = build_default_image();
	image_section(&image, 3)->sh_size = 2;
	expect_rejected(&image, "smaller than 4 bytes");

	image = build_default_image();
	image_section(&image, 3)->sh_offset = image.size - 2;
	expect_rejected(&image, "past the end");

	image = build_default_image();
	image_section(&image, 3)->sh_offset = IMAGE_TABLE_OFFSET + 8;
	expect_rejected(&image, "overlaps");
}

Test(extable_image, every_truncation_is_rejected)
{
	struct image image = build_default_image();
	char error[256];

	for (size_t size = 0; size < image.size; size++) {
		uint8_t *prefix = copy_bytes(image.bytes, size);

		cr_assert_eq(extable_sort_image(prefix, size, error, sizeof(error)), -1,
			     "a %zu-byte prefix was accepted", size);
		cr_assert_eq(extable_check_image(prefix, size, error, sizeof(error)), -1);
		free(prefix);
	}
	free(image.bytes);
}

Test(extable_image, random_corruption_never_crashes)
{
	struct image image = build_default_image();
	uint64_t state = 0x5eed;
	char error[256];

	for (int round = 0; round < 3000; round++) {
		uint8_t *corrupt = copy_bytes(image.bytes, image.size);

		/* Corrupt a few bytes of the ELF header or the section headers. */
		for (int flips = 1 + (int)(random_next(&state) % 4); flips > 0; flips--) {
			uint64_t where = random_next(&state);
			size_t offset = where % 2 ? where / 2 % sizeof(Elf64_Ehdr)
						  : image.headers_offset +
							    where / 2 % (image.size - image.headers_offset);
			corrupt[offset] = (uint8_t)random_next(&state);
		}
		(void)extable_check_image(corrupt, image.size, error, sizeof(error));
		(void)extable_sort_image(corrupt, image.size, error, sizeof(error));
		free(corrupt);
	}
	free(image.bytes);
}

/* Files: the tool's two modes, through a temporary directory. */

static char directory[] = "/tmp/test_extable.XXXXXX";

static void make_directory(void)
{
	cr_assert_not_null(mkdtemp(directory));
}

static void remove_directory(void)
{
	char command[64];

	snprintf(command, sizeof(command), "rm -rf '%s'", directory);
	(void)system(command);
}

static void write_bytes(const char *path, const uint8_t *bytes, size_t size)
{
	FILE *file = fopen(path, "wb");

	cr_assert_not_null(file);
	cr_assert_eq(fwrite(bytes, 1, size, file), size);
	cr_assert_eq(fclose(file), 0);
}

TestSuite(extable_file, .init = make_directory, .fini = remove_directory);

Test(extable_file, sort_then_check)
{
	struct image image = build_default_image();
	char in[96], out[96], error[256] = "";
	struct stat status;

	snprintf(in, sizeof(in), "%s/unsorted.elf", directory);
	snprintf(out, sizeof(out), "%s/sorted.elf", directory);
	write_bytes(in, image.bytes, image.size);
	cr_assert_eq(chmod(in, 0755), 0);

	cr_assert_eq(extable_check_file(in, error, sizeof(error)), -1);
	cr_assert(strstr(error, in) != NULL, "the message names the file: %s", error);
	cr_assert_eq(extable_sort_file(in, out, error, sizeof(error)), 0, "%s", error);
	cr_assert_eq(extable_check_file(out, error, sizeof(error)), 0, "%s", error);
	cr_assert_eq(stat(out, &status), 0);
	cr_assert_eq(status.st_mode & 0777, 0755);
	cr_assert_eq((size_t)status.st_size, image.size);

	/* In place. */
	cr_assert_eq(extable_sort_file(in, in, error, sizeof(error)), 0, "%s", error);
	cr_assert_eq(extable_check_file(in, error, sizeof(error)), 0, "%s", error);
	free(image.bytes);
}

Test(extable_file, failures_leave_no_output)
{
	struct image image = build_default_image();
	char in[96], out[96], missing[128], error[256] = "";

	snprintf(in, sizeof(in), "%s/bad.elf", directory);
	snprintf(out, sizeof(out), "%s/out.elf", directory);
	image_section(&image, 2)->sh_size -= 4;
	write_bytes(in, image.bytes, image.size);

	cr_assert_eq(extable_sort_file(in, out, error, sizeof(error)), -1);
	cr_assert(strstr(error, "not a multiple") != NULL, "%s", error);
	cr_assert_neq(access(out, F_OK), 0, "a failed sort wrote its output");

	snprintf(missing, sizeof(missing), "%s/missing.elf", directory);
	cr_assert_eq(extable_sort_file(missing, out, error, sizeof(error)), -1);
	cr_assert(strstr(error, "cannot open") != NULL, "%s", error);
	cr_assert_eq(extable_check_file(missing, error, sizeof(error)), -1);

	image_section(&image, 2)->sh_size += 4;
	write_bytes(in, image.bytes, image.size);
	snprintf(missing, sizeof(missing), "%s/no/such/dir.elf", directory);
	cr_assert_eq(extable_sort_file(in, missing, error, sizeof(error)), -1);
	free(image.bytes);

	/* Nothing but the input is left, temporary files included. */
	DIR *listing = opendir(directory);
	struct dirent *item;
	cr_assert_not_null(listing);
	while ((item = readdir(listing)) != NULL)
		cr_assert(strcmp(item->d_name, ".") == 0 ||
			  strcmp(item->d_name, "..") == 0 ||
			  strcmp(item->d_name, "bad.elf") == 0,
			  "left behind: %s", item->d_name);
	closedir(listing);
}
