/*
 * Extended attributes (differential, as root): set, get, list and remove
 * through paths, links and descriptors; XATTR_CREATE and XATTR_REPLACE;
 * sizes asked with 0 and buffers too small; the name and value limits;
 * the namespaces and who may use them (user.* on regular files and
 * directories only, a sticky directory's owner, trusted.* and security.*
 * with CAP_SYS_ADMIN, which the test drops); IN_ATTRIB on a change; and
 * a hard link sharing its file's. Not here: "system." names (POSIX ACLs,
 * which Linux's file systems check and Wicket does not keep). Names are
 * listed sorted (file systems
 * list them in orders of their own); values stay small, as ext4 keeps a
 * file's attributes in one block.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "show_util.h"

static char directory[64];

static const char *path_of(const char *name)
{
	return path_in(directory, name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* listxattr's names, sorted, on one line. */
static void show_list(const char *label, ssize_t size, const char *names)
{
	const char *sorted[64];
	int count = 0;

	show(label, size);
	for (const char *at = names; size > 0 && at < names + size && count < 64;
	     at += strlen(at) + 1)
		sorted[count++] = at;
	qsort(sorted, (size_t)count, sizeof(*sorted), by_name);
	printf(" ");
	for (int i = 0; i < count; i++)
		printf(" %s", sorted[i]);
	printf("\n");
}

static void show_value(const char *label, ssize_t size, const char *value)
{
	show(label, size);
	if (size > 0)
		printf("  \"%.*s\"\n", (int)size, value);
}

#define CAPABILITY_VERSION_3 0x20080522
#define CAP_SYS_ADMIN        21

