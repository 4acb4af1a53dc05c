/*
 * execve and execveat: what fails while the old program still runs, and
 * what the new one finds (argv and envp, a script's interpreter line, the
 * descriptors without close-on-exec, the signal mask, pending and ignored
 * signals, handlers back to SIG_DFL, the working directory, the thread
 * that called becoming the only one with the process's id, /proc/self).
 *
 * Three programs in a row, each this binary: stage 1 checks the errors,
 * starts two threads and has a third exec a script whose "#!" line names
 * this binary; stage 2 (the script's) looks around and execs this binary
 * again through a descriptor (execveat with AT_EMPTY_PATH); stage 3 looks
 * around and exits 3.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "show_util.h"

#define KEPT_FD 7     /* a pipe's read end, kept across each exec */
#define CLOSED_FD 8   /* one with FD_CLOEXEC */

extern char **environ;
static char self[4096]; /* this binary's path */
/* A directory of its own for the files it makes (the host runs several
 * variants at once), passed on in the environment as DIR. */
static char directory[64] = "/tmp/exec-XXXXXX";

#define CAP_NET_RAW   13
#define CAP_SYS_ADMIN 21

struct cap_header {
	uint32_t version;
	int pid;
};
struct cap_data {
	uint32_t effective, permitted, inheritable;
};

/* Capability n in the permitted and effective sets: "pe", "p-"... */
static const char *capability(int n)
{
	static char texts[2][3];
	static int turn;
	char *text = texts[turn ^= 1];
	struct cap_header header = { 0x20080522, 0 };
	struct cap_data data[2];

	syscall(SYS_capget, &header, data);
	text[0] = data[n / 32].permitted >> (n % 32) & 1 ? 'p' : '-';
	text[1] = data[n / 32].effective >> (n % 32) & 1 ? 'e' : '-';
	return text;
}

/* Root drops CAP_SYS_ADMIN from its permitted and effective sets (an
 * exec as root takes it back from the bounding set) and CAP_NET_RAW
 * from the bounding set (for good), and moves its saved user id. */
static void change_credentials(void)
{
	struct cap_header header = { 0x20080522, 0 };
	struct cap_data data[2];

	syscall(SYS_capget, &header, data);
	data[0].permitted &= ~(1u << CAP_SYS_ADMIN);
	data[0].effective &= ~(1u << CAP_SYS_ADMIN);
	show("capset", syscall(SYS_capset, &header, data));
	show("PR_CAPBSET_DROP", prctl(PR_CAPBSET_DROP, CAP_NET_RAW));
	show("setresuid", setresuid(-1, -1, 1234));
	printf("CAP_SYS_ADMIN %s, CAP_NET_RAW %s\n",
	       capability(CAP_SYS_ADMIN), capability(CAP_NET_RAW));
}

static void on_usr1(int signal)
{
	(void)signal;
}

/* text with this binary's path as SELF and the directory as DIR. */
static const char *named(const char *text)
{
	static char out[4200];
	size_t length = strlen(directory);
	const char *in_directory = strstr(text, directory);

	if (strcmp(text, self) == 0)
		return "SELF";
	if (in_directory == NULL)
		return text;
	snprintf(out, sizeof(out), "%.*sDIR%s", (int)(in_directory - text),
		 text, in_directory + length);
	return out;
}

/* A path in the directory. */
static const char *in(const char *name)
{
	static char paths[2][128];
	static int turn;

	turn ^= 1;
	snprintf(paths[turn], sizeof(paths[turn]), "%s/%s", directory, name);
	return paths[turn];
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (write(fd, text, strlen(text)) < 0)
		perror("write");
	close(fd);
	chmod(path, mode);
}

static void try_exec(const char *label, const char *path, char *const *argv)
{
	char *none[] = { NULL };

	show(label, execve(path, argv ? argv : none, environ));
}

