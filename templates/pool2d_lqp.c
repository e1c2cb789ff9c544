/* qg_maxpool2d_f32_po__c / qg_avgpool2d_f32_po__c: window pooling over HWC
 * (the float order of pool2d_f32.c) whose output is stored LQ-packed
 * (docs/quantization.md §11, runtime/qg_lqp.h): the QG_C values of one output
 * position go to a scratch row (YPIX, QG_C floats) and are quantized there,
 * regions of QG_OUT_R channels, into the packed output.
 * QG_OUT_LQI 1 (kernel name "..._pi"): the lq_int packed form instead
 * (docs/quantization.md §12, "Packed storage", runtime/qg_lqi.h): the row's
 * values on the grid of step QG_OUT_STEP (qg_lqi_grid, int16 at QG_SCR_YG),
 * then per region (lo, d) and codes (qg_lqi_pack; one region's codes at
 * QG_SCR_YQ), as the lq_int consumers would compute them from the floats. */
#include <math.h>
#include <stdint.h>
#include "../runtime/qg_lqp.h"
#include "../runtime/qg_lqi.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_maxpool2d_f32_po__c_example
#define QG_MAX 1
#define QG_COUNT_PAD 0
#define QG_H 4
#define QG_W 4
#define QG_C 4
#define QG_OH 2
#define QG_OW 2
#define QG_KH 2
#define QG_KW 2
#define QG_SH 2
#define QG_SW 2
#define QG_PT 0
#define QG_PL 0
#define QG_OUT_R 2
#define QG_OUT_CB 4
#define QG_OUT_LA 15
#define QG_SCRATCH_BYTES 16
#define QG_SCR_YPIX 0
#define QG_OUT_LQI 0
#define QG_OUT_STEP 1.0f
#define QG_SCR_YG 16
#define QG_SCR_YQ 16
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, void *yv, unsigned char *scratch) {
  float *ypix = (float *)(scratch + QG_SCR_YPIX);
  uint8_t *yc = (uint8_t *)yv;
#if QG_OUT_LQI
  int16_t *ylo = (int16_t *)(yc + QG_LQP_CODE_BYTES((long)QG_OH * QG_OW * QG_C, QG_OUT_CB));
  uint8_t *ydx = (uint8_t *)(ylo + (long)QG_OH * QG_OW * QG_C / QG_OUT_R);
  int16_t *yg = (int16_t *)(scratch + QG_SCR_YG);
  (void)sizeof(char[(QG_SCR_YG >= QG_SCR_YPIX + QG_C * (long)sizeof(float) && QG_SCR_YG % 2 == 0 && QG_SCR_YQ == QG_SCR_YG + 2L * QG_C &&
                     QG_SCRATCH_BYTES == QG_SCR_YQ + QG_OUT_R && QG_C % QG_OUT_R == 0)
                        ? 1
                        : -1]);
#else
  float *ylo = (float *)(yc + QG_LQP_CODE_BYTES((long)QG_OH * QG_OW * QG_C, QG_OUT_CB));
  float *ys = ylo + (long)QG_OH * QG_OW * QG_C / QG_OUT_R;
  (void)sizeof(char[(QG_SCRATCH_BYTES == QG_SCR_YPIX + QG_C * (long)sizeof(float) && QG_C % QG_OUT_R == 0) ? 1 : -1]);
#endif
  long oy, ox, c, ky, kx;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox) {
      for (c = 0; c < QG_C; ++c) {
        float acc = QG_MAX ? -INFINITY : 0.0f;
        long count = 0;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx;
            float v;
            if (ix < 0 || ix >= QG_W) continue;
            v = x[(iy * QG_W + ix) * QG_C + c];
#if QG_MAX
            acc = v > acc ? v : acc;
#else
            acc = acc + v;
#endif
            ++count;
          }
        }
#if !QG_MAX
        acc = acc / (float)(QG_COUNT_PAD ? QG_KH * QG_KW : count);
#endif
        (void)count;
        ypix[c] = acc;
      }
#if QG_OUT_LQI
      for (c = 0; c < QG_C; ++c) yg[c] = (int16_t)qg_lqi_grid(ypix[c], QG_OUT_STEP);
      qg_lqi_pack(yg, QG_C, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (oy * QG_OW + ox) * QG_C, yc, ylo, ydx, scratch + QG_SCR_YQ);
#else
      qg_lqp_pack(ypix, QG_C, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (oy * QG_OW + ox) * QG_C, yc, ylo, ys);
#endif
    }
}
