/*
 * apps/bench: system-call costs as an app sees them, the same binary on
 * Linux and on Wicket. Each row times batches of calls with
 * `lfence; rdtsc` and prints the median and minimum cycles per call over
 * the batches. Under `-icount shift=0` the TSC counts guest instructions.
 *
 *   native null call   Wicket only: the kernel's nop call, a SYSCALL and
 *                      SYSRET with nothing between
 *   getpid (patched)   on Wicket from a site the libOS has rewritten
 *                      (libos/trap/patch.c: getpid is answered in the
 *                      trampoline); on Linux a plain getpid
 *   getpid (unpatched) from a site the rewriter cannot move: reflected by
 *                      the kernel to the libOS on Wicket
 *   invalid syscall    number 100000: -ENOSYS from the dispatcher (on
 *                      Wicket through a rewritten site: no kernel entry)
 *   write -EFAULT      write(1, (void *)16, 1)
 *   clock_gettime      CLOCK_MONOTONIC, through musl: the vDSO on both
 *                      (Wicket's: libos/vdso; a system call with
 *                      wicket.vdso=off)
 *   sched_yield switch two threads yielding to each other: per switch
 *   futex one-way      two threads waking each other through futexes:
 *                      per one-way hand-over
 *   create+join        pthread_create then pthread_join of an empty thread
 *   raise round trip   raise(SIGUSR1) -> handler -> sigreturn
 *   fault round trip   a write to a read-only page -> SIGSEGV handler that
 *                      skips the instruction -> resume
 *   timer signal       a 2 ms ITIMER_REAL's SIGALRM reaching its handler:
 *                      the cycles per tick are the period; the row is
 *                      there for the kernel entries per tick
 *
 * On Wicket each row also says how many times the kernel was entered per
 * operation (the kernel's counters page, abi.h); on Linux it prints "-".
 *
 * The same binary is a Linux guest's /init (PID 1, `./wicket bench`,
 * docs/bench.md): then it opens the console itself if the initramfs has
 * none, runs the rows in a child and powers the machine off.
 */
#define _GNU_SOURCE /* REG_RIP */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <fcntl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* futex(2) operations (musl has no <linux/futex.h>). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

/* The kernel's counters page on Wicket (include/wicket/abi.h). */
#define WICKET_COUNTERS 0x00007ff0ffff0000ul
#define WICKET_NATIVE_NOP 0x574b0000 /* abi.h: WK_CALL_nop */
struct wicket_counters {
	uint64_t syscalls, traps;
};

static const volatile struct wicket_counters *counters;

static uint64_t kernel_entries(void)
{
	return counters ? counters->syscalls + counters->traps : 0;
}

#define BATCHES 31
#define CALLS   200

static inline uint64_t timestamp(void)
{
	uint32_t low, high;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(low), "=d"(high)
			 :: "memory");
	return ((uint64_t)high << 32) | low;
}

static int compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static long raw_syscall0(long number)
{
	long result;

	__asm__ volatile("syscall" : "=a"(result) : "a"(number)
			 : "rcx", "r11", "memory");
	return result;
}

static void print_row(const char *name, uint64_t median, uint64_t minimum,
		      uint64_t entries, uint64_t operations)
{
	char entries_text[32] = "-";

	if (counters)
		snprintf(entries_text, sizeof(entries_text), "%.2f",
			 (double)entries / (double)operations);
	printf("bench: %-19s median %7lu  min %7lu cycles per op, kernel "
	       "entries per op %s\n", name, (unsigned long)median,
	       (unsigned long)minimum, entries_text);
}

static void row(const char *name, void (*body)(void))
{
	uint64_t per_call[BATCHES], empty[BATCHES];
	uint64_t entries = kernel_entries();

	for (int b = 0; b < BATCHES; b++) {
		uint64_t start = timestamp();

		for (int i = 0; i < CALLS; i++)
			__asm__ volatile("" ::: "memory");
		empty[b] = timestamp() - start;
		start = timestamp();
		for (int i = 0; i < CALLS; i++)
			body();
		per_call[b] = timestamp() - start;
	}
	entries = kernel_entries() - entries;
	qsort(per_call, BATCHES, sizeof(*per_call), compare);
	qsort(empty, BATCHES, sizeof(*empty), compare);
	uint64_t overhead = empty[BATCHES / 2];

	print_row(name, (per_call[BATCHES / 2] - overhead) / CALLS,
		  (per_call[0] - overhead) / CALLS, entries,
		  (uint64_t)BATCHES * CALLS);
}

/* Two threads handing a turn to each other ROUNDS times per batch, by
 * sched_yield or by futexes; per one-way hand-over. */
#define ROUNDS 200
static _Atomic int turn;
static int use_futex;

static void futex_wait(_Atomic int *word, int value)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL);
}

static void futex_wake(_Atomic int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1);
}

/* Waits until turn == me, then passes it to the other thread. */
static void hand_over(int me, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		while (atomic_load(&turn) != me) {
			if (use_futex)
				futex_wait(&turn, 1 - me);
			else
				sched_yield();
		}
		atomic_store(&turn, 1 - me);
		if (use_futex)
			futex_wake(&turn);
	}
}

static void *partner(void *arg)
{
	hand_over(1, (int)(intptr_t)arg);
	return NULL;
}

