/*
 * The 16550 UART at COM1 (I/O port 0x3f8), polled: the kernel never takes a
 * serial interrupt.
 */
#include "arch/x86_64/serial.h"

#include "arch/x86_64/cpu.h"

#define COM1 SERIAL_COM1
#define UART_DATA        0  /* with DLAB=1: divisor low byte */
#define UART_IER         1  /* with DLAB=1: divisor high byte */
#define UART_FCR         2
#define UART_LCR         3
#define UART_MCR         4
#define UART_LSR         5
#define LCR_DLAB         0x80
#define LCR_8N1          0x03
#define FCR_ENABLE_CLEAR 0x07  /* FIFO on, both FIFOs cleared */
#define MCR_DTR_RTS      0x03
#define LSR_THR_EMPTY    0x20
#define BAUD_DIVISOR     1     /* 115200 = 1.8432 MHz / 16 / 1 */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, BAUD_DIVISOR & 0xff);
	outb(COM1 + UART_IER, BAUD_DIVISOR >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

static void serial_put(char c)
{
	/* A missing UART reads 0xff: THR-empty is then set and we never
	 * spin. A real one drains 16 bytes in ~1.4 ms at 115200. */
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1 + UART_DATA, (unsigned char)c);
}

void serial_write(const char *bytes, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (bytes[i] == '\n')
			serial_put('\r');
		serial_put(bytes[i]);
	}
}
