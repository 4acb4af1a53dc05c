/*
 * The file namespace (docs/libos.md, "Files"): a tree in memory, a
 * ramfs as Linux's initramfs is, of fixed devices and what the boot's
 * file archive holds (linux/archive.c), which the app may change:
 *
 *   /                 directory
 *   /dev              directory
 *   /dev/console      the serial console (5:1)
 *   /dev/full         1:7     /dev/null    1:3     /dev/random  1:8
 *   /dev/tty          the serial console (5:0)
 *   /dev/ttyS0        the serial console (4:64): descriptors 0, 1 and 2
 *   /dev/urandom      1:9     /dev/zero    1:5
 *   ...               the archive's and the app's directories, files and
 *                     symbolic links; the app's FIFOs (their pipes are
 *                     linux/pipe.c's) and socket files
 *
 * Paths resolve as Linux resolves them (absolute, or from the working
 * directory or a directory descriptor; ".", "..", repeated and trailing
 * slashes; symbolic links followed up to 40 times, the last component's
 * unless the call says not to). A node is a name and its file at once;
 * a hard link's further names are nodes of their own that name another's
 * file (`file`), found in place of it by every lookup but a name's own
 * (unlink, rename, link's new name). A node that loses its last name
 * lives until its last open description (or the working directory) lets
 * it go. Written
 * bytes live in the node's data slot (linux/file_data.c); an archive
 * file's bytes are read in place until the first change copies them
 * there. The app runs as root, so permission bits never refuse a read or
 * write; they do refuse X_OK on a file with no execute bit, as Linux does
 * for root.
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/print.h"
#include "lib/string.h"
#include "linux/clock.h"
#include "linux/file_data.h"
#include "linux/capability.h"
#include "linux/async_io.h"
#include "linux/files.h"
#include "linux/identity.h"
#include "linux/inotify.h"
#include "linux/mqueue.h"
#include "linux/io.h"
#include "linux/memory.h"
#include "linux/pipe.h"
#include "linux/socket.h"
#include "linux/syscalls.h"
#include "linux/xattr.h"
#include "layout.h"
#include "libos.h"
#include "mm/vm.h"
#include "net/netif.h"
#include "sched/sched.h"
#include "sched/thread.h"
#include "wicket/native.h"

#define PATH_MAX 4096 /* with its NUL */
#define NAME_MAX 255
#define LINKS_MAX 40  /* Linux's limit on links followed in one lookup */
#define DESCRIPTORS_MAX 4096 /* io.c's FDS_MAX: /proc/1/fd lists below */
#define S_ISGID 02000
#define S_ISVTX 01000
#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4

#define AT_FDCWD            -100
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_EACCESS          0x200
#define AT_NO_AUTOMOUNT     0x800
#define AT_EMPTY_PATH       0x1000
#define AT_SYMLINK_FOLLOW   0x400

#define O_NOFOLLOW 0400000

#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

/* The root's device number (the archive's nodes share it), /dev's (a
 * devtmpfs of its own) and the pipes'. */
#define ROOT_DEVICE 1
#define DEV_DEVICE  5
#define PIPE_DEVICE 12
#define ANONYMOUS_DEVICE 13
#define PROC_DEVICE 22

struct node {
	const char *name;    /* name_length bytes */
	const uint8_t *data; /* a file's contents, a link's target */
	uint64_t size;
	struct file_pages pages; /* where its data slot has memory */
	int64_t atime, mtime, ctime; /* nanoseconds since 1970 */
	uint32_t parent;     /* NO_NODE: no name (removed, or O_TMPFILE) */
	uint32_t next_named; /* the next node in its name bucket (0: none) */
	uint32_t file;       /* a hard link's further name: the node whose
				file it names (never the root: 0 is none) */
	uint16_t links;      /* a file's: how many such names it has */
	uint32_t children;   /* a directory's: the nodes it names, ... */
	uint32_t subdirectories; /* ... the directories of them, ... */
	uint32_t last_child; /* ... and none above this number */
	uint32_t up;         /* a removed node's directory, held (a removed
				directory's "..") */
	uint32_t mode;       /* type and permission bits */
	uint32_t uid, gid;
	uint32_t references; /* open descriptions, the working directory */
	uint16_t name_length;
	uint16_t rdev;       /* a device's major << 8 | minor; a socket file's
				socket + 1 (linux/socket.c), 0 when none */
	uint8_t kind;        /* enum file_kind */
	bool used;           /* a free number otherwise */
	bool owns_data;      /* data is its data slot */
	bool memfd;          /* made by memfd_create: it has seals */
	uint8_t seals;       /* F_SEAL_* (memfd_create's files) */
};

/* A generated file of /proc (linux/procfs.c): read-only, size 0. */
#define PROC(name, parent) \
	{ name, parent, FILE_GENERATED, S_IFREG | 0444, 0 }

#define DIRECTORY(name, parent) \
	{ name, parent, FILE_DIRECTORY, S_IFDIR | 0555, 0 }

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
	[NODE_SOCKET] = { "", NODE_SOCKET, FILE_SOCKET, S_IFSOCK | 0777, 0 },
	[NODE_PROC] = { "proc", NODE_ROOT, FILE_DIRECTORY, S_IFDIR | 0555, 0 },
	[NODE_PROC_SELF] = { "self", NODE_PROC, FILE_REGULAR, S_IFLNK | 0777,
			     0 },
	[NODE_PROC_PID] = { "1", NODE_PROC, FILE_DIRECTORY, S_IFDIR | 0555,
			    0 },
	[NODE_PROC_CPUINFO] = PROC("cpuinfo", NODE_PROC),
	[NODE_PROC_MEMINFO] = PROC("meminfo", NODE_PROC),
	[NODE_PROC_UPTIME] = PROC("uptime", NODE_PROC),
	[NODE_PROC_LOADAVG] = PROC("loadavg", NODE_PROC),
	[NODE_PROC_MOUNTS] = PROC("mounts", NODE_PROC),
	[NODE_PROC_VERSION] = PROC("version", NODE_PROC),
	[NODE_PROC_STAT] = PROC("stat", NODE_PROC),
	[NODE_PROC_NET] = { "net", NODE_PROC, FILE_REGULAR, S_IFLNK | 0777,
			    0 },
	[NODE_PROC_THREAD_SELF] = { "thread-self", NODE_PROC, FILE_REGULAR,
				    S_IFLNK | 0777, 0 },
	[NODE_PID_CMDLINE] = PROC("cmdline", NODE_PROC_PID),
	[NODE_PID_COMM] = { "comm", NODE_PROC_PID, FILE_GENERATED,
			    S_IFREG | 0644, 0 },
	[NODE_PID_STATUS] = PROC("status", NODE_PROC_PID),
	[NODE_PID_STAT] = PROC("stat", NODE_PROC_PID),
	[NODE_PID_MAPS] = PROC("maps", NODE_PROC_PID),
	[NODE_PID_MOUNTS] = PROC("mounts", NODE_PROC_PID),
	[NODE_PID_MOUNTINFO] = PROC("mountinfo", NODE_PROC_PID),
	[NODE_PID_FD] = { "fd", NODE_PROC_PID, FILE_DIRECTORY, S_IFDIR | 0500,
			  0 },
	[NODE_PID_FD_LINK] = { "", NODE_PID_FD_LINK, FILE_REGULAR,
			       S_IFLNK | 0700, 0 },
	[NODE_PID_NET] = { "net", NODE_PROC_PID, FILE_DIRECTORY,
			   S_IFDIR | 0555, 0 },
	[NODE_NET_DEV] = PROC("dev", NODE_PID_NET),
	[NODE_NET_ROUTE] = PROC("route", NODE_PID_NET),
	[NODE_NET_IF_INET6] = PROC("if_inet6", NODE_PID_NET),
	[NODE_NET_TCP] = PROC("tcp", NODE_PID_NET),
	[NODE_NET_TCP6] = PROC("tcp6", NODE_PID_NET),
	[NODE_NET_UDP] = PROC("udp", NODE_PID_NET),
	[NODE_NET_UDP6] = PROC("udp6", NODE_PID_NET),
	[NODE_NET_UDPLITE] = PROC("udplite", NODE_PID_NET),
	[NODE_NET_UDPLITE6] = PROC("udplite6", NODE_PID_NET),
	[NODE_NET_RAW] = PROC("raw", NODE_PID_NET),
	[NODE_NET_RAW6] = PROC("raw6", NODE_PID_NET),
	[NODE_NET_UNIX] = PROC("unix", NODE_PID_NET),
	[NODE_PID_TASK] = { "task", NODE_PROC_PID, FILE_DIRECTORY,
			    S_IFDIR | 0555, 0 },
	[NODE_TASK] = { "", NODE_PID_TASK, FILE_DIRECTORY, S_IFDIR | 0555, 0 },
	[NODE_TASK_COMM] = { "comm", NODE_TASK, FILE_GENERATED, S_IFREG | 0644,
			     0 },
	[NODE_TASK_STAT] = PROC("stat", NODE_TASK),
	[NODE_TASK_STATUS] = PROC("status", NODE_TASK),
	[NODE_PID_ENVIRON] = { "environ", NODE_PROC_PID, FILE_GENERATED,
			       S_IFREG | 0400, 0 },
	[NODE_PID_AUXV] = { "auxv", NODE_PROC_PID, FILE_GENERATED,
			    S_IFREG | 0400, 0 },
	[NODE_PID_LIMITS] = PROC("limits", NODE_PROC_PID),
	[NODE_PID_STATM] = PROC("statm", NODE_PROC_PID),
	[NODE_PID_CGROUP] = PROC("cgroup", NODE_PROC_PID),
	[NODE_PID_OOM_SCORE] = PROC("oom_score", NODE_PROC_PID),
	[NODE_PID_OOM_SCORE_ADJ] = { "oom_score_adj", NODE_PROC_PID,
				     FILE_GENERATED, S_IFREG | 0644, 0 },
	[NODE_PID_CWD] = { "cwd", NODE_PROC_PID, FILE_REGULAR, S_IFLNK | 0777,
			   0 },
	[NODE_PID_ROOT] = { "root", NODE_PROC_PID, FILE_REGULAR,
			    S_IFLNK | 0777, 0 },
	[NODE_PROC_CMDLINE] = PROC("cmdline", NODE_PROC),
	[NODE_PROC_FILESYSTEMS] = PROC("filesystems", NODE_PROC),
	[NODE_PROC_SYS] = DIRECTORY("sys", NODE_PROC),
	[NODE_SYS_KERNEL] = DIRECTORY("kernel", NODE_PROC_SYS),
	[NODE_SYS_RANDOM] = DIRECTORY("random", NODE_SYS_KERNEL),
	[NODE_SYS_VM] = DIRECTORY("vm", NODE_PROC_SYS),
	[NODE_SYS_NET] = DIRECTORY("net", NODE_PROC_SYS),
	[NODE_SYS_NET_CORE] = DIRECTORY("core", NODE_SYS_NET),
	[NODE_SYS_FS] = DIRECTORY("fs", NODE_PROC_SYS),
	[NODE_SYSCTL_OSTYPE] = PROC("ostype", NODE_SYS_KERNEL),
	[NODE_SYSCTL_OSRELEASE] = PROC("osrelease", NODE_SYS_KERNEL),
	[NODE_SYSCTL_VERSION] = PROC("version", NODE_SYS_KERNEL),
	[NODE_SYSCTL_HOSTNAME] = { "hostname", NODE_SYS_KERNEL, FILE_GENERATED,
				   S_IFREG | 0644, 0 },
	[NODE_SYSCTL_DOMAINNAME] = { "domainname", NODE_SYS_KERNEL,
				     FILE_GENERATED, S_IFREG | 0644, 0 },
	[NODE_SYSCTL_NGROUPS_MAX] = PROC("ngroups_max", NODE_SYS_KERNEL),
	[NODE_SYSCTL_PID_MAX] = PROC("pid_max", NODE_SYS_KERNEL),
	[NODE_SYSCTL_THREADS_MAX] = PROC("threads-max", NODE_SYS_KERNEL),
	[NODE_SYSCTL_CAP_LAST_CAP] = PROC("cap_last_cap", NODE_SYS_KERNEL),
	[NODE_SYSCTL_UUID] = PROC("uuid", NODE_SYS_RANDOM),
	[NODE_SYSCTL_BOOT_ID] = PROC("boot_id", NODE_SYS_RANDOM),
	[NODE_SYSCTL_ENTROPY_AVAIL] = PROC("entropy_avail", NODE_SYS_RANDOM),
	[NODE_SYSCTL_POOLSIZE] = PROC("poolsize", NODE_SYS_RANDOM),
	[NODE_SYSCTL_OVERCOMMIT] = PROC("overcommit_memory", NODE_SYS_VM),
	[NODE_SYSCTL_MAX_MAP_COUNT] = PROC("max_map_count", NODE_SYS_VM),
	[NODE_SYSCTL_SOMAXCONN] = PROC("somaxconn", NODE_SYS_NET_CORE),
	[NODE_SYSCTL_FILE_MAX] = PROC("file-max", NODE_SYS_FS),
	[NODE_SYSCTL_NR_OPEN] = PROC("nr_open", NODE_SYS_FS),
	[NODE_SYSCTL_PIPE_MAX_SIZE] = PROC("pipe-max-size", NODE_SYS_FS),
	[NODE_PROC_EXE] = { "exe", NODE_PROC_PID, FILE_REGULAR, S_IFLNK | 0777,
			    0 },
};

/* The node table, mapped a page at a time as it grows (layout.h). */
static struct node *const nodes = (struct node *)LIBOS_FILE_NODES;
/* The app's own file, if the tree has it (wicket.exe): no writes while
 * the app runs, as Linux refuses them to an executable's (-ETXTBSY). */
static unsigned executable = NO_NODE;
static unsigned node_count;
static uint64_t nodes_mapped; /* bytes */

/*
 * The names: every node with a directory (parent) is in the bucket its
 * directory and name hash to, so that a lookup looks at a few nodes, not
 * at the table. Not the root (its own parent) nor NODE_TASK, whose name
 * follows the thread task_directory finds. Node 0 (the root) ends a chain.
 */
#define NAME_BUCKETS 4096
static uint32_t name_buckets[NAME_BUCKETS];

static uint32_t *name_bucket(unsigned parent, const char *name, size_t length)
{
	uint32_t hash = 2166136261u ^ parent; /* FNV-1a */

	for (size_t i = 0; i < length; i++)
		hash = (hash ^ (uint8_t)name[i]) * 16777619u;
	return &name_buckets[(hash ^ hash >> 16) % NAME_BUCKETS];
}

static uint32_t *node_bucket(unsigned node)
{
	return name_bucket(nodes[node].parent, nodes[node].name,
			   nodes[node].name_length);
}

static bool is_named(unsigned node)
{
	return nodes[node].parent != NO_NODE && node != NODE_ROOT &&
	       node != NODE_TASK;
}

