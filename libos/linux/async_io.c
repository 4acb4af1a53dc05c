/*
 * Signal-driven I/O, as Linux's fs/fcntl.c (f_setown, send_sigio) and
 * fs/notify/dnotify do it. A description may have an owner (F_SETOWN:
 * the process, a thread with F_SETOWN_EX's F_OWNER_TID, or the process
 * group; none at first) and a signal (F_SETSIG; 0, the default, is
 * SIGIO). With O_ASYNC on (F_SETFL, FIOASYNC), a pipe, socket, inotify
 * instance or the console signals its owner where Linux's kill_fasync
 * does: at each arrival (POLL_IN: bytes, a datagram, an event, input),
 * and when room comes back to a writer that lacked it (POLL_OUT) or the
 * other end goes (a socket's POLL_HUP, a pipe's POLL_IN or POLL_OUT),
 * seen as rises of those events. A socket's owner gets SIGURG when TCP's
 * urgent byte comes, with O_ASYNC's POLL_PRI after it.
 * F_NOTIFY registers a directory's description for the events of its
 * entries (DN_ACCESS, DN_MODIFY, DN_CREATE, DN_DELETE, DN_RENAME,
 * DN_ATTRIB; as Linux 6.x's, a rename out of it is a DN_RENAME event and
 * then a DN_DELETE one, and into it a DN_CREATE one), once or with
 * DN_MULTISHOT for good, and sets the owner to
 * the process; each event signals with POLL_MSG. SIGIO itself comes as
 * the kernel's (SI_KERNEL); a signal set with F_SETSIG carries si_code
 * POLL_*, si_band and si_fd, the descriptor O_ASYNC or F_NOTIFY was set
 * through. Eventfds, timerfds, signalfds, epoll instances, message
 * queues and files have no such signals, as on Linux.
 */
#include "linux/async_io.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "linux/inotify.h"
#include "linux/signal.h"
#include "linux/socket.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "sched/thread.h"

#define OWNED_MAX 256 /* descriptions with an owner, a signal or notices */

#define F_SETOWN    8
#define F_GETOWN    9
#define F_SETSIG    10
#define F_GETSIG    11
#define F_SETOWN_EX 15
#define F_GETOWN_EX 16
#define F_NOTIFY    (1024 + 2)

#define F_OWNER_TID  0
#define F_OWNER_PID  1
#define F_OWNER_PGRP 2

#define DN_ACCESS    0x1
#define DN_MODIFY    0x2
#define DN_CREATE    0x4
#define DN_DELETE    0x8
#define DN_RENAME    0x10
#define DN_ATTRIB    0x20
#define DN_MULTISHOT 0x80000000u

#define SIGURG    23
#define SIGIO     29
#define SIGNALS   64
#define SI_KERNEL 0x80
#define POLL_IN   1
#define POLL_OUT  2
#define POLL_MSG  3
#define POLL_PRI  5
#define POLL_HUP  6
#define POLLRDBAND 0x080
#define POLLMSG   0x400
#define POLLWRBAND 0x200

static struct owned {
	const struct file *file; /* NULL: a free entry */
	int32_t owner;           /* a pid or tid; 0: none */
	uint8_t owner_type;      /* F_OWNER_* */
	bool async;              /* O_ASYNC: its signals go to fd */
	int32_t signal;          /* F_SETSIG's; 0: SIGIO */
	int32_t fd, notify_fd;   /* O_ASYNC's and F_NOTIFY's descriptors */
	uint32_t notices;        /* F_NOTIFY's DN_* mask */
	uint64_t wakeups[2];     /* the file's, when last looked at */
	uint64_t urgents;        /* a socket's urgent bytes then */
	int16_t events;          /* its poll events then */
} owned[OWNED_MAX];

static unsigned owned_touched; /* entries from here on never used */

static struct owned *find(const struct file *file)
{
	for (unsigned i = 0; i < owned_touched; i++)
		if (owned[i].file == file)
			return &owned[i];
	return NULL;
}

/* The file's entry, a new one if it has none; NULL when all are taken. */
static struct owned *entry_for(const struct file *file)
{
	struct owned *entry = find(file);

	if (entry)
		return entry;
	for (unsigned i = 0; i < OWNED_MAX; i++) {
		if (owned[i].file)
			continue;
		owned[i] = (struct owned){ .file = file,
					   .owner_type = F_OWNER_PID };
		if (i >= owned_touched)
			owned_touched = i + 1;
		return &owned[i];
	}
	return NULL;
}

