/*
 * /proc/net's socket tables (differential): the program makes sockets of
 * each kind (TCP listening, connected, half-closed and left by its peer,
 * one not accepted yet; UDP bound and connected; UDP-Lite; TCP and UDP
 * over ::1 and a dual-stack listener's IPv4 connection; AF_UNIX bound
 * to a path and to an abstract name, connected, a pair), then reads
 * /proc/net/tcp, tcp6, udp, udp6, udplite, udplite6, raw, raw6 and unix
 * and prints each header verbatim and, for its own sockets alone (the
 * host has others), each line's fields in a form that is the same on
 * Linux and Wicket: addresses as text, ports by the socket that has
 * them, the state, queues, timer, uid and whether the inode is the one
 * /proc/self/fd's link and fstat give. It reads each table twice, at
 * once and 7 bytes at a time, and checks that its own lines agree.
 * A host without ::1 cannot run this (exit 77, a skip).
 *
 *   proc_net many
 *
 * (Wicket only: its tables hold the program's sockets alone) makes 100
 * listening sockets, 150 connections, 60 UDP and 100 AF_UNIX sockets,
 * so that the tables run far past 4 KiB, and checks that every read
 * size and offset gives the same bytes, that each socket has one line
 * and no line is anyone else's, and that the lines are well formed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "inet_util.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE 136
#endif

#define SOCKETS_MAX 1024
/* A table's whole text: the host's /proc/net/tcp has passed 1.5 MB
 * (10,000 lines) when the tests before this one left their connections
 * in TIME-WAIT. */
#define TEXT_MAX    (8 << 20)
/* The AF_UNIX names, the process id in them (the host may run several
 * of these at once), which the output shows as PID. */
static char unix_path[64], abstract_name[64], unix_path_shown[64],
	abstract_name_shown[64];
static size_t abstract_length;

static const char *const table_names[] = { "tcp",  "tcp6",    "udp",
					   "udp6", "udplite", "udplite6",
					   "raw",  "raw6",    "unix" };
#define TABLES (sizeof(table_names) / sizeof(*table_names))

/* The program's sockets: a name for each, its descriptor and inode, its
 * own port (host order, 0 for AF_UNIX's) and the table it is in. */
static struct own {
	const char *name;
	int fd;
	unsigned long inode;
	uint16_t port;
	const char *table;
	unsigned seen; /* lines found of it */
} owns[SOCKETS_MAX];
static unsigned own_count;
static unsigned failures;

static void fail(const char *what)
{
	printf("MISMATCH: %s\n", what);
	failures++;
}

static void need(bool ok, const char *what)
{
	if (!ok) {
		printf("FAILED: %s (%s)\n", what, strerror(errno));
		exit(1);
	}
}

/* The inode of descriptor fd's socket, as its /proc/self/fd link says;
 * also checks that fstat says so too. */
static unsigned long link_inode(int fd)
{
	char path[64], target[64] = "";
	unsigned long inode = 0;
	struct stat status;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (readlink(path, target, sizeof(target) - 1) < 0 ||
	    sscanf(target, "socket:[%lu]", &inode) != 1)
		fail("a socket:[N] link");
	if (fstat(fd, &status) != 0 || status.st_ino != inode)
		fail("fstat's st_ino is the link's inode");
	if (stat(path, &status) != 0 || status.st_ino != inode)
		fail("stat through the link gives the inode");
	return inode;
}

static struct own *add(const char *name, int fd, const char *table)
{
	struct sockaddr_storage address;
	socklen_t length = sizeof(address);
	struct own *own = &owns[own_count++];

	need(fd >= 0, name);
	own->name = name;
	own->fd = fd;
	own->table = table;
	own->inode = link_inode(fd);
	if (getsockname(fd, (struct sockaddr *)&address, &length) == 0) {
		if (address.ss_family == AF_INET)
			own->port = ntohs(
				((struct sockaddr_in *)&address)->sin_port);
		else if (address.ss_family == AF_INET6)
			own->port = ntohs(
				((struct sockaddr_in6 *)&address)->sin6_port);
	}
	return own;
}

static struct own *own_by_inode(unsigned long inode)
{
	for (unsigned i = 0; i < own_count; i++)
		if (owns[i].inode == inode && inode)
			return &owns[i];
	return NULL;
}

/* Whether two tables are of one protocol, whose ports are one space:
 * "tcp" and "tcp6", "udp" and "udp6", "udplite" and "udplite6". */
