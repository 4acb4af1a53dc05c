/*
 * The test libOS: a freestanding ring-3 program that drives the kernel's
 * native calls (issue #3). crt0.S calls libos_main() with the info page;
 * the word `test=NAME` on the kernel command line picks the scenario.
 */
#include <stdbool.h>
#include <stddef.h>

#include "print.h"
#include "scenario.h"
#include "string.h"
#include "wicket/native.h"

int libos_main(const struct wk_info *info);
__attribute__((noreturn)) void libos_exit(int status);

struct scenario {
	const char *name;
	int (*run)(const struct wk_info *info);
};

static const struct scenario scenarios[] = {
	{ "hello", scenario_hello },
	{ "efault", scenario_efault },
	{ "memory", scenario_memory },
	{ "enosys", scenario_enosys },
	{ "modules", scenario_modules },
	{ "bench", scenario_bench },
	{ "sse", scenario_sse },
	{ "events-exceptions", scenario_events_exceptions },
	{ "events-syscall", scenario_events_syscall },
	{ "set-self-state", scenario_set_self_state },
	{ "timer-storm", scenario_timer_storm },
	{ "double-fault", scenario_double_fault },
	{ "double-fault-syscall", scenario_double_fault_syscall },
	{ "double-fault-bad-kind", scenario_double_fault_bad_kind },
	{ "bad-vcpu", scenario_bad_vcpu },
	{ "bad-vcpu-timer", scenario_bad_vcpu_timer },
	{ "bad-upcall-stack", scenario_bad_upcall_stack },
	{ "events-bench", scenario_events_bench },
	{ "console-read", scenario_console_read },
	{ "net", scenario_net },
	{ "net-absent", scenario_net_absent },
	{ "net-forward", scenario_net_forward },
};

/* Finds the value of the word "test=VALUE" in the command line: sets
 * *value and returns its length, or returns 0 when there is none. */
static size_t find_test_word(const char *cmdline, size_t size,
			     const char **value)
{
	size_t i = 0;

	while (i < size && cmdline[i]) {
		while (i < size && cmdline[i] == ' ')
			i++;
		size_t start = i;
		while (i < size && cmdline[i] && cmdline[i] != ' ')
			i++;
		if (i - start > 5 && memcmp(cmdline + start, "test=", 5) == 0) {
			*value = cmdline + start + 5;
			return i - start - 5;
		}
	}
	return 0;
}

int libos_main(const struct wk_info *info)
{
	const char *value = NULL;
	size_t length = find_test_word(info->cmdline, sizeof(info->cmdline),
				       &value);
	size_t i;

	for (i = 0; length && i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (string_equals_word(value, length, scenarios[i].name))
			return scenarios[i].run(info);
	if (string_equals_word(value, length, "fuzz"))
		return scenario_fuzz(info, NULL, 0);
	if (length > 5 && memcmp(value, "fuzz=", 5) == 0)
		return scenario_fuzz(info, value + 5, length - 5);
	if (length > 6 && memcmp(value, "fault=", 6) == 0)
		return scenario_fault(info, value + 6, length - 6);
	print("libos: unknown test\n");
	return 1;
}

void libos_exit(int status)
{
	wk_exit(status);
	for (;;)
		wk_exit(1); /* exit does not return; if it did, keep trying */
}
