/* qg_add_i8_dsp__cortex_m7: TFLite int8 add (same results as add_i8.c) in
 * fewer instructions, for cores with SMMULR (Armv7E-M; plain C elsewhere,
 * runtime/qg_arm_dsp.h). The compiler selects it when the layer's constants
 * allow (compiler/select/select.cpp, when_dsp_add): left shift 20,
 * non-negative multipliers, input shifts in [-31, 0], output shift in
 * [-23, -1]. Each element:
 *   input k:  t = 2 (v << 20) = (a << 21) - (zp << 21), |t| < 2^29;
 *             h = SMMULR(t, m) = floor((x m + 2^30) / 2^31), TFLite's
 *             saturating rounding doubling high multiply for m >= 0 (see
 *             qg_mbqm_fast); then, for a right shift r >= 1, the rounding
 *             divide floor((h + 2^(r-1) + (h >> 31)) / 2^r) (as qg_rq_right;
 *             no overflow: |h| < 2^28); for r = 0, h itself (QG_R1 / QG_R2
 *             say which, per input: a body is shared by equal layers);
 *   output:   s = s1 + s2 (|s| < 2^29), h = SMMULR(2 s, m), then
 *             floor((h + 2^(r-1) + zp 2^r + (h >> 31)) / 2^r): the rounding
 *             divide and the output zero point in one (as qg_dsp_requant's
 *             mode 2; |sum| < 2^29 + 2^22 + 2^30), clamped to the activation
 *             range (one SSAT when it is the full int8 range: QG_CLAMP 0).
 * Per layer, passed at the call: p = {zp1 << 21, m1, 2^(r1-1) or 0, r1,
 * zp2 << 21, m2, 2^(r2-1) or 0, r2, m_out, 2^(r-1) + zp_out 2^r, r, act_min,
 * act_max} (compiler/codegen/kernels_dsp.cpp, dsp_add_params). */
#include <stdint.h>
#include "../runtime/qg_arm_dsp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_add_i8_dsp__cortex_m7_example
#define QG_N 16
#define QG_R1 0
#define QG_R2 1
#define QG_CLAMP 1
/* QG_TEMPLATE_DEFAULTS_END */
#if QG_R1
#define QG_IN1(h) (((h) + half1 + ((h) >> 31)) >> r1)
#else
#define QG_IN1(h) (h)
#endif
#if QG_R2
#define QG_IN2(h) (((h) + half2 + ((h) >> 31)) >> r2)
#else
#define QG_IN2(h) (h)
#endif
static void QG_FN(const int8_t *a, const int8_t *b, int8_t *y, const int32_t *p) {
  /* locals: the int8_t stores to y may alias the table */
  const int32_t z1 = p[0], m1 = p[1], z2 = p[4], m2 = p[5], mo = p[8], halfo = p[9], ro = p[10];
#if QG_R1
  const int32_t half1 = p[2], r1 = p[3];
#endif
#if QG_R2
  const int32_t half2 = p[6], r2 = p[7];
#endif
#if QG_CLAMP
  const int32_t act_min = p[11], act_max = p[12];
#endif
  long i;
  for (i = 0; i < QG_N; ++i) {
    const int32_t h1 = qg_smmulr((int32_t)((uint32_t)a[i] << 21) - z1, m1);
    const int32_t h2 = qg_smmulr((int32_t)((uint32_t)b[i] << 21) - z2, m2);
    const int32_t s = QG_IN1(h1) + QG_IN2(h2);
    const int32_t h = qg_smmulr(s * 2, mo);
    int32_t r = (h + halfo + (h >> 31)) >> ro;
#if QG_CLAMP
    r = r < act_min ? act_min : r;
    r = r > act_max ? act_max : r;
#else
    r = qg_ssat8(r);
#endif
    y[i] = (int8_t)r;
  }
}
#undef QG_IN1
#undef QG_IN2
