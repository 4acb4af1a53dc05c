/*
 * The file namespace (linux/files.c): a tree of directories, devices,
 * regular files and symbolic links in memory, which starts as /dev and,
 * when the boot brought a file archive (linux/archive.c), that archive's
 * directories, files and symbolic links.
 */
#ifndef LIBOS_LINUX_FILES_H
#define LIBOS_LINUX_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The nodes every boot has, in its table's order: the root, /dev and the
 * devices. The archive's follow from NODE_FIXED_COUNT up. */
enum file_node {
	NODE_ROOT,
	NODE_DEV,
	NODE_CONSOLE,
	NODE_FULL,
	NODE_NULL,
	NODE_RANDOM,
	NODE_TTY,
	NODE_TTYS0, /* the serial console, as descriptors 0, 1 and 2 */
	NODE_URANDOM,
	NODE_ZERO,
	NODE_PIPE,      /* every pipe's: in no directory */
	NODE_ANONYMOUS, /* eventfds' and epoll instances': in none either */
	NODE_SOCKET,    /* every socket's (linux/socket.c): in none */
	NODE_PROC,      /* /proc (linux/procfs.c) */
	NODE_PROC_SELF, /* /proc/self: a link to 1 */
	NODE_PROC_PID,  /* /proc/1 */
	NODE_PROC_CPUINFO,
	NODE_PROC_MEMINFO,
	NODE_PROC_UPTIME,
	NODE_PROC_LOADAVG,
	NODE_PROC_MOUNTS,
	NODE_PROC_VERSION,
	NODE_PROC_STAT,
	NODE_PROC_NET,  /* /proc/net: a link to self/net */
	NODE_PROC_THREAD_SELF, /* /proc/thread-self: a link to 1/task/TID */
	NODE_PID_CMDLINE,
	NODE_PID_COMM,
	NODE_PID_STATUS,
	NODE_PID_STAT,
	NODE_PID_MAPS,
	NODE_PID_MOUNTS,    /* /proc/1/mounts: /proc/mounts' text */
	NODE_PID_MOUNTINFO, /* /proc/1/mountinfo */
	NODE_PID_FD,      /* /proc/1/fd: a link per open descriptor */
	NODE_PID_FD_LINK, /* any of them, as lstat and readlink see it */
	NODE_PID_NET,     /* /proc/1/net: the interfaces (interfaces.c) */
	NODE_NET_DEV,
	NODE_NET_ROUTE,
	NODE_NET_IF_INET6,
	NODE_NET_TCP,     /* the socket tables (proc_net.c), in this order */
	NODE_NET_TCP6,
	NODE_NET_UDP,
	NODE_NET_UDP6,
	NODE_NET_UDPLITE,
	NODE_NET_UDPLITE6,
	NODE_NET_RAW,
	NODE_NET_RAW6,
	NODE_NET_UNIX,    /* the last of /proc/1/net */
	NODE_PID_TASK,    /* /proc/1/task: a directory per thread */
	NODE_TASK,        /* any of them, /proc/1/task/TID (files.c) */
	NODE_TASK_COMM,   /* its files, of that thread */
	NODE_TASK_STAT,
	NODE_TASK_STATUS,
	NODE_PID_ENVIRON,   /* /proc/1's further files (procfs.c) */
	NODE_PID_AUXV,
	NODE_PID_LIMITS,
	NODE_PID_STATM,
	NODE_PID_CGROUP,
	NODE_PID_OOM_SCORE,
	NODE_PID_OOM_SCORE_ADJ,
	NODE_PID_CWD,       /* links: to the working directory, */
	NODE_PID_ROOT,      /* and to / */
	NODE_PROC_CMDLINE,  /* the kernel's command line */
	NODE_PROC_FILESYSTEMS,
	NODE_PROC_SYS,      /* /proc/sys: the kernel's settings, read */
	NODE_SYS_KERNEL,
	NODE_SYS_RANDOM,
	NODE_SYS_VM,
	NODE_SYS_NET,
	NODE_SYS_NET_CORE,
	NODE_SYS_FS,
	NODE_SYSCTL_OSTYPE, /* the settings, NODE_SYSCTL_FIRST on */
	NODE_SYSCTL_OSRELEASE,
	NODE_SYSCTL_VERSION,
	NODE_SYSCTL_HOSTNAME,   /* these two written as sethostname and */
	NODE_SYSCTL_DOMAINNAME, /* setdomainname set them */
	NODE_SYSCTL_NGROUPS_MAX,
	NODE_SYSCTL_PID_MAX,
	NODE_SYSCTL_THREADS_MAX,
	NODE_SYSCTL_CAP_LAST_CAP,
	NODE_SYSCTL_UUID,
	NODE_SYSCTL_BOOT_ID,
	NODE_SYSCTL_ENTROPY_AVAIL,
	NODE_SYSCTL_POOLSIZE,
	NODE_SYSCTL_OVERCOMMIT,
	NODE_SYSCTL_MAX_MAP_COUNT,
	NODE_SYSCTL_SOMAXCONN,
	NODE_SYSCTL_FILE_MAX,
	NODE_SYSCTL_NR_OPEN,
	NODE_SYSCTL_PIPE_MAX_SIZE,
	NODE_PROC_EXE, /* /proc/1/exe: a link to the app (the last of /proc) */
	NODE_FIXED_COUNT,
};

