/*
 * Scenario sse: ring 3 can use x87, SSE and (when the info page says so)
 * XSAVE's XGETBV: the kernel set CR0/CR4 and XCR0 for it. The test libOS is
 * built with -mgeneral-regs-only, so the floating-point work is inline asm;
 * a #UD here means the kernel left the FPU off.
 */
#include <stdint.h>

#include "check.h"
#include "print.h"
#include "scenario.h"

int scenario_sse(const struct wk_info *info)
{
	uint64_t sum, xcr0_low, xcr0_high;
	int32_t x87;

	__asm__ volatile("movq %[a], %%xmm0\n\t"
			 "movq %[b], %%xmm1\n\t"
			 "paddq %%xmm1, %%xmm0\n\t"
			 "movq %%xmm0, %[sum]"
			 : [sum] "=r"(sum)
			 : [a] "r"(0x1111ull), [b] "r"(0x2222ull));
	print("libos: sse paddq 0x1111 + 0x2222 = 0x%lx\n", (unsigned long)sum);
	check_value("sse paddq", (long)sum, 0x3333);

	__asm__ volatile("fninit\n\t"
			 "fld1\n\t"
			 "fld1\n\t"
			 "faddp\n\t"
			 "fistpl %[result]"
			 : [result] "=m"(x87));
	print("libos: x87 1 + 1 = %d\n", x87);
	check_value("x87 fadd", x87, 2);

	if (info->cpu_features & WK_CPU_XSAVE) {
		__asm__ volatile("xgetbv"
				 : "=a"(xcr0_low), "=d"(xcr0_high)
				 : "c"(0));
		uint64_t xcr0 = (xcr0_high << 32) | (uint32_t)xcr0_low;
		print("libos: xcr0 0x%lx, info page 0x%lx\n", (unsigned long)xcr0,
		      (unsigned long)info->xsave_components);
		check_true("xcr0 matches the info page and has x87 and SSE",
			   xcr0 == info->xsave_components && (xcr0 & 3) == 3);
	} else {
		print("libos: no XSAVE: xcr0 not checked\n");
	}
	return check_finish("sse");
}
