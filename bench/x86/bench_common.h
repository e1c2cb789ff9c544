/* bench/x86/bench_common.h: what timer.c and layers.c share: the package's
 * buffers (from the -D macros BENCH_HEADER, BENCH_P, BENCH_U, BENCH_IN_T,
 * BENCH_OUT_T), a monotonic clock in microseconds, a qsort comparator, and the
 * fixed pseudo-random input. Included once by each of the two programs. */
#ifndef QGB_BENCH_COMMON_H
#define QGB_BENCH_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include BENCH_HEADER
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define RUN CAT(BENCH_P, _run)
#define IN_N CAT(BENCH_U, _INPUT_SIZE)
#define OUT_N CAT(BENCH_U, _OUTPUT_SIZE)

static unsigned char arena[CAT(BENCH_U, _ARENA_BYTES)] __attribute__((aligned(64)));
static BENCH_IN_T in[IN_N];
static BENCH_OUT_T out[OUT_N];

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}
static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
/* int8 models: codes -128..127; float models: the same values / 64. */
static void fill_random_input(void) {
  long i;
  uint32_t s = 12345u;
  for (i = 0; i < IN_N; ++i) {
    s = s * 1664525u + 1013904223u;
    in[i] = (BENCH_IN_T)((int)(s >> 24) - 128) / (BENCH_IN_T)(sizeof(BENCH_IN_T) == 1 ? 1 : 64);
  }
}
#endif
