/* qg_lq_x86.h - AVX2 helpers of the x86-64 LQ-packed MAC kernel
 * (templates/conv2d_lqp_x86.c, docs/quantization.md §11). Each function is
 * compiled for AVX2 by a target attribute (GCC, Clang), whatever the
 * package's flags: the x86-64 target's baseline feature set is AVX2
 * (targets/x86-64/target.json). Every float step is one IEEE-754 operation
 * per lane in the order of the scalar code of qg_lq.h / qg_lqp.h (no FMA, no
 * reassociation), so each lane equals the scalar result bit for bit. */
#ifndef QG_LQ_X86_H
#define QG_LQ_X86_H

#include <immintrin.h>
#include <string.h>
#include "qg_lqp.h"

#define QG_X86_AVX2 __attribute__((target("avx2")))

/* qg_quantize of 8 values with one region's (lo, s), per lane: t = (v - lo) / s;
 * !(t > 0) -> 0; t >= L -> L; else trunc(t) + (t - trunc(t) >= 0.5). For the
 * remaining lanes 0 < t < L <= 255, so the truncation is in range. */
QG_X86_AVX2 QG_INLINE __m256i qg_x86_quantize8(__m256 v, __m256 lo, __m256 s, __m256 lf, __m256i li) {
  const __m256 t = _mm256_div_ps(_mm256_sub_ps(v, lo), s);
  const __m256i i = _mm256_cvttps_epi32(t);
  const __m256 f = _mm256_sub_ps(t, _mm256_cvtepi32_ps(i));
  const __m256i up = _mm256_castps_si256(_mm256_cmp_ps(f, _mm256_set1_ps(0.5f), _CMP_GE_OQ));
  __m256i r = _mm256_sub_epi32(i, up); /* up is -1 where rounding up */
  r = _mm256_blendv_epi8(r, li, _mm256_castps_si256(_mm256_cmp_ps(t, lf, _CMP_GE_OQ)));
  return _mm256_and_si256(r, _mm256_castps_si256(_mm256_cmp_ps(t, _mm256_setzero_ps(), _CMP_GT_OQ)));
}

/* qg_region_params(v, n, 0, levels, lo, s) for n a multiple of 8, 8 lanes
 * at a time. Without NaN and without -0 among the values the minimum and
 * maximum are unique bit patterns (equal non-zero floats have equal bits,
 * every zero is +0), so any order of comparisons finds the ones of the
 * sequential scan; otherwise it is the sequential scan itself. */
QG_X86_AVX2 QG_INLINE void qg_x86_region_params(const float *v, long n, int levels, float *lo, float *s) {
  __m256 mn = _mm256_loadu_ps(v), mx = mn;
  __m256i odd = _mm256_or_si256(_mm256_castps_si256(_mm256_cmp_ps(mn, mn, _CMP_UNORD_Q)),
                                _mm256_cmpeq_epi32(_mm256_castps_si256(mn), _mm256_set1_epi32((int32_t)0x80000000u)));
  long j;
  float a, b;
  for (j = 8; j < n; j += 8) {
    const __m256 x = _mm256_loadu_ps(v + j);
    mn = _mm256_min_ps(mn, x);
    mx = _mm256_max_ps(mx, x);
    odd = _mm256_or_si256(odd, _mm256_or_si256(_mm256_castps_si256(_mm256_cmp_ps(x, x, _CMP_UNORD_Q)),
                                               _mm256_cmpeq_epi32(_mm256_castps_si256(x), _mm256_set1_epi32((int32_t)0x80000000u))));
  }
  if (!_mm256_testz_si256(odd, odd)) {
    qg_region_params(v, n, 0, levels, lo, s);
    return;
  }
  mn = _mm256_min_ps(mn, _mm256_permute2f128_ps(mn, mn, 1));
  mx = _mm256_max_ps(mx, _mm256_permute2f128_ps(mx, mx, 1));
  mn = _mm256_min_ps(mn, _mm256_shuffle_ps(mn, mn, 0x4e));
  mx = _mm256_max_ps(mx, _mm256_shuffle_ps(mx, mx, 0x4e));
  mn = _mm256_min_ps(mn, _mm256_shuffle_ps(mn, mn, 0xb1));
  mx = _mm256_max_ps(mx, _mm256_shuffle_ps(mx, mx, 0xb1));
  a = _mm256_cvtss_f32(mn);
  b = _mm256_cvtss_f32(mx);
  *lo = a;
  *s = (b == a) ? 1.0f : (b - a) / (float)levels;
}

