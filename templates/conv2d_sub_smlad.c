/* qg_conv2d_a<I>o<O>w<W>_smlad__cortex_m7 (and qg_dense_...): integer-only
 * convolution / dense layer with packed sub-byte activations in or out
 * (docs/integer-only.md, "Sub-byte activations"), same results as
 * conv2d_i8_sub.c, for the Armv7E-M DSP extension. The matrix product, the
 * weight formats (QG_WBITS 8 / 4 / 2), the folded input offset (bias' =
 * bias − zp_in·Σw) and the output stage are those of conv2d_i8_smlad.c
 * (runtime/qg_arm_dsp.h: qg_dot2x2_w8/w4/w2, qg_dsp_requant); what differs:
 *
 * Input, QG_IBITS: 8 = int8 codes (im2col copy, or the pixel itself when
 * QG_DIRECT); 4 = packed unsigned codes, two per byte, low nibble first,
 * unpacked into the im2col column of int8 codes (0..15) with SIMD within a
 * register: two packed bytes (four codes n0..n3, a halfword h) become one
 * word of four code bytes by t = (h | h << 8) & 0x00FF00FF,
 * (t | t << 4) & 0x0F0F0F0F — the column then feeds SXTB16 / SMLAD as an
 * int8 column does. Taps outside the image hold the zero point, as there.
 * 2 = four codes per byte: one byte b becomes one word of four code bytes by
 * (b | b << 6 | b << 12 | b << 18) & 0x03030303. A run of C codes starting
 * inside a byte (C not a multiple of 8/bits) is unpacked code by code up to
 * the next byte boundary, and so is its tail.
 *
 * Output, QG_OBITS: 8 = int8; 4 / 2 = packed codes, each written into its
 * byte with a read-modify-write (outputs are produced two channels x two
 * pixels at a time, not in index order).
 *
 * Two paths: the im2col one described above (two columns in scratch), and,
 * when the compiler sets QG_SUB_BX (with pair-packed rows, QG_HILO), the
 * patch path below: the input rows of a block of output pixels unpacked once
 * and the windows read in place (see there).
 *
 * Compile-time: the shape macros, QG_K, QG_KP, QG_WBITS, QG_DIRECT,
 * QG_RQ_MODE, QG_CLAMP, QG_IBITS, QG_OBITS, QG_HILO, QG_SUB_BX, the scratch
 * layout. Per layer,
 * passed at the call: weight, rqp, zero points, clamp. */
#include <stdint.h>
#include <string.h>
#include "../runtime/qg_arm_dsp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_a4o4w8_smlad__cortex_m7_example
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
#define QG_K 27
#define QG_KP 27
#define QG_WBITS 8
#define QG_DIRECT 0
#define QG_RQ_MODE 1
#define QG_CLAMP 1
#define QG_IBITS 4
#define QG_OBITS 4
#define QG_HILO 0
#define QG_SUB_BX 0
#define QG_SCRATCH_BYTES 54
#define QG_SCR_COLS 0
/* QG_TEMPLATE_DEFAULTS_END */
#if QG_WBITS == 8
#define QGS_ROW QG_KP
#define QGS_KC QG_KP
#define QGS_STEP 4
#define QGS_SCALE_SHIFT 0
#define QGS_DOT qg_dot2x2_w8
#define QGS_BODY QG_DOT2X2_W8_BODY
#elif QG_WBITS == 4
#define QGS_ROW (QG_KP / 2)
#define QGS_KC QG_KP
#define QGS_STEP 8
#define QGS_SCALE_SHIFT 4
#define QGS_DOT qg_dot2x2_w4
#define QGS_BODY QG_DOT2X2_W4_BODY
#else
#define QGS_ROW (QG_KP / 4)
#define QGS_KC QG_KP
#define QGS_STEP 16
#define QGS_SCALE_SHIFT 6
#define QGS_DOT qg_dot2x2_w2
#define QGS_BODY QG_DOT2X2_W2_BODY
#endif
#if QG_DIRECT
#define QGS_XS QG_C
#else
#define QGS_XS QGS_KC
#endif
#define QGS_DOTFN QG_CAT(QG_FN, _dot)
QG_HOT void QGS_DOTFN(const int8_t *x, const uint8_t *w, int32_t *acc) {
  long n = QGS_KC / QGS_STEP;
  QGS_BODY(QGS_XS, QGS_ROW);
}
#if QG_CLAMP
#define QGS_OUT(v, o) QG_DSP_REQUANT((v), rqp + 4 * (o), QG_RQ_MODE, out_zp, act_min, act_max)
#else
#define QGS_OUT(v, o) QG_DSP_REQUANT((v), rqp + 4 * (o), QG_RQ_MODE, out_zp, -128, 127)
#endif
#if QG_CLAMP
#define QGS_STP(i, v, p) QGS_ST((i), QG_DSP_REQUANT((v), (p), QG_RQ_MODE, out_zp, act_min, act_max))
#else
#define QGS_STP(i, v, p) QGS_ST((i), QG_DSP_REQUANT((v), (p), QG_RQ_MODE, out_zp, -128, 127))
#endif
#if QG_OBITS == 8
#define QGS_ST(i, v) (y[(i)] = (int8_t)(v))
#else
#define QGS_ST(i, v)                                                                                   \
  do {                                                                                                \
    const long qi_ = (i), sh_ = (qi_ % (8 / QG_OBITS)) * QG_OBITS;                                    \
    uint8_t *b_ = (uint8_t *)y + qi_ / (8 / QG_OBITS);                                                \
    *b_ = (uint8_t)((*b_ & ~(((1u << QG_OBITS) - 1u) << sh_)) | ((uint32_t)(v) << sh_));               \
  } while (0)
