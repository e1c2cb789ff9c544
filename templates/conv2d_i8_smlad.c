/* qg_conv2d_a8w8_smlad__cortex_m7, qg_conv2d_a8w4_packed__cortex_m7,
 * qg_conv2d_a8w2_packed__cortex_m7 (and qg_dense_...): integer-only
 * convolution / dense layer with TFLite int8 semantics (same results as
 * conv2d_i8.c), written for the Armv7E-M DSP extension: SXTB16 widens two
 * int8 values into halfwords, SMLAD multiplies two halfword pairs and adds.
 *
 * The layer is a matrix product: a column holds one output pixel's receptive
 * field in [ky][kx][c] order (the input pixel itself for a 1x1 stride-1
 * unpadded convolution or a dense layer: QG_DIRECT; else an im2col copy in
 * scratch, taps outside the image filled with the input zero point), a weight
 * row is one output channel in the same order (OHWI). Two pixels x two output
 * channels per step: each loaded word is used twice.
 *
 * The input offset is folded: acc = sum w*x + bias'[o], where the compiler
 * set bias'[o] = bias[o] - zp_in * sum_k w[o][k]; zero-point-filled taps make
 * (x - zp_in) = 0 exactly as TFLite's skipped taps do.
 *
 * Weights, QG_WBITS:
 *  8  int8 rows of QG_KP bytes: QG_K for a QG_DIRECT layer (a K % 4 tail
 *     then goes through a byte loop), else K rounded up to 4, zero-padded
 *     (the im2col column is zero-padded alike: no tail loop).
 *  4  packed, two per byte, rows of QG_KP/2 bytes (QG_KP = K rounded up to 8,
 *     zero-padded). In each little-endian word, nibble 2j holds w[8i+j] and
 *     nibble 2j+1 holds w[8i+4+j] (j = 0..3), so that one AND of the word
 *     (and one of the word shifted by 4) leaves, in each byte, a weight times
 *     16 in the top nibble, and SXTB16 / SXTB16-ROR8 pair them with the
 *     input halfword pairs (x0,x2), (x1,x3), (x4,x6), (x5,x7). The sum is
 *     16 * acc exactly; >> 4 recovers acc.
 *  2  packed, four per byte, rows of QG_KP/4 bytes (QG_KP = K rounded up to
 *     16): crumb t+4r of word i holds w[16i+4t+r]; (word << (6-2t)) & 0xC0C0C0C0
 *     gives 64 * weights; >> 6 at the end.
 * Columns of packed layers hold QG_KP bytes (zeros after K).
 * QG_HILO (8-bit weights, QG_KP a multiple of 4; the compiler chooses it when
 * the exactness conditions in runtime/qg_arm_dsp.h hold): rows are stored in
 * pairs (2o, 2o+1) in the pair-packed order of qg_arm_dsp.h (QG_HL_PAIR), an
 * odd last row plain. Layers with several pixels and QG_O % 4 == 0: blocks
 * of two pairs (4 * QG_KP bytes, the pairs' words interleaved per group of
 * four inputs; QG_HLB2), four output channels x two pixels per call of
 * qg_dot2x4_hl (one copy per model; 32 instructions per 32 MACs in its
 * assembly), the pair function then inlined into QG_FN (one frame less under
 * it); QG_ROWS layers read these blocks a pair at a time. Other multi-pixel
 * layers: pair after pair (2 * QG_KP bytes each), the two-pixel kernel below
 * with QG_DOT2X2_HL_BODY (18 instructions per 16 MACs, the plain rows' body
 * 20). One-pixel layers
 * (dense; the compiler uses it only for QG_O a multiple of 8): blocks of
 * four pairs (8 * QG_KP bytes) with the pairs' words interleaved per group
 * of four inputs, eight output channels per pass over the column
 * (qg_dot_hl4): per four inputs one load and two SXTB16 of the input, then
 * per pair two loads, two SXTB16 and four SMLAD (8 MACs); then a lone pair
 * and an odd row. Their im2col scratch holds one column.
 *
 * Output stage: qg_dsp_requant (runtime/qg_arm_dsp.h) with the per-channel
 * parameters rqp[o][4] = {bias', multiplier, a, b} and QG_RQ_MODE (see
 * there). The dot products live in runtime/qg_arm_dsp.h (qg_dot2x2_w8/w4/w2).
 *
 * Compile-time parameters (a body is shared by the layers where they are
 * equal): the shape macros, QG_K, QG_KP, QG_WBITS, QG_DIRECT, QG_RQ_MODE,
 * QG_CLAMP. Per layer, passed at the call: weight, rqp, the input / output
 * zero points and the activation clamp (read only when QG_CLAMP; else the
 * full int8 range). */
