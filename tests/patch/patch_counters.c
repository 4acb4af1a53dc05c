/*
 * Call-site rewriting, counted (issue #8; libos/trap/patch.c): how often
 * a loop of system calls enters the kernel, read from the kernel's
 * counters page (WK_COUNTERS_ADDRESS, struct wk_counters in abi.h: every
 * SYSCALL instruction, and every interrupt or exception taken in ring 3).
 * Wicket-only: tests/patch/meson.build boots one mode per test and checks
 * the lines printed here.
 *
 *   patch_counters MODE max N   the loop's kernel entries are at most N
 *   patch_counters MODE min N   ... at least N (wicket.patch=off)
 *
 * MODE is one of
 *
 *   getpid          1,000,000 getpid(): musl's `mov $39,%eax; syscall`
 *                   site, answered in its trampoline once rewritten
 *   syscall-getpid  1,000,000 syscall(SYS_getpid): musl's generic
 *                   syscall() site, dispatched in the libOS in user mode
 *   futex           100,000 round trips between two threads, each half a
 *                   private FUTEX_WAIT that blocks and a FUTEX_WAKE, all
 *                   through syscall(SYS_futex, ...)
 *   prefix          1,000,000 getppid() from three hand-written sites,
 *                   a third each, where the `mov $imm` right before the
 *                   `syscall` loads an argument register (EDI, R10D,
 *                   RSI), not the number, and `ret` is followed by the
 *                   next function, not padding: as musl's __restore_sigs
 *                   (`mov $2, %edi; syscall; ret`) when the linker puts
 *                   a function right after it
 *   enosys          1,000,000 syscall(N) with N unimplemented: 156
 *                   (_sysctl), 400 (a hole in Linux's table), 100000 and
 *                   -1 (past it) in turn; each must fail with ENOSYS (after
 *                   its report, a fast call: trap/fastcall.h)
 *   clock           1,000,000 clock_gettime(CLOCK_MONOTONIC): musl calls
 *                   the vDSO (libos/vdso), no system call at all; with
 *                   wicket.vdso=off, the system call
 *   jit             1,000,000 calls of code the program writes at run
 *                   time into anonymous memory, in four generations at
 *                   one address (250,000 calls each), each a different
 *                   call: the code is rewritten (mprotect), mapped anew
 *                   over the old (mmap MAP_FIXED), unmapped and mapped
 *                   again (munmap): the libOS must forget a text that
 *                   changes, and rewrite the new one's site in turn
 *   stacks          10,000 round trips through two pipes between two
 *                   threads on stacks of 8 MiB (glibc's default size)
 *                   side by side, each reading and writing a byte in its
 *                   start routine, on its stack's top page: the two pages
 *                   are 2,048 pages apart, so the low bits of their
 *                   numbers are the same, and the libOS's caches of
 *                   pages checked and present must still hold both
 *                   (libos/mm/vm.c: page_slot)
 *
 * The count is counters.syscalls over the whole loop, the first call's
 * share printed apart (it enters the kernel, and rewriting its site costs
 * a few native calls: mem_protect of the trampoline area and the text). Timer interrupts
 * are counted in counters.traps; with two threads the scheduler arms the
 * timer, and each timer event may cost up to two native calls (the
 * set_self_state that lets the kernel deliver an event that came while
 * the libOS ran with events masked, and the re-arm), so with threads
 * (futex) the bound is N + 2 * traps. Rewriting cuts ~1,000,000 (or
 * ~400,000) entries to a handful, so the bound fails loudly when it
 * breaks; the `min` runs (wicket.patch=off) show the other side. The last
 * line is "patch_counters: ok ..." or starts with "WRONG".
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define COUNTERS 0x00007ff0ffff0000ul     /* WK_COUNTERS_ADDRESS */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

struct wk_counters {
	uint64_t syscalls;
	uint64_t traps;
};

static const volatile struct wk_counters *const counters =
	(const volatile struct wk_counters *)COUNTERS;

struct sample {
	uint64_t syscalls, traps;
};

static struct sample sample(void)
{
	return (struct sample){ counters->syscalls, counters->traps };
}

#define CALLS 1000000
#define ROUND_TRIPS 100000

static unsigned long wrong;
static long pid;

static void first_getpid(void)
{
	pid = getpid();
}

static void rest_getpid(void)
{
	for (long i = 1; i < CALLS; i++)
		if (getpid() != pid)
			wrong++;
}

static void first_syscall_getpid(void)
{
	pid = syscall(SYS_getpid);
}

