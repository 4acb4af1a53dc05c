/*
 * What both boot parsers (multiboot2.c, pvh.c) write into struct boot_info:
 * the reserved ranges, the modules, the memory map and bounded strings,
 * each table cut at its limit with info->truncated set. Pure functions over
 * bytes the parsers have already bounds-checked; the host tests link this
 * file with each parser.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"
#include "lib/string.h"
#include "lib/unaligned.h"

void boot_reserve(struct boot_info *info, uint64_t start, uint64_t end)
{
	if (info->reserved_count == BOOT_RESERVED_MAX) {
		info->truncated = true;
		return;
	}
	info->reserved[info->reserved_count++] = (struct boot_range){
		.start = start, .end = end,
	};
}

struct boot_module *boot_add_module(struct boot_info *info, uint64_t start,
				    uint64_t end)
{
	if (info->module_count == BOOT_MODULES_MAX) {
		info->truncated = true;
		return NULL;
	}
	struct boot_module *module = &info->modules[info->module_count++];

	module->start = start;
	module->end = end;
	return module;
}

bool boot_add_memory_region(struct boot_info *info, const uint8_t *entry)
{
	if (info->memory_region_count == BOOT_MEMORY_REGIONS_MAX) {
		info->truncated = true;
		return false;
	}
	struct boot_memory_region *region =
		&info->memory_regions[info->memory_region_count++];

	region->base = load_le64(entry);
	region->length = load_le64(entry + 8);
	region->type = load_le32(entry + 16);
	return true;
}

void boot_copy_string(char *destination, size_t size, const uint8_t *source,
		      size_t source_length, struct boot_info *info)
{
	size_t length = 0;

	while (length < source_length && source[length] != '\0')
		length++;
	if (length > size - 1) {
		length = size - 1;
		info->truncated = true;
	}
	memcpy(destination, source, length);
	destination[length] = '\0';
}
