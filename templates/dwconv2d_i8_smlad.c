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
 * Pixels whose window lies inside the image go in pairs (QG_INNER2: each
 * weight word loaded and widened once for two pixels, each channel's output
 * parameters read once for both) and read their taps at constant offsets
 * from one base pointer; 3x3 windows do this in one asm block per four
 * channels (QG_ASM3X3). Border pixels (and a lone interior column or row)
 * go in pairs too, their taps through a table of addresses (QG_BORDER2; the
 * same asm block with one more LDR per tap and pixel, QG_ASMB; the table
 * lives in output bytes of the interior, written only later, QG_TAB_IN_Y,
 * or in scratch: no stack). Output stage
 * as in conv2d_i8_smlad.c (rqp, QG_RQ_MODE, QG_CLAMP).
 *
 * Compile-time parameters (a body is shared by the layers where they are
 * equal): the shape macros, QG_RQ_MODE, QG_CLAMP, QG_IBITS / QG_OBITS (8:
 * int8; 4 / 2: packed codes, the block path at the end, with QG_SUB_BX). Per layer, passed at the
 * call: weight [KH][KW][C], rqp [C][4], the input / output zero points and
 * the activation clamp (read only when QG_CLAMP; else the full int8 range). */
#include <stdint.h>
#include <string.h>
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
#define QG_SCRATCH_BYTES 152
#define QG_SCR_ZP 0
#define QG_SCR_TAB 8
#define QG_IBITS 8
#define QG_OBITS 8
/* QG_TEMPLATE_DEFAULTS_END */
/* Packed sub-byte activations in or out (QG_IBITS / QG_OBITS 4 or 2): the
 * block path at the end of this file. */
#define QG_DWSUB (QG_IBITS != 8 || QG_OBITS != 8)
/* Row stride of the taps' image, in pixels: the input's width, or on the
 * block path the patch's (QG_SUB_BX output pixels read (BX - 1) SW + KW). */
#if QG_DWSUB
#define QG_XW ((QG_SUB_BX - 1) * QG_SW + QG_KW)
#else
#define QG_XW QG_W
#endif
#if QG_CLAMP
#define QG_OUT(v, o) ((int8_t)QG_DSP_REQUANT((v), rqp + 4 * (o), QG_RQ_MODE, out_zp, act_min, act_max))
#else
#define QG_OUT(v, o) ((int8_t)QG_DSP_REQUANT((v), rqp + 4 * (o), QG_RQ_MODE, out_zp, -128, 127))
#endif
/* One channel (the last QG_C % 4). The sum wraps modulo 2^32 as SMLABB does
 * (computed in uint32_t: no signed overflow whatever the weights). */
#define QG_DW1(TAP, out, c)                                                                \
  do {                                                                                     \
    uint32_t a = 0;                                                                        \
    int t;                                                                                 \
    for (t = 0; t < QG_KH * QG_KW; ++t) a += (uint32_t)((int32_t)(TAP(t))[(c)] * (int32_t)weight[t * QG_C + (c)]); \
    (out)[(c)] = QG_OUT((int32_t)a, (c));                                                  \
  } while (0)
#define QG_TAP_FIXED(t) (base + (((t) / QG_KW) * QG_DH * QG_XW + ((t) % QG_KW) * QG_DW) * QG_C)
/* A border pair's taps: table entries are each tap's address minus the
 * weight pointer (so that the asm block below reaches a tap with one LDR
 * from the weight pointer it holds anyway). */
#define QG_TAB0(t) ((const int8_t *)((uintptr_t)weight + tab[t]))
#define QG_TAB1(t) ((const int8_t *)((uintptr_t)weight + tab[QG_KH * QG_KW + (t)]))
#define QG_LAYER_PARAMS const int8_t *weight, const int32_t *rqp, int32_t out_zp, int32_t act_min, int32_t act_max
#define QG_LAYER_ARGS weight, rqp, out_zp, act_min, act_max
/* Interior pixels in pairs. The interior (every pixel whose window is inside
 * the image) is the rectangle of rows [QG_IY0, QG_IY1) and columns
 * [QG_IX0, QG_IX1); its pixels go in pairs along x (the second pixel QG_SW
 * input pixels to the right) or, when that pairs more of them, along y
 * (QG_SH input rows down): QG_D2 / QG_O2 are the second pixel's input /
 * output offsets. A lone last column (or row) goes with the border pixels
 * (QG_BORDER2: one function fewer per layer, less flash). */
