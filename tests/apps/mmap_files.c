/*
 * Shared mappings of files (differential): a MAP_SHARED mapping is a view
 * of the file's own pages. Writes through it are the file's, the file's
 * writes show in it and in every other view, pages wholly past the end
 * are a SIGBUS until the file grows, and seals, descriptors, mremap,
 * madvise and munmap treat views as Linux does. Private mappings stay
 * copies. Nothing printed depends on addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "show_util.h"

#define PAGE 4096

static sigjmp_buf recover;
static volatile int caught, caught_code;

static void on_signal(int signal, siginfo_t *info, void *context)
{
	(void)context;
	caught = signal;
	caught_code = info->si_code;
	siglongjmp(recover, 1);
}

/* Reads one byte at address: prints it, or the signal that stopped it. */
static void touch(const char *label, const volatile char *address)
{
	caught = 0;
	if (sigsetjmp(recover, 1) == 0) {
		char byte = *address;

		printf("%s: byte %d\n", label, byte);
	} else {
		printf("%s: signal %d code %d\n", label, caught, caught_code);
	}
}

static void *map(const char *label, size_t length, int prot, int flags,
		 int fd, off_t offset)
{
	void *at = mmap(NULL, length, prot, flags, fd, offset);

	show(label, at == MAP_FAILED ? -1 : 0);
	return at == MAP_FAILED ? NULL : at;
}

static void show_bytes(const char *label, const char *bytes, size_t length)
{
	printf("%s: \"", label);
	for (size_t i = 0; i < length; i++)
		putchar(bytes[i] >= 32 && bytes[i] < 127 ? bytes[i] : '.');
	printf("\"\n");
}

static void file_content(const char *label, int fd, off_t offset,
			 size_t length)
{
	char buffer[64] = "";

	if (length > sizeof(buffer))
		length = sizeof(buffer);
	show(label, pread(fd, buffer, length, offset));
	show_bytes(label, buffer, length);
}

static void memfd_views(void)
{
	int fd = memfd_create("views", MFD_ALLOW_SEALING);

	show("ftruncate 3 pages", ftruncate(fd, 3 * PAGE));
	char *a = map("mmap shared rw", 3 * PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, fd, 0);
	char *b = map("mmap shared read-only", 3 * PAGE, PROT_READ,
		      MAP_SHARED, fd, 0);
	char *c = map("mmap private", 3 * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE, fd, 0);

	if (!a || !b || !c)
		return;
	memcpy(a + PAGE + 10, "through the view", 16);
	file_content("pread after a write through the view", fd, PAGE + 10,
		     16);
	show_bytes("the other view", b + PAGE + 10, 16);
	show("pwrite", pwrite(fd, "by pwrite", 9, 2 * PAGE - 4));
	show_bytes("the view across a page boundary", a + 2 * PAGE - 4, 9);
	memcpy(c + PAGE + 10, "private", 7);
	file_content("pread after a write to the private copy", fd, PAGE + 10,
		     7);
	show_bytes("the shared view there", a + PAGE + 10, 7);
	show("msync", msync(a, 3 * PAGE, MS_SYNC));
	fflush(stdout);
	show("\nwrite from the view to stdout", write(1, a + PAGE + 10, 16));

	show("F_SEAL_WRITE with a writable view", fcntl(fd, F_ADD_SEALS,
							F_SEAL_WRITE));
	show("mprotect the view read-only", mprotect(a, 3 * PAGE, PROT_READ));
	show("mprotect it writable again",
	     mprotect(a, 3 * PAGE, PROT_READ | PROT_WRITE));
	show("munmap the writable view", munmap(a, 3 * PAGE));
	show("munmap the read-only one", munmap(b, 3 * PAGE));
	show("F_SEAL_WRITE without views", fcntl(fd, F_ADD_SEALS,
						 F_SEAL_WRITE));
	show("mmap shared rw of the sealed memfd",
	     mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
			     MAP_FAILED ? -1 : 0);
	b = map("mmap shared read-only of it", PAGE, PROT_READ, MAP_SHARED,
		fd, 0);
	if (b) {
		show("mprotect that writable",
		     mprotect(b, PAGE, PROT_READ | PROT_WRITE));
		show_bytes("it still reads", b + PAGE - 4, 4);
		munmap(b, PAGE);
	}
	munmap(c, 3 * PAGE);
	close(fd);
}

/* One memfd of two pages mapped twice, back to back: a write that runs
 * past the end of the first view lands at the start of the file. */
