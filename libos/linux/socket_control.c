/*
 * Control messages of AF_UNIX sockets (socket_control.h): what sendmsg's
 * SCM_CREDENTIALS and SCM_RIGHTS say, checked as Linux checks them
 * (net/core/scm.c), and what recvmsg's control buffer receives, written
 * as Linux's put_cmsg and scm_detach_fds write it. linux/socket.c keeps
 * the credentials with the bytes they came with; the descriptors are
 * here, as lists of entries.
 *
 * A descriptor in flight is an entry holding a reference to the
 * description (io_reference), as a descriptor made by dup would: the
 * description lives on if the sender closes its descriptor, and becomes
 * a descriptor again when received (io_install). At most IN_FLIGHT_MAX
 * entries at once (-ETOOMANYREFS beyond, Linux's answer past its
 * per-user limit). Closing such references (io_drop) may release a
 * socket, whose ring's descriptors in flight are closed in turn: drops go
 * through one list (closing) that one loop empties, so a chain of
 * sockets in flight unwinds without recursion.
 *
 * The collector (Linux's unix_gc, by its simpler first algorithm): a
 * socket whose every reference is in flight is a candidate; the
 * references to candidates from the rings of candidates are internal;
 * a candidate with a reference from elsewhere (a ring of a socket that a
 * descriptor still reaches, or a message being dropped) is reachable, and
 * so is what its ring holds; the candidates left are reachable by nobody
 * and are emptied, which closes them. It runs whenever a socket's
 * description loses a reference but not its last, if anything is in
 * flight. Simplification: the rings of connections still waiting for a
 * listening socket's accept are not looked through, so a cycle through
 * them is never collected (it is only memory until the process ends).
 */
#include "linux/socket_control.h"

#include "errno.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/capability.h"
#include "linux/identity.h"
#include "linux/io.h"
#include "linux/socket.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/thread.h"

#define IN_FLIGHT_MAX 4096
#define NO_HOLDER     0xffff
#define CONTROL_MAX   131072 /* Linux's optmem_max: sendmsg's control */
#define SCM_MAX_FD    253

#define SOL_SOCKET      1
#define SCM_RIGHTS      1
#define SCM_CREDENTIALS 2
#define MSG_CTRUNC      0x8

#define NO_ID UINT32_MAX /* (uid_t)-1: no valid id */

/* struct cmsghdr: its length (the header's 16 bytes and the data), then
 * level and type; the next one starts at the length rounded up to 8. */
struct control_header {
	uint64_t length;
	int32_t level, type;
};
#define HEADER      sizeof(struct control_header)
#define ALIGNED(n)  (((n) + 7) & ~(uint64_t)7)

/* One descriptor in flight. */
struct in_flight {
	struct file *file; /* its reference; NULL: a free entry */
	uint16_t next;     /* the next of its list, or NO_FILES */
	uint16_t holder;   /* the end whose ring it waits in, or NO_HOLDER */
};

static struct in_flight entries[IN_FLIGHT_MAX];
static unsigned entries_touched; /* entries from here on never used */
static uint16_t free_entries = NO_FILES;
static unsigned entries_used;
static uint16_t closing = NO_FILES; /* references to drop */
static bool draining, collect_wanted;

struct credentials control_own_credentials(void)
{
	return (struct credentials){ LINUX_PID, identity()->uid[ID_REAL],
				     identity()->gid[ID_REAL] };
}

/* A new entry holding a new reference to file: its index, or
 * -ETOOMANYREFS. */
static long entry_take(struct file *file)
{
	unsigned index;

	if (free_entries != NO_FILES) {
		index = free_entries;
		free_entries = entries[index].next;
	} else if (entries_touched < IN_FLIGHT_MAX) {
		index = entries_touched++;
	} else {
		return -ETOOMANYREFS;
	}
	entries[index] = (struct in_flight){ file, NO_FILES, NO_HOLDER };
	io_reference(file);
	entries_used++;
	return index;
}

