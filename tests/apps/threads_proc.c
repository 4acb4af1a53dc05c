/*
 * A thread's /proc: /proc/self/task/TID's comm, stat and status, and
 * /proc/thread-self, as pthread_setname_np and pthread_getname_np (which
 * use /proc/self/task/TID/comm for another thread), Go's runtime tests
 * and ps -T read them. Differential: pids and tids are printed as P and
 * T1, T2... (the threads' order of creation).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

#define WORKERS 3

static pid_t tids[WORKERS + 1]; /* [0]: the main thread, = the pid */
static pthread_t handles[WORKERS + 1];
static pthread_barrier_t started, finish;

/* `text` (a path, an id) with every pid and tid named as P or T<n>. */
static const char *relative(const char *text)
{
	static char out[4096];
	size_t at = 0;

	while (*text && at < sizeof(out) - 16) {
		if (*text < '0' || *text > '9') {
			out[at++] = *text++;
			continue;
		}
		char *end;
		long number = strtol(text, &end, 10);
		int named = 0;

		for (int i = 0; i <= WORKERS; i++)
			if (number == tids[i]) {
				at += (size_t)sprintf(out + at, i ? "T%d" : "P",
						      i);
				named = 1;
				break;
			}
		if (!named) {
			memcpy(out + at, text, (size_t)(end - text));
			at += (size_t)(end - text);
		}
		text = end;
	}
	out[at] = '\0';
	return out;
}

static void show_file(const char *label, const char *path)
{
	char text[4096];
	int fd = open(path, O_RDONLY);
	long length = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (length < 0) {
		printf("%s: -1 (%s)\n", label, strerror(errno));
		errno = 0;
	} else {
		text[length] = '\0';
		printf("%s: %s", label, text);
	}
	if (fd >= 0)
		close(fd);
}

/* The lines of a thread's status a differential test can compare (the
 * state only for the reading thread itself: another may be between
 * running and asleep). */
static void show_status(const char *path, int itself)
{
	static const char *const kept[] = { "Name:", "Tgid:", "Pid:",
					    "Uid:", "Gid:", "Threads:",
					    "State:" };
	char line[256];
	FILE *file = fopen(path, "r");

	if (file == NULL) {
		show("status", -1);
		return;
	}
	while (fgets(line, sizeof(line), file))
		for (size_t i = 0; i < sizeof(kept) / sizeof(*kept); i++)
			if (strncmp(line, kept[i], strlen(kept[i])) == 0 &&
			    (itself || strcmp(kept[i], "State:") != 0))
				printf("  %s", strstr(line, "id:") ? relative(line)
								   : line);
	fclose(file);
}

/* stat's pid, name, state (the reading thread's alone) and thread count
 * (fields 1-3 and 20). */
static void show_stat(const char *path, int itself)
{
	char text[1024], name[64], state;
	int pid, field = 0;
	long threads = 0;
	int fd = open(path, O_RDONLY);
	long length = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd >= 0)
		close(fd);
	if (length <= 0) {
		show("stat", -1);
		return;
	}
	text[length] = '\0';
	char *close_paren = strrchr(text, ')');

	if (sscanf(text, "%d (%63[^)]) %c", &pid, name, &state) != 3 ||
	    close_paren == NULL) {
		printf("stat: unreadable\n");
		return;
	}
	/* Field 20 is the 18th after the state (field 3). */
	for (char *at = close_paren + 2; *at; at++)
		if (*at == ' ' && ++field == 17)
			threads = strtol(at + 1, NULL, 10);
	char pid_text[16];

	sprintf(pid_text, "%d", pid);
	printf("  stat: %s (%s) %c, %ld threads\n", relative(pid_text), name,
	       itself ? state : '-', threads);
}

static void *worker(void *argument)
{
	int index = (int)(long)argument;
	char name[16];

	tids[index] = (pid_t)syscall(SYS_gettid);
	sprintf(name, "worker-%d", index);
	pthread_setname_np(pthread_self(), name);
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&finish);
	return NULL;
}