#include <stdint.h>
#include <string.h>
#include "../runtime/qg_arm_dsp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_a8w4_packed__cortex_m7_example
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
#define QG_KP 32
#define QG_WBITS 4
#define QG_DIRECT 0
#define QG_HILO 0
#define QG_RQ_MODE 1
#define QG_CLAMP 1
#define QG_SCRATCH_BYTES 64
#define QG_SCR_COLS 0
/* QG_TEMPLATE_DEFAULTS_END */
#if QG_WBITS == 8
#define QG_ROW QG_KP
#define QG_KC QG_KP
#define QG_STEP 4
#define QG_SCALE_SHIFT 0
#define QG_DOT qg_dot2x2_w8
#if QG_HILO && QG_KC / 4 % 2 == 0
#define QG_BODY QG_DOT2X2_HL_BODY_EVEN
#elif QG_HILO
#define QG_BODY QG_DOT2X2_HL_BODY
#elif QG_KC / 4 % 2 == 0
#define QG_BODY QG_DOT2X2_W8_BODY_EVEN
#else
#define QG_BODY QG_DOT2X2_W8_BODY
#endif
#elif QG_WBITS == 4
#define QG_ROW (QG_KP / 2)
#define QG_KC QG_KP
#define QG_STEP 8
#define QG_SCALE_SHIFT 4
#define QG_DOT qg_dot2x2_w4
#define QG_BODY QG_DOT2X2_W4_BODY
#else
#define QG_ROW (QG_KP / 4)
#define QG_KC QG_KP
#define QG_STEP 16
#define QG_SCALE_SHIFT 6
#define QG_DOT qg_dot2x2_w2
#define QG_BODY QG_DOT2X2_W2_BODY
#endif
#if QG_DIRECT
#define QG_XS QG_C
#else
#define QG_XS QG_KC
#endif
/* QG_ROWS: no im2col column for pixel pairs whose windows lie inside the
 * image. The pair function reads the two windows in place, kernel row by
 * kernel row (QG_KW * QG_C contiguous bytes each, rows rs bytes apart: the
 * input row QG_W * QG_C), the second pixel QG_SW * QG_C bytes after the
 * first. A pair with taps outside the image is first copied into a patch in
 * scratch: QG_KH rows of QG_KW + QG_SW pixels (taps outside the image hold
 * the input zero point), the same layout with rs = (QG_KW + QG_SW) * QG_C;
 * it fits in the two columns' scratch when QG_SW <= QG_KW (or is never
 * needed: no padding and every window inside). Pairs stay within an output
 * row (QG_OW even; QG_O even: channel pairs only). Each kernel row after
 * the first costs the pair function about 20 instructions per channel pair
 * (measured on ResNet-8), the copy it saves about 1.3 per column byte, so
 * QG_ROWS is used only when 4 (KH - 1) O < KH KW C, and, unless no window
 * reaches outside the image, for output rows of at least 16 pixels (on
 * narrower ones most pairs need the patch anyway). The weights' row order [ky][kx][c] makes each kernel
 * row a contiguous run of QG_KW * QG_C / 4 groups of a weight row, so only
 * the input pointer jumps between kernel rows. */
