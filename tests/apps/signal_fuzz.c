/*
 * Random signal calls in one thread, the same sequence on Linux and under
 * Wicket (a fixed seed; an argument replaces it): sigprocmask (block,
 * unblock, set), sigaction (a handler with random SA_RESETHAND,
 * SA_NODEFER and mask, SIG_IGN, SIG_DFL for signals whose default is to
 * ignore), raise, kill of the process, sigqueue with a value,
 * sigtimedwait with no wait, and sigpending. Every handler records the
 * signal, its value and the mask it runs with; after each call the
 * program prints the result, the deliveries since the last call in their
 * order, the pending set and the mask.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "random_util.h"

#define ROUNDS 400

/* The signals in play: two standard ones whose default is to end the
 * process (a handler or blocked before any is sent), two whose default is
 * to ignore, and three real-time ones (queued, in order). */
static int signals[7];
#define SIGNAL_COUNT 7

static struct {
	int signal;
	int value;
	char mask[SIGNAL_COUNT + 1];
} deliveries[64];
static volatile int delivery_count;

static void mask_text(const sigset_t *set, char *text)
{
	for (int i = 0; i < SIGNAL_COUNT; i++)
		text[i] = sigismember(set, signals[i]) ? 'x' : '.';
	text[SIGNAL_COUNT] = '\0';
}

static void on_signal(int signal, siginfo_t *info, void *context)
{
	sigset_t running;
	int at = delivery_count;

	(void)context;
	if (at < 64) {
		deliveries[at].signal = signal;
		deliveries[at].value = info->si_code == SI_QUEUE
					       ? info->si_value.sival_int : -1;
		sigprocmask(SIG_BLOCK, NULL, &running);
		mask_text(&running, deliveries[at].mask);
		delivery_count = at + 1;
	}
}

static const char *name(int signal)
{
	static char text[24];

	if (signal == SIGUSR1)
		return "USR1";
	if (signal == SIGUSR2)
		return "USR2";
	if (signal == SIGCHLD)
		return "CHLD";
	if (signal == SIGURG)
		return "URG";
	snprintf(text, sizeof(text), "RTMIN+%d", signal - SIGRTMIN);
	return text;
}

static void show_state(void)
{
	sigset_t set;
	char text[SIGNAL_COUNT + 1];

	for (int i = 0; i < delivery_count && i < 64; i++)
		printf("  handled %s value %d mask %s\n",
		       name(deliveries[i].signal), deliveries[i].value,
		       deliveries[i].mask);
	delivery_count = 0;
	sigpending(&set);
	mask_text(&set, text);
	printf("  pending %s", text);
	sigprocmask(SIG_BLOCK, NULL, &set);
	mask_text(&set, text);
	printf(" mask %s\n", text);
}

static void show_result(const char *call, int result)
{
	if (result < 0)
		printf("%s = -1 %s\n", call, strerror(errno));
	else
		printf("%s = %d\n", call, result);
}

static void random_set(sigset_t *set, char *text)
{
	sigemptyset(set);
	for (int i = 0; i < SIGNAL_COUNT; i++)
		if (below(3) == 0)
			sigaddset(set, signals[i]);
	mask_text(set, text);
}

