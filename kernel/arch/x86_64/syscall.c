/*
 * syscall_dispatch(): the C half of syscall_entry, and the decision between
 * SYSRET and IRETQ for the way back.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/entry.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/trap_frame.h"
#include "events.h"
#include "native.h"
#include "wicket/abi.h"

_Static_assert(SYSCALL_SET_SELF_STATE == WK_CALL_set_self_state,
	       "entry.S's fast path tests set_self_state's number");

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_RF (1ull << 16)

/*
 * SYSRET is safe only for a frame it can reproduce exactly (Linux's
 * checklist in do_syscall_64/syscall_return_slowpath):
 *   - RCX == RIP and R11 == RFLAGS, since SYSRET loads RIP and RFLAGS from
 *     them;
 *   - RIP canonical and below the user limit: on Intel CPUs SYSRET to a
 *     non-canonical RIP takes #GP in ring 0 on the user's stack
 *     (CVE-2012-0217), and the page below the hole is never mapped;
 *   - RF and TF clear: SYSRET cannot restore RF, and TF would trap on the
 *     first user instruction with the kernel's state half restored;
 *   - the standard user CS and SS (SYSRET hard-codes them).
 */
static bool sysret_allowed(const struct trap_frame *frame)
{
	return frame->rcx == frame->rip && frame->r11 == frame->rflags &&
	       frame->rip < WK_USER_LIMIT &&
	       !(frame->rflags & (RFLAGS_RF | RFLAGS_TF)) &&
	       frame->cs == (GDT_USER_CODE64 | 3) &&
	       frame->ss == (GDT_USER_DATA | 3);
}

bool syscall_dispatch(struct trap_frame *frame)
{
	if (frame->rax - WK_NATIVE_BASE < WK_NATIVE_COUNT)
		frame->rax = (uint64_t)native_call(frame,
						   (enum wk_call)frame->rax);
	else if (!events_reflect_syscall(frame))
		frame->rax = (uint64_t)-WK_ENOSYS;
	events_return_to_user(frame);
	return sysret_allowed(frame);
}