/* Pair-packed rows of a multi-pixel layer with QG_O % 4 == 0 are stored in
 * blocks of two pairs (select.cpp hilo_block 2; layout at qg_dot2x4_hl): pair
 * o / 2 starts at QG_HLW(o) and its groups are 16 bytes apart. */
#define QG_HLB2 (QG_HILO && QG_OH * QG_OW > 1 && QG_O % 4 == 0)
#define QG_HLW(o) (QG_HLB2 ? (o) / 4 * 4 * QG_ROW + (o) % 4 * 4 : (o) * QG_ROW)
#define QG_ALL_INSIDE (QG_PT == 0 && QG_PL == 0 && (QG_OH - 1) * QG_SH + QG_KH <= QG_H && (QG_OW - 1) * QG_SW + QG_KW <= QG_W)
#if QG_WBITS == 8 && !QG_DIRECT && QG_OH * QG_OW > 1 && QG_OW % 2 == 0 && QG_O % 2 == 0 && QG_DH == 1 && QG_DW == 1 && \
    (QG_KW * QG_C) % 4 == 0 && QG_KP == QG_K && (QG_SW <= QG_KW || QG_ALL_INSIDE) &&                \
    (QG_KH == 1 || 4 * (QG_KH - 1) * QG_O < QG_KH * QG_KW * QG_C) && (QG_ALL_INSIDE || QG_OW >= 16)
#define QG_ROWS 1
#undef QG_XS
#define QG_XS (QG_SW * QG_C)
#define QG_RG (QG_KW * QG_C / 4) /* groups of four inputs per kernel row */
#if QG_HILO
#define QG_ROWSTEP(xp, wp) QG_HL2_STEP(xp, wp, QG_XS)
#define QG_ROWSTEP_W (QG_HLB2 ? 16 : 8)
#define QG_ROWS_ACC int32_t r0 = 0, l0 = 0, r1 = 0, l1 = 0
#define QG_ROWS_END QG_DOT2X2_HL_END
#else
#define QG_ROWSTEP(xp, wp)                                                                        \
  do {                                                                                            \
    const uint32_t qg_wa = qg_load4(wp), qg_wb = qg_load4((wp) + QG_ROW);                         \
    QG_DOT2X2_PAIRS(qg_sxtb16(qg_wa), qg_sxtb16_ror8(qg_wa), qg_sxtb16(qg_wb), qg_sxtb16_ror8(qg_wb), \
                    xp, QG_XS);                                                                   \
  } while (0)
#define QG_ROWSTEP_W 4
#define QG_ROWS_ACC int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0
#define QG_ROWS_END \
  acc[0] = a00;     \
  acc[1] = a01;     \
  acc[2] = a10;     \
  acc[3] = a11
#endif
/* variables x (first pixel's window), w (weight row or pair), rs, acc */
#define QG_ROWS_BODY                                                 \
  QG_ROWS_ACC;                                                       \
  {                                                                  \
    long qg_ky, qg_n;                                                \
    for (qg_ky = 0; qg_ky < QG_KH; ++qg_ky) {                        \
      for (qg_n = QG_RG / 2; qg_n > 0; --qg_n) {                     \
        QG_ROWSTEP(x, w);                                            \
        QG_ROWSTEP(x + 4, w + QG_ROWSTEP_W);                         \
        x += 8;                                                      \
        w += 2 * QG_ROWSTEP_W;                                       \
      }                                                              \
      if (QG_RG % 2) {                                               \
        QG_ROWSTEP(x, w);                                            \
        x += 4;                                                      \
        w += QG_ROWSTEP_W;                                           \
      }                                                              \
      x += rs - QG_KW * QG_C;                                        \
    }                                                                \
  }                                                                  \
  QG_ROWS_END
