/*
 * The program's own file (differential): /proc/self/exe names it where
 * it is on the host (the runner gives Wicket that path: wicket.exe), it
 * reads as the same bytes through the link and through the path, its
 * directory lists it, argv[0] is found on PATH or not as on the host,
 * and while it runs it cannot be opened for writing or truncated
 * (ETXTBSY). Nothing here changes the file, even if the host allowed it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "show_util.h"

static char path[PATH_MAX];

/* Whether two descriptors read as the same bytes to their ends. */
static int same_bytes(int one, int other)
{
	static char a[65536], b[65536];

	for (;;) {
		ssize_t got = read(one, a, sizeof(a));

		if (got < 0 || read(other, b, (size_t)got) != got)
			return 0;
		if (got == 0)
			return 1;
		if (memcmp(a, b, (size_t)got) != 0)
			return 0;
	}
}

static void listed_in_its_directory(void)
{
	char copy[PATH_MAX];

	strcpy(copy, path);
	DIR *directory = opendir(dirname(copy));
	const char *name = strrchr(path, '/') + 1;
	int found = 0;

	for (struct dirent *entry; directory && (entry = readdir(directory));)
		found += strcmp(entry->d_name, name) == 0 &&
			 entry->d_type == DT_REG;
	show_yes("its directory lists it", found == 1);
	if (directory)
		closedir(directory);
}

int main(int argc, char **argv)
{
	struct stat by_link, by_path;
	ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);

	(void)argc;
	show("readlink /proc/self/exe", length);
	if (length <= 0)
		return 1;
	path[length] = '\0';
	printf("  %s\n", path);
	show_yes("absolute", path[0] == '/');
	show("stat through the link", stat("/proc/self/exe", &by_link));
	show("stat of the path", stat(path, &by_path));
	show_yes("one file", by_link.st_ino == by_path.st_ino &&
				     by_link.st_dev == by_path.st_dev);
	show_yes("regular and executable by all",
		 S_ISREG(by_path.st_mode) && (by_path.st_mode & 0111) == 0111);
	show_yes("access X_OK", access(path, X_OK) == 0);

	int through_link = open("/proc/self/exe", O_RDONLY);
	int through_path = open(path, O_RDONLY);
	char magic[4] = { 0 };

	show("pread of its first bytes", pread(through_path, magic, 4, 0));
	show_yes("an ELF file", memcmp(magic, "\177ELF", 4) == 0);
	show_yes("the same bytes through the link and the path",
		 same_bytes(through_link, through_path));
	show_yes("size as stat says",
		 lseek(through_path, 0, SEEK_END) == by_path.st_size);
	close(through_link);
	close(through_path);
	listed_in_its_directory();

	/* Busy while it runs: these change nothing even where allowed. */
	show("open for writing", open(path, O_WRONLY));
	show("open for reading and writing", open("/proc/self/exe", O_RDWR));
	show("truncate to its own size", truncate(path, by_path.st_size));

	/* argv[0], its file name, on PATH (/usr/local/bin:/usr/bin:/bin). */
	char *on_path = NULL;
	const char *directories[] = { "/usr/local/bin", "/usr/bin", "/bin" };

	for (size_t i = 0; i < 3 && !on_path; i++) {
		char candidate[PATH_MAX];

		snprintf(candidate, sizeof(candidate), "%s/%s", directories[i],
			 argv[0]);
		if (access(candidate, X_OK) == 0)
			on_path = strdup(candidate);
	}
	show_yes("argv[0] is not on PATH", on_path == NULL);
	show_yes("realpath of the link is the path",
		 strcmp(realpath("/proc/self/exe", NULL), path) == 0);
	return *show_failures() != 0;
}
