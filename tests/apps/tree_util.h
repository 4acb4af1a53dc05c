/*
 * What the file tree tests (tree.c, tree_write.c) share: printing a
 * call's answer (show_util.h), counting failed checks, and listing a
 * directory sorted.
 * Each test program includes it once.
 */
#ifndef TREE_UTIL_H
#define TREE_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "show_util.h"

static int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("FAILED: %s\n", what);
		failures++;
	}
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's entries, sorted, each with its type. */
static void list(const char *path)
{
	DIR *directory = opendir(path);
	char *names[64];
	int count = 0;
	struct dirent *entry;

	if (directory == NULL) {
		printf("opendir %s: -1 (%s)\n", path, strerror(errno));
		return;
	}
	while ((entry = readdir(directory)) != NULL && count < 64) {
		/* Wicket's /dev, /proc and /tmp are beside the archive's. */
		if (strcmp(path, ".") == 0 &&
		    (strcmp(entry->d_name, "dev") == 0 ||
		     strcmp(entry->d_name, "proc") == 0 ||
		     strcmp(entry->d_name, "tmp") == 0))
			continue;
		char *line = malloc(300);

		snprintf(line, 300, "%s%s", entry->d_name,
			 entry->d_type == DT_DIR ? "/" : entry->d_type == DT_LNK
			 ? "@" : entry->d_type == DT_REG ? "" : "?");
		names[count++] = line;
	}
	closedir(directory);
	qsort(names, (size_t)count, sizeof(*names), compare_names);
	printf("list %s:", path);
	for (int i = 0; i < count; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

#endif /* TREE_UTIL_H */
