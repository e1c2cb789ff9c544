/* qg_conv2d_a<A>w<W>r<R>_lut<g>__c: LQ / DQ quantized 2-D convolution with
 * the LUT kernel (Yang et al. section V, eq. 8, Fig. 5), portable C99.
 * Per output position and group the patch is gathered and quantized exactly
 * as in conv2d_lq.c; then every group of up to g consecutive activation codes
 * of a segment forms an index v = q[b] | q[b+1] << A | ... into that group's
 * compile-time table of Σ p·q (one table per output channel and group), so
 * Σp·q of a segment is a sum of look-ups: no multiplies. The integer equals
 * the MAC kernel's, and the float combination is the same:
 *   acc = lo_a*E + s_a*(B*(float)Σq + D*(float)Σp·q),  y = Σ_seg acc + bias.
 * Tables: uint16 entries as two byte planes (low bytes, then high bytes);
 * group k's table starts at entry QG_GOFF[k] (QG_T entries per channel).
 * Row layout (QG_SHUF 0): [2][QG_T][QG_O], the entries of all channels for
 * one (group, index) side by side: a look-up adds a row, shared index.
 * Shuffle layout (QG_SHUF 1): [QG_O][2][QG_T], every group table padded to 16
 * entries (index of <= 4 bits), one channel's tables together: on x86
 * with SSSE3 (-mssse3) 16 output positions are then looked up at once with
 * pshufb, with AVX2 (-mavx2) 32 with vpshufb, one table per register (low
 * and high bytes: two shuffles); the integers are the same.
 * QG_LG = g, QG_AB = A (activation bits).
 * Scratch (scalar): K floats (patch), 2R floats (region lo, s), padded to
 * 8 bytes, S accumulators (Σq), (row layout: S*O accumulators, Σp·q),
 * NG int32 (indices), K bytes (codes).
 * Scratch (pshufb, N = 16 or 32 lanes): K floats, 2NR floats, padded to
 * 8 bytes, NS accumulators (Σq), NS int32 (Σp·q), N·NG bytes (indices), K
 * bytes (codes); qgen reserves the N = 32 size. The compiler passes one
 * region (QG_SCR_WORK .. QG_SCRATCH_BYTES, select/select.cpp) for the largest
 * layout; the layout in use checks at compile time that it fits. */
#include <stdint.h>
#include "../runtime/qg_lq.h"
#include "../runtime/qg_arm_dsp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_a2w8rk_lut2__c_example
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
#define QG_ACT 0
#define QG_K 18
#define QG_LA 3
#define QG_AB 2
#define QG_LG 2
#define QG_R 1
#define QG_S 1
#define QG_NG 9
#define QG_T 144
#define QG_SHUF 1
#define QG_A_WHOLE 0
#define QG_PADDED 1
#define QG_ACC_T int32_t
#define QG_ACC64 0
#define QG_ROW16 0
#define QG_UNIFORM 1
#define QG_SCRATCH_BYTES 890
#define QG_SCR_WORK 0
static const int32_t qg_example_areg[2] = {0, 18};
static const int32_t qg_example_seg[2] = {0, 18};
static const int32_t qg_example_seg_areg[1] = {0};
static const int32_t qg_example_grp[10] = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18};
static const int32_t qg_example_seg_grp[2] = {0, 9};
static const int32_t qg_example_goff[9] = {0, 16, 32, 48, 64, 80, 96, 112, 128};
static const uint8_t qg_example_lut[2 * 2 * 144] = {0};
static const float qg_example_e[2] = {0}, qg_example_bb[2] = {0}, qg_example_d[2] = {0}, qg_example_bias[2] = {0};
#define QG_AREG qg_example_areg
#define QG_SEG qg_example_seg
#define QG_SEG_AREG qg_example_seg_areg
#define QG_GRP qg_example_grp
#define QG_SEG_GRP qg_example_seg_grp
#define QG_GOFF qg_example_goff
#define QG_LUT qg_example_lut
#define QG_E qg_example_e
#define QG_B qg_example_bb
#define QG_D qg_example_d
#define QG_BIAS qg_example_bias
/* QG_TEMPLATE_DEFAULTS_END */
#ifndef QG_LUT_CAT
#define QG_LUT_CAT2(a, b) a##b
#define QG_LUT_CAT(a, b) QG_LUT_CAT2(a, b)
#endif
#if QG_SHUF && !QG_ACC64 && defined(__AVX2__)
#define QG_LUT_SIMD 1
#define QG_LN 32 /* output positions per vector: vpshufb, the table in both 128-bit halves */
#include <immintrin.h>
#elif QG_SHUF && !QG_ACC64 && defined(__SSSE3__)
#define QG_LUT_SIMD 1
#define QG_LN 16 /* output positions per vector: pshufb */
#include <tmmintrin.h>
#else
#define QG_LUT_SIMD 0
#endif

