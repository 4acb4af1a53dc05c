/*
 * Scenario hello: ring 3 runs, the info page is there and readable, and
 * console_write works.
 */
#include "print.h"
#include "scenario.h"

static const char *tsc_source_name(uint32_t source)
{
	switch (source) {
	case WK_TSC_FROM_CPUID_15: return "cpuid 0x15";
	case WK_TSC_FROM_CPUID_16: return "cpuid 0x16";
	case WK_TSC_FROM_HYPERVISOR: return "hypervisor leaf";
	case WK_TSC_FROM_PIT: return "pit";
	default: return "unknown";
	}
}

int scenario_hello(const struct wk_info *info)
{
	if (info->magic != WK_INFO_MAGIC || info->abi_version != WK_ABI_VERSION) {
		print("libos: FAIL info page: magic 0x%lx (expected 0x%lx), "
		      "abi %u (expected %u)\n", (unsigned long)info->magic,
		      (unsigned long)WK_INFO_MAGIC, info->abi_version,
		      WK_ABI_VERSION);
		return 1;
	}
	print("libos: hello from ring 3\n");
	print("libos: info page at %p, abi %u\n", (const void *)info,
	      info->abi_version);
	print("libos: tsc %lu Hz (%s), boot tsc %lu\n",
	      (unsigned long)info->tsc_frequency_hz,
	      tsc_source_name(info->tsc_source),
	      (unsigned long)info->boot_tsc);
	print("libos: memory %lu MiB, modules %u, cpu features 0x%x\n",
	      (unsigned long)(info->memory_bytes >> 20), info->module_count,
	      info->cpu_features);
	print("libos: stack 0x%lx-0x%lx\n", (unsigned long)info->stack_bottom,
	      (unsigned long)info->stack_top);
	print("libos: command line \"%s\"\n", info->cmdline);
	return 0;
}
