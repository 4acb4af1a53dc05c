/*
 * The TSC's frequency, for the info page (the libOS keeps time with RDTSC).
 */
#ifndef KERNEL_ARCH_X86_64_TSC_H
#define KERNEL_ARCH_X86_64_TSC_H

#include <stdint.h>

/* Finds the frequency in Hz, in order of trust: CPUID 0x15 (crystal ratio),
 * CPUID 0x16 (base MHz), the hypervisor leaf 0x40000010 (kHz), else 50 ms
 * against PIT channel 2. *source is a WK_TSC_FROM_* value. Uses the PIT:
 * call with interrupts off. */
uint64_t tsc_frequency(uint32_t *source);

#endif /* KERNEL_ARCH_X86_64_TSC_H */
