/*
 * Differential test: exceptions become signals with Linux's siginfo and
 * ucontext (#7). Each fault runs in a small assembly routine with a label
 * on the faulting instruction; a SA_SIGINFO handler records what it got
 * and leaves with siglongjmp. Printed for each: the signal, si_code,
 * si_addr (the literal value, or whether it is the expected address),
 * whether uc_mcontext's RIP is the faulting instruction (after it for
 * int3), and uc_mcontext's trapno and err (Linux's: the vector and the
 * error code; a page-fault error code for a kernel address is always
 * reported as a protection fault; REG_CR2 is si_addr).
 *
 * Then: a SIGSEGV handler that makes the page writable and returns, so the
 * write is retried; a fault inside a SIGSEGV handler (nested handlers);
 * sigaltstack's errors and queries; a thread that overflows its stack
 * (its own mapping with a PROT_NONE guard page below) caught on an
 * alternate stack (SA_ONSTACK), left with siglongjmp, twice.
 *
 * Not here: SIGBUS (nothing raises it deterministically both on Linux and
 * under QEMU TCG: no files to map past their end, and TCG has no
 * alignment-check exception) and floating-point exceptions (TCG raises
 * neither #XM nor #MF for unmasked SSE/x87 exceptions), so SIGFPE comes
 * from integer division only. signals_default.c has the faults that kill.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
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

/* The faulting routines (System V calling convention: rdi, rsi). */
__asm__(
	".text\n"
	".globl probe_read, probe_read_insn\n"
	".hidden probe_read, probe_read_insn\n"
	"probe_read:\n"
	"probe_read_insn:\n"
	"	movq (%rdi), %rax\n"
	"	ret\n"
	".globl probe_write, probe_write_insn\n"
	".hidden probe_write, probe_write_insn\n"
	"probe_write:\n"
	"probe_write_insn:\n"
	"	movb $1, (%rdi)\n"
	"	ret\n"
	".globl probe_ud2, probe_ud2_insn\n"
	".hidden probe_ud2, probe_ud2_insn\n"
	"probe_ud2:\n"
	"probe_ud2_insn:\n"
	"	ud2\n"
	"	ret\n"
	".globl probe_div, probe_div_insn\n"
	".hidden probe_div, probe_div_insn\n"
	"probe_div:\n"
	"	movq %rdi, %rax\n"
	"	cqto\n"
	"probe_div_insn:\n"
	"	idivq %rsi\n"
	"	ret\n"
	".globl probe_int3, probe_int3_after\n"
	".hidden probe_int3, probe_int3_after\n"
	"probe_int3:\n"
	"	int3\n"
	"probe_int3_after:\n"
	"	ret\n"
	".globl probe_hlt, probe_hlt_insn\n"
	".hidden probe_hlt, probe_hlt_insn\n"
	"probe_hlt:\n"
	"probe_hlt_insn:\n"
	"	hlt\n"
	"	ret\n"
	".globl probe_movaps, probe_movaps_insn\n"
	".hidden probe_movaps, probe_movaps_insn\n"
	"probe_movaps:\n"
	"probe_movaps_insn:\n"
	"	movaps (%rdi), %xmm0\n"
	"	ret\n"
	".globl probe_int41, probe_int41_insn\n"
	".hidden probe_int41, probe_int41_insn\n"
	"probe_int41:\n"
	"probe_int41_insn:\n"
	"	int $0x41\n"
	"	ret\n"
	".globl probe_inb, probe_inb_insn\n"
	".hidden probe_inb, probe_inb_insn\n"
	"probe_inb:\n"
	"probe_inb_insn:\n"
	"	inb $0x80, %al\n"
	"	ret\n");

/* All take (a, b); most use only a. */
typedef void probe_fn(uintptr_t a, uintptr_t b);
probe_fn probe_read, probe_write, probe_ud2, probe_div, probe_int3, probe_hlt,
	probe_movaps, probe_int41, probe_inb;
extern char probe_read_insn[], probe_write_insn[], probe_ud2_insn[],
	probe_div_insn[], probe_int3_after[], probe_hlt_insn[],
	probe_movaps_insn[], probe_int41_insn[], probe_inb_insn[];

static const char *sig_name(int s)
{
	switch (s) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	case 0: return "no signal";
	default: return "another signal";
	}
}

