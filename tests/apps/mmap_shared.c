/*
 * MAP_SHARED mappings of memfds and regular files (differential), one
 * printed line per check: a shared view is the file's own pages, so
 * writes through it reach pread and read, pwrite and write show in it and
 * in every other view (also two views back to back, the "magic ring
 * buffer"); whole pages past the end are a SIGBUS until ftruncate grows
 * the file, and again after it shrinks; the last page's tail past the end
 * reads as zeros; munmap of one view, close and unlink leave the others;
 * mprotect, O_RDONLY descriptors and F_SEAL_WRITE answer as Linux does;
 * MADV_DONTNEED keeps the file's bytes; a private mapping stays a copy
 * once touched, and until then shows the file's bytes as they are;
 * mremap moves and grows a view; a view is a system call's buffer; a
 * private mapping (a copy) follows Linux's rules past the end, for
 * MADV_DONTNEED and mremap, and /proc/self/maps names its file.
 *
 * Nothing printed depends on addresses, pids or timing. The /tmp names
 * carry the pid (never printed), so parallel host runs of the variants do
 * not share files. Kept to whole pages where the file's size changes
 * under a view (no tail-of-page cases after a truncation), and clear of
 * what differs between kernel versions (F_SEAL_WRITE with read-only
 * shared views) and of a private page read before the file changed
 * (Linux shows the change, Wicket's copy was made at the read).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "show_util.h"

static long page;

static int memfd(const char *name, unsigned flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

/* A file in /tmp of this run: "/tmp/mmap_shared.PID.NAME". */
static const char *tmp_path(const char *name)
{
	static char path[4][64];
	static int next;
	char *at = path[next++ % 4];

	snprintf(at, sizeof(path[0]), "/tmp/mmap_shared.%d.%s", (int)getpid(),
		 name);
	return at;
}

/* Faults, caught: the signal and its si_code, then back to the probe. */
static sigjmp_buf recover;
static volatile int caught, caught_code;

static void on_signal(int signal, siginfo_t *info, void *context)
{
	(void)context;
	caught = signal;
	caught_code = info->si_code;
	siglongjmp(recover, 1);
}

/* Reads one byte: "label: byte N", or the signal that stopped it. */
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

/* Writes one byte: "label: 0", or the signal that stopped it. */
static void poke(const char *label, volatile char *address, char byte)
{
	caught = 0;
	if (sigsetjmp(recover, 1) == 0) {
		*address = byte;
		printf("%s: 0\n", label);
	} else {
		printf("%s: signal %d code %d\n", label, caught, caught_code);
	}
}

/* mmap, printed as 0 or -1 (error); NULL on failure. */
static char *map(const char *label, void *hint, size_t length, int prot,
		 int flags, int fd, off_t offset)
{
	void *at = mmap(hint, length, prot, flags, fd, offset);

	show(label, at == MAP_FAILED ? -1 : 0);
	return at == MAP_FAILED ? NULL : at;
}

/* mmap whose failure is the point: only the answer is printed. */
static void map_fails(const char *label, size_t length, int prot, int flags,
		      int fd)
{
	void *at = mmap(NULL, length, prot, flags, fd, 0);

	show(label, at == MAP_FAILED ? -1 : 0);
	if (at != MAP_FAILED)
		munmap(at, length);
}

/* "label: "bytes"", unprintable bytes as '.'. */
static void show_bytes(const char *label, const char *bytes, size_t length)
{
	printf("%s: \"", label);
	for (size_t i = 0; i < length; i++)
		putchar(bytes[i] >= 32 && bytes[i] < 127 ? bytes[i] : '.');
	printf("\"\n");
}

/* pread's answer, then what it read. */
static void file_bytes(const char *label, int fd, off_t offset, size_t length)
{
	char buffer[64];

	memset(buffer, '?', sizeof(buffer));
	if (length > sizeof(buffer))
		length = sizeof(buffer);
	long got = show(label, pread(fd, buffer, length, offset));

	show_bytes("  read", buffer, got > 0 ? (size_t)got : 0);
}

