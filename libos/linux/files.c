/*
 * The file namespace, read-only as a whole (docs/libos.md, "Files"): a
 * fixed tree of devices, and what the boot's file archive holds
 * (linux/archive.c) around it:
 *
 *   /                 directory
 *   /dev              directory
 *   /dev/console      the serial console (5:1)
 *   /dev/full         1:7     /dev/null    1:3     /dev/random  1:8
 *   /dev/tty          the serial console (5:0)
 *   /dev/ttyS0        the serial console (4:64): descriptors 0, 1 and 2
 *   /dev/urandom      1:9     /dev/zero    1:5
 *   ...               the archive's directories, files and symbolic links
 *
 * Paths resolve as Linux resolves them (absolute, or from the working
 * directory or a directory descriptor; ".", "..", repeated and trailing
 * slashes; symbolic links followed up to 40 times, the last component's
 * unless the call says not to). What would create, remove, rename or
 * change a name fails with -EROFS where the name resolves (or where only
 * its last component is missing and creating it is asked), else with the
 * lookup's error, as on a read-only mount. The app runs as root, so
 * permission bits never refuse a read; they do refuse X_OK on a file
 * with no execute bit, as Linux does for root.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "linux/clock.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/syscalls.h"
#include "layout.h"
#include "libos.h"
#include "mm/vm.h"

#define PATH_MAX 4096 /* with its NUL */
#define NAME_MAX 255
#define LINKS_MAX 40  /* Linux's limit on links followed in one lookup */

#define AT_FDCWD            -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_EACCESS          0x200
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000

#define O_NOFOLLOW 0400000

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

/* The root's device number (the archive's nodes share it), /dev's (a
 * devtmpfs of its own) and the pipes'. */
#define ROOT_DEVICE 1
#define DEV_DEVICE  5
#define PIPE_DEVICE 12
#define ANONYMOUS_DEVICE 13

struct node {
	const char *name; /* name_length bytes */
	const uint8_t *data; /* a file's contents, a link's target */
	uint64_t size;
	int64_t mtime; /* 0: the boot's */
	uint32_t parent;
	uint32_t mode; /* type and permission bits */
	uint32_t uid, gid;
	uint16_t name_length;
	uint16_t rdev; /* a device's major << 8 | minor */
	uint8_t kind;  /* enum file_kind */
};

#define DEVICE(name, kind, permissions, major, minor) \
	{ name, NODE_DEV, kind, S_IFCHR | (permissions), (major) << 8 | (minor) }

static const struct {
	const char *name;
	uint8_t parent, kind;
	uint16_t mode, rdev;
} fixed[NODE_FIXED_COUNT] = {
	[NODE_ROOT] = { "/", NODE_ROOT, FILE_DIRECTORY, S_IFDIR | 0755, 0 },
	[NODE_DEV] = { "dev", NODE_ROOT, FILE_DIRECTORY, S_IFDIR | 0755, 0 },
	[NODE_CONSOLE] = DEVICE("console", FILE_CONSOLE, 0600, 5, 1),
	[NODE_FULL] = DEVICE("full", FILE_FULL, 0666, 1, 7),
	[NODE_NULL] = DEVICE("null", FILE_NULL, 0666, 1, 3),
	[NODE_RANDOM] = DEVICE("random", FILE_RANDOM, 0666, 1, 8),
	[NODE_TTY] = DEVICE("tty", FILE_CONSOLE, 0666, 5, 0),
	[NODE_TTYS0] = DEVICE("ttyS0", FILE_CONSOLE, 0620, 4, 64),
	[NODE_URANDOM] = DEVICE("urandom", FILE_RANDOM, 0666, 1, 9),
	[NODE_ZERO] = DEVICE("zero", FILE_ZERO, 0666, 1, 5),
	[NODE_PIPE] = { "", NODE_PIPE, FILE_PIPE, S_IFIFO | 0600, 0 },
	[NODE_ANONYMOUS] = { "", NODE_ANONYMOUS, FILE_EVENTFD, 0600, 0 },
};

