/* qg_lqi.h - integer-only LQ ("scheme": "lq_int", docs/quantization.md §12),
 * shared by the interpreter (interp/kernels_lqi.cpp) and the emitted kernel
 * (templates/conv2d_lqi.c). Every run-time step after the grid value is an
 * integer operation; the grid value of a float input is its only float step. */
#ifndef QG_LQI_H
#define QG_LQI_H

#include "qg_common.h"
#include "qg_lqp.h"

/* Grid value of x on the per-tensor step S: round half away from zero of
 * t = x / S (one IEEE division), clamped to int16; NaN gives 0. t - trunc(t)
 * is exact for |t| < 2^15, so there is no double rounding. */
QG_INLINE int32_t qg_lqi_grid(float x, float S) {
  const float t = x / S;
  int32_t i;
  float d;
  if (!(t == t)) return 0;
  if (t >= 32767.0f) return 32767;
  if (t <= -32768.0f) return -32768;
  i = (int32_t)t;
  d = t - (float)i;
  if (d >= 0.5f) ++i;
  else if (d <= -0.5f) --i;
  return i;
}

/* Region of n grid values: lo = min, and the step d (in grid steps, the real
 * step is S * d): the smallest d = k * 2^x (k <= 15, x <= 15: one byte of
 * storage) with L * d >= max - min, i.e. within 1/8 above the exact
 * ceil((max - min) / L) (equal to it when that is at most 15). */
QG_INLINE void qg_lqi_region(const int16_t* g, long n, int L, int32_t* lo, int32_t* d) {
  int32_t mn = g[0], mx = g[0], t, x = 0;
  long i;
  for (i = 1; i < n; ++i) {
    mn = g[i] < mn ? g[i] : mn;
    mx = g[i] > mx ? g[i] : mx;
  }
  t = (mx - mn + L - 1) / L; /* ceil(range / L) */
  if (t < 1) t = 1;
  while (((t + (1 << x) - 1) >> x) > 15) ++x;
  *lo = mn;
  *d = ((t + (1 << x) - 1) >> x) << x;
}

/* Code of grid value g in a region (lo, d): round half up of (g - lo) / d by
 * an exact integer division, at most L. */
QG_INLINE int32_t qg_lqi_code(int32_t g, int32_t lo, int32_t d, int32_t L) {
  const int32_t q = (int32_t)((uint32_t)(2 * (g - lo) + d) / (uint32_t)(2 * d));
  return q < L ? q : L;
}

/* LQ-packed lq_int tensors (ir::LqPacked with lqi, docs/quantization.md
 * §12 "Packed storage"): the codes as in qg_lqp.h (QG_LQP_CODE_BYTES), then
 * lo[NR] (int16), then one step byte per region: d = k * 2^x stored as
 * k | x << 4 (k <= 15, x <= 15: every step qg_lqi_region gives). */
QG_INLINE uint8_t qg_lqi_step_byte(int32_t d) {
  int32_t x = 0;
  while ((d >> x) > 15) ++x; /* d = k * 2^x', x <= x': d >> x is exact */
  return (uint8_t)((d >> x) | (x << 4));
}
QG_INLINE int32_t qg_lqi_step_of(uint8_t b) { return (int32_t)(b & 15u) << (b >> 4); }

/* Packs n grid values g[0, n) (n a multiple of R) as values [first,
 * first + n) of a packed lq_int tensor (first a multiple of R): per region of
 * R values qg_lqi_region and qg_lqi_code, exactly as a consumer's patch
 * would; q: R bytes of scratch for one region's codes. */
QG_INLINE void qg_lqi_pack(const int16_t *g, long n, long R, int cb, int L, long first, uint8_t *codes, int16_t *lo, uint8_t *dx,
                           uint8_t *q) {
  long r, j;
  for (r = 0; r < n; r += R) {
    int32_t l, d;
    qg_lqi_region(g + r, R, L, &l, &d);
    lo[(first + r) / R] = (int16_t)l;
    dx[(first + r) / R] = qg_lqi_step_byte(d);
    for (j = 0; j < R; ++j) q[j] = (uint8_t)qg_lqi_code(g[r + j], l, d, L);
    qg_lqp_put(q, R, cb, first + r, codes);
  }
}

