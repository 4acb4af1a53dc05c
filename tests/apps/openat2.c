/*
 * openat2: struct open_how checked as Linux checks it, and the resolve
 * flags: RESOLVE_BENEATH and RESOLVE_IN_ROOT (the dirfd as a fence, or as
 * the root), RESOLVE_NO_SYMLINKS, RESOLVE_NO_MAGICLINKS (/proc's links to
 * objects), RESOLVE_NO_XDEV (/proc is another file system),
 * RESOLVE_CACHED. Differential; the directory it makes is removed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "show_util.h"

#define RESOLVE_NO_XDEV       0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS   0x04
#define RESOLVE_BENEATH       0x08
#define RESOLVE_IN_ROOT       0x10
#define RESOLVE_CACHED        0x20

struct open_how {
	uint64_t flags, mode, resolve;
};

/* openat2's answer as a line: its file's first word when it opened one
 * that reads, "opened" for the others, or the error. */
static void try(const char *label, int dirfd, const char *path,
		uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct open_how how = { flags, mode, resolve };
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	char text[32] = { 0 };

	if (fd < 0) {
		show(label, -1);
		return;
	}
	if (!(flags & O_PATH) && read((int)fd, text, sizeof(text) - 1) > 0)
		printf("%s: \"%.*s\"\n", label, (int)strcspn(text, " \n"), text);
	else
		printf("%s: opened\n", label);
	close((int)fd);
}

