/*
 * Call-site rewriting (patch.h; the scheme and its limits are in
 * docs/patching.md).
 *
 * A site qualifies when the instructions after its `syscall` decode as
 * ones this file can move (a small x86-64 subset: no RIP-relative memory
 * operand; relative jumps and calls are re-aimed) and reach 5 bytes, or
 * end in RET/JMP followed by padding; when no branch in its text (struct
 * text below) lands inside the bytes that move (a conservative scan of
 * every byte offset of the text, made once, before its first rewrite);
 * and when the trampoline is within reach of a rel32 jump. A trampoline
 * is
 *
 *     lea after(%rip), %rcx ; jmp gate    (RCX: where the call returns)
 *     jmp <the lea>                       (2 bytes: a restart backs up here)
 *   after:
 *     <the moved instructions> ; jmp <past the rewritten bytes>
 *
 * and the gate jumps to libos_syscall_entry. SYSCALL itself destroys RCX
 * and R11, so a site never needs them kept. A call whose answer is fixed
 * for the run has `mov $answer, %eax` in place of the first line.
 */
#include "trap/patch.h"

#include <stddef.h>

#include "layout.h"
#include "libos.h"
#include "linux/syscalls.h"
#include "mm/vm.h"
#include "options.h"
#include "sched/thread.h"
#include "string.h"
#include "wicket/native.h"

#define SITES_MAX 1024
#define SITE_STEPS 6            /* moved instructions per site, at most */
#define TEXTS_MAX 16
#define AREAS_MAX 16
#define TRAMPOLINE_AREA (UINT64_C(64) << 10)
#define TRAMPOLINE_MAX 96       /* bytes one trampoline may take */
#define GATE_BYTES 16
#define REL32_SPAN (UINT64_C(1) << 31)
/* Each text's branch-target bitmap has a window of its own from
 * LIBOS_PATCH_BITMAP: a text is at most 8 times the window. */
#define BITMAP_WINDOW (UINT64_C(256) << 20)
#define TEXT_MAX (BITMAP_WINDOW * 8)
/* A text the loader did not map (a file's private copy, anonymous code)
 * is made present for the scan: at most this much of it. */
#define TEXT_MAPPED_MAX (UINT64_C(64) << 20)

enum step_kind { STEP_COPY, STEP_JCC, STEP_JMP, STEP_CALL, STEP_RET };

struct step {
	uint8_t offset;   /* from the site */
	uint8_t length;   /* in the text */
	uint8_t kind;     /* enum step_kind */
	uint8_t condition;/* STEP_JCC: the low nibble of its opcode */
	uint64_t target;  /* STEP_JCC, STEP_JMP, STEP_CALL */
};

struct site {
	uint64_t start, end;    /* [start, end) rewritten */
	uint64_t address;       /* the syscall: start, or start + 5 when the
				   mov of its number went too */
	uint64_t entry;         /* the trampoline: [entry, entry_end) */
	uint64_t entry_end;
	uint64_t after;         /* where RIP address + 2 goes on */
	uint8_t steps;
	uint8_t offset[SITE_STEPS]; /* each moved instruction, from address */
	uint16_t moved[SITE_STEPS]; /* the same, from after */
};

/* by_start lists them by app address, by_entry by trampoline address. */
static struct site sites[SITES_MAX];
static unsigned site_count;
static uint16_t by_start[SITES_MAX], by_entry[SITES_MAX];

/* Every site tried, open-addressed: 0 empty, else the address. */
#define TRIED_SLOTS 4096
static uint64_t tried[TRIED_SLOTS];
static struct patch_counts counts;

/*
 * A text: an executable range of the app's address space that sites are
 * rewritten in (docs/patching.md): the app's or its loader's segment, or
 * a library's text that the loader copied from its file (a private
 * mapping). Its branch targets are scanned once, when its first site is
 * rewritten; it is dropped (patch_text_changed) when the app unmaps,
 * re-protects or discards any of it, its sites with it.
 */
struct text {
	uint64_t start, end;     /* end 0: the slot is free */
	uint8_t *targets;        /* a bit per byte of the text */
	struct area *area;       /* where its trampolines go */
};

/* A trampoline area: TRAMPOLINE_AREA bytes, its gate first, then
 * trampolines up to next. Never unmapped: a thread may be stopped in
 * one after its text is gone. */
struct area {
	uint64_t start, next;
};

static struct text texts[TEXTS_MAX];
static struct area areas[AREAS_MAX];
static unsigned area_count;

/* The text of the site being rewritten. */
static struct text *text;
uint64_t patch_trampoline_start, patch_trampoline_next;
extern char libos_syscall_entry[];

