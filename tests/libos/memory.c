/*
 * Scenario memory: mem_map hands out zeroed, usable pages; mem_protect
 * changes what ring 3 may do with them; mem_unmap gives them back, and a
 * page mapped again is zero; code written into a page while it was RW runs
 * once the page is READ|EXEC. mem_share maps the same frames again: writes
 * show through every mapping, a frame outlives its first mapping, and its
 * last unmap frees it (sharing and unmapping more memory than there is
 * would run out otherwise).
 */
#include <stdint.h>

#include "check.h"
#include "print.h"
#include "scenario.h"
#include "wicket/native.h"

#define PAGE WK_PAGE_SIZE
#define DATA_AREA (SCRATCH_BASE + 0x10000000ull) /* 4 pages */
#define CODE_PAGE (SCRATCH_BASE + 0x20000000ull)
#define SHARE_AREA (SCRATCH_BASE + 0x30000000ull)
#define SHARE_ALIAS (SCRATCH_BASE + 0x31000000ull)
#define SHARE_ALIAS2 (SCRATCH_BASE + 0x32000000ull)
#define SHARE_LOOP_PAGES 64
#define AREA_PAGES 4
#define WORDS (AREA_PAGES * PAGE / 8)

static uint64_t pattern(uint64_t i)
{
	return 0x9e3779b97f4a7c15ull * (i + 1) ^ (i << 7);
}

/* Counts the words of the area that differ from pattern (or from zero). */
static uint64_t count_mismatches(bool zero)
{
	const volatile uint64_t *words = (const volatile uint64_t *)DATA_AREA;
	uint64_t bad = 0, i;

	for (i = 0; i < WORDS; i++)
		if (words[i] != (zero ? 0 : pattern(i)))
			bad++;
	return bad;
}

static long share(uint64_t to, uint64_t length, long prot, uint64_t from)
{
	return wk_mem_share((long)to, (long)length, prot, (long)from);
}

static void check_sharing(const struct wk_info *info)
{
	volatile uint64_t *area = (volatile uint64_t *)SHARE_AREA;
	volatile uint64_t *alias = (volatile uint64_t *)SHARE_ALIAS;
	volatile uint64_t *alias2 = (volatile uint64_t *)SHARE_ALIAS2;
	const long rw = WK_PROT_READ | WK_PROT_WRITE;

	if (!check_value("mem_map(2 pages to share)",
			 wk_mem_map(SHARE_AREA, 2 * PAGE, rw), 0))
		return;
	area[0] = 11;
	area[PAGE / 8] = 22;
	check_value("mem_share(read)",
		    share(SHARE_ALIAS, 2 * PAGE, WK_PROT_READ, SHARE_AREA), 0);
	check_true("the alias reads both pages",
		   alias[0] == 11 && alias[PAGE / 8] == 22);
	area[1] = 33;
	check_true("a write shows in the alias", alias[1] == 33);
	check_value("mem_share(rw) of the alias's second page",
		    share(SHARE_ALIAS2, PAGE, rw, SHARE_ALIAS + PAGE), 0);
	alias2[2] = 44;
	check_true("a write to the second alias shows in the first mapping",
		   area[PAGE / 8 + 2] == 44);

	/* Refusals, each changing nothing. */
	check_value("mem_share(onto a mapped page)",
		    share(SHARE_ALIAS2, PAGE, rw, SHARE_AREA), -WK_EEXIST);
	check_value("mem_share(from a range with an unmapped page)",
		    share(SHARE_ALIAS2 + PAGE, 2 * PAGE, rw, SHARE_AREA + PAGE),
		    -WK_ENOMEM);
	check_value("mem_share(from the counters page)",
		    share(SHARE_ALIAS2 + PAGE, PAGE, WK_PROT_READ,
			  WK_COUNTERS_ADDRESS), -WK_EINVAL);
	check_value("mem_share(write|exec)",
		    share(SHARE_ALIAS2 + PAGE, PAGE,
			  WK_PROT_WRITE | WK_PROT_EXEC, SHARE_AREA), -WK_EINVAL);
	check_value("mem_share(misaligned source)",
		    share(SHARE_ALIAS2 + PAGE, PAGE, rw, SHARE_AREA + 8),
		    -WK_EINVAL);
	check_value("mem_share(kernel half source)",
		    share(SHARE_ALIAS2 + PAGE, PAGE, rw, 0xffffffff80000000ull),
		    -WK_EINVAL);
	check_value("mem_share(length 0)",
		    share(SHARE_ALIAS2 + PAGE, 0, rw, SHARE_AREA), -WK_EINVAL);
	check_value("mem_share(the page a refusal left alone)",
		    share(SHARE_ALIAS2 + PAGE, PAGE, rw, SHARE_AREA), 0);

	/* The frames outlive the first mapping. */
	check_value("mem_unmap(the first mapping)",
		    wk_mem_unmap(SHARE_AREA, 2 * PAGE), 0);
	check_true("the alias keeps the frames",
		   alias[0] == 11 && alias[1] == 33 && alias[PAGE / 8] == 22);
	check_value("mem_unmap(the aliases)",
		    wk_mem_unmap(SHARE_ALIAS, 2 * PAGE) |
			    wk_mem_unmap(SHARE_ALIAS2, 2 * PAGE), 0);

	/* 255 more mappings of one frame, and not one more. */
	long failed = 0;

	check_value("mem_map(one page)", wk_mem_map(SHARE_AREA, PAGE, rw), 0);
	for (uint64_t i = 0; i < 255; i++)
		failed |= share(SHARE_ALIAS + i * PAGE, PAGE, WK_PROT_READ,
				SHARE_AREA);
	check_value("255 shares of one frame", failed, 0);
	check_value("the 256th share",
		    share(SHARE_ALIAS + 255 * PAGE, PAGE, WK_PROT_READ,
			  SHARE_AREA), -WK_ENOMEM);
	check_value("mem_unmap(them all)",
		    wk_mem_unmap(SHARE_ALIAS, 256 * PAGE) |
			    wk_mem_unmap(SHARE_AREA, PAGE), 0);

	/* More than all of memory goes through shared mappings: the last
	 * unmap of each frame must free it. */
	uint64_t rounds = info->memory_bytes / (SHARE_LOOP_PAGES * PAGE) + 16;

	failed = 0;
	for (uint64_t i = 0; i < rounds && failed == 0; i++) {
		failed |= wk_mem_map(SHARE_AREA, SHARE_LOOP_PAGES * PAGE, rw);
		failed |= share(SHARE_ALIAS, SHARE_LOOP_PAGES * PAGE, rw,
				SHARE_AREA);
		failed |= wk_mem_unmap(SHARE_AREA, SHARE_LOOP_PAGES * PAGE);
		failed |= wk_mem_unmap(SHARE_ALIAS, SHARE_LOOP_PAGES * PAGE);
	}
	check_value("mapping, sharing and unmapping all memory over again",
		    failed, 0);
}

