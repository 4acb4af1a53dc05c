/*
 * Extended attributes: getxattr, setxattr, listxattr, removexattr and
 * their l- and f- forms, on the tree's files, as Linux's tmpfs keeps
 * them (mm/shmem.c, fs/xattr.c):
 *
 * - Names are "user.", "trusted." or "security." and something (1 to
 *   255 bytes in all, else -ERANGE); "system." names (POSIX ACLs) and
 *   other prefixes are -EOPNOTSUPP. Values are at most 65,536 bytes
 *   (-E2BIG), and a file's attributes at most ATTRIBUTES_MAX bytes in
 *   all (-ENOSPC).
 * - Who may (files_attribute_permission, Linux's xattr_permission):
 *   "user." only on regular files and directories (else -EPERM to
 *   write, -ENODATA to read), with the file's read or write permission,
 *   and on a sticky directory only its owner writes; "trusted." needs
 *   CAP_SYS_ADMIN (else -EPERM, or -ENODATA, and listxattr leaves them
 *   out); writing "security." needs CAP_SYS_ADMIN too, as Linux's
 *   capability module asks.
 * - XATTR_CREATE: -EEXIST if it is there; XATTR_REPLACE: -ENODATA if it
 *   is not. A size of 0 asks getxattr and listxattr for the size they
 *   need; a smaller buffer than that is -ERANGE. listxattr gives the
 *   names in byte order, each with its NUL.
 * - A change sets the file's ctime and reports IN_ATTRIB to inotify.
 *   /proc's files, pipes, sockets and the anonymous files keep none
 *   (-EOPNOTSUPP, after the permission checks, as on Linux).
 *
 * Each file's attributes are one sorted run of records (a 4-byte name
 * length, a 4-byte value length, the name, the value) in its node
 * number's window of LIBOS_FILE_ATTRIBUTES, mapped as the run grows and
 * unmapped when the file goes.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/string.h"
#include "linux/capability.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/syscalls.h"
#include "linux/xattr.h"
#include "mm/vm.h"
#include "wicket/native.h"

#define NAME_MAX_BYTES 255
#define VALUE_MAX      65536 /* XATTR_SIZE_MAX */
#define LIST_MAX       65536 /* XATTR_LIST_MAX */
#define XATTR_CREATE   1
#define XATTR_REPLACE  2
#define RECORD_HEAD    8
#define ATTRIBUTES_MAX (UINT64_C(256) << 10)
#define NO_FD          INT64_MIN /* a path form */

_Static_assert(LIBOS_FILE_ATTRIBUTES + NODES_MAX * ATTRIBUTES_MAX <=
		       LIBOS_FILE_LARGE,
	       "the attribute windows end below the large files");

/* Each node number's bytes used and mapped in its window. */
static uint32_t used[NODES_MAX], mapped[NODES_MAX];

static uint8_t *window(unsigned node)
{
	return (uint8_t *)(LIBOS_FILE_ATTRIBUTES + node * ATTRIBUTES_MAX);
}

struct record {
	uint32_t at; /* where it starts in the window */
	uint32_t name_length, value_length;
};

static bool record_at(unsigned node, uint32_t at, struct record *record)
{
	uint32_t head[2];

	if (at >= used[node])
		return false;
	memcpy(head, window(node) + at, RECORD_HEAD);
	*record = (struct record){ at, head[0], head[1] };
	return true;
}

static uint32_t record_size(const struct record *record)
{
	return RECORD_HEAD + record->name_length + record->value_length;
}

static const char *name_of(unsigned node, const struct record *record)
{
	return (const char *)window(node) + record->at + RECORD_HEAD;
}

/* Byte order of two names. */
static int compare(const char *a, size_t a_length, const char *b,
		   size_t b_length)
{
	size_t common = a_length < b_length ? a_length : b_length;
	int order = memcmp(a, b, common);

	return order ? order : (a_length > b_length) - (a_length < b_length);
}

/* The record named `name`: true and it, or false and where it would go. */
static bool find(unsigned node, const char *name, size_t length,
		 struct record *record)
{
	uint32_t at = 0;

	while (record_at(node, at, record)) {
		int order = compare(name_of(node, record), record->name_length,
				    name, length);

		if (order == 0)
			return true;
		if (order > 0)
			break;
		at += record_size(record);
	}
	*record = (struct record){ at, 0, 0 };
	return false;
}

void attributes_forget(unsigned node)
{
	if (mapped[node])
		wk_mem_unmap((long)window(node), (long)mapped[node]);
	used[node] = mapped[node] = 0;
}