struct patch_counts patch_counts(void)
{
	return counts;
}

/* ---- a length decoder for what follows a syscall */

/* Bytes of a ModRM operand from `p` (ModRM, SIB, displacement); 0 for a
 * RIP-relative operand, which would need re-aiming. */
static unsigned modrm_bytes(const uint8_t *p)
{
	unsigned mod = p[0] >> 6, rm = p[0] & 7, length = 1;

	if (mod == 3)
		return 1;
	if (rm == 4) {
		length++;
		if (mod == 0 && (p[1] & 7) == 5)
			return length + 4;
	} else if (mod == 0 && rm == 5) {
		return 0;
	}
	return length + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/* Decodes the instruction at p (at most `room` bytes readable) into
 * *step; returns its length, or 0 for one this file does not move. */
static unsigned decode(const uint8_t *p, uint64_t room, uint64_t address,
		       struct step *step)
{
	unsigned at = 0, operand_16 = 0, rex_w = 0, length = 0;

	if (room > 15)
		room = 15;
	if (room >= 2 && p[0] == 0xf3 && p[1] == 0xc3) {
		step->kind = STEP_RET;
		return 2;
	}
	if (at < room && p[at] == 0x66)
		operand_16 = ++at;
	if (at < room && p[at] == 0x2e) /* CS: no effect in 64-bit mode */
		at++;
	if (at < room && (p[at] & 0xf0) == 0x40)
		rex_w = p[at++] & 8;
	if (at + 1 > room)
		return 0;
	uint8_t op = p[at++];
	unsigned immediate = operand_16 ? 2 : 4;
	unsigned modrm = at < room ? modrm_bytes(p + at) : 0;

	step->kind = STEP_COPY;
	if (op == 0xc3) {
		step->kind = STEP_RET;
		length = at;
	} else if (op == 0x90 || op == 0xcc || op == 0x98 || op == 0x99 ||
		   (op >= 0x50 && op <= 0x5f)) {
		length = at;
	} else if (op >= 0xb8 && op <= 0xbf) {
		length = at + (rex_w ? 8 : immediate);
	} else if (op == 0x3c || op == 0xa8 || op == 0x04 || op == 0x24 ||
		   op == 0x2c) {
		length = at + 1;
	} else if (op == 0x3d || op == 0xa9 || op == 0x05 || op == 0x25 ||
		   op == 0x2d || op == 0x35 || op == 0x0d) {
		length = at + immediate;
	} else if ((op < 0x40 && (op & 7) < 4) || op == 0x63 ||
		   (op >= 0x84 && op <= 0x8b) || op == 0x8d || op == 0xd1 ||
		   op == 0xd3 || op == 0xff) {
		if (modrm == 0 || (op == 0xff && ((p[at] >> 3) & 7) == 7))
			return 0;
		length = at + modrm;
	} else if (op == 0x80 || op == 0x83 || op == 0xc0 || op == 0xc1 ||
		   op == 0xc6) {
		length = modrm ? at + modrm + 1 : 0;
	} else if (op == 0x81 || op == 0xc7) {
		length = modrm ? at + modrm + immediate : 0;
	} else if (op == 0xf6 || op == 0xf7) {
		unsigned reg = (p[at] >> 3) & 7;
		length = modrm == 0 || reg == 1 ? 0 :
			 at + modrm + (reg == 0 ? (op == 0xf6 ? 1 : immediate) : 0);
	} else if ((op >= 0x70 && op <= 0x7f) || op == 0xeb) {
		if (at + 1 > room)
			return 0;
		step->kind = op == 0xeb ? STEP_JMP : STEP_JCC;
		step->condition = op & 0x0f;
		step->target = address + at + 1 + (uint64_t)(int64_t)(int8_t)p[at];
		return at + 1;
	} else if (op == 0xe8 || op == 0xe9) {
		if (at + 4 > room || operand_16)
			return 0;
		int32_t relative;
		memcpy(&relative, p + at, 4);
		step->kind = op == 0xe8 ? STEP_CALL : STEP_JMP;
		step->target = address + at + 4 + (uint64_t)(int64_t)relative;
		return at + 4;
	} else if (op == 0x0f && at < room) {
		uint8_t second = p[at++];
		modrm = at < room ? modrm_bytes(p + at) : 0;
		if (second >= 0x80 && second <= 0x8f) {
			if (at + 4 > room)
				return 0;
			int32_t relative;
			memcpy(&relative, p + at, 4);
			step->kind = STEP_JCC;
			step->condition = second & 0x0f;
			step->target = address + at + 4 +
				       (uint64_t)(int64_t)relative;
			return at + 4;
		}
		if (second == 0xb6 || second == 0xb7 || second == 0xbe ||
		    second == 0xbf || second == 0x1f || second == 0xaf ||
		    (second >= 0x40 && second <= 0x4f) ||
		    (second >= 0x90 && second <= 0x9f))
			length = modrm ? at + modrm : 0;
	}
	return length <= room ? length : 0;
}

/* ---- the branch targets of the text */

static bool is_target(uint64_t address)
{
	uint64_t bit = address - text->start;

	return text->targets[bit / 8] & (1u << (bit % 8));
}

static void mark(uint64_t target)
{
	if (target >= text->start && target < text->end) {
		uint64_t bit = target - text->start;
		text->targets[bit / 8] |= (uint8_t)(1u << (bit % 8));
	}
}

/* Every byte offset read as a relative jump or call: a superset of the
 * real targets (an indirect jump's target, a function reached only by a
 * pointer, is not seen: docs/patching.md). */
static void scan_branches(void)
{
	const uint8_t *code = (const uint8_t *)text->start;
	uint64_t size = text->end - text->start;

	for (uint64_t i = 0; i + 2 <= size; i++) {
		uint8_t op = code[i];
		uint64_t here = text->start + i;
		int32_t relative;

		if ((op >= 0x70 && op <= 0x7f) || op == 0xeb ||
		    (op >= 0xe0 && op <= 0xe3)) {
			mark(here + 2 + (uint64_t)(int64_t)(int8_t)code[i + 1]);
		} else if ((op == 0xe8 || op == 0xe9) && i + 5 <= size) {
			memcpy(&relative, code + i + 1, 4);
			mark(here + 5 + (uint64_t)(int64_t)relative);
		} else if (op == 0x0f && (code[i + 1] & 0xf0) == 0x80 &&
			   i + 6 <= size) {
			memcpy(&relative, code + i + 2, 4);
			mark(here + 6 + (uint64_t)(int64_t)relative);
		}
	}
}

/* ---- texts and trampoline areas */

static struct text *text_holding(uint64_t address)
{
	for (unsigned i = 0; i < TEXTS_MAX; i++)
		if (address >= texts[i].start && address < texts[i].end)
			return &texts[i];
	return NULL;
}

bool patch_in_area(uint64_t address)
{
	for (unsigned i = 0; i < area_count; i++)
		if (address - areas[i].start < TRAMPOLINE_AREA)
			return true;
	return false;
}

/* Whether a region may hold a text: executable, and the loader's image
 * or the app's private memory (a library's text copied from its file);
 * never a shared file view (a write would reach the file) or an area,
 * nor W+X memory, which the app may rewrite under the branch scan
 * without a call. */
static bool text_kind(const struct region *region, uint32_t prot)
{
	return region && region->prot == prot && (prot & PROT_EXEC) &&
	       !(prot & PROT_WRITE) &&
	       (region->kind == REGION_IMAGE ||
		region->kind == REGION_ANONYMOUS) &&
	       !patch_in_area(region->start);
}

/* The extent of a new text around `address`: its region and the
 * neighbours of the same kind and protection that touch it (rewriting
 * splits a region at the pages it writes), up to any other text. */
static bool text_extent(uint64_t address, uint64_t *start, uint64_t *end)
{
	const struct region *region = vm_find(address);

	if (!region || !text_kind(region, region->prot))
		return false;
	uint32_t prot = region->prot;
	uint8_t kind = region->kind;

	*start = region->start;
	*end = region->end;
	for (const struct region *before = vm_find(*start - 1);
	     before && before->end == *start && before->kind == kind &&
	     text_kind(before, prot) && !text_holding(before->end - 1);
	     before = vm_find(*start - 1))
		*start = before->start;
	for (const struct region *after = vm_find(*end);
	     after && after->start == *end && after->kind == kind &&
	     text_kind(after, prot) && !text_holding(after->start);
	     after = vm_find(*end))
		*end = after->end;
	for (unsigned i = 0; i < TEXTS_MAX; i++) {
		if (texts[i].end == 0)
			continue;
		if (texts[i].end <= address && texts[i].end > *start)
			*start = texts[i].end;
		if (texts[i].start > address && texts[i].start < *end)
			*end = texts[i].start;
	}
	return *end - *start <= TEXT_MAX &&
	       (kind == REGION_IMAGE || *end - *start <= TEXT_MAPPED_MAX);
}

/* An area with room whose every trampoline can reach all of [start, end)
 * with a rel32 jump, and back: one already made, or a new one below the
 * text. */
static struct area *area_for(uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < area_count; i++) {
		struct area *area = &areas[i];
		uint64_t low = area->start < start ? area->start : start;
		uint64_t high = area->start + TRAMPOLINE_AREA > end
					? area->start + TRAMPOLINE_AREA : end;

		if (high - low < REL32_SPAN &&
		    area->next + TRAMPOLINE_MAX <= area->start + TRAMPOLINE_AREA)
			return area;
	}
	uint64_t at = vm_find_free(TRAMPOLINE_AREA, start);

	if (area_count == AREAS_MAX || at == 0 || end - at >= REL32_SPAN)
		return NULL;
	/* Known as an area (patch_in_area) before it is mapped: its region
	 * joins no neighbour (vm.c, mergeable). */
	struct area *area = &areas[area_count++];

	area->start = at;
	area->next = at + GATE_BYTES;
	if (vm_map(at, TRAMPOLINE_AREA, PROT_READ | PROT_WRITE,
		   REGION_ANONYMOUS) < 0) {
		area_count--;
		return NULL;
	}
	if (!vm_populate(at, TRAMPOLINE_AREA)) {
		vm_unmap(at, TRAMPOLINE_AREA);
		area_count--;
		return NULL;
	}
	/* The gate: movabs $libos_syscall_entry, %r11; jmp *%r11. */
	uint8_t *gate = (uint8_t *)at;
	uint64_t entry = (uint64_t)libos_syscall_entry;

	gate[0] = 0x49;
	gate[1] = 0xbb;
	memcpy(gate + 2, &entry, 8);
	gate[10] = 0x41;
	gate[11] = 0xff;
	gate[12] = 0xe3;
	memset(gate + 13, 0xcc, GATE_BYTES - 13);
	vm_protect(at, TRAMPOLINE_AREA, PROT_READ | PROT_EXEC);

	if (patch_trampoline_start == 0 || at < patch_trampoline_start)
		patch_trampoline_start = at;
	if (at + TRAMPOLINE_AREA > patch_trampoline_next)
		patch_trampoline_next = at + TRAMPOLINE_AREA;
	return area;
}

