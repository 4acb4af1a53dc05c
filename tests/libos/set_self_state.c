/*
 * Scenario set-self-state: hostile states are refused (-EINVAL, -EFAULT:
 * the call returns) or sanitised (the state takes effect, with RFLAGS
 * cleaned up), and a plain state swap delivers every register exactly,
 * RAX included. Each state comes from self_state_probe (events.S): the
 * current registers with RIP = probe_landing, edited by one of the
 * functions here; probe_landing records RFLAGS (its first instruction)
 * and the registers.
 */
#include <stdint.h>

#include "check.h"
#include "events.h"
#include "print.h"
#include "string.h"
#include "wicket/native.h"

#define STATE_PAGE   (EVENT_SCRATCH + 0x30000ull) /* mapped, the next not */
#define FS_PAGE      (EVENT_SCRATCH + 0x20000ull)
#define FS_MAGIC     0x3f3f3f3f12345678ull
#define KERNEL_HALF  0xffffffff80100000ull

__attribute__((noreturn)) void libos_exit(int status);

/* The edit applied by edit_state. */
static uint64_t edit_rip, edit_rsp, edit_fs_base;
static uint64_t edit_flags_set, edit_flags_clear;
static bool edit_patterns;

static uint64_t pattern(unsigned index)
{
	return 0x6b6b000000000000ull + (uint64_t)(index + 1) *
					       0x0000011111111111ull;
}

static void edit_state(struct wk_regs *state)
{
	if (edit_rip)
		state->rip = edit_rip;
	if (edit_rsp)
		state->rsp = edit_rsp;
	if (edit_fs_base)
		state->fs_base = edit_fs_base;
	state->rflags = (state->rflags | edit_flags_set) & ~edit_flags_clear;
	if (edit_patterns)
		for (unsigned i = 0; i < 16; i++)
			if (i != 7)
				((uint64_t *)state)[i] = pattern(i);
}

static void edit_reset(void)
{
	edit_rip = edit_rsp = edit_fs_base = 0;
	edit_flags_set = edit_flags_clear = 0;
	edit_patterns = false;
}

/* State buffer with room for an oversized size. */
static struct {
	struct wk_regs regs;
	uint64_t extra[4];
} state_buffer;

static volatile unsigned step_events;
static uint64_t step_rip;

static void step_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	step_events++;
	if (kind != WK_EVENT_EXCEPTION || vcpu->event.vector != 1) {
		print("libos: FAIL unexpected event kind %u vector %u at rip "
		      "0x%lx\n", kind, vcpu->event.vector,
		      (unsigned long)vcpu->frame.rip);
		libos_exit(1);
	}
	step_rip = vcpu->frame.rip;
	vcpu->frame.rflags &= ~RFLAGS_TF;
}

static void refused(const char *label, uint64_t size, uint64_t flags,
		    long expected)
{
	long result = self_state_probe(&state_buffer.regs, size, flags,
				       edit_state);
	edit_reset();
	check_value(label, result, expected);
}

/* A state whose RFLAGS asks for `set` (and drops `clear`): the state must
 * take effect, and RFLAGS at the landing must have `want_on` on and
 * `want_off` off. */
static void sanitised(const char *label, uint64_t set, uint64_t clear,
		      uint64_t want_on, uint64_t want_off)
{
	edit_flags_set = set;
	edit_flags_clear = clear;
	long result = self_state_probe(&state_buffer.regs, WK_REGS_SIZE, 0,
				       edit_state);
	edit_reset();
	uint64_t flags = probe_rflags;
	bool ok = result == SELF_STATE_RESUMED &&
		  (flags & want_on) == want_on && (flags & want_off) == 0;
	print("libos: %s: result 0x%lx, rflags at the landing 0x%lx%s\n",
	      label, (unsigned long)result, (unsigned long)flags,
	      ok ? "" : "  FAIL");
	check_true(label, ok);
}

