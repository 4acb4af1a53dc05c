/*
 * Differential test: uname(2). Only the machine field is the same on every
 * Linux host and under Wicket.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(void)
{
	struct utsname u;
	memset(&u, 0xff, sizeof u);
	int r = uname(&u);
	printf("uname returned %d\n", r);
	printf("machine: %s\n", u.machine);
	printf("sysname, nodename, release, version are terminated: %s\n",
	       memchr(u.sysname, 0, sizeof u.sysname) &&
	       memchr(u.nodename, 0, sizeof u.nodename) &&
	       memchr(u.release, 0, sizeof u.release) &&
	       memchr(u.version, 0, sizeof u.version) ? "yes" : "no");
	printf("VARIES sysname: %s\n", u.sysname);
	printf("VARIES release: %s\n", u.release);
	return 0;
}
