/*
 * Sorting for the benchmark scenarios (samples.h).
 */
#include "samples.h"

static void sift_down(uint64_t *values, uint64_t root, uint64_t count)
{
	for (;;) {
		uint64_t child = 2 * root + 1;
		if (child >= count)
			return;
		if (child + 1 < count && values[child + 1] > values[child])
			child++;
		if (values[root] >= values[child])
			return;
		uint64_t swap = values[root];
		values[root] = values[child];
		values[child] = swap;
		root = child;
	}
}

void sort_u64(uint64_t *values, uint64_t count)
{
	uint64_t i;

	for (i = count / 2; i-- > 0;)
		sift_down(values, i, count);
	for (i = count; i-- > 1;) {
		uint64_t swap = values[0];
		values[0] = values[i];
		values[i] = swap;
		sift_down(values, 0, i);
	}
}

uint64_t median_of_sorted(const uint64_t *values, uint64_t count)
{
	return count % 2 ? values[count / 2]
			 : (values[count / 2 - 1] + values[count / 2]) / 2;
}