static void rest_syscall_getpid(void)
{
	for (long i = 1; i < CALLS; i++)
		if (syscall(SYS_getpid) != pid)
			wrong++;
}

/* ---- futex ping-pong: `turn` says whose half it is (0 main, 1 the
 * thread); each side waits while it is the other's. */

static atomic_int turn;

static long futex(atomic_int *word, int op, int value)
{
	return syscall(SYS_futex, word, op | FUTEX_PRIVATE_FLAG, value, NULL,
		       NULL, 0);
}

static void half(int mine, int theirs, long trips)
{
	for (long i = 0; i < trips; i++) {
		while (atomic_load(&turn) != mine)
			if (futex(&turn, FUTEX_WAIT, theirs) != 0 &&
			    errno != EAGAIN && errno != EINTR)
				wrong++;
		atomic_store(&turn, theirs);
		if (futex(&turn, FUTEX_WAKE, 1) < 0)
			wrong++;
	}
}

static void *pong(void *arg)
{
	half(1, 0, (long)arg);
	return NULL;
}

static pthread_t pong_thread;

/* One warm-up round trip before the samples, so that the thread is up,
 * its stack pages are in and every site the loop uses has had its first
 * call. */
static void setup_futex(void)
{
	if (pthread_create(&pong_thread, NULL, pong,
			   (void *)(long)(1 + ROUND_TRIPS)) != 0) {
		printf("WRONG: pthread_create failed\n");
		exit(1);
	}
	half(0, 1, 1);
	while (atomic_load(&turn) != 0)
		futex(&turn, FUTEX_WAIT, 1);
}

static void first_futex(void)
{
	half(0, 1, 1);
}

static void rest_futex(void)
{
	half(0, 1, ROUND_TRIPS - 1);
}

static void finish_futex(void)
{
	pthread_join(pong_thread, NULL);
}

/* ---- stacks: `pinger` runs `go`'s count of round trips to `echo` and
 * says when it is done; each keeps its byte in its start routine's
 * frame, at the top of its stack. */

#define STACK_TRIPS 10000
#define STACK_BYTES (8ul << 20)

static int go[2], done[2], to_echo[2], to_pinger[2];
static pthread_t pinger_thread, echo_thread;

static void *echo(void *arg)
{
	char byte;

	while (read(to_echo[0], &byte, 1) == 1)
		if (write(to_pinger[1], &byte, 1) != 1)
			wrong++;
	return arg;
}

static void *pinger(void *arg)
{
	long trips;
	char byte = 'x';

	while (read(go[0], &trips, sizeof(trips)) == sizeof(trips) && trips) {
		for (long i = 0; i < trips; i++)
			if (write(to_echo[1], &byte, 1) != 1 ||
			    read(to_pinger[0], &byte, 1) != 1)
				wrong++;
		if (write(done[1], &trips, sizeof(trips)) != sizeof(trips))
			wrong++;
	}
	return arg;
}

static void stack_trips(long trips)
{
	if (write(go[1], &trips, sizeof(trips)) != sizeof(trips) ||
	    (trips && read(done[0], &trips, sizeof(trips)) != sizeof(trips)))
		wrong++;
}