static bool same_protocol(const char *table, const char *other)
{
	size_t length = strcspn(table, "6");

	return length == strcspn(other, "6") &&
	       strncmp(table, other, length) == 0;
}

/* A port of `table`'s protocol as the socket that has it names it (the
 * first made): UDP and UDP-Lite sockets may have one number each. */
static const char *port_name(unsigned port, const char *table, char *out,
			     size_t size)
{
	if (port == 0)
		return "0";
	for (unsigned i = 0; i < own_count; i++)
		if (owns[i].port == port &&
		    same_protocol(owns[i].table, table)) {
			snprintf(out, size, "port(%s)", owns[i].name);
			return out;
		}
	return "port(someone's)";
}

/* A socket of `family` and `type` bound to `address`:port 0. */
static int bound(int family, int type, int protocol, const char *address)
{
	int fd = socket(family, type, protocol), only = 1;

	need(fd >= 0, "socket");
	if (family == AF_INET) {
		struct sockaddr_in name = name4(address, 0);

		need(bind(fd, (struct sockaddr *)&name, sizeof(name)) == 0,
		     "bind");
	} else {
		struct sockaddr_in6 name = name6(address, 0);

		if (strcmp(address, "::") != 0)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only,
				   sizeof(only));
		else {
			only = 0;
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only,
				   sizeof(only));
		}
		if (bind(fd, (struct sockaddr *)&name, sizeof(name)) != 0) {
			if (errno == EADDRNOTAVAIL) {
				printf("no ::1 here\n");
				exit(77);
			}
			need(false, "bind6");
		}
	}
	return fd;
}

static int connected4(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in to = name4("127.0.0.1", port);

	need(fd >= 0 && connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0,
	     "connect");
	return fd;
}

/* All of a table's text, read `chunk` bytes at a time (0: at once, in
 * one big read after another). Its length. */
static size_t read_table(const char *table, size_t chunk, char *text)
{
	char path[64];
	size_t length = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/net/%s", table);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("%s: cannot open (%s)\n", path, strerror(errno));
		text[0] = '\0';
		return 0;
	}
	for (;;) {
		size_t want = chunk ? chunk : TEXT_MAX - 1 - length;
		ssize_t got;

		if (length + want > TEXT_MAX - 1)
			want = TEXT_MAX - 1 - length;
		if (want == 0)
			break;
		got = read(fd, text + length, want);
		if (got <= 0)
			break;
		length += (size_t)got;
	}
	close(fd);
	text[length] = '\0';
	return length;
}

/* The next line of text from *at (its newline cut off): NULL at the
 * end. */
static char *next_line(char **at)
{
	char *line = *at, *end;

	if (*line == '\0')
		return NULL;
	end = strchr(line, '\n');
	if (end) {
		*end = '\0';
		*at = end + 1;
	} else {
		*at = line + strlen(line);
	}
	return line;
}

/* The fields of one line of a TCP or UDP table. */
struct inet_line {
	unsigned sl;
	char local[33], remote[33];
	unsigned local_port, remote_port, state, tx, rx, timer, retransmits;
	unsigned long when, uid, timeout, inode;
};

static bool parse_inet(const char *line, struct inet_line *out)
{
	return sscanf(line,
		      " %u: %32[0-9A-F]:%X %32[0-9A-F]:%X %X %X:%X %X:%lX %X "
		      "%lu %lu %lu",
		      &out->sl, out->local, &out->local_port, out->remote,
		      &out->remote_port, &out->state, &out->tx, &out->rx,
		      &out->timer, &out->when, &out->retransmits, &out->uid,
		      &out->timeout, &out->inode) == 14;
}

/* An address in a table's form (8 or 32 hexadecimal digits: the
 * network-order words as little-endian numbers) as text. */
static const char *address_text(const char *hex, char *out, size_t size)
{
	unsigned char bytes[16];
	size_t words = strlen(hex) / 8;

	for (size_t i = 0; i < words; i++) {
		char word[9];
		uint32_t value;

		memcpy(word, hex + 8 * i, 8);
		word[8] = '\0';
		value = (uint32_t)strtoul(word, NULL, 16);
		memcpy(bytes + 4 * i, &value, 4); /* little-endian, as x86 */
	}
	if (!inet_ntop(words == 1 ? AF_INET : AF_INET6, bytes, out,
		       (socklen_t)size))
		snprintf(out, size, "?");
	return out;
}

