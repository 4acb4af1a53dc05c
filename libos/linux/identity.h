/*
 * The process's user and group ids (linux/identity.c): real, effective,
 * saved and file system ids, and the supplementary groups. The app
 * starts as root (all 0, no groups) and may change them with setuid and
 * its kin under Linux's rules, the capabilities following (capability.h).
 * They are the process's, not each thread's as on Linux. What Wicket
 * does with them: the get*id calls, /proc/1/status, the owner of a new
 * file (the file system ids), a socket's credentials, and files'
 * permissions (linux/files.c, docs/libos.md).
 */
#ifndef LIBOS_LINUX_IDENTITY_H
#define LIBOS_LINUX_IDENTITY_H

#include <stdbool.h>
#include <stdint.h>

enum id_kind { ID_REAL, ID_EFFECTIVE, ID_SAVED, ID_FS };

struct identity {
	uint32_t uid[4], gid[4]; /* by enum id_kind */
};

const struct identity *identity(void);

/* execve of a file with no set-ID bits: the saved and file system ids
 * become the effective ones, and the capabilities are recomputed
 * (capability_exec), as Linux's exec sets them. */
void identity_exec(void);

/* The supplementary groups, sorted: their count, *groups set to them. */
unsigned identity_groups(const uint32_t **groups);

/* Whether id is the real, effective or saved user id (or group id, when
 * `group`): what a process may claim in SCM_CREDENTIALS without
 * CAP_SETUID (CAP_SETGID). */
bool identity_holds(uint32_t id, bool group);

#endif /* LIBOS_LINUX_IDENTITY_H */