#define QG_IY0 ((QG_PT + QG_SH - 1) / QG_SH)
#define QG_IX0 ((QG_PL + QG_SW - 1) / QG_SW)
#define QG_IYE (QG_H - 1 + QG_PT - (QG_KH - 1) * QG_DH) /* interior rows: oy * QG_SH <= QG_IYE */
#define QG_IXE (QG_W - 1 + QG_PL - (QG_KW - 1) * QG_DW)
#define QG_IY1 (QG_IYE < 0 ? 0 : QG_IYE / QG_SH + 1 < QG_OH ? QG_IYE / QG_SH + 1 : QG_OH)
#define QG_IX1 (QG_IXE < 0 ? 0 : QG_IXE / QG_SW + 1 < QG_OW ? QG_IXE / QG_SW + 1 : QG_OW)
#define QG_IH (QG_IY1 > QG_IY0 ? QG_IY1 - QG_IY0 : 0)
#define QG_IW (QG_IX1 > QG_IX0 ? QG_IX1 - QG_IX0 : 0)
#if QG_DWSUB
#define QG_PAIR_Y 0 /* the block path pairs along x only */
#else
#define QG_PAIR_Y (QG_IW * (QG_IH / 2) > QG_IH * (QG_IW / 2))
#endif
/* the end of the paired rows / columns */
#define QG_PY1 (QG_PAIR_Y ? QG_IY0 + QG_IH / 2 * 2 : QG_IY1)
#define QG_PX1 (QG_PAIR_Y ? QG_IX1 : QG_IX0 + QG_IW / 2 * 2)
#if QG_PAIR_Y
#define QG_D2 (QG_SH * QG_W * QG_C)
#define QG_O2 (QG_OW * QG_C)
#else
#define QG_D2 (QG_SW * QG_C)
#define QG_O2 QG_C
#endif
/* With the DSP extension, a 3x3 window whose offsets fit LDR's 12-bit
 * immediate: one asm block per four channels of the pair (GCC's own
 * schedule of the same code spills the eight accumulators). Per tap: the
 * weight word loaded and widened once (LDR + 2 SXTB16) for both pixels, per
 * pixel LDR + 2 SXTB16 + 4 SMLAxy: 17 instructions for 8 MACs (19 for a
 * border pair, whose tap addresses come from the table); the first tap
 * starts the sums with SMULxy. Registers: 8 sums, 4 temporaries, 2 pointers,
 * 14 in all: every allocatable core register of an optimizing GCC build
 * without a frame pointer (the target's build_flags). Elsewhere (-O0, clang,
 * -fno-omit-frame-pointer: define QG_DW_NO_ASM) the C pair step below. */
#define QG_XO(ky, kx) (((ky) * QG_DH * QG_XW + (kx) * QG_DW) * QG_C)
#if QG_HAVE_DSP && defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__) && !defined(QG_DW_NO_ASM)
#define QG_ASMB (QG_KH == 3 && QG_KW == 3 && 8 * QG_C + 3 <= 4095)
#define QG_ASM3X3 (QG_ASMB && QG_XO(2, 2) + QG_D2 + 3 <= 4095)
#else
#define QG_ASMB 0
#define QG_ASM3X3 0
#endif
#if QG_ASMB
#define QG_STR_(x) #x
#define QG_STR(x) QG_STR_(x)
#define QG_TAPA(OP, XLD, ky, kx)                                                  \
  "ldr %[w], [%[wp], #" QG_STR(((ky) * 3 + (kx)) * QG_C) "]\n\t"                  \
  "sxtb16 %[wl], %[w]\n\t"                                                        \
  "sxtb16 %[w], %[w], ror #8\n\t"                                                 \
  XLD(ky, kx, 0)                                                                  \
  "sxtb16 %[xl], %[x]\n\t"                                                        \
  "sxtb16 %[x], %[x], ror #8\n\t"                                                 \
  OP("a0", "bb", "xl", "wl") OP("a2", "tt", "xl", "wl") OP("a1", "bb", "x", "w") OP("a3", "tt", "x", "w") \
  XLD(ky, kx, 1)                                                                  \
  "sxtb16 %[xl], %[x]\n\t"                                                        \
  "sxtb16 %[x], %[x], ror #8\n\t"                                                 \
  OP("b0", "bb", "xl", "wl") OP("b2", "tt", "xl", "wl") OP("b1", "bb", "x", "w") OP("b3", "tt", "x", "w")