/* The text holding `site`, made on its first rewrite (its extent, its
 * area, its branch scan), as `text`; false if there is none to be had. */
static bool text_ready(uint64_t site)
{
	text = text_holding(site);
	if (text)
		return true;
	uint64_t start, end;
	struct text *slot = NULL;

	for (unsigned i = 0; i < TEXTS_MAX && !slot; i++)
		if (texts[i].end == 0)
			slot = &texts[i];
	if (!slot || !text_extent(site, &start, &end) ||
	    !vm_populate(start, end - start))
		return false;
	uint8_t *bitmap = (uint8_t *)(LIBOS_PATCH_BITMAP +
				      (uint64_t)(slot - texts) * BITMAP_WINDOW);
	uint64_t bitmap_bytes = page_up((end - start + 7) / 8);
	struct area *area = area_for(start, end);

	if (!area || wk_mem_map((long)bitmap, (long)bitmap_bytes,
				WK_PROT_READ | WK_PROT_WRITE) < 0)
		return false;
	*slot = (struct text){ .start = start, .end = end, .targets = bitmap,
			       .area = area };
	text = slot;
	scan_branches();
	return true;
}

/* The sites' two orders, after sites[] changed. */
static void sort_sites(void)
{
	for (unsigned n = 0; n < site_count; n++) {
		unsigned at = n, entry_at = n;

		for (; at > 0 && sites[by_start[at - 1]].start > sites[n].start;
		     at--)
			by_start[at] = by_start[at - 1];
		by_start[at] = (uint16_t)n;
		for (; entry_at > 0 &&
		       sites[by_entry[entry_at - 1]].entry > sites[n].entry;
		     entry_at--)
			by_entry[entry_at] = by_entry[entry_at - 1];
		by_entry[entry_at] = (uint16_t)n;
	}
}

