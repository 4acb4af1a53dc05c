/*
 * Differential test: what a program finds at startup. argc, argv and the
 * environment (printed in order, quoted), the layout of the initial stack
 * (envp right after argv, the auxiliary vector right after envp), and the
 * auxiliary vector: AT_PAGESZ, AT_RANDOM, AT_PHDR/AT_PHNUM/AT_PHENT (checked
 * against the ELF header the linker exposes as __ehdr_start), AT_ENTRY
 * (must be _start), the user and group ids, AT_SECURE.
 *
 * Lines that may legitimately differ from the host start with "VARIES "
 * and are compared only up to their first ':' (tests/apps/differential.py).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern const Elf64_Ehdr __ehdr_start;   /* the ELF header, as mapped */
extern char _start[];                   /* the entry point (crt1/rcrt1) */

static int initialised_data = 42;       /* in a writable PT_LOAD */

static void quoted(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void yesno(const char *what, int value)
{
	printf("%s: %s\n", what, value ? "yes" : "no");
}

/* Is [address, address + size) inside a PT_LOAD with these flags? */
static int in_segment(const Elf64_Phdr *ph, unsigned n, uintptr_t bias,
		      uintptr_t address, size_t size, unsigned flags)
{
	for (unsigned i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		uintptr_t start = bias + ph[i].p_vaddr;
		if (address >= start && address + size <= start + ph[i].p_memsz)
			return (ph[i].p_flags & flags) == flags;
	}
	return 0;
}

static void program_headers(void)
{
	const Elf64_Ehdr *eh = &__ehdr_start;
	uintptr_t at_phdr = getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM);
	const Elf64_Phdr *ph = (const Elf64_Phdr *)at_phdr;

	puts("-- program headers");
	yesno("the ELF header is mapped (magic, ELFCLASS64, x86-64)",
	      memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
	      eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_machine == EM_X86_64);
	printf("ELF type: %s\n", eh->e_type == ET_EXEC ? "ET_EXEC" :
	       eh->e_type == ET_DYN ? "ET_DYN" : "other");
	yesno("AT_PHDR is the ELF header plus e_phoff",
	      at_phdr == (uintptr_t)eh + eh->e_phoff);
	yesno("AT_PHNUM equals e_phnum", phnum == eh->e_phnum);
	yesno("AT_PHENT equals sizeof(Elf64_Phdr)",
	      getauxval(AT_PHENT) == sizeof(Elf64_Phdr) &&
	      eh->e_phentsize == sizeof(Elf64_Phdr));
	if (!at_phdr || phnum == 0 || phnum > 64) {
		printf("cannot walk the program headers\n");
		return;
	}

	/* The load bias: where the segment holding the ELF header (file
	 * offset 0) was put, minus its link-time address. */
	uintptr_t bias = 0;
	unsigned loads = 0, phdr_entries = 0, first_load = 1;
	int bias_found = 0, phdr_ok = 1, ordered = 1, aligned = 1;
	uintptr_t last_vaddr = 0;
	for (unsigned i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		loads++;
		if (ph[i].p_offset == 0 && !bias_found) {
			bias = (uintptr_t)eh - ph[i].p_vaddr;
			bias_found = 1;
		}
		if (!first_load && ph[i].p_vaddr < last_vaddr)
			ordered = 0;
		if (ph[i].p_align && (ph[i].p_vaddr - ph[i].p_offset) % ph[i].p_align)
			aligned = 0;
		last_vaddr = ph[i].p_vaddr;
		first_load = 0;
	}
	for (unsigned i = 0; i < phnum; i++) {
		if (ph[i].p_type == PT_PHDR) {
			phdr_entries++;
			phdr_ok &= bias + ph[i].p_vaddr == at_phdr;
		}
	}
	printf("PT_LOAD segments: %u (ascending: %s, congruent: %s)\n", loads,
	       ordered ? "yes" : "no", aligned ? "yes" : "no");
	yesno("a PT_LOAD maps file offset 0 at the ELF header", bias_found);
	yesno("the load bias is page-aligned", bias % 4096 == 0);
	printf("load bias is zero: %s\n", bias == 0 ? "yes" : "no");
	printf("PT_PHDR entries: %u, each at AT_PHDR: %s\n", phdr_entries,
	       phdr_ok ? "yes" : "no");
	yesno("main lies in an executable PT_LOAD",
	      in_segment(ph, (unsigned)phnum, bias, (uintptr_t)&program_headers, 1,
			 PF_R | PF_X));
	yesno("initialised data lies in a writable PT_LOAD",
	      in_segment(ph, (unsigned)phnum, bias, (uintptr_t)&initialised_data,
			 sizeof initialised_data, PF_R | PF_W) &&
	      initialised_data == 42);
	yesno("AT_PHDR lies in a readable PT_LOAD",
	      in_segment(ph, (unsigned)phnum, bias, at_phdr,
			 phnum * sizeof(Elf64_Phdr), PF_R));
}