#else
#define QG_ROWS 0
#endif
#if QG_CLAMP
#define QG_OUTP(v, p) ((int8_t)QG_DSP_REQUANT((v), (p), QG_RQ_MODE, out_zp, act_min, act_max))
#else
#define QG_OUTP(v, p) ((int8_t)QG_DSP_REQUANT((v), (p), QG_RQ_MODE, out_zp, -128, 127))
#endif
#define QG_OUT(v, o) QG_OUTP((v), rqp + 4 * (o))
/* The main case: two pixels (columns x0 and x0 + QG_XS -> y0, y1) times
 * every pair of output channels, the dot product with constant strides and
 * the output stage in one out-of-line function (y1 = y0 + QG_O): the sums stay in registers,
 * each channel's parameters are loaded once for both pixels (copied to
 * locals: the int8 stores to y could alias the table). */
#define QG_PAIRFN QG_CAT(QG_FN, _pair)
/* QG_QUAD: pair-packed rows in blocks of two pairs (QG_HLB2), columns a
 * constant stride apart (not QG_ROWS, which reads the blocks a pair at a
 * time): the pair function takes four output channels per pass
 * (qg_dot2x4_hl: 32 instructions per 32 MACs in its assembly, against
 * QG_HL2_STEP's 36). */
#if QG_HLB2 && !QG_ROWS
#define QG_QUAD 1
#else
#define QG_QUAD 0
#endif
/* QG_GEMM_M2: a QG_DIRECT (1x1) layer of QG_QUAD with requantization mode
 * 2 and no clamp: the whole image runs in qg_gemm2x4_hl_m2
 * (runtime/qg_arm_dsp.h), sums and output stage, called with the layer's
 * frame nearly empty. (Im2col layers keep qg_dot2x4_hl: their frame under
 * qg_gemm2x4_hl_m2's larger one would raise the stack high-water.) */
#define QG_GEMM_M2 (QG_QUAD && QG_DIRECT && QG_RQ_MODE == 2 && !QG_CLAMP)
#if QG_CLAMP || QG_RQ_MODE < 2
/* the output zero point and the clamp, when the output stage reads them
 * (modes 2, 3 and 4 fold the zero point into the parameters) */
#define QG_PAIR_EXTRA , int32_t out_zp, int32_t act_min, int32_t act_max
#define QG_PAIR_EXTRA_ARGS , out_zp, act_min, act_max
#else
#define QG_PAIR_EXTRA
#define QG_PAIR_EXTRA_ARGS
#endif
#if QG_ROWS
#define QG_PAIR_RS , long rs
#else
#define QG_PAIR_RS
#endif
/* With QG_QUAD the pair function is inlined into its one caller (QG_FN: no
 * frame of its own under qg_dot2x4_hl's, for the stack high-water). */
