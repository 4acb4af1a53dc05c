/*
 * The scenarios of the test libOS, one per boot, chosen by the word
 * `test=NAME` on the kernel command line (main.c). Each returns the exit
 * status; a fault scenario normally never returns (the kernel ends the run
 * with its user-fault report).
 */
#ifndef LIBOS_TEST_SCENARIO_H
#define LIBOS_TEST_SCENARIO_H

#include <stddef.h>

#include "wicket/abi.h"

int scenario_hello(const struct wk_info *info);
int scenario_efault(const struct wk_info *info);
int scenario_memory(const struct wk_info *info);
int scenario_enosys(const struct wk_info *info);
int scenario_modules(const struct wk_info *info);
int scenario_bench(const struct wk_info *info);
int scenario_sse(const struct wk_info *info);

/* Events and set_self_state (issue #4). */
int scenario_events_exceptions(const struct wk_info *info);
int scenario_events_syscall(const struct wk_info *info);
int scenario_set_self_state(const struct wk_info *info);
int scenario_timer_storm(const struct wk_info *info);
int scenario_double_fault(const struct wk_info *info);
int scenario_double_fault_syscall(const struct wk_info *info);
int scenario_double_fault_bad_kind(const struct wk_info *info);
int scenario_bad_vcpu(const struct wk_info *info);
int scenario_bad_vcpu_timer(const struct wk_info *info);
int scenario_bad_upcall_stack(const struct wk_info *info);
int scenario_events_bench(const struct wk_info *info);

/* Console input (issue #5). */
int scenario_console_read(const struct wk_info *info);

/* The network device. */
int scenario_net(const struct wk_info *info);
int scenario_net_absent(const struct wk_info *info);
int scenario_net_forward(const struct wk_info *info);

/* name is what follows "test=fault=", length bytes of it. */
int scenario_fault(const struct wk_info *info, const char *name,
		   size_t length);

/* Random native calls against a model (fuzz.c); seed: what follows
 * "test=fuzz=", seed_length bytes, or NULL for one from the TSC. */
int scenario_fuzz(const struct wk_info *info, const char *seed,
		  size_t seed_length);

/* Scratch user addresses for the scenarios' own mappings, far from the
 * image, the info page, the modules and the stack (abi.h). */
#define SCRATCH_BASE 0x0000100000000000ull

#endif /* LIBOS_TEST_SCENARIO_H */
