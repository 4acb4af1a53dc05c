/*
 * User and group ids as root changes them (differential, run as root):
 * setgroups and getgroups, setfsuid and a new file's owner, the group of
 * a set-group-ID directory, setresuid and its kin with and without
 * CAP_SETUID, the capabilities following the ids (PR_SET_KEEPCAPS
 * included), files' permissions as a user without capabilities meets
 * them, root regained through a kept capability, the last drop,
 * and the credentials a socket gives and accepts then. The
 * capability sets are printed only as compared with the ones at start:
 * a container's root has fewer than Wicket's.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "show_util.h"

/* capget's and capset's structs (linux/capability.h's, which musl's
 * headers lack), version 3. */
#define CAPABILITY_VERSION_3 0x20080522u
#define CAP_SETUID 7

struct cap_header {
	uint32_t version;
	int pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

static uint64_t start_permitted;

static void sets(uint64_t *effective, uint64_t *permitted)
{
	struct cap_header header = { CAPABILITY_VERSION_3, 0 };
	struct cap_data data[2] = { 0 };

	syscall(SYS_capget, &header, data);
	*effective = data[0].effective | (uint64_t)data[1].effective << 32;
	*permitted = data[0].permitted | (uint64_t)data[1].permitted << 32;
}

static void show_ids(const char *when)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	uint64_t effective, permitted;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	sets(&effective, &permitted);
	printf("%s: uids %u %u %u fs %ld, gids %u %u %u fs %ld\n", when, r, e,
	       s, (long)syscall(SYS_setfsuid, -1), gr, ge, gs,
	       (long)syscall(SYS_setfsgid, -1));
	printf("  permitted %s, effective %s\n",
	       permitted == start_permitted ? "as at start"
	       : permitted == 0	    ? "none"
				    : "other",
	       effective == 0	      ? "none"
	       : effective == permitted ? "all permitted"
					: "some permitted");
}

/* The /proc/self/status lines of ids. */
static void status_ids(void)
{
	char text[4096] = { 0 }, *line;
	int fd = open("/proc/self/status", O_RDONLY);

	read(fd, text, sizeof(text) - 1);
	close(fd);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4) ||
		    !strncmp(line, "Groups:", 7))
			printf("  status %s|\n", line);
}

static void owner(const char *label, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		show(label, -1);
		return;
	}
	printf("%s: uid %u gid %u setgid %s\n", label, st.st_uid, st.st_gid,
	       st.st_mode & S_ISGID ? "yes" : "no");
}

static void groups_calls(void)
{
	gid_t list[8] = { 30, 10, 20 }, got[8];

	show("getgroups(0) at start", getgroups(0, got));
	show("setgroups 30 10 20", setgroups(3, list));
	long count = show("getgroups", getgroups(8, got));

	for (long i = 0; i < count; i++)
		printf("  group %u\n", got[i]);
	status_ids();
	show("getgroups into too few", getgroups(1, got));
	show("getgroups(-1)", getgroups(-1, got));
	list[1] = (gid_t)-1;
	show("setgroups with -1", setgroups(3, list));
	show("setgroups of 65537", setgroups(65537, list));
	show("setgroups from a bad pointer", setgroups(2, (gid_t *)8));
}

