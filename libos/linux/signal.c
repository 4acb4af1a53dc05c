/*
 * Signals (signal.h) and their system calls.
 *
 * The frame a handler gets is Linux's x86-64 rt_sigframe, byte for byte:
 * below the interrupted RSP's 128-byte red zone (or at the top of the
 * alternate stack with SA_ONSTACK), first the FPU state (64-byte aligned:
 * an XSAVE area with the software-reserved words Linux writes, or an
 * FXSAVE area), then the frame itself, placed so that RSP + 8 is 16-byte
 * aligned at the handler's first instruction, as after a call:
 *
 *   +0    return address: sa_restorer
 *   +8    ucontext: flags, link, uc_stack, uc_mcontext (struct sigcontext:
 *         r8..r15 rdi rsi rbp rbx rdx rax rcx rsp rip eflags, cs gs fs ss,
 *         err trapno oldmask cr2, fpstate, 8 reserved words left
 *         unwritten as Linux leaves them), uc_sigmask
 *   +312  siginfo (128 bytes)
 *
 * rt_sigreturn takes the registers, the mask and the FPU state back from
 * there; the state then passes event_resume's checks (and the kernel's, in
 * set_self_state), so a handler cannot give itself IOPL, a kernel RIP or a
 * non-canonical one: RFLAGS keeps the user bits only, and a RIP or RSP
 * the CPU cannot resume at is a SIGSEGV.
 *
 * Standard and real-time signals alike are not queued: a second one of a
 * number already pending is merged into it.
 */
#include "linux/signal.h"

#include <stddef.h>

#include "errno.h"
#include "lib/print.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/clock.h"
#include "linux/signalfd.h"
#include "linux/syscalls.h"
#include "linux/timers.h"
#include "loader/elf.h"
#include "mm/vm.h"
#include "sched/sched.h"
#include "trap/patch.h"

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x00000001u
#define SA_NOCLDWAIT 0x00000002u
#define SA_SIGINFO   0x00000004u
#define SA_EXPOSE_TAGBITS 0x00000800u
#define SA_RESTORER  0x04000000u
#define SA_ONSTACK   0x08000000u
#define SA_RESTART   0x10000000u
#define SA_NODEFER   0x40000000u
#define SA_RESETHAND 0x80000000u

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SS_ONSTACK  1
#define SS_DISABLE  2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048

#define SIGSET_BYTES 8
#define RED_ZONE 128

/* uc_flags (arch/x86/include/uapi/asm/ucontext.h). */
#define UC_FP_XSTATE         0x1
#define UC_SIGCONTEXT_SS     0x2
#define UC_STRICT_RESTORE_SS 0x4
/* The XSAVE frame's markers (uapi/asm/sigcontext.h). */
#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define FXSAVE_BYTES 512
#define XSAVE_HEADER_BYTES 64

#define RFLAGS_TF (1u << 8)
#define RFLAGS_DF (1u << 10)
#define RFLAGS_RF (1u << 16)

struct kernel_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct linux_stack {
	uint64_t base;
	int32_t flags, pad;
	uint64_t size;
};

struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate;
	uint64_t reserved[8];
};

struct linux_ucontext {
	uint64_t flags, link;
	struct linux_stack stack;
	struct linux_sigcontext mcontext;
	uint64_t sigmask;
};

struct linux_siginfo {
	int32_t signo, errno_value, code, pad;
	union {
		struct { int32_t pid; uint32_t uid; } kill;
		struct { int32_t tid, overrun; uint64_t value; } timer;
		struct { int32_t pid; uint32_t uid; uint64_t value; } rt;
		struct { uint64_t address; } fault;
		uint8_t bytes[112];
	};
};

struct rt_sigframe {
	uint64_t return_address;
	struct linux_ucontext uc;
	struct linux_siginfo info;
};

_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext");
_Static_assert(offsetof(struct linux_sigcontext, ss) ==
	       offsetof(struct linux_sigcontext, cs) + 6, "user_selectors");
_Static_assert(offsetof(struct linux_ucontext, mcontext) == 40, "uc_mcontext");
_Static_assert(sizeof(struct linux_ucontext) == 304, "ucontext");
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo");
_Static_assert(offsetof(struct rt_sigframe, info) == 312, "rt_sigframe");
_Static_assert(sizeof(struct rt_sigframe) == 440, "rt_sigframe");

static struct kernel_sigaction actions[SIGNAL_MAX + 1];
static unsigned sigwaiters; /* threads blocked in sigtimedwait */
uint64_t signal_process_pending;
static uint8_t process_queued[SIGNAL_MAX + 1];
static struct signal_info process_infos[SIGNAL_MAX + 1];

#define SIGRTMIN 32
#define QUEUE_MAX 255 /* real-time signals beyond this are dropped */

/* SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
static const uint64_t unblockable = (UINT64_C(1) << (SIGKILL - 1)) |
				    (UINT64_C(1) << (SIGSTOP - 1));
/* Delivered before the others (Linux's SYNCHRONOUS_MASK). */
static const uint64_t synchronous = (UINT64_C(1) << (SIGSEGV - 1)) |
	(UINT64_C(1) << (SIGBUS - 1)) | (UINT64_C(1) << (SIGILL - 1)) |
	(UINT64_C(1) << (SIGTRAP - 1)) | (UINT64_C(1) << (SIGFPE - 1)) |
	(UINT64_C(1) << (SIGSYS - 1));

static uint64_t bit(int signal)
{
	return UINT64_C(1) << (signal - 1);
}

