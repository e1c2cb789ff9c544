/* bench/x86/timer.c: single-thread latency of one qgen package.
 * Built by bench/x86/run with -DBENCH_HEADER='"x.h"' -DBENCH_P=x -DBENCH_U=X and
 * -DBENCH_IN_T=float|int8_t -DBENCH_OUT_T=float|int8_t.
 * usage: timer INPUT.f32|- ; INPUT = raw float32 (float models), '-' = a
 * fixed pseudo-random input. 10 warm-up runs, then each run timed alone
 * (CLOCK_MONOTONIC), at least 21 runs and about one second; prints
 * "median_us X runs N" and the argmax of the output. */
#define _POSIX_C_SOURCE 199309L
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

int main(int argc, char **argv) {
  static double t[20000];
  long i, n = 0, best = 0;
  double end;
  if (argc > 1 && argv[1][0] != '-') {
    static float f[IN_N];
    FILE *fp = fopen(argv[1], "rb");
    if (!fp || fread(f, sizeof(float), IN_N, fp) != IN_N) return 2;
    fclose(fp);
    for (i = 0; i < IN_N; ++i) in[i] = (BENCH_IN_T)f[i];
  } else {
    uint32_t s = 12345u;
    for (i = 0; i < IN_N; ++i) {
      s = s * 1664525u + 1013904223u;
      in[i] = (BENCH_IN_T)((int)(s >> 24) - 128) / (BENCH_IN_T)(sizeof(BENCH_IN_T) == 1 ? 1 : 64);
    }
  }
  for (i = 0; i < 10; ++i)
    if (RUN(in, out, arena) != 0) return 3;
  end = now_us() + 1e6;
  while (n < 21 || (now_us() < end && n < 20000)) {
    const double a = now_us();
    RUN(in, out, arena);
    t[n++] = now_us() - a;
  }
  qsort(t, (size_t)n, sizeof t[0], cmp);
  for (i = 1; i < OUT_N; ++i)
    if (out[i] > out[best]) best = i;
  printf("median_us %.2f runs %ld argmax %ld\n", t[n / 2], n, best);
  return 0;
}
