/*
 * A hostile app: each mode (argv[1]) does one thing an app must not be
 * able to turn into a kernel fault or a silent corruption of the libOS
 * (and one, read-interrupted, checks what only Wicket's console can show).
 * tests/hostile/meson.build runs each mode and checks the report and the
 * exit status (docs/libos.md, "What an app can and cannot do").
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define LIBOS_BASE 0x00007f0000000000ul   /* WK_LIBOS_BASE (abi.h) */
#define LIBOS_VCPU 0x00007f8000000000ul   /* libos/layout.h */
#define KERNEL_TEXT 0xffffffff80100000ul
#define NATIVE_MEM_UNMAP (0x574b0000 + 3)
#define NATIVE_MEM_PROTECT (0x574b0000 + 4)
#define NATIVE_NOP (0x574b0000 + 0)
#define COUNTERS 0x00007ff0ffff0000ul     /* WK_COUNTERS_ADDRESS */

static void jump(uintptr_t address)
{
	fflush(stdout);
	((void (*)(void))address)();
}

/* SplitMix64: a fixed sequence, so a failure can be replayed. */
static uint64_t state = 0x5eed;
static uint64_t next_random(void)
{
	uint64_t z = (state += 0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
	return z ^ (z >> 31);
}

static char scratch[4096];

/* An argument of a random class: garbage, small, NULL, -1, a kernel
 * address, the libOS's image or vCPU page, or a real buffer of garbage. */
static long random_argument(void)
{
	switch (next_random() % 8) {
	case 0: return (long)next_random();
	case 1: return (long)(next_random() % 64);
	case 2: return 0;
	case 3: return -1;
	case 4: return (long)KERNEL_TEXT;
	case 5: return (long)LIBOS_BASE + (long)(next_random() % 0x10000);
	case 6: return (long)LIBOS_VCPU;
	default:
		for (size_t i = 0; i < sizeof(scratch); i += 8)
			memcpy(scratch + i, &(uint64_t){ next_random() }, 8);
		return (long)scratch;
	}
}

/* Calls that would block, end the app, or change what the app itself
 * needs to go on (its stdout, its memory, its TLS, its signals): the
 * garbage run leaves them out; other modes test them one by one. */
static int skipped(long number)
{
	static const long numbers[] = {
		SYS_read, SYS_readv, SYS_pread64, SYS_preadv, SYS_preadv2,
		SYS_close, SYS_close_range, SYS_reboot, SYS_mmap, SYS_munmap, SYS_mprotect, SYS_mremap,
		SYS_brk, SYS_madvise, SYS_shmat, SYS_shmdt, SYS_exit,
		SYS_exit_group, SYS_kill,
		SYS_tkill, SYS_tgkill, SYS_rt_sigqueueinfo,
		SYS_rt_tgsigqueueinfo, SYS_pause, SYS_nanosleep,
		SYS_clock_nanosleep, SYS_rt_sigsuspend, SYS_rt_sigtimedwait,
		SYS_futex, SYS_select, SYS_pselect6, SYS_poll, SYS_ppoll,
		SYS_semop, SYS_semtimedop, SYS_msgsnd, SYS_msgrcv,
		SYS_epoll_wait, SYS_epoll_pwait, SYS_wait4, SYS_waitid,
		SYS_arch_prctl, SYS_clone, SYS_clone3, SYS_fork, SYS_vfork,
		SYS_execve, SYS_execveat, SYS_rt_sigreturn, SYS_dup2,
		SYS_dup3, SYS_set_tid_address, SYS_alarm, SYS_setitimer,
		SYS_timer_create, SYS_ioctl, SYS_munlockall, SYS_epoll_pwait2,
		/* what a later garbage write or read could wait on forever */
		SYS_pipe, SYS_pipe2, SYS_eventfd, SYS_eventfd2, SYS_socketpair,
	};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++)
		if (numbers[i] == number)
			return 1;
	return 0;
}

