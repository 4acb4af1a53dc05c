/*
 * Scenario events-syscall: a `syscall` with a number outside the native
 * range is reflected to the libOS as a WK_EVENT_SYSCALL event: the frame
 * has the number in RAX, the arguments in RDI RSI RDX R10 R8 R9, RIP after
 * the instruction, RCX = that RIP and R11 = RFLAGS at the syscall. The
 * handler sets the frame's RAX and resumes: the app sees that RAX and every
 * other register as it left them, except RCX and R11.
 */
#include <stdint.h>

#include "check.h"
#include "events.h"
#include "print.h"
#include "string.h"
#include "wicket/native.h"

#pragma GCC visibility push(hidden)
/* events_exceptions.c and exceptions.S */
extern struct wk_regs fault_in, fault_out;
extern uint64_t fault_flags_in, fault_saved_rsp;
extern uint64_t fault_label_insn, fault_label_resume;
void fault_case_syscall_reflected(void);
#pragma GCC visibility pop

#define REFLECTED_NUMBER 1234
#define REFLECTED_RESULT 0x1234abcdull

static volatile unsigned seen_count;
static uint32_t seen_kind;
static struct wk_event seen_event;
static struct wk_regs seen_frame;
static bool loop_mode;

static uint64_t loop_result(const struct wk_regs *frame)
{
	return frame->rdi * 3 + frame->rsi + (frame->rax << 20) + frame->r9;
}

static void syscall_hook(struct wk_vcpu *vcpu, uint32_t kind)
{
	seen_count++;
	seen_kind = kind;
	if (loop_mode) {
		vcpu->frame.rax = kind == WK_EVENT_SYSCALL
					  ? loop_result(&vcpu->frame)
					  : (uint64_t)-1;
		return;
	}
	seen_event = vcpu->event;
	seen_frame = vcpu->frame;
	vcpu->frame.rax = REFLECTED_RESULT;
}

static const char *const gpr_names[16] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static uint64_t gpr(const struct wk_regs *regs, unsigned index)
{
	return ((const uint64_t *)regs)[index];
}

static void single_syscall(void)
{
	for (unsigned i = 0; i < 16; i++)
		((uint64_t *)&fault_in)[i] = 0xc3c3000000000000ull +
					      (uint64_t)(i + 1) *
						      0x0000010101010101ull;
	fault_in.rax = REFLECTED_NUMBER;
	seen_count = 0;
	fault_case_syscall_reflected();

	check_value("reflected syscall: events", seen_count, 1);
	check_value("reflected syscall: event kind", seen_kind,
		    WK_EVENT_SYSCALL);
	check_value("reflected syscall: syscall_number",
		    (long)seen_event.syscall_number, REFLECTED_NUMBER);
	check_value("reflected syscall: frame rax", (long)seen_frame.rax,
		    REFLECTED_NUMBER);
	check_true("reflected syscall: frame rip is after the syscall",
		   seen_frame.rip == fault_label_resume);
	check_true("reflected syscall: frame rcx == rip",
		   seen_frame.rcx == fault_label_resume);
	if (seen_frame.r11 != fault_flags_in)
		print("libos: r11 0x%lx, rflags at the syscall 0x%lx\n",
		      (unsigned long)seen_frame.r11,
		      (unsigned long)fault_flags_in);
	check_true("reflected syscall: frame r11 == rflags at the syscall",
		   seen_frame.r11 == fault_flags_in);
	check_true("reflected syscall: frame rsp",
		   seen_frame.rsp == fault_saved_rsp);
	check_true("reflected syscall: frame rflags",
		   (seen_frame.rflags & ~RFLAGS_RF) == fault_flags_in);
	check_true("reflected syscall: frame fs_base",
		   seen_frame.fs_base == current_fs_base);
	unsigned bad = 0;
	for (unsigned i = 1; i < 16; i++) {
		if (i == 2 || i == 7 || i == 11) /* rcx, rsp, r11 */
			continue;
		if (gpr(&seen_frame, i) != gpr(&fault_in, i)) {
			print("libos: FAIL frame %s = 0x%lx, expected 0x%lx\n",
			      gpr_names[i], (unsigned long)gpr(&seen_frame, i),
			      (unsigned long)gpr(&fault_in, i));
			bad++;
		}
		if (gpr(&fault_out, i) != gpr(&fault_in, i)) {
			print("libos: FAIL after the syscall %s = 0x%lx, "
			      "expected 0x%lx\n", gpr_names[i],
			      (unsigned long)gpr(&fault_out, i),
			      (unsigned long)gpr(&fault_in, i));
			bad++;
		}
	}
	check_true("reflected syscall: frame arguments and registers", bad == 0);
	print("libos: reflected syscall(%d) args 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx "
	      "0x%lx\n", REFLECTED_NUMBER, (unsigned long)seen_frame.rdi,
	      (unsigned long)seen_frame.rsi, (unsigned long)seen_frame.rdx,
	      (unsigned long)seen_frame.r10, (unsigned long)seen_frame.r8,
	      (unsigned long)seen_frame.r9);
	check_value("reflected syscall: rax after resume", (long)fault_out.rax,
		    (long)REFLECTED_RESULT);
	check_true("reflected syscall: rsp after resume",
		   fault_out.rsp == fault_saved_rsp);
	check_true("reflected syscall: rflags after resume",
		   fault_out.rflags == fault_flags_in);
	check_true("reflected syscall: fs base after resume",
		   read_fs_qword(0) == 0x5c5c5c5c5c5c5c5cull);
	print("libos: reflected syscall(%d) = 0x%lx\n", REFLECTED_NUMBER,
	      (unsigned long)fault_out.rax);
}

