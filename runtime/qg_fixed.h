/* qg_fixed.h - TFLite integer-only requantization (conv2d_i8.c, add_i8.c, the
 * DSP output stage), shared by the interpreter and the emitted code. */
#ifndef QG_FIXED_H
#define QG_FIXED_H

#include "qg_common.h"

/* ---- Integer-only (TFLite int8) fixed-point arithmetic ----
 * Exactly TFLite's reference rounding (gemmlowp): a saturating rounding
 * doubling high multiply, then a rounding divide by a power of two
 * (round half away from zero). See docs/integer-only.md. */
QG_INLINE int32_t qg_srdhm(int32_t a, int32_t b) {
  int64_t ab, nudge;
  if (a == b && a == INT32_MIN) return INT32_MAX;
  ab = (int64_t)a * (int64_t)b;
  nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

QG_INLINE int32_t qg_rdbpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * multiplier * 2^shift, TFLite's MultiplyByQuantizedMultiplier. */
QG_INLINE int32_t qg_mbqm(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return qg_rdbpot(qg_srdhm((int32_t)((uint32_t)x << left), multiplier), right);
}

/* x * multiplier * 2^shift rounded once (half up): what TFLite's int8
 * FULLY_CONNECTED reference kernel computes (TFLITE_SINGLE_ROUNDING style). */
QG_INLINE int32_t qg_mbqm_single(int32_t x, int32_t multiplier, int shift) {
  const int total = 31 - shift;
  const int64_t r = (int64_t)x * (int64_t)multiplier + ((int64_t)1 << (total - 1));
  return (int32_t)(r >> total);
}

/* qg_mbqm for a non-negative multiplier (what quant::lower_int8 produces), in
 * fewer instructions: the gemmlowp nudge-and-truncate of qg_srdhm equals
 * floor((x*m + 2^30) / 2^31) for every x when m >= 0 (for a negative product
 * truncation toward zero of (p + 1 - 2^30) / 2^31 is floor((p + 2^30) / 2^31)),
 * and the rounding divide by 2^r is written as the same mask/threshold test.
 * Exactly equal to qg_mbqm(x, m, shift) for m in [0, 2^31). */
QG_INLINE int32_t qg_mbqm_fast(int32_t x, int32_t m, int shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  const int32_t h = (int32_t)(((int64_t)(int32_t)((uint32_t)x << left) * m + ((int64_t)1 << 30)) >> 31);
  const int32_t mask = (int32_t)((1u << right) - 1u);
  return (h >> right) + ((h & mask) > ((mask >> 1) + (h < 0 ? 1 : 0)) ? 1 : 0);
}

/* x * multiplier * 2^shift for a 64-bit x (|x| < 2^47): TFLite's int64
 * MultiplyByQuantizedMultiplier, used by its 16x8 conv / depthwise / fully
 * connected kernels: the multiplier rounded to 16 bits (saturating at
 * 0x7FFF), one rounding (half up) by 2^(15 - shift). */
QG_INLINE int32_t qg_mbqm64(int64_t x, int32_t multiplier, int shift) {
  const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
  const int total = 15 - shift;
  return (int32_t)((x * (int64_t)reduced + ((int64_t)1 << (total - 1))) >> total);
}

/* What TFLite's 16x8 FULLY_CONNECTED reference kernel computes (measured
 * against it, as for the int8 one: qg_mbqm_single): the int64 accumulator
 * times the full 31-bit multiplier, rounded once (half up) by 2^(31 - shift).
 * The product is formed modulo 2^64 as TFLite's int64 arithmetic wraps
 * (|x| >= 2^32 only); shift <= 30 (quant::quantize_multiplier). */
QG_INLINE int32_t qg_mbqm64_single(int64_t x, int32_t multiplier, int shift) {
  const int total = 31 - shift;
  const int64_t r = (int64_t)((uint64_t)x * (uint64_t)(int64_t)multiplier + ((uint64_t)1 << (total - 1)));
  return (int32_t)(r >> total);
}

/* ---- TFLite's int8 DIV (reference_ops::DivElementwise), float-free ----
 * Leading zero bits of x (32 for 0). */
QG_INLINE int qg_clz32(uint32_t x) {
  int n = 0;
  if (x == 0) return 32;
  while (!(x & 0x80000000u)) {
    x <<= 1;
    ++n;
  }
  return n;
}

/* gemmlowp's SaturatingRoundingMultiplyByPOT<e>, 0 < e < 31. */
QG_INLINE int32_t qg_sat_shl(int32_t x, int e) {
  const int32_t threshold = (int32_t)((1u << (31 - e)) - 1u);
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return (int32_t)((uint32_t)x << e);
}

/* TFLite's GetReciprocal(x, 31, &shift) for x >= 1: gemmlowp's
 * one_over_one_plus_x_for_x_in_0_1 (three Newton-Raphson steps in Q2.29). */
QG_INLINE int32_t qg_reciprocal(int32_t x, int *num_bits_over_unit) {
  const int headroom_plus_one = qg_clz32((uint32_t)x);
  const int32_t a = (int32_t)(((uint32_t)x << headroom_plus_one) - 0x80000000u);
  const int32_t half_den = (int32_t)(((int64_t)a + INT32_MAX + 1) / 2); /* RoundingHalfSum(a, One), a >= 0 */
  int32_t r = (int32_t)((uint32_t)1515870810 + (uint32_t)qg_srdhm(half_den, -1010580540)); /* 48/17 - 32/17 d */
  int i;
  for (i = 0; i < 3; ++i) {
    const int32_t one_minus = (int32_t)((uint32_t)(1 << 29) - (uint32_t)qg_srdhm(half_den, r));
    r = (int32_t)((uint32_t)r + (uint32_t)qg_sat_shl(qg_srdhm(r, one_minus), 2));
  }
  *num_bits_over_unit = 31 - headroom_plus_one;
  return qg_sat_shl(r, 1);
}

/* The unclamped int8 DIV result, before the output zero point: u = x1 - zp1,
 * v = x2 - zp2 (v != 0), (mo, so) = QuantizeMultiplier(s1 / (s2 * s_out)),
 * so <= 22 (the compiler checks it). A rounding divide by 2^e with e >= 32
 * gives 0 (|value| < 2^31, so the quotient is below one half). v == 0, where
 * TFLite's reference is undefined, gives +-127 * 256 (clamped by the caller)
 * or 0 for u == 0. */
QG_INLINE int32_t qg_div_i8(int32_t u, int32_t v, int32_t mo, int so) {
  int recip_shift, headroom, total;
  int32_t inv, q;
  if (v == 0) return u > 0 ? 32512 : u < 0 ? -32512 : 0;
  if (v < 0) {
    u = -u;
    v = -v;
  }
  inv = qg_reciprocal(v, &recip_shift);
  headroom = qg_clz32((uint32_t)(u ^ (u >> 31))) - 1; /* CountLeadingSignBits */
  q = qg_srdhm((int32_t)((uint32_t)u << headroom), inv);
  total = so - recip_shift - headroom;
  q = qg_srdhm(q, mo);
  return -total >= 32 ? 0 : qg_rdbpot(q, -total);
}

#endif /* QG_FIXED_H */
