/*
 * prctl (differential): a thread's name (the program's file name at
 * start, PR_SET_NAME's 15 bytes, inherited by a new thread, each thread's
 * own), and the process settings a program reads back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

static void show(const char *what, long result)
{
	if (result < 0)
		printf("%s: -1 %s\n", what, errno == EINVAL ? "EINVAL"
					   : errno == EFAULT ? "EFAULT"
							     : "other");
	else
		printf("%s: %ld\n", what, result);
	errno = 0;
}

static void print_name(const char *who)
{
	char name[16] = { 0 };

	prctl(PR_GET_NAME, name);
	printf("%s: name \"%s\"\n", who, name);
}

static void *thread(void *arg)
{
	(void)arg;
	print_name("new thread");
	prctl(PR_SET_NAME, "worker");
	print_name("new thread, renamed");
	return NULL;
}

int main(int argc, char **argv)
{
	char name[16] = { 0 };
	const char *base = strrchr(argv[0], '/');
	int value = -1;
	pthread_t id;

	(void)argc;
	base = base ? base + 1 : argv[0];
	prctl(PR_GET_NAME, name);
	printf("first name is the file name: %s\n",
	       strncmp(name, base, 15) == 0 ? "yes" : name);
	show("PR_SET_NAME", prctl(PR_SET_NAME, "a-name-longer-than-fifteen"));
	print_name("main");
	pthread_create(&id, NULL, thread, NULL);
	pthread_join(id, NULL);
	print_name("main after the thread");
	show("PR_SET_NAME(bad pointer)", prctl(PR_SET_NAME, (char *)16));
	show("PR_GET_NAME(bad pointer)", prctl(PR_GET_NAME, (char *)16));

	show("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
	show("PR_SET_DUMPABLE(0)", prctl(PR_SET_DUMPABLE, 0));
	show("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE));
	show("PR_SET_DUMPABLE(5)", prctl(PR_SET_DUMPABLE, 5));
	show("PR_SET_PDEATHSIG(SIGTERM)", prctl(PR_SET_PDEATHSIG, SIGTERM));
	prctl(PR_GET_PDEATHSIG, &value);
	printf("PR_GET_PDEATHSIG: %d\n", value);
	show("PR_SET_PDEATHSIG(100)", prctl(PR_SET_PDEATHSIG, 100));
	show("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	show("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	show("PR_GET_NO_NEW_PRIVS", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	show("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1));
	prctl(PR_GET_CHILD_SUBREAPER, &value);
	printf("PR_GET_CHILD_SUBREAPER: %d\n", value);
	show("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP));
	show("unknown option", prctl(0x7fff0000, 0, 0, 0, 0));
	return 0;
}
