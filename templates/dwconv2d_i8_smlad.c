/* qg_dwconv2d_a8w8_smlad__cortex_m7: integer-only depthwise convolution
 * (channel multiplier 1) with TFLite int8 semantics (same results as
 * conv2d_i8.c with groups = channels), for the Armv7E-M DSP extension.
 *
 * Four channels per step: one word of input and one of weights, SXTB16 /
 * SXTB16-ROR8 split them into halfword pairs (c, c+2) and (c+1, c+3), and
 * SMLABB / SMLATT accumulate each channel separately. Weights are transposed
 * by the compiler to [ky][kx][c] so the four channels' weights are adjacent.
 * The input offset is folded into QG_BIAS (bias - zp_in * sum of the
 * channel's weights); taps outside the image read a row of zero points in
 * scratch, which contributes (zp_in - zp_in) * w = 0 as in TFLite. */
#include <stdint.h>
#include "../runtime/qg_runtime.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_dwconv2d_a8w8_smlad__cortex_m7_example
#define QG_H 5
#define QG_W 4
#define QG_C 6
#define QG_OH 5
#define QG_OW 4
#define QG_KH 3
#define QG_KW 3
#define QG_SH 1
#define QG_SW 1
#define QG_DH 1
#define QG_DW 1
#define QG_PT 1
#define QG_PL 1
#define QG_IN_ZP (-3)
#define QG_OUT_ZP 5
#define QG_ACT_MIN (-128)
#define QG_ACT_MAX 127
#define QG_REQUANT qg_mbqm_fast
static const int8_t qg_example_w[3 * 3 * 6] = {1};
static const int32_t qg_example_b[6] = {0}, qg_example_m[6] = {1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30, 1 << 30},
                     qg_example_s[6] = {-3, -3, -3, -3, -3, -3};
#define QG_WEIGHT qg_example_w
#define QG_BIAS qg_example_b
#define QG_MULT qg_example_m
#define QG_SHIFT qg_example_s
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch) {
  enum { T = QG_KH * QG_KW };
  int8_t *zpv = (int8_t *)scratch; /* QG_C zero points: the input outside the image */
  const int8_t *tap[T];
  long oy, ox, c;
  int t;
  for (c = 0; c < QG_C; ++c) zpv[c] = (int8_t)(QG_IN_ZP);
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox) {
      int8_t *out = y + (oy * QG_OW + ox) * QG_C;
      for (t = 0; t < T; ++t) {
        const long iy = oy * QG_SH - QG_PT + (t / QG_KW) * QG_DH, ix = ox * QG_SW - QG_PL + (t % QG_KW) * QG_DW;
        tap[t] = (iy < 0 || iy >= QG_H || ix < 0 || ix >= QG_W) ? zpv : x + (iy * QG_W + ix) * QG_C;
      }
      for (c = 0; c + 4 <= QG_C; c += 4) {
        int32_t acc[4];
        int i;
        acc[0] = 0;
        acc[1] = 0;
        acc[2] = 0;
        acc[3] = 0;
        for (t = 0; t < T; ++t) {
          const uint32_t xv = qg_load4(tap[t] + c), wv = qg_load4(QG_WEIGHT + t * QG_C + c);
          const uint32_t xl = qg_sxtb16(xv), xh = qg_sxtb16_ror8(xv);
          const uint32_t wl = qg_sxtb16(wv), wh = qg_sxtb16_ror8(wv);
          acc[0] = qg_smlabb(xl, wl, acc[0]);
          acc[2] = qg_smlatt(xl, wl, acc[2]);
          acc[1] = qg_smlabb(xh, wh, acc[1]);
          acc[3] = qg_smlatt(xh, wh, acc[3]);
        }
        for (i = 0; i < 4; ++i) {
          int32_t v = acc[i] + QG_BIAS[c + i];
          v = QG_REQUANT(v, QG_MULT[c + i], QG_SHIFT[c + i]) + QG_OUT_ZP;
          v = v < QG_ACT_MIN ? QG_ACT_MIN : v;
          v = v > QG_ACT_MAX ? QG_ACT_MAX : v;
          out[c + i] = (int8_t)v;
        }
      }
      for (; c < QG_C; ++c) {
        int32_t v = 0;
        for (t = 0; t < T; ++t) v += (int32_t)tap[t][c] * (int32_t)QG_WEIGHT[t * QG_C + c];
        v += QG_BIAS[c];
        v = QG_REQUANT(v, QG_MULT[c], QG_SHIFT[c]) + QG_OUT_ZP;
        v = v < QG_ACT_MIN ? QG_ACT_MIN : v;
        v = v > QG_ACT_MAX ? QG_ACT_MAX : v;
        out[c] = (int8_t)v;
      }
    }
}
