/*
 * The native calls. Arguments come from user registers and are untrusted:
 * pointers go through the uaccess functions, ranges through the checks in
 * user_memory.c. Runs with interrupts off on the per-CPU kernel stack.
 */
#include "native.h"

#include "arch/x86_64/keyboard.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/trap_frame.h"
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/virtio_net.h"
#include "events.h"
#include "mm/user_memory.h"
#include "screen.h"

#define NATIVE_ONE(index, name, argc) +1
_Static_assert(0 WK_NATIVE_CALLS(NATIVE_ONE) == WK_NATIVE_COUNT,
	       "WK_NATIVE_COUNT matches the list");

/* All or nothing: the whole chunk is copied in before any byte is written,
 * so a bad pointer prints nothing. Out of line, as are the reads, so
 * that native_call saves no register and the null call stays a handful
 * of instructions (it measures entry and exit). */
static __attribute__((noinline)) long
native_console_write(uint64_t from, uint64_t length)
{
	static char buffer[WK_CONSOLE_WRITE_MAX];

	if (length > WK_CONSOLE_WRITE_MAX)
		length = WK_CONSOLE_WRITE_MAX;
	if (copy_from_user(buffer, user_pointer(from), length))
		return -WK_EFAULT;
	serial_write(buffer, length);
	if (!screen_drawn_by_libos)
		screen_write(buffer, length);
	return (long)length;
}

/* console_read and keyboard_read: the buffer is probed (read and written
 * back unchanged) before any byte leaves the device, so a bad buffer loses
 * no input; the final copy cannot fault then (one CPU, nothing unmaps in
 * between). */
static __attribute__((noinline)) long
native_input_read(uint64_t to_address, uint64_t length,
		  size_t (*device_read)(char *bytes, size_t length))
{
	static char buffer[64]; /* more than the 16550's 16-byte FIFO */
	struct user_pointer to = user_pointer(to_address);

	if (length > sizeof(buffer))
		length = sizeof(buffer);
	if (copy_from_user(buffer, to, length) ||
	    copy_to_user(to, buffer, length))
		return -WK_EFAULT;
	length = device_read(buffer, length);
	copy_to_user(to, buffer, length);
	return (long)length;
}

/* The switch has a case for each call of WK_NATIVE_CALLS: the kernel
 * builds with -Werror=switch-enum, so a call added to the list without a
 * case here does not build. The caller has checked the range. */
long native_call(struct trap_frame *frame, enum wk_call call)
{
	switch (call) {
	case WK_CALL_nop:
		return 0;
	case WK_CALL_console_write:
		return native_console_write(frame->rdi, frame->rsi);
	case WK_CALL_mem_map:
		return user_memory_map(frame->rdi, frame->rsi, frame->rdx);
	case WK_CALL_mem_unmap:
		return user_memory_unmap(frame->rdi, frame->rsi);
	case WK_CALL_mem_protect:
		return user_memory_protect(frame->rdi, frame->rsi, frame->rdx);
	case WK_CALL_exit:
		power_exit((int)(frame->rdi & 0xff));
	case WK_CALL_event_setup:
		return events_setup(frame->rdi, frame->rsi, frame->rdx);
	case WK_CALL_set_self_state:
		return events_set_self_state(frame, frame->rdi, frame->rsi,
					     frame->rdx);
	case WK_CALL_timer_arm:
		return events_timer_arm(frame->rdi);
	case WK_CALL_block:
		return events_block();
	case WK_CALL_console_read:
		return native_input_read(frame->rdi, frame->rsi, serial_read);
	case WK_CALL_mem_share:
		return user_memory_share(frame->rdi, frame->rsi, frame->rdx,
					 frame->r10);
	case WK_CALL_net_send:
		return virtio_net_send(frame->rdi, frame->rsi);
	case WK_CALL_net_receive:
		return virtio_net_receive(frame->rdi, frame->rsi);
	case WK_CALL_keyboard_read:
		if (!(events_devices & WK_DEVICE_KEYBOARD))
			return -WK_ENODEV;
		return native_input_read(frame->rdi, frame->rsi, keyboard_read);
	case WK_CALL_screen_draw:
		return screen_draw_from_user(frame->rdi, frame->rsi, frame->rdx,
					     frame->r10);
	case WK_CALL_screen_read:
		return screen_read_to_user(frame->rdi, frame->rsi);
	default:
		__builtin_unreachable();
	}
}
