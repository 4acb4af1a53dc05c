#include "exception_table.h"

#include <stdint.h>

#include "arch/x86_64/power.h"
#include "arch/x86_64/trap_frame.h"
#include "console.h"
#include "lib/extable.h"
#include "wicket/abi.h"

extern const struct extable_entry __extable_start[], __extable_end[];

/* 0 as linked; EXTABLE_SORTED_MAGIC once tools/extable_sort has run. The
 * volatile read keeps the compiler from folding the linked value. */
__attribute__((section(".extable_sorted"), used))
const volatile uint32_t extable_sorted_mark = 0;

void exception_table_check(void)
{
	if (extable_sorted_mark != EXTABLE_SORTED_MAGIC) {
		kprintf("wicket: the exception table is not marked sorted: "
			"this kernel did not go through the build's "
			"extable_sort step; refusing to boot\n");
		power_exit(WK_EXIT_BAD_IMAGE);
	}
	if (!extable_is_sorted(__extable_start, __extable_end)) {
		kprintf("wicket: the exception table is marked sorted but is "
			"not; refusing to boot\n");
		power_exit(WK_EXIT_BAD_IMAGE);
	}
}

bool exception_table_fixup(struct trap_frame *frame)
{
	uint64_t fixup =
		extable_search(__extable_start, __extable_end, frame->rip);

	if (fixup == 0)
		return false;
	frame->rip = fixup;
	return true;
}
