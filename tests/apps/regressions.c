/*
 * Regressions from the review of the libOS (one mode per run, argv[1]):
 * each was a libOS bug, found by comparing with Linux, and each prints
 * what Linux prints.
 *
 *   nanosleep-rem-gone   the rem page unmapped while a thread sleeps, then
 *                        a signal interrupts the sleep
 *   sigwait-info-gone    the siginfo page of a sigwaitinfo unmapped before
 *                        the signal comes
 *   clone-mask           a thread made by clone starts with its creator's
 *                        signal mask
 *   wake-op-signed       FUTEX_WAKE_OP's 12-bit arguments are signed
 *   timer-sigwait        a periodic timer's signal taken by sigtimedwait,
 *                        again and again
 *   timer-ignored        a timer whose signal was ignored signals again
 *                        once a handler is installed
 *   timer-huge           a timer set centuries ahead does not fire
 *   madvise-image        MADV_DONTNEED on the image reads back the file
 *   brk-steps            6,000 one-page brk steps, then an mmap
 *   woken-runs           a thread woken by a futex, then one woken by a
 *                        pipe, runs while its waker spins without a
 *                        system call (a fast call's wake armed no timer
 *                        slice: the woken thread starved)
 *   frame-page-gone      munmap, mprotect, madvise, mmap and mremap of the
 *                        page just under the stack's red zone, called with
 *                        RSP just above it (a fast call kept the app's
 *                        RFLAGS there, and read them back from a page
 *                        gone). The page is writable at each call: a
 *                        rewritten site's entry needs that (Wicket's
 *                        known difference, docs/patching.md)
 *   unix-gone-peer       an AF_UNIX end that outlives its peer: a
 *                        datagram end whose peer left it and closed
 *                        sends to nobody, though a new pair took the
 *                        peer's slot (its close shut that pair down, and
 *                        a send went into it); getpeername and recvfrom
 *                        still name a closed peer or sender
 *   out-of-memory        (Wicket only) touch memory until none is left
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void *page(void)
{
	return mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void ignore(int signal)
{
	(void)signal;
}

static struct timespec *remaining;

static void *sleeper(void *arg)
{
	struct timespec request = { 5, 0 };

	printf("nanosleep returned %d\n", nanosleep(&request, remaining));
	return arg;
}

static int nanosleep_rem_gone(void)
{
	pthread_t thread;

	signal(SIGUSR1, ignore);
	remaining = page();
	pthread_create(&thread, NULL, sleeper, NULL);
	usleep(100000);
	munmap(remaining, 4096);
	pthread_kill(thread, SIGUSR1);
	pthread_join(thread, NULL);
	return 0;
}

static siginfo_t *wait_info;

static void *waiter(void *arg)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	printf("sigwaitinfo returned %d\n", sigwaitinfo(&set, wait_info));
	return arg;
}

static int sigwait_info_gone(void)
{
	sigset_t set;
	pthread_t thread;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	wait_info = page();
	pthread_create(&thread, NULL, waiter, NULL);
	usleep(100000);
	munmap(wait_info, 4096);
	pthread_kill(thread, SIGUSR1);
	pthread_join(thread, NULL);
	return 0;
}

static volatile int child_done;
static volatile unsigned long child_mask;

static int child(void *arg)
{
	unsigned long mask = 0;

	(void)arg;
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8);
	child_mask = mask;
	child_done = 1;
	syscall(SYS_exit, 0);
	return 0;
}

static int clone_mask(void)
{
	sigset_t set;
	char *stack = malloc(65536);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	clone(child, stack + 65536, CLONE_VM | CLONE_FS | CLONE_FILES |
	      CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, NULL);
	while (!child_done)
		sched_yield();
	printf("child inherited the SIGUSR1 block: %s\n",
	       (child_mask & (1ul << (SIGUSR1 - 1))) ? "yes" : "no");
	return 0;
}

static int wake_op_signed(void)
{
	static uint32_t word, other = 10;
	/* ADD -1 to other (oparg 0xfff), wake if old < -1 (cmparg 0xfff). */
	uint32_t op = (1u << 28) | (2u << 24) | (0xfffu << 12) | 0xfffu;
	long woken = syscall(SYS_futex, &word, 5 /* FUTEX_WAKE_OP */, 1, 1,
			     &other, op);

	printf("FUTEX_WAKE_OP: %ld woken, the word is now %u\n", woken, other);
	return 0;
}