static void ping_pong(const char *name, int futexes)
{
	uint64_t per_batch[BATCHES];
	uint64_t entries = kernel_entries();
	pthread_t thread;

	use_futex = futexes;
	atomic_store(&turn, 0);
	pthread_create(&thread, NULL, partner,
		       (void *)(intptr_t)(BATCHES * ROUNDS));
	for (int b = 0; b < BATCHES; b++) {
		uint64_t start = timestamp();

		hand_over(0, ROUNDS);
		per_batch[b] = timestamp() - start;
	}
	pthread_join(thread, NULL);
	entries = kernel_entries() - entries;
	qsort(per_batch, BATCHES, sizeof(*per_batch), compare);
	print_row(name, per_batch[BATCHES / 2] / (2 * ROUNDS),
		  per_batch[0] / (2 * ROUNDS), entries,
		  (uint64_t)BATCHES * ROUNDS * 2);
}

static void *empty_thread(void *arg)
{
	return arg;
}

static void create_join(void)
{
	enum { THREADS = 20 };
	uint64_t per_batch[BATCHES];
	uint64_t entries = kernel_entries();

	for (int b = 0; b < BATCHES; b++) {
		uint64_t start = timestamp();

		for (int i = 0; i < THREADS; i++) {
			pthread_t thread;

			pthread_create(&thread, NULL, empty_thread, NULL);
			pthread_join(thread, NULL);
		}
		per_batch[b] = timestamp() - start;
	}
	entries = kernel_entries() - entries;
	qsort(per_batch, BATCHES, sizeof(*per_batch), compare);
	print_row("create+join", per_batch[BATCHES / 2] / THREADS,
		  per_batch[0] / THREADS, entries, (uint64_t)BATCHES * THREADS);
}

static void do_getpid(void) { raw_syscall0(SYS_getpid); }
static void do_invalid(void) { raw_syscall0(100000); }
static void do_native_nop(void) { raw_syscall0(WICKET_NATIVE_NOP); }

/* getpid from a site Wicket's rewriter leaves alone (libos/trap/patch.c):
 * no `mov $number, %eax` right before it (the number comes from memory),
 * and PAUSE after it is not an instruction the rewriter moves. */
static volatile long getpid_number = SYS_getpid;

static void do_getpid_unpatched(void)
{
	long result;

	__asm__ volatile("syscall; pause" : "=a"(result) : "a"(getpid_number)
			 : "rcx", "r11", "memory");
}

static void do_write_efault(void)
{
	write(1, (const void *)16, 1);
}
static void do_clock(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
}

static void on_usr1(int signal)
{
	(void)signal;
}

static void do_raise(void)
{
	raise(SIGUSR1);
}

/* The faulting store is `movb $1, (%rax)`: 3 bytes the handler skips. */
static volatile char *read_only_page;

static void on_segv(int signal, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;

	(void)signal;
	(void)info;
	uc->uc_mcontext.gregs[REG_RIP] += 3;
}

static void do_fault(void)
{
	__asm__ volatile("movb $1, (%0)" : : "a"(read_only_page) : "memory");
}

/* SIGALRM every 2 ms; the handler stamps its arrival, the main loop
 * measures from the expected expiry (last arrival + period). */
static volatile uint64_t last_tick, tick_count;

static void on_alarm(int signal)
{
	(void)signal;
	last_tick = timestamp();
	tick_count++;
}

static void timer_signal(void)
{
	enum { TICKS = 50 };
	struct itimerval period = { { 0, 2000 }, { 0, 2000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	uint64_t entries = kernel_entries();
	uint64_t start = timestamp();

	signal(SIGALRM, on_alarm);
	tick_count = 0;
	setitimer(ITIMER_REAL, &period, NULL);
	while (tick_count < TICKS)
		;
	setitimer(ITIMER_REAL, &off, NULL);
	uint64_t elapsed = last_tick - start;

	entries = kernel_entries() - entries;
	print_row("timer signal", elapsed / TICKS, elapsed / TICKS, entries,
		  TICKS);
}

/* As /init of a Linux guest (PID 1): fds 0-2 on the console (without
 * /dev/console in the initramfs the kernel starts init with none open),
 * then the benchmark runs in a child, an ordinary process as on the host
 * (Linux logs every fault of PID 1 on the console), and PID 1, which must
 * not exit, powers the machine off when the child is done. */
static void linux_init(void)
{
	if (fcntl(1, F_GETFD) < 0) {
		mkdir("/dev", 0755);
		mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
		int fd = open("/dev/console", O_RDWR);

		for (int i = 0; fd >= 0 && i < 3; i++)
			if (fd != i)
				dup2(fd, i);
		if (fd > 2)
			close(fd);
	}
	pid_t child = fork();

	if (child <= 0)
		return;         /* the child (or no fork): the rows run here */
	waitpid(child, NULL, 0);
	reboot(RB_POWER_OFF);
}

int main(void)
{
	struct utsname name;

	if (uname(&name) == 0 && strstr(name.release, "wicket"))
		counters = (const volatile struct wicket_counters *)
			WICKET_COUNTERS;
	if (!counters && getpid() == 1)
		linux_init();
	if (counters)
		row("native null call", do_native_nop);
	row("getpid (patched)", do_getpid);
	row("getpid (unpatched)", do_getpid_unpatched);
	row("invalid syscall", do_invalid);
	row("write -EFAULT", do_write_efault);
	row("clock_gettime", do_clock);
	ping_pong("sched_yield switch", 0);
	ping_pong("futex one-way", 1);
	create_join();

	struct sigaction action = { 0 };

	action.sa_handler = on_usr1;
	sigaction(SIGUSR1, &action, NULL);
	row("raise round trip", do_raise);
	read_only_page = mmap(NULL, 4096, PROT_READ,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	action.sa_sigaction = on_segv;
	action.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &action, NULL);
	row("fault round trip", do_fault);
	timer_signal();
	return 0;
}
