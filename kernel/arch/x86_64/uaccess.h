/*
 * Access to user memory from the kernel. Every load or store that touches a
 * user address is listed in the exception table where it is written, so a
 * bad address gives -EFAULT instead of a kernel fault; with SMAP on, each
 * access is bracketed by STAC/CLAC. Addresses arrive wrapped in struct
 * user_pointer so that kernel code cannot dereference them by accident.
 */
#ifndef KERNEL_ARCH_X86_64_UACCESS_H
#define KERNEL_ARCH_X86_64_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wicket/abi.h"

struct user_pointer {
	uint64_t address;
};

static inline struct user_pointer user_pointer(uint64_t address)
{
	return (struct user_pointer){address};
}

/* Whether [address, address + length) lies in the user half
 * ([0, WK_USER_LIMIT)), which also makes it canonical, without wrapping.
 * Mapped or not is for the access itself to find out. */
static inline bool user_range_ok(uint64_t address, uint64_t length)
{
	return address <= WK_USER_LIMIT && length <= WK_USER_LIMIT - address;
}

/* 0, or -WK_EFAULT when any byte could not be copied. */
int copy_from_user(void *to, struct user_pointer from, size_t length);
int copy_to_user(struct user_pointer to, const void *from, size_t length);

/* Whether STAC/CLAC are in use (SMAP is on); set by cpu_enable_protections. */
extern bool uaccess_smap;

#endif /* KERNEL_ARCH_X86_64_UACCESS_H */
