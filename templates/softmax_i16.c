/* qg_softmax_i16__c: TFLite's 16x8 SOFTMAX (reference_ops::SoftmaxInt16)
 * over rows of QG_C int16 codes: per element e = qg_lut16 of the exp table at
 * qg_mbqm(x - max, m, s) + 32767 (saturated to int16), kept in y; the int32
 * sum of e normalised by its leading zeros l, 1/sum read from the 1 / (1 + x)
 * table; y = (e * 1/sum + 2^(30 - l)) >> (31 - l), clamped to [0, 32767].
 * Same steps as the interpreter (compiler/interp/kernels_int8.cpp).
 * Compile-time: QG_ROWS, QG_C; passed at the call: the two 513-entry tables
 * (one array, exp first) and the input multiplier (m, s). */
#include "../runtime/qg_fixed.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_softmax_i16__c_example
#define QG_ROWS 1
#define QG_C 10
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int16_t *x, int16_t *y, const int16_t *lut, int32_t m, int32_t s) {
  long r, c;
  for (r = 0; r < QG_ROWS; ++r) {
    const int16_t *xr = x + r * QG_C;
    int16_t *yr = y + r * QG_C;
    int32_t mx = -32768, sum = 0, shifted;
    int16_t recip;
    int lz, rs;
    for (c = 0; c < QG_C; ++c) mx = xr[c] > mx ? xr[c] : mx;
    for (c = 0; c < QG_C; ++c) {
      int32_t d = qg_mbqm(xr[c] - mx, m, (int)s) + 32767;
      d = d < -32768 ? -32768 : d > 32767 ? 32767 : d;
      yr[c] = qg_lut16((int16_t)d, lut);
      sum += yr[c];
    }
    lz = qg_clz32((uint32_t)sum);
    shifted = (int32_t)((((int64_t)sum << (lz - 1)) + (1 << 13)) >> 14) - 98304;
    shifted = shifted < -32768 ? -32768 : shifted > 32767 ? 32767 : shifted;
    recip = qg_lut16((int16_t)shifted, lut + 513);
    rs = 31 - lz;
    for (c = 0; c < QG_C; ++c) {
      const int64_t p = ((int64_t)yr[c] * recip + ((int64_t)1 << (rs - 1))) >> rs;
      yr[c] = (int16_t)(p < 0 ? 0 : p > 32767 ? 32767 : p);
    }
  }
}
