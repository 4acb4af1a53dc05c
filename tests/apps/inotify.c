/*
 * inotify (differential): the events each file-system call makes, in
 * Linux's order, on a directory's watch (with the child's name) and on a
 * file's own; hard links, renames (one cookie for the pair), removals
 * while open, watches removed (IN_IGNORED), IN_ONESHOT, IN_MASK_ADD and
 * IN_MASK_CREATE, merged repeats, the queue's overflow, poll, FIONREAD,
 * a blocking read woken by another thread, and the calls' errors.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "show_util.h"

static char directory[64];
static int in;
static uint32_t last_cookie;

static const char *path_of(const char *name)
{
	return path_in(directory, name);
}

static void print_mask(uint32_t mask)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ IN_ACCESS, "ACCESS" }, { IN_MODIFY, "MODIFY" },
		{ IN_ATTRIB, "ATTRIB" }, { IN_CLOSE_WRITE, "CLOSE_WRITE" },
		{ IN_CLOSE_NOWRITE, "CLOSE_NOWRITE" }, { IN_OPEN, "OPEN" },
		{ IN_MOVED_FROM, "MOVED_FROM" }, { IN_MOVED_TO, "MOVED_TO" },
		{ IN_CREATE, "CREATE" }, { IN_DELETE, "DELETE" },
		{ IN_DELETE_SELF, "DELETE_SELF" }, { IN_MOVE_SELF, "MOVE_SELF" },
		{ IN_UNMOUNT, "UNMOUNT" }, { IN_Q_OVERFLOW, "Q_OVERFLOW" },
		{ IN_IGNORED, "IGNORED" }, { IN_ISDIR, "ISDIR" },
	};
	const char *separator = "";

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (mask & names[i].bit) {
			printf("%s%s", separator, names[i].name);
			separator = "|";
			mask &= ~names[i].bit;
		}
	if (mask)
		printf("%s0x%x", separator, mask);
}

/* Reads and prints what is queued (the instance is non-blocking). */
static void events(const char *after)
{
	char buffer[8192] __attribute__((aligned(8)));
	ssize_t got = read(in, buffer, sizeof(buffer));

	printf("%s:", after);
	if (got < 0) {
		printf(" none (%s)\n", strerror(errno));
		errno = 0;
		return;
	}
	printf("\n");
	for (char *at = buffer; at < buffer + got;) {
		struct inotify_event *event = (struct inotify_event *)at;

		printf("  wd %d ", event->wd);
		print_mask(event->mask);
		if (event->len)
			printf(" \"%s\" (len %u)", event->name, event->len);
		if (event->cookie) {
			printf(" cookie %s", event->cookie == last_cookie
						     ? "as before"
						     : "new");
			last_cookie = event->cookie;
		}
		printf("\n");
		at += sizeof(*event) + event->len;
	}
}

static void write_text(const char *name, const char *text, int flags)
{
	int fd = open(path_of(name), O_WRONLY | flags, 0644);

	if (write(fd, text, strlen(text)) < 0)
		printf("write failed\n");
	close(fd);
}