/* qg_lqp_pack with the quantization 8 lanes at a time: the region
 * parameters are qg_region_params' (qg_x86_region_params when R is a
 * multiple of 8), the codes qg_x86_quantize8 (= qg_quantize per lane); a
 * group of 8 codes starting at a multiple of 8 fills whole bytes, which are
 * packed in registers (value i at bit (i*cb) % 8 of byte i*cb/8); other
 * groups take the scalar code. */
QG_X86_AVX2 QG_INLINE void qg_x86_lqp_pack(const float *v, long n, long R, int cb, int levels, long first, uint8_t *codes, float *lo,
                                               float *s) {
  const __m256 lf = _mm256_set1_ps((float)levels);
  const __m256i li = _mm256_set1_epi32(levels);
  long r, j;
  for (r = 0; r < n; r += R) {
    const long reg = (first + r) / R;
    float l = 0.0f, sc = 1.0f;
    if (R % 8 == 0) qg_x86_region_params(v + r, R, levels, &l, &sc);
    else qg_region_params(v + r, R, 0, levels, &l, &sc);
    lo[reg] = l;
    s[reg] = sc;
    for (j = 0; j < R; j += 8) {
      const long m = R - j < 8 ? R - j : 8, at = first + r + j;
      long k;
      if (m == 8 && (cb == 8 || at % 8 == 0)) { /* whole bytes: at * cb / 8 is exact */
        const __m256i c = qg_x86_quantize8(_mm256_loadu_ps(v + r + j), _mm256_set1_ps(l), _mm256_set1_ps(sc), lf, li);
        const __m128i w16 = _mm_packus_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1)); /* 8 x u16, <= 255 */
        if (cb == 8) {
          _mm_storel_epi64((__m128i *)(codes + at), _mm_packus_epi16(w16, w16));
        } else if (cb == 4) { /* byte k = c[2k] | c[2k+1] << 4 */
          const __m128i p = _mm_madd_epi16(w16, _mm_set1_epi32(0x00100001));
          const uint32_t word = (uint32_t)_mm_cvtsi128_si32(_mm_packus_epi16(_mm_packus_epi32(p, p), _mm_setzero_si128()));
          memcpy(codes + at / 2, &word, 4);
        } else if (cb == 2) { /* byte k = c[4k] | c[4k+1] << 2 | c[4k+2] << 4 | c[4k+3] << 6 */
          const __m128i p = _mm_madd_epi16(w16, _mm_set1_epi32(0x00040001));
          const __m128i p2 = _mm_madd_epi16(_mm_packus_epi32(p, p), _mm_set1_epi32(0x00100001));
          const uint16_t half = (uint16_t)_mm_cvtsi128_si32(_mm_packus_epi16(_mm_packus_epi32(p2, p2), _mm_setzero_si128()));
          memcpy(codes + at / 4, &half, 2);
        } else { /* cb == 1: bit k = c[k] */
          codes[at / 8] = (uint8_t)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(c, 31)));
        }
        continue;
      }
      {
        int32_t q[8];
        const unsigned mask = (1u << cb) - 1u;
        for (k = 0; k < m; ++k) q[k] = qg_quantize(v[r + j + k], l, sc, levels);
        for (k = 0; k < m; ++k) {
          const unsigned long bit = (unsigned long)(at + k) * (unsigned)cb;
          const unsigned sh = (unsigned)(bit & 7u);
          uint8_t *b = codes + (bit >> 3);
          *b = (uint8_t)((*b & ~(mask << sh)) | ((unsigned)q[k] << sh));
        }
      }
    }
  }
}

/* Σp·q of one segment of nq4 * 4 codes for 8 output channels
 * (templates/conv2d_lqp_x86.c): vpmaddubsw of 4 codes (broadcast, u8; with
 * split the low nibbles qa and the high ones qh) with the channels' weight
 * codes minus 128 (s8, layout [nq4][8][4]), summed in 16 bits when i16 (no
 * lane can overflow), widened by vpmaddwd, plus 128·Σq (corr): exact in
 * int32. Always inlined, so nq4, split and i16 are constants. */
