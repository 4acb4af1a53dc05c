/*
 * The PVH adapter: copies what the kernel needs from Xen's hvm_start_info
 * (as QEMU, Firecracker and cloud-hypervisor pass it) into struct boot_info.
 *
 * Called once by the PVH entry path with the address the VMM left in EBX, and
 * by the host tests over a fake physical memory. PVH hands physical addresses
 * rather than a self-contained blob, so every read goes through the caller's
 * reader, which refuses ranges it cannot map. A pointer the reader returns is
 * used only until the next read: values are copied out at once.
 *
 * Layouts (little endian):
 *   hvm_start_info: u32 magic, u32 version, u32 flags, u32 nr_modules,
 *     u64 modlist_paddr, u64 cmdline_paddr, u64 rsdp_paddr (40 bytes, v0);
 *     version >= 1 adds u64 memmap_paddr, u32 memmap_entries, u32 reserved
 *     (56 bytes).
 *   module entry: u64 paddr, u64 size, u64 cmdline_paddr, u64 reserved.
 *   memory map entry: u64 addr, u64 size, u32 type, u32 reserved.
 * A physical address of 0 means the item is absent.
 *
 * A module that starts with "WKBUNDLE" is a bundle (docs/boot.md): QEMU's
 * -initrd passes one module, so the bundle carries several, each with its
 * string, and becomes its members here. Its first page:
 *   char magic[8], u32 version (1), u32 count (1..BOOT_MODULES_MAX), then
 *   count entries: u64 offset, u64 size, u32 string_offset,
 *   u32 string_length (offsets from the bundle's start; members page-aligned
 *   at 4096 or later and inside the bundle; strings in the first page).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"
#include "lib/string.h"
#include "lib/unaligned.h"

#define PVH_START_INFO_V0_SIZE   40u
#define PVH_START_INFO_V1_SIZE   56u
#define PVH_MODULE_ENTRY_SIZE    32u
#define PVH_MEMMAP_ENTRY_SIZE    24u
#define PVH_RSDP_REVISION_OFFSET 15u
#define PVH_BUNDLE_PAGE          4096u
#define PVH_BUNDLE_HEADER_SIZE   16u
#define PVH_BUNDLE_ENTRY_SIZE    24u

/* Everything the parser keeps from the start info itself; a version 0
 * start info has no memory map (memmap_entries stays 0). */
struct pvh_start_info {
	uint32_t module_count;
	uint64_t module_list;
	uint64_t cmdline;
	uint64_t rsdp;
	uint64_t memmap;
	uint32_t memmap_entries;
};

/* Whether [address, address + length) stays below 2^64. */
static bool pvh_range_fits(uint64_t address, uint64_t length)
{
	return length <= UINT64_MAX - address;
}

/*
 * Copies the NUL-terminated string at physical `address` into `destination`
 * of `size` bytes, reading one byte at a time (so that a string ending just
 * before unreadable memory still parses). A string that does not fit is cut
 * and sets info->truncated. Returns BOOT_PARSE_UNREADABLE when the reader
 * refuses a byte before the string ends (`destination` then holds the part
 * read so far), or BOOT_PARSE_MALFORMED when the string runs into 2^64.
 * At address 0 (no string) it leaves `destination` as it is.
 */
static int pvh_read_string(boot_phys_reader read, uint64_t address,
			   char *destination, size_t size,
			   struct boot_info *info)
{
	if (address == 0)
		return BOOT_PARSE_OK;
	for (size_t copied = 0;; copied++) {
		destination[copied] = '\0';
		if (address + copied < address)
			return BOOT_PARSE_MALFORMED; /* runs into 2^64 */

		const uint8_t *byte = read(address + copied, 1);

		/* The byte after the last that fits tells a string that
		 * exactly fits from one that is too long. */
		if (byte != NULL && *byte == '\0')
			return BOOT_PARSE_OK;
		if (copied == size - 1) {
			info->truncated = true;
			return BOOT_PARSE_OK;
		}
		if (byte == NULL)
			return BOOT_PARSE_UNREADABLE;
		destination[copied] = (char)*byte;
	}
}

/* Reads the start info at `address` into `start` and reserves it. Returns
 * BOOT_PARSE_OK, BOOT_PARSE_BAD_MAGIC, BOOT_PARSE_MALFORMED (at 0 or
 * wrapping around 2^64) or BOOT_PARSE_UNREADABLE. */
