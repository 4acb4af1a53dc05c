/*
 * extable_sort: the host tool that sorts the kernel's exception table after
 * linking (see kernel/lib/extable.h for the format).
 *
 *	extable_sort IN.elf OUT.elf
 *		Copies IN to OUT with .extable sorted by absolute instruction
 *		address and EXTABLE_SORTED_MAGIC stored in .extable_sorted,
 *		then re-reads OUT and verifies it.
 *	extable_sort --check ELF
 *		Exits 0 if ELF's table is marked sorted and is sorted.
 *
 * On any failure it prints "extable_sort: <reason>" on stderr and exits 1.
 * The kernel build runs it on the linked kernel; the host unit tests compile
 * this file with -DEXTABLE_SORT_NO_MAIN and call the functions below, which
 * are the tool's whole logic (main only parses arguments).
 *
 * The ELF file is untrusted input: every offset and size read from it is
 * bounds-checked before use, and a malformed file gives an error message.
 * Only linked (executable or shared) ELF64 little-endian x86-64 files are
 * accepted; multi-byte fields are read and written as little-endian bytes,
 * so the host's byte order does not matter. The entry format and the mark
 * come from kernel/lib/extable.h, which is host-safe.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../kernel/lib/extable.h"
#include "extable_sort.h"

#define EXTABLE_ENTRY_SIZE ((unsigned int)sizeof(struct extable_entry))
#define EXTABLE_SECTION ".extable"
#define EXTABLE_MARK_SECTION ".extable_sorted"


/* One entry with its absolute addresses and its position in the input. */
struct extable_record {
	uint64_t instruction;
	uint64_t fixup;
	size_t index;
};

/* Where the two sections of interest are in an ELF image. */
struct extable_layout {
	uint64_t table_offset;    /* file offset of .extable */
	uint64_t table_size;      /* bytes, a multiple of EXTABLE_ENTRY_SIZE */
	uint64_t table_address;   /* runtime address of .extable */
	uint64_t mark_offset;     /* file offset of the word in .extable_sorted */
};

static void extable_error(char *error, size_t error_size, const char *format,
			  ...) __attribute__((format(printf, 3, 4)));

/* Writes a message to `error` (if any room), truncating it to fit. */
static void extable_error(char *error, size_t error_size, const char *format,
			  ...)
{
	va_list arguments;

	if (error == NULL || error_size == 0)
		return;
	va_start(arguments, format);
	vsnprintf(error, error_size, format, arguments);
	va_end(arguments);
}

static uint16_t load16(const uint8_t *bytes)
{
	return (uint16_t)(bytes[0] | bytes[1] << 8);
}