static void files_and_directories(void)
{
	char text[16];

	int wd = inotify_add_watch(in, directory, IN_ALL_EVENTS);

	show("watch the directory", wd);
	int fd = open(path_of("a"), O_WRONLY | O_CREAT | O_EXCL, 0644);

	events("create a");
	show("write", write(fd, "hello", 5));
	show("write", write(fd, " you", 4));
	events("two writes");
	close(fd);
	events("close");
	show("watch a", inotify_add_watch(in, path_of("a"), IN_ALL_EVENTS));
	show("watch a again: the same", inotify_add_watch(in, path_of("a"),
							  IN_ALL_EVENTS));
	fd = open(path_of("a"), O_RDONLY);
	show("read", read(fd, text, sizeof(text)));
	show("read at the end", read(fd, text, sizeof(text)));
	close(fd);
	events("open, read, close a");
	chmod(path_of("a"), 0600);
	events("chmod a");
	show("truncate", truncate(path_of("a"), 2));
	events("truncate a");
	write_text("a", "again", O_TRUNC);
	events("open a with O_TRUNC, write, close");
	write_text("a", "!", O_APPEND);
	events("append to a");
	link(path_of("a"), path_of("b"));
	events("link a to b");
	rename(path_of("b"), path_of("c"));
	events("rename b to c");
	rename(path_of("c"), path_of("a"));
	events("rename c over a (one file)");
	write_text("d", "other", O_CREAT);
	events("create d");
	rename(path_of("d"), path_of("a"));
	events("rename d over a");
	mkdir(path_of("sub"), 0755);
	events("mkdir sub");
	DIR *listing = opendir(path_of("sub"));

	while (listing && readdir(listing))
		;
	if (listing)
		closedir(listing);
	events("list sub");
	show("watch sub", inotify_add_watch(in, path_of("sub"),
					    IN_ALL_EVENTS | IN_ONLYDIR));
	write_text("sub/x", "x", O_CREAT);
	unlink(path_of("sub/x"));
	events("create and remove sub/x");
	rmdir(path_of("sub"));
	events("rmdir sub");
	symlink("a", path_of("link"));
	events("symlink");
	show("watch the link itself",
	     inotify_add_watch(in, path_of("link"),
			       IN_ALL_EVENTS | IN_DONT_FOLLOW));
	unlink(path_of("link"));
	events("unlink the link");
	fd = open(path_of("c"), O_RDONLY);
	unlink(path_of("c"));
	events("unlink c (the file of watch 2) while open");
	close(fd);
	events("close it");
	unlink(path_of("a"));
	events("unlink a");
	mknod(path_of("fifo"), S_IFIFO | 0600, 0);
	unlink(path_of("fifo"));
	events("mknod and unlink a fifo");
	show("remove the directory's watch", inotify_rm_watch(in, wd));
	events("rm_watch");
	show("remove it again", inotify_rm_watch(in, wd));
}

static void masks(void)
{
	write_text("m", "m", O_CREAT);
	int wd = inotify_add_watch(in, path_of("m"), IN_MODIFY | IN_ONESHOT);

	show("watch m, IN_MODIFY|IN_ONESHOT", wd);
	write_text("m", "one", 0);
	write_text("m", "two", 0);
	events("two writes to m");
	wd = inotify_add_watch(in, path_of("m"), IN_OPEN);
	show("watch m, IN_OPEN", wd);
	show("add IN_CLOSE_WRITE", inotify_add_watch(in, path_of("m"),
						     IN_CLOSE_WRITE |
							     IN_MASK_ADD));
	write_text("m", "three", 0);
	events("a write to m");
	show("IN_MASK_CREATE on a watched file",
	     inotify_add_watch(in, path_of("m"), IN_OPEN | IN_MASK_CREATE));
	show("IN_MASK_CREATE with IN_MASK_ADD",
	     inotify_add_watch(in, path_of("m"),
			       IN_OPEN | IN_MASK_CREATE | IN_MASK_ADD));
	show("replace with IN_ATTRIB", inotify_add_watch(in, path_of("m"),
							 IN_ATTRIB));
	write_text("m", "four", 0);
	chmod(path_of("m"), 0640);
	events("a write and a chmod");
	inotify_rm_watch(in, wd);
	events("rm_watch m");
	unlink(path_of("m"));
}

