/*
 * /proc/net's socket tables (proc_net.h), in Linux 6.1's formats:
 * - tcp and tcp6 (tcp4_seq_show, tcp6_seq_show): the listening sockets
 *   first, then the connections, one line per socket, so a connection on
 *   the loopback has two (its client's and its server's). A line per
 *   connection on the network too (net/tcp.c's, whose state, timers and
 *   queue they show): the app's socket's, or once the app closed it a
 *   line with inode 0 while the connection lingers on, as Linux shows
 *   an orphaned socket; a connection not accepted yet has inode 0 too.
 *   The hidden end that stands for a peer (socket.h) is never a line. A
 *   TCP socket neither listening nor connected is in no table, as on
 *   Linux. IPv4's lines are padded to 149 characters.
 * - udp, udp6, udplite and udplite6 (udp4_seq_show, udp6_seq_show):
 *   every bound socket; `sl` is its port's bucket in a table of 65,536
 *   (Linux mixes in a random number per network namespace). IPv4's
 *   lines are padded to 127 characters.
 * - raw and raw6: their headers alone, Wicket has no raw sockets.
 * - unix (unix_seq_show): every AF_UNIX socket, its name as Linux
 *   prints it (an abstract name's NULs as '@').
 * An AF_INET socket is in the IPv4 tables, an AF_INET6 one in IPv6's,
 * its IPv4 addresses v4-mapped. Addresses are the network-order words
 * printed as numbers of a little-endian machine, ports in hexadecimal;
 * pointers print as zeros, as Linux prints them to a reader without
 * CAP_SYSLOG (kptr_restrict), and the figures Wicket has no counterpart
 * for (reference counts, delayed ACKs' times, congestion windows) as
 * Linux shows an idle socket's. rx_queue is the bytes unread (a
 * listening socket's connections waiting for accept); Linux counts a
 * datagram's buffer memory there, more than its bytes.
 */
#include "linux/proc_net.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/print.h"
#include "lib/string.h"
#include "linux/files.h"
#include "linux/io.h"
#include "linux/socket.h"
#include "linux/socket_inet.h"
#include "mm/vm.h"
#include "net/tcp.h"

#define AF_UNIX     1
#define AF_INET     2
#define AF_INET6    10
#define SOCK_STREAM 1
#define SOCK_DGRAM  2

#define TCP4_WIDTH  149 /* tcp4_seq_show's seq_setwidth: TMPSZ - 1 */
#define UDP4_WIDTH  127 /* udp4_seq_show's */
#define LINE_MAX    256 /* a unix line with a 108-byte name, and more */
#define SO_ACCEPTCON 0x10000 /* unix's Flags: __SO_ACCEPTCON, listening */
/* socket_state: what unix's St column says. */
#define SS_UNCONNECTED   1
#define SS_CONNECTING    2
#define SS_CONNECTED     3
#define SS_DISCONNECTING 4
#define USER_HZ_MS  10 /* a clock_t tick (USER_HZ 100) in milliseconds */
#define POINTER     "0000000000000000" /* %pK, kptr_restrict's */

enum table_kind { TABLE_TCP, TABLE_UDP, TABLE_RAW, TABLE_UNIX };

/* The tables, by node from NODE_NET_TCP on. */
static const struct table {
	uint8_t kind, family;
	bool lite;
} tables[] = {
	[NODE_NET_TCP - NODE_NET_TCP] = { TABLE_TCP, AF_INET, false },
	[NODE_NET_TCP6 - NODE_NET_TCP] = { TABLE_TCP, AF_INET6, false },
	[NODE_NET_UDP - NODE_NET_TCP] = { TABLE_UDP, AF_INET, false },
	[NODE_NET_UDP6 - NODE_NET_TCP] = { TABLE_UDP, AF_INET6, false },
	[NODE_NET_UDPLITE - NODE_NET_TCP] = { TABLE_UDP, AF_INET, true },
	[NODE_NET_UDPLITE6 - NODE_NET_TCP] = { TABLE_UDP, AF_INET6, true },
	[NODE_NET_RAW - NODE_NET_TCP] = { TABLE_RAW, AF_INET, false },
	[NODE_NET_RAW6 - NODE_NET_TCP] = { TABLE_RAW, AF_INET6, false },
	[NODE_NET_UNIX - NODE_NET_TCP] = { TABLE_UNIX, AF_UNIX, false },
};
_Static_assert(sizeof(tables) / sizeof(*tables) ==
		       NODE_NET_UNIX - NODE_NET_TCP + 1,
	       "a table for each node");

