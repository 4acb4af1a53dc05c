/*
 * The boot CPU's local APIC, used only as the timer (Intel SDM vol. 3A,
 * chapter 11 "Advanced Programmable Interrupt Controller"): x2APIC mode
 * through MSRs when the CPU has it, else xAPIC through uncached MMIO; the
 * timer in TSC-deadline mode when the CPU has it, else one-shot mode
 * calibrated against the TSC. Every deadline is a TSC value. Called by the
 * event core (#4) with interrupts off; one CPU, no locks.
 */
#ifndef KERNEL_ARCH_X86_64_APIC_H
#define KERNEL_ARCH_X86_64_APIC_H

#include <stdint.h>

#define APIC_TIMER_VECTOR    0x40
#define APIC_INPUT_VECTOR    0x41 /* the serial port's and the keyboard's,
					 through the I/O APIC */
#define APIC_NET_VECTOR      0x42 /* the network device's, the same way */
/* Never acknowledged with apic_eoi(): a spurious interrupt sets no ISR bit. */
#define APIC_SPURIOUS_VECTOR 0xff

/*
 * Finds and enables the local APIC (x2APIC mode when CPUID.1:ECX.x2APIC,
 * else xAPIC through paging_map_mmio), sets the spurious-interrupt vector
 * register (software enable | APIC_SPURIOUS_VECTOR) and TPR 0, masks the
 * LINT0, LINT1, error, thermal, performance and CMCI entries that exist,
 * and sets the timer up, disarmed: TSC-deadline mode when
 * CPUID.1:ECX.TSC_Deadline, else one-shot mode with divide-by-1, whose
 * APIC ticks per TSC tick are measured over 10 ms of TSC time (`tsc_hz`,
 * used only for that). Prints one "wicket: timer: ..." line. Returns 0, or
 * -1 (after printing why) when there is no local APIC, its registers
 * cannot be mapped, or its timer does not count. Leaves interrupts off.
 */
int apic_init(uint64_t tsc_hz);

/*
 * Arms the timer to interrupt on APIC_TIMER_VECTOR once the TSC reaches
 * `deadline_tsc`, replacing any earlier setting; 0 disarms. The caller
 * never passes a deadline already past (except 0). In one-shot mode the
 * count is the TSC distance scaled by the calibration, rounded up and
 * clamped to [1, 0xffffffff]: a far deadline fires early, and calibration
 * error may make any deadline fire a little early, so the handler compares
 * the TSC with its deadline and re-arms when short. Neither re-arming nor
 * disarming withdraws an interrupt the APIC already accepted (pending in
 * IRR): one can still arrive after apic_timer_arm(0).
 */
void apic_timer_arm(uint64_t deadline_tsc);

/* Ends the interrupt being handled (any vector but APIC_SPURIOUS_VECTOR).
 * Until then the APIC delivers nothing of the same or lower priority. */
void apic_eoi(void);

/* The boot CPU's APIC id (after apic_init). */
uint32_t apic_id(void);

#endif /* KERNEL_ARCH_X86_64_APIC_H */