/* Entry `index` is free again (its reference given up or installed). */
static void entry_free(unsigned index)
{
	entries[index].file = NULL;
	entries[index].next = free_entries;
	free_entries = (uint16_t)index;
	entries_used--;
}

static void collect(void);

/* Drops the references on the closing list, and collects when asked,
 * until neither has work; a drop that comes while this runs (a socket
 * that one of them released) only joins the list. */
static void drain(void)
{
	if (draining)
		return;
	draining = true;
	do {
		while (closing != NO_FILES) {
			unsigned index = closing;
			struct file *file = entries[index].file;

			closing = entries[index].next;
			entry_free(index);
			io_drop(file);
		}
		if (collect_wanted) {
			collect_wanted = false;
			collect();
		}
	} while (closing != NO_FILES || collect_wanted);
	draining = false;
}

void control_files_put_aside(uint16_t files)
{
	if (files == NO_FILES)
		return;
	uint16_t last = files;

	while (entries[last].next != NO_FILES)
		last = entries[last].next;
	entries[last].next = closing;
	closing = files;
}

void control_files_drop(uint16_t files)
{
	control_files_put_aside(files);
	drain();
}

void control_files_place(uint16_t files, unsigned end)
{
	for (uint16_t index = files; index != NO_FILES;
	     index = entries[index].next)
		entries[index].holder =
			end < SOCKETS_MAX ? (uint16_t)end : NO_HOLDER;
}

uint16_t control_files_copy(uint16_t files)
{
	uint16_t first = NO_FILES, last = NO_FILES;

	for (uint16_t index = files; index != NO_FILES;
	     index = entries[index].next) {
		long copy = entry_take(entries[index].file);

		if (copy < 0)
			break;
		if (last == NO_FILES)
			first = (uint16_t)copy;
		else
			entries[last].next = (uint16_t)copy;
		last = (uint16_t)copy;
	}
	return first;
}

/* SCM_RIGHTS: `length` bytes of descriptors at `data` join out's list
 * (*count of them so far, *last its last entry). */
static long read_rights(const uint8_t *data, uint64_t length,
			struct attachment *out, unsigned *count,
			uint16_t *last)
{
	uint64_t number = length / sizeof(int32_t);

	if (number == 0)
		return 0;
	if (number > SCM_MAX_FD || *count + number > SCM_MAX_FD)
		return -EINVAL;
	for (uint64_t i = 0; i < number; i++) {
		int32_t fd;

		memcpy(&fd, data + i * sizeof(fd), sizeof(fd));
		struct file *file = fd < 0 ? NULL : io_file((uint64_t)fd);

		if (file == NULL)
			return -EBADF;
		long index = entry_take(file);

		if (index < 0)
			return index;
		if (*last == NO_FILES)
			out->files = (uint16_t)index;
		else
			entries[*last].next = (uint16_t)index;
		*last = (uint16_t)index;
		++*count;
	}
	return 0;
}

/* SCM_CREDENTIALS: a struct ucred of ids that are valid (-EINVAL), that
 * the process may claim (-EPERM: another pid than its own without
 * CAP_SYS_ADMIN, a user id not its real, effective or saved one without
 * CAP_SETUID, a group id likewise without CAP_SETGID), naming this
 * process or one of its threads (-ESRCH). */
static long read_credentials(const uint8_t *data, uint64_t length,
			     struct attachment *out)
{
	struct credentials credentials;

