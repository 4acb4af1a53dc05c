/*
 * The multiboot2 adapter: copies what the kernel needs from the loader's
 * information structure (MBI) into struct boot_info.
 *
 * Called once by the multiboot2 entry path with the MBI the loader left in
 * EBX, and by the host tests with hand-built (often broken) byte buffers.
 * Every read stays inside [mbi, mbi + total_size), and total_size is checked
 * against `available` first, so a lying MBI cannot make the parser read past
 * what the caller vouched for. All reads go through memcpy because the MBI
 * gives no alignment guarantee beyond 8 bytes per tag.
 *
 * MBI layout: u32 total_size, u32 reserved, then tags {u32 type, u32 size,
 * payload}, each starting 8-byte aligned, ended by a tag of type 0, size 8.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"
#include "lib/string.h"
#include "lib/unaligned.h"

#define MULTIBOOT2_HEADER_SIZE  8u
#define MULTIBOOT2_TAG_HEADER   8u
#define MULTIBOOT2_MIN_SIZE     16u /* the header and an end tag */

enum multiboot2_tag_type {
	MULTIBOOT2_TAG_END = 0,
	MULTIBOOT2_TAG_CMDLINE = 1,
	MULTIBOOT2_TAG_MODULE = 3,
	MULTIBOOT2_TAG_MEMORY_MAP = 6,
	MULTIBOOT2_TAG_FRAMEBUFFER = 8,
	MULTIBOOT2_TAG_ACPI_OLD = 14,
	MULTIBOOT2_TAG_ACPI_NEW = 15,
};

/* Payload offsets inside the tags we read. */
#define MULTIBOOT2_MODULE_STRING       8u  /* after mod_start, mod_end */
#define MULTIBOOT2_MEMORY_MAP_ENTRIES  8u  /* after entry_size, version */
#define MULTIBOOT2_MEMORY_ENTRY_MIN    24u /* base, length, type, reserved */
#define MULTIBOOT2_FRAMEBUFFER_MIN     22u /* addr .. type */

static int multiboot2_parse_module(const uint8_t *payload, size_t length,
				   struct boot_info *info)
{
	if (length < MULTIBOOT2_MODULE_STRING)
		return BOOT_PARSE_MALFORMED;

	uint32_t start = load_le32(payload);
	uint32_t end = load_le32(payload + 4);

	if (end < start)
		return BOOT_PARSE_MALFORMED;

	struct boot_module *module = boot_add_module(info, start, end);

	if (module != NULL)
		boot_copy_string(module->string, sizeof(module->string),
				 payload + MULTIBOOT2_MODULE_STRING,
				 length - MULTIBOOT2_MODULE_STRING, info);
	return BOOT_PARSE_OK;
}

/* Entries are stepped by entry_size so that later, longer entry versions
 * still parse; bytes after the last whole entry are ignored. */
static int multiboot2_parse_memory_map(const uint8_t *payload, size_t length,
				       struct boot_info *info)
{
	if (length < MULTIBOOT2_MEMORY_MAP_ENTRIES)
		return BOOT_PARSE_MALFORMED;

	uint32_t entry_size = load_le32(payload);

	if (entry_size < MULTIBOOT2_MEMORY_ENTRY_MIN || entry_size % 8 != 0)
		return BOOT_PARSE_MALFORMED;

	for (size_t offset = MULTIBOOT2_MEMORY_MAP_ENTRIES;
	     length - offset >= entry_size; offset += entry_size) {
		if (!boot_add_memory_region(info, payload + offset))
			break;
	}
	return BOOT_PARSE_OK;
}

static int multiboot2_parse_framebuffer(const uint8_t *payload, size_t length,
					struct boot_info *info)
{
	if (length < MULTIBOOT2_FRAMEBUFFER_MIN)
		return BOOT_PARSE_MALFORMED;

