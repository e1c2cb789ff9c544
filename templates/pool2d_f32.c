/* qg_maxpool2d_f32__c / qg_avgpool2d_f32__c: window pooling over HWC.
 * Max: -inf, then v > m ? v : m over valid taps in (ky, kx) order.
 * Avg: sum of valid taps in (ky, kx) order, divided by the valid count (or by
 * kh*kw with QG_COUNT_PAD). */
#include <math.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_maxpool2d_f32__c_example
#define QG_MAX 1
#define QG_H 4
#define QG_W 4
#define QG_C 3
#define QG_OH 2
#define QG_OW 2
#define QG_KH 2
#define QG_KW 2
#define QG_SH 2
#define QG_SW 2
#define QG_PT 0
#define QG_PL 0
#define QG_COUNT_PAD 0
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long oy, ox, c, ky, kx;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
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
        y[(oy * QG_OW + ox) * QG_C + c] = acc;
      }
}
