/*
 * Memory both writable and executable, as a JIT uses it: mmap and
 * mprotect with PROT_WRITE | PROT_EXEC, code written and run in turns,
 * rewritten between calls, read into by read(2), mapped from a memfd
 * (shared and private), shown as rwxp in /proc/self/maps, and rewritten
 * by one thread while others run it. Also the protection bits Linux
 * ignores or refuses. Same output as on Linux; Wicket keeps each page
 * writable or executable in turn (libos/mm/vm.h).
 *
 * `jit text`: the program rewrites a function of its own, in its W+X
 * data segment (a PT_LOAD with flags RWE, which Linux maps so).
 * `jit self-write`: an instruction writes the page it runs from, which
 * Linux runs and Wicket reports (a Wicket-only test).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define RWX (PROT_READ | PROT_WRITE | PROT_EXEC)

typedef int function(void);

/* mov $value, %eax; ret */
static void emit_return(uint8_t *at, int32_t value)
{
	uint8_t code[6] = { 0xb8, 0, 0, 0, 0, 0xc3 };

	memcpy(code + 1, &value, 4);
	memcpy(at, code, sizeof(code));
}

static function *as_function(void *code)
{
	return (function *)(uintptr_t)code;
}

static uint8_t *map(int prot)
{
	void *p = mmap(NULL, 2 * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	if (p == MAP_FAILED) {
		printf("mmap(prot %d): %s\n", prot, strerror(errno));
		exit(1);
	}
	return p;
}

static void turns(void)
{
	uint8_t *code = map(RWX);
	long sum = 0;

	for (int i = 0; i < 300; i++) {
		uint8_t *at = code + (i % 16) * 64 + (i % 2) * PAGE;

		emit_return(at, i);
		sum += as_function(at)();
	}
	printf("turns: 300 functions written and run, sum %ld\n", sum);
	/* Data beside code on one page, written between calls. */
	emit_return(code, 7);
	for (int i = 0; i < 50; i++)
		code[PAGE / 2 + i] = (uint8_t)(as_function(code)() + i);
	printf("turns: data beside code: %d %d\n", code[PAGE / 2],
	       code[PAGE / 2 + 49]);
	munmap(code, 2 * PAGE);
}

static sigjmp_buf escape;
static volatile int fault_code, escape_armed;

static void on_segv(int signal, siginfo_t *info, void *context)
{
	(void)signal, (void)context;
	if (!escape_armed) {
		static const char message[] = "an unexpected SIGSEGV\n";

		write(1, message, sizeof(message) - 1);
		_exit(99);
	}
	escape_armed = 0;
	fault_code = info->si_code;
	siglongjmp(escape, 1);
}

static void protections(void)
{
	uint8_t *code = map(PROT_READ | PROT_WRITE);

	emit_return(code, 41);
	printf("mprotect rwx: %d\n", mprotect(code, PAGE, RWX));
	printf("call: %d\n", as_function(code)());
	emit_return(code, 42);
	printf("call after a write: %d\n", as_function(code)());
	printf("mprotect r-x: %d\n", mprotect(code, PAGE, PROT_READ | PROT_EXEC));
	printf("call: %d\n", as_function(code)());
	escape_armed = 1;
	if (sigsetjmp(escape, 1) == 0) {
		code[0] = 0xc3;
		printf("write to r-x: no fault\n");
	} else {
		printf("write to r-x: SIGSEGV, SEGV_ACCERR %d\n",
		       fault_code == SEGV_ACCERR);
	}
	escape_armed = 0;
	printf("mprotect rwx again: %d\n", mprotect(code, PAGE, RWX));
	emit_return(code, 43);
	printf("call: %d\n", as_function(code)());
	printf("mprotect rw-: %d\n",
	       mprotect(code, PAGE, PROT_READ | PROT_WRITE));
	escape_armed = 1;
	if (sigsetjmp(escape, 1) == 0)
		printf("call of rw-: %d, no fault\n", as_function(code)());
	else
		printf("call of rw-: SIGSEGV, SEGV_ACCERR %d\n",
		       fault_code == SEGV_ACCERR);
	escape_armed = 0;
	munmap(code, 2 * PAGE);
}

/* The kernel (read, clock_gettime) writing into code just run. */
static void written_by_calls(void)
{
	uint8_t *code = map(RWX);
	uint8_t bytes[6];
	int pipes[2];

	emit_return(code, 1);
	printf("before read: %d\n", as_function(code)());
	emit_return(bytes, 2);
	if (pipe(pipes) || write(pipes[1], bytes, 6) != 6)
		return;
	printf("read into it: %zd\n", read(pipes[0], code, 6));
	printf("after read: %d\n", as_function(code)());
	struct timespec *when = (struct timespec *)(code + 64);

	printf("clock_gettime into it: %d, then call: %d\n",
	       clock_gettime(CLOCK_MONOTONIC, when), as_function(code)());
	close(pipes[0]);
	close(pipes[1]);
	munmap(code, 2 * PAGE);
}

static void from_a_memfd(void)
{
	int fd = memfd_create("jit", 0);
	uint8_t bytes[6];

	if (fd < 0 || ftruncate(fd, PAGE) < 0)
		return;
	emit_return(bytes, 10);
	pwrite(fd, bytes, 6, 0);
	uint8_t *shared = mmap(NULL, PAGE, RWX, MAP_SHARED, fd, 0);
	uint8_t *private = mmap(NULL, PAGE, RWX, MAP_PRIVATE, fd, 0);

	if (shared == MAP_FAILED || private == MAP_FAILED) {
		printf("memfd mmap rwx: %s\n", strerror(errno));
		return;
	}
	printf("shared: %d, private: %d\n", as_function(shared)(),
	       as_function(private)());
	emit_return(bytes, 11);
	pwrite(fd, bytes, 6, 0); /* the shared view sees it */
	printf("after pwrite, shared: %d\n", as_function(shared)());
	emit_return(shared, 12); /* the file too */
	pread(fd, bytes, 6, 0);
	printf("after a store, shared: %d, the file's byte 1: %d\n",
	       as_function(shared)(), bytes[1]);
	emit_return(private, 13);
	printf("private: %d, shared: %d\n", as_function(private)(),
	       as_function(shared)());
	munmap(shared, PAGE);
	munmap(private, PAGE);
	close(fd);
}

static void maps_line(void)
{
	uint8_t *code = map(RWX);
	char line[256], wanted[32];
	FILE *maps = fopen("/proc/self/maps", "r");

	snprintf(wanted, sizeof(wanted), "%lx-", (unsigned long)code);
	while (maps && fgets(line, sizeof(line), maps))
		if (strncmp(line, wanted, strlen(wanted)) == 0)
			printf("maps: %.4s\n", strchr(line, ' ') + 1);
	if (maps)
		fclose(maps);
	munmap(code, 2 * PAGE);
}

static void ignored_bits(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ | 0x8, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	printf("mmap PROT_SEM: %s\n", p == MAP_FAILED ? strerror(errno) : "ok");
	munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ | 0x10, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	printf("mmap unknown bit: %s\n",
	       p == MAP_FAILED ? strerror(errno) : "ok");
	printf("mprotect PROT_SEM: %d\n", mprotect(p, PAGE, PROT_READ | 0x8));
	int status = mprotect(p, PAGE, PROT_READ | 0x10);

	printf("mprotect unknown bit: %d %s\n", status, strerror(errno));
	printf("mprotect unknown bit, length 0: %d\n",
	       mprotect(p, 0, PROT_READ | 0x10));
	munmap(p, PAGE);
}

static uint8_t *shared_code;
static volatile int stop;

static void *rewriter(void *unused)
{
	(void)unused;
	for (int i = 0; i < 400; i++) {
		shared_code[1] = (uint8_t)(1 + i % 2); /* the immediate */
		sched_yield();
	}
	stop = 1;
	return NULL;
}

static void *runner(void *result)
{
	long bad = 0, calls = 0;

	while (!stop || calls < 100) {
		int value = as_function(shared_code)();

		bad += value != 1 && value != 2;
		calls++;
		if (calls % 4 == 0)
			sched_yield();
	}
	*(long *)result = bad;
	return NULL;
}

static void threads(void)
{
	pthread_t writer, runners[2];
	long bad[2];

	shared_code = map(RWX);
	emit_return(shared_code, 1);
	for (int i = 0; i < 2; i++)
		pthread_create(&runners[i], NULL, runner, &bad[i]);
	pthread_create(&writer, NULL, rewriter, NULL);
	pthread_join(writer, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(runners[i], NULL);
	printf("threads: wrong results %ld %ld\n", bad[0], bad[1]);
}

/* A function in a section of its own, "awx": the linker puts it in the
 * data segment, which becomes W+X (a PT_LOAD with flags RWE). */
static __attribute__((noinline, noipa,
		      section(".wtext,\"awx\",@progbits#"))) int
own_function(void)
{
	return 5;
}

static void own_text(void)
{
	uint8_t *at = (uint8_t *)(uintptr_t)own_function;

	printf("own function: %d\n", own_function());
	emit_return(at, 6);
	printf("rewritten: %d\n", own_function());
	emit_return(at, 5);
	printf("restored: %d\n", own_function());
}

/* An instruction that stores into its own page:
 * movb $0x90, 16(%rip); mov $77, %eax; ret */
static void self_write(void)
{
	static const uint8_t code[] = { 0xc6, 0x05, 0x10, 0, 0, 0, 0x90,
					0xb8, 77, 0, 0, 0, 0xc3 };
	uint8_t *page = map(RWX);

	memcpy(page, code, sizeof(code));
	printf("self-write: %d\n", as_function(page)());
}

int main(int argc, char **argv)
{
	struct sigaction action = { .sa_sigaction = on_segv,
				    .sa_flags = SA_SIGINFO };

	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGSEGV, &action, NULL);
	if (argc > 1 && strcmp(argv[1], "text") == 0) {
		own_text();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "self-write") == 0) {
		signal(SIGSEGV, SIG_DFL);
		self_write();
		return 0;
	}
	turns();
	protections();
	written_by_calls();
	from_a_memfd();
	maps_line();
	ignored_bits();
	threads();
	return 0;
}
