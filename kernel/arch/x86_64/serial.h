/*
 * COM1 at 115200 8N1. The console's only output, and its input.
 */
#ifndef KERNEL_ARCH_X86_64_SERIAL_H
#define KERNEL_ARCH_X86_64_SERIAL_H

#define SERIAL_COM1 0x3f8 /* I/O base of the first UART */
#define SERIAL_IRQ  4     /* its ISA interrupt */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stddef.h>

void serial_init(void);

/* Whether a UART answers at COM1 (a PC may have none). */
bool serial_present(void);

/* Has the UART raise its interrupt line (ISA IRQ 4) while received bytes
 * wait. Returns false when there is no UART. */
bool serial_enable_receive_interrupt(void);

/* Writes `length` bytes, turning "\n" into "\r\n". Safe before serial_init
 * (QEMU's UART needs no set-up) and from a panic. */
void serial_write(const char *bytes, size_t length);

/* Takes up to `length` received bytes, as they came; never waits. Returns
 * how many. */
size_t serial_read(char *bytes, size_t length);
#endif

#endif /* KERNEL_ARCH_X86_64_SERIAL_H */