static void how_checked(int dir)
{
	struct { struct open_how how; uint64_t more; } big = { { 0 }, 0 };
	static char page[5000];

	printf("-- struct open_how\n");
	show("a short one", syscall(SYS_openat2, dir, "file", &big, 16));
	show("a longer one, zeros after", syscall(SYS_openat2, dir, "file",
						  &big, sizeof(big)) >= 0 ? 0 : -1);
	big.more = 1;
	show("a longer one, not zero after",
	     syscall(SYS_openat2, dir, "file", &big, sizeof(big)));
	show("past a page", syscall(SYS_openat2, dir, "file", page,
				    sizeof(page)));
	show("a bad address", syscall(SYS_openat2, dir, "file", 8, 24));
	try("an unknown flag", dir, "file", UINT64_C(1) << 40, 0, 0);
	try("a mode without O_CREAT", dir, "file", O_RDONLY, 0600, 0);
	try("a mode past 07777", dir, "new", O_CREAT | O_WRONLY, 010000, 0);
	try("O_PATH with O_RDWR", dir, "file", O_PATH | O_RDWR, 0, 0);
	try("an unknown resolve flag", dir, "file", O_RDONLY, 0, 0x40);
	try("BENEATH and IN_ROOT", dir, "file", O_RDONLY, 0,
	    RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	try("CACHED", dir, "file", O_RDONLY, 0, RESOLVE_CACHED);
	try("CACHED with O_CREAT", dir, "new", O_CREAT | O_WRONLY, 0600,
	    RESOLVE_CACHED);
	try("O_CREAT with a mode", dir, "new", O_CREAT | O_WRONLY, 0640, 0);
	struct stat st;

	fstatat(dir, "new", &st, 0);
	printf("  its mode %03o\n", (unsigned)st.st_mode & 0777);
}

static void scoped(int dir)
{
	printf("-- RESOLVE_BENEATH\n");
	try("a file", dir, "file", O_RDONLY, 0, RESOLVE_BENEATH);
	try("sub/../file", dir, "sub/../file", O_RDONLY, 0, RESOLVE_BENEATH);
	try("..", dir, "..", O_RDONLY, 0, RESOLVE_BENEATH);
	try("sub/../..", dir, "sub/../..", O_RDONLY, 0, RESOLVE_BENEATH);
	try("an absolute path", dir, "/", O_RDONLY, 0, RESOLVE_BENEATH);
	try("a relative link inside", dir, "inside", O_RDONLY, 0,
	    RESOLVE_BENEATH);
	try("an absolute link", dir, "absolute", O_RDONLY, 0,
	    RESOLVE_BENEATH);
	try("a link out", dir, "out", O_RDONLY, 0, RESOLVE_BENEATH);
	try("a new file", dir, "made", O_CREAT | O_WRONLY, 0600,
	    RESOLVE_BENEATH);

	printf("-- RESOLVE_IN_ROOT\n");
	try("/file", dir, "/file", O_RDONLY, 0, RESOLVE_IN_ROOT);
	try("../../file", dir, "../../file", O_RDONLY, 0, RESOLVE_IN_ROOT);
	try("an absolute link to /file", dir, "rooted", O_RDONLY, 0,
	    RESOLVE_IN_ROOT);
	try("without it", dir, "rooted", O_RDONLY, 0, 0);
}

static void links_and_devices(int dir)
{
	int proc = open("/proc", O_RDONLY | O_DIRECTORY);
	int root = open("/", O_RDONLY | O_DIRECTORY);

	printf("-- links\n");
	try("NO_SYMLINKS, a link", dir, "inside", O_RDONLY, 0,
	    RESOLVE_NO_SYMLINKS);
	try("NO_SYMLINKS, O_PATH|O_NOFOLLOW on a link", dir, "inside",
	    O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS);
	try("NO_SYMLINKS, a file", dir, "file", O_RDONLY, 0,
	    RESOLVE_NO_SYMLINKS);
	try("NO_SYMLINKS, /proc/self", proc, "self/limits", O_RDONLY, 0,
	    RESOLVE_NO_SYMLINKS);
	try("NO_MAGICLINKS, /proc/self (a plain link)", proc, "self/limits",
	    O_RDONLY, 0, RESOLVE_NO_MAGICLINKS);
	try("NO_MAGICLINKS, /proc/self/exe", proc, "self/exe", O_RDONLY, 0,
	    RESOLVE_NO_MAGICLINKS);
	try("NO_MAGICLINKS, /proc/self/fd/0", proc, "self/fd/0", O_RDONLY, 0,
	    RESOLVE_NO_MAGICLINKS);
	try("NO_MAGICLINKS, /proc/self/cwd/", proc, "self/cwd/", O_RDONLY, 0,
	    RESOLVE_NO_MAGICLINKS);
	try("BENEATH, /proc/self/fd/0", proc, "self/fd/0", O_RDONLY, 0,
	    RESOLVE_BENEATH);
	try("IN_ROOT, /proc/self/exe", proc, "self/exe", O_RDONLY, 0,
	    RESOLVE_IN_ROOT);
	try("BENEATH, /proc/self/status", proc, "self/limits", O_RDONLY, 0,
	    RESOLVE_BENEATH);

	printf("-- RESOLVE_NO_XDEV\n");
	try("into /proc", root, "proc/version", O_RDONLY, 0, RESOLVE_NO_XDEV);
	try("within /proc", proc, "version", O_RDONLY, 0, RESOLVE_NO_XDEV);
	try("out of /proc", proc, "..", O_RDONLY, 0, RESOLVE_NO_XDEV);
	try("within our directory", dir, "sub/../file", O_RDONLY, 0,
	    RESOLVE_NO_XDEV);
	close(proc);
	close(root);
}

int main(void)
{
	char directory[64] = "/tmp/openat2-XXXXXX", path[128];

	if (mkdtemp(directory) == NULL)
		return 1;
	int dir = open(directory, O_RDONLY | O_DIRECTORY);
	int fd = openat(dir, "file", O_WRONLY | O_CREAT, 0644);

	if (write(fd, "inner file\n", 11) != 11)
		return 1;
	close(fd);
	mkdirat(dir, "sub", 0755);
	symlinkat("sub/../file", dir, "inside");
	symlinkat("/etc/passwd", dir, "absolute");
	symlinkat("../../etc/passwd", dir, "out");
	symlinkat("/file", dir, "rooted");

	how_checked(dir);
	scoped(dir);
	links_and_devices(dir);

	const char *names[] = { "file", "new", "made", "inside", "absolute",
				"out", "rooted" };

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		unlinkat(dir, names[i], 0);
	unlinkat(dir, "sub", AT_REMOVEDIR);
	snprintf(path, sizeof(path), "%s", directory);
	show("removed", rmdir(path));
	return 0;
}