/* At most this many nodes, the fixed ones included (struct file's node
 * is 16 bits). */
#define NODES_MAX 8192
#define NO_NODE   0xffffffffu

/* Linux's file types (st_mode's S_IFMT). */
#define S_IFMT   0170000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_IFSOCK 0140000

/* What the archive adds: a directory, regular file or symbolic link
 * (mode's type); `data` (`size` bytes) is a file's contents or a link's
 * target, and must stay where it is for the whole run. */
struct file_entry {
	const char *name; /* name_length bytes, no '/' */
	size_t name_length;
	uint32_t mode, uid, gid;
	int64_t mtime; /* Unix seconds */
	const uint8_t *data;
	uint64_t size;
};

/* The fixed nodes and /tmp; false when memory for them is out. */
bool files_init(void);

/* After the archives: /dev/fd, stdin, stdout, stderr (links into
 * /proc/self/fd) and shm (a sticky directory), /etc/hosts, passwd, group,
 * nsswitch.conf, services and protocols, each as a Linux system has it,
 * where the archives gave none. */
void files_defaults(void);

/* The child of directory `directory` named name (length bytes), or
 * NO_NODE. */
unsigned files_child(unsigned directory, const char *name, size_t length);

/* A new node in directory `parent`: its number, or NO_NODE when the table
 * is full. The name must be new there. */
unsigned files_add(unsigned parent, const struct file_entry *entry);

/* inotify (linux/inotify.h): `mask` happened to node's file (IN_ACCESS,
 * IN_MODIFY, IN_OPEN, IN_CLOSE_*, IN_ATTRIB), for its directory's
 * watches and its own. */
void files_notify(unsigned node, uint32_t mask);

/* inotify_add_watch's node: the file `path` names (from the working
 * directory if relative; a link in its last component followed if
 * `follow`), which must be a directory if `directory_only` and readable:
 * its node, or -ENOENT, -ENOTDIR, -EACCES, -EFAULT, ... */
long files_watch_target(uint64_t path, bool follow, bool directory_only);

/* The extended attributes' calls (linux/xattr.c): the file a path names
 * (a link in its last component followed if `follow`) or a descriptor's
 * (not O_PATH: -EBADF): its node, or the lookup's error; whether a node
 * keeps attributes at all (not /proc's, pipes', sockets', anonymous
 * files'); Linux's xattr_permission for reading or writing attribute
 * `name` of node (0, -EPERM, -ENODATA, -EACCES); and a change made
 * (ctime, IN_ATTRIB). */
long files_attribute_target(uint64_t path, bool follow);
long files_attribute_target_fd(uint64_t fd);
bool files_attributes_kept(unsigned node);
long files_attribute_permission(unsigned node, const char *name, bool write);
void files_attribute_changed(unsigned node);

/* Node is the app's own file (libos/main.c, wicket.exe; execve's file
 * replaces it): it stays while the app runs, and opens for writing and
 * truncate are -ETXTBSY. */
void files_set_executable(unsigned node);

/* The app's own file (files_set_executable), or NO_NODE; and the node an
 * absolute path names, links followed, or NO_NODE (for /proc/1/maps: the
 * files the loader mapped). */
unsigned files_executable(void);
unsigned files_node_at(const char *path);

/* Whether node is a directory. */
bool files_is_directory(unsigned node);

/* A node's absolute path into `out` (NUL-terminated, cut to `size`), as
 * /proc/1/maps shows it: " (deleted)" after a file that lost its names,
 * "/memfd:NAME (deleted)" for memfd_create's. Its length. */
size_t files_path(unsigned node, char *out, size_t size);

/* The numbers stat gives a node: st_ino and st_dev. */
uint64_t files_inode(unsigned node);
uint64_t files_device(unsigned node);

/* A new inode number for a file that has no node of its own (a socket, a
 * pipe()'s pipe), one each as Linux's get_next_ino gives them: from
 * above every node's (files_inode). */
uint32_t files_new_inode(void);

/* Named sockets (linux/socket.c), by NUL-terminated paths in the libOS's
 * memory (from the working directory if relative): bind's new name for
 * socket end `end`, a node of type S_IFSOCK held until unbound (its
 * number, or -EADDRINUSE, -ENOENT, -ENOTDIR, ...); the end its name's
 * node names no more (the end closed: the name stays, as on Linux); and
 * the end a path names (links followed), -ECONNREFUSED for a name that
 * is no bound socket, or the lookup's error. */
long files_bind_socket(char *path, uint16_t end);
bool files_path_exists(char *path); /* the last component unfollowed */