/* The site the last answer of either mapping came from: a signal's frame
 * is built at a site (patch_app_rip) and taken back there
 * (patch_resume_rip), most often with nothing rewritten in between. */
static const struct site *recent;

static bool first_try(uint64_t address);

void patch_text_changed(uint64_t start, uint64_t length)
{
	uint64_t end = start + length;

	for (unsigned i = 0; i < TEXTS_MAX; i++) {
		struct text *gone = &texts[i];

		if (gone->end == 0 || end <= gone->start || gone->end <= start)
			continue;
		/* Its sites, and the addresses tried in it (a new text there
		 * is tried afresh). */
		unsigned kept = 0;

		for (unsigned k = 0; k < site_count; k++)
			if (sites[k].start < gone->start ||
			    sites[k].start >= gone->end)
				sites[kept++] = sites[k];
		site_count = kept;
		sort_sites();
		recent = NULL;

		static uint64_t keep[TRIED_SLOTS];
		unsigned keep_count = 0;

		for (unsigned k = 0; k < TRIED_SLOTS; k++) {
			if (tried[k] && (tried[k] < gone->start ||
					 tried[k] >= gone->end))
				keep[keep_count++] = tried[k];
			tried[k] = 0;
		}
		for (unsigned k = 0; k < keep_count; k++)
			first_try(keep[k]);
		wk_mem_unmap((long)gone->targets,
			     (long)page_up((gone->end - gone->start + 7) / 8));
		*gone = (struct text){ 0 };
	}
}