static int pvh_read_start_info(boot_phys_reader read,
			       uint64_t address, struct pvh_start_info *start,
			       struct boot_info *info)
{
	if (address == 0)
		return BOOT_PARSE_MALFORMED;

	const uint8_t *bytes = read(address, 4);

	if (bytes == NULL)
		return BOOT_PARSE_UNREADABLE;
	if (load_le32(bytes) != PVH_START_MAGIC)
		return BOOT_PARSE_BAD_MAGIC;

	uint32_t size = PVH_START_INFO_V0_SIZE;

	bytes = read(address, size);
	if (bytes != NULL && load_le32(bytes + 4) >= 1) { /* the version */
		size = PVH_START_INFO_V1_SIZE;
		bytes = read(address, size);
	}
	if (bytes == NULL)
		return BOOT_PARSE_UNREADABLE;
	start->module_count = load_le32(bytes + 12);
	start->module_list = load_le64(bytes + 16);
	start->cmdline = load_le64(bytes + 24);
	start->rsdp = load_le64(bytes + 32);
	if (size == PVH_START_INFO_V1_SIZE) {
		start->memmap = load_le64(bytes + 40);
		start->memmap_entries = load_le32(bytes + 48);
	}
	if (!pvh_range_fits(address, size))
		return BOOT_PARSE_MALFORMED;
	boot_reserve(info, address, address + size);
	return BOOT_PARSE_OK;
}

/*
 * Checks a table of `*count` entries of `entry_size` bytes at `address`,
 * records all of it as reserved and cuts *count to the `max` entries kept
 * (setting info->truncated). Returns BOOT_PARSE_MALFORMED for a non-empty
 * table at address 0 or one that wraps around 2^64.
 */
static int pvh_reserve_table(struct boot_info *info, uint64_t address,
			     uint32_t *count, uint32_t entry_size,
			     uint32_t max)
{
	uint64_t bytes = (uint64_t)*count * entry_size;

	if (*count == 0)
		return BOOT_PARSE_OK;
	if (address == 0 || !pvh_range_fits(address, bytes))
		return BOOT_PARSE_MALFORMED;
	boot_reserve(info, address, address + bytes);
	if (*count > max) {
		*count = max;
		info->truncated = true;
	}
	return BOOT_PARSE_OK;
}

static int pvh_bundle_malformed(struct boot_info *info, const char *why)
{
	info->problem = why;
	return BOOT_PARSE_MALFORMED;
}

/* Adds the members of the bundle of `size` bytes at `address`, whose first
 * page is `page`. Every entry is checked, also those that do not fit. */
static int pvh_parse_bundle(const uint8_t *page, uint64_t address,
			    uint64_t size, struct boot_info *info)
{
	if (size < PVH_BUNDLE_PAGE)
		return pvh_bundle_malformed(info, "module bundle: shorter "
					    "than its header page");

	uint32_t count = load_le32(page + 12);

	if (load_le32(page + 8) != 1 || count == 0 || count > BOOT_MODULES_MAX)
		return pvh_bundle_malformed(info, "module bundle: bad version "
					    "or member count");
	boot_reserve(info, address, address + size);

	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *entry = page + PVH_BUNDLE_HEADER_SIZE +
				       i * PVH_BUNDLE_ENTRY_SIZE;
		uint64_t offset = load_le64(entry);
		uint64_t length = load_le64(entry + 8);
		uint32_t string = load_le32(entry + 16);
		uint32_t string_length = load_le32(entry + 20);

		if (offset % PVH_BUNDLE_PAGE || offset < PVH_BUNDLE_PAGE ||
		    offset > size || length > size - offset)
			return pvh_bundle_malformed(info, "module bundle: a "
				"member is unaligned, in the header page or "
				"past the end");
		if (string > PVH_BUNDLE_PAGE ||
		    string_length > PVH_BUNDLE_PAGE - string)
			return pvh_bundle_malformed(info, "module bundle: a "
				"string lies outside the header page");

		struct boot_module *module = boot_add_module(
			info, address + offset, address + offset + length);

		if (module != NULL)
			boot_copy_string(module->string, sizeof(module->string),
					 page + string, string_length, info);
	}
	return BOOT_PARSE_OK;
}

