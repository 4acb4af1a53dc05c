/*
 * execve and execveat: the process becomes another program of its file
 * tree, as Linux's execve makes it (docs/libos.md, "execve"). Wicket runs
 * one process that never forks, so this is how a program hands over to
 * another: an entry-point script that ends with `exec "$@"`, `env`,
 * `nice`, a shell's `exec`, a runtime's exec of itself.
 *
 * Everything that can fail is checked while the old program still runs
 * (the file, its permission, a script's interpreters, the ELF and its
 * interpreter, the arguments' size), and execve answers its error. Past
 * that point the old program is gone: its other threads, its memory,
 * its call sites' rewrites, its handlers, its POSIX timers and its
 * close-on-exec descriptors; what stays is what Linux keeps (the other
 * descriptors, the working directory, ids, limits, the signal mask and
 * pending signals, ignored signals, interval timers, locks).
 */
#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "layout.h"
#include "lib/print.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/exec.h"
#include "linux/files.h"
#include "linux/identity.h"
#include "linux/io.h"
#include "linux/memory.h"
#include "linux/procfs.h"
#include "linux/signal.h"
#include "linux/syscalls.h"
#include "linux/timers.h"
#include "loader/elf.h"
#include "loader/stack.h"
#include "loader/vdso.h"
#include "mm/vm.h"
#include "options.h"
#include "sched/sched.h"
#include "trap/patch.h"

#define AT_FDCWD         (-100)
#define AT_EMPTY_PATH    0x1000
#define PATH_BYTES       4096 /* PATH_MAX, with the NUL */
#define STRINGS_MAX      (256 << 10) /* argv's and envp's bytes */
#define VECTOR_MAX       8192        /* argv's and envp's entries */
#define INTERPRETERS_MAX 4   /* Linux's BINPRM_MAX_RECURSION */
#define SHEBANG_BYTES    256 /* Linux's BINPRM_BUF_SIZE */

/* The new program's argv and envp, copied out of the old one's memory
 * (which goes), each NUL-terminated in `strings`. */
static char strings[STRINGS_MAX];
static uint64_t strings_used;
static char *arguments[VECTOR_MAX + 1];
static const char *environment[VECTOR_MAX + 1];
static unsigned argument_count, environment_count;

/* A string into `strings`: the copy, or NULL when it does not fit. */
static char *keep(const char *text, size_t length)
{
	if (length + 1 > STRINGS_MAX - strings_used)
		return NULL;
	char *copy = strings + strings_used;

	memcpy(copy, text, length);
	copy[length] = '\0';
	strings_used += length + 1;
	return copy;
}

/* The app's NUL-terminated string at address into `strings`: the copy,
 * or NULL with *error -EFAULT, or -E2BIG when it does not fit. */
static char *copy_string(uint64_t address, long *error)
{
	char *copy = strings + strings_used;
	uint64_t room = STRINGS_MAX - strings_used;

	for (uint64_t copied = 0; copied < room;) {
		uint64_t at = address + copied;
		uint64_t piece = PAGE_SIZE - (at & (PAGE_SIZE - 1));

		if (piece > room - copied)
			piece = room - copied;
		if (at < address || !vm_user_ok(at, piece, PROT_READ)) {
			*error = -EFAULT;
			return NULL;
		}
		const char *bytes = (const char *)at;

		for (uint64_t i = 0; i < piece; i++) {
			copy[copied + i] = bytes[i];
			if (bytes[i] == '\0') {
				strings_used += copied + i + 1;
				return copy;
			}
		}
		copied += piece;
	}
	*error = -E2BIG;
	return NULL;
}

/* The app's NULL-terminated vector of strings at address (NULL: none,
 * as Linux takes it) into list: 0, -EFAULT or -E2BIG. */
static long copy_vector(uint64_t address, const char **list, unsigned *count)
{
	*count = 0;
	for (uint64_t at = address; address; at += 8) {
		uint64_t pointer;
		long error = 0;

		if (!vm_user_ok(at, 8, PROT_READ))
			return -EFAULT;
		memcpy(&pointer, (const void *)at, 8);
		if (pointer == 0)
			break;
		if (*count == VECTOR_MAX)
			return -E2BIG;
		list[*count] = copy_string(pointer, &error);
		if (list[*count] == NULL)
			return error;
		(*count)++;
	}
	list[*count] = NULL;
	return 0;
}

/* A script's "#!" line in its first SHEBANG_BYTES bytes: the
 * interpreter's path and its one optional argument (the rest of the
 * line, its ends' blanks trimmed), as Linux's binfmt_script reads it.
 * False when there is no interpreter (-ENOEXEC). */
