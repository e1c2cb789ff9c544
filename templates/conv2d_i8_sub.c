/* qg_conv2d_a<I>o<O>_sub__c / qg_dense_a<I>o<O>_sub__c: integer-only
 * convolution (templates/conv2d_i8.c, TFLite int8 semantics) whose input
 * and/or output activations are packed sub-byte codes (docs/integer-only.md,
 * "Sub-byte activations"). QG_IBITS / QG_OBITS: 8 = int8 codes, one per
 * byte; 4 or 2 = unsigned codes 0..2^bits-1, 8/bits per byte, element i in
 * byte i*bits/8 at bit (i mod (8/bits))*bits (little end first).
 * acc = Σ w·(x − zp_in) over taps inside the image (int32, wrapping), + bias,
 * QG_REQUANT(acc, mult, shift) per output channel, + zp_out, clamped to
 * [act_min, act_max] (inside [0, 2^OBITS − 1] for a sub-byte output), stored
 * straight at the output's width. Outputs are written in index order, a whole
 * byte at a time for a packed output (the tail byte's unused high bits are 0).
 * Compile-time: the shape macros, QG_IBITS, QG_OBITS, QG_REQUANT; per layer,
 * passed at the call: weight OHWI (int8 codes of any w_bits), bias, mult,
 * shift, zero points and clamp. */
#include <stdint.h>
#include "../runtime/qg_fixed.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_a4o4_sub__c_example
#define QG_H 5
#define QG_W 4
#define QG_C 3
#define QG_OH 5
#define QG_OW 4
#define QG_O 3
#define QG_KH 3
#define QG_KW 3
#define QG_SH 1
#define QG_SW 1
#define QG_DH 1
#define QG_DW 1
#define QG_PT 1
#define QG_PL 1
#define QG_G 1
#define QG_IBITS 4
#define QG_OBITS 4
#define QG_REQUANT qg_mbqm
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y, const int8_t *weight, const int32_t *bias, const int32_t *mult, const int32_t *shift,
                  int32_t in_zp, int32_t out_zp, int32_t act_min, int32_t act_max) {
  const long cg = QG_C / QG_G, og = QG_O / QG_G;
  const uint8_t *xb = (const uint8_t *)x;
  uint8_t *yb = (uint8_t *)y;
  long oy, ox, o, ky, kx, c;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
      for (o = 0; o < QG_O; ++o) {
        const long grp = o / og, yi = (oy * QG_OW + ox) * QG_O + o;
        int32_t acc = 0;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
            const int8_t *wp;
            long xi;
            if (ix < 0 || ix >= QG_W) continue;
            wp = weight + ((o * QG_KH + ky) * QG_KW + kx) * cg;
            xi = (iy * QG_W + ix) * QG_C + grp * cg;
            for (c = 0; c < cg; ++c, ++xi) {
#if QG_IBITS == 8
              const int32_t xv = (int32_t)x[xi];
#else
              const int32_t xv = (int32_t)((xb[xi / (8 / QG_IBITS)] >> ((xi % (8 / QG_IBITS)) * QG_IBITS)) & ((1 << QG_IBITS) - 1));
#endif
              acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)wp[c] * (xv - in_zp)));
            }
          }
        }
        acc = (int32_t)((uint32_t)acc + (uint32_t)bias[o]); /* int32 sums wrap, as in TFLite (docs/integer-only.md) */
        acc = (int32_t)((uint32_t)QG_REQUANT(acc, mult[o], shift[o]) + (uint32_t)out_zp);
        acc = acc < act_min ? act_min : acc;
        acc = acc > act_max ? act_max : acc;
#if QG_OBITS == 8
        y[yi] = (int8_t)acc;
#else
        if (yi % (8 / QG_OBITS) == 0) yb[yi / (8 / QG_OBITS)] = (uint8_t)acc;
        else yb[yi / (8 / QG_OBITS)] = (uint8_t)(yb[yi / (8 / QG_OBITS)] | (acc << ((yi % (8 / QG_OBITS)) * QG_OBITS)));
#endif
      }
  (void)xb;
  (void)yb;
}
