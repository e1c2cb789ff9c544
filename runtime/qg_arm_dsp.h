/* qg_arm_dsp.h - Armv7E-M DSP extension primitives (single instructions with
 * the extension, the same integer arithmetic in C elsewhere), the output stage
 * of the DSP int8 kernels and their dot-product cores (conv2d_i8_smlad.c,
 * dwconv2d_i8_smlad.c; qg_dot_u8 for conv2d_lq.c on DSP targets). */
#ifndef QG_ARM_DSP_H
#define QG_ARM_DSP_H

#include "qg_common.h"
#include "qg_fixed.h"

/* ---- 16-bit SIMD primitives (Armv7E-M DSP extension) ----
 * On a core with the DSP extension these are single instructions (ACLE
 * intrinsics); elsewhere they are the same integer arithmetic in C, so a
 * kernel written with them gives identical results on every target (the
 * differential tests run them on the host as well as under QEMU). */
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define QG_HAVE_DSP 1
/* bytes 0 and 2 of x, sign-extended into two halfwords */
#define qg_sxtb16(x) ((uint32_t)__sxtb16((int32_t)(x)))
/* bytes 1 and 3 of x: one SXTB16 with its ROR #8 operand (GCC 12 does not
 * fold a separate rotate into the instruction) */
QG_INLINE uint32_t qg_sxtb16_ror8(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
/* (a * b + 2^31) >> 32: the rounded high word of the product */
QG_INLINE int32_t qg_smmulr(int32_t a, int32_t b) {
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
/* (a * b) >> 32: the high word of the product, truncated (floor) */
QG_INLINE int32_t qg_smmul(int32_t a, int32_t b) {
  int32_t r;
  __asm__("smmul %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
/* acc + qg_smmul(a, b) (mod 2^32): SMMLA adds acc to the high word */
QG_INLINE int32_t qg_smmla(int32_t a, int32_t b, int32_t acc) {
  int32_t r;
  __asm__("smmla %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
/* acc + qg_smmulr(a, b) (mod 2^32): SMMLAR adds acc to the high word */
QG_INLINE int32_t qg_smmlar(int32_t a, int32_t b, int32_t acc) {
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
/* bytes 0 and 2 / 1 and 3 of x, zero-extended into two halfwords */
#define qg_uxtb16(x) ((uint32_t)__uxtb16((int32_t)(x)))
QG_INLINE uint32_t qg_uxtb16_ror8(uint32_t x) {
  uint32_t r;
  __asm__("uxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
/* two independent 16-bit lane additions (modulo 2^16 each) */
#define qg_uadd16(a, b) ((uint32_t)__uadd16((a), (b)))
/* saturating x + y; x saturated to int8 */
#define qg_qadd(x, y) __qadd((x), (y))
#define qg_ssat8(x) __ssat((x), 8)
/* acc + lo(a)*lo(b) + hi(a)*hi(b) */
#define qg_smlad(a, b, acc) __smlad((int32_t)(a), (int32_t)(b), (acc))
/* acc + lo(a)*lo(b), acc + hi(a)*hi(b) */
#define qg_smlabb(a, b, acc) __smlabb((int32_t)(a), (int32_t)(b), (acc))
#define qg_smlatt(a, b, acc) __smlatt((int32_t)(a), (int32_t)(b), (acc))
#else
#define QG_HAVE_DSP 0
QG_INLINE uint32_t qg_sxtb16(uint32_t x) {
  const uint32_t lo = (uint32_t)(int32_t)(int8_t)(x & 0xffu) & 0xffffu;
  const uint32_t hi = (uint32_t)(int32_t)(int8_t)((x >> 16) & 0xffu) & 0xffffu;
  return lo | (hi << 16);
}
QG_INLINE uint32_t qg_sxtb16_ror8(uint32_t x) { return qg_sxtb16((x >> 8) | (x << 24)); }
QG_INLINE uint32_t qg_uxtb16(uint32_t x) { return x & 0x00ff00ffu; }
QG_INLINE uint32_t qg_uadd16(uint32_t a, uint32_t b) { return ((a + b) & 0xffffu) | (((a >> 16) + (b >> 16)) << 16); }
QG_INLINE uint32_t qg_uxtb16_ror8(uint32_t x) { return (x >> 8) & 0x00ff00ffu; }
QG_INLINE int32_t qg_lo16(uint32_t a) { return (int32_t)(int16_t)(a & 0xffffu); }
QG_INLINE int32_t qg_hi16(uint32_t a) { return (int32_t)(int16_t)(a >> 16); }
/* The products fit in int32 (|a|,|b| <= 2^15) and the sums wrap as the
 * instructions do (two's complement, computed in uint32_t). */
QG_INLINE int32_t qg_smlad(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(qg_lo16(a) * qg_lo16(b)) + (uint32_t)(qg_hi16(a) * qg_hi16(b)));
}
QG_INLINE int32_t qg_smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(qg_lo16(a) * qg_lo16(b)));
}
QG_INLINE int32_t qg_smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(qg_hi16(a) * qg_hi16(b)));
}
QG_INLINE int32_t qg_smmulr(int32_t a, int32_t b) { return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32); }
QG_INLINE int32_t qg_smmul(int32_t a, int32_t b) { return (int32_t)(((int64_t)a * b) >> 32); }
QG_INLINE int32_t qg_smmlar(int32_t a, int32_t b, int32_t acc) { return (int32_t)((uint32_t)acc + (uint32_t)qg_smmulr(a, b)); }
QG_INLINE int32_t qg_smmla(int32_t a, int32_t b, int32_t acc) { return (int32_t)((uint32_t)acc + (uint32_t)qg_smmul(a, b)); }
QG_INLINE int32_t qg_ssat8(int32_t x) { return x < -128 ? -128 : x > 127 ? 127 : x; }
QG_INLINE int32_t qg_qadd(int32_t x, int32_t y) {
  const int64_t s = (int64_t)x + (int64_t)y;
  return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
}
#endif

/* Four bytes from any address (one LDR on Cortex-M7, which allows unaligned
 * word loads), little-endian. */
QG_INLINE uint32_t qg_load4(const void *p) {
  const uint8_t *b = (const uint8_t *)p;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t v;
  __builtin_memcpy(&v, b, 4);
  return v;
#else
  return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
#endif
}

/* acc + a * b modulo 2^32, as SMLAD accumulates: the scalar tails of the DSP
 * kernels sum through this, never with a signed +=, so a sum beyond int32
 * (a hostile model: more than 2^17 taps, or a folded bias near 2^31) wraps
 * instead of being undefined behaviour; on valid models the value is the same.
 * a * b itself fits int32 (8-bit operands). Compiles to the same MLA. */
QG_INLINE int32_t qg_mac_wrap(int32_t acc, int32_t a, int32_t b) { return (int32_t)((uint32_t)acc + (uint32_t)(a * b)); }

/* The requantization of a DSP kernel when every output channel's shift is a
 * right shift r in [1, 23] and its multiplier is non-negative (the compiler
 * checks this and otherwise uses qg_mbqm_fast), in about a third of the
 * instructions: h = qg_srdhm(x, m) as in qg_mbqm_fast; the round-half-away
 * divide by 2^r is floor((h + half - [h < 0]) / 2^r) with half = 2^(r-1),
 * the sum saturating. Saturation only happens when h + half >= 2^31; then the
 * exact quotient is >= 2^(31-r) >= 256 and this one is 2^(31-r) - 1 >= 255:
 * after adding an output zero point >= -128 and clamping to int8, both are
 * the clamp's upper bound. So clamp(qg_rq_right(...) + zp) equals
 * clamp(qg_mbqm(...) + zp) for every input (tests/unit/test_int8.cpp). */
QG_INLINE int32_t qg_rq_right(int32_t x, int32_t m, int32_t r, int32_t half) {
  const int32_t h = (int32_t)(((int64_t)x * m + ((int64_t)1 << 30)) >> 31);
  return qg_qadd(h, half + (h >> 31)) >> r;
}
/* The same when |x| < 2^30 (the compiler proves it from the weights: |x| <=
 * 128 * sum|w| + |bias|): then (x*m + 2^30) >> 31 = (2x*m + 2^31) >> 32, one
 * SMMULR. */
QG_INLINE int32_t qg_rq_right_small(int32_t x, int32_t m, int32_t r, int32_t half) {
  const int32_t h = qg_smmulr(x * 2, m);
  return qg_qadd(h, half + (h >> 31)) >> r;
}

/* Output stage of the DSP int8 kernels (conv2d_i8_smlad.c, dwconv2d_i8_smlad.c):
 * x is the channel's sum of w*x_in, p its parameters; mode (a constant at
 * every call site):
 *   2  p = {2 * bias, multiplier, 2^(r-1) + zp * 2^r, r}, right shift r in
 *      [1, 23], |x + bias| < 2^30: qg_rq_right_small with the doubling of x
 *      + bias and the output zero point folded into the parameters (see
 *      below); zp is not read
 *   3  p = {2 * bias, multiplier, [r > 0] 2^(r-1) + zp * 2^r, r}, right
 *      shift r in [0, 23] (some channels 0: no rounding divide after the
 *      high-word multiply), |x + bias| < 2^30: mode 2 with the rounding
 *      term added only when r > 0 (see below); zp is not read
 *   4  p = {bias, multiplier, zp, s + 1}, left shift s >= 0, |x + bias| <
 *      2^(30 - s): qg_mbqm's pre-shift of the accumulator, SMMLAR((x + p[0])
 *      << p[3], m, zp) (see below); zp is not read
 *   1  p = {bias, multiplier, 2^(r-1), r}: qg_rq_right
 *  -2  p = {bias, multiplier, 2^(s-1) + zp * 2^s, s}, s = -1 - shift in
 *      [1, 23]: TFLite's fully-connected requantization (qg_mbqm_single,
 *      total shift t = 32 + s) as floor((SMMUL(x + bias, m) + p[2]) / 2^s),
 *      the output zero point folded in; zp is not read (see below)
 *   0  p = {bias, multiplier, shift, 0}: TFLite conv requantization, qg_mbqm_fast
 *  -1  p = {bias, multiplier, shift, 0}: TFLite fully-connected requantization,
 *      qg_mbqm_single
 * (bias: the input offset folded in), then + zero point, clamped to [lo, hi]
 * (one SSAT for the full int8 range).
 * Mode 2 exactly: 2x + 2 bias = 2 (x + bias) does not overflow (|x + bias| <
 * 2^30), so h = SMMULR(2x + p[0], m) is qg_rq_right_small's h, |h| < 2^30;
 * qg_rq_right_small's saturating add cannot saturate then, and adding zp * 2^r
 * before the floor division by 2^r adds exactly zp after it; the sum
 * h + p[2] + (h >> 31) stays below 2^30 + 2^22 + 2^30 < 2^31 in magnitude.
 * Two instructions fewer per output (the add of the bias and the doubling are
 * one ADD with a shifted operand; no add of the zero point). One more: h +
 * p[2] is one SMMLAR, and the rounding term [h < 0] is taken as [a < 0], a =
 * 2x + p[0] the multiplicand: with m >= 0 they differ only when a < 0 and
 * h = 0, where floor((p[2] - 1) / 2^r) = floor(p[2] / 2^r) = zp (r >= 1:
 * 2^(r-1) - 1 and 2^(r-1) both lie in [0, 2^r)).
 * Mode -2 exactly: qg_mbqm_single is floor((P + 2^(t-1)) / 2^t) with P = x*m
 * and t = 32 + s >= 33; 2^(t-1) = 2^(s-1) * 2^32, and floor(floor(a / 2^32)
 * / 2^s) = floor(a / 2^(32+s)), so it is floor((SMMUL(x, m) + 2^(s-1)) / 2^s);
 * adding zp * 2^s before the division adds exactly zp after it. |SMMUL| <=
 * 2^30, 2^(s-1) <= 2^22, |zp * 2^s| <= 2^30: the sum fits int32; the
 * SMMUL and the add are one SMMLA (p[2] as accumulator of the high word).
 * Modes 3 and 4 exactly: with shift s >= 0, qg_mbqm is qg_srdhm(y, m) with
 * y = (x + bias) * 2^s (no wrap: |y| < 2^30), and for m >= 0 qg_srdhm(y, m)
 * = floor((y m + 2^30) / 2^31) = floor((2y m + 2^31) / 2^32) = SMMULR(2y, m)
 * (qg_rq_right_small's identity); 2y = (x + bias) << (s + 1) fits int32.
 * |h| < 2^30, so h + zp (the SMMLAR's accumulator) does not wrap, and no
 * rounding divide follows. Mode 3's channels with s = 0 are this (2y = 2x +
 * 2 bias, p[2] = zp, shift 0: no rounding term); its channels with r >= 1
 * are mode 2's. Instead of mode 0's 64-bit product and mask test: about a
 * third of the instructions. */
QG_INLINE int32_t qg_dsp_requant(int32_t x, const int32_t *p, int mode, int32_t zp, int32_t lo, int32_t hi) {
  int32_t v;
  if (mode == 2) {
    const int32_t a = (int32_t)(((uint32_t)x << 1) + (uint32_t)p[0]);
    v = (qg_smmlar(a, p[1], p[2]) + (a >> 31)) >> p[3];
  } else if (mode == -2) {
    v = qg_smmla((int32_t)((uint32_t)x + (uint32_t)p[0]), p[1], p[2]) >> p[3];
  } else {
    x = (int32_t)((uint32_t)x + (uint32_t)p[0]); /* int32 sums wrap, as in TFLite (no UB) */
    if (mode == 1)
      v = qg_rq_right(x, p[1], p[3], p[2]);
    else if (mode == 0)
      v = qg_mbqm_fast(x, p[1], (int)p[2]);
    else
      v = qg_mbqm_single(x, p[1], (int)p[2]);
    v = (int32_t)((uint32_t)v + (uint32_t)zp);
  }
  if (lo == -128 && hi == 127) return qg_ssat8(v);
  return v < lo ? lo : v > hi ? hi : v;
}
/* Modes 3 and 4 (above), a function of their own rather than two more
 * branches of qg_dsp_requant: with them there, GCC compiled the other
 * modes' layers differently (its estimates count the dead branches; KWS
 * +8 B flash, +2,079 instructions). Call both through QG_DSP_REQUANT. */
QG_INLINE int32_t qg_dsp_requant34(int32_t x, const int32_t *p, int mode, int32_t lo, int32_t hi) {
  int32_t v;
  if (mode == 3) {
    const int32_t a = (int32_t)(((uint32_t)x << 1) + (uint32_t)p[0]);
    v = qg_smmlar(a, p[1], p[2]);
    if (p[3] != 0) v = (int32_t)((uint32_t)v + (uint32_t)(a >> 31));
    v >>= p[3];
  } else {
    v = qg_smmlar((int32_t)(((uint32_t)x + (uint32_t)p[0]) << p[3]), p[1], p[2]);
  }
  if (lo == -128 && hi == 127) return qg_ssat8(v);
  return v < lo ? lo : v > hi ? hi : v;
}
/* The output stage of every mode (a constant at the templates' call sites). */
#define QG_DSP_REQUANT(x, p, mode, zp, lo, hi) \
  ((mode) == 3 || (mode) == 4 ? qg_dsp_requant34((x), (p), (mode), (lo), (hi)) : qg_dsp_requant((x), (p), (mode), (zp), (lo), (hi)))

/* Sum of n unsigned 8-bit codes (conv2d_lqp.c: Σq of a segment): one
 * USADA8 (sum of absolute differences against 0) per four codes on
 * Armv7E-M, the same sum in C elsewhere; n < 2^24. */
QG_INLINE int32_t qg_sum_u8(const uint8_t *a, long n) {
  uint32_t acc = 0;
  long i;
  for (i = 0; i + 4 <= n; i += 4) {
#if QG_HAVE_DSP
    acc = __usada8(qg_load4(a + i), 0u, acc);
#else
    acc += (uint32_t)a[i] + a[i + 1] + a[i + 2] + a[i + 3];
#endif
  }
  for (; i < n; ++i) acc += a[i];
  return (int32_t)acc;
}

/* Sum of a[i] * b[i] over n unsigned 8-bit codes (LQ kernels on DSP
 * targets: UXTB16 + SMLAD, 4 codes per step). Exact whenever the int32 sum
 * does not overflow (the compiler proves it, or uses 64-bit accumulators and
 * not this function); every partial sum is non-negative and at most the total. */
QG_HOT int32_t qg_dot_u8(const uint8_t *a, const uint8_t *b, long n) {
  int32_t acc = 0;
  for (; n >= 4; n -= 4) {
    const uint32_t va = qg_load4(a), vb = qg_load4(b);
    acc = qg_smlad(qg_uxtb16(va), qg_uxtb16(vb), acc);
    acc = qg_smlad(qg_uxtb16_ror8(va), qg_uxtb16_ror8(vb), acc);
    a += 4;
    b += 4;
  }
  for (; n > 0; --n) acc = qg_mac_wrap(acc, *a++, *b++);
  return acc;
}

/* Four dot products of n unsigned 8-bit codes: rows a, a + as, a + 2as and
 * a + 3as against b (LQ kernels: four output channels per pass over a
 * patch's codes, each code word loaded and unpacked once); acc[k] += row k . b.
 * Exact under the conditions of qg_dot_u8. Inline, so that a constant stride
 * becomes immediate load offsets. */
QG_INLINE void qg_dot4_u8(const uint8_t *a, long as, const uint8_t *b, long n, int32_t *acc) {
  int32_t s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3];
  for (; n >= 4; n -= 4) {
    const uint32_t vb = qg_load4(b), b0 = qg_uxtb16(vb), b1 = qg_uxtb16_ror8(vb);
    uint32_t va = qg_load4(a);
    s0 = qg_smlad(qg_uxtb16(va), b0, s0);
    s0 = qg_smlad(qg_uxtb16_ror8(va), b1, s0);
    va = qg_load4(a + as);
    s1 = qg_smlad(qg_uxtb16(va), b0, s1);
    s1 = qg_smlad(qg_uxtb16_ror8(va), b1, s1);
    va = qg_load4(a + 2 * as);
    s2 = qg_smlad(qg_uxtb16(va), b0, s2);
    s2 = qg_smlad(qg_uxtb16_ror8(va), b1, s2);
    va = qg_load4(a + 3 * as);
    s3 = qg_smlad(qg_uxtb16(va), b0, s3);
    s3 = qg_smlad(qg_uxtb16_ror8(va), b1, s3);
    a += 4;
    b += 4;
  }
  for (; n > 0; --n) {
    const int32_t v = *b++;
    s0 = qg_mac_wrap(s0, a[0], v);
    s1 = qg_mac_wrap(s1, a[as], v);
    s2 = qg_mac_wrap(s2, a[2 * as], v);
    s3 = qg_mac_wrap(s3, a[3 * as], v);
    ++a;
  }
  acc[0] = s0;
  acc[1] = s1;
  acc[2] = s2;
  acc[3] = s3;
}

/* Two rows of a (a, a + as) times two code vectors b0, b1 over n codes:
 * acc[0] += a.b0, acc[1] += (a+as).b0, acc[2] += a.b1, acc[3] += (a+as).b1
 * (LQ kernels: two output positions times two output channels per pass, each
 * loaded word unpacked once and used twice). Exact under the conditions of
 * qg_dot_u8. */
QG_INLINE void qg_dot2x2_u8(const uint8_t *a, long as, const uint8_t *b0, const uint8_t *b1, long n, int32_t *acc) {
  int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3];
  for (; n >= 4; n -= 4) {
    const uint32_t va = qg_load4(a), vc = qg_load4(a + as);
    const uint32_t a0 = qg_uxtb16(va), a1 = qg_uxtb16_ror8(va), c0 = qg_uxtb16(vc), c1 = qg_uxtb16_ror8(vc);
    uint32_t vb = qg_load4(b0), h0 = qg_uxtb16(vb), h1 = qg_uxtb16_ror8(vb);
    s00 = qg_smlad(a0, h0, s00);
    s00 = qg_smlad(a1, h1, s00);
    s01 = qg_smlad(c0, h0, s01);
    s01 = qg_smlad(c1, h1, s01);
    vb = qg_load4(b1);
    h0 = qg_uxtb16(vb);
    h1 = qg_uxtb16_ror8(vb);
    s10 = qg_smlad(a0, h0, s10);
    s10 = qg_smlad(a1, h1, s10);
    s11 = qg_smlad(c0, h0, s11);
    s11 = qg_smlad(c1, h1, s11);
    a += 4;
    b0 += 4;
    b1 += 4;
  }
  for (; n > 0; --n) {
    const int32_t x0 = *b0++, x1 = *b1++, w0 = a[0], w1 = a[as];
    s00 = qg_mac_wrap(s00, w0, x0);
    s01 = qg_mac_wrap(s01, w1, x0);
    s10 = qg_mac_wrap(s10, w0, x1);
    s11 = qg_mac_wrap(s11, w1, x1);
    ++a;
  }
  acc[0] = s00;
  acc[1] = s01;
  acc[2] = s10;
  acc[3] = s11;
}

/* ---- Dot-product cores of the DSP matrix kernels (conv2d_i8_smlad.c) ----
 * Two columns (x, x + XS) times two weight rows (w, w + WS) over n steps:
 * acc[0] = x.w0, acc[1] = x.w1, acc[2] = (x+XS).w0, acc[3] = (x+XS).w1.
 * Each loaded word is used twice. Columns are int8; weight rows are int8
 * (4 per step), packed 4-bit (8 per step, sums x16) or packed 2-bit (16 per
 * step, sums x64); the packing order is documented in conv2d_i8_smlad.c.
 * The bodies are macros so that a kernel can instantiate them with constant
 * strides (immediate offsets: fewer live registers); the qg_dot2x2_* functions
 * are the same loops with strides given at run time (tails). */

/* Weight halfword pairs (e0: bytes 0,2; e1: bytes 1,3) of rows a and b
 * against one column word of each pixel. */
#define QG_DOT2X2_PAIRS(ea0, ea1, eb0, eb1, xp, XS)   \
  do {                                                \
    const uint32_t qg_v0 = qg_load4(xp);              \
    const uint32_t qg_v1 = qg_load4((xp) + (XS));     \
    uint32_t qg_t = qg_sxtb16(qg_v0);                 \
    a00 = qg_smlad(qg_t, (ea0), a00);                 \
    a01 = qg_smlad(qg_t, (eb0), a01);                 \
    qg_t = qg_sxtb16_ror8(qg_v0);                     \
    a00 = qg_smlad(qg_t, (ea1), a00);                 \
    a01 = qg_smlad(qg_t, (eb1), a01);                 \
    qg_t = qg_sxtb16(qg_v1);                          \
    a10 = qg_smlad(qg_t, (ea0), a10);                 \
    a11 = qg_smlad(qg_t, (eb0), a11);                 \
    qg_t = qg_sxtb16_ror8(qg_v1);                     \
    a10 = qg_smlad(qg_t, (ea1), a10);                 \
    a11 = qg_smlad(qg_t, (eb1), a11);                 \
  } while (0)
#define QG_DOT2X2_MASKED(ma, mb, xp, XS) \
  QG_DOT2X2_PAIRS(qg_sxtb16(ma), qg_sxtb16_ror8(ma), qg_sxtb16(mb), qg_sxtb16_ror8(mb), xp, XS)

/* Loop bodies: variables x, w, n (steps), acc (out). */
#define QG_DOT2X2_W8_BODY(XS, WS)                                                   \
  int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;                                       \
  _Pragma("GCC unroll 2") for (; n > 0; --n) {                                      \
    const uint32_t qg_wa = qg_load4(w), qg_wb = qg_load4(w + (WS));                 \
    QG_DOT2X2_PAIRS(qg_sxtb16(qg_wa), qg_sxtb16_ror8(qg_wa), qg_sxtb16(qg_wb),      \
                    qg_sxtb16_ror8(qg_wb), x, XS);                                  \
    x += 4;                                                                         \
    w += 4;                                                                         \
  }                                                                                 \
  acc[0] = a00;                                                                     \
  acc[1] = a01;                                                                     \
  acc[2] = a10;                                                                     \
  acc[3] = a11
/* The same for an even n, two steps per iteration written out (no run-time
 * check for an odd count: less code than the unroll pragma). */
#define QG_DOT2X2_W8_BODY_EVEN(XS, WS)                                              \
  int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;                                       \
  for (n /= 2; n > 0; --n) {                                                        \
    uint32_t qg_wa = qg_load4(w), qg_wb = qg_load4(w + (WS));                       \
    QG_DOT2X2_PAIRS(qg_sxtb16(qg_wa), qg_sxtb16_ror8(qg_wa), qg_sxtb16(qg_wb),      \
                    qg_sxtb16_ror8(qg_wb), x, XS);                                  \
    qg_wa = qg_load4(w + 4);                                                        \
    qg_wb = qg_load4(w + 4 + (WS));                                                 \
    QG_DOT2X2_PAIRS(qg_sxtb16(qg_wa), qg_sxtb16_ror8(qg_wa), qg_sxtb16(qg_wb),      \
                    qg_sxtb16_ror8(qg_wb), x + 4, XS);                              \
    x += 8;                                                                         \
    w += 8;                                                                         \
  }                                                                                 \
  acc[0] = a00;                                                                     \
  acc[1] = a01;                                                                     \
  acc[2] = a10;                                                                     \
  acc[3] = a11
#define QG_DOT2X2_W4_BODY(XS, WS)                                                   \
  int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;                                       \
  for (; n > 0; --n) {                                                              \
    const uint32_t qg_wa = qg_load4(w), qg_wb = qg_load4(w + (WS));                 \
    QG_DOT2X2_MASKED((qg_wa << 4) & 0xF0F0F0F0u, (qg_wb << 4) & 0xF0F0F0F0u, x, XS); \
    QG_DOT2X2_MASKED(qg_wa & 0xF0F0F0F0u, qg_wb & 0xF0F0F0F0u, x + 4, XS);          \
    x += 8;                                                                         \
    w += 4;                                                                         \
  }                                                                                 \
  acc[0] = a00;                                                                     \
  acc[1] = a01;                                                                     \
  acc[2] = a10;                                                                     \
  acc[3] = a11
#define QG_DOT2X2_W2_BODY(XS, WS)                                                   \
  int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;                                       \
  for (; n > 0; --n) {                                                              \
    const uint32_t qg_wa = qg_load4(w), qg_wb = qg_load4(w + (WS));                 \
    QG_DOT2X2_MASKED((qg_wa << 6) & 0xC0C0C0C0u, (qg_wb << 6) & 0xC0C0C0C0u, x, XS); \
    QG_DOT2X2_MASKED((qg_wa << 4) & 0xC0C0C0C0u, (qg_wb << 4) & 0xC0C0C0C0u, x + 4, XS); \
    QG_DOT2X2_MASKED((qg_wa << 2) & 0xC0C0C0C0u, (qg_wb << 2) & 0xC0C0C0C0u, x + 8, XS); \
    QG_DOT2X2_MASKED(qg_wa & 0xC0C0C0C0u, qg_wb & 0xC0C0C0C0u, x + 12, XS);         \
    x += 16;                                                                        \
    w += 4;                                                                         \
  }                                                                                 \
  acc[0] = a00;                                                                     \
  acc[1] = a01;                                                                     \
  acc[2] = a10;                                                                     \
  acc[3] = a11

/* One column against four int8 weight rows (w, w + WS, w + 2 WS, w + 3 WS):
 * acc[r] = x.w_r over n steps of 4 (single-pixel layers: dense). */
#define QG_DOT1X4_W8_BODY(WS)                                             \
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;                                 \
  for (; n > 0; --n) {                                                    \
    const uint32_t qg_v = qg_load4(x);                                    \
    const uint32_t qg_x0 = qg_sxtb16(qg_v), qg_x1 = qg_sxtb16_ror8(qg_v); \
    uint32_t qg_w = qg_load4(w);                                          \
    a0 = qg_smlad(qg_x0, qg_sxtb16(qg_w), a0);                            \
    a0 = qg_smlad(qg_x1, qg_sxtb16_ror8(qg_w), a0);                       \
    qg_w = qg_load4(w + (WS));                                            \
    a1 = qg_smlad(qg_x0, qg_sxtb16(qg_w), a1);                            \
    a1 = qg_smlad(qg_x1, qg_sxtb16_ror8(qg_w), a1);                       \
    qg_w = qg_load4(w + 2 * (WS));                                        \
    a2 = qg_smlad(qg_x0, qg_sxtb16(qg_w), a2);                            \
    a2 = qg_smlad(qg_x1, qg_sxtb16_ror8(qg_w), a2);                       \
    qg_w = qg_load4(w + 3 * (WS));                                        \
    a3 = qg_smlad(qg_x0, qg_sxtb16(qg_w), a3);                            \
    a3 = qg_smlad(qg_x1, qg_sxtb16_ror8(qg_w), a3);                       \
    x += 4;                                                               \
    w += 4;                                                               \
  }                                                                       \
  acc[0] = a0;                                                            \
  acc[1] = a1;                                                            \
  acc[2] = a2;                                                            \
  acc[3] = a3

/* ---- Pair-packed int8 rows (conv2d_i8_smlad.c, QG_HILO) ----
 * Two weight rows r (even) and s (odd) share each halfword: byte 0 of a
 * halfword is w_r[k], byte 1 is w_s[k] - [w_r[k] < 0], so that the halfword
 * read as int16 is exactly w_r[k] + 256 * w_s[k] (the compiler checks that
 * the stored byte fits: no w_s[k] == -128 where w_r[k] < 0). Per group of
 * four inputs x0..x3 a pair holds word A = (k0, k2) and word B = (k1, k3),
 * matched with SXTB16 (x0, x2) and SXTB16-ROR8 (x1, x3) of the input word.
 * Per word one SMLAD on the raw word sums S_r + 256 S_s and one on its
 * SXTB16 (w_r's bytes) sums S_r: four MACs for a load, one SXTB16 and two
 * SMLAD, no unpacking of w_s. Then S_s = (R - L) >> 8, exact when
 * -2^23 <= S_s < 2^23: the compiler checks 128 * sum_k |w_s[k]| < 2^23 for
 * every odd row (int8 inputs, |x| <= 128); both sums wrap mod 2^32 and only
 * their difference is used. */
#define QG_HL_PAIR(xe, xo, wp, R, L)    \
  do {                                  \
    uint32_t qg_t = qg_load4(wp);       \
    R = qg_smlad((xe), qg_t, R);        \
    qg_t = qg_sxtb16(qg_t);             \
    L = qg_smlad((xe), qg_t, L);        \
    qg_t = qg_load4((wp) + 4);          \
    R = qg_smlad((xo), qg_t, R);        \
    qg_t = qg_sxtb16(qg_t);             \
    L = qg_smlad((xo), qg_t, L);        \
  } while (0)
#define QG_HL_HI(R, L) ((int32_t)((uint32_t)(R) - (uint32_t)(L)) >> 8)
/* A compiler barrier: keeps GCC from hoisting every weight load of
 * qg_dot_hl4 to the top of its loop (that spills pointers). */
#if defined(__GNUC__)
#define QG_BARRIER() __asm__ volatile("" ::: "memory")
#else
#define QG_BARRIER() ((void)0)
#endif
/* Four pairs (eight rows) over n groups of four inputs, the pairs'
 * words interleaved: group g at w + 32 g holds pair j's words A, B at
 * 8 j, 8 j + 4. acc[2j] = x.w_(2j), acc[2j+1] = x.w_(2j+1). Per group
 * 3 + 4 * 8 instructions for 32 MACs (and the loop's). */
#if QG_HAVE_DSP && defined(__GNUC__) && defined(__thumb2__)
/* qg_dot_hl4's loop in assembly, 38 instructions per group instead of GCC's
 * 39 (GCC needs a fourteenth register and keeps the end pointer on the
 * stack): the even halves (xe) of the input against every pair's word A,
 * then the input word is loaded again for the odd halves (xo) against the
 * words B, so one register holds xe or xo and two temporaries let each
 * weight load be issued an instruction before its use. */
#define QG_HL4_ASM 1
#else
#define QG_HL4_ASM 0
#endif
QG_HOT void qg_dot_hl4(const int8_t *x, const uint8_t *w, long n, int32_t *acc) {
  int32_t r0 = 0, l0 = 0, r1 = 0, l1 = 0, r2 = 0, l2 = 0, r3 = 0, l3 = 0; /* (the assembly zeroes its own) */
#if QG_HL4_ASM
  if (n > 0) {
    /* The sums are zeroed here (UMULL of 0 by 0 zeroes two registers), and
     * the acc pointer is pushed for the loop, its register serving as the
     * second temporary: GCC would keep it in a stack frame of its own. */
    const int8_t *const end = x + 4 * n;
    uint32_t v, t;
    __asm__("mov %[r0], #0\n\t"
            "umull %[l0], %[r1], %[r0], %[r0]\n\t"
            "umull %[l1], %[r2], %[r0], %[r0]\n\t"
            "umull %[l2], %[r3], %[r0], %[r0]\n\t"
            "mov %[l3], %[r0]\n\t"
            "push {%[a]}\n\t"
            "1:\n\t"
            "ldr %[v], [%[x]], #4\n\t"
            "ldr %[t], [%[w]], #32\n\t"
            "sxtb16 %[v], %[v]\n\t"
            "ldr %[a], [%[w], #-24]\n\t"
            "smlad %[r0], %[v], %[t], %[r0]\n\t"
            "sxtb16 %[t], %[t]\n\t"
            "smlad %[r1], %[v], %[a], %[r1]\n\t"
            "sxtb16 %[a], %[a]\n\t"
            "smlad %[l0], %[v], %[t], %[l0]\n\t"
            "ldr %[t], [%[w], #-16]\n\t"
            "smlad %[l1], %[v], %[a], %[l1]\n\t"
            "ldr %[a], [%[w], #-8]\n\t"
            "smlad %[r2], %[v], %[t], %[r2]\n\t"
            "sxtb16 %[t], %[t]\n\t"
            "smlad %[r3], %[v], %[a], %[r3]\n\t"
            "sxtb16 %[a], %[a]\n\t"
            "smlad %[l2], %[v], %[t], %[l2]\n\t"
            "ldr %[t], [%[w], #-28]\n\t"
            "smlad %[l3], %[v], %[a], %[l3]\n\t"
            "ldr %[v], [%[x], #-4]\n\t"
            "ldr %[a], [%[w], #-20]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad %[r0], %[v], %[t], %[r0]\n\t"
            "sxtb16 %[t], %[t]\n\t"
            "smlad %[r1], %[v], %[a], %[r1]\n\t"
            "sxtb16 %[a], %[a]\n\t"
            "smlad %[l0], %[v], %[t], %[l0]\n\t"
            "ldr %[t], [%[w], #-12]\n\t"
            "smlad %[l1], %[v], %[a], %[l1]\n\t"
            "ldr %[a], [%[w], #-4]\n\t"
            "smlad %[r2], %[v], %[t], %[r2]\n\t"
            "sxtb16 %[t], %[t]\n\t"
            "smlad %[r3], %[v], %[a], %[r3]\n\t"
            "sxtb16 %[a], %[a]\n\t"
            "smlad %[l2], %[v], %[t], %[l2]\n\t"
            "smlad %[l3], %[v], %[a], %[l3]\n\t"
            "cmp %[x], %[end]\n\t"
            "bne 1b\n\t"
            "pop {%[a]}\n\t"
            : [r0] "=&r"(r0), [l0] "=&r"(l0), [r1] "=&r"(r1), [l1] "=&r"(l1), [r2] "=&r"(r2), [l2] "=&r"(l2), [r3] "=&r"(r3),
              [l3] "=&r"(l3), [x] "+r"(x), [w] "+r"(w), [v] "=&r"(v), [t] "=&r"(t), [a] "+r"(acc)
            : [end] "r"(end)
            : "cc", "memory");
  }
#else
  for (; n > 0; --n) {
    const uint32_t v = qg_load4(x), xe = qg_sxtb16(v), xo = qg_sxtb16_ror8(v);
    QG_HL_PAIR(xe, xo, w, r0, l0);
    QG_BARRIER();
    QG_HL_PAIR(xe, xo, w + 8, r1, l1);
    QG_BARRIER();
    QG_HL_PAIR(xe, xo, w + 16, r2, l2);
    QG_BARRIER();
    QG_HL_PAIR(xe, xo, w + 24, r3, l3);
    x += 4;
    w += 32;
  }
#endif
  acc[0] = l0;
  acc[1] = QG_HL_HI(r0, l0);
  acc[2] = l1;
  acc[3] = QG_HL_HI(r1, l1);
  acc[4] = l2;
  acc[5] = QG_HL_HI(r2, l2);
  acc[6] = l3;
  acc[7] = QG_HL_HI(r3, l3);
}
/* One pair over n groups of four inputs: acc[0] = x.w_r, acc[1] = x.w_s. */
QG_HOT void qg_dot_hl(const int8_t *x, const uint8_t *w, long n, int32_t *acc) {
  int32_t r = 0, l = 0;
  for (; n > 0; --n) {
    const uint32_t v = qg_load4(x), xe = qg_sxtb16(v), xo = qg_sxtb16_ror8(v);
    QG_HL_PAIR(xe, xo, w, r, l);
    x += 4;
    w += 8;
  }
  acc[0] = l;
  acc[1] = QG_HL_HI(r, l);
}
/* One plain int8 row over n groups of four inputs. */
QG_HOT int32_t qg_dot_row(const int8_t *x, const uint8_t *w, long n) {
  int32_t a = 0;
  for (; n > 0; --n) {
    const uint32_t v = qg_load4(x), u = qg_load4(w);
    a = qg_smlad(qg_sxtb16(v), qg_sxtb16(u), a);
    a = qg_smlad(qg_sxtb16_ror8(v), qg_sxtb16_ror8(u), a);
    x += 4;
    w += 4;
  }
  return a;
}

/* Two columns (x, x + XS) times one pair of pair-packed rows over n groups
 * of four inputs (multi-pixel layers, QG_HILO): acc[0] = x.w_r, acc[1] =
 * x.w_s, acc[2] = (x+XS).w_r, acc[3] = (x+XS).w_s. Per group 18
 * instructions for 16 MACs (the w8 body: 20); each weight word and its
 * SXTB16 serve both pixels. QG_DOT2X2_HL_BODY_EVEN: n even, two groups per
 * iteration. Variables x, w, n, acc as in the bodies below. */
#define QG_HL2_STEP(xp, wp, XS)                     \
  do {                                              \
    const uint32_t qg_v0 = qg_load4(xp);            \
    const uint32_t qg_v1 = qg_load4((xp) + (XS));   \
    const uint32_t qg_e0 = qg_sxtb16(qg_v0);        \
    const uint32_t qg_o0 = qg_sxtb16_ror8(qg_v0);   \
    const uint32_t qg_e1 = qg_sxtb16(qg_v1);        \
    const uint32_t qg_o1 = qg_sxtb16_ror8(qg_v1);   \
    uint32_t qg_t = qg_load4(wp);                   \
    r0 = qg_smlad(qg_e0, qg_t, r0);                 \
    r1 = qg_smlad(qg_e1, qg_t, r1);                 \
    qg_t = qg_sxtb16(qg_t);                         \
    l0 = qg_smlad(qg_e0, qg_t, l0);                 \
    l1 = qg_smlad(qg_e1, qg_t, l1);                 \
    qg_t = qg_load4((wp) + 4);                      \
    r0 = qg_smlad(qg_o0, qg_t, r0);                 \
    r1 = qg_smlad(qg_o1, qg_t, r1);                 \
    qg_t = qg_sxtb16(qg_t);                         \
    l0 = qg_smlad(qg_o0, qg_t, l0);                 \
    l1 = qg_smlad(qg_o1, qg_t, l1);                 \
  } while (0)
#define QG_DOT2X2_HL_END \
  acc[0] = l0;           \
  acc[1] = QG_HL_HI(r0, l0); \
  acc[2] = l1;           \
  acc[3] = QG_HL_HI(r1, l1)
#define QG_DOT2X2_HL_BODY(XS, WS)                    \
  int32_t r0 = 0, l0 = 0, r1 = 0, l1 = 0;            \
  for (; n > 0; --n) {                               \
    QG_HL2_STEP(x, w, XS);                           \
    x += 4;                                          \
    w += 8;                                          \
  }                                                  \
  QG_DOT2X2_HL_END
#define QG_DOT2X2_HL_BODY_EVEN(XS, WS)               \
  int32_t r0 = 0, l0 = 0, r1 = 0, l1 = 0;            \
  for (n /= 2; n > 0; --n) {                         \
    QG_HL2_STEP(x, w, XS);                           \
    QG_HL2_STEP(x + 4, w + 8, XS);                   \
    x += 8;                                          \
    w += 16;                                         \
  }                                                  \
  QG_DOT2X2_HL_END
QG_HOT void qg_dot2x2_hl(const int8_t *x, long xs, const uint8_t *w, long n, int32_t *acc) { QG_DOT2X2_HL_BODY(xs, 0); }

/* Two columns x0, x1 times two pairs of pair-packed rows (four output
 * channels) over n = acc[0] >= 1 groups of four inputs (multi-pixel layers with
 * QG_O % 4 == 0: blocks of two pairs, select.cpp hilo_block 2): group g at
 * w + 16 g holds pair 0's words A, B at 0, 4 and pair 1's at 8, 12.
 * acc[2j] = x0.w_j, acc[2j + 1] = x1.w_j (rows j = 0..3 of the block). One
 * function per model, called with run-time strides (flash: no copy per layer
 * shape). In Thumb-2 assembly, 32 instructions per group for 32 MACs: the
 * even input halves of both pixels (two loads, two SXTB16) against each
 * pair's word A (one load, two SMLAD on the raw word, one SXTB16, two SMLAD),
 * then the input words are loaded again for the odd halves against the
 * words B; two groups per iteration (an odd n enters at the second). n is
 * passed in acc[0] (four arguments: none on the stack). 14 registers (the
 * eight sums, two input halves, one weight temporary, three pointers; the
 * acc and end pointers are pushed and the end read from the stack), so only
 * for optimizing GCC without a frame pointer (the target's flags), as the
 * depthwise kernel's assembly; QG_HL2X4_NO_ASM selects the C loop. (No
 * #error can catch a -fno-omit-frame-pointer build: GCC predefines the same
 * macros with and without it; such a build stops at "'asm' operand has
 * impossible constraints" and must define QG_HL2X4_NO_ASM.) */
#if QG_HAVE_DSP && defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__) && defined(__thumb2__) && \
    !defined(QG_HL2X4_NO_ASM)
#define QG_HL2X4_ASM 1
#define QG_HL2X4_GROUP                        \
  "ldr %[e0], [%[x0]]\n\t"                    \
  "ldr %[e1], [%[x1]]\n\t"                    \
  "ldr %[t], [%[w]], #16\n\t"                 \
  "sxtb16 %[e0], %[e0]\n\t"                   \
  "sxtb16 %[e1], %[e1]\n\t"                   \
  "smlad %[r00], %[e0], %[t], %[r00]\n\t"     \
  "smlad %[r10], %[e1], %[t], %[r10]\n\t"     \
  "sxtb16 %[t], %[t]\n\t"                     \
  "smlad %[l00], %[e0], %[t], %[l00]\n\t"     \
  "smlad %[l10], %[e1], %[t], %[l10]\n\t"     \
  "ldr %[t], [%[w], #-8]\n\t"                 \
  "smlad %[r01], %[e0], %[t], %[r01]\n\t"     \
  "smlad %[r11], %[e1], %[t], %[r11]\n\t"     \
  "sxtb16 %[t], %[t]\n\t"                     \
  "smlad %[l01], %[e0], %[t], %[l01]\n\t"     \
  "smlad %[l11], %[e1], %[t], %[l11]\n\t"     \
  "ldr %[e0], [%[x0]], #4\n\t"                \
  "ldr %[e1], [%[x1]], #4\n\t"                \
  "ldr %[t], [%[w], #-12]\n\t"                \
  "sxtb16 %[e0], %[e0], ror #8\n\t"           \
  "sxtb16 %[e1], %[e1], ror #8\n\t"           \
  "smlad %[r00], %[e0], %[t], %[r00]\n\t"     \
  "smlad %[r10], %[e1], %[t], %[r10]\n\t"     \
  "sxtb16 %[t], %[t]\n\t"                     \
  "smlad %[l00], %[e0], %[t], %[l00]\n\t"     \
  "smlad %[l10], %[e1], %[t], %[l10]\n\t"     \
  "ldr %[t], [%[w], #-4]\n\t"                 \
  "smlad %[r01], %[e0], %[t], %[r01]\n\t"     \
  "smlad %[r11], %[e1], %[t], %[r11]\n\t"     \
  "sxtb16 %[t], %[t]\n\t"                     \
  "smlad %[l01], %[e0], %[t], %[l01]\n\t"     \
  "smlad %[l11], %[e1], %[t], %[l11]\n\t"
#else
#define QG_HL2X4_ASM 0
#endif
/* The eight sums r00 .. l11 of qg_dot2x4_hl over n groups: x0, x1, w
 * advance past them (w to the next block of two pairs). ACC: an lvalue
 * pointer to an int32_t holding n, restored after the asm (its register
 * serves as the weight temporary inside). */
#if QG_HL2X4_ASM
#define QG_HL2X4_SUMS(ACC)                                                                                             \
  do {                                                                                                                 \
    uint32_t e0, e1, t = (uint32_t)(uintptr_t)(ACC);                                                                   \
    __asm__("push {%[t]}\n\t"                                                                                          \
            "ldr %[t], [%[t]]\n\t"                                                                                     \
            "add %[t], %[x0], %[t], lsl #2\n\t"                                                                        \
            "push {%[t]}\n\t"                                                                                          \
            "sub %[e0], %[t], %[x0]\n\t"                                                                               \
            "mov %[r00], #0\n\t"                                                                                       \
            "umull %[l00], %[r01], %[r00], %[r00]\n\t"                                                                 \
            "umull %[l01], %[r10], %[r00], %[r00]\n\t"                                                                 \
            "umull %[l10], %[r11], %[r00], %[r00]\n\t"                                                                 \
            "mov %[l11], %[r00]\n\t"                                                                                   \
            "tst %[e0], #4\n\t"                                                                                        \
            "bne 3f\n\t"                                                                                               \
            "1:\n\t" QG_HL2X4_GROUP "3:\n\t" QG_HL2X4_GROUP                                                            \
            "ldr %[t], [sp]\n\t"                                                                                       \
            "cmp %[x0], %[t]\n\t"                                                                                      \
            "bne 1b\n\t"                                                                                               \
            "ldr %[t], [sp, #4]\n\t"                                                                                   \
            "add sp, #8\n\t"                                                                                           \
            : [r00] "=&r"(r00), [l00] "=&r"(l00), [r01] "=&r"(r01), [l01] "=&r"(l01), [r10] "=&r"(r10),               \
              [l10] "=&r"(l10), [r11] "=&r"(r11), [l11] "=&r"(l11), [e0] "=&r"(e0), [e1] "=&r"(e1), [t] "+&r"(t),      \
              [x0] "+r"(x0), [x1] "+r"(x1), [w] "+r"(w)                                                                \
            :                                                                                                          \
            : "cc", "memory");                                                                                         \
    (ACC) = (int32_t *)(uintptr_t)t;                                                                                   \
  } while (0)
#else
#define QG_HL2X4_SUMS(ACC)                                                                                             \
  do {                                                                                                                 \
    long qg_n = *(ACC);                                                                                                \
    r00 = l00 = r01 = l01 = r10 = l10 = r11 = l11 = 0;                                                                 \
    for (; qg_n > 0; --qg_n) {                                                                                         \
      const uint32_t v0 = qg_load4(x0), v1 = qg_load4(x1);                                                             \
      const uint32_t e0 = qg_sxtb16(v0), o0 = qg_sxtb16_ror8(v0), e1 = qg_sxtb16(v1), o1 = qg_sxtb16_ror8(v1);         \
      QG_HL_PAIR(e0, o0, w, r00, l00);                                                                                 \
      QG_HL_PAIR(e1, o1, w, r10, l10);                                                                                 \
      QG_HL_PAIR(e0, o0, w + 8, r01, l01);                                                                             \
      QG_HL_PAIR(e1, o1, w + 8, r11, l11);                                                                             \
      x0 += 4;                                                                                                         \
      x1 += 4;                                                                                                         \
      w += 16;                                                                                                         \
    }                                                                                                                  \
  } while (0)
#endif
QG_HOT void qg_dot2x4_hl(const int8_t *x0, const int8_t *x1, const uint8_t *w, int32_t *acc) {
  int32_t r00, l00, r01, l01, r10, l10, r11, l11;
  QG_HL2X4_SUMS(acc);
  acc[0] = l00;
  acc[1] = l10;
  acc[2] = QG_HL_HI(r00, l00);
  acc[3] = QG_HL_HI(r10, l10);
  acc[4] = l01;
  acc[5] = l11;
  acc[6] = QG_HL_HI(r01, l01);
  acc[7] = QG_HL_HI(r11, l11);
}

/* Pixel pairs of a layer with requantization mode 2 and no activation
 * clamp (the full int8 range), all channels: per pair and block of two
 * pairs of rows the sums of qg_dot2x4_hl (its assembly inlined: no call,
 * no store and reload of the sums), then the output stage of the eight
 * outputs in straight code (qg_dsp_requant mode 2: one ADD, SMMULR, two
 * ADDs, ASR, SSAT per output). Columns of s->xs bytes at x (pixel i at
 * x + i xs), outputs y (pixel i at y + i o); s->pixels >= 2 pixels, an odd
 * count ends with the last two (one computed twice: the output never
 * aliases the input); s->n groups of four inputs per channel, s->o output
 * channels (a multiple of 4). A 1x1 layer passes the whole image, an
 * im2col layer its two columns (pixels = 2). One function per model,
 * shared by every such layer shape (flash), called in tail position (the
 * stack high-water: no frame of the layer's own under it). */
typedef struct {
  int32_t n, o, xs, pixels;
} qg_hl2x4_shape;
QG_HOT void qg_gemm2x4_hl_m2(const int8_t *x, int8_t *y, const uint8_t *weight, const int32_t *rqp, const qg_hl2x4_shape *s) {
  long pix;
  for (pix = 0; pix < s->pixels; pix += 2) {
    const long pp = pix + 1 == s->pixels ? pix - 1 : pix;
    const int8_t *const c0 = x + pp * s->xs, *const c1 = c0 + s->xs;
    int8_t *y0 = y + pp * s->o, *y1 = y0 + s->o;
    const int32_t *p = rqp;
    const uint8_t *w = weight;
    int32_t n = s->n;
    long q;
    for (q = s->o / 4; q > 0; --q) {
      int32_t r00, l00, r01, l01, r10, l10, r11, l11;
      int32_t *np = &n;
      const int8_t *x0 = c0, *x1 = c1;
      QG_HL2X4_SUMS(np);
      (void)np;
      /* per channel: its parameters, both pixels' outputs, then the stores
       * (the int8 stores could alias the table: the next channel's loads
       * stay after them, and no sum waits in a register for a merged store) */
#define QG_M2(j, va, vb)                                                                   \
  do {                                                                                     \
    const int32_t pp4[4] = {p[4 * (j)], p[4 * (j) + 1], p[4 * (j) + 2], p[4 * (j) + 3]}; \
    const int32_t qa = qg_dsp_requant((va), pp4, 2, 0, -128, 127);                         \
    const int32_t qb = qg_dsp_requant((vb), pp4, 2, 0, -128, 127);                         \
    y0[j] = (int8_t)qa;                                                                    \
    y1[j] = (int8_t)qb;                                                                    \
  } while (0)
      QG_M2(0, l00, l10);
      QG_M2(1, QG_HL_HI(r00, l00), QG_HL_HI(r10, l10));
      QG_M2(2, l01, l11);
      QG_M2(3, QG_HL_HI(r01, l01), QG_HL_HI(r11, l11));
#undef QG_M2
      p += 16;
      y0 += 4;
      y1 += 4;
    }
  }
}

QG_HOT void qg_dot2x2_w8(const int8_t *x, long xs, const uint8_t *w, long ws, long n, int32_t *acc) { QG_DOT2X2_W8_BODY(xs, ws); }
QG_HOT void qg_dot2x2_w4(const int8_t *x, long xs, const uint8_t *w, long ws, long n, int32_t *acc) { QG_DOT2X2_W4_BODY(xs, ws); }
QG_HOT void qg_dot2x2_w2(const int8_t *x, long xs, const uint8_t *w, long ws, long n, int32_t *acc) { QG_DOT2X2_W2_BODY(xs, ws); }

/* n codes of a packed tensor of `bits`-bit codes (4 or 2; a compile-time
 * constant at every call), from element e on, written as int8 codes to dst:
 * the sub-byte kernels' unpack (conv2d_sub_smlad.c, dwconv2d_i8_smlad.c).
 * Partial bytes code by code; whole bytes four codes per step, SIMD within
 * a register (4 bits: two bytes -> one word; 2 bits: one byte -> one word). */
QG_INLINE void qg_sub_unpack(const uint8_t *xb, long e, int8_t *dst, long n, int bits) {
  const uint8_t *s;
  const long per = 8 / bits;
  for (; (e % per) && n > 0; ++e, --n) *dst++ = (int8_t)((xb[e / per] >> ((e % per) * bits)) & ((1 << bits) - 1));
  s = xb + e / per;
  if (bits == 4) {
    for (; n >= 4; n -= 4, s += 2, dst += 4) {
      const uint32_t h = (uint32_t)s[0] | ((uint32_t)s[1] << 8);
      uint32_t t = (h | (h << 8)) & 0x00FF00FFu;
      t = (t | (t << 4)) & 0x0F0F0F0Fu;
      __builtin_memcpy(dst, &t, 4);
    }
  } else {
    for (; n >= 4; n -= 4, s += 1, dst += 4) {
      const uint32_t b = s[0];
      const uint32_t t = (b | (b << 6) | (b << 12) | (b << 18)) & 0x03030303u;
      __builtin_memcpy(dst, &t, 4);
    }
  }
  for (e = 0; e < n; ++e) dst[e] = (int8_t)((s[e / per] >> ((e % per) * bits)) & ((1 << bits) - 1));
}

#endif /* QG_ARM_DSP_H */
