/*
 * Control messages of AF_UNIX sockets (linux/socket_control.c), as
 * linux/socket.c uses them: the credentials (SCM_CREDENTIALS) and the
 * descriptors (SCM_RIGHTS) that sendmsg sends with a message's bytes and
 * recvmsg receives with them.
 */
#ifndef LIBOS_LINUX_SOCKET_CONTROL_H
#define LIBOS_LINUX_SOCKET_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#define NO_FILES 0xffff /* an empty list of descriptors in flight */

/* struct ucred. */
struct credentials {
	int32_t pid;
	uint32_t uid, gid;
};

/* What goes with a message's bytes: credentials or none, and the
 * descriptors in flight, a list of references to their descriptions
 * (io_reference) that nobody else owns. */
struct attachment {
	struct credentials credentials;
	bool has_credentials;
	uint16_t files; /* the list's first, or NO_FILES */
};

/* The process's credentials, as a send attaches them. */
struct credentials control_own_credentials(void);

/* sendmsg's control messages (`length` bytes at `address` in the app's
 * memory), checked as Linux's __scm_send checks them: 0 and *out (its
 * files the caller's), or -ENOBUFS (too long), -EFAULT, -EINVAL (a
 * message that does not fit, a type other than SCM_RIGHTS and
 * SCM_CREDENTIALS at SOL_SOCKET, more than SCM_MAX_FD descriptors,
 * credentials of the wrong size or an invalid id), -EBADF (a descriptor
 * that is not open), -ESRCH (credentials naming no process or thread) or
 * -ETOOMANYREFS (too many descriptors in flight); messages at other
 * levels are skipped, as on Linux. */
long control_read(uint64_t address, uint64_t length, struct attachment *out);

/* One of sendmsg's control messages: its level, type and data. */
struct control_message {
	int32_t level, type;
	const uint8_t *data;
	uint64_t size;
};

/* The control message at byte *at of the `length` bytes at `address`
 * (memory checked by the caller), *at moved past it: 1, 0 after the
 * last, or -EINVAL for one that does not fit. */
long control_next(uint64_t address, uint64_t length, uint64_t *at,
		  struct control_message *message);

/* The list `files` waits in end `end`'s ring from now on (what the
 * collector looks at), or in no ring (`end` SOCKETS_MAX: taken from one,
 * to be installed or dropped). */
void control_files_place(uint16_t files, unsigned end);

/* A copy of the list (MSG_PEEK: new references to the same
 * descriptions), as long as entries last; NO_FILES for none. */
uint16_t control_files_copy(uint16_t files);

/* The descriptors in flight of `files` are closed (nobody will receive
 * them: their message was read without room for them, or discarded),
 * with those put aside before. control_files_put_aside only puts them
 * aside, for a caller that must finish with the rings first: closing a
 * description may release a socket, and with it what its ring holds. */
void control_files_drop(uint16_t files);
void control_files_put_aside(uint16_t files);

/* A socket's description lost a reference but not its last: sockets in
 * flight may now be reachable only from the rings of sockets in flight,
 * which the collector finds and empties (Linux's unix_gc). */
void control_collect(void);

/* recvmsg's control buffer as control messages go into it. */
struct control_out {
	uint64_t address; /* where the next message goes; 0: none given */
	uint64_t room;    /* bytes left there */
	uint64_t used;    /* bytes used (recvmsg's msg_controllen) */
	int32_t flags;    /* MSG_CTRUNC when a message did not fit */
	bool close_on_exec; /* MSG_CMSG_CLOEXEC */
};

/* The buffer recvmsg was given (address 0: none). */
void control_out_start(struct control_out *out, uint64_t address,
		       uint64_t length, bool close_on_exec);

/* A message of `size` bytes of data, cut short (MSG_CTRUNC) to the
 * room; none where the app's memory cannot take it (Linux's put_cmsg
 * fails quietly). control_put_credentials: SCM_CREDENTIALS's. */
void control_put(struct control_out *out, int level, int type,
		 const void *data, uint64_t size);
void control_put_credentials(struct control_out *out,
			     const struct credentials *credentials);

/* An SCM_RIGHTS message: each descriptor in flight that fits becomes the
 * lowest free descriptor; those that do not (no room, no free descriptor,
 * memory the app cannot write) are closed, and the message says
 * MSG_CTRUNC. */
void control_put_files(struct control_out *out, uint16_t files);

#endif /* LIBOS_LINUX_SOCKET_CONTROL_H */