static void syscall_loop(void)
{
	unsigned wrong = 0;

	loop_mode = true;
	seen_count = 0;
	for (unsigned i = 0; i < 1000; i++) {
		struct wk_regs args = { 0 };
		args.rax = 0x10000 + i;   /* Linux-range numbers and beyond */
		args.rdi = i;
		args.rsi = 0x1000 + i;
		args.r9 = 0x77;
		long got = wk_syscall6((long)args.rax, (long)args.rdi,
				       (long)args.rsi, 3, 4, 5, (long)args.r9);
		if ((uint64_t)got != loop_result(&args)) {
			if (wrong++ < 5)
				print("libos: FAIL round trip %u: 0x%lx, "
				      "expected 0x%lx\n", i,
				      (unsigned long)got,
				      (unsigned long)loop_result(&args));
		}
	}
	loop_mode = false;
	check_value("1000 reflected round trips: events", seen_count, 1000);
	check_value("1000 reflected round trips: wrong results", wrong, 0);
	/* A Linux number too. */
	seen_count = 0;
	loop_mode = true;
	struct wk_regs args = { .rax = 39, .rdi = 1, .rsi = 2, .r9 = 6 };
	long got = wk_syscall6(39, 1, 2, 3, 4, 5, 6);
	loop_mode = false;
	check_true("syscall(39) is reflected too",
		   seen_count == 1 && (uint64_t)got == loop_result(&args));
}

int scenario_events_syscall(const struct wk_info *info)
{
	if (!events_setup())
		return 1;
	/* A known FS base, to see it survive the round trip. */
	uint64_t fs_page = EVENT_SCRATCH + 0x20000ull;
	if (wk_mem_map(fs_page, WK_PAGE_SIZE, WK_PROT_READ | WK_PROT_WRITE)) {
		print("libos: FAIL mem_map\n");
		return 1;
	}
	*(volatile uint64_t *)fs_page = 0x5c5c5c5c5c5c5c5cull;
	if (!set_fs_base(info, fs_page))
		return 1;
	event_hook = syscall_hook;
	single_syscall();
	syscall_loop();
	/* Native calls are not reflected. */
	seen_count = 0;
	check_value("nop with events on", wk_nop(), 0);
	check_value("nop: no event", seen_count, 0);
	event_hook = NULL;
	return check_finish("events-syscall");
}
