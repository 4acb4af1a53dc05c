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
 * Then the paths an app's I/O takes through the system, each one thread
 * writing a byte and reading it back, no wait and no switch between:
 *
 *   pipe write+read    a pipe
 *   unix write+read    a socketpair(AF_UNIX, SOCK_STREAM)
 *   tcp write+read     a TCP connection on 127.0.0.1 (TCP_NODELAY), from
 *                      one end to the other
 *   udp send+recv      two connected UDP sockets on 127.0.0.1
 *   eventfd write+read an eventfd's counter
 *   epoll_wait 1/64    epoll_wait (timeout 0) on 64 eventfds, one ready
 *                      (level-triggered, never read)
 *   epoll ET 1/64      one of 64 eventfds watched EPOLLET: a write, an
 *                      epoll_wait (timeout 0) that reports it, a read
 *   open+close         a 4 KiB file in /tmp
 *   pread 4 KiB        the whole of that file
 *   pipe round trip    a byte to a second thread, which sends it back
 *                      through another pipe: two switches per operation
 *   tcp round trip     the same through a loopback TCP connection
 *   unix accept, 64    an AF_UNIX connect to a listener, an epoll_wait
 *                      (timeout 0) that reports the listener, the accept
 *                      and both closes, the epoll instance also watching
 *                      64 idle socketpair ends
 *   pipe RT, 64 idle   the pipe round trip while 64 more threads are
 *                      blocked reading pipes nothing writes
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
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <ucontext.h>
#include <fcntl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <stdatomic.h>
#include <stddef.h>
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

/* The I/O rows' descriptors: a byte goes in at write_end and comes out
 * at read_end (through an echo thread in the round trips). */
static int write_end, read_end;
static int epoll_fd, file_fd, edge_fd;
static const char file_path[] = "/tmp/bench-4k";

static void do_write_read(void)
{
	char byte = 'x';

	if (write(write_end, &byte, 1) != 1 || read(read_end, &byte, 1) != 1)
		abort();
}

static void do_eventfd(void)
{
	uint64_t count = 1;

	if (write(write_end, &count, 8) != 8 || read(write_end, &count, 8) != 8)
		abort();
}

static void do_epoll_wait(void)
{
	struct epoll_event events[8];

	if (epoll_wait(epoll_fd, events, 8, 0) != 1)
		abort();
}

static void do_epoll_edge(void)
{
	struct epoll_event events[8];
	uint64_t count = 1;

	if (write(edge_fd, &count, 8) != 8 ||
	    epoll_wait(epoll_fd, events, 8, 0) != 1 ||
	    read(edge_fd, &count, 8) != 8)
		abort();
}

/* An abstract name: a NUL, then 20 bytes. */
static int listener_fd;
static struct sockaddr_un listener_name = {
	.sun_family = AF_UNIX, .sun_path = "\0wicket-bench-accept"
};
#define LISTENER_NAME_LENGTH \
	((socklen_t)(offsetof(struct sockaddr_un, sun_path) + 21))

static void do_accept(void)
{
	struct epoll_event events[8];
	int client = socket(AF_UNIX, SOCK_STREAM, 0), server;

	if (client < 0 ||
	    connect(client, (struct sockaddr *)&listener_name,
		    LISTENER_NAME_LENGTH) ||
	    epoll_wait(epoll_fd, events, 8, 0) != 1 ||
	    (server = accept(listener_fd, NULL, NULL)) < 0)
		abort();
	close(server);
	close(client);
}

static void do_open_close(void)
{
	int fd = open(file_path, O_RDONLY);

	if (fd < 0)
		abort();
	close(fd);
}

static void do_pread(void)
{
	static char page[4096];

	if (pread(file_fd, page, sizeof(page), 0) != sizeof(page))
		abort();
}

/* A socket of `type` bound to 127.0.0.1 and a free port, which
 * `address` gets; -1 on failure. */
static int bound_socket(int type, struct sockaddr_in *address)
{
	socklen_t length = sizeof(*address);
	int fd = socket(AF_INET, type, 0);

	*address = (struct sockaddr_in){ .sin_family = AF_INET };
	address->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)address, length) ||
	    getsockname(fd, (struct sockaddr *)address, &length))
		return -1;
	return fd;
}

/* Two ends of a connection on 127.0.0.1: TCP (through a listener, with
 * TCP_NODELAY) or UDP (each socket connected to the other). Nonzero on
 * failure. */
static int loopback_pair(int type, int ends[2])
{
	struct sockaddr_in first, second;
	int listener = bound_socket(type, &first), one = 1;

	if (listener < 0)
		return -1;
	if (type == SOCK_DGRAM) {
		ends[0] = bound_socket(type, &second);
		ends[1] = listener;
		return ends[0] < 0 ||
		       connect(ends[0], (struct sockaddr *)&first,
			       sizeof(first)) ||
		       connect(ends[1], (struct sockaddr *)&second,
			       sizeof(second));
	}
	ends[0] = socket(AF_INET, SOCK_STREAM, 0);
	if (listen(listener, 1) || ends[0] < 0 ||
	    connect(ends[0], (struct sockaddr *)&first, sizeof(first)))
		return -1;
	ends[1] = accept(listener, NULL, NULL);
	close(listener);
	return ends[1] < 0 ||
	       setsockopt(ends[0], IPPROTO_TCP, TCP_NODELAY, &one, 4) ||
	       setsockopt(ends[1], IPPROTO_TCP, TCP_NODELAY, &one, 4);
}

/* Closes both ends (one, when they are the same descriptor). */
static void close_ends(const int ends[2])
{
	close(ends[0]);
	if (ends[1] != ends[0])
		close(ends[1]);
}