static void errors(void)
{
	char small[8];

	write_text("f", "f", O_CREAT);
	show("no such file", inotify_add_watch(in, path_of("none"), IN_OPEN));
	show("mask without events", inotify_add_watch(in, path_of("f"), 0));
	show("IN_ONLYDIR on a file",
	     inotify_add_watch(in, path_of("f"), IN_OPEN | IN_ONLYDIR));
	show("a bad descriptor", inotify_add_watch(99, path_of("f"), IN_OPEN));
	show("not an inotify descriptor",
	     inotify_add_watch(1, path_of("f"), IN_OPEN));
	show("bad address", inotify_add_watch(in, (const char *)16, IN_OPEN));
	show("rm_watch of no watch", inotify_rm_watch(in, 12345));
	show("rm_watch on a bad descriptor", inotify_rm_watch(99, 1));
	show("init1 with a bad flag", inotify_init1(1));
	show("read nothing queued", read(in, small, sizeof(small)));
	int wd = inotify_add_watch(in, directory, IN_CREATE);

	struct pollfd polled = { .fd = in, .events = POLLIN | POLLOUT };
	int queued = -1;

	show("poll with nothing queued", poll(&polled, 1, 0));
	write_text("a name long enough", "x", O_CREAT);
	show("FIONREAD", ioctl(in, FIONREAD, &queued));
	printf("  %d bytes queued\n", queued);
	show("poll", poll(&polled, 1, 0));
	printf("  revents 0x%x\n", polled.revents);
	show("read into too small a buffer", read(in, small, sizeof(small)));
	show("write to it", write(in, "x", 1));
	show("lseek", lseek(in, 0, SEEK_SET));
	events("queued");
	write_text("another", "x", O_CREAT);
	show("read into no buffer (the event is lost)", read(in, NULL, 4096));
	show("FIONREAD", ioctl(in, FIONREAD, &queued));
	printf("  %d bytes queued\n", queued);
	unlink(path_of("another"));
	inotify_rm_watch(in, wd);
	events("rm_watch");
	unlink(path_of("a name long enough"));
	unlink(path_of("f"));
}

static void *blocking_reader(void *argument)
{
	int blocking = *(int *)argument;
	char buffer[512] __attribute__((aligned(8)));
	ssize_t got = read(blocking, buffer, sizeof(buffer));
	struct inotify_event *event = (struct inotify_event *)buffer;

	printf("the waiting read: %zd, ", got);
	print_mask(event->mask);
	printf(" \"%s\"\n", event->len ? event->name : "");
	return NULL;
}

static void waiting(void)
{
	int blocking = inotify_init();
	pthread_t thread;

	inotify_add_watch(blocking, directory, IN_CREATE);
	pthread_create(&thread, NULL, blocking_reader, &blocking);
	usleep(100000);
	write_text("woken", "", O_CREAT);
	pthread_join(thread, NULL);
	unlink(path_of("woken"));
	close(blocking);
}

static void overflow(void)
{
	int many = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	static char buffer[65536] __attribute__((aligned(8)));
	long count = 0, last_mask = 0, last_wd = 0, total;

	write_text("o", "", O_CREAT);
	inotify_add_watch(many, path_of("o"), IN_OPEN | IN_CLOSE);
	for (int i = 0; i < 9000; i++)
		close(open(path_of("o"), O_RDONLY));
	for (ssize_t got; (got = read(many, buffer, sizeof(buffer))) > 0;) {
		for (char *at = buffer; at < buffer + got; count++) {
			struct inotify_event *event =
				(struct inotify_event *)at;

			last_mask = event->mask;
			last_wd = event->wd;
			at += sizeof(*event) + event->len;
		}
	}
	total = count;
	printf("18000 events into a queue of %ld: ", total);
	print_mask((uint32_t)last_mask);
	printf(" last, wd %ld\n", last_wd);
	show("close-on-exec", fcntl(many, F_GETFD) & FD_CLOEXEC);
	close(many);
	unlink(path_of("o"));
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	snprintf(directory, sizeof(directory), "/tmp/wicket-inotify-%d",
		 getpid());
	mkdir(directory, 0755);
	in = inotify_init1(IN_NONBLOCK);
	show("inotify_init1", in >= 0 ? 0 : -1);
	files_and_directories();
	masks();
	errors();
	waiting();
	overflow();
	close(in);
	show("rmdir", rmdir(directory));
	return 0;
}
