/*
 * Blocked reads and writes, each woken by the change it waits for
 * (differential): 32 threads reading pipes, socketpairs and eventfds of
 * their own, woken one at a time in an order main chooses; writers
 * blocked on a full pipe, a full AF_UNIX stream, a full datagram end they
 * send to by name and an eventfd at its most, each woken by a read; a
 * reader woken by its writer's close; threads blocked in accept on four
 * listeners, each woken by a connect to its own, and a connect to a full
 * queue woken by an accept. On Wicket a change that names its
 * object wakes only the threads waiting on it (libos/sched/sched.c:
 * sched_wake_for_objects).
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define READERS 32

static void nap(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

/* ---- readers: each blocks reading its descriptor, then says so ---- */

enum kind { PIPE_END, SOCKET_END, COUNTER };

struct reader {
	int number, fd, write_fd;
	enum kind kind;
};

static int woken_order[READERS], woken_count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *reader(void *arg)
{
	struct reader *r = arg;
	uint64_t value = 0;
	ssize_t got = r->kind == COUNTER ? read(r->fd, &value, 8)
					 : read(r->fd, &value, 1);

	pthread_mutex_lock(&lock);
	if (got <= 0)
		printf("reader %d: read %zd (%s)\n", r->number, got,
		       strerror(errno));
	woken_order[woken_count++] = r->number;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void readers(void)
{
	static struct reader r[READERS];
	pthread_t threads[READERS];

	for (int i = 0; i < READERS; i++) {
		int ends[2];

		r[i].number = i;
		r[i].kind = (enum kind)(i % 3);
		if (r[i].kind == PIPE_END) {
			pipe(ends);
		} else if (r[i].kind == SOCKET_END) {
			socketpair(AF_UNIX, SOCK_STREAM, 0, ends);
		} else {
			ends[0] = ends[1] = eventfd(0, 0);
		}
		r[i].fd = ends[0];
		r[i].write_fd = ends[1];
		pthread_create(&threads[i], NULL, reader, &r[i]);
	}
	nap(200); /* all of them blocked */
	/* Woken one at a time, last first, each before the next is written. */
	for (int i = READERS - 1; i >= 0; i--) {
		uint64_t one = 1;
		int before = woken_count;

		if (write(r[i].write_fd, &one, r[i].kind == COUNTER ? 8 : 1) < 0)
			printf("write to %d: %s\n", i, strerror(errno));
		for (int tries = 0; tries < 2000; tries++) {
			pthread_mutex_lock(&lock);
			int now = woken_count;

			pthread_mutex_unlock(&lock);
			if (now > before)
				break;
			nap(1);
		}
	}
	for (int i = 0; i < READERS; i++)
		pthread_join(threads[i], NULL);
	printf("%d blocked readers, woken in the order written:", woken_count);
	for (int i = 0; i < woken_count; i++)
		printf(" %d", woken_order[i]);
	printf("\n");
	for (int i = 0; i < READERS; i++) {
		close(r[i].fd);
		if (r[i].write_fd != r[i].fd)
			close(r[i].write_fd);
	}
}

/* ---- writers: each blocks on a full descriptor until main reads ---- */

struct writer {
	const char *what;
	int fd;
	const struct sockaddr_un *to; /* a datagram's destination */
	socklen_t to_length;
	long result;
};

static void *writer(void *arg)
{
	struct writer *w = arg;
	uint64_t one = 1;
	char byte = 'w';

	if (w->to)
		w->result = sendto(w->fd, &byte, 1, 0,
				   (const struct sockaddr *)w->to,
				   w->to_length);
	else if (strcmp(w->what, "eventfd") == 0)
		w->result = write(w->fd, &one, 8);
	else
		w->result = write(w->fd, &byte, 1);
	return NULL;
}

/* Fills fd (non-blocking for the moment), starts a writer blocked on it,
 * then empties `drain`, a read at a time, and waits for the writer. */
static void blocked_writer(struct writer *w, int drain, size_t drain_size)
{
	pthread_t thread;
	char bytes[4096] = { 0 };
	int flags = fcntl(w->fd, F_GETFL);

	fcntl(w->fd, F_SETFL, flags | O_NONBLOCK);
	if (strcmp(w->what, "eventfd") == 0) {
		uint64_t most = UINT64_MAX - 1;

		write(w->fd, &most, 8);
	} else if (w->to) {
		while (sendto(w->fd, bytes, 1, 0,
			      (const struct sockaddr *)w->to, w->to_length) > 0)
			;
	} else {
		while (write(w->fd, bytes, sizeof(bytes)) > 0)
			;
	}
	fcntl(w->fd, F_SETFL, flags);
	w->result = -2;
	pthread_create(&thread, NULL, writer, w);
	nap(100);
	printf("%s writer blocked: %s\n", w->what,
	       w->result == -2 ? "yes" : "no");
	/* Everything queued goes: Linux wakes a stream's writer only once
	 * most of its buffer is free. */
	fcntl(drain, F_SETFL, fcntl(drain, F_GETFL) | O_NONBLOCK);
	if (read(drain, bytes, drain_size) <= 0)
		printf("%s: the drain's read failed: %s\n", w->what,
		       strerror(errno));
	while (read(drain, bytes, drain_size) > 0)
		;
	pthread_join(thread, NULL);
	printf("%s writer, after a read: %ld\n", w->what, w->result);
}

static void writers(void)
{
	int ends[2];
	struct writer w = { "pipe", 0, NULL, 0, 0 };

	pipe(ends);
	w.fd = ends[1];
	blocked_writer(&w, ends[0], 4096);
	close(ends[0]);
	close(ends[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, ends);
	w = (struct writer){ "unix stream", ends[1], NULL, 0, 0 };
	blocked_writer(&w, ends[0], 4096);
	close(ends[0]);
	close(ends[1]);

	int counter = eventfd(0, 0);

	w = (struct writer){ "eventfd", counter, NULL, 0, 0 };
	blocked_writer(&w, counter, 8);
	close(counter);

	/* A datagram end sent to by name, not connected to its sender. */
	struct sockaddr_un name = { .sun_family = AF_UNIX };
	int name_bytes = 1 + snprintf(name.sun_path + 1,
				      sizeof(name.sun_path) - 1,
				      "blocking_waits.%d", (int)getpid());
	socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				       name_bytes);
	int receiver = socket(AF_UNIX, SOCK_DGRAM, 0);
	int sender = socket(AF_UNIX, SOCK_DGRAM, 0);

	bind(receiver, (struct sockaddr *)&name, length);
	w = (struct writer){ "datagram by name", sender, &name, length, 0 };
	blocked_writer(&w, receiver, 64);
	close(receiver);
	close(sender);
}

/* ---- a reader woken by its writer's close ---- */

struct eof_read {
	int fd;
	long result;
};

static void *eof_reader(void *arg)
{
	struct eof_read *e = arg;
	char byte;

	e->result = read(e->fd, &byte, 1);
	return NULL;
}

static void closed_under_a_reader(void)
{
	int ends[2];
	struct eof_read e;
	pthread_t thread;

	pipe(ends);
	e = (struct eof_read){ ends[0], -2 };
	pthread_create(&thread, NULL, eof_reader, &e);
	nap(100);
	close(ends[1]);
	pthread_join(thread, NULL);
	printf("a blocked pipe reader, its writer closed: read %ld\n",
	       e.result);
	close(ends[0]);
}

/* ---- listeners: an accept woken by a connect, a connect by an accept */

static socklen_t listener_name(struct sockaddr_un *name, int which)
{
	*name = (struct sockaddr_un){ .sun_family = AF_UNIX };
	int bytes = 1 + snprintf(name->sun_path + 1, sizeof(name->sun_path) - 1,
				 "blocking_waits.%d.%d", (int)getpid(), which);

	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + bytes);
}

