/*
 * The kernel <-> libOS contract (DESIGN.md section 3). Self-contained: C99
 * fixed-width types only; the constants are usable from assembly.
 *
 * Calling convention of a native call (the Linux x86-64 syscall convention):
 * `syscall` with the call number in RAX and arguments in RDI, RSI, RDX, R10,
 * R8, R9; the result comes back in RAX, a negative errno value on failure;
 * RCX and R11 are clobbered (SYSCALL's return RIP and RFLAGS), every other
 * register is preserved. Numbers outside the native range are Linux system
 * calls: until events arrive (#4) they return -ENOSYS.
 */
#ifndef WICKET_ABI_H
#define WICKET_ABI_H

#define WK_ABI_VERSION 2

/*
 * The native calls: one list, from which the kernel's dispatch table
 * (kernel/native.c) and the libOS stubs (wicket/native.h) are generated.
 * X(index, name, argument count). Numbers are WK_NATIVE_BASE + index, far
 * from Linux's numbers and from x32's (0x40000000 + n).
 *
 *   nop()                               0; the null call, for measuring
 *   console_write(buffer, length)       writes min(length, WK_CONSOLE_WRITE_MAX)
 *                                       bytes to the console, all or nothing;
 *                                       returns the count or -EFAULT
 *   mem_map(address, length, prot)      maps zeroed pages; 0, -EINVAL (alignment,
 *                                       range, prot, W+X), -EEXIST (a page in
 *                                       the range is mapped), -ENOMEM
 *   mem_unmap(address, length)          unmaps and frees; pages not mapped are
 *                                       skipped; 0 or -EINVAL
 *   mem_protect(address, length, prot)  0, -EINVAL, -ENOMEM (a page in the
 *                                       range is not mapped: nothing changes)
 *   exit(status)                        ends the run with status & 0xff
 */
#define WK_NATIVE_CALLS(X)          \
	X(0, nop, 0)                \
	X(1, console_write, 2)      \
	X(2, mem_map, 3)            \
	X(3, mem_unmap, 2)          \
	X(4, mem_protect, 3)        \
	X(5, exit, 1)

#define WK_NATIVE_BASE  0x574b0000 /* "WK" */
#define WK_NATIVE_COUNT 6

#define WK_CALL_NUMBER(index, name, argc) \
	WK_CALL_##name = WK_NATIVE_BASE + (index),
#ifndef __ASSEMBLER__
enum wk_call { WK_NATIVE_CALLS(WK_CALL_NUMBER) };
#endif

#define WK_CONSOLE_WRITE_MAX 4096

/* mem_map / mem_protect protections. W and X together are refused. A page
 * with no protection (0) stays allocated but inaccessible (a guard page). */
#define WK_PROT_READ  0x1
#define WK_PROT_WRITE 0x2
#define WK_PROT_EXEC  0x4

/* Error values (negated), Linux's numbers. */
#define WK_EPERM   1
#define WK_ENOENT  2
#define WK_ENOMEM  12
#define WK_EFAULT  14
#define WK_EEXIST  17
#define WK_EINVAL  22
#define WK_ENOSYS  38

/*
 * The user half. Ring 3 may map [WK_USER_MIN, WK_USER_LIMIT): the first
 * 64 KiB stay unmapped so that NULL and small offsets from it fault, and
 * the last page below the canonical hole is never mapped (a SYSCALL
 * returning there would leave RIP non-canonical for SYSRET).
 */
#define WK_USER_MIN   0x10000
#define WK_USER_LIMIT 0x00007ffffffff000
#define WK_PAGE_SIZE  4096

/*
 * Where the kernel puts things for the libOS (all in the user half):
 *   the libOS ELF      linked at WK_LIBOS_BASE (ET_EXEC, W^X); every
 *                      segment in [WK_USER_MIN, WK_INFO_ADDRESS)
 *   the info page(s)   WK_INFO_ADDRESS, read-only, sizeof(struct wk_info)
 *   modules 1..n       from WK_MODULES_ADDRESS up, read-only, page-aligned,
 *                      a guard page between them
 *   the user stack     WK_STACK_BYTES ending at WK_STACK_TOP, an unmapped
 *                      guard page below it
 * These are private copies: the libOS may later unmap or re-protect them
 * like any of its pages (the kernel never reads them back).
 */
#define WK_LIBOS_BASE      0x00007f0000000000
#define WK_INFO_ADDRESS    0x00007ff000000000
#define WK_MODULES_ADDRESS 0x00007ff100000000
#define WK_STACK_TOP       0x00007fffff000000
#define WK_STACK_BYTES     0x40000 /* 256 KiB */