/* Pixel k's tap word: interior pairs at a constant offset from xp; border
 * pairs through the table at xp (two LDR: the entry, then the tap). */
#define QG_XLD_FIXED(ky, kx, k) "ldr %[x], [%[xp], #" QG_STR(QG_XO(ky, kx) + (k) * QG_D2) "]\n\t"
#define QG_XLD_TABLE(ky, kx, k) "ldr %[x], [%[xp], #" QG_STR(4 * ((k) * 9 + (ky) * 3 + (kx))) "]\n\t" "ldr %[x], [%[wp], %[x]]\n\t"
#define QG_MUL(acc, hl, xr, wr) "smul" hl " %[" acc "], %[" xr "], %[" wr "]\n\t"
#define QG_MLA(acc, hl, xr, wr) "smla" hl " %[" acc "], %[" xr "], %[" wr "], %[" acc "]\n\t"
#define QG_DW4X2_ASM(XLD, xp_, wp_, out0, out1, c)                                                            \
  do {                                                                                                         \
    int32_t a0, a1, a2, a3, b0, b1, b2, b3;                                                                    \
    uint32_t w, wl, x, xl;                                                                                     \
    __asm__(QG_TAPA(QG_MUL, XLD, 0, 0) QG_TAPA(QG_MLA, XLD, 0, 1) QG_TAPA(QG_MLA, XLD, 0, 2)                   \
                QG_TAPA(QG_MLA, XLD, 1, 0) QG_TAPA(QG_MLA, XLD, 1, 1) QG_TAPA(QG_MLA, XLD, 1, 2)               \
                    QG_TAPA(QG_MLA, XLD, 2, 0) QG_TAPA(QG_MLA, XLD, 2, 1) QG_TAPA(QG_MLA, XLD, 2, 2)           \
            : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [b0] "=&r"(b0), [b1] "=&r"(b1),  \
              [b2] "=&r"(b2), [b3] "=&r"(b3), [w] "=&r"(w), [wl] "=&r"(wl), [x] "=&r"(x), [xl] "=&r"(xl)       \
            : [xp] "r"(xp_), [wp] "r"(wp_)                                                                     \
            : "memory");                                                                                       \
    QG_OUT2(a0, b0, out0, out1, (c));                                                                          \
    QG_OUT2(a1, b1, out0, out1, (c) + 1);                                                                      \
    QG_OUT2(a2, b2, out0, out1, (c) + 2);                                                                      \
    QG_OUT2(a3, b3, out0, out1, (c) + 3);                                                                      \
  } while (0)
#endif
/* The same in C (hosts without the DSP extension, other windows and builds);
 * TAP0 / TAP1(t): the address of tap t's channel 0 for pixel 0 / 1. */
