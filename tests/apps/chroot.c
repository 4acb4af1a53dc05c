/*
 * chroot: "/" and ".." stop at the new root, for paths, an absolute
 * link's target and a script's interpreter alike; the working directory
 * stays where it was (getcwd says "(unreachable)" before it, which glibc
 * turns into ENOENT); what is outside (/proc) is gone; a descriptor
 * opened before still reaches outside; Linux's errors, CAP_SYS_CHROOT.
 * Differential, as root; the jail is removed through that descriptor.
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

#define CAP_SYS_CHROOT 18

static char jail[64] = "/tmp/jail-XXXXXX";

static void show_file(const char *label, const char *path)
{
	char text[64] = { 0 };
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		show(label, -1);
		return;
	}
	if (read(fd, text, sizeof(text) - 1) < 0)
		text[0] = '\0';
	printf("%s: \"%.*s\"\n", label, (int)strcspn(text, "\n"), text);
	close(fd);
}

static void show_cwd(const char *label)
{
	char text[256];

	if (getcwd(text, sizeof(text)) == NULL) {
		show(label, -1);
		return;
	}
	/* The jail's own name is this run's: say JAIL. */
	char *at = strstr(text, jail);

	if (at)
		printf("%s: %.*sJAIL%s\n", label, (int)(at - text), text,
		       at + strlen(jail));
	else
		printf("%s: %s\n", label, text);
}

static void make_jail(void)
{
	char path[128];

	if (mkdtemp(jail) == NULL)
		perror("mkdtemp");
	snprintf(path, sizeof(path), "%s/etc", jail);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/hello", jail);
	int fd = open(path, O_WRONLY | O_CREAT, 0644);

	if (write(fd, "inside\n", 7) != 7)
		perror("write");
	close(fd);
	snprintf(path, sizeof(path), "%s/abs", jail);
	symlink("/etc/hello", path);
	snprintf(path, sizeof(path), "%s/up", jail);
	symlink("../../../../etc/hello", path);
}

/* Without CAP_SYS_CHROOT in the effective set, chroot is EPERM. */
static void without_the_capability(void)
{
	struct { uint32_t version; int pid; } header = { 0x20080522, 0 };
	struct { uint32_t effective, permitted, inheritable; } data[2];

	syscall(SYS_capget, &header, data);
	data[0].effective &= ~(1u << CAP_SYS_CHROOT);
	syscall(SYS_capset, &header, data);
	show("chroot without CAP_SYS_CHROOT", chroot("/"));
	data[0].effective |= 1u << CAP_SYS_CHROOT;
	syscall(SYS_capset, &header, data);
}

int main(void)
{
	struct stat root, dots;

	make_jail();
	show("chroot to nothing", chroot("/nonexistent"));
	show("chroot to a file", chroot("/dev/null"));
	without_the_capability();
	int outside = open("/", O_RDONLY | O_DIRECTORY);

	show("chroot", chroot(jail));
	show_cwd("getcwd, still outside");
	show_file("/etc/hello", "/etc/hello");
	show_file("through an absolute link", "/abs");
	show_file("through ../../..", "/up");
	show_file("/../../etc/hello", "/../../etc/hello");
	stat("/", &root);
	stat("/..", &dots);
	show_yes("/.. is /", root.st_ino == dots.st_ino &&
			     root.st_dev == dots.st_dev);
	show("/proc/self", access("/proc/self", F_OK));
	show("chdir /", chdir("/"));
	show_cwd("getcwd");
	show("chdir ..", chdir(".."));
	show_cwd("getcwd");
	show("mkdir /made", mkdir("/made", 0700));
	/* The new root has no name to lose (a libOS fault once). */
	show("rmdir /", rmdir("/"));
	show("rename / away", rename("/", "/moved"));
	show("rename onto /", rename("/made", "/"));

	/* A descriptor from before reaches outside: the jail, from there. */
	char path[128];

	snprintf(path, sizeof(path), "%s/made", jail + 1);
	struct stat made;

	show("fstatat through it", fstatat(outside, path, &made, 0));
	show("fchdir to it", fchdir(outside));
	show_cwd("getcwd");
	show_file("a relative path from there", "tmp/../dev/null");

	/* An empty directory as the root: "/" cannot be removed, twice
	 * (the second once faulted the libOS); chroot(".") from the old
	 * working directory comes back out. */
	snprintf(path, sizeof(path), "%s/empty", jail + 1);
	mkdirat(outside, path, 0755);
	show("chroot to an empty directory", chroot(path));
	show("rmdir /", rmdir("/"));
	show("rmdir / again", rmdir("/"));
	show("chroot . from outside", chroot("."));
	show_yes("back at the top", access("proc", F_OK) == 0);

	/* The jail goes, through the descriptor. */
	const char *names[] = { "made", "empty", "abs", "up", "etc/hello",
				"etc" };

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		snprintf(path, sizeof(path), "%s/%s", jail + 1, names[i]);
		unlinkat(outside, path,
			 i < 2 || i == 5 ? AT_REMOVEDIR : 0);
	}
	show("the jail removed", unlinkat(outside, jail + 1, AT_REMOVEDIR));
	return 0;
}
