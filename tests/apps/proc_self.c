/*
 * More of /proc: a process's environ, auxv, limits, statm, cgroup,
 * oom_score_adj, cwd and root; /proc/cmdline and filesystems; and the
 * settings under /proc/sys that programs read (osrelease for uname's
 * release, hostname, the random UUIDs, the limits). Differential: where
 * the host's values are its own (its limits, its settings), the program
 * prints their form, not the values. And /proc/self/maps as the loader
 * left it: the lines of each file mapped (the program's own, its
 * interpreter's, its libraries') with their offsets, device and inode,
 * the .bss after the program's data, and the lines' form.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "show_util.h"

extern char **environ;

/* A whole /proc file (NUL-terminated; its length in *length). */
static char *slurp(const char *path, long *length)
{
	static char text[2][16384];
	static int turn;
	char *out = text[turn ^= 1];
	int fd = open(path, O_RDONLY);
	long total = 0, got;

	if (fd < 0) {
		*length = -1;
		out[0] = '\0';
		return out;
	}
	while ((got = read(fd, out + total, sizeof(text[0]) - 1 - total)) > 0)
		total += got;
	close(fd);
	out[total] = '\0';
	*length = total;
	return out;
}

static int is_number_line(const char *text)
{
	char *end;

	strtol(text, &end, 10);
	return end != text && strcmp(end, "\n") == 0;
}

static void environment(void)
{
	long length;
	char *text = slurp("/proc/self/environ", &length);
	int count = 0, same = 1;

	printf("-- environ\n");
	for (long at = 0; at < length; at += (long)strlen(text + at) + 1) {
		same &= environ[count] && strcmp(environ[count], text + at) == 0;
		count++;
	}
	show_yes("it lists the environment the program started with",
		 same && environ[count] == NULL);
	setenv("ADDED", "later", 1);
	text = slurp("/proc/self/environ", &length);
	show_yes("a setenv does not change it", strstr(text, "ADDED") == NULL);
}

static void auxiliary_vector(void)
{
	long length;
	unsigned long *pairs = (unsigned long *)slurp("/proc/self/auxv",
						      &length);
	int ended = 0, agree = 1, seen = 0;

	printf("-- auxv\n");
	for (long i = 0; i + 1 < length / 8; i += 2) {
		if (pairs[i] == AT_NULL) {
			ended = 1;
			break;
		}
		if (pairs[i] == AT_PAGESZ || pairs[i] == AT_ENTRY ||
		    pairs[i] == AT_RANDOM || pairs[i] == AT_UID ||
		    pairs[i] == AT_PHNUM) {
			agree &= pairs[i + 1] == getauxval(pairs[i]);
			seen++;
		}
	}
	show_yes("pairs ending in AT_NULL", ended && length % 16 == 0);
	show_yes("they agree with getauxval", agree && seen == 5);
}

static void limits(void)
{
	long length;
	char *text = slurp("/proc/self/limits", &length);
	char *line = strtok(text, "\n");

	printf("-- limits\n");
	printf("header: %s\n", line ? line : "(none)");
	while ((line = strtok(NULL, "\n")))
		printf("row: %.25s| %s\n", line,
		       strlen(line) >= 68 ? "with columns" : "short");
}

static void process_files(void)
{
	long length;
	char *text, target[256];
	unsigned long numbers[7];

	printf("-- process\n");
	text = slurp("/proc/self/statm", &length);
	show_yes("statm has seven numbers",
		 sscanf(text, "%lu %lu %lu %lu %lu %lu %lu", &numbers[0],
			&numbers[1], &numbers[2], &numbers[3], &numbers[4],
			&numbers[5], &numbers[6]) == 7 &&
			 numbers[1] <= numbers[0]);
	text = slurp("/proc/self/cgroup", &length);
	show_yes("cgroup has a v2 line", strstr(text, "0::/") != NULL);
	text = slurp("/proc/self/oom_score", &length);
	show_yes("oom_score is a number", is_number_line(text));

	int fd = open("/proc/self/oom_score_adj", O_RDWR);
	/* (Below 0 needs CAP_SYS_RESOURCE, which a host's root may lack.) */
	const char *values[] = { "100", "200\n", "1001", "abc", "", "0" };

	for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
		char label[40];

		snprintf(label, sizeof(label), "oom_score_adj \"%.3s\"",
			 values[i]);
		show(label, pwrite(fd, values[i], strlen(values[i]), 0));
		printf("  reads %s", slurp("/proc/self/oom_score_adj",
					   &length));
	}
	close(fd);

	if (chdir("/dev") == 0) {
		length = readlink("/proc/self/cwd", target, sizeof(target) - 1);
		target[length > 0 ? length : 0] = '\0';
		printf("cwd %s\n", target);
		show("stat through it", access("/proc/self/cwd/null", F_OK));
	}
	length = readlink("/proc/self/root", target, sizeof(target) - 1);
	target[length > 0 ? length : 0] = '\0';
	printf("root %s\n", target);
}

