/*
 * random_bytes and getrandom (random.h).
 */
#include "linux/random.h"

#include <stdbool.h>
#include <stdint.h>

#include "errno.h"
#include "lib/string.h"
#include "libos.h"
#include "linux/syscalls.h"
#include "mm/vm.h"

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
#define GRND_INSECURE 0x4
#define GETRANDOM_MAX ((1u << 25) - 1) /* Linux's cap per call */
#define RDRAND_RETRIES 10 /* Intel's advice for a transient failure */

static uint64_t mix_state;

static bool rdrand64(uint64_t *value)
{
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		bool ok;

		__asm__ volatile("rdrand %0" : "=r"(*value), "=@ccc"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* SplitMix64 (Steele, Lea, Flood 2014), its state stirred with the TSC. */
static uint64_t mixed64(void)
{
	uint64_t z = (mix_state += 0x9e3779b97f4a7c15 ^ rdtsc());

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
	return z ^ (z >> 31);
}

void random_bytes(void *buffer, size_t length)
{
	uint8_t *out = buffer;
	bool hardware = libos_has(WK_CPU_RDRAND);

	while (length > 0) {
		uint64_t value;
		size_t chunk = length < 8 ? length : 8;

		if (!hardware || !rdrand64(&value))
			value = mixed64();
		memcpy(out, &value, chunk);
		out += chunk;
		length -= chunk;
	}
}

long sys_getrandom(struct wk_regs *regs)
{
	uint64_t buffer = regs->rdi, length = regs->rsi;
	uint64_t flags = regs->rdx;

	if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) ==
		    (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (length > GETRANDOM_MAX)
		length = GETRANDOM_MAX;
	if (!vm_user_ok(buffer, length, PROT_WRITE))
		return -EFAULT;
	random_bytes((void *)buffer, length);
	return (long)length;
}