	if (length != sizeof(credentials))
		return -EINVAL;
	memcpy(&credentials, data, sizeof(credentials));
	if (credentials.uid == NO_ID || credentials.gid == NO_ID)
		return -EINVAL;
	if ((credentials.pid != LINUX_PID &&
	     !capability_effective(CAP_SYS_ADMIN)) ||
	    (!identity_holds(credentials.uid, false) &&
	     !capability_effective(CAP_SETUID)) ||
	    (!identity_holds(credentials.gid, true) &&
	     !capability_effective(CAP_SETGID)))
		return -EPERM;
	if (credentials.pid != LINUX_PID &&
	    (credentials.pid <= 0 || thread_find(credentials.pid) == NULL))
		return -ESRCH;
	out->credentials = credentials;
	out->has_credentials = true;
	return 0;
}

long control_next(uint64_t address, uint64_t length, uint64_t *at,
		  struct control_message *message)
{
	struct control_header header;

	/* Linux's for_each_cmsghdr: a message while a header fits. */
	if (*at + HEADER > length)
		return 0;
	memcpy(&header, (const uint8_t *)address + *at, HEADER);
	if (header.length < HEADER || header.length > length - *at)
		return -EINVAL;
	*message = (struct control_message){
		header.level, header.type,
		(const uint8_t *)address + *at + HEADER, header.length - HEADER
	};
	*at += ALIGNED(header.length);
	return 1;
}

long control_read(uint64_t address, uint64_t length, struct attachment *out)
{
	unsigned count = 0;
	uint16_t last = NO_FILES;
	long error = 0;

	*out = (struct attachment){ .files = NO_FILES };
	if (length == 0)
		return 0;
	if (length >= CONTROL_MAX)
		return -ENOBUFS;
	if (!vm_user_ok(address, length, PROT_READ))
		return -EFAULT;
	struct control_message message;
	uint64_t at = 0;
	long more;

	while (!error && (more = control_next(address, length, &at,
					      &message)) != 0) {
		if (more < 0)
			error = more;
		else if (message.level == SOL_SOCKET)
			error = message.type == SCM_RIGHTS
					? read_rights(message.data,
						      message.size, out,
						      &count, &last)
				: message.type == SCM_CREDENTIALS
					? read_credentials(message.data,
							   message.size, out)
					: -EINVAL;
	}
	if (error) {
		control_files_drop(out->files);
		out->files = NO_FILES;
	}
	return error;
}

void control_out_start(struct control_out *out, uint64_t address,
		       uint64_t length, bool close_on_exec)
{
	if (length > INT32_MAX)
		length = INT32_MAX;
	*out = (struct control_out){
		.address = address,
		.room = address ? length : 0,
		.close_on_exec = close_on_exec,
	};
}

/* A message's header at the buffer's start; the buffer moves on by its
 * aligned size, or what room there is. */
static void put_header(struct control_out *out, uint64_t length, int level,
		       int type, uint64_t data_length)
{
	struct control_header header = { length, level, type };
	uint64_t size = ALIGNED(HEADER + data_length);

	memcpy((void *)out->address, &header, HEADER);
	if (size > out->room)
		size = out->room;
	out->address += size;
	out->room -= size;
	out->used += size;
}

void control_put(struct control_out *out, int level, int type,
		 const void *data, uint64_t size)
{
	uint64_t length = HEADER + size;

	if (out->room < HEADER) { /* none given, or too little */
		out->flags |= MSG_CTRUNC;
		return;
	}
	if (out->room < length) {
		out->flags |= MSG_CTRUNC;
		length = out->room;
	}
	if (!vm_user_ok(out->address, length, PROT_WRITE))
		return; /* Linux's put_cmsg fails quietly */
	memcpy((uint8_t *)out->address + HEADER, data, length - HEADER);
	put_header(out, length, level, type, size);
}

void control_put_credentials(struct control_out *out,
			     const struct credentials *credentials)
{
	control_put(out, SOL_SOCKET, SCM_CREDENTIALS, credentials,
		    sizeof(*credentials));
}

