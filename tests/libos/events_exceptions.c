/*
 * Scenario events-exceptions: every exception ring 3 can raise arrives as
 * an event with the right vector, error code and fault address, the frame
 * holds the interrupted registers, and the libOS resumes the interrupted
 * code (at the instruction after the faulting one) with all 16 general
 * registers, RFLAGS and the FS base intact.
 *
 * The faulting blocks are in exceptions.S (fault_case_*); the handler here
 * records what arrived and moves the frame's RIP to the block's label 2.
 */
#include <stdint.h>

#include "check.h"
#include "events.h"
#include "print.h"
#include "string.h"
#include "wicket/native.h"

/* Shared with exceptions.S. */
struct wk_regs fault_in, fault_out;
uint64_t fault_flags_in, fault_saved_rsp;
uint64_t fault_label_insn, fault_label_resume;

#define READONLY_PAGE   EVENT_SCRATCH                 /* mapped read-only */
#define UNMAPPED_PAGE   (EVENT_SCRATCH + 0x10000ull)  /* never mapped */
#define FS_PAGE         (EVENT_SCRATCH + 0x20000ull)
#define FS_MAGIC        0xf5f5f5f5a0b1c2d3ull
#define NON_CANONICAL   0x8000000000000000ull

#define FAULT_CASE_DECLARE(name) void fault_case_##name(void);
FAULT_CASE_DECLARE(de)
FAULT_CASE_DECLARE(db_icebp)
FAULT_CASE_DECLARE(db_step)
FAULT_CASE_DECLARE(bp_int3)
FAULT_CASE_DECLARE(bp_int_3)
FAULT_CASE_DECLARE(ud_ud2)
FAULT_CASE_DECLARE(gp_cli)
FAULT_CASE_DECLARE(gp_int80)
FAULT_CASE_DECLARE(gp_noncanonical)
FAULT_CASE_DECLARE(ss_push)
FAULT_CASE_DECLARE(pf_read)
FAULT_CASE_DECLARE(pf_write)
FAULT_CASE_DECLARE(ac_load)
FAULT_CASE_DECLARE(xm_divss)
FAULT_CASE_DECLARE(mf_fwait)

/* What arrives. */
struct expectation {
	const char *mnemonic;   /* "#DE" */
	uint32_t vector;
	uint64_t error_code;
	bool trap;              /* the frame's RIP is after the instruction */
	bool none;              /* no event at all */
};

struct fault_case {
	const char *what;
	void (*run)(void);
	struct expectation hardware;
	/* QEMU TCG (7.2) differs from the hardware here: icebp is #UD, the
	 * IDT error code of INT n is n * 16 + 2 in 64-bit mode, a
	 * non-canonical stack access is #GP, and neither #AC nor #XM is
	 * emulated. Used only when the CPU's brand string says QEMU TCG. */
	bool tcg_differs;
	struct expectation tcg;
	uint64_t fault_address;
	bool single_step;       /* TF was set: the handler clears it */
	uint64_t frame_rsp;     /* the frame's RSP, 0: the block's own */
};

#define NO_TCG false, { 0 }

