/*
 * PCI configuration space through configuration mechanism #1, bus 0 and
 * function 0 only: enough to find one device that the firmware has set up
 * (BARs and interrupt line assigned, as SeaBIOS and OVMF do). QEMU puts
 * each -device at function 0 of a slot of its own unless told otherwise
 * (addr=S.F). Called at boot with interrupts off.
 */
#ifndef KERNEL_ARCH_X86_64_PCI_H
#define KERNEL_ARCH_X86_64_PCI_H

#include <stdint.h>

/* Configuration header offsets and bits (PCI Local Bus 3.0, 6.1). */
#define PCI_BAR0           0x10 /* bit 0 set: I/O space, base in bits 2-31 */
#define PCI_INTERRUPT_LINE 0x3c /* bits 0-7: the IRQ the firmware routed */
#define PCI_BAR_IO         1u

/* The 32-bit register at `offset` (a multiple of 4) of function 0 of
 * `slot` (0..31) on bus 0; all ones where nothing answers. */
uint32_t pci_read(unsigned slot, unsigned offset);

/* The first slot on bus 0 whose function 0 has this vendor and device id,
 * with its I/O space, bus mastering and INTx turned on; -1 when none. */
int pci_find_and_enable(uint16_t vendor, uint16_t device);

#endif /* KERNEL_ARCH_X86_64_PCI_H */
