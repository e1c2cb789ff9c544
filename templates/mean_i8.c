/* qg_mean_i8__c: TFLite's int8 MEAN over height and width
 * (reference_ops::QuantizedMeanOrSum; the interpreter's k_mean_i8 in
 * compiler/interp/kernels_int8.cpp): per channel the sum of x - zp_in over
 * the QG_HW pixels, qg_mbqm by (m, s) (s_in / s_out with 1 / QG_HW folded in
 * by the compiler), plus zp_out, clamped to int8. Passed per layer:
 * p = {zp_in, zp_out, m, s}. */
#include <stdint.h>
#include "../runtime/qg_fixed.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_mean_i8__c_example
#define QG_HW 16
#define QG_C 3
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y, const int32_t *p) {
  /* locals: the int8_t stores to y may alias the table */
  const int32_t zp_in = p[0], zp_out = p[1], m = p[2], s = p[3];
  long c, i;
  for (c = 0; c < QG_C; ++c) {
    int32_t acc = 0;
    for (i = 0; i < QG_HW; ++i) acc += x[i * QG_C + c] - zp_in;
    acc = qg_mbqm(acc, m, s) + zp_out;
    y[c] = (int8_t)(acc < -128 ? -128 : acc > 127 ? 127 : acc);
  }
}
