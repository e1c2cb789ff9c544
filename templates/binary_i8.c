/* qg_<op>_i8__c for int8 mul, sub, div, minimum, maximum (TFLite's MUL, SUB,
 * DIV, MINIMUM, MAXIMUM int8 reference kernels), elementwise with broadcasting:
 * the loops and the QG_D*, QG_A*, QG_B* strides of binary_f32.c. QG_BINOP is
 * the op's macro below (select stage: "QG_" + the op's name in capitals).
 * Per layer, passed at the call: p, a table of the layer's constants
 * {zp1, zp2, out_zp, left_shift, m1, s1, m2, s2, mo, so, act_min, act_max}
 * (mul and div read mo, so (div: qg_div_i8); sub all of them, as TFLite's int8 add; minimum and
 * maximum compare the codes, which share one quantization).
 * The expressions are the interpreter's k_binary_i8 (compiler/interp/kernels_int8.cpp). */
#include <stdint.h>
#include "../runtime/qg_fixed.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_mul_i8__c_example
#define QG_BINOP QG_MUL
#define QG_D0 2
#define QG_D1 3
#define QG_D2 4
#define QG_A0 12
#define QG_A1 4
#define QG_A2 1
#define QG_B0 0
#define QG_B1 0
#define QG_B2 1
/* QG_TEMPLATE_DEFAULTS_END */
/* The unclamped output code of (u, v); sums wrap as in add_i8.c. */
#define QG_MUL(u, v) ((int32_t)((uint32_t)qg_mbqm(((u) - zp1) * ((v) - zp2), mo, so) + (uint32_t)out_zp))
#define QG_SUB(u, v)                                                                                      \
  ((int32_t)((uint32_t)qg_mbqm(qg_mbqm((int32_t)((uint32_t)((u) - zp1) << left_shift), m1, s1_) -          \
                                   qg_mbqm((int32_t)((uint32_t)((v) - zp2) << left_shift), m2, s2_),        \
                               mo, so) +                                                                  \
             (uint32_t)out_zp))
#define QG_DIV(u, v) ((int32_t)((uint32_t)qg_div_i8((u) - zp1, (v) - zp2, mo, so) + (uint32_t)out_zp))
#define QG_MINIMUM(u, v) ((u) < (v) ? (u) : (v))
#define QG_MAXIMUM(u, v) ((u) > (v) ? (u) : (v))
static void QG_FN(const int8_t *a, const int8_t *b, int8_t *y, const int32_t *p) {
  /* locals: the int8_t stores to y may alias the table */
  const int32_t zp1 = p[0], zp2 = p[1], out_zp = p[2], left_shift = p[3], m1 = p[4], s1_ = p[5], m2 = p[6], s2_ = p[7], mo = p[8],
                so = p[9], act_min = p[10], act_max = p[11];
  long i, j, k, o = 0;
  (void)zp1; (void)zp2; (void)out_zp; (void)left_shift; (void)m1; (void)s1_; (void)m2; (void)s2_; (void)mo; (void)so;
  for (i = 0; i < QG_D0; ++i)
    for (j = 0; j < QG_D1; ++j)
      for (k = 0; k < QG_D2; ++k, ++o) {
        const int32_t u = a[i * QG_A0 + j * QG_A1 + k * QG_A2], v = b[i * QG_B0 + j * QG_B1 + k * QG_B2];
        int32_t r = QG_BINOP(u, v);
        r = r < act_min ? act_min : r;
        r = r > act_max ? act_max : r;
        y[o] = (int8_t)r;
      }
}
#undef QG_MUL
#undef QG_SUB
#undef QG_DIV
#undef QG_MINIMUM
#undef QG_MAXIMUM