static bool read_shebang(const uint8_t *data, uint64_t size,
			 char interpreter[SHEBANG_BYTES],
			 char argument[SHEBANG_BYTES], bool *has_argument)
{
	char line[SHEBANG_BYTES];
	uint64_t length = size < SHEBANG_BYTES ? size : SHEBANG_BYTES - 1;
	uint64_t at = 2, end = 2;

	memcpy(line, data, length);
	line[length] = '\0';
	while (end < length && line[end] != '\n')
		end++;
	/* A line longer than the buffer must at least hold its whole
	 * interpreter's path (Linux 5.x's rule). */
	bool cut = end == length && length == SHEBANG_BYTES - 1;

	line[end] = '\0';
	while (line[at] == ' ' || line[at] == '\t')
		at++;
	uint64_t name = at;

	while (line[at] && line[at] != ' ' && line[at] != '\t')
		at++;
	if (at == name || (cut && line[at] == '\0'))
		return false;
	memcpy(interpreter, line + name, at - name);
	interpreter[at - name] = '\0';
	while (line[at] == ' ' || line[at] == '\t')
		at++;
	while (end > at && (line[end - 1] == ' ' || line[end - 1] == '\t'))
		end--;
	*has_argument = end > at;
	memcpy(argument, line + at, end - at);
	argument[end - at] = '\0';
	return true;
}

/* argv becomes interpreter, [argument,] filename, argv[1...]. */
static long script_arguments(const char *interpreter, const char *argument,
			     const char *filename)
{
	const char *front[3] = { interpreter, argument, filename };
	unsigned added = argument ? 3 : 2, dropped = argument_count ? 1 : 0;

	if (argument_count - dropped + added > VECTOR_MAX)
		return -E2BIG;
	memmove(&arguments[added], &arguments[dropped],
		(argument_count - dropped + 1) * sizeof(*arguments));
	for (unsigned i = 0, from = 0; i < added; i++, from++) {
		if (from == 1 && argument == NULL)
			from++;
		arguments[i] = keep(front[from], strlen(front[from]));
		if (arguments[i] == NULL)
			return -E2BIG;
	}
	argument_count = argument_count - dropped + added;
	return 0;
}

/* The name execve runs: the path as given, or /dev/fd/N[/path] for
 * execveat from a descriptor (*through_fd), as Linux names it. */
static char *filename_of(int64_t dirfd, uint64_t path, bool *through_fd,
			 long *error)
{
	char *given = copy_string(path, error);

	*through_fd = false;
	if (given == NULL || given[0] == '/' || dirfd == AT_FDCWD)
		return given;
	*through_fd = true;
	char name[PATH_BYTES + 32];
	size_t length = given[0]
		? print_format_to(name, sizeof(name), "/dev/fd/%d/%s",
				  (int)dirfd, given)
		: print_format_to(name, sizeof(name), "/dev/fd/%d", (int)dirfd);
	char *kept = keep(name, length);

	if (kept == NULL)
		*error = -E2BIG;
	return kept;
}

/* The app's stack room: the strings and their vectors, and the rest of
 * what stack_build puts there, with APP_STACK_INITIAL to spare. */
