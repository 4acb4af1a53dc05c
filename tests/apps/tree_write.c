/*
 * Changing a file tree (differential): in tests/apps/tree (the host run
 * gets a fresh copy as its working directory, Wicket the archive as its
 * root), the program creates, writes, truncates, renames, links
 * symbolically, changes modes and times, and removes, and prints what
 * each call answered and what the tree then holds. Only what Linux's
 * file systems share is printed: no hard links, O_TMPFILE or
 * RENAME_EXCHANGE (not every host file system has them; the "wicket"
 * argument's mode prints Wicket's answers to those for a boot check).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tree_util.h"



/* A file's size, permission bits and contents (up to 40 bytes, newlines
 * as '|', zeros as '0'). */
static void show_file(const char *path)
{
	char buffer[41];
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("file %s: -1 (%s)\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	ssize_t count = read(fd, buffer, sizeof(buffer) - 1);

	for (ssize_t i = 0; i < count; i++)
		buffer[i] = buffer[i] == '\n' ? '|' : buffer[i] == 0 ? '0'
			    : buffer[i];
	buffer[count < 0 ? 0 : count] = '\0';
	printf("file %s: %04o size %lld \"%s\"\n", path,
	       (unsigned)(st.st_mode & 07777), (long long)st.st_size, buffer);
	close(fd);
}



static long write_text(int fd, const char *text)
{
	return write(fd, text, strlen(text));
}

static void creating(void)
{
	int fd;

	printf("-- creating and writing\n");
	umask(022);
	show("mkdir scratch", mkdir("scratch", 0777));
	show("mkdir scratch again", mkdir("scratch", 0777));
	show("mkdir in a missing directory", mkdir("missing/x", 0777));
	show("mkdir under a file", mkdir("hello.txt/x", 0777));
	show("mkdir with a trailing slash", mkdir("scratch/sub/", 0700));
	fd = show("create a.txt 0666", open("scratch/a.txt",
					    O_CREAT | O_WRONLY, 0666));
	show("write", write_text(fd, "hello\n"));
	show("read from a write-only descriptor", read(fd, (char[4]){ 0 }, 4));
	close(fd);
	show_file("scratch/a.txt");
	show("O_CREAT|O_EXCL of it", open("scratch/a.txt",
					  O_CREAT | O_EXCL | O_WRONLY, 0600));
	show("O_CREAT with a trailing slash", open("scratch/new/",
						   O_CREAT | O_WRONLY, 0600));
	show("O_CREAT in a missing directory", open("missing/new",
						    O_CREAT | O_WRONLY, 0600));
	fd = open("scratch/a.txt", O_WRONLY | O_APPEND);
	show("append", write_text(fd, "world\n"));
	show("pwrite at 0 with O_APPEND", pwrite(fd, "!", 1, 0));
	show("offset after", lseek(fd, 0, SEEK_CUR));
	close(fd);
	show_file("scratch/a.txt");

	fd = open("scratch/a.txt", O_RDWR);
	show("pwrite at 2", pwrite(fd, "LL", 2, 2));
	show("lseek to 20", lseek(fd, 20, SEEK_SET));
	show("write past the end", write_text(fd, "end"));
	close(fd);
	show_file("scratch/a.txt");
	show("truncate to 4", truncate("scratch/a.txt", 4));
	show_file("scratch/a.txt");
	fd = open("scratch/a.txt", O_RDWR);
	show("ftruncate to 9", ftruncate(fd, 9));
	show("ftruncate to -1", ftruncate(fd, -1));
	close(fd);
	show_file("scratch/a.txt");
	fd = open("scratch/a.txt", O_RDONLY);
	show("ftruncate a read-only descriptor", ftruncate(fd, 0));
	show("write a read-only descriptor", write_text(fd, "x"));
	close(fd);
	show("truncate a directory", truncate("scratch", 0));
	fd = open("scratch/a.txt", O_RDONLY | O_TRUNC);
	show("O_RDONLY|O_TRUNC", fd >= 0);
	close(fd);
	show_file("scratch/a.txt");
	fd = open("scratch/a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	show("O_CREAT|O_TRUNC of it", write_text(fd, "again\n"));
	close(fd);
	show_file("scratch/a.txt");
	show("creat b.txt", fd = creat("scratch/b.txt", 0600));
	close(fd);
	show("mknod c.txt", mknod("scratch/c.txt", S_IFREG | 0644, 0));
	show_file("scratch/b.txt");
	show_file("scratch/c.txt");

	/* An archive file changes in place; the link to it sees it. */
	fd = open("hello.txt", O_WRONLY | O_APPEND);
	show("append to hello.txt", write_text(fd, "second line\n"));
	close(fd);
	show_file("hello.txt");
	show_file("links/to-hello");
	show_file("deep/a/b/c/d.txt");
}

static void large(void)
{
	char chunk[7001];
	uint64_t hash = 1469598103934665603u;
	struct stat st;
	int fd = open("scratch/large", O_CREAT | O_RDWR, 0644);

	printf("-- a large file\n");
	for (int i = 0; i < 43; i++) {
		memset(chunk, 'a' + i % 26, sizeof(chunk));
		chunk[sizeof(chunk) - 1] = '\n';
		if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk))
			check(0, "a 7001-byte write");
	}
	fstat(fd, &st);
	printf("size %lld, blocks hold it %d\n", (long long)st.st_size,
	       st.st_blocks * 512 >= st.st_size);
	lseek(fd, 0, SEEK_SET);
	ssize_t count;
	uint64_t total = 0;

	while ((count = read(fd, chunk, 4096)) > 0) {
		for (ssize_t i = 0; i < count; i++)
			hash = (hash ^ (uint8_t)chunk[i]) * 1099511628211u;
		total += (uint64_t)count;
	}
	printf("read back %llu bytes, hash %016llx\n",
	       (unsigned long long)total, (unsigned long long)hash);
	char *map = mmap(NULL, 20000, PROT_READ, MAP_PRIVATE, fd, 8192);

	show("mmap private at 8192", map == MAP_FAILED ? -1 : 0);
	if (map != MAP_FAILED) {
		pread(fd, chunk, 20, 8192 + 7000);
		check(memcmp(map + 7000, chunk, 20) == 0,
		      "the mapping holds what was written");
		munmap(map, 20000);
	}
	show("ftruncate to 5000", ftruncate(fd, 5000));
	show("ftruncate to 10000", ftruncate(fd, 10000));
	memset(chunk, 1, 5000);
	show("pread 5000 at 5000", pread(fd, chunk, 5000, 5000));
	int zeros = 1;

	for (int i = 0; i < 5000; i++)
		zeros &= chunk[i] == 0;
	printf("  zeros after the shrink and growth: %d\n", zeros);
	close(fd);
}

