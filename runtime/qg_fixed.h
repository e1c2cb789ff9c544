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

#endif /* QG_FIXED_H */
