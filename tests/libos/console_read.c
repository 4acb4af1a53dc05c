/*
 * Scenario console-read: the console_read native call. A bad buffer is
 * -EFAULT (and takes no byte), as for keyboard_read; without a screen,
 * screen_draw and screen_read are -ENODEV; then what arrives on
 * the serial port is read and shown, until 200 ms pass without a byte or
 * a Ctrl-D (the runner's --stdin end) comes: nothing, unless the runner
 * feeds stdin.
 */
#include <stdint.h>

#include "check.h"
#include "print.h"
#include "scenario.h"
#include "wicket/native.h"

#define PAGE    WK_PAGE_SIZE
#define RW_PAGE (SCRATCH_BASE + 0x00400000ull)

static inline uint64_t rdtsc(void)
{
	uint32_t low, high;

	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return (uint64_t)high << 32 | low;
}

int scenario_console_read(const struct wk_info *info)
{
	static char received[4096];
	size_t count = 0;

	check_value("console_read(NULL)", wk_console_read(0, 16), -WK_EFAULT);
	check_value("console_read(kernel 0xffffffff80000000)",
		    wk_console_read((long)0xffffffff80000000ull, 16),
		    -WK_EFAULT);
	check_value("console_read(non-canonical 0x0000800000000000)",
		    wk_console_read((long)0x0000800000000000ull, 16),
		    -WK_EFAULT);
	check_value("console_read(the read-only info page)",
		    wk_console_read(WK_INFO_ADDRESS, 16), -WK_EFAULT);
	if (check_value("mem_map(rw page)",
			wk_mem_map(RW_PAGE, PAGE,
				   WK_PROT_READ | WK_PROT_WRITE), 0))
		check_value("console_read(straddling the end of a mapping)",
			    wk_console_read(RW_PAGE + PAGE - 8, 16),
			    -WK_EFAULT);
	check_value("console_read(length 0)",
		    wk_console_read((long)received, 0), 0);
	/* keyboard_read shares console_read's checks; no key is pressed. */
	if (info->devices & WK_DEVICE_KEYBOARD) {
		check_value("keyboard_read(NULL)", wk_keyboard_read(0, 16),
			    -WK_EFAULT);
		check_value("keyboard_read(kernel 0xffffffff80000000)",
			    wk_keyboard_read((long)0xffffffff80000000ull, 16),
			    -WK_EFAULT);
		check_value("keyboard_read(straddling the end of a mapping)",
			    wk_keyboard_read(RW_PAGE + PAGE - 8, 16),
			    -WK_EFAULT);
		check_value("keyboard_read(valid buffer)",
			    wk_keyboard_read((long)received, 16), 0);
	} else {
		check_value("keyboard_read without a keyboard",
			    wk_keyboard_read((long)received, 16), -WK_ENODEV);
	}
	/* QEMU's COM1 answers. */
	check_true("wk_info.devices has WK_DEVICE_SERIAL",
		   info->devices & WK_DEVICE_SERIAL);
	/* The screen's calls (tests/matrix/terminal_script.c checks them on
	 * a screen) need one: a PVH boot has none. */
	if (!(info->devices & WK_DEVICE_SCREEN)) {
		check_value("screen_draw without a screen",
			    wk_screen_draw(0, (long)received, 1, 0), -WK_ENODEV);
		check_value("screen_read without a screen",
			    wk_screen_read((long)received, 1), -WK_ENODEV);
	}

	/* Until 200 ms pass without a byte, or the runner's end of input
	 * (Ctrl-D) arrives. */
	long n = wk_console_read((long)received, 16);
	print("libos: console_read(valid buffer) = %ld\n", n);
	uint64_t quiet_until = rdtsc() + info->tsc_frequency_hz / 5;
	while (n >= 0 && rdtsc() < quiet_until) {
		if (n > 0 && received[count + (size_t)n - 1] == 4)
			break;
		count += (size_t)n;
		if (n > 0)
			quiet_until = rdtsc() + info->tsc_frequency_hz / 5;
		n = wk_console_read((long)(received + count),
				    (long)(sizeof(received) - 1 - count));
	}
	if (n > 0)
		count += (size_t)n;
	check_true("console_read while polling", n >= 0);
	/* The hash covers every byte; the line shows the first 256. */
	uint64_t hash = 0xcbf29ce484222325ull; /* FNV-1a */
	for (size_t i = 0; i < count; i++)
		hash = (hash ^ (unsigned char)received[i]) * 0x100000001b3ull;
	received[count < 256 ? count : 256] = '\0';
	print("libos: console_read received %lu bytes (fnv-1a 0x%lx): \"%s\"\n",
	      (unsigned long)count, (unsigned long)hash, received);
	return check_finish("console-read");
}
