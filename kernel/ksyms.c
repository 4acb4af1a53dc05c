/*
 * Lookup in the generated table. Layout (tools/gen_ksyms.py writes it):
 * ksyms_count entries of {offset, size, name} sorted by offset, offsets
 * relative to __text_start, names indexing ksyms_names.
 */
#include "ksyms.h"

#include <stddef.h>

struct ksym {
	uint32_t offset;
	uint32_t size;
	uint32_t name;
};

extern const uint32_t ksyms_count;
extern const struct ksym ksyms_entries[];
extern const char ksyms_names[];
extern const char __text_start[];

bool ksyms_lookup(uint64_t address, const char **name, uint64_t *offset)
{
	size_t low = 0, high = ksyms_count;

	uint64_t base = (uint64_t)__text_start;

	if (address < base || address - base > UINT32_MAX)
		return false;
	uint32_t target = (uint32_t)(address - base);

	/* The last entry whose offset is <= target. */
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (ksyms_entries[middle].offset <= target)
			low = middle + 1;
		else
			high = middle;
	}
	if (low == 0)
		return false;
	const struct ksym *symbol = &ksyms_entries[low - 1];
	if (target - symbol->offset >= symbol->size)
		return false;
	*name = &ksyms_names[symbol->name];
	*offset = target - symbol->offset;
	return true;
}
