/* qg_lq.h - LQ / DQ activation quantization (Yang et al.) and the float
 * output contract of the LQ kernels (conv2d_lq.c, conv2d_lq_lut.c), shared by
 * the interpreter and the emitted code. See docs/quantization.md. */
#ifndef QG_LQ_H
#define QG_LQ_H

#include "qg_common.h"

/* Region parameters of n values (Yang et al. eq. 5): lo = min, hi = max,
 * s = (hi - lo) / L, s = 1 when hi == lo. With include_zero the value 0 is
 * part of the region too (zero padding of a convolution). */
QG_INLINE void qg_region_params(const float *v, long n, int include_zero, int levels, float *lo, float *s) {
  float mn = v[0], mx = v[0];
  long i;
  for (i = 1; i < n; ++i) {
    float x = v[i];
    mn = x < mn ? x : mn;
    mx = x > mx ? x : mx;
  }
  if (include_zero) {
    mn = 0.0f < mn ? 0.0f : mn;
    mx = 0.0f > mx ? 0.0f : mx;
  }
  *lo = mn;
  *s = (mx == mn) ? 1.0f : (mx - mn) / (float)levels;
}

/* Code of one value (Yang et al. eq. 3): clamp(round((v - lo) / s), 0, L),
 * rounding half away from zero. t >= 0 whenever v >= lo; the clamp also
 * makes NaN map to 0. */
QG_INLINE uint8_t qg_quantize(float v, float lo, float s, int levels) {
  float t = (v - lo) / s;
  int i;
  if (!(t > 0.0f)) return 0;
  if (t >= (float)levels) return (uint8_t)levels;
  i = (int)t;
  return (uint8_t)(i + ((t - (float)i) >= 0.5f ? 1 : 0));
}

/* qg_quantize(v, lo, s, levels) in fewer instructions on Arm cores with a
 * single-precision FPU (Cortex-M4/M7: no branches, no float compares):
 *   t = (v - lo) / s                     the same float division
 *   u = VCVT.S32.F32(t + t)              t + t = 2t exactly (or +inf); VCVT
 *                                        truncates, saturates, maps NaN to 0
 *   code = (clamp(u, 0, 2L) + 1) >> 1
 * The same code for every v, lo, s and L < 2^30: write t = i + f (i integer,
 * 0 <= f < 1) for finite 0 <= t < L; trunc(2t) = 2i + [f >= 0.5] <= 2L - 1,
 * so (u + 1) >> 1 = i + [f >= 0.5], qg_quantize's rounding half away from
 * zero. t <= 0, -0 and NaN give u <= 0 -> 0 (qg_quantize: !(t > 0) -> 0).
 * t >= L (+inf included) gives u >= 2L -> (2L + 1) >> 1 = L (qg_quantize: L).
 * Elsewhere it is qg_quantize itself. */
#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__thumb2__)
#define QG_QUANTIZE_FAST 1
QG_INLINE uint8_t qg_quantize_fast(float v, float lo, float s, int levels) {
  float t = (v - lo) / s;
  int32_t u;
  t = t + t;
  __asm__("vcvt.s32.f32 %1, %1\n\tvmov %0, %1" : "=r"(u), "+t"(t));
  u = u > 0 ? u : 0;
  u = u < 2 * levels ? u : 2 * levels;
  return (uint8_t)((u + 1) >> 1);
}
#else
#define QG_QUANTIZE_FAST 0
#define qg_quantize_fast qg_quantize
#endif

/* ---- LQ kernels (conv2d_lq.c, conv2d_lq_lut.c), one definition each ---- */

/* The im2col patch of one output position: taps (ky, kx) of the window
 * starting at (iy0, ix0), channels [c0, c0 + cg) of an HWC image, zero
 * outside the image; (ky, kx, c) order. */
QG_INLINE void qg_im2col_f32(const float *x, long H, long W, long C, long c0, long cg, long iy0, long ix0, long KH, long KW, long DH,
                             long DW, float *patch) {
  long ky, kx, c, j = 0;
  for (ky = 0; ky < KH; ++ky)
    for (kx = 0; kx < KW; ++kx) {
      const long iy = iy0 + ky * DH, ix = ix0 + kx * DW;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
        const float *xp = x + (iy * W + ix) * C + c0;
        for (c = 0; c < cg; ++c) patch[j++] = xp[c];
      } else {
        for (c = 0; c < cg; ++c) patch[j++] = 0.0f;
      }
    }
}

