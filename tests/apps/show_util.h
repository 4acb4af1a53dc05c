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
static long show(const char *label, long result)
{
	if (result < 0)
		printf("%s: -1 (%s)\n", label, strerror(errno));
	else
		printf("%s: %ld\n", label, result);
	errno = 0;
	return result;
}

#endif /* SHOW_UTIL_H */
