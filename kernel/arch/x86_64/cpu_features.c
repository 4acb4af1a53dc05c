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

#define BIT(n) (1u << (n))

struct cpu_features cpu_features;
uint64_t cpu_xsave_components;

#define XSAVE_X87    (1ull << 0)
#define XSAVE_SSE    (1ull << 1)
#define XSAVE_AVX    (1ull << 2)
#define XSAVE_AVX512 (7ull << 5)

/* CR0: MP and NE set, EM and TS clear (x87 and SSE execute, errors as #MF);
 * CR4: OSFXSR and OSXMMEXCPT (FXSAVE, SSE, #XM); with XSAVE, OSXSAVE and
 * XCR0 = every user component the CPU offers among x87, SSE, AVX, AVX-512. */
static void enable_user_fpu(uint64_t *cr4)
{
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~(CR0_EM | CR0_TS));
	*cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (!cpu_features.xsave)
		return;
	write_cr4(*cr4 | CR4_OSXSAVE);
	*cr4 |= CR4_OSXSAVE;
	uint64_t offered = cpuid(0xd, 0).eax;
	uint64_t components = XSAVE_X87 | XSAVE_SSE;
	if (offered & XSAVE_AVX)
		components |= XSAVE_AVX;
	if ((components & XSAVE_AVX) && (offered & XSAVE_AVX512) == XSAVE_AVX512)
		components |= XSAVE_AVX512;
	write_xcr(0, components);
	cpu_xsave_components = components;
}

static void copy_registers(char *to, struct cpuid_result r)
{
	memcpy(to, &r.eax, 4);
	memcpy(to + 4, &r.ebx, 4);
	memcpy(to + 8, &r.ecx, 4);
	memcpy(to + 12, &r.edx, 4);
}

void cpu_features_detect(void)
{
	struct cpu_features *f = &cpu_features;
	struct cpuid_result r = cpuid(0, 0);
	uint32_t max_leaf = r.eax;

	memcpy(f->vendor, &r.ebx, 4);
	memcpy(f->vendor + 4, &r.edx, 4);
	memcpy(f->vendor + 8, &r.ecx, 4);
	f->vendor[12] = '\0';

	r = cpuid(1, 0);
	f->stepping = r.eax & 0xf;
	f->model = (r.eax >> 4) & 0xf;
	f->family = (r.eax >> 8) & 0xf;
	if (f->family == 0xf)
		f->family += (r.eax >> 20) & 0xff;
	if (f->family == 0x6 || f->family >= 0xf)
		f->model |= ((r.eax >> 16) & 0xf) << 4;
	f->pat = r.edx & BIT(16);
	f->x2apic = r.ecx & BIT(21);
	f->tsc_deadline = r.ecx & BIT(24);
	f->xsave = r.ecx & BIT(26);
	f->rdrand = r.ecx & BIT(30);
	f->hypervisor = r.ecx & BIT(31);

	if (max_leaf >= 7) {
		r = cpuid(7, 0);
		f->fsgsbase = r.ebx & BIT(0);
		f->smep = r.ebx & BIT(7);
		f->rdseed = r.ebx & BIT(18);
		f->smap = r.ebx & BIT(20);
		f->umip = r.ecx & BIT(2);
	}

	uint32_t max_extended = cpuid(0x80000000, 0).eax;
	if (max_extended >= 0x80000001) {
		r = cpuid(0x80000001, 0);
		f->nx = r.edx & BIT(20);
		f->gigabyte_pages = r.edx & BIT(26);
	}
	if (max_extended >= 0x80000004) {
		copy_registers(f->brand, cpuid(0x80000002, 0));
		copy_registers(f->brand + 16, cpuid(0x80000003, 0));
		copy_registers(f->brand + 32, cpuid(0x80000004, 0));
		f->brand[48] = '\0';
	}
	if (max_extended >= 0x80000007)
		f->invariant_tsc = cpuid(0x80000007, 0).edx & BIT(8);
	if (max_extended >= 0x80000008)
		f->physical_address_bits = cpuid(0x80000008, 0).eax & 0xff;
}

void cpu_enable_protections(void)
{
	const struct cpu_features *f = &cpu_features;
	uint64_t cr4 = read_cr4();

	if (f->nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (f->smep)
		cr4 |= CR4_SMEP;
	if (f->smap)
		cr4 |= CR4_SMAP;
	uaccess_smap = f->smap;
	if (f->umip)
		cr4 |= CR4_UMIP;
	if (f->fsgsbase)
		cr4 |= CR4_FSGSBASE;
	enable_user_fpu(&cr4);
	write_cr4(cr4);
	/* AM: RFLAGS.AC then turns on alignment checks in ring 3 (#AC). */
	write_cr0(read_cr0() | CR0_WP | CR0_AM);
}

static void print_feature(const char *name, bool present)
{
	kprintf(" %s%s", present ? "+" : "-", name);
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
	print_feature("smep", f->smep);
	print_feature("smap", f->smap);
	print_feature("umip", f->umip);
	print_feature("nx", f->nx);
	print_feature("fsgsbase", f->fsgsbase);
	print_feature("xsave", f->xsave);
	print_feature("x2apic", f->x2apic);
	print_feature("tsc-deadline", f->tsc_deadline);
	print_feature("invariant-tsc", f->invariant_tsc);
	print_feature("rdrand", f->rdrand);
	print_feature("rdseed", f->rdseed);
	print_feature("1g-pages", f->gigabyte_pages);
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
