/*
 * The boot CPU's local APIC as the kernel's timer (Intel SDM vol. 3A,
 * 11.4 "Local APIC", 11.5.4 "APIC Timer", 11.12 "Extended XAPIC (x2APIC)").
 * kmain calls apic_init once; the event core (#4) arms the timer and
 * acknowledges its interrupts. Interrupts stay off throughout.
 *
 * Registers are named by their xAPIC MMIO offset. In xAPIC mode they are
 * 32-bit uncached loads and stores at the APIC base (mapped with
 * paging_map_mmio); in x2APIC mode the same register is MSR 0x800 +
 * (offset >> 4).
 *
 * The timer: with TSC-deadline mode the deadline goes to
 * IA32_TSC_DEADLINE as is. Without it, one-shot mode with divide-by-1
 * (the finest resolution: under QEMU one tick per nanosecond, so the
 * 32-bit count spans about 4.3 s; a real APIC bus of 25..200 MHz spans
 * 21..170 s). A TSC distance becomes an APIC count through `ticks_per_tsc`,
 * a 32.32 fixed-point ratio measured at boot.
 */
#include "arch/x86_64/apic.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/paging.h"
#include "console.h"

#define MSR_APIC_BASE        0x1bu
#define APIC_BASE_EXTD       (1ull << 10) /* x2APIC mode */
#define APIC_BASE_ENABLE     (1ull << 11)
#define APIC_BASE_ADDRESS    0xfffff000ull
#define MSR_TSC_DEADLINE     0x6e0u
#define MSR_X2APIC_FIRST     0x800u

#define CPUID_1_EDX_APIC     (1u << 9)

/* Register offsets (xAPIC MMIO). */
#define APIC_ID              0x020
#define APIC_VERSION         0x030
#define APIC_TPR             0x080
#define APIC_EOI             0x0b0
#define APIC_SVR             0x0f0
#define APIC_LVT_CMCI        0x2f0
#define APIC_LVT_TIMER       0x320
#define APIC_LVT_THERMAL     0x330
#define APIC_LVT_PERF        0x340
#define APIC_LVT_LINT0       0x350
#define APIC_LVT_LINT1       0x360
#define APIC_LVT_ERROR       0x370
#define APIC_TIMER_INITIAL   0x380
#define APIC_TIMER_CURRENT   0x390
#define APIC_TIMER_DIVIDE    0x3e0

#define APIC_SVR_ENABLE      (1u << 8)
#define APIC_LVT_MASKED      (1u << 16)
#define APIC_LVT_ONE_SHOT    (0u << 17)
#define APIC_LVT_TSC_DEADLINE (2u << 17)
#define APIC_DIVIDE_BY_1     0xb
/* The version register's bits 23:16: the number of LVT entries - 1. */
#define APIC_VERSION_MAX_LVT(v) (((v) >> 16) & 0xff)

#define CALIBRATION_DIVISOR  100 /* 1/100 s of TSC time */

static volatile uint32_t *xapic_registers; /* NULL in x2APIC mode */
static bool tsc_deadline;
/* One-shot mode: APIC ticks per TSC tick, times 2^32. */
static uint64_t ticks_per_tsc;

static uint32_t apic_read(uint32_t reg)
{
	if (xapic_registers == NULL)
		return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
	return xapic_registers[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t value)
{
	if (xapic_registers == NULL)
		wrmsr(MSR_X2APIC_FIRST + (reg >> 4), value);
	else
		xapic_registers[reg / 4] = value;
}

/*
 * Enables the APIC in the IA32_APIC_BASE MSR, in x2APIC mode when the CPU
 * has it (from disabled, through xAPIC mode first: EN then EN|EXTD is the
 * transition the SDM's figure 11-27 allows), else maps the xAPIC page.
 */
static int apic_enable(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE)) {
		base = (base & ~APIC_BASE_EXTD) | APIC_BASE_ENABLE;
		wrmsr(MSR_APIC_BASE, base);
	}
	if (cpu_features.x2apic) {
		if (!(base & APIC_BASE_EXTD))
			wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
		return 0;
	}
	uint64_t physical = base & APIC_BASE_ADDRESS;
	xapic_registers = paging_map_mmio(physical, PAGE_SIZE, false);
	if (xapic_registers == NULL) {
		kprintf("wicket: timer: cannot map the local APIC at %#lx "
			"uncached (is it inside the RAM direct map?)\n",
			physical);
		return -1;
	}
	return 0;
}

/* The current count with the TSC at the moment it was read (the middle of
 * two reads around it). */
static uint32_t read_count_at(uint64_t *tsc)
{
	uint64_t before = read_tsc();
	uint32_t count = apic_read(APIC_TIMER_CURRENT);
	uint64_t after = read_tsc();

	*tsc = before + (after - before) / 2;
	return count;
}

/*
 * One-shot mode, divide-by-1: lets the (masked) timer count down from
 * 0xffffffff over 10 ms of TSC time and keeps the ratio. Returns -1 when
 * the timer does not count.
 */