QG_X86_AVX2 static inline __attribute__((always_inline, unused)) __m256i qg_x86_seg_dot(const uint8_t *qa, const uint8_t *qh, const int8_t *w,
                                                                                      long nq4, int split, int i16, __m256i corr) {
  const __m256i ones = _mm256_set1_epi16(1), sixteen = _mm256_set1_epi16(16);
  __m256i dot;
  long j;
  if (i16) {
    __m256i a16 = _mm256_setzero_si256(), h16 = _mm256_setzero_si256();
#pragma GCC unroll 16
    for (j = 0; j < nq4; ++j) {
      const __m256i wv = _mm256_loadu_si256((const __m256i *)(w + j * 32));
      int32_t v;
      memcpy(&v, qa + 4 * j, 4);
      a16 = _mm256_add_epi16(a16, _mm256_maddubs_epi16(_mm256_set1_epi32(v), wv));
      if (split) {
        memcpy(&v, qh + 4 * j, 4);
        h16 = _mm256_add_epi16(h16, _mm256_maddubs_epi16(_mm256_set1_epi32(v), wv));
      }
    }
    dot = _mm256_madd_epi16(a16, ones);
    if (split) dot = _mm256_add_epi32(dot, _mm256_madd_epi16(h16, sixteen));
  } else {
    dot = _mm256_setzero_si256();
    for (j = 0; j < nq4; ++j) {
      const __m256i wv = _mm256_loadu_si256((const __m256i *)(w + j * 32));
      int32_t v;
      memcpy(&v, qa + 4 * j, 4);
      dot = _mm256_add_epi32(dot, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi32(v), wv), ones));
      if (split) {
        memcpy(&v, qh + 4 * j, 4);
        dot = _mm256_add_epi32(dot, _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi32(v), wv), sixteen));
      }
    }
  }
  return _mm256_add_epi32(dot, corr);
}

/* qg_x86_seg_dot with AVX512-VNNI (EVEX, 256-bit vectors): vpdpbusd sums
 * the 4 products of 4 codes (u8, any bit width, no split) with the weight
 * codes minus 128 (s8) into each int32 lane, exactly. Only in functions
 * compiled for QG_X86_VNNI (templates/conv2d_lqp_x86.c, QG_VNNI). */
#define QG_X86_VNNI __attribute__((target("avx2,avx512f,avx512vl,avx512vnni")))
QG_X86_VNNI static inline __attribute__((always_inline, unused)) __m256i qg_x86_seg_dot_vnni(const uint8_t *qa, const int8_t *w, long nq4,
                                                                                           __m256i corr) {
  __m256i d0 = corr, d1 = _mm256_setzero_si256();
  long j;
#pragma GCC unroll 16
  for (j = 0; j + 1 < nq4; j += 2) {
    int32_t v0, v1;
    memcpy(&v0, qa + 4 * j, 4);
    memcpy(&v1, qa + 4 * j + 4, 4);
    d0 = _mm256_dpbusd_epi32(d0, _mm256_set1_epi32(v0), _mm256_loadu_si256((const __m256i *)(w + j * 32)));
    d1 = _mm256_dpbusd_epi32(d1, _mm256_set1_epi32(v1), _mm256_loadu_si256((const __m256i *)(w + j * 32 + 32)));
  }
  if (j < nq4) {
    int32_t v0;
    memcpy(&v0, qa + 4 * j, 4);
    d0 = _mm256_dpbusd_epi32(d0, _mm256_set1_epi32(v0), _mm256_loadu_si256((const __m256i *)(w + j * 32)));
  }
  return _mm256_add_epi32(d0, d1);
}

/* qg_lq_part for 8 channels: lo * e + s * (b * sq + d * spq), one IEEE
 * operation per lane in that order (no FMA). */
QG_X86_AVX2 static inline __attribute__((always_inline, unused)) __m256 qg_x86_part(__m256 lo, __m256 s, __m256 sq, __m256i spq, const float *e,
                                                                                  const float *b, const float *d) {
  return _mm256_add_ps(_mm256_mul_ps(lo, _mm256_loadu_ps(e)),
                       _mm256_mul_ps(s, _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(b), sq), _mm256_mul_ps(_mm256_loadu_ps(d), _mm256_cvtepi32_ps(spq)))));
}

/* qg_x86_part when the region's lo is ±0 (most regions after a ReLU: their
 * minimum is the clamped 0): s * (b * sq + d * spq), without lo * e. The same
 * addend for acc = acc + part: lo * e is ±0 (e finite), ±0 + X = X for
 * X != 0, and for X = ±0 both forms give a signed zero, which leaves acc
 * unchanged (acc starts at +0 and is never -0; docs/quantization.md §11). */