static int garbage_syscalls(void)
{
	long calls = 0;

	for (int round = 0; round < 4; round++) {
		for (long number = 0; number < 460; number++) {
			if (skipped(number))
				continue;
			long a[6];

			for (int i = 0; i < 6; i++)
				a[i] = random_argument();
			syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
			calls++;
		}
	}
	/* Numbers no table has. */
	syscall(100000, 1, 2, 3, 4, 5, 6);
	syscall(-1L, 1, 2, 3, 4, 5, 6);
	syscall(0x40000000 + 39); /* x32's getpid */
	printf("garbage: survived %ld calls; getpid() = %d\n", calls + 3,
	       (int)getpid());
	return 0;
}

/* A descriptor-aware garbage run: descriptors of every kind first, then
 * calls whose arguments are often one of them, a path, a flag bit, or a
 * buffer holding small numbers or pointers into itself, so that calls get
 * past their first checks. A 20 ms timer whose handler does nothing
 * (without SA_RESTART) ends any wait. Calls that would end the app, take
 * its memory, signals, timer or ids, or close what it reports on are left
 * out; fds 0 to 2 are /dev/null, and the report goes to fd 100. */
static const char *const garbage_paths[] = {
	"/tmp/a", "/tmp/d", "/tmp/d/x", "/proc/self/fd", "/proc/self/maps",
	"/dev/null", "/dev/shm/s", "/tmp", "/", "/proc/1/status",
	"/dev/fd/3", "..", "", "/proc/self/task/1", "/proc/thread-self/comm",
	"/proc/self/comm",
};

/* The descriptor run's buffers, between two 1 MiB guards (PROT_NONE;
 * the run never maps or unmaps): a call given a length past a buffer
 * writes into a guard (-EFAULT), not into the program's own data (its
 * TLS and stack canary) as it did when they were static. */
#define GUARD_BYTES (1 << 20)
static char (*guarded_buffers(void))[1024]
{
	static char *area;

	if (area == NULL) {
		char *map = mmap(NULL, 2 * GUARD_BYTES + 16 * 1024, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (map == MAP_FAILED ||
		    mprotect(map + GUARD_BYTES, 16 * 1024,
			     PROT_READ | PROT_WRITE) < 0) {
			printf("hostile: no memory for the buffers\n");
			exit(1);
		}
		area = map + GUARD_BYTES;
	}
	return (char (*)[1024])area;
}

static long structured_argument(void)
{
	char *buffer = guarded_buffers()[next_random() % 16];

	switch (next_random() % 10) {
	case 0: return (long)next_random();
	case 1: return (long)(next_random() % 64);
	case 2: return 0;
	case 3: return -1;
	case 4: return (long)(3 + next_random() % 24); /* a descriptor */
	case 5: return (long)(1ul << (next_random() % 64));
	case 6: return (long)(next_random() % 0x100000);
	case 7:
		strcpy(buffer, garbage_paths[next_random() %
					     (sizeof(garbage_paths) /
					      sizeof(*garbage_paths))]);
		return (long)buffer;
	case 8:
		for (int i = 0; i < 256; i++)
			((uint32_t *)buffer)[i] = (uint32_t)(next_random() % 64);
		return (long)buffer;
	default: /* an iovec-like pair first, garbage after */
		for (int i = 0; i < 128; i++)
			((uint64_t *)buffer)[i] = next_random();
		((uint64_t *)buffer)[0] =
			(uint64_t)guarded_buffers()[next_random() % 16];
		((uint64_t *)buffer)[1] = next_random() % 2048;
		return (long)buffer;
	}
}

static int skipped_with_descriptors(long number)
{
	static const long numbers[] = {
		SYS_close, SYS_close_range, SYS_dup2, SYS_dup3,
		SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigsuspend,
		SYS_rt_sigtimedwait, SYS_ppoll, SYS_pselect6,
		SYS_epoll_pwait, SYS_epoll_pwait2, SYS_sigaltstack,
		SYS_signalfd, SYS_signalfd4, SYS_setrlimit, SYS_prlimit64,
		SYS_prctl, SYS_rseq, SYS_set_robust_list, SYS_capset,
		SYS_setuid, SYS_setgid, SYS_setreuid, SYS_setregid,
		SYS_setresuid, SYS_setresgid, SYS_setfsuid, SYS_setfsgid,
		SYS_setgroups, SYS_umask, SYS_mlockall, SYS_pkey_mprotect,
		SYS_clock_settime, SYS_settimeofday,
	};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++)
		if (numbers[i] == number)
			return 1;
	return skipped(number) && number != SYS_read &&
	       number != SYS_readv && number != SYS_pread64 &&
	       number != SYS_preadv && number != SYS_preadv2 &&
	       number != SYS_select && number != SYS_poll &&
	       number != SYS_epoll_wait && number != SYS_nanosleep &&
	       number != SYS_clock_nanosleep && number != SYS_futex &&
	       number != SYS_pause && number != SYS_ioctl &&
	       number != SYS_semop && number != SYS_semtimedop &&
	       number != SYS_msgsnd && number != SYS_msgrcv &&
	       number != SYS_pipe && number != SYS_pipe2 &&
	       number != SYS_eventfd && number != SYS_eventfd2 &&
	       number != SYS_socketpair;
}

