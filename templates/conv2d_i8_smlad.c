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
 * The input offset is folded: acc = sum w*x + QG_BIAS[o], where the compiler
 * set QG_BIAS[o] = bias[o] - zp_in * sum_k w[o][k]; zero-point-filled taps make
 * (x - zp_in) = 0 exactly as TFLite's skipped taps do.
 *
 * Weights, QG_WBITS:
 *  8  int8 rows of QG_K bytes.
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
 * Columns of packed layers hold QG_KP bytes (zeros after K). */
#include <stdint.h>
#include "../runtime/qg_runtime.h"
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
#define QG_IN_ZP (-3)
#define QG_OUT_ZP 5
#define QG_ACT_MIN (-128)
#define QG_ACT_MAX 127
#define QG_REQUANT qg_mbqm_fast
static const uint8_t qg_example_w[3 * 16] = {1};
static const int32_t qg_example_b[3] = {0}, qg_example_m[3] = {1 << 30, 1 << 30, 1 << 30}, qg_example_s[3] = {-3, -3, -3};
#define QG_WEIGHT qg_example_w
#define QG_BIAS qg_example_b
#define QG_MULT qg_example_m
#define QG_SHIFT qg_example_s
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch) {
#if QG_WBITS == 8
  enum { ROW = QG_K, KC = QG_K, SCALE_SHIFT = 0 };
#elif QG_WBITS == 4
  enum { ROW = QG_KP / 2, KC = QG_KP, SCALE_SHIFT = 4 };
#else
  enum { ROW = QG_KP / 4, KC = QG_KP, SCALE_SHIFT = 6 };
#endif
  long p, o, k;
  int8_t *col = (int8_t *)scratch;
  (void)col;
  for (p = 0; p < QG_OH * QG_OW; p += 2) {
    const long pb = p + 1 < QG_OH * QG_OW ? p + 1 : p;
    const int8_t *c0, *c1;
#if QG_DIRECT
    c0 = x + p * QG_C;
    c1 = x + pb * QG_C;
#else
    {
      long j, ky, kx, c;
      for (j = 0; j < 2; ++j) {
        const long q = j ? pb : p, oy = q / QG_OW, ox = q % QG_OW;
        int8_t *dst = col + j * KC;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
            if (iy < 0 || iy >= QG_H || ix < 0 || ix >= QG_W) {
              for (c = 0; c < QG_C; ++c) dst[c] = (int8_t)(QG_IN_ZP);
            } else {
              const int8_t *src = x + (iy * QG_W + ix) * QG_C;
              for (c = 0; c < QG_C; ++c) dst[c] = src[c];
            }
            dst += QG_C;
          }
        }
        for (k = QG_K; k < KC; ++k) col[j * KC + k] = 0;
      }
      c0 = col;
      c1 = col + KC;
    }
