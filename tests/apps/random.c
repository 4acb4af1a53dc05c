/*
 * Differential test: getrandom and getentropy. Random bytes differ on every
 * run, so only facts about them are printed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static void yesno(const char *what, int value)
{
	printf("%s: %s\n", what, value ? "yes" : "no");
}

int main(void)
{
	unsigned char a[64], b[64], big[4096];
	ssize_t r1, r2;

	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	r1 = getrandom(a, sizeof a, 0);
	r2 = getrandom(b, sizeof b, 0);
	printf("getrandom(64) returned %zd and %zd\n", r1, r2);
	yesno("the two results differ", memcmp(a, b, sizeof a) != 0);
	int zero_a = 1;
	for (size_t i = 0; i < sizeof a; i++)
		zero_a &= a[i] == 0;
	yesno("the first result is not all zero", !zero_a);

	r1 = getrandom(a, 1, GRND_NONBLOCK);
	printf("getrandom(1, GRND_NONBLOCK) returned %zd\n", r1);
	r1 = getrandom(a, 0, 0);
	printf("getrandom(0) returned %zd\n", r1);

	r1 = getrandom(big, sizeof big, 0);
	printf("getrandom(4096) returned %zd\n", r1);
	unsigned ones = 0;
	for (size_t i = 0; i < sizeof big; i++)
		ones += (unsigned)__builtin_popcount(big[i]);
	/* 32768 bits: the count of ones is within 15000..17768 with a
	 * probability indistinguishable from 1. */
	yesno("about half of 32768 bits are set", ones > 15000 && ones < 17768);
	printf("VARIES ones: %u\n", ones);

	memset(b, 0, sizeof b);
	int r = getentropy(b, 32);
	printf("getentropy(32) returned %d\n", r);
	int zero_b = 1;
	for (size_t i = 0; i < 32; i++)
		zero_b &= b[i] == 0;
	yesno("getentropy filled the buffer", !zero_b);
	errno = 0;
	r = getentropy(b, 257);
	printf("getentropy(257) returned %d, errno %s\n", r,
	       errno == EIO ? "EIO" : errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	r1 = getrandom(a, 8, 0x40000);
	printf("getrandom with unknown flags returned %zd, errno %s\n", r1,
	       errno == EINVAL ? "EINVAL" : "other");
	return 0;
}