#if QG_QUAD && defined(__GNUC__)
#define QG_PAIR_LINKAGE static inline __attribute__((always_inline))
#else
#define QG_PAIR_LINKAGE QG_HOT
#endif
QG_PAIR_LINKAGE void QG_PAIRFN(const int8_t *x0, int8_t *y0, const uint8_t *weight, const int32_t *rqp QG_PAIR_RS QG_PAIR_EXTRA) {
  int8_t *const y1 = y0 + QG_O; /* the next pixel's outputs */
  long o;
#if QG_CLAMP || QG_RQ_MODE < 2
  (void)out_zp;
  (void)act_min;
  (void)act_max;
#else
  const int32_t out_zp = 0; /* not read by modes 2, 3, 4 */
  (void)out_zp;
#endif
  o = 0;
#if QG_QUAD && !QG_GEMM_M2
  /* four channels (a block of two pairs) at a time: qg_dot2x4_hl */
  for (; o < QG_O; o += 4) {
    int32_t s[8], pr[4];
    long j;
    s[0] = QG_KC / 4; /* (the number of groups, in) */
    qg_dot2x4_hl(x0, x0 + QG_XS, weight + o * QG_ROW, s);
    /* channel o + j: s[2j] (pixel 0), s[2j + 1] (pixel 1); one output stage
     * in a loop, not four copies (flash) */
    _Pragma("GCC unroll 1") for (j = 0; j < 4; ++j) {
      memcpy(pr, rqp + 4 * (o + j), sizeof pr);
      y0[o + j] = QG_OUTP(s[2 * j], pr);
      y1[o + j] = QG_OUTP(s[2 * j + 1], pr);
    }
  }
#endif
  /* (a constant-false condition when the quads cover every pair: no code) */
  for (; !QG_QUAD && o + 1 < QG_O; o += 2) {
    int32_t acc[4], pa[4], pb[4];
    {
      const int8_t *x = x0;
      const uint8_t *w = weight + QG_HLW(o);
#if QG_ROWS
      QG_ROWS_BODY;
#else
      long n = QG_KC / QG_STEP;
      QG_BODY(QG_XS, QG_ROW);
#endif
    }
    if (QG_WBITS == 8 && QG_KC % 4 != 0) {
      long k;
      for (k = QG_KC / 4 * 4; k < QG_KC; ++k) {
        const int32_t ua = (int8_t)weight[o * QG_ROW + k], ub = (int8_t)weight[(o + 1) * QG_ROW + k];
        acc[0] = qg_mac_wrap(acc[0], x0[k], ua);
        acc[1] = qg_mac_wrap(acc[1], x0[k], ub);
        acc[2] = qg_mac_wrap(acc[2], x0[QG_XS + k], ua);
        acc[3] = qg_mac_wrap(acc[3], x0[QG_XS + k], ub);
      }
    }
    memcpy(pa, rqp + 4 * o, sizeof pa);
    memcpy(pb, rqp + 4 * o + 4, sizeof pb);
    y0[o] = QG_OUTP(acc[0] >> QG_SCALE_SHIFT, pa);
    y1[o] = QG_OUTP(acc[2] >> QG_SCALE_SHIFT, pa);
    y0[o + 1] = QG_OUTP(acc[1] >> QG_SCALE_SHIFT, pb);
    y1[o + 1] = QG_OUTP(acc[3] >> QG_SCALE_SHIFT, pb);
  }
}
/* All output channels of pixels c0 -> y0 and c0 + cs -> y1 (cs == 0: one
 * pixel, only when the layer has one output pixel): two pixels through
 * QG_PAIRFN, then (an odd QG_O) the last channel of both; one pixel two
 * channels at a time. These tails go through the run-time-stride dot product
 * (compact, not fast) and are compiled only for the shapes that need them. */
#if QG_O % 2 || QG_OH * QG_OW == 1
#define QG_TAILS 1
#else
#define QG_TAILS 0
#endif
#define QG_PIXELS(c0, cs, y0, y1)                                                        \
  do {                                                                                   \
    long o = 0;                                                                          \
    if ((cs) == QG_XS) {                                                                 \
      QG_PAIRFN((c0), (y0), weight, rqp QG_PAIR_EXTRA_ARGS); /* y1 == y0 + QG_O */        \
      o = QG_O / 2 * 2;                                                                  \
    }                                                                                    \
    while (QG_TAILS && o < QG_O) {                                                       \
      /* two pixels: channel o of both; one pixel: channels o and ob */                  \
      const long ob = (cs) == 0 && o + 1 < QG_O ? o + 1 : o;                             \
      int32_t acc[4];                                                                    \
      QG_DOT((c0), (cs), weight + o * QG_ROW, (ob - o) * QG_ROW, QG_KC / QG_STEP, acc);  \
      if (QG_WBITS == 8 && QG_KC % 4) {                                                  \
        long k;                                                                          \
        for (k = QG_KC / 4 * 4; k < QG_KC; ++k) {                                        \
          const int32_t ua = (int8_t)weight[o * QG_ROW + k], ub = (int8_t)weight[ob * QG_ROW + k]; \
          acc[0] = qg_mac_wrap(acc[0], (c0)[k], ua);                                     \
          acc[1] = qg_mac_wrap(acc[1], (c0)[k], ub);                                     \
          acc[2] = qg_mac_wrap(acc[2], (c0)[(cs) + k], ua);                              \
        }                                                                                \
      }                                                                                  \
      (y0)[o] = QG_OUT(acc[0] >> QG_SCALE_SHIFT, o);                                     \
      if ((cs) != 0)                                                                     \
        (y1)[o] = QG_OUT(acc[2] >> QG_SCALE_SHIFT, o);                                   \
      else                                                                               \
        (y0)[ob] = QG_OUT(acc[1] >> QG_SCALE_SHIFT, ob);                                 \
      o = ob + 1;                                                                        \
    }                                                                                    \
  } while (0)