static void nothing(int signal)
{
	(void)signal;
}

static int garbage_descriptors(void)
{
	const long calls = 50000;
	int pair[2];
	struct sigaction quiet = { .sa_handler = nothing };
	struct itimerval ticks = { { 0, 20000 }, { 0, 20000 } };
	int null = open("/dev/null", O_RDWR);
	FILE *report;

	dup2(1, 100);
	report = fdopen(100, "w");
	setvbuf(report, NULL, _IONBF, 0);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
	sigaction(SIGALRM, &quiet, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	setitimer(ITIMER_REAL, &ticks, NULL);
	mkdir("/tmp", 0777);
	mkdir("/tmp/d", 0777);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair);
	socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, pair);
	socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, pair);
	socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
	socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, 0);
	pipe2(pair, O_NONBLOCK);
	eventfd(1, EFD_NONBLOCK);
	epoll_create1(0);
	inotify_init1(IN_NONBLOCK);
	timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	open("/tmp/a", O_RDWR | O_CREAT, 0644);
	syscall(SYS_memfd_create, "m", 0);
	for (long i = 0; i < calls; i++) {
		long number = (long)(next_random() % 460), a[6];

		if (skipped_with_descriptors(number))
			continue;
		for (int k = 0; k < 6; k++)
			a[k] = structured_argument();
		syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	fprintf(report, "garbage: survived %ld calls on descriptors; "
			"getpid() = %d\n",
		calls, (int)getpid());
	return 0;
}

/* Sockets to the network (booted with the runner's --net): calls with
 * names that are mostly well formed, to the gateway, its name server,
 * a host of the subnet nobody answers ARP for, the app's own address,
 * the loopback, an address beyond the gateway and the broadcasts, on
 * random ports, with random lengths and flags, never waiting. Then the
 * network must still answer: a connection to the gateway's port 1,
 * which nothing on the host listens to, is refused. */
