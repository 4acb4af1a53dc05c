/*
 * The kernel's exception table (DESIGN.md section 6): entries written next
 * to each instruction that may fault on a user address (EXTABLE_ENTRY in
 * lib/extable.h), sorted after linking by tools/extable_sort, which then
 * sets the sorted mark.
 */
#ifndef KERNEL_EXCEPTION_TABLE_H
#define KERNEL_EXCEPTION_TABLE_H

#include <stdbool.h>

struct trap_frame;

/* Refuses to boot (WK_EXIT_BAD_IMAGE, with a message) unless the table is
 * marked sorted and is sorted. Called once, early in kmain. */
void exception_table_check(void);

/* If the faulting RIP is in the table, moves it to the fixup and returns
 * true. */
bool exception_table_fixup(struct trap_frame *frame);

#endif /* KERNEL_EXCEPTION_TABLE_H */