static bool signals_io(const struct file *file)
{
	return file->kind == FILE_PIPE || file->kind == FILE_SOCKET ||
	       file->kind == FILE_INOTIFY || file->kind == FILE_CONSOLE;
}

static void deliver(const struct owned *entry, int signal,
		    const struct signal_info *info);

/* Linux's send_sigio: the owner's signal for `reason` about fd. */
static void send(const struct owned *entry, int32_t fd, int reason)
{
	static const int16_t bands[] = {
		[POLL_IN] = POLLIN | POLLRDNORM,
		[POLL_OUT] = POLLOUT | POLLWRNORM | POLLWRBAND,
		[POLL_MSG] = POLLIN | POLLRDNORM | POLLMSG,
		[POLL_PRI] = POLLPRI | POLLRDBAND,
		[POLL_HUP] = POLLHUP | POLLERR,
	};
	struct signal_info info = { .code = SI_KERNEL };
	int signal = SIGIO;

	if (entry->signal) {
		signal = entry->signal;
		info = (struct signal_info){ .code = reason,
					     .value = (uint64_t)bands[reason],
					     .polled = true,
					     .poll_fd = fd };
	}
	deliver(entry, signal, &info);
}

/* `signal` to the description's owner, if it has one. */
static void deliver(const struct owned *entry, int signal,
		    const struct signal_info *info)
{
	if (entry->owner == 0)
		return;
	if (entry->owner_type == F_OWNER_TID) {
		struct thread *thread = thread_find(entry->owner);

		if (thread)
			signal_send_thread(thread, signal, info);
		return;
	}
	signal_send_process(signal, info);
}

/* What the file's state is now, for the next look. */
static void remember(struct owned *entry)
{
	poll_wakeups(entry->file, entry->wakeups, false);
	entry->events = poll_events(entry->file);
	if (entry->file->kind == FILE_SOCKET)
		entry->urgents = socket_urgents(entry->file);
}

void async_note_change(void)
{
	for (unsigned i = 0; i < owned_touched; i++) {
		struct owned *entry = &owned[i];

		if (entry->file == NULL || !entry->owner ||
		    (!entry->async && entry->file->kind != FILE_SOCKET))
			continue;
		uint64_t before[2] = { entry->wakeups[0], entry->wakeups[1] };
		uint64_t urgents = entry->urgents;
		int16_t was = entry->events;

		remember(entry);
		int16_t rose = (int16_t)(entry->events & ~was);

		/* TCP's urgent byte came: SIGURG to the owner, O_ASYNC or
		 * not (Linux's sk_send_sigurg), then O_ASYNC's POLL_PRI. */
		if (entry->urgents != urgents) {
			deliver(entry, SIGURG,
				&(struct signal_info){ .code = SI_KERNEL });
			if (entry->async)
				send(entry, entry->fd, POLL_PRI);
		}
		if (!entry->async)
			continue;
		if (entry->wakeups[0] != before[0])
			send(entry, entry->fd, POLL_IN);
		if (rose & POLLOUT)
			send(entry, entry->fd, POLL_OUT);
		/* A pipe's other end going: readers hear POLL_IN and
		 * writers POLL_OUT (pipe_release); a socket's, POLL_HUP. */
		if ((rose & (POLLHUP | POLLERR)) &&
		    entry->file->kind == FILE_PIPE)
			send(entry, entry->fd,
			     (entry->file->flags & O_ACCMODE) == O_WRONLY
				     ? POLL_OUT
				     : POLL_IN);
		else if (rose & (POLLHUP | POLLERR))
			send(entry, entry->fd, POLL_HUP);
	}
}

long async_enabled(struct file *file, uint64_t fd, bool on)
{
	if (!signals_io(file))
		return -ENOTTY;
	struct owned *entry = on ? entry_for(file) : find(file);

	if (entry == NULL)
		return on ? -ENOMEM : 0;
	entry->async = on && signals_io(file);
	entry->fd = (int32_t)fd;
	remember(entry);
	return 0;
}

bool async_console_watched(void)
{
	for (unsigned i = 0; i < owned_touched; i++)
		if (owned[i].file && owned[i].async && owned[i].owner &&
		    owned[i].file->kind == FILE_CONSOLE)
			return true;
	return false;
}

void async_forget(const struct file *file)
{
	struct owned *entry = find(file);

	if (entry)
		*entry = (struct owned){ 0 };
}

