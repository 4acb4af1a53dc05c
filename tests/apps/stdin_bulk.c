/*
 * More input than the console keeps (16 KiB against the libOS's 4 KiB
 * buffer), arriving while the program sleeps: every byte must still come
 * through, in order. Differential: the same count and hash on Linux, where
 * stdin is the file itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec pause = { 0, 300 * 1000 * 1000 };
	char buffer[1000];
	uint64_t hash = 0xcbf29ce484222325u; /* FNV-1a */
	long bytes = 0, lines = 0, reads = 0;
	ssize_t count;

	nanosleep(&pause, NULL);
	while ((count = read(0, buffer, sizeof(buffer))) > 0) {
		reads++;
		for (ssize_t i = 0; i < count; i++) {
			hash = (hash ^ (uint8_t)buffer[i]) * 0x100000001b3u;
			lines += buffer[i] == '\n';
		}
		bytes += count;
	}
	printf("read %ld bytes in %ld lines, hash %016llx, last read %zd\n",
	       bytes, lines, (unsigned long long)hash, count);
	return reads > 0 ? 0 : 1;
}
