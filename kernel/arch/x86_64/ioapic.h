/*
 * The I/O APIC, used for two lines only: the serial port's receive
 * interrupt (the libOS's input events) and the network device's INTx (its
 * network events).
 */
#ifndef KERNEL_ARCH_X86_64_IOAPIC_H
#define KERNEL_ARCH_X86_64_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Routes interrupt `irq` to `vector` on the boot CPU's local APIC (fixed
 * delivery, physical destination, unmasked), through the I/O APIC and the
 * interrupt source overrides the ACPI MADT lists. An ISA interrupt
 * (pci_line false) is edge-triggered, of the override's polarity; a PCI
 * device's line (pci_line: `irq` is its interrupt line register) is
 * level-triggered, active high. Returns the global system interrupt it
 * used, or -1 when there is no MADT, no I/O APIC serves that interrupt,
 * an ISA one is wired level-triggered (a line the libOS leaves asserted
 * would then interrupt without end), or the boot CPU's APIC id does not
 * fit the entry's 8-bit destination.
 */
int ioapic_route_irq(unsigned irq, uint8_t vector, bool pci_line);

#endif /* KERNEL_ARCH_X86_64_IOAPIC_H */
