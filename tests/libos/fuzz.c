/*
 * Scenario fuzz: random native calls, each result checked against the
 * ABI (abi.h) and a model of what ring 3 has mapped. The rounds draw
 * their operations and arguments from a seeded generator: `test=fuzz`
 * seeds it from the TSC, `test=fuzz=SEED` (decimal) replays a run; the
 * first line names the seed.
 *
 * The model covers a window of WINDOW_PAGES pages: which are mapped, with
 * which protection, and which frame each maps (mem_share makes two pages
 * map one frame), with the 8 bytes each frame holds at its start. Every
 * other address the rounds hand the kernel is unmapped, outside the user
 * half or not canonical, so the model knows what each call must answer:
 *
 *   mem_map, mem_unmap, mem_protect, mem_share  on window ranges (the
 *        model follows) and on ranges every call must refuse;
 *   probes      a load or a store at a window page: it must work, and see
 *               the frame's bytes, or fault (#PF with the address, the
 *               user bit and the access's write bit) as the model says;
 *   devices     nop, console_write, console_read, keyboard_read,
 *               net_send, net_receive, screen_draw, screen_read with
 *               random pointers and lengths;
 *   numbers     outside the native range: reflected to the event handler
 *               with the number and the six arguments;
 *   event_setup with one argument the kernel must refuse;
 *   set_self_state with a bad pointer, size or flags, or a random state:
 *               refused exactly when abi.h says, else the next event is
 *               at its RIP (the landing's #UD, or a #PF there) with every
 *               register as given and RFLAGS sanitised;
 *   timer_arm   cancelled, past (the event comes at once), near (block()
 *               waits for it) and far.
 *
 * The run stops at the first wrong answer, naming the round. At the end
 * the window is unmapped and as many pages must be mappable as before the
 * rounds: no frame leaked (and none freed twice, or the kernel panics).
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "events.h"
#include "print.h"
#include "samples.h"
#include "string.h"
#include "wicket/native.h"

__attribute__((noreturn)) void libos_exit(int status);

/* fuzz.S */
uint64_t fuzz_load(uint64_t address);
void fuzz_store(uint64_t address, uint64_t value);
extern char fuzz_load_access[], fuzz_load_done[];
extern char fuzz_store_access[], fuzz_store_done[];
extern char fuzz_landing[];

#define PAGE          WK_PAGE_SIZE
#define WINDOW        (SCRATCH_BASE + 0x80000000ull)
#define WINDOW_PAGES  64u
#define WINDOW_END    (WINDOW + WINDOW_PAGES * PAGE)
/* 64 GiB with nothing mapped, and the area the free pages are counted in. */
#define UNMAPPED_AREA (SCRATCH_BASE + 0x100000000ull)
#define MEASURE_AREA  (SCRATCH_BASE + 0x4000000000ull)
#define CANONICAL_USER_END 0x0000800000000000ull
#define FUZZ_ROUNDS   20000u

#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define VECTOR_UD  6u
#define VECTOR_PF  14u

/* What a reflected call's handler answers. */
#define REFLECTED_RESULT 0x7e7e7e7e

/* RFLAGS bits set_self_state keeps (abi.h); IF and bit 1 are forced on. */
#define RFLAGS_KEPT (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF |      \
		     RFLAGS_SF | RFLAGS_TF | RFLAGS_DF | RFLAGS_OF |      \
		     RFLAGS_AC | RFLAGS_ID)

struct page_model {
	bool mapped;
	uint8_t prot;
	uint8_t frame;
};

struct frame_model {
	unsigned mappings;	/* in the window */
	uint64_t head;		/* its first 8 bytes */
};

static struct page_model pages[WINDOW_PAGES];
static struct frame_model frames[WINDOW_PAGES];

static const struct wk_info *fuzz_info;
static uint64_t random_state;
static unsigned round_number;
static char operation[160];
static bool failed;
enum { COUNT_MEMORY, COUNT_MEMORY_DONE, COUNT_PROBES, COUNT_FAULTS,
       COUNT_DEVICE, COUNT_SCREEN, COUNT_REFLECTED, COUNT_STATES, COUNT_LANDED,
       COUNT_REFUSED, COUNT_KINDS };
static uint64_t counts[COUNT_KINDS];

/* The event hook's records. */
static volatile bool probe_faulted;
static volatile uint64_t probe_error, probe_address;
static volatile bool reflect_expected;
static volatile unsigned reflected_calls;
static struct wk_regs reflected_frame;
static volatile uint64_t reflected_number;
static volatile uint64_t timer_events;
static struct wk_regs trial_state, trial_resume;
static volatile bool trial_active, trial_landed;
static struct wk_regs state_buffer;

/* The first wrong answer is reported; the rounds stop after it. */
#define FAIL(...)                                                         \
	do {                                                              \
		if (!failed) {                                            \
			print("libos: FAIL fuzz round %u, %s: ",          \
			      round_number, operation);                   \
			print(__VA_ARGS__);                               \
		}                                                         \
		failed = true;                                            \
	} while (0)