static struct node nodes[NODES_MAX];
static unsigned node_count;
static unsigned working_directory = NODE_ROOT;

void files_init(void)
{
	for (unsigned node = 0; node < NODE_FIXED_COUNT; node++) {
		nodes[node] = (struct node){
			.name = fixed[node].name,
			.name_length = (uint16_t)strlen(fixed[node].name),
			.parent = fixed[node].parent,
			.kind = fixed[node].kind,
			.mode = fixed[node].mode,
			.rdev = fixed[node].rdev,
		};
	}
	node_count = NODE_FIXED_COUNT;
}

static uint32_t file_type(unsigned node)
{
	return nodes[node].mode & S_IFMT;
}

static bool is_directory(unsigned node)
{
	return file_type(node) == S_IFDIR;
}

static bool is_link(unsigned node)
{
	return file_type(node) == S_IFLNK;
}

unsigned files_child(unsigned directory, const char *name, size_t length)
{
	for (unsigned node = NODE_ROOT + 1; node < node_count; node++)
		if (nodes[node].parent == directory &&
		    nodes[node].name_length == length &&
		    memcmp(nodes[node].name, name, length) == 0)
			return node;
	return NO_NODE;
}

unsigned files_add(unsigned parent, const struct file_entry *entry)
{
	if (node_count == NODES_MAX)
		return NO_NODE;
	uint32_t type = entry->mode & S_IFMT;

	nodes[node_count] = (struct node){
		.name = entry->name,
		.name_length = (uint16_t)entry->name_length,
		.data = entry->data,
		.size = type == S_IFDIR ? 0 : entry->size,
		.mtime = entry->mtime,
		.parent = parent,
		.mode = entry->mode,
		.uid = entry->uid,
		.gid = entry->gid,
		.kind = type == S_IFDIR ? FILE_DIRECTORY : FILE_REGULAR,
	};
	return node_count++;
}

bool files_is_directory(unsigned node)
{
	return is_directory(node);
}

void files_share_contents(unsigned name, unsigned from)
{
	nodes[name].data = nodes[from].data;
	nodes[name].size = nodes[from].size;
}

const uint8_t *files_contents(unsigned node, uint64_t *size)
{
	bool regular = node < node_count && file_type(node) == S_IFREG;

	*size = regular ? nodes[node].size : 0;
	return regular ? nodes[node].data : NULL;
}

/* What a lookup found: the node, or the error; `parent` is the directory
 * the last component was looked up in when only that one is missing
 * (error -ENOENT), else NO_NODE. */
struct lookup {
	long error;
	unsigned node, parent;
};

#define LOOKUP_ERROR(error) ((struct lookup){ (error), 0, NO_NODE })

/* The app's NUL-terminated path into `path` (PATH_MAX bytes): 0, or
 * -EFAULT or -ENAMETOOLONG. Each piece is checked before it is read, up to
 * a page end at a time, so that a path ending just before unmapped memory
 * is fine. */
static long copy_path(uint64_t address, char *path)
{
	size_t copied = 0;

	while (copied < PATH_MAX) {
		uint64_t at = address + copied;
		size_t piece = 4096 - (at & 4095);

		if (piece > PATH_MAX - copied)
			piece = PATH_MAX - copied;
		if (at < address || !vm_user_ok(at, piece, PROT_READ))
			return -EFAULT;
		const char *bytes = (const char *)at;

		for (size_t i = 0; i < piece; i++) {
			path[copied + i] = bytes[i];
			if (bytes[i] == '\0')
				return 0;
		}
		copied += piece;
	}
	return -ENAMETOOLONG;
}

