/* lq_dot_example.c - the compiled example of docs/quantization.md.
 *
 * Reimplements, in plain C99 on top of runtime/qg_runtime.h, what qgen does
 * for one dense layer under the LQ/DQ scheme:
 *   offline  (compiler/quant/quantize.cpp): weight regions, codes p, segments,
 *            per-segment constants P, E = lo_w*n + s_w*P, B = lo_w, D = s_w,
 *            and the accumulator bound n*Lw*La;
 *   run time (compiler/interp/kernels.cpp, templates/conv2d_lq.c): activation
 *            regions, codes q, exact integer sums sum_q and sum_pq per segment,
 *            acc = lo_a*E + s_a*(B*(float)sum_q + D*(float)sum_pq), segments
 *            added in ascending order, then the bias.
 * and checks
 *   (a) the result equals dequantize-then-multiply, sum (lo_w+s_w*p)(lo_a+s_a*q)
 *       computed in double, within a rounding-error bound;
 *   (b) the numbers quoted in docs/quantization.md (worked example);
 *   (c) over many random layers: the LQ error against the exact dot product is
 *       unbiased for zero-mean weights (|mean| within 4 standard errors, and a
 *       truncating quantizer fails the same test), its mean stays below 0.1 of
 *       its rms for weights of non-zero mean, and smaller regions give a lower
 *       rms error than "layer" (DQ) regions at 2 bits.
 * Exits 1 if any check fails. Build with -ffp-contract=off (never -ffast-math).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "../../runtime/qg_runtime.h"

#define REG_LAYER (-1) /* one region over the whole tensor (DQ) */
#define REG_KERNEL 0   /* one region per patch / per output channel */
/* a positive value R: blocks of R elements along the reduction axis */

#define MAXK 64
#define MAXO 8

typedef struct {
  int K, O, Lw, La, a_region;
  int n_areg, areg[MAXK + 1]; /* activation region boundaries */
  int n_wreg, wreg[MAXK + 1]; /* weight region boundaries (within a channel) */
  int S, seg[MAXK + 1];       /* segments: union of both */
  int seg_a[MAXK], seg_w[MAXK];
  uint8_t p[MAXO * MAXK];                   /* weight codes */
  float w_lo[MAXO * MAXK], w_s[MAXO * MAXK]; /* per weight region */
  int w_layer;                              /* one weight region for the whole tensor */
  long P[MAXO * MAXK];
  float E[MAXO * MAXK], B[MAXO * MAXK], D[MAXO * MAXK];
  long long acc_bound;
  int acc64;
} layer_t;

/* What one forward pass saw, for printing and checking. */
typedef struct {
  float a_lo[MAXK], a_s[MAXK];
  uint8_t q[MAXK];
  long sq[MAXK];
  long long spq[MAXO * MAXK];
  float acc[MAXO * MAXK];
  double direct[MAXO], tol[MAXO];
} trace_t;

static int failures = 0;
static void check(int ok, const char *what) {
  if (!ok) {
    printf("CHECK FAILED: %s\n", what);
    ++failures;
  }
}

static int boundaries(int region, int K, int *b) {
  int n = 0, x;
  b[n++] = 0;
  if (region > 0)
    for (x = region; x < K; x += region) b[n++] = x;
  b[n++] = K;
  return n - 1; /* number of regions */
}

static int region_of(const int *b, int nreg, int x) {
  int r = 0;
  while (r + 1 < nreg && b[r + 1] <= x) ++r;
  return r;
}

/* A quantizer that truncates instead of rounding: the bug the bias check must catch. */
static uint8_t quantize_trunc(float v, float lo, float s, int levels) {
  float t = (v - lo) / s;
  if (!(t > 0.0f)) return 0;
  if (t >= (float)levels) return (uint8_t)levels;
  return (uint8_t)(int)t;
}
typedef uint8_t (*quantize_fn)(float, float, float, int);
static uint8_t quantize_round(float v, float lo, float s, int levels) { return qg_quantize(v, lo, s, levels); }

