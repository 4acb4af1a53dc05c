/*
 * The 16550 UART at COM1 (I/O port 0x3f8). Output is polled; input is read
 * when the libOS asks, and the receive interrupt (IER bit 0, which reaches
 * the interrupt controller only with MCR's OUT2 set) tells it when to.
 */
#include "arch/x86_64/serial.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"

#define UART_DATA        0  /* with DLAB=1: divisor low byte */
#define UART_IER         1  /* with DLAB=1: divisor high byte */
#define UART_FCR         2
#define UART_LCR         3
#define UART_MCR         4
#define UART_LSR         5
#define LCR_DLAB         0x80
#define LCR_8N1          0x03
#define FCR_ENABLE_TRIGGER_14 0xc1 /* FIFOs on; QEMU then passes in up to
				      * 14 received bytes at a time */
#define MCR_DTR_RTS      0x03
#define MCR_OUT2         0x08
#define IER_RECEIVED     0x01
#define LSR_DATA_READY   0x01
#define LSR_THR_EMPTY    0x20
#define BAUD_DIVISOR     1     /* 115200 = 1.8432 MHz / 16 / 1 */

/* A missing UART reads 0xff: data-ready, but no data. */
static bool serial_has_byte(void)
{
	uint8_t status = inb(SERIAL_COM1 + UART_LSR);

	return status != 0xff && (status & LSR_DATA_READY);
}

void serial_init(void)
{
	outb(SERIAL_COM1 + UART_IER, 0);
	outb(SERIAL_COM1 + UART_LCR, LCR_DLAB);
	outb(SERIAL_COM1 + UART_DATA, BAUD_DIVISOR & 0xff);
	outb(SERIAL_COM1 + UART_IER, BAUD_DIVISOR >> 8);
	outb(SERIAL_COM1 + UART_LCR, LCR_8N1);
	/* Turning the FIFOs on empties them (QEMU does on any change of FCR
	 * bit 0; taking the waiting byte first lets QEMU pass in the next
	 * one before the write). So when input has come already, they stay
	 * as they are. */
	if (!serial_has_byte())
		outb(SERIAL_COM1 + UART_FCR, FCR_ENABLE_TRIGGER_14);
	outb(SERIAL_COM1 + UART_MCR, MCR_DTR_RTS);
}

bool serial_present(void)
{
	return inb(SERIAL_COM1 + UART_LSR) != 0xff; /* see serial_has_byte */
}

bool serial_enable_receive_interrupt(void)
{
	if (!serial_present())
		return false;
	outb(SERIAL_COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(SERIAL_COM1 + UART_IER, IER_RECEIVED);
	return true;
}

static void serial_put(char c)
{
	/* A missing UART reads 0xff: THR-empty is then set and we never
	 * spin. A real one drains 16 bytes in ~1.4 ms at 115200. */
	while (!(inb(SERIAL_COM1 + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(SERIAL_COM1 + UART_DATA, (unsigned char)c);
}

void serial_write(const char *bytes, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (bytes[i] == '\n')
			serial_put('\r');
		serial_put(bytes[i]);
	}
}

size_t serial_read(char *bytes, size_t length)
{
	size_t count = 0;

	while (count < length && serial_has_byte())
		bytes[count++] = (char)inb(SERIAL_COM1 + UART_DATA);
	return count;
}