/* How many of length bytes are not zero. */
static long nonzero(const char *bytes, size_t length)
{
	long count = 0;

	for (size_t i = 0; i < length; i++)
		count += bytes[i] != 0;
	return count;
}

/* 1. A memfd of three pages, one shared writable view. */
static void memfd_view(void)
{
	int fd = memfd("view", 0);

	puts("-- 1. memfd view");
	show("memfd_create", fd < 0 ? -1 : 0);
	show("ftruncate 3 pages", ftruncate(fd, 3 * page));
	char *view = map("mmap shared rw 3 pages", NULL, 3 * page,
			 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (!view) {
		close(fd);
		return;
	}
	show("a fresh page reads zero, nonzero bytes",
	     nonzero(view, 3 * page));
	memcpy(view + page + 100, "written through the view", 24);
	file_bytes("pread where the view wrote", fd, page + 100, 24);
	memcpy(view + page - 3, "across", 6);
	file_bytes("pread across a page boundary", fd, page - 3, 6);
	show("pwrite", pwrite(fd, "written by pwrite", 17, 2 * page + 9));
	show_bytes("the view there", view + 2 * page + 9, 17);
	show("pwrite across the last boundary",
	     pwrite(fd, "ABCDEFGH", 8, 2 * page - 4));
	show_bytes("the view there", view + 2 * page - 4, 8);
	show("munmap", munmap(view, 3 * page));
	close(fd);
}

/* 2. Two views of one memfd, then two back to back (a ring buffer). */
static void two_views(void)
{
	int fd = memfd("two", 0);

	puts("-- 2. two views");
	show("ftruncate 2 pages", ftruncate(fd, 2 * page));
	char *a = map("mmap view a", NULL, 2 * page, PROT_READ | PROT_WRITE,
		      MAP_SHARED, fd, 0);
	char *b = map("mmap view b", NULL, 2 * page, PROT_READ | PROT_WRITE,
		      MAP_SHARED, fd, 0);

	if (a && b) {
		show("different addresses", a != b);
		memcpy(a + 10, "from a", 6);
		show_bytes("b sees a's write", b + 10, 6);
		memcpy(b + page + 20, "from b", 6);
		show_bytes("a sees b's write", a + page + 20, 6);
		char *c = map("mmap view c of the second page", NULL, page,
			      PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);

		if (c) {
			show_bytes("c sees b's write", c + 20, 6);
			memcpy(c + 30, "from c", 6);
			show_bytes("a sees c's write", a + page + 30, 6);
			munmap(c, page);
		}
	}
	if (a)
		munmap(a, 2 * page);
	if (b)
		munmap(b, 2 * page);
	close(fd);

	/* The ring: N = 2 pages, reserved twice over, mapped twice. */
	size_t n = 2 * page;

	fd = memfd("ring", 0);
	show("ring: ftruncate N", ftruncate(fd, n));
	char *space = map("ring: reserve 2N PROT_NONE", NULL, 2 * n, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!space) {
		close(fd);
		return;
	}
	char *first = mmap(space, n, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_FIXED, fd, 0);
	char *second = mmap(space + n, n, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_FIXED, fd, 0);

	show("ring: first view at the start", first == space ? 0 : -1);
	show("ring: second view right after it",
	     second == space + n ? 0 : -1);
	if (first == space && second == space + n) {
		memcpy(space + n - 6, "crosses the middle", 18);
		show_bytes("ring: the start of the first view", space, 12);
		show_bytes("ring: the end of the first view", space + n - 6,
			   6);
		file_bytes("ring: the start of the file", fd, 0, 12);
		memcpy(space + 100, "wrote low", 9);
		show_bytes("ring: the second view", space + n + 100, 9);
	}
	show("ring: munmap 2N", munmap(space, 2 * n));
	close(fd);
}

/* 3. A regular file: written through a view, read back after munmap. */
static void regular_file(void)
{
	const char *path = tmp_path("regular");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	char buffer[64];

	puts("-- 3. regular file");
	show("open O_CREAT|O_RDWR", fd < 0 ? -1 : 0);
	show("write", write(fd, "hello, shared file mapping\n", 27));
	char *view = map("mmap shared rw", NULL, 27, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);

	if (view) {
		show_bytes("the view", view, 26);
		memcpy(view, "HELLO", 5);
		memcpy(view + 14, "FILE", 4);
		show("msync MS_SYNC", msync(view, 27, MS_SYNC));
		show("msync MS_ASYNC", msync(view, page, MS_ASYNC));
		show("munmap", munmap(view, 27));
	}
	show("lseek 0", lseek(fd, 0, SEEK_SET));
	long got = show("read", read(fd, buffer, sizeof(buffer)));

	show_bytes("  read", buffer, got > 0 ? (size_t)got : 0);
	close(fd);
	show("unlink", unlink(path));
}

/* 4. A read-only shared view follows the file's write()s. */
static void coherence(void)
{
	const char *path = tmp_path("coherent");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);

	puts("-- 4. coherence");
	show("ftruncate 2 pages", ftruncate(fd, 2 * page));
	int reader = open(path, O_RDONLY);
	char *view = map("mmap shared read-only of an O_RDONLY descriptor",
			 NULL, 2 * page, PROT_READ, MAP_SHARED, reader, 0);

	if (view) {
		show_bytes("before", view + 5, 5);
		show("lseek 5", lseek(fd, 5, SEEK_SET));
		show("write", write(fd, "first", 5));
		show_bytes("after write", view + 5, 5);
		show("lseek page - 2", lseek(fd, page - 2, SEEK_SET));
		show("write across a boundary", write(fd, "second", 6));
		show_bytes("the view there", view + page - 2, 6);
		show("pwrite", pwrite(fd, "third", 5, 5));
		show_bytes("after pwrite", view + 5, 5);
		munmap(view, 2 * page);
	}
	close(reader);
	close(fd);
	unlink(path);
}