static int garbage_network(void)
{
	static const uint32_t hosts[] = { 0x0a000202, 0x0a000203, 0x0a00024d,
					  0x0a00020f, 0x7f000001, 0x08080808,
					  0x00000000, 0xffffffff, 0x0a0002ff };
	static const uint16_t ports[] = { 0, 1, 7, 22, 53, 80, 8080 };
	const long calls = 20000;
	int fds[12];
	char *buffer = guarded_buffers()[0];

	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < 12; i++)
		fds[i] = socket(AF_INET, (i % 3 ? SOCK_STREAM : SOCK_DGRAM) |
						 SOCK_NONBLOCK, 0);
	for (long call = 0; call < calls; call++) {
		int slot = (int)(next_random() % 12), fd = fds[slot];
		struct sockaddr_in name = {
			.sin_family = next_random() % 16 ? AF_INET : AF_UNSPEC,
			.sin_port = htons(next_random() % 2
						  ? ports[next_random() % 7]
						  : (uint16_t)next_random()),
			.sin_addr = { htonl(hosts[next_random() % 9]) },
		};
		socklen_t length = next_random() % 8 ? sizeof(name)
						      : (socklen_t)(next_random() % 20);
		size_t bytes = next_random() % 4 ? next_random() % 2000
						 : next_random() % 70000;
		int flags = (int)(next_random() % 0x8000) | MSG_DONTWAIT;
		struct linger abortive = { 1, 0 };

		for (size_t i = 0; i < bytes && i < 4096; i += 8)
			*(uint64_t *)(buffer + i) = next_random();
		switch (next_random() % 13) {
		case 0: connect(fd, (struct sockaddr *)&name, length); break;
		case 1: bind(fd, (struct sockaddr *)&name, length); break;
		case 2: listen(fd, (int)(next_random() % 8)); break;
		case 3: {
			int got = accept4(fd, NULL, NULL, SOCK_NONBLOCK);

			if (got >= 0)
				close(got);
			break;
		}
		case 4:
			sendto(fd, buffer, bytes < 4096 ? bytes : 4096, flags,
			       (struct sockaddr *)&name, length);
			break;
		case 5: send(fd, buffer, bytes < 4096 ? bytes : 4096, flags); break;
		case 6: recv(fd, buffer, 4096, flags); break;
		case 7:
			recvfrom(fd, buffer, 4096, flags, (struct sockaddr *)&name,
				 &length);
			break;
		case 8: shutdown(fd, (int)(next_random() % 3)); break;
		case 9:
			if (next_random() % 2)
				setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive,
					   sizeof(abortive));
			close(fd);
			fds[slot] = socket(AF_INET,
					   (next_random() % 2 ? SOCK_STREAM
							      : SOCK_DGRAM) |
						   SOCK_NONBLOCK,
					   0);
			break;
		case 10: {
			struct pollfd watched[12];

			for (int i = 0; i < 12; i++)
				watched[i] = (struct pollfd){ fds[i], POLLIN | POLLOUT, 0 };
			poll(watched, 12, (int)(next_random() % 3));
			break;
		}
		case 11: usleep((useconds_t)(next_random() % 2000)); break;
		default: {
			int value = (int)(next_random() % 70000);

			setsockopt(fd, next_random() % 2 ? SOL_SOCKET : IPPROTO_TCP,
				   (int)(next_random() % 40), &value, sizeof(value));
			break;
		}
		}
	}
	printf("network: survived %ld calls\n", calls);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in gateway = { .sin_family = AF_INET,
				       .sin_port = htons(1),
				       .sin_addr = { htonl(0x0a000202) } };
	long result = connect(fd, (struct sockaddr *)&gateway, sizeof(gateway));

	printf("network: a connection to the gateway's port 1: %ld (%s)\n",
	       result, strerror(errno));
	return 0;
}

/* A wait nothing can end: the libOS's deadlock report names it. */
static int futex_word;

static void *wait_on_futex(void *unused)
{
	syscall(SYS_futex, &futex_word, 128 /* FUTEX_WAIT_PRIVATE */, 0,
		NULL);
	return unused;
}

static int deadlock(int on_futexes)
{
	pthread_t thread;

	if (on_futexes) {
		pthread_create(&thread, NULL, wait_on_futex, NULL);
		pthread_join(thread, NULL);
	} else {
		pause();
	}
	return 0;
}

static void check(const char *what, long result, int expected_errno)
{
	printf("%s: %ld errno %d (%s)\n", what, result, errno,
	       result == -1 && errno == expected_errno ? "refused as expected"
						       : "WRONG");
}