static const struct fault_case cases[] = {
	{ "div by zero", fault_case_de, { "#DE", 0, 0, false, false }, NO_TCG,
	  0, false, 0 },
	{ "icebp (int1)", fault_case_db_icebp, { "#DB", 1, 0, true, false },
	  true, { "#UD", 6, 0, false, false }, 0, false, 0 },
	{ "single step (TF)", fault_case_db_step, { "#DB", 1, 0, true, false },
	  NO_TCG, 0, true, 0 },
	{ "int3", fault_case_bp_int3, { "#BP", 3, 0, true, false }, NO_TCG, 0,
	  false, 0 },
	{ "int $3", fault_case_bp_int_3, { "#BP", 3, 0, true, false }, NO_TCG,
	  0, false, 0 },
	{ "ud2", fault_case_ud_ud2, { "#UD", 6, 0, false, false }, NO_TCG, 0,
	  false, 0 },
	{ "cli", fault_case_gp_cli, { "#GP", 13, 0, false, false }, NO_TCG, 0,
	  false, 0 },
	{ "int $0x80 (DPL 0 gate)", fault_case_gp_int80,
	  { "#GP", 13, (0x80 << 3) | 2, false, false },
	  true, { "#GP", 13, (0x80 << 4) | 2, false, false }, 0, false, 0 },
	{ "non-canonical load", fault_case_gp_noncanonical,
	  { "#GP", 13, 0, false, false }, NO_TCG, 0, false, 0 },
	{ "push through a non-canonical RSP", fault_case_ss_push,
	  { "#SS", 12, 0, false, false },
	  true, { "#GP", 13, 0, false, false }, 0, false, NON_CANONICAL },
	{ "read of an unmapped page", fault_case_pf_read,
	  { "#PF", 14, 0x4, false, false }, NO_TCG, UNMAPPED_PAGE + 0x123,
	  false, 0 },
	{ "write to a read-only page", fault_case_pf_write,
	  { "#PF", 14, 0x7, false, false }, NO_TCG, READONLY_PAGE + 0x458,
	  false, 0 },
	{ "misaligned load with AC", fault_case_ac_load,
	  { "#AC", 17, 0, false, false },
	  true, { "#AC", 17, 0, false, true }, 0, false, 0 },
	{ "divss by zero, unmasked", fault_case_xm_divss,
	  { "#XM", 19, 0, false, false },
	  true, { "#XM", 19, 0, false, true }, 0, false, 0 },
	{ "x87 fdiv by zero, unmasked, fwait", fault_case_mf_fwait,
	  { "#MF", 16, 0, false, false }, NO_TCG, 0, false, 0 },
};

/* Whether the CPU is QEMU's TCG: the hypervisor leaf's signature
 * "TCGTCGTCGTCG", or "QEMU TCG" in the brand string (-cpu max). */
static bool running_under_tcg(void)
{
	uint32_t r[12], max, ecx1;
	const char *text = (const char *)r;

	__asm__ volatile("cpuid" : "=a"(max), "=c"(ecx1) : "a"(1u), "c"(0u)
			 : "rbx", "rdx");
	if (ecx1 & (1u << 31)) {
		__asm__ volatile("cpuid" : "=a"(max), "=b"(r[0]), "=c"(r[1]),
				 "=d"(r[2]) : "a"(0x40000000u), "c"(0u));
		if (memcmp(r, "TCGTCGTCGTCG", 12) == 0)
			return true;
	}
	__asm__ volatile("cpuid" : "=a"(max) : "a"(0x80000000u), "c"(0u)
			 : "rbx", "rdx");
	if (max < 0x80000004u)
		return false;
	for (unsigned leaf = 0; leaf < 3; leaf++)
		__asm__ volatile("cpuid"
				 : "=a"(r[4 * leaf]), "=b"(r[4 * leaf + 1]),
				   "=c"(r[4 * leaf + 2]), "=d"(r[4 * leaf + 3])
				 : "a"(0x80000002u + leaf), "c"(0u));
	for (unsigned i = 0; i + 8 <= sizeof(r); i++)
		if (memcmp(text + i, "QEMU TCG", 8) == 0)
			return true;
	return false;
}

static bool under_tcg;

/* What the handler saw. */
static volatile unsigned seen_count;
static uint32_t seen_kind;
static struct wk_event seen_event;
static struct wk_regs seen_frame;
static struct wk_regs entry_regs; /* event_entry_regs of that event */

static void exceptions_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	seen_count++;
	seen_kind = kind;
	seen_event = vcpu->event;
	seen_frame = vcpu->frame;
	entry_regs = event_entry_regs;
	vcpu->frame.rip = fault_label_resume;
	vcpu->frame.rsp = fault_saved_rsp;
	vcpu->frame.rflags &= ~RFLAGS_TF;
}

static const char *const gpr_names[16] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static uint64_t gpr(const struct wk_regs *regs, unsigned index)
{
	return ((const uint64_t *)regs)[index];
}

/* Compares the 15 GPRs but RSP of got with fault_in; prints the ones that
 * differ. Returns the number that differ. */
static unsigned compare_gprs(const char *where, const struct wk_regs *got)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < 16; i++) {
		if (i == 7)
			continue;
		if (gpr(got, i) != gpr(&fault_in, i)) {
			print("libos: FAIL %s: %s = 0x%lx, expected 0x%lx\n",
			      where, gpr_names[i], (unsigned long)gpr(got, i),
			      (unsigned long)gpr(&fault_in, i));
			bad++;
		}
	}
	return bad;
}

