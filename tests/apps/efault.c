/*
 * Differential test: system calls given bad pointers fail with EFAULT
 * instead of crashing (the libOS must copy through its fault handling).
 * Raw syscall() is used where musl would otherwise touch the pointer
 * itself (or the host would use its vDSO).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, long r)
{
	int e = errno;
	printf("%s: %ld %s\n", what, r,
	       r >= 0 ? "(no error)" : e == EFAULT ? "EFAULT" : strerror(e));
	fflush(stdout);
}

int main(void)
{
	long r;

	fflush(stdout);
	errno = 0;
	r = write(1, (const void *)1, 10);
	report("write from address 1", r);
	errno = 0;
	r = write(1, (const void *)0xffff800000000000ul, 16);
	report("write from a kernel address", r);
	errno = 0;
	r = write(1, (const void *)0x00007ffffffff000ul, 16);
	report("write from the top user page", r);
	errno = 0;
	r = write(2, (const void *)8, 1);
	report("write to stderr from address 8", r);
	errno = 0;
	r = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)16);
	report("clock_gettime into address 16", r);
	errno = 0;
	r = syscall(SYS_uname, (void *)0x1000);
	report("uname into address 0x1000", r);
	errno = 0;
	r = syscall(SYS_getrandom, (void *)0x2000, 16, 0);
	report("getrandom into address 0x2000", r);
	errno = 0;
	r = syscall(SYS_nanosleep, (void *)24, NULL);
	report("nanosleep from address 24", r);
	/* A good write still works afterwards. */
	r = write(1, "still alive\n", 12);
	printf("a good write returned %ld\n", r);
	return 0;
}
