/*
 * The initial stack (stack.h). Strings are copied to the top, then the
 * vectors are written upwards from an RSP chosen so that it is 16-byte
 * aligned.
 */
#include "loader/stack.h"

#include <stddef.h>

#include "lib/string.h"
#include "libos.h"
#include "linux/identity.h"
#include "linux/procfs.h"
#include "linux/random.h"
#include "linux/syscalls.h"

/* Auxiliary vector types (Linux's include/uapi/linux/auxvec.h). */
#define AT_NULL     0
#define AT_PHDR     3
#define AT_PHENT    4
#define AT_PHNUM    5
#define AT_PAGESZ   6
#define AT_BASE     7
#define AT_FLAGS    8
#define AT_ENTRY    9
#define AT_UID      11
#define AT_EUID     12
#define AT_GID      13
#define AT_EGID     14
#define AT_PLATFORM 15
#define AT_HWCAP    16
#define AT_CLKTCK   17
#define AT_SECURE   23
#define AT_RANDOM   25
#define AT_HWCAP2   26
#define AT_EXECFN   31
#define AT_SYSINFO_EHDR 33
#define AUXV_PAIRS  20

#define CLOCK_TICKS_PER_SECOND 100 /* Linux's USER_HZ */

/* CPUID leaf 1 EDX: what Linux reports as AT_HWCAP on x86. */
static uint64_t hwcap(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
}

/* Copies length bytes below *cursor; returns their address. */
static uint64_t push_bytes(uint64_t *cursor, const void *bytes, size_t length)
{
	*cursor -= length;
	memcpy((void *)*cursor, bytes, length);
	return *cursor;
}

uint64_t stack_build(uint64_t top, uint64_t room, int argc, char *const *argv,
		     int envc, const char *const *envp,
		     const struct app_image *image)
{
	uint64_t cursor = top, limit = top - room;
	uint64_t argv_at[argc + 1], envp_at[envc + 1];
	uint8_t random[16];
	size_t total = 0;

	for (int i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	for (int i = 0; i < envc; i++)
		total += strlen(envp[i]) + 1;
	total += image->phnum * 56 + 64 + 16 +
		 8 * (size_t)(1 + argc + 1 + envc + 1 + 2 * AUXV_PAIRS);
	if (total > room)
		return 0;

	for (int i = envc; i-- > 0;)
		envp_at[i] = push_bytes(&cursor, envp[i], strlen(envp[i]) + 1);
	for (int i = argc; i-- > 0;)
		argv_at[i] = push_bytes(&cursor, argv[i], strlen(argv[i]) + 1);
	uint64_t platform = push_bytes(&cursor, "x86_64", 7);

	random_bytes(random, sizeof(random));
	cursor &= ~UINT64_C(15);
	uint64_t random_at = push_bytes(&cursor, random, sizeof(random));
	uint64_t phdr = image->phdr;

	if (phdr == 0) /* the headers are not in a segment: bring a copy */
		phdr = push_bytes(&cursor, image->file_phdrs,
				  image->phnum * 56);

	uint64_t auxv[2 * AUXV_PAIRS];
	unsigned n = 0;
#define AUX(type, value) (auxv[n++] = (type), auxv[n++] = (uint64_t)(value))
	AUX(AT_PHDR, phdr);
	AUX(AT_PHENT, 56);
	AUX(AT_PHNUM, image->phnum);
	AUX(AT_PAGESZ, WK_PAGE_SIZE);
	AUX(AT_BASE, image->interpreter_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, image->entry);
	AUX(AT_UID, identity()->uid[ID_REAL]);
	AUX(AT_EUID, identity()->uid[ID_EFFECTIVE]);
	AUX(AT_GID, identity()->gid[ID_REAL]);
	AUX(AT_EGID, identity()->gid[ID_EFFECTIVE]);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, random_at);
	AUX(AT_HWCAP, hwcap());
	AUX(AT_HWCAP2, 0);
	AUX(AT_CLKTCK, CLOCK_TICKS_PER_SECOND);
	AUX(AT_PLATFORM, platform);
	AUX(AT_EXECFN, argc > 0 ? argv_at[0] : platform);
	if (image->vdso)
		AUX(AT_SYSINFO_EHDR, image->vdso);
	AUX(AT_NULL, 0);
#undef AUX

	uint64_t words = 1 + (uint64_t)argc + 1 + (uint64_t)envc + 1 + n;
	uint64_t rsp = (cursor - words * 8) & ~UINT64_C(15);

	if (rsp < limit)
		return 0;
	uint64_t *out = (uint64_t *)rsp;

	*out++ = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		*out++ = argv_at[i];
	*out++ = 0;
	for (int i = 0; i < envc; i++)
		*out++ = envp_at[i];
	*out++ = 0;
	memcpy(out, auxv, n * 8);
	procfs_note_stack(envc > 0 ? envp_at[0] : top, top, (uint64_t)out,
			  n * 8);
	return rsp;
}
