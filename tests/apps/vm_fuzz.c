/*
 * Random memory calls in a window of WINDOW_PAGES pages at a fixed
 * address, the same sequence on Linux and under Wicket (a fixed seed; an
 * argument replaces it): mmap with MAP_FIXED, MAP_FIXED_NOREPLACE or a
 * hint, private or shared, munmap, mprotect, madvise(MADV_DONTNEED),
 * mremap (in place, MAYMOVE, FIXED), stores, shared views of a memfd
 * whose size and bytes change (ftruncate, pwrite), and now and then
 * arguments the kernel must refuse. After each call, the call's result and every
 * page of the window as the program sees it: not mapped (a load gets
 * SIGSEGV with SEGV_MAPERR), mapped without access (SEGV_ACCERR), past
 * its file's end (SIGBUS), readable or writable, and the first byte of
 * each readable page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "random_util.h"

#define WINDOW_PAGES 40
#define WINDOW_ADDRESS ((uintptr_t)0x200000000000)
#define ROUNDS 400

static long page;
static char *window;
static int file;

/* The probes: one access each at a known instruction, so that the
 * handler can step over a faulting one (RAX = -1 then). */
int probe_load(const volatile char *address);
int probe_store(volatile char *address, int value);
__asm__(".text\n"
	".globl probe_load, probe_load_access, probe_load_end\n"
	"probe_load:\n"
	"probe_load_access:\n"
	"	movzbl (%rdi), %eax\n"
	"probe_load_end:\n"
	"	ret\n"
	".globl probe_store, probe_store_access, probe_store_end\n"
	"probe_store:\n"
	"	xorl %eax, %eax\n"
	"probe_store_access:\n"
	"	movb %sil, (%rdi)\n"
	"probe_store_end:\n"
	"	ret\n");
extern char probe_load_access[], probe_load_end[];
extern char probe_store_access[], probe_store_end[];

static volatile int fault_code;

static void on_segv(int signal, siginfo_t *info, void *context)
{
	ucontext_t *uc = context;
	greg_t *rip = &uc->uc_mcontext.gregs[REG_RIP];

	if (*rip == (greg_t)probe_load_access)
		*rip = (greg_t)probe_load_end;
	else if (*rip == (greg_t)probe_store_access)
		*rip = (greg_t)probe_store_end;
	else {
		static const char text[] = "a fault outside a probe\n";
		write(2, text, sizeof(text) - 1);
		_exit(3);
	}
	uc->uc_mcontext.gregs[REG_RAX] = -1;
	fault_code = signal == SIGBUS ? -1 : info->si_code;
}

/* Every page: '.' not mapped, '-' no access, 'r' read-only, 'w'
 * writable, with the first byte of a readable page. */
static void show_window(void)
{
	char line[WINDOW_PAGES * 3 + 1];
	size_t at = 0;

	for (int i = 0; i < WINDOW_PAGES; i++) {
		char *address = window + (long)i * page;
		fault_code = 0;
		int value = probe_load(address);
		if (value < 0) {
			line[at++] = fault_code == SEGV_MAPERR ? '.'
				     : fault_code == SEGV_ACCERR ? '-'
				     : fault_code == -1 ? 'B' : '?';
			line[at++] = ' ';
			line[at++] = ' ';
			continue;
		}
		int stored = probe_store(address, value);
		line[at++] = stored < 0 ? 'r' : 'w';
		at += (size_t)snprintf(line + at, 3, "%02x", value);
	}
	line[at] = '\0';
	printf("  %s\n", line);
}

static const char *error_text(int error)
{
	switch (error) {
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	case EFAULT: return "EFAULT";
	case EACCES: return "EACCES";
	case EAGAIN: return "EAGAIN";
	default: return strerror(error);
	}
}

static void show_status(const char *call, int result)
{
	if (result == 0)
		printf("%s = 0\n", call);
	else
		printf("%s = -1 %s\n", call, error_text(errno));
}

/* A mapping's address, as a page of the window or "elsewhere" (then
 * unmapped again, so that runs stay comparable). */
static void show_address(const char *call, void *result, long length)
{
	if (result == MAP_FAILED) {
		printf("%s = -1 %s\n", call, error_text(errno));
		return;
	}
	char *at = result;
	if (at >= window && at < window + WINDOW_PAGES * page) {
		printf("%s = page %ld\n", call, (at - window) / page);
		return;
	}
	printf("%s = elsewhere\n", call);
	munmap(result, (size_t)length);
}

static int random_prot(void)
{
	static const int prots[] = {
		PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE,
		PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE,
	};
	return prots[below(sizeof(prots) / sizeof(prots[0]))];
}

static const char *prot_text(int prot)
{
	static char text[8];
	snprintf(text, sizeof(text), "%s%s%s", prot & PROT_READ ? "r" : "",
		 prot & PROT_WRITE ? "w" : "", prot & PROT_EXEC ? "x" : "");
	return prot ? text : "none";
}