/* splitmix64 */
static uint64_t next_random(void)
{
	uint64_t z = (random_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t bound)
{
	return next_random() % bound;
}

static void expect_result(long got, long expected)
{
	if (got != expected)
		FAIL("got %ld, expected %ld\n", got, expected);
}

/* ---- The model. ---- */

static bool prot_valid(uint64_t prot)
{
	return !(prot & ~(uint64_t)7) &&
	       (prot & (WK_PROT_WRITE | WK_PROT_EXEC)) !=
		       (WK_PROT_WRITE | WK_PROT_EXEC);
}

static bool readable(const struct page_model *page)
{
	return page->mapped && page->prot != 0;
}

static bool writable(const struct page_model *page)
{
	return page->mapped && (page->prot & WK_PROT_WRITE);
}

static struct page_model *window_page(uint64_t address)
{
	return &pages[(address - WINDOW) / PAGE];
}

/* Whether ring 3 may read (write) every byte of [address, address +
 * length), as the kernel's user copies decide it: only window pages can
 * be, and a length of 0 needs an address in the user half. */
static bool accessible(uint64_t address, uint64_t length, bool write)
{
	if (length == 0)
		return address <= WK_USER_LIMIT;
	if (address < WINDOW || address >= WINDOW_END ||
	    length > WINDOW_END - address)
		return false;
	for (uint64_t at = address & ~(PAGE - 1); at < address + length;
	     at += PAGE) {
		const struct page_model *page = window_page(at);

		if (write ? !writable(page) : !readable(page))
			return false;
	}
	return true;
}

static bool any_mapped(unsigned first, unsigned count)
{
	for (unsigned i = first; i < first + count; i++)
		if (pages[i].mapped)
			return true;
	return false;
}

static bool all_mapped(unsigned first, unsigned count)
{
	for (unsigned i = first; i < first + count; i++)
		if (!pages[i].mapped)
			return false;
	return true;
}

static uint8_t new_frame(void)
{
	for (unsigned i = 0; i < WINDOW_PAGES; i++)
		if (frames[i].mappings == 0) {
			frames[i] = (struct frame_model){ 1, 0 };
			return (uint8_t)i;
		}
	FAIL("the model has no free frame (a bug in the model)\n");
	return 0;
}

static void model_unmap(unsigned first, unsigned count)
{
	for (unsigned i = first; i < first + count; i++)
		if (pages[i].mapped) {
			frames[pages[i].frame].mappings--;
			pages[i].mapped = false;
		}
}

/* After a call that may have written into [address, address + length):
 * the frames' first bytes as they are now. */
static void model_reread(uint64_t address, uint64_t length)
{
	if (address < WINDOW || address >= WINDOW_END)
		return;
	uint64_t end = length > WINDOW_END - address ? WINDOW_END
						    : address + length;
	for (uint64_t at = address & ~(PAGE - 1); at < end; at += PAGE)
		if (readable(window_page(at)))
			frames[window_page(at)->frame].head = fuzz_load(at);
}

/* ---- Arguments. ---- */

static uint64_t random_prot(void)
{
	static const uint64_t usual[] = {
		0, WK_PROT_READ, WK_PROT_READ | WK_PROT_WRITE,
		WK_PROT_READ | WK_PROT_EXEC, WK_PROT_WRITE, WK_PROT_EXEC,
		WK_PROT_READ | WK_PROT_WRITE,
	};
	switch (below(8)) {
	case 0:
		return below(16);
	case 1:
		return next_random();
	default:
		return usual[below(sizeof(usual) / sizeof(usual[0]))];
	}
}

/* A pointer: mostly in or just around the window, else one that no
 * access can reach. */
static uint64_t random_pointer(void)
{
	static const uint64_t unreachable[] = {
		0, 1, 0x1000, WK_USER_MIN - 8, WK_USER_LIMIT - 8,
		WK_USER_LIMIT, 0x00007ffffffffff8ull, CANONICAL_USER_END,
		0xdead000000000000ull, 0xffff800000000000ull,
		0xffffffff80000000ull, 0xffffffff80100000ull,
		0xfffffffffffffff8ull, WINDOW - 8, WINDOW_END - 8,
	};
	switch (below(8)) {
	case 0:
		return unreachable[below(sizeof(unreachable) /
					 sizeof(unreachable[0]))];
	case 1:
		return UNMAPPED_AREA + below(1ull << 36);
	case 2:
		return next_random() | (1ull << 63);
	case 3:
		return WINDOW + below(WINDOW_PAGES) * PAGE;
	default:
		return WINDOW - 64 + below(WINDOW_PAGES * PAGE + 128);
	}
}

static uint64_t random_length(void)
{
	switch (below(7)) {
	case 0:
		return below(16);
	case 1:
		return below(2 * PAGE);
	case 2:
		return below(WINDOW_PAGES * PAGE);
	case 3:
		return PAGE * (1 + below(4));
	case 4:
		return next_random();
	case 5:
		return 1ull << below(64);
	default:
		return 1 + below(256);
	}
}

/* A range of window pages: first and count, inside the window. */
static void random_pages(unsigned *first, unsigned *count)
{
	*first = (unsigned)below(WINDOW_PAGES);
	unsigned most = WINDOW_PAGES - *first < 8 ? WINDOW_PAGES - *first : 8;
	*count = 1 + (unsigned)below(most);
}

#define DESCRIBE(...) print_format_to(operation, sizeof(operation), __VA_ARGS__)

/* ---- Memory calls on the window. ---- */

static void op_map(void)
{
	counts[COUNT_MEMORY]++;
	unsigned first, count;
	random_pages(&first, &count);
	uint64_t prot = random_prot();
	uint64_t address = WINDOW + first * PAGE;

	DESCRIBE("mem_map(window page %u, %u pages, prot 0x%lx)", first, count,
		 (unsigned long)prot);
	long expected = !prot_valid(prot) ? -WK_EINVAL
			: any_mapped(first, count) ? -WK_EEXIST : 0;
	long got = wk_mem_map((long)address, (long)(count * PAGE), (long)prot);
	expect_result(got, expected);
	if (got == 0 && expected == 0) {
		counts[COUNT_MEMORY_DONE]++;
		for (unsigned i = first; i < first + count; i++)
			pages[i] = (struct page_model){ true, (uint8_t)prot,
							new_frame() };
	}
}

static void op_unmap(void)
{
	counts[COUNT_MEMORY]++;
	unsigned first, count;
	random_pages(&first, &count);

	DESCRIBE("mem_unmap(window page %u, %u pages)", first, count);
	expect_result(wk_mem_unmap((long)(WINDOW + first * PAGE),
				   (long)(count * PAGE)), 0);
	counts[COUNT_MEMORY_DONE] += any_mapped(first, count);
	model_unmap(first, count);
}

static void op_protect(void)
{
	counts[COUNT_MEMORY]++;
	unsigned first, count;
	random_pages(&first, &count);
	uint64_t prot = random_prot();

	DESCRIBE("mem_protect(window page %u, %u pages, prot 0x%lx)", first,
		 count, (unsigned long)prot);
	long expected = !prot_valid(prot) ? -WK_EINVAL
			: !all_mapped(first, count) ? -WK_ENOMEM : 0;
	long got = wk_mem_protect((long)(WINDOW + first * PAGE),
				  (long)(count * PAGE), (long)prot);
	expect_result(got, expected);
	if (got == 0 && expected == 0) {
		counts[COUNT_MEMORY_DONE]++;
		for (unsigned i = first; i < first + count; i++)
			pages[i].prot = (uint8_t)prot;
	}
}

static void op_share(void)
{
	counts[COUNT_MEMORY]++;
	unsigned first, count;
	random_pages(&first, &count);
	unsigned from = (unsigned)below(WINDOW_PAGES - count + 1);
	uint64_t prot = random_prot();

	DESCRIBE("mem_share(window page %u, %u pages, prot 0x%lx, from window "
		 "page %u)", first, count, (unsigned long)prot, from);
	bool target_busy = any_mapped(first, count);
	bool source_missing = !all_mapped(from, count);
	long got = wk_mem_share((long)(WINDOW + first * PAGE),
				(long)(count * PAGE), (long)prot,
				(long)(WINDOW + from * PAGE));
	/* With both faults, either answer. */
	if (!prot_valid(prot))
		expect_result(got, -WK_EINVAL);
	else if (target_busy && source_missing && got == -WK_ENOMEM)
		;
	else if (target_busy)
		expect_result(got, -WK_EEXIST);
	else if (source_missing)
		expect_result(got, -WK_ENOMEM);
	else {
		expect_result(got, 0);
		counts[COUNT_MEMORY_DONE] += got == 0;
		if (got == 0)
			for (unsigned i = 0; i < count; i++) {
				uint8_t frame = pages[from + i].frame;
				frames[frame].mappings++;
				pages[first + i] = (struct page_model){
					true, (uint8_t)prot, frame };
			}
	}
}

/* A range every memory call refuses: misaligned, empty, outside the user
 * half, wrapping. */
static void random_refused_range(uint64_t *address, uint64_t *length)
{
	static const uint64_t ranges[][2] = {
		{ 0, PAGE }, { WK_USER_MIN - PAGE, PAGE },
		{ WK_USER_MIN - PAGE, 2 * PAGE }, { WK_USER_LIMIT, PAGE },
		{ WK_USER_LIMIT - PAGE, 2 * PAGE },
		{ CANONICAL_USER_END, PAGE }, { 0xffff800000000000ull, PAGE },
		{ 0xffffffff80000000ull, PAGE },
		{ 0xfffffffffffff000ull, 2 * PAGE },
		{ WINDOW, 0 - WINDOW }, { WINDOW, CANONICAL_USER_END },
		{ WINDOW, 0 },
	};
	switch (below(3)) {
	case 0: /* misaligned address */
		*address = WINDOW + below(WINDOW_PAGES) * PAGE + 1 +
			   below(PAGE - 1);
		*length = PAGE * (1 + below(4));
		return;
	case 1: /* misaligned length */
		*address = WINDOW + below(WINDOW_PAGES) * PAGE;
		*length = PAGE * below(4) + 1 + below(PAGE - 1);
		return;
	default: {
		unsigned i = (unsigned)below(sizeof(ranges) / sizeof(ranges[0]));
		*address = ranges[i][0];
		*length = ranges[i][1];
	}
	}
}

static void op_refused_memory(void)
{
	uint64_t address, length;
	random_refused_range(&address, &length);
	uint64_t prot = WK_PROT_READ;
	long got;

	switch (below(5)) {
	case 0:
		DESCRIBE("mem_map(0x%lx, 0x%lx, R)", (unsigned long)address,
			 (unsigned long)length);
		got = wk_mem_map((long)address, (long)length, (long)prot);
		break;
	case 1:
		DESCRIBE("mem_unmap(0x%lx, 0x%lx)", (unsigned long)address,
			 (unsigned long)length);
		got = wk_mem_unmap((long)address, (long)length);
		break;
	case 2:
		DESCRIBE("mem_protect(0x%lx, 0x%lx, R)", (unsigned long)address,
			 (unsigned long)length);
		got = wk_mem_protect((long)address, (long)length, (long)prot);
		break;
	case 3:
		DESCRIBE("mem_share(0x%lx, 0x%lx, R, from the window)",
			 (unsigned long)address, (unsigned long)length);
		got = wk_mem_share((long)address, (long)length, (long)prot,
				   (long)WINDOW);
		break;
	default:
		DESCRIBE("mem_share(an unmapped UNMAPPED_AREA page, 0x%lx, R, "
			 "from 0x%lx)", (unsigned long)length,
			 (unsigned long)address);
		got = wk_mem_share((long)UNMAPPED_AREA, (long)length,
				   (long)prot, (long)address);
		break;
	}
	expect_result(got, -WK_EINVAL);
	counts[COUNT_REFUSED]++;
}

/* The pages that are the kernel's or the libOS's: mapping over them is
 * -EEXIST, unmapping or re-protecting the counters page -EINVAL, and a
 * share from it -EINVAL (its frame is not the allocator's). */
static void op_foreign_pages(void)
{
	static const uint64_t mapped[] = {
		WK_COUNTERS_ADDRESS, WK_INFO_ADDRESS, WK_LIBOS_BASE,
		WK_STACK_TOP - PAGE, EVENT_VCPU_ADDRESS,
	};
	uint64_t target = WINDOW + below(WINDOW_PAGES) * PAGE;
	long got;

	switch (below(4)) {
	case 0: {
		uint64_t address = mapped[below(sizeof(mapped) /
						 sizeof(mapped[0]))];
		DESCRIBE("mem_map(0x%lx, a page, RW), a mapped page",
			 (unsigned long)address);
		got = wk_mem_map((long)address, PAGE,
				 WK_PROT_READ | WK_PROT_WRITE);
		expect_result(got, -WK_EEXIST);
		break;
	}
	case 1:
		DESCRIBE("mem_unmap(the counters page and the one before)");
		expect_result(wk_mem_unmap(WK_COUNTERS_ADDRESS - PAGE, 2 * PAGE),
			      -WK_EINVAL);
		break;
	case 2:
		DESCRIBE("mem_protect(the counters page, RW)");
		expect_result(wk_mem_protect(WK_COUNTERS_ADDRESS, PAGE,
					     WK_PROT_READ | WK_PROT_WRITE),
			      -WK_EINVAL);
		break;
	default:
		DESCRIBE("mem_share(window 0x%lx, a page, R, from the counters "
			 "page)", (unsigned long)target);
		got = wk_mem_share((long)target, PAGE, WK_PROT_READ,
				   WK_COUNTERS_ADDRESS);
		expect_result(got, window_page(target)->mapped ? -WK_EEXIST
							       : -WK_EINVAL);
		break;
	}
	counts[COUNT_REFUSED]++;
}

/* ---- Probes. ---- */

static void expect_fault(uint64_t address, bool write, bool present)
{
	uint64_t want = PF_USER | (write ? PF_WRITE : 0) |
			(present ? PF_PRESENT : 0);
	uint64_t mask = PF_USER | PF_WRITE | PF_PRESENT;

	if (!probe_faulted)
		FAIL("no fault\n");
	else if (probe_address != address || (probe_error & mask) != want)
		FAIL("#PF at 0x%lx error 0x%lx, expected 0x%lx error 0x%lx "
		     "(under mask 0x%lx)\n", (unsigned long)probe_address,
		     (unsigned long)probe_error, (unsigned long)address,
		     (unsigned long)want, (unsigned long)mask);
	counts[COUNT_FAULTS]++;
}

static void op_probe(void)
{
	uint64_t address;

	switch (below(12)) {
	case 0:
		address = WINDOW - PAGE;
		break;
	case 1:
		address = WINDOW_END;
		break;
	default:
		/* Half of them at a mapped page, when there is one. */
		address = WINDOW + below(WINDOW_PAGES) * PAGE;
		if (below(2))
			for (unsigned i = 0; i < WINDOW_PAGES &&
					     !window_page(address)->mapped; i++)
				address = WINDOW + (address - WINDOW + PAGE) %
							   (WINDOW_PAGES * PAGE);
		break;
	}
	const struct page_model *page =
		address >= WINDOW && address < WINDOW_END ? window_page(address)
							  : NULL;
	bool can_read = page && readable(page);
	bool can_write = page && writable(page);
	bool write = below(2);

	counts[COUNT_PROBES]++;
	probe_faulted = false;
	if (!write) {
		DESCRIBE("load from 0x%lx", (unsigned long)address);
		uint64_t value = fuzz_load(address);
		if (!can_read)
			expect_fault(address, false, false);
		else if (probe_faulted)
			FAIL("#PF at 0x%lx error 0x%lx\n",
			     (unsigned long)probe_address,
			     (unsigned long)probe_error);
		else if (value != frames[page->frame].head)
			FAIL("read 0x%lx, expected 0x%lx\n",
			     (unsigned long)value,
			     (unsigned long)frames[page->frame].head);
		return;
	}
	uint64_t value = next_random();
	DESCRIBE("store 0x%lx at 0x%lx", (unsigned long)value,
		 (unsigned long)address);
	fuzz_store(address, value);
	if (!can_write)
		expect_fault(address, true, can_read);
	else if (probe_faulted)
		FAIL("#PF at 0x%lx error 0x%lx\n", (unsigned long)probe_address,
		     (unsigned long)probe_error);
	else
		frames[page->frame].head = value;
}

/* ---- Device calls, and numbers the kernel does not own. ---- */

static long input_expected(uint64_t pointer, uint64_t length)
{
	uint64_t take = length > 64 ? 64 : length;
	return accessible(pointer, take, true) ? 0 : -WK_EFAULT;
}

/* A read's result: -EFAULT exactly when expected says so, else a count
 * of at most `most`. */
static void expect_count(long got, long expected, uint64_t most)
{
	if (expected < 0)
		expect_result(got, expected);
	else if (got < 0 || (uint64_t)got > most)
		FAIL("got %ld, expected a count of at most %lu\n", got,
		     (unsigned long)most);
}

static uint64_t random_cell_count(uint64_t cells)
{
	switch (below(4)) {
	case 0:
		return next_random();
	case 1:
		return below(cells + 2);
	default:
		return below(64);
	}
}

static void op_device(void)
{
	uint32_t devices = fuzz_info->devices;
	uint64_t cells = (uint64_t)fuzz_info->screen_columns *
			 fuzz_info->screen_rows;
	uint64_t pointer = random_pointer();
	uint64_t length = random_length();
	long got;

	counts[COUNT_DEVICE]++;
	switch (below(8)) {
	case 0:
		DESCRIBE("nop(0x%lx, 0x%lx)", (unsigned long)pointer,
			 (unsigned long)length);
		expect_result(wk_syscall6(WK_CALL_nop, (long)pointer,
					  (long)length, -1, -1, -1, -1), 0);
		return;
	case 1: {
		/* Never a readable buffer: nothing to print. */
		uint64_t take = length > WK_CONSOLE_WRITE_MAX
					? WK_CONSOLE_WRITE_MAX : length;
		if (take && accessible(pointer, take, false))
			pointer |= 1ull << 63;
		DESCRIBE("console_write(0x%lx, 0x%lx)", (unsigned long)pointer,
			 (unsigned long)length);
		got = wk_console_write((long)pointer, (long)length);
		expect_result(got, accessible(pointer, take, false)
					   ? (long)take : -WK_EFAULT);
		return;
	}
	case 2:
		DESCRIBE("console_read(0x%lx, 0x%lx)", (unsigned long)pointer,
			 (unsigned long)length);
		got = wk_console_read((long)pointer, (long)length);
		expect_count(got, input_expected(pointer, length),
			     length > 64 ? 64 : length);
		model_reread(pointer, 64);
		return;
	case 3:
		DESCRIBE("keyboard_read(0x%lx, 0x%lx)", (unsigned long)pointer,
			 (unsigned long)length);
		got = wk_keyboard_read((long)pointer, (long)length);
		if (!(devices & WK_DEVICE_KEYBOARD))
			expect_result(got, -WK_ENODEV);
		else
			expect_count(got, input_expected(pointer, length),
				     length > 64 ? 64 : length);
		model_reread(pointer, 64);
		return;
	case 4:
	case 5:
		/* Booted without a network device (the scenario refuses one:
		 * frames would go out). */
		DESCRIBE("net_%s(0x%lx, 0x%lx)", length & 1 ? "send" : "receive",
			 (unsigned long)pointer, (unsigned long)length);
		got = length & 1 ? wk_net_send((long)pointer, (long)length)
				 : wk_net_receive((long)pointer, (long)length);
		expect_result(got, -WK_ENODEV);
		return;
	case 6: {
		uint64_t first = below(3) ? below(cells + 2) : next_random();
		uint64_t count = random_cell_count(cells);
		uint64_t cursor = below(2) ? below(cells + 2) : next_random();
		DESCRIBE("screen_draw(%lu, 0x%lx, %lu, 0x%lx)",
			 (unsigned long)first, (unsigned long)pointer,
			 (unsigned long)count, (unsigned long)cursor);
		got = wk_screen_draw((long)first, (long)pointer, (long)count,
				     (long)cursor);
		if (!(devices & WK_DEVICE_SCREEN))
			expect_result(got, -WK_ENODEV);
		else if (first > cells || count > cells - first)
			expect_result(got, -WK_EINVAL);
		else
			expect_result(got, accessible(pointer, 2 * count, false)
						   ? (long)count : -WK_EFAULT);
		counts[COUNT_SCREEN] += got >= 0;
		return;
	}
	default: {
		uint64_t count = random_cell_count(cells);
		DESCRIBE("screen_read(0x%lx, %lu)", (unsigned long)pointer,
			 (unsigned long)count);
		got = wk_screen_read((long)pointer, (long)count);
		if (!(devices & WK_DEVICE_SCREEN))
			expect_result(got, -WK_ENODEV);
		else if (count > cells)
			expect_result(got, -WK_EINVAL);
		else
			expect_count(got, accessible(pointer, 2 * count, true)
						  ? 0 : -WK_EFAULT, cells);
		if (count <= cells)
			model_reread(pointer, 2 * count);
		counts[COUNT_SCREEN] += got >= 0;
		return;
	}
	}
}

static void op_reflected(void)
{
	uint64_t number;

	switch (below(4)) {
	case 0:
		number = below(512);
		break;
	case 1:
		number = WK_NATIVE_BASE + WK_NATIVE_COUNT + below(64);
		break;
	case 2:
		number = WK_NATIVE_BASE - 1 - below(64);
		break;
	default:
		number = next_random();
		if (number - WK_NATIVE_BASE < WK_NATIVE_COUNT)
			number = ~number;
		break;
	}
	long args[6];
	for (unsigned i = 0; i < 6; i++)
		args[i] = (long)next_random();
	DESCRIBE("syscall 0x%lx, not native", (unsigned long)number);
	reflected_calls = 0;
	reflect_expected = true;
	long got = wk_syscall6((long)number, args[0], args[1], args[2],
			       args[3], args[4], args[5]);
	reflect_expected = false;
	counts[COUNT_REFLECTED]++;
	expect_result(got, REFLECTED_RESULT);
	if (reflected_calls != 1) {
		FAIL("%u events, expected 1\n", reflected_calls);
		return;
	}
	const struct wk_regs *f = &reflected_frame;
	if (reflected_number != number || f->rax != number ||
	    f->rdi != (uint64_t)args[0] || f->rsi != (uint64_t)args[1] ||
	    f->rdx != (uint64_t)args[2] || f->r10 != (uint64_t)args[3] ||
	    f->r8 != (uint64_t)args[4] || f->r9 != (uint64_t)args[5])
		FAIL("the event has number 0x%lx (frame 0x%lx), arguments "
		     "0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n",
		     (unsigned long)reflected_number, (unsigned long)f->rax,
		     (unsigned long)f->rdi, (unsigned long)f->rsi,
		     (unsigned long)f->rdx, (unsigned long)f->r10,
		     (unsigned long)f->r8, (unsigned long)f->r9);
}

static void op_event_setup(void)
{
	static const uint64_t bad_entries[] = {
		CANONICAL_USER_END, 0xffffffff80000000ull, ~0ull,
		WK_USER_LIMIT, WK_USER_MIN - 1,
	};
	static const uint64_t bad_vcpus[] = {
		EVENT_VCPU_ADDRESS + 4, 0xffffffff80000000ull,
		WK_USER_LIMIT - 8, CANONICAL_USER_END, 8,
	};
	static const uint64_t bad_stacks[] = {
		EVENT_STACK_TOP - 8, 0xffffffff80000000ull, WK_USER_MIN,
		CANONICAL_USER_END, WK_USER_LIMIT + 16,
	};
	uint64_t entry = (uint64_t)event_entry;
	uint64_t vcpu = EVENT_VCPU_ADDRESS;
	uint64_t stack = EVENT_STACK_TOP;

	switch (below(3)) {
	case 0:
		entry = bad_entries[below(5)];
		break;
	case 1:
		vcpu = bad_vcpus[below(5)];
		break;
	default:
		stack = bad_stacks[below(5)];
		break;
	}
	DESCRIBE("event_setup(0x%lx, 0x%lx, 0x%lx)", (unsigned long)entry,
		 (unsigned long)vcpu, (unsigned long)stack);
	expect_result(wk_event_setup((long)entry, (long)vcpu, (long)stack),
		      -WK_EINVAL);
	counts[COUNT_REFUSED]++;
}

/* ---- set_self_state. ---- */

static void trial_edit(struct wk_regs *state)
{
	trial_resume = *state;
	*state = trial_state;
}

static uint64_t random_state_address(void)
{
	switch (below(4)) {
	case 0:
		return next_random() & (CANONICAL_USER_END - 1);
	case 1:
		return next_random();
	case 2:
		return WINDOW - PAGE + below(64);
	default:
		return UNMAPPED_AREA + below(1ull << 36);
	}
}

static void op_state(void)
{
	uint64_t *fields = (uint64_t *)&trial_state;
	uint64_t size = WK_REGS_SIZE;
	uint64_t flags = below(2) ? WK_UNMASK : 0;

	for (unsigned i = 0; i < 16; i++)
		fields[i] = next_random();
	trial_state.rflags = next_random();
	switch (below(6)) {
	case 0:
	case 1:
		trial_state.rip = (uint64_t)fuzz_landing;
		break;
	case 2:
		trial_state.rip = UNMAPPED_AREA + below(1ull << 36);
		break;
	case 3:
		trial_state.rip = below(WK_USER_MIN);
		break;
	case 4:
		trial_state.rip = WK_USER_LIMIT + below(PAGE);
		break;
	default:
		trial_state.rip = next_random() | (1ull << 63);
		break;
	}
	trial_state.rsp = random_state_address();
	trial_state.fs_base = random_state_address();
	if (below(8) == 0)
		size = below(2) ? below(2 * WK_REGS_SIZE) : next_random();
	if (below(8) == 0)
		flags = next_random();

	bool refused = size != WK_REGS_SIZE || (flags & ~(uint64_t)WK_UNMASK) ||
		       trial_state.rip >= WK_USER_LIMIT ||
		       trial_state.rsp >= CANONICAL_USER_END ||
		       trial_state.fs_base >= CANONICAL_USER_END;
	DESCRIBE("set_self_state(rip 0x%lx rsp 0x%lx fs 0x%lx rflags 0x%lx, "
		 "size %lu, flags 0x%lx)", (unsigned long)trial_state.rip,
		 (unsigned long)trial_state.rsp,
		 (unsigned long)trial_state.fs_base,
		 (unsigned long)trial_state.rflags, (unsigned long)size,
		 (unsigned long)flags);
	counts[COUNT_STATES]++;
	trial_landed = false;
	trial_active = !refused;
	long got = self_state_probe(&state_buffer, size, flags,
				    trial_edit);
	trial_active = false;
	if (refused)
		expect_result(got, -WK_EINVAL);
	else if (got != SELF_STATE_RESUMED || !trial_landed)
		FAIL("got 0x%lx, %s\n", (unsigned long)got,
		     trial_landed ? "landed" : "never landed");
}

static void op_state_pointer(void)
{
	uint64_t pointer = random_pointer();
	uint64_t flags = below(2) ? WK_UNMASK : 0;

	/* A readable window page holds no state worth taking. */
	if (accessible(pointer, WK_REGS_SIZE, false))
		pointer |= 1ull << 63;
	DESCRIBE("set_self_state(0x%lx, sizeof, 0x%lx)",
		 (unsigned long)pointer, (unsigned long)flags);
	expect_result(wk_set_self_state((long)pointer, WK_REGS_SIZE,
					(long)flags), -WK_EFAULT);
	counts[COUNT_REFUSED]++;
}

/* Whether the frame an event reports is the trial state, RFLAGS
 * sanitised (RF aside: a fault's saved RFLAGS may have it). */
static bool frame_is_trial(const struct wk_regs *frame)
{
	uint64_t flags = (trial_state.rflags & RFLAGS_KEPT) | RFLAGS_IF |
			 RFLAGS_BIT1;
	bool same = memcmp(frame, &trial_state, 17 * sizeof(uint64_t)) == 0 &&
		    frame->fs_base == trial_state.fs_base &&
		    (frame->rflags & ~RFLAGS_RF) == flags;
	if (!same)
		FAIL("the event's frame: rip 0x%lx rsp 0x%lx fs 0x%lx rflags "
		     "0x%lx rax 0x%lx r15 0x%lx; expected rflags 0x%lx rax "
		     "0x%lx r15 0x%lx\n", (unsigned long)frame->rip,
		     (unsigned long)frame->rsp, (unsigned long)frame->fs_base,
		     (unsigned long)frame->rflags, (unsigned long)frame->rax,
		     (unsigned long)frame->r15, (unsigned long)flags,
		     (unsigned long)trial_state.rax,
		     (unsigned long)trial_state.r15);
	return same;
}

/* ---- The timer. ---- */

static void unmask_here(void)
{
	static struct wk_regs here;

	if (self_state_here(&here, WK_UNMASK) != SELF_STATE_RESUMED)
		FAIL("set_self_state(here, WK_UNMASK) failed\n");
}

static void op_timer(void)
{
	uint64_t now = read_tsc();
	uint64_t before = timer_events;

	switch (below(5)) {
	case 0:
		DESCRIBE("timer_arm(0)");
		expect_result(wk_timer_arm(0), 0);
		return;
	case 1: {
		uint64_t deadline = now - 1 - below(1000000);
		DESCRIBE("timer_arm(now - %lu)", (unsigned long)(now - deadline));
		expect_result(wk_timer_arm((long)deadline), 0);
		if (timer_events == before)
			FAIL("no timer event on the way back\n");
		return;
	}
	case 2: {
		/* Masked, so that the event cannot come between arming and
		 * block(); unmasking delivers it. */
		uint64_t ahead = below(200000);
		DESCRIBE("timer_arm(now + %lu), block(), unmask",
			 (unsigned long)ahead);
		event_vcpu->events_masked = 1;
		expect_result(wk_timer_arm((long)(now + ahead)), 0);
		expect_result(wk_block(), 0);
		unmask_here();
		uint64_t limit = read_tsc() + fuzz_info->tsc_frequency_hz;
		while (timer_events == before && read_tsc() < limit)
			;
		if (timer_events == before)
			FAIL("no timer event\n");
		return;
	}
	case 3:
		DESCRIBE("timer_arm(now + 2^40)");
		expect_result(wk_timer_arm((long)(now + (1ull << 40))), 0);
		return;
	default: {
		uint64_t deadline = next_random();
		DESCRIBE("timer_arm(0x%lx)", (unsigned long)deadline);
		expect_result(wk_timer_arm((long)deadline), 0);
		return;
	}
	}
}

/* ---- Events. ---- */

static void fuzz_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	struct wk_regs *frame = &vcpu->frame;
	const struct wk_event *event = &vcpu->event;
	bool at_trial = trial_active && frame->rip == trial_state.rip;

	if (kind == WK_EVENT_TIMER || kind == WK_EVENT_INPUT ||
	    kind == WK_EVENT_NET) {
		if (kind == WK_EVENT_TIMER)
			timer_events++;
		if (at_trial && !frame_is_trial(frame))
			trial_active = false;
		return;
	}
	if (kind == WK_EVENT_EXCEPTION && event->vector == VECTOR_PF &&
	    (frame->rip == (uint64_t)fuzz_load_access ||
	     frame->rip == (uint64_t)fuzz_store_access)) {
		probe_faulted = true;
		probe_error = event->error_code;
		probe_address = event->fault_address;
		frame->rip = frame->rip == (uint64_t)fuzz_load_access
				     ? (uint64_t)fuzz_load_done
				     : (uint64_t)fuzz_store_done;
		return;
	}
	if (kind == WK_EVENT_SYSCALL && reflect_expected) {
		reflected_calls++;
		reflected_number = event->syscall_number;
		reflected_frame = *frame;
		frame->rax = REFLECTED_RESULT;
		return;
	}
	if (kind == WK_EVENT_EXCEPTION && at_trial) {
		bool landing = trial_state.rip == (uint64_t)fuzz_landing;
		unsigned vector = landing ? VECTOR_UD : VECTOR_PF;
		if (event->vector != vector ||
		    (!landing && event->fault_address != trial_state.rip))
			FAIL("vector %u address 0x%lx, expected vector %u\n",
			     event->vector,
			     (unsigned long)event->fault_address, vector);
		else if (frame_is_trial(frame)) {
			trial_landed = true;
			counts[COUNT_LANDED]++;
		}
		trial_active = false;
		*frame = trial_resume;
		return;
	}
	print("libos: FAIL fuzz round %u, %s: unexpected event kind %u "
	      "vector %u error 0x%lx address 0x%lx at rip 0x%lx\n",
	      round_number, operation, kind, event->vector,
	      (unsigned long)event->error_code,
	      (unsigned long)event->fault_address, (unsigned long)frame->rip);
	libos_exit(1);
}