static bool is_directory(unsigned node);

/* Node, named, counts in its directory's counts, or no longer: by
 * `change` (a node's type never changes). */
static void count_in_parent(unsigned node, int change)
{
	unsigned parent = nodes[node].parent;

	if (parent == NO_NODE || node == NODE_ROOT)
		return;
	nodes[parent].children += (uint32_t)change;
	if (change > 0 && node > nodes[parent].last_child)
		nodes[parent].last_child = node;
	if (is_directory(node))
		nodes[parent].subdirectories += (uint32_t)change;
}

/* Called after a node gets its directory and name ... */
static void index_name(unsigned node)
{
	uint32_t *bucket = node_bucket(node);

	count_in_parent(node, 1);
	if (!is_named(node))
		return;
	nodes[node].next_named = *bucket;
	*bucket = node;
}

/* ... and before it loses or changes them. */
static void unindex_name(unsigned node)
{
	count_in_parent(node, -1);
	if (!is_named(node))
		return;
	for (uint32_t *link = node_bucket(node); *link;
	     link = &nodes[*link].next_named)
		if (*link == node) {
			*link = nodes[node].next_named;
			return;
		}
}

/* Room in the table for node number `count` - 1. */
static bool nodes_room(unsigned count)
{
	uint64_t want = page_up((uint64_t)count * sizeof(struct node));

	if (want <= nodes_mapped)
		return true;
	if (wk_mem_map((long)(LIBOS_FILE_NODES + nodes_mapped),
		       (long)(want - nodes_mapped),
		       WK_PROT_READ | WK_PROT_WRITE) < 0)
		return false;
	nodes_mapped = want;
	return true;
}
static unsigned working_directory = NODE_ROOT;
/* chroot's: where "/" and the walk up through ".." stop (held). */
static unsigned root_directory = NODE_ROOT;

static int64_t now_ns(void)
{
	return (int64_t)clock_realtime_ns();
}

bool files_init(void)
{
	int64_t start = now_ns();

	if (!nodes_room(NODE_FIXED_COUNT))
		return false;
	for (unsigned node = 0; node < NODE_FIXED_COUNT; node++) {
		nodes[node] = (struct node){
			.atime = start, .mtime = start, .ctime = start,
			.name = fixed[node].name,
			.name_length = (uint16_t)strlen(fixed[node].name),
			.parent = fixed[node].parent,
			.kind = fixed[node].kind,
			.mode = fixed[node].mode,
			.rdev = fixed[node].rdev,
			.up = NO_NODE,
			.used = true,
		};
	}
	node_count = NODE_FIXED_COUNT;
	memset(name_buckets, 0, sizeof(name_buckets));
	for (unsigned node = 0; node < NODE_FIXED_COUNT; node++)
		index_name(node);
	nodes[NODE_ROOT].references = 2; /* the working and root directories */
	/* /tmp, as programs expect it: an ordinary directory, sticky and
	 * writable by all (an archive's tmp is the same directory). */
	static const struct file_entry tmp = { "tmp", 3, S_IFDIR | 01777,
					       0, 0, 0, NULL, 0 };
	unsigned made = files_add(NODE_ROOT, &tmp);

	nodes[made].atime = nodes[made].mtime = nodes[made].ctime = start;
	files_set_link(NODE_PROC_SELF, "1", 1);
	files_set_link(NODE_PID_ROOT, "/", 1);
	files_set_link(NODE_PROC_NET, "self/net", 8);
	return true;
}

/* What a Linux system has in /etc, for a tree whose archives gave none:
 * localhost's addresses and IPv6's usual names (Debian's), root's and
 * nobody's users and groups, and the name service order, so that names
 * resolve as they do on the host (glibc's default without
 * nsswitch.conf asks DNS first). A name an archive gave stays as it is. */
static const struct {
	const char *name, *text;
} etc_defaults[] = {
	{ "hosts", "127.0.0.1\tlocalhost\n127.0.1.1\twicket\n\n"
		   "::1     localhost ip6-localhost ip6-loopback\n"
		   "ff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n" },
	{ "passwd", "root:x:0:0:root:/root:/bin/sh\n"
		    "nobody:x:65534:65534:nobody:/nonexistent:"
		    "/usr/sbin/nologin\n" },
	{ "group", "root:x:0:\nnogroup:x:65534:\n" },
	{ "nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\n"
			   "hosts: files dns\nnetworks: files\n"
			   "protocols: files\nservices: files\n" },
	/* The well-known ports a program names (getservbyname,
	 * getaddrinfo's service), as Debian's netbase lists them. */
	{ "services",
	  "echo\t7/tcp\necho\t7/udp\ndiscard\t9/tcp\tsink\n"
	  "discard\t9/udp\tsink\ndaytime\t13/tcp\ndaytime\t13/udp\n"
	  "qotd\t17/tcp\tquote\nchargen\t19/tcp\tttytst\n"
	  "chargen\t19/udp\tttytst\nftp-data\t20/tcp\nftp\t21/tcp\n"
	  "ssh\t22/tcp\ntelnet\t23/tcp\nsmtp\t25/tcp\tmail\n"
	  "time\t37/tcp\ttimserver\ntime\t37/udp\ttimserver\n"
	  "whois\t43/tcp\tnicname\ndomain\t53/tcp\ndomain\t53/udp\n"
	  "bootps\t67/udp\nbootpc\t68/udp\ntftp\t69/udp\n"
	  "gopher\t70/tcp\nfinger\t79/tcp\nhttp\t80/tcp\twww\n"
	  "kerberos\t88/tcp\tkerberos5\nkerberos\t88/udp\tkerberos5\n"
	  "pop3\t110/tcp\tpop-3\nsunrpc\t111/tcp\tportmapper\n"
	  "sunrpc\t111/udp\tportmapper\nauth\t113/tcp\tauthentication\n"
	  "nntp\t119/tcp\treadnews\nntp\t123/udp\n"
	  "netbios-ns\t137/udp\nnetbios-ssn\t139/tcp\n"
	  "imap2\t143/tcp\timap\nsnmp\t161/tcp\nsnmp\t161/udp\n"
	  "snmp-trap\t162/tcp\tsnmptrap\nsnmp-trap\t162/udp\tsnmptrap\n"
	  "ldap\t389/tcp\nldap\t389/udp\nhttps\t443/tcp\n"
	  "https\t443/udp\nsyslog\t514/udp\nsubmission\t587/tcp\n"
	  "ipp\t631/tcp\nldaps\t636/tcp\nldaps\t636/udp\n"
	  "rsync\t873/tcp\nimaps\t993/tcp\npop3s\t995/tcp\n"
	  "mysql\t3306/tcp\npostgresql\t5432/tcp\tpostgres\n" },
	{ "protocols",
	  "ip\t0\tIP\nicmp\t1\tICMP\nigmp\t2\tIGMP\ntcp\t6\tTCP\n"
	  "udp\t17\tUDP\nipv6\t41\tIPv6\ngre\t47\tGRE\n"
	  "esp\t50\tIPSEC-ESP\nah\t51\tIPSEC-AH\n"
	  "ipv6-icmp\t58\tIPv6-ICMP\nsctp\t132\tSCTP\n"
	  "udplite\t136\tUDPLite\n" },
};

/* What every Linux system has in /dev beside the devices (udev or a
 * container runtime makes them): the descriptor links and the POSIX
 * shared memory directory (shm_open, sem_open), a sticky tmpfs there. */
static const struct {
	const char *name;
	uint32_t mode;
	const char *target;
} dev_defaults[] = {
	{ "fd", S_IFLNK | 0777, "/proc/self/fd" },
	{ "stdin", S_IFLNK | 0777, "/proc/self/fd/0" },
	{ "stdout", S_IFLNK | 0777, "/proc/self/fd/1" },
	{ "stderr", S_IFLNK | 0777, "/proc/self/fd/2" },
	{ "shm", S_IFDIR | 01777, NULL },
};

