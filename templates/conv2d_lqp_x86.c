/* qg_conv2d_a<A>w<W>r<R>p_mac[_po]__x86_64: LQ quantized 2-D convolution /
 * dense layer (Yang et al.) whose input is stored LQ-packed
 * (docs/quantization.md §11), or float (QG_IN_PACKED 0: the patch is
 * gathered and quantized per position as in conv2d_lqp.c, PATCH, into
 * regions that are its segments: one region per patch, or uniform regions
 * of QG_SEGLEN values), AVX2 (runtime/qg_lq_x86.h; target attribute,
 * whatever the package's flags). The same results as templates/conv2d_lqp.c
 * bit for bit, computed 8 output channels at a time:
 * - once per call the input's codes are unpacked to bytes (XQ; 8-bit codes
 *   as low / high nibbles, XQ / XQH) and Σq of every input region is summed
 *   (XSQ), instead of per patch;
 * - Σp·q of one segment (= one input region of QG_SEGLEN codes, QG_SEGLEN a
 *   multiple of 4) for 8 channels: vpmaddubsw of 4 codes (broadcast, u8)
 *   with the channels' weight codes minus 128 (s8, emitted in the layout
 *   [O/8][K4/4][8][4], K4 = K rounded up to 4, zero codes past K), summed in 16 bits when no lane can overflow
 *   (QG_I16), widened by vpmaddwd; Σp·q = that + 128·Σq, exact in int32
 *   (qg_x86_seg_dot). QG_VNNI (a feature set with AVX512-VNNI): vpdpbusd of
 *   the same operands sums 4 products per int32 lane directly, 8-bit codes
 *   unsplit (qg_x86_seg_dot_vnni; the function is then compiled for
 *   avx512vl + avx512vnni);
 * - the float combination lo*E + s*(B*Σq + D*Σp·q) and acc = acc + part per
 *   segment in ascending order, one IEEE operation per lane as in
 *   qg_lq_part (E, B, D emitted transposed, [S][O8]); then bias, activation
 *   (vmaxps / vminps give exactly qg_lq_finish's a > 0 ? a : 0 and a < 6 ? a : 6).
 * Padding taps are skipped: in conv2d_lqp.c they are all-zero regions (lo 0,
 * s 1, Σq 0, Σp·q 0) whose part 0*E + 1*(B*0 + D*0) is ±0 (E, B, D finite),
 * and acc + ±0 == acc because acc (starting at +0, round to nearest) is
 * never -0. The packed output (QG_OUT_PACKED) is qg_x86_lqp_pack of a row's
 * OW * O outputs (YPIX holds the row) in one call when O is a multiple of 8,
 * else of each position's O outputs. Groups: 1 only (select/select.cpp when_lqp_x86).
 * Compile-time: shapes, QG_ settings; per layer at the call: areg, seg,
 * seg_areg (unused here: the layout is fixed by the defines), the weight
 * codes, E, B, D, bias (O8 = 8·ceil(O/8) entries). */
#include <stdint.h>
#include "../runtime/qg_lq_x86.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_a4w8r4p_mac_po__x86_64_example
#define QG_H 5
#define QG_W 4
#define QG_C 8
#define QG_OH 5
#define QG_OW 4
#define QG_O 8
#define QG_KH 3
#define QG_KW 3
#define QG_SH 1
#define QG_SW 1
#define QG_DH 1
#define QG_DW 1
#define QG_PT 1
#define QG_PL 1
#define QG_G 1
#define QG_VNNI 0
#define QG_ACT 1
#define QG_K 72
#define QG_LA 15
#define QG_R 18
#define QG_S 18
#define QG_A_WHOLE 0
#define QG_PADDED 1
#define QG_ACC_T int32_t
#define QG_SEGLEN 4
#define QG_K4 72
#define QG_SPLIT 0
#define QG_I16 1
#define QG_IN_PACKED 1
#define QG_IN_R 4
#define QG_IN_CB 4
#define QG_OUT_PACKED 1
#define QG_OUT_R 4
#define QG_OUT_CB 4
#define QG_OUT_LA 15
#define QG_SCRATCH_BYTES 528
#define QG_SCR_PATCH 0
#define QG_SCR_XQ 0
#define QG_SCR_XQH 160
#define QG_SCR_XSQ 160
#define QG_SCR_RLO 400
#define QG_SCR_RS 400
#define QG_SCR_YPIX 400
/* QG_TEMPLATE_DEFAULTS_END */
#define QG_OB ((QG_O + 7) / 8)
/* QG_PB: a float input with one region per patch ("kernel" regions, S = 1)
 * and K <= 64 is quantized 8 output positions at a time (PV, PC: 2 KB of
 * stack at most); other float inputs one position at a time */