static bool is_trusted(const char *name)
{
	return string_starts_with(name, "trusted.");
}

/* The name from the app's memory: its length, or -EFAULT or -ERANGE. */
static long copy_name(uint64_t address, char name[NAME_MAX_BYTES + 2])
{
	size_t length = 0;

	for (;; length++) {
		if (!vm_user_ok(address + length, 1, PROT_READ))
			return -EFAULT;
		name[length] = *(const char *)(address + length);
		if (name[length] == '\0')
			break;
		if (length == NAME_MAX_BYTES)
			return -ERANGE;
	}
	return length == 0 ? -ERANGE : (long)length;
}

/* Whether Wicket keeps attributes of this name (the prefixes tmpfs
 * has a handler for, but "system."). */
static bool kept_name(const char *name, size_t length)
{
	static const char *const prefixes[] = { "user.", "trusted.",
						"security." };

	for (unsigned i = 0; i < 3; i++) {
		size_t prefix = strlen(prefixes[i]);

		if (length > prefix && string_starts_with(name, prefixes[i]))
			return true;
	}
	return false;
}

/* A path form's node (follow: a link in the last component followed;
 * fd NO_FD) or an f- form's: its node, or an error. */
static long target(uint64_t path, bool follow, int64_t fd)
{
	return fd != NO_FD ? files_attribute_target_fd((uint64_t)fd)
			   : files_attribute_target(path, follow);
}

/* The node whose attribute `name` (`length` bytes) is asked for, to
 * read or to change: it, or the lookup's error, the permission's, or
 * -EOPNOTSUPP. */
static long attribute_node(uint64_t path, bool follow, int64_t fd,
			   const char *name, size_t length, bool write)
{
	long node = target(path, follow, fd);

	if (node < 0)
		return node;
	long denied = files_attribute_permission((unsigned)node, name, write);

	if (denied)
		return denied;
	if (!kept_name(name, length) || !files_attributes_kept((unsigned)node))
		return -EOPNOTSUPP;
	return node;
}

static long get(uint64_t path, bool follow, int64_t fd, uint64_t name_address,
		uint64_t value, uint64_t size)
{
	char name[NAME_MAX_BYTES + 2];
	long length = copy_name(name_address, name);

	if (length < 0)
		return length;
	long node = attribute_node(path, follow, fd, name, (size_t)length,
				   false);

	if (node < 0)
		return node;
	struct record record;

	if (!find((unsigned)node, name, (size_t)length, &record))
		return -ENODATA;
	if (size > VALUE_MAX)
		size = VALUE_MAX;
	if (size == 0)
		return record.value_length;
	if (record.value_length > size)
		return -ERANGE;
	if (record.value_length &&
	    !vm_user_ok(value, record.value_length, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)value,
	       name_of((unsigned)node, &record) + record.name_length,
	       record.value_length);
	return record.value_length;
}

/* Room in node's window for `more` bytes: false when memory ran out. */
static bool room(unsigned node, uint64_t more)
{
	uint64_t want = (used[node] + more + PAGE_SIZE - 1) &
			~(uint64_t)(PAGE_SIZE - 1);

	if (want <= mapped[node])
		return true;
	if (wk_mem_map((long)(window(node) + mapped[node]),
		       (long)(want - mapped[node]),
		       WK_PROT_READ | WK_PROT_WRITE) < 0)
		return false;
	mapped[node] = (uint32_t)want;
	return true;
}