#if QG_WBITS == 8 && QG_OH * QG_OW == 1 && QG_O >= 4
/* A single output pixel (dense layers): one column against 4 weight rows. */
#define QG_DOT1X4FN QG_CAT(QG_FN, _dot1x4)
QG_HOT void QG_DOT1X4FN(const int8_t *x, const uint8_t *w, int32_t *acc) {
  long n = QG_K / 4;
  QG_DOT1X4_W8_BODY(QG_ROW);
}
#endif
#if QG_HILO && QG_OH * QG_OW == 1
/* All QG_O outputs of one pixel (column x) from pair-packed rows: eight rows
 * at a time (qg_dot_hl4, shared by every layer of the model), then a pair,
 * then an odd last row. */
#define QG_HLFN QG_CAT(QG_FN, _hl)
QG_HOT void QG_HLFN(const int8_t *x, int8_t *y, const uint8_t *weight, const int32_t *rqp, int32_t out_zp, int32_t act_min,
                    int32_t act_max) {
  long o = 0, m, i;
  int32_t acc[8];
  (void)out_zp;
  (void)act_min;
  (void)act_max;
  while (o < QG_O) {
    if (QG_O >= 8 && o + 8 <= QG_O) {
      qg_dot_hl4(x, weight + o * QG_KC, QG_KC / 4, acc);
      m = 8;
    } else if (QG_O % 8 >= 2 && o + 2 <= QG_O) { /* (constant conditions first: no dead calls) */
      qg_dot_hl(x, weight + o * QG_KC, QG_KC / 4, acc);
      m = 2;
    } else if (QG_O % 2) {
      acc[0] = qg_dot_row(x, weight + o * QG_KC, QG_KC / 4);
      m = 1;
    } else {
      break; /* not reached */
    }
    /* one output stage in a loop, not a copy per case (flash) */
    _Pragma("GCC unroll 1") for (i = 0; i < m; ++i) y[o + i] = QG_OUT(acc[i], o + i);
    o += m;
  }
}
#endif
/* im2col: the receptive field of output pixel q into the column dst (QG_KC
 * bytes: taps outside the image hold the input zero point, zeros after K). */
#define QG_COLUMN(q, dst)                                                                                      \
  do {                                                                                                         \
    const long qg_oy = (q) / QG_OW, qg_ox = (q) % QG_OW;                                                       \
    int8_t *qg_d = (dst);                                                                                      \
    long qg_ky, qg_kx, qg_k;                                                                                   \
    for (qg_ky = 0; qg_ky < QG_KH; ++qg_ky) {                                                                  \
      const long iy = qg_oy * QG_SH - QG_PT + qg_ky * QG_DH, ix0 = qg_ox * QG_SW - QG_PL;                      \
      if (QG_DW == 1 && QG_KW * QG_C <= 64 && iy >= 0 && iy < QG_H && ix0 >= 0 && ix0 + QG_KW <= QG_W) {      \
        /* the whole kernel row inside the image: KW * C contiguous bytes,                                     \
         * copied inline (longer rows would call the C library's memcpy,                                       \
         * which a model may not otherwise link: flash) */                                                     \
        memcpy(qg_d, x + (iy * QG_W + ix0) * QG_C, QG_KW * QG_C);                                              \
        qg_d += QG_KW * QG_C;                                                                                  \
        continue;                                                                                              \
      }                                                                                                        \
      for (qg_kx = 0; qg_kx < QG_KW; ++qg_kx) {                                                                \
        const long ix = qg_ox * QG_SW - QG_PL + qg_kx * QG_DW;                                                 \
        if (iy < 0 || iy >= QG_H || ix < 0 || ix >= QG_W)                                                      \
          memset(qg_d, (int8_t)in_zp, QG_C);                                                                   \
        else                                                                                                   \
          memcpy(qg_d, x + (iy * QG_W + ix) * QG_C, QG_C);                                                     \
        qg_d += QG_C;                                                                                          \
      }                                                                                                        \
    }                                                                                                          \
    for (qg_k = QG_K; qg_k < QG_KC; ++qg_k) (dst)[qg_k] = 0;                                                   \
  } while (0)
