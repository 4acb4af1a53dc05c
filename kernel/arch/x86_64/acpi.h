/*
 * The little ACPI the kernel needs: find the RSDP and the FADT, and power
 * off through the PM1 control registers with the \_S5 sleep type found by a
 * byte-pattern search of the DSDT (not an AML interpreter: it handles the
 * `Name(_S5_, Package(){a, b, ...})` form firmware uses in practice).
 */
#ifndef KERNEL_ARCH_X86_64_ACPI_H
#define KERNEL_ARCH_X86_64_ACPI_H

#include <stdint.h>

#include "boot/boot_info.h"

/* Remembers where the RSDP is: the loader's copy in `info`, else a scan of
 * the EBDA and 0xE0000..0xFFFFF. Call once paging is up. */
void acpi_init(const struct boot_info *info);

/* The RSDP's revision and the physical address of the RSDT or XSDT, for the
 * banner (0 when there is no ACPI). */
uint64_t acpi_root_table(uint8_t *revision);

/* The table with this signature (mapped, its checksum checked), or
 * NULL. */
const uint8_t *acpi_find_table(const char signature[4]);

/* Enters S5. Returns only when that was impossible. */
void acpi_power_off(void);

/* Writes the FADT's reset value to its reset register (ACPI 2.0+, when the
 * FADT says it is supported and it is in I/O space). Returns only when
 * that was impossible or did not reset. */
void acpi_reset(void);

#endif /* KERNEL_ARCH_X86_64_ACPI_H */
