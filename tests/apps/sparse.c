/*
 * Sparse files (differential): in the working directory (the host run's
 * a fresh copy of tests/apps/tree, Wicket's its archive in memory), files
 * of 10 GiB made by truncate, with a few bytes written far apart; holes
 * read as zeros, take no memory (three such files fit a small guest),
 * and lseek's SEEK_DATA and SEEK_HOLE find them; fallocate gives a range
 * memory or punches a hole (with the pieces of pages at its ends
 * zeroed, and a shared mapping of it reading zeros after); truncating
 * and copying (copy_file_range) keep the holes' zeros. Block counts are
 * compared as bounds, since file systems count their own way.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "show_util.h"

#define KIB (UINT64_C(1) << 10)
#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

/* The file's bytes of memory (st_blocks), or -1. */
static int64_t used(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : (int64_t)st.st_blocks * 512;
}

static int64_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : (int64_t)st.st_size;
}

static int all_zero(const unsigned char *bytes, size_t length)
{
	for (size_t i = 0; i < length; i++)
		if (bytes[i])
			return 0;
	return 1;
}

static void seek(const char *label, int fd, uint64_t offset, int whence)
{
	show(label, (long)lseek(fd, (off_t)offset, whence));
}

/* A 10 GiB file with "hello" at 3 GiB + 100. */
static int holes_and_data(void)
{
	static unsigned char page[4 * KIB];
	int fd = open("sparse.a", O_CREAT | O_RDWR | O_TRUNC, 0644);

	show("open sparse.a", fd);
	show("ftruncate to 10 GiB", ftruncate(fd, (off_t)(10 * GIB)));
	show("its size", (long)size_of(fd));
	show_yes("it takes less than 1 MiB", used(fd) >= 0 && used(fd) < (int64_t)MIB);
	show("pread at 5 GiB", pread(fd, page, sizeof(page), (off_t)(5 * GIB)));
	show_yes("zeros", all_zero(page, sizeof(page)));
	show("pwrite at 3 GiB + 100",
	     pwrite(fd, "hello", 5, (off_t)(3 * GIB + 100)));
	memset(page, 'x', sizeof(page));
	show("pread it back", pread(fd, page, 5, (off_t)(3 * GIB + 100)));
	show_yes("hello", memcmp(page, "hello", 5) == 0);
	show("pread across the page", pread(fd, page, 4096,
					   (off_t)(3 * GIB + 2048)));
	show_yes("zeros across the page's end", all_zero(page, 4096));
	show_yes("it takes at least a page and less than 1 MiB",
		 used(fd) >= 4096 && used(fd) < (int64_t)MIB);

	seek("SEEK_DATA from 0", fd, 0, SEEK_DATA);
	seek("SEEK_DATA from inside the data", fd, 3 * GIB + 200, SEEK_DATA);
	seek("SEEK_HOLE from 0", fd, 0, SEEK_HOLE);
	seek("SEEK_HOLE from the data", fd, 3 * GIB + 1, SEEK_HOLE);
	seek("SEEK_DATA after the data", fd, 3 * GIB + 4096, SEEK_DATA);
	seek("SEEK_HOLE at the last byte", fd, 10 * GIB - 1, SEEK_HOLE);
	seek("SEEK_DATA at the end", fd, 10 * GIB, SEEK_DATA);
	seek("SEEK_HOLE at the end", fd, 10 * GIB, SEEK_HOLE);

	/* A write across the end: the file grows by a page. */
	memset(page, 'e', sizeof(page));
	show("pwrite 4 KiB before the end",
	     pwrite(fd, page, 4096, (off_t)(10 * GIB - 4096)));
	show("pwrite 4 KiB at the end", pwrite(fd, page, 4096, (off_t)(10 * GIB)));
	show("its size", (long)size_of(fd));
	seek("SEEK_DATA after the hello", fd, 3 * GIB + 4096, SEEK_DATA);
	seek("SEEK_HOLE there", fd, 10 * GIB - 4096, SEEK_HOLE);
	return fd;
}

/* A shared mapping of a hole: a page written through it is the file's,
 * and after a punch it reads zeros again. */
static void mapped(int fd)
{
	char *view = mmap(NULL, 10 * GIB, PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0);
	char byte = 0;

	show_yes("mmap 10 GiB shared", view != MAP_FAILED);
	if (view == MAP_FAILED)
		return;
	int64_t before = used(fd);

	show_yes("a hole reads zero through it", view[7 * GIB] == 0);

	view[7 * GIB + 10] = 'm';
	show("pread what it wrote", pread(fd, &byte, 1, (off_t)(7 * GIB + 10)));
	show_yes("m", byte == 'm');
	show_yes("the file took a page for it", used(fd) >= before + 4096);
	show("punch the page", fallocate(fd, FALLOC_FL_PUNCH_HOLE |
					     FALLOC_FL_KEEP_SIZE,
					 (off_t)(7 * GIB), 4096));
	show_yes("the view reads zero", view[7 * GIB + 10] == 0);
	view[7 * GIB + 20] = 'n';
	show("pread after a second write", pread(fd, &byte, 1,
						 (off_t)(7 * GIB + 20)));
	show_yes("n", byte == 'n');
	show("munmap", munmap(view, 10 * GIB));
}