static void renaming(void)
{
	printf("-- renaming\n");
	show("rename a.txt to d.txt", rename("scratch/a.txt", "scratch/d.txt"));
	show_file("scratch/d.txt");
	show_file("scratch/a.txt");
	show("rename d.txt over b.txt", rename("scratch/d.txt",
					      "scratch/b.txt"));
	show_file("scratch/b.txt");
	show("rename to itself", rename("scratch/b.txt", "scratch/b.txt"));
	show("rename a missing name", rename("scratch/nothing", "scratch/x"));
	show("rename into a missing directory",
	     rename("scratch/b.txt", "scratch/missing/x"));
	show("mkdir sub/inner", mkdir("scratch/sub/inner", 0755));
	show("rename a directory below itself",
	     rename("scratch/sub", "scratch/sub/inner/sub"));
	show("rename a file over a directory",
	     rename("scratch/b.txt", "scratch/sub"));
	show("rename a directory over a file",
	     rename("scratch/sub", "scratch/b.txt"));
	show("mkdir empty", mkdir("scratch/empty", 0755));
	show("rename a directory over a non-empty one",
	     rename("scratch/empty", "scratch/sub"));
	show("rename a directory over an empty one",
	     rename("scratch/sub", "scratch/empty"));
	list("scratch");
	list("scratch/empty");
	show("renameat2 NOREPLACE over a name",
	     syscall(SYS_renameat2, AT_FDCWD, "scratch/c.txt", AT_FDCWD,
		     "scratch/b.txt", 1));
	show("renameat2 NOREPLACE to a new name",
	     syscall(SYS_renameat2, AT_FDCWD, "scratch/c.txt", AT_FDCWD,
		     "scratch/e.txt", 1));
	show("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD,
					    "scratch/e.txt", AT_FDCWD,
					    "scratch/f.txt", 64));
	show("rename an archive file into scratch",
	     rename("data/empty", "scratch/was-empty"));
	list("data");
	int directory = open("scratch", O_RDONLY | O_DIRECTORY);

	show("renameat from a directory descriptor",
	     renameat(directory, "e.txt", directory, "empty/e.txt"));
	close(directory);
	list("scratch/empty");
}

