/*
 * The test kernel's self-tests (wicket-test.elf only; kmain calls
 * kernel_selftest). Faults forced from the command line (`wicket.test=NAME`)
 * so that the boot tests can check the panic reports and the exit paths,
 * each in its own noinline function so that the report has a name to show:
 *   ud2             an invalid opcode in selftest_invalid_opcode
 *   panic           panic() from selftest_panic
 *   write-text      a write to the kernel's own text (W^X)
 *   execute-data    a call into the kernel's data (NX)
 *   uaccess         copy_from_user and copy_to_user on
 *                   good, straddling, unmapped, kernel-half, non-canonical
 *                   and wrapping user ranges (prints a verdict, goes on)
 *   smap-read-user  a kernel read of a user page without STAC (SMAP);
 *                   without SMAP it says so and goes on
 *   smep-execute-user  a kernel call into a user page (SMEP); likewise
 *   stack-overflow  unbounded recursion into the main stack's guard page
 *   exit:N          exit with status N (0..255)
 * An unknown name is reported and ignored. Kernel-side benchmarks
 * (`wicket.bench=NAME`, printed as "wicket: bench: ..." lines):
 *   usercopy        copy_from_user of 4 KiB from a user page through the
 *                   exception-table path, 1,000 times: median and minimum
 *                   TSC cycles
 */
#include "kmain.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/uaccess.h"
#include "cmdline.h"
#include "console.h"
#include "lib/string.h"
#include "mm/user_memory.h"
#include "wicket/abi.h"
#include "panic.h"

/* The stack local gives the function a frame, so that the backtrace shows
 * its caller (a frameless leaf is invisible to a frame-pointer walk). */
__attribute__((noinline)) static void selftest_invalid_opcode(void)
{
	volatile int in_frame = 0;

	__asm__ volatile("ud2");
	(void)in_frame;
}

__attribute__((noinline)) static void selftest_panic(void)
{
	panic("forced by wicket.test=panic");
}

__attribute__((noinline)) static void selftest_write_text(void)
{
	volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)&kernel_selftest;

	*text = 0xcc;
}

/* A RET instruction in the kernel's data, which is mapped NX. */
static uint8_t selftest_data_code[16] = {0xc3};

__attribute__((noinline)) static void selftest_execute_data(void)
{
	void (*volatile function)(void) =
		(void (*)(void))(uintptr_t)selftest_data_code;

	function();
	function = NULL; /* not a tail call: keep this frame in the backtrace */
}

__attribute__((noinline)) static uint64_t selftest_recurse(volatile uint64_t depth)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)depth;
	if (depth == UINT64_MAX)
		return frame[0];
	return selftest_recurse(depth + 1) + frame[0];
}

#define SELFTEST_USER_PAGE 0x200000000ull

/* Maps a user page holding a RET, for the SMAP and SMEP tests. */
static bool map_user_page(void)
{
	static const uint8_t ret = 0xc3;

	if (user_memory_map(SELFTEST_USER_PAGE, WK_PAGE_SIZE, WK_PROT_READ | WK_PROT_WRITE))
		return false;
	copy_to_user(user_pointer(SELFTEST_USER_PAGE), &ret, 1);
	user_memory_protect(SELFTEST_USER_PAGE, WK_PAGE_SIZE,
			    WK_PROT_READ | WK_PROT_EXEC);
	return true;
}

/* With SMAP on, a kernel read of a user page outside STAC/CLAC faults. */
__attribute__((noinline)) static void selftest_smap_read_user(void)
{
	if (!cpu_features.smap || !map_user_page()) {
		kprintf("wicket: self-test smap-read-user: SMAP is absent\n");
		return;
	}
	kprintf("wicket: read 0x%x\n",
		*(volatile const uint8_t *)SELFTEST_USER_PAGE);
}

/* With SMEP on, the kernel cannot execute a user page. */
__attribute__((noinline)) static void selftest_smep_execute_user(void)
{
	if (!cpu_features.smep || !map_user_page()) {
		kprintf("wicket: self-test smep-execute-user: SMEP is absent\n");
		return;
	}
	void (*volatile function)(void) =
		(void (*)(void))(uintptr_t)SELFTEST_USER_PAGE;
	function();
	function = NULL;
}

/* Exercises the uaccess functions on pages the kernel maps for the test:
 * every bad-pointer class must give its error, never a kernel fault. */
static unsigned uaccess_failures, uaccess_checks;

static void uaccess_expect(const char *what, long got, long want)
{
	uaccess_checks++;
	if (got != want) {
		uaccess_failures++;
		kprintf("wicket: self-test uaccess: FAIL %s: %ld, expected %ld\n",
			what, got, want);
	}
}

