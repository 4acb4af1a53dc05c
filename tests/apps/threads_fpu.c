/*
 * Differential test: floating-point state survives preemption and thread
 * switches. Main first computes four long computations single-threaded:
 *
 *   A  a double series through libm (SSE2 scalar), rounding to nearest
 *   B  the same series rounding upward (MXCSR and the x87 control word)
 *   C  float vectors in 8 SSE registers (GCC vector extensions)
 *   D  a long double series (the x87 register stack)
 *
 * Then one thread per computation repeats it for ~300 ms of wall time,
 * all four at once, so that many 10 ms quanta end in the middle of one;
 * every repetition must be bit-identical to main's result, and each
 * thread's rounding mode must still be its own at the end. Same binary,
 * same instructions: the results are the same on Linux and Wicket, and
 * only the match booleans (and counts on VARIES lines) are printed.
 *
 * Also: the initial MXCSR and x87 control word (Linux's defaults), and a
 * new thread starting with its creator's floating-point environment (Linux
 * copies the FPU state at clone).
 */
#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "threads_util.h"

#define RUN_NS (300 * MS)

static volatile int iterations = 20000;   /* volatile: no constant folding */

static uint32_t get_mxcsr(void)
{
	uint32_t v;
	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static uint16_t get_x87_cw(void)
{
	uint16_t v;
	__asm__ volatile("fnstcw %0" : "=m"(v));
	return v;
}

/* A and B: the accumulators stay in registers across the whole loop. */
static double series_double(void)
{
	int n = iterations;
	double s1 = 0, s2 = 0, s3 = 1;
	for (int k = 1; k <= n; k++) {
		double x = k * 0.001;
		s1 += sin(x) / (1.0 + x * x);
		s2 += sqrt((double)k) * 1e-3 - s1 * 1e-9;
		s3 = s3 * 1.0000001 + exp(-x) * 1e-7;
	}
	return s1 * 3.0 + s2 * 0.5 + s3;
}

/* C: eight 4-float vectors, updated together (xmm0..xmm15 in use). */
typedef float v4sf __attribute__((vector_size(16)));

struct vec_result {
	v4sf v[8];
};

static struct vec_result series_vector(void)
{
	int n = iterations * 4;
	v4sf a0 = { 1, 2, 3, 4 }, a1 = { 5, 6, 7, 8 }, a2 = { .5f, .25f, .125f, 1 };
	v4sf a3 = { -1, -2, -3, -4 }, a4 = { 0.1f, 0.2f, 0.3f, 0.4f };
	v4sf a5 = { 9, 8, 7, 6 }, a6 = { 1e-3f, 2e-3f, 3e-3f, 4e-3f };
	v4sf a7 = { 3.14159f, 2.71828f, 1.41421f, 1.73205f };
	const v4sf damp = { 0.9999f, 0.9998f, 0.9997f, 0.9996f };
	const v4sf step = { 1e-4f, 2e-4f, 3e-4f, 5e-4f };
	for (int i = 0; i < n; i++) {
		a0 = a0 * damp + a1 * step;
		a1 = a1 * damp - a2 * step;
		a2 = a2 * damp + a3 * step;
		a3 = a3 * damp + a4 * step;
		a4 = a4 * damp - a5 * step;
		a5 = a5 * damp + a6 * step;
		a6 = a6 * damp + a7 * step;
		a7 = a7 * damp - a0 * step;
	}
	struct vec_result r = { { a0, a1, a2, a3, a4, a5, a6, a7 } };
	return r;
}

/* D: long double, in the x87 registers. */
static long double series_long_double(void)
{
	int n = iterations * 4;
	long double pi4 = 0, e = 1, term = 1, h = 0;
	for (int k = 0; k < n; k++) {
		pi4 += (k & 1 ? -1.0L : 1.0L) / (2.0L * k + 1.0L);
		if (k < 30) {
			term /= (long double)(k + 1);
			e += term;
		}
		h += 1.0L / ((long double)k + 1.0L) / ((long double)k + 2.0L);
	}
	return pi4 * 4.0L + e * 1e-3L + h;
}

/* ---- references and the threads ---- */

static double ref_a, ref_b;
static struct vec_result ref_c;
static long double ref_d;

struct job {
	char name;
	int round;
	int chunks, mismatches, round_kept;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	int64_t until = mono_ns() + RUN_NS;

	fesetround(j->round);
	do {
		int same;
		switch (j->name) {
		case 'A':
		case 'B': {
			double r = series_double();
			same = !memcmp(&r, j->name == 'A' ? &ref_a : &ref_b,
				       sizeof r);
			break;
		}
		case 'C': {
			struct vec_result r = series_vector();
			same = !memcmp(&r, &ref_c, sizeof r);
			break;
		}
		default: {
			long double r = series_long_double();
			same = r == ref_d;
			break;
		}
		}
		j->chunks++;
		j->mismatches += !same;
	} while (mono_ns() < until);
	j->round_kept = fegetround() == j->round;
	return NULL;
}

static void *report_env(void *arg)
{
	int *out = arg;
	out[0] = fegetround();
	out[1] = (int)get_mxcsr();
	out[2] = get_x87_cw();
	return NULL;
}

int main(void)
{
	printf("initial MXCSR 0x%04x, x87 control word 0x%04x\n", get_mxcsr(),
	       get_x87_cw());
	yesno("rounding to nearest at start", fegetround() == FE_TONEAREST);

	/* A new thread inherits its creator's floating-point environment. */
	int env[3];
	pthread_t t;
	fesetround(FE_DOWNWARD);
	uint32_t mxcsr = get_mxcsr();
	uint16_t cw = get_x87_cw();
	check0("pthread_create", pthread_create(&t, NULL, report_env, env));
	check0("pthread_join", pthread_join(t, NULL));
	fesetround(FE_TONEAREST);
	yesno("a thread created while main rounds downward rounds downward",
	      env[0] == FE_DOWNWARD);
	yesno("its MXCSR and x87 control word equal the creator's",
	      (uint32_t)env[1] == mxcsr && (uint16_t)env[2] == cw);

	int64_t start = mono_ns();
	ref_a = series_double();
	fesetround(FE_UPWARD);
	ref_b = series_double();
	fesetround(FE_TONEAREST);
	ref_c = series_vector();
	ref_d = series_long_double();
	int64_t single = mono_ns() - start;
	yesno("rounding upward changes the double result",
	      memcmp(&ref_a, &ref_b, sizeof ref_a) != 0);
	yesno("the results are finite", isfinite(ref_a) && isfinite(ref_b) &&
	      isfinite((double)ref_d) && ref_c.v[0][0] == ref_c.v[0][0]);
	printf("VARIES single-threaded references took ms: %.3f\n",
	       single / 1e6);

	struct job jobs[4] = {
		{ 'A', FE_TONEAREST, 0, 0, 0 },
		{ 'B', FE_UPWARD, 0, 0, 0 },
		{ 'C', FE_TONEAREST, 0, 0, 0 },
		{ 'D', FE_TOWARDZERO, 0, 0, 0 },
	};
	/* D's reference was computed rounding to nearest: recompute it in
	 * its own mode, so that the thread's mode matters for D too. */
	fesetround(FE_TOWARDZERO);
	long double d_nearest = ref_d;
	ref_d = series_long_double();
	fesetround(FE_TONEAREST);
	yesno("rounding toward zero changes the long double result",
	      d_nearest != ref_d);

	pthread_t th[4];
	start = mono_ns();
	for (int i = 0; i < 4; i++)
		check0("pthread_create",
		       pthread_create(&th[i], NULL, worker, &jobs[i]));
	for (int i = 0; i < 4; i++)
		check0("pthread_join", pthread_join(th[i], NULL));
	int64_t took = mono_ns() - start;

	static const char *const what[4] = {
		"double series, to nearest", "double series, upward",
		"float vectors in 8 SSE registers",
		"long double series, toward zero",
	};
	for (int i = 0; i < 4; i++) {
		printf("%c (%s): every repetition bit-identical: %s, rounding mode "
		       "kept: %s\n", jobs[i].name, what[i],
		       jobs[i].chunks > 0 && jobs[i].mismatches == 0 ? "yes" : "no",
		       jobs[i].round_kept ? "yes" : "no");
		printf("VARIES %c repetitions: %d, mismatches %d\n", jobs[i].name,
		       jobs[i].chunks, jobs[i].mismatches);
	}
	yesno("the threads ran for at least 300 ms", took >= RUN_NS);
	yesno("main still rounds to nearest", fegetround() == FE_TONEAREST);
	printf("VARIES threads took ms: %.3f\n", took / 1e6);
	return 0;
}
