/*
 * inotify (linux/inotify.c): watches on the file tree's nodes, and the
 * events the tree's calls (linux/files.c, linux/io.c) report to them. An
 * inotify description's position is its instance's slot.
 */
#ifndef LIBOS_LINUX_INOTIFY_H
#define LIBOS_LINUX_INOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux/io.h"

/* The events (Linux's values, include/uapi/linux/inotify.h). */
#define IN_ACCESS        0x00000001u
#define IN_MODIFY        0x00000002u
#define IN_ATTRIB        0x00000004u
#define IN_CLOSE_WRITE   0x00000008u
#define IN_CLOSE_NOWRITE 0x00000010u
#define IN_OPEN          0x00000020u
#define IN_MOVED_FROM    0x00000040u
#define IN_MOVED_TO      0x00000080u
#define IN_CREATE        0x00000100u
#define IN_DELETE        0x00000200u
#define IN_DELETE_SELF   0x00000400u
#define IN_MOVE_SELF     0x00000800u
#define IN_ISDIR         0x40000000u
/* (The libOS's, never queued:) an event not made through an open file
 * (a truncate, utimes), which IN_EXCL_UNLINK does not hide. */
#define IN_NOT_THROUGH_FILE 0x08000000u

/* Something happened: `mask` (with IN_ISDIR for a directory) is seen
 * first by the watches on `directory` (NO_NODE: none), with the name
 * (`length` bytes), then by those on `file` (NO_NODE: none), without.
 * `unlinked`: the file has no name there any more (its directory's
 * IN_EXCL_UNLINK watches do not see it). `cookie` ties a rename's two
 * events (inotify_cookie), else 0. Waiting readers are woken. */
void inotify_event(unsigned file, unsigned directory, const char *name,
		   size_t length, uint32_t mask, uint32_t cookie,
		   bool unlinked);

/* A new cookie for a rename's pair of events. */
uint32_t inotify_cookie(void);

/* Node is gone from the tree: its watches see IN_DELETE_SELF, then
 * IN_IGNORED, and go. */
void inotify_node_gone(unsigned node);

/* read on an inotify description (may_wait false: -EAGAIN, no wait). */
long inotify_read(const struct file *file, uint64_t buffer, uint64_t length,
		  bool may_wait);

/* Its last descriptor closed: its watches go, without events. */
void inotify_release(const struct file *file);

/* POLLIN while events are queued. */
int16_t inotify_poll(const struct file *file);

/* What wakes its EPOLLET watchers as Linux's wakeups do (linux/poll.c):
 * counts that grow at each arrival ([0], POLLIN's) and each departure
 * that makes room ([1], POLLOUT's; 0 where only a rise of POLLOUT wakes
 * them). */
void inotify_wakeups(const struct file *file, uint64_t wakeups[2]);

/* The bytes queued (FIONREAD). */
uint64_t inotify_unread(const struct file *file);

#endif /* LIBOS_LINUX_INOTIFY_H */
