/*
 * The system-call table, made from the one list (syscall_list.h), and the
 * dispatcher. An unimplemented number returns -ENOSYS and is reported once
 * (numbers past the table share one report); after that its calls from
 * rewritten sites are fast calls (trap/fastcall.h).
 */
#include "linux/syscalls.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "libos.h"
#include "options.h"
#include "sched/sched.h"
#include "trap/fastcall.h"

typedef long syscall_handler(struct wk_regs *regs);

struct syscall_entry {
	syscall_handler *handler;
	const char *name;
};

#define SYSCALL_HANDLER_1(name) sys_##name
#define SYSCALL_HANDLER_0(name) 0
#define SYSCALL_ENTRY(number, name, implemented) \
	[number] = { SYSCALL_HANDLER_##implemented(name), #name },
static const struct syscall_entry table[LINUX_SYSCALL_LIMIT] = {
	LINUX_SYSCALLS(SYSCALL_ENTRY)
};
#undef SYSCALL_ENTRY

static uint8_t reported[(LINUX_SYSCALL_LIMIT + 7) / 8];
static bool reported_beyond;

const char *syscall_name(uint64_t number)
{
	if (number < LINUX_SYSCALL_LIMIT && table[number].name)
		return table[number].name;
	return "unknown";
}

static void report_unimplemented(uint64_t number)
{
	if (number < LINUX_SYSCALL_LIMIT) {
		if (reported[number / 8] & (1u << (number % 8)))
			return;
		reported[number / 8] |= (uint8_t)(1u << (number % 8));
	} else {
		if (reported_beyond)
			return;
		reported_beyond = true;
	}
	libos_report("unimplemented syscall %lu (%s)", number,
		     syscall_name(number));
	fastcall_enosys(number);
}

/* The handler's answer: a result, or SYSCALL_NO_RESULT. */
static inline long run(struct wk_regs *regs)
{
	uint64_t number = regs->rax;

	if (number < LINUX_SYSCALL_LIMIT && table[number].handler)
		return table[number].handler(regs);
	report_unimplemented(number);
	return -ENOSYS;
}

/* The call, and its report (wicket.strace) with its arguments as they
 * came: out of line, so that the calls made without it keep none. */
__attribute__((noinline)) static void traced(struct wk_regs *regs)
{
	uint64_t number = regs->rax;
	uint64_t arguments[6] = { regs->rdi, regs->rsi, regs->rdx,
				  regs->r10, regs->r8, regs->r9 };
	long result = run(regs);

	if (result != SYSCALL_NO_RESULT)
		regs->rax = (uint64_t)result;
	libos_report("strace: %s(0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx) = "
		     "%ld", syscall_name(number), arguments[0], arguments[1],
		     arguments[2], arguments[3], arguments[4], arguments[5],
		     result);
}

void syscall_dispatch(struct wk_regs *regs)
{
	if (options.strace) {
		traced(regs);
		return;
	}
	long result = run(regs);

	if (result != SYSCALL_NO_RESULT)
		regs->rax = (uint64_t)result;
}