/* The node a directory descriptor names, for a relative path. */
static long directory_of(int64_t dirfd, unsigned *node)
{
	if (dirfd == AT_FDCWD) {
		*node = working_directory;
		return 0;
	}
	const struct file *file = dirfd < 0 ? NULL : io_file((uint64_t)dirfd);

	if (file == NULL)
		return -EBADF;
	if (!is_directory(file->node))
		return -ENOTDIR;
	*node = file->node;
	return 0;
}

/* `path` (PATH_MAX bytes) becomes link's target followed by `rest` (what
 * came after the link's component, its slash included): 0, or -ENOENT
 * (an empty target) or -ENAMETOOLONG. */
static long splice_link(char *path, unsigned link, const char *rest)
{
	char joined[PATH_MAX];
	size_t target = nodes[link].size, tail = strlen(rest);

	if (target == 0)
		return -ENOENT; /* an empty target names nothing */
	if (target + tail + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(joined, nodes[link].data, target);
	memcpy(joined + target, rest, tail + 1);
	memcpy(path, joined, target + tail + 1);
	return 0;
}

/* Resolves `path` (PATH_MAX bytes, rewritten as links are followed) from
 * directory `start`; the last component's link is followed if `follow`
 * (a trailing slash always follows it). */
static struct lookup resolve(unsigned start, char *path, bool follow)
{
	struct lookup found = { 0, start, NO_NODE };
	unsigned links = 0;

	if (path[0] == '/')
		found.node = NODE_ROOT;
	for (const char *at = path; *at;) {
		while (*at == '/')
			at++;
		if (*at == '\0')
			break; /* trailing slashes: a directory, checked below */
		const char *end = at;

		while (*end && *end != '/')
			end++;
		size_t length = (size_t)(end - at);

		if (!is_directory(found.node))
			return LOOKUP_ERROR(-ENOTDIR);
		if (length > NAME_MAX)
			return LOOKUP_ERROR(-ENAMETOOLONG);
		if (length == 2 && at[0] == '.' && at[1] == '.') {
			found.node = nodes[found.node].parent;
			at = end;
			continue;
		}
		if (length == 1 && at[0] == '.') {
			at = end;
			continue;
		}
		unsigned next = files_child(found.node, at, length);

		if (next == NO_NODE) {
			const char *rest = end;

			while (*rest == '/')
				rest++;
			found.parent = *rest ? NO_NODE : found.node;
			found.error = -ENOENT;
			return found;
		}
		if (is_link(next) && (follow || *end == '/')) {
			if (++links > LINKS_MAX)
				return LOOKUP_ERROR(-ELOOP);
			long error = splice_link(path, next, end);

			if (error)
				return LOOKUP_ERROR(error);
			if (path[0] == '/')
				found.node = NODE_ROOT;
			at = path; /* from the link's directory on */
			continue;
		}
		found.node = next;
		at = end;
	}
	size_t length = strlen(path);

	if (length && path[length - 1] == '/' && !is_directory(found.node))
		found.error = -ENOTDIR;
	return found;
}

/* Resolves the app's path from dirfd. AT_EMPTY_PATH in `flags` makes an
 * empty path name dirfd's own file, whatever it is; AT_SYMLINK_NOFOLLOW
 * leaves a link in the last component unfollowed. */
static struct lookup lookup(int64_t dirfd, uint64_t address, uint32_t flags)
{
	char path[PATH_MAX];
	unsigned start = NODE_ROOT;
	long error = copy_path(address, path);

	if (error)
		return LOOKUP_ERROR(error);
	if (path[0] == '\0') {
		const struct file *file;

		if (!(flags & AT_EMPTY_PATH))
			return LOOKUP_ERROR(-ENOENT);
		if (dirfd == AT_FDCWD)
			return (struct lookup){ 0, working_directory, NO_NODE };
		file = dirfd < 0 ? NULL : io_file((uint64_t)dirfd);
		if (file == NULL)
			return LOOKUP_ERROR(-EBADF);
		return (struct lookup){ 0, file->node, NO_NODE };
	}
	if (path[0] != '/') {
		error = directory_of(dirfd, &start);
		if (error)
			return LOOKUP_ERROR(error);
	}
	return resolve(start, path, !(flags & AT_SYMLINK_NOFOLLOW));
}

long sys_openat(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->rdx;
	struct lookup found = lookup((int64_t)(int32_t)regs->rdi, regs->rsi,
				     flags & O_NOFOLLOW ? AT_SYMLINK_NOFOLLOW
							: 0);
	uint32_t mode = flags & O_ACCMODE;

	if ((flags & O_TMPFILE) == O_TMPFILE) /* an unnamed file to write */
		return found.error ? found.error
		       : is_directory(found.node) ? -EROFS : -ENOTDIR;
	if (found.error == -ENOENT && (flags & O_CREAT) &&
	    found.parent != NO_NODE)
		return -EROFS;
	if (found.error)
		return found.error;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_CLOEXEC;
	else if (is_link(found.node)) /* O_NOFOLLOW's last component */
		return -ELOOP;
	if ((flags & O_DIRECTORY) && !is_directory(found.node))
		return -ENOTDIR;
	if (is_directory(found.node) && !(flags & O_PATH) &&
	    (mode != O_RDONLY || (flags & O_CREAT)))
		return -EISDIR;
	if (mode == O_ACCMODE && !(flags & O_PATH))
		return -EINVAL;
	/* The archive's files cannot change: not written, not truncated. */
	if (file_type(found.node) == S_IFREG && !(flags & O_PATH) &&
	    (mode != O_RDONLY || (flags & O_TRUNC)))
		return -EROFS;
	return io_open((enum file_kind)nodes[found.node].kind, found.node, 0,
		       flags & (O_ACCMODE | O_PATH | O_NONBLOCK | O_APPEND),
		       flags & O_CLOEXEC);
}

long sys_open(struct wk_regs *regs)
{
	struct wk_regs at = *regs;

	at.rdi = (uint64_t)AT_FDCWD;
	at.rsi = regs->rdi;
	at.rdx = regs->rsi;
	at.r10 = regs->rdx;
	return sys_openat(&at);
}

long sys_creat(struct wk_regs *regs)
{
	struct wk_regs at = *regs;

	at.rdi = (uint64_t)AT_FDCWD;
	at.rsi = regs->rdi;
	at.rdx = O_CREAT | O_WRONLY | O_TRUNC;
	at.r10 = regs->rsi;
	return sys_openat(&at);
}

/* Linux's struct stat on x86-64 (144 bytes). */
struct linux_stat {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat");

/* Node's status; the fixed nodes' times are the boot's, the archive's
 * its own. */
static void node_status(unsigned node, struct linux_stat *stat)
{
	const struct clock_source *clock = clock_source();

	*stat = (struct linux_stat){ 0 };
	stat->dev = node == NODE_ROOT || node >= NODE_FIXED_COUNT
						? ROOT_DEVICE
		    : node == NODE_PIPE		? PIPE_DEVICE
		    : node == NODE_ANONYMOUS	? ANONYMOUS_DEVICE
						: DEV_DEVICE;
	stat->ino = node + 2; /* 2: a root's inode number */
	stat->nlink = 1;
	stat->size = (int64_t)nodes[node].size;
	stat->blocks = (int64_t)(page_up(nodes[node].size) / 512);
	if (is_directory(node)) {
		stat->nlink = 2;
		for (unsigned other = NODE_ROOT + 1; other < node_count;
		     other++)
			stat->nlink += nodes[other].parent == node &&
				       is_directory(other);
		stat->size = 4096;
		stat->blocks = 8;
	}
	stat->mode = nodes[node].mode;
	stat->uid = nodes[node].uid;
	stat->gid = nodes[node].gid;
	stat->rdev = nodes[node].rdev;
	stat->blksize = 4096;
	stat->atime = stat->mtime = stat->ctime =
		nodes[node].mtime ? (uint64_t)nodes[node].mtime
		: clock->rtc_unix_seconds -
		  clock_ticks_to_ns(clock->rtc_tsc - clock->boot_tsc) /
			  NS_PER_SECOND;
}

/* Node's status into the app's buffer. */
static long write_stat(unsigned node, uint64_t address)
{
	struct linux_stat stat;

	if (!vm_user_ok(address, sizeof(stat), PROT_WRITE))
		return -EFAULT;
	node_status(node, &stat);
	memcpy((void *)address, &stat, sizeof(stat));
	return 0;
}

long sys_fstat(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	return file ? write_stat(file->node, regs->rsi) : -EBADF;
}

long sys_newfstatat(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->r10;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
				AT_EMPTY_PATH))
		return -EINVAL;
	struct lookup found = lookup((int64_t)(int32_t)regs->rdi, regs->rsi,
				     flags);

	return found.error ? found.error : write_stat(found.node, regs->rdx);
}

