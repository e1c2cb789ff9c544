/* bench/subbyte/x86.c: the host (x86-64) half of bench/subbyte/run.
 * Built with -DBENCH_HEADER='"x.h"' -DBENCH_P=x -DBENCH_U=X and the per-layer
 * hooks QG_LAYER_BEGIN(i) / QG_LAYER_END(i) calling qgb_begin(i) / qgb_end(i)
 * (float input and output, as the bench's nets have).
 * usage: x86 INPUT.f32 OUTPUT.f32
 * Runs the package once on INPUT (raw float32) and writes its output to
 * OUTPUT (raw float32, as `qgen run -o` writes it, for the bench to compare),
 * then 10 warm-up runs and 201 timed runs; prints one line per layer,
 * "layer I median_us X min_us Y" (CLOCK_MONOTONIC around each layer). */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#define QGB_LAYERS 64
#define QGB_RUNS 201
void qgb_begin(int i);
void qgb_end(int i);
static double qgb_t0, qgb_t[QGB_LAYERS][QGB_RUNS];
static int qgb_run = -1;
static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}
void qgb_begin(int i) {
  (void)i;
  qgb_t0 = now_us();
}
void qgb_end(int i) {
  const double d = now_us() - qgb_t0;
  if (qgb_run >= 0 && i >= 0 && i < QGB_LAYERS) qgb_t[i][qgb_run] = d;
}
#include BENCH_HEADER
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define RUN CAT(BENCH_P, _run)
#define IN_N CAT(BENCH_U, _INPUT_SIZE)
#define OUT_N CAT(BENCH_U, _OUTPUT_SIZE)

static unsigned char arena[CAT(BENCH_U, _ARENA_BYTES)] __attribute__((aligned(64)));
static float in[IN_N], out[OUT_N];
static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  long i;
  int l;
  FILE *fp;
  if (argc != 3) return 2;
  fp = fopen(argv[1], "rb");
  if (!fp || fread(in, sizeof(float), IN_N, fp) != IN_N) return 2;
  fclose(fp);
  if (RUN(in, out, arena) != 0) return 3;
  fp = fopen(argv[2], "wb");
  if (!fp || fwrite(out, sizeof(float), OUT_N, fp) != OUT_N || fclose(fp) != 0) return 2;
  for (i = 0; i < 10; ++i)
    if (RUN(in, out, arena) != 0) return 3;
  for (l = 0; l < QGB_LAYERS; ++l)
    for (i = 0; i < QGB_RUNS; ++i) qgb_t[l][i] = -1;
  for (qgb_run = 0; qgb_run < QGB_RUNS; ++qgb_run) RUN(in, out, arena);
  for (l = 0; l < QGB_LAYERS; ++l) {
    if (qgb_t[l][0] < 0) continue;
    qsort(qgb_t[l], QGB_RUNS, sizeof(double), cmp);
    printf("layer %d median_us %.2f min_us %.2f\n", l, qgb_t[l][QGB_RUNS / 2], qgb_t[l][0]);
  }
  return 0;
}
