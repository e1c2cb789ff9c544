/* qg_dwconv2d_a8w8_smlad__cortex_m7: integer-only depthwise convolution
 * (channel multiplier 1) with TFLite int8 semantics (same results as
 * conv2d_i8.c with groups = channels), for the Armv7E-M DSP extension.
 *
 * Four channels per step: one word of input and one of weights, SXTB16 /
 * SXTB16-ROR8 split them into halfword pairs (c, c+2) and (c+1, c+3), and
 * SMLABB / SMLATT accumulate each channel separately. Weights are transposed
 * by the compiler to [ky][kx][c] so the four channels' weights are adjacent.
 * The input offset is folded into the bias (bias - zp_in * sum of the
 * channel's weights); taps outside the image read a row of zero points in
 * scratch, which contributes (zp_in - zp_in) * w = 0 as in TFLite.
 * Pixels whose window lies inside the image read their taps at constant
 * offsets from one base pointer; border pixels go through a table of tap
 * pointers. Output stage as in conv2d_i8_smlad.c (rqp, QG_RQ_MODE, QG_CLAMP).
 *
 * Compile-time parameters (a body is shared by the layers where they are
 * equal): the shape macros, QG_RQ_MODE, QG_CLAMP. Per layer, passed at the
 * call: weight [KH][KW][C], rqp [C][4], the input / output zero points and
 * the activation clamp (read only when QG_CLAMP; else the full int8 range). */
#include <stdint.h>
#include "../runtime/qg_arm_dsp.h"
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
#define QG_RQ_MODE 0
#define QG_CLAMP 1
#define QG_SCRATCH_BYTES 8
#define QG_SCR_ZP 0
/* QG_TEMPLATE_DEFAULTS_END */
#if QG_CLAMP
#define QG_OUT(v, o) ((int8_t)qg_dsp_requant((v), rqp + 4 * (o), QG_RQ_MODE, out_zp, act_min, act_max))
#else
#define QG_OUT(v, o) ((int8_t)qg_dsp_requant((v), rqp + 4 * (o), QG_RQ_MODE, out_zp, -128, 127))
#endif
/* Four channels c..c+3 of one pixel; TAP(t) is the address of tap t's channel 0. */
#define QG_DW4(TAP, out, c)                                                                   \
  do {                                                                                        \
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;                                                   \
    int t;                                                                                    \
    _Pragma("GCC unroll 16") for (t = 0; t < QG_KH * QG_KW; ++t) {                            \
      const uint32_t xv = qg_load4((TAP(t)) + (c)), wv = qg_load4(weight + t * QG_C + (c)); \
      const uint32_t xl = qg_sxtb16(xv), wl = qg_sxtb16(wv);                                  \
      const uint32_t xh = qg_sxtb16_ror8(xv), wh = qg_sxtb16_ror8(wv);                        \
      a0 = qg_smlabb(xl, wl, a0);                                                             \
      a2 = qg_smlatt(xl, wl, a2);                                                             \
      a1 = qg_smlabb(xh, wh, a1);                                                             \
      a3 = qg_smlatt(xh, wh, a3);                                                             \
    }                                                                                         \
    (out)[(c)] = QG_OUT(a0, (c));                                                             \
    (out)[(c) + 1] = QG_OUT(a1, (c) + 1);                                                     \
    (out)[(c) + 2] = QG_OUT(a2, (c) + 2);                                                     \
    (out)[(c) + 3] = QG_OUT(a3, (c) + 3);                                                     \
  } while (0)
#define QG_DW1(TAP, out, c)                                                                \
  do {                                                                                     \
    int32_t a = 0;                                                                         \
    int t;                                                                                 \
    for (t = 0; t < QG_KH * QG_KW; ++t) a += (int32_t)(TAP(t))[(c)] * (int32_t)weight[t * QG_C + (c)]; \
    (out)[(c)] = QG_OUT(a, (c));                                                           \
  } while (0)
#define QG_TAP_FIXED(t) (base + (((t) / QG_KW) * QG_DH * QG_W + ((t) % QG_KW) * QG_DW) * QG_C)
#define QG_TAP_TABLE(t) (tap[t])
/* All channels of one pixel whose window is inside the image (out of line:
 * the hot loop gets the registers to itself). */
#define QG_INNER QG_CAT(QG_FN, _inner)
#define QG_LAYER_PARAMS const int8_t *weight, const int32_t *rqp, int32_t out_zp, int32_t act_min, int32_t act_max
#define QG_LAYER_ARGS weight, rqp, out_zp, act_min, act_max
QG_HOT void QG_INNER(const int8_t *base, int8_t *out, QG_LAYER_PARAMS) {
  long c;
  (void)act_min;
  (void)act_max;
  for (c = 0; c < QG_C / 4 * 4; c += 4) QG_DW4(QG_TAP_FIXED, out, c);
  for (c = QG_C / 4 * 4; c < QG_C; ++c) QG_DW1(QG_TAP_FIXED, out, c);
}
/* The same for a border pixel: taps through a table of pointers. */
#define QG_BORDER QG_CAT(QG_FN, _border)
QG_HOT void QG_BORDER(const int8_t *const *tap, int8_t *out, QG_LAYER_PARAMS) {
  long c;
  (void)act_min;
  (void)act_max;
  for (c = 0; c < QG_C / 4 * 4; c += 4) QG_DW4(QG_TAP_TABLE, out, c);
  for (c = QG_C / 4 * 4; c < QG_C; ++c) QG_DW1(QG_TAP_TABLE, out, c);
}
static void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch, const int8_t *weight, const int32_t *rqp, int32_t in_zp, int32_t out_zp,
                  int32_t act_min, int32_t act_max) {
  int8_t *zpv = (int8_t *)(scratch + QG_SCR_ZP); /* QG_C zero points: the input outside the image */
  const int8_t *tap[QG_KH * QG_KW];
  long oy, ox, c;
  int t;
  /* QG_C zero points, rounded up to whole words (QG_DW4 reads four channels),
   * at scratch offset QG_SCR_ZP: the compiler's layout (select/select.cpp); a
   * compile error (negative array size) if it differs. */
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_ZP + (QG_C + 3) / 4 * 4 ? 1 : -1]);
  for (c = 0; c < QG_C; ++c) zpv[c] = (int8_t)in_zp;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox) {
      const long iy0 = oy * QG_SH - QG_PT, ix0 = ox * QG_SW - QG_PL;
      int8_t *out = y + (oy * QG_OW + ox) * QG_C;
      if (iy0 >= 0 && iy0 + (QG_KH - 1) * QG_DH < QG_H && ix0 >= 0 && ix0 + (QG_KW - 1) * QG_DW < QG_W) {
        QG_INNER(x + (iy0 * QG_W + ix0) * QG_C, out, QG_LAYER_ARGS);
      } else {
        for (t = 0; t < QG_KH * QG_KW; ++t) {
          const long iy = iy0 + (t / QG_KW) * QG_DH, ix = ix0 + (t % QG_KW) * QG_DW;
          tap[t] = (iy < 0 || iy >= QG_H || ix < 0 || ix >= QG_W) ? zpv : x + (iy * QG_W + ix) * QG_C;
        }
        QG_BORDER(tap, out, QG_LAYER_ARGS);
      }
    }
}
#undef QG_OUT
#undef QG_DW4
#undef QG_DW1
#undef QG_TAP_FIXED
#undef QG_TAP_TABLE
#undef QG_INNER
#undef QG_BORDER
#undef QG_LAYER_PARAMS
#undef QG_LAYER_ARGS
