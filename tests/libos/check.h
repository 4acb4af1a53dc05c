/*
 * Checked results for the scenarios that test return values: each check
 * prints its outcome on one line and is counted; check_finish() prints the
 * verdict and gives the exit status.
 */
#ifndef LIBOS_TEST_CHECK_H
#define LIBOS_TEST_CHECK_H

#include <stdbool.h>

/* Prints "libos: <label> = <got>" and counts a failure, with a
 * "libos: FAIL ..." line, when got != expected. Returns got == expected. */
bool check_value(const char *label, long got, long expected);

/* Counts condition as a check; prints "libos: FAIL <label>" when false. */
bool check_true(const char *label, bool condition);

/* Prints "libos: <scenario>: all N checks passed" and returns 0, or the
 * number of failures and returns 1. */
int check_finish(const char *scenario);

/* The same with a note: "libos: <scenario>: <note>, all N checks passed". */
int check_finish_note(const char *scenario, const char *note);

#endif /* LIBOS_TEST_CHECK_H */
