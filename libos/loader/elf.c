/*
 * The app's ELF loader (elf.h). Layouts from the System V gABI and the
 * x86-64 psABI: the 64-byte file header, 56-byte program headers, 64-byte
 * section headers and 24-byte symbols, little endian.
 */
#include "loader/elf.h"

#include <stdbool.h>

#include "errno.h"
#include "layout.h"
#include "lib/print.h"
#include "lib/string.h"
#include "linux/files.h"
#include "loader/vdso.h"
#include "mm/vm.h"

#define ELF_TYPE_EXEC 2
#define ELF_TYPE_DYN  3
#define ELF_MACHINE_X86_64 62
#define PT_LOAD   1
#define PT_INTERP 3
#define PT_PHDR   6
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define SHT_SYMTAB 2
#define STT_FUNC 2
#define LOADS_MAX 32
#define PATH_BYTES 4096 /* Linux's PATH_MAX, with the NUL */

struct elf_header {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_shdr {
	uint32_t name, type;
	uint64_t flags, addr, offset, size;
	uint32_t link, info;
	uint64_t addralign, entsize;
};

struct elf_symbol {
	uint32_t name;
	uint8_t info, other;
	uint16_t shndx;
	uint64_t value, size;
};

_Static_assert(sizeof(struct elf_header) == 64, "ELF header");
_Static_assert(sizeof(struct elf_phdr) == 56, "program header");
_Static_assert(sizeof(struct elf_shdr) == 64, "section header");
_Static_assert(sizeof(struct elf_symbol) == 24, "symbol");

/* A loaded ELF: its file and segments, kept for symbolising addresses in
 * reports and for restoring pages of the image. */
struct loaded {
	const uint8_t *file;
	uint64_t size, base;
	uint64_t low, high; /* the segments' span, unrelocated */
	struct elf_phdr loads[LOADS_MAX];
	unsigned count;
};

/* The app, and the interpreter its PT_INTERP names (count 0: none) at
 * interpreter_path (in the app's file). */
static struct loaded app, interpreter;
static const char *interpreter_path;

static uint32_t linux_prot(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) |
	       ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

/* Whether [offset, offset + length) lies inside a file of size bytes. */
static bool inside(uint64_t offset, uint64_t length, uint64_t size)
{
	return offset <= size && length <= size - offset;
}

static const char *check_header(const struct elf_header *header,
				uint64_t size)
{
	if (size < sizeof(*header) || memcmp(header->ident, "\177ELF", 4))
		return "not an ELF file";
	if (header->ident[4] != 2 || header->ident[5] != 1 ||
	    header->ident[6] != 1)
		return "not a 64-bit little-endian ELF";
	if (header->machine != ELF_MACHINE_X86_64)
		return "not an x86-64 program";
	if (header->type != ELF_TYPE_EXEC && header->type != ELF_TYPE_DYN)
		return "neither an executable nor a position-independent one";
	if (header->phentsize != sizeof(struct elf_phdr) ||
	    header->phnum == 0 || header->phnum > 64 ||
	    !inside(header->phoff,
		    (uint64_t)header->phnum * sizeof(struct elf_phdr), size) ||
	    header->phoff % 8)
		return "bad program header table";
	return NULL;
}

/* Maps and fills the segments; returns NULL or why not. */
static const char *map_segments(const struct loaded *elf)
{
	uint64_t mapped_end = 0, base = elf->base;

	for (unsigned i = 0; i < elf->count; i++) {
		const struct elf_phdr *load = &elf->loads[i];
		uint64_t start = page_down(load->vaddr + base);
		uint64_t end = page_up(load->vaddr + base + load->memsz);

		if (start < mapped_end)
			start = mapped_end; /* a page shared with the last */
		if (start < end &&
		    vm_map(start, end - start, PROT_READ | PROT_WRITE,
			   REGION_IMAGE) < 0)
			return "not enough memory for its segments";
		if (end > mapped_end)
			mapped_end = end;
		memcpy((void *)(load->vaddr + base), elf->file + load->offset,
		       load->filesz);
	}

	for (unsigned i = 0; i < elf->count; i++) {
		const struct elf_phdr *load = &elf->loads[i];
		uint64_t start = page_down(load->vaddr + base);
		uint64_t end = page_up(load->vaddr + base + load->memsz);
		uint32_t prot = linux_prot(load->flags);

		if (vm_protect(start, end - start, prot) < 0)
			return "cannot protect its segments";
		if (i > 0) {
			const struct elf_phdr *last = &elf->loads[i - 1];
			uint64_t shared = page_up(last->vaddr + base +
						  last->memsz) - PAGE_SIZE;

			if (shared == start) {
				prot |= linux_prot(last->flags);
				if (vm_protect(start, PAGE_SIZE, prot) < 0)
					return "cannot protect its segments";
			}
		}
	}
	return NULL;
}

/* Checks the ELF in [file, file + size) and takes its PT_LOAD segments
 * into *elf; *phdr is where its program headers are (unrelocated, 0 if
 * in no segment) and *interp its PT_INTERP path (NULL: none, which is
 * checked to end inside its segment). NULL, or why the file is refused. */
static const char *read_segments(const uint8_t *file, uint64_t size,
				 struct loaded *elf, uint64_t *phdr,
				 const char **interp)
{
	const struct elf_header *header = (const void *)file;
	const char *reason = check_header(header, size);

	if (reason)
		return reason;
	const struct elf_phdr *phdrs = (const void *)(file + header->phoff);

	elf->file = file;
	elf->size = size;
	elf->count = 0;
	elf->low = UINT64_MAX;
	elf->high = 0;
	*phdr = 0;
	*interp = NULL;
	for (unsigned i = 0; i < header->phnum; i++) {
		const struct elf_phdr *p = &phdrs[i];

		if (p->type == PT_INTERP) {
			if (p->filesz < 2 || p->filesz > PATH_BYTES ||
			    !inside(p->offset, p->filesz, size) ||
			    file[p->offset + p->filesz - 1] != '\0' ||
			    strlen((const char *)file + p->offset) !=
				    p->filesz - 1)
				return "its interpreter's path (PT_INTERP) is "
				       "not a string in the file";
			*interp = (const char *)file + p->offset;
		}
		if (p->type == PT_PHDR)
			*phdr = p->vaddr;
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		if (elf->count == LOADS_MAX)
			return "too many PT_LOAD segments";
		if (p->filesz > p->memsz || !inside(p->offset, p->filesz, size) ||
		    p->vaddr + p->memsz < p->vaddr)
			return "a segment lies outside the file or wraps";
		if (elf->count > 0 &&
		    p->vaddr < elf->loads[elf->count - 1].vaddr +
				       elf->loads[elf->count - 1].memsz)
			return "PT_LOAD segments overlap or are not sorted";
		if (p->vaddr < elf->low)
			elf->low = p->vaddr;
		if (p->vaddr + p->memsz > elf->high)
			elf->high = p->vaddr + p->memsz;
		if (!*phdr && header->phoff >= p->offset &&
		    header->phoff - p->offset < p->filesz)
			*phdr = p->vaddr + (header->phoff - p->offset);
		elf->loads[elf->count++] = *p;
	}
	if (elf->count == 0)
		return "it has nothing to load";
	if (header->entry < elf->low || header->entry >= elf->high)
		return "its entry point is outside its segments";
	return NULL;
}

/* Maps *elf moved by base (0 for ET_EXEC); NULL or why not (nothing is
 * left mapped). */
static const char *place(struct loaded *elf, uint64_t base)
{
	uint64_t low = page_down(elf->low + base);
	uint64_t high = page_up(elf->high + base);
	const char *reason;

	elf->base = base;
	if (low < WK_USER_MIN || elf->high + base < elf->high ||
	    high > APP_STACK_TOP - APP_STACK_MAX || !vm_range_free(low, high))
		return "its segments are outside the app's address space";
	reason = map_segments(elf);
	if (reason)
		vm_unmap(low, high - low);
	return reason;
}

/* The interpreter a dynamically linked app names, from the file tree,
 * mapped below the mmap area's top as Linux maps it below its mmap base;
 * NULL or why not. */
static const char *load_interpreter(const char *path, uint64_t *entry)
{
	static char message[PATH_BYTES + 160];
	char lookup_path[PATH_BYTES];
	const uint8_t *file;
	uint64_t size, phdr;
	const char *interp, *reason;

	memcpy(lookup_path, path, strlen(path) + 1);
	long status = files_regular_at(lookup_path, &file, &size);

	if (status < 0) {
		print_format_to(message, sizeof(message),
				"it is dynamically linked and its interpreter "
				"%s is not in the file tree (%s; give it and "
				"the libraries with --files: ./wicket run does)",
				path, status == -ENOENT ? "no such file"
				      : status == -EACCES ? "not a regular file"
				      : "a component is not a directory, or "
					"links loop");
		return message;
	}
	reason = read_segments(file, size, &interpreter, &phdr, &interp);
	if (reason == NULL && interp)
		reason = "names an interpreter itself";
	if (reason == NULL) {
		const struct elf_header *header = (const void *)file;
		uint64_t span = page_up(interpreter.high) -
				page_down(interpreter.low);
		uint64_t at = vm_find_free(span, APP_MMAP_TOP);
		uint64_t base = header->type == ELF_TYPE_EXEC ? 0
				: at - page_down(interpreter.low);

		reason = at == 0 ? "no room for it" : place(&interpreter, base);
		*entry = header->entry + base;
	}
	if (reason) {
		interpreter.count = 0;
		print_format_to(message, sizeof(message),
				"its interpreter %s: %s", path, reason);
		return message;
	}
	return NULL;
}

long app_check(const uint8_t *file, uint64_t size)
{
	static struct loaded scratch;
	char path[PATH_BYTES];
	uint64_t phdr, interpreter_size;
	const char *interp, *inner;
	const uint8_t *interpreter_file;

	if (read_segments(file, size, &scratch, &phdr, &interp))
		return -ENOEXEC;
	if (interp == NULL)
		return 0;
	memcpy(path, interp, strlen(interp) + 1);
	long status = files_regular_at(path, &interpreter_file,
				       &interpreter_size);

	if (status < 0)
		return status == -EACCES ? -ELIBBAD : status;
	if (read_segments(interpreter_file, interpreter_size, &scratch, &phdr,
			  &inner) || inner)
		return -ELIBBAD;
	return 0;
}

void app_forget(void)
{
	app.count = interpreter.count = 0;
	interpreter_path = NULL;
}

int app_load(const uint8_t *file, uint64_t size, struct app_image *image,
	     const char **reason)
{
	const struct elf_header *header = (const void *)file;
	uint64_t phdr;
	const char *interp;

	*reason = read_segments(file, size, &app, &phdr, &interp);
	if (*reason == NULL)
		*reason = place(&app, header->type == ELF_TYPE_DYN
					      ? APP_PIE_BASE -
							page_down(app.low)
					      : 0);
	if (*reason) {
		app.count = 0;
		return -1;
	}
	image->entry = header->entry + app.base;
	image->start = image->entry;
	image->interpreter_base = 0;
	if (interp) {
		*reason = load_interpreter(interp, &image->start);
		if (*reason) {
			vm_unmap(page_down(app.low + app.base),
				 page_up(app.high + app.base) -
					 page_down(app.low + app.base));
			app.count = 0;
			return -1;
		}
		image->interpreter_base = interpreter.base +
					  page_down(interpreter.low);
		interpreter_path = interp;
	}
	image->base = app.base;
	image->phdr = phdr ? phdr + app.base : 0;
	image->phnum = header->phnum;
	image->file_phdrs = file + header->phoff;
	image->brk_start = page_up(app.high + app.base);
	return 0;
}

/* What *elf's file has in the page at address, over `out`. */
static void original_bytes(const struct loaded *elf, uint64_t page,
			   void *out)
{
	for (unsigned i = 0; i < elf->count; i++) {
		const struct elf_phdr *load = &elf->loads[i];
		uint64_t start = load->vaddr + elf->base;
		uint64_t file_end = start + load->filesz;
		uint64_t from = page > start ? page : start;
		uint64_t to = page + PAGE_SIZE < file_end ? page + PAGE_SIZE
							  : file_end;

		if (from < to)
			memcpy((uint8_t *)out + (from - page),
			       elf->file + load->offset + (from - start),
			       to - from);
	}
}

const char *app_interpreter_at(uint64_t address)
{
	return interpreter.count &&
	       address >= page_down(interpreter.low + interpreter.base) &&
	       address < page_up(interpreter.high + interpreter.base)
		       ? interpreter_path : NULL;
}

/* Linux maps each segment by itself, the file's pages up to the end of
 * its file bytes and zeroed ones after: a page two segments share is the
 * later one's. */
static bool piece_of(const struct loaded *elf, uint64_t page,
		     struct image_piece *piece)
{
	bool found = false;