void files_defaults(void)
{
	int64_t now = now_ns() / (int64_t)NS_PER_SECOND;
	struct file_entry entry;

	for (unsigned i = 0; i < sizeof(dev_defaults) / sizeof(*dev_defaults);
	     i++) {
		const char *name = dev_defaults[i].name, *target =
			dev_defaults[i].target;

		if (files_child(NODE_DEV, name, strlen(name)) != NO_NODE)
			continue;
		entry = (struct file_entry){
			name, strlen(name), dev_defaults[i].mode, 0, 0, now,
			(const uint8_t *)target, target ? strlen(target) : 0 };
		files_add(NODE_DEV, &entry);
	}
	entry = (struct file_entry){ "etc", 3, S_IFDIR | 0755, 0, 0, now,
				     NULL, 0 };
	unsigned etc = files_child(NODE_ROOT, "etc", 3);

	if (etc == NO_NODE)
		etc = files_add(NODE_ROOT, &entry);
	if (etc == NO_NODE || (nodes[etc].mode & S_IFMT) != S_IFDIR)
		return;
	for (unsigned i = 0; i < sizeof(etc_defaults) / sizeof(*etc_defaults);
	     i++) {
		const char *name = etc_defaults[i].name;

		if (files_child(etc, name, strlen(name)) != NO_NODE)
			continue;
		entry = (struct file_entry){
			name, strlen(name), S_IFREG | 0644, 0, 0, now,
			(const uint8_t *)etc_defaults[i].text,
			strlen(etc_defaults[i].text) };
		files_add(etc, &entry);
	}
	/* eth0's name server (net/netif.h), as DHCP's client would write
	 * it. */
	static char resolv_conf[40];
	uint8_t *dns = (uint8_t *)&netif.dns;

	if (netif.dns == 0 || files_child(etc, "resolv.conf", 11) != NO_NODE)
		return;
	entry = (struct file_entry){
		"resolv.conf", 11, S_IFREG | 0644, 0, 0, now,
		(const uint8_t *)resolv_conf,
		print_format_to(resolv_conf, sizeof(resolv_conf),
				"nameserver %u.%u.%u.%u\n", dns[0], dns[1],
				dns[2], dns[3]) };
	files_add(etc, &entry);
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

/*
 * Permissions, as Linux's generic_permission gives them: the owner's,
 * the group's (the file system group id or a supplementary group) or the
 * others' bits, for the file system ids; then CAP_DAC_OVERRIDE (anything
 * but execution of a file without an execute bit) and CAP_DAC_READ_SEARCH
 * (reading, and searching directories). access() asks with the real ids
 * and, as Linux's access_override_creds, with the permitted set when the
 * real user id is 0 and no capability otherwise (`real_ids`, set for the
 * call). A path's directories need search permission, a new or removed
 * name write and search permission on its directory, and in a sticky
 * directory a removed name must be the caller's, or its directory, or
 * CAP_FOWNER's. /proc/1's files stay root's, as Linux's are once a
 * process changed its ids (it is no longer dumpable), but for its fd
 * directory.
 */
static bool real_ids;

static bool has_capability(unsigned capability)
{
	if (real_ids)
		return identity()->uid[ID_REAL] == 0 &&
		       ((capabilities()->permitted >> capability) & 1);
	return capability_effective(capability);
}

static bool in_groups(uint32_t gid)
{
	const uint32_t *groups;
	unsigned count = identity_groups(&groups);

	if (gid == identity()->gid[real_ids ? ID_REAL : ID_FS])
		return true;
	for (unsigned i = 0; i < count; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Whether the caller may do `want` (MAY_* bits) to node. */
static bool permitted(unsigned node, uint32_t want)
{
	const struct node *n = &nodes[node];
	uint32_t uid = identity()->uid[real_ids ? ID_REAL : ID_FS];
	uint32_t bits = uid == n->uid	   ? n->mode >> 6
			: in_groups(n->gid) ? n->mode >> 3
					    : n->mode;
	bool directory = (n->mode & S_IFMT) == S_IFDIR;

	/* A process may always look into its own /proc/1/fd (Linux's
	 * proc_fd_permission). */
	if ((want & ~bits & 7) == 0 || node == NODE_PID_FD)
		return true;
	if (has_capability(CAP_DAC_OVERRIDE) &&
	    (!(want & MAY_EXEC) || directory || (n->mode & 0111)))
		return true;
	return has_capability(CAP_DAC_READ_SEARCH) && !(want & MAY_WRITE) &&
	       (!(want & MAY_EXEC) || directory);
}

/* Whether the caller owns node, for chmod and the sticky bit. */
static bool owns(unsigned node)
{
	return identity()->uid[ID_FS] == nodes[node].uid ||
	       capability_effective(CAP_FOWNER);
}

/* A name `node` going from directory `parent`: 0, -EACCES or -EPERM
 * (sticky). */
static long may_remove(unsigned parent, unsigned node)
{
	if (!permitted(parent, MAY_WRITE | MAY_EXEC))
		return -EACCES;
	if ((nodes[parent].mode & S_ISVTX) && !owns(node) && !owns(parent))
		return -EPERM;
	return 0;
}

/* The fixed nodes stay where they are: not removed, renamed or replaced
 * (the root and /dev's devices). */
static bool is_fixed(unsigned node)
{
	return node < NODE_FIXED_COUNT;
}

static bool is_proc(unsigned node)
{
	return node >= NODE_PROC && node <= NODE_PROC_EXE;
}

/* Whether node still has a name (the root always has), its own or a
 * hard link's. */
static bool is_linked(unsigned node)
{
	return node == NODE_ROOT || nodes[node].parent != NO_NODE ||
	       nodes[node].links;
}

/* The file a name node names: itself, or a hard link's file. */
static unsigned file_of(unsigned node)
{
	return nodes[node].file ? nodes[node].file : node;
}

/* The directory's contents changed. */
static void directory_changed(unsigned directory)
{
	nodes[directory].mtime = nodes[directory].ctime = now_ns();
}

/* inotify (linux/inotify.h): `mask` happened to node's file, seen by its
 * directory's watches with its name (a removed node's: the directory and
 * name it had, which Linux's dentry keeps), then by its own. Linux names
 * the name it was opened by; here a description holds the file, so a
 * file with several names is named by its own, or by the hard link's
 * that is left when its own is gone. */
void files_notify(unsigned node, uint32_t mask)
{
	unsigned file = file_of(node);

	if (nodes[node].parent == NO_NODE && nodes[file].links)
		for (unsigned name = NODE_ROOT + 1; name < node_count; name++)
			if (nodes[name].file == file &&
			    nodes[name].parent != NO_NODE) {
				node = name;
				break;
			}
	bool unlinked = nodes[node].parent == NO_NODE;
	unsigned directory = node == NODE_ROOT ? NO_NODE
			     : unlinked	       ? nodes[node].up
						 : nodes[node].parent;

	if (is_directory(file))
		mask |= IN_ISDIR;
	inotify_event(file, directory, nodes[node].name,
		      nodes[node].name_length, mask, 0, unlinked);
	dnotify_event(file, directory, mask, false);
}

/* inotify: `mask` happened to node's file itself (IN_ATTRIB for its link
 * count, IN_MOVE_SELF), which its directory's watches do not see. */
static void notify_self(unsigned node, uint32_t mask)
{
	unsigned file = file_of(node);

	inotify_event(file, NO_NODE, NULL, 0,
		      mask | (is_directory(file) ? IN_ISDIR : 0), 0, false);
	dnotify_event(file, NO_NODE, mask, false);
}

/* inotify: a name came to or left `directory` (IN_CREATE, IN_DELETE,
 * IN_MOVED_FROM, IN_MOVED_TO), naming a directory or not. */
static void notify_entry(unsigned directory, const char *name, size_t length,
			 bool names_directory, uint32_t mask, uint32_t cookie)
{
	inotify_event(NO_NODE, directory, name, length,
		      mask | (names_directory ? IN_ISDIR : 0), cookie, false);
	dnotify_event(NO_NODE, directory, mask, false);
}

unsigned files_child(unsigned directory, const char *name, size_t length)
{
	for (unsigned node = *name_bucket(directory, name, length); node;
	     node = nodes[node].next_named)
		if (nodes[node].parent == directory &&
		    nodes[node].name_length == length &&
		    memcmp(nodes[node].name, name, length) == 0)
			return node;
	return NO_NODE;
}

/* A free node number, or NO_NODE. */
static unsigned new_node(void)
{
	if (node_count < NODES_MAX && nodes_room(node_count + 1))
		return node_count++;
	for (unsigned node = NODE_FIXED_COUNT; node < node_count; node++)
		if (!nodes[node].used)
			return node;
	return NO_NODE;
}

static uint8_t kind_of_type(uint32_t type)
{
	return type == S_IFDIR	   ? FILE_DIRECTORY
	       : type == S_IFIFO   ? FILE_PIPE
	       : type == S_IFSOCK ? FILE_SOCKET
				   : FILE_REGULAR;
}

unsigned files_add(unsigned parent, const struct file_entry *entry)
{
	unsigned node = new_node();
	uint32_t type = entry->mode & S_IFMT;
	int64_t time = entry->mtime * (int64_t)NS_PER_SECOND;

	if (node == NO_NODE)
		return NO_NODE;
	nodes[node] = (struct node){
		.name = entry->name,
		.name_length = (uint16_t)entry->name_length,
		.data = entry->data,
		.size = type == S_IFREG || type == S_IFLNK ? entry->size : 0,
		.atime = time, .mtime = time, .ctime = time,
		.parent = parent,
		.up = NO_NODE,
		.mode = entry->mode,
		.uid = entry->uid,
		.gid = entry->gid,
		.kind = kind_of_type(type),
		.used = true,
	};
	index_name(node);
	return node;
}

bool files_is_directory(unsigned node)
{
	return is_directory(node);
}

void files_set_attributes(unsigned node, const struct file_entry *entry)
{
	int64_t time = entry->mtime * (int64_t)NS_PER_SECOND;

	if (is_fixed(node))
		return;
	nodes[node].mode = (nodes[node].mode & S_IFMT) | (entry->mode & 07777);
	nodes[node].uid = entry->uid;
	nodes[node].gid = entry->gid;
	nodes[node].atime = nodes[node].mtime = nodes[node].ctime = time;
}

void files_set_link(unsigned node, const char *target, size_t length)
{
	nodes[node].data = (const uint8_t *)target;
	nodes[node].size = length;
}

void files_share_contents(unsigned name, unsigned from)
{
	nodes[name].data = nodes[from].data;
	nodes[name].size = nodes[from].size;
}

const uint8_t *files_contents(unsigned node, uint64_t *size)
{
	bool regular = node < node_count && file_type(node) == S_IFREG;

	*size = 0;
	if (!regular || files_back(node, 0, nodes[node].size))
		return NULL;
	*size = nodes[node].size;
	return nodes[node].data;
}

void files_read_bytes(unsigned node, uint64_t offset, void *to,
		      uint64_t length)
{
	if (nodes[node].owns_data)
		file_data_read(node, &nodes[node].pages, offset, to, length);
	else
		memcpy(to, nodes[node].data + offset, length);
}

long files_back(unsigned node, uint64_t offset, uint64_t length)
{
	if (!nodes[node].owns_data)
		return 0;
	return file_data_back(node, &nodes[node].pages, offset, length);
}

/* The bytes of a regular file from offset (below its size) on that are
 * all data or all a hole, up to `limit` bytes: where they are (NULL for a
 * hole) and, in *length, how many. */
static const uint8_t *piece_at(unsigned node, uint64_t offset,
			       uint64_t limit, uint64_t *length)
{
	struct node *n = &nodes[node];
	uint64_t end = limit < n->size - offset ? offset + limit : n->size;
	bool backed = true;

	*length = n->owns_data ? file_data_run(node, &n->pages, offset, end,
					       &backed)
			       : end - offset;
	return backed ? n->data + offset : NULL;
}

long files_seek_data(unsigned node, uint64_t offset, bool data)
{
	uint64_t size = nodes[node].size, length;

	if (offset >= size)
		return -ENXIO;
	while (offset < size) {
		bool is_data = piece_at(node, offset, size, &length) != NULL;

		if (is_data == data)
			return (long)offset;
		offset += length;
	}
	return data ? -ENXIO : (long)size;
}

/* Node's number goes back to the free ones, with its data's pages; a
 * hard link's name takes its name from its file, which goes too if that
 * was its last name and nothing has it open. */
static void free_node(unsigned node)
{
	unsigned up = nodes[node].up, file = nodes[node].file;

	unindex_name(node);
	if (!file) {
		inotify_node_gone(node);
		attributes_forget(node);
	} else if (nodes[file].parent == NO_NODE && nodes[file].links == 1 &&
		 nodes[file].references && up != NO_NODE &&
		 file_name_slot(file)) {
		/* The last name of an open file: where it was now, as for
		 * Linux's dentry (/proc/1/maps, inotify). */
		unsigned old_up = nodes[file].up;

		memmove(file_name_slot(file), nodes[node].name,
			nodes[node].name_length);
		nodes[file].name = file_name_slot(file);
		nodes[file].name_length = nodes[node].name_length;
		files_hold(up);
		nodes[file].up = up;
		if (old_up != NO_NODE)
			files_drop(old_up);
	}
	if (nodes[node].owns_data)
		file_data_shrink(node, &nodes[node].pages, 0);
	nodes[node] = (struct node){ .parent = NO_NODE, .up = NO_NODE };
	if (up != NO_NODE)
		files_drop(up);
	if (file) {
		nodes[file].links--;
		nodes[file].ctime = now_ns();
		if (nodes[file].references == 0 && !is_linked(file))
			free_node(file);
	}
}

void files_set_executable(unsigned node)
{
	files_hold(node);
	if (executable != NO_NODE)
		files_drop(executable);
	executable = node;
}

unsigned files_executable(void)
{
	return executable;
}

void files_hold(unsigned node)
{
	nodes[node].references++;
}

void files_drop(unsigned node)
{
	if (--nodes[node].references == 0 && !is_linked(node) &&
	    !is_fixed(node))
		free_node(node);
}

/* Node loses its name; it goes once nothing has it open. */
static void detach(unsigned node)
{
	unsigned parent = nodes[node].parent;

	directory_changed(parent);
	unindex_name(node);
	/* A directory's ".." stays where it was; a file keeps where it was
	 * for /proc/1/maps (files_path). */
	nodes[node].up = parent;
	files_hold(parent);
	nodes[node].parent = NO_NODE;
	nodes[node].ctime = now_ns();
	if (nodes[node].references == 0 && !is_linked(node))
		free_node(node);
}

/* Gives node the name (length bytes) in directory `parent`: false when
 * memory for it is out. */
static bool set_name(unsigned node, unsigned parent, const char *name,
		     size_t length)
{
	char *slot = file_name_slot(node);

	if (slot == NULL)
		return false;
	unindex_name(node);
	memmove(slot, name, length);
	nodes[node].name = slot;
	nodes[node].name_length = (uint16_t)length;
	nodes[node].parent = parent;
	index_name(node);
	directory_changed(parent);
	return true;
}

/* What a description of a new node of `type` (S_IFMT's) reads and
 * writes: a FIFO's is a pipe (linux/pipe.c), a socket file's a socket
 * (its open is -ENXIO). */

/* A new node named name in directory `parent`, of mode (type and
 * permission bits), its times now: its number, or NO_NODE (*error:
 * -ENOSPC). Its owner is the file system user id, its group the file
 * system group id, or the directory's when that is set-group-ID, and a
 * directory made there is set-group-ID too, as on Linux. */
static unsigned create(unsigned parent, const char *name, size_t length,
		       uint32_t mode, long *error)
{
	unsigned node = new_node();
	int64_t now = now_ns();

	*error = -ENOSPC;
	if (node == NO_NODE)
		return NO_NODE;
	nodes[node] = (struct node){
		.data = file_data_slot(node),
		.atime = now, .mtime = now, .ctime = now,
		.parent = NO_NODE,
		.up = NO_NODE,
		.mode = mode,
		.uid = identity()->uid[ID_FS],
		.gid = identity()->gid[ID_FS],
		.kind = kind_of_type(mode & S_IFMT),
		.used = true,
		.owns_data = true,
	};
	if (parent != NO_NODE && (nodes[parent].mode & S_ISGID)) {
		nodes[node].gid = nodes[parent].gid;
		if ((mode & S_IFMT) == S_IFDIR)
			nodes[node].mode |= S_ISGID;
	}
	if (parent != NO_NODE && !set_name(node, parent, name, length)) {
		free_node(node);
		return NO_NODE;
	}
	if (parent != NO_NODE)
		notify_entry(parent, nodes[node].name, length,
			     (mode & S_IFMT) == S_IFDIR, IN_CREATE, 0);
	*error = 0;
	return node;
}

/* Node's bytes in its data slot, where they can change: a file of the
 * archive has its first `keep` bytes copied there first, and is that
 * long then. */
static long own_data(unsigned node, uint64_t keep)
{
	struct node *n = &nodes[node];

	if (n->owns_data)
		return 0;
	if (keep > n->size)
		keep = n->size;
	long error = file_data_grow(node, &n->pages, keep, 0);

	if (error)
		return error;
	memcpy(file_data_slot(node), n->data, keep);
	n->data = file_data_slot(node);
	n->size = keep;
	n->owns_data = true;
	return 0;
}

/* memfd_create's seals (fcntl F_ADD_SEALS): what they forbid. */
#define F_SEAL_SEAL         0x01
#define F_SEAL_SHRINK       0x02
#define F_SEAL_GROW         0x04
#define F_SEAL_WRITE        0x08
#define F_SEAL_FUTURE_WRITE 0x10
#define F_SEAL_ALL          0x1f

/* -EPERM if a seal forbids writing (`writes`) or the size becoming
 * new_size, else 0. */
static long sealed_against(const struct node *n, bool writes,
			   uint64_t new_size)
{
	if ((writes && (n->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))) ||
	    (new_size < n->size && (n->seals & F_SEAL_SHRINK)) ||
	    (new_size > n->size && (n->seals & F_SEAL_GROW)))
		return -EPERM;
	return 0;
}

/* Length bytes at offset of a regular file, from `bytes` (checked, or
 * libOS memory), or zeros (bytes NULL: those past the end are holes): the
 * count, or -EFBIG, -ENOSPC or -EPERM (sealed). As Linux writes a page at
 * a time, a write that F_SEAL_GROW stops at the end writes the pages
 * before the one that would grow the file. */
static long write_bytes(unsigned node, uint64_t offset, const void *bytes,
			uint64_t length)
{
	struct node *n = &nodes[node];

	if ((n->seals & F_SEAL_GROW) && offset + length > n->size &&
	    page_down(n->size) > offset)
		length = page_down(n->size) - offset;
	uint64_t end = offset + length > n->size ? offset + length : n->size;
	long error = sealed_against(n, true, end);

	if (!error)
		error = own_data(node, n->size);

	uint64_t span = n->pages.span;

	if (!error && offset + length > n->size) {
		uintptr_t from = (uintptr_t)bytes, before = (uintptr_t)n->data;

		error = file_data_grow(node, &n->pages, offset + length,
				       bytes ? offset : offset + length);
		n->data = file_data_slot(node);
		/* copy_file_range or sendfile within one file: the bytes to
		 * write may have moved with it. */
		if (bytes && from - before < n->size)
			bytes = n->data + (from - before);
	}
	if (!error && bytes)
		error = file_data_back(node, &n->pages, offset, length);
	if (error)
		return error;
	/* Past the old end, the slot's bytes are zeros, but for what the
	 * app wrote past the end of a shared mapping's last page: those
	 * stay, as in Linux's page cache. */
	if (bytes)
		memmove(file_data_slot(node) + offset, bytes, length);
	else if (offset < span)
		file_data_zero(node, &n->pages, offset,
			       offset + length < span ? length : span - offset);
	if (offset + length > n->size)
		n->size = offset + length;
	n->mtime = n->ctime = now_ns();
	return (long)length;
}

/* The bytes from offset that fit below FILE_SIZE_MAX (Linux writes
 * what fits and stops at the limit); 0 when none does. */
static uint64_t fitting(uint64_t offset, uint64_t length)
{
	return offset >= FILE_SIZE_MAX ? 0
	       : length < FILE_SIZE_MAX - offset ? length
						 : FILE_SIZE_MAX - offset;
}

long files_write_bytes(unsigned node, uint64_t offset, const void *bytes,
		       uint64_t length)
{
	if (length == 0)
		return 0;
	length = fitting(offset, length);
	if (length == 0)
		return -EFBIG;
	long written = write_bytes(node, offset, bytes, length);

	if (written > 0)
		files_notify(node, IN_MODIFY);
	return written;
}

long files_write(unsigned node, uint64_t offset, uint64_t buffer,
		 uint64_t length)
{
	uint64_t fits = fitting(offset, length);

	if (fits && !vm_user_ok(buffer, fits, PROT_READ))
		return -EFAULT;
	return files_write_bytes(node, offset, (const void *)buffer, length);
}

long files_truncate(unsigned node, uint64_t size)
{
	struct node *n = &nodes[node];

	if (size > FILE_SIZE_MAX)
		return -EFBIG;
	long error = sealed_against(n, false, size);

	if (!error)
		error = own_data(node, size);

	if (!error && size > n->size) {
		error = file_data_grow(node, &n->pages, size, size);
		n->data = file_data_slot(node);
	}
	if (error)
		return error;
	if (size < n->size) {
		file_data_shrink(node, &n->pages, size);
		n->data = file_data_slot(node);
	}
	n->size = size;
	n->mtime = n->ctime = now_ns();
	return 0;
}

/* truncate, ftruncate and O_TRUNC: files_truncate, and IN_MODIFY. */
static long truncate_notified(unsigned node, uint64_t size)
{
	long error = files_truncate(node, size);

	if (!error)
		files_notify(node, IN_MODIFY | IN_NOT_THROUGH_FILE);
	return error;
}

long files_copy(unsigned out, uint64_t out_at, unsigned in, uint64_t in_at,
		uint64_t count)
{
	uint64_t done = 0, fits = fitting(out_at, count);

	if (count && fits == 0)
		return -EFBIG;
	while (done < fits) {
		uint64_t length;
		const uint8_t *bytes = piece_at(in, in_at + done, fits - done,
						&length);
		long written = write_bytes(out, out_at + done, bytes, length);

		if (written < 0)
			return done ? (long)done : written;
		done += (uint64_t)written;
		if ((uint64_t)written < length)
			break;
	}
	if (done) {
		files_notify(in, IN_ACCESS);
		files_notify(out, IN_MODIFY);
	}
	return (long)done;
}

long files_punch(unsigned node, uint64_t offset, uint64_t length)
{
	struct node *n = &nodes[node];
	long error = sealed_against(n, true, n->size);

	if (!error)
		error = own_data(node, n->size);
	if (!error)
		error = file_data_punch(node, &n->pages, n->size, offset,
					length);
	if (!error)
		n->mtime = n->ctime = now_ns();
	return error;
}

long files_allocate(unsigned node, uint64_t offset, uint64_t length,
		    bool keep_size)
{
	struct node *n = &nodes[node];
	uint64_t end = offset + length;

	if (end > FILE_SIZE_MAX)
		return -EFBIG;
	if ((n->seals & F_SEAL_GROW) && end > n->size)
		return -EPERM; /* KEEP_SIZE or not, as Linux's tmpfs */
	long error = own_data(node, n->size);
	uint64_t old_size = n->size;

	if (!error && !keep_size && end > n->size)
		error = files_truncate(node, end);
	if (end > n->size)
		end = n->size;
	if (!error && offset < end)
		error = file_data_back(node, &n->pages, offset, end - offset);
	if (error && n->size > old_size) /* as Linux: all or nothing */
		files_truncate(node, old_size);
	return error;
}

uint64_t files_size(unsigned node)
{
	return nodes[node].size;
}

bool files_write_sealed(unsigned node)
{
	return nodes[node].seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE);
}

long files_own_data(unsigned node)
{
	return own_data(node, nodes[node].size);
}

/* What a lookup found: the node, or the error; `parent` is the directory
 * the last component was looked up in when only that one is missing
 * (error -ENOENT), else NO_NODE. */
struct lookup {
	long error;
	unsigned node, parent;
	/* The missing last component (error -ENOENT, parent set). */
	char last[NAME_MAX + 1];
	size_t last_length;
	uint8_t dots_last; /* the last component was "." (1) or ".." (2) */
	bool trailing_slash;
	bool empty_path; /* AT_EMPTY_PATH named the descriptor's file */
	/* The description AT_EMPTY_PATH or a /proc/1/fd link named, else
	 * NULL: a socket's inode is its own, not its node's. */
	const struct file *file;
	bool root_itself; /* the path was "/" alone (Linux's LAST_ROOT) */
};

#define LOOKUP_ERROR(code) ((struct lookup){ .error = (code), \
					     .parent = NO_NODE })

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