void patch_exec(void)
{
	patch_text_changed(0, UINT64_MAX);
	memset(tried, 0, sizeof(tried));
	memset(patch_inside_blocks, 0, sizeof(patch_inside_blocks));
	area_count = 0;
	patch_trampoline_start = patch_trampoline_next = 0;
	recent = NULL;
}

/* ---- building one site */

static bool fits_rel32(uint64_t from_end, uint64_t target)
{
	int64_t distance = (int64_t)(target - from_end);

	return distance == (int64_t)(int32_t)distance;
}

static uint8_t *put_rel32(uint8_t *out, uint64_t out_address, uint8_t op,
			  unsigned op_bytes, uint64_t target)
{
	int32_t relative = (int32_t)(target - (out_address + op_bytes + 4));

	if (op_bytes == 2)
		*out++ = 0x0f;
	*out++ = op;
	memcpy(out, &relative, 4);
	return out + 4;
}

/* A fixed answer for `number`, or false. */
static bool fixed_answer(uint64_t number, uint32_t *answer)
{
	struct wk_regs none = { 0 };
	long value;

	switch (number) {
	case LINUX_NR_getpid: value = sys_getpid(&none); break;
	case LINUX_NR_getppid: value = sys_getppid(&none); break;
	case LINUX_NR_getuid: value = sys_getuid(&none); break;
	case LINUX_NR_getgid: value = sys_getgid(&none); break;
	case LINUX_NR_geteuid: value = sys_geteuid(&none); break;
	case LINUX_NR_getegid: value = sys_getegid(&none); break;
	default: return false;
	}
	*answer = (uint32_t)value;
	return true;
}

static bool overlaps_a_site(uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < site_count; i++)
		if (start < sites[i].end && sites[i].start < end)
			return true;
	return false;
}

/* Writes `bytes` into a text at `address`: made writable (not
 * executable) for the copy, then given its protection back. */
static bool write_text(uint64_t address, const uint8_t *bytes,
		       unsigned length)
{
	uint64_t first = page_down(address);
	uint64_t span = page_up(address + length) - first;
	const struct region *region = vm_find(address);
	uint32_t prot = region->prot;

	if (vm_protect(first, span, PROT_READ | PROT_WRITE) < 0)
		return false;
	memcpy((void *)address, bytes, length);
	vm_protect(first, span, prot);
	return true;
}

/* Moves threads stopped inside the rewritten bytes (and regs). */
static void move_threads(struct wk_regs *regs)
{
	regs->rip = patch_resume_rip(regs->rip);
	for (unsigned i = 0; i < THREADS_MAX; i++) {
		struct thread *thread = thread_slot(i);

		if (thread)
			thread->regs.rip = patch_resume_rip(thread->regs.rip);
	}
}

/* Decodes what follows the syscall at `address` (form B): whole
 * instructions up to 5 bytes, or to a RET or JMP and the padding after
 * it. Returns the bytes from `address` that move, or 0. */
static unsigned decode_followers(uint64_t address, struct step *steps,
				 unsigned *count, bool *ended)
{
	unsigned offset = 2;

	*count = 0;
	*ended = false;
	while (offset < 5) {
		struct step step = { .offset = (uint8_t)offset };
		uint64_t here = address + offset;
		unsigned length = decode((const uint8_t *)here,
					 text->end - here, here, &step);

		if (length == 0 || is_target(here))
			return 0;
		step.length = (uint8_t)length;
		if (*ended) {
			const uint8_t *b = (const uint8_t *)here;
			bool padding = b[0] == 0x90 || b[0] == 0xcc ||
				       (b[0] == 0x0f && b[1] == 0x1f) ||
				       (b[0] == 0x66 && (b[1] == 0x90 ||
							 b[1] == 0x0f ||
							 b[1] == 0x2e));
			if (!padding)
				return 0;
		} else {
			if (*count == SITE_STEPS)
				return 0;
			steps[(*count)++] = step;
			*ended = step.kind == STEP_RET || step.kind == STEP_JMP;
		}
		offset += length;
	}
	return offset;
}

