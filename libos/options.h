/*
 * The libOS's options, from the kernel command line (words separated by
 * spaces, a backslash keeping the next character as it is, double quotes
 * keeping spaces; GRUB hands over a word with a space that way):
 *
 *   wicket.env=NAME=VALUE   sets NAME in the app's environment (repeatable;
 *                           replaces the default value of NAME)
 *   wicket.echo=off         the console does not echo input (for input
 *                           that a program feeds in)
 *   wicket.strace           prints every system call and its result
 *   wicket.quantum=MS       the scheduler's time slice (1..1000 ms,
 *                           default 10)
 *   wicket.bootlog          prints the time of each boot stage before the
 *                           app starts
 *   wicket.patch=off        no call-site rewriting (trap/patch.c): every
 *                           system call of the app enters the kernel
 *   wicket.vdso=off         no vDSO (loader/vdso.c): the app's clock
 *                           reads are system calls
 *   wicket.exe=PATH         the app's own file is in the tree at PATH
 *                           (absolute), which /proc/self/exe names; the
 *                           runner gives the path the app has on the host
 *   wicket.cwd=PATH         the app starts in the directory PATH
 *                           (absolute) of its file tree, as a service's
 *                           working directory; the run stops if there is
 *                           none
 *   wicket.ip=ADDRESS/PREFIX eth0's IPv4 address and subnet (default:
 *                           10.0.2.15/24, QEMU's user-mode network's);
 *                           no gateway unless wicket.gateway says one;
 *                           wicket.ip=dhcp: from a DHCP server
 *   wicket.gateway=ADDRESS  eth0's default gateway (default: 10.0.2.2,
 *                           without wicket.ip)
 *   wicket.dns=ADDRESS      the name server of a default /etc/resolv.conf
 *                           (default: 10.0.2.3, without wicket.ip)
 *   wicket.winsize=ROWSxCOLUMNS, wicket.winsize=screen
 *                           the console's size as TIOCGWINSZ gives it
 *                           (default 24x80): the terminal's at the serial
 *                           port's other end, or the screen's (when the
 *                           screen is the terminal a person looks at)
 *
 * Other words are the kernel's and are ignored here.
 */
#ifndef LIBOS_OPTIONS_H
#define LIBOS_OPTIONS_H

#include <stdbool.h>

#define OPTIONS_ENV_MAX 32

struct options {
	bool strace;
	bool echo_off;
	bool bootlog;
	bool patch_off;
	bool vdso_off;
	const char *executable; /* wicket.exe's PATH, or NULL */
	const char *directory;  /* wicket.cwd's PATH, or NULL */
	const char *ip;         /* wicket.ip's ADDRESS/PREFIX, or NULL */
	const char *gateway;    /* wicket.gateway's ADDRESS, or NULL */
	const char *dns;        /* wicket.dns's ADDRESS, or NULL */
	unsigned quantum_ms;
	bool winsize_screen;
	unsigned winsize_rows, winsize_columns; /* 0: not given */
	unsigned env_count;
	const char *env[OPTIONS_ENV_MAX]; /* "NAME=VALUE" */
};

extern struct options options;

/* Parses cmdline into options; reports words it refuses. */
void options_parse(const char *cmdline);

#endif /* LIBOS_OPTIONS_H */
