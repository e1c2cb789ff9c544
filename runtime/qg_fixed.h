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

/* ---- TFLite's 16x8 LOGISTIC and TANH (int16 codes, zero point 0) ----
 * One 256-entry table of sigmoid(i / 24) in unsigned 0.16 fixed point, the
 * values TFLite's reference kernels use (sigmoid_table_uint16): these are not
 * round(65536 * sigmoid(i / 24)) everywhere, so they are data, not computed.
 * tanh(x) = 2 * sigmoid(2x) - 1 reads the same table at twice the rate. */
QG_INLINE uint32_t qg_sigmoid_u16(uint32_t i) {
  static const uint16_t t[256] = {
      32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
      43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
      51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
      57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
      61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
      63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
      64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
      64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
      65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
      65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
      65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
      65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
      65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
      65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
      65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
      65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
  };
  return t[i];
}

/* The input code rescaled to 1/(3 * 4096) units (+-2^17 = +-10.7): (m, s)
 * from quant::lower_int8 (a power-of-two input scale gives m = 3 << k, s = 0). */
QG_INLINE int32_t qg_lut16_in(int16_t x, int32_t m, int s) {
  return ((int32_t)x * m + (s > 0 ? (int32_t)1 << (s - 1) : 0)) >> s;
}

/* LOGISTIC: |v| in steps of 2^9 between table entries, linear interpolation,
 * mirrored for v < 0, output scale 2^-15. */
QG_INLINE int16_t qg_logistic_i16(int16_t x, int32_t m, int s) {
  const int32_t v = qg_lut16_in(x, m, s);
  const uint32_t a = (uint32_t)(v < 0 ? -v : v), hi = a >> 9;
  uint32_t r;
  if (hi >= 255) {
    r = (uint32_t)0x7FFF << 10;
  } else {
    const uint32_t lo = qg_sigmoid_u16(hi);
    r = (lo << 9) + (a & 0x1FFu) * (qg_sigmoid_u16(hi + 1) - lo);
  }
  r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
  return (int16_t)(r >> 10);
}

/* TANH: steps of 2^8 (sigmoid at 2x), centred, output scale 2^-15. */
QG_INLINE int16_t qg_tanh_i16(int16_t x, int32_t m, int s) {
  const int32_t v = qg_lut16_in(x, m, s);
  const uint32_t a = (uint32_t)(v < 0 ? -v : v), hi = a >> 8;
  int32_t r;
  if (hi >= 255) {
    r = (int32_t)0xFFFF << 8;
  } else {
    const uint32_t lo = qg_sigmoid_u16(hi);
    r = (int32_t)((lo << 8) + (a & 0xFFu) * (qg_sigmoid_u16(hi + 1) - lo));
  }
  r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return (int16_t)(r >> 8);
}

/* ---- TFLite's 16x8 SOFTMAX ----
 * A 513-entry int16 table over [-32768, 32767] read with linear
 * interpolation (TFLite's int16 LUT lookup): entry 256 + (v >> 7), the next
 * one for the slope, 7 fraction bits rounded half up. */
QG_INLINE int16_t qg_lut16(int16_t v, const int16_t *lut) {
  const int32_t i = 256 + (v >> 7), off = v & 0x7F;
  const int16_t base = lut[i], slope = (int16_t)(lut[i + 1] - lut[i]);
  return (int16_t)(base + ((slope * off + 64) >> 7));
}

#endif /* QG_FIXED_H */
