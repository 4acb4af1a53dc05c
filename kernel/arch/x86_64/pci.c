/*
 * PCI configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2): the
 * dword 0x80000000 | bus << 16 | device << 11 | function << 8 | offset
 * written to port 0xcf8 selects a register, which port 0xcfc then reads or
 * writes. The vendor id is at offset 0 (bits 0-15), the device id beside
 * it (bits 16-31); the command register at 0x04 (bits 0-15: I/O space
 * enable at bit 0, bus master at bit 2, interrupt disable at bit 10; the
 * status register above it clears the bits written as 1).
 */
#include "arch/x86_64/pci.h"

#include "arch/x86_64/cpu.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_CONFIG_ENABLE  0x80000000u
#define PCI_SLOTS          32
#define PCI_COMMAND        0x04
#define PCI_COMMAND_IO     (1u << 0)
#define PCI_COMMAND_MASTER (1u << 2)
#define PCI_COMMAND_NO_INTX (1u << 10)

static void pci_select(unsigned slot, unsigned offset)
{
	outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | slot << 11 | offset);
}

uint32_t pci_read(unsigned slot, unsigned offset)
{
	pci_select(slot, offset);
	return inl(PCI_CONFIG_DATA);
}

int pci_find_and_enable(uint16_t vendor, uint16_t device)
{
	for (unsigned slot = 0; slot < PCI_SLOTS; slot++) {
		if (pci_read(slot, 0) != ((uint32_t)device << 16 | vendor))
			continue;
		uint32_t command = pci_read(slot, PCI_COMMAND) & 0xffff;

		pci_select(slot, PCI_COMMAND);
		outl(PCI_CONFIG_DATA, (command & ~PCI_COMMAND_NO_INTX) |
				      PCI_COMMAND_IO | PCI_COMMAND_MASTER);
		return (int)slot;
	}
	return -1;
}
