/*
 * What the boot CPU offers, read once with CPUID, and the protections the
 * kernel turns on from it (NX, SMEP, SMAP, UMIP, FSGSBASE, CR0.WP).
 */
#ifndef KERNEL_ARCH_X86_64_CPU_FEATURES_H
#define KERNEL_ARCH_X86_64_CPU_FEATURES_H

#include <stdbool.h>
#include <stdint.h>

struct cpu_features {
	char vendor[13];
	char brand[49];
	uint32_t family, model, stepping;
	uint32_t physical_address_bits; /* 0 when CPUID does not say */
	bool smep, smap, umip, nx, fsgsbase, xsave, x2apic, tsc_deadline;
	bool invariant_tsc, rdrand, rdseed, gigabyte_pages, hypervisor, pat;
	uint32_t abi; /* the same as WK_CPU_* bits, for the info page */
};

extern struct cpu_features cpu_features;

void cpu_features_detect(void);

/* Turns on SMEP, SMAP, UMIP and FSGSBASE where present, and CR0.WP (NX is
 * paging_init's, which runs first); and makes x87/SSE (and XSAVE with
 * every user state component the CPU has, up to AVX-512) usable in ring 3. The kernel itself never touches
 * FPU state (-mgeneral-regs-only). */
void cpu_enable_protections(void);

/* The XSAVE components enabled in XCR0 (0 without XSAVE). */
extern uint64_t cpu_xsave_components;

/* Prints the vendor/model line and the feature line of the banner. */
void cpu_features_print(void);

#endif /* KERNEL_ARCH_X86_64_CPU_FEATURES_H */
