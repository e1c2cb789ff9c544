/* qg_conv2d_i8_mac__c / qg_dense_i8_mac__c: integer-only convolution with
 * TFLite int8 semantics (reference_integer_ops::ConvPerChannel /
 * FullyConnected). acc = Σ w·(x − zp_in) over taps inside the image (int32),
 * + bias, requantized per output channel by QG_REQUANT(acc, mult, shift)
 * (qg_mbqm: TFLite's double rounding for conv; qg_mbqm_single: the single
 * rounding TFLite's fully-connected kernel uses),
 * + zp_out, clamped to [act_min, act_max]. A dense layer is a 1x1
 * convolution over a 1x1 image. */
#include <stdint.h>
#include "../runtime/qg_runtime.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_i8_mac__c_example
#define QG_H 5
#define QG_W 4
#define QG_C 2
#define QG_OH 5
#define QG_OW 4
#define QG_O 2
#define QG_KH 3
#define QG_KW 3
#define QG_SH 1
#define QG_SW 1
#define QG_DH 1
#define QG_DW 1
#define QG_PT 1
#define QG_PL 1
#define QG_G 1
#define QG_IN_ZP (-3)
#define QG_OUT_ZP 5
#define QG_ACT_MIN (-128)
#define QG_ACT_MAX 127
#define QG_REQUANT qg_mbqm
static const int8_t qg_example_w[2 * 3 * 3 * 2] = {1};
static const int32_t qg_example_b[2] = {0}, qg_example_m[2] = {1 << 30, 1 << 30}, qg_example_s[2] = {-3, -3};
#define QG_WEIGHT qg_example_w
#define QG_BIAS qg_example_b
#define QG_MULT qg_example_m
#define QG_SHIFT qg_example_s
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y) {
  const long cg = QG_C / QG_G, og = QG_O / QG_G;
  long oy, ox, o, ky, kx, c;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
      for (o = 0; o < QG_O; ++o) {
        const long grp = o / og;
        int32_t acc = 0;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
            const int8_t *wp, *xp;
            if (ix < 0 || ix >= QG_W) continue;
            wp = QG_WEIGHT + ((o * QG_KH + ky) * QG_KW + kx) * cg;
            xp = x + (iy * QG_W + ix) * QG_C + grp * cg;
            for (c = 0; c < cg; ++c) acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)wp[c] * ((int32_t)xp[c] - QG_IN_ZP)));
          }
        }
        acc = (int32_t)((uint32_t)acc + (uint32_t)QG_BIAS[o]); /* int32 sums wrap, as in TFLite (docs/integer-only.md) */
        acc = (int32_t)((uint32_t)QG_REQUANT(acc, QG_MULT[o], QG_SHIFT[o]) + (uint32_t)QG_OUT_ZP);
        acc = acc < QG_ACT_MIN ? QG_ACT_MIN : acc;
        acc = acc > QG_ACT_MAX ? QG_ACT_MAX : acc;
        y[(oy * QG_OW + ox) * QG_O + o] = (int8_t)acc;
      }
}