/* qg_im2col_f32 and qg_region_params(patch, K, 0, levels, lo, s) of the
 * whole patch in one pass ("kernel" activation regions): the same
 * comparisons of the same values in the same order (value 0 for a padding
 * tap), so the same lo and s bit for bit. K = KH * KW * cg >= 1. */
QG_INLINE void qg_im2col_params_f32(const float *x, long H, long W, long C, long c0, long cg, long iy0, long ix0, long KH, long KW,
                                    long DH, long DW, float *patch, int levels, float *lo, float *s) {
  long ky, kx, c;
  float mn, mx;
  float *p = patch;
  mn = (iy0 >= 0 && iy0 < H && ix0 >= 0 && ix0 < W) ? x[(iy0 * W + ix0) * C + c0] : 0.0f;
  mx = mn;
  for (ky = 0; ky < KH; ++ky) {
    const long iy = iy0 + ky * DH;
    for (kx = 0; kx < KW; ++kx) {
      const long ix = ix0 + kx * DW;
      if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
        const float *xp = x + (iy * W + ix) * C + c0;
        for (c = 0; c < cg; ++c) {
          const float v = xp[c];
          p[c] = v;
          mn = v < mn ? v : mn;
          mx = v > mx ? v : mx;
        }
      } else {
        for (c = 0; c < cg; ++c) p[c] = 0.0f;
        mn = 0.0f < mn ? 0.0f : mn;
        mx = 0.0f > mx ? 0.0f : mx;
      }
      p += cg;
    }
  }
  *lo = mn;
  *s = (mx == mn) ? 1.0f : (mx - mn) / (float)levels;
}

/* Codes q[j] of n patch values with one region's parameters; returns their
 * sum (Σq of a segment that is this region). */
QG_INLINE int32_t qg_lq_codes_sum(const float *patch, long n, float lo, float s, int levels, uint8_t *q) {
  int32_t t = 0;
  long j;
  for (j = 0; j < n; ++j) {
    const uint8_t c = qg_quantize_fast(patch[j], lo, s, levels);
    q[j] = c;
    t += c;
  }
  return t;
}

/* Region parameters rlo[r], rs[r] of the R activation regions
 * [areg[r], areg[r+1]) of a patch (or the whole tensor's, `whole`), and the
 * codes q[j] (Yang et al. eq. 3-5). */
QG_INLINE void qg_lq_patch_codes(const float *patch, const int32_t *areg, long R, int whole, float whole_lo, float whole_s, int levels,
                                 float *rlo, float *rs, uint8_t *q) {
  long r, j;
  for (r = 0; r < R; ++r) {
    float lo = whole_lo, sc = whole_s; /* locals: the uint8_t stores may alias rlo / rs */
    if (!whole) qg_region_params(patch + areg[r], (long)(areg[r + 1] - areg[r]), 0, levels, &lo, &sc);
    rlo[r] = lo;
    rs[r] = sc;
    for (j = areg[r]; j < areg[r + 1]; ++j) q[j] = qg_quantize_fast(patch[j], lo, sc, levels);
  }
}

/* One segment's share of an LQ output, in the contract's order
 * (docs/quantization.md): lo*E + s*(B*Σq + D*Σp·q). The interpreter calls it too. */
QG_INLINE float qg_lq_part(float lo, float s, float e, float b, float d, float sq, float spq) { return lo * e + s * (b * sq + d * spq); }

/* The output: the segments' sum + bias, then the fused activation
 * (0 none, 1 relu, 2 relu6). */
QG_INLINE float qg_lq_finish(float acc, float bias, int act) {
  acc = acc + bias;
  if (act >= 1) acc = acc > 0.0f ? acc : 0.0f;
  if (act == 2) acc = acc < 6.0f ? acc : 6.0f;
  return acc;
}

#endif /* QG_LQ_H */