static const char *fault_code_name(int sig, int code)
{
	static char buf[32];
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	if (code == SI_USER)
		return "SI_USER";
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR";
	if (sig == SIGILL && code == ILL_ILLOPN)
		return "ILL_ILLOPN";
	if (sig == SIGILL && code == ILL_ILLOPC)
		return "ILL_ILLOPC";
	if (sig == SIGFPE && code == FPE_INTDIV)
		return "FPE_INTDIV";
	if (sig == SIGFPE && code == FPE_INTOVF)
		return "FPE_INTOVF";
	if (sig == SIGTRAP && code == TRAP_BRKPT)
		return "TRAP_BRKPT";
	snprintf(buf, sizeof buf, "%d", code);
	return buf;
}

/* ---- what the handler saw ---- */

static struct {
	int count, signo, code;
	uintptr_t addr, rip, trapno, err, cr2;
} seen;
static sigjmp_buf jump;

static void record(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	seen.count++;
	seen.signo = sig;
	seen.code = si->si_code;
	seen.addr = (uintptr_t)si->si_addr;
	seen.rip = uc->uc_mcontext.gregs[REG_RIP];
	seen.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	seen.err = uc->uc_mcontext.gregs[REG_ERR];
	seen.cr2 = uc->uc_mcontext.gregs[REG_CR2];
}

static void catch_and_jump(int sig, siginfo_t *si, void *uc)
{
	record(sig, si, uc);
	siglongjmp(jump, 1);
}

enum addr_kind { ADDR_LITERAL, ADDR_EXPECTED };

/* Whether this is QEMU's TCG (its hypervisor leaf says "TCGTCGTCGTCG"),
 * whose INT n #GP error code is n * 16 + 2 where the hardware gives
 * n * 8 + 2 (the IDT entry's index): a known TCG quirk (QEMU 7.2), which
 * tests/libos's events test accepts too, only under TCG. */
static int under_tcg(void)
{
	unsigned int a, signature[3];

	__asm__ volatile("cpuid" : "=a"(a), "=b"(signature[0]),
			 "=c"(signature[1]), "=d"(signature[2])
			 : "a"(1), "c"(0));
	if (!(signature[1] & (1u << 31))) /* no hypervisor */
		return 0;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(signature[0]),
			 "=c"(signature[1]), "=d"(signature[2])
			 : "a"(0x40000000), "c"(0));
	return !memcmp(signature, "TCGTCGTCGTCG", 12);
}

/* The error code, except that an INT n's is printed as the IDT error
 * code it stands for (see under_tcg). */
static unsigned long error_code(const char *what, unsigned long err)
{
	if (!strcmp(what, "int $0x41") && under_tcg() && err == 0x41 * 16 + 2)
		return 0x41 * 8 + 2;
	return err;
}

/* Runs fn(a, b) expecting a fault; prints what the handler saw. */
static void fault(const char *what, probe_fn *fn,
		  uintptr_t a, uintptr_t b, const void *rip,
		  enum addr_kind kind, uintptr_t addr)
{
	memset(&seen, 0, sizeof seen);
	if (!sigsetjmp(jump, 1))
		fn(a, b);
	printf("%s: %s", what, sig_name(seen.signo));
	if (!seen.count) {
		printf("\n");
		return;
	}
	printf(" %s, si_addr ", fault_code_name(seen.signo, seen.code));
	if (kind == ADDR_LITERAL)
		printf("%#lx", (unsigned long)seen.addr);
	else
		printf("is the address: %s", seen.addr == addr ? "yes" : "no");
	printf(", RIP %s: %s, trapno %lu, err %#lx", seen.signo == SIGTRAP ?
	       "after the instruction" : "at the instruction",
	       seen.rip == (uintptr_t)rip ? "yes" : "no",
	       (unsigned long)seen.trapno, error_code(what, seen.err));
	if (seen.trapno == 14)
		printf(", REG_CR2 is si_addr: %s", seen.cr2 == seen.addr ?
		       "yes" : "no");
	printf("\n");
}

