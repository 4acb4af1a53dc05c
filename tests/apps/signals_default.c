/*
 * Differential test: signals whose default action ends the program (#7).
 * argv[1] picks one way to die; each run ends with the status a shell
 * reports (128 + the signal). Under Wicket the libOS prints one report
 * line ("wicket: app killed by SIG..."), which the test's definition
 * allows; Linux prints nothing.
 *
 *   term             raise(SIGTERM) with SIG_DFL                  143
 *   sigkill          raise(SIGKILL)                               137
 *   resethand        a SA_RESETHAND handler for SIGUSR1 runs once;
 *                    the second SIGUSR1 takes the default action   138
 *   ignored-then-dfl SIGUSR2 ignored, raised; then SIG_DFL, raised 140
 *   abort-handler    abort() with a SIGABRT handler that returns   134
 *   ill-resethand    ud2 with a SA_RESETHAND SIGILL handler that
 *                    returns: ud2 runs again, default action       132
 *   segv-blocked     a NULL read with SIGSEGV blocked (a handler is
 *                    installed): Linux forces the default action   139
 *   segv-ignored     the same with SIGSEGV ignored                 139
 *   segv-in-handler  the SIGSEGV handler faults itself             139
 *   noncanonical-rip a SIGUSR1 handler puts a non-canonical RIP in its
 *                    ucontext: rt_sigreturn's return to it faults
 *                    (#GP), no SIGSEGV handler                     139
 *   noncanonical-rsp the same with a non-canonical RSP             139
 *   bad-mxcsr        a SIGUSR1 handler returns normally; a second one
 *                    sets a reserved MXCSR bit in its frame's FPU
 *                    state: rt_sigreturn refuses the frame (the second
 *                    return goes through the call site the first one's
 *                    rewrote, under Wicket)                          139
 *
 * Everything the program prints is flushed before it dies; handlers write
 * with write(2) after main flushed stdout.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "signals_util.h"

static void say(const char *s)
{
	write(1, s, strlen(s));
}

static void null_read(void)
{
	__asm__ volatile("movq (%0), %%rax" : : "r"(0UL) : "rax", "memory");
}

static void noted(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	char buf[64];
	snprintf(buf, sizeof buf, "handler for signal %d ran\n", sig);
	say(buf);
}

static void faulting_handler(int sig, siginfo_t *si, void *uc)
{
	noted(sig, si, uc);
	say("the handler reads NULL\n");
	null_read();
	say("the handler's fault returned\n");
}

static void bad_rip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	noted(sig, si, uc);
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)0x8000000000401000ULL;
}

static void bad_mxcsr(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	noted(sig, si, uc);
	uc->uc_mcontext.fpregs->mxcsr |= 1u << 31;
}

static void bad_rsp(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	noted(sig, si, uc);
	uc->uc_mcontext.gregs[REG_RSP] = (greg_t)0x8000000000400000ULL;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "term";

	printf("dying by %s\n", how);
	fflush(stdout);
	if (!strcmp(how, "term")) {
		raise(SIGTERM);
	} else if (!strcmp(how, "sigkill")) {
		raise(SIGKILL);
	} else if (!strcmp(how, "resethand")) {
		on(SIGUSR1, noted, SA_RESETHAND);
		raise(SIGUSR1);
		say("first SIGUSR1 handled; raising it again\n");
		raise(SIGUSR1);
	} else if (!strcmp(how, "ignored-then-dfl")) {
		set_action(SIGUSR2, SIG_IGN);
		raise(SIGUSR2);
		say("ignored SIGUSR2; raising it with SIG_DFL\n");
		set_action(SIGUSR2, SIG_DFL);
		raise(SIGUSR2);
	} else if (!strcmp(how, "abort-handler")) {
		on(SIGABRT, noted, 0);
		abort();
	} else if (!strcmp(how, "ill-resethand")) {
		on(SIGILL, noted, SA_RESETHAND);
		__asm__ volatile("ud2");
	} else if (!strcmp(how, "segv-blocked")) {
		sigset_t s;
		on(SIGSEGV, noted, 0);
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		sigprocmask(SIG_BLOCK, &s, NULL);
		null_read();
	} else if (!strcmp(how, "segv-ignored")) {
		set_action(SIGSEGV, SIG_IGN);
		null_read();
	} else if (!strcmp(how, "segv-in-handler")) {
		on(SIGSEGV, faulting_handler, 0);
		null_read();
	} else if (!strcmp(how, "noncanonical-rip")) {
		on(SIGUSR1, bad_rip, 0);
		raise(SIGUSR1);
	} else if (!strcmp(how, "bad-mxcsr")) {
		on(SIGUSR1, noted, 0);
		raise(SIGUSR1);
		say("first SIGUSR1 handled\n");
		on(SIGUSR1, bad_mxcsr, 0);
		raise(SIGUSR1);
	} else if (!strcmp(how, "noncanonical-rsp")) {
		on(SIGUSR1, bad_rsp, 0);
		raise(SIGUSR1);
	} else {
		printf("unknown way to die: %s\n", how);
		return 2;
	}
	say("still alive\n");
	return 1;
}