/* The value of general register `index` (x86's numbering: 0 RAX ... 7 RDI,
 * 8 R8 ... 15 R15) in regs. */
static uint64_t register_value(const struct wk_regs *regs, unsigned index)
{
	const uint64_t values[16] = {
		regs->rax, regs->rcx, regs->rdx, regs->rbx, regs->rsp,
		regs->rbp, regs->rsi, regs->rdi, regs->r8,  regs->r9,
		regs->r10, regs->r11, regs->r12, regs->r13, regs->r14,
		regs->r15 };

	return values[index];
}

/*
 * The bytes of a `mov $imm32` into a register right before the syscall at
 * `address` that can become the jump (form A), or 0:
 *
 *   B8+r imm32         5 bytes  mov $imm, %r32 (zero-extended)
 *   41 B8+r imm32      6 bytes  mov $imm, %r8d..%r15d
 *   48/49 C7 C0+r imm  7 bytes  mov $imm, %r64 (sign-extended; musl's
 *                               __restore_rt has `mov $15, %rax`)
 *
 * most often the call's number into EAX, but also an argument (musl's
 * __restore_sigs ends `mov $2, %edi; syscall; ret` with no padding after
 * it, which form B needs). Read backwards the same bytes could be the
 * tail of a longer instruction (`movl $39, -0x48(%rbp)` ends in
 * b8 27 00 00 00), so the register must hold the immediate at this call
 * (regs: the state at the syscall, which the mov set), and the site goes
 * to form B when the bytes could belong to a longer instruction:
 *
 *   - the byte before is LEA, whose ModRM byte B8+r would then be, with
 *     a 32-bit displacement after it (`lea 0x100(%rdi), %edi` is
 *     8D BF 00 01 00 00, and leaves EDI = 0x100 when RDI was 0), or
 *     LEA's ModRM byte, B8+r being its SIB byte, or an operand-size
 *     prefix. (Other ModRM opcodes would touch memory at the register
 *     plus a displacement equal to it: no address. Refusing every such
 *     byte would lose half the sites: 00 ends most padding.)
 *   - an opcode with a ModRM displacement and a 32-bit immediate (C7,
 *     81, 69, F7) within reach before it, or a MOVABS (B8+r imm64, 9
 *     bytes before) whose immediate would hold it.
 *
 * RCX, R11 (SYSCALL destroys them) and RSP never qualify. *to_eax: the
 * mov is of the call's number, which a fixed answer may replace.
 */
static unsigned prefix_mov(const uint8_t *code, uint64_t address,
			   const struct wk_regs *regs, bool *to_eax)
{
	unsigned length = 0, index = 0;
	uint64_t value = 0;
	int32_t immediate;

	if (address - 10 < text->start || address - 10 > address ||
	    code[-6] == 0x8d || code[-6] == 0x66 ||
	    (code[-7] == 0x8d && (code[-6] & 0xc7) == 0x84))
		return 0;
	memcpy(&immediate, code - 4, 4);
	if ((code[-5] & 0xf8) == 0xb8) {
		/* With a REX.B byte before it, either the mov is 6 bytes
		 * long (R8D..R15D) or that byte ends the instruction before:
		 * the mov leaves its register holding the immediate, so
		 * exactly one of the two registers must. */
		unsigned low = code[-5] & 7;

		value = (uint32_t)immediate;
		length = 5;
		index = low;
		if ((code[-6] & 0xf9) == 0x41) {
			bool high = register_value(regs, low + 8) == value;

			/* Either register must be one SYSCALL keeps, and the
			 * call must have come through the mov. */
			if (low == 1 || low == 3 || low == 4 ||
			    is_target(address) ||
			    high == (register_value(regs, low) == value))
				return 0;
			if (high) {
				length = 6;
				index = low + 8;
			}
		}
	} else if ((code[-7] & 0xfe) == 0x48 && code[-6] == 0xc7 &&
		   (code[-5] & 0xf8) == 0xc0) {
		length = 7;
		index = (code[-5] & 7) + (code[-7] & 1 ? 8 : 0);
		value = (uint64_t)(int64_t)immediate;
	}
	if (length == 0 || index == 1 || index == 4 || index == 11 ||
	    register_value(regs, index) != value)
		return 0;
	for (unsigned back = length + 1; back <= length + 6; back++)
		if (address - back >= text->start &&
		    (code[-(int)back] == 0xc7 || code[-(int)back] == 0x81 ||
		     code[-(int)back] == 0x69 || code[-(int)back] == 0xf7 ||
		     (back == 9 && (code[-9] & 0xf8) == 0xb8)))
			return 0;
	*to_eax = index == 0;
	return length;
}

