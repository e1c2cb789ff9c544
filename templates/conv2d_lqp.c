/* qg_conv2d_a<A>w<W>r<R>[p]_mac[_po]__<target>: LQ quantized 2-D convolution
 * (Yang et al.) whose input and/or output is stored LQ-packed
 * (docs/quantization.md §11, runtime/qg_lqp.h), portable C99; the same body
 * on DSP targets with QG_DOT_U8 (qg_dot_u8: UXTB16 + SMLAD on Armv7E-M).
 * Input (QG_IN_PACKED 1, kernel name "...r<R>p_..."): the producer already
 * quantized it; per output position and group the patch's codes and region
 * parameters are copied tap by tap (a padding tap is all-zero regions: lo 0,
 * s 1, codes 0), no float patch, no run-time quantization. Otherwise
 * (QG_IN_PACKED 0) the float input is gathered and quantized per patch as in
 * conv2d_lq.c. Output (QG_OUT_PACKED 1, "..._po"): the QG_O outputs of one
 * position go to a scratch row (YPIX) and are quantized there, regions of
 * QG_OUT_R channels, into the packed output (qg_lqp_pack). The float steps
 * are those of conv2d_lq.c (lo_a*E + s_a*(B*Σq + D*Σp·q) per segment in
 * ascending order, then bias, activation), so results equal the per-patch
 * path bit for bit. Scratch parts (select/select.cpp, fill_lqp): PATCH
 * (K floats, 0 bytes when the input is packed), RLO, RS (R floats), SQ
 * (S accumulators, 8-byte aligned), CODES (K bytes), YPIX (O floats, 0 bytes
 * when the output is float), PACC (below), QW, PP, Y2 (QG_LQP_PAIR: 2K
 * uint16, 6S floats, O floats; then RLO, RS, SQ, CODES are 0 bytes and YPIX
 * is O floats for a float output too; with QG_POOL YPIX and Y2 are 0 bytes). QG_SEGLEN > 0 (DSP path): every segment s is
 * activation region s and QG_SEGLEN codes long (compile-time loop bounds).
 * QG_POOL 1 (kernel name "..._mp_po", select.cpp fuse_lq_pools): a max pool
 * (window QG_PKH x QG_PKW, stride QG_PSH x QG_PSW, padding QG_PPT / QG_PPL,
 * output QG_POH x QG_POW) fused after the convolution; the output (packed)
 * is the pool's. Per pool position the conv outputs of the window's valid
 * taps, in pool2d_lqp.c's order (ky, then kx), go to YPIX one position at a
 * time and their running maximum (-INFINITY first, v > m ? v : m per
 * channel, as pool2d_lqp.c) to PACC (QG_O floats), which is packed: the same
 * floats and the same steps as the conv followed by pool2d_lqp.c, without
 * the conv's float output.
 * Compile-time: shapes, QG_ settings; per layer at the call: areg, seg,
 * seg_areg, the weight codes (QG_LQP_PAIR: widened, above), e, bb (B), d,
 * bias. */
#include <math.h>
#include <stdint.h>
#include "../runtime/qg_lqp.h"
#include "../runtime/qg_arm_dsp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_a8w8r2p_mac_po__c_example
#define QG_H 5
#define QG_W 4
#define QG_C 2
#define QG_OH 5
#define QG_OW 4
#define QG_O 2
#define QG_KH 3
#define QG_KW 3
#define QG_SH 1
#define QG_SW 1
#define QG_DH 1
#define QG_DW 1
#define QG_PT 1
#define QG_PL 1
#define QG_G 1
#define QG_ACT 1
#define QG_K 18
#define QG_LA 255
#define QG_R 9
#define QG_S 9
#define QG_A_WHOLE 0
#define QG_PADDED 1
#define QG_ACC_T int32_t
#define QG_WPACK 8
#define QG_DOT_U8 0
#define QG_SEGLEN 0
#define QG_IN_PACKED 1
#define QG_IN_R 2
#define QG_IN_CB 8
#define QG_OUT_PACKED 1
#define QG_OUT_R 2
#define QG_OUT_CB 4
#define QG_OUT_LA 15
#define QG_SCRATCH_BYTES 136
#define QG_SCR_PATCH 0
#define QG_SCR_RLO 0
#define QG_SCR_RS 36
#define QG_SCR_SQ 72
#define QG_SCR_CODES 108
#define QG_SCR_YPIX 128
#define QG_SCR_PACC 136
#define QG_SCR_QW 136
#define QG_SCR_PP 136
#define QG_SCR_Y2 136
#define QG_LQP_PAIR 0
#define QG_POOL 0
#define QG_POH 1
#define QG_POW 1
#define QG_PKH 1
#define QG_PKW 1
#define QG_PSH 1
#define QG_PSW 1
#define QG_PPT 0
#define QG_PPL 0
/* QG_TEMPLATE_DEFAULTS_END */
/* The DSP path with compile-time segments (one activation region each):
 * four output channels per pass. */
