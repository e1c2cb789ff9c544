/* qg_common.h - what every piece of qgen's runtime (and every emitted model)
 * needs: the build checks that keep float results bit-exact, the inline /
 * out-of-line function macros, and qg_expf. C99 (also valid C++), no libc
 * calls, no allocation. Every float step is written in a fixed order: build
 * with -ffp-contract=off and without -ffast-math, or results stop being
 * bit-exact. See docs/quantization.md for the derivation.
 *
 * The runtime is split by concern; a kernel template includes the parts it
 * uses and qgen pastes exactly those into the model (in include order):
 *   qg_common.h   this file
 *   qg_lq.h       LQ / DQ activation quantization and the LQ output contract
 *   qg_fixed.h    TFLite integer-only fixed-point requantization
 *   qg_arm_dsp.h  Armv7E-M DSP (SIMD) primitives, the DSP output stage and dot cores
 *   qg_halide.h   the halide_buffer_t ABI for glue to Halide-compiled layers
 * qg_runtime.h includes them all (interpreter, tests). */
#ifndef QG_COMMON_H
#define QG_COMMON_H

#include <float.h>
#include <stdint.h>

#ifdef __FAST_MATH__
#error "qgen code must not be built with -ffast-math: results would no longer match the reference interpreter"
#endif

/* Float expressions must be evaluated in float. FLT_EVAL_METHOD (C99/C11 and
 * ISO/IEC TS 18661-3): 0 = each type in itself; 16 / 32 = types narrower than
 * _Float16 / _Float32 in that type, float itself in float (GCC's value in GNU
 * modes on x86 with AVX512-FP16); -1 = indeterminable (accepted as before).
 * Rejected: 1 (float in double), 2 (x87: float in long double), 64, 128 and
 * the ...x values (float in a wider type). */
#if defined(FLT_EVAL_METHOD)
#if FLT_EVAL_METHOD == 2
#error "qgen code needs float expressions evaluated in float, but FLT_EVAL_METHOD is 2 (x87 long double): on 32-bit x86 build with -msse2 -mfpmath=sse"
#elif FLT_EVAL_METHOD != 0 && FLT_EVAL_METHOD != -1 && FLT_EVAL_METHOD != 16 && FLT_EVAL_METHOD != 32
#error "qgen code needs float expressions evaluated in float (FLT_EVAL_METHOD 0, 16 or 32), but this compiler evaluates them in a wider type"
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define QG_INLINE static inline __attribute__((unused))
/* A hot inner loop kept out of line so that it gets all the registers. */
#define QG_HOT static __attribute__((unused, noinline))
#else
#define QG_INLINE static inline
#define QG_HOT static
#endif

/* Token pasting after macro expansion (kernel helper names from QG_FN). */
#define QG_CAT_(a, b) a##b
#define QG_CAT(a, b) QG_CAT_(a, b)

/* exp(x) for x <= 0 (softmax after subtracting the max), within 3 ulp, the same
 * bits on every target: Cody-Waite reduction x = k ln2 + r, degree-6 Taylor
 * polynomial for e^r on |r| <= ln2/2, scale by 2^k through the exponent bits. */
QG_INLINE float qg_expf(float x) {
  union {
    float f;
    uint32_t u;
  } sc;
  float kf, r, p;
  int k;
  if (x < -87.0f || x != x) return 0.0f;
  if (x > 0.0f) x = 0.0f;
  kf = x * 1.44269502163f;
  k = (int)(kf - 0.5f); /* kf <= 0: round half away from zero */
  r = x - (float)k * 0.693145751953125f;
  r = r - (float)k * 1.42860677e-06f;
  p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666672f + r * (0.0416666679f + r * (0.00833333377f + r * 0.00138888892f)))));
  sc.u = (uint32_t)(k + 127) << 23;
  return p * sc.f;
}

#endif /* QG_COMMON_H */
