/* main.c - bench/m7 firmware: one inference of a qgen model on the Cortex-M7
 * (QEMU mps2-an500), with its instruction count.
 *
 * Built by bench/m7/run with targets/cortex-m7/build-elf.sh and
 *   -DQGB_HEADER='"kws.h"' -DQGB_PREFIX=kws -DQGB_UPPER=KWS
 *   -DQGB_IN_T=int8_t|float -DQGB_OUT_T=int8_t|float
 *   [-DQGB_PROFILE=1 -include bench/m7/prof.h + the QG_LAYER_BEGIN/END hooks]
 * and a generated input file defining `qgb_input` (in .psram: loaded by QEMU,
 * not counted in flash or RAM). The output buffer is in .psram too, so the
 * build-elf.sh sizes are the model + this harness + the board code.
 *
 * Prints lines "qgb: key=value" (and "qgb: layer I N" when profiling) and
 * returns the model's status (0 = OK). */
#include <stdint.h>

#include "board.h"
#include QGB_HEADER

#define QGB_CAT_(a, b) a##b
#define QGB_CAT(a, b) QGB_CAT_(a, b)
#define QGB_RUN QGB_CAT(QGB_PREFIX, _run)
#define QGB_ARENA_BYTES QGB_CAT(QGB_UPPER, _ARENA_BYTES)
#define QGB_IN_SIZE QGB_CAT(QGB_UPPER, _INPUT_SIZE)
#define QGB_OUT_SIZE QGB_CAT(QGB_UPPER, _OUTPUT_SIZE)

extern const unsigned qgb_input_bytes;
extern const QGB_IN_T *const qgb_input;

static uint8_t arena[QGB_ARENA_BYTES] __attribute__((aligned(16)));
__attribute__((section(".psram.qgb_output"), aligned(16))) static QGB_OUT_T output[QGB_OUT_SIZE];
static volatile uint32_t counted;

#if defined(QGB_PROFILE) && QGB_PROFILE
volatile uint32_t qg_prof_counts[QGB_PROF_MAX_LAYERS + 1];
volatile uint32_t qg_prof_calls[QGB_PROF_MAX_LAYERS + 1];
volatile uint32_t qg_prof_errors;
#endif

static void put_kv(const char *k, long long v) {
  qg_board_puts("qgb: ");
  qg_board_puts(k);
  qg_board_puts("=");
  qg_board_put_i64(v);
  qg_board_puts("\n");
}

int main(void) {
  if (qgb_input_bytes != (unsigned)(QGB_IN_SIZE * sizeof(QGB_IN_T))) {
    qg_board_puts("qgb: error: the input file has ");
    qg_board_put_u64(qgb_input_bytes);
    qg_board_puts(" bytes, the model wants ");
    qg_board_put_u64((unsigned long long)(QGB_IN_SIZE * sizeof(QGB_IN_T)));
    qg_board_puts("\n");
    return 2;
  }
  /* The first start measures the counter's own overhead: do it outside. */
  qg_icount_start();
  (void)qg_icount_stop();

#if defined(QGB_PROFILE) && QGB_PROFILE
  int rc = QGB_RUN(qgb_input, output, arena);
#else
  qg_icount_start();
  int rc = QGB_RUN(qgb_input, output, arena);
  counted = qg_icount_stop();
#endif
  uint32_t stack = qg_board_stack_high_water();

  put_kv("status", rc);
#if defined(QGB_PROFILE) && QGB_PROFILE
  for (int i = 1; i <= QGB_PROF_MAX_LAYERS; ++i) {
    if (qg_prof_calls[i] == 0) continue;
    qg_board_puts("qgb: layer ");
    qg_board_put_i64(i);
    qg_board_puts(" ");
    qg_board_put_u64(qg_prof_counts[i]);
    qg_board_puts(" ");
    qg_board_put_u64(qg_prof_calls[i]);
    qg_board_puts("\n");
  }
  put_kv("prof_errors", qg_prof_errors);
#else
  put_kv("instructions", counted);
#endif
  put_kv("arena_bytes", QGB_ARENA_BYTES);
  put_kv("stack_high_water", stack);
  put_kv("stack_size", qg_board_stack_size());

  /* FNV-1a 32 over the output's bytes (bench.py fnv computes the same). */
  const unsigned char *p = (const unsigned char *)output;
  uint32_t h = 0x811C9DC5u;
  for (unsigned k = 0; k < sizeof output; ++k) h = (h ^ p[k]) * 0x01000193u;
  qg_board_puts("qgb: output_fnv1a=");
  qg_board_put_hex32(h);
  qg_board_puts("\n");
  if (sizeof(QGB_OUT_T) == 1 && QGB_OUT_SIZE <= 64) {
    qg_board_puts("qgb: output_codes=");
    for (int k = 0; k < QGB_OUT_SIZE; ++k) {
      if (k) qg_board_puts(" ");
      qg_board_put_i64((long long)output[k]);
    }
    qg_board_puts("\n");
  }
  return rc;
}
