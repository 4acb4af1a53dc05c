/*
 * Descriptors and open file descriptions (linux/io.c), as the namespace
 * (linux/files.c) and poll/select (linux/poll.c) need them.
 */
#ifndef LIBOS_LINUX_IO_H
#define LIBOS_LINUX_IO_H

#include <stdbool.h>
#include <stdint.h>

/* open's flags (Linux's values on x86-64). */
#define O_ACCMODE   03
#define O_RDONLY    00
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_CLOEXEC   02000000
#define O_PATH      010000000
#define O_TMPFILE   (020000000 | O_DIRECTORY)

/* What a description reads and writes. */
enum file_kind {
	FILE_CONSOLE,   /* the serial console (console.h) */
	FILE_NULL,      /* reads end, writes vanish */
	FILE_ZERO,      /* reads zeros, writes vanish */
	FILE_FULL,      /* reads zeros, writes fail with -ENOSPC */
	FILE_RANDOM,    /* reads random bytes (random.h), writes vanish */
	FILE_DIRECTORY, /* getdents64 lists it; no read or write */
	FILE_PIPE,      /* one end of a pipe (linux/pipe.h) */
	FILE_EVENTFD,   /* a counter (linux/eventfd.h) */
	FILE_EPOLL,     /* an epoll instance (linux/poll.c) */
	FILE_REGULAR,   /* a file of the tree (linux/files.c) */
	FILE_GENERATED, /* a file of /proc (linux/procfs.c): reads */
	FILE_TIMERFD,   /* a timer's expirations (linux/timers.h) */
	FILE_SIGNALFD,  /* pending signals (linux/signalfd.h) */
	FILE_SOCKET,    /* an AF_UNIX socket's end (linux/socket.h) */
	FILE_INOTIFY,   /* an inotify instance (linux/inotify.h) */
	FILE_MQUEUE,    /* a POSIX message queue (linux/mqueue.h) */
};

/* struct iovec: one piece of readv's, writev's or sendmsg's buffers. */
struct iovec {
	uint64_t base, length;
};

/* poll's events (Linux's values). */
#define POLLIN     0x001
#define POLLPRI    0x002
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLWRNORM 0x100

/* An open file description: what open made, shared by the descriptors
 * dup makes of it. */
/* What flock holds on a description's file. */
enum flock_hold { FLOCK_NONE, FLOCK_SHARED, FLOCK_EXCLUSIVE };

struct file {
	uint32_t references; /* descriptors of it, and references in flight
				(linux/socket_control.c); 0: a free slot */
	uint32_t flags;      /* O_ACCMODE, O_PATH, O_NONBLOCK, O_APPEND */
	uint16_t node;       /* its name (linux/files.c) */
	uint8_t kind;        /* enum file_kind */
	uint8_t flock;       /* the flock it holds: enum flock_hold */
	uint32_t watched;    /* epoll interests naming it (linux/poll.c) */
	uint64_t position;   /* a file's offset; a directory's next entry; a
				pipe's, eventfd's, epoll instance's, timerfd's
				or signalfd's slot */
	int32_t thread;      /* /proc/1/task/TID's files: TID */
};

/* What tells apart the objects that share a node (pipes and sockets:
 * their kind and slot); 0 for a node's only object. Two descriptions are
 * of one object, as locks see it, when node and slot are the same; the
 * anonymous files (eventfd, epoll, timerfd, signalfd) are one, as they
 * are Linux's one anonymous inode. */
uint64_t io_object_slot(const struct file *file);

/* A read of a generated text of `size` bytes (/proc's, a message
 * queue's) from `offset` into the app's buffer: the count, 0 past its
 * end, or -EFAULT. */
long io_read_text(const char *text, uint64_t size, uint64_t offset,
		  uint64_t buffer, uint64_t length);

/* The most one read or write moves (Linux's MAX_RW_COUNT). */
#define RW_MAX 0x7ffff000

/* Descriptors 0, 1 and 2: one description of the console. */
void io_init(void);

/* execve: closes the descriptors marked close-on-exec. */
void io_close_on_exec(void);

/* Whether a description of node is open for writing (execve's -ETXTBSY,
 * as Linux's deny_write_access). */
bool io_node_written(unsigned node);

/* The description of an open descriptor, or NULL. */
struct file *io_file(uint64_t fd);

