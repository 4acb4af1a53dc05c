/*
 * Differential test: what a thread keeps when it gives the CPU to another
 * inside a system call, by sched_yield or by a futex wait that the other
 * thread's wake ends (on Wicket the libOS's fast switch,
 * libos/trap/syscall_entry.S, once the call sites are rewritten). Two
 * threads take turns ROUNDS times each, in each way:
 *
 *   - the registers the call must keep (all but RAX, RCX and R11): the
 *     general ones, XMM0-15 and, with AVX, the YMM registers' upper
 *     halves, set to patterns of the thread and the round just before the
 *     SYSCALL and compared right after it (call_keeping, below);
 *   - its own rounding mode (MXCSR and the x87 control word);
 *   - its TLS (a __thread variable);
 *   - a signal sent to a thread waiting in the call runs its handler
 *     before the call returns to the thread, five times in each way;
 *   - each thread's CPU time is positive, their sum no more than the
 *     process's, and over the turns most of it (main waits meanwhile).
 *
 * Only counts fixed by the program and yes/no lines are printed.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "threads_util.h"

#define ROUNDS 300
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

/* What call_keeping loads before its SYSCALL and stores after it. */
struct call {
	uint64_t args[6];          /* RDI RSI RDX R10 R8 R9 */
	uint64_t kept[6];          /* RBX RBP R12 R13 R14 R15 */
	uint64_t args_after[6];
	uint64_t kept_after[6];
	uint8_t vectors[16][32];   /* XMM0-15, or YMM0-15 */
	uint8_t vectors_after[16][32];
};
_Static_assert(sizeof(struct call) == 1216, "the asm's offsets");

#define VECTOR_16(insn, reg, base, to) \
	insn " " #base "+0*32(" to "), %" reg "0\n\t" \
	insn " " #base "+1*32(" to "), %" reg "1\n\t" \
	insn " " #base "+2*32(" to "), %" reg "2\n\t" \
	insn " " #base "+3*32(" to "), %" reg "3\n\t" \
	insn " " #base "+4*32(" to "), %" reg "4\n\t" \
	insn " " #base "+5*32(" to "), %" reg "5\n\t" \
	insn " " #base "+6*32(" to "), %" reg "6\n\t" \
	insn " " #base "+7*32(" to "), %" reg "7\n\t" \
	insn " " #base "+8*32(" to "), %" reg "8\n\t" \
	insn " " #base "+9*32(" to "), %" reg "9\n\t" \
	insn " " #base "+10*32(" to "), %" reg "10\n\t" \
	insn " " #base "+11*32(" to "), %" reg "11\n\t" \
	insn " " #base "+12*32(" to "), %" reg "12\n\t" \
	insn " " #base "+13*32(" to "), %" reg "13\n\t" \
	insn " " #base "+14*32(" to "), %" reg "14\n\t" \
	insn " " #base "+15*32(" to "), %" reg "15\n\t"
#define VECTOR_16_OUT(insn, reg, base, to) \
	insn " %" reg "0, " #base "+0*32(" to ")\n\t" \
	insn " %" reg "1, " #base "+1*32(" to ")\n\t" \
	insn " %" reg "2, " #base "+2*32(" to ")\n\t" \
	insn " %" reg "3, " #base "+3*32(" to ")\n\t" \
	insn " %" reg "4, " #base "+4*32(" to ")\n\t" \
	insn " %" reg "5, " #base "+5*32(" to ")\n\t" \
	insn " %" reg "6, " #base "+6*32(" to ")\n\t" \
	insn " %" reg "7, " #base "+7*32(" to ")\n\t" \
	insn " %" reg "8, " #base "+8*32(" to ")\n\t" \
	insn " %" reg "9, " #base "+9*32(" to ")\n\t" \
	insn " %" reg "10, " #base "+10*32(" to ")\n\t" \
	insn " %" reg "11, " #base "+11*32(" to ")\n\t" \
	insn " %" reg "12, " #base "+12*32(" to ")\n\t" \
	insn " %" reg "13, " #base "+13*32(" to ")\n\t" \
	insn " %" reg "14, " #base "+14*32(" to ")\n\t" \
	insn " %" reg "15, " #base "+15*32(" to ")\n\t"

/*
 * long NAME(struct call *call): system call NR (`mov $NR, %eax` right
 * before the SYSCALL, a site the libOS rewrites) with call->args, the
 * callee-saved registers and the vector registers loaded from call, and
 * everything stored back after it.
 */
