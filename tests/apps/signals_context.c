/*
 * Differential test: the signal frame and ucontext_t, read and written by
 * handlers (#7). Linux's rt_sigframe on x86-64 is
 *
 *     return address (sa_restorer)   <- RSP at handler entry, = 8 mod 16
 *     struct ucontext (304 bytes)    <- third argument
 *     siginfo_t (128 bytes)          <- second argument
 *     ... the xsave area (fpstate), 64-byte aligned, uc_mcontext.fpregs
 *
 * below the interrupted RSP's 128-byte red zone. Checked here:
 *
 *  - A register probe (assembly): every general register holds a known
 *    value at a ud2; the SIGILL handler finds them all in uc_mcontext, RSP
 *    and RIP exact, CS and SS the selectors the program reads with mov
 *    (whatever numbers the GDT uses), xmm0, MXCSR and the x87 control word
 *    in fpregs, the FPU reset for the handler, uc_sigmask the mask before
 *    the signal. It then writes RIP (skipping the ud2),
 *    RAX, RBX, R15, xmm0, MXCSR and the x87 control word, and the probe
 *    reads them all back after rt_sigreturn.
 *  - The frame's layout (above) and its xsave magic numbers.
 *  - RFLAGS: DF set at the signal is clear in the handler and restored
 *    after; a handler that sets CF, DF, IOPL (0x3000), NT and VM in the
 *    ucontext gets CF and DF back, never IOPL, NT or VM.
 *  - uc_sigmask written by the handler is the mask after the return
 *    (SIGKILL and SIGSTOP never blocked); uc_stack written by the handler is
 *    the sigaltstack after the return.
 *  - A handler that moves RSP and RIP (and RDI) to run a function on
 *    another stack.
 *  - An alternate stack: nesting on it; uc_stack holds what sigaltstack
 *    stored (Linux since 4.7: flags 0 even in a frame on the alternate
 *    stack, SS_DISABLE once disabled).
 *  - Hostile RIPs written into the ucontext (non-canonical, the kernel
 *    half, NULL, a page without exec): the return faults and a SIGSEGV
 *    handler sees what Linux reports (si_code, si_addr, RIP, trapno, err).
 *    Dying of them without a handler: signals_default.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "signals_util.h"
#include "threads_util.h"

#define S_(x) #x
#define S(x) S_(x)

/* What the probe puts in each register (by musl's REG_* index). */
#define P_R8  0x5a5a000000000800
#define P_R9  0x5a5a000000000900
#define P_R10 0x5a5a000000001000
#define P_R11 0x5a5a000000001100
#define P_R12 0x5a5a000000001200
#define P_R13 0x5a5a000000001300
#define P_R14 0x5a5a000000001400
#define P_R15 0x5a5a000000001500
#define P_RDI 0x5a5a0000000000d1
#define P_RSI 0x5a5a0000000000e1
#define P_RBP 0x5a5a0000000000b9
#define P_RBX 0x5a5a0000000000bb
#define P_RDX 0x5a5a0000000000dd
#define P_RAX 0x5a5a0000000000aa
#define P_RCX 0x5a5a0000000000cc

static const uint64_t pattern[16] = {
	[REG_R8] = P_R8, [REG_R9] = P_R9, [REG_R10] = P_R10,
	[REG_R11] = P_R11, [REG_R12] = P_R12, [REG_R13] = P_R13,
	[REG_R14] = P_R14, [REG_R15] = P_R15, [REG_RDI] = P_RDI,
	[REG_RSI] = P_RSI, [REG_RBP] = P_RBP, [REG_RBX] = P_RBX,
	[REG_RDX] = P_RDX, [REG_RAX] = P_RAX, [REG_RCX] = P_RCX,
};
static const char *const reg_names[16] = {
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "rsi",
	"rbp", "rbx", "rdx", "rax", "rcx", "rsp",
};

/* In: probe_xmm_in, probe_mxcsr_in, probe_fcw_in. Out: probe_rsp (at the
 * ud2), probe_after[] (the registers after it, by REG_* index),
 * probe_xmm_after, probe_mxcsr_after, probe_fcw_after. */