static void ring_buffer(void)
{
	int fd = memfd_create("ring", 0);
	char *space = map("reserve 4 pages", 4 * PAGE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	show("ftruncate 2 pages", ftruncate(fd, 2 * PAGE));
	if (!space)
		return;
	char *first = mmap(space, 2 * PAGE, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_FIXED, fd, 0);
	char *second = mmap(space + 2 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_FIXED, fd, 0);

	show("first view in place", first == space ? 0 : -1);
	show("second view after it", second == space + 2 * PAGE ? 0 : -1);
	memcpy(space + 2 * PAGE - 5, "wrapped around", 14);
	show_bytes("the start of the first view", space, 9);
	file_content("the start of the file", fd, 0, 9);
	show("munmap all", munmap(space, 4 * PAGE));
	close(fd);
}

/* A regular file in /tmp: past its end, growing, shrinking, unlinking. */
static void regular_file(void)
{
	int fd = open("/tmp/mapped", O_CREAT | O_RDWR | O_TRUNC, 0600);

	show("write 10 bytes", write(fd, "0123456789", 10));
	show("ftruncate to 100", ftruncate(fd, 100));
	char *view = map("mmap 3 pages of a 100-byte file", 3 * PAGE,
			 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (!view)
		return;
	show_bytes("its first bytes", view, 10);
	touch("byte 99", view + 99);
	touch("byte 100 (past the end, same page)", view + 100);
	touch("byte 4095", view + PAGE - 1);
	touch("the second page", view + PAGE);
	touch("the third page", view + 2 * PAGE + 7);
	view[50] = 'X';
	file_content("the file at 50", fd, 50, 1);

	show("ftruncate to 3 pages", ftruncate(fd, 3 * PAGE));
	touch("the third page now", view + 2 * PAGE + 7);
	view[2 * PAGE + 7] = 'Y';
	file_content("the file there", fd, 2 * PAGE + 7, 1);
	show("ftruncate to 1 page", ftruncate(fd, PAGE));
	touch("the third page again", view + 2 * PAGE + 7);
	show("ftruncate to 3 pages again", ftruncate(fd, 3 * PAGE));
	touch("the third page, zero", view + 2 * PAGE + 7);

	show("ftruncate to 1 page", ftruncate(fd, PAGE));
	show("write(fd) from a page past the end", write(fd, view + PAGE, 10));

	char *other = map("a second view at offset 0 of 1 page", PAGE,
			  PROT_READ, MAP_SHARED, fd, 0);

	show("close the descriptor", close(fd));
	show("unlink the name", unlink("/tmp/mapped"));
	view[1] = 'Z';
	if (other)
		show_bytes("the second view", other, 4);
	show("madvise DONTNEED", madvise(view, PAGE, MADV_DONTNEED));
	show_bytes("the view after it", view, 4);
	char *moved = mremap(view, 3 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);

	show("mremap bigger", moved == MAP_FAILED ? -1 : 0);
	if (moved != MAP_FAILED) {
		show_bytes("the moved view", moved, 4);
		moved[2] = 'W';
		if (other)
			show_bytes("the second view", other, 4);
		touch("the moved view's last page", moved + 3 * PAGE);
		munmap(moved, 4 * PAGE);
	}
	if (other) {
		show_bytes("the second view after munmap of the first", other,
			   4);
		munmap(other, PAGE);
	}
}

/* What a descriptor allows. */
static void refusals(void)
{
	int fd = open("/tmp/read-only", O_CREAT | O_RDWR | O_TRUNC, 0600);

	ftruncate(fd, PAGE);
	close(fd);
	fd = open("/tmp/read-only", O_RDONLY);
	show("mmap shared rw of an O_RDONLY descriptor",
	     mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
			     MAP_FAILED ? -1 : 0);
	char *view = map("mmap shared read-only of it", PAGE, PROT_READ,
			 MAP_SHARED, fd, 0);

	if (view) {
		show("mprotect it writable",
		     mprotect(view, PAGE, PROT_READ | PROT_WRITE));
		munmap(view, PAGE);
	}
	show("mmap private rw of it",
	     mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) ==
			     MAP_FAILED ? -1 : 0);
	close(fd);
	fd = open("/tmp/read-only", O_WRONLY);
	show("mmap shared of an O_WRONLY descriptor",
	     mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED
			     ? -1 : 0);
	close(fd);
	unlink("/tmp/read-only");
}

int main(void)
{
	struct sigaction action = { .sa_sigaction = on_signal,
				    .sa_flags = SA_SIGINFO };

	sigaction(SIGBUS, &action, NULL);
	sigaction(SIGSEGV, &action, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	memfd_views();
	ring_buffer();
	regular_file();
	refusals();
	return 0;
}