static timer_t periodic(int signal, long period_ns)
{
	struct sigevent event = { 0 };
	struct itimerspec every = { { 0, period_ns }, { 0, period_ns } };
	timer_t timer;

	event.sigev_notify = SIGEV_SIGNAL;
	event.sigev_signo = signal;
	timer_create(CLOCK_MONOTONIC, &event, &timer);
	timer_settime(timer, 0, &every, NULL);
	return timer;
}

static int timer_sigwait(void)
{
	sigset_t set;
	struct timespec limit = { 1, 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	periodic(SIGUSR1, 20000000);
	for (int round = 0; round < 5; round++) {
		siginfo_t info;

		printf("round %d: %d\n", round, sigtimedwait(&set, &info, &limit));
	}
	return 0;
}

static volatile int hits;

static void count(int signal)
{
	(void)signal;
	hits++;
}

static int timer_ignored(void)
{
	signal(SIGUSR1, SIG_IGN);
	periodic(SIGUSR1, 10000000);
	usleep(50000);
	signal(SIGUSR1, count);
	for (int i = 0; i < 20; i++)
		usleep(10000);
	printf("the handler ran: %s\n", hits > 3 ? "yes" : "no");
	return 0;
}

static int timer_huge(void)
{
	struct sigevent event = { 0 };
	struct itimerspec far = { { 0, 0 }, { 18446744074LL, 0 } };
	struct itimerval farther = { { 0, 0 }, { 10000000000LL, 0 } };
	timer_t timer;

	signal(SIGUSR1, count);
	event.sigev_notify = SIGEV_SIGNAL;
	event.sigev_signo = SIGUSR1;
	timer_create(CLOCK_MONOTONIC, &event, &timer);
	int result = timer_settime(timer, 0, &far, NULL);

	usleep(300000);
	printf("timer_settime: %d, fired: %s\n", result, hits ? "yes" : "no");
	printf("setitimer 1e10 s: %d\n", setitimer(ITIMER_REAL, &farther, NULL));
	return 0;
}

__attribute__((aligned(4096))) static volatile int data_page[1024] = { 42 };

__attribute__((noinline, aligned(4096))) static int next(int x)
{
	return x + 1;
}

static int madvise_image(void)
{
	data_page[0] = 7;
	int result = madvise((void *)data_page, 4096, MADV_DONTNEED);

	printf("madvise on data: %d, the word reads %d again\n", result,
	       data_page[0]);
	result = madvise((void *)((uintptr_t)next & ~4095ul), 4096,
			 MADV_DONTNEED);
	printf("madvise on text: %d, the code still runs: %d\n", result,
	       next(1));
	return 0;
}

static int brk_steps(void)
{
	unsigned long end = (unsigned long)syscall(SYS_brk, 0);
	int steps;

	for (steps = 0; steps < 6000; steps++) {
		unsigned long grown = (unsigned long)syscall(SYS_brk, end + 4096);

		if (grown != end + 4096)
			break;
		end = grown;
	}
	printf("brk grew %d times\n", steps);
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	printf("then mmap: %s\n", p == MAP_FAILED ? "failed" : "ok");
	return 0;
}

/* woken-runs: the waiter blocks in `wait`, main wakes it with `wake` and
 * spins, making no system call (clock_gettime is the vDSO), until the
 * waiter says it ran or 10 s have passed. */
#define FUTEX_WAIT_PRIVATE 128 /* <linux/futex.h>, which musl lacks */
#define FUTEX_WAKE_PRIVATE 129
static _Atomic int woken_word, woken_ran;
static int woken_pipe[2];

static void woken_futex_wait(void)
{
	while (atomic_load(&woken_word) == 0)
		syscall(SYS_futex, &woken_word, FUTEX_WAIT_PRIVATE, 0, NULL);
}

static void woken_futex_wake(void)
{
	atomic_store(&woken_word, 1);
	syscall(SYS_futex, &woken_word, FUTEX_WAKE_PRIVATE, 1);
}

static void woken_pipe_wait(void)
{
	char byte;

	if (read(woken_pipe[0], &byte, 1) != 1)
		printf("read failed\n");
}

static void woken_pipe_wake(void)
{
	if (write(woken_pipe[1], "x", 1) != 1)
		printf("write failed\n");
}

static void *woken_waiter(void *wait)
{
	((void (*)(void))wait)();
	atomic_store(&woken_ran, 1);
	return NULL;
}

static void woken_case(const char *name, void (*wait)(void),
		       void (*wake)(void))
{
	pthread_t thread;
	struct timespec start, now;

	atomic_store(&woken_ran, 0);
	pthread_create(&thread, NULL, woken_waiter, (void *)wait);
	usleep(100000); /* the waiter blocks */
	wake();
	clock_gettime(CLOCK_MONOTONIC, &start);
	do
		clock_gettime(CLOCK_MONOTONIC, &now);
	while (!atomic_load(&woken_ran) && now.tv_sec - start.tv_sec < 10);
	printf("%s: the woken thread %s\n", name,
	       atomic_load(&woken_ran) ? "ran" : "starved");
	pthread_join(thread, NULL);
}

static int woken_runs(void)
{
	woken_case("futex", woken_futex_wait, woken_futex_wake);
	if (pipe(woken_pipe) == 0)
		woken_case("pipe", woken_pipe_wait, woken_pipe_wake);
	return 0;
}

/* A system call `number` made with RSP = stack; one site per number, so
 * that each is rewritten after its first call. */
#define CALL_ON_STACK(name, number)                                          \
	static long name(long a, long b, long c, long d, long e, char *stack) \
	{                                                                     \
		long result;                                                  \
		register long r10 __asm__("r10") = d;                         \
		register long r8 __asm__("r8") = e;                           \
		register long r9 __asm__("r9") = 0;                           \
		__asm__ volatile("mov %%rsp, %%r12\n\t"                       \
				 "mov %[stack], %%rsp\n\t"                    \
				 "mov %[nr], %%eax\n\t"                       \
				 "syscall\n\t"                                \
				 "mov %%r12, %%rsp"                           \
				 : "=a"(result)                               \
				 : [nr] "i"(number), "D"(a), "S"(b), "d"(c),  \
				   "r"(r10), "r"(r8), "r"(r9),                \
				   [stack] "r"(stack)                         \
				 : "rcx", "r11", "r12", "memory");            \
		return result;                                                \
	}
CALL_ON_STACK(munmap_on, SYS_munmap)
CALL_ON_STACK(mprotect_on, SYS_mprotect)
CALL_ON_STACK(madvise_on, SYS_madvise)
CALL_ON_STACK(mmap_on, SYS_mmap)
CALL_ON_STACK(mremap_on, SYS_mremap)

static int frame_page_gone(void)
{
	const long rw = PROT_READ | PROT_WRITE;
	const long anonymous = MAP_PRIVATE | MAP_ANONYMOUS;

	for (int round = 0; round < 4; round++) {
		char *area = mmap(NULL, 3 * 4096, rw, anonymous, -1, 0);
		char *stack = area + 4096 + 64; /* its red zone is on page 0 */
		long result;

		if (area == MAP_FAILED)
			return 1;
		result = munmap_on((long)area, 4096, 0, 0, 0, stack);
		printf("munmap %ld\n", result);
		mmap(area, 4096, rw, anonymous | MAP_FIXED, -1, 0);
		result = mprotect_on((long)area, 4096, PROT_NONE, 0, 0, stack);
		printf("mprotect %ld\n", result);
		mprotect(area, 4096, rw);
		area[0] = 7;
		result = madvise_on((long)area, 4096, MADV_DONTNEED, 0, 0,
				    stack);
		printf("madvise %ld, then %d\n", result, area[0]);
		result = mmap_on((long)area, 4096, rw, anonymous | MAP_FIXED,
				 -1, stack);
		printf("mmap %s\n", result == (long)area ? "in place" : "moved");
		result = mremap_on((long)area, 4096, 4096,
				   MREMAP_MAYMOVE | MREMAP_FIXED,
				   (long)(area + 8192), stack);
		printf("mremap %s\n",
		       result == (long)(area + 8192) ? "moved" : "failed");
		munmap(area, 3 * 4096);
	}
	return 0;
}

static void show_revents(const char *what, int fd)
{
	struct pollfd entry = { fd, POLLIN | POLLOUT, 0 };

	poll(&entry, 1, 0);
	printf("%s: revents %#x\n", what, entry.revents);
}

static socklen_t abstract_name(struct sockaddr_un *address, const char *tag)
{
	memset(address, 0, sizeof(*address));
	address->sun_family = AF_UNIX;
	int length = snprintf(address->sun_path + 1, sizeof(address->sun_path) - 1,
			      "wk-regressions.%d.%s", (int)getpid(), tag);
	return (socklen_t)(sizeof(sa_family_t) + 1 + (size_t)length);
}

/* The name a call gave, past the program's own prefix. */
static const char *name_tag(const struct sockaddr_un *address, socklen_t length)
{
	const char *dot = length > sizeof(sa_family_t) + 1
				  ? strrchr(address->sun_path + 1, '.')
				  : NULL;

	return dot ? dot + 1 : "(unnamed)";
}

static int unix_gone_peer(void)
{
	struct sockaddr unspecified = { .sa_family = AF_UNSPEC };
	struct sockaddr_un address;
	socklen_t length;
	int pair[2], other[2], named[2];
	char byte = 'x';

	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, pair);
	connect(pair[1], &unspecified, sizeof(unspecified));
	close(pair[1]);
	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, other);
	ssize_t sent = send(pair[0], &byte, 1, 0);

	printf("send to the gone peer: %zd %s\n", sent, strerror(errno));
	show_revents("new pair, one end", other[0]);
	show_revents("new pair, the other", other[1]);
	close(pair[0]);
	show_revents("after the close, one end", other[0]);
	show_revents("after the close, the other", other[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, named);
	bind(named[1], (struct sockaddr *)&address, abstract_name(&address, "peer"));
	write(named[1], &byte, 1);
	close(named[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, pair); /* may take its slot */
	length = sizeof(address);
	if (getpeername(named[0], (struct sockaddr *)&address, &length) == 0)
		printf("the closed peer's name: %s\n", name_tag(&address, length));
	length = sizeof(address);
	memset(&address, 0, sizeof(address));
	printf("recvfrom its byte: %zd", recvfrom(named[0], &byte, 1, 0,
						  (struct sockaddr *)&address,
						  &length));
	printf(", from %s\n", name_tag(&address, length));

	int receiver = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int sender = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(receiver, (struct sockaddr *)&address,
	     abstract_name(&address, "receiver"));
	sendto(sender, "a", 1, 0, (struct sockaddr *)&address,
	       abstract_name(&address, "receiver"));
	bind(sender, (struct sockaddr *)&address, abstract_name(&address, "late"));
	sendto(sender, "b", 1, 0, (struct sockaddr *)&address,
	       abstract_name(&address, "receiver"));
	close(sender);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, other); /* may take its slot */
	for (int i = 0; i < 3; i++) {
		char got = 0;

		length = sizeof(address);
		memset(&address, 0, sizeof(address));
		ssize_t result = recvfrom(receiver, &got, 1, 0,
					  (struct sockaddr *)&address, &length);
		printf("datagram %zd %c from %s\n", result, result > 0 ? got : '-',
		       result > 0 ? name_tag(&address, length) : strerror(errno));
	}
	return 0;
}

