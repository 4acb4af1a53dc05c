/*
 * Differential test: abort(). On Linux the process dies of SIGABRT, which
 * the harness compares as exit status 134 (128 + 6). Under Wicket the libOS
 * reports the signal on one extra line ("wicket: app killed by SIGABRT...")
 * and exits with 134; the test's definition allows exactly that line.
 * stdout is flushed first: abort() does not flush stdio.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("about to abort\n");
	fflush(stdout);
	abort();
	printf("abort returned\n");
	return 1;
}
