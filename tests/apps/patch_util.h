/*
 * Hand-written system call sites for the call-site rewriting tests
 * (tests/apps/patch_*.c; issue #8, libos/trap/patch.c). Each site is its
 * own `syscall` instruction, called for the first time where the test
 * wants (so its rewrite happens then), followed by a known tail that the
 * rewriting moves into a trampoline. Every tail counts each return in a
 * word the caller names, so a tail that runs twice (a resume before the
 * moved instructions) or never (a resume past them) shows as a count that
 * differs from the number of calls; a clobbered register shows as a wrong
 * result. On Linux the same sites are ordinary system calls, so the tests
 * print the same lines there.
 *
 *   long NAME(long nr, long a1, long a2, long a3, long a4, long *tail)
 *
 * makes system call nr(a1, a2, a3, a4) and returns the raw result (-errno
 * on failure); tail[0] counts returns (and, for the SITE_JCC kind, only
 * the non-negative ones: tail[1] counts the negative ones). The kinds:
 *
 *   SITE_PLAIN  syscall; incq (%r9); ret: the moved bytes are the incq
 *   SITE_JCC    syscall; test %eax,%eax; js 1f: a conditional jump moved
 *               (re-aimed as a rel32 jump in the trampoline)
 *   SITE_CALL   syscall; call bump: a call moved (the callee returns into
 *               the trampoline)
 *   SITE_MULTI  syscall; nop; mov %rax,%rdx: two moved instructions, then
 *               the trampoline's jump back
 *   SITE_RET    syscall; ret; padding: ends in a moved RET (the tail
 *               counts before the syscall instead)
 *   SITE_KEEPS  syscall; incq (%r9), then checks that the call kept every
 *               register but RAX, RCX and R11 (the arguments, RBX, RBP,
 *               R12-R15 set to patterns) and the 128-byte red zone below
 *               RSP (filled with a pattern): tail[1] counts calls that
 *               did not
 *
 * Those are rewritten in form B (docs/patching.md): the syscall and its
 * tail move. Form A, where only a `mov $number, %eax` just before the
 * syscall becomes the jump and the syscall stays:
 *
 *   SITE_FIXED(NAME, NR)  system call NR whatever nr says (the same
 *                         signature); mov $NR,%eax; syscall; incq (%r9)
 *
 * and one site that the libOS answers in the trampoline itself (form A):
 *
 *   long NAME(long *tail)       mov $110,%eax (getppid); syscall; incq
 *                               (%rdi); ret
 */
#ifndef WICKET_TESTS_APPS_PATCH_UTIL_H
#define WICKET_TESTS_APPS_PATCH_UTIL_H

#include <stdint.h>

/* A spin of a pseudo-random length (0..31 steps), made between calls: a
 * timer interrupt then lands at a different point of the call path each
 * time rather than in step with a loop. Under -icount, where it can stop
 * a thread at any instruction, this is what makes some land inside the
 * libOS's user-mode entry. */
static __thread uint64_t patch_jitter_state = 0x9e3779b97f4a7c15ull;

static inline void patch_jitter(void)
{
	uint64_t x = patch_jitter_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	patch_jitter_state = x;
	for (volatile unsigned k = (unsigned)(x & 31); k; k--)
		;
}

/* The arguments into place: nr to RAX, a1..a4 to RDI, RSI, RDX, R10. */
#define PATCH_SITE_ARGS \
	"mov %rdi, %rax\n\t" \
	"mov %rsi, %rdi\n\t" \
	"mov %rdx, %rsi\n\t" \
	"mov %rcx, %rdx\n\t" \
	"mov %r8, %r10\n\t"

#define PATCH_SITE_BEGIN(name) \
	".text\n\t" \
	".p2align 4, 0xcc\n\t" \
	".type " #name ", @function\n" \
	#name ":\n\t"

#define PATCH_SITE_END(name) \
	".size " #name ", . - " #name "\n\t" \
	".p2align 4, 0xcc\n"

#define PATCH_SITE_DECLARE(name) \
	__attribute__((visibility("hidden"))) long name(long, long, long, \
							 long, long, long *)

#define SITE_PLAIN(name) \
	PATCH_SITE_DECLARE(name); \
	__asm__(PATCH_SITE_BEGIN(name) PATCH_SITE_ARGS \
		"syscall\n\t" \
		"incq (%r9)\n\t" \
		"ret\n\t" \
		PATCH_SITE_END(name))

#define SITE_JCC(name) \
	PATCH_SITE_DECLARE(name); \
	__asm__(PATCH_SITE_BEGIN(name) PATCH_SITE_ARGS \
		"syscall\n\t" \
		"test %eax, %eax\n\t" \
		"js 1f\n\t" \
		"incq (%r9)\n\t" \
		"ret\n" \
		"1:\n\t" \
		"incq 8(%r9)\n\t" \
		"ret\n\t" \
		PATCH_SITE_END(name))