/* Offline part: compiler/quant/quantize.cpp, quantize_linear(). */
static void quantize_weights(layer_t *L, const float *w, int O, int K, int w_bits, int w_region, int a_bits, int a_region,
                             quantize_fn quant) {
  int o, r, k, s, i, longest = 0;
  L->K = K;
  L->O = O;
  L->Lw = (1 << w_bits) - 1;
  L->La = (1 << a_bits) - 1;
  L->a_region = a_region;
  L->n_wreg = boundaries(w_region, K, L->wreg);
  L->n_areg = boundaries(a_region, K, L->areg);
  L->w_layer = w_region == REG_LAYER;
  /* segments: sorted union of the two boundary sets */
  L->S = 0;
  for (k = 0; k < K; ++k) {
    int cut = 0;
    for (i = 0; i < L->n_wreg; ++i) cut |= L->wreg[i] == k;
    for (i = 0; i < L->n_areg; ++i) cut |= L->areg[i] == k;
    if (cut) L->seg[L->S++] = k;
  }
  L->seg[L->S] = K;
  for (s = 0; s < L->S; ++s) {
    L->seg_w[s] = region_of(L->wreg, L->n_wreg, L->seg[s]);
    L->seg_a[s] = region_of(L->areg, L->n_areg, L->seg[s]);
    if (L->seg[s + 1] - L->seg[s] > longest) longest = L->seg[s + 1] - L->seg[s];
  }
  /* weight region parameters and codes */
  if (L->w_layer) qg_region_params(w, (long)O * K, 0, L->Lw, &L->w_lo[0], &L->w_s[0]);
  for (o = 0; o < O; ++o)
    for (r = 0; r < L->n_wreg; ++r) {
      const int pi = L->w_layer ? 0 : o * L->n_wreg + r;
      if (!L->w_layer)
        qg_region_params(w + o * K + L->wreg[r], L->wreg[r + 1] - L->wreg[r], 0, L->Lw, &L->w_lo[pi], &L->w_s[pi]);
      for (k = L->wreg[r]; k < L->wreg[r + 1]; ++k) L->p[o * K + k] = quant(w[o * K + k], L->w_lo[pi], L->w_s[pi], L->Lw);
    }
  /* per-segment constants */
  for (o = 0; o < O; ++o)
    for (s = 0; s < L->S; ++s) {
      const int pi = L->w_layer ? 0 : o * L->n_wreg + L->seg_w[s], c = o * L->S + s;
      const int n = L->seg[s + 1] - L->seg[s];
      long P = 0;
      float t1, t2;
      for (k = L->seg[s]; k < L->seg[s + 1]; ++k) P += L->p[o * K + k];
      L->P[c] = P;
      L->B[c] = L->w_lo[pi];
      L->D[c] = L->w_s[pi];
      t1 = L->w_lo[pi] * (float)n; /* E = lo_w*n + s_w*P, in this order */
      t2 = L->w_s[pi] * (float)P;
      L->E[c] = t1 + t2;
    }
  /* accumulator proof: sum_pq of one segment <= n*Lw*La */
  L->acc_bound = (long long)longest * L->Lw * L->La;
  L->acc64 = L->acc_bound > INT32_MAX;
}

static void weight_param(const layer_t *L, int o, int s, float *lo, float *sc) {
  const int pi = L->w_layer ? 0 : o * L->n_wreg + L->seg_w[s];
  *lo = L->w_lo[pi];
  *sc = L->w_s[pi];
}

