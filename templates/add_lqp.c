/* qg_add_f32_po__c: elementwise sum of two float tensors (as add_f32.c),
 * output stored LQ-packed (docs/quantization.md §11, runtime/qg_lqp.h):
 * region by region (QG_OUT_R consecutive values) into a scratch row (YPIX),
 * then quantized into the packed output. */
#include <stdint.h>
#include "../runtime/qg_lqp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_add_f32_po__c_example
#define QG_N 16
#define QG_OUT_R 4
#define QG_OUT_CB 8
#define QG_OUT_LA 255
#define QG_SCRATCH_BYTES 16
#define QG_SCR_YPIX 0
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *a, const float *b, void *yv, unsigned char *scratch) {
  float *ypix = (float *)(scratch + QG_SCR_YPIX);
  uint8_t *yc = (uint8_t *)yv;
  float *ylo = (float *)(yc + QG_LQP_CODE_BYTES(QG_N, QG_OUT_CB));
  float *ys = ylo + QG_N / QG_OUT_R;
  long i, j;
  (void)sizeof(char[(QG_SCRATCH_BYTES == QG_SCR_YPIX + QG_OUT_R * (long)sizeof(float) && QG_N % QG_OUT_R == 0) ? 1 : -1]);
  for (i = 0; i < QG_N; i += QG_OUT_R) {
    for (j = 0; j < QG_OUT_R; ++j) ypix[j] = a[i + j] + b[i + j];
    qg_lqp_pack(ypix, QG_OUT_R, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, i, yc, ylo, ys);
  }
}