#define SITE_CALL(name) \
	PATCH_SITE_DECLARE(name); \
	__asm__(PATCH_SITE_BEGIN(name) PATCH_SITE_ARGS \
		"syscall\n\t" \
		"call 1f\n\t" \
		"ret\n" \
		"1:\n\t" \
		"incq (%r9)\n\t" \
		"ret\n\t" \
		PATCH_SITE_END(name))

#define SITE_MULTI(name) \
	PATCH_SITE_DECLARE(name); \
	__asm__(PATCH_SITE_BEGIN(name) PATCH_SITE_ARGS \
		"syscall\n\t" \
		"nop\n\t" \
		"mov %rax, %rdx\n\t" \
		"incq (%r9)\n\t" \
		"mov %rdx, %rax\n\t" \
		"ret\n\t" \
		PATCH_SITE_END(name))

#define SITE_RET(name) \
	PATCH_SITE_DECLARE(name); \
	__asm__(PATCH_SITE_BEGIN(name) \
		"incq (%r9)\n\t" \
		PATCH_SITE_ARGS \
		"syscall\n\t" \
		"ret\n\t" \
		".byte 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc\n\t" \
		PATCH_SITE_END(name))

/* Six patterns (sign-extended 32-bit immediates) for RBX, RBP, R12-R15;
 * the red zone is filled with RBX's. */
#define PATCH_KEEP_SET(op, then) \
	op " $-0x1234568, %rbx\n\t" then \
	op " $0x2345678, %rbp\n\t" then \
	op " $-0x3456790, %r12\n\t" then \
	op " $0x4567890, %r13\n\t" then \
	op " $-0x567891b, %r14\n\t" then \
	op " $0x6789abc, %r15\n\t" then
#define PATCH_RED_ZONE(op) \
	op " -8\n\t" op " -16\n\t" op " -24\n\t" op " -32\n\t" \
	op " -40\n\t" op " -48\n\t" op " -56\n\t" op " -64\n\t" \
	op " -72\n\t" op " -80\n\t" op " -88\n\t" op " -96\n\t" \
	op " -104\n\t" op " -112\n\t" op " -120\n\t" op " -128\n\t"

#define SITE_KEEPS(name) \
	PATCH_SITE_DECLARE(name); \
	__asm__(".macro patch_fill_" #name " offset\n\t" \
		"mov %rbx, \\offset(%rsp)\n\t" \
		".endm\n\t" \
		".macro patch_check_" #name " offset\n\t" \
		"cmp %rbx, \\offset(%rsp)\n\t" \
		"jne 9f\n\t" \
		".endm\n\t" \
		PATCH_SITE_BEGIN(name) \
		"push %rbx\n\tpush %rbp\n\tpush %r12\n\t" \
		"push %r13\n\tpush %r14\n\tpush %r15\n\t" \
		PATCH_SITE_ARGS \
		"push %rdi\n\tpush %rsi\n\tpush %rdx\n\t" \
		"push %r10\n\tpush %r8\n\tpush %r9\n\t" \
		PATCH_KEEP_SET("mov", "") \
		PATCH_RED_ZONE("patch_fill_" #name) \
		"syscall\n\t" \
		"incq (%r9)\n\t" \
		PATCH_KEEP_SET("cmp", "jne 9f\n\t") \
		"cmp 0(%rsp), %r9\n\tjne 9f\n\t" \
		"cmp 8(%rsp), %r8\n\tjne 9f\n\t" \
		"cmp 16(%rsp), %r10\n\tjne 9f\n\t" \
		"cmp 24(%rsp), %rdx\n\tjne 9f\n\t" \
		"cmp 32(%rsp), %rsi\n\tjne 9f\n\t" \
		"cmp 40(%rsp), %rdi\n\tjne 9f\n\t" \
		PATCH_RED_ZONE("patch_check_" #name) \
		"8:\n\t" \
		"add $48, %rsp\n\t" \
		"pop %r15\n\tpop %r14\n\tpop %r13\n\t" \
		"pop %r12\n\tpop %rbp\n\tpop %rbx\n\t" \
		"ret\n" \
		"9:\n\t" \
		"mov 0(%rsp), %r9\n\t" \
		"incq 8(%r9)\n\t" \
		"jmp 8b\n\t" \
		PATCH_SITE_END(name))

#define PATCH_STRING_(x) #x
#define PATCH_STRING(x) PATCH_STRING_(x)

#define SITE_FIXED(name, nr) \
	PATCH_SITE_DECLARE(name); \
	__asm__(PATCH_SITE_BEGIN(name) PATCH_SITE_ARGS \
		"mov $" PATCH_STRING(nr) ", %eax\n\t" \
		"syscall\n\t" \
		"incq (%r9)\n\t" \
		"ret\n\t" \
		PATCH_SITE_END(name))

#define SITE_GETPPID_ANSWERED(name) \
	__attribute__((visibility("hidden"))) long name(long *); \
	__asm__(PATCH_SITE_BEGIN(name) \
		"mov $110, %eax\n\t" \
		"syscall\n\t" \
		"incq (%rdi)\n\t" \
		"ret\n\t" \
		PATCH_SITE_END(name))

#endif