#define QG_DW4X2_C(TAP0, TAP1, out0, out1, c)                                                 \
  do {                                                                                        \
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;                   \
    int t;                                                                                    \
    for (t = 0; t < QG_KH * QG_KW; ++t) {                                                     \
      const uint32_t wv = qg_load4(weight + t * QG_C + (c));                                  \
      const uint32_t wl = qg_sxtb16(wv), wh = qg_sxtb16_ror8(wv);                             \
      const uint32_t xv = qg_load4((TAP0(t)) + (c)), yv = qg_load4((TAP1(t)) + (c));          \
      const uint32_t xl = qg_sxtb16(xv), xh = qg_sxtb16_ror8(xv);                             \
      const uint32_t yl = qg_sxtb16(yv), yh = qg_sxtb16_ror8(yv);                             \
      a0 = qg_smlabb(xl, wl, a0);                                                             \
      a2 = qg_smlatt(xl, wl, a2);                                                             \
      a1 = qg_smlabb(xh, wh, a1);                                                             \
      a3 = qg_smlatt(xh, wh, a3);                                                             \
      b0 = qg_smlabb(yl, wl, b0);                                                             \
      b2 = qg_smlatt(yl, wl, b2);                                                             \
      b1 = qg_smlabb(yh, wh, b1);                                                             \
      b3 = qg_smlatt(yh, wh, b3);                                                             \
    }                                                                                         \
    QG_OUT2(a0, b0, out0, out1, (c));                                                         \
    QG_OUT2(a1, b1, out0, out1, (c) + 1);                                                     \
    QG_OUT2(a2, b2, out0, out1, (c) + 2);                                                     \
    QG_OUT2(a3, b3, out0, out1, (c) + 3);                                                     \
  } while (0)
/* Both pixels' results of channel o computed before either is stored (a
 * byte store may alias rqp: the channel's parameters are read once). */
#define QG_OUT2(va, vb, out0, out1, o)                 \
  do {                                                 \
    const int8_t ra_ = QG_OUT((va), (o)), rb_ = QG_OUT((vb), (o)); \
    (out0)[(o)] = ra_;                                 \
    (out1)[(o)] = rb_;                                 \
  } while (0)
#define QG_TAP_FIXED1(t) (QG_TAP_FIXED(t) + QG_D2)
#define QG_INNER2 QG_CAT(QG_FN, _inner2)
QG_HOT void QG_INNER2(const int8_t *base, int8_t *out, QG_LAYER_PARAMS) {
  long c;
  (void)act_min;
  (void)act_max;
  for (c = 0; c < QG_C / 4 * 4; c += 4) {
#if QG_ASM3X3
    QG_DW4X2_ASM(QG_XLD_FIXED, base + c, weight + c, out, out + QG_O2, c);
#else
    QG_DW4X2_C(QG_TAP_FIXED, QG_TAP_FIXED1, out, out + QG_O2, c);
#endif
  }
  for (c = QG_C / 4 * 4; c < QG_C; ++c) {
    QG_DW1(QG_TAP_FIXED, out, c);
    QG_DW1(QG_TAP_FIXED1, out + QG_O2, c);
  }
}
/* Two pixels of the border (or one, given twice: out0 == out1), taps
 * through the table (QG_TAB0, QG_TAB1). */
#if !QG_DWSUB /* the block path has no border pixels */
#define QG_BORDER2 QG_CAT(QG_FN, _border2)
QG_HOT void QG_BORDER2(const uintptr_t *tab, int8_t *out0, int8_t *out1, QG_LAYER_PARAMS) {
  long c;
  (void)act_min;
  (void)act_max;
  for (c = 0; c < QG_C / 4 * 4; c += 4) {
#if QG_ASMB
    QG_DW4X2_ASM(QG_XLD_TABLE, tab, weight + c, out0, out1, c);
#else
    QG_DW4X2_C(QG_TAB0, QG_TAB1, out0, out1, c);
#endif
  }
  for (c = QG_C / 4 * 4; c < QG_C; ++c) {
    QG_DW1(QG_TAB0, out0, c);
    QG_DW1(QG_TAB1, out1, c);
  }
}
#endif
/* The border's table of tap offsets (2 KH KW entries, 8 bytes reserved
 * each whatever the size of uintptr_t) is kept in the output of the paired
 * interior's first row, which is written only after every border pixel (no
 * stack, no scratch), when that row spans it (plus 7 bytes to align it);
 * else in scratch at QG_SCR_TAB (select/select.cpp dw_tab_scratch decides
 * the same). */