/* Marks the 32-byte blocks that hold the inside of a form-B site's
 * rewritten bytes, so that patch_resume_rip answers most addresses
 * without a search. */
uint64_t patch_inside_blocks[PATCH_INSIDE_BLOCKS / 64];

static void mark_inside(uint64_t start, uint64_t end)
{
	for (uint64_t at = start + 1; at < end; at += 32) {
		unsigned block = patch_inside_block(at);

		patch_inside_blocks[block / 64] |= UINT64_C(1) << (block % 64);
	}
	unsigned last = patch_inside_block(end - 1);

	patch_inside_blocks[last / 64] |= UINT64_C(1) << (last % 64);
}

/*
 * Two forms. A: a `mov` of an immediate right before the syscall
 * (prefix_mov): only the mov becomes the jump, and the trampoline jumps
 * back to the syscall's end; the syscall itself stays, so a jump straight
 * to it still works (through the kernel), and no thread can be stopped
 * inside the rewritten bytes. B: otherwise the syscall and what follows
 * it move (decode_followers). A call with a fixed answer is answered in
 * form A only.
 */
static bool rewrite(uint64_t address, uint64_t number, struct wk_regs *regs)
{
	struct site *site = &sites[site_count];
	struct step steps[SITE_STEPS];
	const uint8_t *code = (const uint8_t *)address;
	unsigned count = 0, moved_bytes = 0;
	bool ended = false;

	if (site_count == SITES_MAX || !text_ready(address) ||
	    address + 2 > text->end)
		return false;
	struct area *area = text->area;

	if (area->next + TRAMPOLINE_MAX > area->start + TRAMPOLINE_AREA) {
		area = area_for(text->start, text->end);
		if (area == NULL)
			return false;
		text->area = area;
	}
	bool to_eax = false;
	unsigned prefix = prefix_mov(code, address, regs, &to_eax);
	bool prefixed = prefix != 0;

	if (!prefixed) {
		moved_bytes = decode_followers(address, steps, &count, &ended);
		if (moved_bytes == 0)
			return false;
	}
	uint64_t start = address - prefix;
	uint64_t end = prefixed ? address : address + moved_bytes;
	uint32_t answer = 0;
	bool answered = to_eax && fixed_answer(number, &answer);

	if (overlaps_a_site(start, end + (prefixed ? 2 : 0)) ||
	    !fits_rel32(start + 5, area->next) ||
	    !fits_rel32(area->next + TRAMPOLINE_MAX, end + 2))
		return false;

	/* The trampoline. */
	uint8_t code_out[TRAMPOLINE_MAX];
	uint8_t *out = code_out;
	uint64_t base = area->next;

	if (answered) {
		*out++ = 0xb8;
		memcpy(out, &answer, 4);
		out += 4;
	} else {
		int32_t relative = 7;                      /* to after */

		if (prefixed) {
			memcpy(out, code - prefix, prefix); /* the mov */
			out += prefix;
		}
		*out++ = 0x48; *out++ = 0x8d; *out++ = 0x0d; /* lea rel(%rip), %rcx */
		memcpy(out, &relative, 4);
		out += 4;
		out = put_rel32(out, base + (uint64_t)(out - code_out), 0xe9, 1,
				area->start);
		*out++ = 0xeb;
		*out++ = (uint8_t)-14;                     /* back to the lea */
	}
	site->after = base + (uint64_t)(out - code_out);
	for (unsigned i = 0; i < count; i++) {
		const struct step *step = &steps[i];
		uint64_t at = base + (uint64_t)(out - code_out);

		site->offset[i] = step->offset;
		site->moved[i] = (uint16_t)(at - site->after);
		switch (step->kind) {
		case STEP_JCC:
			out = put_rel32(out, at, (uint8_t)(0x80 | step->condition),
					2, step->target);
			break;
		case STEP_JMP:
			out = put_rel32(out, at, 0xe9, 1, step->target);
			break;
		case STEP_CALL:
			out = put_rel32(out, at, 0xe8, 1, step->target);
			break;
		default:
			memcpy(out, code + step->offset, step->length);
			out += step->length;
		}
		if (step->kind != STEP_COPY && step->kind != STEP_RET &&
		    !fits_rel32(at + 6, step->target))
			return false;
	}
	if (prefixed)
		out = put_rel32(out, base + (uint64_t)(out - code_out), 0xe9, 1,
				address + 2);
	else if (!ended)
		out = put_rel32(out, base + (uint64_t)(out - code_out), 0xe9, 1,
				end);
	site->steps = (uint8_t)count;

	/* In: the trampoline first, then the jump to it. */
	unsigned size = (unsigned)(out - code_out);
	if (vm_protect(area->start, TRAMPOLINE_AREA,
		       PROT_READ | PROT_WRITE) < 0)
		return false;
	memcpy((void *)base, code_out, size);
	vm_protect(area->start, TRAMPOLINE_AREA, PROT_READ | PROT_EXEC);
	area->next = (base + size + 15) & ~(uint64_t)15;

	uint8_t jump[16];
	unsigned length = (unsigned)(end - start);

	put_rel32(jump, start, 0xe9, 1, base);
	memset(jump + 5, 0xcc, length - 5);       /* never reached */
	if (!write_text(start, jump, length))
		return false;
	site->start = start;
	site->address = address;
	site->entry = base;
	site->entry_end = area->next;
	site->end = end;
	site_count++;
	sort_sites();
	counts.answered += answered;
	if (!prefixed) { /* form A leaves no instruction split */
		mark_inside(start, end);
		move_threads(regs);
	}
	return true;
}