static void system_files(void)
{
	long length;
	char *text, *again;
	struct utsname names;

	printf("-- /proc\n");
	text = slurp("/proc/cmdline", &length);
	show_yes("cmdline is a line", length > 0 && text[length - 1] == '\n');
	text = slurp("/proc/filesystems", &length);
	show_yes("filesystems has proc", strstr(text, "nodev\tproc\n") != NULL);

	uname(&names);
	printf("-- /proc/sys\n");
	printf("ostype %s", slurp("/proc/sys/kernel/ostype", &length));
	text = slurp("/proc/sys/kernel/osrelease", &length);
	show_yes("osrelease is uname's release",
		 strncmp(text, names.release, strlen(names.release)) == 0 &&
			 strcmp(text + strlen(names.release), "\n") == 0);
	text = slurp("/proc/sys/kernel/hostname", &length);
	show_yes("hostname is uname's",
		 strncmp(text, names.nodename, strlen(names.nodename)) == 0);
	text = slurp("/proc/sys/kernel/random/uuid", &length);
	again = slurp("/proc/sys/kernel/random/uuid", &length);

	unsigned a, b, c, d;
	unsigned long long e;
	char end;

	show_yes("uuid is a version 4 UUID",
		 sscanf(text, "%8x-%4x-%4x-%4x-%12llx%c", &a, &b, &c, &d, &e,
			&end) == 6 && end == '\n' && strlen(text) == 37 &&
			 (c >> 12) == 4 && (d >> 14) == 2 && (a | b | e));
	show_yes("and another at each read", strcmp(text, again) != 0);
	text = slurp("/proc/sys/kernel/random/boot_id", &length);
	again = slurp("/proc/sys/kernel/random/boot_id", &length);
	show_yes("boot_id stays", strcmp(text, again) == 0 && length == 37);

	static const char *const numbers[] = {
		"kernel/ngroups_max", "kernel/pid_max", "kernel/threads-max",
		"kernel/cap_last_cap", "kernel/random/entropy_avail",
		"kernel/random/poolsize", "vm/overcommit_memory",
		"vm/max_map_count", "net/core/somaxconn", "fs/file-max",
		"fs/nr_open", "fs/pipe-max-size",
	};
	for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/sys/%s", numbers[i]);
		printf("%s is a number: %s\n", numbers[i],
		       is_number_line(slurp(path, &length)) ? "yes" : "no");
	}
	show("write osrelease", open("/proc/sys/kernel/osrelease", O_WRONLY));
	show("a new name in /proc/sys",
	     open("/proc/sys/kernel/new", O_CREAT | O_WRONLY, 0600));
}

/* Each file's lines of /proc/self/maps, in order: the file's name (not
 * its path: a library's differs between hosts), permissions, offset,
 * whether device and inode are the file's (stat); then the line after the
 * program's last one when it continues it with memory of no file (its
 * .bss); and whether lines with no name end in a space, as Linux's do. */
static void maps(void)
{
	long length;
	char *text = slurp("/proc/self/maps", &length);
	char exe[512], line[1024];
	ssize_t exe_length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	unsigned long exe_end = 0;
	int unnamed = 0, unnamed_spaced = 0, files = 0;

	exe[exe_length > 0 ? exe_length : 0] = '\0';
	printf("-- maps (%s)\n", length > 0 ? "read" : "unreadable");
	for (char *at = text; *at;) {
		size_t size = strcspn(at, "\n");
		unsigned long start, end, offset, inode;
		unsigned major, minor;
		char permissions[8], path[512] = "";
		int name_at = 0;

		snprintf(line, sizeof(line), "%.*s", (int)size, at);
		at += size + (at[size] == '\n');
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &start, &end,
			   permissions, &offset, &major, &minor, &inode,
			   &name_at) < 7)
			continue;
		snprintf(path, sizeof(path), "%s", line + name_at);
		if (path[0] == '\0') {
			unnamed++;
			unnamed_spaced += size > 0 && line[size - 1] == ' ';
			if (start == exe_end)
				printf("after the program: %s %08lx %x:%x %lu, "
				       "no name\n", permissions, offset, major,
				       minor, inode);
			continue;
		}
		if (path[0] != '/')
			continue; /* [stack], [heap], [vdso]... */
		struct stat st;
		int same = stat(path, &st) == 0 && st.st_ino == inode &&
			   major == major(st.st_dev) &&
			   minor == minor(st.st_dev);
		const char *name = strrchr(path, '/') + 1;

		files++;
		if (strcmp(path, exe) == 0) {
			name = "(the program)";
			exe_end = end;
		}
		printf("%s: %s %08lx, device and inode the file's: %d\n",
		       name, permissions, offset, same);
	}
	printf("file lines: %d; lines with no name ending in a space: %d\n",
	       files > 0, unnamed > 0 && unnamed == unnamed_spaced);

	/* The same text read 13 bytes at a time: lines cut anywhere. */
	static char pieces[sizeof(line) * 16];
	int fd = open("/proc/self/maps", O_RDONLY);
	long total = 0, got;

	while (fd >= 0 && total + 13 < (long)sizeof(pieces) &&
	       (got = read(fd, pieces + total, 13)) > 0)
		total += got;
	if (fd >= 0)
		close(fd);
	text = slurp("/proc/self/maps", &length);
	printf("read 13 bytes at a time, the same text: %d\n",
	       total == length && memcmp(pieces, text, (size_t)total) == 0);
}

int main(void)
{
	environment();
	auxiliary_vector();
	limits();
	process_files();
	system_files();
	maps();
	return 0;
}