/* Wicket only (test oom-killed): touches memory until there is none left
 * in the 256 MiB guest; the libOS says so and kills the app (SIGKILL), as
 * Linux's OOM killer would, rather than a SIGSEGV that blames the app. It
 * gives up after 1 GiB. */
static int out_of_memory(void)
{
	size_t chunk = 16 << 20;

	for (int i = 0; i < 64; i++) {
		char *p = malloc(chunk);

		if (p == NULL) {
			printf("malloc failed after %d MiB\n", i * 16);
			return 1;
		}
		memset(p, 0x5a, chunk);
	}
	printf("1 GiB touched, not killed\n");
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(void);
	} modes[] = {
		{ "nanosleep-rem-gone", nanosleep_rem_gone },
		{ "sigwait-info-gone", sigwait_info_gone },
		{ "clone-mask", clone_mask },
		{ "wake-op-signed", wake_op_signed },
		{ "timer-sigwait", timer_sigwait },
		{ "timer-ignored", timer_ignored },
		{ "timer-huge", timer_huge },
		{ "madvise-image", madvise_image },
		{ "brk-steps", brk_steps },
		{ "woken-runs", woken_runs },
		{ "frame-page-gone", frame_page_gone },
		{ "unix-gone-peer", unix_gone_peer },
		{ "out-of-memory", out_of_memory },
	};

	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; argc > 1 && i < sizeof(modes) / sizeof(*modes); i++)
		if (!strcmp(argv[1], modes[i].name))
			return modes[i].run();
	printf("usage: regressions MODE\n");
	return 2;
}