int scenario_memory(const struct wk_info *info)
{
	volatile uint64_t *words = (volatile uint64_t *)DATA_AREA;
	uint64_t i;

	if (!check_value("mem_map(4 pages rw)",
			 wk_mem_map(DATA_AREA, AREA_PAGES * PAGE,
				    WK_PROT_READ | WK_PROT_WRITE), 0))
		return check_finish("memory");
	check_value("words not zero after mem_map", (long)count_mismatches(true),
		    0);
	for (i = 0; i < WORDS; i++)
		words[i] = pattern(i);
	check_value("words differing from the pattern",
		    (long)count_mismatches(false), 0);

	check_value("mem_protect(read)",
		    wk_mem_protect(DATA_AREA, AREA_PAGES * PAGE, WK_PROT_READ), 0);
	check_value("words differing after mem_protect(read)",
		    (long)count_mismatches(false), 0);

	check_value("mem_unmap", wk_mem_unmap(DATA_AREA, AREA_PAGES * PAGE), 0);
	check_value("mem_map again",
		    wk_mem_map(DATA_AREA, AREA_PAGES * PAGE,
			       WK_PROT_READ | WK_PROT_WRITE), 0);
	check_value("words not zero after mapping again",
		    (long)count_mismatches(true), 0);
	check_value("mem_protect(read|write) of a rw area",
		    wk_mem_protect(DATA_AREA, AREA_PAGES * PAGE,
				   WK_PROT_READ | WK_PROT_WRITE), 0);
	words[WORDS - 1] = 42;
	check_true("write after mem_protect(read|write)",
		   words[WORDS - 1] == 42);
	check_value("mem_unmap", wk_mem_unmap(DATA_AREA, AREA_PAGES * PAGE), 0);

	/* Code: write `mov $0x2a, %eax; ret` while RW, then make it R X. */
	if (check_value("mem_map(code page rw)",
			wk_mem_map(CODE_PAGE, PAGE,
				   WK_PROT_READ | WK_PROT_WRITE), 0)) {
		static const unsigned char code[] = { 0xb8, 0x2a, 0, 0, 0, 0xc3 };
		volatile unsigned char *bytes = (volatile unsigned char *)CODE_PAGE;
		for (i = 0; i < sizeof(code); i++)
			bytes[i] = code[i];
		if (check_value("mem_protect(read|exec)",
				wk_mem_protect(CODE_PAGE, PAGE,
					       WK_PROT_READ | WK_PROT_EXEC), 0)) {
			int (*function)(void) = (int (*)(void))CODE_PAGE;
			__asm__ volatile("" ::: "memory");
			check_value("calling the code page", function(), 42);
		}
		check_value("mem_unmap(code page)", wk_mem_unmap(CODE_PAGE, PAGE),
			    0);
	}

	check_sharing(info);

	if (check_finish("memory") != 0)
		return 1;
	print("libos: memory: ok\n");
	return 0;
}
