/*
 * libOS-side stubs for the native calls, generated from WK_NATIVE_CALLS in
 * abi.h: wk_nop(), wk_console_write(buffer, length), ... Each is a
 * `syscall` with the convention abi.h describes. Freestanding (no libc).
 */
#ifndef WICKET_NATIVE_H
#define WICKET_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#include "wicket/abi.h"

static inline long wk_syscall6(long number, long a0, long a1, long a2,
			       long a3, long a4, long a5)
{
	long result;
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;

	__asm__ volatile("syscall"
			 : "=a"(result)
			 : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return result;
}

#define WK_PARAMETERS_0 void
#define WK_PARAMETERS_1 long a0
#define WK_PARAMETERS_2 long a0, long a1
#define WK_PARAMETERS_3 long a0, long a1, long a2
#define WK_PARAMETERS_4 long a0, long a1, long a2, long a3
#define WK_ARGUMENTS_0 0, 0, 0, 0
#define WK_ARGUMENTS_1 a0, 0, 0, 0
#define WK_ARGUMENTS_2 a0, a1, 0, 0
#define WK_ARGUMENTS_3 a0, a1, a2, 0
#define WK_ARGUMENTS_4 a0, a1, a2, a3

#define WK_STUB(index, name, argc)                                         \
	static inline long wk_##name(WK_PARAMETERS_##argc)                 \
	{                                                                  \
		return wk_syscall6(WK_CALL_##name, WK_ARGUMENTS_##argc, 0, \
				   0);                                     \
	}
WK_NATIVE_CALLS(WK_STUB)
#undef WK_STUB

#endif /* WICKET_NATIVE_H */
