/*
 * Per-CPU data, reached through GS in the kernel.
 *
 * The SWAPGS rule: in ring 3, GS base is the user's (0 until the libOS
 * sets it) and IA32_KERNEL_GS_BASE holds &percpu; every entry from ring 3
 * (SYSCALL, and an interrupt or exception whose saved CS has RPL 3) does
 * SWAPGS first, and every exit to ring 3 does SWAPGS last. Entries from
 * ring 0 do not. NMI, #DF and #MC may arrive between an entry's first
 * instruction and its SWAPGS (or an exit's SWAPGS and its IRETQ/SYSRET):
 * their handlers therefore never use GS; they report and stop.
 */
#ifndef KERNEL_ARCH_X86_64_PERCPU_H
#define KERNEL_ARCH_X86_64_PERCPU_H

#define PERCPU_KERNEL_STACK 0 /* top of the stack SYSCALL switches to */
#define PERCPU_USER_RSP     8 /* SYSCALL's scratch slot for the user RSP */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct percpu {
	uint64_t kernel_stack;
	uint64_t user_rsp;
};

_Static_assert(offsetof(struct percpu, kernel_stack) == PERCPU_KERNEL_STACK,
	       "entry.S");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP,
	       "entry.S");

/* Sets GS base to this CPU's data (kernel side of the SWAPGS rule), the
 * stack used on entry from ring 3 (SYSCALL and TSS.RSP0), and the SYSCALL
 * MSRs: EFER.SCE, STAR, LSTAR = syscall_entry, SFMASK. */
void percpu_init(uint64_t kernel_stack_top);
#endif

#endif /* KERNEL_ARCH_X86_64_PERCPU_H */
