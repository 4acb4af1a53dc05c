/*
 * sendmmsg and recvmmsg (differential): several datagrams a call over UDP
 * on the loopback and an AF_UNIX pair, each entry's msg_len and flags,
 * MSG_WAITFORONE and MSG_DONTWAIT, the timeout's checks and the time it
 * has left, a stream pair, and errors before and after the first message
 * (an error after it is kept for SO_ERROR, as Linux keeps it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "show_util.h"

#define COUNT 4

static struct mmsghdr messages[COUNT];
static struct iovec pieces[COUNT];
static char buffers[COUNT][32];
static struct sockaddr_in names[COUNT];

/* Entries that send texts[i] (to `to`, if any). */
static void prepare_sends(const char *const texts[], int count,
			  struct sockaddr_in *to)
{
	memset(messages, 0, sizeof(messages));
	for (int i = 0; i < count; i++) {
		pieces[i] = (struct iovec){ (void *)texts[i], strlen(texts[i]) };
		messages[i].msg_hdr.msg_iov = &pieces[i];
		messages[i].msg_hdr.msg_iovlen = 1;
		messages[i].msg_hdr.msg_name = to;
		messages[i].msg_hdr.msg_namelen = to ? sizeof(*to) : 0;
	}
}

/* Entries that receive up to `room` bytes each, with names. */
static void prepare_receives(size_t room)
{
	memset(messages, 0, sizeof(messages));
	memset(buffers, 0, sizeof(buffers));
	for (int i = 0; i < COUNT; i++) {
		pieces[i] = (struct iovec){ buffers[i], room };
		messages[i].msg_hdr.msg_iov = &pieces[i];
		messages[i].msg_hdr.msg_iovlen = 1;
		messages[i].msg_hdr.msg_name = &names[i];
		messages[i].msg_hdr.msg_namelen = sizeof(names[i]);
		messages[i].msg_len = 77;
	}
}

static void show_received(long count, uint16_t from_port)
{
	for (long i = 0; i < count; i++)
		printf("  %ld: len %u \"%s\" flags 0x%x, from the sender: %s\n",
		       i, messages[i].msg_len, buffers[i],
		       messages[i].msg_hdr.msg_flags,
		       names[i].sin_port == from_port ? "yes" : "no");
}

static int udp_socket(struct sockaddr_in *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t length = sizeof(*name);

	*name = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bind(fd, (struct sockaddr *)name, sizeof(*name));
	getsockname(fd, (struct sockaddr *)name, &length);
	return fd;
}

static void udp(void)
{
	static const char *const texts[] = { "one", "two two", "three" };
	struct sockaddr_in receiver_name, sender_name;
	int receiver = udp_socket(&receiver_name);
	int sender = udp_socket(&sender_name);
	struct timespec timeout = { 5, 0 };

	printf("-- UDP\n");
	prepare_sends(texts, 3, &receiver_name);
	show("sendmmsg 3", sendmmsg(sender, messages, 3, 0));
	for (int i = 0; i < 3; i++)
		printf("  %d: len %u\n", i, messages[i].msg_len);
	prepare_receives(sizeof(buffers[0]));
	long got = recvmmsg(receiver, messages, COUNT, MSG_DONTWAIT, NULL);

	show("recvmmsg, MSG_DONTWAIT", got);
	show_received(got, sender_name.sin_port);
	show("recvmmsg with nothing there",
	     recvmmsg(receiver, messages, COUNT, MSG_DONTWAIT, NULL));
	show("vlen 0", recvmmsg(receiver, messages, 0, MSG_DONTWAIT, NULL));

	prepare_sends(texts, 2, &receiver_name);
	sendmmsg(sender, messages, 2, 0);
	prepare_receives(4);
	got = recvmmsg(receiver, messages, COUNT, MSG_WAITFORONE, &timeout);
	show("recvmmsg, MSG_WAITFORONE, cut to 4 bytes", got);
	show_received(got, sender_name.sin_port);
	show_yes("time left, between 4 and 5 s",
		 timeout.tv_sec == 4 || (timeout.tv_sec == 5 &&
					  timeout.tv_nsec == 0));
	timeout.tv_nsec = 1000000000;
	show("a bad timeout", recvmmsg(receiver, messages, COUNT,
				       MSG_DONTWAIT, &timeout));
	show("a bad timeout address", recvmmsg(receiver, messages, COUNT,
					       MSG_DONTWAIT,
					       (struct timespec *)8));

	/* Errors: a bad second entry. */
	prepare_sends(texts, 3, &receiver_name);
	pieces[1].iov_base = (void *)8;
	show("sendmmsg, the second bad", sendmmsg(sender, messages, 3, 0));
	printf("  0: len %u\n", messages[0].msg_len);
	show("sendmmsg, the first bad", sendmmsg(sender, messages + 1, 2, 0));
	/* The raw calls: libc's wrappers read the vector themselves. */
	show("sendmmsg, a bad vector",
	     syscall(SYS_sendmmsg, sender, (struct mmsghdr *)8, 2, 0));
	prepare_sends(texts, 2, &receiver_name);
	sendmmsg(sender, messages, 2, 0);
	prepare_receives(sizeof(buffers[0]));
	pieces[1].iov_base = (void *)8;
	show("recvmmsg, the second bad",
	     recvmmsg(receiver, messages, COUNT, MSG_DONTWAIT, NULL));
	int error = -1;
	socklen_t length = sizeof(error);

	getsockopt(receiver, SOL_SOCKET, SO_ERROR, &error, &length);
	printf("SO_ERROR after it: %s\n", error ? strerror(error) : "none");
	show("recvmmsg, nothing left",
	     recvmmsg(receiver, messages, COUNT, MSG_DONTWAIT, NULL));
	show("recvmmsg, a bad vector",
	     syscall(SYS_recvmmsg, receiver, (struct mmsghdr *)8, 2,
		     MSG_DONTWAIT, NULL));
	show("on no socket", recvmmsg(0, messages, 2, MSG_DONTWAIT, NULL));
	show("on no descriptor", sendmmsg(99, messages, 2, 0));
	close(sender);
	close(receiver);
}

static void unix_pairs(void)
{
	static const char *const texts[] = { "alpha", "beta", "gamma", "d" };
	int pair[2];

	printf("-- AF_UNIX\n");
	socketpair(AF_UNIX, SOCK_DGRAM, 0, pair);
	prepare_sends(texts, 4, NULL);
	show("sendmmsg 4 on a datagram pair", sendmmsg(pair[0], messages, 4,
						       0));
	prepare_receives(sizeof(buffers[0]));
	long got = recvmmsg(pair[1], messages, 3, MSG_DONTWAIT, NULL);

	show("recvmmsg 3 of them", got);
	show_received(got, 0);
	prepare_receives(sizeof(buffers[0]));
	got = recvmmsg(pair[1], messages, 3, MSG_DONTWAIT, NULL);
	show("recvmmsg the rest", got);
	show_received(got, 0);
	close(pair[0]);
	close(pair[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, pair);
	prepare_sends(texts, 3, NULL);
	show("sendmmsg 3 on a stream pair", sendmmsg(pair[0], messages, 3,
						     0));
	prepare_receives(sizeof(buffers[0]));
	got = recvmmsg(pair[1], messages, COUNT, MSG_DONTWAIT, NULL);
	show("recvmmsg on the stream", got);
	show_received(got, 0);
	close(pair[0]);
	close(pair[1]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	udp();
	unix_pairs();
	return 0;
}