/* Run-time part: compiler/interp/kernels.cpp, lq_outputs(), for a dense layer. */
static void forward(const layer_t *L, const float *x, const float *bias, float *y, trace_t *t, quantize_fn quant) {
  int r, j, s, o;
  float whole_lo = 0.0f, whole_s = 1.0f;
  if (L->a_region == REG_LAYER) qg_region_params(x, L->K, 0, L->La, &whole_lo, &whole_s); /* dense: no padding */
  for (r = 0; r < L->n_areg; ++r) {
    const int b = L->areg[r], e = L->areg[r + 1];
    if (L->a_region == REG_LAYER) {
      t->a_lo[r] = whole_lo;
      t->a_s[r] = whole_s;
    } else {
      qg_region_params(x + b, e - b, 0, L->La, &t->a_lo[r], &t->a_s[r]);
    }
    for (j = b; j < e; ++j) t->q[j] = quant(x[j], t->a_lo[r], t->a_s[r], L->La);
  }
  for (s = 0; s < L->S; ++s) {
    t->sq[s] = 0;
    for (j = L->seg[s]; j < L->seg[s + 1]; ++j) t->sq[s] += t->q[j];
  }
  for (o = 0; o < L->O; ++o) {
    const uint8_t *p = L->p + o * L->K;
    float acc = 0.0f;
    double direct = 0.0, scale = 0.0;
    for (s = 0; s < L->S; ++s) {
      const int a = L->seg_a[s], c = o * L->S + s;
      long long spq = 0;
      float part, wlo, ws;
      for (j = L->seg[s]; j < L->seg[s + 1]; ++j) spq += (long long)p[j] * t->q[j];
      part = t->a_lo[a] * L->E[c] + t->a_s[a] * (L->B[c] * (float)t->sq[s] + L->D[c] * (float)spq);
      acc = acc + part;
      t->spq[c] = spq;
      t->acc[c] = part;
      /* (a) dequantize, then multiply, in double */
      weight_param(L, o, s, &wlo, &ws);
      for (j = L->seg[s]; j < L->seg[s + 1]; ++j)
        direct += ((double)wlo + (double)ws * p[j]) * ((double)t->a_lo[a] + (double)t->a_s[a] * t->q[j]);
      scale += fabs((double)t->a_lo[a]) * (fabs((double)wlo) * (L->seg[s + 1] - L->seg[s]) + (double)ws * L->P[c]) +
               (double)t->a_s[a] * (fabs((double)wlo) * t->sq[s] + (double)ws * spq);
    }
    acc = acc + bias[o];
    y[o] = acc;
    t->direct[o] = direct + bias[o];
    /* a handful of float roundings per segment, and one per addition of segments */
    t->tol[o] = (L->S + 8) * (double)FLT_EPSILON * (scale + fabs((double)bias[o]));
  }
}

/* ---- (b) the worked example of docs/quantization.md ---- */

static const float ex_w[6] = {0.70f, -0.80f, 0.33f, -0.20f, 0.40f, 0.13f};
static const float ex_a[6] = {0.00f, 1.20f, 0.50f, 2.00f, 0.90f, 0.30f};

static int near(double x, double want) { return fabs(x - want) <= 1e-6; }

static void print_codes(const uint8_t *c, int b, int e) {
  int j;
  for (j = b; j < e; ++j) printf("%s%2d", j > b ? " " : "", c[j]);
}

static float run_example(int w_region, int a_region, layer_t *L, trace_t *t) {
  static const float zero = 0.0f;
  float y;
  quantize_weights(L, ex_w, 1, 6, 4, w_region, 2, a_region, quantize_round);
  forward(L, ex_a, &zero, &y, t, quantize_round);
  return y;
}

