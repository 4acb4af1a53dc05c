/*
 * The kernel's own symbol table, embedded at build time: a first link
 * produces the ELF, tools/gen_ksyms.py turns its text symbols into the
 * .ksyms section, and the final link adds that section after rodata, where
 * it moves no code (docs/boot.md, "Symbols").
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the function containing `address`: its name and the offset into
 * it. Returns false for addresses in no known function. */
bool ksyms_lookup(uint64_t address, const char **name, uint64_t *offset);

#endif /* KERNEL_KSYMS_H */
