/*
 * Scenario efault: the argument checks of the native calls. Every bad
 * pointer given to console_write returns -EFAULT (the kernel copies through
 * its exception table and carries on); every bad range or protection given
 * to mem_map, mem_unmap or mem_protect returns -EINVAL, -EEXIST or -ENOMEM
 * as abi.h says, and exhaustion leaks nothing.
 */
#include <stdint.h>

#include "check.h"
#include "print.h"
#include "scenario.h"
#include "string.h"
#include "wicket/native.h"

#define PAGE WK_PAGE_SIZE
#define MIB (1ull << 20)
#define GIB (1ull << 30)

#define PROT_RW (WK_PROT_READ | WK_PROT_WRITE)

/* The scratch layout: each test region has unmapped space around it. */
#define RW_PAGE      (SCRATCH_BASE + 0x00000000ull) /* one page, RW */
#define NONE_PAGE    (SCRATCH_BASE + 0x00100000ull) /* one page, prot 0 */
#define PROBE_AREA   (SCRATCH_BASE + 0x00200000ull) /* argument probes */
#define HUGE_AREA    (SCRATCH_BASE + 0x100000000ull) /* the 64 GiB request */
#define TOUCH_AREA   (SCRATCH_BASE + 0x2000000000ull) /* 16/64 MiB, touched */

static void check_write(const char *what, uint64_t address, long length,
			long expected)
{
	char label[128];

	/* "console_write(<case>)", built without print's console write. */
	size_t n = 0;
	const char *prefix = "console_write(";
	while (*prefix && n < sizeof(label) - 2)
		label[n++] = *prefix++;
	while (*what && n < sizeof(label) - 2)
		label[n++] = *what++;
	label[n++] = ')';
	label[n] = '\0';
	check_value(label, wk_console_write((long)address, length), expected);
}

/* Maps length bytes RW at address, writes one byte in every page, reads
 * them back and unmaps. Returns whether every step worked. */
static bool map_touch_unmap(uint64_t address, uint64_t length)
{
	long result = wk_mem_map((long)address, (long)length, PROT_RW);
	if (result != 0) {
		print("libos: mem_map(0x%lx, 0x%lx) = %ld\n",
		      (unsigned long)address, (unsigned long)length, result);
		return false;
	}
	volatile unsigned char *bytes = (volatile unsigned char *)address;
	uint64_t offset;
	bool ok = true;
	for (offset = 0; offset < length; offset += PAGE)
		bytes[offset] = (unsigned char)(offset >> 12) | 1;
	for (offset = 0; offset < length; offset += PAGE)
		if (bytes[offset] != ((unsigned char)(offset >> 12) | 1))
			ok = false;
	result = wk_mem_unmap((long)address, (long)length);
	if (result != 0) {
		print("libos: mem_unmap(0x%lx, 0x%lx) = %ld\n",
		      (unsigned long)address, (unsigned long)length, result);
		return false;
	}
	return ok;
}

static void console_write_checks(const struct wk_info *info)
{
	static const char message[] = "libos: a valid console_write\n";

	check_value("console_write(valid)",
		    wk_console_write((long)message, sizeof(message) - 1),
		    sizeof(message) - 1);
	check_value("console_write(valid, length 0)",
		    wk_console_write((long)message, 0), 0);

	check_write("NULL", 0, 16, -WK_EFAULT);
	check_write("NULL + 0x1000", 0x1000, 16, -WK_EFAULT);
	check_write("unmapped 0x500000000000", 0x500000000000ull, 16,
		    -WK_EFAULT);
	check_write("kernel 0xffffffff80000000", 0xffffffff80000000ull, 16,
		    -WK_EFAULT);
	check_write("kernel direct map 0xffff800000100000",
		    0xffff800000100000ull, 16, -WK_EFAULT);
	check_write("non-canonical 0x0000800000000000", 0x0000800000000000ull,
		    16, -WK_EFAULT);
	check_write("non-canonical 0x8000000000000000", 0x8000000000000000ull,
		    16, -WK_EFAULT);
	check_write("user end 0x00007ffffffffff8 + 16", 0x00007ffffffffff8ull,
		    16, -WK_EFAULT);
	check_write("wrap 0xfffffffffffff000 + 0x2000", 0xfffffffffffff000ull,
		    0x2000, -WK_EFAULT);
	check_write("wrap 0x00007ffffffff000 + -1", 0x00007ffffffff000ull, -1,
		    -WK_EFAULT);

	/* A range that starts in a mapped page and runs past its end. */
	if (check_value("mem_map(rw page)",
			wk_mem_map(RW_PAGE, PAGE, PROT_RW), 0)) {
		memcpy((char *)(RW_PAGE + PAGE - 8), "[last8]\n", 8);
		check_write("the last 8 bytes of a mapping", RW_PAGE + PAGE - 8,
			    8, 8);
		check_write("straddling the end of a mapping",
			    RW_PAGE + PAGE - 8, 16, -WK_EFAULT);
	}

	check_write("stack guard page", info->stack_bottom - PAGE, 16,
		    -WK_EFAULT);
	check_write("stack guard page into the stack",
		    info->stack_bottom - 8, 16, -WK_EFAULT);
	check_write("the info page + past its end",
		    WK_INFO_ADDRESS + ((sizeof(struct wk_info) + PAGE - 1) &
				       ~(uint64_t)(PAGE - 1)) - 8, 16,
		    -WK_EFAULT);

	if (check_value("mem_map(prot none page)",
			wk_mem_map(NONE_PAGE, PAGE, 0), 0))
		check_write("prot none page", NONE_PAGE, 16, -WK_EFAULT);
}

