/* bench/x86/layers.c: where the time of one qgen package goes, layer by layer.
 * Built by bench/x86/run --layers like timer.c (same -D macros) plus
 * QG_LAYER_BEGIN(i) / QG_LAYER_END(i) calling qgb_begin(i) / qgb_end(i): the emitted
 * <name>_run calls the hooks around every layer (glue copies included).
 * usage: layers [INPUT OUTPUT]: with two arguments, the package first runs
 * once on INPUT (raw BENCH_IN_T values, e.g. float32 as `qgen run -i` reads
 * them) and writes its output to OUTPUT (raw BENCH_OUT_T, as `qgen run -o`
 * writes it; bench/subbyte/run compares the two); else the input is the fixed
 * pseudo-random one. Then 10 warm-up runs and 201 runs; prints one line per
 * layer, "layer I median_us X min_us Y", the median and minimum over the runs. */
#define _POSIX_C_SOURCE 199309L
#include "bench_common.h"
#define QGB_LAYERS 512
#define QGB_RUNS 201
void qgb_begin(int i);
void qgb_end(int i);
static double qgb_t0, qgb_t[QGB_LAYERS][QGB_RUNS];
static int qgb_run = -1;
void qgb_begin(int i) {
  (void)i;
  qgb_t0 = now_us();
}
void qgb_end(int i) {
  const double d = now_us() - qgb_t0;
  if (qgb_run >= 0 && i >= 0 && i < QGB_LAYERS) qgb_t[i][qgb_run] = d;
}
int main(int argc, char **argv) {
  long i;
  int l;
  if (argc == 3) {
    FILE *fp = fopen(argv[1], "rb");
    if (!fp || fread(in, sizeof in[0], IN_N, fp) != IN_N) return 2;
    fclose(fp);
    if (RUN(in, out, arena) != 0) return 3;
    fp = fopen(argv[2], "wb");
    if (!fp || fwrite(out, sizeof out[0], OUT_N, fp) != OUT_N || fclose(fp) != 0) return 2;
  } else if (argc == 1) {
    fill_random_input();
  } else {
    return 2;
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