static void links_and_attributes(void)
{
	char target[64];
	struct stat st;
	struct timespec times[2] = { { 1000000000, 123456789 },
				     { 1234567890, 987654321 } };

	printf("-- links and attributes\n");
	show("symlink", symlink("../hello.txt", "scratch/hello-link"));
	show("symlink over a name", symlink("x", "scratch/hello-link"));
	show("symlink to an empty target", symlink("", "scratch/empty-link"));
	ssize_t length = readlink("scratch/hello-link", target, sizeof(target));

	printf("readlink: %.*s\n", (int)(length < 0 ? 0 : length), target);
	show_file("scratch/hello-link");
	show("lstat", lstat("scratch/hello-link", &st));
	printf("  link %d size %lld\n", S_ISLNK(st.st_mode),
	       (long long)st.st_size);
	show("symlink dangling", symlink("nowhere/x", "scratch/dangling"));
	show("open O_CREAT through a link into a missing directory",
	     open("scratch/dangling", O_CREAT | O_WRONLY, 0644));
	show("chmod 0751", chmod("scratch/b.txt", 0751));
	show("chmod through a link", chmod("scratch/hello-link", 0600));
	show_file("scratch/b.txt");
	show_file("hello.txt");
	int fd = open("scratch/b.txt", O_RDONLY);

	show("fchmod 04755", fchmod(fd, 04755));
	show("fstat", fstat(fd, &st));
	printf("  mode %04o\n", (unsigned)(st.st_mode & 07777));
	show("fchown 0 0", fchown(fd, 0, 0));
	show("fstat", fstat(fd, &st));
	printf("  mode %04o uid %u\n", (unsigned)(st.st_mode & 07777),
	       (unsigned)st.st_uid);
	show("utimensat", utimensat(AT_FDCWD, "scratch/b.txt", times, 0));
	show("fstat", fstat(fd, &st));
	printf("  atime %lld.%09ld mtime %lld.%09ld\n",
	       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	times[0].tv_nsec = UTIME_OMIT;
	times[1].tv_sec = 5;
	times[1].tv_nsec = 6;
	show("futimens, atime omitted", futimens(fd, times));
	show("fstat", fstat(fd, &st));
	printf("  atime %lld.%09ld mtime %lld.%09ld\n",
	       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	times[1].tv_nsec = 1000000000;
	show("utimensat, a bad nanosecond count",
	     utimensat(AT_FDCWD, "scratch/b.txt", times, 0));
	show("utimensat of a missing name",
	     utimensat(AT_FDCWD, "scratch/none", NULL, 0));
	close(fd);
}

static void show_links(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		printf("  %s: links %lu\n", path, (unsigned long)st.st_nlink);
	else
		printf("  %s: %s\n", path, strerror(errno));
}

/* Hard links: one file, several names. */
static void hard_links(void)
{
	struct stat one, two;
	char buffer[32] = { 0 };

	printf("-- hard links\n");
	mkdir("hard", 0755);
	int fd = open("hard/one", O_CREAT | O_RDWR, 0640);

	write_text(fd, "first");
	show("link", link("hard/one", "hard/two"));
	stat("hard/one", &one);
	stat("hard/two", &two);
	printf("  same inode %d, links %lu %lu, mode %o\n",
	       one.st_ino == two.st_ino, (unsigned long)one.st_nlink,
	       (unsigned long)two.st_nlink, (unsigned)(two.st_mode & 07777));
	show("fstat through the first name's descriptor", fstat(fd, &one));
	printf("  links %lu\n", (unsigned long)one.st_nlink);
	int other = open("hard/two", O_WRONLY | O_APPEND);

	show("append through the second name", write_text(other, "+second"));
	close(other);
	show_file("hard/one");
	show("link over a name", link("hard/one", "hard/two"));
	show("link a directory", link("hard", "hard/dir-link"));
	show("link a missing name", link("hard/none", "hard/x"));
	show("link into a missing directory", link("hard/one", "hard/no/x"));
	show("link with a trailing slash", link("hard/one", "hard/x/"));
	show("link /dev/null here", link("/dev/null", "hard/null"));
	show("linkat bad flags", linkat(AT_FDCWD, "hard/one", AT_FDCWD,
					"hard/x", 0x10));
	show("link a file of the tree", link("hello.txt", "hard/hello"));
	show_file("hard/hello");
	show_links("hello.txt");
	symlink("one", "hard/sym");
	show("link a symbolic link", link("hard/sym", "hard/sym2"));
	show_links("hard/sym2");
	ssize_t length = readlink("hard/sym2", buffer, sizeof(buffer) - 1);

	printf("  readlink: %.*s\n", (int)(length < 0 ? 0 : length), buffer);
	show("linkat AT_SYMLINK_FOLLOW", linkat(AT_FDCWD, "hard/sym", AT_FDCWD,
						"hard/three", AT_SYMLINK_FOLLOW));
	show_links("hard/one");
	show_links("hard/three");
	list("hard");
	show("rename a name over another of its file",
	     rename("hard/two", "hard/three"));
	show_links("hard/two");
	show("rename a second name away", rename("hard/three", "hard/moved"));
	show("unlink the first name", unlink("hard/one"));
	show_links("hard/two");
	show_file("hard/two");
	show_file("hard/moved");
	show("fstat the open one", fstat(fd, &one));
	printf("  links %lu\n", (unsigned long)one.st_nlink);
	list("hard");
	show("unlink the second", unlink("hard/two"));
	show("unlink the third", unlink("hard/moved"));
	show("fstat, no name left", fstat(fd, &one));
	printf("  links %lu size %lld\n", (unsigned long)one.st_nlink,
	       (long long)one.st_size);
	memset(buffer, 0, sizeof(buffer));
	show("read it still", pread(fd, buffer, sizeof(buffer) - 1, 0));
	printf("  %s\n", buffer);
	close(fd);
	show("rmdir with names in it", rmdir("hard"));
	unlink("hard/hello");
	unlink("hard/sym");
	unlink("hard/sym2");
	show("rmdir once they are gone", rmdir("hard"));
	show_links("hello.txt");
}

static void removing(void)
{
	char buffer[16] = "";
	struct stat st;

	printf("-- removing\n");
	show("unlink a directory", unlink("scratch/empty"));
	show("rmdir a file", rmdir("scratch/b.txt"));
	show("rmdir a non-empty directory", rmdir("scratch/empty"));
	show("rmdir scratch/empty/.", rmdir("scratch/empty/."));
	show("rmdir scratch/empty/..", rmdir("scratch/empty/.."));
	show("unlink scratch/.", unlink("scratch/."));
	show("unlink a missing name", unlink("scratch/none"));
	show("unlink a link, not its file", unlink("scratch/hello-link"));
	show_file("hello.txt");

	/* An open file outlives its name. */
	int fd = open("scratch/b.txt", O_RDWR);

	show("unlink b.txt while open", unlink("scratch/b.txt"));
	show_file("scratch/b.txt");
	show("fstat the open one", fstat(fd, &st));
	printf("  nlink %ld size %lld\n", (long)st.st_nlink,
	       (long long)st.st_size);
	show("write to it", write_text(fd, "still"));
	show("read it back", pread(fd, buffer, 5, 0));
	printf("  \"%.5s\"\n", buffer);
	close(fd);
	show("create b.txt again", fd = open("scratch/b.txt",
					     O_CREAT | O_RDWR, 0644));
	show("fstat", fstat(fd, &st));
	printf("  size %lld\n", (long long)st.st_size);
	close(fd);

	/* A removed working directory. */
	show("mkdir gone", mkdir("scratch/gone", 0755));
	show("chdir into it", chdir("scratch/gone"));
	show("rmdir it from inside", rmdir("../gone"));
	show("getcwd", getcwd(buffer, sizeof(buffer)) ? 0 : -1);
	show("create in it", open("new", O_CREAT | O_WRONLY, 0644));
	show("chdir ../..", chdir("../.."));
	list(".");
}

/* What the review of the first version found: trailing slashes on the
 * calls that name a link itself, times at and before 1970, set-ID bits on
 * mkdir, removed directories listed, O_ACCMODE and O_TMPFILE's flags. */
static void edges(void)
{
	struct timespec times[2] = { { 0, 0 }, { -5, 500 } };
	struct stat st;
	char buffer[512];
	int fd;

	printf("-- edges\n");
	mkdir("scratch/dir", 0755);
	symlink("dir", "scratch/to-dir");
	symlink("nowhere", "scratch/dangling2");
	fd = open("scratch/file", O_CREAT | O_WRONLY, 0644);
	close(fd);
	show("rmdir a link to a directory, slashed",
	     rmdir("scratch/to-dir/"));
	show("unlink a link to a directory, slashed",
	     unlink("scratch/to-dir/"));
	show("unlink a file, slashed", unlink("scratch/file/"));
	show("unlink a directory, slashed", unlink("scratch/dir/"));
	show("rename a link to a directory, slashed",
	     rename("scratch/to-dir/", "scratch/moved"));
	show("rename a file onto a directory, slashed",
	     rename("scratch/file", "scratch/dir/"));
	show("rename a file to a new name, slashed",
	     rename("scratch/file", "scratch/new/"));
	show("mkdir a dangling link's name, slashed",
	     mkdir("scratch/dangling2/", 0755));
	show("symlink a new name, slashed", symlink("x", "scratch/new/"));
	show("mknod a new name, slashed",
	     mknod("scratch/new/", S_IFREG | 0644, 0));
	show("mknod a directory", mknod("scratch/nd", S_IFDIR | 0755, 0));
	show("stat the link's directory", stat("scratch/dir", &st));
	show("lstat a link to a directory, slashed",
	     lstat("scratch/to-dir/", &st));
	printf("  directory %d\n", S_ISDIR(st.st_mode));

	show("utimensat to 1970 and before",
	     utimensat(AT_FDCWD, "scratch/file", times, 0));
	show("stat", stat("scratch/file", &st));
	printf("  atime %lld.%09ld mtime %lld.%09ld\n",
	       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
	       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	times[0].tv_nsec = times[1].tv_nsec = UTIME_OMIT;
	show("utimensat, both omitted",
	     utimensat(AT_FDCWD, "scratch/file", times, 0));
	show("utimensat AT_FDCWD with no path",
	     syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0));

	show("mkdir 04777", mkdir("scratch/setid", 04777));
	show("stat", stat("scratch/setid", &st));
	printf("  mode %04o\n", (unsigned)(st.st_mode & 07777));
	show("readlink of an empty path", readlink("", buffer, 10));

	fd = open("scratch/setid", O_RDONLY | O_DIRECTORY);
	show("rmdir a directory open", rmdir("scratch/setid"));
	show("getdents64 of it", syscall(SYS_getdents64, fd, buffer,
					 sizeof(buffer)));
	close(fd);

	fd = open("scratch/file", O_ACCMODE);
	show("open with access mode 3", fd >= 0);
	show("read it", read(fd, buffer, 1));
	show("write it", write(fd, "x", 1));
	close(fd);
	show("__O_TMPFILE without O_DIRECTORY",
	     open("scratch", (O_TMPFILE & ~O_DIRECTORY) | O_RDWR, 0600));
	show("O_TMPFILE | O_CREAT",
	     open("scratch", O_TMPFILE | O_CREAT | O_RDWR, 0600));
}

/* Locks, advice, fallocate and copy_file_range. */
static void file_calls(void)
{
	struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
			      .l_start = 0, .l_len = 10 };
	int fd = open("scratch/calls", O_CREAT | O_RDWR, 0644);
	int reader = open("scratch/calls", O_RDONLY);
	struct stat st;
	char buffer[32] = "";

	printf("-- locks, advice, fallocate, copy_file_range\n");
	show("F_SETLK write lock", fcntl(fd, F_SETLK, &lock));
	show("F_SETLKW write lock again", fcntl(fd, F_SETLKW, &lock));
	show("F_SETLK write lock, read-only descriptor",
	     fcntl(reader, F_SETLK, &lock));
	lock.l_type = F_RDLCK;
	show("F_GETLK", fcntl(reader, F_GETLK, &lock));
	printf("  type is F_UNLCK: %d\n", lock.l_type == F_UNLCK);
	lock.l_type = 7;
	show("F_SETLK bad type", fcntl(fd, F_SETLK, &lock));
	lock.l_type = F_UNLCK;
	show("F_SETLK unlock", fcntl(fd, F_SETLK, &lock));
	lock.l_type = F_RDLCK;
	lock.l_pid = 0;
	show("F_OFD_SETLK read lock", fcntl(reader, F_OFD_SETLK, &lock));
	show("F_SETLK on a bad pointer", fcntl(fd, F_SETLK, (void *)16));
	show("flock LOCK_EX", flock(fd, LOCK_EX));
	show("flock LOCK_UN", flock(fd, LOCK_UN));
	show("flock bad operation", flock(fd, 64));
	/* posix_fadvise returns the error number; errno stays. */
	errno = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	show("posix_fadvise", errno ? -1 : 0);
	errno = posix_fadvise(fd, 0, 0, 99);
	show("posix_fadvise bad advice", errno ? -1 : 0);
	show("fallocate 0..5000", fallocate(fd, 0, 0, 5000));
	fstat(fd, &st);
	printf("  size %lld\n", (long long)st.st_size);
	show("fallocate KEEP_SIZE to 9000", fallocate(fd, 1, 0, 9000));
	fstat(fd, &st);
	printf("  size %lld\n", (long long)st.st_size);
	show("fallocate length 0", fallocate(fd, 0, 0, 0));
	show("fallocate read-only descriptor", fallocate(reader, 0, 0, 10));
	show("fallocate a directory", fallocate(open("scratch", O_RDONLY),
						0, 0, 10));
	pwrite(fd, "0123456789", 10, 0);
	int other = open("scratch/copy", O_CREAT | O_RDWR, 0644);
	loff_t from = 2, to = 1;

	show("copy_file_range 5 from 2 to 1",
	     copy_file_range(fd, &from, other, &to, 5, 0));
	printf("  offsets %lld %lld\n", (long long)from, (long long)to);
	show("copy_file_range from the offsets",
	     copy_file_range(fd, NULL, other, NULL, 3, 0));
	show("copy_file_range past the end",
	     copy_file_range(fd, &(loff_t){ 6000 }, other, NULL, 3, 0));
	show("copy_file_range flags", copy_file_range(fd, NULL, other, NULL,
						     3, 1));
	show("copy_file_range overlapping", copy_file_range(
		fd, &(loff_t){ 0 }, fd, &(loff_t){ 2 }, 5, 0));
	show("pread the copy", pread(other, buffer, sizeof(buffer), 0));
	for (int i = 0; i < 8; i++)
		buffer[i] = buffer[i] ? buffer[i] : '0';
	printf("  \"%.8s\"\n", buffer);
	close(other);
	close(reader);
	close(fd);
}

/* Everything under path goes, depth first. */
static void remove_tree(const char *path)
{
	DIR *directory = opendir(path);
	struct dirent *entry;

	while (directory && (entry = readdir(directory)) != NULL) {
		char child[512];
		struct stat st;

		if (strcmp(entry->d_name, ".") == 0 ||
		    strcmp(entry->d_name, "..") == 0)
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
		if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(child);
		else if (unlink(child) < 0)
			check(0, "unlink under scratch");
		/* The listing goes on past names that went. */
	}
	if (directory)
		closedir(directory);
	if (rmdir(path) < 0)
		check(0, path);
}

static void show_directory(const char *path)
{
	struct stat st;
	char names[16][256];
	int count = 0;
	DIR *directory = opendir(path);
	struct dirent *entry;

	while (directory && (entry = readdir(directory)) != NULL)
		if (strcmp(entry->d_name, ".") != 0 &&
		    strcmp(entry->d_name, "..") != 0 && count < 16)
			snprintf(names[count++], sizeof(names[0]), "%s",
				 entry->d_name);
	if (directory)
		closedir(directory);
	qsort(names, (size_t)count, sizeof(names[0]),
	      (int (*)(const void *, const void *))strcmp);
	if (lstat(path, &st) < 0) {
		printf("  %s: %s\n", path, strerror(errno));
		return;
	}
	printf("  %s: links %lu, names:", path, (unsigned long)st.st_nlink);
	for (int i = 0; i < count; i++)
		printf(" %s", names[i]);
	printf("\n");
}

/* A directory's link count (2 and one per subdirectory), its emptiness
 * for rmdir and its listing, through mkdir, rename and rmdir; and a
 * directory made early whose names come after many other files. */
static void directory_counts(void)
{
	show("mkdir scratch/counts", mkdir("scratch/counts", 0755));
	show("mkdir scratch/early", mkdir("scratch/early", 0755));
	show_directory("scratch/counts");
	mkdir("scratch/counts/a", 0755);
	mkdir("scratch/counts/b", 0755);
	close(open("scratch/counts/f", O_CREAT | O_WRONLY, 0644));
	show_directory("scratch/counts");
	show("rename a into b", rename("scratch/counts/a",
				       "scratch/counts/b/a2"));
	show_directory("scratch/counts");
	show_directory("scratch/counts/b");
	show("rmdir b, not empty", rmdir("scratch/counts/b"));
	show("rename b/a2 over f", rename("scratch/counts/b/a2",
					  "scratch/counts/f"));
	show("rename f over b/a2's old place, a directory",
	     rename("scratch/counts/f", "scratch/counts/b"));
	show("rmdir b/a2", rmdir("scratch/counts/b/a2"));
	show("rmdir b", rmdir("scratch/counts/b"));
	show_directory("scratch/counts");
	show("unlink f", unlink("scratch/counts/f"));
	show_directory("scratch/counts");
	for (int i = 0; i < 40; i++) {
		char name[64];

		snprintf(name, sizeof(name), "scratch/counts/%d", i);
		close(open(name, O_CREAT | O_WRONLY, 0644));
	}
	close(open("scratch/early/late", O_CREAT | O_WRONLY, 0644));
	mkdir("scratch/early/later", 0755);
	show_directory("scratch/early");
	show("rmdir early, not empty", rmdir("scratch/early"));
	unlink("scratch/early/late");
	show("rmdir early/later", rmdir("scratch/early/later"));
	show_directory("scratch/early");
	show("rmdir early", rmdir("scratch/early"));
	show("rmdir counts, 40 files in it", rmdir("scratch/counts"));
}

/* Wicket only: hard links, O_TMPFILE, RENAME_EXCHANGE, shared writable
 * mappings, and what the fixed nodes refuse. */
static void wicket_only(void)
{
	int fd;

	mkdir("/w", 0755);
	fd = open("/w/a", O_CREAT | O_WRONLY, 0644);
	write_text(fd, "A");
	close(fd);
	fd = open("/w/b", O_CREAT | O_WRONLY, 0644);
	write_text(fd, "B");
	close(fd);
	show("renameat2 EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "/w/a",
					   AT_FDCWD, "/w/b", 2));
	show_file("/w/a");
	show_file("/w/b");
	fd = open("/w", O_TMPFILE | O_RDWR, 0600);
	show("O_TMPFILE", fd >= 0);
	show("write to it", write_text(fd, "unnamed"));
	show("O_TMPFILE read-only", open("/w", O_TMPFILE | O_RDONLY, 0600));
	close(fd);
	list("/w");
	fd = open("/w/a", O_RDWR);
	show("mmap shared writable", mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					   MAP_SHARED, fd, 0) == MAP_FAILED
					   ? -1 : 0);
	close(fd);
	show("unlink /dev/null", unlink("/dev/null"));
	show("rename /dev/zero", rename("/dev/zero", "/w/zero"));
	show("rename over /dev/full", rename("/w/a", "/dev/full"));
	show("rmdir /dev", rmdir("/dev"));
	show("rmdir /", rmdir("/"));
	show("mknod a FIFO", mknod("/w/fifo", S_IFIFO | 0600, 0));
	show("create in /dev", fd = open("/dev/mine", O_CREAT | O_WRONLY,
					 0644));
	close(fd);
	show("unlink it", unlink("/dev/mine"));
	show("chmod /dev/null", chmod("/dev/null", 0666));
	show("getxattr", getxattr("/w/a", "user.x", NULL, 0));
	show("fsetxattr", fsetxattr(0, "user.x", "v", 1, 0));
	show("listxattr of a missing name", listxattr("/w/none", NULL, 0));
	show("fallocate COLLAPSE_RANGE", fallocate(open("/w/a", O_RDWR),
						   0x08 /* linux/falloc.h */,
						   0, 4096));
	/* More than the guest's memory: all or nothing, as on Linux. */
	struct stat st;

	fd = open("/w/a", O_RDWR);
	show("fallocate 1 GiB", fallocate(fd, 0, 0, 1 << 30));
	show("the size after", fstat(fd, &st) ? -1 : (long)st.st_size);
	close(fd);
}