static void mem_map_checks(void)
{
	const uint64_t probe = PROBE_AREA;

	check_value("mem_map(misaligned address)",
		    wk_mem_map(probe + 1, PAGE, PROT_RW), -WK_EINVAL);
	check_value("mem_map(misaligned length)",
		    wk_mem_map(probe, 100, PROT_RW), -WK_EINVAL);
	check_value("mem_map(length 0)", wk_mem_map(probe, 0, PROT_RW),
		    -WK_EINVAL);
	check_value("mem_map(NULL)", wk_mem_map(0, PAGE, PROT_RW), -WK_EINVAL);
	check_value("mem_map(below WK_USER_MIN)",
		    wk_mem_map(WK_USER_MIN - PAGE, PAGE, PROT_RW), -WK_EINVAL);
	check_value("mem_map(kernel half)",
		    wk_mem_map(0xffffffff80000000ull, PAGE, PROT_RW),
		    -WK_EINVAL);
	check_value("mem_map(non-canonical)",
		    wk_mem_map(0x0000800000000000ull, PAGE, PROT_RW),
		    -WK_EINVAL);
	check_value("mem_map(WK_USER_LIMIT - 4096, 8192)",
		    wk_mem_map(WK_USER_LIMIT - PAGE, 2 * PAGE, PROT_RW),
		    -WK_EINVAL);
	check_value("mem_map(WK_USER_LIMIT, 4096)",
		    wk_mem_map(WK_USER_LIMIT, PAGE, PROT_RW), -WK_EINVAL);
	check_value("mem_map(wrap 0xfffffffffffff000 + 0x2000)",
		    wk_mem_map(0xfffffffffffff000ull, 0x2000, PROT_RW),
		    -WK_EINVAL);
	check_value("mem_map(wrap user address + huge length)",
		    wk_mem_map(probe, (long)(0 - probe), PROT_RW), -WK_EINVAL);
	check_value("mem_map(prot write|exec)",
		    wk_mem_map(probe, PAGE, WK_PROT_WRITE | WK_PROT_EXEC),
		    -WK_EINVAL);
	check_value("mem_map(prot read|write|exec)",
		    wk_mem_map(probe, PAGE, PROT_RW | WK_PROT_EXEC), -WK_EINVAL);
	check_value("mem_map(prot 8)", wk_mem_map(probe, PAGE, 8), -WK_EINVAL);

	/* Over existing mappings: the RW page, the libOS image, the info
	 * page, the stack. A partial overlap maps nothing. */
	check_value("mem_map(over a mapping)",
		    wk_mem_map(RW_PAGE, PAGE, PROT_RW), -WK_EEXIST);
	check_value("mem_map(partly over a mapping)",
		    wk_mem_map(RW_PAGE - PAGE, 2 * PAGE, PROT_RW), -WK_EEXIST);
	check_value("mem_map(the page before, after that)",
		    wk_mem_map(RW_PAGE - PAGE, PAGE, PROT_RW), 0);
	check_value("mem_unmap(the page before)",
		    wk_mem_unmap(RW_PAGE - PAGE, PAGE), 0);
	check_value("mem_map(over the libOS image)",
		    wk_mem_map(WK_LIBOS_BASE, PAGE, WK_PROT_READ), -WK_EEXIST);
	check_value("mem_map(over the info page)",
		    wk_mem_map(WK_INFO_ADDRESS, PAGE, WK_PROT_READ),
		    -WK_EEXIST);
	check_value("mem_map(over the stack top page)",
		    wk_mem_map(WK_STACK_TOP - PAGE, PAGE, PROT_RW), -WK_EEXIST);

	/* Exhaustion is an error, not a panic, and leaks nothing. */
	check_value("mem_map(64 GiB)", wk_mem_map(HUGE_AREA, 64 * GIB, PROT_RW),
		    -WK_ENOMEM);
	check_value("mem_map(first page of the 64 GiB range, after that)",
		    wk_mem_map(HUGE_AREA, PAGE, PROT_RW), 0);
	check_value("mem_unmap(that page)", wk_mem_unmap(HUGE_AREA, PAGE), 0);
	check_true("map, touch, unmap 16 MiB after exhaustion",
		   map_touch_unmap(TOUCH_AREA, 16 * MIB));
	for (int round = 1; round <= 4; round++) {
		char label[64];
		const char *text = "map, touch, unmap 64 MiB, round ";
		size_t n = strlen(text);
		memcpy(label, text, n);
		label[n] = (char)('0' + round);
		label[n + 1] = '\0';
		check_true(label, map_touch_unmap(TOUCH_AREA, 64 * MIB));
	}
	check_value("mem_map(64 GiB) again",
		    wk_mem_map(HUGE_AREA, 64 * GIB, PROT_RW), -WK_ENOMEM);
	check_true("map, touch, unmap 64 MiB after that",
		   map_touch_unmap(TOUCH_AREA, 64 * MIB));

	/* Huge ranges answer at once: the kernel neither walks empty address
	 * space page by page nor tries what cannot fit (the runner's silence
	 * timeout would catch a kernel busy for minutes). */
	check_value("mem_map(the whole user half)",
		    wk_mem_map(WK_USER_MIN, WK_USER_LIMIT - WK_USER_MIN,
			       WK_PROT_READ),
		    -WK_ENOMEM);
	check_value("mem_unmap(16 TiB of empty address space)",
		    wk_mem_unmap(SCRATCH_BASE + 0x10000000000ull,
				 0x100000000000ull),
		    0);

	/* mem_protect: all or nothing. */
	check_value("mem_protect(range with an unmapped page)",
		    wk_mem_protect(RW_PAGE, 2 * PAGE, WK_PROT_READ),
		    -WK_ENOMEM);
	*(volatile char *)RW_PAGE = 'w'; /* still writable, or this faults */
	check_true("the page is still writable", *(volatile char *)RW_PAGE == 'w');
	check_value("mem_protect(misaligned)",
		    wk_mem_protect(RW_PAGE + 8, PAGE, WK_PROT_READ), -WK_EINVAL);
	check_value("mem_protect(write|exec)",
		    wk_mem_protect(RW_PAGE, PAGE, WK_PROT_WRITE | WK_PROT_EXEC),
		    -WK_EINVAL);
	check_value("mem_protect(prot 8)",
		    wk_mem_protect(RW_PAGE, PAGE, 8), -WK_EINVAL);
	check_value("mem_protect(kernel half)",
		    wk_mem_protect(0xffffffff80000000ull, PAGE, WK_PROT_READ),
		    -WK_EINVAL);
	check_value("mem_protect(non-canonical)",
		    wk_mem_protect(0x0000800000000000ull, PAGE, WK_PROT_READ),
		    -WK_EINVAL);

	/* mem_unmap: unmapped pages are skipped; bad ranges are refused. */
	check_value("mem_unmap(unmapped range)",
		    wk_mem_unmap(PROBE_AREA, 16 * PAGE), 0);
	check_value("mem_unmap(misaligned)",
		    wk_mem_unmap(PROBE_AREA + 1, PAGE), -WK_EINVAL);
	check_value("mem_unmap(length 0)", wk_mem_unmap(PROBE_AREA, 0),
		    -WK_EINVAL);
	check_value("mem_unmap(kernel half)",
		    wk_mem_unmap(0xffffffff80000000ull, PAGE), -WK_EINVAL);
	check_value("mem_unmap(non-canonical)",
		    wk_mem_unmap(0x0000800000000000ull, PAGE), -WK_EINVAL);
	check_value("mem_unmap(wrap)",
		    wk_mem_unmap(0xfffffffffffff000ull, 0x2000), -WK_EINVAL);
	check_value("mem_unmap(rw page)", wk_mem_unmap(RW_PAGE, PAGE), 0);
	check_value("mem_map(rw page again)", wk_mem_map(RW_PAGE, PAGE, PROT_RW),
		    0);
	check_true("a remapped page is zeroed",
		   *(volatile uint64_t *)(RW_PAGE + PAGE - 8) == 0);
}

int scenario_efault(const struct wk_info *info)
{
	console_write_checks(info);
	mem_map_checks();
	return check_finish("efault");
}