static void errors(void)
{
	static char big[300 << 10];
	char *argv[] = { "x", NULL };
	char *bad_argv[] = { "x", (char *)8, NULL };
	char *big_argv[] = { "x", big, NULL };

	printf("-- errors\n");
	try_exec("missing", "/nonexistent", argv);
	try_exec("a directory", "/dev", argv);
	try_exec("a device", "/dev/null", argv);
	write_file(in("plain"), "not a program\n", 0644);
	try_exec("no execute bit", in("plain"), argv);
	write_file(in("text"), "not a program\n", 0755);
	try_exec("not a program", in("text"), argv);
	write_file(in("elf"), "\177ELF not really", 0755);
	try_exec("a broken ELF", in("elf"), argv);
	write_file(in("nointerp"), "#!/nonexistent/sh\n", 0755);
	try_exec("a missing interpreter", in("nointerp"), argv);
	write_file(in("empty"), "#!   \n", 0755);
	try_exec("an empty #! line", in("empty"), argv);
	char line[160];

	snprintf(line, sizeof(line), "#!%s\n", in("loop"));
	write_file(in("loop"), line, 0755);
	try_exec("a script its own interpreter", in("loop"), argv);
	int writer = open(in("text"), O_WRONLY);

	try_exec("a program open for writing", in("text"), argv);
	close(writer);
	try_exec("a bad path", (const char *)8, argv);
	try_exec("a bad argument", self, bad_argv);
	show("a bad vector", syscall(SYS_execve, self, (char **)8, environ));
	memset(big, 'x', sizeof(big) - 1);
	try_exec("a 300 KiB argument", self, big_argv);
	show("execveat, bad flags", syscall(SYS_execveat, AT_FDCWD, self, argv,
					    environ, 0x80000));
	symlink(self, in("link"));
	show("execveat, a link not followed",
	     syscall(SYS_execveat, AT_FDCWD, in("link"), argv, environ,
		     AT_SYMLINK_NOFOLLOW));
	unlink(in("link"));
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void *waiter(void *argument)
{
	pthread_mutex_lock(&lock);
	for (;;)
		pthread_cond_wait(&never, &lock);
	return argument;
}

static void *sleeper(void *argument)
{
	for (;;)
		usleep(1000);
	return argument;
}

static void *executor(void *argument)
{
	char *argv[] = { "script-name", "stage2", NULL };
	char variable[80];
	char *env[] = { "STAGE=two", "EMPTY=", variable, NULL };

	(void)argument;
	snprintf(variable, sizeof(variable), "DIR=%s", directory);
	show("the script from a thread", execve(in("script"), argv, env));
	return NULL;
}

static void stage1(void)
{
	int ends[2];
	struct sigaction action = { .sa_handler = on_usr1 };
	sigset_t mask;

	errors();
	printf("-- stage 1\n");
	prctl(PR_SET_NAME, "stage-one");
	if (pipe(ends) < 0 || dup2(ends[0], KEPT_FD) < 0 ||
	    dup3(ends[0], CLOSED_FD, O_CLOEXEC) < 0)
		perror("pipe");
	if (write(ends[1], "through", 7) != 7)
		perror("write");
	close(ends[0]);
	close(ends[1]);
	sigaction(SIGUSR1, &action, NULL);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	kill(getpid(), SIGTERM); /* pending for the process, blocked */
	if (chdir("/dev") < 0)
		perror("chdir");
	change_credentials();

	char line[4200];

	snprintf(line, sizeof(line), "#!%s  script-arg  \n", self);
	write_file(in("script"), line, 0755);

	pthread_t threads[3];

	pthread_create(&threads[0], NULL, waiter, NULL);
	pthread_create(&threads[1], NULL, sleeper, NULL);
	pthread_create(&threads[2], NULL, executor, NULL);
	pthread_join(threads[2], NULL);
	printf("the exec returned\n");
	exit(1);
}

/* What the new program finds. */
static void look_around(int argc, char **argv, int through_fd)
{
	char text[4200];
	struct sigaction action;
	sigset_t set;

	printf("argc %d:", argc);
	for (int i = 0; i < argc; i++)
		printf(" [%s]", named(argv[i]));
	printf("\n");
	for (char **entry = environ; *entry; entry++)
		printf("env %s\n", named(*entry));
	show_yes("pid is tid", getpid() == syscall(SYS_gettid));
	prctl(PR_GET_NAME, text);
	/* After an exec through a descriptor Linux 6.1 names the thread
	 * after the descriptor, later kernels after the file. */
	printf("%sname %s\n", through_fd ? "VARIES " : "", text);
	show("the kept descriptor", fcntl(KEPT_FD, F_GETFD));
	show("the close-on-exec one", fcntl(CLOSED_FD, F_GETFD));
	sigaction(SIGUSR1, NULL, &action);
	printf("SIGUSR1 %s\n", action.sa_handler == SIG_DFL ? "default"
								 : "other");
	sigaction(SIGUSR2, NULL, &action);
	printf("SIGUSR2 %s\n", action.sa_handler == SIG_IGN ? "ignored"
								 : "other");
	sigprocmask(SIG_BLOCK, NULL, &set);
	show_yes("SIGTERM blocked", sigismember(&set, SIGTERM));
	sigpending(&set);
	show_yes("SIGTERM pending", sigismember(&set, SIGTERM));
	stack_t stack;

	sigaltstack(NULL, &stack);
	show_yes("no alternate stack", stack.ss_flags == SS_DISABLE);
	if (getcwd(text, sizeof(text)))
		printf("cwd %s\n", text);
	uid_t real, effective, saved;

	getresuid(&real, &effective, &saved);
	printf("uids %d %d %d\n", (int)real, (int)effective, (int)saved);
	printf("CAP_SYS_ADMIN %s, CAP_NET_RAW %s\n",
	       capability(CAP_SYS_ADMIN), capability(CAP_NET_RAW));

	FILE *status = fopen("/proc/self/status", "r");

	while (status && fgets(text, sizeof(text), status))
		if (strncmp(text, "Threads:", 8) == 0)
			printf("%s", text);
	if (status)
		fclose(status);
	int fd = open("/proc/self/cmdline", O_RDONLY);
	long length = read(fd, text, sizeof(text) - 1);

	close(fd);
	printf("cmdline:");
	for (long at = 0; at < length; at += (long)strlen(text + at) + 1)
		printf(" [%s]", named(text + at));
	printf("\n");
	length = readlink("/proc/self/exe", text, sizeof(text) - 1);
	text[length > 0 ? length : 0] = '\0';
	printf("exe %s\n", named(text));
}

static void stage2(int argc, char **argv)
{
	char buffer[16] = { 0 };
	char *next[] = { "through-fd", "stage3", NULL };
	char variable[80];
	char *env[] = { "STAGE=three", variable, NULL };

	snprintf(variable, sizeof(variable), "DIR=%s", directory);
	printf("-- stage 2\n");
	look_around(argc, argv, 0);
	show("read the kept pipe", read(KEPT_FD, buffer, 4));
	printf("  \"%s\"\n", buffer);

	int fd = open(self, O_RDONLY);

	show("execveat, AT_EMPTY_PATH",
	     syscall(SYS_execveat, fd, "", next, env, AT_EMPTY_PATH));
	exit(1);
}

int main(int argc, char **argv)
{
	long length = readlink("/proc/self/exe", self, sizeof(self) - 1);

	self[length > 0 ? length : 0] = '\0';
	setvbuf(stdout, NULL, _IONBF, 0);
	if (getenv("DIR"))
		snprintf(directory, sizeof(directory), "%s", getenv("DIR"));
	else if (mkdtemp(directory) == NULL)
		perror("mkdtemp");
	if (argc == 4 && strcmp(argv[3], "stage2") == 0) {
		stage2(argc, argv);
	} else if (argc == 2 && strcmp(argv[1], "stage3") == 0) {
		printf("-- stage 3\n");
		look_around(argc, argv, 1);
		const char *names[] = { "plain", "text", "elf", "nointerp",
					"empty", "loop", "script" };

		for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
			unlink(in(names[i]));
		show("the directory emptied", rmdir(directory));
		return 3;
	}
	stage1();
	return 1;
}
