/*
 * Capabilities: the app runs as root, with every capability Linux 6.1
 * knows (0 to 40) permitted, effective and in the bounding set, none
 * inheritable or ambient. It may drop them (capset, prctl), under Linux's
 * rules, and reads them back (capget, prctl, /proc/self/status). They are
 * the process's, not each thread's as on Linux, and no call of Wicket's
 * consults them: dropping one denies the app nothing (docs/libos.md).
 */
#ifndef LIBOS_LINUX_CAPABILITY_H
#define LIBOS_LINUX_CAPABILITY_H

#include <stdint.h>

struct capabilities {
	uint64_t effective, permitted, inheritable, bounding, ambient;
};

/* The process's sets, bit n for capability n. */
const struct capabilities *capabilities(void);

/* prctl's PR_CAPBSET_READ, PR_CAPBSET_DROP and PR_CAP_AMBIENT, from its
 * arguments: Linux's answer. */
long capability_prctl(uint64_t option, uint64_t argument2,
		      uint64_t argument3, uint64_t argument4,
		      uint64_t argument5);

#endif /* LIBOS_LINUX_CAPABILITY_H */