void control_put_files(struct control_out *out, uint16_t files)
{
	uint64_t fits = out->room > HEADER
				? (out->room - HEADER) / sizeof(int32_t) : 0;
	uint64_t installed = 0, count = 0;

	if (files == NO_FILES)
		return;
	for (uint16_t index = files; index != NO_FILES;
	     index = entries[index].next)
		count++;
	if (fits > count)
		fits = count;
	if (fits && !vm_user_ok(out->address, HEADER + fits * sizeof(int32_t),
				PROT_WRITE))
		fits = 0; /* Linux's put_user fails: none is installed */
	while (files != NO_FILES && installed < fits) {
		long fd = io_install(entries[files].file, out->close_on_exec);

		if (fd < 0)
			break;
		int32_t number = (int32_t)fd;
		uint16_t next = entries[files].next;

		memcpy((uint8_t *)out->address + HEADER +
			       installed * sizeof(number),
		       &number, sizeof(number));
		entry_free(files); /* its reference is the descriptor now */
		files = next;
		installed++;
	}
	if (installed)
		put_header(out, HEADER + installed * sizeof(int32_t),
			   SOL_SOCKET, SCM_RIGHTS, installed * sizeof(int32_t));
	if (files != NO_FILES) {
		out->flags |= MSG_CTRUNC;
		control_files_drop(files);
	}
}

void control_collect(void)
{
	if (entries_used == 0)
		return;
	collect_wanted = true;
	drain();
}

enum candidate_state { NOT_CANDIDATE, CANDIDATE, REACHABLE };

/* The socket end a live entry refers to, or SOCKETS_MAX. */
static unsigned socket_referred(const struct in_flight *entry)
{
	return entry->file->kind == FILE_SOCKET
		       ? (unsigned)entry->file->position : SOCKETS_MAX;
}

/* Whether entry refers to a candidate from the ring of an end in state
 * `holder_state`; that candidate's end in *target. */
static bool refers_from(const struct in_flight *entry, const uint8_t *state,
			uint8_t holder_state, unsigned *target)
{
	if (entry->file == NULL || entry->holder == NO_HOLDER ||
	    state[entry->holder] != holder_state)
		return false;
	*target = socket_referred(entry);
	return *target < SOCKETS_MAX && state[*target] == CANDIDATE;
}

/* Linux's unix_gc, as the top of this file says. Runs inside drain. */
static void collect(void)
{
	static uint16_t in_flight[SOCKETS_MAX], outside[SOCKETS_MAX];
	static const struct file *description[SOCKETS_MAX];
	static uint8_t state[SOCKETS_MAX];
	unsigned target;
	bool grew;

	memset(in_flight, 0, sizeof(in_flight));
	memset(description, 0, sizeof(description));
	for (unsigned i = 0; i < entries_touched; i++) {
		if (entries[i].file == NULL ||
		    (target = socket_referred(&entries[i])) >= SOCKETS_MAX)
			continue;
		in_flight[target]++;
		description[target] = entries[i].file;
	}
	for (unsigned end = 0; end < SOCKETS_MAX; end++) {
		state[end] = description[end] &&
					     description[end]->references ==
						     in_flight[end]
				     ? CANDIDATE : NOT_CANDIDATE;
		outside[end] = in_flight[end];
	}
	/* The references from candidates' rings are not from outside. */
	for (unsigned i = 0; i < entries_touched; i++)
		if (refers_from(&entries[i], state, CANDIDATE, &target))
			outside[target]--;
	for (unsigned end = 0; end < SOCKETS_MAX; end++)
		if (state[end] == CANDIDATE && outside[end])
			state[end] = REACHABLE;
	/* What a reachable one's ring holds is reachable. */
	do {
		grew = false;
		for (unsigned i = 0; i < entries_touched; i++) {
			if (refers_from(&entries[i], state, REACHABLE,
					&target)) {
				state[target] = REACHABLE;
				grew = true;
			}
		}
	} while (grew);
	for (unsigned end = 0; end < SOCKETS_MAX; end++)
		if (state[end] == CANDIDATE)
			socket_discard_queue(end);
}
