/* qg_maxpool2d_i8__c / qg_avgpool2d_i8__c: TFLite int8 pooling over valid
 * taps; qg_maxpool2d_i16__c / qg_avgpool2d_i16__c the same on int16 codes
 * (16x8: QG_T int16_t, QG_TMIN -32768). Average: int32 sum divided by the
 * count, rounding half away from zero; both clamp to [act_min, act_max]. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_maxpool2d_i8__c_example
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
#define QG_T int8_t
#define QG_TMIN (-128)
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const QG_T *x, QG_T *y, int32_t act_min, int32_t act_max) {
  long oy, ox, c, ky, kx;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
      for (c = 0; c < QG_C; ++c) {
        int32_t acc = QG_MAX ? QG_TMIN : 0, count = 0;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx;
            int32_t v;
            if (ix < 0 || ix >= QG_W) continue;
            v = x[(iy * QG_W + ix) * QG_C + c];
#if QG_MAX
            acc = v > acc ? v : acc;
#else
            acc += v;
#endif
            ++count;
          }
        }
#if !QG_MAX
        if (QG_COUNT_PAD) count = QG_KH * QG_KW;
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
#endif
        (void)count;
        acc = acc < act_min ? act_min : acc;
        acc = acc > act_max ? act_max : acc;
        y[(oy * QG_OW + ox) * QG_C + c] = (QG_T)acc;
      }
}