/* capget's and capset's structures (linux/capability.h's). */
struct cap_header {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

/* Drops CAP_SYS_ADMIN from the effective set (and only it). */
static void drop_sys_admin(void)
{
	struct cap_header header = { CAPABILITY_VERSION_3, 0 };
	struct cap_data data[2];

	syscall(SYS_capget, &header, data);
	data[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
	show("drop CAP_SYS_ADMIN", syscall(SYS_capset, &header, data));
}

int main(void)
{
	char value[256], names[1024], big[70000];
	const char *file, *other;

	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(directory, sizeof(directory), "/tmp/wicket-xattr-%d",
		 getpid());
	mkdir(directory, 0755);
	file = strdup(path_of("file"));
	close(open(file, O_CREAT | O_WRONLY, 0644));
	int fd = open(file, O_RDWR);
	int in = inotify_init1(IN_NONBLOCK);

	inotify_add_watch(in, file, IN_ATTRIB);

	show("set user.one", setxattr(file, "user.one", "first", 5, 0));
	show("set user.two", setxattr(file, "user.two", "", 0, 0));
	show("fset user.three", fsetxattr(fd, "user.three", "3", 1, 0));
	show("set trusted.t", setxattr(file, "trusted.t", "tt", 2, 0));
	show("set security.s", setxattr(file, "security.s", "ss", 2, 0));
	show("IN_ATTRIB queued", read(in, names, sizeof(names)) > 0);
	show_list("list", listxattr(file, names, sizeof(names)), names);
	show("list's size", listxattr(file, NULL, 0));
	show("list into too small a buffer", listxattr(file, names, 5));
	show_value("get user.one", getxattr(file, "user.one", value,
					    sizeof(value)),
		   value);
	show("get user.one's size", getxattr(file, "user.one", NULL, 0));
	show("get into too small a buffer",
	     getxattr(file, "user.one", value, 2));
	show("get user.two (empty)", getxattr(file, "user.two", value,
					      sizeof(value)));
	show_value("fget user.three", fgetxattr(fd, "user.three", value,
						sizeof(value)),
		   value);
	show("get a missing one", getxattr(file, "user.none", value,
					   sizeof(value)));
	show("XATTR_CREATE on one there",
	     setxattr(file, "user.one", "x", 1, XATTR_CREATE));
	show("XATTR_REPLACE on one missing",
	     setxattr(file, "user.none", "x", 1, XATTR_REPLACE));
	show("XATTR_REPLACE", setxattr(file, "user.one", "second value", 12,
				       XATTR_REPLACE));
	show_value("get user.one", getxattr(file, "user.one", value,
					    sizeof(value)),
		   value);
	show("XATTR_CREATE", setxattr(file, "user.four", "4", 1,
				      XATTR_CREATE));
	show("a bad flag", setxattr(file, "user.one", "x", 1, 4));
	show("remove user.two", removexattr(file, "user.two"));
	show("remove it again", removexattr(file, "user.two"));
	show("fremove user.three", fremovexattr(fd, "user.three"));
	show_list("list", listxattr(file, names, sizeof(names)), names);
	show_list("flist", flistxattr(fd, names, sizeof(names)), names);

	/* Limits and names. */
	char long_name[300];

	memset(long_name, 'n', sizeof(long_name));
	memcpy(long_name, "user.", 5);
	long_name[255] = '\0';
	show("a 255-byte name", setxattr(file, long_name, "x", 1, 0));
	show("get it", getxattr(file, long_name, value, sizeof(value)));
	show("remove it", removexattr(file, long_name));
	long_name[255] = 'n';
	long_name[256] = '\0';
	show("a 256-byte name", setxattr(file, long_name, "x", 1, 0));
	show("an empty name", setxattr(file, "", "x", 1, 0));
	show("a value of 65,537 bytes",
	     setxattr(file, "user.big", big, 65537, 0));
	memset(big, 'v', 2000);
	show("a value of 2,000 bytes",
	     setxattr(file, "user.big", big, 2000, 0));
	show("get it", getxattr(file, "user.big", big + 4000, 4000));
	show("equal", memcmp(big, big + 4000, 2000) == 0);
	removexattr(file, "user.big");
	show("no namespace", setxattr(file, "plain", "x", 1, 0));
	show("an unknown namespace", setxattr(file, "other.x", "x", 1, 0));
	show("a bad name address", setxattr(file, (const char *)8, "x", 1, 0));
	show("a bad value address",
	     setxattr(file, "user.x", (const char *)8, 1, 0));
	show("get into a bad address",
	     getxattr(file, "user.one", (char *)8, sizeof(value)));
	show("a missing file", setxattr(path_of("none"), "user.x", "x", 1, 0));
	show("a bad descriptor", fsetxattr(99, "user.x", "x", 1, 0));
	int path_fd = open(file, O_PATH);

	show("an O_PATH descriptor", fgetxattr(path_fd, "user.one", value,
					       sizeof(value)));
	close(path_fd);

	/* Other kinds of file. */
	other = strdup(path_of("dir"));
	mkdir(other, 0755);
	show("user.* on a directory", setxattr(other, "user.d", "d", 1, 0));
	show_list("its list", listxattr(other, names, sizeof(names)), names);
	symlink("file", path_of("link"));
	show_value("get through a link",
		   getxattr(path_of("link"), "user.one", value, sizeof(value)),
		   value);
	show("lset user.* on the link itself",
	     lsetxattr(path_of("link"), "user.l", "l", 1, 0));
	show("lget user.* on the link itself",
	     lgetxattr(path_of("link"), "user.l", value, sizeof(value)));
	show("lset trusted.* on the link itself",
	     lsetxattr(path_of("link"), "trusted.l", "l", 1, 0));
	show_list("llist", llistxattr(path_of("link"), names, sizeof(names)),
		  names);
	mkfifo(path_of("fifo"), 0644);
	show("user.* on a FIFO", setxattr(path_of("fifo"), "user.f", "f", 1,
					  0));
	show("get user.* of a FIFO",
	     getxattr(path_of("fifo"), "user.f", value, sizeof(value)));
	int pipe_ends[2];

	if (pipe(pipe_ends) == 0) {
		show("fset user.* on a pipe",
		     fsetxattr(pipe_ends[0], "user.p", "p", 1, 0));
		show("fset trusted.* on a pipe",
		     fsetxattr(pipe_ends[0], "trusted.p", "p", 1, 0));
		close(pipe_ends[0]);
		close(pipe_ends[1]);
	}
	link(file, path_of("hard"));
	show_list("a hard link's list",
		  listxattr(path_of("hard"), names, sizeof(names)), names);

	/* Without CAP_SYS_ADMIN. */
	drop_sys_admin();
	show_list("list", listxattr(file, names, sizeof(names)), names);
	show("get trusted.t", getxattr(file, "trusted.t", value,
				       sizeof(value)));
	show("set trusted.t", setxattr(file, "trusted.t", "x", 1, 0));
	show_value("get security.s", getxattr(file, "security.s", value,
					      sizeof(value)),
		   value);
	show("set security.s", setxattr(file, "security.s", "x", 1, 0));
	show("remove security.s", removexattr(file, "security.s"));
	show("set user.* still", setxattr(file, "user.five", "5", 1, 0));

	close(fd);
	close(in);
	unlink(path_of("hard"));
	unlink(path_of("fifo"));
	unlink(path_of("link"));
	rmdir(other);
	unlink(file);
	show("rmdir", rmdir(directory));
	return 0;
}