long sys_stat(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	return found.error ? found.error : write_stat(found.node, regs->rsi);
}

long sys_lstat(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, AT_SYMLINK_NOFOLLOW);

	return found.error ? found.error : write_stat(found.node, regs->rsi);
}

/* Linux's struct statx (256 bytes). */
struct statx_time {
	int64_t seconds;
	uint32_t nanoseconds;
	int32_t reserved;
};

struct linux_statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_time atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mount_id;
	uint32_t dio_memory_align, dio_offset_align;
	uint64_t spare[12];
};
_Static_assert(sizeof(struct linux_statx) == 256 &&
	       __builtin_offsetof(struct linux_statx, mtime) == 112 &&
	       __builtin_offsetof(struct linux_statx, rdev_major) == 128,
	       "struct statx");

#define STATX_BASIC_STATS   0x7ff
#define STATX_RESERVED      0x80000000u
#define AT_STATX_SYNC_TYPE  0x6000

/* statx: stat's answer in statx's form, every basic field filled
 * whatever the mask asks (as Linux may), no birth time. */
long sys_statx(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->rdx;
	struct linux_statx out = { 0 };
	struct linux_stat stat;

	if ((flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
				 AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) ||
	    (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
	    (regs->r10 & STATX_RESERVED))
		return -EINVAL;
	struct lookup found = lookup((int64_t)(int32_t)regs->rdi, regs->rsi,
				     flags);

	if (found.error)
		return found.error;
	if (!vm_user_ok(regs->r8, sizeof(out), PROT_WRITE))
		return -EFAULT;
	node_status(found.node, &stat);
	out.mask = STATX_BASIC_STATS;
	out.blksize = (uint32_t)stat.blksize;
	out.nlink = (uint32_t)stat.nlink;
	out.uid = stat.uid;
	out.gid = stat.gid;
	out.mode = (uint16_t)stat.mode;
	out.ino = stat.ino;
	out.size = (uint64_t)stat.size;
	out.blocks = (uint64_t)stat.blocks;
	out.atime.seconds = out.ctime.seconds = out.mtime.seconds =
		(int64_t)stat.mtime;
	out.rdev_major = (uint32_t)(stat.rdev >> 8);
	out.rdev_minor = (uint32_t)(stat.rdev & 0xff);
	out.dev_major = (uint32_t)(stat.dev >> 8);
	out.dev_minor = (uint32_t)(stat.dev & 0xff);
	memcpy((void *)regs->r8, &out, sizeof(out));
	return 0;
}

/* Linux's struct statfs on x86-64 (120 bytes). */
struct linux_statfs {
	int64_t type, block_size;
	uint64_t blocks, blocks_free, blocks_available, files, files_free;
	int32_t fsid[2];
	int64_t name_max, fragment_size, flags, spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs");

#define RAMFS_MAGIC 0x858458f6 /* the root: an initramfs's */
#define TMPFS_MAGIC 0x01021994 /* /dev: a devtmpfs */
#define ST_RDONLY   0x0001
#define ST_VALID    0x0020

/* statfs and fstatfs: the file system holding node, full and read-only. */
static long write_statfs(unsigned node, uint64_t address)
{
	struct linux_statfs out = { 0 };
	bool dev = node != NODE_ROOT && node < NODE_FIXED_COUNT;

	if (!vm_user_ok(address, sizeof(out), PROT_WRITE))
		return -EFAULT;
	out.type = dev ? TMPFS_MAGIC : RAMFS_MAGIC;
	out.block_size = out.fragment_size = 4096;
	for (unsigned other = 0; other < node_count && !dev; other++)
		out.blocks += page_up(nodes[other].size) / 4096;
	out.files = dev ? NODE_FIXED_COUNT - 1 : node_count;
	out.fsid[0] = dev ? DEV_DEVICE : ROOT_DEVICE;
	out.name_max = NAME_MAX;
	out.flags = ST_RDONLY | ST_VALID;
	memcpy((void *)address, &out, sizeof(out));
	return 0;
}

long sys_statfs(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	return found.error ? found.error : write_statfs(found.node, regs->rsi);
}

long sys_fstatfs(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	return file ? write_statfs(file->node, regs->rsi) : -EBADF;
}

static long access_check(int64_t dirfd, uint64_t path, uint64_t mode,
			 uint64_t flags)
{
	if (mode & ~(uint64_t)(R_OK | W_OK | X_OK) ||
	    flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW |
				AT_EMPTY_PATH))
		return -EINVAL;
	struct lookup found = lookup(dirfd, path, (uint32_t)flags);

	if (found.error)
		return found.error;
	/* Root may execute what has an execute bit; only the devices may be
	 * written on a read-only mount. */
	if ((mode & X_OK) && !is_directory(found.node) &&
	    !(nodes[found.node].mode & 0111))
		return -EACCES;
	if ((mode & W_OK) && file_type(found.node) != S_IFCHR)
		return -EROFS;
	return 0;
}

long sys_access(struct wk_regs *regs)
{
	return access_check(AT_FDCWD, regs->rdi, regs->rsi, 0);
}

long sys_faccessat(struct wk_regs *regs)
{
	return access_check((int32_t)regs->rdi, regs->rsi, regs->rdx, 0);
}

long sys_faccessat2(struct wk_regs *regs)
{
	return access_check((int32_t)regs->rdi, regs->rsi, regs->rdx,
			    regs->r10);
}

/* Linux's struct linux_dirent64, without its name: 19 bytes. */
struct dirent_head {
	uint64_t ino;
	int64_t next; /* d_off: the position after this entry */
	uint16_t length;
	uint8_t type;
} __attribute__((packed));

/* A directory's position: 0 is ".", 1 "..", and 2 + n the first child
 * from node n on. */
struct entry {
	unsigned node;
	const char *name;
	size_t name_length;
	uint64_t next; /* the position after it */
};

/* The entry at or after position in directory; false past the last. */
static bool entry_at(unsigned directory, uint64_t position,
		     struct entry *entry)
{
	if (position < 2) {
		entry->node = position ? nodes[directory].parent : directory;
		entry->name = position ? ".." : ".";
		entry->name_length = position + 1;
		entry->next = position + 1;
		return true;
	}
	for (uint64_t other = position - 2; other < node_count; other++) {
		if (other != NODE_ROOT && nodes[other].parent == directory) {
			entry->node = (unsigned)other;
			entry->name = nodes[other].name;
			entry->name_length = nodes[other].name_length;
			entry->next = other + 3;
			return true;
		}
	}
	return false;
}

static uint8_t entry_type(unsigned node)
{
	switch (file_type(node)) {
	case S_IFDIR:
		return DT_DIR;
	case S_IFREG:
		return DT_REG;
	case S_IFLNK:
		return DT_LNK;
	default:
		return DT_CHR;
	}
}

long sys_getdents64(struct wk_regs *regs)
{
	struct file *file = io_file(regs->rdi);
	uint64_t buffer = regs->rsi, size = (uint32_t)regs->rdx, used = 0;
	struct entry entry;

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	if (file->kind != FILE_DIRECTORY)
		return -ENOTDIR;
	if (!vm_user_ok(buffer, size, PROT_WRITE))
		return -EFAULT;
	while (entry_at(file->node, file->position, &entry)) {
		uint64_t length = (sizeof(struct dirent_head) +
				   entry.name_length + 1 + 7) & ~UINT64_C(7);
		struct dirent_head head = {
			entry.node + 2, (int64_t)entry.next, (uint16_t)length,
			entry_type(entry.node) };

		if (length > size - used)
			break;
		memset((void *)(buffer + used), 0, length);
		memcpy((void *)(buffer + used), &head, sizeof(head));
		memcpy((void *)(buffer + used + sizeof(head)), entry.name,
		       entry.name_length);
		used += length;
		file->position = entry.next;
	}
	if (used == 0 && entry_at(file->node, file->position, &entry))
		return -EINVAL; /* the buffer holds not even one entry */
	return (long)used;
}

long sys_chdir(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	if (found.error)
		return found.error;
	if (!is_directory(found.node))
		return -ENOTDIR;
	working_directory = found.node;
	return 0;
}

long sys_fchdir(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	if (file == NULL)
		return -EBADF;
	if (!is_directory(file->node))
		return -ENOTDIR;
	working_directory = file->node;
	return 0;
}

long sys_getcwd(struct wk_regs *regs)
{
	char path[PATH_MAX];
	size_t at = PATH_MAX - 1, length;

	path[at] = '\0';
	for (unsigned node = working_directory; node != NODE_ROOT;
	     node = nodes[node].parent) {
		size_t name = nodes[node].name_length;

		if (at < name + 1)
			return -ENAMETOOLONG;
		at -= name;
		memcpy(path + at, nodes[node].name, name);
		path[--at] = '/';
	}
	if (at == PATH_MAX - 1)
		path[--at] = '/';
	length = PATH_MAX - at;
	if (regs->rsi < length)
		return -ERANGE;
	if (!vm_user_ok(regs->rdi, length, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)regs->rdi, path + at, length);
	return (long)length;
}

/* readlink and readlinkat: a link's target, cut to the buffer, without a
 * NUL; anything else is -EINVAL. */
static long read_link(int64_t dirfd, uint64_t path, uint64_t buffer,
		      int64_t size)
{
	if (size <= 0)
		return -EINVAL;
	struct lookup found = lookup(dirfd, path,
				     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);

	if (found.error)
		return found.error;
	if (!is_link(found.node))
		return -EINVAL;
	uint64_t length = nodes[found.node].size < (uint64_t)size
				  ? nodes[found.node].size : (uint64_t)size;

	if (!vm_user_ok(buffer, length, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)buffer, nodes[found.node].data, length);
	return (long)length;
}

long sys_readlink(struct wk_regs *regs)
{
	return read_link(AT_FDCWD, regs->rdi, regs->rsi,
			 (int64_t)(int32_t)regs->rdx);
}

long sys_readlinkat(struct wk_regs *regs)
{
	return read_link((int32_t)regs->rdi, regs->rsi, regs->rdx,
			 (int64_t)(int32_t)regs->r10);
}

/*
 * The calls that would change the tree. `creates`: the call makes the
 * name, so an existing one is -EEXIST and a missing last component in an
 * existing directory is -EROFS; otherwise the name must exist (-ENOENT),
 * and -EROFS follows. `follow`: the call changes what a link in the last
 * component names, not the link.
 */
static long read_only(int64_t dirfd, uint64_t path, bool creates,
		      bool follow)
{
	struct lookup found = lookup(dirfd, path,
				     follow ? 0 : AT_SYMLINK_NOFOLLOW);

	if (found.error == -ENOENT && creates && found.parent != NO_NODE)
		return -EROFS;
	if (found.error)
		return found.error;
	return creates ? -EEXIST : -EROFS;
}

long sys_mkdir(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rdi, true, false);
}

