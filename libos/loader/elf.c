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

/* The app's file and segments, kept for symbolising addresses in reports
 * and for restoring pages of the image. */
static const uint8_t *app_file;
static uint64_t app_file_size, app_base;
static struct elf_phdr app_loads[LOADS_MAX];
static unsigned app_load_count;

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
static const char *map_segments(const uint8_t *file, uint64_t size,
				const struct elf_phdr *loads, unsigned count,
				uint64_t base)
{
	uint64_t mapped_end = 0;

	for (unsigned i = 0; i < count; i++) {
		const struct elf_phdr *load = &loads[i];
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
		memcpy((void *)(load->vaddr + base), file + load->offset,
		       load->filesz);
	}
	(void)size;

	for (unsigned i = 0; i < count; i++) {
		const struct elf_phdr *load = &loads[i];
		uint64_t start = page_down(load->vaddr + base);
		uint64_t end = page_up(load->vaddr + base + load->memsz);
		uint32_t prot = linux_prot(load->flags);

		if (vm_protect(start, end - start, prot) < 0)
			return "cannot protect its segments";
		if (i > 0) {
			const struct elf_phdr *last = &loads[i - 1];
			uint64_t shared = page_up(last->vaddr + base +
						  last->memsz) - PAGE_SIZE;

			if (shared == start) {
				prot |= linux_prot(last->flags);
				if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
					return "a page holds both writable "
					       "and executable segments "
					       "(Wicket maps W^X)";
				if (vm_protect(start, PAGE_SIZE, prot) < 0)
					return "cannot protect its segments";
			}
		}
	}
	return NULL;
}

int app_load(const uint8_t *file, uint64_t size, struct app_image *image,
	     const char **reason)
{
	const struct elf_header *header = (const void *)file;
	struct elf_phdr loads[LOADS_MAX];
	unsigned count = 0;
	uint64_t low = UINT64_MAX, high = 0, phdr = 0;

	*reason = check_header(header, size);
	if (*reason)
		return -1;

	const struct elf_phdr *phdrs = (const void *)(file + header->phoff);

	for (unsigned i = 0; i < header->phnum; i++) {
		const struct elf_phdr *p = &phdrs[i];

		if (p->type == PT_INTERP) {
			*reason = "it is dynamically linked (it names an "
				  "interpreter); link it with -static";
			return -1;
		}
		if (p->type == PT_PHDR)
			phdr = p->vaddr;
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		if (count == LOADS_MAX) {
			*reason = "too many PT_LOAD segments";
			return -1;
		}
		if (p->filesz > p->memsz || !inside(p->offset, p->filesz, size) ||
		    p->vaddr + p->memsz < p->vaddr) {
			*reason = "a segment lies outside the file or wraps";
			return -1;
		}
		if ((p->flags & PF_W) && (p->flags & PF_X)) {
			*reason = "a segment is both writable and executable "
				  "(Wicket maps W^X)";
			return -1;
		}
		if (count > 0 && p->vaddr < loads[count - 1].vaddr +
					   loads[count - 1].memsz) {
			*reason = "PT_LOAD segments overlap or are not sorted";
			return -1;
		}
		if (p->vaddr < low)
			low = p->vaddr;
		if (p->vaddr + p->memsz > high)
			high = p->vaddr + p->memsz;
		if (!phdr && header->phoff >= p->offset &&
		    header->phoff - p->offset < p->filesz)
			phdr = p->vaddr + (header->phoff - p->offset);
		loads[count++] = *p;
	}
	if (count == 0) {
		*reason = "it has nothing to load";
		return -1;
	}

	uint64_t base = header->type == ELF_TYPE_DYN
				? APP_PIE_BASE - page_down(low) : 0;

	if (page_down(low + base) < WK_USER_MIN ||
	    high + base < high || page_up(high + base) > APP_STACK_TOP -
						       APP_STACK_MAX ||
	    !vm_range_free(page_down(low + base), page_up(high + base))) {
		*reason = "its segments are outside the app's address space";
		return -1;
	}
	if (header->entry + base < low + base ||
	    header->entry + base >= high + base) {
		*reason = "its entry point is outside its segments";
		return -1;
	}

	*reason = map_segments(file, size, loads, count, base);
	if (*reason) {
		vm_unmap(page_down(low + base),
			 page_up(high + base) - page_down(low + base));
		return -1;
	}

	image->entry = header->entry + base;
	image->base = base;
	image->phdr = phdr ? phdr + base : 0;
	image->phnum = header->phnum;
	image->file_phdrs = phdrs;
	image->brk_start = page_up(high + base);
	app_file = file;
	app_file_size = size;
	app_base = base;
	memcpy(app_loads, loads, count * sizeof(loads[0]));
	app_load_count = count;
	return 0;
}

void app_original_page(uint64_t page, void *out)
{
	memset(out, 0, PAGE_SIZE);
	vdso_original_page(page, out);
	for (unsigned i = 0; i < app_load_count; i++) {
		const struct elf_phdr *load = &app_loads[i];
		uint64_t start = load->vaddr + app_base;
		uint64_t file_end = start + load->filesz;
		uint64_t from = page > start ? page : start;
		uint64_t to = page + PAGE_SIZE < file_end ? page + PAGE_SIZE
							  : file_end;

		if (from < to)
			memcpy((uint8_t *)out + (from - page),
			       app_file + load->offset + (from - start),
			       to - from);
	}
}

void app_symbolise(uint64_t address, char *out, size_t size)
{
	const struct elf_header *header = (const void *)app_file;

	out[0] = '\0';
	if (app_file == NULL || header->shentsize != sizeof(struct elf_shdr) ||
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