static void faults(void)
{
	long page = sysconf(_SC_PAGESIZE);
	on(SIGSEGV, catch_and_jump, 0);
	on(SIGILL, catch_and_jump, 0);
	on(SIGFPE, catch_and_jump, 0);
	on(SIGTRAP, catch_and_jump, 0);
	on(SIGBUS, catch_and_jump, 0);

	fault("read of NULL", probe_read, 0, 0, probe_read_insn,
	      ADDR_LITERAL, 0);
	fault("read of 0x10", probe_read, 0x10, 0, probe_read_insn,
	      ADDR_LITERAL, 0);
	fault("write to 0x1000", probe_write, 0x1000, 0, probe_write_insn,
	      ADDR_LITERAL, 0);
	fault("read of kernel address 0xffffffff80000000", probe_read,
	      0xffffffff80000000UL, 0, probe_read_insn, ADDR_LITERAL, 0);
	fault("write to kernel address 0xffff800000001000", probe_write,
	      0xffff800000001000UL, 0, probe_write_insn, ADDR_LITERAL, 0);
	fault("read of non-canonical 0x8000000000000000", probe_read,
	      0x8000000000000000UL, 0, probe_read_insn, ADDR_LITERAL, 0);

	/* Pages of our own: read-only, PROT_NONE, read-write (no exec). */
	char *ro = mmap(NULL, page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	char *rw = mmap(NULL, page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED || none == MAP_FAILED || rw == MAP_FAILED) {
		printf("FAILED: mmap\n");
		exit(1);
	}
	ro[0] = 7;                      /* present before it is read-only */
	mprotect(ro, page, PROT_READ);
	rw[0] = (char)0xc3;             /* ret, in a page without exec */
	fault("write to a PROT_READ page", probe_write,
	      (uintptr_t)ro + 8, 0, probe_write_insn, ADDR_EXPECTED,
	      (uintptr_t)ro + 8);
	printf("the PROT_READ page still holds %d\n", ro[0]);
	fault("read of a PROT_NONE page", probe_read,
	      (uintptr_t)none + 16, 0, probe_read_insn, ADDR_EXPECTED,
	      (uintptr_t)none + 16);
	fault("call into a page without exec", (probe_fn *)(uintptr_t)rw, 0, 0, rw,
	      ADDR_EXPECTED, (uintptr_t)rw);
	fault("write to our own code", probe_write,
	      (uintptr_t)probe_read, 0, probe_write_insn, ADDR_EXPECTED,
	      (uintptr_t)probe_read);
	munmap(rw, page);
	fault("read of an unmapped page", probe_read, (uintptr_t)rw, 0,
	      probe_read_insn, ADDR_EXPECTED, (uintptr_t)rw);

	fault("ud2", probe_ud2, 0, 0, probe_ud2_insn, ADDR_EXPECTED,
	      (uintptr_t)probe_ud2_insn);
	fault("idiv by zero", probe_div, 1, 0, probe_div_insn,
	      ADDR_EXPECTED, (uintptr_t)probe_div_insn);
	fault("idiv INT64_MIN / -1", probe_div, (uintptr_t)INT64_MIN,
	      (uintptr_t)-1, probe_div_insn, ADDR_EXPECTED,
	      (uintptr_t)probe_div_insn);
	fault("int3", probe_int3, 0, 0, probe_int3_after, ADDR_LITERAL, 0);
	fault("hlt", probe_hlt, 0, 0, probe_hlt_insn, ADDR_LITERAL, 0);
	static char buf[64] __attribute__((aligned(16)));
	fault("movaps from a misaligned address", probe_movaps,
	      (uintptr_t)buf + 8, 0, probe_movaps_insn, ADDR_LITERAL, 0);
	fault("int $0x41", probe_int41, 0, 0, probe_int41_insn,
	      ADDR_LITERAL, 0);
	fault("inb $0x80", probe_inb, 0, 0, probe_inb_insn, ADDR_LITERAL,
	      0);

	/* Faults are not blocked by the handler's own mask after a
	 * siglongjmp (sigsetjmp saved the mask): the same fault again. */
	fault("read of NULL again", probe_read, 0, 0, probe_read_insn,
	      ADDR_LITERAL, 0);
	munmap(ro, page);
	munmap(none, page);
}

/* ---- a handler that fixes the fault and returns ---- */

static char *fix_page;
static long fix_size;
static int fix_calls;

static void make_writable(int sig, siginfo_t *si, void *uc)
{
	record(sig, si, uc);
	fix_calls++;
	mprotect(fix_page, fix_size, PROT_READ | PROT_WRITE);
}

static void retried_write(void)
{
	fix_size = sysconf(_SC_PAGESIZE);
	fix_page = mmap(NULL, fix_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	on(SIGSEGV, make_writable, 0);
	memset(&seen, 0, sizeof seen);
	probe_write((uintptr_t)fix_page + 100, 0);
	printf("write to a PROT_READ page, the handler makes it writable and "
	       "returns: handler ran %d time(s), %s, the write happened: %s\n",
	       fix_calls, fault_code_name(seen.signo, seen.code),
	       fix_page[100] == 1 ? "yes" : "no");
	probe_write((uintptr_t)fix_page + 200, 0);
	printf("a second write: handler calls still %d, stored: %s\n",
	       fix_calls, fix_page[200] == 1 ? "yes" : "no");
	munmap(fix_page, fix_size);
}

/* ---- nested: a fault inside a SIGSEGV handler ---- */

static int nest_depth, ill_depth, ill_calls;
static sigset_t ill_mask;

static void skip_ud2(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	(void)si;
	ill_calls++;
	ill_depth = ++nest_depth;
	sigprocmask(SIG_BLOCK, NULL, &ill_mask);
	uc->uc_mcontext.gregs[REG_RIP] += 2;    /* ud2 is 2 bytes */
	nest_depth--;
}

static void segv_then_ud2(int sig, siginfo_t *si, void *uc)
{
	record(sig, si, uc);
	nest_depth++;
	probe_ud2(0, 0);                   /* SIGILL, handled, skipped */
	nest_depth--;
	siglongjmp(jump, 1);
}

static void nested(void)
{
	on(SIGSEGV, segv_then_ud2, 0);
	on(SIGILL, skip_ud2, 0);
	memset(&seen, 0, sizeof seen);
	if (!sigsetjmp(jump, 1))
		probe_read(0, 0);
	printf("ud2 inside the SIGSEGV handler: SIGILL handler ran %d "
	       "time(s) at depth %d, SIGSEGV blocked there: %s, SIGILL "
	       "blocked there: %s\n", ill_calls, ill_depth,
	       sigismember(&ill_mask, SIGSEGV) ? "yes" : "no",
	       sigismember(&ill_mask, SIGILL) ? "yes" : "no");
	ill_calls = 0;
	probe_ud2(0, 0);
	printf("ud2 in main with a handler that skips it: handler ran %d "
	       "time(s), execution continued\n", ill_calls);
}

/* ---- sigaltstack ---- */

static const char *flags_name(int f)
{
	switch (f) {
	case 0: return "0";
	case SS_ONSTACK: return "SS_ONSTACK";
	case SS_DISABLE: return "SS_DISABLE";
	default: return "other";
	}
}

static void altstack_calls(void)
{
	stack_t ss, old;
	static char small[1024];
	char *mem = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	sigaltstack(NULL, &old);
	printf("sigaltstack at start: flags %s, size %zu, sp NULL: %s\n",
	       flags_name(old.ss_flags), old.ss_size,
	       old.ss_sp ? "no" : "yes");
	/* The system call itself (musl checks some of these first). */
	ss.ss_sp = small;
	ss.ss_size = sizeof small;
	ss.ss_flags = 0;
	errno = 0;
	long r = syscall(SYS_sigaltstack, &ss, NULL);
	printf("sigaltstack of 1024 bytes: %ld %s\n", r,
	       errno == ENOMEM ? "ENOMEM" : strerror(errno));
	ss.ss_sp = mem;
	ss.ss_size = 65536;
	ss.ss_flags = 4;
	errno = 0;
	r = syscall(SYS_sigaltstack, &ss, NULL);
	printf("sigaltstack with flags 4: %ld %s\n", r,
	       errno == EINVAL ? "EINVAL" : strerror(errno));
	ss.ss_flags = SS_ONSTACK;
	r = syscall(SYS_sigaltstack, &ss, NULL);
	printf("sigaltstack with flags SS_ONSTACK (taken as 0): %ld\n", r);
	errno = 0;
	r = syscall(SYS_sigaltstack, (void *)8, NULL);
	printf("sigaltstack with a bad pointer: %ld %s\n", r,
	       errno == EFAULT ? "EFAULT" : strerror(errno));
	ss.ss_flags = 0;
	printf("sigaltstack of 64 KiB: %d\n", sigaltstack(&ss, &old));
	sigaltstack(NULL, &old);
	printf("query: flags %s, size %zu, sp as set: %s\n",
	       flags_name(old.ss_flags), old.ss_size,
	       old.ss_sp == mem ? "yes" : "no");
	ss.ss_flags = SS_DISABLE;
	printf("disable: %d\n", sigaltstack(&ss, NULL));
	sigaltstack(NULL, &old);
	printf("query: flags %s\n", flags_name(old.ss_flags));
	munmap(mem, 65536);
}

/* ---- stack overflow in a thread, caught on its alternate stack ---- */

#define THREAD_STACK (256 * 1024)
#define ALT_STACK (64 * 1024)

static struct {
	char *guard, *alt;
	sigjmp_buf jump;
	int calls, code, on_alt, flags, disable_err;
	uintptr_t addr;
} of;

static void overflow_handler(int sig, siginfo_t *si, void *uc)
{
	char local;
	stack_t now, ss;
	(void)sig;
	(void)uc;
	of.calls++;
	of.code = si->si_code;
	of.addr = (uintptr_t)si->si_addr;
	of.on_alt = &local >= of.alt && &local < of.alt + ALT_STACK;
	sigaltstack(NULL, &now);
	of.flags = now.ss_flags;
	ss.ss_flags = SS_DISABLE;
	ss.ss_sp = NULL;
	ss.ss_size = 0;
	errno = 0;
	of.disable_err = sigaltstack(&ss, NULL) == 0 ? 0 : errno;
	siglongjmp(of.jump, 1);
}

static volatile int sink;

__attribute__((noinline)) static int recurse(int n)
{
	volatile char frame[512];
	frame[0] = (char)n;
	frame[511] = (char)n;
	if (n > 10000000)
		return 0;
	return recurse(n + 1) + frame[0] + frame[511];
}

static void *overflow_thread(void *arg)
{
	stack_t ss, now;
	(void)arg;
	sigaltstack(NULL, &now);
	printf("a new thread's sigaltstack: flags %s\n",
	       flags_name(now.ss_flags));
	ss.ss_sp = of.alt;
	ss.ss_size = ALT_STACK;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	for (int round = 1; round <= 2; round++) {
		of.calls = 0;
		if (!sigsetjmp(of.jump, 1))
			sink = recurse(0);
		printf("overflow %d: handler ran %d time(s), %s, si_addr in the "
		       "guard page: %s, on the alternate stack: %s, sigaltstack "
		       "there: %s, disabling it there: %s\n", round, of.calls,
		       fault_code_name(SIGSEGV, of.code),
		       of.addr >= (uintptr_t)of.guard &&
		       of.addr < (uintptr_t)of.guard + 4096 ? "yes" : "no",
		       of.on_alt ? "yes" : "no", flags_name(of.flags),
		       of.disable_err == EPERM ? "EPERM" :
		       of.disable_err ? strerror(of.disable_err) : "0");
		sigaltstack(NULL, &now);
		printf("overflow %d: after siglongjmp, sigaltstack flags %s\n",
		       round, flags_name(now.ss_flags));
	}
	return NULL;
}

static void stack_overflow(void)
{
	pthread_attr_t a;
	pthread_t t;
	char *mem = mmap(NULL, 4096 + THREAD_STACK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	of.alt = mmap(NULL, ALT_STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || of.alt == MAP_FAILED) {
		printf("FAILED: mmap\n");
		exit(1);
	}
	of.guard = mem;
	mprotect(of.guard, 4096, PROT_NONE);
	on(SIGSEGV, overflow_handler, SA_ONSTACK);
	pthread_attr_init(&a);
	check0("pthread_attr_setstack",
	       pthread_attr_setstack(&a, mem + 4096, THREAD_STACK));
	check0("pthread_create", pthread_create(&t, &a, overflow_thread,
						NULL));
	check0("pthread_join", pthread_join(t, NULL));
	pthread_attr_destroy(&a);
}

int main(void)
{
	faults();
	retried_write();
	nested();
	altstack_calls();
	stack_overflow();
	printf("done\n");
	return 0;
}