#define QG_PB (!QG_IN_PACKED && QG_S == 1 && QG_K <= 64)
#define QG_OBC (QG_OB % 4 == 0 ? 4 : QG_OB % 2 == 0 ? 2 : 1)
/* YPIX: with a packed output one row of OW positions of 8 * QG_OB floats
 * (QG_YROW = QG_OB: position ox at 8 * QG_OB * ox), else one position */
#define QG_YROWS (QG_OUT_PACKED ? QG_OW : 1)
#define QG_YROW (QG_OUT_PACKED ? QG_OB : 0)
#if QG_IN_PACKED
#define QG_NR (QG_C / QG_IN_R)
#else
#define QG_NR QG_S
#endif
#if QG_VNNI
#define QG_FN_TARGET QG_X86_VNNI
#define QG_SEG_DOT(qa, qh, w, corr) qg_x86_seg_dot_vnni(qa, w, QG_SEGLEN / 4, corr)
#else
#define QG_FN_TARGET QG_X86_AVX2
#define QG_SEG_DOT(qa, qh, w, corr) qg_x86_seg_dot(qa, qh, w, QG_SEGLEN / 4, QG_SPLIT, QG_I16, corr)
#endif
QG_FN_TARGET static void QG_FN(const void *xv, void *yv, unsigned char *scratch, const int32_t *areg, const int32_t *seg,
                              const int32_t *seg_areg, const uint8_t *codes, const float *e, const float *bb, const float *d,
                              const float *bias) {
#if QG_IN_PACKED
  const uint8_t *xc = (const uint8_t *)xv;
  const float *xlo = (const float *)(xc + QG_LQP_CODE_BYTES((long)QG_H * QG_W * QG_C, QG_IN_CB));
  const float *xs = xlo + (long)QG_H * QG_W * QG_C / QG_IN_R;
#else
  const float *xlo, *xs;
#endif
  uint8_t *xq = scratch + QG_SCR_XQ, *xqh = scratch + QG_SCR_XQH;
  int32_t *xsq = (int32_t *)(scratch + QG_SCR_XSQ);
  float *ypix = (float *)(scratch + QG_SCR_YPIX);
  const int8_t *w8 = (const int8_t *)codes;
  long oy, ox, ky, kx, r, j, t, b, ob0;
#if QG_OUT_PACKED
  uint8_t *yc = (uint8_t *)yv;
  float *ylo = (float *)(yc + QG_LQP_CODE_BYTES((long)QG_OH * QG_OW * QG_O, QG_OUT_CB));
  float *ys = ylo + (long)QG_OH * QG_OW * QG_O / QG_OUT_R;
#else
  float *y = (float *)yv;
#endif
  (void)areg;
  (void)seg;
  (void)seg_areg;
  /* The layout this body assumes, the scratch parts in order; a compile
   * error (negative array size) otherwise. */
#if QG_IN_PACKED
  (void)sizeof(char[(QG_G == 1 && QG_C % QG_IN_R == 0 && QG_SEGLEN == QG_IN_R && QG_SEGLEN % 4 == 0 && QG_K4 == QG_K &&
                     QG_S == QG_KH * QG_KW * QG_NR && QG_K == QG_S * QG_SEGLEN && (!QG_OUT_PACKED || QG_O % QG_OUT_R == 0) &&
                     QG_SCR_XQ == QG_SCR_PATCH && QG_SCR_XQH >= QG_SCR_XQ + (long)QG_H * QG_W * QG_C &&
                     QG_SCR_XSQ >= QG_SCR_XQH + (QG_SPLIT ? (long)QG_H * QG_W * QG_C : 0) && QG_SCR_XSQ % 4 == 0 &&
                     QG_SCR_YPIX >= QG_SCR_XSQ + 4 * (long)QG_H * QG_W * QG_NR &&
                     QG_SCRATCH_BYTES == QG_SCR_YPIX + 4 * 8 * (long)QG_OB * QG_YROWS)
                        ? 1
                        : -1]);
  qg_x86_unpack(xc, (long)QG_H * QG_W * QG_C, QG_IN_CB, QG_SPLIT, xq, xqh);
  for (r = 0; r < (long)QG_H * QG_W * QG_NR; ++r) {
    int32_t sum = 0;
    for (j = 0; j < QG_IN_R; ++j) sum += (int32_t)xq[r * QG_IN_R + j] + (QG_SPLIT ? 16 * (int32_t)xqh[r * QG_IN_R + j] : 0);
    xsq[r] = sum;
  }
#else
  /* QG_S regions per patch, each one segment of QG_SEGLEN codes (QG_S = 1:
   * the whole patch, QG_SEGLEN = K4, the codes past K zero): per position the
   * codes (XQ / XQH), lo, s (RLO, RS) and Σq (XSQ) of its regions */
  float *patch = (float *)(scratch + QG_SCR_PATCH), *rlo = (float *)(scratch + QG_SCR_RLO), *rs = (float *)(scratch + QG_SCR_RS);
  const float *x = (const float *)xv;
  (void)sizeof(char[(QG_G == 1 && QG_R == QG_S && !QG_A_WHOLE && QG_SEGLEN % 4 == 0 && QG_IN_R == QG_SEGLEN &&
                     (QG_S == 1 ? QG_SEGLEN == QG_K4 && QG_K4 >= QG_K : QG_K == QG_S * QG_SEGLEN && QG_K4 == QG_K) &&
                     (!QG_OUT_PACKED || QG_O % QG_OUT_R == 0) && QG_SCR_XQ >= QG_SCR_PATCH + 4 * (long)QG_K &&
                     QG_SCR_XQH >= QG_SCR_XQ + QG_K4 && QG_SCR_XSQ >= QG_SCR_XQH + (QG_SPLIT ? QG_K4 : 0) && QG_SCR_XSQ % 4 == 0 &&
                     QG_SCR_RLO >= QG_SCR_XSQ + 4 * QG_S && QG_SCR_RS >= QG_SCR_RLO + 4 * QG_S && QG_SCR_YPIX >= QG_SCR_RS + 4 * QG_S &&
                     QG_SCRATCH_BYTES == QG_SCR_YPIX + 4 * 8 * (long)QG_OB * QG_YROWS)
                        ? 1
                        : -1]);
#if QG_PB
  float pv[QG_K][8], plo[8], ps[8];
  int32_t pc[QG_K][8], psq[8];
  (void)patch;
#endif
  xlo = rlo;
  xs = rs;
  memset(xq, 0, QG_K4);
  memset(xqh, 0, QG_SPLIT ? QG_K4 : 0);
#endif
  for (oy = 0; oy < QG_OH; ++oy) {
    for (ox = 0; ox < QG_OW; ++ox) {
      long tp[QG_KH * QG_KW], tk[QG_KH * QG_KW], nt = 0;
#if QG_IN_PACKED
      for (ky = 0; ky < QG_KH; ++ky)
        for (kx = 0; kx < QG_KW; ++kx) {
          const long iy = oy * QG_SH - QG_PT + ky * QG_DH, ix = ox * QG_SW - QG_PL + kx * QG_DW;
          if (iy >= 0 && iy < QG_H && ix >= 0 && ix < QG_W) {
            tp[nt] = iy * QG_W + ix;
            tk[nt++] = ky * QG_KW + kx;
          }
        }
#else
#if QG_PB
      /* one region per patch, 8 positions at a time (QG_PB): the patch
       * values of positions ox .. ox + 7 transposed (PV[k][lane], zeros
       * outside the image and past OW), per lane the sequential min / max
       * scan of qg_region_params (vminps(v, mn) is v < mn ? v : mn, NaN and
       * -0 included; vmaxps likewise), s = hi == lo ? 1 : (hi - lo) / L, the
       * codes by qg_x86_quantize8 (= qg_quantize per lane) and Σq */
      if (ox % 8 == 0) {
        long l, k2;
        __m256 mn, mx, sv;
        __m256i sum8 = _mm256_setzero_si256();
        const __m256 lf = _mm256_set1_ps((float)QG_LA);
        const __m256i li = _mm256_set1_epi32(QG_LA);
        for (l = 0; l < 8; ++l) {
          const long px = ox + l;
          long c;
          k2 = 0;
          for (ky = 0; ky < QG_KH; ++ky)
            for (kx = 0; kx < QG_KW; ++kx) {
              const long iy = oy * QG_SH - QG_PT + ky * QG_DH, ix = px * QG_SW - QG_PL + kx * QG_DW;
              if (px < QG_OW && iy >= 0 && iy < QG_H && ix >= 0 && ix < QG_W) {
                const float *xp = x + (iy * QG_W + ix) * QG_C;
                for (c = 0; c < QG_C; ++c) pv[k2++][l] = xp[c];
              } else {
                for (c = 0; c < QG_C; ++c) pv[k2++][l] = 0.0f;
              }
            }
        }
        mn = _mm256_loadu_ps(pv[0]);
        mx = mn;
        for (k2 = 1; k2 < QG_K; ++k2) {
          const __m256 v = _mm256_loadu_ps(pv[k2]);
          mn = _mm256_min_ps(v, mn);
          mx = _mm256_max_ps(v, mx);
        }
        sv = _mm256_blendv_ps(_mm256_div_ps(_mm256_sub_ps(mx, mn), lf), _mm256_set1_ps(1.0f), _mm256_cmp_ps(mx, mn, _CMP_EQ_OQ));
        for (k2 = 0; k2 < QG_K; ++k2) {
          const __m256i c = qg_x86_quantize8(_mm256_loadu_ps(pv[k2]), mn, sv, lf, li);
          _mm256_storeu_si256((__m256i *)pc[k2], c);
          sum8 = _mm256_add_epi32(sum8, c);
        }
        _mm256_storeu_ps(plo, mn);
        _mm256_storeu_ps(ps, sv);
        _mm256_storeu_si256((__m256i *)psq, sum8);
      }
      {
        const long l = ox % 8;
        for (j = 0; j < QG_K; ++j) xq[j] = (uint8_t)pc[j][l];
        rlo[0] = plo[l];
        rs[0] = ps[l];
        xsq[0] = psq[l];
      }
#else
      /* as conv2d_lqp.c: qg_im2col_f32, then qg_lq_patch_codes */
      qg_im2col_f32(x, QG_H, QG_W, QG_C, 0, QG_C, oy * QG_SH - QG_PT, ox * QG_SW - QG_PL, QG_KH, QG_KW, QG_DH, QG_DW, patch);
      qg_lq_patch_codes(patch, areg, QG_R, 0, 0.0f, 1.0f, QG_LA, rlo, rs, xq);
      for (r = 0; r < QG_S; ++r) {
        int32_t sum = 0;
        for (j = 0; j < QG_SEGLEN; ++j) sum += xq[r * QG_SEGLEN + j];
        xsq[r] = sum;
      }
      (void)ky;
      (void)kx;
#endif
#if QG_SPLIT
      for (j = 0; j < QG_K; ++j) {
        xqh[j] = (uint8_t)(xq[j] >> 4);
        xq[j] = (uint8_t)(xq[j] & 15u);
      }
#endif
      tp[0] = 0;
      tk[0] = 0;
      nt = 1;
#endif
      for (ob0 = 0; ob0 < QG_OB; ob0 += QG_OBC) {
        __m256 acc[QG_OBC];
#pragma GCC unroll 4
        for (b = 0; b < QG_OBC; ++b) acc[b] = _mm256_setzero_ps();
        for (t = 0; t < nt; ++t)
          for (r = 0; r < QG_NR; ++r) {
            const long reg = tp[t] * QG_NR + r, s = tk[t] * QG_NR + r;
            const __m256 lo_b = _mm256_set1_ps(xlo[reg]), s_b = _mm256_set1_ps(xs[reg]), sq_b = _mm256_set1_ps((float)xsq[reg]);
            const __m256i corr = _mm256_set1_epi32(128 * xsq[reg]);
            const int8_t *wb = w8 + ((long)ob0 * QG_K4 + s * QG_SEGLEN) * 8;
            if (xlo[reg] == 0.0f) { /* lo = ±0: the part without lo * E (qg_x86_part_lo0) */
#pragma GCC unroll 4
              for (b = 0; b < QG_OBC; ++b) {
                const int8_t *w = wb + b * (long)QG_K4 * 8;
                const long at = s * (long)QG_OB * 8 + (ob0 + b) * 8;
                acc[b] = _mm256_add_ps(acc[b], qg_x86_part_lo0(s_b, sq_b, QG_SEG_DOT(xq + reg * QG_IN_R, xqh + reg * QG_IN_R, w, corr),
                                                               bb + at, d + at));
              }
              continue;
            }
#pragma GCC unroll 4
            for (b = 0; b < QG_OBC; ++b) {
              const int8_t *w = wb + b * (long)QG_K4 * 8;
              const long at = s * (long)QG_OB * 8 + (ob0 + b) * 8;
              acc[b] = _mm256_add_ps(acc[b], qg_x86_part(lo_b, s_b, sq_b,
                                                         QG_SEG_DOT(xq + reg * QG_IN_R, xqh + reg * QG_IN_R, w, corr),
                                                         e + at, bb + at, d + at));
            }
          }
#pragma GCC unroll 4
        for (b = 0; b < QG_OBC; ++b) _mm256_storeu_ps(ypix + (QG_YROW * ox + ob0 + b) * 8, qg_x86_finish(acc[b], bias + (ob0 + b) * 8, QG_ACT));
      }
#if QG_OUT_PACKED
      if (QG_O % 8 != 0) qg_x86_lqp_pack(ypix + 8 * QG_OB * ox, QG_O, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (oy * QG_OW + ox) * (long)QG_O, yc, ylo, ys);
#else
      memcpy(y + (oy * QG_OW + ox) * (long)QG_O, ypix, sizeof(float) * QG_O);
#endif
    }
#if QG_OUT_PACKED
    /* the row's O * OW outputs, contiguous when O is a multiple of 8, packed
     * in one call: its regions are independent, so their latency overlaps */
    if (QG_O % 8 == 0) qg_x86_lqp_pack(ypix, QG_O * (long)QG_OW, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, oy * QG_OW * (long)QG_O, yc, ylo, ys);
#endif
  }
}
#undef QG_OB
#undef QG_PB
#undef QG_OBC
#undef QG_YROWS
#undef QG_YROW
#undef QG_FN_TARGET
#undef QG_SEG_DOT
#undef QG_NR