static void worked_example(void) {
  static layer_t L;
  static trace_t t;
  static const uint8_t want_p[6] = {15, 0, 11, 0, 15, 8}, want_q[6] = {0, 3, 1, 3, 1, 0};
  static const double want_wlo[2] = {-0.8, -0.2}, want_ws[2] = {0.1, 0.04};
  static const double want_alo[2] = {0.0, 0.3}, want_as[2] = {0.4, 0.566667};
  static const long want_P[2] = {26, 23}, want_sq[2] = {4, 4};
  static const long long want_spq[2] = {11, 15};
  static const double want_E[2] = {0.2, 0.32}, want_acc[2] = {-0.84, -0.017333};
  double exact = 0.0;
  float y, y_dq;
  int r, s, j, ok = 1;

  y = run_example(3, 3, &L, &t);
  for (j = 0; j < 6; ++j) exact += (double)ex_w[j] * (double)ex_a[j];
  printf("Worked example: K = 6, 4-bit weights (Lw = 15), 2-bit activations (La = 3), regions of 3\n");
  printf("  w = ");
  for (j = 0; j < 6; ++j) printf("%s%.2f", j == 0 ? "" : j == 3 ? " | " : " ", ex_w[j]);
  printf("\n  a = ");
  for (j = 0; j < 6; ++j) printf("%s%.2f", j == 0 ? "" : j == 3 ? " | " : " ", ex_a[j]);
  printf("\n\nregion  lo_w       s_w       p          lo_a      s_a       q\n");
  for (r = 0; r < 2; ++r) {
    printf("[%d,%d)   %-9.6f  %.6f  ", 3 * r, 3 * r + 3, L.w_lo[r], L.w_s[r]);
    print_codes(L.p, 3 * r, 3 * r + 3);
    printf("   %.6f  %.6f  ", t.a_lo[r], t.a_s[r]);
    print_codes(t.q, 3 * r, 3 * r + 3);
    printf("\n");
    ok &= near(L.w_lo[r], want_wlo[r]) && near(L.w_s[r], want_ws[r]) && near(t.a_lo[r], want_alo[r]) &&
          near(t.a_s[r], want_as[r]);
  }
  printf("  w' = lo_w + s_w*p =");
  for (j = 0; j < 6; ++j) printf("%s%.6f", j == 3 ? " | " : " ", L.w_lo[j / 3] + L.w_s[j / 3] * (float)L.p[j]);
  printf("\n  a' = lo_a + s_a*q =");
  for (j = 0; j < 6; ++j) printf("%s%.6f", j == 3 ? " | " : " ", t.a_lo[j / 3] + t.a_s[j / 3] * (float)t.q[j]);
  printf("\n\nsegment  n  P   E         B          D         sum_q  sum_pq  acc\n");
  for (s = 0; s < L.S; ++s)
    printf("[%d,%d)    %d  %ld  %.6f  %-9.6f  %.6f  %ld      %-6lld  %.6f\n", L.seg[s], L.seg[s + 1], L.seg[s + 1] - L.seg[s],
           L.P[s], L.E[s], L.B[s], L.D[s], t.sq[s], t.spq[s], t.acc[s]);
  printf("\ny (LQ, documented order)      = %.6f\n", y);
  printf("y (dequantize, then multiply) = %.6f\n", t.direct[0]);
  printf("y (exact float dot product)   = %.6f   error of LQ = %+.6f\n", exact, y - exact);
  check(fabs(y - t.direct[0]) <= t.tol[0], "(a) worked example: LQ == dequantize-then-multiply");

  /* the same vectors with "layer" (DQ) regions */
  {
    static layer_t Ld;
    static trace_t td;
    y_dq = run_example(REG_LAYER, REG_LAYER, &Ld, &td);
    printf("y (DQ: \"layer\" regions)       = %.6f   error of DQ = %+.6f\n", y_dq, y_dq - exact);
    printf("    DQ: lo_w = %.6f s_w = %.6f p =", Ld.w_lo[0], Ld.w_s[0]);
    for (j = 0; j < 6; ++j) printf(" %d", Ld.p[j]);
    printf("; lo_a = %.6f s_a = %.6f q =", td.a_lo[0], td.a_s[0]);
    for (j = 0; j < 6; ++j) printf(" %d", td.q[j]);
    printf("\n");
    check(fabs(y_dq - td.direct[0]) <= td.tol[0], "(a) DQ example: LQ == dequantize-then-multiply");
    check(near(y_dq, -1.0), "(b) DQ example result");
  }

  /* segments when the two region sizes differ */
  {
    static layer_t Lr;
    static trace_t tr;
    static const int want_seg[4] = {0, 3, 4, 6}, want_sw[3] = {0, 0, 1}, want_sa[3] = {0, 1, 1};
    float yr = run_example(4, 3, &Lr, &tr);
    printf("\nw_region = 4, a_region = 3: segments");
    for (s = 0; s < Lr.S; ++s) printf(" [%d,%d) (w%d, a%d)", Lr.seg[s], Lr.seg[s + 1], Lr.seg_w[s], Lr.seg_a[s]);
    printf("\n    y = %.6f (dequantize, then multiply: %.6f)\n", yr, tr.direct[0]);
    check(fabs(yr - tr.direct[0]) <= tr.tol[0], "(a) refined segments: LQ == dequantize-then-multiply");
    ok &= Lr.S == 3 && near(yr, -0.854333);
    for (s = 0; s < 3 && ok; ++s) ok &= Lr.seg[s] == want_seg[s] && Lr.seg_w[s] == want_sw[s] && Lr.seg_a[s] == want_sa[s];
    check(Lr.S == 3 && Lr.seg[3] == want_seg[3], "(b) refined segment boundaries");
  }

  for (j = 0; j < 6; ++j) ok &= L.p[j] == want_p[j] && t.q[j] == want_q[j];
  for (s = 0; s < 2; ++s)
    ok &= L.S == 2 && L.P[s] == want_P[s] && t.sq[s] == want_sq[s] && t.spq[s] == want_spq[s] && near(L.E[s], want_E[s]) &&
          near(L.B[s], want_wlo[s]) && near(L.D[s], want_ws[s]) && near(t.acc[s], want_acc[s]);
  ok &= near(y, -0.857333) && near(exact, -0.796) && !L.acc64 && L.acc_bound == 3 * 15 * 3;
  check(ok, "(b) worked example: the numbers quoted in docs/quantization.md");
}