/* /proc/1/task/TID: one node, NODE_TASK, is every thread's directory,
 * and NODE_TASK_* its files. task_thread is the thread the last lookup
 * through it named, and the node's name is that tid, so that a path made
 * of the node names that thread; a description of one of them keeps its
 * thread (struct file's `thread`), as the working directory does. */
static int32_t task_thread;
static int32_t working_thread; /* while the working directory is one */
static char task_name[12];

static bool is_task_node(unsigned node)
{
	return node >= NODE_TASK && node <= NODE_TASK_STATUS;
}

static void enter_task(int32_t tid)
{
	task_thread = tid;
	nodes[NODE_TASK].name = task_name;
	nodes[NODE_TASK].name_length = (uint16_t)print_format_to(
		task_name, sizeof(task_name), "%d", tid);
}

/* The directory of the live thread whose tid `name` (`length` decimal
 * digits) says, or NO_NODE. */
static unsigned task_directory(const char *name, size_t length)
{
	int64_t tid = 0;

	if (length == 0 || length > 9 || (length > 1 && name[0] == '0'))
		return NO_NODE;
	for (size_t i = 0; i < length; i++) {
		if (name[i] < '0' || name[i] > '9')
			return NO_NODE;
		tid = tid * 10 + (name[i] - '0');
	}
	if (thread_find((int32_t)tid) == NULL)
		return NO_NODE;
	enter_task((int32_t)tid);
	return NODE_TASK;
}

/* The links whose target is the caller's: /proc/thread-self (its
 * thread's directory) and /proc/1/cwd (the working directory), set as a
 * lookup comes to them. */
static void point_link(unsigned node)
{
	static char thread_self[24], cwd[PATH_MAX];

	if (node == NODE_PROC_THREAD_SELF)
		files_set_link(node, thread_self,
			       print_format_to(thread_self,
					       sizeof(thread_self), "1/task/%d",
					       sched_current()->tid));
	if (node == NODE_PID_CWD) {
		if (working_directory == NODE_TASK)
			enter_task(working_thread);
		files_set_link(node, cwd,
			       files_path(working_directory, cwd, sizeof(cwd)));
	}
}

/* The node a directory descriptor names, for a relative path. */
static long directory_of(int64_t dirfd, unsigned *node)
{
	if (dirfd == AT_FDCWD) {
		*node = working_directory;
		if (working_directory == NODE_TASK)
			enter_task(working_thread);
		return 0;
	}
	const struct file *file = dirfd < 0 ? NULL : io_file((uint64_t)dirfd);

	if (file == NULL)
		return -EBADF;
	if (!is_directory(file->node))
		return -ENOTDIR;
	*node = file->node;
	if (file->node == NODE_TASK)
		enter_task(file->thread);
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

/* How a link in the last component is taken: followed; followed only
 * before a trailing slash (lstat, O_NOFOLLOW: as Linux does); or never,
 * by the calls that make, remove or rename that name itself. */
enum follow { FOLLOW, FOLLOW_SLASHED, NAME_ITSELF };

/* What follows the slashes at `at`. */
static const char *rest_of(const char *at)
{
	while (*at == '/')
		at++;
	return at;
}

/* /proc/1/fd's links: the descriptor its name (decimal digits, `length`
 * of them at `name`) says, and whether it is to be followed: its file's
 * node, as Linux's link leads to the file itself whatever its name (or
 * none); else NODE_PID_FD_LINK, the link as lstat and readlink see it,
 * for that descriptor (fd_link). NO_NODE for no open descriptor. */
static int64_t fd_link = -1;

static unsigned descriptor_link(const char *name, size_t length,
				bool itself)
{
	uint64_t fd = 0;

	if (length == 0 || length > 9 || (length > 1 && name[0] == '0'))
		return NO_NODE;
	for (size_t i = 0; i < length; i++) {
		if (name[i] < '0' || name[i] > '9')
			return NO_NODE;
		fd = fd * 10 + (uint64_t)(name[i] - '0');
	}
	const struct file *file = io_file(fd);

	if (file == NULL)
		return NO_NODE;
	fd_link = (int64_t)fd;
	return itself ? NODE_PID_FD_LINK : file->node;
}

/* What readlink says of /proc/1/fd/N: the file's path (files_path), or
 * what Linux says of a file with none. */
static size_t descriptor_target(char *out, size_t size)
{
	const struct file *file = io_file((uint64_t)fd_link);
	unsigned node = file ? file->node : NODE_NULL;

	if (is_task_node(node))
		enter_task(file->thread);
	switch (node) {
	case NODE_PIPE:
		return print_format_to(out, size, "pipe:[%lu]",
				       (unsigned long)pipe_inode(file));
	case NODE_SOCKET:
		return print_format_to(out, size, "socket:[%lu]",
				       (unsigned long)socket_inode(file));
	case NODE_ANONYMOUS:
		if (file->kind == FILE_INOTIFY) /* Linux's own spelling */
			return print_format_to(out, size, "anon_inode:inotify");
		if (file->kind == FILE_MQUEUE) /* its path in the mqueue fs */
			return (uint64_t)mqueue_path(file, out, size);
		return print_format_to(out, size, "anon_inode:[%s]",
				       file->kind == FILE_EPOLL ? "eventpoll"
				       : file->kind == FILE_TIMERFD ? "timerfd"
				       : file->kind == FILE_SIGNALFD ? "signalfd"
								      : "eventfd");
	default:
		return files_path(node, out, size);
	}
}

/* openat2's resolve flags for the lookup it runs (0 for every other
 * lookup), and its dirfd's directory, where RESOLVE_BENEATH and
 * RESOLVE_IN_ROOT keep it. */
#define RESOLVE_NO_XDEV       0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS   0x04
#define RESOLVE_BENEATH       0x08
#define RESOLVE_IN_ROOT       0x10
#define RESOLVE_CACHED        0x20
#define RESOLVE_SCOPED        (RESOLVE_BENEATH | RESOLVE_IN_ROOT)
static struct {
	uint32_t resolve;
	unsigned root;
} scope = { 0, NO_NODE };

/* The links whose target is not a path but an object (/proc/1/exe,
 * cwd and root; /proc/1/fd's are another way, below): Linux's magic
 * links. */
static bool is_magic_link(unsigned node)
{
	return node == NODE_PROC_EXE || node == NODE_PID_CWD ||
	       node == NODE_PID_ROOT;
}

/* Where a lookup restarts for an absolute path or link target: chroot's
 * root, or openat2's (-EXDEV under RESOLVE_BENEATH). */
static long absolute_start(unsigned *node)
{
	if (scope.resolve & RESOLVE_BENEATH)
		return -EXDEV;
	*node = scope.resolve & RESOLVE_IN_ROOT ? scope.root : root_directory;
	return 0;
}

/* A magic link met within openat2's scope: -EXDEV under RESOLVE_BENEATH
 * or RESOLVE_IN_ROOT (it could lead anywhere), -ELOOP under
 * RESOLVE_NO_MAGICLINKS or RESOLVE_NO_SYMLINKS, as Linux's nd_jump_link
 * answers; 0 to follow it. */
static long magic_link_error(void)
{
	return scope.resolve & RESOLVE_SCOPED ? -EXDEV
	       : scope.resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS)
		       ? -ELOOP : 0;
}

/* Resolves `path` (PATH_MAX bytes, rewritten as links are followed) from
 * directory `start`, a link in the last component as `follow` says,
 * within openat2's scope when it runs one. */
static struct lookup resolve(unsigned start, char *path, enum follow follow)
{
	struct lookup found = { .node = start, .parent = NO_NODE };
	unsigned links = 0;

	if (path[0] == '/' && absolute_start(&found.node))
		return LOOKUP_ERROR(-EXDEV);
	found.root_itself = path[0] == '/' && *rest_of(path) == '\0';
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
		if (!permitted(found.node, MAY_EXEC))
			return LOOKUP_ERROR(-EACCES);
		if (length > NAME_MAX)
			return LOOKUP_ERROR(-ENAMETOOLONG);
		found.dots_last = (length == 1 && at[0] == '.') ? 1
				  : (length == 2 && at[0] == '.' &&
				     at[1] == '.') ? 2 : 0;
		if (length == 2 && at[0] == '.' && at[1] == '.') {
			unsigned up = is_linked(found.node)
					      ? nodes[found.node].parent
					      : nodes[found.node].up;

			if (found.node == scope.root &&
			    (scope.resolve & RESOLVE_BENEATH))
				return LOOKUP_ERROR(-EXDEV);
			if (found.node == root_directory ||
			    (found.node == scope.root &&
			     (scope.resolve & RESOLVE_IN_ROOT)))
				up = found.node;
			if ((scope.resolve & RESOLVE_NO_XDEV) &&
			    files_device(up) != files_device(found.node))
				return LOOKUP_ERROR(-EXDEV);
			found.node = up;
			at = end;
			continue;
		}
		if (length == 1 && at[0] == '.') {
			at = end;
			continue;
		}
		bool last = *rest_of(end) == '\0';
		bool itself = last && (follow == NAME_ITSELF ||
				       (follow == FOLLOW_SLASHED && *end != '/'));

		if (found.node == NODE_PID_FD && !itself && magic_link_error())
			return LOOKUP_ERROR(magic_link_error());
		unsigned next = found.node == NODE_PID_FD
					? descriptor_link(at, length, itself)
				: found.node == NODE_PID_TASK
					? task_directory(at, length)
					: files_child(found.node, at, length);

		if (next == NODE_PROC_THREAD_SELF || next == NODE_PID_CWD)
			point_link(next);
		/* A hard link's name is its file, but to a name's own call. */
		if (next != NO_NODE &&
		    !(follow == NAME_ITSELF && *rest_of(end) == '\0'))
			next = file_of(next);
		if (next == NO_NODE) {
			const char *rest = end;

			while (*rest == '/')
				rest++;
			found.error = -ENOENT;
			found.trailing_slash = *end == '/';
			/* /proc takes no new names: -ENOENT, as Linux's. */
			if (*rest == '\0' && is_linked(found.node) &&
			    !is_proc(found.node)) {
				found.parent = found.node;
				memcpy(found.last, at, length);
				found.last_length = length;
				found.last[length] = '\0';
			}
			return found;
		}
		if (is_link(next) && (follow == FOLLOW ||
				      (follow == FOLLOW_SLASHED && *end == '/') ||
				      (*end == '/' && *rest_of(end) != '\0'))) {
			if (++links > LINKS_MAX ||
			    (scope.resolve & RESOLVE_NO_SYMLINKS))
				return LOOKUP_ERROR(-ELOOP);
			if (is_magic_link(next) && magic_link_error())
				return LOOKUP_ERROR(magic_link_error());
			long error = splice_link(path, next, end);

			if (error)
				return LOOKUP_ERROR(error);
			if (path[0] == '/' && absolute_start(&found.node))
				return LOOKUP_ERROR(-EXDEV);
			at = path; /* from the link's directory on */
			continue;
		}
		if ((scope.resolve & RESOLVE_NO_XDEV) &&
		    files_device(next) != files_device(found.node))
			return LOOKUP_ERROR(-EXDEV);
		found.file = found.node == NODE_PID_FD && !itself
				     ? io_file((uint64_t)fd_link)
				     : NULL;
		found.node = next;
		at = end;
	}
	size_t length = strlen(path);

	if (length && path[length - 1] == '/')
		found.trailing_slash = true;
	/* A name's own calls look at a trailing slash themselves. */
	if (found.trailing_slash && !is_directory(found.node) &&
	    follow != NAME_ITSELF)
		found.error = -ENOTDIR;
	return found;
}

/* lookup's own flag (no AT_* value): the call makes, removes or renames
 * the last component's name, so a link there is never followed. */