/* The headers, as Linux prints them (the IPv4 ones padded later). */
#define COLUMNS4 "  sl  local_address rem_address   st tx_queue rx_queue " \
		 "tr tm->when retrnsmt   uid  timeout inode"
#define COLUMNS6 "  sl  local_address                         " \
		 "remote_address                        st tx_queue " \
		 "rx_queue tr tm->when retrnsmt   uid  timeout inode"
#define DATAGRAM_COLUMNS " ref pointer drops"

bool proc_net_is_table(unsigned node)
{
	return node >= NODE_NET_TCP && node <= NODE_NET_UNIX;
}

/* Where the making of a table's lines stands: the header (pass 0), then
 * each pass over the sockets from `slot` on: TCP's over the ends for
 * the listening ones, again for the connections on the loopback, then
 * over net/tcp.c's connections; UDP's and unix's one pass over the
 * ends (PASS_ENDS). `row` counts the lines made after the header (TCP's
 * `sl`). */
enum { PASS_HEADER, PASS_LISTENING, PASS_ENDS, PASS_NETWORK, PASS_DONE };

struct cursor {
	uint8_t pass;
	uint32_t slot;
	uint32_t row;
};

/* One line of an IPv4 or IPv6 table, addresses in IPv6's form
 * (socket_inet.h), ports in host order. */
struct inet_row {
	uint8_t local[16], remote[16];
	uint16_t local_port, remote_port;
	uint8_t state;
	uint8_t timer;
	uint32_t tx_queue, rx_queue;
	uint32_t timer_ticks; /* clock_t, until the timer's deadline */
	uint32_t retransmits, uid, probes, inode, references;
	uint32_t rto_ticks; /* TCP's retransmission timeout, clock_t */
	int32_t last;       /* TCP's last column: ssthresh (-1 in slow
			       start), or a listener's fast open queue */
};

static uint16_t host16(uint16_t network)
{
	return (uint16_t)(network >> 8 | network << 8);
}

/* Pads `line` (length characters) with spaces to `width` and ends it
 * with a newline, as seq_pad does: the new length. */
static size_t pad_line(char *line, size_t length, size_t width)
{
	while (length < width && length + 2 < LINE_MAX)
		line[length++] = ' ';
	line[length++] = '\n';
	return length;
}

/* An address as Linux prints it: IPv4's (the last 4 bytes) or IPv6's 16
 * bytes, each 4-byte word as a little-endian number, in hexadecimal. */
static size_t put_address(char *out, size_t size, const uint8_t address[16],
			  int family)
{
	size_t length = 0;

	for (unsigned at = family == AF_INET ? 12 : 0; at < 16; at += 4) {
		uint32_t word;

		memcpy(&word, address + at, 4);
		length += print_format_to(out + length, size - length, "%08X",
					  word);
	}
	return length;
}