/* Out of line (but for one-pixel layers with pair-packed rows, whose body is
 * a tail call of QG_HLFN): inlined into the model's run function it would
 * grow that frame (the stack high-water is the run function plus the deepest
 * kernel; ResNet-8's dense layer inlined took the run frame from 48 to 72
 * bytes). */
#if QG_OH * QG_OW == 1 && QG_HILO
#define QG_FN_LINKAGE static
#else
#define QG_FN_LINKAGE QG_HOT
#endif
QG_FN_LINKAGE void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch, const uint8_t *weight, const int32_t *rqp, int32_t in_zp,
                         int32_t out_zp, int32_t act_min, int32_t act_max) {
  long p;
  (void)in_zp;
  (void)act_min;
  (void)act_max;
  /* Two im2col columns of QG_KC bytes (none when QG_DIRECT) at scratch offset
   * QG_SCR_COLS: the compiler's layout (select/select.cpp); a compile error
   * (negative array size) if it differs. */
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_COLS + (QG_DIRECT ? 0 : (QG_HILO && QG_OH * QG_OW == 1 ? 1 : 2) * QG_KC) ? 1 : -1]);
#if QG_HILO && QG_OH * QG_OW == 1
  {
    int8_t *hcol = (int8_t *)(scratch + QG_SCR_COLS);
    (void)hcol;
    for (p = 0; p < QG_OH * QG_OW; ++p) {
#if QG_DIRECT
      QG_HLFN(x + p * QG_C, y + p * QG_O, weight, rqp, out_zp, act_min, act_max);
#else
      QG_COLUMN(p, hcol);
      QG_HLFN(hcol, y + p * QG_O, weight, rqp, out_zp, act_min, act_max);
#endif
    }
    return;
  }
#endif
#if QG_WBITS == 8 && QG_OH * QG_OW == 1 && QG_O >= 4 && QG_DIRECT && !QG_HILO
  {
    long o, k, r;
    for (o = 0; o < QG_O / 4 * 4; o += 4) {
      int32_t acc[4];
      QG_DOT1X4FN(x, weight + o * QG_ROW, acc);
      for (r = 0; r < 4; ++r) {
        for (k = QG_K / 4 * 4; k < QG_K; ++k) acc[r] = qg_mac_wrap(acc[r], x[k], (int8_t)weight[(o + r) * QG_ROW + k]);
        y[o + r] = QG_OUT(acc[r], o + r);
      }
    }
    for (o = QG_O / 4 * 4; o < QG_O; ++o) {
      int32_t a = 0;
      for (k = 0; k < QG_K; ++k) a = qg_mac_wrap(a, x[k], (int8_t)weight[o * QG_ROW + k]);
      y[o] = QG_OUT(a, o);
    }
    (void)scratch;
    (void)p;
    return;
  }
#endif
#if QG_GEMM_M2
  {
    /* the whole image in one shared call */
    static const qg_hl2x4_shape shape = {QG_KC / 4, QG_O, QG_XS, QG_OH * QG_OW};
    (void)scratch;
    (void)p;
    qg_gemm2x4_hl_m2(x, y, weight, rqp, &shape);
    return;
  }