static const char *task_path(int index, const char *file)
{
	static char path[2][64];
	static int turn;

	turn ^= 1;
	snprintf(path[turn], sizeof(path[turn]), "/proc/self/task/%d%s%s",
		 tids[index], *file ? "/" : "", file);
	return path[turn];
}

static void list_tasks(void)
{
	DIR *directory = opendir("/proc/self/task");
	struct dirent *entry;
	int seen[WORKERS + 1] = { 0 }, others = 0;

	if (directory == NULL) {
		show("opendir /proc/self/task", -1);
		return;
	}
	while ((entry = readdir(directory))) {
		if (entry->d_name[0] == '.')
			continue;
		int known = 0;

		for (int i = 0; i <= WORKERS; i++)
			if (atoi(entry->d_name) == tids[i]) {
				seen[i]++;
				known = 1;
				if (entry->d_type != DT_DIR)
					printf("T%d is no directory\n", i);
			}
		others += !known;
	}
	closedir(directory);
	printf("task lists P %s", seen[0] == 1 ? "once" : "not once");
	for (int i = 1; i <= WORKERS; i++)
		printf(", T%d %s", i, seen[i] == 1 ? "once" : "not once");
	printf(", %d others\n", others);
}

/* The files of a task's directory that Wicket has, as readdir lists
 * them (Linux has more). */
static void list_task_files(int index)
{
	DIR *directory = opendir(task_path(index, ""));
	struct dirent *entry;
	int comm = 0, stat_file = 0, status = 0;

	if (directory == NULL) {
		show("opendir task", -1);
		return;
	}
	while ((entry = readdir(directory))) {
		comm += strcmp(entry->d_name, "comm") == 0;
		stat_file += strcmp(entry->d_name, "stat") == 0;
		status += strcmp(entry->d_name, "status") == 0;
	}
	closedir(directory);
	printf("T%d's directory lists comm %d, stat %d, status %d\n", index,
	       comm, stat_file, status);
}

/* Another thread's name through its comm, as glibc and musl set and get
 * it, and what a write takes. */
static void names(void)
{
	char name[32];

	printf("-- names\n");
	show("setname another", pthread_setname_np(handles[2], "renamed-two"));
	memset(name, 'x', sizeof(name));
	show("getname another", pthread_getname_np(handles[2], name, 16));
	printf("its name: %s\n", name);
	show_file("its comm", task_path(2, "comm"));
	show("setname too long",
	     -(long)(errno = pthread_setname_np(handles[2],
						"0123456789abcdefgh")));

	int fd = open(task_path(3, "comm"), O_WRONLY);

	show("write 19 bytes", write(fd, "0123456789abcdefXYZ", 19));
	show_file("comm", task_path(3, "comm"));
	show("write with a newline", write(fd, "nl\n", 3));
	show_file("comm", task_path(3, "comm"));
	show("write with a NUL", write(fd, "ab\0cd", 5));
	show_file("comm", task_path(3, "comm"));
	show("write nothing", write(fd, "", 0));
	show_file("comm", task_path(3, "comm"));
	show("write a bad buffer", write(fd, (void *)8, 4));
	close(fd);

	fd = open("/proc/self/comm", O_RDWR);
	show("write /proc/self/comm", write(fd, "leader", 6));
	close(fd);
	show_file("/proc/self/comm", "/proc/self/comm");
	show_file("main's own comm", task_path(0, "comm"));
	prctl(PR_GET_NAME, name);
	printf("PR_GET_NAME: %s\n", name);
	/* Root may open the others for writing; they take nothing. */
	const char *refusing[] = { task_path(1, "stat"), "/proc/self/status",
				   "/proc/uptime", "/proc/self/cmdline" };

	for (size_t i = 0; i < sizeof(refusing) / sizeof(*refusing); i++) {
		fd = open(refusing[i], O_WRONLY | O_TRUNC);
		printf("%s: open %s, ", relative(refusing[i]),
		       fd < 0 ? strerror(errno) : "yes");
		show("write", write(fd, "1", 1));
		close(fd);
	}
	show("open /proc/net/dev to write",
	     open("/proc/self/net/dev", O_WRONLY));
	fd = open("/proc/self/comm", O_WRONLY | O_TRUNC);
	show("open comm with O_TRUNC, write", write(fd, "truncated", 9));
	close(fd);
	show_file("comm", "/proc/self/comm");
}

