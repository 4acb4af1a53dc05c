/*
 * Scenario enosys: a `syscall` with a number outside the native range is a
 * Linux system call, and until reflection arrives (#4) it returns -ENOSYS;
 * so does an unassigned number inside the native range. Also checks that a
 * native call preserves every register but RAX, RCX and R11 (abi.h).
 */
#include <stdint.h>

#include "check.h"
#include "print.h"
#include "scenario.h"
#include "wicket/native.h"

/* preserve.S: loads a pattern into every general register but RSP, RAX,
 * RCX and R11, runs `syscall` with number, and returns a bit mask of the
 * registers that changed (bit n for the n-th of RBX RBP RDI RSI RDX R8 R9
 * R10 R12 R13 R14 R15). */
uint64_t preserve_check(long number);

static const char *const preserved_names[] = {
	"rbx", "rbp", "rdi", "rsi", "rdx", "r8", "r9", "r10", "r12", "r13",
	"r14", "r15",
};

int scenario_enosys(const struct wk_info *info)
{
	(void)info;
	check_value("syscall(39 getpid)", wk_syscall6(39, 0, 0, 0, 0, 0, 0),
		    -WK_ENOSYS);
	check_value("syscall(0xffff)", wk_syscall6(0xffff, 0, 0, 0, 0, 0, 0),
		    -WK_ENOSYS);
	check_value("syscall(-1)", wk_syscall6(-1, 0, 0, 0, 0, 0, 0),
		    -WK_ENOSYS);
	check_value("syscall(WK_NATIVE_BASE + WK_NATIVE_COUNT)",
		    wk_syscall6(WK_NATIVE_BASE + WK_NATIVE_COUNT, 0, 0, 0, 0,
				0, 0), -WK_ENOSYS);
	check_value("syscall(WK_NATIVE_BASE - 1)",
		    wk_syscall6(WK_NATIVE_BASE - 1, 0, 0, 0, 0, 0, 0),
		    -WK_ENOSYS);

	uint64_t changed_nop = preserve_check(WK_CALL_nop);
	uint64_t changed_linux = preserve_check(39);
	for (unsigned i = 0; i < 12; i++) {
		if (changed_nop & (1u << i))
			print("libos: FAIL nop changed %s\n", preserved_names[i]);
		if (changed_linux & (1u << i))
			print("libos: FAIL syscall(39) changed %s\n",
			      preserved_names[i]);
	}
	check_true("nop preserves the callee's registers", changed_nop == 0);
	check_true("syscall(39) preserves the callee's registers",
		   changed_linux == 0);
	return check_finish("enosys");
}