/* flock between two opens of one file in one process: they conflict as
 * two processes' would; a dup shares its description's lock; the last
 * close lets it go; a thread waiting for the lock gets it when it goes,
 * and a signal ends such a wait. */
static int flock_second;
static volatile int flock_got;

static void *flock_waiter(void *unused)
{
	(void)unused;
	flock_got = flock(flock_second, LOCK_EX) == 0 ? 1 : -1;
	return NULL;
}

static void on_alarm(int signal)
{
	(void)signal;
}

static void flock_between_opens(void)
{
	int first = open("scratch/locked", O_CREAT | O_RDWR, 0644);
	int again = dup(first);
	pthread_t thread;
	struct sigaction action = { .sa_handler = on_alarm };

	flock_second = open("scratch/locked", O_RDWR);
	printf("-- flock between two opens\n");
	show("first LOCK_EX", flock(first, LOCK_EX));
	show("second LOCK_SH|LOCK_NB", flock(flock_second, LOCK_SH | LOCK_NB));
	show("second LOCK_EX|LOCK_NB", flock(flock_second, LOCK_EX | LOCK_NB));
	show("the dup LOCK_EX|LOCK_NB (the same lock)",
	     flock(again, LOCK_EX | LOCK_NB));
	show("first to LOCK_SH", flock(first, LOCK_SH));
	show("second LOCK_SH|LOCK_NB", flock(flock_second, LOCK_SH | LOCK_NB));
	show("first LOCK_EX|LOCK_NB, second sharing",
	     flock(first, LOCK_EX | LOCK_NB));
	show("second LOCK_UN", flock(flock_second, LOCK_UN));
	show("first LOCK_EX|LOCK_NB", flock(first, LOCK_EX | LOCK_NB));
	pthread_create(&thread, NULL, flock_waiter, NULL);
	usleep(50000);
	printf("  the waiting thread has it: %d\n", flock_got);
	close(first);
	printf("  after closing one of two descriptors: %d\n", flock_got);
	close(again);
	pthread_join(thread, NULL);
	printf("  after closing the last: %d\n", flock_got);
	show("another open LOCK_SH|LOCK_NB",
	     flock(first = open("scratch/locked", O_RDONLY), LOCK_SH | LOCK_NB));
	sigaction(SIGALRM, &action, NULL); /* no SA_RESTART */
	ualarm(50000, 0);
	show("LOCK_EX waiting, then a signal without SA_RESTART",
	     flock(first, LOCK_EX));
	close(first);
	close(flock_second);
	signal(SIGALRM, SIG_DFL);
}

