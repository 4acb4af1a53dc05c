/*
 * CPUID leaves and bits (Intel SDM vol. 2A, CPUID; AMD APM vol. 3):
 *   1.ECX:  21 x2APIC, 24 TSC-deadline, 26 XSAVE, 30 RDRAND, 31 hypervisor
 *   7.0.EBX: 0 FSGSBASE, 7 SMEP, 18 RDSEED, 20 SMAP;  7.0.ECX: 2 UMIP
 *   0x80000001.EDX: 20 NX, 26 1 GiB pages;  0x80000007.EDX: 8 invariant TSC
 *   0x80000008.EAX: 7:0 physical address width
 *   0xD.0.EAX: the XSAVE components XCR0 may enable (0 x87, 1 SSE, 2 AVX,
 *   5-7 AVX-512 opmask, ZMM_Hi256, Hi16_ZMM; 5-7 only all together)
 */
#include "arch/x86_64/cpu_features.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/uaccess.h"
#include "console.h"
#include "lib/string.h"
#include "wicket/abi.h"

struct cpu_features cpu_features;
uint64_t cpu_xsave_components;
/* The CR4 bits of the features present (the table's cr4 column). */
static uint64_t protections_cr4;

#define XSAVE_X87    (1ull << 0)
#define XSAVE_SSE    (1ull << 1)
#define XSAVE_AVX    (1ull << 2)
#define XSAVE_AVX512 (7ull << 5)

enum { EAX, EBX, ECX, EDX };

/* A feature's CPUID bit (subleaf 0), its flag, the CR4 bit that turns on
 * what it offers (0: none, or not in CR4, as NX, which paging_init turns
 * on) and its WK_CPU_* bit for the info page (0: none). The banner's
 * feature line names those with a name, in this order. */
static const struct feature_bit {
	const char *name;
	bool *flag;
	uint32_t leaf;
	uint8_t reg;
	uint8_t bit;
	uint32_t cr4;
	uint32_t abi;
} feature_bits[] = {
	{ "smep", &cpu_features.smep, 7, EBX, 7, CR4_SMEP, WK_CPU_SMEP },
	{ "smap", &cpu_features.smap, 7, EBX, 20, CR4_SMAP, WK_CPU_SMAP },
	{ "umip", &cpu_features.umip, 7, ECX, 2, CR4_UMIP, WK_CPU_UMIP },
	{ "nx", &cpu_features.nx, 0x80000001, EDX, 20, 0, WK_CPU_NX },
	{ "fsgsbase", &cpu_features.fsgsbase, 7, EBX, 0, CR4_FSGSBASE,
	  WK_CPU_FSGSBASE },
	{ "xsave", &cpu_features.xsave, 1, ECX, 26, CR4_OSXSAVE, WK_CPU_XSAVE },
	{ "x2apic", &cpu_features.x2apic, 1, ECX, 21, 0, WK_CPU_X2APIC },
	{ "tsc-deadline", &cpu_features.tsc_deadline, 1, ECX, 24, 0,
	  WK_CPU_TSC_DEADLINE },
	{ "invariant-tsc", &cpu_features.invariant_tsc, 0x80000007, EDX, 8, 0,
	  WK_CPU_INVARIANT_TSC },
	{ "rdrand", &cpu_features.rdrand, 1, ECX, 30, 0, WK_CPU_RDRAND },
	{ "rdseed", &cpu_features.rdseed, 7, EBX, 18, 0, WK_CPU_RDSEED },
	{ "1g-pages", &cpu_features.gigabyte_pages, 0x80000001, EDX, 26, 0, 0 },
	{ NULL, &cpu_features.hypervisor, 1, ECX, 31, 0, 0 },
	{ NULL, &cpu_features.pat, 1, EDX, 16, 0, 0 },
};
#define FEATURE_BITS (sizeof(feature_bits) / sizeof(feature_bits[0]))