/* ---- The run. ---- */

/* How many pages mem_map can still give, found by exhaustion in
 * MEASURE_AREA (and given back). Its page tables stay (the kernel frees
 * none), so a second count in the same place needs no new ones. */
static uint64_t mappable_pages(void)
{
	uint64_t at = MEASURE_AREA;
	uint64_t chunk = 512;

	while (chunk) {
		long result = wk_mem_map((long)at, (long)(chunk * PAGE),
					 WK_PROT_READ | WK_PROT_WRITE);
		if (result == 0)
			at += chunk * PAGE;
		else if (result == -WK_ENOMEM)
			chunk /= 2;
		else {
			print("libos: FAIL mem_map while counting: %ld\n",
			      result);
			return 0;
		}
	}
	if (wk_mem_unmap((long)MEASURE_AREA, (long)(at - MEASURE_AREA)))
		print("libos: FAIL mem_unmap after counting\n");
	return (at - MEASURE_AREA) / PAGE;
}

static uint64_t parse_seed(const char *text, size_t length, bool *ok)
{
	uint64_t seed = 0;

	*ok = length > 0;
	for (size_t i = 0; i < length; i++) {
		if (text[i] < '0' || text[i] > '9')
			*ok = false;
		seed = seed * 10 + (uint64_t)(text[i] - '0');
	}
	return seed;
}