static int calibrate_one_shot(uint64_t tsc_hz)
{
	uint64_t start_tsc, end_tsc;

	if (tsc_hz < CALIBRATION_DIVISOR) {
		kprintf("wicket: timer: no TSC frequency to calibrate the "
			"APIC timer against\n");
		return -1;
	}
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_LVT_ONE_SHOT |
				   APIC_TIMER_VECTOR);
	apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
	uint32_t start = read_count_at(&start_tsc);
	while (read_tsc() - start_tsc < tsc_hz / CALIBRATION_DIVISOR)
		;
	uint32_t end = read_count_at(&end_tsc);
	apic_write(APIC_TIMER_INITIAL, 0);

	uint64_t ticks = start - end; /* the count runs down, never wraps */
	uint64_t elapsed = end_tsc - start_tsc;
	if (end == 0 || ticks == 0 || elapsed == 0) {
		kprintf("wicket: timer: the APIC timer does not count "
			"(%lu ticks in %lu TSC ticks)\n", ticks, elapsed);
		return -1;
	}
	/* ticks < 2^32, so ticks << 32 fits. */
	ticks_per_tsc = (ticks << 32) / elapsed;
	if (ticks_per_tsc == 0)
		ticks_per_tsc = 1;
	apic_write(APIC_LVT_TIMER, APIC_LVT_ONE_SHOT | APIC_TIMER_VECTOR);
	return 0;
}

int apic_init(uint64_t tsc_hz)
{
	/* 1. Is there one? */
	if (!(cpuid(1, 0).edx & CPUID_1_EDX_APIC)) {
		kprintf("wicket: timer: no local APIC (CPUID.1:EDX bit 9 is "
			"clear)\n");
		return -1;
	}
	if (apic_enable())
		return -1;

	/* 2. Software enable, accept every priority, mask the local
	 * interrupt sources. The LVT entries after the timer, in the order
	 * the version register counts them (SDM 11.5.1: 4 entries through
	 * the error one, 5 with performance, 6 with thermal, 7 with CMCI):
	 * entry i exists when i < the max LVT field; in x2APIC mode touching
	 * an absent register is a #GP. */
	static const uint16_t lvt[6] = { APIC_LVT_LINT0, APIC_LVT_LINT1,
					 APIC_LVT_ERROR, APIC_LVT_PERF,
					 APIC_LVT_THERMAL, APIC_LVT_CMCI };
	uint32_t max_lvt = APIC_VERSION_MAX_LVT(apic_read(APIC_VERSION));

	apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	apic_write(APIC_TPR, 0);
	for (uint32_t i = 0; i < 6 && i < max_lvt; i++)
		apic_write(lvt[i], APIC_LVT_MASKED);

	const char *mode = xapic_registers == NULL ? "x2APIC" : "xAPIC";

	/* 3. The timer, disarmed. */
	if (cpu_features.tsc_deadline) {
		tsc_deadline = true;
		apic_write(APIC_LVT_TIMER,
			   APIC_LVT_TSC_DEADLINE | APIC_TIMER_VECTOR);
		/* SDM 11.5.4.1: the LVT write (an uncached store in xAPIC
		 * mode, a non-serialising WRMSR in x2APIC mode) must be
		 * ordered before the first IA32_TSC_DEADLINE write. */
		__asm__ volatile("mfence; lfence" : : : "memory");
		wrmsr(MSR_TSC_DEADLINE, 0);
		kinfo("wicket: timer: local APIC (%s), TSC-deadline mode\n",
		      mode);
		return 0;
	}
	if (calibrate_one_shot(tsc_hz))
		return -1;
	kinfo("wicket: timer: local APIC (%s), one-shot mode, %lu APIC "
	      "ticks per 1000 TSC ticks\n", mode,
	      (ticks_per_tsc * 1000 + ((uint64_t)1 << 31)) >> 32);
	return 0;
}

void apic_timer_arm(uint64_t deadline_tsc)
{
	if (tsc_deadline) {
		wrmsr(MSR_TSC_DEADLINE, deadline_tsc);
		return;
	}
	if (deadline_tsc == 0) {
		apic_write(APIC_TIMER_INITIAL, 0); /* stops the count */
		return;
	}
	uint64_t now = read_tsc();
	uint64_t distance = deadline_tsc > now ? deadline_tsc - now : 0;
	/* Rounded up, so that calibration is the only reason to be early. */
	unsigned __int128 scaled =
		(unsigned __int128)distance * ticks_per_tsc + 0xffffffffu;
	uint64_t count = (uint64_t)(scaled >> 32);
	if (count == 0)
		count = 1;
	if ((scaled >> 64) != 0 || count > 0xffffffffu)
		count = 0xffffffffu;
	apic_write(APIC_TIMER_INITIAL, (uint32_t)count);
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

uint32_t apic_id(void)
{
	uint32_t id = apic_read(APIC_ID);

	return xapic_registers == NULL ? id : id >> 24;
}
