/* qg_quantize_i8__c: float -> int8, q = clamp(round_half_away(x / scale) + zp).
 * qg_dequantize_i8__c (QG_DEQUANT 1): int8 -> float, (float)(scale * (q - zp))
 * with the product in double, as TFLite computes it. Compile-time: QG_DEQUANT,
 * QG_N, QG_IN_T, QG_OUT_T; per layer, passed at the call: scale, zp. */
#include <math.h>
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_quantize_i8__c_example
#define QG_DEQUANT 0
#define QG_N 16
#define QG_IN_T float
#define QG_OUT_T int8_t
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const QG_IN_T *x, QG_OUT_T *y, float scale, int32_t zp) {
  long i;
  for (i = 0; i < QG_N; ++i) {
#if QG_DEQUANT
    y[i] = (float)((double)scale * (double)((int32_t)x[i] - zp));
#else
    const float t = x[i] / scale;
    const float a = t < 0.0f ? -t : t;
    int32_t v;
    if (!(a < 1e9f)) {
      v = (t > 0.0f) ? 1000000000 : (t < 0.0f ? -1000000000 : 0);
    } else {
      v = (int32_t)a;
      v += (a - (float)v) >= 0.5f ? 1 : 0;
      if (t < 0.0f) v = -v;
    }
    v += zp;
    v = v < -128 ? -128 : v;
    v = v > 127 ? 127 : v;
    y[i] = (int8_t)v;
#endif
  }
}