static void file_owners(const char *dir)
{
	char path[128];

	chmod(dir, 0777); /* Wicket checks no permissions: Linux would */
	show("setfsuid(1000), the old", syscall(SYS_setfsuid, 1000));
	show("setfsgid(2000), the old", syscall(SYS_setfsgid, 2000));
	show_ids("fs ids 1000 and 2000");
	snprintf(path, sizeof(path), "%s/by-1000", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	owner("a new file", path);
	unlink(path);
	syscall(SYS_setfsuid, 0);
	syscall(SYS_setfsgid, 0);
	show_ids("fs ids 0 again");
	chmod(dir, 02775);
	chown(dir, 0, 50);
	snprintf(path, sizeof(path), "%s/in-setgid", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	owner("a file in a set-group-ID directory", path);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	owner("a directory there", path);
	rmdir(path);
}

/* Files as euid 1000 sees them, root's capabilities gone from the
 * effective set (the real and saved ids stay 0, so root comes back). */
static void permissions(const char *dir)
{
	char path[160], other[160];
	int fd;

#define AT(name) (snprintf(path, sizeof(path), "%s/%s", dir, name), path)
	mkdir(dir, 0755);
	close(open(AT("secret"), O_CREAT | O_WRONLY, 0600));
	close(open(AT("public"), O_CREAT | O_WRONLY, 0644));
	mkdir(AT("private"), 0700);
	close(open(AT("private/inside"), O_CREAT | O_WRONLY, 0644));
	mkdir(AT("sticky"), 0777);
	chmod(AT("sticky"), 01777);
	close(open(AT("sticky/roots"), O_CREAT | O_WRONLY, 0644));
	show("setresuid(-1, 1000, -1)", setresuid(-1, 1000, -1));
	show("open secret to read", fd = open(AT("secret"), O_RDONLY));
	show("open public to read", fd = open(AT("public"), O_RDONLY));
	close(fd);
	show("open public to write", open(AT("public"), O_WRONLY));
	show("open public with O_TRUNC", open(AT("public"),
					      O_RDONLY | O_TRUNC));
	show("open private/inside", open(AT("private/inside"), O_RDONLY));
	struct stat st;

	show("stat private/inside", stat(AT("private/inside"), &st));
	show("stat private", stat(AT("private"), &st));
	show("create in the directory", open(AT("new"), O_CREAT | O_WRONLY,
					     0644));
	show("mkdir in it", mkdir(AT("newdir"), 0755));
	show("unlink public", unlink(AT("public")));
	show("truncate public", truncate(AT("public"), 0));
	show("chdir private", chdir(AT("private")));
	show("chmod public", chmod(AT("public"), 0666));
	show("chown public to 1000", chown(AT("public"), 1000, -1));
	show("access secret R_OK (real ids: root)", access(AT("secret"),
							   R_OK));
	show("faccessat secret R_OK, AT_EACCESS",
	     faccessat(AT_FDCWD, AT("secret"), R_OK, AT_EACCESS));
	show("faccessat public R_OK, AT_EACCESS",
	     faccessat(AT_FDCWD, AT("public"), R_OK, AT_EACCESS));
	show("create in the sticky directory",
	     fd = open(AT("sticky/mine"), O_CREAT | O_WRONLY, 0600));
	close(fd);
	owner("  it", path);
	show("chmod it", chmod(path, 0640));
	show("chown it to root", chown(path, 0, -1));
	snprintf(other, sizeof(other), "%s/sticky/renamed", dir);
	show("rename it", rename(path, other));
	show("unlink root's file there", unlink(AT("sticky/roots")));
	show("rename root's file there", rename(path, other));
	snprintf(other, sizeof(other), "%s/sticky/renamed", dir);
	show("unlink its own", unlink(other));
	show("rename public into sticky",
	     rename(AT("public"), other));
	/* The process's own /proc files are its effective ids'. */
	show("open /proc/self/fd", fd = open("/proc/self/fd",
					     O_RDONLY | O_DIRECTORY));
	close(fd);
	owner("/proc/self/status", "/proc/self/status");
	show("setresuid(-1, 0, -1)", setresuid(-1, 0, -1));
	show("open secret to read as root", fd = open(AT("secret"), O_RDONLY));
	close(fd);
	unlink(AT("secret"));
	unlink(AT("public"));
	unlink(AT("private/inside"));
	rmdir(AT("private"));
	unlink(AT("sticky/roots"));
	rmdir(AT("sticky"));
	rmdir(dir);
#undef AT
}

static void changes(void)
{
	show("setgid(100)", setgid(100));
	show_ids("after setgid(100)");
	show("setresuid(-1, 1000, -1)", setresuid(-1, 1000, -1));
	show_ids("effective 1000");
	show("setuid(2000) without CAP_SETUID", setuid(2000));
	show("setresuid(2000, -1, -1)", setresuid(2000, -1, -1));
	show("setreuid(-1, 0): the real id", setreuid(-1, 0));
	show_ids("effective 0 again");
}

/* The last drop: root's ids gone for good. */
static void last_drop(void)
{
	show("setgroups(0)", setgroups(0, NULL));
	show("setgid(65534)", setgid(65534));
	show("setreuid(1000, 1000)", setreuid(1000, 1000));
	show_ids("real and effective 1000, saved follows");
	status_ids();
	show("setreuid(-1, 0) now", setreuid(-1, 0));
	show("setuid(0) now", setuid(0));
	show("setuid(65534) now", setuid(65534));
	show("setresuid(-1, -1, 1000)", setresuid(-1, -1, 1000));
	show("setgroups now", setgroups(0, NULL));
	show("setfsuid(0) now, the old", syscall(SYS_setfsuid, 0));
	show("setuid(-1)", syscall(SYS_setuid, -1));
	show_ids("at the end");
}

static void keepcaps(void)
{
	struct cap_header header = { CAPABILITY_VERSION_3, 0 };
	struct cap_data data[2] = { 0 };
	uint64_t effective, permitted;

	show("setuid(0) back to root", setuid(0));
	show_ids("root again");
	show("PR_SET_KEEPCAPS 2", prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0));
	show("PR_SET_KEEPCAPS 1", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	show("PR_GET_KEEPCAPS", prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	show("PR_GET_SECUREBITS", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	show("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000));
	show_ids("all 1000, caps kept");
	sets(&effective, &permitted);
	data[0].permitted = (uint32_t)permitted;
	data[1].permitted = (uint32_t)(permitted >> 32);
	data[0].effective = 1u << CAP_SETUID;
	show("capset: CAP_SETUID effective", syscall(SYS_capset, &header,
						      data));
	show("setuid(0) with it", setuid(0));
	show_ids("root by a kept capability");
	show("PR_SET_KEEPCAPS 0", prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
}

static void credentials(void)
{
	int pair[2], on = 1;
	struct ucred peer;
	socklen_t length = sizeof(peer);
	char byte = 'x';
	char control[CMSG_SPACE(sizeof(struct ucred))] = { 0 };
	struct iovec piece = { &byte, 1 };
	struct msghdr message = { .msg_iov = &piece, .msg_iovlen = 1,
				  .msg_control = control,
				  .msg_controllen = sizeof(control) };
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	struct ucred claim = { getpid(), 0, 0 };

	socketpair(AF_UNIX, SOCK_DGRAM, 0, pair);
	setsockopt(pair[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	getsockopt(pair[0], SOL_SOCKET, SO_PEERCRED, &peer, &length);
	printf("SO_PEERCRED: pid %s, uid %u, gid %u\n",
	       peer.pid == getpid() ? "mine" : "other", peer.uid, peer.gid);
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_CREDENTIALS;
	header->cmsg_len = CMSG_LEN(sizeof(claim));
	memcpy(CMSG_DATA(header), &claim, sizeof(claim));
	show("send claiming root", sendmsg(pair[0], &message, 0));
	claim.uid = getuid();
	claim.gid = getgid();
	claim.pid = 1 + getpid();
	memcpy(CMSG_DATA(header), &claim, sizeof(claim));
	show("send claiming another pid", sendmsg(pair[0], &message, 0));
	claim.pid = getpid();
	memcpy(CMSG_DATA(header), &claim, sizeof(claim));
	show("send claiming its own ids", sendmsg(pair[0], &message, 0));
	show("send without a claim", send(pair[0], &byte, 1, 0));
	for (int i = 0; i < 2; i++) {
		message.msg_controllen = sizeof(control);
		recvmsg(pair[1], &message, 0);
		memcpy(&claim, CMSG_DATA(CMSG_FIRSTHDR(&message)),
		       sizeof(claim));
		printf("received: pid %s, uid %u, gid %u\n",
		       claim.pid == getpid() ? "mine" : "other", claim.uid,
		       claim.gid);
	}
	close(pair[0]);
	close(pair[1]);
}

int main(void)
{
	char dir[64];
	uint64_t effective;

	setvbuf(stdout, NULL, _IONBF, 0);
	/* The names a daemon looks up before it drops to them (Wicket's
	 * /etc/passwd and /etc/group when the tree has none). */
	struct passwd *nobody = getpwnam("nobody");
	struct group *nogroup = getgrgid(65534);

	printf("getpwnam nobody: %ld, getgrgid 65534: %s\n",
	       nobody ? (long)nobody->pw_uid : -1L,
	       nogroup ? nogroup->gr_name : "none");
	sets(&effective, &start_permitted);
	show_ids("at start");
	status_ids();
	groups_calls();
	snprintf(dir, sizeof(dir), "/tmp/wicket-identity-%d", getpid());
	mkdir(dir, 0755);
	file_owners(dir);
	rmdir(dir);
	permissions(dir);
	changes();
	keepcaps();
	last_drop();
	credentials();
	return 0;
}
