/*
 * hello: the default appliance. An ordinary C program for Linux, built
 * statically with musl; it behaves the same on the host and under Wicket.
 * It greets, then prints each of its arguments (argv[1..]) on a line of
 * its own, and exits 0.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world\n");
	for (int i = 1; i < argc; i++)
		printf("%s\n", argv[i]);
	return fflush(stdout) == 0 ? 0 : 1;
}