/* 5. Whole pages past the end: SIGBUS until the file grows. */
static void past_the_end(void)
{
	const char *path = tmp_path("past");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);

	puts("-- 5. past the end");
	show("ftruncate 1 page", ftruncate(fd, page));
	char *view = map("mmap 3 pages of a 1-page file", NULL, 3 * page,
			 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (!view) {
		close(fd);
		return;
	}
	poke("write page 0", view + 8, 'P');
	touch("read page 0", view + 8);
	touch("read page 1", view + page);
	touch("read page 2", view + 2 * page + 8);
	poke("write page 2", view + 2 * page + 8, 'Q');
	show("ftruncate 3 pages", ftruncate(fd, 3 * page));
	touch("read page 2 now", view + 2 * page + 8);
	show("page 2's nonzero bytes", nonzero(view + 2 * page, page));
	poke("write page 2 now", view + 2 * page + 8, 'R');
	file_bytes("pread there", fd, 2 * page + 8, 1);
	show("ftruncate 1 page", ftruncate(fd, page));
	touch("read page 2 again", view + 2 * page + 8);
	poke("write page 2 again", view + 2 * page + 8, 'S');
	touch("read page 0 still", view + 8);
	show("ftruncate 3 pages again", ftruncate(fd, 3 * page));
	touch("read page 2, zero after the shrink", view + 2 * page + 8);
	show("ftruncate 1 page", ftruncate(fd, page));
	show("write(fd) from page 2 (EFAULT)", write(fd, view + 2 * page, 4));
	show("munmap", munmap(view, 3 * page));
	close(fd);
	unlink(path);
}

