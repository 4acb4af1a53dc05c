/*
 * process_vm_readv and process_vm_writev on the process itself (as
 * libraries probe memory without faulting), and kcmp (whether two
 * descriptors are one description, as systemd asks). Differential.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "show_util.h"

#define KCMP_FILE      0
#define KCMP_VM        1
#define KCMP_SYSVSEM   6
#define KCMP_EPOLL_TFD 7

static long thread_tid;

static void *record_tid(void *argument)
{
	(void)argument;
	thread_tid = syscall(SYS_gettid);
	return NULL;
}

static void process_vm(void)
{
	char source[] = "scattered bytes", out[32] = { 0 };
	struct iovec local[2] = { { out, 4 }, { out + 10, 12 } };
	struct iovec remote[2] = { { source, 9 }, { source + 10, 5 } };
	pid_t pid = getpid();

	printf("-- process_vm\n");
	show("readv, 14 bytes across pieces",
	     process_vm_readv(pid, local, 2, remote, 2, 0));
	printf("  \"%.4s\" \"%.10s\"\n", out, out + 10);
	strcpy(out, "written");
	struct iovec from = { out, 7 }, to = { source, 7 };

	show("writev", process_vm_writev(pid, &from, 1, &to, 1, 0));
	printf("  \"%s\"\n", source);

	/* A remote piece it cannot reach ends the copy. */
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(page + 4096, 4096);
	memset(page, 'p', 4096);
	struct iovec across = { page + 4090, 20 }, into = { out, 20 };

	show("readv across an unmapped page",
	     process_vm_readv(pid, &into, 1, &across, 1, 0));
	struct iovec gone = { page + 4096, 4 };

	show("readv of an unmapped page",
	     process_vm_readv(pid, &into, 1, &gone, 1, 0));
	struct iovec bad_local = { (void *)8, 4 }, fine = { source, 4 };

	show("a bad local buffer",
	     process_vm_readv(pid, &bad_local, 1, &fine, 1, 0));
	show("flags", process_vm_readv(pid, &into, 1, &fine, 1, 1));
	show("1025 pieces", process_vm_readv(pid, &into, 1025, &fine, 1, 0));
	show("another pid", process_vm_readv(999999, &into, 1, &fine, 1, 0));
	show("nothing", process_vm_readv(pid, &into, 0, &fine, 1, 0));

	pthread_t thread;

	pthread_create(&thread, NULL, record_tid, NULL);
	pthread_join(thread, NULL);
	/* Linux clears the tid (which pthread_join waits for) a moment
	 * before the thread has let its memory go: wait until no signal can
	 * reach it. */
	for (int i = 0; i < 1000 && syscall(SYS_tgkill, pid, thread_tid, 0) == 0;
	     i++)
		usleep(1000);
	show("a (gone) thread's tid",
	     process_vm_readv((pid_t)thread_tid, &into, 1, &fine, 1, 0));
}

static long kcmp(pid_t one, pid_t two, int type, unsigned long a,
		 unsigned long b)
{
	return syscall(SYS_kcmp, one, two, type, a, b);
}

static void compare(void)
{
	pid_t pid = getpid();
	int fd = open("/dev/null", O_RDONLY);
	int copy = dup(fd);
	int other = open("/dev/null", O_RDONLY);

	printf("-- kcmp\n");
	show("a descriptor and its dup", kcmp(pid, pid, KCMP_FILE, fd, copy));
	show_yes("two opens differ, ordered",
		 kcmp(pid, pid, KCMP_FILE, fd, other) ==
			 3 - kcmp(pid, pid, KCMP_FILE, other, fd));
	show("a closed descriptor", kcmp(pid, pid, KCMP_FILE, fd, 999));
	show("the memory", kcmp(pid, pid, KCMP_VM, 0, 0));
	show("SysV semaphores", kcmp(pid, pid, KCMP_SYSVSEM, 0, 0));
	show("an unknown type", kcmp(pid, pid, 9, 0, 0));
	show("another pid", kcmp(pid, 999999, KCMP_VM, 0, 0));

	int epoll = epoll_create1(0), ends[2];
	struct epoll_event event = { .events = EPOLLIN };

	if (pipe(ends) < 0)
		return;
	struct { uint32_t epoll, target, offset; } slot = { (uint32_t)epoll,
							    (uint32_t)ends[0],
							    0 };

	show("epoll_ctl", epoll_ctl(epoll, EPOLL_CTL_ADD, ends[0], &event));
	show("an epoll's watched descriptor",
	     kcmp(pid, pid, KCMP_EPOLL_TFD, ends[0], (unsigned long)&slot));
	show_yes("another than it", kcmp(pid, pid, KCMP_EPOLL_TFD, ends[1],
					 (unsigned long)&slot) > 0);
	slot.offset = 1;
	show("past its interests",
	     kcmp(pid, pid, KCMP_EPOLL_TFD, ends[0], (unsigned long)&slot));
	slot.offset = 0;
	slot.target = (uint32_t)fd;
	show("one it does not watch",
	     kcmp(pid, pid, KCMP_EPOLL_TFD, ends[0], (unsigned long)&slot));
	show("a bad slot", kcmp(pid, pid, KCMP_EPOLL_TFD, ends[0], 8));
}

int main(void)
{
	process_vm();
	compare();
	return 0;
}
