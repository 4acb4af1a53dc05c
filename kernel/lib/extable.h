/*
 * The exception table: for each kernel instruction that may fault on a user
 * address, the address at which execution resumes instead. Kernel code marks
 * such an instruction where it is written, with EXTABLE_ENTRY, which emits
 * one entry into the ELF section .extable. The linker keeps the entries in
 * link order; after linking, the host tool tools/extable_sort.c sorts them by
 * instruction address and sets the word in .extable_sorted to
 * EXTABLE_SORTED_MAGIC. The kernel checks that mark at boot, and the #PF and
 * #GP handlers look up the faulting RIP with extable_search().
 *
 * An entry is two 32-bit offsets, each relative to its own address, so the
 * table needs no relocations and an entry is 8 bytes. The functions here are
 * pure and freestanding; the host tests compile the same extable.c.
 */
#ifndef KERNEL_LIB_EXTABLE_H
#define KERNEL_LIB_EXTABLE_H

/* The value the sorter stores in .extable_sorted once the table is sorted. */
#define EXTABLE_SORTED_MAGIC 0x58545253u

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One exception-table entry. The faulting instruction is at the address of
 * the `instruction` field plus its value, and the fixup is at the address of
 * the `fixup` field plus its value (both values sign-extended).
 */
struct extable_entry {
	int32_t instruction;
	int32_t fixup;
};

_Static_assert(sizeof(struct extable_entry) == 8,
	       "an exception-table entry is two 32-bit offsets");
_Static_assert(offsetof(struct extable_entry, fixup) == 4,
	       "the fixup offset follows the instruction offset");

/* The absolute address of the instruction that `entry` covers. */
static inline uint64_t extable_instruction(const struct extable_entry *entry)
{
	return (uint64_t)((uintptr_t)&entry->instruction +
			  (uintptr_t)(intptr_t)entry->instruction);
}

/* The absolute address at which a fault at `entry`'s instruction resumes. */
static inline uint64_t extable_fixup(const struct extable_entry *entry)
{
	return (uint64_t)((uintptr_t)&entry->fixup +
			  (uintptr_t)(intptr_t)entry->fixup);
}

/*
 * Whether the entries in [start, end) are in non-decreasing order of
 * absolute instruction address (an empty table is sorted).
 */
bool extable_is_sorted(const struct extable_entry *start,
		       const struct extable_entry *end);

/*
 * Binary-searches the sorted table [start, end) for an entry whose absolute
 * instruction address is `address`. Returns that entry's absolute fixup
 * address, or 0 if no entry covers `address`; with several matching entries
 * it returns the fixup of any one of them. Takes no locks and touches only
 * the table, so a fault handler may call it at any time.
 */
uint64_t extable_search(const struct extable_entry *start,
			const struct extable_entry *end, uint64_t address);

/*
 * Emits an exception-table entry: a fault at `fault_label` resumes at
 * `fixup_label` (local asm labels such as 1b, 2f). For use inside a C asm
 * statement, e.g.
 *
 *	asm volatile("1: movb (%1), %0\n2:\n"
 *		     EXTABLE_ENTRY(1b, 3f) ... );
 */
#define EXTABLE_ENTRY(fault_label, fixup_label) \
	".pushsection .extable, \"a\"\n\t.balign 4\n\t" \
	".long (" #fault_label ") - .\n\t.long (" #fixup_label ") - .\n\t.popsection\n\t"

#else /* __ASSEMBLER__ */

/* The same entry for .S files: a fault at `fault_label` resumes at `fixup_label`. */
#define EXTABLE_ENTRY(fault_label, fixup_label) \
	.pushsection .extable, "a"; .balign 4; \
	.long (fault_label) - .; .long (fixup_label) - .; .popsection

#endif /* __ASSEMBLER__ */

#endif /* KERNEL_LIB_EXTABLE_H */
