/*
 * Per-CPU data and the SYSCALL MSRs (Intel SDM vol. 3A, 5.8.8; AMD APM
 * vol. 2, 6.1.1). One CPU for now.
 */
#include "arch/x86_64/percpu.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/trap_frame.h"

#define MSR_STAR           0xc0000081u
#define MSR_LSTAR          0xc0000082u
#define MSR_SFMASK         0xc0000084u
#define MSR_GS_BASE        0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u

/* RFLAGS bits SYSCALL clears: TF, IF, DF, IOPL, NT, AC. */
#define SYSCALL_RFLAGS_MASK ((1u << 8) | (1u << 9) | (1u << 10) | \
			     (3u << 12) | (1u << 14) | (1u << 18))

/* STAR[47:32]: SYSCALL's CS (SS = +8). STAR[63:48]: the base from which
 * 64-bit SYSRET takes CS = +16 and SS = +8, with RPL 3. */
#define STAR_VALUE (((uint64_t)GDT_USER_CODE32 << 48) | \
		    ((uint64_t)GDT_KERNEL_CODE << 32))
_Static_assert(GDT_USER_CODE32 + 16 == GDT_USER_CODE64 &&
	       GDT_USER_CODE32 + 8 == GDT_USER_DATA &&
	       GDT_KERNEL_CODE + 8 == GDT_KERNEL_DATA,
	       "the GDT order SYSCALL and SYSRET need");

static struct percpu boot_cpu;

void percpu_init(uint64_t kernel_stack_top)
{
	boot_cpu.kernel_stack = kernel_stack_top;
	wrmsr(MSR_GS_BASE, (uint64_t)&boot_cpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_FS_BASE, 0);
	gdt_set_kernel_stack(kernel_stack_top);

	wrmsr(MSR_STAR, STAR_VALUE);
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, SYSCALL_RFLAGS_MASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}
