/*
 * What the fuzzers (io_fuzz.c, inet_fuzz.c, lock_fuzz.c, notify_fuzz.c)
 * print alike: an error's name, a call's result with SIGPIPE marked,
 * bytes read, and poll's bits as letters.
 */
#ifndef TESTS_APPS_FUZZ_UTIL_H
#define TESTS_APPS_FUZZ_UTIL_H

/* (Included after _GNU_SOURCE is defined: POLLRDHUP.) */
#include <errno.h>
#include <poll.h>
#include <stdio.h>

static volatile int pipe_signals;

static inline void on_sigpipe(int signal)
{
	(void)signal;
	pipe_signals++;
}

static inline const char *error_name(int error)
{
	static char text[16];

	switch (error) {
	case EAGAIN: return "EAGAIN";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case EPIPE: return "EPIPE";
	case ENOTSOCK: return "ENOTSOCK";
	case ENOTCONN: return "ENOTCONN";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	case ENOTTY: return "ENOTTY";
	case ELOOP: return "ELOOP";
	case EFAULT: return "EFAULT";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EISCONN: return "EISCONN";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case ESPIPE: return "ESPIPE";
	case EISDIR: return "EISDIR";
	case EADDRINUSE: return "EADDRINUSE";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EINPROGRESS: return "EINPROGRESS";
	case EALREADY: return "EALREADY";
	case ECONNABORTED: return "ECONNABORTED";
	case ENETUNREACH: return "ENETUNREACH";
	case EPROTOTYPE: return "EPROTOTYPE";
	case EACCES: return "EACCES";
	case EOVERFLOW: return "EOVERFLOW";
	case ENOTDIR: return "ENOTDIR";
	case ENOTEMPTY: return "ENOTEMPTY";
	default:
		snprintf(text, sizeof(text), "errno %d", error);
		return text;
	}
}

static int last_signals;

static inline void show_result(const char *call, long result)
{
	int error = errno;
	const char *pipe_note = pipe_signals != last_signals ? " SIGPIPE" : "";

	last_signals = pipe_signals;
	if (result < 0)
		printf("%s = -1 %s%s\n", call, error_name(error), pipe_note);
	else
		printf("%s = %ld%s\n", call, result, pipe_note);
}

/* Bytes as text: letters as they are, anything else as '.'. */
static inline void show_bytes(const char *bytes, long count)
{
	for (long i = 0; i < count; i++)
		putchar(bytes[i] >= 'a' && bytes[i] <= 'z' ? bytes[i] : '.');
}

/* A read's result, and the bytes it read (the first 64). */
static inline void show_read_bytes(const char *call, long result, const char *bytes)
{
	show_result(call, result);
	if (result > 0) {
		printf("  read: ");
		show_bytes(bytes, result > 64 ? 64 : result);
		printf(result > 64 ? "... (%ld)\n" : "\n", result);
	}
}

static inline const char *poll_text(unsigned events, char *text)
{
	static const struct {
		unsigned bit;
		char letter;
	} bits[] = {
		{ POLLIN, 'i' }, { POLLPRI, 'p' }, { POLLOUT, 'o' },
		{ POLLERR, 'e' }, { POLLHUP, 'h' }, { POLLNVAL, 'n' },
		{ POLLRDHUP, 'r' }, { POLLRDNORM, 'I' }, { POLLWRNORM, 'O' },
	};
	size_t at = 0;

	for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (events & bits[i].bit) {
			text[at++] = bits[i].letter;
			events &= ~bits[i].bit;
		}
	}
	if (events)
		at += (size_t)sprintf(text + at, "+%x", events);
	if (at == 0)
		text[at++] = '-';
	text[at] = '\0';
	return text;
}


#endif /* TESTS_APPS_FUZZ_UTIL_H */