#endif
/* All output channels of pixels c0 -> output index base i0 and c0 + cs -> i1 (cs == 0: one pixel). */
#define QGS_PIXELS(c0, cs, i0, i1)                                                        \
  do {                                                                                   \
    long o;                                                                              \
    for (o = 0; o < QG_O; o += 2) {                                                      \
      const long ob = o + 1 < QG_O ? o + 1 : o;                                          \
      int32_t acc[4];                                                                    \
      if ((cs) == QGS_XS && ob == o + 1)                                                  \
        QGS_DOTFN((c0), weight + o * QGS_ROW, acc);                                        \
      else                                                                               \
        QGS_DOT((c0), (cs), weight + o * QGS_ROW, (ob - o) * QGS_ROW, QGS_KC / QGS_STEP, acc); \
      if (QG_WBITS == 8 && QGS_KC % 4) {                                                 \
        long k;                                                                          \
        for (k = QGS_KC / 4 * 4; k < QGS_KC; ++k) {                                      \
          const int32_t ua = (int8_t)weight[o * QGS_ROW + k], ub = (int8_t)weight[ob * QGS_ROW + k]; \
          acc[0] = qg_mac_wrap(acc[0], (c0)[k], ua);                                     \
          acc[1] = qg_mac_wrap(acc[1], (c0)[k], ub);                                     \
          acc[2] = qg_mac_wrap(acc[2], (c0)[(cs) + k], ua);                              \
          acc[3] = qg_mac_wrap(acc[3], (c0)[(cs) + k], ub);                              \
        }                                                                                \
      }                                                                                  \
      QGS_ST((i0) + o, QGS_OUT(acc[0] >> QGS_SCALE_SHIFT, o));                              \
      QGS_ST((i1) + o, QGS_OUT(acc[2] >> QGS_SCALE_SHIFT, o));                              \
      QGS_ST((i0) + ob, QGS_OUT(acc[1] >> QGS_SCALE_SHIFT, ob));                            \
      QGS_ST((i1) + ob, QGS_OUT(acc[3] >> QGS_SCALE_SHIFT, ob));                            \
    }                                                                                    \
  } while (0)