static const char *const names[32] = {
	[1] = "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

const char *signal_name(int signal, char *scratch, unsigned scratch_size)
{
	if (signal > 0 && signal < 32)
		return names[signal];
	print_format_to(scratch, scratch_size, "signal %d", signal);
	return scratch;
}

/* Linux ignores SIGCHLD, SIGCONT, SIGURG and SIGWINCH by default; the
 * stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) would stop the app
 * with no one to continue it, so Wicket ignores them too. */
static bool ignored_by_default(int signal)
{
	return (signal >= 17 && signal <= 23) || signal == 28;
}

/* Whether the signal's action is to do nothing. */
static bool ignored(int signal)
{
	uint64_t handler = actions[signal].handler;

	return handler == SIG_IGN ||
	       (handler == SIG_DFL && ignored_by_default(signal));
}

static bool has_handler(int signal)
{
	return actions[signal].handler > SIG_IGN;
}

__attribute__((noreturn)) static void terminate(int signal,
						const struct wk_regs *regs,
						const struct signal_info *info)
{
	char scratch[24], symbol[128], address[96] = "";
	uint64_t rip = patch_app_rip(regs->rip);

	app_symbolise(rip, symbol, sizeof(symbol));
	if (info && (signal == SIGSEGV || signal == SIGBUS) &&
	    info->code != SI_KERNEL && info->code > 0)
		print_format_to(address, sizeof(address),
				", fault address 0x%lx", info->value);
	else if (regs->rip >= WK_USER_LIMIT || regs->rsp >= WK_USER_LIMIT ||
		 regs->fs_base >= WK_USER_LIMIT)
		print_format_to(address, sizeof(address),
				": a state no CPU can resume (rsp 0x%lx, "
				"fs 0x%lx)", regs->rsp, regs->fs_base);
	libos_report("app killed by %s at 0x%lx%s%s",
		     signal_name(signal, scratch, sizeof(scratch)), rip,
		     symbol, address);
	libos_exit(128 + signal);
}

/* ---- frames */

static uint64_t fpu_frame_bytes;   /* the FPU state's size in a frame */
static uint64_t xsave_bytes;       /* XSAVE's size for XCR0, or 0 */
static uint32_t mxcsr_mask;
/* The state a handler starts with: x87 and SSE as after reset, MXCSR
 * 0x1f80, no other component (an XSAVE header with XSTATE_BV 0). */
static uint8_t init_fpu[FXSAVE_BYTES + XSAVE_HEADER_BYTES]
	__attribute__((aligned(64)));

/* The selectors ring 3 runs with, for uc_mcontext (sigreturn never takes
 * them back): cs, gs, fs and ss as they lie there, gs and fs 0. */
static uint64_t user_selectors;

static void fpu_setup(void)
{
	if (fpu_frame_bytes)
		return;
	uint16_t cs, ss;

	__asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
	user_selectors = cs | (uint64_t)ss << 48;
	if (libos_has(WK_CPU_XSAVE)) {
		uint32_t a = 0xd, b, c = 0, d;

		__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
		xsave_bytes = b;
		fpu_frame_bytes = b + 4; /* + FP_XSTATE_MAGIC2 */
	} else {
		fpu_frame_bytes = FXSAVE_BYTES;
	}
	/* FCW 0x37f, MXCSR 0x1f80. */
	init_fpu[0] = 0x7f;
	init_fpu[1] = 0x03;
	init_fpu[24] = 0x80;
	init_fpu[25] = 0x1f;
	uint8_t probe[FXSAVE_BYTES] __attribute__((aligned(16)));

	__asm__ volatile("fxsave64 %0" : "=m"(probe));
	memcpy(&mxcsr_mask, probe + 28, 4);
	if (mxcsr_mask == 0)
		mxcsr_mask = 0xffbf; /* the architectural default */
}

/* Saves the live FPU state (the thread's: it owns the FPU) at area, in
 * the form Linux's frames have, then gives the handler a clean state. */
static void save_fpu_to_frame(uint8_t *area)
{
	if (xsave_bytes) {
		/* XSAVE writes no more of the header than XSTATE_BV's bits
		 * of the components it saves. */
		uint64_t *header = (uint64_t *)(area + FXSAVE_BYTES);

		header[0] = header[1] = header[2] = header[3] = 0;
		header[4] = header[5] = header[6] = header[7] = 0;
		__asm__ volatile("xsave64 (%0)" : : "r"(area), "a"(-1), "d"(-1)
				 : "memory");
		uint32_t sw[6] = { FP_XSTATE_MAGIC1, (uint32_t)fpu_frame_bytes,
				   (uint32_t)libos_info->xsave_components,
				   (uint32_t)(libos_info->xsave_components >> 32),
				   (uint32_t)xsave_bytes, 0 };
		memcpy(area + 464, sw, sizeof(sw));
		uint32_t magic2 = FP_XSTATE_MAGIC2;

		memcpy(area + xsave_bytes, &magic2, 4);
		__asm__ volatile("xrstor64 (%0)" : : "r"(init_fpu), "a"(-1),
				 "d"(-1) : "memory");
	} else {
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
		memset(area + 464, 0, 48);
		__asm__ volatile("fxrstor64 (%0)" : : "r"(init_fpu) : "memory");
	}
}

void signal_exec(struct thread *self)
{
	fpu_setup();
	for (int signal = 1; signal <= SIGNAL_MAX; signal++)
		actions[signal] = (struct kernel_sigaction){
			.handler = actions[signal].handler == SIG_IGN ? SIG_IGN
								      : SIG_DFL
		};
	self->altstack_base = self->altstack_size = 0;
	self->altstack_flags = SS_DISABLE;
	if (xsave_bytes)
		__asm__ volatile("xrstor64 (%0)" : : "r"(init_fpu), "a"(-1),
				 "d"(-1) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(init_fpu) : "memory");
}

/* Whether XRSTOR or FXRSTOR would take the FPU state a frame points at
 * (0: none, the initial state, as Linux): readable, 64-byte aligned,
 * MXCSR's reserved bits clear, a valid XSAVE header. */
static bool fpu_frame_ok(uint64_t address)
{
	const uint8_t *area = (const uint8_t *)address;

	fpu_setup();
	if (address == 0)
		return true;
	/* The largest area first: one check in the usual case. */
	bool whole = vm_user_ok(address, xsave_bytes ? xsave_bytes
						     : FXSAVE_BYTES, PROT_READ);

	if (address % 64 ||
	    (!whole && !vm_user_ok(address, FXSAVE_BYTES, PROT_READ)))
		return false;
	if (*(const uint32_t *)(area + 24) & ~mxcsr_mask) /* MXCSR */
		return false;
	if (!xsave_bytes ||
	    *(const uint32_t *)(area + 464) != FP_XSTATE_MAGIC1)
		return true;
	const uint64_t *header = (const uint64_t *)(area + FXSAVE_BYTES);

	return whole && !(header[0] & ~libos_info->xsave_components) &&
	       !(header[1] | header[2] | header[3] | header[4] | header[5] |
		 header[6] | header[7]);
}

/* Loads the state fpu_frame_ok accepted. */
static void fpu_frame_load(uint64_t address)
{
	const uint8_t *area = (const uint8_t *)address;

	if (address == 0) {
		__asm__ volatile("fxrstor64 (%0)" : : "r"(init_fpu) : "memory");
		return;
	}
	if (xsave_bytes && *(const uint32_t *)(area + 464) == FP_XSTATE_MAGIC1)
		__asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"(-1), "d"(-1)
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static bool on_altstack(const struct thread *thread, uint64_t sp)
{
	return thread->altstack_size && sp - thread->altstack_base <=
					       thread->altstack_size;
}

/* What sigaltstack reports: SS_DISABLE, SS_ONSTACK or 0, and
 * SS_AUTODISARM as registered. */
static int32_t altstack_flags(const struct thread *thread, uint64_t sp)
{
	if (!thread->altstack_size)
		return SS_DISABLE;
	return (on_altstack(thread, sp) ? SS_ONSTACK : 0) |
	       (int32_t)((uint32_t)thread->altstack_flags & SS_AUTODISARM);
}

/* The first four words by what the code says, the other twelve zero:
 * word stores, as a memset is a REP (an instruction per word under
 * icount, and slow to start on hardware). */
static void fill_siginfo(struct linux_siginfo *out, int signal,
			 const struct signal_info *info)
{
	uint64_t *words = __builtin_assume_aligned(out, 8);
	uint64_t sender = (uint32_t)info->sender, union0 = 0, union1 = 0;

	if (info->code > 0 && info->code < SI_KERNEL) {
		union0 = info->value; /* fault.address, or SIGPOLL's si_band */
		if (info->polled)
			union1 = (uint32_t)info->poll_fd; /* si_fd */
	} else if (info->code == SI_USER || info->code == SI_TKILL) {
		union0 = sender; /* kill.pid; kill.uid 0 */
	} else if (info->code == -2 /* SI_TIMER */) {
		union0 = sender | (uint64_t)(uint32_t)info->overrun << 32;
		union1 = info->value;
	} else if (info->code < 0) { /* sigqueue's SI_QUEUE and the like */
		union0 = sender; /* rt.pid; rt.uid 0 */
		union1 = info->value;
	}
	words[0] = (uint32_t)signal |
		   (uint64_t)(uint32_t)info->errno_value << 32;
	words[1] = (uint32_t)info->code;
	words[2] = union0;
	words[3] = union1;
#pragma GCC unroll 12
	for (unsigned i = 4; i < sizeof(*out) / 8; i++)
		words[i] = 0;
}

/* Builds the frame for a handler of signal on thread and points its
 * registers at the handler. */
static void setup_frame(struct thread *thread, int signal,
			const struct signal_info *info)
{
	struct wk_regs *regs = &thread->regs;
	/* The call first: fewer values live across it. */
	uint64_t app_rip = patch_app_rip(regs->rip);
	struct kernel_sigaction *action = &actions[signal];
	uint64_t sp = regs->rsp;

	fpu_setup();
	if ((action->flags & SA_ONSTACK) && thread->altstack_size &&
	    !on_altstack(thread, sp))
		sp = thread->altstack_base + thread->altstack_size;
	else
		sp -= RED_ZONE;
	uint64_t top = sp, frame_top = sp;
	uint64_t fpstate = (sp - fpu_frame_bytes) & ~UINT64_C(63);
	uint64_t frame_address = ((fpstate - sizeof(struct rt_sigframe)) &
				  ~UINT64_C(15)) - 8;

	if (!(action->flags & SA_RESTORER) || frame_address > top ||
	    !vm_user_ok(frame_address, top - frame_address, PROT_WRITE)) {
		/* As Linux's force_sigsegv: the handler cannot run. */
		terminate(SIGSEGV, regs, NULL);
	}

	struct rt_sigframe *frame = (struct rt_sigframe *)frame_address;
	struct linux_sigcontext *sc = &frame->uc.mcontext;
	uint64_t saved_mask = thread->sigsuspend_active
				      ? thread->sigsuspend_mask
				      : thread->signals_blocked;

	save_fpu_to_frame((uint8_t *)fpstate);
	frame->return_address = action->restorer;
	frame->uc.flags = (xsave_bytes ? UC_FP_XSTATE : 0) |
			  UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame->uc.link = 0;
	/* uc_stack: the alternate stack as registered (Linux's
	 * __save_altstack), for rt_sigreturn to put back. */
	frame->uc.stack = (struct linux_stack){
		thread->altstack_base, thread->altstack_flags, 0,
		thread->altstack_size };
	if (frame_top == thread->altstack_base + thread->altstack_size &&
	    ((uint32_t)thread->altstack_flags & SS_AUTODISARM)) {
		thread->altstack_base = thread->altstack_size = 0;
		thread->altstack_flags = SS_DISABLE;
	}
	/* Field by field: a compound literal is built aside and copied. */
	sc->r8 = regs->r8;
	sc->r9 = regs->r9;
	sc->r10 = regs->r10;
	sc->r11 = regs->r11;
	sc->r12 = regs->r12;
	sc->r13 = regs->r13;
	sc->r14 = regs->r14;
	sc->r15 = regs->r15;
	sc->rdi = regs->rdi;
	sc->rsi = regs->rsi;
	sc->rbp = regs->rbp;
	sc->rbx = regs->rbx;
	sc->rdx = regs->rdx;
	sc->rax = regs->rax;
	sc->rcx = regs->rcx;
	sc->rsp = regs->rsp;
	sc->rip = app_rip;
	sc->rflags = regs->rflags;
	memcpy(&sc->cs, &user_selectors, sizeof(user_selectors));
	sc->err = info->error_code;
	sc->trapno = info->trapno;
	sc->oldmask = saved_mask;
	sc->cr2 = info->trapno == 14 ? info->value : 0;
	sc->fpstate = fpstate;
	/* sc->reserved stays as the stack had it: Linux writes none of it
	 * (arch/x86/kernel/signal_64.c), and the words are the app's own. */
	frame->uc.sigmask = saved_mask;
	fill_siginfo(&frame->info, signal, info);

	regs->rip = action->handler;
	regs->rsp = frame_address;
	regs->rdi = (uint64_t)signal;
	regs->rsi = frame_address + offsetof(struct rt_sigframe, info);
	regs->rdx = frame_address + offsetof(struct rt_sigframe, uc);
	regs->rax = 0;
	regs->rflags &= ~(uint64_t)(RFLAGS_TF | RFLAGS_DF | RFLAGS_RF);

	thread->signals_blocked |= action->mask;
	if (!(action->flags & SA_NODEFER))
		thread->signals_blocked |= bit(signal);
	thread->signals_blocked &= ~unblockable;
	thread->sigsuspend_active = false;
	if (action->flags & SA_RESETHAND)
		action->handler = SIG_DFL;
}

/* ---- delivery */

/* The next of `set` to take, as Linux dequeues: the thread's own
 * pending signals before the process's; in each, synchronous ones first,
 * then the lowest number. 0 if none. */
static int next_in(const struct thread *thread, uint64_t set)
{
	uint64_t ready = thread->signals_pending & set;

	if (!ready)
		ready = signal_process_pending & set;
	if (ready & synchronous)
		ready &= synchronous;
	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

static int next_deliverable(const struct thread *thread)
{
	return next_in(thread, ~thread->signals_blocked);
}

/* A timer's signal taken, handed to a waiter or dropped: the timer may
 * raise it again, and its overrun count is what the signal carries. */
static int32_t timer_signal_done(const struct signal_info *info)
{
	return info->code == -2 /* SI_TIMER */ && !info->from_app
		       ? timers_take_overrun(info->sender) : info->overrun;
}

/*
 * Real-time signals queued behind the one a pending set's infos[] holds:
 * each with its own information, taken in the order they were sent (as
 * Linux's sigqueue). Owner: the thread's tid, or 0 for the process's. A
 * full pool first lets go of the entries of threads that have ended.
 */
#define EXTRAS_MAX 512
static struct {
	struct signal_info info;
	uint32_t sequence;   /* the order sent */
	int32_t owner;
	uint8_t signal;      /* 0: a free entry */
} extras[EXTRAS_MAX];
static uint32_t extras_sent;

static bool extra_add(int32_t owner, int signal,
		      const struct signal_info *info)
{
	for (int round = 0; round < 2; round++) {
		for (unsigned i = 0; i < EXTRAS_MAX; i++) {
			if (extras[i].signal)
				continue;
			extras[i].info = *info;
			extras[i].sequence = extras_sent++;
			extras[i].owner = owner;
			extras[i].signal = (uint8_t)signal;
			return true;
		}
		for (unsigned i = 0; i < EXTRAS_MAX; i++)
			if (extras[i].owner && !thread_find(extras[i].owner))
				extras[i].signal = 0;
	}
	return false;
}

/* The oldest queued entry of (owner, signal), taken off the pool. */
static struct signal_info extra_take(int32_t owner, int signal)
{
	unsigned oldest = EXTRAS_MAX;
	struct signal_info info = { 0 };

	for (unsigned i = 0; i < EXTRAS_MAX; i++)
		if (extras[i].signal == signal && extras[i].owner == owner &&
		    (oldest == EXTRAS_MAX ||
		     extras[i].sequence - extras[oldest].sequence >= 1u << 31))
			oldest = i;
	if (oldest < EXTRAS_MAX) {
		info = extras[oldest].info;
		extras[oldest].signal = 0;
	}
	return info;
}

/* The queued entries of (owner, signal) discarded (SIG_IGN). */
static void extra_forget(int32_t owner, int signal)
{
	for (unsigned i = 0; i < EXTRAS_MAX; i++)
		if (extras[i].signal == signal && extras[i].owner == owner) {
			timer_signal_done(&extras[i].info);
			extras[i].signal = 0;
		}
}

/* Takes one of the signal off the thread's pending set (or the
 * process's); a real-time signal queued more than once stays pending,
 * the next one's information in its place. */
static struct signal_info take(struct thread *thread, int signal)
{
	struct signal_info info;

	if (thread->signals_pending & bit(signal)) {
		info = thread->signal_infos[signal];
		if (thread->signals_queued[signal]) {
			thread->signals_queued[signal]--;
			thread->signal_infos[signal] =
				extra_take(thread->tid, signal);
		} else {
			thread->signals_pending &= ~bit(signal);
		}
	} else {
		info = process_infos[signal];
		if (process_queued[signal]) {
			process_queued[signal]--;
			process_infos[signal] = extra_take(0, signal);
		} else {
			signal_process_pending &= ~bit(signal);
		}
	}
	info.overrun = timer_signal_done(&info);
	return info;
}

/* Marks the signal pending in (pending, queued, infos) of owner (a tid,
 * or 0 for the process); a real-time one already pending is queued once
 * more, a standard one merged. False when a real-time signal could not be
 * queued (QUEUE_MAX of it, or the pool full): it is dropped. */
static bool add_pending(uint64_t *pending, uint8_t *queued,
			struct signal_info *infos, int signal,
			const struct signal_info *info, int32_t owner)
{
	if (*pending & bit(signal)) {
		if (signal < SIGRTMIN)
			return true; /* merged: the first one's information
					stays */
		if (queued[signal] == QUEUE_MAX ||
		    !extra_add(owner, signal, info)) {
			timer_signal_done(info);
			return false;
		}
		queued[signal]++;
	} else {
		*pending |= bit(signal);
		infos[signal] = *info;
	}
	signalfd_signal_pending();
	return true;
}

int signal_take(struct thread *thread, uint64_t set,
		struct signal_info *info)
{
	int signal = next_in(thread, set & ~unblockable);

	if (signal)
		*info = take(thread, signal);
	return signal;
}

uint64_t signal_pending_for(const struct thread *thread)
{
	return thread->signals_pending | signal_process_pending;
}

void signal_deliver_pending(struct thread *thread)
{
	int signal;

	/* Each handler's frame goes on the stack above the next one, so the
	 * last set up runs first, as on Linux. */
	while ((signal = next_deliverable(thread)) != 0) {
		struct signal_info info = take(thread, signal);

		if (ignored(signal))
			continue;
		if (!has_handler(signal))
			terminate(signal, &thread->regs, &info);
		/* A polling call (console read) between two polls is still
		 * in progress: a handler interrupts it as it would a wait. */
		if (thread->poll_restarting) {
			thread->poll_restarting = false;
			sched_call_interrupted(thread, actions[signal].flags &
							       SA_RESTART);
		}
		setup_frame(thread, signal, &info);
	}
	if (thread->sigsuspend_active) { /* woken by nothing to handle */
		thread->signals_blocked = thread->sigsuspend_mask;
		thread->sigsuspend_active = false;
	}
}

/* Whether a signal the thread does not block would run a handler or end
 * the process (rather than be ignored). */
static bool acts(int signal)
{
	return !ignored(signal);
}

/* A thread waiting in sigtimedwait for this signal takes it. */
static bool give_to_waiter(struct thread *thread, int signal,
			   const struct signal_info *info)
{
	long result = signal;

	if (thread->state != THREAD_BLOCKED ||
	    thread->wait_kind != WAIT_SIGWAIT ||
	    !(thread->sigwait_set & bit(signal)))
		return false;
	struct signal_info taken = *info;

	taken.overrun = timer_signal_done(info);
	if (thread->sigwait_info) {
		struct linux_siginfo out;

		/* Checked again: the page may have gone since the call. */
		fill_siginfo(&out, signal, &taken);
		if (vm_user_ok(thread->sigwait_info, sizeof(out), PROT_WRITE))
			memcpy((void *)thread->sigwait_info, &out, sizeof(out));
		else
			result = -EFAULT;
	}
	thread->regs.rax = (uint64_t)result;
	signal_wait_ended(thread);
	sched_wake(thread);
	return true;
}

bool signal_send_thread(struct thread *thread, int signal,
			const struct signal_info *info)
{
	if (signal == 0 || give_to_waiter(thread, signal, info))
		return true;
	if (ignored(signal) && !(thread->signals_blocked & bit(signal))) {
		timer_signal_done(info);
		return true; /* discarded at once, as Linux does */
	}
	if (!add_pending(&thread->signals_pending, thread->signals_queued,
			 thread->signal_infos, signal, info, thread->tid))
		return false;
	if (thread->signals_blocked & bit(signal))
		return true;
	if (!has_handler(signal))
		terminate(signal, &thread->regs, info);
	sched_interrupt(thread, actions[signal].flags & SA_RESTART);
	return true;
}

bool signal_send_process(int signal, const struct signal_info *info)
{
	struct thread *current = sched_current(), *target = NULL;

	if (signal == 0)
		return true;
	for (unsigned i = 0; sigwaiters && i < THREADS_MAX; i++) {
		struct thread *thread = thread_slot(i);

		if (thread && give_to_waiter(thread, signal, info))
			return true;
	}
	/* An ignored signal goes to a thread that does not block it (which
	 * discards it), else stays pending, as on Linux: a signalfd or
	 * sigwait may take it. */
	if (current && current->state != THREAD_FREE &&
	    !(current->signals_blocked & bit(signal)))
		target = current;
	for (unsigned i = 0; !target && i < THREADS_MAX; i++) {
		struct thread *thread = thread_slot(i);

		if (thread && !(thread->signals_blocked & bit(signal)))
			target = thread;
	}
	if (target)
		return signal_send_thread(target, signal, info);
	return add_pending(&signal_process_pending, process_queued,
			   process_infos, signal, info, 0);
}

void signal_wait_ended(struct thread *thread)
{
	if (thread->sigwait_set) {
		thread->sigwait_set = 0;
		sigwaiters--;
	}
}

bool signal_caught(int signal)
{
	return has_handler(signal) &&
	       !(sched_current()->signals_blocked & bit(signal));
}

void signal_force(int signal, struct wk_regs *regs,
		  const struct signal_info *info)
{
	struct thread *thread = sched_current();

	if (!has_handler(signal) || (thread->signals_blocked & bit(signal)))
		terminate(signal, regs, info);
	/* Its frame at once: made pending, it would be the first taken. */
	setup_frame(thread, signal, info);
}

/* ---- system calls */

/* The first thread of the process (tid 1 = pid): the app's. */
static bool is_our_pid(int64_t pid)
{
	return pid == LINUX_PID || pid == 0 || pid == -1;
}

long sys_rt_sigaction(struct wk_regs *regs)
{
	int signal = (int)regs->rdi;
	uint64_t new_action = regs->rsi, old_action = regs->rdx;
	struct kernel_sigaction action;

	if (regs->r10 != SIGSET_BYTES || signal < 1 || signal > SIGNAL_MAX)
		return -EINVAL;
	if (new_action && (bit(signal) & unblockable))
		return -EINVAL;
	if (new_action &&
	    !vm_user_ok(new_action, sizeof(action), PROT_READ))
		return -EFAULT;
	if (old_action &&
	    !vm_user_ok(old_action, sizeof(action), PROT_WRITE))
		return -EFAULT;
	if (new_action)
		memcpy(&action, (const void *)new_action, sizeof(action));
	if (old_action)
		memcpy((void *)old_action, &actions[signal], sizeof(action));
	if (!new_action)
		return 0;
	action.mask &= ~unblockable;
	/* As Linux since 5.11: unknown flag bits are dropped, so that
	 * reading them back tells what this kernel knows. */
	action.flags &= SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO |
			SA_EXPOSE_TAGBITS | SA_RESTORER | SA_ONSTACK |
			SA_RESTART | SA_NODEFER | SA_RESETHAND;
	actions[signal] = action;
	if (ignored(signal)) { /* POSIX: pending ones are discarded */
		if (signal_process_pending & bit(signal))
			timer_signal_done(&process_infos[signal]);
		signal_process_pending &= ~bit(signal);
		process_queued[signal] = 0;
		extra_forget(0, signal);
		for (unsigned i = 0; i < THREADS_MAX; i++) {
			struct thread *thread = thread_slot(i);

			if (!thread || !(thread->signals_pending & bit(signal)))
				continue;
			timer_signal_done(&thread->signal_infos[signal]);
			thread->signals_pending &= ~bit(signal);
			thread->signals_queued[signal] = 0;
			extra_forget(thread->tid, signal);
		}
	}
	return 0;
}

long sys_rt_sigprocmask(struct wk_regs *regs)
{
	struct thread *self = sched_current();
	int how = (int)regs->rdi;
	uint64_t set_address = regs->rsi, old_address = regs->rdx;
	uint64_t set;

	if (regs->r10 != SIGSET_BYTES)
		return -EINVAL;
	if (set_address && how != SIG_BLOCK && how != SIG_UNBLOCK &&
	    how != SIG_SETMASK)
		return -EINVAL;
	if (set_address && !vm_user_ok(set_address, 8, PROT_READ))
		return -EFAULT;
	if (old_address && !vm_user_ok(old_address, 8, PROT_WRITE))
		return -EFAULT;
	if (set_address)
		memcpy(&set, (const void *)set_address, 8);
	if (old_address)
		memcpy((void *)old_address, &self->signals_blocked, 8);
	if (set_address) {
		if (how == SIG_BLOCK)
			self->signals_blocked |= set;
		else if (how == SIG_UNBLOCK)
			self->signals_blocked &= ~set;
		else
			self->signals_blocked = set;
		self->signals_blocked &= ~unblockable;
	}
	return 0; /* what became deliverable goes at the resume */
}

long sys_rt_sigpending(struct wk_regs *regs)
{
	struct thread *self = sched_current();
	uint64_t pending = (self->signals_pending | signal_process_pending) &
			   self->signals_blocked;

	if (regs->rsi > SIGSET_BYTES)
		return -EINVAL;
	if (!vm_user_ok(regs->rdi, regs->rsi, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)regs->rdi, &pending, regs->rsi);
	return 0;
}

/* Whether a signal the thread can take now would do something. */
static bool something_deliverable(const struct thread *thread)
{
	uint64_t ready = (thread->signals_pending | signal_process_pending) &
			 ~thread->signals_blocked;

	for (int signal = 1; ready; signal++, ready >>= 1)
		if ((ready & 1) && acts(signal))
			return true;
	return false;
}

long sys_rt_sigsuspend(struct wk_regs *regs)
{
	struct thread *self = sched_current();
	uint64_t mask;

	if (regs->rsi != SIGSET_BYTES)
		return -EINVAL;
	if (!vm_user_ok(regs->rdi, 8, PROT_READ))
		return -EFAULT;
	memcpy(&mask, (const void *)regs->rdi, 8);
	self->sigsuspend_mask = self->signals_blocked;
	self->sigsuspend_active = true;
	self->signals_blocked = mask & ~unblockable;
	if (something_deliverable(self))
		return -EINTR;
	sched_block(WAIT_SIGNAL, 0, -EINTR);
	return SYSCALL_NO_RESULT;
}

long signal_wait_mask(uint64_t address, uint64_t size)
{
	struct thread *self = sched_current();
	uint64_t mask;

	if (size != SIGSET_BYTES)
		return -EINVAL;
	if (!vm_user_ok(address, 8, PROT_READ))
		return -EFAULT;
	memcpy(&mask, (const void *)address, 8);
	if (!self->sigsuspend_active)
		self->sigsuspend_mask = self->signals_blocked;
	self->sigsuspend_active = true;
	self->signals_blocked = mask & ~unblockable;
	return 0;
}

void signal_wait_mask_end(void)
{
	struct thread *self = sched_current();

	if (self->sigsuspend_active) {
		self->signals_blocked = self->sigsuspend_mask;
		self->sigsuspend_active = false;
	}
}

long sys_pause(struct wk_regs *regs)
{
	(void)regs;
	if (something_deliverable(sched_current()))
		return -EINTR;
	sched_block(WAIT_SIGNAL, 0, -EINTR);
	return SYSCALL_NO_RESULT;
}

long sys_rt_sigtimedwait(struct wk_regs *regs)
{
	struct thread *self = sched_current();
	uint64_t info_address = regs->rsi, timeout = regs->rdx;
	uint64_t set;

	if (regs->r10 != SIGSET_BYTES)
		return -EINVAL;
	if (!vm_user_ok(regs->rdi, 8, PROT_READ) ||
	    (info_address &&
	     !vm_user_ok(info_address, sizeof(struct linux_siginfo),
			 PROT_WRITE)))
		return -EFAULT;
	memcpy(&set, (const void *)regs->rdi, 8);
	set &= ~unblockable;

	int ready = next_in(self, set);

	if (ready) {
		int signal = ready;
		struct signal_info info = take(self, signal);

		if (info_address)
			fill_siginfo((struct linux_siginfo *)info_address,
				     signal, &info);
		return signal;
	}
	uint64_t deadline = 0;

	if (timeout) {
		struct linux_timespec t;
		long status = clock_read_timespec(timeout, &t);

		if (status < 0)
			return status;
		if (t.seconds == 0 && t.nanoseconds == 0)
			return -EAGAIN;
		deadline = clock_deadline_relative(&t);
	}
	self->sigwait_set = set;
	if (set)
		sigwaiters++;
	self->sigwait_info = info_address;
	sched_block(WAIT_SIGWAIT, deadline, -EAGAIN);
	return SYSCALL_NO_RESULT;
}

long sys_sigaltstack(struct wk_regs *regs)
{
	struct thread *self = sched_current();
	uint64_t new_address = regs->rdi, old_address = regs->rsi;
	struct linux_stack wanted;

	if (new_address && !vm_user_ok(new_address, sizeof(wanted), PROT_READ))
		return -EFAULT;
	if (old_address &&
	    !vm_user_ok(old_address, sizeof(wanted), PROT_WRITE))
		return -EFAULT;
	if (new_address)
		memcpy(&wanted, (const void *)new_address, sizeof(wanted));
	if (old_address)
		*(struct linux_stack *)old_address = (struct linux_stack){
			self->altstack_base,
			altstack_flags(self, self->regs.rsp), 0,
			self->altstack_size };
	if (!new_address)
		return 0;
	if (on_altstack(self, self->regs.rsp))
		return -EPERM;
	uint32_t mode = (uint32_t)wanted.flags & ~SS_AUTODISARM;

	if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		self->altstack_base = self->altstack_size = 0;
		self->altstack_flags = SS_DISABLE;
		return 0;
	}
	if (wanted.size < MINSIGSTKSZ)
		return -ENOMEM;
	self->altstack_base = wanted.base;
	self->altstack_size = wanted.size;
	self->altstack_flags = wanted.flags & (int32_t)SS_AUTODISARM;
	return 0;
}

bool signal_return(struct thread *self, uint64_t address)
{
	struct wk_regs *regs = &self->regs;
	const struct linux_ucontext *uc = (const void *)address;
	const struct linux_sigcontext *sc = &uc->mcontext;

	/* Read in place once checked: nothing else runs meanwhile. */
	if (!vm_user_ok(address, sizeof(*uc), PROT_READ) ||
	    !fpu_frame_ok(sc->fpstate))
		return false;
	fpu_frame_load(sc->fpstate);
	/* uc_stack back into force, as Linux's restore_altstack: silently
	 * not while running on the alternate stack, nor when invalid. */
	uint32_t mode = (uint32_t)uc->stack.flags & ~SS_AUTODISARM;

	if (!on_altstack(self, address)) {
		if (mode == SS_DISABLE) {
			self->altstack_base = self->altstack_size = 0;
			self->altstack_flags = SS_DISABLE;
		} else if ((mode == 0 || mode == SS_ONSTACK) &&
			   uc->stack.size >= MINSIGSTKSZ) {
			self->altstack_base = uc->stack.base;
			self->altstack_size = uc->stack.size;
			self->altstack_flags = uc->stack.flags &
					       (int32_t)SS_AUTODISARM;
		}
	}
	regs->r8 = sc->r8;
	regs->r9 = sc->r9;
	regs->r10 = sc->r10;
	regs->r11 = sc->r11;
	regs->r12 = sc->r12;
	regs->r13 = sc->r13;
	regs->r14 = sc->r14;
	regs->r15 = sc->r15;
	regs->rdi = sc->rdi;
	regs->rsi = sc->rsi;
	regs->rbp = sc->rbp;
	regs->rbx = sc->rbx;
	regs->rdx = sc->rdx;
	regs->rax = sc->rax;
	regs->rcx = sc->rcx;
	regs->rsp = sc->rsp;
	/* A context saved before its call site was rewritten resumes at the
	 * same point in the trampoline. */
	regs->rip = patch_resume_rip(sc->rip);
	regs->rflags = sc->rflags; /* event_resume keeps the user bits */
	self->signals_blocked = uc->sigmask & ~unblockable;
	return true;
}

long sys_rt_sigreturn(struct wk_regs *regs)
{
	struct signal_info bad = { .code = SI_KERNEL };

	/* The handler's RET popped pretcode: RSP is at the ucontext. */
	if (!signal_return(sched_current(), regs->rsp))
		signal_force(SIGSEGV, regs, &bad);
	return SYSCALL_NO_RESULT;
}

/* The app is process 1; tids are its threads'. */
static struct signal_info sent_by_app(int32_t code)
{
	return (struct signal_info){ .code = code, .sender = LINUX_PID };
}

long sys_kill(struct wk_regs *regs)
{
	int64_t pid = (int32_t)regs->rdi;
	int signal = (int32_t)regs->rsi;

	if (signal < 0 || signal > SIGNAL_MAX)
		return -EINVAL;
	if (!is_our_pid(pid))
		return -ESRCH;
	struct signal_info info = sent_by_app(SI_USER);

	signal_send_process(signal, &info);
	return 0;
}

static long send_to_thread(int64_t tid, int signal)
{
	struct thread *thread;

	if (tid <= 0 || signal < 0 || signal > SIGNAL_MAX)
		return -EINVAL;
	thread = thread_find((int32_t)tid);
	if (thread == NULL)
		return -ESRCH;
	struct signal_info info = sent_by_app(SI_TKILL);

	return signal_send_thread(thread, signal, &info) ? 0 : -EAGAIN;
}

long sys_tkill(struct wk_regs *regs)
{
	return send_to_thread((int32_t)regs->rdi, (int32_t)regs->rsi);
}

/*
 * rt_sigqueueinfo and rt_tgsigqueueinfo: the signal with the siginfo the
 * app gives (its si_code, si_pid and, for a negative code such as
 * sigqueue's SI_QUEUE, its si_value; si_uid is root's). As on Linux, a
 * code of 0 or above, or SI_TKILL, may only be forged by the thread
 * whose id is the target (`pid`, or rt_tgsigqueueinfo's tid): -EPERM.
 * The order of the checks is Linux's: -EFAULT, -EPERM, -ESRCH, -EINVAL.
 */
static long queue_info(int64_t target, uint64_t address,
		       struct signal_info *info)
{
	struct linux_siginfo given;

	if (!vm_user_ok(address, sizeof(given), PROT_READ))
		return -EFAULT;
	memcpy(&given, (const void *)address, sizeof(given));
	if ((given.code >= 0 || given.code == SI_TKILL) &&
	    target != sched_current()->tid)
		return -EPERM;
	*info = (struct signal_info){ .code = given.code,
				      .sender = given.rt.pid,
				      .value = given.rt.value,
				      .from_app = true };
	return 0;
}

long sys_rt_sigqueueinfo(struct wk_regs *regs)
{
	struct signal_info info;
	int64_t pid = (int32_t)regs->rdi;
	int signal = (int32_t)regs->rsi;
	long status = queue_info(pid, regs->rdx, &info);

	if (status)
		return status;
	if (pid != LINUX_PID)
		return -ESRCH;
	if (signal < 0 || signal > SIGNAL_MAX)
		return -EINVAL;
	return signal_send_process(signal, &info) ? 0 : -EAGAIN;
}

long sys_rt_tgsigqueueinfo(struct wk_regs *regs)
{
	struct signal_info info;
	int32_t tgid = (int32_t)regs->rdi, tid = (int32_t)regs->rsi;
	int signal = (int32_t)regs->rdx;
	long status;

	if (!vm_user_ok(regs->r10, sizeof(struct linux_siginfo), PROT_READ))
		return -EFAULT;
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	status = queue_info(tid, regs->r10, &info);
	if (status)
		return status;
	struct thread *thread = thread_find(tid);

	if (thread == NULL || tgid != LINUX_PID)
		return -ESRCH;
	if (signal < 0 || signal > SIGNAL_MAX)
		return -EINVAL;
	return signal_send_thread(thread, signal, &info) ? 0 : -EAGAIN;
}

long sys_tgkill(struct wk_regs *regs)
{
	if ((int32_t)regs->rdi <= 0)
		return -EINVAL;
	if ((int32_t)regs->rdi != LINUX_PID)
		return -ESRCH;
	return send_to_thread((int32_t)regs->rsi, (int32_t)regs->rdx);
}
