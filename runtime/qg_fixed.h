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

#endif /* QG_FIXED_H */