#define LOOKUP_NAME_ITSELF 0x80000000u

/* Resolves the app's path from dirfd. AT_EMPTY_PATH in `flags` makes an
 * empty path name dirfd's own file, whatever it is (found.empty_path);
 * AT_SYMLINK_NOFOLLOW leaves a link in the last component unfollowed but
 * before a trailing slash; LOOKUP_NAME_ITSELF leaves it unfollowed. */
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
			return (struct lookup){ .node = working_directory,
						.parent = NO_NODE,
						.empty_path = true };
		file = dirfd < 0 ? NULL : io_file((uint64_t)dirfd);
		if (file == NULL)
			return LOOKUP_ERROR(-EBADF);
		return (struct lookup){ .node = file->node, .parent = NO_NODE,
					.empty_path = true, .file = file };
	}
	if (path[0] != '/') {
		error = directory_of(dirfd, &start);
		if (error)
			return LOOKUP_ERROR(error);
	}
	return resolve(start, path,
		       flags & LOOKUP_NAME_ITSELF ? NAME_ITSELF
		       : flags & AT_SYMLINK_NOFOLLOW ? FOLLOW_SLASHED : FOLLOW);
}

/* Whether a description may read (O_RDONLY) or write (O_WRONLY): its
 * access mode allows it, and it is no O_PATH one. */
static bool may(const struct file *file, uint32_t access)
{
	uint32_t mode = file->flags & O_ACCMODE;

	return !(file->flags & O_PATH) && (mode == O_RDWR || mode == access);
}

/* The permission bits a new node gets: those asked, less the umask. */
static uint32_t new_mode(uint64_t asked)
{
	return (uint32_t)asked & 07777 & ~process_umask();
}

long sys_openat(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->rdx;

	/* A FIFO's open that waited for the other end: it has its FIFO. */
	if (pipe_open_waiting())
		return pipe_open_again(flags, flags & O_CLOEXEC);
	bool exclusive = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
	struct lookup found = lookup((int64_t)(int32_t)regs->rdi, regs->rsi,
				     flags & O_NOFOLLOW || exclusive
					     ? AT_SYMLINK_NOFOLLOW : 0);
	uint32_t mode = flags & O_ACCMODE;
	long error;

	if (flags & O_TMPFILE & ~O_DIRECTORY) { /* an unnamed file to write */
		if (!(flags & O_DIRECTORY) || (flags & O_CREAT))
			return -EINVAL;
		if (found.error)
			return found.error;
		if (!is_directory(found.node))
			return -ENOTDIR;
		if (mode == O_RDONLY || mode == O_ACCMODE)
			return -EINVAL;
		if (!io_room())
			return -EMFILE;
		unsigned node = create(NO_NODE, NULL, 0,
				       S_IFREG | new_mode(regs->r10), &error);

		if (node == NO_NODE)
			return error;
		long fd = io_open(FILE_REGULAR, node, 0,
				  flags & (O_ACCMODE | O_NONBLOCK | O_APPEND),
				  flags & O_CLOEXEC);

		if (fd < 0)
			free_node(node);
		return fd;
	}
	if (found.error == -ENOENT && (flags & O_CREAT) &&
	    found.parent != NO_NODE) {
		if (found.trailing_slash)
			return -EISDIR;
		if (!permitted(found.parent, MAY_WRITE | MAY_EXEC))
			return -EACCES;
		if (!io_room()) /* nothing made without a descriptor for it */
			return -EMFILE;
		unsigned node = create(found.parent, found.last,
				       found.last_length,
				       S_IFREG | new_mode(regs->r10), &error);

		if (node == NO_NODE)
			return error;
		files_notify(node, IN_OPEN);
		return io_open(FILE_REGULAR, node, 0,
			       flags & (O_ACCMODE | O_NONBLOCK | O_APPEND),
			       flags & O_CLOEXEC);
	}
	if (found.error)
		return found.error;
	if (exclusive)
		return -EEXIST;
	/* O_DIRECTORY first: a link is not a directory either (Linux). */
	if ((flags & O_DIRECTORY) && !is_directory(found.node))
		return -ENOTDIR;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_CLOEXEC;
	else if (is_link(found.node)) /* O_NOFOLLOW's last component */
		return -ELOOP;
	/* O_TRUNC asks to write, as Linux counts it, O_RDONLY or not. */
	if (is_directory(found.node) && !(flags & O_PATH) &&
	    (mode != O_RDONLY || (flags & (O_CREAT | O_TRUNC))))
		return -EISDIR;
	/* /proc's files open for writing as their permissions say (root
	 * may), and only a few take what is written (procfs_write); the
	 * network's and the read-only settings of /proc/sys refuse, root
	 * too, as Linux's proc_net and sysctl permissions do. */
	if (((found.node >= NODE_NET_DEV && found.node <= NODE_NET_UNIX) ||
	     (found.node >= NODE_SYSCTL_OSTYPE &&
	      found.node <= NODE_SYSCTL_PIPE_MAX_SIZE &&
	      !(nodes[found.node].mode & 0200))) &&
	    !(flags & O_PATH) && mode != O_RDONLY)
		return -EACCES;
	if (!(flags & O_PATH) &&
	    !permitted(found.node, (mode != O_WRONLY ? MAY_READ : 0) |
					   (mode != O_RDONLY ? MAY_WRITE : 0) |
					   (flags & O_TRUNC ? MAY_WRITE : 0)))
		return -EACCES;
	if (found.node == executable && !(flags & O_PATH) &&
	    (mode != O_RDONLY || (flags & O_TRUNC)))
		return -ETXTBSY;
	/* A pipe() end through /proc/1/fd (the descriptor that lookup's
	 * last link named): its pipe again, with this access mode, as on
	 * Linux. */
	if (found.node == NODE_PIPE && !(flags & O_PATH)) {
		const struct file *end = io_file((uint64_t)fd_link);

		if (fd_link >= 0 && end && end->kind == FILE_PIPE &&
		    end->node == NODE_PIPE)
			return pipe_reopen(end, flags, flags & O_CLOEXEC);
	}
	/* A socket's or anonymous file's node, through /proc/1/fd, or a
	 * socket file: no description can be made of it here (Linux says
	 * -ENXIO for a socket too). */
	if (found.node == NODE_PIPE || found.node == NODE_SOCKET ||
	    found.node == NODE_ANONYMOUS || file_type(found.node) == S_IFSOCK)
		return -ENXIO;
	if (file_type(found.node) == S_IFIFO)
		return flags & O_PATH
			       /* names it only: no pipe, no bytes to move */
			       ? io_open(FILE_NULL, found.node, 0, O_PATH,
					 flags & O_CLOEXEC)
			       : pipe_open_fifo(found.node, flags,
						flags & O_CLOEXEC);
	if (!(flags & O_PATH)) {
		if (!io_room())
			return -EMFILE;
		files_notify(found.node, IN_OPEN); /* before O_TRUNC's */
	}
	if (file_type(found.node) == S_IFREG && (flags & O_TRUNC) &&
	    !(flags & O_PATH) && nodes[found.node].kind != FILE_GENERATED) {
		error = truncate_notified(found.node, 0);
		if (error)
			return error;
	}
	long fd = io_open((enum file_kind)nodes[found.node].kind, found.node,
			  0, flags & (O_ACCMODE | O_PATH | O_NONBLOCK | O_APPEND),
			  flags & O_CLOEXEC);

	if (fd >= 0 && is_task_node(found.node))
		io_file((uint64_t)fd)->thread = task_thread;
	return fd;
}

/* openat2: Linux's struct open_how (flags, mode, resolve; a larger one's
 * further bytes zero), checked as strictly as Linux's build_open_flags,
 * then openat's open within the resolve flags' scope. */
#define OPEN_HOW_SIZE    24
#define VALID_OPEN_FLAGS 037777703 /* every O_* flag Linux knows */
#define O_PATH_FLAGS     (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define RESOLVE_ALL      0x3f

long sys_openat2(struct wk_regs *regs)
{
	struct {
		uint64_t flags, mode, resolve;
	} how;
	uint64_t size = regs->r10;

	if (size < OPEN_HOW_SIZE)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (!vm_user_ok(regs->rdx, size, PROT_READ))
		return -EFAULT;
	for (uint64_t i = OPEN_HOW_SIZE; i < size; i++)
		if (((const uint8_t *)regs->rdx)[i])
			return -E2BIG;
	memcpy(&how, (const void *)regs->rdx, sizeof(how));
	if ((how.flags & ~(uint64_t)VALID_OPEN_FLAGS) ||
	    ((how.flags & O_PATH) && (how.flags & ~(uint64_t)O_PATH_FLAGS)) ||
	    (how.mode & ~(uint64_t)07777) ||
	    (how.mode && !(how.flags & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY)))) ||
	    (how.resolve & ~(uint64_t)RESOLVE_ALL) ||
	    (how.resolve & RESOLVE_SCOPED) == RESOLVE_SCOPED)
		return -EINVAL;
	/* Every lookup here is from memory: RESOLVE_CACHED always can, but
	 * for what may write (Linux's rule). */
	if ((how.resolve & RESOLVE_CACHED) &&
	    (how.flags & (O_CREAT | O_TRUNC | (O_TMPFILE & ~O_DIRECTORY))))
		return -EAGAIN;
	unsigned root = NODE_ROOT;

	if (how.resolve & RESOLVE_SCOPED) {
		long error = directory_of((int64_t)(int32_t)regs->rdi, &root);

		if (error)
			return error;
	}
	struct wk_regs at = *regs;

	at.rdx = how.flags;
	at.r10 = how.mode;
	scope.resolve = (uint32_t)how.resolve;
	scope.root = root;
	long fd = sys_openat(&at);

	scope.resolve = 0;
	scope.root = NO_NODE;
	return fd;
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

/* Nanoseconds since 1970 as seconds and nanoseconds (0 to 10^9 - 1). */
static void split_time(int64_t time, uint64_t *seconds, uint64_t *ns)
{
	int64_t whole = time / (int64_t)NS_PER_SECOND;
	int64_t part = time % (int64_t)NS_PER_SECOND;

	if (part < 0) {
		part += (int64_t)NS_PER_SECOND;
		whole--;
	}
	*seconds = (uint64_t)whole;
	*ns = (uint64_t)part;
}

/* Node's status; the fixed nodes' times start as the start's, the
 * archive's as its own. */
/* The file system a node is on (st_dev). */
static uint64_t device_of(unsigned node)
{
	return node == NODE_ROOT || node >= NODE_FIXED_COUNT ? ROOT_DEVICE
	       : is_proc(node)				     ? PROC_DEVICE
	       : node == NODE_PIPE			     ? PIPE_DEVICE
	       : node == NODE_ANONYMOUS			     ? ANONYMOUS_DEVICE
							     : DEV_DEVICE;
}

uint64_t files_inode(unsigned node)
{
	return node + 2;
}

uint64_t files_device(unsigned node)
{
	return device_of(node);
}

#define NEW_INODE_FIRST 16384 /* above NODES_MAX + 2 */
_Static_assert(NEW_INODE_FIRST > NODES_MAX + 2, "files_inode's numbers");

uint32_t files_new_inode(void)
{
	static uint32_t next = NEW_INODE_FIRST;
	uint32_t inode = next++;

	if (next == 0) /* after 2^32 of them, again from the first */
		next = NEW_INODE_FIRST;
	return inode;
}

static void node_status(unsigned node, struct linux_stat *stat)
{
	*stat = (struct linux_stat){ 0 };
	stat->dev = device_of(node);
	stat->ino = files_inode(node); /* 2: a root's */
	stat->nlink = (nodes[node].parent != NO_NODE || node == NODE_ROOT) +
		      nodes[node].links;
	stat->size = (int64_t)nodes[node].size;
	stat->blocks = (int64_t)((nodes[node].owns_data
					  ? nodes[node].pages.backed
					  : page_up(nodes[node].size)) /
				 512);
	/* tmpfs keeps a link's target shorter than 128 bytes in the inode
	 * (ext4 below 60): no blocks. */
	if (is_link(node) && nodes[node].size < 128)
		stat->blocks = 0;
	if (is_directory(node)) {
		stat->nlink = (is_linked(node) ? 2 : 0) +
			      nodes[node].subdirectories;
		stat->size = 4096;
		stat->blocks = 8;
	}
	stat->mode = nodes[node].mode;
	stat->uid = nodes[node].uid;
	stat->gid = nodes[node].gid;
	/* A socket file's rdev field holds its socket (files_bind_socket). */
	stat->rdev = file_type(node) == S_IFSOCK ? 0 : nodes[node].rdev;
	stat->blksize = 4096;
	split_time(nodes[node].atime, &stat->atime, &stat->atime_ns);
	split_time(nodes[node].mtime, &stat->mtime, &stat->mtime_ns);
	split_time(nodes[node].ctime, &stat->ctime, &stat->ctime_ns);
}

/* Node's status, reached through description `file` (or NULL): a
 * socket's, and a pipe()'s pipe's, has its own inode number. */
static void file_status(unsigned node, const struct file *file,
			struct linux_stat *stat)
{
	node_status(node, stat);
	if (file && file->node == node && file->kind == FILE_SOCKET)
		stat->ino = socket_inode(file);
	if (file && file->node == node && node == NODE_PIPE)
		stat->ino = pipe_inode(file);
}

/* Node's status (reached through `file`, or NULL) into the app's
 * buffer. */
static long write_stat(unsigned node, const struct file *file,
		       uint64_t address)
{
	struct linux_stat stat;

	if (!vm_user_ok(address, sizeof(stat), PROT_WRITE))
		return -EFAULT;
	file_status(node, file, &stat);
	memcpy((void *)address, &stat, sizeof(stat));
	return 0;
}

long sys_fstat(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	return file ? write_stat(file->node, file, regs->rsi) : -EBADF;
}

long sys_newfstatat(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->r10;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
				AT_EMPTY_PATH))
		return -EINVAL;
	struct lookup found = lookup((int64_t)(int32_t)regs->rdi, regs->rsi,
				     flags);

	return found.error ? found.error
			   : write_stat(found.node, found.file, regs->rdx);
}

long sys_stat(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	return found.error ? found.error
			   : write_stat(found.node, found.file, regs->rsi);
}

long sys_lstat(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, AT_SYMLINK_NOFOLLOW);

	return found.error ? found.error
			   : write_stat(found.node, found.file, regs->rsi);
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
	file_status(found.node, found.file, &stat);
	out.mask = STATX_BASIC_STATS;
	out.blksize = (uint32_t)stat.blksize;
	out.nlink = (uint32_t)stat.nlink;
	out.uid = stat.uid;
	out.gid = stat.gid;
	out.mode = (uint16_t)stat.mode;
	out.ino = stat.ino;
	out.size = (uint64_t)stat.size;
	out.blocks = (uint64_t)stat.blocks;
	out.atime = (struct statx_time){ (int64_t)stat.atime,
					 (uint32_t)stat.atime_ns, 0 };
	out.mtime = (struct statx_time){ (int64_t)stat.mtime,
					 (uint32_t)stat.mtime_ns, 0 };
	out.ctime = (struct statx_time){ (int64_t)stat.ctime,
					 (uint32_t)stat.ctime_ns, 0 };
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
#define PROC_MAGIC  0x9fa0
#define TMPFS_MAGIC 0x01021994 /* /dev: a devtmpfs */
#define ST_VALID    0x0020

