/* bench/x86/timer.c: single-thread latency of one qgen package.
 * Built by bench/x86/run with -DBENCH_HEADER='"x.h"' -DBENCH_P=x -DBENCH_U=X and
 * -DBENCH_IN_T=float|int8_t -DBENCH_OUT_T=float|int8_t.
 * usage: timer INPUT.f32|- ; INPUT = raw float32 (float models), '-' = a
 * fixed pseudo-random input. 10 warm-up runs, then each run timed alone
 * (CLOCK_MONOTONIC), at least 21 runs and about one second; prints
 * "median_us X runs N" and the argmax of the output. */
#define _POSIX_C_SOURCE 199309L
#include "bench_common.h"

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
    fill_random_input();
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