int main(int argc, char **argv)
{
	seed_random(argc, argv, 0x516a1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signals[0] = SIGUSR1;
	signals[1] = SIGUSR2;
	signals[2] = SIGCHLD;
	signals[3] = SIGURG;
	signals[4] = SIGRTMIN;
	signals[5] = SIGRTMIN + 1;
	signals[6] = SIGRTMIN + 5;

	/* Every signal starts with a handler: none ends the run. */
	struct sigaction action = { 0 };
	action.sa_sigaction = on_signal;
	action.sa_flags = SA_SIGINFO;
	for (int i = 0; i < SIGNAL_COUNT; i++)
		sigaction(signals[i], &action, NULL);

	char call[160], text[SIGNAL_COUNT + 1];
	for (int round = 1; round <= ROUNDS; round++) {
		int which = (int)below(SIGNAL_COUNT);
		int signal = signals[which];
		/* A handler's default may end the process: the first two and
		 * the real-time ones never go back to SIG_DFL. */
		bool ignorable = signal == SIGCHLD || signal == SIGURG;
		sigset_t set;

		switch (below(12)) {
		case 0:
		case 1: {
			static const int hows[] = { SIG_BLOCK, SIG_UNBLOCK,
						    SIG_SETMASK };
			static const char *how_names[] = { "BLOCK", "UNBLOCK",
							   "SETMASK" };
			int how = (int)below(3);
			random_set(&set, text);
			snprintf(call, sizeof(call), "%d: sigprocmask(%s, %s)",
				 round, how_names[how], text);
			show_result(call, sigprocmask(hows[how], &set, NULL));
			break;
		}
		case 2: {
			struct sigaction new_action = { 0 };
			int kind = (int)below(ignorable ? 4 : 2);
			if (kind < 2) {
				new_action.sa_sigaction = on_signal;
				new_action.sa_flags = SA_SIGINFO;
				if (below(3) == 0 && ignorable)
					new_action.sa_flags |= SA_RESETHAND;
				if (below(3) == 0)
					new_action.sa_flags |= SA_NODEFER;
				random_set(&new_action.sa_mask, text);
			} else {
				new_action.sa_handler = kind == 2 ? SIG_IGN
								  : SIG_DFL;
				strcpy(text, "-");
			}
			snprintf(call, sizeof(call),
				 "%d: sigaction(%s, %s%s%s mask %s)", round,
				 name(signal),
				 kind == 2 ? "SIG_IGN" : kind == 3 ? "SIG_DFL"
							       : "handler",
				 new_action.sa_flags & SA_RESETHAND ? " RESETHAND" : "",
				 new_action.sa_flags & SA_NODEFER ? " NODEFER" : "",
				 text);
			show_result(call, sigaction(signal, &new_action, NULL));
			break;
		}
		case 3:
		case 4:
			snprintf(call, sizeof(call), "%d: raise(%s)", round,
				 name(signal));
			show_result(call, raise(signal));
			break;
		case 5:
			snprintf(call, sizeof(call), "%d: kill(self, %s)", round,
				 name(signal));
			show_result(call, kill(getpid(), signal));
			break;
		case 6:
		case 7: {
			int value = (int)below(1000);
			snprintf(call, sizeof(call), "%d: sigqueue(self, %s, %d)",
				 round, name(signal), value);
			show_result(call, sigqueue(getpid(), signal,
						   (union sigval){ .sival_int = value }));
			break;
		}
		case 8: {
			siginfo_t info;
			struct timespec none = { 0, 0 };
			random_set(&set, text);
			snprintf(call, sizeof(call), "%d: sigtimedwait(%s, 0)",
				 round, text);
			int got = sigtimedwait(&set, &info, &none);
			if (got < 0)
				printf("%s = -1 %s\n", call, strerror(errno));
			else
				printf("%s = %s value %d\n", call, name(got),
				       info.si_code == SI_QUEUE
					       ? info.si_value.sival_int : -1);
			break;
		}
		case 9: {
			/* An empty or full mask for a moment, through sigsuspend
			 * with a signal pending and unblocked by it. */
			sigset_t pending, wait_mask;
			sigpending(&pending);
			bool any = false;
			for (int i = 0; i < SIGNAL_COUNT; i++) {
				struct sigaction now;
				sigaction(signals[i], NULL, &now);
				any |= sigismember(&pending, signals[i]) &&
				       (now.sa_flags & SA_SIGINFO) &&
				       now.sa_sigaction == on_signal;
			}
			snprintf(call, sizeof(call), "%d: sigsuspend(nothing blocked)",
				 round);
			if (!any) {
				printf("%s: no handled signal pending, skipped\n",
				       call);
				break;
			}
			sigemptyset(&wait_mask);
			show_result(call, sigsuspend(&wait_mask));
			break;
		}
		default:
			snprintf(call, sizeof(call), "%d: sigpending", round);
			show_result(call, sigpending(&set));
			break;
		}
		show_state();
	}
	return 0;
}