/* statfs and fstatfs: the file system holding node; the root's is as
 * big as memory, and what is free of it is free for files too. */
static long write_statfs(unsigned node, uint64_t address)
{
	struct linux_statfs out = { 0 };
	bool dev = node != NODE_ROOT && node < NODE_FIXED_COUNT &&
		   !is_proc(node);

	if (!vm_user_ok(address, sizeof(out), PROT_WRITE))
		return -EFAULT;
	out.type = is_proc(node) ? PROC_MAGIC : dev ? TMPFS_MAGIC : RAMFS_MAGIC;
	out.block_size = out.fragment_size = 4096;
	if (!dev && !is_proc(node)) { /* as big as memory, as a tmpfs */
		out.blocks = libos_info->memory_bytes / 4096;
		out.blocks_free = out.blocks_available =
			memory_free_bytes() / 4096;
	}
	out.files = dev ? NODE_FIXED_COUNT - 1 : node_count;
	out.fsid[0] = dev ? DEV_DEVICE : ROOT_DEVICE;
	out.name_max = NAME_MAX;
	out.flags = ST_VALID;
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
	real_ids = !(flags & AT_EACCESS);
	struct lookup found = lookup(dirfd, path, (uint32_t)flags);
	long result = found.error ? found.error
		      : permitted(found.node, (uint32_t)mode) ? 0
							      : -EACCES;

	real_ids = false;
	return result;
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
	if (directory == NODE_PID_FD) { /* a link per open descriptor */
		static char name[12];

		for (uint64_t fd = position - 2; fd < DESCRIPTORS_MAX; fd++) {
			if (io_file(fd) == NULL)
				continue;
			entry->node = NODE_PID_FD_LINK;
			entry->name = name;
			entry->name_length = print_format_to(
				name, sizeof(name), "%lu", (unsigned long)fd);
			entry->next = fd + 3;
			return true;
		}
		return false;
	}
	if (directory == NODE_PID_TASK) { /* a directory per thread, by tid */
		int32_t next = INT32_MAX;

		for (unsigned i = 0; i < THREADS_MAX; i++) {
			const struct thread *thread = thread_slot(i);

			if (thread && (uint64_t)thread->tid >= position - 2 &&
			    thread->tid < next)
				next = thread->tid;
		}
		if (next == INT32_MAX)
			return false;
		enter_task(next);
		entry->node = NODE_TASK;
		entry->name = task_name;
		entry->name_length = nodes[NODE_TASK].name_length;
		entry->next = (uint64_t)next + 3;
		return true;
	}
	for (uint64_t other = position - 2;
	     other < node_count && other <= nodes[directory].last_child;
	     other++) {
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
	case S_IFIFO:
		return DT_FIFO;
	case S_IFSOCK:
		return DT_SOCK;
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
	if (!is_linked(file->node))
		return -ENOENT; /* a removed directory lists nothing */
	while (entry_at(file->node, file->position, &entry)) {
		uint64_t length = (sizeof(struct dirent_head) +
				   entry.name_length + 1 + 7) & ~UINT64_C(7);
		struct dirent_head head = {
			file_of(entry.node) + 2, (int64_t)entry.next,
			(uint16_t)length, entry_type(entry.node) };

		if (length > size - used)
			break;
		/* Only what is written is checked (and made present). */
		if (!vm_user_ok(buffer + used, length, PROT_WRITE))
			return used ? (long)used : -EFAULT;
		memset((void *)(buffer + used), 0, length);
		memcpy((void *)(buffer + used), &head, sizeof(head));
		memcpy((void *)(buffer + used + sizeof(head)), entry.name,
		       entry.name_length);
		used += length;
		file->position = entry.next;
	}
	if (used == 0 && entry_at(file->node, file->position, &entry))
		return -EINVAL; /* the buffer holds not even one entry */
	files_notify(file->node, IN_ACCESS);
	return (long)used;
}

/* The working directory is held like an open description, so that a
 * removed one lives on while it is the working directory. */
static long change_directory(unsigned node)
{
	if (!is_directory(node))
		return -ENOTDIR;
	if (!permitted(node, MAY_EXEC))
		return -EACCES;
	files_hold(node);
	files_drop(working_directory);
	working_directory = node;
	working_thread = task_thread;
	return 0;
}

/* chroot: a directory the caller may search, with CAP_SYS_CHROOT, in
 * Linux's order of checks; the working directory stays where it is
 * (outside the new root, if it was). */
long sys_chroot(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	if (found.error)
		return found.error;
	if (!is_directory(found.node))
		return -ENOTDIR;
	if (!permitted(found.node, MAY_EXEC))
		return -EACCES;
	if (!capability_effective(CAP_SYS_CHROOT))
		return -EPERM;
	files_hold(found.node);
	files_drop(root_directory);
	root_directory = found.node;
	return 0;
}

long sys_chdir(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	return found.error ? found.error : change_directory(found.node);
}

long sys_fchdir(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	if (file && file->node == NODE_TASK)
		enter_task(file->thread);
	return file ? change_directory(file->node) : -EBADF;
}

long sys_getcwd(struct wk_regs *regs)
{
	char path[PATH_MAX];
	size_t at = PATH_MAX - 1, length;

	path[at] = '\0';
	if (working_directory == NODE_TASK)
		enter_task(working_thread);
	unsigned node = working_directory;

	for (; node != NODE_ROOT && node != root_directory;
	     node = nodes[node].parent) {
		size_t name = nodes[node].name_length;

		if (!is_linked(node))
			return -ENOENT; /* removed, as Linux says */
		if (at < name + 1)
			return -ENAMETOOLONG;
		at -= name;
		memcpy(path + at, nodes[node].name, name);
		path[--at] = '/';
	}
	if (at == PATH_MAX - 1)
		path[--at] = '/';
	/* Outside chroot's root: Linux's getcwd says so before the path
	 * (glibc then answers -ENOENT, musl passes it on). */
	if (node != root_directory) {
		if (at < 13)
			return -ENAMETOOLONG;
		at -= 13;
		memcpy(path + at, "(unreachable)", 13);
	}
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
	if (!is_link(found.node)) /* an empty path names no link: -ENOENT */
		return found.empty_path ? -ENOENT : -EINVAL;
	static char target[PATH_MAX + 16];
	const char *text = (const char *)nodes[found.node].data;
	uint64_t length = nodes[found.node].size;

	if (found.node == NODE_PID_FD_LINK) {
		length = descriptor_target(target, sizeof(target));
		text = target;
	}
	if (length > (uint64_t)size)
		length = (uint64_t)size;
	if (!vm_user_ok(buffer, length, PROT_WRITE))
		return -EFAULT;
	memcpy((void *)buffer, text, length);
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
 * The calls that change the tree. The fixed nodes (the root, /dev and its
 * devices) are not removed, renamed or replaced (-EPERM, -EBUSY for the
 * root); anything else may be, as root may on Linux's tmpfs, but for
 * hard links (-EPERM, as a file system without them says).
 */

/* Where a call makes a name: the lookup's directory and missing last
 * component, or its error (-EEXIST when the name is there). */
static long new_name(const struct lookup *found, bool directory)
{
	if (found->error == -ENOENT && found->parent != NO_NODE)
		return found->trailing_slash && !directory ? -ENOENT
		       : !permitted(found->parent, MAY_WRITE | MAY_EXEC)
			       ? -EACCES
			       : 0;
	return found->error ? found->error : -EEXIST;
}

long files_bind_socket(char *path, uint16_t end)
{
	struct lookup found = resolve(path[0] == '/' ? NODE_ROOT
						     : working_directory,
				      path, NAME_ITSELF);
	long error = new_name(&found, false);

	if (error)
		return error == -EEXIST ? -EADDRINUSE : error;
	if (is_proc(found.parent))
		return -ENOENT;
	unsigned node = create(found.parent, found.last, found.last_length,
			       S_IFSOCK | new_mode(0777), &error);

	if (node == NO_NODE)
		return error;
	nodes[node].rdev = (uint16_t)(end + 1);
	files_hold(node);
	return node;
}

void files_unbind_socket(unsigned node)
{
	nodes[node].rdev = 0;
	files_drop(node);
}

/* What execve may run: a regular file with an execute bit the caller
 * may use (Linux's may_open with MAY_EXEC: -EACCES otherwise, a
 * directory included). */
static long executable_file(const struct lookup *found, unsigned *node,
			    const uint8_t **data, uint64_t *size)
{
	if (found->error)
		return found->error;
	if (is_link(found->node))
		return -ELOOP; /* AT_SYMLINK_NOFOLLOW's last component */
	if (file_type(found->node) != S_IFREG ||
	    !permitted(found->node, MAY_EXEC))
		return -EACCES;
	*node = found->node;
	*data = files_contents(found->node, size);
	return *data || *size == 0 ? 0 : -ENOMEM;
}

long files_exec_target(int64_t dirfd, uint64_t path, uint32_t flags,
		       unsigned *node, const uint8_t **data, uint64_t *size)
{
	if (flags & ~(uint32_t)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	struct lookup found = lookup(dirfd, path, flags);

	return executable_file(&found, node, data, size);
}

long files_exec_interpreter(char *path, unsigned *node, const uint8_t **data,
			    uint64_t *size)
{
	struct lookup found = resolve(path[0] == '/' ? NODE_ROOT
						     : working_directory,
				      path, FOLLOW);

	return executable_file(&found, node, data, size);
}

unsigned files_anonymous(uint64_t size, long *error)
{
	unsigned node = create(NO_NODE, NULL, 0, S_IFREG | 0600, error);

	if (node == NO_NODE)
		return NO_NODE;
	*error = files_truncate(node, size);
	if (*error == 0)
		*error = files_own_data(node);
	if (*error) {
		free_node(node);
		return NO_NODE;
	}
	files_hold(node);
	return node;
}

long files_change_directory(char *path)
{
	struct lookup found = resolve(NODE_ROOT, path, FOLLOW);

	return found.error ? found.error : change_directory(found.node);
}

unsigned files_node_at(const char *path)
{
	static char copy[PATH_MAX];
	size_t length = strlen(path);

	if (path[0] != '/' || length >= sizeof(copy))
		return NO_NODE;
	memcpy(copy, path, length + 1);
	struct lookup found = resolve(NODE_ROOT, copy, FOLLOW);

	return found.error ? NO_NODE : found.node;
}

bool files_path_exists(char *path)
{
	return resolve(path[0] == '/' ? NODE_ROOT : working_directory, path,
		       NAME_ITSELF).error == 0;
}

long files_socket_at(char *path)
{
	struct lookup found = resolve(path[0] == '/' ? NODE_ROOT
						     : working_directory,
				      path, FOLLOW);

	if (found.error)
		return found.error;
	if (file_type(found.node) != S_IFSOCK || nodes[found.node].rdev == 0)
		return -ECONNREFUSED;
	return nodes[found.node].rdev - 1;
}

long files_regular_at(char *path, const uint8_t **data, uint64_t *size)
{
	struct lookup found = resolve(path[0] == '/' ? NODE_ROOT
						     : working_directory,
				      path, FOLLOW);

	if (found.error)
		return found.error;
	if (file_type(found.node) != S_IFREG)
		return -EACCES;
	*data = files_contents(found.node, size);
	return *data || nodes[found.node].size == 0 ? 0 : -ENOMEM;
}

size_t files_path(unsigned node, char *out, size_t size)
{
	char path[PATH_MAX];
	size_t at = sizeof(path) - 1;
	unsigned named = node;

	path[at] = '\0';
	/* A file whose own name went may have a hard link's. */
	for (unsigned other = NODE_FIXED_COUNT; nodes[node].parent == NO_NODE &&
	     nodes[node].links && other < node_count; other++)
		if (nodes[other].used && nodes[other].file == node)
			named = other;
	/* From chroot's root when the node is under it, else from the tree's
	 * (Linux's d_path). */
	for (unsigned at_node = named, next;
	     at_node != NODE_ROOT && at_node != root_directory;
	     at_node = next) {
		size_t length = nodes[at_node].name_length;

		next = nodes[at_node].parent != NO_NODE ? nodes[at_node].parent
							: nodes[at_node].up;
		if (next == NO_NODE || at < length + 1)
			break;
		at -= length;
		memcpy(path + at, nodes[at_node].name, length);
		path[--at] = '/';
	}
	if (at == sizeof(path) - 1)
		path[--at] = '/';
	if (nodes[node].memfd) {
		char name[NAME_MAX + 1] = { 0 };

		memcpy(name, nodes[node].name, nodes[node].name_length);
		return print_format_to(out, size, "/memfd:%s (deleted)", name);
	}
	return print_format_to(out, size, "%s%s", path + at,
			       is_linked(node) ? "" : " (deleted)");
}

static long make_directory(int64_t dirfd, uint64_t path, uint64_t mode)
{
	struct lookup found = lookup(dirfd, path, LOOKUP_NAME_ITSELF);
	long error = new_name(&found, true);

	if (error)
		return error;
	/* A directory keeps no set-ID bits from mkdir (Linux's rule). */
	create(found.parent, found.last, found.last_length,
	       S_IFDIR | (new_mode(mode) & 01777), &error);
	return error;
}

long sys_mkdir(struct wk_regs *regs)
{
	return make_directory(AT_FDCWD, regs->rdi, regs->rsi);
}

long sys_mkdirat(struct wk_regs *regs)
{
	return make_directory((int32_t)regs->rdi, regs->rsi, regs->rdx);
}

/* mknod: a regular file (type 0 too), a FIFO (mkfifo's), or a socket
 * file that no socket is bound to (connect finds no listener), its
 * permission bits less the umask; the device number is not looked at.
 * Devices are -EPERM, as for a process without CAP_MKNOD: there are no
 * others than /dev's. */
#define S_IFBLK 0060000

static long make_node(int64_t dirfd, uint64_t path, uint64_t mode)
{
	uint32_t type = (uint32_t)mode & S_IFMT;

	if (type == S_IFDIR)
		return -EPERM;
	if (type != 0 && type != S_IFREG && type != S_IFIFO &&
	    type != S_IFCHR && type != S_IFBLK && type != S_IFSOCK)
		return -EINVAL;
	struct lookup found = lookup(dirfd, path, LOOKUP_NAME_ITSELF);
	long error = new_name(&found, false);

	if (error)
		return error;
	if (type == S_IFCHR || type == S_IFBLK)
		return -EPERM;
	create(found.parent, found.last, found.last_length,
	       (type ? type : S_IFREG) | new_mode(mode), &error);
	return error;
}

long sys_mknod(struct wk_regs *regs)
{
	return make_node(AT_FDCWD, regs->rdi, regs->rsi);
}

long sys_mknodat(struct wk_regs *regs)
{
	return make_node((int32_t)regs->rdi, regs->rsi, regs->rdx);
}

static long make_link(uint64_t target, int64_t dirfd, uint64_t path)
{
	char text[PATH_MAX];
	long error = copy_path(target, text);

	if (error)
		return error;
	if (text[0] == '\0')
		return -ENOENT;
	struct lookup found = lookup(dirfd, path, LOOKUP_NAME_ITSELF);

	error = new_name(&found, false);
	if (error)
		return error;
	unsigned node = create(found.parent, found.last, found.last_length,
			       S_IFLNK | 0777, &error);

	if (node != NO_NODE) {
		error = file_data_grow(node, &nodes[node].pages,
				       strlen(text), 0);
		if (error) {
			detach(node);
			return error;
		}
		memcpy(file_data_slot(node), text, strlen(text));
		nodes[node].size = strlen(text);
	}
	return error;
}

long sys_symlink(struct wk_regs *regs)
{
	return make_link(regs->rdi, AT_FDCWD, regs->rsi);
}

long sys_symlinkat(struct wk_regs *regs)
{
	return make_link(regs->rdi, (int32_t)regs->rsi, regs->rdx);
}

static bool is_empty_directory(unsigned node)
{
	return nodes[node].children == 0;
}

/* unlink, unlinkat and rmdir: `directory` says which kind goes. */
static long remove_name(int64_t dirfd, uint64_t path, bool directory)
{
	struct lookup found = lookup(dirfd, path, LOOKUP_NAME_ITSELF);
	unsigned node = found.node;

	if (found.error)
		return found.error;
	if (found.trailing_slash && !is_directory(node))
		return -ENOTDIR; /* a link to a directory included */
	if (found.dots_last) /* as Linux answers for "." and ".." */
		return !directory ? -EISDIR
		       : found.dots_last == 1 ? -EINVAL : -ENOTEMPTY;
	/* The root (the tree's, or chroot's named "/") has no name to
	 * lose; a directory already removed, reached as chroot's root, has
	 * none left. */
	if (node == NODE_ROOT || found.root_itself)
		return -EBUSY;
	if (!is_linked(node))
		return -ENOENT;
	long denied = may_remove(nodes[node].parent, node);

	if (denied)
		return denied;
	if (directory != is_directory(node))
		return directory ? -ENOTDIR : -EISDIR;
	if (is_fixed(node))
		return -EPERM;
	if (directory && !is_empty_directory(node))
		return -ENOTEMPTY;
	char name[NAME_MAX + 1];
	size_t length = nodes[node].name_length;
	unsigned parent = nodes[node].parent;

	memcpy(name, nodes[node].name, length);
	if (!directory)
		notify_self(node, IN_ATTRIB); /* its link count */
	detach(node);
	notify_entry(parent, name, length, directory, IN_DELETE, 0);
	return 0;
}

long sys_rmdir(struct wk_regs *regs)
{
	return remove_name(AT_FDCWD, regs->rdi, true);
}

long sys_unlink(struct wk_regs *regs)
{
	return remove_name(AT_FDCWD, regs->rdi, false);
}

long sys_unlinkat(struct wk_regs *regs)
{
	if (regs->rdx & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return remove_name((int32_t)regs->rdi, regs->rsi,
		      regs->rdx & AT_REMOVEDIR);
}

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE  2

/* Whether node is directory or below it. */
static bool is_within(unsigned node, unsigned directory)
{
	for (unsigned at = node; at != NO_NODE; at = nodes[at].parent) {
		if (at == directory)
			return true;
		if (at == NODE_ROOT)
			break;
	}
	return false;
}


/* inotify: node moved from `from`'s name (`length` bytes) to the one it
 * has now: IN_MOVED_FROM and IN_MOVED_TO with one cookie, the replaced
 * file's IN_ATTRIB (its link count; before the move, detached but held),
 * then the node's IN_MOVE_SELF. */
static void notify_move_replacing(unsigned node, unsigned from,
				  const char *name, size_t length,
				  unsigned replaced)
{
	uint32_t cookie = inotify_cookie();
	bool directory = is_directory(file_of(node));

	dnotify_event(NO_NODE, from, 0, true);
	notify_entry(from, name, length, directory, IN_MOVED_FROM, cookie);
	notify_entry(nodes[node].parent, nodes[node].name,
		     nodes[node].name_length, directory, IN_MOVED_TO, cookie);
	if (replaced != NO_NODE)
		notify_self(replaced, IN_ATTRIB);
	notify_self(node, IN_MOVE_SELF);
}

static void notify_move(unsigned node, unsigned from, const char *name,
			size_t length)
{
	notify_move_replacing(node, from, name, length, NO_NODE);
}

/* rename, renameat and renameat2 (RENAME_NOREPLACE, RENAME_EXCHANGE). */
static long rename_node(int64_t old_dirfd, uint64_t old_path,
			int64_t new_dirfd, uint64_t new_path, uint64_t flags)
{
	if (flags & ~(uint64_t)(RENAME_NOREPLACE | RENAME_EXCHANGE) ||
	    flags == (RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	/* As Linux: both directories first, then the names in them. */
	struct lookup from = lookup(old_dirfd, old_path, LOOKUP_NAME_ITSELF);
	bool from_missing = from.error == -ENOENT && from.parent != NO_NODE;

	if (from.error && !from_missing)
		return from.error;
	struct lookup to = lookup(new_dirfd, new_path, LOOKUP_NAME_ITSELF);
	bool exists = to.error == 0;

	if (!exists && !(to.error == -ENOENT && to.parent != NO_NODE))
		return to.error;
	if (from_missing)
		return from.error;
	if (from.dots_last || to.dots_last || from.node == NODE_ROOT ||
	    from.root_itself || to.root_itself)
		return -EBUSY;
	if (!is_linked(from.node) || (exists && !is_linked(to.node)))
		return -ENOENT; /* removed: reached as chroot's root */
	/* A trailing slash, on either side, moves only a directory. */
	if (!is_directory(from.node) &&
	    (from.trailing_slash || to.trailing_slash))
		return -ENOTDIR;
	if (exists && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (!exists && (flags & RENAME_EXCHANGE))
		return -ENOENT;
	unsigned node = from.node, target = exists ? to.node : NO_NODE;
	unsigned parent = exists ? nodes[target].parent : to.parent;

	/* The target a directory holding the source, as Linux answers it,
	 * before what either is. */
	if (exists && !(flags & RENAME_EXCHANGE) && is_directory(target) &&
	    is_within(nodes[node].parent, target))
		return -ENOTEMPTY;
	if (is_fixed(node) || (exists && is_fixed(target)))
		return exists && target == NODE_ROOT ? -EBUSY : -EPERM;
	if (exists && file_of(node) == file_of(target))
		return 0; /* two names of one file: POSIX says nothing changes */
	long denied = may_remove(nodes[node].parent, node);

	if (!denied)
		denied = exists ? may_remove(parent, target)
			 : permitted(parent, MAY_WRITE | MAY_EXEC) ? 0 : -EACCES;
	/* A directory moved elsewhere has its ".." rewritten. */
	if (!denied && is_directory(node) && parent != nodes[node].parent &&
	    !permitted(node, MAY_WRITE))
		denied = -EACCES;
	if (denied)
		return denied;
	/* A directory cannot go below itself. */
	if (is_directory(node) && is_within(parent, node))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE) {
		if (is_directory(target) &&
		    is_within(nodes[node].parent, target))
			return -EINVAL;
		char name[NAME_MAX + 1];
		size_t length = nodes[node].name_length;
		unsigned node_parent = nodes[node].parent;

		if (!file_name_slot(node) || !file_name_slot(target))
			return -ENOSPC;
		memcpy(name, nodes[node].name, length);
		if (!set_name(node, parent, nodes[target].name,
			      nodes[target].name_length) ||
		    !set_name(target, node_parent, name, length))
			return -ENOSPC;
		nodes[node].ctime = nodes[target].ctime = now_ns();
		notify_move(node, node_parent, name, length);
		notify_move(target, parent, nodes[node].name,
			    nodes[node].name_length);
		return 0;
	}
	if (exists) {
		if (is_directory(node) && !is_directory(target))
			return -ENOTDIR;
		if (!is_directory(node) && is_directory(target))
			return -EISDIR;
		if (is_directory(target) && !is_empty_directory(target))
			return -ENOTEMPTY;
	}
	char name[NAME_MAX + 1];
	size_t length = exists ? nodes[target].name_length : to.last_length;

	memcpy(name, exists ? nodes[target].name : to.last, length);
	if (file_name_slot(node) == NULL)
		return -ENOSPC;
	char old_name[NAME_MAX + 1];
	size_t old_length = nodes[node].name_length;
	unsigned old_parent = nodes[node].parent;

	memcpy(old_name, nodes[node].name, old_length);
	if (exists) { /* held: it goes after the move's events, as Linux's */
		files_hold(target);
		detach(target);
	}
	directory_changed(nodes[node].parent);
	set_name(node, parent, name, length);
	nodes[node].ctime = now_ns();
	notify_move_replacing(node, old_parent, old_name, old_length,
			      exists ? target : NO_NODE);
	if (exists)
		files_drop(target);
	return 0;
}

long sys_rename(struct wk_regs *regs)
{
	return rename_node(AT_FDCWD, regs->rdi, AT_FDCWD, regs->rsi, 0);
}

long sys_renameat(struct wk_regs *regs)
{
	return rename_node((int32_t)regs->rdi, regs->rsi, (int32_t)regs->rdx,
			   regs->r10, 0);
}

long sys_renameat2(struct wk_regs *regs)
{
	return rename_node((int32_t)regs->rdi, regs->rsi, (int32_t)regs->rdx,
			   regs->r10, regs->r8 & 0xffffffff);
}

#define LINKS_PER_FILE 65000 /* ext4's, near enough: then -EMLINK */

/* link and linkat: the existing name first (a link in it followed only
 * with AT_SYMLINK_FOLLOW), then the new one, a node naming the file.
 * Not for a directory (-EPERM, as Linux), across file systems (-EXDEV),
 * for a file that lost its last name (-ENOENT), or for /dev's and
 * /proc's own nodes (-EPERM: they cannot have more names). */
static long hard_link(int64_t old_dirfd, uint64_t old_path,
		      int64_t new_dirfd, uint64_t new_path, uint32_t flags)
{
	if (flags & ~(uint32_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct lookup found = lookup(old_dirfd, old_path,
				     (flags & AT_EMPTY_PATH) |
				     (flags & AT_SYMLINK_FOLLOW
					      ? 0 : AT_SYMLINK_NOFOLLOW));
	unsigned file = found.node;

	if (found.error)
		return found.error;
	found = lookup(new_dirfd, new_path, LOOKUP_NAME_ITSELF);
	long error = new_name(&found, false);

	if (error)
		return error;
	if (is_directory(file))
		return -EPERM;
	if (device_of(file) != device_of(found.parent))
		return -EXDEV;
	if (is_fixed(file))
		return -EPERM;
	if (!is_linked(file))
		return -ENOENT;
	if (nodes[file].links >= LINKS_PER_FILE)
		return -EMLINK;
	notify_self(file, IN_ATTRIB); /* its link count, before IN_CREATE */
	unsigned name = create(found.parent, found.last, found.last_length,
			       nodes[file].mode & S_IFMT, &error);

	if (name == NO_NODE)
		return error;
	nodes[name].file = file;
	nodes[name].owns_data = false;
	nodes[name].kind = nodes[file].kind;
	nodes[file].links++;
	nodes[file].ctime = now_ns();
	return 0;
}

long sys_link(struct wk_regs *regs)
{
	return hard_link(AT_FDCWD, regs->rdi, AT_FDCWD, regs->rsi, 0);
}

long sys_linkat(struct wk_regs *regs)
{
	return hard_link((int32_t)regs->rdi, regs->rsi, (int32_t)regs->rdx,
			 regs->r10, (uint32_t)regs->r8);
}

/* The pipes and anonymous files share their nodes: what would change one
 * of those changes nothing. */
static bool is_shared(unsigned node)
{
	return node == NODE_PIPE || node == NODE_ANONYMOUS;
}

static long change_mode(unsigned node, uint64_t mode)
{
	if (!owns(node))
		return -EPERM;
	if (!is_shared(node)) {
		nodes[node].mode = (nodes[node].mode & S_IFMT) |
				   ((uint32_t)mode & 07777);
		nodes[node].ctime = now_ns();
		files_notify(node, IN_ATTRIB);
	}
	return 0;
}

long sys_chmod(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	return found.error ? found.error : change_mode(found.node, regs->rsi);
}

long sys_fchmodat(struct wk_regs *regs)
{
	struct lookup found = lookup((int32_t)regs->rdi, regs->rsi, 0);

	return found.error ? found.error : change_mode(found.node, regs->rdx);
}

long sys_fchmod(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	return change_mode(file->node, regs->rsi);
}

/* chown and friends: -1 keeps an id; a regular file loses its set-user-
 * and set-group-ID bits, as Linux's does. */
static long change_owner(unsigned node, uint64_t uid, uint64_t gid)
{
	struct node *n = &nodes[node];
	bool owner = identity()->uid[ID_FS] == n->uid;

	/* Without CAP_CHOWN: the owner may give the file one of its own
	 * groups, and change nothing else (Linux's chown_ok, chgrp_ok). */
	if (!capability_effective(CAP_CHOWN) &&
	    (((uint32_t)uid != UINT32_MAX && ((uint32_t)uid != n->uid ||
					       !owner)) ||
	     ((uint32_t)gid != UINT32_MAX &&
	      (!owner || ((uint32_t)gid != n->gid && !in_groups((uint32_t)gid))))))
		return -EPERM;
	if (is_shared(node))
		return 0;
	if ((uint32_t)uid != UINT32_MAX)
		n->uid = (uint32_t)uid;
	if ((uint32_t)gid != UINT32_MAX)
		n->gid = (uint32_t)gid;
	if (file_type(node) == S_IFREG) {
		n->mode &= ~(uint32_t)04000;
		if (n->mode & 0010)
			n->mode &= ~(uint32_t)02000;
	}
	n->ctime = now_ns();
	if ((uint32_t)uid != UINT32_MAX || (uint32_t)gid != UINT32_MAX)
		files_notify(node, IN_ATTRIB);
	return 0;
}

long sys_chown(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	return found.error ? found.error
			   : change_owner(found.node, regs->rsi, regs->rdx);
}

long sys_lchown(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, AT_SYMLINK_NOFOLLOW);

	return found.error ? found.error
			   : change_owner(found.node, regs->rsi, regs->rdx);
}

long sys_fchownat(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->r8;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct lookup found = lookup((int32_t)regs->rdi, regs->rsi, flags);

	return found.error ? found.error
			   : change_owner(found.node, regs->rdx, regs->r10);
}

long sys_fchown(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	return change_owner(file->node, regs->rsi, regs->rdx);
}

long sys_truncate(struct wk_regs *regs)
{
	struct lookup found = lookup(AT_FDCWD, regs->rdi, 0);

	if (found.error)
		return found.error;
	if (is_directory(found.node))
		return -EISDIR;
	if ((int64_t)regs->rsi < 0 || file_type(found.node) != S_IFREG)
		return -EINVAL;
	if (!permitted(found.node, MAY_WRITE))
		return -EACCES;
	if (found.node == executable)
		return -ETXTBSY;
	return truncate_notified(found.node, regs->rsi);
}

long sys_ftruncate(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);

	if ((int64_t)regs->rsi < 0)
		return -EINVAL;
	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	if (file->kind != FILE_REGULAR || !may(file, O_WRONLY) ||
	    file_type(file->node) != S_IFREG)
		return -EINVAL;
	return truncate_notified(file->node, regs->rsi);
}

/* Memory is the storage: there is nothing to wait for. */
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

#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* One of utimensat's times: *set false for UTIME_OMIT, else *time the
 * new value (seconds past what nanoseconds can count are cut there, as
 * a file system's limits cut them on Linux); -EINVAL for a bad one. */
static long time_asked(const struct linux_timespec *asked, int64_t now,
		       bool *set, int64_t *time)
{
	const int64_t most = INT64_MAX / (int64_t)NS_PER_SECOND - 1;
	int64_t seconds = asked->seconds;

	*set = asked->nanoseconds != UTIME_OMIT;
	if (asked->nanoseconds == UTIME_OMIT || asked->nanoseconds == UTIME_NOW) {
		*time = now;
		return 0;
	}
	if (asked->nanoseconds < 0 ||
	    asked->nanoseconds >= (int64_t)NS_PER_SECOND)
		return -EINVAL;
	seconds = seconds > most ? most : seconds < -most ? -most : seconds;
	*time = seconds * (int64_t)NS_PER_SECOND + asked->nanoseconds;
	return 0;
}

/* The two times of the node at (dirfd, path), or of descriptor dirfd when
 * path is 0 (futimens); `times` NULL: both now. */
static long set_times(int32_t dirfd, uint64_t path, uint32_t flags,
		      const struct linux_timespec *times)
{
	int64_t now = now_ns(), atime = now, mtime = now;
	bool set_atime = true, set_mtime = true;
	unsigned node;

	if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (times && (time_asked(&times[0], now, &set_atime, &atime) ||
		      time_asked(&times[1], now, &set_mtime, &mtime)))
		return -EINVAL;
	if (path == 0) {
		const struct file *file;

		if (dirfd == AT_FDCWD)
			return -EFAULT;
		if (flags)
			return -EINVAL;
		file = io_file((uint64_t)(int64_t)dirfd);
		if (file == NULL || (file->flags & O_PATH))
			return -EBADF;
		node = file->node;
	} else {
		struct lookup found = lookup(dirfd, path, flags);

		if (found.error)
			return found.error;
		node = found.node;
	}
	if (is_shared(node) || (!set_atime && !set_mtime))
		return 0;
	if (set_atime)
		nodes[node].atime = atime;
	if (set_mtime)
		nodes[node].mtime = mtime;
	nodes[node].ctime = now;
	/* Linux's fsnotify_change: both times are a utime call. */
	files_notify(node, (set_atime && set_mtime ? IN_ATTRIB
			    : set_atime		    ? IN_ACCESS
						    : IN_MODIFY) |
				   IN_NOT_THROUGH_FILE);
	return 0;
}

/* utimensat (and futimens: a NULL path means the descriptor itself). */
long sys_utimensat(struct wk_regs *regs)
{
	struct linux_timespec times[2];

	if (regs->rdx) {
		if (!vm_user_ok(regs->rdx, sizeof(times), PROT_READ))
			return -EFAULT;
		memcpy(times, (const void *)regs->rdx, sizeof(times));
	}
	return set_times((int32_t)regs->rdi, regs->rsi, (uint32_t)regs->r10,
			 regs->rdx ? times : NULL);
}

/* futimesat and utimes: microseconds (struct timeval), 0 to 999,999. */
static long set_times_us(int32_t dirfd, uint64_t path, uint64_t address)
{
	struct { int64_t seconds, microseconds; } values[2];
	struct linux_timespec times[2];

	if (address == 0)
		return set_times(dirfd, path, 0, NULL);
	if (!vm_user_ok(address, sizeof(values), PROT_READ))
		return -EFAULT;
	memcpy(values, (const void *)address, sizeof(values));
	for (unsigned i = 0; i < 2; i++) {
		if (values[i].microseconds < 0 ||
		    values[i].microseconds >= 1000000)
			return -EINVAL;
		times[i] = (struct linux_timespec){
			values[i].seconds, values[i].microseconds * 1000 };
	}
	return set_times(dirfd, path, 0, times);
}

long sys_futimesat(struct wk_regs *regs)
{
	return set_times_us((int32_t)regs->rdi, regs->rsi, regs->rdx);
}

long sys_utimes(struct wk_regs *regs)
{
	return regs->rdi ? set_times_us(AT_FDCWD, regs->rdi, regs->rsi)
			 : -EFAULT;
}

/* utime: struct utimbuf, whole seconds (access, then modification). */
long sys_utime(struct wk_regs *regs)
{
	int64_t seconds[2];
	struct linux_timespec times[2];

	if (regs->rdi == 0)
		return -EFAULT;
	if (regs->rsi == 0)
		return set_times(AT_FDCWD, regs->rdi, 0, NULL);
	if (!vm_user_ok(regs->rsi, sizeof(seconds), PROT_READ))
		return -EFAULT;
	memcpy(seconds, (const void *)regs->rsi, sizeof(seconds));
	times[0] = (struct linux_timespec){ seconds[0], 0 };
	times[1] = (struct linux_timespec){ seconds[1], 0 };
	return set_times(AT_FDCWD, regs->rdi, 0, times);
}

/*
 * memfd_create: an unnamed regular file in memory, as O_TMPFILE's
 * (mode 0777, umask or not, as Linux's), open for reading and writing.
 * Its name (at most 249 bytes) is only a label on Linux, and is not kept.
 * MFD_ALLOW_SEALING lets F_ADD_SEALS add seals; without it the file is
 * sealed against sealing. Huge pages (MFD_HUGETLB) are -EINVAL: there
 * are none.
 */
#define MFD_CLOEXEC       1
#define MFD_ALLOW_SEALING 2
#define MEMFD_NAME_MAX    249

long sys_memfd_create(struct wk_regs *regs)
{
	uint32_t flags = (uint32_t)regs->rsi;
	uint64_t length = 0;
	long error;

	if (flags & ~(uint32_t)(MFD_CLOEXEC | MFD_ALLOW_SEALING))
		return -EINVAL;
	while (length <= MEMFD_NAME_MAX) {
		if (!vm_user_ok(regs->rdi + length, 1, PROT_READ))
			return -EFAULT;
		if (*(const char *)(regs->rdi + length) == 0)
			break;
		length++;
	}
	if (length > MEMFD_NAME_MAX)
		return -EINVAL;
	if (!io_room())
		return -EMFILE;
	unsigned node = create(NO_NODE, NULL, 0, S_IFREG | 0777, &error);
	char *name = node == NO_NODE ? NULL : file_name_slot(node);

	if (node == NO_NODE)
		return error;
	if (name) { /* kept for /proc/1/maps, though it names nothing */
		memcpy(name, (const char *)regs->rdi, length);
		nodes[node].name = name;
		nodes[node].name_length = (uint16_t)length;
	}
	nodes[node].memfd = true;
	nodes[node].seals = flags & MFD_ALLOW_SEALING ? 0 : F_SEAL_SEAL;
	long fd = io_open(FILE_REGULAR, node, 0, O_RDWR, flags & MFD_CLOEXEC);

	if (fd < 0)
		free_node(node);
	return fd;
}

long files_seals(const struct file *file, bool add, uint64_t seals)
{
	struct node *n = &nodes[file->node];

	if (file->kind != FILE_REGULAR || !n->memfd)
		return -EINVAL;
	if (!add)
		return n->seals;
	if (seals & ~(uint64_t)F_SEAL_ALL)
		return -EINVAL;
	if (!may(file, O_WRONLY) || (n->seals & F_SEAL_SEAL))
		return -EPERM;
	if ((seals & F_SEAL_WRITE) && vm_file_writable_view(file->node))
		return -EBUSY;
	n->seals |= (uint8_t)seals;
	return 0;
}

/* fallocate: mode 0 gives the range memory, and makes the file at
 * least offset + length long unless FALLOC_FL_KEEP_SIZE (memory past the
 * end is given as the file grows); FALLOC_FL_PUNCH_HOLE (with KEEP_SIZE)
 * makes the range a hole. The other modes (collapsing, zeroing or
 * inserting ranges) are -EOPNOTSUPP. */
#define FALLOC_FL_KEEP_SIZE  1
#define FALLOC_FL_PUNCH_HOLE 2

long sys_fallocate(struct wk_regs *regs)
{
	const struct file *file = io_file(regs->rdi);
	int64_t offset = (int64_t)regs->rdx, length = (int64_t)regs->r10;
	uint64_t mode = regs->rsi;

	if (offset < 0 || length <= 0)
		return -EINVAL;
	if (mode & ~(uint64_t)(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (mode == FALLOC_FL_PUNCH_HOLE)
		return -EOPNOTSUPP; /* Linux: a hole needs KEEP_SIZE */
	if (file == NULL || !may(file, O_WRONLY))
		return -EBADF;
	if (file->kind == FILE_DIRECTORY)
		return -EISDIR;
	if (file->kind == FILE_PIPE)
		return -ESPIPE;
	if (file->kind != FILE_REGULAR || file_type(file->node) != S_IFREG)
		return -ENODEV;
	if ((uint64_t)offset + (uint64_t)length > FILE_SIZE_MAX)
		return -EFBIG;
	long error = mode & FALLOC_FL_PUNCH_HOLE
			     ? files_punch(file->node, (uint64_t)offset,
					   (uint64_t)length)
			     : files_allocate(file->node, (uint64_t)offset,
					      (uint64_t)length,
					      mode & FALLOC_FL_KEEP_SIZE);

	if (error == 0)
		files_notify(file->node, IN_MODIFY);
	return error;
}

/* An offset copy_file_range reads or writes: *offset (checked) or the
 * description's. */
static long range_offset(uint64_t address, const struct file *file,
			 uint64_t *offset)
{
	if (address == 0) {
		*offset = file->position;
		return 0;
	}
	if (!vm_user_ok(address, 8, PROT_READ | PROT_WRITE))
		return -EFAULT;
	*offset = *(const uint64_t *)address;
	return (int64_t)*offset < 0 ? -EINVAL : 0;
}

/* copy_file_range between regular files (any other pair is -EINVAL, and
 * a program falls back to read and write). */
long sys_copy_file_range(struct wk_regs *regs)
{
	struct file *in = io_file(regs->rdi), *out = io_file(regs->rdx);
	uint64_t in_at, out_at, count = regs->r8, size;
	long error;

	if (regs->r9 != 0)
		return -EINVAL;
	if (in == NULL || out == NULL || !may(in, O_RDONLY) ||
	    !may(out, O_WRONLY) || (out->flags & O_APPEND))
		return -EBADF;
	if (in->kind == FILE_DIRECTORY || out->kind == FILE_DIRECTORY)
		return -EISDIR;
	if (in->kind != FILE_REGULAR || out->kind != FILE_REGULAR ||
	    file_type(in->node) != S_IFREG || file_type(out->node) != S_IFREG)
		return -EINVAL;
	error = range_offset(regs->rsi, in, &in_at);
	if (!error)
		error = range_offset(regs->r10, out, &out_at);
	if (error)
		return error;
	size = files_size(in->node);
	count = in_at >= size ? 0 : count < size - in_at ? count
							   : size - in_at;
	if (in->node == out->node && in_at < out_at + count &&
	    out_at < in_at + count)
		return -EINVAL; /* overlapping ranges of one file */
	long done = count ? files_copy(out->node, out_at, in->node, in_at,
				       count)
			  : 0;

	if (done < 0)
		return done;
	if (regs->rsi)
		*(uint64_t *)regs->rsi = in_at + (uint64_t)done;
	else
		in->position = in_at + (uint64_t)done;
	if (regs->r10)
		*(uint64_t *)regs->r10 = out_at + (uint64_t)done;
	else
		out->position = out_at + (uint64_t)done;
	return done;
}

long files_attribute_target(uint64_t path, bool follow)
{
	struct lookup found =
		lookup(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW);

	return found.error ? found.error : file_of(found.node);
}

long files_attribute_target_fd(uint64_t fd)
{
	const struct file *file = io_file(fd);

	if (file == NULL || (file->flags & O_PATH))
		return -EBADF;
	return file_of(file->node);
}

bool files_attributes_kept(unsigned node)
{
	return !is_proc(node) && !is_shared(node) && node != NODE_SOCKET;
}

long files_attribute_permission(unsigned node, const char *name, bool write)
{
	uint32_t type = file_type(node);

	if (string_starts_with(name, "security.") ||
	    string_starts_with(name, "system."))
		/* The capability module's rule for security.* changes. */
		return write && string_starts_with(name, "security.") &&
			       !capability_effective(CAP_SYS_ADMIN)
			       ? -EPERM
			       : 0;
	if (string_starts_with(name, "trusted."))
		return capability_effective(CAP_SYS_ADMIN) ? 0
		       : write				   ? -EPERM
							   : -ENODATA;
	if (string_starts_with(name, "user.")) {
		if (type != S_IFREG && type != S_IFDIR)
			return write ? -EPERM : -ENODATA;
		if (type == S_IFDIR && (nodes[node].mode & S_ISVTX) &&
		    write && !owns(node))
			return -EPERM;
	}
	return permitted(node, write ? MAY_WRITE : MAY_READ) ? 0 : -EACCES;
}

void files_attribute_changed(unsigned node)
{
	nodes[node].ctime = now_ns();
	files_notify(node, IN_ATTRIB);
}

long files_watch_target(uint64_t path, bool follow, bool directory_only)
{
	struct lookup found =
		lookup(AT_FDCWD, path, follow ? 0 : AT_SYMLINK_NOFOLLOW);

	if (found.error)
		return found.error;
	if (directory_only && !is_directory(found.node))
		return -ENOTDIR;
	if (!permitted(found.node, MAY_READ))
		return -EACCES;
	return file_of(found.node);
}