static void refused_cases(void)
{
	static const struct {
		const char *label;
		uint64_t rip;
	} rips[] = {
		{ "rip 0x0000800000000000 (non-canonical)", 0x0000800000000000ull },
		{ "rip 0xdead000000000000 (non-canonical)", 0xdead000000000000ull },
		{ "rip 0xffffffff80100000 (kernel half)", KERNEL_HALF },
		{ "rip 0x00007ffffffff000 (last user page)", 0x00007ffffffff000ull },
		{ "rip 0x00007fffffffffff (last user byte)", 0x00007fffffffffffull },
	};
	for (unsigned i = 0; i < sizeof(rips) / sizeof(rips[0]); i++) {
		edit_rip = rips[i].rip;
		refused(rips[i].label, WK_REGS_SIZE, 0, -WK_EINVAL);
	}
	edit_rsp = 0x0000800000000000ull;
	refused("rsp 0x0000800000000000 (non-canonical)", WK_REGS_SIZE, 0,
		-WK_EINVAL);
	edit_rsp = 0xdead000000000000ull;
	refused("rsp 0xdead000000000000 (non-canonical)", WK_REGS_SIZE, 0,
		-WK_EINVAL);
	edit_rsp = 0xffff800000001000ull;
	refused("rsp 0xffff800000001000 (kernel half)", WK_REGS_SIZE, 0,
		-WK_EINVAL);
	edit_fs_base = 0x0000800000000000ull;
	refused("fs_base 0x0000800000000000 (non-canonical)", WK_REGS_SIZE, 0,
		-WK_EINVAL);
	edit_fs_base = KERNEL_HALF;
	refused("fs_base 0xffffffff80100000 (kernel half)", WK_REGS_SIZE, 0,
		-WK_EINVAL);
	refused("size sizeof - 8", WK_REGS_SIZE - 8, 0, -WK_EINVAL);
	refused("size sizeof + 8", WK_REGS_SIZE + 8, 0, -WK_EINVAL);
	refused("size 0", 0, 0, -WK_EINVAL);
	refused("flags 2 (unknown)", WK_REGS_SIZE, 2, -WK_EINVAL);
	refused("flags 0x8000000000000001 (unknown)", WK_REGS_SIZE,
		0x8000000000000001ull, -WK_EINVAL);

	/* Bad state pointers: the call returns -EFAULT. */
	check_value("state NULL",
		    wk_set_self_state(0, WK_REGS_SIZE, 0), -WK_EFAULT);
	check_value("state unmapped",
		    wk_set_self_state((long)(EVENT_SCRATCH + 0x50000ull),
				      WK_REGS_SIZE, 0), -WK_EFAULT);
	check_value("state in the kernel half",
		    wk_set_self_state((long)KERNEL_HALF, WK_REGS_SIZE, 0),
		    -WK_EFAULT);
	check_value("state non-canonical",
		    wk_set_self_state((long)0x0000800000000000ull, WK_REGS_SIZE,
				      0), -WK_EFAULT);
	/* A valid state (RIP in our text) whose tail is in the unmapped page
	 * after STATE_PAGE. */
	struct wk_regs *straddling =
		(struct wk_regs *)(STATE_PAGE + WK_PAGE_SIZE - 64);
	memset(straddling, 0, 64);
	check_value("state straddling into an unmapped page",
		    wk_set_self_state((long)straddling, WK_REGS_SIZE, 0),
		    -WK_EFAULT);
	check_value("state straddling, WK_UNMASK",
		    wk_set_self_state((long)straddling, WK_REGS_SIZE,
				      WK_UNMASK), -WK_EFAULT);
	/* Valid RIP, RSP and FS base, but only the last word, or only the
	 * first ones, unreadable (the kernel's fast path checks both ends
	 * before it changes anything). */
	struct wk_regs *tail_cut =
		(struct wk_regs *)(STATE_PAGE + WK_PAGE_SIZE - WK_REGS_FS_BASE);
	memset(tail_cut, 0, WK_REGS_FS_BASE);
	tail_cut->rip = (uint64_t)(uintptr_t)refused_cases;
	tail_cut->rsp = STATE_PAGE;
	check_value("state whose last word is unmapped",
		    wk_set_self_state((long)tail_cut, WK_REGS_SIZE, WK_UNMASK),
		    -WK_EFAULT);
	uint64_t head_cut = STATE_PAGE - 64;
	uint64_t *fields = (uint64_t *)STATE_PAGE;
	memset(fields, 0, WK_REGS_SIZE - 64);
	fields[(WK_REGS_RIP - 64) / 8] = (uint64_t)(uintptr_t)refused_cases;
	check_value("state whose first words are unmapped",
		    wk_set_self_state((long)head_cut, WK_REGS_SIZE, WK_UNMASK),
		    -WK_EFAULT);
}

