/*
 * Lookup in the exception table of extable.h, shared by the kernel's fault
 * handlers and the host tests. The table is sorted after linking by
 * tools/extable_sort.c; nothing here writes to it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/extable.h"

bool extable_is_sorted(const struct extable_entry *start,
		       const struct extable_entry *end)
{
	for (; end - start > 1; start++)
		if (extable_instruction(start) > extable_instruction(start + 1))
			return false;
	return true;
}

uint64_t extable_search(const struct extable_entry *start,
			const struct extable_entry *end, uint64_t address)
{
	/* The answer, if any, is in [low, high). */
	size_t low = 0;
	size_t high = (size_t)(end - start);

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		uint64_t instruction = extable_instruction(&start[middle]);

		if (instruction < address)
			low = middle + 1;
		else if (instruction > address)
			high = middle;
		else
			return extable_fixup(&start[middle]);
	}
	return 0;
}
