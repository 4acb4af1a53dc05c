/*
 * Differential test: exit statuses. Exits with the status given as argv[1]
 * (0..255); argv[2] chooses how: "return" from main (the default), "exit",
 * or "_exit" (which skips the atexit handler and stdio's flush, so the
 * program flushes first), or "unterminated": return, the output's last
 * line without its newline (the kernel's exit line then follows on the
 * same line, and the runner must still find it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void handler(void)
{
	printf("atexit handler ran\n");
}

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;
	const char *how = argc > 2 ? argv[2] : "return";

	if (!strcmp(how, "unterminated")) {
		printf("exiting with status %d, no newline", status);
		return status;
	}
	atexit(handler);
	printf("exiting with status %d by %s\n", status, how);
	if (!strcmp(how, "exit"))
		exit(status);
	if (!strcmp(how, "_exit")) {
		fflush(stdout);
		_exit(status);
	}
	return status;
}
