/* qg_relu_f32_po__c / qg_relu6_f32_po__c: y = x > 0 ? x : 0, then (relu6)
 * y < 6 ? y : 6 (as act_f32.c), output stored LQ-packed (docs/quantization.md
 * §11, runtime/qg_lqp.h): region by region (QG_OUT_R consecutive values) into
 * a scratch row (YPIX), then quantized into the packed output. */
#include <stdint.h>
#include "../runtime/qg_lqp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_relu_f32_po__c_example
#define QG_N 16
#define QG_ACT 1
#define QG_OUT_R 4
#define QG_OUT_CB 2
#define QG_OUT_LA 3
#define QG_SCRATCH_BYTES 16
#define QG_SCR_YPIX 0
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, void *yv, unsigned char *scratch) {
  float *ypix = (float *)(scratch + QG_SCR_YPIX);
  uint8_t *yc = (uint8_t *)yv;
  float *ylo = (float *)(yc + QG_LQP_CODE_BYTES(QG_N, QG_OUT_CB));
  float *ys = ylo + QG_N / QG_OUT_R;
  long i, j;
  (void)sizeof(char[(QG_SCRATCH_BYTES == QG_SCR_YPIX + QG_OUT_R * (long)sizeof(float) && QG_N % QG_OUT_R == 0) ? 1 : -1]);
  for (i = 0; i < QG_N; i += QG_OUT_R) {
    for (j = 0; j < QG_OUT_R; ++j) {
      float v = x[i + j];
      v = v > 0.0f ? v : 0.0f;
#if QG_ACT == 2
      v = v < 6.0f ? v : 6.0f;
#endif
      ypix[j] = v;
    }
    qg_lqp_pack(ypix, QG_OUT_R, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, i, yc, ylo, ys);
  }
}