/* A row over a pair of descriptors, closed after it. */
static void pair_row(const char *name, int ends[2])
{
	write_end = ends[0];
	read_end = ends[1];
	row(name, do_write_read);
	close_ends(ends);
}

static void *echo(void *arg)
{
	int *ends = arg;
	char byte;

	while (read(ends[0], &byte, 1) == 1)
		if (write(ends[1], &byte, 1) != 1)
			break;
	return NULL;
}

/* A round trip through an echo thread: it reads `there[0]` and answers
 * on `there[1]`; the row writes to `here[0]` and reads `here[1]`. */
static void round_trip_row(const char *name, int here[2], int there[2])
{
	pthread_t thread;

	pthread_create(&thread, NULL, echo, there);
	pair_row(name, here);   /* closing here[0] ends the echo */
	pthread_join(thread, NULL);
	close_ends(there);
}

/* The pipe round trip again, with IDLE_READERS more threads blocked,
 * each reading a pipe of its own that nothing writes until the row ends:
 * a thread-per-connection server's idle connections. */
#define IDLE_READERS 64

static void *idle_reader(void *arg)
{
	char byte;

	if (read(*(int *)arg, &byte, 1) != 1)
		abort();
	return NULL;
}

static void idle_round_trip_row(void)
{
	static int idle[IDLE_READERS][2];
	pthread_t threads[IDLE_READERS];
	int ends[2], back[2];

	for (int i = 0; i < IDLE_READERS; i++)
		if (pipe(idle[i]) != 0 ||
		    pthread_create(&threads[i], NULL, idle_reader, idle[i]))
			abort();
	usleep(50000); /* all of them blocked in their reads */
	if (pipe(ends) == 0 && pipe(back) == 0) {
		int here[2] = { ends[1], back[0] }, there[2] = { ends[0], back[1] };

		round_trip_row("pipe RT, 64 idle", here, there);
	}
	for (int i = 0; i < IDLE_READERS; i++) {
		if (write(idle[i][1], "", 1) != 1)
			abort();
		pthread_join(threads[i], NULL);
		close_ends(idle[i]);
	}
}

static void io_rows(void)
{
	int ends[2], back[2];
	static char page[4096];

	if (pipe(back) == 0) {
		ends[0] = back[1];
		ends[1] = back[0];
		pair_row("pipe write+read", ends);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, ends) == 0)
		pair_row("unix write+read", ends);
	if (loopback_pair(SOCK_STREAM, ends) == 0)
		pair_row("tcp write+read", ends);
	if (loopback_pair(SOCK_DGRAM, ends) == 0)
		pair_row("udp send+recv", ends);

	write_end = eventfd(0, 0);
	row("eventfd write+read", do_eventfd);
	close(write_end);

	epoll_fd = epoll_create1(0);
	for (int i = 0; i < 64; i++) {
		struct epoll_event interest = { .events = EPOLLIN };
		int fd = eventfd(i == 32, 0);

		epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &interest);
	}
	row("epoll_wait 1/64", do_epoll_wait);
	close(epoll_fd);

	epoll_fd = epoll_create1(0);
	for (int i = 0; i < 64; i++) {
		struct epoll_event interest = { .events = EPOLLIN | EPOLLET };
		int fd = eventfd(0, 0);

		epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &interest);
		if (i == 32)
			edge_fd = fd;
	}
	row("epoll ET 1/64", do_epoll_edge);
	close(epoll_fd);

	epoll_fd = epoll_create1(0);
	listener_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(listener_fd, (struct sockaddr *)&listener_name,
		 LISTENER_NAME_LENGTH) == 0 &&
	    listen(listener_fd, 8) == 0) {
		struct epoll_event interest = { .events = EPOLLIN };
		int idle[64][2];

		epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener_fd, &interest);
		for (int i = 0; i < 64; i++)
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, idle[i]) == 0)
				epoll_ctl(epoll_fd, EPOLL_CTL_ADD, idle[i][0],
					  &interest);
			else
				idle[i][0] = idle[i][1] = -1;
		row("unix accept, 64", do_accept);
		for (int i = 0; i < 64; i++) {
			close(idle[i][0]);
			close(idle[i][1]);
		}
	}
	close(listener_fd);
	close(epoll_fd);

	mkdir("/tmp", 01777);
	file_fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (file_fd >= 0 && write(file_fd, page, sizeof(page)) == sizeof(page)) {
		row("open+close", do_open_close);
		row("pread 4 KiB", do_pread);
	}
	unlink(file_path);

	/* The round trips' pipes: here = {to the echo, from the echo}. */
	if (pipe(ends) == 0 && pipe(back) == 0) {
		int here[2] = { ends[1], back[0] }, there[2] = { ends[0], back[1] };

		round_trip_row("pipe round trip", here, there);
	}
	if (loopback_pair(SOCK_STREAM, ends) == 0) {
		int here[2] = { ends[0], ends[0] };
		int there[2] = { ends[1], ends[1] };

		round_trip_row("tcp round trip", here, there);
	}
	idle_round_trip_row();
}

/* As /init of a Linux guest (PID 1): fds 0-2 on the console (without
 * /dev/console in the initramfs the kernel starts init with none open),
 * then the benchmark runs in a child, an ordinary process as on the host
 * (Linux logs every fault of PID 1 on the console), and PID 1, which must
 * not exit, powers the machine off when the child is done. The loopback
 * interface starts down: the I/O rows need it up. */
static void linux_init(void)
{
	struct ifreq loopback = { .ifr_name = "lo" };
	int control = socket(AF_INET, SOCK_DGRAM, 0);

	if (ioctl(control, SIOCGIFFLAGS, &loopback) == 0) {
		loopback.ifr_flags |= IFF_UP;
		ioctl(control, SIOCSIFFLAGS, &loopback);
	}
	close(control);

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
	io_rows();
	return 0;
}