struct acceptor {
	int number, fd;
};

static void *acceptor(void *arg)
{
	struct acceptor *a = arg;
	int fd = accept(a->fd, NULL, NULL);

	pthread_mutex_lock(&lock);
	if (fd < 0)
		printf("acceptor %d: %s\n", a->number, strerror(errno));
	woken_order[woken_count++] = a->number;
	pthread_mutex_unlock(&lock);
	close(fd);
	return NULL;
}

static void *connector(void *arg)
{
	const int *fd = arg;
	struct sockaddr_un name;
	socklen_t length = listener_name(&name, 9);

	printf("the connect to a full queue: %d\n",
	       connect(*fd, (struct sockaddr *)&name, length));
	return NULL;
}

static void listeners(void)
{
	enum { LISTENERS = 4 };
	struct acceptor a[LISTENERS];
	pthread_t threads[LISTENERS];
	struct sockaddr_un name;
	int clients[LISTENERS];

	woken_count = 0;
	for (int i = 0; i < LISTENERS; i++) {
		socklen_t length = listener_name(&name, i);

		a[i] = (struct acceptor){ i, socket(AF_UNIX, SOCK_STREAM, 0) };
		bind(a[i].fd, (struct sockaddr *)&name, length);
		listen(a[i].fd, 4);
		pthread_create(&threads[i], NULL, acceptor, &a[i]);
	}
	nap(50);
	/* Connect to them in the order 2, 0, 3, 1: each wakes its own. */
	for (int k = 0; k < LISTENERS; k++) {
		int i = (k * 2 + 2) % LISTENERS + (k >= 2 ? 1 : 0);
		socklen_t length = listener_name(&name, i);

		clients[k] = socket(AF_UNIX, SOCK_STREAM, 0);
		connect(clients[k], (struct sockaddr *)&name, length);
		nap(30);
	}
	for (int i = 0; i < LISTENERS; i++)
		pthread_join(threads[i], NULL);
	printf("acceptors woken in the order:");
	for (int i = 0; i < woken_count; i++)
		printf(" %d", woken_order[i]);
	printf("\n");
	for (int i = 0; i < LISTENERS; i++) {
		close(clients[i]);
		close(a[i].fd);
	}

	/* A backlog of 0 lets one connection wait; the next connect waits
	 * until an accept makes room. */
	socklen_t length = listener_name(&name, 9);
	int server = socket(AF_UNIX, SOCK_STREAM, 0);
	int first = socket(AF_UNIX, SOCK_STREAM, 0);
	int second = socket(AF_UNIX, SOCK_STREAM, 0);
	pthread_t thread;

	bind(server, (struct sockaddr *)&name, length);
	listen(server, 0);
	printf("the first connect: %d\n",
	       connect(first, (struct sockaddr *)&name, length));
	pthread_create(&thread, NULL, connector, &second);
	nap(100);
	printf("accept: %s\n", accept(server, NULL, NULL) >= 0 ? "one" : "none");
	pthread_join(thread, NULL);
	close(first);
	close(second);
	close(server);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	readers();
	writers();
	closed_under_a_reader();
	listeners();
	return 0;
}
