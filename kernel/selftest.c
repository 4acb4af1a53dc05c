/*
 * The forced faults of selftest.h. Each is its own noinline function so
 * that the panic report has a name to show.
 */
#include "selftest.h"

#include <stdint.h>

#include "arch/x86_64/power.h"
#include "console.h"
#include "lib/string.h"
#include "panic.h"

/* The stack local gives the function a frame, so that the backtrace shows
 * its caller (a frameless leaf is invisible to a frame-pointer walk). */
__attribute__((noinline)) static void selftest_invalid_opcode(void)
{
	volatile int in_frame = 0;

	__asm__ volatile("ud2");
	(void)in_frame;
}

__attribute__((noinline)) static void selftest_panic(void)
{
	panic("forced by wicket.test=panic");
}

__attribute__((noinline)) static void selftest_write_text(void)
{
	volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)&selftest_run;

	*text = 0xcc;
}

/* A RET instruction in the kernel's data, which is mapped NX. */
static uint8_t selftest_data_code[16] = {0xc3};

__attribute__((noinline)) static void selftest_execute_data(void)
{
	void (*volatile function)(void) =
		(void (*)(void))(uintptr_t)selftest_data_code;

	function();
	function = NULL; /* not a tail call: keep this frame in the backtrace */
}

__attribute__((noinline)) static uint64_t selftest_recurse(volatile uint64_t depth)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)depth;
	if (depth == UINT64_MAX)
		return frame[0];
	return selftest_recurse(depth + 1) + frame[0];
}

static int parse_status(const char *text)
{
	int value = 0;

	if (*text == '\0')
		return -1;
	for (; *text; text++) {
		if (*text < '0' || *text > '9' || value > 255)
			return -1;
		value = value * 10 + (*text - '0');
	}
	return value <= 255 ? value : -1;
}

void selftest_run(const char *name)
{
	kprintf("wicket: self-test %s\n", name);
	if (strcmp(name, "ud2") == 0) {
		selftest_invalid_opcode();
	} else if (strcmp(name, "panic") == 0) {
		selftest_panic();
	} else if (strcmp(name, "write-text") == 0) {
		selftest_write_text();
	} else if (strcmp(name, "execute-data") == 0) {
		selftest_execute_data();
	} else if (strcmp(name, "stack-overflow") == 0) {
		kprintf("wicket: recursion reached depth %lu\n",
			selftest_recurse(0));
	} else if (strncmp(name, "exit:", 5) == 0 &&
		   parse_status(name + 5) >= 0) {
		power_exit(parse_status(name + 5));
	} else {
		kprintf("wicket: unknown self-test \"%s\" ignored\n", name);
		return;
	}
	kprintf("wicket: self-test %s returned; it should not have\n", name);
}