static void setup_stacks(void)
{
	char *area = mmap(NULL, 2 * STACK_BYTES, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_attr_t attributes[2];
	pthread_t *threads[2] = { &pinger_thread, &echo_thread };
	void *(*starts[2])(void *) = { pinger, echo };

	if (area == MAP_FAILED || pipe(go) || pipe(done) || pipe(to_echo) ||
	    pipe(to_pinger)) {
		printf("WRONG: no memory or pipes for the stacks\n");
		exit(1);
	}
	for (int i = 0; i < 2; i++) {
		pthread_attr_init(&attributes[i]);
		pthread_attr_setstack(&attributes[i], area + i * STACK_BYTES,
				      STACK_BYTES);
		if (pthread_create(threads[i], &attributes[i], starts[i],
				   NULL) != 0) {
			printf("WRONG: pthread_create failed\n");
			exit(1);
		}
	}
	stack_trips(1); /* warm-up: both stacks' pages in, every site run */
}

static void first_stacks(void)
{
	stack_trips(1);
}

static void rest_stacks(void)
{
	stack_trips(STACK_TRIPS - 1);
}

static void finish_stacks(void)
{
	stack_trips(0);
	pthread_join(pinger_thread, NULL);
	close(to_echo[1]);
	pthread_join(echo_thread, NULL);
}

/* ---- prefix: getppid (110) from sites whose last instruction before
 * the syscall is a mov of an immediate into an argument register, in
 * each of its encodings (5, 6 and 7 bytes), with no padding after the
 * RET. EDX is zeroed so that it never holds R10D's value by chance (the
 * rewriter must tell `41 BA imm32` from a byte 0x41 before `BA imm32`). */
long prefix_edi(void), prefix_r10d(void), prefix_rsi(void);
__asm__(".text\n"
	"prefix_edi:\n"
	"	mov $110, %eax\n"
	"	mov $0, %edi\n"
	"	syscall\n"
	"	ret\n"
	"prefix_r10d:\n"
	"	mov $110, %eax\n"
	"	xor %edx, %edx\n"
	"	mov $0x1234, %r10d\n"
	"	syscall\n"
	"	ret\n"
	"prefix_rsi:\n"
	"	mov $110, %eax\n"
	"	mov $-1, %rsi\n"
	"	syscall\n"
	"	ret\n"
	"	mov $231, %eax\n" /* never reached: not padding either */
	"	syscall\n");

static long (*const prefix_sites[3])(void) = { prefix_edi, prefix_r10d,
					       prefix_rsi };

static void first_prefix(void)
{
	pid = prefix_sites[0]();
	for (int i = 1; i < 3; i++)
		if (prefix_sites[i]() != pid)
			wrong++;
}

static void rest_prefix(void)
{
	for (long i = 3; i < CALLS; i++)
		if (prefix_sites[i % 3]() != pid)
			wrong++;
}

/* ---- enosys */

static const long unimplemented[4] = { 156, 400, 100000, -1 };

static void first_enosys(void)
{
	if (syscall(unimplemented[0]) != -1 || errno != ENOSYS)
		wrong++;
}

static void rest_enosys(void)
{
	for (long i = 1; i < CALLS; i++) {
		errno = 0;
		if (syscall(unimplemented[i % 4]) != -1 || errno != ENOSYS)
			wrong++;
	}
}

/* ---- clock: each read is later than the one before or equal. */

static struct timespec last_time;

static bool later(const struct timespec *now)
{
	bool ok = now->tv_sec > last_time.tv_sec ||
		  (now->tv_sec == last_time.tv_sec &&
		   now->tv_nsec >= last_time.tv_nsec);

	last_time = *now;
	return ok;
}

static void first_clock(void)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0 || !later(&now))
		wrong++;
}

static void rest_clock(void)
{
	struct timespec now;

	for (long i = 1; i < CALLS; i++)
		if (clock_gettime(CLOCK_MONOTONIC, &now) != 0 || !later(&now))
			wrong++;
}

/* ---- jit: generations of code at one address. Each is a function
 * `mov $NR, %eax; syscall; ret` (form A, docs/patching.md), or
 * `mov %edi, %eax; syscall; ret` and padding (form B), made writable,
 * written and made executable again as a JIT does. */

#define JIT_GENERATIONS 4
#define JIT_BYTES 4096

static uint8_t *jit_code;
static long jit_expected[JIT_GENERATIONS];

static const struct generation {
	int how;      /* 0 first mmap, 1 mprotect, 2 MAP_FIXED, 3 munmap */
	int number;   /* in the mov, or -1: the argument (EDI) */
	int argument; /* for -1 */
} generations[JIT_GENERATIONS] = {
	{ 0, SYS_getpid, 0 },
	{ 1, SYS_getppid, 0 },
	{ 2, -1, SYS_gettid },
	{ 3, SYS_getuid, 0 },
};