static uint32_t load32(const uint8_t *bytes)
{
	return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
	       (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
}

static uint64_t load64(const uint8_t *bytes)
{
	return (uint64_t)load32(bytes) | (uint64_t)load32(bytes + 4) << 32;
}

static void store32(uint8_t *bytes, uint32_t value)
{
	bytes[0] = (uint8_t)value;
	bytes[1] = (uint8_t)(value >> 8);
	bytes[2] = (uint8_t)(value >> 16);
	bytes[3] = (uint8_t)(value >> 24);
}

/* Sign-extends a 32-bit field to 64 bits, as the kernel's lookup does. */
static uint64_t sign_extend32(uint32_t value)
{
	return (value & 0x80000000u) ? (uint64_t)value | 0xffffffff00000000ull
				     : (uint64_t)value;
}

/*
 * The 32-bit field that, stored at `field_address`, designates `target`;
 * false if `target` is out of the signed 32-bit range of that field.
 * Addresses wrap at 2^64, as they do in the kernel's lookup.
 */
static bool relative_field(uint64_t target, uint64_t field_address,
			   uint32_t *field)
{
	uint64_t difference = target - field_address;

	if (difference > 0x7fffffffull && difference < 0xffffffff80000000ull)
		return false;
	*field = (uint32_t)difference;
	return true;
}

/*
 * Decodes the `count` entries in `bytes` at runtime address
 * `section_address` into `records`, with their absolute addresses.
 */
static void read_records(const uint8_t *bytes, size_t count,
			 uint64_t section_address,
			 struct extable_record *records)
{
	for (size_t i = 0; i < count; i++) {
		const uint8_t *entry = bytes + i * EXTABLE_ENTRY_SIZE;
		uint64_t field = section_address + i * EXTABLE_ENTRY_SIZE;

		records[i].instruction = field + sign_extend32(load32(entry));
		records[i].fixup = field + 4 + sign_extend32(load32(entry + 4));
		records[i].index = i;
	}
}

/* Whether `left` goes before `right`: by instruction, then input position. */
static bool record_before(const struct extable_record *left,
			  const struct extable_record *right)
{
	if (left->instruction != right->instruction)
		return left->instruction < right->instruction;
	return left->index < right->index;
}

/*
 * Sorts records[0, count) by record_before with a bottom-up merge sort
 * through `scratch` (room for `count` records). record_before breaks ties
 * on the input position, so the order is total and the sort stable.
 */
static void sort_records(struct extable_record *records,
			 struct extable_record *scratch, size_t count)
{
	struct extable_record *from = records;
	struct extable_record *to = scratch;

	for (size_t width = 1; width < count; width *= 2) {
		for (size_t start = 0; start < count; start += 2 * width) {
			size_t middle = start + width < count ? start + width : count;
			size_t end = middle + width < count ? middle + width : count;
			size_t left = start, right = middle, out = start;

			while (left < middle && right < end)
				to[out++] = record_before(&from[right], &from[left])
						    ? from[right++] : from[left++];
			while (left < middle)
				to[out++] = from[left++];
			while (right < end)
				to[out++] = from[right++];
		}
		struct extable_record *swap = from;
		from = to;
		to = swap;
	}
	if (from != records)
		memcpy(records, from, count * sizeof(*records));
}

/*
 * Sorts `size` bytes of .extable entries that live at runtime address
 * `section_address`, by absolute instruction address (stable), rewriting
 * each entry's relative fields for its new position so that absolute
 * instruction and fixup addresses are preserved. Returns 0, or -1 if
 * size % 8 != 0, a rewritten offset does not fit in int32, or memory runs
 * out; on -1 the bytes are unchanged.
 */
int extable_sort_entries(uint8_t *bytes, size_t size, uint64_t section_address)
{
	size_t count = size / EXTABLE_ENTRY_SIZE;
	struct extable_record *records, *scratch;
	uint32_t *fields;
	int result = -1;

	if (size % EXTABLE_ENTRY_SIZE != 0)
		return -1;
	if (count == 0)
		return 0;
	records = calloc(count, sizeof(*records));
	scratch = calloc(count, sizeof(*scratch));
	fields = calloc(count, 2 * sizeof(*fields));
	if (records == NULL || scratch == NULL || fields == NULL)
		goto out;

	read_records(bytes, count, section_address, records);
	sort_records(records, scratch, count);

	/* Every field is computed before any is written, so -1 changes nothing. */
	for (size_t i = 0; i < count; i++) {
		uint64_t field = section_address + i * EXTABLE_ENTRY_SIZE;

		if (!relative_field(records[i].instruction, field, &fields[2 * i]) ||
		    !relative_field(records[i].fixup, field + 4, &fields[2 * i + 1]))
			goto out;
	}
	for (size_t i = 0; i < 2 * count; i++)
		store32(bytes + 4 * i, fields[i]);
	result = 0;
out:
	free(records);
	free(scratch);
	free(fields);
	return result;
}

/* Whether [offset, offset + length) lies within a file of `size` bytes. */
static bool in_file(uint64_t offset, uint64_t length, size_t size)
{
	return offset <= size && length <= size - offset;
}

/*
 * Finds the section named `name` in the image. Returns 1 with its header in
 * `*header`, 0 if there is none, or -1 with a message if there are several.
 * The caller has checked the section-header table and the name table.
 */
static int find_section(const uint8_t *image, uint64_t section_headers,
			uint16_t section_count, const uint8_t *names,
			uint64_t names_size, const char *name,
			const uint8_t **header, char *error, size_t error_size)
{
	size_t name_length = strlen(name);
	int found = 0;

	for (uint16_t i = 0; i < section_count; i++) {
		const uint8_t *candidate = image + section_headers + (uint64_t)i * 64;
		uint32_t name_offset = load32(candidate + offsetof(Elf64_Shdr, sh_name));

		if (name_offset > names_size ||
		    names_size - name_offset < name_length + 1)
			continue;
		if (memcmp(names + name_offset, name, name_length + 1) != 0)
			continue;
		if (found) {
			extable_error(error, error_size,
				      "more than one %s section", name);
			return -1;
		}
		*header = candidate;
		found = 1;
	}
	return found;
}

/*
 * Checks that `image` (`size` bytes) is an ELF64 little-endian x86-64 file
 * whose .extable and .extable_sorted sections have file contents within the
 * file, the table a whole number of entries and the mark at least 4 bytes,
 * and fills `layout`. Returns 0, or -1 with a message in `error`.
 */
static int extable_locate(const uint8_t *image, size_t size,
			  struct extable_layout *layout, char *error,
			  size_t error_size)
{
	const uint8_t *table_header = NULL, *mark_header = NULL;
	const uint8_t *names_header;
	uint64_t section_headers, names_offset, names_size;
	uint16_t section_count, names_index;
	int found;

	if (size < sizeof(Elf64_Ehdr)) {
		extable_error(error, error_size,
			      "not an ELF file: %zu bytes is shorter than an ELF header",
			      size);
		return -1;
	}
	if (memcmp(image, ELFMAG, SELFMAG) != 0) {
		extable_error(error, error_size, "not an ELF file (bad magic)");
		return -1;
	}
	if (image[EI_CLASS] != ELFCLASS64 || image[EI_DATA] != ELFDATA2LSB) {
		extable_error(error, error_size,
			      "not a 64-bit little-endian ELF file (class %u, data %u)",
			      image[EI_CLASS], image[EI_DATA]);
		return -1;
	}
	if (load16(image + offsetof(Elf64_Ehdr, e_machine)) != EM_X86_64) {
		extable_error(error, error_size, "not an x86-64 ELF file (machine %u)",
			      load16(image + offsetof(Elf64_Ehdr, e_machine)));
		return -1;
	}
	/* A relocatable file's table is not final: relocations still apply to it. */
	if (load16(image + offsetof(Elf64_Ehdr, e_type)) != ET_EXEC &&
	    load16(image + offsetof(Elf64_Ehdr, e_type)) != ET_DYN) {
		extable_error(error, error_size,
			      "not a linked ELF file (type %u, not executable or shared)",
			      load16(image + offsetof(Elf64_Ehdr, e_type)));
		return -1;
	}

	section_headers = load64(image + offsetof(Elf64_Ehdr, e_shoff));
	section_count = load16(image + offsetof(Elf64_Ehdr, e_shnum));
	names_index = load16(image + offsetof(Elf64_Ehdr, e_shstrndx));
	if (load16(image + offsetof(Elf64_Ehdr, e_shentsize)) != sizeof(Elf64_Shdr)) {
		extable_error(error, error_size,
			      "section header size is %u, not %zu",
			      load16(image + offsetof(Elf64_Ehdr, e_shentsize)),
			      sizeof(Elf64_Shdr));
		return -1;
	}
	if (section_headers == 0 || section_count == 0) {
		extable_error(error, error_size, "no section headers");
		return -1;
	}
	if (!in_file(section_headers, (uint64_t)section_count * sizeof(Elf64_Shdr),
		     size)) {
		extable_error(error, error_size,
			      "section headers (%u at offset %#llx) extend past the end of the file",
			      section_count, (unsigned long long)section_headers);
		return -1;
	}
	if (names_index >= section_count) {
		extable_error(error, error_size,
			      "section name table index %u is not below the section count %u",
			      names_index, section_count);
		return -1;
	}

	names_header = image + section_headers + (uint64_t)names_index * sizeof(Elf64_Shdr);
	names_offset = load64(names_header + offsetof(Elf64_Shdr, sh_offset));
	names_size = load64(names_header + offsetof(Elf64_Shdr, sh_size));
	if (load32(names_header + offsetof(Elf64_Shdr, sh_type)) == SHT_NOBITS ||
	    !in_file(names_offset, names_size, size)) {
		extable_error(error, error_size,
			      "section name table extends past the end of the file");
		return -1;
	}

	found = find_section(image, section_headers, section_count,
			     image + names_offset, names_size, EXTABLE_SECTION,
			     &table_header, error, error_size);
	if (found < 0)
		return -1;
	if (found == 0) {
		extable_error(error, error_size, "no %s section", EXTABLE_SECTION);
		return -1;
	}
	found = find_section(image, section_headers, section_count,
			     image + names_offset, names_size, EXTABLE_MARK_SECTION,
			     &mark_header, error, error_size);
	if (found < 0)
		return -1;
	if (found == 0) {
		extable_error(error, error_size, "no %s section", EXTABLE_MARK_SECTION);
		return -1;
	}

	layout->table_offset = load64(table_header + offsetof(Elf64_Shdr, sh_offset));
	layout->table_size = load64(table_header + offsetof(Elf64_Shdr, sh_size));
	layout->table_address = load64(table_header + offsetof(Elf64_Shdr, sh_addr));
	if (load32(table_header + offsetof(Elf64_Shdr, sh_type)) == SHT_NOBITS) {
		extable_error(error, error_size, "%s has no contents in the file (NOBITS)",
			      EXTABLE_SECTION);
		return -1;
	}
	if (!in_file(layout->table_offset, layout->table_size, size)) {
		extable_error(error, error_size,
			      "%s (%#llx bytes at offset %#llx) extends past the end of the file",
			      EXTABLE_SECTION, (unsigned long long)layout->table_size,
			      (unsigned long long)layout->table_offset);
		return -1;
	}
	if (layout->table_size % EXTABLE_ENTRY_SIZE != 0) {
		extable_error(error, error_size,
			      "%s size %#llx is not a multiple of the %u-byte entry size",
			      EXTABLE_SECTION, (unsigned long long)layout->table_size,
			      EXTABLE_ENTRY_SIZE);
		return -1;
	}
	if (layout->table_address > UINT64_MAX - layout->table_size) {
		extable_error(error, error_size, "%s address %#llx wraps around",
			      EXTABLE_SECTION, (unsigned long long)layout->table_address);
		return -1;
	}

	layout->mark_offset = load64(mark_header + offsetof(Elf64_Shdr, sh_offset));
	if (load32(mark_header + offsetof(Elf64_Shdr, sh_type)) == SHT_NOBITS) {
		extable_error(error, error_size, "%s has no contents in the file (NOBITS)",
			      EXTABLE_MARK_SECTION);
		return -1;
	}
	if (load64(mark_header + offsetof(Elf64_Shdr, sh_size)) < 4) {
		extable_error(error, error_size, "%s is smaller than 4 bytes",
			      EXTABLE_MARK_SECTION);
		return -1;
	}
	if (!in_file(layout->mark_offset, 4, size)) {
		extable_error(error, error_size,
			      "%s (at offset %#llx) extends past the end of the file",
			      EXTABLE_MARK_SECTION,
			      (unsigned long long)layout->mark_offset);
		return -1;
	}
	if (layout->mark_offset < layout->table_offset + layout->table_size &&
	    layout->table_offset < layout->mark_offset + 4) {
		extable_error(error, error_size, "%s overlaps %s",
			      EXTABLE_MARK_SECTION, EXTABLE_SECTION);
		return -1;
	}
	return 0;
}

/* The absolute entries of the table in `image`, or NULL (with a message). */
static struct extable_record *image_records(const uint8_t *image,
					    const struct extable_layout *layout,
					    char *error, size_t error_size)
{
	size_t count = (size_t)(layout->table_size / EXTABLE_ENTRY_SIZE);
	struct extable_record *records = calloc(count ? count : 1, sizeof(*records));

	if (records == NULL) {
		extable_error(error, error_size, "out of memory for %zu entries", count);
		return NULL;
	}
	read_records(image + layout->table_offset, count, layout->table_address,
		     records);
	return records;
}

/* qsort order on (instruction, fixup), for comparing tables as multisets. */
static int compare_pairs(const void *left_pointer, const void *right_pointer)
{
	const struct extable_record *left = left_pointer, *right = right_pointer;

	if (left->instruction != right->instruction)
		return left->instruction < right->instruction ? -1 : 1;
	if (left->fixup != right->fixup)
		return left->fixup < right->fixup ? -1 : 1;
	return 0;
}

/*
 * Sorts the exception table of the ELF image in place and sets the mark.
 * Returns 0, or -1 with a message in `error` (the image may then be
 * unchanged or only partly processed, never with a partly sorted table).
 */
int extable_sort_image(uint8_t *image, size_t size, char *error,
		       size_t error_size)
{
	struct extable_layout layout;

	if (extable_locate(image, size, &layout, error, error_size) != 0)
		return -1;
	if (extable_sort_entries(image + layout.table_offset,
				 (size_t)layout.table_size,
				 layout.table_address) != 0) {
		extable_error(error, error_size,
			      "cannot sort %s: an entry's target is out of 32-bit reach of its new position (or out of memory)",
			      EXTABLE_SECTION);
		return -1;
	}
	store32(image + layout.mark_offset, EXTABLE_SORTED_MAGIC);
	return 0;
}

/*
 * Checks the ELF image's exception table: marked with EXTABLE_SORTED_MAGIC
 * and sorted by absolute instruction address. Returns 0, or -1 with a
 * message in `error`.
 */
int extable_check_image(const uint8_t *image, size_t size, char *error,
			size_t error_size)
{
	struct extable_layout layout;
	struct extable_record *records;
	size_t count;
	uint32_t mark;

	if (extable_locate(image, size, &layout, error, error_size) != 0)
		return -1;
	mark = load32(image + layout.mark_offset);
	if (mark != EXTABLE_SORTED_MAGIC) {
		extable_error(error, error_size,
			      "%s is %#x, not the sorted mark %#x (run extable_sort on the file)",
			      EXTABLE_MARK_SECTION, mark, EXTABLE_SORTED_MAGIC);
		return -1;
	}
	records = image_records(image, &layout, error, error_size);
	if (records == NULL)
		return -1;
	count = (size_t)(layout.table_size / EXTABLE_ENTRY_SIZE);
	for (size_t i = 1; i < count; i++) {
		if (records[i - 1].instruction > records[i].instruction) {
			extable_error(error, error_size,
				      "%s is marked sorted but entry %zu (%#llx) comes before entry %zu (%#llx)",
				      EXTABLE_SECTION, i - 1,
				      (unsigned long long)records[i - 1].instruction, i,
				      (unsigned long long)records[i].instruction);
			free(records);
			return -1;
		}
	}
	free(records);
	return 0;
}

/*
 * Checks that `after` is `before` processed by extable_sort_image: it passes
 * extable_check_image, has the same size and sections, its entries are those
 * of `before` as a multiset of absolute (instruction, fixup) pairs, and every
 * byte outside the table and the mark is unchanged. Returns 0, or -1 with a
 * message in `error`.
 */
int extable_verify_image(const uint8_t *before, size_t before_size,
			 const uint8_t *after, size_t after_size, char *error,
			 size_t error_size)
{
	struct extable_layout old_layout, new_layout;
	struct extable_record *old_records = NULL, *new_records = NULL;
	size_t count;
	int result = -1;

	if (extable_locate(before, before_size, &old_layout, error, error_size) != 0)
		return -1;
	if (extable_check_image(after, after_size, error, error_size) != 0)
		return -1;
	if (extable_locate(after, after_size, &new_layout, error, error_size) != 0)
		return -1;
	if (after_size != before_size ||
	    memcmp(&old_layout, &new_layout, sizeof(old_layout)) != 0) {
		extable_error(error, error_size,
			      "the output's size or section layout differs from the input's");
		return -1;
	}
	for (size_t i = 0; i < after_size; i++) {
		bool in_table = i >= new_layout.table_offset &&
				i - new_layout.table_offset < new_layout.table_size;
		bool in_mark = i >= new_layout.mark_offset &&
			       i - new_layout.mark_offset < 4;

		if (!in_table && !in_mark && before[i] != after[i]) {
			extable_error(error, error_size,
				      "the output differs from the input at offset %#zx, outside %s",
				      i, EXTABLE_SECTION);
			return -1;
		}
	}

	count = (size_t)(new_layout.table_size / EXTABLE_ENTRY_SIZE);
	old_records = image_records(before, &old_layout, error, error_size);
	new_records = image_records(after, &new_layout, error, error_size);
	if (old_records == NULL || new_records == NULL)
		goto out;
	qsort(old_records, count, sizeof(*old_records), compare_pairs);
	qsort(new_records, count, sizeof(*new_records), compare_pairs);
	for (size_t i = 0; i < count; i++) {
		if (compare_pairs(&old_records[i], &new_records[i]) != 0) {
			extable_error(error, error_size,
				      "the sorted %s does not hold the input's entries (instruction %#llx, fixup %#llx)",
				      EXTABLE_SECTION,
				      (unsigned long long)new_records[i].instruction,
				      (unsigned long long)new_records[i].fixup);
			goto out;
		}
	}
	result = 0;
out:
	free(old_records);
	free(new_records);
	return result;
}

/* Puts "`path`: " before the message in `error`. */
static void name_file(const char *path, char *error, size_t error_size)
{
	size_t length;
	char *message;

	if (error == NULL || error_size == 0)
		return;
	length = strlen(error);
	message = malloc(length + 1);
	if (message == NULL)
		return;
	memcpy(message, error, length + 1);
	extable_error(error, error_size, "%s: %s", path, message);
	free(message);
}

/*
 * Reads the whole file at `path` into a new buffer (*size bytes; at least
 * one byte allocated). Returns it, or NULL with a message in `error`.
 */
static uint8_t *read_file(const char *path, size_t *size, char *error,
			  size_t error_size)
{
	FILE *file = fopen(path, "rb");
	uint8_t *buffer = NULL;
	size_t capacity = 0, length = 0;

	if (file == NULL) {
		extable_error(error, error_size, "cannot open %s: %s", path,
			      strerror(errno));
		return NULL;
	}
	for (;;) {
		if (length == capacity) {
			size_t new_capacity = capacity ? capacity * 2 : 1 << 16;
			uint8_t *grown = new_capacity > capacity
						 ? realloc(buffer, new_capacity) : NULL;

			if (grown == NULL) {
				extable_error(error, error_size,
					      "out of memory reading %s", path);
				goto fail;
			}
			buffer = grown;
			capacity = new_capacity;
		}
		size_t got = fread(buffer + length, 1, capacity - length, file);
		length += got;
		if (got == 0) {
			if (ferror(file)) {
				extable_error(error, error_size, "cannot read %s: %s",
					      path, strerror(errno));
				goto fail;
			}
			break;
		}
	}
	fclose(file);
	*size = length;
	return buffer;
fail:
	fclose(file);
	free(buffer);
	return NULL;
}

/*
 * Writes `size` bytes to `path` through a temporary file beside it that is
 * then renamed over `path`, so a reader never sees a partial file. The new
 * file gets the permission bits `mode`. Returns 0, or -1 with a message.
 */
static int write_file(const char *path, const uint8_t *bytes, size_t size,
		      mode_t mode, char *error, size_t error_size)
{
	size_t temporary_size = strlen(path) + sizeof(".tmp.XXXXXX");
	char *temporary = malloc(temporary_size);
	FILE *file = NULL;
	int descriptor;

	if (temporary == NULL) {
		extable_error(error, error_size, "out of memory");
		return -1;
	}
	snprintf(temporary, temporary_size, "%s.tmp.XXXXXX", path);
	descriptor = mkstemp(temporary);
	if (descriptor < 0) {
		extable_error(error, error_size, "cannot create %s: %s", temporary,
			      strerror(errno));
		free(temporary);
		return -1;
	}
	if (fchmod(descriptor, mode & 07777) != 0 ||
	    (file = fdopen(descriptor, "wb")) == NULL) {
		extable_error(error, error_size, "cannot set up %s: %s", temporary,
			      strerror(errno));
		close(descriptor);
		goto fail;
	}
	if (fwrite(bytes, 1, size, file) != size || fflush(file) != 0) {
		extable_error(error, error_size, "cannot write %s: %s", temporary,
			      strerror(errno));
		fclose(file);
		goto fail;
	}
	if (fclose(file) != 0) {
		extable_error(error, error_size, "cannot write %s: %s", temporary,
			      strerror(errno));
		goto fail;
	}
	if (rename(temporary, path) != 0) {
		extable_error(error, error_size, "cannot rename %s to %s: %s",
			      temporary, path, strerror(errno));
		goto fail;
	}
	free(temporary);
	return 0;
fail:
	unlink(temporary);
	free(temporary);
	return -1;
}

/*
 * The tool's sort mode: reads the ELF file `in_path`, sorts its exception
 * table and sets the mark, writes the result to `out_path` (which may be
 * `in_path`), then reads `out_path` back and verifies it with
 * extable_verify_image. Returns 0, or -1 with a message in `error`.
 */
int extable_sort_file(const char *in_path, const char *out_path, char *error,
		      size_t error_size)
{
	uint8_t *original = NULL, *image = NULL, *written = NULL;
	size_t size = 0, written_size = 0;
	struct stat status;
	mode_t mode = 0644;
	int result = -1;

	original = read_file(in_path, &size, error, error_size);
	if (original == NULL)
		goto out;
	if (stat(in_path, &status) == 0)
		mode = status.st_mode;
	image = malloc(size ? size : 1);
	if (image == NULL) {
		extable_error(error, error_size, "out of memory");
		goto out;
	}
	memcpy(image, original, size);
	if (extable_sort_image(image, size, error, error_size) != 0) {
		name_file(in_path, error, error_size);
		goto out;
	}
	if (write_file(out_path, image, size, mode, error, error_size) != 0)
		goto out;
	written = read_file(out_path, &written_size, error, error_size);
	if (written == NULL)
		goto out;
	if (extable_verify_image(original, size, written, written_size, error,
				 error_size) != 0) {
		name_file(out_path, error, error_size);
		goto out;
	}
	result = 0;
out:
	free(original);
	free(image);
	free(written);
	return result;
}

/*
 * The tool's check mode: whether the ELF file at `path` has its exception
 * table marked sorted and sorted. Returns 0, or -1 with a message.
 */
int extable_check_file(const char *path, char *error, size_t error_size)
{
	size_t size;
	uint8_t *image = read_file(path, &size, error, error_size);
	int result;

	if (image == NULL)
		return -1;
	result = extable_check_image(image, size, error, error_size);
	if (result != 0)
		name_file(path, error, error_size);
	free(image);
	return result;
}

#ifndef EXTABLE_SORT_NO_MAIN
int main(int argc, char **argv)
{
	char error[512] = "";

	if (argc == 3 && strcmp(argv[1], "--check") == 0) {
		if (extable_check_file(argv[2], error, sizeof(error)) != 0) {
			fprintf(stderr, "extable_sort: %s\n", error);
			return 1;
		}
		return 0;
	}
	if (argc == 3 && argv[1][0] != '-') {
		if (extable_sort_file(argv[1], argv[2], error, sizeof(error)) != 0) {
			fprintf(stderr, "extable_sort: %s\n", error);
			return 1;
		}
		return 0;
	}
	fprintf(stderr,
		"extable_sort: usage: extable_sort IN.elf OUT.elf\n"
		"                     extable_sort --check ELF\n");
	return 1;
}
#endif /* EXTABLE_SORT_NO_MAIN */