/* The patch of output position (oy, ox) and group grp, quantized: region
 * parameters rlo[r], rs[r], codes q[j], and Σq per segment sq[s]. */
static void QG_LUT_CAT(QG_FN, _codes)(const float *x, long oy, long ox, long grp, float whole_lo, float whole_s, float *patch,
                                      float *rlo, float *rs, uint8_t *q, QG_ACC_T *sq) {
  const long cg = QG_C / QG_G;
  long j, s;
  qg_im2col_f32(x, QG_H, QG_W, QG_C, grp * cg, cg, oy * QG_SH - QG_PT, ox * QG_SW - QG_PL, QG_KH, QG_KW, QG_DH, QG_DW, patch);
  qg_lq_patch_codes(patch, QG_AREG, QG_R, QG_A_WHOLE, whole_lo, whole_s, QG_LA, rlo, rs, q);
  for (s = 0; s < QG_S; ++s) {
    QG_ACC_T t = 0;
    for (j = QG_SEG[s]; j < QG_SEG[s + 1]; ++j) t += q[j];
    sq[s] = t;
  }
}

/* Table index of group k: q[b] | q[b+1] << A | ...; full groups (QG_LG codes)
 * take a loop of constant trip count, which the compiler unrolls. */
QG_INLINE int32_t QG_LUT_CAT(QG_FN, _index)(const uint8_t *q, long k) {
  const long b = QG_GRP[k], n = QG_GRP[k + 1] - b;
  int32_t v = 0;
  long t;
  if (n == QG_LG) {
    for (t = QG_LG - 1; t >= 0; --t) v = (v << QG_AB) | q[b + t];
  } else {
    for (t = n - 1; t >= 0; --t) v = (v << QG_AB) | q[b + t];
  }
  return v;
}

#if QG_ROW16
/* DSP targets (QG_ROW16: groups 1, 32-bit sums): the table QG_LUT32 holds for
 * every (group, index) a row of QG_O2 uint16 entries (QG_O rounded up to
 * even), two per word, so one UADD16 adds the entries of two channels. A lane
 * takes at most QG_FLUSH entries (QG_FLUSH * largest entry <= 65535) before
 * it is added to the 32-bit sums: same integers as the scalar path. Blocks
 * of 16 channels keep their 8 packed sums in registers. */
#define QG_LUT_ROWS QG_LUT_CAT(QG_FN, _rows)
QG_HOT void QG_LUT_ROWS(const int32_t *ix, long k0, long k1, int32_t *spq) {
  long ob, k, i;
  for (ob = 0; ob < QG_O2 / 2; ob += 8) {
    const long nw = QG_O2 / 2 - ob < 8 ? QG_O2 / 2 - ob : 8;
    int32_t sum[16];
    for (i = 0; i < 16; ++i) sum[i] = 0;
    for (k = k0; k < k1;) {
      const long kend = k1 - k > QG_FLUSH ? k + QG_FLUSH : k1;
      uint32_t p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      if (nw == 8) {
        uint32_t p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
        for (; k < kend; ++k) { /* full block: 16 channels, no tests in the loop */
          const uint32_t *row = QG_LUT32 + (long)ix[k] * (QG_O2 / 2) + ob;
          p0 = qg_uadd16(p0, row[0]);
          p1 = qg_uadd16(p1, row[1]);
          p2 = qg_uadd16(p2, row[2]);
          p3 = qg_uadd16(p3, row[3]);
          p4 = qg_uadd16(p4, row[4]);
          p5 = qg_uadd16(p5, row[5]);
          p6 = qg_uadd16(p6, row[6]);
          p7 = qg_uadd16(p7, row[7]);
        }
        p[0] = p0;
        p[1] = p1;
        p[2] = p2;
        p[3] = p3;
        p[4] = p4;
        p[5] = p5;
        p[6] = p6;
        p[7] = p7;
      } else {
        for (; k < kend; ++k) {
          const uint32_t *row = QG_LUT32 + (long)ix[k] * (QG_O2 / 2) + ob;
          for (i = 0; i < nw; ++i) p[i] = qg_uadd16(p[i], row[i]);
        }
      }
      for (i = 0; i < 8; ++i) {
        sum[2 * i] += (int32_t)(p[i] & 0xffffu);
        sum[2 * i + 1] += (int32_t)(p[i] >> 16);
      }
    }
    for (i = 0; i < 2 * nw && 2 * ob + i < QG_O; ++i) spq[2 * ob + i] = sum[i];
  }
}
#endif