#define CALL_KEEPING(name, nr, insn, reg) \
	long name(struct call *call); \
	__asm__(".text\n\t.type " #name ", @function\n" #name ":\n\t" \
		"push %rbx\n\tpush %rbp\n\tpush %r12\n\t" \
		"push %r13\n\tpush %r14\n\tpush %r15\n\tpush %rdi\n\t" \
		VECTOR_16(insn, reg, 192, "%rdi") \
		"mov 48(%rdi), %rbx\n\tmov 56(%rdi), %rbp\n\t" \
		"mov 64(%rdi), %r12\n\tmov 72(%rdi), %r13\n\t" \
		"mov 80(%rdi), %r14\n\tmov 88(%rdi), %r15\n\t" \
		"mov 8(%rdi), %rsi\n\tmov 16(%rdi), %rdx\n\t" \
		"mov 24(%rdi), %r10\n\tmov 32(%rdi), %r8\n\t" \
		"mov 40(%rdi), %r9\n\tmov 0(%rdi), %rdi\n\t" \
		"mov $" #nr ", %eax\n\t" \
		"syscall\n\t" \
		"mov (%rsp), %r11\n\t" \
		"mov %rdi, 96(%r11)\n\tmov %rsi, 104(%r11)\n\t" \
		"mov %rdx, 112(%r11)\n\tmov %r10, 120(%r11)\n\t" \
		"mov %r8, 128(%r11)\n\tmov %r9, 136(%r11)\n\t" \
		"mov %rbx, 144(%r11)\n\tmov %rbp, 152(%r11)\n\t" \
		"mov %r12, 160(%r11)\n\tmov %r13, 168(%r11)\n\t" \
		"mov %r14, 176(%r11)\n\tmov %r15, 184(%r11)\n\t" \
		VECTOR_16_OUT(insn, reg, 704, "%r11") \
		"pop %rdi\n\tpop %r15\n\tpop %r14\n\tpop %r13\n\t" \
		"pop %r12\n\tpop %rbp\n\tpop %rbx\n\tret\n\t" \
		".size " #name ", . - " #name "\n\t")

CALL_KEEPING(yield_sse, 24, "movdqu", "xmm");
CALL_KEEPING(yield_avx, 24, "vmovdqu", "ymm");
CALL_KEEPING(futex_sse, 202, "movdqu", "xmm");
CALL_KEEPING(futex_avx, 202, "vmovdqu", "ymm");

static int avx; /* AVX, and the OS saves the YMM state (XCR0) */

static int has_avx(void)
{
	uint32_t a, b, c, d, xcr0_low, xcr0_high;

	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (!(c & (1u << 27)) || !(c & (1u << 28))) /* OSXSAVE, AVX */
		return 0;
	__asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
	return (xcr0_low & 6) == 6;
}

static __thread uint64_t tls_word;
static _Atomic int turn;
static _Atomic int futex_word;
static _Atomic int handled[2];
static _Atomic int stop;
static pthread_t threads[2];
static long mismatches[2], rounding_lost[2], tls_lost[2];
static int64_t thread_cpu_ns[2];

static uint16_t x87_control_word(void)
{
	uint16_t word;

	__asm__ volatile("fnstcw %0" : "=m"(word));
	return word;
}

static __thread int my_index;

static void on_usr1(int signal)
{
	(void)signal;
	handled[my_index]++;
}

/* A call through call_keeping whose kept registers all hold patterns of
 * (me, round); counts what came back changed. */
static long call_checked(int me, int round, int futex, uint64_t args[6])
{
	struct call call;
	uint64_t seed = 0x9e3779b97f4a7c15ull *
			(uint64_t)(me * ROUNDS + round + 1);

	memset(&call, 0, sizeof call);
	memcpy(call.args, args, sizeof call.args);
	for (int i = 0; i < 6; i++)
		call.kept[i] = seed ^ (uint64_t)i << 56;
	for (int v = 0; v < 16; v++)
		for (int b = 0; b < 32; b++)
			call.vectors[v][b] = (uint8_t)(seed >> (b % 8 * 8)) ^
					     (uint8_t)(v * 17 + b);
	long result = futex ? (avx ? futex_avx : futex_sse)(&call)
			    : (avx ? yield_avx : yield_sse)(&call);
	size_t vector_bytes = avx ? 32 : 16;

	if (memcmp(call.args, call.args_after, sizeof call.args) ||
	    memcmp(call.kept, call.kept_after, sizeof call.kept))
		mismatches[me]++;
	for (int v = 0; v < 16; v++)
		if (memcmp(call.vectors[v], call.vectors_after[v], vector_bytes))
			mismatches[me]++;
	return result;
}

/* Rounding and TLS: the thread's own, after every call. */
static void check_own(int me)
{
	int mode = me ? FE_UPWARD : FE_TOWARDZERO;
	uint16_t x87_rounding = me ? 0x0800 : 0x0c00;

	if (fegetround() != mode ||
	    (x87_control_word() & 0x0c00) != x87_rounding)
		rounding_lost[me]++;
	if (tls_word != 0x1000u + (uint64_t)me)
		tls_lost[me]++;
}

static void yield_call(int me, int round)
{
	uint64_t args[6] = { 1, 2, 3, 4, 5, 6 };

	if (call_checked(me, round, 0, args) != 0)
		mismatches[me]++;
	check_own(me);
}

static void futex_wait_call(int me, int round, _Atomic int *word, int value)
{
	uint64_t args[6] = { (uint64_t)(uintptr_t)word, FUTEX_WAIT_PRIVATE,
			     (uint64_t)value, 0, 0x5555, 0xaaaa };
	long result = call_checked(me, round, 1, args);

	if (result != 0 && result != -EAGAIN && result != -EINTR)
		mismatches[me]++;
	check_own(me);
}

static void futex_wake_all(_Atomic int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 2);
}

