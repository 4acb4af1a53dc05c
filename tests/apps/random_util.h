/*
 * A seeded generator for the random differential tests (vm_fuzz.c,
 * fs_fuzz.c): xorshift64, so that the host's run and Wicket's draw the
 * same sequence from the same seed (never 0).
 */
#ifndef TESTS_APPS_RANDOM_UTIL_H
#define TESTS_APPS_RANDOM_UTIL_H

#include <stdint.h>

static uint64_t random_state;

static inline uint64_t next_random(void)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 7;
	random_state ^= random_state << 17;
	return random_state;
}

/* A number in [0, bound). */
static inline unsigned below(unsigned bound)
{
	return (unsigned)(next_random() % bound);
}

#endif /* TESTS_APPS_RANDOM_UTIL_H */