/* A line of ours, without its sl (which counts others' lines too). */
static void show_inet(const char *label, const char *table,
		      const struct inet_line *line, bool with_uid)
{
	char local[64], remote[64], lport[64], rport[64];

	printf("  %s: %s:%s -> %s:%s st %02X tx %X rx %X tr %02X when %lX "
	       "retrnsmt %X uid %s timeout %lu\n",
	       label, address_text(line->local, local, sizeof(local)),
	       port_name(line->local_port, table, lport, sizeof(lport)),
	       address_text(line->remote, remote, sizeof(remote)),
	       port_name(line->remote_port, table, rport, sizeof(rport)),
	       line->state,
	       line->tx, line->rx, line->timer, line->when, line->retransmits,
	       !with_uid ? "-" : line->uid == geteuid() ? "self" : "OTHER",
	       line->timeout);
}

/* A unix line's fields. */
struct unix_line {
	unsigned references, protocol, flags, type, state;
	unsigned long inode;
	char path[128];
};

static bool parse_unix(const char *line, struct unix_line *out)
{
	int used = 0;

	out->path[0] = '\0';
	if (sscanf(line, "%*16[0-9a-f]: %X %X %X %X %X %lu%n",
		   &out->references, &out->protocol, &out->flags, &out->type,
		   &out->state, &out->inode, &used) != 6)
		return false;
	if (line[used] == ' ')
		snprintf(out->path, sizeof(out->path), "%s", line + used + 1);
	return true;
}

/* A unix line's path as the output shows it: the process id in the
 * program's own names as PID. */
static const char *shown_path(const char *path)
{
	char abstract[64];

	for (size_t i = 0; i < abstract_length && i + 1 < sizeof(abstract);
	     i++)
		abstract[i] = abstract_name[i] ? abstract_name[i] : '@';
	abstract[abstract_length < sizeof(abstract) ? abstract_length
						    : sizeof(abstract) - 1] =
		'\0';
	return strcmp(path, unix_path) == 0	 ? unix_path_shown
	       : strcmp(path, abstract) == 0 ? abstract_name_shown
					     : path;
}

/* The own lines of a table's text, for comparing two reads (sl cut
 * off: it counts others' lines too). */
static void own_lines(const char *table, const char *text, char *out,
		      size_t size)
{
	char copy[8192];
	size_t length = 0;

	out[0] = '\0';
	for (const char *at = text; *at;) {
		const char *end = strchr(at, '\n');
		size_t line_length = end ? (size_t)(end - at) : strlen(at);
		struct inet_line inet;
		struct unix_line unix_fields;
		bool ours;

		if (line_length >= sizeof(copy))
			line_length = sizeof(copy) - 1;
		memcpy(copy, at, line_length);
		copy[line_length] = '\0';
		at += line_length + (end != NULL);
		ours = strcmp(table, "unix") == 0
			       ? parse_unix(copy, &unix_fields) &&
					 own_by_inode(unix_fields.inode)
			       : parse_inet(copy, &inet) &&
					 own_by_inode(inet.inode);
		if (ours) {
			const char *from = strcmp(table, "unix") == 0
						   ? copy
						   : strchr(copy, ':') + 1;

			length += (size_t)snprintf(out + length, size - length,
						   "%s\n", from);
			if (length >= size)
				length = size - 1;
		}
	}
}

static char text[TEXT_MAX], tiny[TEXT_MAX];

/* The own socket's line of a table. Linux's seq_file makes a table's
 * text a page at a time, so where the host's other sockets come and go
 * meanwhile a line may come twice or not at all: a few tries for one
 * line, and a line seen twice alike counts once. */
static void show_own_line(const char *table, const struct own *own)
{
	bool unix_table = strcmp(table, "unix") == 0;
	static char first[1024];
	unsigned found = 0;

	for (int tries = 0; tries < 5 && found != 1; tries++) {
		char *at = text;

		found = 0;
		read_table(table, 0, text);
		next_line(&at);
		for (char *line; (line = next_line(&at));) {
			struct inet_line inet;
			struct unix_line u;
			const char *rest = unix_table ? line
						      : strchr(line, ':');

			if (unix_table ? !parse_unix(line, &u) ||
						 u.inode != own->inode
				       : !parse_inet(line, &inet) ||
						 inet.inode != own->inode)
				continue;
			if (found && strcmp(rest, first) == 0)
				continue; /* the same line again */
			snprintf(first, sizeof(first), "%s", rest);
			found++;
		}
	}
	if (found != 1) {
		printf("  %s: %u lines\n", own->name, found);
		return;
	}
	char line[sizeof(first) + 2];
	struct inet_line inet;
	struct unix_line u;

	snprintf(line, sizeof(line), "%s%s", unix_table ? "" : "0", first);
	if (unix_table && parse_unix(line, &u))
		printf("  %s: protocol %u flags %08X type %04X st %02X "
		       "path \"%s\"\n",
		       own->name, u.protocol, u.flags, u.type, u.state,
		       shown_path(u.path));
	else if (!unix_table && parse_inet(line, &inet))
		show_inet(own->name, table, &inet, true);
}