static void jit_fail(const char *what)
{
	printf("WRONG: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void jit_make(const struct generation *g)
{
	int fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

	if (g->how == 0) {
		jit_code = mmap(NULL, JIT_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (jit_code == MAP_FAILED)
			jit_fail("mmap");
	} else if (g->how == 1) {
		if (mprotect(jit_code, JIT_BYTES, PROT_READ | PROT_WRITE))
			jit_fail("mprotect");
	} else {
		if (g->how == 3 && munmap(jit_code, JIT_BYTES))
			jit_fail("munmap");
		if (mmap(jit_code, JIT_BYTES, PROT_READ | PROT_WRITE, fixed, -1,
			 0) != jit_code)
			jit_fail("mmap MAP_FIXED");
	}
	uint8_t *p = jit_code + 64;

	memset(jit_code, 0xcc, JIT_BYTES);
	if (g->number >= 0) {
		*p++ = 0xb8;
		memcpy(p, &g->number, 4);
		p += 4;
	} else {
		*p++ = 0x89;
		*p++ = 0xf8;
	}
	*p++ = 0x0f;
	*p++ = 0x05;
	*p++ = 0xc3;
	if (mprotect(jit_code, JIT_BYTES, PROT_READ | PROT_EXEC))
		jit_fail("mprotect");
}

static void jit_calls(int generation, long calls)
{
	long (*function)(long) = (long (*)(long))(void *)(jit_code + 64);
	long argument = generations[generation].argument;

	for (long i = 0; i < calls; i++)
		if (function(argument) != jit_expected[generation])
			wrong++;
}

static void setup_jit(void)
{
	jit_expected[0] = getpid();
	jit_expected[1] = getppid();
	jit_expected[2] = syscall(SYS_gettid);
	jit_expected[3] = getuid();
	jit_make(&generations[0]);
}

static void first_jit(void)
{
	jit_calls(0, 1);
}

static void rest_jit(void)
{
	long each = CALLS / JIT_GENERATIONS;

	jit_calls(0, each - 1);
	for (int g = 1; g < JIT_GENERATIONS; g++) {
		jit_make(&generations[g]);
		jit_calls(g, each);
	}
}

static void nothing(void)
{
}

static const struct mode {
	const char *name;
	void (*setup)(void), (*first)(void), (*rest)(void), (*finish)(void);
	const char *what;
	long count;
	int threads;
} modes[] = {
	{ "getpid", nothing, first_getpid, rest_getpid, nothing,
	  "getpid()", CALLS, 0 },
	{ "syscall-getpid", nothing, first_syscall_getpid,
	  rest_syscall_getpid, nothing, "syscall(SYS_getpid)", CALLS, 0 },
	{ "futex", setup_futex, first_futex, rest_futex, finish_futex,
	  "futex round trips", ROUND_TRIPS, 1 },
	{ "prefix", nothing, first_prefix, rest_prefix, nothing,
	  "getppid() at three mov-prefixed sites", CALLS, 0 },
	{ "enosys", nothing, first_enosys, rest_enosys, nothing,
	  "unimplemented syscall(N)", CALLS, 0 },
	{ "clock", nothing, first_clock, rest_clock, nothing,
	  "clock_gettime(CLOCK_MONOTONIC)", CALLS, 0 },
	{ "jit", setup_jit, first_jit, rest_jit, nothing,
	  "calls of code written at run time, in 4 generations", CALLS, 0 },
	{ "stacks", setup_stacks, first_stacks, rest_stacks, finish_stacks,
	  "pipe round trips between stacks 8 MiB apart", STACK_TRIPS, 1 },
};

int main(int argc, char **argv)
{
	const struct mode *mode = NULL;

	if (argc == 4)
		for (size_t i = 0; i < sizeof(modes) / sizeof(*modes); i++)
			if (strcmp(argv[1], modes[i].name) == 0)
				mode = &modes[i];
	if (!mode || (strcmp(argv[2], "max") && strcmp(argv[2], "min"))) {
		printf("usage: patch_counters getpid|syscall-getpid|futex|"
		       "prefix|enosys|clock|jit|stacks max|min N\n");
		return 2;
	}
	bool at_most = strcmp(argv[2], "max") == 0;
	uint64_t bound = strtoull(argv[3], NULL, 10);

	mode->setup();
	struct sample before = sample();
	mode->first();
	struct sample middle = sample();
	mode->rest();
	struct sample after = sample();
	mode->finish();

	uint64_t syscalls = after.syscalls - before.syscalls;
	uint64_t traps = after.traps - before.traps;
	/* With threads, a timer event may cost two: the set_self_state that
	 * lets the kernel deliver it when it came while the libOS ran with
	 * events masked, and the scheduler's re-arm of the timer. */
	uint64_t limit = bound + (mode->threads ? 2 * traps : 0);

	printf("%ld %s: %llu kernel entries (syscalls), %llu traps; "
	       "the first: %llu, the other %ld: %llu\n", mode->count,
	       mode->what, (unsigned long long)syscalls,
	       (unsigned long long)traps,
	       (unsigned long long)(middle.syscalls - before.syscalls),
	       mode->count - 1,
	       (unsigned long long)(after.syscalls - middle.syscalls));
	if (wrong) {
		printf("WRONG: %lu calls gave a wrong result\n", wrong);
		return 1;
	}
	const char *extra = at_most && mode->threads ? " + 2 * traps" : "";

	if (at_most ? syscalls > limit : syscalls < bound) {
		printf("WRONG: expected %s %llu%s\n",
		       at_most ? "at most" : "at least",
		       (unsigned long long)bound, extra);
		return 1;
	}
	printf("patch_counters: ok (%s %llu%s)\n",
	       at_most ? "at most" : "at least", (unsigned long long)bound,
	       extra);
	return 0;
}