	info->has_framebuffer = true;
	info->framebuffer.address = load_le64(payload);
	info->framebuffer.pitch = load_le32(payload + 8);
	info->framebuffer.width = load_le32(payload + 12);
	info->framebuffer.height = load_le32(payload + 16);
	info->framebuffer.bpp = payload[20];
	info->framebuffer.type = payload[21];
	/* RGB: the colour fields, after 2 reserved bytes. */
	static const uint8_t usual[6] = { 16, 8, 8, 8, 0, 8 };
	bool given = payload[21] == BOOT_FRAMEBUFFER_RGB && length >= 30;

	memcpy(info->framebuffer.colour_fields, given ? payload + 24 : usual,
	       sizeof(usual));
	return BOOT_PARSE_OK;
}

/* Tag 14 carries an ACPI 1.0 RSDP, tag 15 an ACPI 2.0+ one; the newer wins
 * whatever order the loader put them in. */
static int multiboot2_parse_rsdp(const uint8_t *payload, size_t length,
				 uint32_t type, struct boot_info *info)
{
	uint32_t rsdp_length = type == MULTIBOOT2_TAG_ACPI_NEW ?
			       BOOT_RSDP_MAX : BOOT_RSDP_V1_BYTES;

	if (length < rsdp_length)
		return BOOT_PARSE_MALFORMED;
	if (info->rsdp_length > rsdp_length)
		return BOOT_PARSE_OK;

	memcpy(info->rsdp, payload, rsdp_length);
	info->rsdp_length = rsdp_length;
	return BOOT_PARSE_OK;
}

int multiboot2_parse(const void *mbi, size_t available, uint64_t mbi_address,
		     struct boot_info *info)
{
	const uint8_t *bytes = mbi;

	memset(info, 0, sizeof(*info));

	if (available < MULTIBOOT2_MIN_SIZE)
		return BOOT_PARSE_MALFORMED;

	uint32_t total_size = load_le32(bytes);

	if (total_size < MULTIBOOT2_MIN_SIZE || total_size > available)
		return BOOT_PARSE_MALFORMED;

	boot_reserve(info, mbi_address, mbi_address + total_size);

	/* Walk the tags; `offset` is 8-byte aligned. */
	size_t offset = MULTIBOOT2_HEADER_SIZE;

	for (;;) {
		if (offset >= total_size ||
		    total_size - offset < MULTIBOOT2_TAG_HEADER)
			return BOOT_PARSE_MALFORMED; /* no end tag */

		uint32_t type = load_le32(bytes + offset);
		uint32_t size = load_le32(bytes + offset + 4);

		if (size < MULTIBOOT2_TAG_HEADER || size > total_size - offset)
			return BOOT_PARSE_MALFORMED;

		const uint8_t *payload = bytes + offset + MULTIBOOT2_TAG_HEADER;
		size_t length = size - MULTIBOOT2_TAG_HEADER;
		int status = BOOT_PARSE_OK;

		switch (type) {
		case MULTIBOOT2_TAG_END:
			return BOOT_PARSE_OK;
		case MULTIBOOT2_TAG_CMDLINE:
			boot_copy_string(info->cmdline, sizeof(info->cmdline),
					 payload, length, info);
			break;
		case MULTIBOOT2_TAG_MODULE:
			status = multiboot2_parse_module(payload, length, info);
			break;
		case MULTIBOOT2_TAG_MEMORY_MAP:
			status = multiboot2_parse_memory_map(payload, length,
							     info);
			break;
		case MULTIBOOT2_TAG_FRAMEBUFFER:
			status = multiboot2_parse_framebuffer(payload, length,
							      info);
			break;
		case MULTIBOOT2_TAG_ACPI_OLD:
		case MULTIBOOT2_TAG_ACPI_NEW:
			status = multiboot2_parse_rsdp(payload, length, type,
						       info);
			break;
		default:
			break; /* unknown tags are skipped */
		}
		if (status != BOOT_PARSE_OK)
			return status;

		/* The next tag starts at the next 8-byte boundary; size is at
		 * most total_size - offset, so this cannot overflow. */
		offset += ((size_t)size + 7) & ~(size_t)7;
	}
}