/* Each table: its header verbatim (with its length: the padding shows),
 * its own lines alike in a whole read and in 7-byte reads, and each
 * own socket's fields. */
static void show_tables(unsigned long embryo_local, unsigned embryo_remote)
{
	static char own_big[65536], own_tiny[65536];

	for (unsigned t = 0; t < TABLES; t++) {
		const char *table = table_names[t];
		bool agree = false;

		/* The host's other sockets may change between two reads:
		 * a few tries. */
		for (int tries = 0; tries < 5 && !agree; tries++) {
			read_table(table, 0, text);
			read_table(table, 7, tiny);
			own_lines(table, text, own_big, sizeof(own_big));
			own_lines(table, tiny, own_tiny, sizeof(own_tiny));
			agree = strcmp(own_big, own_tiny) == 0 &&
				strncmp(text, tiny, strcspn(text, "\n")) == 0;
		}
		char *at = text, *header = next_line(&at);

		printf("/proc/net/%s: header [%zu] \"%s\"\n", table,
		       header ? strlen(header) : 0, header ? header : "");
		printf("  7-byte reads agree: %s\n", agree ? "yes" : "NO");
		for (unsigned i = 0; i < own_count; i++) {
			const struct own *own = &owns[i];

			if (strcmp(own->table, table) == 0)
				show_own_line(table, own);
		}
		if (strcmp(table, "tcp") != 0)
			continue;
		/* The connection not accepted yet: a line of its own,
		 * inode 0 (the first found, a few tries: as above). */
		bool shown = false;

		for (int tries = 0; tries < 5 && !shown; tries++) {
			read_table(table, 0, text);
			at = text;
			next_line(&at);
			for (char *line; !shown && (line = next_line(&at));) {
				struct inet_line inet;

				shown = parse_inet(line, &inet) &&
					inet.inode == 0 &&
					inet.local_port == embryo_local &&
					inet.remote_port == embryo_remote;
				if (shown)
					show_inet("not accepted (inode 0)",
						  table, &inet, false);
			}
		}
		if (!shown)
			printf("  not accepted: no line\n");
	}
}

static int accepted(int listener)
{
	int fd = accept(listener, NULL, NULL);

	need(fd >= 0, "accept");
	return fd;
}

static int unix_socket(int type)
{
	int fd = socket(AF_UNIX, type, 0);

	need(fd >= 0, "socket(AF_UNIX)");
	return fd;
}

