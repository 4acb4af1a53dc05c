/*
 * Layouts: the 82093AA I/O APIC datasheet (IOREGSEL at +0x00 and IOWIN at
 * +0x10; register 1 holds the last redirection entry's index in bits
 * 16-23; entry n is registers 0x10 + 2n, low: vector in bits 0-7, active
 * low at bit 13, level-triggered at bit 15, masked at bit 16; and
 * 0x11 + 2n, high: the destination APIC id in bits 24-31). The MADT
 * (ACPI 6.x, 5.2.12): entries from byte 44, each a type and a length byte;
 * type 1, an I/O APIC: address at 4, first interrupt at 8; type 2, an
 * interrupt source override: the ISA IRQ at 3, the global interrupt at 4,
 * flags at 8 (polarity in bits 0-1 and trigger in bits 2-3, 3 meaning
 * active low and level).
 */
#include "arch/x86_64/ioapic.h"

#include <stddef.h>

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/paging.h"
#include "lib/unaligned.h"

#define MADT_FIRST_ENTRY  44
#define MADT_IOAPIC       1
#define MADT_OVERRIDE     2
#define IOAPIC_VERSION    1
#define IOAPIC_REDIRECT   0x10
#define REDIRECT_ACTIVE_LOW (1u << 13)
#define REDIRECT_LEVEL      (1u << 15)

/* The MADT's entry of `type` after offset `at` (0: the first); 0 when
 * none. Entries too short for the fields read here are skipped. */
static size_t madt_next(const uint8_t *madt, size_t at, uint8_t type,
			uint8_t min_length)
{
	uint32_t length = load_le32(madt + 4);

	at = at ? at + madt[at + 1] : MADT_FIRST_ENTRY;
	for (; at + 2 <= length && madt[at + 1] >= 2 &&
	       at + madt[at + 1] <= length; at += madt[at + 1])
		if (madt[at] == type && madt[at + 1] >= min_length)
			return at;
	return 0;
}

static void ioapic_write(volatile uint32_t *ioapic, uint32_t reg,
			 uint32_t value)
{
	ioapic[0] = reg;
	ioapic[4] = value;
}

/*
 * A PCI line: ACPI's _PRT, which maps each slot's INTx to an I/O APIC
 * input, is AML and is not read. The line is taken to reach the I/O APIC
 * input numbered as the IRQ the firmware wrote into the device's
 * interrupt line register (or the override's for that IRQ), which holds on
 * QEMU's pc machine: the PIIX3 routes INTA-INTD through its PIRQ links to
 * ISA IRQs that SeaBIOS and OVMF choose (10 and 11) and write into that
 * register, and QEMU wires each such IRQ to the same-numbered I/O APIC
 * input, active high (its MADT says level, active high for 10 and 11).
 */
int ioapic_route_irq(unsigned irq, uint8_t vector, bool pci_line)
{
	const uint8_t *madt = acpi_find_table("APIC");
	uint32_t gsi = irq, low = vector | (pci_line ? REDIRECT_LEVEL : 0);

	if (madt == NULL || apic_id() > 0xff) /* 8-bit destinations */
		return -1;
	for (size_t at = 0; (at = madt_next(madt, at, MADT_OVERRIDE, 10));) {
		uint16_t flags = load_le16(madt + at + 8);

		if (madt[at + 3] != irq)
			continue;
		gsi = load_le32(madt + at + 4);
		if (pci_line)
			continue; /* level, active high, whatever it says */
		if (((flags >> 2) & 3) == 3)
			return -1;
		if ((flags & 3) == 3)
			low |= REDIRECT_ACTIVE_LOW;
	}
	for (size_t at = 0; (at = madt_next(madt, at, MADT_IOAPIC, 12));) {
		uint32_t first = load_le32(madt + at + 8);
		volatile uint32_t *ioapic =
			paging_map_mmio(load_le32(madt + at + 4), 0x20, false);

		if (ioapic == NULL || gsi < first)
			continue;
		ioapic[0] = IOAPIC_VERSION;
		if (gsi - first > ((ioapic[4] >> 16) & 0xff))
			continue;
		uint32_t entry = IOAPIC_REDIRECT + 2 * (gsi - first);

		ioapic_write(ioapic, entry + 1, apic_id() << 24);
		ioapic_write(ioapic, entry, low);
		return (int)gsi;
	}
	return -1;
}
