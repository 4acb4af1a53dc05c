/*
 * The PS/2 keyboard behind the 8042 controller, as a second source of
 * console input: its bytes go to the libOS raw (keyboard_read), and the
 * libOS turns scancodes into what a terminal sends. Like the serial port's,
 * they are read when the libOS asks; IRQ 1 (routed by kmain) tells it when.
 */
#ifndef KERNEL_ARCH_X86_64_KEYBOARD_H
#define KERNEL_ARCH_X86_64_KEYBOARD_H

#include <stdbool.h>
#include <stddef.h>

#define KEYBOARD_IRQ 1 /* its ISA interrupt */

/* Whether an 8042 answers; if so, its keyboard port is on, with the
 * keyboard interrupt and scancode set 1 (the controller's translation),
 * and what it held is dropped. */
bool keyboard_init(void);

/* Up to `length` scancode bytes the keyboard sent (the mouse's, if any,
 * are dropped); never waits. */
size_t keyboard_read(char *bytes, size_t length);

#endif /* KERNEL_ARCH_X86_64_KEYBOARD_H */