#define QG_LQP_BLOCK4 (QG_DOT_U8 && QG_SEGLEN > 0)
#if QG_WPACK == 8
#define QG_WCODE(i) (codes[i])
#else
#define QG_WCODE(i) ((codes[(i) / (8 / QG_WPACK)] >> (((i) % (8 / QG_WPACK)) * QG_WPACK)) & ((1 << QG_WPACK) - 1))
#endif
static void QG_FN(const void *xv, void *yv, unsigned char *scratch, const int32_t *areg, const int32_t *seg, const int32_t *seg_areg,
                  const uint8_t *codes, const float *e, const float *bb, const float *d, const float *bias) {
  const long cg = QG_C / QG_G, og = QG_O / QG_G;
  float *rlo = (float *)(scratch + QG_SCR_RLO);
  float *rs = (float *)(scratch + QG_SCR_RS);
  QG_ACC_T *sq = (QG_ACC_T *)(scratch + QG_SCR_SQ); /* 8-byte aligned */
  uint8_t *q = scratch + QG_SCR_CODES;
  long oy, ox, grp, o, j, s;
  (void)j; /* unused when QG_LQP_BLOCK4 and the input is packed */
#if QG_IN_PACKED
  const uint8_t *xc = (const uint8_t *)xv;
  const float *xlo = (const float *)(xc + QG_LQP_CODE_BYTES((long)QG_H * QG_W * QG_C, QG_IN_CB));
  const float *xs = xlo + (long)QG_H * QG_W * QG_C / QG_IN_R;
  long ky, kx;
  (void)areg;
#else
  const float *x = (const float *)xv;
  float *patch = (float *)(scratch + QG_SCR_PATCH);
  float whole_lo = 0.0f, whole_s = 1.0f;
  (void)areg; /* these three not read with "kernel" regions */
  (void)whole_lo;
  (void)whole_s;
#endif
#if QG_OUT_PACKED
  /* the packed output: the conv's, or with QG_POOL the pool's */
  const long yn = (QG_POOL ? (long)QG_POH * QG_POW : (long)QG_OH * QG_OW) * QG_O;
  float *ypix = (float *)(scratch + QG_SCR_YPIX);
  uint8_t *yc = (uint8_t *)yv;
  float *ylo = (float *)(yc + QG_LQP_CODE_BYTES(yn, QG_OUT_CB));
  float *ys = ylo + yn / QG_OUT_R;
#else
  float *y = (float *)yv;
#endif
  /* The parts in order, without overlap, Σq 8-byte aligned, the total exact;
   * a compile error (negative array size) otherwise. */
  (void)sizeof(char[(QG_SCR_RLO >= QG_SCR_PATCH + (QG_IN_PACKED ? 0 : QG_K) * (long)sizeof(float) &&
                     QG_SCR_RS >= QG_SCR_RLO + (QG_LQP_PAIR ? 0 : QG_R) * (long)sizeof(float) &&
                     QG_SCR_SQ >= QG_SCR_RS + (QG_LQP_PAIR ? 0 : QG_R) * (long)sizeof(float) && QG_SCR_SQ % 8 == 0 &&
                     QG_SCR_CODES >= QG_SCR_SQ + (QG_LQP_PAIR ? 0 : QG_S) * (long)sizeof(QG_ACC_T) &&
                     QG_SCR_YPIX >= QG_SCR_CODES + (QG_LQP_PAIR ? 0 : QG_K) && QG_SCR_YPIX % 4 == 0 &&
                     QG_SCR_PACC == QG_SCR_YPIX + ((QG_LQP_PAIR ? !QG_POOL : QG_OUT_PACKED) ? QG_O : 0) * (long)sizeof(float) &&
                     QG_SCR_QW >= QG_SCR_PACC + (QG_POOL ? QG_O : 0) * (long)sizeof(float) && QG_SCR_QW % 8 == 0 &&
                     QG_SCR_PP >= QG_SCR_QW + (QG_LQP_PAIR ? 4 * QG_K : 0) && QG_SCR_PP % 4 == 0 &&
                     QG_SCR_Y2 >= QG_SCR_PP + (QG_LQP_PAIR ? 24 * QG_S : 0) && QG_SCR_Y2 % 4 == 0 &&
                     QG_SCRATCH_BYTES == QG_SCR_Y2 + (QG_LQP_PAIR && !QG_POOL ? QG_O : 0) * (long)sizeof(float) &&
                     (!QG_LQP_PAIR || (QG_LQP_BLOCK4 && QG_IN_PACKED && QG_G == 1 && QG_SEGLEN % 4 == 0 && QG_SEGLEN == QG_IN_R &&
                                       QG_SEGLEN <= 256 && QG_O % 2 == 0 && QG_OW >= 2 &&
                                       (QG_IN_CB == 8 || QG_IN_CB == 4 || QG_IN_CB == 2))) &&
                     (!QG_POOL || (QG_OUT_PACKED && QG_G >= 1)) &&
                     (!QG_IN_PACKED || (cg % QG_IN_R == 0 && !QG_A_WHOLE)) && (!QG_OUT_PACKED || QG_O % QG_OUT_R == 0))
                        ? 1
                        : -1]);
#if !QG_IN_PACKED && QG_A_WHOLE
  qg_region_params(x, (long)QG_H * QG_W * QG_C, QG_PADDED, QG_LA, &whole_lo, &whole_s);
#endif
#if QG_LQP_PAIR
  /* Two output positions at a time (the DSP path of a packed input whose
   * segments are its regions, select.cpp fill_lqp_pool): per position, once,
   * every tap's codes widened to 16-bit lanes as SMLAD takes them (QW: per 4
   * codes c0..c3 the words (c0, c2) and (c1, c3), the pairs UXTB16 makes of a
   * weight word; a padding tap zeros) and per segment lo, s and (float)Σq
   * (PP; a padding tap's regions lo 0, s 1, Σq 0 as qg_lqp_zero); then per
   * pair of output channels and segment each weight word is loaded once for
   * both positions (the weight codes widened at compile time, 2 bytes per
   * code in QW's word order: codegen/c_emitter.cpp lqi_wide_codes), and the
   * float steps are those of the paths below, per position and channel in the same order (segments
   * ascending), so the same floats bit for bit. The first position's outputs
   * go to YPIX, the second's to Y2 (with QG_POOL straight into PACC's
   * running maximum, per channel the first's then the second's); an odd last position is computed twice
   * (its copy not written). With QG_POOL two horizontally adjacent valid
   * window taps (pkx, pkx + 1) are one pair, their maxima taken in order. */
  {
    uint64_t *qw = (uint64_t *)(scratch + QG_SCR_QW); /* per 4 codes (c0, c2) | (c1, c3) << 32 */
    float *pp = (float *)(scratch + QG_SCR_PP);
#if !QG_POOL
    float *y1 = (float *)(scratch + QG_SCR_YPIX), *y2 = (float *)(scratch + QG_SCR_Y2);
#endif
    long two, slot, px[2];
    (void)rlo;
    (void)rs;
    (void)sq;
    (void)q;
    (void)seg;
    (void)seg_areg;
    (void)grp;
    (void)og;
#if QG_OUT_PACKED
    (void)ypix;
#endif
#if QG_POOL
    float *pacc = (float *)(scratch + QG_SCR_PACC);
    long poy, pox, pky, pkx;
    for (poy = 0; poy < QG_POH; ++poy)
      for (pox = 0; pox < QG_POW; ++pox) {
        for (o = 0; o < QG_O; ++o) pacc[o] = -INFINITY;
        for (pky = 0; pky < QG_PKH; ++pky) {
          oy = poy * QG_PSH - QG_PPT + pky;
          if (oy < 0 || oy >= QG_OH) continue;
          for (pkx = 0; pkx < QG_PKW; pkx += two ? 2 : 1) {
            ox = pox * QG_PSW - QG_PPL + pkx;
            two = 0;
            if (ox < 0 || ox >= QG_OW) continue;
            two = pkx + 1 < QG_PKW && ox + 1 < QG_OW;
#else
    for (oy = 0; oy < QG_OH; ++oy)
      for (ox = 0; ox < QG_OW; ox += 2) {
        {
          {
            two = ox + 1 < QG_OW;
#endif
            px[0] = ox;
            px[1] = two ? ox + 1 : ox;
            for (slot = 0; slot < 2; ++slot) {
              uint64_t *wq = qw + slot * (QG_K / 4);
              float *plo = pp + slot * 3 * QG_S, *psc = plo + QG_S, *psq = psc + QG_S;
              long t = 0, r, g4;
              for (ky = 0; ky < QG_KH; ++ky)
                for (kx = 0; kx < QG_KW; ++kx, ++t) {
                  const long iy = oy * QG_SH - QG_PT + ky * QG_DH, ix = px[slot] * QG_SW - QG_PL + kx * QG_DW;
                  const long s0 = t * (QG_C / QG_SEGLEN);
                  uint64_t *wt = wq + t * (QG_C / 4);
                  if (iy >= 0 && iy < QG_H && ix >= 0 && ix < QG_W) {
                    const long first = (iy * QG_W + ix) * QG_C;
                    for (r = 0; r < QG_C / QG_SEGLEN; ++r) {
                      uint32_t lanes = 0; /* Σq in two 16-bit lanes (at most 128 * 255 each) */
                      for (g4 = 0; g4 < QG_SEGLEN / 4; ++g4) {
                        const long c0 = first + r * QG_SEGLEN + 4 * g4;
                        uint32_t qe, qo;
#if QG_IN_CB == 8
                        const uint32_t v = qg_load4(xc + c0);
                        qe = qg_uxtb16(v);
                        qo = qg_uxtb16_ror8(v);
#elif QG_IN_CB == 4
                        /* nibbles c0..c3 at bits 0, 4, 8, 12 of h */
                        const uint32_t h = (uint32_t)xc[c0 / 2] | ((uint32_t)xc[c0 / 2 + 1] << 8), u = h | (h << 8);
                        qe = u & 0x000f000fu;
                        qo = (u >> 4) & 0x000f000fu;
#else
                        /* 2-bit codes c0..c3 at bits 0, 2, 4, 6 of b */
                        const uint32_t b = xc[c0 / 4], u = b | (b << 12);
                        qe = u & 0x00030003u;
                        qo = (u >> 2) & 0x00030003u;
#endif
                        lanes += qe + qo;
                        wt[r * (QG_SEGLEN / 4) + g4] = (uint64_t)qe | ((uint64_t)qo << 32);
                      }
                      plo[s0 + r] = xlo[first / QG_SEGLEN + r];
                      psc[s0 + r] = xs[first / QG_SEGLEN + r];
                      psq[s0 + r] = (float)(int32_t)((lanes & 0xffffu) + (lanes >> 16));
                    }
                  } else {
                    for (r = 0; r < QG_C / 4; ++r) wt[r] = 0;
                    for (r = 0; r < QG_C / QG_SEGLEN; ++r) {
                      plo[s0 + r] = 0.0f;
                      psc[s0 + r] = 1.0f;
                      psq[s0 + r] = 0.0f;
                    }
                  }
                }
            }
            {
              /* the segments of the taps whose row is inside the input (the
               * same for both positions); every other segment is a padding
               * tap's: codes 0, lo 0, s 1, so each of its parts is ±0 and
               * adding it leaves a sum unchanged (a sum that starts at +0
               * never becomes -0), so they are skipped */
              const long ky0 = oy * QG_SH - QG_PT < 0 ? (QG_PT - oy * QG_SH + QG_DH - 1) / QG_DH : 0;
              long ky1 = QG_KH;
              while (ky1 > ky0 && oy * QG_SH - QG_PT + (ky1 - 1) * QG_DH >= QG_H) --ky1;
              {
                const long sb = ky0 * QG_KW * (QG_C / QG_SEGLEN), se = ky1 * QG_KW * (QG_C / QG_SEGLEN);
                const float *p0 = pp, *p1 = pp + 3 * QG_S;
                for (o = 0; o < QG_O; o += 2) {
                  /* weights widened at compile time (2 bytes per code, row
                   * stride 2·QG_K bytes, per 4 codes the words (w0, w2) and
                   * (w1, w3): codegen/c_emitter.cpp lqi_wide_codes) */
                  const uint8_t *w0 = codes + 2 * o * QG_K;
                  const float *eo = e + o * QG_S, *bo = bb + o * QG_S, *dd = d + o * QG_S;
                  float a00 = 0.0f, a01 = 0.0f, a10 = 0.0f, a11 = 0.0f;
                  for (s = sb; s < se; ++s) {
                    const uint64_t *x0 = qw + s * (QG_SEGLEN / 4), *x1 = x0 + QG_K / 4;
                    const uint8_t *ws = w0 + 2 * s * QG_SEGLEN;
                    int32_t t00 = 0, t01 = 0, t10 = 0, t11 = 0;
                    long k;
#pragma GCC unroll 16
                    for (k = 0; k < QG_SEGLEN / 4; ++k) {
                      const uint64_t q0 = x0[k], q1 = x1[k];
                      const uint32_t e0 = (uint32_t)q0, o0 = (uint32_t)(q0 >> 32), e1 = (uint32_t)q1, o1 = (uint32_t)(q1 >> 32);
                      uint32_t we = qg_load4(ws + 8 * k), wo = qg_load4(ws + 8 * k + 4);
                      t00 = qg_smlad(we, e0, t00);
                      t00 = qg_smlad(wo, o0, t00);
                      t10 = qg_smlad(we, e1, t10);
                      t10 = qg_smlad(wo, o1, t10);
                      we = qg_load4(ws + 2 * QG_K + 8 * k);
                      wo = qg_load4(ws + 2 * QG_K + 8 * k + 4);
                      t01 = qg_smlad(we, e0, t01);
                      t01 = qg_smlad(wo, o0, t01);
                      t11 = qg_smlad(we, e1, t11);
                      t11 = qg_smlad(wo, o1, t11);
                    }
                    {
                      const float lo0 = p0[s], sc0 = p0[QG_S + s], sq0 = p0[2 * QG_S + s];
                      const float lo1 = p1[s], sc1 = p1[QG_S + s], sq1 = p1[2 * QG_S + s];
                      const float e00 = eo[s], b00 = bo[s], d00 = dd[s], e01 = eo[QG_S + s], b01 = bo[QG_S + s], d01 = dd[QG_S + s];
                      if (lo0 == 0.0f && lo1 == 0.0f) {
                        /* lo 0 (most regions after a ReLU): lo*E is ±0, and
                         * ±0 + X is X, or ±0 when X is (see above) */
                        a00 = a00 + sc0 * (b00 * sq0 + d00 * (float)t00);
                        a10 = a10 + sc1 * (b00 * sq1 + d00 * (float)t10);
                        a01 = a01 + sc0 * (b01 * sq0 + d01 * (float)t01);
                        a11 = a11 + sc1 * (b01 * sq1 + d01 * (float)t11);
                      } else {
                        a00 = a00 + qg_lq_part(lo0, sc0, e00, b00, d00, sq0, (float)t00);
                        a10 = a10 + qg_lq_part(lo1, sc1, e00, b00, d00, sq1, (float)t10);
                        a01 = a01 + qg_lq_part(lo0, sc0, e01, b01, d01, sq0, (float)t01);
                        a11 = a11 + qg_lq_part(lo1, sc1, e01, b01, d01, sq1, (float)t11);
                      }
                    }
                  }
#if QG_POOL
                  /* straight into the running maximum, per channel the first position's then the second's */
                  {
                    float v = qg_lq_finish(a00, bias[o], QG_ACT);
                    pacc[o] = v > pacc[o] ? v : pacc[o];
                    v = qg_lq_finish(a01, bias[o + 1], QG_ACT);
                    pacc[o + 1] = v > pacc[o + 1] ? v : pacc[o + 1];
                    if (two) {
                      v = qg_lq_finish(a10, bias[o], QG_ACT);
                      pacc[o] = v > pacc[o] ? v : pacc[o];
                      v = qg_lq_finish(a11, bias[o + 1], QG_ACT);
                      pacc[o + 1] = v > pacc[o + 1] ? v : pacc[o + 1];
                    }
                  }
#else
                  y1[o] = qg_lq_finish(a00, bias[o], QG_ACT);
                  y1[o + 1] = qg_lq_finish(a01, bias[o + 1], QG_ACT);
                  y2[o] = qg_lq_finish(a10, bias[o], QG_ACT);
                  y2[o + 1] = qg_lq_finish(a11, bias[o + 1], QG_ACT);
#endif
                }
              }
            }
#if QG_POOL
          }
        }
        qg_lqp_pack(pacc, QG_O, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (poy * QG_POW + pox) * QG_O, yc, ylo, ys);
      }
#else
#if QG_OUT_PACKED
            qg_lqp_pack(y1, QG_O, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (oy * QG_OW + ox) * QG_O, yc, ylo, ys);
            if (two) qg_lqp_pack(y2, QG_O, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (oy * QG_OW + ox + 1) * QG_O, yc, ylo, ys);
#else
            for (o = 0; o < QG_O; ++o) y[(oy * QG_OW + ox) * QG_O + o] = y1[o];
            if (two)
              for (o = 0; o < QG_O; ++o) y[(oy * QG_OW + ox + 1) * QG_O + o] = y2[o];
#endif
          }
        }
      }
#endif
  }
#else
#if QG_POOL
  float *pacc = (float *)(scratch + QG_SCR_PACC);
  long poy, pox, pky, pkx;
  for (poy = 0; poy < QG_POH; ++poy)
    for (pox = 0; pox < QG_POW; ++pox) {
      for (o = 0; o < QG_O; ++o) pacc[o] = -INFINITY;
      for (pky = 0; pky < QG_PKH; ++pky) {
        oy = poy * QG_PSH - QG_PPT + pky;
        if (oy < 0 || oy >= QG_OH) continue;
        for (pkx = 0; pkx < QG_PKW; ++pkx) {
          ox = pox * QG_PSW - QG_PPL + pkx;
          if (ox < 0 || ox >= QG_OW) continue;
#else
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox) {
#endif
      for (grp = 0; grp < QG_G; ++grp) {
#if QG_IN_PACKED
        /* Tap t's codes at q + t*cg, its cg / QG_IN_R regions at rlo/rs + t*cg/QG_IN_R:
         * the patch regions [areg[r], areg[r+1]) are these blocks of QG_IN_R. */
        long t = 0;
        for (ky = 0; ky < QG_KH; ++ky)
          for (kx = 0; kx < QG_KW; ++kx, ++t) {
            const long iy = oy * QG_SH - QG_PT + ky * QG_DH, ix = ox * QG_SW - QG_PL + kx * QG_DW;
            const long r0 = t * (cg / QG_IN_R);
            if (iy >= 0 && iy < QG_H && ix >= 0 && ix < QG_W)
              qg_lqp_gather(xc, xlo, xs, (iy * QG_W + ix) * QG_C + grp * cg, cg, QG_IN_R, QG_IN_CB, q + t * cg, rlo + r0, rs + r0);
            else
              qg_lqp_zero(cg, QG_IN_R, q + t * cg, rlo + r0, rs + r0);
          }
#elif QG_R == 1 && !QG_A_WHOLE && QG_S == 1
        /* "kernel" activation regions, one segment (as conv2d_lq.c): the
         * patch's min / max taken while gathering it, Σq while coding it */
        qg_im2col_params_f32(x, QG_H, QG_W, QG_C, grp * cg, cg, oy * QG_SH - QG_PT, ox * QG_SW - QG_PL, QG_KH, QG_KW, QG_DH, QG_DW, patch,
                             QG_LA, &rlo[0], &rs[0]);
        sq[0] = qg_lq_codes_sum(patch, QG_K, rlo[0], rs[0], QG_LA, q);
#else
        qg_im2col_f32(x, QG_H, QG_W, QG_C, grp * cg, cg, oy * QG_SH - QG_PT, ox * QG_SW - QG_PL, QG_KH, QG_KW, QG_DH, QG_DW, patch);
        qg_lq_patch_codes(patch, areg, QG_R, QG_A_WHOLE, whole_lo, whole_s, QG_LA, rlo, rs, q);
#endif
#if !QG_IN_PACKED && QG_R == 1 && !QG_A_WHOLE && QG_S == 1
        /* Σq taken above */
#elif QG_LQP_BLOCK4
        /* every segment is QG_SEGLEN codes: USADA8 sums four at a time */
        for (s = 0; s < QG_S; ++s) sq[s] = qg_sum_u8(q + s * QG_SEGLEN, QG_SEGLEN);
#else
        for (s = 0; s < QG_S; ++s) {
          QG_ACC_T t2 = 0;
          for (j = seg[s]; j < seg[s + 1]; ++j) t2 += q[j];
          sq[s] = t2;
        }
#endif
#if QG_LQP_BLOCK4
        /* Four output channels at a time, each segment written out (QG_SEGLEN
         * codes, compile-time): each word of codes is loaded and widened
         * (UXTB16) once for the four weight rows, and the segment's region
         * parameters and Σq once; the last QG_SEGLEN % 4 codes one by one.
         * The dot products of up to 16 segments first, then their float
         * steps: per channel those of the loop below, in the same order. */
        for (o = grp * og; o < grp * og + og / 4 * 4; o += 4) {
          const uint8_t *w0 = codes + o * QG_K;
          const float *eo = e + o * QG_S, *bo = bb + o * QG_S, *dd = d + o * QG_S;
          float acc0 = 0.0f, acc1 = 0.0f, acc2 = 0.0f, acc3 = 0.0f;
          /* the four channels' Σp·q of up to 16 segments, then their float
           * steps (a small stack array; the dot loop keeps its registers) */
          int32_t tt[4 * 16];
          long s0;
          for (s0 = 0; s0 < QG_S; s0 += 16) {
          const long s1 = s0 + 16 < QG_S ? s0 + 16 : QG_S;
          for (s = s0; s < s1; ++s) {
            const uint8_t *qs = q + s * QG_SEGLEN, *ws = w0 + s * QG_SEGLEN;
            int32_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
            long k;
#pragma GCC unroll 16
            for (k = 0; k + 4 <= QG_SEGLEN; k += 4) {
              const uint32_t vq = qg_load4(qs + k);
              const uint32_t qe = qg_uxtb16(vq), qo = qg_uxtb16_ror8(vq);
              uint32_t v = qg_load4(ws + k);
              t0 = qg_smlad(qg_uxtb16(v), qe, t0);
              t0 = qg_smlad(qg_uxtb16_ror8(v), qo, t0);
              v = qg_load4(ws + QG_K + k);
              t1 = qg_smlad(qg_uxtb16(v), qe, t1);
              t1 = qg_smlad(qg_uxtb16_ror8(v), qo, t1);
              v = qg_load4(ws + 2 * QG_K + k);
              t2 = qg_smlad(qg_uxtb16(v), qe, t2);
              t2 = qg_smlad(qg_uxtb16_ror8(v), qo, t2);
              v = qg_load4(ws + 3 * QG_K + k);
              t3 = qg_smlad(qg_uxtb16(v), qe, t3);
              t3 = qg_smlad(qg_uxtb16_ror8(v), qo, t3);
            }
#pragma GCC unroll 4
            for (k = QG_SEGLEN / 4 * 4; k < QG_SEGLEN; ++k) {
              const int32_t c = qs[k];
              t0 = qg_mac_wrap(t0, ws[k], c);
              t1 = qg_mac_wrap(t1, ws[QG_K + k], c);
              t2 = qg_mac_wrap(t2, ws[2 * QG_K + k], c);
              t3 = qg_mac_wrap(t3, ws[3 * QG_K + k], c);
            }
            tt[4 * (s - s0)] = t0;
            tt[4 * (s - s0) + 1] = t1;
            tt[4 * (s - s0) + 2] = t2;
            tt[4 * (s - s0) + 3] = t3;
          }
          for (s = s0; s < s1; ++s) {
            const int32_t *ts = tt + 4 * (s - s0);
            const float lo = rlo[s], sc = rs[s], sqf = (float)sq[s];
            acc0 = acc0 + qg_lq_part(lo, sc, eo[s], bo[s], dd[s], sqf, (float)ts[0]);
            acc1 = acc1 + qg_lq_part(lo, sc, eo[QG_S + s], bo[QG_S + s], dd[QG_S + s], sqf, (float)ts[1]);
            acc2 = acc2 + qg_lq_part(lo, sc, eo[2 * QG_S + s], bo[2 * QG_S + s], dd[2 * QG_S + s], sqf, (float)ts[2]);
            acc3 = acc3 + qg_lq_part(lo, sc, eo[3 * QG_S + s], bo[3 * QG_S + s], dd[3 * QG_S + s], sqf, (float)ts[3]);
          }
          }
#if QG_OUT_PACKED
          ypix[o] = qg_lq_finish(acc0, bias[o], QG_ACT);
          ypix[o + 1] = qg_lq_finish(acc1, bias[o + 1], QG_ACT);
          ypix[o + 2] = qg_lq_finish(acc2, bias[o + 2], QG_ACT);
          ypix[o + 3] = qg_lq_finish(acc3, bias[o + 3], QG_ACT);
#else
          y[(oy * QG_OW + ox) * QG_O + o] = qg_lq_finish(acc0, bias[o], QG_ACT);
          y[(oy * QG_OW + ox) * QG_O + o + 1] = qg_lq_finish(acc1, bias[o + 1], QG_ACT);
          y[(oy * QG_OW + ox) * QG_O + o + 2] = qg_lq_finish(acc2, bias[o + 2], QG_ACT);
          y[(oy * QG_OW + ox) * QG_O + o + 3] = qg_lq_finish(acc3, bias[o + 3], QG_ACT);
#endif
        }
        /* the last og % 4 channels one at a time */
        for (o = grp * og + og / 4 * 4; o < (grp + 1) * og; ++o) {
#elif QG_DOT_U8
        /* Two output channels at a time: each word of codes is widened once
         * (UXTB16) for both weight rows; per channel the float steps are the
         * same, in the same order. */
        for (o = grp * og; o + 1 < (grp + 1) * og; o += 2) {
          const uint8_t *w0 = codes + o * QG_K, *w1 = w0 + QG_K;
          float acc0 = 0.0f, acc1 = 0.0f;
          for (s = 0; s < QG_S; ++s) {
#if QG_SEGLEN
            /* every segment is one activation region of QG_SEGLEN codes */
            const long a = s, c0 = o * QG_S + s, c1 = c0 + QG_S;
            long b = s * QG_SEGLEN;
            const long end = b + QG_SEGLEN;
#else
            const long a = seg_areg[s], c0 = o * QG_S + s, c1 = c0 + QG_S;
            long b = seg[s];
            const long end = seg[s + 1];
#endif
            const float sqf = (float)sq[s];
            int32_t d0 = 0, d1 = 0;
            for (; b + 4 <= end; b += 4) {
              const uint32_t vq = qg_load4(q + b), v0 = qg_load4(w0 + b), v1 = qg_load4(w1 + b);
              const uint32_t qe = qg_uxtb16(vq), qo = qg_uxtb16_ror8(vq);
              d0 = qg_smlad(qg_uxtb16(v0), qe, d0);
              d0 = qg_smlad(qg_uxtb16_ror8(v0), qo, d0);
              d1 = qg_smlad(qg_uxtb16(v1), qe, d1);
              d1 = qg_smlad(qg_uxtb16_ror8(v1), qo, d1);
            }
            for (; b < end; ++b) {
              d0 += (int32_t)w0[b] * (int32_t)q[b];
              d1 += (int32_t)w1[b] * (int32_t)q[b];
            }
            acc0 = acc0 + qg_lq_part(rlo[a], rs[a], e[c0], bb[c0], d[c0], sqf, (float)d0);
            acc1 = acc1 + qg_lq_part(rlo[a], rs[a], e[c1], bb[c1], d[c1], sqf, (float)d1);
          }
#if QG_OUT_PACKED
          ypix[o] = qg_lq_finish(acc0, bias[o], QG_ACT);
          ypix[o + 1] = qg_lq_finish(acc1, bias[o + 1], QG_ACT);
#else
          y[(oy * QG_OW + ox) * QG_O + o] = qg_lq_finish(acc0, bias[o], QG_ACT);
          y[(oy * QG_OW + ox) * QG_O + o + 1] = qg_lq_finish(acc1, bias[o + 1], QG_ACT);
#endif
        }
        /* an odd channel count: the last one alone */
        for (; o < (grp + 1) * og; ++o) {
#else
        for (o = grp * og; o < (grp + 1) * og; ++o) {
#endif
          const long p = o * QG_K;
          float acc = 0.0f;
          for (s = 0; s < QG_S; ++s) {
            const long a = seg_areg[s], ci = o * QG_S + s;
            QG_ACC_T spq = 0;
            float part;
#if QG_DOT_U8
            spq = qg_dot_u8(codes + p + seg[s], q + seg[s], seg[s + 1] - seg[s]);
#else
            for (j = seg[s]; j < seg[s + 1]; ++j) spq += (QG_ACC_T)QG_WCODE(p + j) * (QG_ACC_T)q[j];
#endif
            part = qg_lq_part(rlo[a], rs[a], e[ci], bb[ci], d[ci], (float)sq[s], (float)spq);
            acc = acc + part;
          }
#if QG_OUT_PACKED
          ypix[o] = qg_lq_finish(acc, bias[o], QG_ACT);
#else
          y[(oy * QG_OW + ox) * QG_O + o] = qg_lq_finish(acc, bias[o], QG_ACT);
#endif
        }
      }
#if QG_POOL
          for (o = 0; o < QG_O; ++o) pacc[o] = ypix[o] > pacc[o] ? ypix[o] : pacc[o];
        }
      }
      qg_lqp_pack(pacc, QG_O, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (poy * QG_POW + pox) * QG_O, yc, ylo, ys);
#elif QG_OUT_PACKED
      qg_lqp_pack(ypix, QG_O, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (oy * QG_OW + ox) * QG_O, yc, ylo, ys);
#endif
    }
#endif
}
#undef QG_WCODE
#undef QG_LQP_BLOCK4