static int differential(void)
{
	/* TCP on 127.0.0.1: a listener; a connection with 10 bytes unread
	 * at its server; one half-closed by its client; one whose server
	 * closed; and last one waiting for accept. */
	struct own *listener = add("L", bound(AF_INET, SOCK_STREAM, 0,
					      "127.0.0.1"), "tcp");
	int fd, pair[2];

	need(listen(listener->fd, 8) == 0, "listen");
	struct own *client = add("C", connected4(listener->port), "tcp");

	add("S", accepted(listener->fd), "tcp");
	need(write(client->fd, "0123456789", 10) == 10, "write");
	struct own *half = add("D", connected4(listener->port), "tcp");

	add("E", accepted(listener->fd), "tcp");
	need(shutdown(half->fd, SHUT_WR) == 0, "shutdown");
	add("F", connected4(listener->port), "tcp");
	close(accepted(listener->fd));
	struct own *waiting = add("W", connected4(listener->port), "tcp");

	/* UDP and UDP-Lite on 127.0.0.1: one bound, one connected to it. */
	struct own *udp = add("U", bound(AF_INET, SOCK_DGRAM, 0, "127.0.0.1"),
			      "udp");
	struct sockaddr_in to = name4("127.0.0.1", udp->port);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	need(fd >= 0 && connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0,
	     "connect(UDP)");
	add("U2", fd, "udp");
	add("UL", bound(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE, "127.0.0.1"),
	    "udplite");

	/* IPv6: a listener on ::1; a dual-stack one on :: that an IPv4
	 * client connects to (its server's names are v4-mapped); UDP and
	 * UDP-Lite on ::1. */
	struct own *listener6 = add("L6", bound(AF_INET6, SOCK_STREAM, 0,
						"::1"), "tcp6");
	struct own *dual = add("A6", bound(AF_INET6, SOCK_STREAM, 0, "::"),
			       "tcp6");

	need(listen(listener6->fd, 1) == 0 && listen(dual->fd, 1) == 0,
	     "listen6");
	add("C4", connected4(dual->port), "tcp");
	add("S6", accepted(dual->fd), "tcp6");
	add("U6", bound(AF_INET6, SOCK_DGRAM, 0, "::1"), "udp6");
	add("UL6", bound(AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE, "::1"),
	    "udplite6");

	/* AF_UNIX: a listener bound to a path, its connection; a pair; a
	 * DGRAM socket bound to an abstract name and one connected to it;
	 * a SEQPACKET one, unbound. */
	struct sockaddr_un path = { .sun_family = AF_UNIX };
	struct sockaddr_un abstract = { .sun_family = AF_UNIX };
	socklen_t abstract_size;

	snprintf(unix_path, sizeof(unix_path), "/tmp/proc_net.%d.sock",
		 (int)getpid());
	snprintf(unix_path_shown, sizeof(unix_path_shown),
		 "/tmp/proc_net.PID.sock");
	/* An abstract name: a NUL first, and one inside. */
	abstract_length = (size_t)snprintf(abstract_name + 1,
					   sizeof(abstract_name) - 1,
					   "proc_net.%d_x", (int)getpid()) + 1;
	abstract_name[abstract_length - 2] = '\0';
	snprintf(abstract_name_shown, sizeof(abstract_name_shown),
		 "@proc_net.PID@x");
	abstract_size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				    abstract_length);
	strcpy(path.sun_path, unix_path);
	memcpy(abstract.sun_path, abstract_name, abstract_length);
	unlink(unix_path);
	fd = unix_socket(SOCK_STREAM);
	need(bind(fd, (struct sockaddr *)&path, sizeof(path)) == 0 &&
		     listen(fd, 1) == 0,
	     "bind(AF_UNIX)");
	add("X", fd, "unix");
	fd = unix_socket(SOCK_STREAM);
	need(connect(fd, (struct sockaddr *)&path, sizeof(path)) == 0,
	     "connect(AF_UNIX)");
	add("Y", fd, "unix");
	add("Z", accepted(owns[own_count - 2].fd), "unix");
	need(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0, "socketpair");
	add("P", pair[0], "unix");
	add("Q", pair[1], "unix");
	fd = unix_socket(SOCK_DGRAM);
	need(bind(fd, (struct sockaddr *)&abstract, abstract_size) == 0,
	     "bind(abstract)");
	add("DG", fd, "unix");
	fd = unix_socket(SOCK_DGRAM);
	need(connect(fd, (struct sockaddr *)&abstract, abstract_size) == 0,
	     "connect(abstract)");
	add("DG2", fd, "unix");
	add("SP", unix_socket(SOCK_SEQPACKET), "unix");

	show_tables(listener->port, waiting->port);
	unlink(unix_path);
	printf("%u mismatches\n", failures);
	return 0;
}

/* Every way of reading table's text gives `expected` (length bytes):
 * reads of many sizes, reads at offsets, a seek back, and a buffer
 * that ends in unmapped memory. */