#define MIB (1u << 20)

/* Chunk i of the big file: each page one byte, from i and the page. */
static void big_chunk(char *chunk, unsigned i)
{
	for (unsigned page = 0; page < MIB / 4096; page++)
		memset(chunk + page * 4096, (int)((i * 31 + page) & 0xff), 4096);
}

/* Whether the file's MiB at `at` is chunk i. */
static int big_holds(int fd, char *chunk, char *back, uint64_t at,
		     unsigned i)
{
	big_chunk(chunk, i);
	return pread(fd, back, MIB, (off_t)at) == MIB &&
	       memcmp(chunk, back, MIB) == 0;
}

/* A file larger than 128 MiB (Wicket's data slot per file: it moves to a
 * large slot and back, docs/libos.md). It grows past it by a copy within
 * itself, under a shared view of its start, shrinks back and grows again.
 * Needs more memory than the test runner's default (meson.build). */
static void big(void)
{
	char *chunk = malloc(MIB), *back = malloc(MIB);
	int fd = open("scratch/big", O_CREAT | O_RDWR | O_TRUNC, 0644);
	unsigned written = 0, good = 0;
	char *view = MAP_FAILED;
	struct stat st;

	printf("-- a file past 128 MiB\n");
	for (unsigned i = 0; i < 127; i++) {
		big_chunk(chunk, i);
		written += write(fd, chunk, MIB) == MIB;
		if (i == 0)
			view = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, 0);
	}
	printf("127 MiB written: %u\n", written);
	show("a shared view of its first MiB", view == MAP_FAILED ? -1 : 0);
	if (view == MAP_FAILED)
		return;

	loff_t from = 0, to = 127 * (loff_t)MIB;
	ssize_t copied = 0, count;

	while (copied < 2 * MIB &&
	       (count = copy_file_range(fd, &from, fd, &to, 2 * MIB - copied,
					0)) > 0)
		copied += count;
	printf("copy_file_range of its first 2 MiB to its end: %zd\n", copied);
	for (unsigned i = 129; i < 160; i++) {
		big_chunk(chunk, i);
		written += pwrite(fd, chunk, MIB, i * (off_t)MIB) == MIB;
	}
	fstat(fd, &st);
	printf("after 31 more MiB: size %lld, writes %u\n",
	       (long long)st.st_size, written);
	for (unsigned i = 0; i < 160; i++)
		good += big_holds(fd, chunk, back, i * (uint64_t)MIB,
				  i == 127 ? 0 : i == 128 ? 1 : i);
	printf("MiB read back as written: %u\n", good);

	big_chunk(chunk, 0);
	show("the view still shows the first MiB",
	     memcmp(view, chunk, MIB) == 0);
	memcpy(view + 100, "through the view", 16);
	show("pwrite sees a write to the view",
	     pread(fd, back, 16, 100) == 16 &&
	     memcmp(back, "through the view", 16) == 0);
	pwrite(fd, "through pwrite", 14, 200);
	show("the view sees pwrite", memcmp(view + 200, "through pwrite", 14) == 0);

	show("ftruncate to 100 MiB", ftruncate(fd, 100 * (off_t)MIB));
	show("read at 100 MiB", pread(fd, back, 10, 100 * (off_t)MIB));
	show("MiB 99 is as written", big_holds(fd, chunk, back,
					       99 * (uint64_t)MIB, 99));
	show("the view still shows the writes",
	     memcmp(view + 100, "through the view", 16) == 0 &&
	     memcmp(view + 200, "through pwrite", 14) == 0);
	view[300] = 'v';
	show("and writes to the file", pread(fd, back, 1, 300) == 1 &&
	     back[0] == 'v');

	show("ftruncate to 130 MiB", ftruncate(fd, 130 * (off_t)MIB));
	memset(chunk, 0, MIB);
	good = 0;
	for (unsigned i = 100; i < 130; i++)
		good += pread(fd, back, MIB, i * (off_t)MIB) == MIB &&
			memcmp(back, chunk, MIB) == 0;
	printf("MiB of zeros past 100 MiB: %u\n", good);
	show("MiB 99 is still as written", big_holds(fd, chunk, back,
						     99 * (uint64_t)MIB, 99));
	show("the view still writes to the file",
	     (view[400] = 'w', pread(fd, back, 1, 400) == 1 && back[0] == 'w'));
	show("lseek to the end", lseek(fd, 0, SEEK_END));
	munmap(view, MIB);
	close(fd);
	show("unlink it", unlink("scratch/big"));
	free(chunk);
	free(back);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "wicket") == 0) {
		wicket_only();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "big") == 0) {
		show("mkdir scratch", mkdir("scratch", 0777));
		big();
		remove_tree("scratch");
		printf("%s\n", failures ? "FAILED" : "ok");
		return failures ? 1 : 0;
	}
	creating();
	large();
	renaming();
	links_and_attributes();
	hard_links();
	directory_counts();
	removing();
	edges();
	file_calls();
	flock_between_opens();
	remove_tree("scratch");
	list(".");
	printf("%s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
