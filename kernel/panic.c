/*
 * Panic reports: the message, a frame-pointer backtrace symbolised with the
 * embedded table, then power_exit(WK_EXIT_KERNEL_PANIC). Used by panic()
 * and by trap.c for exceptions. Runs with interrupts off and trusts no
 * frame pointer outside a known kernel stack.
 */
#include "panic.h"

#include <stdarg.h>
#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/kernel_stack.h"
#include "arch/x86_64/power.h"
#include "console.h"
#include "ksyms.h"
#include "wicket/abi.h"

#define BACKTRACE_FRAMES_MAX 24   /* lines printed */
#define BACKTRACE_WALK_MAX   4096 /* frames followed */

static bool panicking;

void panic_begin(void)
{
	interrupts_disable();
	if (panicking) {
		kprintf("wicket: panic while reporting a panic; stopping\n");
		power_exit(WK_EXIT_KERNEL_PANIC);
	}
	panicking = true;
}

void panic_print_symbol(uint64_t address, bool return_address)
{
	const char *name;
	uint64_t offset;

	/* A call to a noreturn function can be the caller's last
	 * instruction: its return address is then past the caller's end, so
	 * look up the byte before it. */
	uint64_t lookup = return_address ? address - 1 : address;
	if (ksyms_lookup(lookup, &name, &offset))
		kprintf(" <%s+0x%lx>", name, offset + (address - lookup));
}

void panic_print_backtrace(uint64_t rip, bool rip_is_return_address,
			   uint64_t rbp)
{
	const struct kernel_stack *stack;
	uint64_t previous = 0, below = 0;
	unsigned printed = 0, repeats = 0;

	kprintf("wicket: backtrace:\n");
	/* Frame 0 is `rip`. Each frame is [rbp] = the caller's rbp, [rbp + 8]
	 * = the return address; read one only if both words lie in one
	 * kernel stack, and only upwards, so a corrupt chain ends the walk.
	 * Runs of the same return address (recursion) print once with a
	 * count. */
	for (unsigned depth = 0; depth <= BACKTRACE_WALK_MAX; depth++) {
		if (depth > 0 && rip == previous) {
			repeats++;
		} else {
			if (repeats)
				kprintf("      (the frame above repeats %u more "
					"times)\n", repeats);
			repeats = 0;
			if (printed++ == BACKTRACE_FRAMES_MAX) {
				kprintf("      (more frames not shown)\n");
				return;
			}
			kprintf("  #%-2u 0x%016lx", depth, rip);
			panic_print_symbol(rip, depth > 0 ||
						rip_is_return_address);
			kprintf("\n");
		}
		previous = rip;
		if (rbp <= below || rbp % 8 != 0 ||
		    (stack = kernel_stack_of(rbp)) == NULL ||
		    rbp < stack->bottom || rbp + 16 > stack->top)
			break;
		const uint64_t *frame = (const uint64_t *)rbp;
		rip = frame[1];
		if (rip == 0)
			break;
		below = rbp;
		rbp = frame[0];
	}
	if (repeats)
		kprintf("      (the frame above repeats %u more times)\n",
			repeats);
}

void panic(const char *fmt, ...)
{
	va_list args;

	panic_begin();
	kprintf("wicket: KERNEL PANIC: ");
	va_start(args, fmt);
	kvprintf(fmt, args);
	va_end(args);
	kprintf("\n");
	/* Start at our caller: its return address and its frame. */
	const uint64_t *frame = __builtin_frame_address(0);
	panic_print_backtrace(frame[1], true, frame[0]);
	power_exit(WK_EXIT_KERNEL_PANIC);
}
