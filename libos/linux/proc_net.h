/*
 * /proc/net's socket tables (linux/proc_net.c): tcp, tcp6, udp, udp6,
 * udplite, udplite6, raw, raw6 and unix (the nodes NODE_NET_TCP to
 * NODE_NET_UNIX, linux/files.h), as netstat, ss, lsof and psutil read
 * them. procfs.c hands their reads here.
 */
#ifndef LIBOS_LINUX_PROC_NET_H
#define LIBOS_LINUX_PROC_NET_H

#include <stdbool.h>
#include <stdint.h>

struct file;

/* Whether `node` is one of the tables. */
bool proc_net_is_table(unsigned node);

/* read's and pread64's answer for a table: up to `length` bytes of its
 * text from `offset` into the app's buffer (a count; 0 past the end;
 * -EFAULT when not even the first byte could be written). The text is
 * made a line at a time, as Linux's seq_file makes it: a read at the
 * offset where the description's last read stopped goes on from the
 * line it was in; any other offset is reached by making the lines from
 * the start again. */
long proc_net_read(const struct file *file, uint64_t offset, uint64_t buffer,
		   uint64_t length);

#endif /* LIBOS_LINUX_PROC_NET_H */
