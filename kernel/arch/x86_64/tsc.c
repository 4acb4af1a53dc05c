/*
 * TSC frequency discovery. CPUID 0x15: TSC = crystal (ECX, Hz) * EBX / EAX;
 * 0x16: EAX = base frequency in MHz; 0x40000010 (KVM/VMware convention):
 * EAX = TSC kHz. The PIT (8254) runs at 1,193,182 Hz; channel 2's gate is
 * bit 0 of port 0x61 and its output reads back as bit 5.
 */
#include "arch/x86_64/tsc.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "wicket/abi.h"

#define PIT_HZ            1193182u
#define PIT_CHANNEL2      0x42
#define PIT_COMMAND       0x43
#define PIT_CHANNEL2_GATE 0x61
#define PIT_GATE_ON       0x01
#define PIT_SPEAKER_ON    0x02
#define PIT_OUT2          0x20
/* Channel 2, low then high byte, mode 0 (interrupt on terminal count). */
#define PIT_CHANNEL2_MODE0 0xb0
#define CALIBRATION_TICKS (PIT_HZ / 20) /* 50 ms */

static uint64_t tsc_from_pit(void)
{
	uint8_t gate = inb(PIT_CHANNEL2_GATE);

	outb(PIT_CHANNEL2_GATE, (uint8_t)((gate & ~PIT_SPEAKER_ON) | PIT_GATE_ON));
	outb(PIT_COMMAND, PIT_CHANNEL2_MODE0);
	outb(PIT_CHANNEL2, CALIBRATION_TICKS & 0xff);
	outb(PIT_CHANNEL2, CALIBRATION_TICKS >> 8);
	uint64_t start = read_tsc();
	/* OUT2 goes high when the count reaches zero; bounded in case the
	 * PIT is missing. */
	for (uint64_t spins = 0; !(inb(PIT_CHANNEL2_GATE) & PIT_OUT2); spins++)
		if (spins > 100000000)
			return 0;
	uint64_t elapsed = read_tsc() - start;
	outb(PIT_CHANNEL2_GATE, gate);
	return elapsed * PIT_HZ / CALIBRATION_TICKS;
}

uint64_t tsc_frequency(uint32_t *source)
{
	uint32_t max_leaf = cpuid(0, 0).eax;

	if (max_leaf >= 0x15) {
		struct cpuid_result r = cpuid(0x15, 0);
		if (r.eax && r.ebx && r.ecx) {
			*source = WK_TSC_FROM_CPUID_15;
			return (uint64_t)r.ecx * r.ebx / r.eax;
		}
	}
	if (max_leaf >= 0x16) {
		uint32_t mhz = cpuid(0x16, 0).eax & 0xffff;
		if (mhz) {
			*source = WK_TSC_FROM_CPUID_16;
			return (uint64_t)mhz * 1000000;
		}
	}
	if (cpu_features.hypervisor &&
	    cpuid(0x40000000, 0).eax >= 0x40000010) {
		uint32_t khz = cpuid(0x40000010, 0).eax;
		if (khz) {
			*source = WK_TSC_FROM_HYPERVISOR;
			return (uint64_t)khz * 1000;
		}
	}
	*source = WK_TSC_FROM_PIT;
	return tsc_from_pit();
}