#endif
    for (o = 0; o < QG_O; o += 2) {
      const long ob = o + 1 < QG_O ? o + 1 : o;
      const uint8_t *w0 = QG_WEIGHT + o * ROW, *w1 = QG_WEIGHT + ob * ROW;
      int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0; /* a<pixel><channel> */
      int32_t acc[4];
      int i;
#if QG_WBITS == 8
      for (k = 0; k + 4 <= QG_K; k += 4) {
        const uint32_t xa = qg_load4(c0 + k), xb = qg_load4(c1 + k);
        const uint32_t wa = qg_load4(w0 + k), wb = qg_load4(w1 + k);
        const uint32_t xa0 = qg_sxtb16(xa), xa1 = qg_sxtb16_ror8(xa);
        const uint32_t xb0 = qg_sxtb16(xb), xb1 = qg_sxtb16_ror8(xb);
        const uint32_t wa0 = qg_sxtb16(wa), wa1 = qg_sxtb16_ror8(wa);
        const uint32_t wb0 = qg_sxtb16(wb), wb1 = qg_sxtb16_ror8(wb);
        a00 = qg_smlad(xa0, wa0, a00);
        a01 = qg_smlad(xa0, wb0, a01);
        a10 = qg_smlad(xb0, wa0, a10);
        a11 = qg_smlad(xb0, wb0, a11);
        a00 = qg_smlad(xa1, wa1, a00);
        a01 = qg_smlad(xa1, wb1, a01);
        a10 = qg_smlad(xb1, wa1, a10);
        a11 = qg_smlad(xb1, wb1, a11);
      }
      for (; k < QG_K; ++k) {
        const int32_t va = c0[k], vb = c1[k], ua = (int8_t)w0[k], ub = (int8_t)w1[k];
        a00 += va * ua;
        a01 += va * ub;
        a10 += vb * ua;
        a11 += vb * ub;
      }
#elif QG_WBITS == 4
      for (k = 0; k < QG_KP; k += 8) {
        const uint32_t wa = qg_load4(w0 + k / 2), wb = qg_load4(w1 + k / 2);
        const uint32_t wal = (wa << 4) & 0xF0F0F0F0u, wah = wa & 0xF0F0F0F0u;
        const uint32_t wbl = (wb << 4) & 0xF0F0F0F0u, wbh = wb & 0xF0F0F0F0u;
        const uint32_t xal = qg_load4(c0 + k), xah = qg_load4(c0 + k + 4);
        const uint32_t xbl = qg_load4(c1 + k), xbh = qg_load4(c1 + k + 4);
        uint32_t xv, wv0, wv1;
        xv = qg_sxtb16(xal);
        wv0 = qg_sxtb16(wal);
        wv1 = qg_sxtb16(wbl);
        a00 = qg_smlad(xv, wv0, a00);
        a01 = qg_smlad(xv, wv1, a01);
        xv = qg_sxtb16(xbl);
        a10 = qg_smlad(xv, wv0, a10);
        a11 = qg_smlad(xv, wv1, a11);
        xv = qg_sxtb16_ror8(xal);
        wv0 = qg_sxtb16_ror8(wal);
        wv1 = qg_sxtb16_ror8(wbl);
        a00 = qg_smlad(xv, wv0, a00);
        a01 = qg_smlad(xv, wv1, a01);
        xv = qg_sxtb16_ror8(xbl);
        a10 = qg_smlad(xv, wv0, a10);
        a11 = qg_smlad(xv, wv1, a11);
        xv = qg_sxtb16(xah);
        wv0 = qg_sxtb16(wah);
        wv1 = qg_sxtb16(wbh);
        a00 = qg_smlad(xv, wv0, a00);
        a01 = qg_smlad(xv, wv1, a01);
        xv = qg_sxtb16(xbh);
        a10 = qg_smlad(xv, wv0, a10);
        a11 = qg_smlad(xv, wv1, a11);
        xv = qg_sxtb16_ror8(xah);
        wv0 = qg_sxtb16_ror8(wah);
        wv1 = qg_sxtb16_ror8(wbh);
        a00 = qg_smlad(xv, wv0, a00);
        a01 = qg_smlad(xv, wv1, a01);
        xv = qg_sxtb16_ror8(xbh);
        a10 = qg_smlad(xv, wv0, a10);
        a11 = qg_smlad(xv, wv1, a11);
      }
#else
      for (k = 0; k < QG_KP; k += 16) {
        const uint32_t wa = qg_load4(w0 + k / 4), wb = qg_load4(w1 + k / 4);
        int t;
        for (t = 0; t < 4; ++t) {
          const uint32_t ma = (wa << (6 - 2 * t)) & 0xC0C0C0C0u, mb = (wb << (6 - 2 * t)) & 0xC0C0C0C0u;
          const uint32_t xa = qg_load4(c0 + k + 4 * t), xb = qg_load4(c1 + k + 4 * t);
          uint32_t xv, wv0, wv1;
          xv = qg_sxtb16(xa);
          wv0 = qg_sxtb16(ma);
          wv1 = qg_sxtb16(mb);
          a00 = qg_smlad(xv, wv0, a00);
          a01 = qg_smlad(xv, wv1, a01);
          xv = qg_sxtb16(xb);
          a10 = qg_smlad(xv, wv0, a10);
          a11 = qg_smlad(xv, wv1, a11);
          xv = qg_sxtb16_ror8(xa);
          wv0 = qg_sxtb16_ror8(ma);
          wv1 = qg_sxtb16_ror8(mb);
          a00 = qg_smlad(xv, wv0, a00);
          a01 = qg_smlad(xv, wv1, a01);
          xv = qg_sxtb16_ror8(xb);
          a10 = qg_smlad(xv, wv0, a10);
          a11 = qg_smlad(xv, wv1, a11);
        }
      }
#endif
      acc[0] = a00;
      acc[1] = a01;
      acc[2] = a10;
      acc[3] = a11;
      for (i = 0; i < 4; ++i) {
        const long oc = (i & 1) ? ob : o;
        int32_t v = (acc[i] >> SCALE_SHIFT) + QG_BIAS[oc];
        v = QG_REQUANT(v, QG_MULT[oc], QG_SHIFT[oc]) + QG_OUT_ZP;
        v = v < QG_ACT_MIN ? QG_ACT_MIN : v;
        v = v > QG_ACT_MAX ? QG_ACT_MAX : v;
        y[((i & 2) ? pb : p) * QG_O + oc] = (int8_t)v;
      }
    }
  }
}