QG_X86_AVX2 static inline __attribute__((always_inline, unused)) __m256 qg_x86_part_lo0(__m256 s, __m256 sq, __m256i spq, const float *b,
                                                                                      const float *d) {
  return _mm256_mul_ps(s, _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(b), sq), _mm256_mul_ps(_mm256_loadu_ps(d), _mm256_cvtepi32_ps(spq))));
}

/* The bias, then the activation (act 1: relu, 2: relu6): vmaxps / vminps
 * give exactly qg_lq_finish's a > 0 ? a : 0 and a < 6 ? a : 6. */
QG_X86_AVX2 static inline __attribute__((always_inline, unused)) __m256 qg_x86_finish(__m256 acc, const float *bias, int act) {
  __m256 v = _mm256_add_ps(acc, _mm256_loadu_ps(bias));
  if (act >= 1) v = _mm256_max_ps(v, _mm256_setzero_ps());
  if (act == 2) v = _mm256_min_ps(v, _mm256_set1_ps(6.0f));
  return v;
}

/* Codes [0, n) of a packed tensor (cb = 8, 4, 2 or 1 bits) as bytes q[0, n);
 * with split (8-bit codes): q gets the low nibbles, qh the high ones. */
QG_X86_AVX2 QG_INLINE void qg_x86_unpack(const uint8_t *codes, long n, int cb, int split, uint8_t *q, uint8_t *qh) {
  long j = 0;
  const __m128i m4 = _mm_set1_epi8(0x0f), m2 = _mm_set1_epi8(0x03);
  if (cb == 8) {
    if (!split) {
      memcpy(q, codes, (size_t)n);
      return;
    }
    for (; j + 16 <= n; j += 16) {
      const __m128i b = _mm_loadu_si128((const __m128i *)(codes + j));
      _mm_storeu_si128((__m128i *)(q + j), _mm_and_si128(b, m4));
      _mm_storeu_si128((__m128i *)(qh + j), _mm_and_si128(_mm_srli_epi16(b, 4), m4));
    }
    for (; j < n; ++j) {
      q[j] = (uint8_t)(codes[j] & 15u);
      qh[j] = (uint8_t)(codes[j] >> 4);
    }
    return;
  }
  if (cb == 4) {
    for (; j + 32 <= n; j += 32) { /* value 2i: low nibble of byte i, 2i+1: high nibble */
      const __m128i b = _mm_loadu_si128((const __m128i *)(codes + j / 2));
      const __m128i lo = _mm_and_si128(b, m4), hi = _mm_and_si128(_mm_srli_epi16(b, 4), m4);
      _mm_storeu_si128((__m128i *)(q + j), _mm_unpacklo_epi8(lo, hi));
      _mm_storeu_si128((__m128i *)(q + j + 16), _mm_unpackhi_epi8(lo, hi));
    }
  } else if (cb == 2) {
    for (; j + 64 <= n; j += 64) { /* value 4i + k: bits 2k of byte i */
      const __m128i b = _mm_loadu_si128((const __m128i *)(codes + j / 4));
      const __m128i c0 = _mm_and_si128(b, m2), c1 = _mm_and_si128(_mm_srli_epi16(b, 2), m2);
      const __m128i c2 = _mm_and_si128(_mm_srli_epi16(b, 4), m2), c3 = _mm_and_si128(_mm_srli_epi16(b, 6), m2);
      const __m128i l01 = _mm_unpacklo_epi8(c0, c1), h01 = _mm_unpackhi_epi8(c0, c1);
      const __m128i l23 = _mm_unpacklo_epi8(c2, c3), h23 = _mm_unpackhi_epi8(c2, c3);
      _mm_storeu_si128((__m128i *)(q + j), _mm_unpacklo_epi16(l01, l23));
      _mm_storeu_si128((__m128i *)(q + j + 16), _mm_unpackhi_epi16(l01, l23));
      _mm_storeu_si128((__m128i *)(q + j + 32), _mm_unpacklo_epi16(h01, h23));
      _mm_storeu_si128((__m128i *)(q + j + 48), _mm_unpackhi_epi16(h01, h23));
    }
  }
  {
    const unsigned mask = (1u << cb) - 1u;
    for (; j < n; ++j) {
      const unsigned long bit = (unsigned long)j * (unsigned)cb;
      q[j] = (uint8_t)((codes[bit >> 3] >> (bit & 7u)) & mask);
    }
  }
}

#endif /* QG_LQ_X86_H */