long sys_mkdirat(struct wk_regs *regs)
{
	return read_only((int32_t)regs->rdi, regs->rsi, true, false);
}

long sys_rmdir(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rdi, false, false);
}

long sys_unlink(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rdi, false, false);
}

long sys_unlinkat(struct wk_regs *regs)
{
	if (regs->rdx & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return read_only((int32_t)regs->rdi, regs->rsi, false, false);
}

long sys_rename(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rdi, false, false);
}

long sys_renameat(struct wk_regs *regs)
{
	return read_only((int32_t)regs->rdi, regs->rsi, false, false);
}

long sys_renameat2(struct wk_regs *regs)
{
	return read_only((int32_t)regs->rdi, regs->rsi, false, false);
}

long sys_chmod(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rdi, false, true);
}

long sys_fchmodat(struct wk_regs *regs)
{
	return read_only((int32_t)regs->rdi, regs->rsi, false, true);
}

long sys_chown(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rdi, false, true);
}

long sys_lchown(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rdi, false, false);
}

long sys_fchownat(struct wk_regs *regs)
{
	return read_only((int32_t)regs->rdi, regs->rsi, false, true);
}

long sys_mknod(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rdi, true, false);
}

long sys_mknodat(struct wk_regs *regs)
{
	return read_only((int32_t)regs->rdi, regs->rsi, true, false);
}

