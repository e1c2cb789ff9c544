/* qg_lqp.h - LQ-packed activation tensors (docs/quantization.md §11), shared
 * by the interpreter and the emitted code (templates/conv2d_lqp.c).
 * A packed tensor of n values with regions of R consecutive values (HWC
 * order; R divides the channel count, so no region straddles a pixel):
 *   codes: value i at bit (i*cb) % 8 of byte i*cb/8 (cb = code bits: 8, 4,
 *          2 or 1; little-end first), QG_LQP_CODE_BYTES(n, cb) bytes;
 *   then lo[n/R], then s[n/R] (float32). */
#ifndef QG_LQP_H
#define QG_LQP_H

#include "qg_lq.h"

/* Bytes of the codes of n values of cb bits, padded to 4. */
#define QG_LQP_CODE_BYTES(n, cb) ((((long)(n) * (long)(cb)) + 31) / 32 * 4)

/* Codes bytes q[0, n) stored as values [first, first + n) of a packed tensor
 * at cb bits (the layout above; other values' bits are kept). */
QG_INLINE void qg_lqp_put(const uint8_t *q, long n, int cb, long first, uint8_t *codes) {
  long j;
  if (cb == 8) {
    for (j = 0; j < n; ++j) codes[first + j] = q[j];
  } else if (((first * cb) & 7) == 0 && ((n * cb) & 7) == 0) {
    /* whole bytes: each byte assembled from its 8 / cb codes in a register
     * and stored once (a constant cb unrolls the inner loop) */
    uint8_t *b = codes + first * cb / 8;
    const long per = 8 / cb;
    long k;
    for (j = 0; j < n; j += per, ++b) {
      unsigned acc = 0;
      for (k = 0; k < per; ++k) acc |= (unsigned)q[j + k] << (k * cb);
      *b = (uint8_t)acc;
    }
  } else {
    const unsigned mask = (1u << cb) - 1u;
    for (j = 0; j < n; ++j) {
      const unsigned long bit = (unsigned long)(first + j) * (unsigned)cb;
      const unsigned sh = (unsigned)(bit & 7u);
      uint8_t *b = codes + (bit >> 3);
      *b = (uint8_t)((*b & ~(mask << sh)) | ((unsigned)q[j] << sh));
    }
  }
}

/* Quantizes values v[0, n) (n a multiple of R), which are values
 * [first, first + n) of a packed tensor (first a multiple of R): per region
 * of R values qg_region_params (no zero added) and qg_quantize (as
 * qg_quantize_fast, the same code), exactly as a consumer's patch would
 * (docs/quantization.md §11); 8-bit codes are written in place, narrower
 * ones go through qg_lqp_put 32 at a time (a region that starts and ends on
 * byte boundaries keeps them at every 32 codes). */
QG_INLINE void qg_lqp_pack(const float *v, long n, long R, int cb, int levels, long first, uint8_t *codes, float *lo, float *s) {
  long r, j, k;
  for (r = 0; r < n; r += R) {
    const long reg = (first + r) / R;
    float l = 0.0f, sc = 1.0f;
    qg_region_params(v + r, R, 0, levels, &l, &sc);
    lo[reg] = l;
    s[reg] = sc;
    if (cb == 8) {
      for (j = 0; j < R; ++j) codes[first + r + j] = qg_quantize_fast(v[r + j], l, sc, levels);
    } else {
      uint8_t q[32];
      for (j = 0; j < R; j += 32) {
        const long m = R - j < 32 ? R - j : 32;
        for (k = 0; k < m; ++k) q[k] = qg_quantize_fast(v[r + j + k], l, sc, levels);
        qg_lqp_put(q, m, cb, first + r + j, codes);
      }
    }
  }
}

/* The codes of values [first, first + n) of a packed tensor as bytes q[0, n)
 * (also the lq_int form's codes, runtime/qg_lqi.h). */
QG_INLINE void qg_lqp_codes(const uint8_t *codes, long first, long n, int cb, uint8_t *q) {
  long j;
  if (cb == 8) {
    for (j = 0; j < n; ++j) q[j] = codes[first + j];
  } else if (((first * cb) & 7) == 0 && ((n * cb) & 7) == 0) {
    /* whole bytes: each byte loaded once, its 8 / cb codes split off */
    const unsigned mask = (1u << cb) - 1u;
    const uint8_t *b = codes + first * cb / 8;
    if (cb == 4) {
      for (j = 0; j < n; j += 2, ++b) {
        q[j] = (uint8_t)(*b & 15u);
        q[j + 1] = (uint8_t)(*b >> 4);
      }
    } else {
      for (j = 0; j < n; ++b) {
        unsigned v = *b, k;
        for (k = 0; k < 8u / (unsigned)cb; ++k, ++j, v >>= cb) q[j] = (uint8_t)(v & mask);
      }
    }
  } else {
    const unsigned mask = (1u << cb) - 1u;
    for (j = 0; j < n; ++j) {
      const unsigned long bit = (unsigned long)(first + j) * (unsigned)cb;
      q[j] = (uint8_t)((codes[bit >> 3] >> (bit & 7u)) & mask);
    }
  }
}

/* The codes of values [first, first + n) of a packed tensor as bytes q[0, n),
 * and the (lo, s) of their n / R regions (first, n multiples of R). */
QG_INLINE void qg_lqp_gather(const uint8_t *codes, const float *lo, const float *s, long first, long n, long R, int cb, uint8_t *q,
                             float *rlo, float *rs) {
  long j;
  const long r0 = first / R, nr = n / R;
  qg_lqp_codes(codes, first, n, cb, q);
  for (j = 0; j < nr; ++j) {
    rlo[j] = lo[r0 + j];
    rs[j] = s[r0 + j];
  }
}

/* A padding tap: n zeros form n / R all-zero regions, lo = 0, s = 1, codes 0
 * (what qg_region_params and qg_quantize give for zeros). */
QG_INLINE void qg_lqp_zero(long n, long R, uint8_t *q, float *rlo, float *rs) {
  long j;
  for (j = 0; j < n; ++j) q[j] = 0;
  for (j = 0; j < n / R; ++j) {
    rlo[j] = 0.0f;
    rs[j] = 1.0f;
  }
}

#endif /* QG_LQP_H */