static int bad_pointers(void)
{
	errno = 0;
	check("write(1, libOS image)", write(1, (void *)LIBOS_BASE, 64),
	      EFAULT);
	check("write(1, kernel)", write(1, (void *)KERNEL_TEXT, 64), EFAULT);
	check("read(0, libOS vCPU page)", read(0, (void *)LIBOS_VCPU, 64),
	      EFAULT);
	check("clock_gettime(kernel)",
	      syscall(SYS_clock_gettime, 1, KERNEL_TEXT), EFAULT);
	check("uname(libOS)", syscall(SYS_uname, LIBOS_BASE), EFAULT);
	check("getrandom(libOS vCPU page)",
	      syscall(SYS_getrandom, LIBOS_VCPU, 16, 0), EFAULT);
	check("arch_prctl(SET_FS, non-canonical)",
	      syscall(SYS_arch_prctl, 0x1002, 0x0000800000000000ul), EPERM);
	check("poll(libOS vCPU page)", syscall(SYS_poll, LIBOS_VCPU, 1, 0),
	      EFAULT);
	check("select(readfds in the kernel)",
	      syscall(SYS_select, 1, KERNEL_TEXT, 0, 0, 0), EFAULT);
	check("select(timeout in the libOS)",
	      syscall(SYS_select, 0, 0, 0, 0, LIBOS_BASE), EFAULT);
	check("ppoll(sigmask in the kernel)",
	      syscall(SYS_ppoll, 0, 0, 0, KERNEL_TEXT, 8), EFAULT);
	check("pselect6(its sigmask pair in the libOS)",
	      syscall(SYS_pselect6, 0, 0, 0, 0, 0, LIBOS_BASE), EFAULT);
	check("getcwd(libOS)", syscall(SYS_getcwd, LIBOS_BASE, 64), EFAULT);
	check("open(path in the libOS)", syscall(SYS_open, LIBOS_BASE, 0),
	      EFAULT);
	check("stat(path in the kernel)",
	      syscall(SYS_stat, KERNEL_TEXT, scratch), EFAULT);
	check("newfstatat(buffer in the libOS)",
	      syscall(SYS_newfstatat, AT_FDCWD, "/dev/null", LIBOS_BASE, 0),
	      EFAULT);
	int dev = open("/dev", O_RDONLY | O_DIRECTORY);
	check("getdents64(libOS vCPU page)",
	      syscall(SYS_getdents64, dev, LIBOS_VCPU, 4096), EFAULT);
	check("readlink(path in the libOS vCPU page)",
	      syscall(SYS_readlink, LIBOS_VCPU, scratch, 16), EFAULT);
	check("getrusage(libOS)", syscall(SYS_getrusage, 0, LIBOS_BASE),
	      EFAULT);
	check("times(kernel)", syscall(SYS_times, KERNEL_TEXT), EFAULT);
	check("pipe2(libOS)", syscall(SYS_pipe2, LIBOS_BASE, 0), EFAULT);
	check("mknod(FIFO, path in the libOS)",
	      syscall(SYS_mknod, LIBOS_BASE, 0010600, 0), EFAULT);
	check("statx(buffer in the libOS)",
	      syscall(SYS_statx, AT_FDCWD, "/dev/null", 0, 0x7ff, LIBOS_BASE),
	      EFAULT);
	check("statfs(buffer in the kernel)",
	      syscall(SYS_statfs, "/", KERNEL_TEXT), EFAULT);
	check("preadv(vector in the libOS)",
	      syscall(SYS_preadv, open("/dev/null", O_RDONLY), LIBOS_BASE, 2,
		      0, 0), EFAULT);
	int timer = (int)syscall(SYS_timerfd_create, 1, 0);
	check("timerfd_settime(value in the kernel)",
	      syscall(SYS_timerfd_settime, timer, 0, KERNEL_TEXT, 0), EFAULT);
	check("timerfd_gettime(libOS vCPU page)",
	      syscall(SYS_timerfd_gettime, timer, LIBOS_VCPU), EFAULT);
	struct { long interval[2], value[2]; } at_once = { { 0, 0 }, { 0, 1 } };
	syscall(SYS_timerfd_settime, timer, 0, &at_once, 0);
	check("read(timerfd, libOS)", read(timer, (void *)LIBOS_BASE, 8),
	      EFAULT);
	check("signalfd4(mask in the libOS)",
	      syscall(SYS_signalfd4, -1, LIBOS_BASE, 8, 0), EFAULT);
	check("rt_sigqueueinfo(siginfo in the kernel)",
	      syscall(SYS_rt_sigqueueinfo, getpid(), 10, KERNEL_TEXT), EFAULT);
	check("memfd_create(name in the libOS vCPU page)",
	      syscall(SYS_memfd_create, LIBOS_VCPU, 0), EFAULT);
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("mincore(vector in the libOS)",
	      syscall(SYS_mincore, page, 4096, LIBOS_BASE), EFAULT);
	check("utimes(times in the kernel)",
	      syscall(SYS_utimes, "/dev/null", KERNEL_TEXT), EFAULT);
	check("sethostname(name in the libOS)",
	      syscall(SYS_sethostname, LIBOS_BASE, 8), EFAULT);
	check("getcpu(libOS vCPU page)",
	      syscall(SYS_getcpu, LIBOS_VCPU, 0, 0), EFAULT);
	check("sched_rr_get_interval(kernel)",
	      syscall(SYS_sched_rr_get_interval, 0, KERNEL_TEXT), EFAULT);
	/* execve copies what it needs before the old program goes: a bad
	 * pointer anywhere leaves the caller running. */
	int program = open("/tmp/program", O_WRONLY | O_CREAT, 0755);

	close(program);
	char *arguments[] = { "program", (char *)LIBOS_VCPU, NULL };
	char *fine[] = { "program", NULL };

	check("execve(path in the libOS)",
	      syscall(SYS_execve, LIBOS_BASE, fine, fine), EFAULT);
	check("execve(argv in the kernel)",
	      syscall(SYS_execve, "/tmp/program", KERNEL_TEXT, fine), EFAULT);
	check("execve(an argument in the libOS vCPU page)",
	      syscall(SYS_execve, "/tmp/program", arguments, fine), EFAULT);
	check("execve(envp in the libOS)",
	      syscall(SYS_execve, "/tmp/program", fine, LIBOS_BASE), EFAULT);
	check("execveat(path in the kernel)",
	      syscall(SYS_execveat, AT_FDCWD, KERNEL_TEXT, fine, fine, 0),
	      EFAULT);
	return 0;
}

