/*
 * The Linux system calls as the libOS implements them. Each implemented
 * call in syscall_list.h has a handler `long sys_NAME(struct wk_regs *)`
 * that takes its arguments from the saved frame (RDI, RSI, RDX, R10, R8,
 * R9) and returns the result for RAX (a negative errno value on failure).
 * A handler may change other fields of the frame (arch_prctl sets the FS
 * base); the app resumes with the frame as the handler leaves it.
 */
#ifndef LIBOS_LINUX_SYSCALLS_H
#define LIBOS_LINUX_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux/syscall_list.h"
#include "wicket/abi.h"

/* The app is process 1, with one thread (1), no parent (0), run as root. */
#define LINUX_PID  1
#define LINUX_TID  1
#define LINUX_PPID 0

/* uname's release and version, /proc/version's too. */
#define LINUX_RELEASE "6.1.0-wicket"
#define LINUX_VERSION "#1 Wicket libOS"

/* LINUX_NR_name: each call's number, from the one list. */
#define SYSCALL_NUMBER(number, name, implemented) LINUX_NR_##name = number,
enum linux_syscall_number { LINUX_SYSCALLS(SYSCALL_NUMBER) };
#undef SYSCALL_NUMBER

#define SYSCALL_DECLARE_1(name) long sys_##name(struct wk_regs *regs);
#define SYSCALL_DECLARE_0(name)
#define SYSCALL_DECLARE(number, name, implemented) \
	SYSCALL_DECLARE_##implemented(name)
LINUX_SYSCALLS(SYSCALL_DECLARE)
#undef SYSCALL_DECLARE

/* RLIMIT_NOFILE's soft limit (process.c): descriptors stay below it. */
uint64_t process_open_files_limit(void);

/* A limit's soft value (RLIMIT_*, Linux's numbers). */
uint64_t process_limit(unsigned resource);

/* The first thread's name (prctl's PR_GET_NAME): the last component of
 * the app's path, up to 15 bytes, as Linux names a process after exec. */
void process_name_first_thread(const char *path);

/* execve's share of process.c, for the running thread (the only one):
 * its name from the new program's path (as above), no robust futex
 * list and no CLONE_CHILD_CLEARTID address, as Linux's exec leaves. */
void process_exec(const char *path);

/* uname's host name (or domain name), and a write of /proc/sys's
 * hostname (domainname) file: up to 64 bytes, up to a newline, as
 * Linux's proc_dostring takes it; the count, or -EFAULT. */
const char *process_uts_name(bool domain);
long process_uts_write(bool domain, uint64_t buffer, uint64_t length);

/* execve: the System V shared memory attaches go with the address
 * space, and the segments marked for removal with them (sysv_shm.c). */
void shm_exec(void);

/* /proc/1/limits: the limits in Linux's table, into out (size bytes);
 * its length. */
size_t process_limits_text(char *out, size_t size);

/* linux/process.c: the umask, which new files' permission bits lose. */
uint32_t process_umask(void);

/* Runs the reflected system call in regs (number in RAX) and leaves the
 * result in regs->rax. */
void syscall_dispatch(struct wk_regs *regs);

/* The name of system call `number` ("unknown" when it has none). */
const char *syscall_name(uint64_t number);

#endif /* LIBOS_LINUX_SYSCALLS_H */
