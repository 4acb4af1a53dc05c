/*
 * The user-copy primitives. A fault inside one of the marked instructions
 * sends trap_dispatch to the fixup through the exception table; the fixups
 * here resume after the copy with the count left in RCX (rep movs stops
 * with RCX = elements not copied).
 */
#include "arch/x86_64/uaccess.h"

#include "lib/extable.h"
#include "wicket/abi.h"

bool uaccess_smap;

/*
 * Copies `length` bytes from `from` to `to`, one of which is `user`: 0, or
 * -WK_EFAULT when the user range is out of bounds or a byte faulted. The
 * bulk moves as quadwords, the tail as bytes. A fault in either loop
 * leaves RCX = the elements it had left (at least the one that faulted),
 * and both fixups go on after the copy: any count left is a fault.
 */
static int copy_user(void *to, const void *from, size_t length,
		     uint64_t user)
{
	size_t tail = length & 7;
	size_t count = length >> 3;

	if (!user_range_ok(user, length))
		return -WK_EFAULT;
	if (uaccess_smap)
		__asm__ volatile("stac" : : : "memory");
	__asm__ volatile("1: rep movsq\n"
			 "   movl %k[tail], %%ecx\n"
			 "2: rep movsb\n"
			 "3:\n"
			 EXTABLE_ENTRY(1b, 3b)
			 EXTABLE_ENTRY(2b, 3b)
			 : "+D"(to), "+S"(from), "+c"(count)
			 : [tail] "r"(tail)
			 : "memory");
	if (uaccess_smap)
		__asm__ volatile("clac" : : : "memory");
	return count ? -WK_EFAULT : 0;
}

int copy_from_user(void *to, struct user_pointer from, size_t length)
{
	return copy_user(to, (const void *)from.address, length, from.address);
}

int copy_to_user(struct user_pointer to, const void *from, size_t length)
{
	return copy_user((void *)to.address, from, length, to.address);
}