static bool run_case(const struct wk_info *info, unsigned index)
{
	const struct fault_case *c = &cases[index];
	const struct expectation *e = &c->hardware;
	bool tcg = under_tcg && c->tcg_differs;
	unsigned failures = 0;

	if (tcg)
		e = &c->tcg;
	for (unsigned i = 0; i < 16; i++)
		((uint64_t *)&fault_in)[i] =
			0xa5a5000000000000ull + ((uint64_t)(index + 1) << 36) +
			(uint64_t)(i + 1) * 0x0000010101010101ull;
	memset(&fault_out, 0, sizeof(fault_out));
	seen_count = 0;
	seen_kind = 0;
	memset(&seen_event, 0, sizeof(seen_event));
	memset(&seen_frame, 0, sizeof(seen_frame));
	memset(&entry_regs, 0, sizeof(entry_regs));

	c->run();

	/* A QEMU that behaves like the hardware is fine too. */
	if (tcg && seen_count == 1 &&
	    seen_event.vector == c->hardware.vector &&
	    seen_event.error_code == c->hardware.error_code) {
		tcg = false;
		e = &c->hardware;
	}
	if (e->none) {
		/* Documented emulator gap: the instruction ran. */
		bool ok = seen_count == 0;
		if (ok)
			print("libos: event %s vector %u: not raised (%s): QEMU "
			      "TCG does not emulate it; skipped\n",
			      e->mnemonic, e->vector, c->what);
		else
			print("libos: FAIL %s (%s): %u events under TCG\n",
			      e->mnemonic, c->what, seen_count);
		check_true(c->what, ok);
		return ok;
	}

	uint64_t expected_rip = e->trap ? fault_label_resume : fault_label_insn;
	uint64_t expected_frame_rsp = c->frame_rsp ? c->frame_rsp
						   : fault_saved_rsp;
	uint64_t expected_frame_flags = fault_flags_in |
					(c->single_step ? RFLAGS_TF : 0);
	uint64_t fs_value = read_fs_qword(0);

#define EXPECT(condition, ...)                                  \
	do {                                                    \
		if (!(condition)) {                             \
			print("libos: FAIL %s (%s): ", e->mnemonic, \
			      c->what);                         \
			print(__VA_ARGS__);                     \
			failures++;                             \
		}                                               \
	} while (0)

	EXPECT(seen_count == 1, "%u events, expected 1\n", seen_count);
	EXPECT(seen_kind == WK_EVENT_EXCEPTION, "kind %u\n", seen_kind);
	EXPECT(seen_event.vector == e->vector, "vector %u, expected %u\n",
	       seen_event.vector, e->vector);
	EXPECT(seen_event.error_code == e->error_code,
	       "error 0x%lx, expected 0x%lx\n",
	       (unsigned long)seen_event.error_code,
	       (unsigned long)e->error_code);
	EXPECT(seen_event.fault_address == c->fault_address,
	       "address 0x%lx, expected 0x%lx\n",
	       (unsigned long)seen_event.fault_address,
	       (unsigned long)c->fault_address);
	EXPECT(seen_frame.rip == expected_rip,
	       "frame rip 0x%lx, expected 0x%lx\n",
	       (unsigned long)seen_frame.rip, (unsigned long)expected_rip);
	EXPECT(seen_frame.rsp == expected_frame_rsp,
	       "frame rsp 0x%lx, expected 0x%lx\n",
	       (unsigned long)seen_frame.rsp,
	       (unsigned long)expected_frame_rsp);
	EXPECT((seen_frame.rflags & ~RFLAGS_RF) == expected_frame_flags,
	       "frame rflags 0x%lx, expected 0x%lx\n",
	       (unsigned long)seen_frame.rflags,
	       (unsigned long)expected_frame_flags);
	EXPECT(seen_frame.fs_base == current_fs_base,
	       "frame fs_base 0x%lx, expected 0x%lx\n",
	       (unsigned long)seen_frame.fs_base,
	       (unsigned long)current_fs_base);
	failures += compare_gprs("frame", &seen_frame);

	/* The entry state (abi.h): RSP = stack - 8, RDI = the vCPU, RSI =
	 * the kind, RFLAGS = IF (and the always-one bit 1), every other
	 * register as the interrupted context had it. */
	EXPECT(entry_regs.rsp == EVENT_STACK_TOP - 8,
	       "entry rsp 0x%lx, expected 0x%lx\n",
	       (unsigned long)entry_regs.rsp,
	       (unsigned long)(EVENT_STACK_TOP - 8));
	EXPECT(entry_regs.rdi == EVENT_VCPU_ADDRESS, "entry rdi 0x%lx\n",
	       (unsigned long)entry_regs.rdi);
	EXPECT(entry_regs.rsi == WK_EVENT_EXCEPTION, "entry rsi 0x%lx\n",
	       (unsigned long)entry_regs.rsi);
	EXPECT(entry_regs.rflags == (RFLAGS_IF | RFLAGS_BIT1),
	       "entry rflags 0x%lx, expected 0x202\n",
	       (unsigned long)entry_regs.rflags);
	for (unsigned i = 0; i < 16; i++) {
		if (i == 4 || i == 5 || i == 7) /* rsi, rdi, rsp */
			continue;
		EXPECT(gpr(&entry_regs, i) == gpr(&fault_in, i),
		       "entry %s 0x%lx, expected 0x%lx\n", gpr_names[i],
		       (unsigned long)gpr(&entry_regs, i),
		       (unsigned long)gpr(&fault_in, i));
	}

	/* After the resume. */
	failures += compare_gprs("after resume", &fault_out);
	EXPECT(fault_out.rsp == fault_saved_rsp,
	       "rsp after resume 0x%lx, expected 0x%lx\n",
	       (unsigned long)fault_out.rsp, (unsigned long)fault_saved_rsp);
	EXPECT(fault_out.rflags == fault_flags_in,
	       "rflags after resume 0x%lx, expected 0x%lx\n",
	       (unsigned long)fault_out.rflags,
	       (unsigned long)fault_flags_in);
	EXPECT(fs_value == FS_MAGIC, "%%fs:0 reads 0x%lx after resume\n",
	       (unsigned long)fs_value);
	if (info->cpu_features & WK_CPU_FSGSBASE) {
		uint64_t base;
		__asm__ volatile("rdfsbase %0" : "=r"(base));
		EXPECT(base == current_fs_base, "rdfsbase 0x%lx\n",
		       (unsigned long)base);
	}
#undef EXPECT

	if (failures == 0)
	{
		if (tcg)
			print("libos: event %s vector %u error 0x%lx address "
			      "0x%lx: ok (%s; QEMU TCG's behaviour: the "
			      "hardware raises %s vector %u error 0x%lx)\n",
			      e->mnemonic, e->vector,
			      (unsigned long)e->error_code,
			      (unsigned long)c->fault_address, c->what,
			      c->hardware.mnemonic, c->hardware.vector,
			      (unsigned long)c->hardware.error_code);
		else
			print("libos: event %s vector %u error 0x%lx address "
			      "0x%lx: ok (%s)\n", e->mnemonic, e->vector,
			      (unsigned long)e->error_code,
			      (unsigned long)c->fault_address, c->what);
	}
	check_true(c->what, failures == 0);
	return failures == 0;
}

int scenario_events_exceptions(const struct wk_info *info)
{
	if (!events_setup())
		return 1;
	long result = wk_mem_map(READONLY_PAGE, WK_PAGE_SIZE, WK_PROT_READ);
	if (result == 0)
		result = wk_mem_map(FS_PAGE, WK_PAGE_SIZE,
				    WK_PROT_READ | WK_PROT_WRITE);
	if (result != 0) {
		print("libos: FAIL mem_map = %ld\n", result);
		return 1;
	}
	*(volatile uint64_t *)FS_PAGE = FS_MAGIC;
	if (!set_fs_base(info, FS_PAGE))
		return 1;
	print("libos: FS base 0x%lx set with %s\n", (unsigned long)FS_PAGE,
	      info->cpu_features & WK_CPU_FSGSBASE ? "wrfsbase"
						   : "set_self_state");
	check_true("FS base set", read_fs_qword(0) == FS_MAGIC);

	under_tcg = running_under_tcg();
	if (under_tcg)
		print("libos: the CPU is QEMU TCG: its known differences from "
		      "the hardware are accepted\n");
	event_hook = exceptions_hook;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(info, i);
	event_hook = NULL;
	return check_finish("events-exceptions");
}