int scenario_fuzz(const struct wk_info *info, const char *seed_text,
		  size_t seed_length)
{
	bool ok = true;
	uint64_t seed = seed_text ? parse_seed(seed_text, seed_length, &ok)
				  : read_tsc() % 1000000000;
	if (!ok) {
		print("libos: fuzz: the seed must be a decimal number\n");
		return 1;
	}
	if (info->devices & WK_DEVICE_NET) {
		print("libos: fuzz: boot it without a network device\n");
		return 1;
	}
	fuzz_info = info;
	random_state = seed;
	print("libos: fuzz: seed %lu (replay with test=fuzz=%lu), %u rounds\n",
	      (unsigned long)seed, (unsigned long)seed, FUZZ_ROUNDS);
	if (!events_setup())
		return 1;
	event_hook = fuzz_hook;

	/* The window's page tables first, then the count the end must
	 * match (after one that makes the counting area's tables). */
	if (wk_mem_map((long)WINDOW, WINDOW_PAGES * PAGE, WK_PROT_READ) ||
	    wk_mem_unmap((long)WINDOW, WINDOW_PAGES * PAGE)) {
		print("libos: FAIL mapping the window\n");
		return 1;
	}
	mappable_pages();
	uint64_t free_before = mappable_pages();

	static void (*const operations[])(void) = {
		op_map, op_map, op_map, op_unmap, op_protect,
		op_protect, op_share, op_share, op_refused_memory,
		op_foreign_pages, op_probe, op_probe, op_probe, op_probe,
		op_device, op_device, op_reflected, op_event_setup, op_state,
		op_state, op_state_pointer, op_timer,
	};
	for (round_number = 1; round_number <= FUZZ_ROUNDS && !failed;
	     round_number++)
		operations[below(sizeof(operations) / sizeof(operations[0]))]();
	round_number--;

	wk_timer_arm(0);
	DESCRIBE("mem_unmap(the window)");
	expect_result(wk_mem_unmap((long)WINDOW, WINDOW_PAGES * PAGE), 0);
	model_unmap(0, WINDOW_PAGES);
	uint64_t free_after = mappable_pages();
	print("libos: fuzz: %u rounds: %lu window calls (%lu took effect), "
	      "%lu refused calls, %lu probes (%lu faults), %lu device calls "
	      "(%lu screen calls done), %lu reflected, %lu states (%lu taken), %lu timer events\n",
	      round_number, (unsigned long)counts[COUNT_MEMORY],
	      (unsigned long)counts[COUNT_MEMORY_DONE],
	      (unsigned long)counts[COUNT_REFUSED],
	      (unsigned long)counts[COUNT_PROBES],
	      (unsigned long)counts[COUNT_FAULTS],
	      (unsigned long)counts[COUNT_DEVICE],
	      (unsigned long)counts[COUNT_SCREEN],
	      (unsigned long)counts[COUNT_REFLECTED],
	      (unsigned long)counts[COUNT_STATES],
	      (unsigned long)counts[COUNT_LANDED],
	      (unsigned long)timer_events);
	print("libos: fuzz: %lu pages mappable before the rounds, %lu after\n",
	      (unsigned long)free_before, (unsigned long)free_after);
	check_true("fuzz: every answer as the model says", !failed);
	check_true("fuzz: every frame given back",
		   free_before == free_after && free_before > 0);
	return check_finish("fuzz");
}