static bool first_try(uint64_t address)
{
	unsigned slot = (unsigned)((address * 0x9e3779b97f4a7c15ull) >> 52) %
			TRIED_SLOTS;

	for (unsigned n = 0; n < TRIED_SLOTS; n++) {
		uint64_t *entry = &tried[(slot + n) % TRIED_SLOTS];

		if (*entry == address)
			return false;
		if (*entry == 0) {
			*entry = address;
			return true;
		}
	}
	return false; /* full: try no more */
}

/* patch_reflected_site's work, for a site not tried before (out of line:
 * a site left to the kernel, or wicket.patch=off, costs its checks
 * alone). */
__attribute__((noinline)) static void try_site(struct wk_regs *regs,
					       uint64_t address)
{
	uint64_t number = regs->rax;

	if (!first_try(address))
		return;
	const uint8_t *code = (const uint8_t *)address;
	const struct region *region = vm_find(address);

	if (!region || !(region->prot & PROT_EXEC) || code[0] != 0x0f ||
	    code[1] != 0x05)
		return;
	bool skip = number == LINUX_NR_clone || number == LINUX_NR_clone3 ||
		    number == LINUX_NR_fork || number == LINUX_NR_vfork ||
		    number == LINUX_NR_execve || number == LINUX_NR_exit ||
		    number == LINUX_NR_exit_group;

	if (!skip && rewrite(address, number, regs)) {
		counts.patched++;
	} else {
		counts.refused++;
		if (options.strace)
			libos_report("strace: call site 0x%lx (%s) left to the "
				     "kernel", address, syscall_name(number));
	}
}

void patch_reflected_site(struct wk_regs *regs)
{
	uint64_t address = regs->rip - 2;

	if (!options.patch_off && libos_has(WK_CPU_FSGSBASE) &&
	    address >= WK_USER_MIN && address < APP_LIMIT)
		try_site(regs, address);
}

/* The last site in by_start (app address) or by_entry (trampoline)
 * whose key is at most `at`; NULL if none. */
static const struct site *site_before(uint64_t at, bool trampoline)
{
	unsigned low = 0, high = site_count; /* the answer is below high */

	while (low < high) {
		unsigned middle = (low + high) / 2;
		const struct site *site =
			&sites[trampoline ? by_entry[middle] : by_start[middle]];

		if ((trampoline ? site->entry : site->start) <= at)
			low = middle + 1;
		else
			high = middle;
	}
	if (low == 0)
		return NULL;
	return &sites[trampoline ? by_entry[low - 1] : by_start[low - 1]];
}


uint64_t patch_resume_rip_inside(uint64_t rip)
{
	const struct site *site = recent;

	if (site == NULL || rip <= site->start || rip >= site->end)
		site = recent = site_before(rip, false);

	/* Sites never overlap, so only the last one starting below RIP
	 * can hold it. */
	if (site == NULL || rip <= site->start || rip >= site->end)
		return rip;
	for (unsigned k = 0; k < site->steps; k++)
		if (rip == site->address + site->offset[k])
			return site->after + site->moved[k];
	return rip; /* not an instruction boundary */
}

uint64_t patch_app_rip_in_trampoline(uint64_t rip)
{
	const struct site *site = recent;

	if (site == NULL || rip < site->entry || rip >= site->entry_end)
		site = recent = site_before(rip, true);
	if (site == NULL)
		return rip;
	if (rip == site->entry)
		return site->start;
	if (rip > site->entry && rip < site->after)
		return site->address;  /* on its way to the libOS */
	if (rip == site->after)
		return site->address + 2;
	for (unsigned k = 0; k < site->steps; k++)
		if (rip == site->after + site->moved[k])
			return site->address + site->offset[k];
	return rip;
}