__attribute__((noinline)) static void selftest_uaccess(void)
{
	static char buffer[64];
	const uint64_t page = SELFTEST_USER_PAGE;
	const uint64_t end = page + WK_PAGE_SIZE; /* nothing is mapped here */

	if (user_memory_map(page, WK_PAGE_SIZE, WK_PROT_READ | WK_PROT_WRITE)) {
		kprintf("wicket: self-test uaccess: no memory\n");
		return;
	}
	uaccess_expect("copy_to_user page", copy_to_user(user_pointer(page), "hello", 6), 0);
	uaccess_expect("copy_from_user page", copy_from_user(buffer, user_pointer(page), 6), 0);
	uaccess_expect("round trip", strcmp(buffer, "hello"), 0);
	uaccess_expect("copy_to_user end of page", copy_to_user(user_pointer(end - 8), "12345678", 8), 0);
	uaccess_expect("copy_to_user straddling", copy_to_user(user_pointer(end - 4), "12345678", 8), -WK_EFAULT);
	uaccess_expect("copy_from_user straddling", copy_from_user(buffer, user_pointer(end - 5), 9), -WK_EFAULT);
	uaccess_expect("copy_from_user NULL", copy_from_user(buffer, user_pointer(0), 8), -WK_EFAULT);
	uaccess_expect("copy_to_user kernel half",
		       copy_to_user(user_pointer(0xffffffff80100000ull), "x", 1), -WK_EFAULT);
	uaccess_expect("copy_from_user non-canonical",
		       copy_from_user(buffer, user_pointer(0x0000800000000000ull), 1), -WK_EFAULT);
	uaccess_expect("copy_from_user wrapping length",
		       copy_from_user(buffer, user_pointer(page), UINT64_MAX - page + 2), -WK_EFAULT);
	uaccess_expect("copy_from_user past the user limit",
		       copy_from_user(buffer, user_pointer(WK_USER_LIMIT - 8), 16), -WK_EFAULT);
	uaccess_expect("copy_from_user kernel half",
		       copy_from_user(buffer, user_pointer(0xffff800000000000ull), 4), -WK_EFAULT);
	uaccess_expect("copy_to_user 4 bytes unmapped",
		       copy_to_user(user_pointer(end), "abc", 4), -WK_EFAULT);
	uaccess_expect("copy_from_user zero bytes anywhere in the half",
		       copy_from_user(buffer, user_pointer(end), 0), 0);
	user_memory_unmap(page, WK_PAGE_SIZE);
	uaccess_expect("copy_from_user after unmap", copy_from_user(buffer, user_pointer(page), 1), -WK_EFAULT);
	if (uaccess_failures == 0)
		kprintf("wicket: self-test uaccess: all %u checks passed\n",
			uaccess_checks);
}

static int parse_status(const char *text)
{
	int value = 0;

	if (*text == '\0')
		return -1;
	for (; *text; text++) {
		if (*text < '0' || *text > '9' || value > 255)
			return -1;
		value = value * 10 + (*text - '0');
	}
	return value <= 255 ? value : -1;
}

__attribute__((noinline)) static void selftest_run(const char *name)
{
	kprintf("wicket: self-test %s\n", name);
	if (strcmp(name, "ud2") == 0) {
		selftest_invalid_opcode();
	} else if (strcmp(name, "panic") == 0) {
		selftest_panic();
	} else if (strcmp(name, "write-text") == 0) {
		selftest_write_text();
	} else if (strcmp(name, "execute-data") == 0) {
		selftest_execute_data();
	} else if (strcmp(name, "uaccess") == 0) {
		selftest_uaccess();
		return;
	} else if (strcmp(name, "smap-read-user") == 0) {
		selftest_smap_read_user();
		return;
	} else if (strcmp(name, "smep-execute-user") == 0) {
		selftest_smep_execute_user();
		return;
	} else if (strcmp(name, "stack-overflow") == 0) {
		kprintf("wicket: recursion reached depth %lu\n",
			selftest_recurse(0));
	} else if (memcmp(name, "exit:", 5) == 0 &&
		   parse_status(name + 5) >= 0) {
		power_exit(parse_status(name + 5));
	} else {
		kprintf("wicket: unknown self-test \"%s\" ignored\n", name);
		return;
	}
	kprintf("wicket: self-test %s returned; it should not have\n", name);
}

#define BENCH_ROUNDS 1000
#define BENCH_USER_ADDRESS 0x100000000ull

static void sort_samples(uint64_t *samples, unsigned count)
{
	for (unsigned i = 1; i < count; i++) {
		uint64_t value = samples[i];
		unsigned j = i;
		for (; j > 0 && samples[j - 1] > value; j--)
			samples[j] = samples[j - 1];
		samples[j] = value;
	}
}

static void bench_usercopy(void)
{
	static uint8_t buffer[WK_PAGE_SIZE];
	static uint64_t samples[BENCH_ROUNDS];

	if (user_memory_map(BENCH_USER_ADDRESS, WK_PAGE_SIZE,
			    WK_PROT_READ | WK_PROT_WRITE)) {
		kprintf("wicket: bench: usercopy: no memory\n");
		return;
	}
	for (unsigned i = 0; i < BENCH_ROUNDS; i++) {
		uint64_t start = read_tsc();
		int status = copy_from_user(buffer,
					    user_pointer(BENCH_USER_ADDRESS),
					    sizeof(buffer));
		samples[i] = read_tsc() - start;
		if (status) {
			kprintf("wicket: bench: usercopy: copy failed\n");
			break;
		}
	}
	user_memory_unmap(BENCH_USER_ADDRESS, WK_PAGE_SIZE);
	sort_samples(samples, BENCH_ROUNDS);
	kprintf("wicket: bench: copy_from_user 4096 bytes: median %lu cycles, "
		"min %lu cycles over %u copies\n", samples[BENCH_ROUNDS / 2],
		samples[0], BENCH_ROUNDS);
}

static void selftest_bench(const char *name)
{
	if (strcmp(name, "usercopy") == 0)
		bench_usercopy();
	else
		kprintf("wicket: unknown benchmark \"%s\" ignored\n", name);
}

void baseline_install(void); /* baseline.c */

void kernel_selftest(const char *cmdline)
{
	char option[64];

	baseline_install();
	if (cmdline_get(cmdline, "wicket.test", option, sizeof(option)))
		selftest_run(option);
	if (cmdline_get(cmdline, "wicket.bench", option, sizeof(option)))
		selftest_bench(option);
}