uint64_t probe_rsp, probe_after[16];
uint32_t probe_xmm_in[4], probe_xmm_after[4];
uint32_t probe_mxcsr_in, probe_mxcsr_after;
uint16_t probe_fcw_in, probe_fcw_after;
void regs_probe(void);
extern char regs_probe_insn[];

__asm__(
	".text\n"
	".globl regs_probe, regs_probe_insn\n"
	".hidden regs_probe, regs_probe_insn, probe_rsp, probe_after\n"
	".hidden probe_xmm_in, probe_xmm_after, probe_mxcsr_in\n"
	".hidden probe_mxcsr_after, probe_fcw_in, probe_fcw_after\n"
	"regs_probe:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n"
	"	push %r14\n push %r15\n"
	"	movdqu probe_xmm_in(%rip), %xmm0\n"
	"	ldmxcsr probe_mxcsr_in(%rip)\n"
	"	fldcw probe_fcw_in(%rip)\n"
	"	movabs $" S(P_R8) ", %r8\n"
	"	movabs $" S(P_R9) ", %r9\n"
	"	movabs $" S(P_R10) ", %r10\n"
	"	movabs $" S(P_R11) ", %r11\n"
	"	movabs $" S(P_R12) ", %r12\n"
	"	movabs $" S(P_R13) ", %r13\n"
	"	movabs $" S(P_R14) ", %r14\n"
	"	movabs $" S(P_R15) ", %r15\n"
	"	movabs $" S(P_RDI) ", %rdi\n"
	"	movabs $" S(P_RSI) ", %rsi\n"
	"	movabs $" S(P_RBP) ", %rbp\n"
	"	movabs $" S(P_RBX) ", %rbx\n"
	"	movabs $" S(P_RDX) ", %rdx\n"
	"	movabs $" S(P_RAX) ", %rax\n"
	"	movabs $" S(P_RCX) ", %rcx\n"
	"	mov %rsp, probe_rsp(%rip)\n"
	"regs_probe_insn:\n"
	"	ud2\n"
	"	mov %r8, probe_after+0(%rip)\n"
	"	mov %r9, probe_after+8(%rip)\n"
	"	mov %r10, probe_after+16(%rip)\n"
	"	mov %r11, probe_after+24(%rip)\n"
	"	mov %r12, probe_after+32(%rip)\n"
	"	mov %r13, probe_after+40(%rip)\n"
	"	mov %r14, probe_after+48(%rip)\n"
	"	mov %r15, probe_after+56(%rip)\n"
	"	mov %rdi, probe_after+64(%rip)\n"
	"	mov %rsi, probe_after+72(%rip)\n"
	"	mov %rbp, probe_after+80(%rip)\n"
	"	mov %rbx, probe_after+88(%rip)\n"
	"	mov %rdx, probe_after+96(%rip)\n"
	"	mov %rax, probe_after+104(%rip)\n"
	"	mov %rcx, probe_after+112(%rip)\n"
	"	mov %rsp, probe_after+120(%rip)\n"
	"	movdqu %xmm0, probe_xmm_after(%rip)\n"
	"	stmxcsr probe_mxcsr_after(%rip)\n"
	"	fnstcw probe_fcw_after(%rip)\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n"
	"	pop %rbp\n pop %rbx\n"
	"	ret\n");

/* tgkill(pid, tid, sig) with DF set; returns RFLAGS right after the
 * system call (then clears DF). */
uint64_t flags_probe(long pid, long tid, long sig);
extern char flags_probe_after[];
__asm__(
	".text\n"
	".globl flags_probe, flags_probe_after\n"
	".hidden flags_probe, flags_probe_after\n"
	"flags_probe:\n"
	"	mov $" S(SYS_tgkill) ", %eax\n"
	"	std\n"
	"	syscall\n"
	"flags_probe_after:\n"
	"	pushfq\n"
	"	pop %rax\n"
	"	cld\n"
	"	ret\n");

#define FL_CF   0x1UL
#define FL_IF   0x200UL
#define FL_DF   0x400UL
#define FL_IOPL 0x3000UL
#define FL_NT   0x4000UL
#define FL_VM   0x20000UL

