/*
 * System V shared memory (libos/linux/sysv_shm.c): segments made
 * private or by key, attached twice (one memory), read-only, detached,
 * their state (IPC_STAT), changed (IPC_SET), removed while attached, and
 * Linux's errors. Differential: ids and times are the host's own, so
 * the program prints what it checks of them. Every segment is removed
 * at the end (on the host they would outlive the program).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#include "show_util.h"

#ifndef SHM_DEST
#define SHM_DEST 01000
#endif

static void show_state(const char *label, int id)
{
	struct shmid_ds ds;

	if (shmctl(id, IPC_STAT, &ds) < 0) {
		show(label, -1);
		return;
	}
	printf("%s: size %zu, mode %03o%s, %lu attached, created by us %s\n",
	       label, (size_t)ds.shm_segsz, (unsigned)ds.shm_perm.mode & 0777,
	       ds.shm_perm.mode & SHM_DEST ? " (to be removed)" : "",
	       (unsigned long)ds.shm_nattch,
	       ds.shm_perm.cuid == geteuid() && ds.shm_cpid == getpid() ?
		       "yes" : "no");
}

static int private_segment(void)
{
	int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);

	printf("-- a private segment\n");
	show_yes("made", id >= 0);
	show_state("state", id);

	char *first = shmat(id, NULL, 0), *second = shmat(id, NULL, 0);

	show_yes("attached twice at two addresses", first != (void *)-1 &&
		 second != (void *)-1 && first != second);
	show_yes("page-aligned", ((uintptr_t)first & 4095) == 0);
	show_yes("zeroed", first[0] == 0 && first[9999] == 0);
	strcpy(first, "shared bytes");
	first[10000 + 100] = 'x'; /* the rest of its last page */
	printf("the other sees \"%s\"\n", second);
	show_state("state", id);

	const char *reader = shmat(id, NULL, SHM_RDONLY);

	printf("read-only: \"%s\"\n", reader);
	show("detach", shmdt(second));
	show("detach again", shmdt(second));
	show("detach inside", shmdt(first + 4096));
	show("detach a misaligned address", shmdt(first + 1));
	show("detach the read-only", shmdt(reader));
	show_state("state", id);

	/* munmap of an attach is a detach too. */
	char *mapped = shmat(id, NULL, 0);

	show("munmap an attach", munmap(mapped, 12288));
	show_state("after it", id);
	return id;
}

static void errors(int id)
{
	char *first;

	printf("-- errors\n");
	/* A removed segment's id (the host's ids are shared by every
	 * program, so a neighbour's number could be another test's). */
	int removed = shmget(IPC_PRIVATE, 100, IPC_CREAT | 0600);

	shmctl(removed, IPC_RMID, NULL);
	show("shmat a removed segment's id", (long)shmat(removed, NULL, 0));
	show("shmat a negative id", (long)shmat(-1, NULL, 0));
	show("shmat misaligned", (long)shmat(id, (void *)0x12345, 0));
	show("shmat SHM_REMAP without an address",
	     (long)shmat(id, NULL, SHM_REMAP));
	first = shmat(id, NULL, 0);
	show("shmat over it", (long)shmat(id, first, 0) == (long)first ? 0 : -1);
	show("shmat over it with SHM_REMAP",
	     (long)shmat(id, first, SHM_REMAP) == (long)first ? 0 : -1);
	show("shmat SHM_RND", (long)shmat(id, first + 5, SHM_RND | SHM_REMAP)
				      == (long)first ? 0 : -1);
	printf("still \"%s\"\n", first);
	shmdt(first);
	show("size 0", shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	show("shmctl a bad command", shmctl(id, 1000, NULL));
	show("shmctl a bad id", shmctl(-5, IPC_STAT, NULL));
	struct shmid_ds ds;

	show("IPC_STAT to a bad buffer", shmctl(id, IPC_STAT,
						(struct shmid_ds *)8));
	shmctl(id, IPC_STAT, &ds);
	ds.shm_perm.mode = 0640 | 07000;
	show("IPC_SET", shmctl(id, IPC_SET, &ds));
	show_state("state", id);
}

static void keyed_segment(void)
{
	/* A key of this run's own (the host's segments live on). */
	key_t key = (key_t)(0x57000000 | (getpid() & 0xffffff));
	int id = shmget(key, 5000, IPC_CREAT | IPC_EXCL | 0640);

	printf("-- a segment by key\n");
	show_yes("made", id >= 0);
	show("again with IPC_EXCL", shmget(key, 5000, IPC_CREAT | IPC_EXCL));
	show_yes("found by its key", shmget(key, 0, 0) == id);
	show_yes("found with IPC_CREAT", shmget(key, 100, IPC_CREAT) == id);
	show("larger than it is", shmget(key, 8000, 0));
	/* A key no test makes. */
	show("another key", shmget((key & 0xffffff) | 0x5e000000, 100, 0));

	char *memory = shmat(id, NULL, 0);

	strcpy(memory, "kept");
	show("IPC_RMID while attached", shmctl(id, IPC_RMID, NULL));
	show_state("state", id);
	show("its key now", shmget(key, 0, 0));
	printf("the memory stays: \"%s\"\n", memory);
	show("detach the last", shmdt(memory));
	show("IPC_STAT after", shmctl(id, IPC_STAT, NULL));
}

int main(void)
{
	int id = private_segment();

	errors(id);
	keyed_segment();
	show("IPC_RMID", shmctl(id, IPC_RMID, NULL));
	show("IPC_RMID again", shmctl(id, IPC_RMID, NULL));
	return 0;
}