/* ---- (c) statistics over random layers ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static float uniform01(void) { /* xorshift64*, 24 random bits */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (float)((rng_state * 0x2545F4914F6CDD1Dull) >> 40) * (1.0f / 16777216.0f);
}
static float gauss(void) { /* Irwin-Hall: mean 0, variance 1, no libm */
  float g = 0.0f;
  int i;
  for (i = 0; i < 12; ++i) g += uniform01();
  return g - 6.0f;
}

typedef struct {
  double mean, se, rms, max_abs, signal_rms;
  long n, a_fail;
} stats_t;

enum { TRIALS = 4000, SO = 8, SK = 64 };

/* Error of the LQ layer against the exact dot product (in double) over TRIALS
 * random dense layers; every call sees the same random numbers. */
static stats_t error_stats(float w_mean, int w_bits, int a_bits, int region, quantize_fn quant) {
  static layer_t L;
  static trace_t t;
  static float w[SO * SK], x[SK], y[SO];
  static const float bias[SO] = {0};
  double sum = 0.0, sum2 = 0.0, sig2 = 0.0;
  stats_t st = {0, 0, 0, 0, 0, 0, 0};
  int trial, o, k;
  rng_state = 0x9E3779B97F4A7C15ull;
  for (trial = 0; trial < TRIALS; ++trial) {
    for (k = 0; k < SO * SK; ++k) w[k] = 0.1f * (gauss() + w_mean);
    for (k = 0; k < SK; ++k) {
      const float g = gauss() + 0.5f;
      x[k] = g > 0.0f ? g : 0.0f; /* a ReLU output */
    }
    quantize_weights(&L, w, SO, SK, w_bits, region, a_bits, region, quant);
    forward(&L, x, bias, y, &t, quant);
    for (o = 0; o < SO; ++o) {
      double exact = 0.0, e;
      for (k = 0; k < SK; ++k) exact += (double)w[o * SK + k] * (double)x[k];
      e = (double)y[o] - exact;
      sig2 += exact * exact;
      sum += e;
      sum2 += e * e;
      if (fabs(e) > st.max_abs) st.max_abs = fabs(e);
      if (fabs((double)y[o] - t.direct[o]) > t.tol[o]) ++st.a_fail;
      ++st.n;
    }
  }
  st.mean = sum / st.n;
  st.rms = sqrt(sum2 / st.n);
  st.signal_rms = sqrt(sig2 / st.n);
  st.se = sqrt((sum2 / st.n - st.mean * st.mean) / (st.n - 1));
  return st;
}

