/* qg_softmax_i8__c: TFLite's int8 softmax: a 256-entry float table
 * t[255 - d] = expf(-input_scale * beta * d) (computed by qgen), per row
 * sum = Σ t[255 - max + x] in order, inv = 1 / (sum * out_scale),
 * y = round_half_away(t[...] * inv) + out_zp, clamped to int8.
 * Compile-time: QG_ROWS, QG_C; per layer, passed at the call: the table,
 * out_scale, out_zp. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_softmax_i8__c_example
#define QG_ROWS 1
#define QG_C 10
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y, const float *table, float out_scale, int32_t out_zp) {
  long r, c;
  for (r = 0; r < QG_ROWS; ++r) {
    const int8_t *xr = x + r * QG_C;
    int8_t *yr = y + r * QG_C;
    int32_t mx = -128;
    const float *t;
    float sum = 0.0f, inv;
    for (c = 0; c < QG_C; ++c) mx = xr[c] > mx ? xr[c] : mx;
    t = table + (255 - mx);
    for (c = 0; c < QG_C; ++c) sum += t[xr[c]];
    inv = 1.0f / (sum * out_scale);
    for (c = 0; c < QG_C; ++c) {
      const float p = t[xr[c]] * inv;
      int32_t q = p < 512.0f ? (int32_t)p : 512; /* in range; clamps to 127 anyway (also NaN) */
      q += ((p - (float)q) >= 0.5f ? 1 : 0) + out_zp;
      q = q < -128 ? -128 : q;
      q = q > 127 ? 127 : q;
      yr[c] = (int8_t)q;
    }
  }
}