#endif
  int8_t *col = (int8_t *)(scratch + QG_SCR_COLS);
  (void)col;
#if QG_ROWS
  /* the patch of QG_ROWS fits in the two columns' scratch (or is never built) */
  (void)sizeof(char[QG_SW > QG_KW || QG_KH * (QG_KW + QG_SW) * QG_C <= 2 * QG_KC ? 1 : -1]);
  (void)out_zp; /* read only through QG_PAIR_EXTRA_ARGS */
  for (p = 0; p < QG_OH * QG_OW; p += 2) {
    const long oy = p / QG_OW, ix0 = p % QG_OW * QG_SW - QG_PL, iy0 = oy * QG_SH - QG_PT;
    if (iy0 >= 0 && iy0 + QG_KH <= QG_H && ix0 >= 0 && ix0 + QG_SW + QG_KW <= QG_W) {
      QG_PAIRFN(x + (iy0 * QG_W + ix0) * QG_C, y + p * QG_O, weight, rqp, QG_W * QG_C QG_PAIR_EXTRA_ARGS);
    } else {
      long ky, kx;
      int8_t *d = col;
      for (ky = 0; ky < QG_KH; ++ky)
        for (kx = 0; kx < QG_KW + QG_SW; ++kx, d += QG_C) {
          const long iy = iy0 + ky, ix = ix0 + kx;
          if (iy < 0 || iy >= QG_H || ix < 0 || ix >= QG_W)
            memset(d, (int8_t)in_zp, QG_C);
          else
            memcpy(d, x + (iy * QG_W + ix) * QG_C, QG_C);
        }
      QG_PAIRFN(col, y + p * QG_O, weight, rqp, (QG_KW + QG_SW) * QG_C QG_PAIR_EXTRA_ARGS);
    }
  }
#else
  for (p = 0; p < QG_OH * QG_OW; p += 2) {
    /* Pixels p and p + 1; for an odd count, the last pixel together with the
     * one before it, which is computed again (the same values: the output
     * never aliases the input). One pixel only when the layer has one. */
    const int two = QG_OH * QG_OW > 1;
    if (p + 1 == QG_OH * QG_OW && two) p = QG_OH * QG_OW - 2;
#if QG_DIRECT
    QG_PIXELS(x + p * QG_C, two ? QG_C : 0, y + p * QG_O, y + (p + two) * QG_O);
#else
    long j;
    for (j = 0; j <= two; ++j) QG_COLUMN(p + j, col + j * QG_KC);
    QG_PIXELS(col, two ? QG_KC : 0, y + p * QG_O, y + (p + two) * QG_O);
#endif
  }
#endif /* QG_ROWS */
}
#undef QG_ROW
#undef QG_KC
#undef QG_STEP
#undef QG_SCALE_SHIFT
#undef QG_DOT
#undef QG_BODY
#undef QG_XS
#undef QG_PAIRFN
#undef QG_PAIR_LINKAGE
#undef QG_QUAD
#undef QG_GEMM_M2
#undef QG_HLB2
#undef QG_HLW
#undef QG_FN_LINKAGE
#undef QG_PAIR_EXTRA
#undef QG_PAIR_EXTRA_ARGS
#undef QG_PAIR_RS
#undef QG_ROWS
#undef QG_ALL_INSIDE
#ifdef QG_RG
#undef QG_RG
#undef QG_ROWSTEP
#undef QG_ROWSTEP_W
#undef QG_ROWS_ACC
#undef QG_ROWS_END
#undef QG_ROWS_BODY
#endif
#undef QG_TAILS
#undef QG_OUTP
#ifdef QG_DOT1X4FN
#undef QG_DOT1X4FN
#endif
#undef QG_OUT
#undef QG_PIXELS
#undef QG_COLUMN
#ifdef QG_HLFN
#undef QG_HLFN
#endif
