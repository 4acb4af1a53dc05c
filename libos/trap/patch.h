/*
 * Call-site rewriting (docs/patching.md). After a site's first reflected
 * system call, its 2-byte `syscall` and the instructions after it (at
 * least 5 bytes in all) become a `jmp rel32` to a trampoline below the
 * text (the app's, its loader's, or a library's that the loader copied
 * from its file); the trampoline enters the libOS in user mode
 * (libos_syscall_entry in syscall_entry.S), so later calls from the site
 * never enter the kernel. Calls whose answer is fixed for the run (getpid
 * and the user and group ids) are answered in the trampoline itself.
 */
#ifndef LIBOS_TRAP_PATCH_H
#define LIBOS_TRAP_PATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "wicket/abi.h"

/* Called with the frame of a system call the kernel reflected, before it
 * is handled: rewrites its site when it can, once per site, and moves
 * every thread whose saved RIP is inside the rewritten bytes to the same
 * point in the trampoline (regs among them). */
void patch_reflected_site(struct wk_regs *regs);

/* The app is about to unmap, re-protect or discard [start, start +
 * length): a text overlapping it is forgotten with its sites (rewritten
 * bytes that stay are still jumps to working trampolines), and sites
 * there are tried afresh. */
void patch_text_changed(uint64_t start, uint64_t length);

/* execve, with the app's whole address space gone: every text, site,
 * address tried and trampoline area is forgotten. */
void patch_exec(void);

/* Whether address is in a trampoline area (/proc/1/maps names them). */
bool patch_in_area(uint64_t address);

/* patch.c's, read inline by the two mappings below: the extent of the
 * trampoline areas [start, next) (with gaps between areas), and a bit
 * per 32-byte block of the texts
 * (by address modulo the bits) set where a site's rewritten bytes are. */
extern uint64_t patch_trampoline_start, patch_trampoline_next;
#define PATCH_INSIDE_BLOCKS 4096
extern uint64_t patch_inside_blocks[PATCH_INSIDE_BLOCKS / 64];

static inline unsigned patch_inside_block(uint64_t address)
{
	return (unsigned)(address >> 5) % PATCH_INSIDE_BLOCKS;
}

/* The searching halves of the two mappings. */
uint64_t patch_resume_rip_inside(uint64_t rip);
uint64_t patch_app_rip_in_trampoline(uint64_t rip);

/* The RIP a context saved before its site was rewritten must resume at
 * (rt_sigreturn): `rip` itself unless it is inside rewritten bytes. */
static inline uint64_t patch_resume_rip(uint64_t rip)
{
	unsigned block = patch_inside_block(rip);

	if (!(patch_inside_blocks[block / 64] >> (block % 64) & 1))
		return rip;
	return patch_resume_rip_inside(rip);
}

/* The reverse, for what the app sees (a signal frame's RIP): a point in
 * a trampoline as the same point at its site (the restart point and the
 * way into the libOS read as the syscall itself). */
static inline uint64_t patch_app_rip(uint64_t rip)
{
	if (rip < patch_trampoline_start || rip >= patch_trampoline_next)
		return rip;
	return patch_app_rip_in_trampoline(rip);
}

/* Sites rewritten and refused so far (the boot log and the tests). */
struct patch_counts {
	unsigned patched, answered, refused;
};
struct patch_counts patch_counts(void);

#endif /* LIBOS_TRAP_PATCH_H */