/* A pid or tid F_SETOWN may name: 0 (none), the process's, or a live
 * thread's; the process group's is the process's. */
static long set_owner(struct file *file, int32_t who, uint8_t type)
{
	if ((type == F_OWNER_TID ? thread_find(who) == NULL
				 : who != LINUX_PID) &&
	    who != 0)
		return -ESRCH;
	struct owned *entry = entry_for(file);

	if (entry == NULL)
		return -ENOMEM;
	entry->owner = who;
	entry->owner_type = type;
	remember(entry);
	return 0;
}

/* Linux's convert_arg: the inotify events each DN_ bit stands for. */
static uint32_t notice_events(uint32_t notices)
{
	return (notices & DN_ACCESS ? IN_ACCESS : 0) |
	       (notices & DN_MODIFY ? IN_MODIFY : 0) |
	       (notices & DN_ATTRIB ? IN_ATTRIB : 0) |
	       (notices & DN_CREATE ? IN_CREATE | IN_MOVED_TO : 0) |
	       (notices & DN_DELETE ? IN_DELETE | IN_MOVED_FROM : 0);
}

static long set_notices(struct file *file, uint64_t fd, uint32_t notices)
{
	struct owned *entry;

	if (file->kind != FILE_DIRECTORY)
		return -ENOTDIR;
	if ((notices & ~DN_MULTISHOT) == 0) {
		entry = find(file);
		if (entry)
			entry->notices = 0;
		return 0;
	}
	entry = entry_for(file);
	if (entry == NULL)
		return -ENOMEM;
	entry->notices = notices;
	entry->notify_fd = (int32_t)fd;
	entry->owner = LINUX_PID; /* fcntl_dirnotify's __f_setown */
	entry->owner_type = F_OWNER_PID;
	return 0;
}

void dnotify_event(unsigned file, unsigned directory, uint32_t mask,
		   bool renamed)
{
	for (unsigned i = 0; i < owned_touched; i++) {
		struct owned *entry = &owned[i];

		if (entry->file == NULL || entry->notices == 0 ||
		    (entry->file->node != directory &&
		     entry->file->node != file))
			continue;
		bool heard = renamed ? (entry->notices & DN_RENAME) != 0
				     : (mask & notice_events(entry->notices)) != 0;

		if (!heard)
			continue;
		send(entry, entry->notify_fd, POLL_MSG);
		if (!(entry->notices & DN_MULTISHOT))
			entry->notices = 0;
	}
}

long async_fcntl(struct file *file, uint64_t fd, uint32_t command,
		 uint64_t argument)
{
	struct owned *entry = find(file);
	int32_t owner[2]; /* struct f_owner_ex: type, pid */

	switch (command) {
	case F_GETOWN:
		if (entry == NULL)
			return 0;
		return entry->owner_type == F_OWNER_PGRP ? -entry->owner
							 : entry->owner;
	case F_SETOWN: {
		int32_t who = (int32_t)argument;

		if (who == INT32_MIN)
			return -EINVAL;
		return who < 0 ? set_owner(file, -who, F_OWNER_PGRP)
			       : set_owner(file, who, F_OWNER_PID);
	}
	case F_GETOWN_EX:
		if (!vm_user_ok(argument, sizeof(owner), PROT_WRITE))
			return -EFAULT;
		owner[0] = entry ? entry->owner_type : F_OWNER_PID;
		owner[1] = entry ? entry->owner : 0;
		memcpy((void *)argument, owner, sizeof(owner));
		return 0;
	case F_SETOWN_EX:
		if (!vm_user_ok(argument, sizeof(owner), PROT_READ))
			return -EFAULT;
		memcpy(owner, (const void *)argument, sizeof(owner));
		if (owner[0] != F_OWNER_TID && owner[0] != F_OWNER_PID &&
		    owner[0] != F_OWNER_PGRP)
			return -EINVAL;
		return set_owner(file, owner[1], (uint8_t)owner[0]);
	case F_GETSIG:
		return entry ? entry->signal : 0;
	case F_SETSIG:
		if (argument > SIGNALS)
			return -EINVAL;
		entry = entry_for(file);
		if (entry == NULL)
			return -ENOMEM;
		entry->signal = (int32_t)argument;
		return 0;
	case F_NOTIFY:
		return set_notices(file, fd, (uint32_t)argument);
	default:
		return -ENOIOCTLCMD;
	}
}
