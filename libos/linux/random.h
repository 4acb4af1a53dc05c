/*
 * Random bytes for AT_RANDOM and getrandom: RDRAND when the CPU has it
 * (seeded from RDSEED where present is the CPU's business), else a
 * SplitMix64 stream whose state is stirred with the TSC on every call.
 * The fallback is not cryptographic; a CPU without RDRAND gets a warning
 * once.
 */
#ifndef LIBOS_LINUX_RANDOM_H
#define LIBOS_LINUX_RANDOM_H

#include <stddef.h>

void random_bytes(void *buffer, size_t length);

#endif /* LIBOS_LINUX_RANDOM_H */
