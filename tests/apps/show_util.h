/*
 * Printing a call's answer, for the differential test programs: one
 * binary runs on the host and under Wicket, so errno's texts match.
 * Each program includes it once.
 */
#ifndef SHOW_UTIL_H
#define SHOW_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* "label: value", or "label: -1 (error)"; errno is cleared after. */
static inline long show(const char *label, long result)
{
	if (result < 0)
		printf("%s: -1 (%s)\n", label, strerror(errno));
	else
		printf("%s: %ld\n", label, result);
	errno = 0;
	return result;
}

/* The checks that said no so far (show_yes). */
static inline int *show_failures(void)
{
	static int count;

	return &count;
}

/* "label: yes" if ok, else "label: no", counted in show_failures. */
static inline void show_yes(const char *label, int ok)
{
	printf("%s: %s\n", label, ok ? "yes" : "no");
	*show_failures() += !ok;
}

/* `name` in `directory`: the last two such paths stay usable. */
static inline const char *path_in(const char *directory, const char *name)
{
	static char paths[2][160];
	static int turn;
	char *path = paths[turn ^= 1];

	snprintf(path, sizeof(paths[0]), "%s/%s", directory, name);
	return path;
}

#endif /* SHOW_UTIL_H */