/* Linux's struct _fpx_sw_bytes, at byte 464 of the fxsave area. */
struct sw_bytes {
	uint32_t magic1, extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size, padding[7];
};
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define KERNEL_UCONTEXT_SIZE 304

struct ksigaction {
	uintptr_t handler;
	unsigned long flags;
	uintptr_t restorer;
	uint64_t mask;
};

static uint64_t live_mask(void)
{
	sigset_t s;
	sigprocmask(SIG_BLOCK, NULL, &s);
	return mask64(&s);
}

static uint64_t read_flags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq\n\tpop %0" : "=r"(f));
	return f;
}

static uint16_t read_cs(void)
{
	uint16_t v;
	__asm__ volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

static uint16_t read_ss(void)
{
	uint16_t v;
	__asm__ volatile("mov %%ss, %0" : "=r"(v));
	return v;
}

static const char *ss_flags_name(int f)
{
	switch (f) {
	case 0: return "0";
	case SS_ONSTACK: return "SS_ONSTACK";
	case SS_DISABLE: return "SS_DISABLE";
	default: return "other";
	}
}

/* ---- the register probe ---- */

static struct {
	int ran;
	int gregs_ok;
	char wrong[128];
	int rsp, rip, trapno, err, cs, ss, flags;
	int fpregs, mxcsr, fcw, xmm0, mxcsr_mask;
	int live_mxcsr, live_fcw;
	int sigmask, live;
	unsigned long uc_flags;
	int uc_link, stack_flags, stack_sp, stack_size;
	int info_after_uc, restorer, aligned, fp_aligned, fp_above_info;
	int magic1, magic2, ext_size, xfeatures, below_red_zone;
	uint64_t expect_mask;
	uintptr_t restorer_address;
} pr;

static void probe_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	uint32_t mxcsr;
	uint16_t fcw;

	/* The FPU as the handler finds it: reset (read first). */
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("fnstcw %0" : "=m"(fcw));
	pr.live_mxcsr = mxcsr == 0x1f80;
	pr.live_fcw = fcw == 0x37f;

	pr.ran++;
	pr.gregs_ok = 1;
	for (int i = 0; i < 15; i++)
		if ((uint64_t)g[i] != pattern[i]) {
			pr.gregs_ok = 0;
			strcat(pr.wrong, " ");
			strcat(pr.wrong, reg_names[i]);
		}
	pr.rsp = (uint64_t)g[REG_RSP] == probe_rsp;
	pr.rip = (uintptr_t)g[REG_RIP] == (uintptr_t)regs_probe_insn;
	pr.trapno = g[REG_TRAPNO] == 6 && g[REG_ERR] == 0;
	pr.cs = (uint16_t)g[REG_CSGSFS] == read_cs();
	pr.ss = (uint16_t)((uint64_t)g[REG_CSGSFS] >> 48) == read_ss();
	pr.flags = (g[REG_EFL] & (FL_IF | 2)) == (FL_IF | 2);

	/* musl calls it struct _fpstate, glibc struct _libc_fpstate. */
	struct _fpstate *fp = (struct _fpstate *)uc->uc_mcontext.fpregs;
	pr.fpregs = fp != NULL;
	if (fp) {
		pr.mxcsr = fp->mxcsr == probe_mxcsr_in;
		pr.mxcsr_mask = fp->mxcr_mask != 0;
		pr.fcw = fp->cwd == probe_fcw_in;
		pr.xmm0 = !memcmp(fp->_xmm[0].element, probe_xmm_in, 16);
	}

	pr.sigmask = mask64(&uc->uc_sigmask) == pr.expect_mask;
	pr.live = live_mask() == (pr.expect_mask | bit(sig));
	pr.uc_flags = uc->uc_flags;
	pr.uc_link = uc->uc_link == NULL;
	pr.stack_flags = uc->uc_stack.ss_flags;
	pr.stack_sp = uc->uc_stack.ss_sp == NULL;
	pr.stack_size = uc->uc_stack.ss_size == 0;

	/* The frame. */
	char *u = (char *)uc;
	pr.info_after_uc = (char *)si == u + KERNEL_UCONTEXT_SIZE;
	pr.restorer = *(uintptr_t *)(u - 8) == pr.restorer_address;
	pr.aligned = (uintptr_t)(u - 8) % 16 == 8;
	if (fp) {
		struct sw_bytes *sw = (struct sw_bytes *)((char *)fp + 464);
		pr.fp_aligned = (uintptr_t)fp % 64 == 0;
		pr.fp_above_info = (char *)fp >= (char *)si + 128;
		pr.magic1 = sw->magic1 == FP_XSTATE_MAGIC1;
		if (pr.magic1) {
			uint32_t m2;
			memcpy(&m2, (char *)fp + sw->xstate_size, 4);
			pr.magic2 = m2 == FP_XSTATE_MAGIC2;
			pr.ext_size = sw->extended_size == sw->xstate_size + 4;
			pr.xfeatures = (sw->xfeatures & 3) == 3;
			pr.below_red_zone = (uint64_t)((char *)fp +
						       sw->extended_size) <=
					    (uint64_t)g[REG_RSP] - 128;
		}
	}

	/* Change what the probe will see after the return. */
	g[REG_RIP] += 2;
	g[REG_RAX] = (greg_t)0xa5a50000000000aaULL;
	g[REG_RBX] = (greg_t)0xa5a50000000000bbULL;
	g[REG_R15] = (greg_t)0xa5a5000000001500ULL;
	if (fp) {
		fp->_xmm[0].element[0] = 0xcafe0000;
		fp->_xmm[0].element[3] = 0x0000beef;
		fp->mxcsr = 0x3f80;     /* round down, all masked */
		fp->cwd = 0x27f;        /* double precision */
	}
}