/* Punching and allocating in a written file. */
static void punched(void)
{
	static unsigned char bytes[MIB], back[MIB];
	int fd = open("sparse.b", O_CREAT | O_RDWR | O_TRUNC, 0644);

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)(i % 251 + 1);
	show("write 1 MiB", write(fd, bytes, sizeof(bytes)));
	int64_t full = used(fd);

	show_yes("it takes 1 MiB", full >= (int64_t)MIB);
	show("punch without KEEP_SIZE", fallocate(fd, FALLOC_FL_PUNCH_HOLE,
						  0, 4096));
	show("punch [64 KiB, 128 KiB)",
	     fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       64 * KIB, 64 * KIB));
	show_yes("it takes 64 KiB less", used(fd) <= full - (int64_t)(64 * KIB));
	show("punch 5000 bytes at 300000",
	     fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       300000, 5000));
	show("punch 200 bytes across the hole's end",
	     fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       128 * KIB - 100, 200));
	show("punch past the end",
	     fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       2 * MIB, 4096));
	show("its size", (long)size_of(fd));
	show("pread it all", pread(fd, back, sizeof(back), 0));
	int right = 1;

	for (size_t i = 0; i < sizeof(back); i++) {
		int hole = (i >= 64 * KIB && i < 128 * KIB + 100) ||
			   (i >= 300000 && i < 305000);

		right &= back[i] == (hole ? 0 : bytes[i]);
	}
	show_yes("zeros in the holes, the bytes elsewhere", right);
	seek("SEEK_HOLE from 0", fd, 0, SEEK_HOLE);
	seek("SEEK_DATA from the hole", fd, 64 * KIB, SEEK_DATA);

	show("fallocate 1 MiB on", fallocate(fd, 0, (off_t)MIB, (off_t)MIB));
	show("its size", (long)size_of(fd));
	show_yes("it takes 2 MiB less the holes' pages",
		 used(fd) >= (int64_t)(2 * MIB - 72 * KIB));
	show("fallocate KEEP_SIZE past the end",
	     fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)(2 * MIB), 4096));
	show("its size", (long)size_of(fd));
	show("pread the allocated range", pread(fd, back, sizeof(back),
						(off_t)MIB));
	show_yes("zeros", all_zero(back, sizeof(back)));
	show("close", close(fd));
	show("unlink sparse.b", unlink("sparse.b"));
}

/* Truncating keeps the holes' zeros, copying copies them. */
static void truncated_and_copied(int fd)
{
	unsigned char back[16 * KIB];
	int copy = open("sparse.c", O_CREAT | O_RDWR | O_TRUNC, 0644);
	loff_t from = (loff_t)(3 * GIB - 8 * KIB), to = 0;

	show("copy_file_range 16 KiB around the hello",
	     copy_file_range(fd, &from, copy, &to, sizeof(back), 0));
	show("pread the copy", pread(copy, back, sizeof(back), 0));
	show_yes("hello in zeros", memcmp(back + 8 * KIB + 100, "hello", 5) == 0 &&
					all_zero(back, 8 * KIB + 100) &&
					all_zero(back + 8 * KIB + 105,
						 8 * KIB - 105));
	show("close the copy", close(copy));
	show("unlink sparse.c", unlink("sparse.c"));

	show("ftruncate to 3 GiB + 102", ftruncate(fd, (off_t)(3 * GIB + 102)));
	show("ftruncate to 4 GiB", ftruncate(fd, (off_t)(4 * GIB)));
	memset(back, 'x', sizeof(back));
	show("pread at 3 GiB + 100", pread(fd, back, 5, (off_t)(3 * GIB + 100)));
	show_yes("he and zeros", memcmp(back, "he\0\0\0", 5) == 0);
	seek("SEEK_HOLE from 3 GiB", fd, 3 * GIB, SEEK_HOLE);
	seek("SEEK_DATA from 3 GiB + 4 KiB", fd, 3 * GIB + 4096, SEEK_DATA);
}

/* Three more files of 10 GiB, each with a page at its end. */
static void many(void)
{
	int ok = 1;

	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "sparse.m%d", i);
		int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);

		ok &= fd >= 0 && ftruncate(fd, (off_t)(10 * GIB)) == 0 &&
		      pwrite(fd, "end", 3, (off_t)(10 * GIB)) == 3 &&
		      size_of(fd) == (int64_t)(10 * GIB + 3) && close(fd) == 0;
	}
	show_yes("three more 10 GiB files", ok);
	for (int i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "sparse.m%d", i);
		ok &= unlink(name) == 0;
	}
	show_yes("they go", ok);
}

int main(void)
{
	int fd = holes_and_data();

	mapped(fd);
	punched();
	truncated_and_copied(fd);
	many();
	show("close", close(fd));
	show("unlink sparse.a", unlink("sparse.a"));
	printf("%d failed\n", *show_failures());
	return *show_failures() != 0;
}