/*
 * Entry into the libOS: ring 3 at its ELF entry point with
 *   RDI = the info page address (WK_INFO_ADDRESS), RSP = WK_STACK_TOP
 *   (16-byte aligned, as after a call's return address was popped: the
 *   entry must not return), RFLAGS = IF only, every other general register
 *   0, FS and GS bases 0, x87/SSE state as reset.
 */

/* Exit statuses. A run ends with one status in 0..255; the QEMU runner hands
 * it back as its own exit code (docs/runner.md has the transport,
 * docs/boot.md the ways the kernel powers off).
 *
 *   0..118    the app's own exit status (`exit(n)`), 0 is success
 *   119..123  the kernel's own verdicts, below
 *   124, 125  reserved for the runner: timeout or silence, QEMU failure
 *   126..255  the app's again (128 + signal number for a killed app)
 *
 * The kernel's verdicts sit below 128 so that QEMU's isa-debug-exit device,
 * which carries only 7 bits back to the host, can report them without the
 * serial log.
 */
#define WK_EXIT_SUCCESS            0
#define WK_EXIT_USER_FAULT         119 /* ring 3 faulted, no event handler */
#define WK_EXIT_KERNEL_PANIC       120
#define WK_EXIT_BAD_IMAGE          121 /* the libOS ELF was refused */
#define WK_EXIT_LIBOS_DOUBLE_FAULT 122
#define WK_EXIT_BAD_BOOT           123
#define WK_EXIT_RUNNER_TIMEOUT     124
#define WK_EXIT_RUNNER_FAILURE     125

#ifndef __ASSEMBLER__
#include <stdint.h>

/* CPU features in wk_info.cpu_features: what the CPU has, and (for the
 * protections) whether the kernel turned it on. */
#define WK_CPU_SMEP          (1u << 0)
#define WK_CPU_SMAP          (1u << 1)
#define WK_CPU_UMIP          (1u << 2)
#define WK_CPU_NX            (1u << 3)
#define WK_CPU_FSGSBASE      (1u << 4) /* CR4.FSGSBASE on: wrfsbase works */
#define WK_CPU_XSAVE         (1u << 5) /* CR4.OSXSAVE on, XCR0 set */
#define WK_CPU_X2APIC        (1u << 6)
#define WK_CPU_TSC_DEADLINE  (1u << 7)
#define WK_CPU_INVARIANT_TSC (1u << 8)
#define WK_CPU_RDRAND        (1u << 9)
#define WK_CPU_RDSEED        (1u << 10)

#define WK_INFO_MAGIC       0x6f666e496b57ull /* "WkInfo" */
#define WK_INFO_MODULES_MAX 16
#define WK_INFO_STRING_MAX  512
#define WK_INFO_CMDLINE_MAX 1024

/* How the TSC frequency was found. */
#define WK_TSC_FROM_CPUID_15      1 /* crystal ratio */
#define WK_TSC_FROM_CPUID_16      2 /* base frequency */
#define WK_TSC_FROM_HYPERVISOR    3 /* leaf 0x40000010 */
#define WK_TSC_FROM_PIT           4 /* calibrated against the PIT */

struct wk_module {
	uint64_t address;  /* user address of the first byte */
	uint64_t size;     /* bytes */
	char string[WK_INFO_STRING_MAX];
};

/* The read-only info page(s) at WK_INFO_ADDRESS. Module 0 is the libOS
 * itself (address 0: it is mapped by segments, not as a blob). */
struct wk_info {
	uint64_t magic;            /* WK_INFO_MAGIC */
	uint32_t abi_version;      /* WK_ABI_VERSION */
	uint32_t cpu_features;     /* WK_CPU_* */
	uint64_t tsc_frequency_hz;
	uint32_t tsc_source;       /* WK_TSC_FROM_* */
	uint32_t module_count;
	uint64_t boot_tsc;         /* TSC when the kernel started */
	uint64_t memory_bytes;     /* usable RAM */
	uint64_t stack_bottom;     /* the user stack: [bottom, top) */
	uint64_t stack_top;
	uint64_t xsave_components; /* XCR0 (0 without XSAVE): what XSAVE saves */
	char cmdline[WK_INFO_CMDLINE_MAX];
	struct wk_module modules[WK_INFO_MODULES_MAX];
};

#endif /* !__ASSEMBLER__ */

#endif /* WICKET_ABI_H */