static void register_probe(void)
{
	struct ksigaction k;

	on(SIGILL, probe_handler, 0);
	syscall(SYS_rt_sigaction, SIGILL, NULL, &k, 8);
	pr.restorer_address = k.restorer;
	probe_xmm_in[0] = 0x11111111;
	probe_xmm_in[1] = 0x22222222;
	probe_xmm_in[2] = 0x33333333;
	probe_xmm_in[3] = 0x44444444;
	probe_mxcsr_in = 0x5f80;        /* round up, all masked */
	probe_fcw_in = 0x7f;            /* single precision */
	pr.expect_mask = bit(SIGUSR2) | bit(SIGRTMIN + 4);
	set_mask(pr.expect_mask);
	regs_probe();
	set_mask(0);
	__asm__ volatile("ldmxcsr %0" : : "m"((uint32_t){ 0x1f80 }));
	__asm__ volatile("fldcw %0" : : "m"((uint16_t){ 0x37f }));

	printf("probe: handler ran %d time(s)\n", pr.ran);
	printf("probe: the 15 general registers in uc_mcontext as set: %s%s\n",
	       pr.gregs_ok ? "yes" : "no, wrong:", pr.wrong);
	yesno("probe: RSP is the RSP at the ud2", pr.rsp);
	yesno("probe: RIP is the ud2", pr.rip);
	yesno("probe: trapno 6, err 0", pr.trapno);
	yesno("probe: CS in uc_mcontext is %cs", pr.cs);
	yesno("probe: SS in uc_mcontext is %ss", pr.ss);
	yesno("probe: RFLAGS has IF and bit 1", pr.flags);
	yesno("probe: fpregs given", pr.fpregs);
	yesno("probe: fpregs MXCSR is the probe's 0x5f80", pr.mxcsr);
	yesno("probe: fpregs MXCSR mask non-zero", pr.mxcsr_mask);
	yesno("probe: fpregs x87 control word is the probe's 0x7f", pr.fcw);
	yesno("probe: fpregs xmm0 is the probe's", pr.xmm0);
	yesno("probe: the handler starts with MXCSR 0x1f80", pr.live_mxcsr);
	yesno("probe: the handler starts with x87 control word 0x37f",
	      pr.live_fcw);
	yesno("probe: uc_sigmask is the mask before the signal", pr.sigmask);
	yesno("probe: the handler's mask is that plus SIGILL", pr.live);
	printf("probe: uc_flags %#lx, uc_link NULL: %s\n", pr.uc_flags,
	       pr.uc_link ? "yes" : "no");
	printf("probe: uc_stack with the alternate stack disabled: flags %s, "
	       "sp NULL: %s, size 0: %s\n", ss_flags_name(pr.stack_flags),
	       pr.stack_sp ? "yes" : "no",
	       pr.stack_size ? "yes" : "no");
	yesno("frame: siginfo right after the kernel's 304-byte ucontext",
	      pr.info_after_uc);
	yesno("frame: the return address below the ucontext is sa_restorer",
	      pr.restorer);
	yesno("frame: that slot is 8 mod 16 (as after a call)", pr.aligned);
	yesno("frame: fpstate 64-byte aligned", pr.fp_aligned);
	yesno("frame: fpstate above the siginfo", pr.fp_above_info);
	yesno("frame: fpstate has FP_XSTATE_MAGIC1", pr.magic1);
	yesno("frame: FP_XSTATE_MAGIC2 right after xstate_size bytes",
	      pr.magic2);
	yesno("frame: extended_size is xstate_size + 4", pr.ext_size);
	yesno("frame: xfeatures has x87 and SSE", pr.xfeatures);
	yesno("frame: fpstate ends below the interrupted RSP's red zone",
	      pr.below_red_zone);

	int same = 1;
	char changed[128] = "";
	for (int i = 0; i < 15; i++) {
		uint64_t want = pattern[i];
		if (i == REG_RAX)
			want = 0xa5a50000000000aaULL;
		if (i == REG_RBX)
			want = 0xa5a50000000000bbULL;
		if (i == REG_R15)
			want = 0xa5a5000000001500ULL;
		if (probe_after[i] != want) {
			same = 0;
			strcat(changed, " ");
			strcat(changed, reg_names[i]);
		}
	}
	printf("after rt_sigreturn: registers as the handler left them (rax, "
	       "rbx, r15 changed, the rest as before): %s%s\n",
	       same ? "yes" : "no, wrong:", changed);
	yesno("after rt_sigreturn: RSP as before",
	      probe_after[15] == probe_rsp);
	yesno("after rt_sigreturn: xmm0 as the handler wrote it",
	      probe_xmm_after[0] == 0xcafe0000 &&
	      probe_xmm_after[1] == 0x22222222 &&
	      probe_xmm_after[2] == 0x33333333 &&
	      probe_xmm_after[3] == 0x0000beef);
	printf("after rt_sigreturn: MXCSR %#x, x87 control word %#x\n",
	       probe_mxcsr_after, probe_fcw_after);
}