/* Fixed cases first. A range protected apart and back is one mapping
 * again (Linux merges them), so mremap may take it whole, as are two
 * views of a file whose offsets follow on; and memory
 * made writable a page at a time, as glibc grows a heap inside a
 * PROT_NONE reservation, does not use up the mappings (a page each would
 * pass Wicket's 4,096 regions, and Linux's default 65,530, by far). */
static void merging(void)
{
	char *a = mmap((void *)(WINDOW_ADDRESS + 0x100000), 4 * page,
		       PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	a[0] = 1;
	a[page] = 2;
	a[2 * page] = 3;
	printf("mprotect(page 1, r) = %d\n", mprotect(a + page, page, PROT_READ));
	printf("mprotect(page 1, rw) = %d\n",
	       mprotect(a + page, page, PROT_READ | PROT_WRITE));
	char *b = mremap(a, 3 * page, 6 * page, MREMAP_MAYMOVE | MREMAP_FIXED,
			 a + 0x100000);
	if (b == MAP_FAILED)
		printf("mremap of the three pages: %s\n", error_text(errno));
	else
		printf("mremap of the three pages: moved, bytes %d %d %d\n",
		       b[0], b[page], b[2 * page]);
	munmap(a, 0x200000);

	/* Two views of the file whose offsets follow on are one mapping. */
	char *view = mmap((void *)(WINDOW_ADDRESS + 0x100000), 2 * page,
			  PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_FIXED_NOREPLACE, file, 0);
	char *next = mmap(view + 2 * page, 2 * page, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_FIXED_NOREPLACE, file, 2 * page);
	view[0] = 'x';
	next[0] = 'y';
	b = mremap(view, 4 * page, 4 * page, MREMAP_MAYMOVE | MREMAP_FIXED,
		   view + 0x100000);
	if (b == MAP_FAILED)
		printf("mremap of two views: %s\n", error_text(errno));
	else
		printf("mremap of two views: moved, bytes %c %c\n", b[0],
		       b[2 * page]);
	munmap(view, 0x200000);
	ftruncate(file, 0);
	ftruncate(file, 8 * page);

	long steps = 70000;
	char *heap = mmap((void *)(WINDOW_ADDRESS + 0x400000), steps * page,
			  PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
				  MAP_FIXED_NOREPLACE, -1, 0);
	long step = 0;
	while (step < steps &&
	       mprotect(heap + step * page, page, PROT_READ | PROT_WRITE) == 0)
		step++;
	printf("pages made writable one at a time: %ld of %ld\n", step, steps);
	munmap(heap, steps * page);
}

int main(int argc, char **argv)
{
	seed_random(argc, argv, 0x5eed1234);
	page = sysconf(_SC_PAGESIZE);

	struct sigaction action = { 0 };
	action.sa_sigaction = on_segv;
	action.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &action, NULL);
	sigaction(SIGBUS, &action, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	window = mmap((void *)WINDOW_ADDRESS, WINDOW_PAGES * page, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (window != (char *)WINDOW_ADDRESS) {
		printf("the window: %s\n", strerror(errno));
		return 1;
	}
	munmap(window, WINDOW_PAGES * page);
	file = memfd_create("vm_fuzz", 0);
	if (file < 0 || ftruncate(file, 8 * page) < 0) {
		printf("the file: %s\n", strerror(errno));
		return 1;
	}
	merging();
	show_window();

	char call[160];
	for (int round = 1; round <= ROUNDS; round++) {
		unsigned first = below(WINDOW_PAGES);
		unsigned most = WINDOW_PAGES - first < 6 ? WINDOW_PAGES - first : 6;
		unsigned count = 1 + below(most);
		char *address = window + (long)first * page;
		long length = (long)count * page;
		int prot = random_prot();
		int shared = below(4) == 0;
		int kind = shared ? MAP_SHARED : MAP_PRIVATE;
		const char *kind_text = shared ? "shared" : "private";

		switch (below(14)) {
		case 0:
		case 1:
		case 2:
		case 3: {
			/* FIXED twice as often as NOREPLACE or a hint. */
			static const struct {
				int flag;
				const char *text;
			} ways[] = {
				{ MAP_FIXED, "|FIXED" }, { MAP_FIXED, "|FIXED" },
				{ MAP_FIXED_NOREPLACE, "|FIXED_NOREPLACE" },
				{ 0, ", a hint" },
			};
			unsigned way = below(4);
			snprintf(call, sizeof(call),
				 "%d: mmap(page %u, %u pages, %s, %s%s)", round,
				 first, count, prot_text(prot), kind_text,
				 ways[way].text);
			show_address(call, mmap(address, (size_t)length, prot,
						kind | MAP_ANONYMOUS |
							ways[way].flag,
						-1, 0), length);
			break;
		}
		case 4:
			snprintf(call, sizeof(call),
				 "%d: munmap(page %u, %u pages)", round, first,
				 count);
			show_status(call, munmap(address, (size_t)length));
			break;
		case 5:
		case 6:
			snprintf(call, sizeof(call),
				 "%d: mprotect(page %u, %u pages, %s)", round,
				 first, count, prot_text(prot));
			show_status(call, mprotect(address, (size_t)length,
						   prot));
			break;
		case 7:
			snprintf(call, sizeof(call),
				 "%d: madvise(page %u, %u pages, DONTNEED)",
				 round, first, count);
			show_status(call, madvise(address, (size_t)length,
						  MADV_DONTNEED));
			break;
		case 8: {
			unsigned to = 1 + below(6);
			unsigned target = below(WINDOW_PAGES - to + 1);
			int how = below(3);
			void *result;
			/* The old range one fresh private mapping, its pages
			 * numbered: Linux 6.17 began to move ranges of
			 * several mappings and gaps, which older kernels
			 * refuse, and a shared one grown has pages past its
			 * object's end (SIGBUS on Linux). */
			mmap(address, (size_t)length, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			for (unsigned i = 0; i < count; i++)
				address[(long)i * page] = (char)(0xa0 + i);
			if (how == 2) {
				snprintf(call, sizeof(call),
					 "%d: mremap(page %u, %u pages, %u "
					 "pages, MAYMOVE|FIXED, page %u)",
					 round, first, count, to, target);
				result = mremap(address, (size_t)length,
						(size_t)to * page,
						MREMAP_MAYMOVE | MREMAP_FIXED,
						window + (long)target * page);
			} else {
				snprintf(call, sizeof(call),
					 "%d: mremap(page %u, %u pages, %u "
					 "pages, %s)", round, first, count, to,
					 how ? "MAYMOVE" : "0");
				result = mremap(address, (size_t)length,
						(size_t)to * page,
						how ? MREMAP_MAYMOVE : 0);
			}
			show_address(call, result, (long)to * page);
			break;
		}
		case 9: {
			int value = 1 + below(255);
			snprintf(call, sizeof(call), "%d: store 0x%02x at page %u",
				 round, value, first);
			fault_code = 0;
			int result = probe_store(address, value);
			printf("%s: %s\n", call, result == 0 ? "done"
				: fault_code == SEGV_MAPERR ? "SEGV_MAPERR"
				: fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "?");
			break;
		}
		case 10: {
			unsigned from = below(10);
			snprintf(call, sizeof(call),
				 "%d: mmap(page %u, %u pages, %s, shared|FIXED, "
				 "the file from page %u)", round, first, count,
				 prot_text(prot), from);
			show_address(call, mmap(address, (size_t)length, prot,
						MAP_SHARED | MAP_FIXED, file,
						(off_t)from * page), length);
			break;
		}
		case 11: {
			unsigned halves = below(21);
			snprintf(call, sizeof(call),
				 "%d: ftruncate(the file, %u half pages)", round,
				 halves);
			show_status(call, ftruncate(file, (off_t)halves * page / 2));
			break;
		}
		case 12: {
			unsigned at = below(10);
			char value = (char)(1 + below(255));
			snprintf(call, sizeof(call),
				 "%d: pwrite(the file, 0x%02x, at page %u)", round,
				 (unsigned char)value, at);
			ssize_t done = pwrite(file, &value, 1, (off_t)at * page);
			if (done < 0)
				printf("%s = -1 %s\n", call, error_text(errno));
			else
				printf("%s = %zd\n", call, done);
			break;
		}
		default: {
			/* What every kernel refuses: a misaligned address, an
			 * empty or wrapping length, an unknown flag. */
			static const char *names[] = {
				"munmap(page + 1, a page)",
				"munmap(page, 0)",
				"mprotect(page + 1, a page, r)",
				"mprotect(page, a page, 0x1000)",
				"madvise(page + 1, a page, DONTNEED)",
				"mmap(page + 1, a page, rw, private|FIXED)",
				"mmap(page, 0, rw, private|FIXED)",
				"mremap(page, a page, 0, MAYMOVE)",
				"mremap(page + 1, a page, a page, 0)",
				"mremap(page, a page, a page, FIXED)",
			};
			unsigned which = below(sizeof(names) / sizeof(names[0]));
			int result = 0;
			void *mapped = NULL;
			snprintf(call, sizeof(call), "%d: %s at page %u", round,
				 names[which], first);
			switch (which) {
			case 0: result = munmap(address + 1, page); break;
			case 1: result = munmap(address, 0); break;
			case 2: result = mprotect(address + 1, page, PROT_READ); break;
			case 3: result = mprotect(address, page, 0x1000); break;
			case 4: result = madvise(address + 1, page, MADV_DONTNEED); break;
			case 5:
				mapped = mmap(address + 1, page, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
				break;
			case 6:
				mapped = mmap(address, 0, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
				break;
			case 7: mapped = mremap(address, page, 0, MREMAP_MAYMOVE); break;
			case 8: mapped = mremap(address + 1, page, page, 0); break;
			default: mapped = mremap(address, page, page, MREMAP_FIXED); break;
			}
			if (which <= 4)
				show_status(call, result);
			else
				show_address(call, mapped, page);
			break;
		}
		}
		show_window();
	}
	return 0;
}
