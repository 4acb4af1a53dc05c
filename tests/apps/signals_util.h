/*
 * Helpers shared by the signal tests (tests/apps/signals_*.c): installing
 * actions, one-signal sets, si_code names, and signal masks as 64-bit
 * words (signals 1..64, bit sig - 1, as rt_sigprocmask reads them).
 * Helpers that are not about signals (err_name, nap_ms, gettid_, ...) are
 * in threads_util.h.
 */
#ifndef WICKET_TESTS_APPS_SIGNALS_UTIL_H
#define WICKET_TESTS_APPS_SIGNALS_UTIL_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Install a SA_SIGINFO handler (sa_mask *mask, or empty); exit 1 if refused. */
static inline void on_mask(int sig, void (*fn)(int, siginfo_t *, void *),
			   int flags, const sigset_t *mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	if (mask)
		sa.sa_mask = *mask;
	if (sigaction(sig, &sa, NULL) != 0) {
		printf("FAILED: sigaction(%d): %s\n", sig, strerror(errno));
		exit(1);
	}
}

/* Install a SA_SIGINFO handler with an empty sa_mask; exit 1 if refused. */
static inline void on(int sig, void (*fn)(int, siginfo_t *, void *),
		      int flags)
{
	on_mask(sig, fn, flags, NULL);
}

/* A plain action (a handler, SIG_DFL or SIG_IGN), no flags, empty sa_mask. */
static inline void set_action(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigaction(sig, &sa, NULL);
}

/* The set holding only sig. */
static inline sigset_t just(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

/* The name of a sender's si_code (SI_USER, SI_TKILL, ...), else the number. */
static inline const char *code_name(int code)
{
	static char buf[32];
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TIMER: return "SI_TIMER";
	case SI_TKILL: return "SI_TKILL";
	default:
		snprintf(buf, sizeof buf, "%d", code);
		return buf;
	}
}

/* The first 64 bits of a sigset_t (signals 1..64). */
static inline uint64_t mask64(const sigset_t *s)
{
	uint64_t m;
	memcpy(&m, s, sizeof m);
	return m;
}

/* A signal's bit in a 64-bit mask. */
static inline uint64_t bit(int sig)
{
	return UINT64_C(1) << (sig - 1);
}

/* Set the thread's mask with the raw rt_sigprocmask (no libc filtering). */
static inline void set_mask(uint64_t m)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &m, NULL, 8);
}

/* The thread's mask as the raw rt_sigprocmask reads it. */
static inline uint64_t get_mask(void)
{
	uint64_t m = 0;
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8);
	return m;
}

/* Print "what: 1 2 ..." (the signals in m) or "what: (empty)". */
static inline void print_bits(const char *what, uint64_t m)
{
	printf("%s:", what);
	if (!m)
		printf(" (empty)");
	for (int s = 1; s <= 64; s++)
		if (m & bit(s))
			printf(" %d", s);
	printf("\n");
}

#endif