/* ---- RFLAGS ---- */

static struct {
	int ran, live_df, uc_df, rip;
	long rax;
} fl;

static void flags_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	fl.ran++;
	fl.live_df = !!(read_flags() & FL_DF);
	fl.uc_df = !!(uc->uc_mcontext.gregs[REG_EFL] & FL_DF);
	fl.rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] ==
		 (uintptr_t)flags_probe_after;
	fl.rax = uc->uc_mcontext.gregs[REG_RAX];
	uc->uc_mcontext.gregs[REG_EFL] |= FL_CF | FL_DF | FL_IOPL | FL_NT |
					  FL_VM;
}

static void rflags(void)
{
	on(SIGUSR1, flags_handler, 0);
	uint64_t f = flags_probe(getpid(), syscall(SYS_gettid), SIGUSR1);
	printf("rflags: handler ran %d time(s), RIP after the syscall: %s, "
	       "RAX %ld\n", fl.ran, fl.rip ? "yes" : "no", fl.rax);
	printf("rflags: DF in the ucontext: %s, DF in the handler: %s\n",
	       fl.uc_df ? "set" : "clear", fl.live_df ? "set" : "clear");
	printf("rflags: after the handler set CF DF IOPL NT VM in the "
	       "ucontext: CF %s, DF %s, IOPL %lu, NT %s, VM %s, IF %s\n",
	       f & FL_CF ? "set" : "clear", f & FL_DF ? "set" : "clear",
	       (unsigned long)((f & FL_IOPL) >> 12), f & FL_NT ? "set" :
	       "clear", f & FL_VM ? "set" : "clear", f & FL_IF ? "set" :
	       "clear");
	signal(SIGUSR1, SIG_DFL);
}