#if QG_IBITS != 8
/* n codes of the packed input from element e on, as int8 codes at dst. */
QG_INLINE void QG_CAT(QG_FN, _unpack)(const uint8_t *xb, long e, int8_t *dst, long n) {
  qg_sub_unpack(xb, e, dst, n, QG_IBITS);
}
#endif
#if QG_SUB_BX
/* The patch path (QG_SUB_BX > 0, with pair-packed rows QG_HILO): the output
 * pixels of a row in blocks of QG_SUB_BX; per block, the QG_KH input rows
 * that its windows read are unpacked once into a patch of int8 codes
 * (QGS_PW pixels per row, taps outside the image hold the input zero point),
 * then pixel pairs of the block read their windows in place, kernel row by
 * kernel row, with the pair-packed dot of conv2d_i8_smlad.c (QG_HL2_STEP,
 * 18 instructions per 16 MACs). Each input pixel is unpacked about
 * QG_KH (QG_SUB_BX - 1 + QG_KW) / QG_SUB_BX times instead of QG_KH QG_KW
 * (im2col). The compiler chooses it (select.cpp dsp_choice) for 8-bit
 * weights when KW * C % 4 == 0, dilation 1, hilo_rows_exact, and the patch
 * fits its scratch budget. An odd QG_O: the last row (plain) through SMLAD
 * on both pixels. */
#if !QG_HILO || QG_WBITS != 8 || QG_DIRECT || (QG_KW * QG_C) % 4 || QG_KP != QG_K || QG_DH != 1 || QG_DW != 1 || QG_SUB_BX % 2
#error "QG_SUB_BX needs pair-packed 8-bit rows, KW * C % 4 == 0, dilation 1 and an even block"
#endif
#define QGS_PW ((QG_SUB_BX - 1) * QG_SW + QG_KW) /* patch pixels per row */
#define QGS_PRS (QGS_PW * QG_C)                  /* patch row stride, bytes */
#define QGS_PXS (QG_SW * QG_C)                   /* the pair's second window */
#define QGS_RG (QG_KW * QG_C / 4)                /* groups of four codes per kernel row */
#define QGS_PAIRFN QG_CAT(QG_FN, _pair)
/* Pixels at x0 and x0 + QGS_PXS (a patch) -> output indices i0 and i1; i1 is
 * stored first, so i1 == i0 (a lone pixel, the second window a padding one)
 * keeps pixel i0's values. */
QG_HOT void QGS_PAIRFN(const int8_t *x0, int8_t *y, long i0, long i1, const uint8_t *weight, const int32_t *rqp, int32_t out_zp,
                       int32_t act_min, int32_t act_max) {
  long o;
  (void)out_zp;
  (void)act_min;
  (void)act_max;
  for (o = 0; o + 1 < QG_O; o += 2) {
    int32_t acc[4], pa[4], pb[4];
    const int8_t *x = x0;
    const uint8_t *w = weight + o * QG_KP;
    int32_t r0 = 0, l0 = 0, r1 = 0, l1 = 0;
    long ky, g;
    for (ky = 0; ky < QG_KH; ++ky) {
      for (g = QGS_RG / 2; g > 0; --g) {
        QG_HL2_STEP(x, w, QGS_PXS);
        QG_HL2_STEP(x + 4, w + 8, QGS_PXS);
        x += 8;
        w += 16;
      }
      if (QGS_RG % 2) {
        QG_HL2_STEP(x, w, QGS_PXS);
        x += 4;
        w += 8;
      }
      x += QGS_PRS - QG_KW * QG_C;
    }
    QG_DOT2X2_HL_END;
    memcpy(pa, rqp + 4 * o, sizeof pa); /* locals: the stores to y could alias the table */
    memcpy(pb, rqp + 4 * o + 4, sizeof pb);
    QGS_STP(i1 + o, acc[2], pa);
    QGS_STP(i1 + o + 1, acc[3], pb);
    QGS_STP(i0 + o, acc[0], pa);
    QGS_STP(i0 + o + 1, acc[1], pb);
  }
  if (QG_O % 2) {
    const int8_t *x = x0;
    const uint8_t *w = weight + (QG_O - 1) * QG_KP;
    int32_t a0 = 0, a1 = 0;
    long ky, g;
    for (ky = 0; ky < QG_KH; ++ky) {
      for (g = QGS_RG; g > 0; --g) {
        const uint32_t v0 = qg_load4(x), v1 = qg_load4(x + QGS_PXS), t = qg_load4(w);
        const uint32_t we = qg_sxtb16(t), wo = qg_sxtb16_ror8(t);
        a0 = qg_smlad(qg_sxtb16(v0), we, a0);
        a0 = qg_smlad(qg_sxtb16_ror8(v0), wo, a0);
        a1 = qg_smlad(qg_sxtb16(v1), we, a1);
        a1 = qg_smlad(qg_sxtb16_ror8(v1), wo, a1);
        x += 4;
        w += 4;
      }
      x += QGS_PRS - QG_KW * QG_C;
    }
    QGS_STP(i1 + QG_O - 1, a1, rqp + 4 * (QG_O - 1));
    QGS_STP(i0 + QG_O - 1, a0, rqp + 4 * (QG_O - 1));
  }
}
#endif
static void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch, const uint8_t *weight, const int32_t *rqp, int32_t in_zp,
                  int32_t out_zp, int32_t act_min, int32_t act_max) {
  long p;
  int8_t *col = (int8_t *)(scratch + QG_SCR_COLS);
  (void)in_zp;
  (void)act_min;
  (void)act_max;
  (void)col;
#if QG_DIRECT && QG_IBITS != 8
#error "QG_DIRECT needs an int8 input"
#endif
#if QG_SUB_BX
  /* the patch in scratch at QG_SCR_COLS (select.cpp's layout; a compile error if it differs) */
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_COLS + QG_KH * QGS_PRS ? 1 : -1]);
  (void)p;
  {
    long oy, ox0, ky, j;
    for (oy = 0; oy < QG_OH; ++oy) {
      const long iy0 = oy * QG_SH - QG_PT;
      for (ox0 = 0; ox0 < QG_OW; ox0 += QG_SUB_BX) {
        const long n = QG_OW - ox0 < QG_SUB_BX ? QG_OW - ox0 : QG_SUB_BX;
        const long pw = (n + (n & 1) - 1) * QG_SW + QG_KW; /* patch pixels this block reads */
        const long ix0 = ox0 * QG_SW - QG_PL, lo = ix0 < 0 ? 0 : ix0, hi = ix0 + pw < QG_W ? ix0 + pw : QG_W;
        const long base = (oy * QG_OW + ox0) * QG_O;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = iy0 + ky;
          int8_t *d = col + ky * QGS_PRS;
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
        for (j = 0; j < n; j += 2)
          QGS_PAIRFN(col + j * QGS_PXS, y, base + j * QG_O, base + (j + 1 < n ? j + 1 : j) * QG_O, weight, rqp, out_zp, act_min,
                     act_max);
      }
    }
  }