static const char *region_name(int r, char *buf) {
  if (r == REG_LAYER) return "layer";
  if (r == REG_KERNEL) return "kernel";
  sprintf(buf, "%d", r);
  return buf;
}

static const int regions[4] = {REG_LAYER, REG_KERNEL, 16, 4};

/* One table row per region kind; returns the rms errors. */
static void table(float w_mean, int w_bits, int a_bits, double rel_bias_bound, double *rms) {
  char buf[16], what[160];
  int r;
  for (r = 0; r < 4; ++r) {
    const stats_t st = error_stats(w_mean, w_bits, a_bits, regions[r], quantize_round);
    const char *name = region_name(regions[r], buf);
    printf("%.2f    %d/%d   %-6s  %+.6f  %.6f    %.6f  %.6f\n", 0.1 * w_mean, w_bits, a_bits, name, st.mean, st.se, st.rms,
           st.max_abs);
    rms[r] = st.rms;
    sprintf(what, "(a) w_mean %.2f %d/%d region %s: LQ == dequantize-then-multiply", 0.1 * w_mean, w_bits, a_bits, name);
    check(st.a_fail == 0, what);
    if (rel_bias_bound > 0.0) {
      sprintf(what, "(c) w_mean %.2f %d/%d region %s: |mean error| <= %.2f * rms error", 0.1 * w_mean, w_bits, a_bits, name,
              rel_bias_bound);
      check(fabs(st.mean) <= rel_bias_bound * st.rms, what);
    } else {
      sprintf(what, "(c) w_mean 0 %d/%d region %s: |mean error| <= 4 standard errors", w_bits, a_bits, name);
      check(fabs(st.mean) <= 4.0 * st.se, what);
    }
  }
  sprintf(what, "(c) w_mean %.2f %d/%d: rms error R=4 < R=16 < layer", 0.1 * w_mean, w_bits, a_bits);
  check(rms[3] < rms[2] && rms[2] < rms[0], what);
}

static void statistics(void) {
  double rms[4];
  printf("\nStatistics: %d random dense layers of 8 outputs x 64 inputs (%d dot products per row);\n", TRIALS, TRIALS * SO);
  printf("w = 0.1*N(0,1) + w_mean, a = relu(N(0.5,1)); error = LQ result - exact dot product;\n");
  printf("rms of the exact dot product: %.6f (w_mean 0)\n", error_stats(0.0f, 8, 8, 4, quantize_round).signal_rms);
  printf("w_mean  w/a   region  mean error  s.e.(mean) rms error  max |error|\n");
  /* Zero-mean weights: w -> -w maps every error e to -e, so the mean error is
   * 0 in expectation for any rounding symmetric about the half step. */
  table(0.0f, 8, 2, 0.0, rms);
  table(0.0f, 2, 2, 0.0, rms);
  check(rms[1] < rms[0], "(c) 2/2: rms error kernel < layer (per-channel weight regions)");
  { /* the bias check has teeth: truncation instead of rounding is caught */
    const stats_t st = error_stats(0.0f, 2, 2, 4, quantize_trunc);
    printf("0.00    2/2   4       %+.6f  %.6f    %.6f  %.6f  <- truncating quantizer\n", st.mean, st.se, st.rms, st.max_abs);
    check(fabs(st.mean) > 4.0 * st.se, "(c) a truncating quantizer fails the bias check");
  }
  /* Weights with a non-zero mean expose the (small) bias of rounding values
   * that are not evenly spread within a step: bounded relative to the rms. */
  table(0.3f, 2, 2, 0.1, rms);
}

int main(void) {
  worked_example();
  statistics();
  if (failures) {
    printf("\n%d check(s) FAILED\n", failures);
    return 1;
  }
  printf("\nall checks passed\n");
  return 0;
}
