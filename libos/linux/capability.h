/*
 * Capabilities: the app runs as root, with every capability Linux 6.1
 * knows (0 to 40) permitted, effective and in the bounding set, none
 * inheritable or ambient. It may drop them (capset, prctl), under Linux's
 * rules, and reads them back (capget, prctl, /proc/self/status); they
 * follow its user ids (setuid and its kin, identity.h). They are the
 * process's, not each thread's as on Linux, and only the calls that
 * change ids and credentials consult them: dropping one denies the app
 * nothing else (docs/libos.md).
 */
#ifndef LIBOS_LINUX_CAPABILITY_H
#define LIBOS_LINUX_CAPABILITY_H

#include <stdbool.h>
#include <stdint.h>

/* The capabilities Wicket's calls ask for (Linux's numbers). */
#define CAP_CHOWN           0
#define CAP_DAC_OVERRIDE    1
#define CAP_DAC_READ_SEARCH 2
#define CAP_FOWNER          3
#define CAP_SETGID    6
#define CAP_SETUID    7
#define CAP_SETPCAP   8
#define CAP_SYS_CHROOT 18
#define CAP_SYS_ADMIN 21
#define CAP_SYS_RESOURCE 24

struct capabilities {
	uint64_t effective, permitted, inheritable, bounding, ambient;
};

/* The process's sets, bit n for capability n. */
const struct capabilities *capabilities(void);

/* Whether `capability` is in the effective set: what Linux's capable()
 * asks (linux/identity.c's set*id calls, SCM_CREDENTIALS). */
bool capability_effective(unsigned capability);

/* The user ids (real, effective, saved, file system: identity.h) go from
 * old to next: as on Linux, leaving root in all of the first three
 * clears the permitted and effective sets (unless PR_SET_KEEPCAPS) and
 * the ambient one; an effective id leaving 0 clears the effective set,
 * one coming to 0 makes it the permitted set. fs_only (setfsuid): a file
 * system id leaving 0 drops, and one coming to 0 raises, the file
 * system capabilities in the effective set. */
void capability_follow_uids(const uint32_t old[4], const uint32_t next[4],
			    bool fs_only);

/* execve of a file with no capabilities and no set-ID bits, with a real
 * or effective user id of 0 or not (Linux's cap_bprm_creds_from_file):
 * root's permitted set becomes the bounding and inheritable sets, and
 * its effective set the permitted one when the effective id is 0; the
 * ambient set is kept and joins both, alone for any other user. */
void capability_exec(bool real_root, bool effective_root);

/* prctl's PR_CAPBSET_READ, PR_CAPBSET_DROP and PR_CAP_AMBIENT, from its
 * arguments: Linux's answer. */
long capability_prctl(uint64_t option, uint64_t argument2,
		      uint64_t argument3, uint64_t argument4,
		      uint64_t argument5);

#endif /* LIBOS_LINUX_CAPABILITY_H */
