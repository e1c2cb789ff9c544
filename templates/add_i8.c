/* qg_add_i8__c / qg_add_i16__c: TFLite int8 add, and its general-scale int16
 * add (16x8) with elements of type QG_T = int16_t: both inputs shifted left
 * by left_shift (20 for int8, 15 for int16) and rescaled to a common scale,
 * summed, requantized to the output.
 * Compile-time (a body is shared by the layers where it is equal): QG_N, QG_T. Per
 * layer, passed at the call: p, a table of the layer's constants {zp1, zp2,
 * out_zp, left_shift, m1, s1, m2, s2, mo, so, act_min, act_max}. */
#include <stdint.h>
#include "../runtime/qg_fixed.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_add_i8__c_example
#define QG_N 16
#define QG_T int8_t
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const QG_T *a, const QG_T *b, QG_T *y, const int32_t *p) {
  /* locals: the stores to y may alias the table */
  const int32_t zp1 = p[0], zp2 = p[1], out_zp = p[2], left_shift = p[3], m1 = p[4], s1_ = p[5], m2 = p[6], s2_ = p[7], mo = p[8],
                so = p[9], act_min = p[10], act_max = p[11];
  long i;
  for (i = 0; i < QG_N; ++i) {
    const int32_t v1 = (int32_t)a[i] - zp1, v2 = (int32_t)b[i] - zp2;
    const int32_t s1 = qg_mbqm((int32_t)((uint32_t)v1 << left_shift), m1, s1_);
    const int32_t s2 = qg_mbqm((int32_t)((uint32_t)v2 << left_shift), m2, s2_);
    int32_t r = (int32_t)((uint32_t)qg_mbqm((int32_t)((uint32_t)s1 + (uint32_t)s2), mo, so) + (uint32_t)out_zp);
    r = r < act_min ? act_min : r;
    r = r > act_max ? act_max : r;
    y[i] = (QG_T)r;
  }
}