long sys_symlink(struct wk_regs *regs)
{
	return read_only(AT_FDCWD, regs->rsi, true, false);
}

long sys_symlinkat(struct wk_regs *regs)
{
	return read_only((int32_t)regs->rsi, regs->rdx, true, false);
}

/* link and linkat: the existing name first, then the new one. */
static long make_link(int64_t old_dirfd, uint64_t old_path,
		      int64_t new_dirfd, uint64_t new_path)
{
	struct lookup found = lookup(old_dirfd, old_path, AT_SYMLINK_NOFOLLOW);

	return found.error ? found.error
			   : read_only(new_dirfd, new_path, true, false);
}

long sys_link(struct wk_regs *regs)
{
	return make_link(AT_FDCWD, regs->rdi, AT_FDCWD, regs->rsi);
}

long sys_linkat(struct wk_regs *regs)
{
	return make_link((int32_t)regs->rdi, regs->rsi, (int32_t)regs->rdx,
			 regs->r10);
}

long sys_truncate(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	if (found.error)
		return found.error;
	return is_directory(found.node)			? -EISDIR
	       : file_type(found.node) == S_IFREG	? -EROFS
							: -EINVAL;
}

/* fchmod, fchown, ftruncate, fsync and fdatasync: what Linux answers for
 * these kinds of file on a read-only mount. */
long sys_fchmod(struct wk_regs *regs)
{
	return io_file(regs->rdi) ? -EROFS : -EBADF;
}

long sys_fchown(struct wk_regs *regs)
{
	return sys_fchmod(regs);
}

long sys_ftruncate(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	return file == NULL || (file->flags & O_PATH) ? -EBADF : -EINVAL;
}

long sys_fsync(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	return file->kind == FILE_DIRECTORY || file->kind == FILE_REGULAR
		       ? 0 : -EINVAL;
}

long sys_fdatasync(struct wk_regs *regs)
{
	return sys_fsync(regs);
}

/* utimensat: a NULL path means the descriptor itself. */
long sys_utimensat(struct wk_regs *regs)
{
	if (regs->rsi == 0)
		return io_file(regs->rdi) ? -EROFS : -EBADF;
	return read_only((int32_t)regs->rdi, regs->rsi, false, true);
}