/* A line of a TCP or UDP table from `row`, numbered `sl`. */
static size_t inet_line(const struct table *table, const struct inet_row *row,
			uint32_t sl, char *out)
{
	size_t length = print_format_to(out, LINE_MAX,
					table->kind == TABLE_TCP ? "%4u: "
								 : "%5u: ",
					sl);

	length += put_address(out + length, LINE_MAX - length, row->local,
			      table->family);
	length += print_format_to(out + length, LINE_MAX - length, ":%04X ",
				  row->local_port);
	length += put_address(out + length, LINE_MAX - length, row->remote,
			      table->family);
	length += print_format_to(
		out + length, LINE_MAX - length,
		":%04X %02X %08X:%08X %02X:%08X %08X %5u %8u %u %u " POINTER,
		row->remote_port, row->state, row->tx_queue, row->rx_queue,
		row->timer, row->timer_ticks, row->retransmits, row->uid,
		row->probes, row->inode, row->references);
	if (table->kind == TABLE_TCP)
		/* rto, ato (delayed ACKs' timeout), quick ACKs and
		 * pingpong mode, the congestion window, the last. */
		length += print_format_to(out + length, LINE_MAX - length,
					  " %u 0 0 10 %d", row->rto_ticks,
					  row->last);
	else
		length += print_format_to(out + length, LINE_MAX - length,
					  " 0"); /* drops */
	if (table->family == AF_INET6)
		return pad_line(out, length, 0);
	return pad_line(out, length,
			table->kind == TABLE_TCP ? TCP4_WIDTH : UDP4_WIDTH);
}

static size_t header_line(const struct table *table, char *out)
{
	switch (table->kind) {
	case TABLE_TCP:
		if (table->family == AF_INET6)
			return print_format_to(out, LINE_MAX, COLUMNS6 "\n");
		return pad_line(out,
				print_format_to(out, LINE_MAX, COLUMNS4),
				TCP4_WIDTH);
	case TABLE_UDP:
		if (table->family == AF_INET6)
			return print_format_to(out, LINE_MAX,
					       COLUMNS6 DATAGRAM_COLUMNS "\n");
		return pad_line(out,
				print_format_to(out, LINE_MAX,
						" " COLUMNS4 DATAGRAM_COLUMNS),
				UDP4_WIDTH);
	case TABLE_RAW:
		return print_format_to(out, LINE_MAX, "%s\n",
				       table->family == AF_INET6
					       ? COLUMNS6 DATAGRAM_COLUMNS
					       : COLUMNS4 DATAGRAM_COLUMNS);
	default:
		return print_format_to(out, LINE_MAX,
				       "Num       RefCount Protocol Flags    "
				       "Type St Inode Path\n");
	}
}

/* Whether end `index` is an inet end of the table's family and kind,
 * and its view. */
static bool inet_end(const struct table *table, unsigned index, int type,
		     struct socket_view *view)
{
	return socket_view(index, view) && view->family == table->family &&
	       view->type == type && (type != SOCK_DGRAM ||
				      view->lite == table->lite);
}

/* An inet end's names into `row`: its own, and its peer's if any. */
static void row_names(unsigned index, struct inet_row *row)
{
	struct inet_name local = inet_name_of(index);
	const struct inet_name *peer = inet_peer(index);

	memcpy(row->local, local.address, 16);
	row->local_port = host16(local.port);
	if (peer) {
		memcpy(row->remote, peer->address, 16);
		row->remote_port = host16(peer->port);
	}
}

/* A plain TCP end's line (a listening one, or a connection on the
 * loopback), which *row gets; false when it is not the table's. */
static bool loopback_row(const struct table *table, unsigned index,
			 bool listening, struct inet_row *row)
{
	struct socket_view view;

	if (!inet_end(table, index, SOCK_STREAM, &view) ||
	    view.role != SOCKET_PLAIN || view.state == TCP_CLOSE ||
	    (view.state == TCP_LISTEN) != listening)
		return false;
	*row = (struct inet_row){
		.state = view.state,
		.rx_queue = view.queued,
		.uid = view.uid,
		.inode = view.inode,
		/* Linux's: an idle listener's, an open connection's. */
		.references = listening || !view.accepted ? 1 : 2,
		.rto_ticks = listening ? 100 : 20,
		.last = listening ? 0 : -1,
	};
	/* A listener's remote name is none, even after a connect. */
	if (listening) {
		struct inet_name local = inet_name_of(index);

		memcpy(row->local, local.address, 16);
		row->local_port = host16(local.port);
	} else {
		row_names(index, row);
	}
	return true;
}