static int pvh_parse_modules(boot_phys_reader read,
			     const struct pvh_start_info *start,
			     struct boot_info *info)
{
	uint32_t count = start->module_count;
	int status = pvh_reserve_table(info, start->module_list, &count,
				       PVH_MODULE_ENTRY_SIZE, BOOT_MODULES_MAX);

	for (uint32_t i = 0; status == BOOT_PARSE_OK && i < count; i++) {
		const uint8_t *bytes = read(
			start->module_list + (uint64_t)i * PVH_MODULE_ENTRY_SIZE,
			PVH_MODULE_ENTRY_SIZE);

		if (bytes == NULL)
			return BOOT_PARSE_UNREADABLE;

		uint64_t address = load_le64(bytes);
		uint64_t size = load_le64(bytes + 8);
		uint64_t cmdline = load_le64(bytes + 16);

		if (!pvh_range_fits(address, size))
			return BOOT_PARSE_MALFORMED;

		/* A module the reader cannot see is not a bundle. */
		const uint8_t *head = size < 8 ? NULL :
			read(address, size < PVH_BUNDLE_PAGE ?
						  size : PVH_BUNDLE_PAGE);

		if (head != NULL && memcmp(head, "WKBUNDLE", 8) == 0) {
			status = pvh_parse_bundle(head, address, size, info);
			continue;
		}

		struct boot_module *module = boot_add_module(info, address,
							     address + size);

		if (module != NULL)
			status = pvh_read_string(read, cmdline,
						 module->string,
						 sizeof(module->string), info);
	}
	return status;
}

static int pvh_parse_memory_map(boot_phys_reader read,
				const struct pvh_start_info *start,
				struct boot_info *info)
{
	uint32_t count = start->memmap_entries;
	int status = pvh_reserve_table(info, start->memmap, &count,
				       PVH_MEMMAP_ENTRY_SIZE,
				       BOOT_MEMORY_REGIONS_MAX);

	for (uint32_t i = 0; status == BOOT_PARSE_OK && i < count; i++) {
		const uint8_t *bytes = read(
			start->memmap + (uint64_t)i * PVH_MEMMAP_ENTRY_SIZE,
			PVH_MEMMAP_ENTRY_SIZE);

		if (bytes == NULL)
			return BOOT_PARSE_UNREADABLE;
		boot_add_memory_region(info, bytes);
	}
	return status;
}

/* Copies the RSDP, if any (address 0 is none): the 20-byte ACPI 1.0 part,
 * then all 36 bytes when its revision (byte 15) says ACPI 2.0 or later. */
static int pvh_parse_rsdp(boot_phys_reader read, uint64_t address,
			  struct boot_info *info)
{
	if (address == 0)
		return BOOT_PARSE_OK;

	const uint8_t *bytes = read(address, BOOT_RSDP_V1_BYTES);
	uint32_t length = BOOT_RSDP_V1_BYTES;

	if (bytes != NULL && bytes[PVH_RSDP_REVISION_OFFSET] >= 2) {
		length = BOOT_RSDP_MAX;
		bytes = read(address, length);
	}
	if (bytes == NULL)
		return BOOT_PARSE_UNREADABLE;
	memcpy(info->rsdp, bytes, length);
	info->rsdp_length = length;
	return BOOT_PARSE_OK;
}

/*
 * Steps, each stopping the parse on the first error with `info` keeping
 * what the earlier steps filled in:
 *   1. the start info (magic, version) and its own reserved range;
 *   2. the command line;
 *   3. the module list and each module's string (a bundle becomes its
 *      members);
 *   4. the RSDP;
 *   5. the memory map (version 1 and later; version 0 leaves it empty).
 */
int pvh_parse(uint64_t start_info_address, boot_phys_reader read,
	      struct boot_info *info)
{
	struct pvh_start_info start = { 0 };

	memset(info, 0, sizeof(*info));

	int status = pvh_read_start_info(read, start_info_address, &start,
					 info);

	if (status == BOOT_PARSE_OK)
		status = pvh_read_string(read, start.cmdline, info->cmdline,
					 sizeof(info->cmdline), info);
	if (status == BOOT_PARSE_OK)
		status = pvh_parse_modules(read, &start, info);
	if (status == BOOT_PARSE_OK)
		status = pvh_parse_rsdp(read, start.rsdp, info);
	if (status == BOOT_PARSE_OK)
		status = pvh_parse_memory_map(read, &start, info);
	return status;
}