static void QG_FN(const float *x, float *y, unsigned char *scratch) {
  const long og = QG_O / QG_G;
  long oy, ox, grp, o, k, s;
  float whole_lo = 0.0f, whole_s = 1.0f;
#if QG_A_WHOLE
  qg_region_params(x, (long)QG_H * QG_W * QG_C, QG_PADDED, QG_LA, &whole_lo, &whole_s);
#endif
#if !QG_SHUF
  {
    /* Row layout: the index of a group is shared by all output channels, and
     * the entries of all channels for one (group, index) are contiguous, so
     * each look-up adds a row of og entries (a loop that vectorizes). */
    float *patch = (float *)(scratch + QG_SCR_WORK);
    float *rlo = patch + QG_K;
    float *rs = rlo + QG_R;
    QG_ACC_T *sq = (QG_ACC_T *)(patch + ((QG_K + 2 * QG_R + 1) / 2) * 2); /* 8-byte aligned */
    QG_ACC_T *spq = sq + QG_S;                                           /* [S][og] */
    int32_t *ix = (int32_t *)(spq + (long)QG_S * QG_O);
    uint8_t *q = (uint8_t *)(ix + QG_NG);
    /* This layout fits the compiler's region (QG_SCR_WORK, QG_SCRATCH_BYTES:
     * sized for the largest layout); a compile error (negative array size) if not. */
    (void)sizeof(char[QG_SCR_WORK + ((QG_K + 2 * QG_R + 1) / 2) * 2 * (long)sizeof(float) + QG_S * (long)sizeof(QG_ACC_T) +
                              (long)QG_S * QG_O * (long)sizeof(QG_ACC_T) + QG_NG * 4L + QG_K <=
                          QG_SCRATCH_BYTES
                      ? 1
                      : -1]);
    for (oy = 0; oy < QG_OH; ++oy)
      for (ox = 0; ox < QG_OW; ++ox)
        for (grp = 0; grp < QG_G; ++grp) {
          QG_LUT_CAT(QG_FN, _codes)(x, oy, ox, grp, whole_lo, whole_s, patch, rlo, rs, q, sq);
#if QG_UNIFORM
          { /* every group full, tables back to back: group k = codes k*g.., entries at k * 2^(A*g) */
            const uint8_t *c = q;
            int32_t e = 0;
            for (k = 0; k < QG_NG; ++k, c += QG_LG, e += 1 << (QG_AB * QG_LG)) {
              int32_t v = 0;
              int t;
              for (t = QG_LG - 1; t >= 0; --t) v = (v << QG_AB) | c[t];
              ix[k] = e + v;
            }
          }
#else
          for (k = 0; k < QG_NG; ++k) ix[k] = QG_GOFF[k] + QG_LUT_CAT(QG_FN, _index)(q, k);
#endif
          for (s = 0; s < QG_S; ++s) {
            QG_ACC_T *acc_s = spq + s * og;
#if QG_ROW16
            QG_LUT_ROWS(ix, QG_SEG_GRP[s], QG_SEG_GRP[s + 1], acc_s);
#else
            for (o = 0; o < og; ++o) acc_s[o] = 0;
            for (k = QG_SEG_GRP[s]; k < QG_SEG_GRP[s + 1]; ++k) {
              const uint8_t *lo = QG_LUT + (long)ix[k] * QG_O + grp * og;
              const uint8_t *hi = lo + (long)QG_T * QG_O;
              for (o = 0; o < og; ++o) acc_s[o] += (QG_ACC_T)((uint32_t)lo[o] | (uint32_t)hi[o] << 8);
            }
#endif
          }
          for (o = 0; o < og; ++o) {
            float acc = 0.0f;
            for (s = 0; s < QG_S; ++s) {
              const long a = QG_SEG_AREG[s], ci = (grp * og + o) * QG_S + s;
              float part;
              part = qg_lq_part(rlo[a], rs[a], QG_E[ci], QG_B[ci], QG_D[ci], (float)sq[s], (float)spq[s * og + o]);
              acc = acc + part;
            }
            y[(oy * QG_OW + ox) * QG_O + grp * og + o] = qg_lq_finish(acc, QG_BIAS[grp * og + o], QG_ACT);
          }
        }
  }
#elif !QG_LUT_SIMD
  {
    float *patch = (float *)(scratch + QG_SCR_WORK);
    float *rlo = patch + QG_K;
    float *rs = rlo + QG_R;
    QG_ACC_T *sq = (QG_ACC_T *)(patch + ((QG_K + 2 * QG_R + 1) / 2) * 2); /* 8-byte aligned */
    int32_t *ix = (int32_t *)(sq + QG_S);
    uint8_t *q = (uint8_t *)(ix + QG_NG);
    (void)sizeof(char[QG_SCR_WORK + ((QG_K + 2 * QG_R + 1) / 2) * 2 * (long)sizeof(float) + QG_S * (long)sizeof(QG_ACC_T) + QG_NG * 4L +
                              QG_K <=
                          QG_SCRATCH_BYTES
                      ? 1
                      : -1]);
    for (oy = 0; oy < QG_OH; ++oy)
      for (ox = 0; ox < QG_OW; ++ox)
        for (grp = 0; grp < QG_G; ++grp) {
          QG_LUT_CAT(QG_FN, _codes)(x, oy, ox, grp, whole_lo, whole_s, patch, rlo, rs, q, sq);
          for (k = 0; k < QG_NG; ++k) ix[k] = QG_GOFF[k] + QG_LUT_CAT(QG_FN, _index)(q, k);
          for (o = grp * og; o < (grp + 1) * og; ++o) {
            const uint8_t *t = QG_LUT + (long)o * 2 * QG_T;
            float acc = 0.0f;
            for (s = 0; s < QG_S; ++s) {
              const long a = QG_SEG_AREG[s], ci = o * QG_S + s;
              QG_ACC_T spq = 0;
              float part;
              for (k = QG_SEG_GRP[s]; k < QG_SEG_GRP[s + 1]; ++k)
                spq += (QG_ACC_T)((uint32_t)t[ix[k]] | (uint32_t)t[QG_T + ix[k]] << 8);
              part = qg_lq_part(rlo[a], rs[a], QG_E[ci], QG_B[ci], QG_D[ci], (float)sq[s], (float)spq);
              acc = acc + part;
            }
            y[(oy * QG_OW + ox) * QG_O + o] = qg_lq_finish(acc, QG_BIAS[o], QG_ACT);
          }
        }
  }
#else
  {
    /* QG_LN output positions at a time; lane l of every vector is position p0 + l. */
    float *patch = (float *)(scratch + QG_SCR_WORK);
    float *rlo = patch + QG_K;       /* [QG_LN][R] */
    float *rs = rlo + QG_LN * QG_R;  /* [QG_LN][R] */
    QG_ACC_T *sq = (QG_ACC_T *)(patch + ((QG_K + 2 * QG_LN * QG_R + 1) / 2) * 2); /* [QG_LN][S], 8-byte aligned */
    int32_t *spq = (int32_t *)(sq + QG_LN * QG_S);                               /* [S][QG_LN] */
    uint8_t *ix = (uint8_t *)(spq + QG_LN * QG_S);                               /* [NG][QG_LN] */
    uint8_t *q = ix + QG_LN * QG_NG;
    (void)sizeof(char[QG_SCR_WORK + ((QG_K + 2 * QG_LN * QG_R + 1) / 2) * 2 * (long)sizeof(float) + QG_LN * QG_S * (long)sizeof(QG_ACC_T) +
                              QG_LN * QG_S * 4L + QG_LN * QG_NG + QG_K <=
                          QG_SCRATCH_BYTES
                      ? 1
                      : -1]);
    const long npos = (long)QG_OH * QG_OW;
    long p0, l, nb;
    for (grp = 0; grp < QG_G; ++grp)
      for (p0 = 0; p0 < npos; p0 += QG_LN) {
        nb = npos - p0 < QG_LN ? npos - p0 : QG_LN;
        for (l = 0; l < QG_LN; ++l) {
          if (l < nb) {
            QG_LUT_CAT(QG_FN, _codes)(x, (p0 + l) / QG_OW, (p0 + l) % QG_OW, grp, whole_lo, whole_s, patch, rlo + l * QG_R,
                                      rs + l * QG_R, q, sq + l * QG_S);
            for (k = 0; k < QG_NG; ++k) ix[k * QG_LN + l] = (uint8_t)QG_LUT_CAT(QG_FN, _index)(q, k);
          } else {
            for (k = 0; k < QG_NG; ++k) ix[k * QG_LN + l] = 0;
          }
        }
        for (o = grp * og; o < (grp + 1) * og; ++o) {
          const uint8_t *t = QG_LUT + (long)o * 2 * QG_T;
          for (s = 0; s < QG_S; ++s) {
            const long kend = QG_SEG_GRP[s + 1];
#if QG_LN == 32
            const __m256i z = _mm256_setzero_si256();
            __m256i a0 = z, a1 = z, a2 = z, a3 = z;
            k = QG_SEG_GRP[s];
            while (k < kend) {
              /* At most 16 uint16 sums of entries <= 3825 before widening: < 65536. */
              const long kk = kend - k < 16 ? kend : k + 16;
              __m256i s0 = z, s1 = z;
              for (; k < kk; ++k) {
                const __m256i I = _mm256_loadu_si256((const __m256i *)(ix + k * 32));
                const __m256i vl = _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(t + QG_GOFF[k]))), I);
                const __m256i vh =
                    _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(t + QG_T + QG_GOFF[k]))), I);
                s0 = _mm256_add_epi16(s0, _mm256_unpacklo_epi8(vl, vh)); /* positions 0-7 | 16-23 */
                s1 = _mm256_add_epi16(s1, _mm256_unpackhi_epi8(vl, vh)); /* positions 8-15 | 24-31 */
              }
              a0 = _mm256_add_epi32(a0, _mm256_unpacklo_epi16(s0, z)); /* 0-3 | 16-19 */
              a1 = _mm256_add_epi32(a1, _mm256_unpackhi_epi16(s0, z)); /* 4-7 | 20-23 */
              a2 = _mm256_add_epi32(a2, _mm256_unpacklo_epi16(s1, z)); /* 8-11 | 24-27 */
              a3 = _mm256_add_epi32(a3, _mm256_unpackhi_epi16(s1, z)); /* 12-15 | 28-31 */
            }
            _mm256_storeu_si256((__m256i *)(spq + s * 32), _mm256_permute2x128_si256(a0, a1, 0x20));
            _mm256_storeu_si256((__m256i *)(spq + s * 32 + 8), _mm256_permute2x128_si256(a2, a3, 0x20));
            _mm256_storeu_si256((__m256i *)(spq + s * 32 + 16), _mm256_permute2x128_si256(a0, a1, 0x31));
            _mm256_storeu_si256((__m256i *)(spq + s * 32 + 24), _mm256_permute2x128_si256(a2, a3, 0x31));