/* The family of a connection on the network: its sockets', or while the
 * handshake goes on, its listener's. */
static int network_family(const struct tcp_view *connection)
{
	struct socket_view view;
	long listener;

	if (connection->hidden != TCP_NO_HIDDEN)
		return socket_view(connection->hidden, &view) ? view.family
							      : AF_INET;
	struct inet_name local = inet_name4(connection->local_address,
					    connection->local_port);

	listener = inet_find(SOCK_STREAM, &local);
	return listener >= 0 && socket_view((unsigned)listener, &view)
		       ? view.family
		       : AF_INET;
}

/* Connection slot `slot` of net/tcp.c's line, which *row gets; false
 * when it holds none, or one of another family. */
static bool network_row(const struct table *table, unsigned slot,
			struct inet_row *row)
{
	struct tcp_view connection;
	struct socket_view app = { 0 };
	long app_index = -1;

	if (!tcp_view(slot, &connection) ||
	    network_family(&connection) != table->family)
		return false;
	if (connection.hidden != TCP_NO_HIDDEN)
		app_index = socket_remote_app(connection.hidden);
	if (app_index >= 0 && !socket_view((unsigned)app_index, &app))
		app_index = -1;
	*row = (struct inet_row){
		.state = connection.state,
		.timer = connection.timer,
		.tx_queue = connection.hidden == TCP_NO_HIDDEN
				    ? 0
				    : (uint32_t)socket_remote_queued(
					      connection.hidden),
		.rx_queue = app_index >= 0 ? app.queued : 0,
		.timer_ticks = (connection.timer_ms + USER_HZ_MS - 1) /
			       USER_HZ_MS,
		.retransmits = connection.retransmits,
		.uid = app_index >= 0 ? app.uid : 0,
		.probes = connection.probes,
		.inode = app_index >= 0 ? app.inode : 0,
		.references = app_index >= 0 && app.accepted ? 2 : 1,
		.rto_ticks = connection.rto_ms / USER_HZ_MS,
		.last = -1,
	};
	struct inet_name local = inet_name4(connection.local_address,
					    connection.local_port),
			 remote = inet_name4(connection.remote_address,
					     connection.remote_port);

	memcpy(row->local, local.address, 16);
	memcpy(row->remote, remote.address, 16);
	row->local_port = host16(connection.local_port);
	row->remote_port = host16(connection.remote_port);
	return true;
}

/* A bound UDP or UDP-Lite end's line, which *row gets; false when it is
 * not the table's. */
static bool datagram_row(const struct table *table, unsigned index,
			 struct inet_row *row)
{
	struct socket_view view;

	if (!inet_end(table, index, SOCK_DGRAM, &view) ||
	    inet_name_of(index).port == 0)
		return false;
	*row = (struct inet_row){
		.state = view.state,
		.rx_queue = view.queued,
		.uid = view.uid,
		.inode = view.inode,
		.references = 2,
	};
	row_names(index, row);
	return true;
}

/* An AF_UNIX end's line into out; 0 when end `index` is none. */
static size_t unix_line(unsigned index, char *out)
{
	struct socket_view view;

	if (!socket_view(index, &view) || view.family != AF_UNIX)
		return 0;
	bool established = view.state == TCP_ESTABLISHED;
	unsigned state = view.accepted
				 ? (established ? SS_CONNECTED : SS_UNCONNECTED)
				 : (established ? SS_CONNECTING
						: SS_DISCONNECTING);
	size_t length = print_format_to(
		out, LINE_MAX, POINTER ": %08X %08X %08X %04X %02X %5u",
		established && view.type != SOCK_DGRAM && view.peer_alive ? 3
									  : 2,
		0, view.state == TCP_LISTEN ? SO_ACCEPTCON : 0, view.type,
		state, view.inode);

	if (view.name_length) {
		out[length++] = ' ';
		for (unsigned i = 0;
		     i < view.name_length && length + 2 < LINE_MAX; i++)
			out[length++] = view.name[i] ? (char)view.name[i] : '@';
	}
	out[length++] = '\n';
	return length;
}