/* Turns by sched_yield, or by futex waits and wakes. */
static void take_turns(int me, int futex)
{
	for (int round = 0; round < ROUNDS && !futex; round++) {
		while (atomic_load(&turn) != me)
			yield_call(me, round);
		atomic_store(&turn, 1 - me);
	}
	for (int round = 0; round < ROUNDS && futex; round++) {
		int seen;

		while ((seen = atomic_load(&turn)) != me)
			futex_wait_call(me, round, &turn, seen);
		atomic_store(&turn, 1 - me);
		futex_wake_all(&turn);
	}
}

/* Thread 1 signals thread 0 five times while it waits in the call
 * (yielding, then waiting on futex_word), each time until its handler
 * ran. */
static void signals_while_waiting(int me, int futex)
{
	if (me == 0) {
		for (int round = 0; !atomic_load(&stop); round++) {
			if (futex)
				futex_wait_call(me, round, &futex_word, 0);
			else
				yield_call(me, round);
		}
		return;
	}
	for (int i = 0; i < 5; i++) {
		int before = atomic_load(&handled[0]);

		check0("pthread_kill", pthread_kill(threads[0], SIGUSR1));
		while (atomic_load(&handled[0]) == before)
			sched_yield();
	}
	atomic_store(&stop, 1);
	atomic_store(&futex_word, 1);
	futex_wake_all(&futex_word);
}

static pthread_barrier_t barrier;
/* CPU time over the turns and the signals: each thread's, the process's
 * (main waits meanwhile). */
static int64_t window_ns[2], process_window_ns;

static int64_t cpu_ns(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return ts_ns(&t);
}

static void *body(void *arg)
{
	int me = (int)(intptr_t)arg;

	tls_word = 0x1000u + (uint64_t)me;
	my_index = me;
	fesetround(me ? FE_UPWARD : FE_TOWARDZERO);
	pthread_barrier_wait(&barrier);
	window_ns[me] = -cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	if (me == 0)
		process_window_ns = -cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
	take_turns(me, 0);
	pthread_barrier_wait(&barrier);
	take_turns(me, 1);

	pthread_barrier_wait(&barrier);
	signals_while_waiting(me, 0);
	pthread_barrier_wait(&barrier);
	if (me == 0) {
		atomic_store(&stop, 0);
		atomic_store(&futex_word, 0);
	}
	pthread_barrier_wait(&barrier);
	signals_while_waiting(me, 1);

	thread_cpu_ns[me] = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	window_ns[me] += thread_cpu_ns[me];
	pthread_barrier_wait(&barrier);
	if (me == 0)
		process_window_ns += cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
	return NULL;
}

int main(void)
{
	struct sigaction action;
	struct timespec cpu;

	avx = has_avx();
	memset(&action, 0, sizeof action);
	action.sa_handler = on_usr1;
	sigaction(SIGUSR1, &action, NULL);
	check0("pthread_barrier_init",
	       pthread_barrier_init(&barrier, NULL, 2));
	start_all(threads, 2, body);
	for (int i = 0; i < 2; i++)
		check0("pthread_join", pthread_join(threads[i], NULL));
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);

	for (int i = 0; i < 2; i++) {
		printf("thread %d: %d rounds each way, registers changed by a "
		       "call: %ld, rounding mode lost: %ld, TLS lost: %ld\n",
		       i, ROUNDS, mismatches[i], rounding_lost[i], tls_lost[i]);
		yesno("its CPU time is positive", thread_cpu_ns[i] > 0);
	}
	printf("handlers run in the waiting thread: %d (the other: %d)\n",
	       atomic_load(&handled[0]), atomic_load(&handled[1]));
	yesno("process CPU time at least the threads' sum",
	      ts_ns(&cpu) >= thread_cpu_ns[0] + thread_cpu_ns[1]);
	yesno("over the turns, the threads' sum over half the process's",
	      window_ns[0] + window_ns[1] > process_window_ns / 2);
	return 0;
}