/* 6. The last page's tail past a 100-byte end reads as zeros. */
static void tail(void)
{
	const char *path = tmp_path("tail");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	char text[100];
	struct stat st;

	puts("-- 6. the last page's tail");
	for (int i = 0; i < 100; i++)
		text[i] = (char)('a' + i % 26);
	show("write 100 bytes", write(fd, text, 100));
	char *view = map("mmap shared rw 1 page", NULL, page,
			 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (view) {
		show("bytes 0..99 match the file", memcmp(view, text, 100) == 0);
		show("nonzero bytes in 100..page-1",
		     nonzero(view + 100, page - 100));
		touch("byte page-1", view + page - 1);
		view[0] = 'A';
		show("msync", msync(view, page, MS_SYNC));
		show("fstat", fstat(fd, &st));
		show("  size", (long)st.st_size);
		file_bytes("pread 0", fd, 0, 4);
		munmap(view, page);
	}
	close(fd);
	unlink(path);
}

/* 7. munmap of one view, close and unlink leave the others. */
static void lifetimes(void)
{
	const char *path = tmp_path("lifetime");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);

	puts("-- 7. lifetimes");
	show("ftruncate 2 pages", ftruncate(fd, 2 * page));
	show("pwrite", pwrite(fd, "original", 8, page));
	char *a = map("mmap view a", NULL, 2 * page, PROT_READ | PROT_WRITE,
		      MAP_SHARED, fd, 0);
	char *b = map("mmap view b", NULL, 2 * page, PROT_READ | PROT_WRITE,
		      MAP_SHARED, fd, 0);
	char *c = map("mmap view c", NULL, 2 * page, PROT_READ,
		      MAP_SHARED, fd, 0);

	if (!a || !b || !c) {
		close(fd);
		unlink(path);
		return;
	}
	show("munmap a", munmap(a, 2 * page));
	show_bytes("b after munmap a", b + page, 8);
	memcpy(b + page, "modified", 8);
	show_bytes("c sees b's write", c + page, 8);
	file_bytes("pread", fd, page, 8);
	show("close the descriptor", close(fd));
	show_bytes("b after close", b + page, 8);
	memcpy(b + 4, "closed", 6);
	show_bytes("c sees b's write after close", c + 4, 6);
	show("unlink the name", unlink(path));
	show_bytes("b after unlink", b + page, 8);
	memcpy(b + page, "unlinked", 8);
	show_bytes("c sees b's write after unlink", c + page, 8);
	show("munmap b", munmap(b, 2 * page));
	show_bytes("c after munmap b", c + page, 8);
	show("munmap c", munmap(c, 2 * page));
}