static void auxiliary_vector(const Elf64_auxv_t *av)
{
	puts("-- auxiliary vector");
	unsigned count = 0;
	int has[64] = { 0 }, agrees = 1;
	for (; av->a_type != AT_NULL && count < 256; av++, count++) {
		if (av->a_type < 64 && !has[av->a_type]) {
			has[av->a_type] = 1;
			agrees &= getauxval(av->a_type) == av->a_un.a_val;
		}
	}
	yesno("the vector after envp is the one getauxval reads",
	      agrees && has[AT_PAGESZ]);
	printf("VARIES auxv entries: %u\n", count);
	yesno("AT_PHDR, AT_PHNUM, AT_PHENT, AT_ENTRY, AT_RANDOM present",
	      has[AT_PHDR] && has[AT_PHNUM] && has[AT_PHENT] && has[AT_ENTRY] &&
	      has[AT_RANDOM]);
	yesno("AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE present",
	      has[AT_UID] && has[AT_EUID] && has[AT_GID] && has[AT_EGID] &&
	      has[AT_SECURE]);

	printf("AT_PAGESZ: %lu\n", getauxval(AT_PAGESZ));
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	yesno("AT_RANDOM is non-NULL", rnd != NULL);
	if (rnd) {
		unsigned nonzero = 0;
		for (int i = 0; i < 16; i++)
			nonzero += rnd[i] != 0;
		yesno("AT_RANDOM's 16 bytes are not all zero", nonzero > 0);
	}
	yesno("AT_ENTRY is the address of _start",
	      getauxval(AT_ENTRY) == (uintptr_t)_start);
	yesno("AT_BASE is 0 (no interpreter)", getauxval(AT_BASE) == 0);
	printf("AT_SECURE: %lu\n", getauxval(AT_SECURE));
	yesno("AT_UID is getuid()", getauxval(AT_UID) == getuid());
	yesno("AT_EUID is geteuid()", getauxval(AT_EUID) == geteuid());
	yesno("AT_GID is getgid()", getauxval(AT_GID) == getgid());
	yesno("AT_EGID is getegid()", getauxval(AT_EGID) == getegid());
	printf("VARIES uid: %lu euid: %lu gid: %lu egid: %lu\n",
	       getauxval(AT_UID), getauxval(AT_EUID), getauxval(AT_GID),
	       getauxval(AT_EGID));
	yesno("AT_HWCAP is present", has[AT_HWCAP]);
	printf("VARIES AT_HWCAP: %#lx\n", getauxval(AT_HWCAP));
	yesno("AT_SYSINFO_EHDR (the vDSO) is present", has[AT_SYSINFO_EHDR]);
	printf("sysconf(_SC_PAGESIZE): %ld\n", sysconf(_SC_PAGESIZE));
}

int main(int argc, char **argv, char **envp)
{
	/* The auxiliary vector follows the environment's NULL; find it before
	 * setenv/unsetenv below can rearrange the environment. */
	char **e = envp;
	while (*e)
		e++;
	const Elf64_auxv_t *auxv = (const Elf64_auxv_t *)(e + 1);

	puts("-- arguments");
	printf("argc: %d\n", argc);
	for (int i = 0; i < argc; i++) {
		printf("argv[%d]: ", i);
		quoted(argv[i]);
		putchar('\n');
	}
	yesno("argv[argc] is NULL", argv[argc] == NULL);
	yesno("envp follows argv", envp == argv + argc + 1);
	yesno("environ is envp", environ == envp);

	puts("-- environment");
	int n = 0;
	for (e = envp; *e; e++, n++) {
		printf("env[%d]: ", n);
		quoted(*e);
		putchar('\n');
	}
	printf("getenv HOME: %s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
	printf("getenv PATH: %s\n", getenv("PATH") ? getenv("PATH") : "(unset)");
	printf("getenv NOT_SET: %s\n", getenv("NOT_SET") ? "set" : "(unset)");
	setenv("ADDED", "by setenv", 1);
	printf("setenv then getenv: %s\n", getenv("ADDED"));
	unsetenv("HOME");
	printf("unsetenv HOME: %s\n", getenv("HOME") ? "still set" : "(unset)");

	program_headers();
	auxiliary_vector(auxv);
	return 0;
}
