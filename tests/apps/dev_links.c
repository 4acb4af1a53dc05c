/*
 * What /dev has beside the devices on every Linux system (differential):
 * /dev/fd, /dev/stdin, /dev/stdout and /dev/stderr, links into
 * /proc/self/fd that programs open by name (a server's log going to
 * /dev/stdout), and /dev/shm, where POSIX shared memory (shm_open) and
 * named semaphores (sem_open) live.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "show_util.h"

static void links(void)
{
	static const char *const names[] = { "/dev/fd", "/dev/stdin",
					     "/dev/stdout", "/dev/stderr" };
	char target[64];

	for (int i = 0; i < 4; i++) {
		ssize_t length = readlink(names[i], target, sizeof(target));

		printf("%s -> %.*s\n", names[i], (int)(length < 0 ? 0 : length),
		       target);
	}
	int out = open("/dev/stdout", O_WRONLY);

	show("open /dev/stdout", out >= 0 ? 0 : -1);
	dprintf(out, "  written to /dev/stdout\n");
	close(out);
	out = open("/dev/fd/1", O_WRONLY);
	dprintf(out, "  written to /dev/fd/1\n");
	close(out);
	int in = open("/dev/stdin", O_RDONLY);
	char byte;

	show("read /dev/stdin (empty)", read(in, &byte, 1));
	close(in);
	DIR *fds = opendir("/dev/fd");
	int standard = 0;

	for (struct dirent *entry; fds && (entry = readdir(fds));)
		standard += strcmp(entry->d_name, "0") == 0 ||
			    strcmp(entry->d_name, "1") == 0 ||
			    strcmp(entry->d_name, "2") == 0;
	printf("/dev/fd lists 0, 1 and 2: %s\n", standard == 3 ? "yes" : "no");
	if (fds)
		closedir(fds);
}

static void shared_memory(void)
{
	char name[64];
	struct stat st;

	show("stat /dev/shm", stat("/dev/shm", &st));
	printf("  directory %d, mode %04o\n", S_ISDIR(st.st_mode),
	       (unsigned)(st.st_mode & 07777));
	snprintf(name, sizeof(name), "/wicket-shm-%d", getpid());
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);

	show("shm_open, new", fd >= 0 ? 0 : -1);
	show("ftruncate", ftruncate(fd, 4096));
	char *one = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int again = shm_open(name, O_RDWR, 0);
	char *two = mmap(NULL, 4096, PROT_READ, MAP_SHARED, again, 0);

	strcpy(one, "shared bytes");
	printf("through the other mapping: %s\n", two);
	show("shm_open with O_EXCL again",
	     shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600));
	show("shm_unlink", shm_unlink(name));
	show("shm_open after it", shm_open(name, O_RDWR, 0));
	munmap(one, 4096);
	munmap(two, 4096);
	close(fd);
	close(again);

	snprintf(name, sizeof(name), "/wicket-sem-%d", getpid());
	sem_t *semaphore = sem_open(name, O_CREAT | O_EXCL, 0600, 2);
	int value = -1;

	show("sem_open", semaphore == SEM_FAILED ? -1 : 0);
	if (semaphore == SEM_FAILED)
		return;
	show("sem_wait", sem_wait(semaphore));
	show("sem_wait", sem_wait(semaphore));
	show("sem_trywait", sem_trywait(semaphore));
	show("sem_post", sem_post(semaphore));
	sem_getvalue(semaphore, &value);
	printf("value %d\n", value);
	sem_t *same = sem_open(name, 0);

	show("sem_open it again", same == SEM_FAILED ? -1 : 0);
	show("sem_trywait through it", sem_trywait(same));
	sem_close(same);
	sem_close(semaphore);
	show("sem_unlink", sem_unlink(name));
	show("sem_open after it", sem_open(name, 0) == SEM_FAILED ? -1 : 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	links();
	shared_memory();
	return 0;
}