static int libos_memory(void)
{
	check("munmap(libOS)", munmap((void *)LIBOS_BASE, 1 << 20), EINVAL);
	check("mprotect(libOS vCPU page)",
	      mprotect((void *)LIBOS_VCPU, 4096, PROT_READ), ENOMEM);
	check("mmap(MAP_FIXED over the libOS)",
	      (long)mmap((void *)LIBOS_BASE, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
	      ENOMEM);
	check("munmap(kernel)", munmap((void *)KERNEL_TEXT, 4096), EINVAL);
	printf("libos-memory: the libOS still answers: getpid() = %d\n",
	       (int)getpid());
	return 0;
}

/* The kernel's counters page: readable, counting, and neither native
 * mem_unmap nor mem_protect may touch it (it is a page of the kernel). */
static int counters_page(void)
{
	const volatile uint64_t *counters = (const volatile uint64_t *)COUNTERS;
	uint64_t before = counters[0];

	getpid();
	printf("counters: a getpid entered the kernel %s\n",
	       counters[0] > before ? "(counted)" : "WRONG: not counted");
	errno = 0;
	check("native mem_unmap(counters page)",
	      syscall(NATIVE_MEM_UNMAP, COUNTERS, 4096), EINVAL);
	check("native mem_unmap(a range over it)",
	      syscall(NATIVE_MEM_UNMAP, COUNTERS - 4096, 3 * 4096), EINVAL);
	check("native mem_protect(counters page, RW)",
	      syscall(NATIVE_MEM_PROTECT, COUNTERS, 4096, 3), EINVAL);
	/* getpid's site is rewritten by now (a call answered in user mode,
	 * trap/patch.c); a native call always enters the kernel. */
	before = counters[0];
	syscall(NATIVE_NOP);
	printf("counters: still counting %s\n",
	       counters[0] > before ? "(yes)" : "WRONG");
	return 0;
}

/* A read of the console with nothing coming (the runner gives no input)
 * interrupted by SIGALRM: -EINTR without SA_RESTART; with it the read
 * goes on through the next alarm, and the one after ends the run. Not a
 * differential test: on Linux an empty stdin is end-of-file at once. */
static volatile int alarms;

static void on_alarm(int signal)
{
	(void)signal;
	alarms++;
	printf("alarm %d\n", alarms);
	if (alarms == 3) {
		printf("the restarted read was still waiting\n");
		_exit(0);
	}
}

static int read_interrupted(void)
{
	struct sigaction action = { 0 };
	struct itimerval every = { { 0, 300000 }, { 0, 300000 } };
	char byte;

	action.sa_handler = on_alarm;
	sigaction(SIGALRM, &action, NULL);
	alarm(1);
	errno = 0;
	long result = read(0, &byte, 1);

	printf("read without SA_RESTART: %ld errno %d (%s)\n", result, errno,
	       result == -1 && errno == EINTR ? "EINTR as expected" : "WRONG");
	action.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &action, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
	result = read(0, &byte, 1);
	printf("read with SA_RESTART returned %ld (WRONG)\n", result);
	return 1;
}

/* A SIGSEGV handler at an address no CPU can run, with SA_NODEFER: each
 * failed resume raises SIGSEGV for the same handler. The libOS must end
 * it (Linux kills with SIGSEGV), not recurse until its own stack ends. */
static int unresumable_handler(void)
{
	struct {
		unsigned long handler, flags, restorer, mask;
	} action = { 0xffff800000000000ul, 0x40000000 | 0x04000000, 0, 0 };

	printf("sigaction: %ld\n",
	       syscall(SYS_rt_sigaction, SIGSEGV, &action, NULL, 8));
	kill(getpid(), SIGSEGV);
	return 1;
}

/* Recursion that never ends, each frame touching its stack. */
static int deeper(volatile char *previous)
{
	volatile char frame[512];

	frame[0] = previous ? previous[0] + 1 : 0;
	if (frame[1] == 42 && frame[2] == 42) /* volatile: never known */
		return 0;
	return deeper(frame) + frame[1];
}

static void *overflow(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)deeper(NULL);
}