#define QG_TAB_BYTES (2 * QG_KH * QG_KW * 8)
#define QG_TAB_IN_Y (QG_PY1 > QG_IY0 && (QG_PX1 - QG_IX0) * QG_C >= QG_TAB_BYTES + 7)
#if !QG_DWSUB
static void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch, const int8_t *weight, const int32_t *rqp, int32_t in_zp, int32_t out_zp,
                  int32_t act_min, int32_t act_max) {
  int8_t *zpv = (int8_t *)(scratch + QG_SCR_ZP); /* QG_C zero points: the input outside the image */
#if QG_TAB_IN_Y
  uintptr_t *const tab = (uintptr_t *)(((uintptr_t)(y + (QG_IY0 * QG_OW + QG_IX0) * QG_C) + 7) & ~(uintptr_t)7);
#else
  uintptr_t *const tab = (uintptr_t *)(scratch + QG_SCR_TAB);
#endif
  int8_t *out0 = y;
  long oy, ox, c;
  int t, k = 0;
  /* QG_C zero points, rounded up to whole words (the pair step reads four channels),
   * at scratch offset QG_SCR_ZP: the compiler's layout (select/select.cpp); a
   * compile error (negative array size) if it differs. */
#if QG_TAB_IN_Y
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_ZP + (QG_C + 3) / 4 * 4 ? 1 : -1]);
#else
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_TAB + QG_TAB_BYTES && QG_SCR_TAB >= QG_SCR_ZP + (QG_C + 3) / 4 * 4 && QG_SCR_TAB % 8 == 0 ? 1 : -1]);
#endif
  for (c = 0; c < QG_C; ++c) zpv[c] = (int8_t)in_zp;
  /* The pixels outside the paired part of the interior (the border, and the
   * lone last interior column or row when there is one), two at a time:
   * their taps through the table; a pixel left over goes alone (twice). */
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox) {
      const long iy0 = oy * QG_SH - QG_PT, ix0 = ox * QG_SW - QG_PL;
      int8_t *out = y + (oy * QG_OW + ox) * QG_C;
      if (oy >= QG_IY0 && oy < QG_PY1 && ox >= QG_IX0 && ox < QG_PX1) continue;
      for (t = 0; t < QG_KH * QG_KW; ++t) {
        const long iy = iy0 + (t / QG_KW) * QG_DH, ix = ix0 + (t % QG_KW) * QG_DW;
        const int8_t *p = (iy < 0 || iy >= QG_H || ix < 0 || ix >= QG_W) ? zpv : x + (iy * QG_W + ix) * QG_C;
        tab[k * QG_KH * QG_KW + t] = (uintptr_t)p - (uintptr_t)weight;
      }
      if (k == 0) {
        out0 = out;
        k = 1;
      } else {
        QG_BORDER2(tab, out0, out, QG_LAYER_ARGS);
        k = 0;
      }
    }
  if (k) {
    for (t = 0; t < QG_KH * QG_KW; ++t) tab[QG_KH * QG_KW + t] = tab[t];
    QG_BORDER2(tab, out0, out0, QG_LAYER_ARGS);
  }
  /* The paired part of the interior. */
  for (oy = QG_IY0; oy < QG_PY1; oy += 1 + QG_PAIR_Y)
    for (ox = QG_IX0; ox < QG_PX1; ox += 2 - QG_PAIR_Y)
      QG_INNER2(x + ((oy * QG_SH - QG_PT) * QG_W + ox * QG_SW - QG_PL) * QG_C, y + (oy * QG_OW + ox) * QG_C, QG_LAYER_ARGS);
}
#else /* QG_DWSUB */
/* The block path: packed unsigned codes (docs/integer-only.md, "Sub-byte
 * activations"; same results as conv2d_i8_sub.c with groups = channels),
 * QG_IBITS bits in (two or four codes per byte, low bits first) and / or
 * QG_OBITS bits out. The output pixels of a row go in blocks of QG_SUB_BX
 * (even); per block, the QG_KH input rows its windows read are unpacked
 * into a patch of int8 codes in scratch (QG_SCR_PATCH: KH rows of
 * QG_XW = (BX - 1) SW + KW pixels; taps outside the image hold the zero
 * point), with the SIMD-within-a-register unpack of conv2d_sub_smlad.c (an
 * 8-bit input is copied). Every pixel of the block is then an interior
 * pixel of the patch: pairs along x run the int8 pair step above
 * (QG_INNER2; the 3x3 asm block, whose tap offsets the select stage keeps
 * within LDR's immediate by its choice of BX, else the C step); an odd last
 * pixel is paired with a padding window. The outputs go to an int8 row in
 * scratch (QG_SCR_ROW: OW + 1 pixels, the padding window's results in the
 * last) packed into y four codes per step, or, for an 8-bit output,
 * straight to y (a lone last pixel through QG_SCR_ROW's two pixels). Codes
 * are unsigned (0..2^bits - 1): they feed SXTB16 / SMLAxy as int8 values
 * do, and the output clamp (QG_CLAMP) is the code range. Vertical dilation 1
 * only (the select stage checks it). */