void cpu_features_detect(void)
{
	struct cpu_features *f = &cpu_features;
	struct cpuid_result r = cpuid(0, 0);
	uint32_t max_leaf = r.eax;
	uint32_t max_extended = cpuid(0x80000000, 0).eax;

	uint32_t vendor[3] = { r.ebx, r.edx, r.ecx };
	memcpy(f->vendor, vendor, 12);
	f->vendor[12] = '\0';

	r = cpuid(1, 0);
	f->stepping = r.eax & 0xf;
	f->model = (r.eax >> 4) & 0xf;
	f->family = (r.eax >> 8) & 0xf;
	if (f->family == 0xf)
		f->family += (r.eax >> 20) & 0xff;
	if (f->family == 0x6 || f->family >= 0xf)
		f->model |= ((r.eax >> 16) & 0xf) << 4;

	for (const struct feature_bit *b = feature_bits;
	     b < feature_bits + FEATURE_BITS; b++) {
		if (b->leaf > (b->leaf >= 0x80000000 ? max_extended : max_leaf))
			continue;
		r = cpuid(b->leaf, 0);
		uint32_t regs[4] = { r.eax, r.ebx, r.ecx, r.edx };
		if (!((regs[b->reg] >> b->bit) & 1))
			continue;
		*b->flag = true;
		f->abi |= b->abi;
		protections_cr4 |= b->cr4;
	}
	for (unsigned i = 0; i < 3 && max_extended >= 0x80000004; i++) {
		r = cpuid(0x80000002 + i, 0);
		memcpy(f->brand + 16 * i, &r, 16); /* EAX, EBX, ECX, EDX */
	}
	if (max_extended >= 0x80000008)
		f->physical_address_bits = cpuid(0x80000008, 0).eax & 0xff;
}

/* CR0: MP and NE set, EM and TS clear (x87 and SSE execute, errors as #MF),
 * WP, and AM (RFLAGS.AC then turns on alignment checks in ring 3, #AC).
 * CR4: OSFXSR and OSXMMEXCPT (FXSAVE, SSE, #XM) and the table's bits; with
 * XSAVE, XCR0 = every user component the CPU offers among x87, SSE, AVX,
 * AVX-512. */
void cpu_enable_protections(void)
{
	write_cr0((read_cr0() | CR0_MP | CR0_NE | CR0_WP | CR0_AM) &
		  ~(CR0_EM | CR0_TS));
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | protections_cr4);
	uaccess_smap = cpu_features.smap;
	if (!cpu_features.xsave)
		return;
	uint64_t offered = cpuid(0xd, 0).eax;
	cpu_xsave_components = XSAVE_X87 | XSAVE_SSE | (offered & XSAVE_AVX);
	if ((offered & XSAVE_AVX) && (offered & XSAVE_AVX512) == XSAVE_AVX512)
		cpu_xsave_components |= XSAVE_AVX512;
	write_xcr(0, cpu_xsave_components);
}

void cpu_features_print(void)
{
	const struct cpu_features *f = &cpu_features;
	const char *brand = f->brand;

	while (*brand == ' ')
		brand++;
	kprintf("wicket: cpu: %s family %u model %#x stepping %u \"%s\"%s\n",
		f->vendor, f->family, f->model, f->stepping, brand,
		f->hypervisor ? " (virtual)" : "");
	kprintf("wicket: cpu features:");
	for (const struct feature_bit *b = feature_bits;
	     b < feature_bits + FEATURE_BITS && b->name; b++)
		kprintf(" %s%s", *b->flag ? "+" : "-", b->name);
	kprintf("\n");
	if (!f->invariant_tsc)
		kprintf("wicket: warning: the TSC is not invariant: its rate may "
			"change with power states, and clocks and the timer "
			"assume it does not\n");
	kprintf("wicket: protections on: wp%s%s%s%s%s\n",
		f->nx ? " nx" : "", f->smep ? " smep" : "",
		f->smap ? " smap" : "", f->umip ? " umip" : "",
		f->fsgsbase ? " fsgsbase" : "");
	kprintf("wicket: user FPU: x87 sse%s (xcr0 0x%lx)\n",
		f->xsave ? " xsave" : "", cpu_xsave_components);
}
