/*
 * The check counters shared by the scenarios (one scenario runs per boot).
 */
#include "check.h"
#include "print.h"

static unsigned check_count;
static unsigned check_failures;

static const char *error_name(long value)
{
	switch (value) {
	case 0: return "";
	case -1: return " (-EPERM)";
	case -2: return " (-ENOENT)";
	case -11: return " (-EAGAIN)";
	case -12: return " (-ENOMEM)";
	case -14: return " (-EFAULT)";
	case -17: return " (-EEXIST)";
	case -19: return " (-ENODEV)";
	case -22: return " (-EINVAL)";
	case -35: return " (-EDEADLK)";
	case -38: return " (-ENOSYS)";
	default: return "";
	}
}

bool check_value(const char *label, long got, long expected)
{
	check_count++;
	print("libos: %s = %ld%s\n", label, got, error_name(got));
	if (got == expected)
		return true;
	check_failures++;
	print("libos: FAIL %s: got %ld%s, expected %ld%s\n", label, got,
	      error_name(got), expected, error_name(expected));
	return false;
}

bool check_true(const char *label, bool condition)
{
	check_count++;
	if (condition)
		return true;
	check_failures++;
	print("libos: FAIL %s\n", label);
	return false;
}

int check_finish(const char *scenario)
{
	if (check_failures == 0) {
		print("libos: %s: all %u checks passed\n", scenario,
		      check_count);
		return 0;
	}
	print("libos: %s: %u of %u checks FAILED\n", scenario, check_failures,
	      check_count);
	return 1;
}

int check_finish_note(const char *scenario, const char *note)
{
	if (check_failures == 0) {
		print("libos: %s: %s, all %u checks passed\n", scenario, note,
		      check_count);
		return 0;
	}
	return check_finish(scenario);
}