#else
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_COLS + (QG_DIRECT ? 0 : 2 * QGS_KC) ? 1 : -1]);
  for (p = 0; p < QG_OH * QG_OW; p += 2) {
    const int two = p + 1 < QG_OH * QG_OW;
#if QG_DIRECT
    QGS_PIXELS(x + p * QG_C, two ? QG_C : 0, p * QG_O, (p + two) * QG_O);
#else
    long j, ky, kx, k;
    for (j = 0; j <= two; ++j) {
      const long q = p + j, oy = q / QG_OW, ox = q % QG_OW;
      int8_t *dst = col + j * QGS_KC;
      for (ky = 0; ky < QG_KH; ++ky) {
        const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
        for (kx = 0; kx < QG_KW; ++kx) {
          const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
          if (iy < 0 || iy >= QG_H || ix < 0 || ix >= QG_W)
            memset(dst, (int8_t)in_zp, QG_C);
          else
#if QG_IBITS == 8
            memcpy(dst, x + (iy * QG_W + ix) * QG_C, QG_C);
#else
            QG_CAT(QG_FN, _unpack)((const uint8_t *)x, (iy * QG_W + ix) * QG_C, dst, QG_C);
#endif
          dst += QG_C;
        }
      }
      for (k = QG_K; k < QGS_KC; ++k) col[j * QGS_KC + k] = 0;
    }
    QGS_PIXELS(col, two ? QGS_KC : 0, p * QG_O, (p + two) * QG_O);
#endif
  }
#endif /* QG_SUB_BX */
}
/* Internal macros end with the body (other templates in the same file define their own). */
#undef QGS_ROW
#undef QGS_KC
#undef QGS_STEP
#undef QGS_SCALE_SHIFT
#undef QGS_DOTFN
#undef QGS_DOT
#undef QGS_BODY
#undef QGS_XS
#undef QGS_OUT
#undef QGS_ST
#undef QGS_PIXELS
#undef QGS_STP
#if QG_SUB_BX
#undef QGS_PW
#undef QGS_PRS
#undef QGS_PXS
#undef QGS_RG
#undef QGS_PAIRFN
#endif