static void sanitised_cases(void)
{
	sanitised("IOPL 3 requested: IOPL 0", RFLAGS_IOPL, 0, RFLAGS_IF,
		  RFLAGS_IOPL);
	sanitised("VM requested: VM 0", RFLAGS_VM, 0, RFLAGS_IF, RFLAGS_VM);
	sanitised("NT requested: NT 0", RFLAGS_NT, 0, RFLAGS_IF, RFLAGS_NT);
	sanitised("RF requested: RF 0", RFLAGS_RF, 0, RFLAGS_IF, RFLAGS_RF);
	sanitised("VIF and VIP requested: both 0", RFLAGS_VIF | RFLAGS_VIP, 0,
		  RFLAGS_IF, RFLAGS_VIF | RFLAGS_VIP);
	uint64_t reserved = (1ull << 3) | (1ull << 5) | (1ull << 15) |
			    ~((1ull << 22) - 1);
	sanitised("reserved bits 3, 5, 15, 22..63 requested: all 0", reserved,
		  0, RFLAGS_IF | RFLAGS_BIT1, reserved);
	sanitised("bit 1 cleared: bit 1 on", 0, RFLAGS_BIT1, RFLAGS_BIT1, 0);
	sanitised("IF cleared: IF on", 0, RFLAGS_IF, RFLAGS_IF, 0);
	uint64_t arithmetic = RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF |
			      RFLAGS_SF | RFLAGS_OF | RFLAGS_DF;
	sanitised("CF PF AF ZF SF OF DF kept", arithmetic, 0,
		  arithmetic | RFLAGS_IF, 0);
	sanitised("ID kept", RFLAGS_ID, 0, RFLAGS_ID | RFLAGS_IF, 0);
	sanitised("AC requested: AC on", RFLAGS_AC, 0, RFLAGS_AC | RFLAGS_IF,
		  0);
	sanitised("everything at once", ~0ull, 0,
		  arithmetic | RFLAGS_IF | RFLAGS_AC | RFLAGS_ID | RFLAGS_TF,
		  RFLAGS_IOPL | RFLAGS_NT | RFLAGS_VM | RFLAGS_VIF |
			  RFLAGS_VIP | reserved);

	/* TF: one #DB event after one instruction at the landing. The last
	 * case above set TF too: count from here. */
	step_events = 0;
	sanitised("TF requested: TF on", RFLAGS_TF, 0, RFLAGS_TF | RFLAGS_IF,
		  0);
	check_value("TF: #DB events", step_events, 1);
	check_true("TF: #DB after the landing's first instruction",
		   step_rip == (uint64_t)probe_landing_next);
}

static void swap_case(const struct wk_info *info)
{
	/* Every register a pattern, RAX included (not a return code). */
	edit_patterns = true;
	long result = self_state_probe(&state_buffer.regs, WK_REGS_SIZE, 0,
				       edit_state);
	edit_reset();
	unsigned bad = 0;
	for (unsigned i = 0; i < 16; i++) {
		if (i == 7)
			continue;
		uint64_t got = ((uint64_t *)&probe_regs)[i];
		if (got != pattern(i)) {
			print("libos: FAIL state swap: register %u = 0x%lx, "
			      "expected 0x%lx\n", i, (unsigned long)got,
			      (unsigned long)pattern(i));
			bad++;
		}
	}
	check_true("state swap: all 15 registers arrived", bad == 0);
	check_true("state swap: RAX not overwritten on success",
		   (uint64_t)result == pattern(0));
	check_true("state swap: RSP as given",
		   probe_regs.rsp == state_buffer.regs.rsp);

	/* The FS base through set_self_state, whatever the CPU. */
	*(volatile uint64_t *)FS_PAGE = FS_MAGIC;
	edit_fs_base = FS_PAGE;
	result = self_state_probe(&state_buffer.regs, WK_REGS_SIZE, 0,
				  edit_state);
	edit_reset();
	check_true("fs_base taken: state took effect",
		   result == SELF_STATE_RESUMED);
	current_fs_base = FS_PAGE;
	check_true("fs_base taken: %fs:0 reads the magic",
		   read_fs_qword(0) == FS_MAGIC);
	if (info->cpu_features & WK_CPU_FSGSBASE) {
		uint64_t base;
		__asm__ volatile("rdfsbase %0" : "=r"(base));
		check_true("fs_base taken: rdfsbase", base == FS_PAGE);
	}
	/* Same state with WK_UNMASK while not masked: takes effect too. */
	result = self_state_probe(&state_buffer.regs, WK_REGS_SIZE, WK_UNMASK,
				  NULL);
	check_true("WK_UNMASK while unmasked takes effect",
		   result == SELF_STATE_RESUMED &&
			   event_vcpu->events_masked == 0);
	/* A masked vCPU unmasked by set_self_state. */
	event_vcpu->events_masked = 1;
	result = self_state_probe(&state_buffer.regs, WK_REGS_SIZE, WK_UNMASK,
				  NULL);
	check_true("WK_UNMASK clears events_masked",
		   result == SELF_STATE_RESUMED &&
			   event_vcpu->events_masked == 0);
	event_vcpu->events_masked = 1;
	result = self_state_probe(&state_buffer.regs, WK_REGS_SIZE, 0, NULL);
	check_true("flags 0 leaves events_masked",
		   result == SELF_STATE_RESUMED &&
			   event_vcpu->events_masked == 1);
	event_vcpu->events_masked = 0;
}

int scenario_set_self_state(const struct wk_info *info)
{
	if (!events_setup())
		return 1;
	if (wk_mem_map(STATE_PAGE, WK_PAGE_SIZE, WK_PROT_READ | WK_PROT_WRITE) ||
	    wk_mem_map(FS_PAGE, WK_PAGE_SIZE, WK_PROT_READ | WK_PROT_WRITE)) {
		print("libos: FAIL mem_map\n");
		return 1;
	}
	event_hook = step_hook;
	refused_cases();
	sanitised_cases();
	swap_case(info);
	check_value("no stray events", step_events, 1);
	event_hook = NULL;
	print("libos: the kernel survived every hostile state\n");
	return check_finish("set-self-state");
}