/* The codes of values [first, first + n) of a packed lq_int tensor as bytes
 * q[0, n), and the (lo, d) of their n / R regions (first, n multiples of R). */
QG_INLINE void qg_lqi_gather(const uint8_t *codes, const int16_t *lo, const uint8_t *dx, long first, long n, long R, int cb, uint8_t *q,
                             int32_t *rlo, int32_t *rd) {
  long j;
  const long r0 = first / R;
  qg_lqp_codes(codes, first, n, cb, q);
  for (j = 0; j < n / R; ++j) {
    rlo[j] = lo[r0 + j];
    rd[j] = qg_lqi_step_of(dx[r0 + j]);
  }
}

/* One segment's share of the accumulator T (docs/quantization.md §12):
 * lo*E + (B*Σq + D*Σp·q) * d, all int64 (the compiler proves |T| < 2^62). */
QG_INLINE int64_t qg_lqi_part(int32_t lo, int32_t d, int32_t Em, int32_t Bm, int32_t Dm, int64_t sq, int64_t spq) {
  return (int64_t)lo * Em + ((int64_t)Bm * sq + (int64_t)Dm * spq) * d;
}

/* The same integer as qg_lqi_part when d·Σq and d·Σp·q fit int32 (the
 * compiler checks it for the largest step of the code range and the longest
 * segment: QG_LQI_D32 in templates/conv2d_lqi.c): three 32×32→64
 * multiply-adds instead of 64-bit products. */
QG_INLINE int64_t qg_lqi_part32(int32_t lo, int32_t d, int32_t Em, int32_t Bm, int32_t Dm, int32_t sq, int32_t spq) {
  return (int64_t)lo * Em + (int64_t)Bm * (d * sq) + (int64_t)Dm * (d * spq);
}

/* Output grid value of an output channel: T rounded (half up) down by 2^r
 * into int32 range (|T| < 2^(31+r) by the compile-time bound), times the
 * multiplier M < 2^31, rounded (half up) down by 2^N (1 <= N <= 62); then
 * clamped to +-2^30, the bias (output grid) added, and clamped to
 * [amin, amax] (the fused activation within int16). */
QG_INLINE int32_t qg_lqi_requant(int64_t T, int r, int32_t M, int N, int32_t bias, int32_t amin, int32_t amax) {
  /* |t| <= bound / 2^r + 1 < 2^31 - 1 (quant/lq_int.cpp chooses r so): for
   * 1 <= r <= 31 only the low word of (T + 2^(r-1)) >> r is needed, from the
   * two words of the sum; then a 32×32→64 product */
  int32_t t;
  int64_t p, v;
  if (r == 0) t = (int32_t)T;
  else if (r < 32) {
    const uint64_t u = (uint64_t)T + ((uint64_t)1 << (r - 1));
    t = (int32_t)(((uint32_t)u >> r) | ((uint32_t)(u >> 32) << (32 - r)));
  } else t = (int32_t)((T + ((int64_t)1 << (r - 1))) >> r);
  p = (int64_t)t * M; /* |p| < 2^62 */
  if (N >= 33) {
    /* the rounding term 2^(N-1) is a multiple of 2^32: floor((p + 2^(N-1)) /
     * 2^N) = (floor(p / 2^32) + 2^(N-33)) >> (N - 32), in 32 bits; its
     * magnitude is below 2^30 (so the clamp to +-2^30 below changes nothing)
     * and adding the bias (|bias| <= 2^30) stays within int32 */
    const int32_t w = ((((int32_t)(p >> 32)) + ((int32_t)1 << (N - 33))) >> (N - 32)) + bias;
    return w < amin ? amin : w > amax ? amax : w;
  }
  v = (p + ((int64_t)1 << (N - 1))) >> N;
  v = v > ((int64_t)1 << 30) ? ((int64_t)1 << 30) : v;
  v = v < -((int64_t)1 << 30) ? -((int64_t)1 << 30) : v;
  v += bias;
  v = v < amin ? amin : v;
  v = v > amax ? amax : v;
  return (int32_t)v;
}

#endif /* QG_LQI_H */