/* The table's next line after `cursor`, which moves past it, into out
 * (LINE_MAX bytes): its length, 0 after the last. */
static size_t next_line(const struct table *table, struct cursor *cursor,
			char *out)
{
	struct inet_row row;

	if (cursor->pass == PASS_HEADER) {
		cursor->pass = table->kind == TABLE_TCP ? PASS_LISTENING
			       : table->kind == TABLE_RAW ? PASS_DONE
							  : PASS_ENDS;
		cursor->slot = 0;
		return header_line(table, out);
	}
	while (cursor->pass != PASS_DONE) {
		uint32_t slot = cursor->slot++;
		size_t length = 0;

		if (cursor->pass == PASS_NETWORK) {
			if (slot >= tcp_view_slots())
				goto next_pass;
			if (network_row(table, slot, &row))
				length = inet_line(table, &row, cursor->row,
						   out);
		} else if (slot >= sockets_touched) {
			goto next_pass;
		} else if (table->kind == TABLE_UNIX) {
			length = unix_line(slot, out);
		} else if (table->kind == TABLE_UDP) {
			if (datagram_row(table, slot, &row))
				length = inet_line(table, &row,
						   row.local_port, out);
		} else if (loopback_row(table, slot,
					cursor->pass == PASS_LISTENING, &row)) {
			length = inet_line(table, &row, cursor->row, out);
		}
		if (length) {
			cursor->row++;
			return length;
		}
		continue;
next_pass:
		cursor->pass = table->kind == TABLE_TCP &&
					       cursor->pass < PASS_NETWORK
				       ? cursor->pass + 1
				       : PASS_DONE;
		cursor->slot = 0;
	}
	return 0;
}

/* The last read's place: the description and table it read, the line
 * it stopped in (from file offset line_start) and the cursor after
 * that line. */
static struct {
	const struct file *file;
	unsigned node;
	struct cursor cursor;
	uint64_t line_start;
	size_t line_length;
	char line[LINE_MAX];
} reading;

long proc_net_read(const struct file *file, uint64_t offset, uint64_t buffer,
		   uint64_t length)
{
	uint64_t done = 0;

	if (!proc_net_is_table(file->node))
		return -EIO;
	const struct table *table = &tables[file->node - NODE_NET_TCP];

	if (reading.file != file || reading.node != file->node ||
	    offset < reading.line_start) {
		reading.file = file;
		reading.node = file->node;
		reading.cursor = (struct cursor){ PASS_HEADER, 0, 0 };
		reading.line_start = 0;
		reading.line_length = 0;
	}
	while (done < length) {
		uint64_t at = offset + done;
		uint64_t line_end = reading.line_start + reading.line_length;

		if (at >= line_end) {
			size_t size = next_line(table, &reading.cursor,
						reading.line);

			if (size == 0)
				break;
			reading.line_start = line_end;
			reading.line_length = size;
			continue;
		}
		uint64_t from = at - reading.line_start;
		uint64_t piece = reading.line_length - from;

		if (piece > length - done)
			piece = length - done;
		/* As Linux's copy_to_user, up to the first byte it cannot
		 * write (a line is shorter than a page). */
		bool fits = vm_user_ok(buffer + done, piece, PROT_WRITE);

		if (!fits) {
			uint64_t room = PAGE_SIZE - ((buffer + done) &
						     (PAGE_SIZE - 1));

			if (room >= piece ||
			    !vm_user_ok(buffer + done, room, PROT_WRITE))
				return done ? (long)done : -EFAULT;
			piece = room;
		}
		memcpy((void *)(buffer + done), reading.line + from, piece);
		done += piece;
		if (!fits)
			break;
	}
	return (long)done;
}
