/*
 * The 8042 keyboard controller (keyboard.h). Ports and bits as the IBM PC
 * AT's: data 0x60; status (read) and command (write) 0x64.
 */
#include "arch/x86_64/keyboard.h"

#include <stdint.h>

#include "arch/x86_64/cpu.h"

#define I8042_DATA         0x60
#define I8042_STATUS       0x64 /* read; writes are commands */
#define STATUS_OUTPUT_FULL 0x01 /* a byte waits at I8042_DATA */
#define STATUS_INPUT_FULL  0x02 /* the controller has not taken a write */
#define STATUS_FROM_MOUSE  0x20 /* the waiting byte is the mouse's */
#define COMMAND_READ_CONFIG  0x20
#define COMMAND_WRITE_CONFIG 0x60
#define CONFIG_KEYBOARD_IRQ  0x01
#define CONFIG_KEYBOARD_OFF  0x10 /* its clock held: no keys */
#define CONFIG_TRANSLATE     0x40 /* set 2 from the keyboard as set 1 */
#define TRIES 100000 /* a controller slower than this is taken as gone */

/* Waits until the status has `bit` as `set`; false when it never does. */
static bool status_wait(uint8_t bit, bool set)
{
	for (unsigned i = 0; i < TRIES; i++)
		if (((inb(I8042_STATUS) & bit) != 0) == set)
			return true;
	return false;
}

static bool command(uint8_t byte)
{
	if (!status_wait(STATUS_INPUT_FULL, false))
		return false;
	outb(I8042_STATUS, byte);
	return true;
}

bool keyboard_init(void)
{
	/* A missing controller reads 0xff. */
	if (inb(I8042_STATUS) == 0xff)
		return false;
	for (unsigned i = 0; i < TRIES && (inb(I8042_STATUS) &
					   STATUS_OUTPUT_FULL); i++)
		(void)inb(I8042_DATA);
	if (!command(COMMAND_READ_CONFIG) ||
	    !status_wait(STATUS_OUTPUT_FULL, true))
		return false;
	uint8_t config = inb(I8042_DATA);

	config = (config | CONFIG_KEYBOARD_IRQ | CONFIG_TRANSLATE) &
		 ~CONFIG_KEYBOARD_OFF;
	if (!command(COMMAND_WRITE_CONFIG) ||
	    !status_wait(STATUS_INPUT_FULL, false))
		return false;
	outb(I8042_DATA, config);
	return true;
}

size_t keyboard_read(char *bytes, size_t length)
{
	size_t count = 0;

	for (uint8_t status = inb(I8042_STATUS);
	     count < length && (status & STATUS_OUTPUT_FULL);
	     status = inb(I8042_STATUS)) {
		char byte = (char)inb(I8042_DATA);

		if (!(status & STATUS_FROM_MOUSE))
			bytes[count++] = byte;
	}
	return count;
}