/* ---- uc_sigmask and uc_stack written by a handler ---- */

static char *alt_mem;
#define ALT_SIZE (64 * 1024)

static void edit_mask(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	sigaddset(&uc->uc_sigmask, SIGUSR2);
	sigdelset(&uc->uc_sigmask, SIGINT);
	uint64_t m = mask64(&uc->uc_sigmask) | bit(SIGKILL) | bit(SIGSTOP);
	memcpy(&uc->uc_sigmask, &m, sizeof m);
}

static void edit_stack(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	uc->uc_stack.ss_flags = SS_DISABLE;
}

static void mask_and_stack_edits(void)
{
	on(SIGUSR1, edit_mask, 0);
	set_mask(bit(SIGINT));
	raise(SIGUSR1);
	uint64_t m = live_mask();
	printf("uc_sigmask edit: SIGUSR2 blocked after: %s, SIGINT blocked "
	       "after: %s, SIGKILL or SIGSTOP blocked: %s, SIGUSR1 blocked: "
	       "%s\n", m & bit(SIGUSR2) ? "yes" : "no",
	       m & bit(SIGINT) ? "yes" : "no",
	       m & (bit(SIGKILL) | bit(SIGSTOP)) ? "yes" : "no",
	       m & bit(SIGUSR1) ? "yes" : "no");
	set_mask(0);

	stack_t ss = { .ss_sp = alt_mem, .ss_size = ALT_SIZE, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	on(SIGUSR1, edit_stack, 0);
	raise(SIGUSR1);
	stack_t now;
	sigaltstack(NULL, &now);
	printf("uc_stack edit to SS_DISABLE: sigaltstack after the return is "
	       "disabled: %s\n", now.ss_flags == SS_DISABLE ? "yes" : "no");
	signal(SIGUSR1, SIG_DFL);
}

/* ---- moving RSP and RIP ---- */

static char other_stack[16384] __attribute__((aligned(16)));
static sigjmp_buf back;
static struct {
	long arg;
	int on_other;
} landing;

static void landed(long arg)
{
	char local;
	landing.arg = arg;
	landing.on_other = &local >= other_stack &&
			   &local < other_stack + sizeof other_stack;
	siglongjmp(back, 1);
}

static void redirect(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	/* As if called: RSP = 8 mod 16, a (never used) return address. */
	uc->uc_mcontext.gregs[REG_RSP] =
		(greg_t)(other_stack + sizeof other_stack - 8);
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)landed;
	uc->uc_mcontext.gregs[REG_RDI] = 4242;
}

static void move_rsp_rip(void)
{
	on(SIGUSR1, redirect, 0);
	if (!sigsetjmp(back, 1))
		raise(SIGUSR1);
	printf("handler moved RSP and RIP: the function got RDI %ld, ran on "
	       "the other stack: %s\n", landing.arg,
	       landing.on_other ? "yes" : "no");
	signal(SIGUSR1, SIG_DFL);
}

/* ---- the alternate stack in the ucontext ---- */

static struct {
	int calls;
	int outer_on_alt, outer_flags, outer_sp, outer_size;
	int inner_on_alt, inner_flags, inner_below;
	int inner_mask_has_usr1;
	char *outer_frame;
} alt;

static void on_alt(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	char *u = (char *)uc;
	int in = u >= alt_mem && u < alt_mem + ALT_SIZE;
	(void)si;
	alt.calls++;
	if (sig == SIGUSR1) {
		alt.outer_on_alt = in;
		alt.outer_flags = uc->uc_stack.ss_flags;
		alt.outer_sp = uc->uc_stack.ss_sp == alt_mem;
		alt.outer_size = uc->uc_stack.ss_size == ALT_SIZE;
		alt.outer_frame = u;
		raise(SIGUSR2);
	} else {
		alt.inner_on_alt = in;
		alt.inner_flags = uc->uc_stack.ss_flags;
		alt.inner_below = u < alt.outer_frame;
		alt.inner_mask_has_usr1 = sigismember(&uc->uc_sigmask, SIGUSR1);
	}
}