	for (unsigned i = 0; i < elf->count; i++) {
		const struct elf_phdr *load = &elf->loads[i];
		uint64_t start = page_down(load->vaddr + elf->base);
		uint64_t file_end = page_up(load->vaddr + elf->base +
					    load->filesz);
		uint64_t end = page_up(load->vaddr + elf->base + load->memsz);

		if (page < start || page >= end)
			continue;
		found = true;
		piece->writable = (load->flags & PF_W) != 0;
		piece->file_backed = page < file_end;
		piece->end = piece->file_backed ? file_end : end;
		piece->offset = piece->file_backed
					? page_down(load->offset) + (page - start)
					: 0;
		/* A later segment takes the pages it shares with this one. */
		if (i + 1 < elf->count) {
			uint64_t next = page_down(elf->loads[i + 1].vaddr +
						  elf->base);

			if (next > page && next < piece->end)
				piece->end = next;
		}
	}
	return found;
}

bool app_image_piece(uint64_t page, struct image_piece *piece)
{
	piece->interpreter = false;
	if (piece_of(&app, page, piece))
		return true;
	piece->interpreter = true;
	return interpreter.count && piece_of(&interpreter, page, piece);
}

void app_original_page(uint64_t page, void *out)
{
	memset(out, 0, PAGE_SIZE);
	vdso_original_page(page, out);
	original_bytes(&app, page, out);
	original_bytes(&interpreter, page, out);
}

void app_symbolise(uint64_t address, char *out, size_t size)
{
	const uint8_t *app_file = app.file;
	uint64_t app_file_size = app.size, app_base = app.base;
	const struct elf_header *header = (const void *)app_file;

	out[0] = '\0';
	if (app.count == 0 || address < app.low + app_base ||
	    address >= app.high + app_base || header->shentsize != sizeof(struct elf_shdr) ||
	    header->shoff % 8 ||
	    !inside(header->shoff,
		    (uint64_t)header->shnum * sizeof(struct elf_shdr),
		    app_file_size))
		return;

	const struct elf_shdr *sections = (const void *)(app_file +
							  header->shoff);
	uint64_t target = address - app_base;

	for (unsigned i = 0; i < header->shnum; i++) {
		const struct elf_shdr *symtab = &sections[i];

		if (symtab->type != SHT_SYMTAB || symtab->link >= header->shnum ||
		    symtab->offset % 8 ||
		    !inside(symtab->offset, symtab->size, app_file_size))
			continue;
		const struct elf_shdr *strtab = &sections[symtab->link];

		if (!inside(strtab->offset, strtab->size, app_file_size))
			continue;
		const struct elf_symbol *symbols = (const void *)(app_file +
							symtab->offset);
		const char *names = (const char *)app_file + strtab->offset;

		for (uint64_t s = 0; s < symtab->size / sizeof(*symbols); s++) {
			const struct elf_symbol *symbol = &symbols[s];

			if ((symbol->info & 0xf) != STT_FUNC ||
			    target < symbol->value ||
			    target - symbol->value >= symbol->size ||
			    symbol->name >= strtab->size)
				continue;
			/* The name must end inside the string table. */
			uint64_t length = 0;

			while (symbol->name + length < strtab->size &&
			       names[symbol->name + length])
				length++;
			if (symbol->name + length == strtab->size || length > 80)
				return;
			print_format_to(out, size, " (%s+0x%lx)",
					names + symbol->name,
					target - symbol->value);
			return;
		}
	}
}