#if QG_DH != 1 || QG_SUB_BX < 2 || QG_SUB_BX % 2
#error "the block path of dwconv2d_i8_smlad.c needs QG_DH == 1 and an even QG_SUB_BX"
#endif
#define QG_PRS (QG_XW * QG_C) /* bytes of a patch row */
#if QG_IBITS != 8
/* n codes of the packed input from element e on, as int8 codes at dst (conv2d_sub_smlad.c's unpack). */
QG_INLINE void QG_CAT(QG_FN, _unpack)(const uint8_t *xb, long e, int8_t *dst, long n) {
  qg_sub_unpack(xb, e, dst, n, QG_IBITS);
}
#endif
#if QG_OBITS != 8
/* n int8 codes at src -> the packed output from element e on. Whole bytes
 * are written four codes at a time (4 bits: t = w | w >> 4 holds two bytes
 * at bits 0 and 16; 2 bits: u = w | w >> 6, u | u >> 12 holds one byte);
 * a byte shared with the previous or next row is read, modified, written. */
QG_INLINE void QG_CAT(QG_FN, _pack)(const int8_t *src, uint8_t *yb, long e, long n) {
  const long per = 8 / QG_OBITS;
#define QG_PUT1(e_, v_)                                                                                        \
  do {                                                                                                         \
    const long sh_ = ((e_) % per) * QG_OBITS;                                                                  \
    uint8_t *b_ = yb + (e_) / per;                                                                             \
    *b_ = (uint8_t)((*b_ & ~(((1u << QG_OBITS) - 1u) << sh_)) | ((uint32_t)(uint8_t)(v_) << sh_));            \
  } while (0)
  const long head = (per - e % per) % per < n ? (per - e % per) % per : n, quads = (n - head) / 4, tail = (n - head) % 4;
  long k;
  for (k = 0; k < head; ++k, ++e) QG_PUT1(e, *src++);
  for (k = 0; k < quads; ++k, e += 4, src += 4) {
    uint32_t t;
    memcpy(&t, src, 4);
#if QG_OBITS == 4
    t = (t | (t >> 4)) & 0x00FF00FFu;
    yb[e / 2] = (uint8_t)t;
    yb[e / 2 + 1] = (uint8_t)(t >> 16);
#else
    t |= t >> 6;
    yb[e / 4] = (uint8_t)(t | (t >> 12));
#endif
  }
  for (k = 0; k < tail; ++k, ++e) QG_PUT1(e, *src++);
#undef QG_PUT1
}
#endif
static void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch, const int8_t *weight, const int32_t *rqp, int32_t in_zp, int32_t out_zp,
                  int32_t act_min, int32_t act_max) {
  int8_t *patch = (int8_t *)(scratch + QG_SCR_PATCH);
  int8_t *const rowb = (int8_t *)(scratch + QG_SCR_ROW);
  long oy, ox0, ky, j;
  /* the compiler's layout (select/select.cpp dsp_choice); a compile error if it differs */
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_ROW + (QG_OBITS != 8 ? QG_OW + 1 : 2) * QG_C && QG_SCR_ROW >= QG_SCR_PATCH + QG_KH * QG_PRS ? 1 : -1]);
  for (oy = 0; oy < QG_OH; ++oy) {
    const long iy0 = oy * QG_SH - QG_PT;
#if QG_OBITS != 8
    int8_t *const yrow = rowb;
#else
    int8_t *const yrow = y + oy * QG_OW * QG_C;
#endif
    for (ox0 = 0; ox0 < QG_OW; ox0 += QG_SUB_BX) {
      const long n = QG_OW - ox0 < QG_SUB_BX ? QG_OW - ox0 : QG_SUB_BX;
      const long pw = (n + (n & 1) - 1) * QG_SW + QG_KW; /* patch pixels this block reads */
      const long ix0 = ox0 * QG_SW - QG_PL, lo = ix0 < 0 ? 0 : ix0, hi = ix0 + pw < QG_W ? ix0 + pw : QG_W;
      for (ky = 0; ky < QG_KH; ++ky) {
        const long iy = iy0 + ky;
        int8_t *d = patch + ky * QG_PRS;
        if (iy < 0 || iy >= QG_H || hi <= lo) {
          memset(d, (int8_t)in_zp, pw * QG_C);
          continue;
        }
        if (lo > ix0) memset(d, (int8_t)in_zp, (lo - ix0) * QG_C);
#if QG_IBITS == 8
        memcpy(d + (lo - ix0) * QG_C, x + (iy * QG_W + lo) * QG_C, (hi - lo) * QG_C);
#else
        QG_CAT(QG_FN, _unpack)((const uint8_t *)x, (iy * QG_W + lo) * QG_C, d + (lo - ix0) * QG_C, (hi - lo) * QG_C);
#endif
        if (ix0 + pw > hi) memset(d + (hi - ix0) * QG_C, (int8_t)in_zp, (ix0 + pw - hi) * QG_C);
      }
      for (j = 0; j + 1 < n; j += 2) QG_INNER2(patch + j * QG_SW * QG_C, yrow + (ox0 + j) * QG_C, QG_LAYER_ARGS);
      if (n & 1) {
#if QG_OBITS != 8
        QG_INNER2(patch + j * QG_SW * QG_C, yrow + (ox0 + j) * QG_C, QG_LAYER_ARGS); /* the padding window into the row's spare pixel */
#else
        QG_INNER2(patch + j * QG_SW * QG_C, rowb, QG_LAYER_ARGS);
        memcpy(yrow + (ox0 + j) * QG_C, rowb, QG_C);
#endif
      }
    }
#if QG_OBITS != 8
    QG_CAT(QG_FN, _pack)(yrow, (uint8_t *)y, oy * QG_OW * QG_C, QG_OW * QG_C);
#endif
  }
}
#undef QG_PRS
#endif /* QG_DWSUB */
#undef QG_OUT
#undef QG_DW4X2_ASM
#undef QG_DW4X2_C
#undef QG_XLD_FIXED
#undef QG_XLD_TABLE
#undef QG_ASMB
#undef QG_TAB0
#undef QG_TAB1
#undef QG_DW1
#undef QG_OUT2
#undef QG_TAP_FIXED1
#undef QG_INNER2
#undef QG_IY0
#undef QG_IX0
#undef QG_IYE
#undef QG_IXE
#undef QG_IY1
#undef QG_IX1
#undef QG_IH
#undef QG_IW
#undef QG_PY1
#undef QG_PX1
#undef QG_PAIR_Y
#undef QG_D2
#undef QG_O2
#undef QG_XO
#undef QG_ASM3X3
#undef QG_STR_
#undef QG_STR
#undef QG_TAPA
#undef QG_MUL
#undef QG_MLA
#undef QG_TAP_FIXED
#undef QG_BORDER2
#undef QG_TAB_BYTES
#undef QG_TAB_IN_Y
#undef QG_LAYER_PARAMS
#undef QG_LAYER_ARGS
#undef QG_DWSUB
#undef QG_XW