static void alternate_stack(void)
{
	stack_t ss = { .ss_sp = alt_mem, .ss_size = ALT_SIZE, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	on(SIGUSR1, on_alt, SA_ONSTACK);
	on(SIGUSR2, on_alt, SA_ONSTACK);
	raise(SIGUSR1);
	printf("alternate stack: %d handlers; outer frame on it: %s, its "
	       "uc_stack flags %s, sp and size as set: %s\n", alt.calls,
	       alt.outer_on_alt ? "yes" : "no", ss_flags_name(alt.outer_flags),
	       alt.outer_sp && alt.outer_size ? "yes" : "no");
	printf("alternate stack: nested frame on it: %s, below the outer: %s, "
	       "its uc_stack flags %s, its uc_sigmask has SIGUSR1: %s\n",
	       alt.inner_on_alt ? "yes" : "no", alt.inner_below ? "yes" : "no",
	       ss_flags_name(alt.inner_flags),
	       alt.inner_mask_has_usr1 ? "yes" : "no");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* ---- hostile RIPs ---- */

static uintptr_t hostile_rip;
static sigjmp_buf hostile_jump;
static struct {
	int calls, code;
	uintptr_t addr, rip, trapno, err;
} hs;

static void set_rip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)hostile_rip;
}

static void hostile_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	hs.calls++;
	hs.code = si->si_code;
	hs.addr = (uintptr_t)si->si_addr;
	hs.rip = uc->uc_mcontext.gregs[REG_RIP];
	hs.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	hs.err = uc->uc_mcontext.gregs[REG_ERR];
	siglongjmp(hostile_jump, 1);
}

static const char *segv_code(int code)
{
	static char buf[16];
	switch (code) {
	case SEGV_MAPERR: return "SEGV_MAPERR";
	case SEGV_ACCERR: return "SEGV_ACCERR";
	case SI_KERNEL: return "SI_KERNEL";
	default:
		snprintf(buf, sizeof buf, "%d", code);
		return buf;
	}
}

static void hostile(const char *what, uintptr_t rip, int addr_literal)
{
	memset(&hs, 0, sizeof hs);
	hostile_rip = rip;
	if (!sigsetjmp(hostile_jump, 1))
		raise(SIGUSR1);
	printf("handler set RIP to %s: SIGSEGV handler ran %d time(s), %s, "
	       "si_addr ", what, hs.calls, segv_code(hs.code));
	if (addr_literal)
		printf("%#lx", (unsigned long)hs.addr);
	else
		printf("is RIP: %s", hs.addr == rip ? "yes" : "no");
	printf(", uc RIP is it: %s, trapno %lu, err %#lx\n",
	       hs.rip == rip ? "yes" : "no", (unsigned long)hs.trapno,
	       (unsigned long)hs.err);
}

static void hostile_rips(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *data = mmap(NULL, page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	data[0] = (char)0xc3;
	on(SIGUSR1, set_rip, 0);
	on(SIGSEGV, hostile_segv, 0);
	hostile("non-canonical 0x8000000000401000", 0x8000000000401000UL, 1);
	hostile("non-canonical 0xfff0000000000000", 0xfff0000000000000UL, 1);
	hostile("the kernel half 0xffffffff80001000", 0xffffffff80001000UL, 0);
	hostile("NULL", 0, 1);
	hostile("a page without exec", (uintptr_t)data, 0);
	munmap(data, page);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
}

int main(void)
{
	alt_mem = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alt_mem == MAP_FAILED) {
		printf("FAILED: mmap\n");
		return 1;
	}
	/* uc_stack.ss_flags is what sigaltstack last stored: a program
	 * inherits that from its parent on Linux, so say it first. */
	stack_t off = { .ss_flags = SS_DISABLE };
	sigaltstack(&off, NULL);
	register_probe();
	rflags();
	mask_and_stack_edits();
	move_rsp_rip();
	alternate_stack();
	hostile_rips();
	printf("done\n");
	return 0;
}