/* The description of fd if it may be read (want O_RDONLY) or written
 * (O_WRONLY), else NULL: closed, opened the other way or with O_PATH. */
struct file *io_file_for(uint64_t fd, uint32_t want);

/* Whether a description has an offset (Linux's FMODE_PREAD): the
 * devices, directories and files do; the console, pipes, sockets, epoll
 * instances and the descriptors fixed at 0 do not (-ESPIPE). */
bool io_seekable(const struct file *file);

/* readv (writing false) or writev on a description at its offset
 * (linux/splice.c's vmsplice): only the first piece may wait, and only
 * if may_wait; `late` is an error Linux reports only once the vector is
 * checked and not empty. */
long io_vector(struct file *file, uint64_t vector, uint64_t count,
	       bool writing, bool may_wait, long late);

/* A new description of node (of `kind`; `position` its first position)
 * and the lowest free descriptor for it, or -EMFILE. */
long io_open(enum file_kind kind, unsigned node, uint64_t position,
	     uint32_t flags, bool close_on_exec);

/* Whether io_open would find a descriptor (else it says -EMFILE), so
 * that open makes or truncates nothing it cannot hand out. */
bool io_room(void);

/* For an open that waits (a FIFO's): the lowest free descriptor number,
 * taken until io_open_reserved makes it a descriptor (io_open's answer)
 * or io_unreserve gives it back; -EMFILE when none is free. Meanwhile no
 * other open or dup takes it (dup2 onto it: -EBUSY, as on Linux). */
long io_reserve(void);
long io_open_reserved(uint64_t fd, enum file_kind kind, unsigned node,
		      uint64_t position, uint32_t flags, bool close_on_exec);
void io_unreserve(uint64_t fd);

/* close: the descriptor goes; its description too with its last one. */
long io_close(uint64_t fd);

/* References that no descriptor is: descriptors passed in a socket's
 * message (linux/socket_control.c). io_reference takes one more on a
 * description (a descriptor's: io_file's answer), as dup would; io_drop
 * gives one up (the description goes with its last, as with close);
 * io_install makes one a descriptor, the lowest free one, close-on-exec
 * if asked: the descriptor, or -EMFILE (the reference stays the
 * caller's). */
void io_reference(struct file *file);
void io_drop(struct file *file);
long io_install(struct file *file, bool close_on_exec);

/* linux/poll.c: an epoll instance's description is gone; any description
 * is gone (its interests in every instance go with it). */
void epoll_release(const struct file *file);
void epoll_forget(const struct file *file);

/* kcmp's KCMP_EPOLL_TFD: the description of the `offset`th interest of
 * epoll instance epfd (a descriptor) in descriptor fd, or NULL. */
const struct file *epoll_target(uint64_t epfd, uint32_t fd, uint32_t offset);

/* linux/poll.c: the poll events a description has now, and the counts
 * of the wakeups Linux would give its waiters (pipe_wakeups and its kin;
 * 0 for kinds that wake only at a rise of an event). `state_changes`
 * counts a socket's shutdowns too, which wake every waiter (epoll's)
 * but are no arrival (O_ASYNC's POLL_IN). */
int16_t poll_events(const struct file *file);
void poll_wakeups(const struct file *file, uint64_t wakeups[2],
		  bool state_changes);

/* The objects whose changes can be told by name, for epoll's queues
 * (linux/poll.c): a pipe by its slot, an eventfd by its counter's, a
 * socket by its end. 0 names none. */
#define EPOLL_OBJECT_PIPE    1u
#define EPOLL_OBJECT_EVENTFD 2u
#define EPOLL_OBJECT_SOCKET  3u

static inline uint32_t epoll_object(uint32_t kind, uint64_t index)
{
	return kind << 24 | (uint32_t)(index & 0xffffff);
}

/* Something changed (sched_wake_input_waiters): a pipe, socket, eventfd,
 * timerfd, signalfd or the console. Every interest is looked at by its
 * instance's next wait; edge-triggered ones note the events that are
 * gone, to report them when they come again. */
void epoll_note_change(void);

/* As epoll_note_change, for a change that can raise events of the
 * descriptions of these two objects only (sched_wake_for_objects). */
void epoll_note_objects(uint32_t object, uint32_t other);

#endif /* LIBOS_LINUX_IO_H */