static uint64_t stack_room(int argc, char *const *argv, int envc,
			   const char *const *env)
{
	uint64_t bytes = APP_STACK_INITIAL;

	for (int i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1 + 8;
	for (int i = 0; i < envc; i++)
		bytes += strlen(env[i]) + 1 + 8;
	return page_up(bytes);
}

const char *exec_load(const uint8_t *file, uint64_t size, int argc,
		      char *const *argv, int envc, const char *const *env,
		      struct wk_regs *regs)
{
	struct app_image image;
	const char *reason;
	uint64_t room = stack_room(argc, argv, envc, env);

	if (room > APP_STACK_MAX / 2 ||
	    vm_init_stack(APP_STACK_TOP, APP_STACK_MAX, room) < 0)
		return "no memory for its stack";
	if (app_load(file, size, &image, &reason) < 0)
		return reason;
	memory_set_brk(image.brk_start);
	/* Without it (no memory, or the app's segments are there) musl
	 * makes system calls instead. */
	image.vdso = options.vdso_off ? 0 : vdso_map();

	uint64_t rsp = stack_build(APP_STACK_TOP, room, argc, argv, envc, env,
				   &image);

	if (rsp == 0)
		return "its arguments and environment do not fit";
	/* The ELF entry state (psABI 3.4): RSP at argc, RDX 0 (no function
	 * for atexit), the other registers 0. */
	*regs = (struct wk_regs){ .rip = image.start, .rsp = rsp,
				  .rflags = 0x202 };
	return NULL;
}

/* The point of no return: the old program goes and the new one is
 * loaded from file's bytes, its entry state in self's regs. The thread
 * is named after the filename, or after the file through a descriptor
 * (Linux 6.x's fdpath rule). */
static void replace_program(struct thread *self, unsigned node,
			    const uint8_t *data, uint64_t size,
			    const char *filename, bool through_fd)
{
	static char executable[PATH_BYTES];

	sched_exec_alone();
	patch_exec();
	vm_unmap(0, APP_LIMIT);
	shm_exec();
	app_forget();
	timers_exec();
	signal_exec(self);
	io_close_on_exec();
	identity_exec();
	files_set_executable(node);
	files_path(node, executable, sizeof(executable));
	process_exec(through_fd ? executable : filename);
	procfs_init((int)argument_count, arguments, executable);

	const char *reason = exec_load(data, size, (int)argument_count,
				       arguments, (int)environment_count,
				       environment, &self->regs);

	if (reason) {
		/* Linux kills the process with SIGSEGV here. */
		libos_report("execve %s: %s, after the old program was gone; "
			     "the app is killed", filename, reason);
		libos_exit(128 + 11);
	}
}

/* From the file found (node, data and size, run as `filename`) to the
 * ELF to load: a script's interpreters in turn, argv rewritten for each
 * (script_arguments). 0 with *node, *data and *size the ELF's, or the
 * error execve answers. */
static long resolve_program(unsigned *node, const uint8_t **data,
			    uint64_t *size, const char *filename)
{
	for (unsigned depth = 0;; depth++) {
		char interpreter[PATH_BYTES], argument[SHEBANG_BYTES];
		bool has_argument;
		long status;

		if (io_node_written(*node))
			return -ETXTBSY;
		if (*size >= 4 && memcmp(*data, "\177ELF", 4) == 0)
			return app_check(*data, *size);
		if (*size < 2 || (*data)[0] != '#' || (*data)[1] != '!' ||
		    !read_shebang(*data, *size, interpreter, argument,
				  &has_argument))
			return -ENOEXEC;
		if (depth == INTERPRETERS_MAX)
			return -ELOOP;
		status = script_arguments(interpreter,
					  has_argument ? argument : NULL,
					  depth ? arguments[0] : filename);
		if (status == 0)
			status = files_exec_interpreter(interpreter, node, data,
							size);
		if (status < 0)
			return status;
	}
}

static long execute(int64_t dirfd, uint64_t path, uint64_t argv,
		    uint64_t envp, uint32_t flags)
{
	unsigned node;
	const uint8_t *data;
	uint64_t size;
	long error = 0;
	bool through_fd;

	strings_used = 0;
	long status = files_exec_target(dirfd, path, flags, &node, &data,
					&size);

	if (status < 0)
		return status;
	char *filename = filename_of(dirfd, path, &through_fd, &error);

	if (filename == NULL)
		return error;
	status = copy_vector(argv, (const char **)arguments, &argument_count);
	if (status == 0)
		status = copy_vector(envp, environment, &environment_count);
	if (status == 0)
		status = resolve_program(&node, &data, &size, filename);
	if (status < 0)
		return status;
	replace_program(sched_current(), node, data, size, filename,
			through_fd);
	return SYSCALL_NO_RESULT;
}

const char *exec_script(unsigned node, const char *path, int argc,
			char *const *argv, int envc, const char *const *env,
			struct wk_regs *regs)
{
	static char reason[PATH_BYTES + 96];
	static char executable[PATH_BYTES];
	const uint8_t *data;
	uint64_t size;

	strings_used = 0;
	argument_count = 0;
	for (int i = 0; i < argc && i < VECTOR_MAX; i++) {
		arguments[argument_count] = keep(argv[i], strlen(argv[i]));
		if (arguments[argument_count] == NULL)
			return "its arguments do not fit";
		argument_count++;
	}
	arguments[argument_count] = NULL;
	data = files_contents(node, &size);

	long status = data ? resolve_program(&node, &data, &size, path)
			   : -ENOMEM;

	if (status < 0) {
		print_format_to(reason, sizeof(reason),
				"a script whose interpreter cannot run: %s",
				status == -ENOENT ? "it is not in the file tree "
						    "(give it with --files)"
				: status == -EACCES ? "it is no file the app "
						      "may execute"
				: status == -ELOOP ? "scripts nest too deep"
				: status == -ELIBBAD ? "its own interpreter "
						       "is no ELF"
						     : "it is no program");
		return reason;
	}
	files_set_executable(node);
	files_path(node, executable, sizeof(executable));
	procfs_init((int)argument_count, arguments, executable);
	return exec_load(data, size, (int)argument_count, arguments, envc, env,
			 regs);
}

long sys_execve(struct wk_regs *regs)
{
	return execute(AT_FDCWD, regs->rdi, regs->rsi, regs->rdx, 0);
}

long sys_execveat(struct wk_regs *regs)
{
	return execute((int64_t)(int32_t)regs->rdi, regs->rsi, regs->rdx,
		       regs->r10, (uint32_t)regs->r8);
}
