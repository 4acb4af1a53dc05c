/*
 * The user-copy primitives. A fault inside one of the marked instructions
 * sends trap_dispatch to the fixup through the exception table; the fixups
 * here resume after the copy with the count left in RCX (rep movs stops
 * with RCX = elements not copied) or an error flag set.
 */
#include "arch/x86_64/uaccess.h"

#include "lib/extable.h"
#include "wicket/abi.h"

bool uaccess_smap;

static inline void user_access_begin(void)
{
	if (uaccess_smap)
		__asm__ volatile("stac" : : : "memory");
}

static inline void user_access_end(void)
{
	if (uaccess_smap)
		__asm__ volatile("clac" : : : "memory");
}

/* One instruction that may fault on a user address: a fault skips it and
 * sets the operand [faulted] to 1. */
#define USER_ACCESS(instruction)   \
	"1: " instruction "\n"     \
	"   jmp 3f\n"              \
	"2: movl $1, %[faulted]\n" \
	"3:\n"                     \
	EXTABLE_ENTRY(1b, 2b)

/*
 * Copies `length` bytes from `from` to `to`, one of which is `user`: 0, or
 * -WK_EFAULT when the user range is out of bounds or a byte faulted. The
 * bulk moves as quadwords, the tail as bytes. A fault in the first loop
 * leaves RCX = quadwords left, so its fixup turns that into bytes (RCX * 8 +
 * tail); a fault in the second leaves RCX = bytes left. A quadword
 * straddling into a bad page counts as not copied, though its first bytes
 * were: the count may be up to 7 too high, which matters not, since any
 * non-zero count is a fault.
 */
static int copy_user(void *to, const void *from, size_t length,
		     uint64_t user)
{
	size_t tail = length & 7;
	size_t count = length >> 3;

	if (!user_range_ok(user, length))
		return -WK_EFAULT;
	user_access_begin();
	__asm__ volatile("1: rep movsq\n"
			 "   movl %k[tail], %%ecx\n"
			 "2: rep movsb\n"
			 "   jmp 4f\n"
			 "3: leaq (%[tail], %%rcx, 8), %%rcx\n"
			 "4:\n"
			 EXTABLE_ENTRY(1b, 3b)
			 EXTABLE_ENTRY(2b, 4b)
			 : "+D"(to), "+S"(from), "+c"(count)
			 : [tail] "r"(tail)
			 : "memory");
	user_access_end();
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

int get_user_u32(uint32_t *value, struct user_pointer from)
{
	int faulted = 0;
	uint32_t word = 0;

	if (from.address % 4 || !user_range_ok(from.address, 4))
		return -WK_EFAULT;
	user_access_begin();
	__asm__ volatile(USER_ACCESS("movl (%[address]), %[word]")
			 : [word] "+r"(word), [faulted] "+r"(faulted)
			 : [address] "r"(from.address));
	user_access_end();
	*value = word;
	return faulted ? -WK_EFAULT : 0;
}

int put_user_u32(struct user_pointer to, uint32_t value)
{
	int faulted = 0;

	if (to.address % 4 || !user_range_ok(to.address, 4))
		return -WK_EFAULT;
	user_access_begin();
	__asm__ volatile(USER_ACCESS("movl %[value], (%[address])")
			 : [faulted] "+r"(faulted)
			 : [address] "r"(to.address), [value] "r"(value)
			 : "memory");
	user_access_end();
	return faulted ? -WK_EFAULT : 0;
}

long strncpy_from_user(char *to, struct user_pointer from, size_t size)
{
	size_t length = 0;
	int faulted = 0;

	if (size == 0)
		return -WK_EINVAL;
	user_access_begin();
	for (; length < size - 1; length++) {
		uint64_t address = from.address + length;
		char byte = 0;

		if (address >= WK_USER_LIMIT) {
			faulted = 1;
			break;
		}
		__asm__ volatile(USER_ACCESS("movb (%[address]), %[byte]")
				 : [byte] "+q"(byte), [faulted] "+r"(faulted)
				 : [address] "r"(address));
		if (faulted)
			break;
		to[length] = byte;
		if (byte == '\0')
			break;
	}
	user_access_end();
	if (faulted)
		return -WK_EFAULT;
	to[length] = '\0';
	if (length == size - 1)
		return -WK_EINVAL;
	return (long)length;
}