#else
            const __m128i z = _mm_setzero_si128();
            __m128i a0 = z, a1 = z, a2 = z, a3 = z;
            k = QG_SEG_GRP[s];
            while (k < kend) {
              /* At most 16 uint16 sums of entries <= 3825 before widening: < 65536. */
              const long kk = kend - k < 16 ? kend : k + 16;
              __m128i s0 = z, s1 = z;
              for (; k < kk; ++k) {
                const __m128i I = _mm_loadu_si128((const __m128i *)(ix + k * 16));
                const __m128i vl = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(t + QG_GOFF[k])), I);
                const __m128i vh = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(t + QG_T + QG_GOFF[k])), I);
                s0 = _mm_add_epi16(s0, _mm_unpacklo_epi8(vl, vh));
                s1 = _mm_add_epi16(s1, _mm_unpackhi_epi8(vl, vh));
              }
              a0 = _mm_add_epi32(a0, _mm_unpacklo_epi16(s0, z));
              a1 = _mm_add_epi32(a1, _mm_unpackhi_epi16(s0, z));
              a2 = _mm_add_epi32(a2, _mm_unpacklo_epi16(s1, z));
              a3 = _mm_add_epi32(a3, _mm_unpackhi_epi16(s1, z));
            }
            _mm_storeu_si128((__m128i *)(spq + s * 16), a0);
            _mm_storeu_si128((__m128i *)(spq + s * 16 + 4), a1);
            _mm_storeu_si128((__m128i *)(spq + s * 16 + 8), a2);
            _mm_storeu_si128((__m128i *)(spq + s * 16 + 12), a3);
#endif
          }
          for (l = 0; l < nb; ++l) {
            float acc = 0.0f;
            for (s = 0; s < QG_S; ++s) {
              const long a = QG_SEG_AREG[s], ci = o * QG_S + s;
              float part = qg_lq_part(rlo[l * QG_R + a], rs[l * QG_R + a], QG_E[ci], QG_B[ci], QG_D[ci], (float)sq[l * QG_S + s],
                                      (float)spq[s * QG_LN + l]);
              acc = acc + part;
            }
            y[(p0 + l) * QG_O + o] = qg_lq_finish(acc, QG_BIAS[o], QG_ACT);
          }
        }
      }
  }
#endif
  (void)ox;
  (void)oy;
}
#undef QG_LUT_SIMD
#undef QG_LN
#ifdef QG_LUT_ROWS
#undef QG_LUT_ROWS
#endif
