/*
 * A seeded generator for the random differential tests (the *_fuzz.c
 * programs): xorshift64, so that the host's run and Wicket's draw the
 * same sequence from the same seed (never 0).
 */
#ifndef TESTS_APPS_RANDOM_UTIL_H
#define TESTS_APPS_RANDOM_UTIL_H

#include <stdint.h>
#include <stdlib.h>

static uint64_t random_state;

static inline uint64_t next_random(void)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 7;
	random_state ^= random_state << 17;
	return random_state;
}

/* The seed: the program's first argument when it has one, else its own
 * `fallback` (0 is no seed for xorshift: 1). */
static inline void seed_random(int argc, char **argv, uint64_t fallback)
{
	random_state = argc > 1 ? strtoull(argv[1], NULL, 0) : fallback;
	if (random_state == 0)
		random_state = 1;
}

/* A number in [0, bound). */
static inline unsigned below(unsigned bound)
{
	return (unsigned)(next_random() % bound);
}

#endif /* TESTS_APPS_RANDOM_UTIL_H */
