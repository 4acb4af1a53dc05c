/*
 * Loading the app: an x86-64 Linux ELF, non-PIE (ET_EXEC, at its linked
 * addresses) or PIE (ET_DYN, moved to APP_PIE_BASE; a static one
 * relocates itself, as musl's rcrt1.o and glibc's static-pie start-up
 * do). A dynamically linked one names its interpreter (PT_INTERP), which
 * is taken from the file tree and mapped below the mmap area's top; the
 * app starts there, and the interpreter loads the libraries through the
 * app's own system calls, as on Linux. Segments are mapped from the
 * files' bytes (a W+X one by turns: mm/vm.h), which are never trusted:
 * every header field is checked first.
 */
#ifndef LIBOS_LOADER_ELF_H
#define LIBOS_LOADER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app_image {
	uint64_t entry;     /* the app's entry point, relocated (AT_ENTRY) */
	uint64_t start;     /* where it starts: its interpreter's entry */
	uint64_t interpreter_base; /* AT_BASE: 0 without an interpreter */
	uint64_t base;      /* load bias: 0 for ET_EXEC */
	uint64_t phdr;      /* the program headers in memory, 0 if none */
	uint64_t phnum;
	const void *file_phdrs; /* the same headers in the module */
	uint64_t brk_start; /* the page after the highest segment */
	uint64_t vdso;      /* AT_SYSINFO_EHDR (loader/vdso.h), 0: none */
};

/* Loads the ELF in [file, file + size). Returns 0, or -1 with *reason
 * saying why the image was refused (nothing useful is left mapped). */
int app_load(const uint8_t *file, uint64_t size, struct app_image *image,
	     const char **reason);

/* Whether app_load would take the ELF in [file, file + size), without
 * mapping anything: 0; -ENOEXEC (not an ELF it can load); or for its
 * interpreter -ENOENT (missing) or -ELIBBAD (no ELF it can load), as
 * execve answers. */
long app_check(const uint8_t *file, uint64_t size);

/* execve, with the address space gone: no image is loaded. */
void app_forget(void);

/* The interpreter's path when address is in its segments, else NULL. */
const char *app_interpreter_at(uint64_t address);

/* What /proc/1/maps shows of the image at a page: the run of pages from
 * `page` to `end` that Linux's loader would have mapped alike, either
 * from the file (file_backed: from `offset`; of the interpreter or of
 * the app) or as the zeroed pages after a segment's file bytes (its
 * .bss). False when the page is in no segment of either. */
struct image_piece {
	uint64_t end, offset;
	bool file_backed, interpreter;
	bool writable; /* its segment's flags have PF_W */
};
bool app_image_piece(uint64_t page, struct image_piece *piece);

/* Fills the page at address with what the loaded image's file has there
 * (zero beyond each segment's file bytes): MADV_DONTNEED on the image. */
void app_original_page(uint64_t page, void *out);

/* Writes " (symbol+0xoffset)" for an address in the app's code when its
 * symbol table says, else "". */
void app_symbolise(uint64_t address, char *out, size_t size);

#endif /* LIBOS_LOADER_ELF_H */