static void paths(void)
{
	char text[256];
	long length;

	printf("-- paths\n");
	length = readlink("/proc/thread-self", text, sizeof(text) - 1);
	text[length > 0 ? length : 0] = '\0';
	printf("thread-self: %s\n", relative(text));
	show_file("thread-self/comm", "/proc/thread-self/comm");
	show("task 0", open("/proc/self/task/0/comm", O_RDONLY));
	show("task 99999999", open("/proc/self/task/99999999/comm",
				   O_RDONLY));
	show("task 01", open("/proc/self/task/01", O_RDONLY));
	show("task x", open("/proc/self/task/x", O_RDONLY));
	show("a new name in a task", open(task_path(1, "new"),
					  O_CREAT | O_WRONLY, 0600));

	int tasks = open("/proc/self/task", O_RDONLY | O_DIRECTORY);
	char relative_path[32];

	snprintf(relative_path, sizeof(relative_path), "%d/comm", tids[1]);
	int fd = openat(tasks, relative_path, O_RDONLY);

	length = read(fd, text, sizeof(text) - 1);
	text[length > 0 ? length : 0] = '\0';
	printf("openat task/T1/comm: %s", text);

	/* Its /proc/self/fd link names the thread's file. */
	char link[64];

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	length = readlink(link, text, sizeof(text) - 1);
	text[length > 0 ? length : 0] = '\0';
	printf("its fd link: %s\n", relative(text));
	close(fd);
	close(tasks);

	/* A task directory as the working directory, and as a dirfd. */
	int cwd = open(".", O_RDONLY | O_DIRECTORY);

	show("chdir to T2", chdir(task_path(2, "")));
	if (getcwd(text, sizeof(text)))
		printf("getcwd: %s\n", relative(text));
	show_file("comm from there", "comm");
	int directory = open(task_path(3, ""), O_RDONLY | O_DIRECTORY);

	fd = openat(directory, "comm", O_RDONLY);
	length = read(fd, text, sizeof(text) - 1);
	text[length > 0 ? length : 0] = '\0';
	printf("openat T3's dirfd, comm: %s", text);
	close(fd);
	show("fchdir to T3", fchdir(directory));
	if (getcwd(text, sizeof(text)))
		printf("getcwd: %s\n", relative(text));
	show_file("../..'s comm", "../../comm");
	close(directory);
	fchdir(cwd);
	close(cwd);
}

int main(void)
{
	tids[0] = getpid();
	handles[0] = pthread_self();
	prctl(PR_SET_NAME, "main-thread");
	pthread_barrier_init(&started, NULL, WORKERS + 1);
	pthread_barrier_init(&finish, NULL, WORKERS + 1);
	for (int i = 1; i <= WORKERS; i++)
		pthread_create(&handles[i], NULL, worker, (void *)(long)i);
	pthread_barrier_wait(&started);

	list_tasks();
	for (int i = 0; i <= WORKERS; i++) {
		printf("%s:\n", i ? relative(task_path(i, "")) : "main");
		show_file("  comm", task_path(i, "comm"));
		show_status(task_path(i, "status"), i == 0);
		show_stat(task_path(i, "stat"), i == 0);
	}
	list_task_files(1);
	names();
	paths();

	/* A thread's file outlives the thread: -ESRCH, and its directory
	 * goes (Linux reaps a thread soon after it wakes its joiner). */
	int comm = open(task_path(1, "comm"), O_RDONLY);
	struct stat status;

	pthread_barrier_wait(&finish);
	for (int i = 1; i <= WORKERS; i++)
		pthread_join(handles[i], NULL);
	for (int tries = 0; tries < 1000 && stat(task_path(1, ""), &status) == 0;
	     tries++)
		usleep(1000);
	char text[64];

	show("the gone thread's comm", read(comm, text, sizeof(text)));
	show("its directory", stat(task_path(1, ""), &status));
	close(comm);
	list_tasks();
	show_status("/proc/self/status", 1); /* the main thread alone now */
	return 0;
}
