/*
 * Scenario memory: mem_map hands out zeroed, usable pages; mem_protect
 * changes what ring 3 may do with them; mem_unmap gives them back, and a
 * page mapped again is zero; code written into a page while it was RW runs
 * once the page is READ|EXEC.
 */
#include <stdint.h>

#include "check.h"
#include "print.h"
#include "scenario.h"
#include "wicket/native.h"

#define PAGE WK_PAGE_SIZE
#define DATA_AREA (SCRATCH_BASE + 0x10000000ull) /* 4 pages */
#define CODE_PAGE (SCRATCH_BASE + 0x20000000ull)
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

int scenario_memory(const struct wk_info *info)
{
	volatile uint64_t *words = (volatile uint64_t *)DATA_AREA;
	uint64_t i;
	(void)info;

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

	if (check_finish("memory") != 0)
		return 1;
	print("libos: memory: ok\n");
	return 0;
}