static void check_reads(const char *table, const char *expected,
			size_t length)
{
	static const size_t chunks[] = { 1, 7, 100, 149, 150, 151, 4095,
					 4096, 4097, 65536 };
	const size_t offsets[] = { 0, 1, 149, 150, 4095, 4096, 4097,
				   length / 2, length - 1, length,
				   length + 10 };
	char path[64], message[128];
	int fd;

	for (size_t i = 0; i < sizeof(chunks) / sizeof(*chunks); i++) {
		size_t got = read_table(table, chunks[i], tiny);

		snprintf(message, sizeof(message),
			 "%s read %zu bytes at a time", table, chunks[i]);
		if (got != length || memcmp(tiny, expected, length) != 0)
			fail(message);
	}
	snprintf(path, sizeof(path), "/proc/net/%s", table);
	fd = open(path, O_RDONLY);
	need(fd >= 0, "open");
	for (size_t i = 0; i < sizeof(offsets) / sizeof(*offsets); i++) {
		const size_t sizes[] = { 1, 200, 5000 };

		for (size_t j = 0; j < 3; j++) {
			size_t at = offsets[i];
			size_t want = at >= length ? 0
				      : length - at < sizes[j] ? length - at
							       : sizes[j];
			ssize_t got = pread(fd, tiny, sizes[j], (off_t)at);

			snprintf(message, sizeof(message),
				 "%s pread %zu at %zu", table, sizes[j], at);
			if (got != (ssize_t)want ||
			    memcmp(tiny, expected + at, want) != 0)
				fail(message);
		}
	}
	/* Sequential reads, a seek back to the start, again. */
	ssize_t first = read(fd, tiny, 1000);

	if (lseek(fd, 0, SEEK_SET) != 0 || first <= 0 ||
	    read(fd, tiny, TEXT_MAX) != (ssize_t)length ||
	    memcmp(tiny, expected, length) != 0)
		fail("a seek back to 0 reads it all again");
	/* A buffer the app does not have, and one that ends early: what
	 * fits is read. */
	lseek(fd, 0, SEEK_SET);
	if (read(fd, NULL, 100) != -1 || errno != EFAULT)
		fail("read into NULL is EFAULT");
	char *pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	need(pages != MAP_FAILED && munmap(pages + 4096, 4096) == 0, "mmap");
	if (length > 8192 &&
	    (pread(fd, pages, 8192, 0) != 4096 ||
	     memcmp(pages, expected, 4096) != 0))
		fail("a read into a buffer half unmapped");
	munmap(pages, 4096);
	close(fd);
}

/* Wicket's tables hold these sockets alone, far past 4 KiB. */
static int many(void)
{
	unsigned listeners = 100, connections = 150, udps = 60, pairs = 50;
	char message[128];

	for (unsigned i = 0; i < listeners; i++) {
		struct own *own = add("listener", bound(AF_INET, SOCK_STREAM,
							0, "127.0.0.1"),
				      "tcp");

		need(listen(own->fd, 4) == 0, "listen");
	}
	for (unsigned i = 0; i < connections; i++) {
		add("client", connected4(owns[i % listeners].port), "tcp");
		add("server", accepted(owns[i % listeners].fd), "tcp");
	}
	for (unsigned i = 0; i < udps; i++)
		add("udp", bound(AF_INET, SOCK_DGRAM, 0, "127.0.0.1"), "udp");
	for (unsigned i = 0; i < pairs; i++) {
		int pair[2];

		need(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0,
		     "socketpair");
		add("unix", pair[0], "unix");
		add("unix", pair[1], "unix");
	}
	for (unsigned t = 0; t < TABLES; t++) {
		const char *table = table_names[t];
		size_t length = read_table(table, 0, text);
		char *expected = malloc(length + 1), *at = text, *line;
		unsigned rows = 0, width = strcmp(table, "tcp") == 0   ? 149
					   : strcmp(table, "udp") == 0 ? 127
								       : 0;

		need(expected != NULL, "malloc");
		memcpy(expected, text, length + 1);
		check_reads(table, expected, length);
		line = next_line(&at);
		if (line == NULL || (width && strlen(line) != width))
			fail("a header of the table's width");
		while ((line = next_line(&at))) {
			struct inet_line inet;
			struct unix_line u;
			unsigned long inode = 0;
			bool parsed = strcmp(table, "unix") == 0
					      ? parse_unix(line, &u)
					      : parse_inet(line, &inet);

			inode = strcmp(table, "unix") == 0 ? u.inode
							   : inet.inode;
			snprintf(message, sizeof(message), "%s line %u: %.60s",
				 table, rows, line);
			if (!parsed || (width && strlen(line) != width) ||
			    (strcmp(table, "tcp") == 0 && inet.sl != rows))
				fail(message);
			struct own *own = parsed ? own_by_inode(inode) : NULL;

			if (own == NULL || strcmp(own->table, table) != 0 ||
			    own->seen++)
				fail(message);
			rows++;
		}
		unsigned mine = 0;

		for (unsigned i = 0; i < own_count; i++)
			mine += strcmp(owns[i].table, table) == 0;
		snprintf(message, sizeof(message),
			 "%s: %u lines for %u sockets", table, rows, mine);
		if (rows != mine)
			fail(message);
		if (mine && length <= 4096)
			fail("a table past 4 KiB");
		printf("/proc/net/%s: %u lines, %zu bytes\n", table, rows,
		       length);
		free(expected);
	}
	printf("proc_net many: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "many") == 0)
		return many();
	return differential();
}
