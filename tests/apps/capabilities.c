/*
 * Capabilities as root has them: capget's version handshake and errors,
 * capset dropping and raising under Linux's rules, the bounding set and
 * the ambient set through prctl, and /proc/self/status. Only what does
 * not depend on which capabilities the host's root was given is printed
 * (a container gives fewer): the program works with CAP_CHOWN and
 * CAP_KILL, which root has everywhere. Same output as on Linux, as root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define VERSION_1 0x19980330u
#define VERSION_3 0x20080522u
#define CHOWN 0
#define KILL 5

struct header {
	uint32_t version;
	int pid;
};

struct data {
	uint32_t effective, permitted, inheritable;
};

static long capget(struct header *header, struct data *data)
{
	return syscall(SYS_capget, header, data);
}

static long capset(struct header *header, const struct data *data)
{
	return syscall(SYS_capset, header, data);
}

static void show(const char *what, long result)
{
	printf("%s: %ld%s%s\n", what, result, result < 0 ? " " : "",
	       result < 0 ? strerror(errno) : "");
}

/* The three sets' low words as version 3 gives them. */
static struct data now(void)
{
	struct header header = { VERSION_3, 0 };
	struct data data[2];

	capget(&header, data);
	return data[0];
}

static void has(const char *what, uint32_t capability)
{
	struct data sets = now();

	printf("%s: effective %d permitted %d inheritable %d\n", what,
	       (sets.effective >> capability) & 1,
	       (sets.permitted >> capability) & 1,
	       (sets.inheritable >> capability) & 1);
}

static void status_line(const char *name)
{
	char line[128];
	FILE *status = fopen("/proc/self/status", "r");

	while (status && fgets(line, sizeof(line), status))
		if (strncmp(line, name, strlen(name)) == 0)
			printf("%s", line);
	if (status)
		fclose(status);
}

static void handshake(void)
{
	struct header header = { 0, 0 };
	struct data data[2];

	show("capget, version 0, no data", capget(&header, NULL));
	printf("version given back: %#x\n", header.version);
	show("capget, version 3, no data", capget(&header, NULL));
	header.version = 1;
	show("capget, version 1 (unknown)", capget(&header, data));
	printf("version given back: %#x\n", header.version);
	header = (struct header){ VERSION_3, 99999 };
	show("capget, no such pid", capget(&header, data));
	header.pid = -1;
	show("capget, pid -1", capget(&header, data));
	header.pid = 0;
	show("capget, bad data", capget(&header, (struct data *)8));
	show("capget, bad header", capget((struct header *)8, data));
	header.pid = getpid();
	show("capget, own pid", capget(&header, data));
	printf("effective is permitted: %d, none inheritable: %d\n",
	       data[0].effective == data[0].permitted &&
		       data[1].effective == data[1].permitted,
	       data[0].inheritable == 0 && data[1].inheritable == 0);
	struct data old[2] = { 0 };

	header = (struct header){ VERSION_1, 0 };
	show("capget, version 1", capget(&header, old));
	printf("version 1 agrees: %d, and fills one struct: %d\n",
	       old[0].effective == data[0].effective, old[1].effective == 0);
}

static void dropping(void)
{
	struct header header = { VERSION_3, 0 };
	struct data data[2];

	capget(&header, data);
	has("CAP_CHOWN at first", CHOWN);
	data[0].effective &= ~(1u << CHOWN);
	show("capset, CAP_CHOWN not effective", capset(&header, data));
	has("then", CHOWN);
	data[0].effective |= 1u << CHOWN;
	show("capset, effective again", capset(&header, data));
	has("then", CHOWN);
	header.pid = 99999;
	show("capset, another pid", capset(&header, data));
	header.pid = 0;
	data[0].permitted &= ~(1u << CHOWN);
	show("capset, effective beyond permitted", capset(&header, data));
	data[0].effective &= ~(1u << CHOWN);
	show("capset, CAP_CHOWN dropped", capset(&header, data));
	has("then", CHOWN);
	data[0].permitted |= 1u << CHOWN;
	show("capset, permitted again", capset(&header, data));
	show("capset, bad data", capset(&header, (struct data *)8));
	header.version = 7;
	show("capset, bad version", capset(&header, data));
	printf("version given back: %#x\n", header.version);
}

static void bounding_and_ambient(void)
{
	struct header header = { VERSION_3, 0 };
	struct data data[2];

	show("PR_CAPBSET_READ CAP_CHOWN", prctl(PR_CAPBSET_READ, CHOWN));
	show("PR_CAPBSET_READ 64", prctl(PR_CAPBSET_READ, 64));
	show("PR_CAPBSET_DROP CAP_CHOWN", prctl(PR_CAPBSET_DROP, CHOWN));
	show("PR_CAPBSET_READ CAP_CHOWN", prctl(PR_CAPBSET_READ, CHOWN));
	show("PR_CAPBSET_DROP 64", prctl(PR_CAPBSET_DROP, 64));

	show("ambient CAP_KILL set",
	     prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, KILL, 0, 0));
	show("ambient raise, not inheritable",
	     prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, KILL, 0, 0));
	capget(&header, data);
	data[0].inheritable |= 1u << KILL;
	show("capset, CAP_KILL inheritable", capset(&header, data));
	status_line("CapInh:");
	show("ambient raise",
	     prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, KILL, 0, 0));
	show("ambient CAP_KILL set",
	     prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, KILL, 0, 0));
	status_line("CapAmb:");
	show("ambient with a stray argument",
	     prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, KILL, 1, 0));
	show("ambient, unknown operation",
	     prctl(PR_CAP_AMBIENT, 9, KILL, 0, 0));
	data[0].inheritable = 0;
	show("capset, none inheritable", capset(&header, data));
	show("ambient CAP_KILL set (it went with inheritable)",
	     prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, KILL, 0, 0));
	show("ambient clear all, stray argument",
	     prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0));
	show("ambient clear all",
	     prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
	status_line("CapAmb:");
}

int main(void)
{
	handshake();
	dropping();
	bounding_and_ambient();
	return 0;
}