static long set(uint64_t path, bool follow, int64_t fd, uint64_t name_address,
		uint64_t value, uint64_t size, uint64_t flags)
{
	static uint8_t bytes[VALUE_MAX];
	char name[NAME_MAX_BYTES + 2];

	if (flags & ~(uint64_t)(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	long length = copy_name(name_address, name);

	if (length < 0)
		return length;
	if (size > VALUE_MAX)
		return -E2BIG;
	if (size && !vm_user_ok(value, size, PROT_READ))
		return -EFAULT;
	memcpy(bytes, (const void *)value, size);
	long node = attribute_node(path, follow, fd, name, (size_t)length,
				   true);

	if (node < 0)
		return node;
	struct record record;
	bool exists = find((unsigned)node, name, (size_t)length, &record);

	if (exists && (flags & XATTR_CREATE))
		return -EEXIST;
	if (!exists && (flags & XATTR_REPLACE))
		return -ENODATA;
	uint32_t old = exists ? record_size(&record) : 0;
	uint32_t new = RECORD_HEAD + (uint32_t)length + (uint32_t)size;

	if (used[node] - old + new > ATTRIBUTES_MAX)
		return -ENOSPC;
	if (new > old && !room((unsigned)node, new - old))
		return -ENOMEM;
	uint8_t *base = window((unsigned)node);
	uint32_t head[2] = { (uint32_t)length, (uint32_t)size };

	memmove(base + record.at + new, base + record.at + old,
		used[node] - record.at - old);
	memcpy(base + record.at, head, RECORD_HEAD);
	memcpy(base + record.at + RECORD_HEAD, name, (size_t)length);
	memcpy(base + record.at + RECORD_HEAD + length, bytes, size);
	used[node] = used[node] - old + new;
	files_attribute_changed((unsigned)node);
	return 0;
}

static long list(uint64_t path, bool follow, int64_t fd, uint64_t buffer,
		 uint64_t size)
{
	long node = target(path, follow, fd);

	if (node < 0)
		return node;
	bool trusted_too = capability_effective(CAP_SYS_ADMIN);
	uint64_t total = 0;
	struct record record;

	if (size > LIST_MAX)
		size = LIST_MAX;
	for (uint32_t at = 0; record_at((unsigned)node, at, &record);
	     at += record_size(&record)) {
		const char *name = name_of((unsigned)node, &record);

		if (is_trusted(name) && !trusted_too)
			continue;
		if (size) {
			if (total + record.name_length + 1 > size)
				return -ERANGE;
			if (!vm_user_ok(buffer + total, record.name_length + 1,
					PROT_WRITE))
				return -EFAULT;
			memcpy((void *)(buffer + total), name,
			       record.name_length);
			((char *)buffer)[total + record.name_length] = '\0';
		}
		total += record.name_length + 1;
	}
	return total > LIST_MAX ? -E2BIG : (long)total;
}

static long remove(uint64_t path, bool follow, int64_t fd,
		   uint64_t name_address)
{
	char name[NAME_MAX_BYTES + 2];
	long length = copy_name(name_address, name);

	if (length < 0)
		return length;
	long node = attribute_node(path, follow, fd, name, (size_t)length,
				   true);

	if (node < 0)
		return node;
	struct record record;

	if (!find((unsigned)node, name, (size_t)length, &record))
		return -ENODATA;
	uint8_t *base = window((unsigned)node);
	uint32_t size = record_size(&record);

	memmove(base + record.at, base + record.at + size,
		used[node] - record.at - size);
	used[node] -= size;
	files_attribute_changed((unsigned)node);
	return 0;
}

long sys_getxattr(struct wk_regs *regs)
{
	return get(regs->rdi, true, NO_FD, regs->rsi, regs->rdx, regs->r10);
}

long sys_lgetxattr(struct wk_regs *regs)
{
	return get(regs->rdi, false, NO_FD, regs->rsi, regs->rdx, regs->r10);
}

long sys_fgetxattr(struct wk_regs *regs)
{
	return get(0, false, (int64_t)regs->rdi, regs->rsi,
		   regs->rdx, regs->r10);
}

long sys_setxattr(struct wk_regs *regs)
{
	return set(regs->rdi, true, NO_FD, regs->rsi, regs->rdx, regs->r10,
		   regs->r8);
}

long sys_lsetxattr(struct wk_regs *regs)
{
	return set(regs->rdi, false, NO_FD, regs->rsi, regs->rdx, regs->r10,
		   regs->r8);
}

long sys_fsetxattr(struct wk_regs *regs)
{
	return set(0, false, (int64_t)regs->rdi, regs->rsi,
		   regs->rdx, regs->r10, regs->r8);
}

long sys_listxattr(struct wk_regs *regs)
{
	return list(regs->rdi, true, NO_FD, regs->rsi, regs->rdx);
}

long sys_llistxattr(struct wk_regs *regs)
{
	return list(regs->rdi, false, NO_FD, regs->rsi, regs->rdx);
}

long sys_flistxattr(struct wk_regs *regs)
{
	return list(0, false, (int64_t)regs->rdi, regs->rsi,
		    regs->rdx);
}

long sys_removexattr(struct wk_regs *regs)
{
	return remove(regs->rdi, true, NO_FD, regs->rsi);
}

long sys_lremovexattr(struct wk_regs *regs)
{
	return remove(regs->rdi, false, NO_FD, regs->rsi);
}

long sys_fremovexattr(struct wk_regs *regs)
{
	return remove(0, false, (int64_t)regs->rdi, regs->rsi);
}