/* A thread with a 64 KiB stack runs off it into musl's guard page. */
static int thread_stack_overflow(void)
{
	pthread_attr_t attr;
	pthread_t thread;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	printf("a thread overflows its stack\n");
	pthread_create(&thread, &attr, overflow, NULL);
	pthread_join(thread, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 2) /* another seed for the garbage modes, by hand */
		state = strtoull(argv[2], NULL, 0);
	if (!strcmp(mode, "garbage-syscalls"))
		return garbage_syscalls();
	if (!strcmp(mode, "garbage-descriptors"))
		return garbage_descriptors();
	if (!strcmp(mode, "garbage-network"))
		return garbage_network();
	if (!strcmp(mode, "deadlock-futex") || !strcmp(mode, "deadlock-pause")) {
		deadlock(!strcmp(mode, "deadlock-futex"));
		printf("hostile: mode %s came back\n", mode);
		return 1;
	}
	if (!strcmp(mode, "bad-pointers"))
		return bad_pointers();
	if (!strcmp(mode, "libos-memory"))
		return libos_memory();
	if (!strcmp(mode, "counters-page"))
		return counters_page();
	if (!strcmp(mode, "read-interrupted"))
		return read_interrupted();
	if (!strcmp(mode, "unresumable-handler")) {
		unresumable_handler();
		printf("hostile: mode %s came back\n", mode);
		return 1;
	}
	if (!strcmp(mode, "thread-stack-overflow")) {
		thread_stack_overflow();
		printf("hostile: mode %s came back\n", mode);
		return 1;
	}
	if (!strcmp(mode, "jump-libos-start")) {
		printf("jumping to the libOS's first instruction\n");
		jump(LIBOS_BASE);
	}
	if (!strcmp(mode, "jump-libos-data")) {
		printf("jumping into the libOS's vCPU page\n");
		jump(LIBOS_VCPU);
	}
	if (!strcmp(mode, "scribble-vcpu")) {
		printf("scribbling on the vCPU page\n");
		memset((void *)LIBOS_VCPU, 0xff, 4096);
		getpid();
	}
	if (!strcmp(mode, "native-unmap-libos")) {
		printf("unmapping the libOS with the native call\n");
		syscall(NATIVE_MEM_UNMAP, LIBOS_BASE, 1ul << 30);
		getpid();
	}
	if (!strcmp(mode, "bad-rsp")) {
		printf("a syscall with a non-canonical RSP\n");
		__asm__ volatile("mov %%rsp, %%rbx\n\t"
				 "movabs $0x8000000000000000, %%rsp\n\t"
				 "mov $39, %%eax\n\t"
				 "syscall\n\t"
				 "mov %%rbx, %%rsp"
				 ::: "rax", "rbx", "rcx", "r11", "memory");
	}
	printf("hostile: mode %s came back\n", mode);
	return 1;
}
