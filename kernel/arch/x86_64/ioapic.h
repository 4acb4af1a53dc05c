/*
 * The I/O APIC, used for one line only: the serial port's receive
 * interrupt, which becomes the libOS's input events.
 */
#ifndef KERNEL_ARCH_X86_64_IOAPIC_H
#define KERNEL_ARCH_X86_64_IOAPIC_H

#include <stdint.h>

/*
 * Routes ISA interrupt `irq` to `vector` on the boot CPU's local APIC
 * (fixed delivery, physical destination, unmasked), through the I/O APIC
 * and the interrupt source overrides the ACPI MADT lists. Returns the
 * global system interrupt it used, or -1 when there is no MADT, no I/O
 * APIC serves that interrupt, it is wired level-triggered (a line the
 * libOS leaves asserted would then interrupt without end), or the boot
 * CPU's APIC id does not fit the entry's 8-bit destination.
 */
int ioapic_route_isa_irq(unsigned irq, uint8_t vector);

#endif /* KERNEL_ARCH_X86_64_IOAPIC_H */
