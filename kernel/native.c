/*
 * The native calls. Arguments come from user registers and are untrusted:
 * pointers go through the uaccess functions, ranges through the checks in
 * user_memory.c. Runs with interrupts off on the per-CPU kernel stack.
 */
#include "native.h"

#include <stddef.h>

#include "arch/x86_64/power.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/trap_frame.h"
#include "arch/x86_64/uaccess.h"
#include "console.h"
#include "events.h"
#include "mm/user_memory.h"
#include "wicket/abi.h"

#define NATIVE_DECLARE(index, name, argc) \
	static long native_##name(struct trap_frame *frame);
WK_NATIVE_CALLS(NATIVE_DECLARE)

#define NATIVE_ENTRY(index, name, argc) [index] = native_##name,
const native_handler native_table[WK_NATIVE_COUNT] = {
	WK_NATIVE_CALLS(NATIVE_ENTRY)
};

#define NATIVE_ONE(index, name, argc) +1
_Static_assert(0 WK_NATIVE_CALLS(NATIVE_ONE) == WK_NATIVE_COUNT,
	       "WK_NATIVE_COUNT matches the list");

static long native_nop(struct trap_frame *frame)
{
	(void)frame;
	return 0;
}

/* All or nothing: the whole chunk is copied in before any byte is written,
 * so a bad pointer prints nothing. */
static long native_console_write(struct trap_frame *frame)
{
	static char buffer[WK_CONSOLE_WRITE_MAX];
	uint64_t length = trap_frame_argument(frame, 1);

	if (length > WK_CONSOLE_WRITE_MAX)
		length = WK_CONSOLE_WRITE_MAX;
	if (copy_from_user(buffer, user_pointer(trap_frame_argument(frame, 0)),
			   length))
		return -WK_EFAULT;
	console_write(buffer, length);
	return (long)length;
}

static long native_mem_map(struct trap_frame *frame)
{
	return user_memory_map(trap_frame_argument(frame, 0),
			       trap_frame_argument(frame, 1),
			       trap_frame_argument(frame, 2));
}

static long native_mem_unmap(struct trap_frame *frame)
{
	return user_memory_unmap(trap_frame_argument(frame, 0),
				 trap_frame_argument(frame, 1));
}

static long native_mem_protect(struct trap_frame *frame)
{
	return user_memory_protect(trap_frame_argument(frame, 0),
				   trap_frame_argument(frame, 1),
				   trap_frame_argument(frame, 2));
}

static long native_exit(struct trap_frame *frame)
{
	power_exit((int)(trap_frame_argument(frame, 0) & 0xff));
}

static long native_event_setup(struct trap_frame *frame)
{
	return events_setup(trap_frame_argument(frame, 0),
			    trap_frame_argument(frame, 1),
			    trap_frame_argument(frame, 2));
}

static long native_set_self_state(struct trap_frame *frame)
{
	return events_set_self_state(frame, trap_frame_argument(frame, 0),
				     trap_frame_argument(frame, 1),
				     trap_frame_argument(frame, 2));
}

static long native_timer_arm(struct trap_frame *frame)
{
	return events_timer_arm(trap_frame_argument(frame, 0));
}

static long native_block(struct trap_frame *frame)
{
	(void)frame;
	return events_block();
}

/* The buffer is probed (read and written back unchanged) before any byte
 * leaves the UART, so a bad buffer loses no input; the final copy cannot
 * fault then (one CPU, nothing unmaps in between). */
static long native_console_read(struct trap_frame *frame)
{
	static char buffer[64]; /* more than the 16550's 16-byte FIFO */
	struct user_pointer to = user_pointer(trap_frame_argument(frame, 0));
	uint64_t length = trap_frame_argument(frame, 1);

	if (length > sizeof(buffer))
		length = sizeof(buffer);
	if (copy_from_user(buffer, to, length) ||
	    copy_to_user(to, buffer, length))
		return -WK_EFAULT;
	length = serial_read(buffer, length);
	copy_to_user(to, buffer, length);
	return (long)length;
}