/* execve's and execveat's file: the regular file the app's `path` names
 * from dirfd (flags: AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW), which the
 * caller may execute; its node and bytes. 0, or the error execve
 * answers (-ENOENT, -EACCES, -ELOOP, -EFAULT...). */
long files_exec_target(int64_t dirfd, uint64_t path, uint32_t flags,
		       unsigned *node, const uint8_t **data, uint64_t *size);

/* The same for a script's interpreter, a path of the libOS's own (from
 * the working directory if relative; PATH_MAX bytes, rewritten). */
long files_exec_interpreter(char *path, unsigned *node, const uint8_t **data,
			    uint64_t *size);

/* A regular file of `size` zero bytes with no name, held (files_hold)
 * for its user (a System V shared memory segment), or NO_NODE with
 * *error. */
unsigned files_anonymous(uint64_t size, long *error);

/* chdir to an absolute path of the libOS's own (wicket.cwd): 0 or
 * chdir's error. */
long files_change_directory(char *path);
void files_unbind_socket(unsigned node);
long files_socket_at(char *path);

/* A directory the archive lists after the tree has it takes the entry's
 * permission bits, owner and time (not a fixed one's). */
void files_set_attributes(unsigned node, const struct file_entry *entry);

/* Node `name` (a regular file's other name) has the bytes of `from`. */
void files_share_contents(unsigned name, unsigned from);

/* A fixed link's target (length bytes, kept where it is). */
void files_set_link(unsigned node, const char *target, size_t length);

/* The regular file a NUL-terminated path in the libOS's memory names
 * (from the root if absolute, links followed): its bytes, which stay
 * where they are while it is not written. 0, the lookup's error, or
 * -EACCES for a node that is not a regular file. */
long files_regular_at(char *path, const uint8_t **data, uint64_t *size);

/* A regular file's contents in one piece, its holes given memory first
 * (any other node, or no memory for the holes: NULL, size 0). */
const uint8_t *files_contents(unsigned node, uint64_t *size);

/* Length bytes of a regular file from offset (inside its size) into
 * `to`, zeros for its holes. */
void files_read_bytes(unsigned node, uint64_t offset, void *to,
		      uint64_t length);

/* Gives memory to a regular file's holes in [offset, offset + length)
 * (inside its size), as a shared view of them needs: 0 or -ENOSPC. */
long files_back(unsigned node, uint64_t offset, uint64_t length);

/* lseek's SEEK_DATA (data true) and SEEK_HOLE on a regular file: where
 * the next data or hole starts from offset (the end of the file is a
 * hole), or -ENXIO from the end on, or data from there on. */
long files_seek_data(unsigned node, uint64_t offset, bool data);

/* A description of node opens, or goes (linux/io.c): a node without a
 * name lives until its last one goes. */
void files_hold(unsigned node);
void files_drop(unsigned node);

/* A regular file's writes: length bytes from the app's buffer at offset
 * (the count, or -EFAULT, -EFBIG, -ENOSPC, -EPERM for a seal), or from
 * the libOS's bytes, which may be the file's own (a copy within it); and
 * its new size (0, -EFBIG, -ENOSPC or -EPERM). */
long files_write(unsigned node, uint64_t offset, uint64_t buffer,
		 uint64_t length);
long files_write_bytes(unsigned node, uint64_t offset, const void *bytes,
		       uint64_t length);
long files_truncate(unsigned node, uint64_t size);

/* Count bytes of regular file `in` from in_at (inside its size) written
 * to regular file `out` at out_at, its holes as zeros (which stay holes
 * where they fall past out's end): the count, or the first piece's
 * error, as files_write_bytes. */
long files_copy(unsigned out, uint64_t out_at, unsigned in, uint64_t in_at,
		uint64_t count);

/* fallocate's FALLOC_FL_PUNCH_HOLE: the bytes of [offset, offset +
 * length) inside the file read as zeros, and its whole pages there give
 * their memory back: 0, -ENOSPC or -EPERM (sealed). */
long files_punch(unsigned node, uint64_t offset, uint64_t length);

/* fallocate's allocation: memory for [offset, offset + length), the
 * file made that long unless keep_size: 0, -EFBIG, -ENOSPC or -EPERM. */
long files_allocate(unsigned node, uint64_t offset, uint64_t length,
		    bool keep_size);

/* fcntl's F_GET_SEALS (add false: the seals) and F_ADD_SEALS (0, -EPERM
 * or -EINVAL) on a memfd_create file; -EINVAL on any other. */
struct file;
long files_seals(const struct file *file, bool add, uint64_t seals);
uint64_t files_size(unsigned node);

/* Whether a memfd's seals forbid writing it (F_SEAL_WRITE,
 * F_SEAL_FUTURE_WRITE): its shared mappings may not be writable. */
bool files_write_sealed(unsigned node);

/* A regular file's bytes in its own data slot (an archive file's are
 * copied there first), as a shared mapping needs them: 0 or -ENOSPC. */
long files_own_data(unsigned node);

#endif /* LIBOS_LINUX_FILES_H */