/* 8. mprotect, read-only descriptors and F_SEAL_WRITE. */
static void permissions(void)
{
	const char *path = tmp_path("permissions");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);

	puts("-- 8. permissions");
	show("ftruncate 1 page", ftruncate(fd, page));
	char *view = map("mmap shared rw", NULL, page, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);

	if (view) {
		show("mprotect PROT_READ", mprotect(view, page, PROT_READ));
		poke("write while read-only", view + 1, 'x');
		touch("read while read-only", view + 1);
		show("mprotect PROT_READ|PROT_WRITE",
		     mprotect(view, page, PROT_READ | PROT_WRITE));
		poke("write again", view + 1, 'y');
		file_bytes("pread", fd, 1, 1);
		munmap(view, page);
	}
	close(fd);

	fd = open(path, O_RDONLY);
	map_fails("mmap shared rw of an O_RDONLY descriptor", page,
		  PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	view = map("mmap shared read-only of it", NULL, page, PROT_READ,
		   MAP_SHARED, fd, 0);
	if (view) {
		show("mprotect that writable",
		     mprotect(view, page, PROT_READ | PROT_WRITE));
		touch("it still reads", view + 1);
		munmap(view, page);
	}
	map_fails("mmap private rw of it", page, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE, fd);
	close(fd);
	fd = open(path, O_WRONLY);
	map_fails("mmap shared read-only of an O_WRONLY descriptor", page,
		  PROT_READ, MAP_SHARED, fd);
	close(fd);
	unlink(path);

	fd = memfd("unsealable", 0);
	show("F_ADD_SEALS without MFD_ALLOW_SEALING",
	     fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	close(fd);

	fd = memfd("sealed", MFD_ALLOW_SEALING);
	show("ftruncate 1 page", ftruncate(fd, page));
	view = map("mmap shared rw", NULL, page, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (view)
		memcpy(view, "seal", 4);
	show("F_SEAL_WRITE with a shared writable view",
	     fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	show("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
	if (view)
		show("munmap it", munmap(view, page));
	show("F_SEAL_WRITE without it", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	show("F_GET_SEALS", fcntl(fd, F_GET_SEALS));
	map_fails("mmap shared rw of the sealed memfd", page,
		  PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	show("pwrite to it", pwrite(fd, "x", 1, 0));
	view = map("mmap private rw of it", NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE, fd, 0);
	if (view) {
		show_bytes("the private copy", view, 4);
		view[0] = 'S';
		file_bytes("pread after a private write", fd, 0, 4);
		munmap(view, page);
	}
	close(fd);
}

/* 9. MADV_DONTNEED drops pages of a shared view, not the file's bytes. */
static void dontneed(void)
{
	const char *path = tmp_path("dontneed");
	int fds[2] = { memfd("dontneed", 0),
		       open(path, O_CREAT | O_RDWR | O_TRUNC, 0600) };
	const char *names[2] = { "memfd", "file" };

	puts("-- 9. MADV_DONTNEED");
	for (int i = 0; i < 2; i++) {
		char label[64];

		snprintf(label, sizeof(label), "%s: ftruncate 2 pages",
			 names[i]);
		show(label, ftruncate(fds[i], 2 * page));
		char *view = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				  MAP_SHARED, fds[i], 0);

		snprintf(label, sizeof(label), "%s: mmap shared rw", names[i]);
		show(label, view == MAP_FAILED ? -1 : 0);
		if (view == MAP_FAILED)
			continue;
		memcpy(view + 3, "kept", 4);
		pwrite(fds[i], "also", 4, page + 3);
		snprintf(label, sizeof(label), "%s: madvise DONTNEED",
			 names[i]);
		show(label, madvise(view, 2 * page, MADV_DONTNEED));
		snprintf(label, sizeof(label), "%s: page 0 after it", names[i]);
		show_bytes(label, view + 3, 4);
		snprintf(label, sizeof(label), "%s: page 1 after it", names[i]);
		show_bytes(label, view + page + 3, 4);
		munmap(view, 2 * page);
		close(fds[i]);
	}
	unlink(path);
}

/* 10. A private mapping of the file stays a copy. */
static void private_copy(void)
{
	const char *path = tmp_path("private");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);

	puts("-- 10. private copy");
	show("ftruncate 1 page", ftruncate(fd, page));
	show("pwrite", pwrite(fd, "file text", 9, 0));
	char *shared = map("mmap shared", NULL, page, PROT_READ, MAP_SHARED,
			   fd, 0);
	char *copy = map("mmap private rw", NULL, page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE, fd, 0);

	if (copy) {
		show_bytes("the private mapping", copy, 9);
		memcpy(copy, "PRIVATE", 7);
		show_bytes("after a write to it", copy, 9);
		file_bytes("pread the file", fd, 0, 9);
		if (shared)
			show_bytes("the shared view", shared, 9);
		show("pwrite to the file", pwrite(fd, "FILE", 4, 0));
		show_bytes("the private page after it", copy, 9);
		if (shared)
			show_bytes("the shared view", shared, 9);
		munmap(copy, page);
	}
	/* Until a page is touched, it is the file's as the file is then. */
	copy = map("mmap private read-only", NULL, page, PROT_READ, MAP_PRIVATE,
		   fd, 0);
	if (copy) {
		show("pwrite to the file before a touch",
		     pwrite(fd, "LATER", 5, 0));
		show_bytes("the untouched private page", copy, 9);
		munmap(copy, page);
	}
	if (shared)
		munmap(shared, page);
	close(fd);
	unlink(path);
}

/* 11. mremap of a shared view, moved and grown within the file. */
static void remap(void)
{
	int fd = memfd("remap", 0);

	puts("-- 11. mremap");
	show("ftruncate 4 pages", ftruncate(fd, 4 * page));
	show("pwrite in page 2", pwrite(fd, "page two", 8, 2 * page));
	char *view = map("mmap shared rw 1 page", NULL, page,
			 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (!view) {
		close(fd);
		return;
	}
	memcpy(view, "page zero", 9);
	/* Something right after the view, so growing must move it. */
	char *blocker = mmap(view + page, page, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			     -1, 0);
	char *moved = mremap(view, page, 3 * page, MREMAP_MAYMOVE);

	show("mremap to 3 pages MAYMOVE", moved == MAP_FAILED ? -1 : 0);
	if (moved != MAP_FAILED) {
		show_bytes("page 0", moved, 9);
		show_bytes("page 2", moved + 2 * page, 8);
		memcpy(moved + 2 * page + 20, "after mremap", 12);
		file_bytes("pread there", fd, 2 * page + 20, 12);
		memcpy(moved + 5, "ZERO", 4);
		file_bytes("pread page 0", fd, 0, 9);
		show("pwrite page 1", pwrite(fd, "page one", 8, page));
		show_bytes("page 1", moved + page, 8);
		show("munmap", munmap(moved, 3 * page));
	}
	if (blocker != MAP_FAILED)
		munmap(blocker, page);
	close(fd);
}

/* 12. A view as write(2)'s buffer. */
static void as_buffer(void)
{
	const char *path = tmp_path("buffer");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	static const char text[] = "printed from a shared file mapping\n";

	puts("-- 12. a view as a system call's buffer");
	show("write", write(fd, text, sizeof(text) - 1));
	char *view = map("mmap shared read-only", NULL, sizeof(text) - 1,
			 PROT_READ, MAP_SHARED, fd, 0);

	if (view) {
		fflush(stdout);
		show("write(1) from the view", write(1, view, sizeof(text) - 1));
		munmap(view, sizeof(text) - 1);
	}
	int other = memfd("buffer", 0);

	ftruncate(other, page);
	view = map("mmap a memfd shared rw", NULL, page, PROT_READ | PROT_WRITE,
		   MAP_SHARED, other, 0);
	if (view) {
		show("pread into the view", pread(fd, view, 9, 0));
		file_bytes("the memfd has it", other, 0, 9);
		munmap(view, page);
	}
	close(other);
	close(fd);
	unlink(path);
}

/* 13. A private mapping of a file past the file's end, discarded and
 * moved: a copy, but Linux's rules for what is the file's. */
static void private_rules(void)
{
	const char *path = tmp_path("private-rules");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	int pipes[2];

	puts("-- 13. private mappings: the end, MADV_DONTNEED, mremap");
	show("write 100 bytes", write(fd, "private text", 12) +
				pwrite(fd, "end", 3, 97));
	char *copy = map("mmap private rw 3 pages", NULL, 3 * page,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	if (copy && pipe(pipes) == 0) {
		show_bytes("bytes 97..100", copy + 97, 3);
		show("the tail's nonzero bytes", nonzero(copy + 100, page - 100));
		touch("read page 1", copy + page);
		poke("write page 1", copy + page, 'x');
		show("write(pipe) from page 1 (EFAULT)",
		     write(pipes[1], copy + page, 4));
		show("write(pipe) a byte", write(pipes[1], "p", 1));
		show("read(pipe) into page 2 (EFAULT)",
		     read(pipes[0], copy + 2 * page, 1));
		memcpy(copy, "PRIVATE", 7);
		show("pwrite to the file", pwrite(fd, "FILE", 4, 50));
		show("madvise DONTNEED", madvise(copy, 3 * page,
						  MADV_DONTNEED));
		show_bytes("bytes 0..12, the file's", copy, 12);
		show_bytes("bytes 50..54, the file's now", copy + 50, 4);
		touch("read page 1 after it", copy + page);
		close(pipes[0]);
		close(pipes[1]);
	}
	show("ftruncate 2 pages", ftruncate(fd, 2 * page));
	show("pwrite in page 1", pwrite(fd, "page one", 8, page));
	if (copy) {
		memcpy(copy, "CHANGED", 7);
		/* Something right after the first page, so growing moves. */
		munmap(copy + page, 2 * page);
		char *blocker = mmap(copy + page, page, PROT_NONE,
				     MAP_PRIVATE | MAP_ANONYMOUS |
					     MAP_FIXED_NOREPLACE, -1, 0);
		char *moved = mremap(copy, page, 2 * page, MREMAP_MAYMOVE);

		show("mremap to 2 pages MAYMOVE", moved == MAP_FAILED ? -1 : 0);
		if (moved != MAP_FAILED) {
			show_bytes("page 0, as written", moved, 7);
			show_bytes("page 1, the file's", moved + page, 8);
			copy = moved;
		}
		if (blocker != MAP_FAILED)
			munmap(blocker, page);
		munmap(copy, moved != MAP_FAILED ? 2 * page : page);
	}
	close(fd);
	unlink(path);
}

/* The /proc/self/maps line of the mapping at `address`: its
 * permissions, offset and name are printed, the name as whether it is
 * `name` (the rest is the machine's). */
static void maps_line(const char *label, const void *address,
		      const char *name)
{
	char line[512], wanted[32];
	FILE *maps = fopen("/proc/self/maps", "r");
	int found = 0;

	snprintf(wanted, sizeof(wanted), "%lx-", (unsigned long)address);
	while (maps && fgets(line, sizeof(line), maps)) {
		char permissions[8] = "", path[256] = "";
		unsigned long offset = 0;

		if (strncmp(line, wanted, strlen(wanted)) != 0)
			continue;
		found = 1;
		line[strcspn(line, "\n")] = '\0';
		sscanf(line, "%*s %7s %lx %*s %*s %255[^\n]", permissions,
		       &offset, path);
		printf("%s: %s offset %lx, named so: %d\n", label, permissions,
		       offset, strcmp(path, name) == 0);
	}
	if (!found)
		printf("%s: no line\n", label);
	if (maps)
		fclose(maps);
}

/* How /proc/self/maps shows views: s, the offset, the file's path, or
 * memfd's name; " (deleted)" once the name is gone. */
static void in_maps(void)
{
	char deleted[96];
	int fd = open(tmp_path("maps"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	int memfd = memfd_create("maps-view", 0);

	printf("-- in /proc/self/maps\n");
	ftruncate(fd, 3 * page);
	ftruncate(memfd, page);
	char *view = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, page);
	char *read_only = mmap(NULL, page, PROT_READ, MAP_SHARED, memfd, 0);
	char *copy = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);

	char *copy_at_1 = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_PRIVATE,
			       fd, page);

	view[0] = 1;
	maps_line("file view", view, tmp_path("maps"));
	maps_line("file copy", copy, tmp_path("maps"));
	maps_line("file copy from page 1, executable", copy_at_1,
		  tmp_path("maps"));
	maps_line("memfd view", read_only, "/memfd:maps-view (deleted)");
	unlink(tmp_path("maps"));
	snprintf(deleted, sizeof(deleted), "%s (deleted)", tmp_path("maps"));
	maps_line("file view, unlinked", view, deleted);
	munmap(view, 2 * page);
	munmap(read_only, page);
	munmap(copy, page);
	munmap(copy_at_1, page);
	close(fd);
	close(memfd);
}

int main(void)
{
	struct sigaction action = { .sa_sigaction = on_signal,
				    .sa_flags = SA_SIGINFO };

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGBUS, &action, NULL);
	sigaction(SIGSEGV, &action, NULL);
	page = sysconf(_SC_PAGESIZE);
	show("page size", page);
	memfd_view();
	two_views();
	regular_file();
	coherence();
	past_the_end();
	tail();
	lifetimes();
	permissions();
	dontneed();
	private_copy();
	remap();
	as_buffer();
	private_rules();
	in_maps();
	puts("done");
	return 0;
}
