/* bench/x86/layers.c: where the time of one qgen package goes, layer by layer.
 * Built by bench/x86/run --layers like timer.c (same -D macros) plus
 * QG_LAYER_BEGIN(i) / QG_LAYER_END(i) calling qgb_begin(i) / qgb_end(i): the emitted
 * <name>_run calls the hooks around every layer (glue copies included).
 * 10 warm-up runs, then 201 runs; prints one line per layer,
 * "layer I median_us X min_us Y", the median and minimum over the runs. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#define QGB_LAYERS 512
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
static BENCH_IN_T in[IN_N];
static BENCH_OUT_T out[OUT_N];
static int cmp(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(void) {
  long i;
  int l;
  uint32_t s = 12345u;
  for (i = 0; i < IN_N; ++i) {
    s = s * 1664525u + 1013904223u;
    in[i] = (BENCH_IN_T)((int)(s >> 24) - 128) / (BENCH_IN_T)(sizeof(BENCH_IN_T) == 1 ? 1 : 64);
  }
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
