/* qg_conv2d_a<A>w<W>r<R>_lqi__c: integer-only LQ 2-D convolution / dense
 * ("scheme": "lq_int", docs/quantization.md §12), portable C99; with
 * QG_DOT_U8 (DSP targets) Σp·q by qg_dot4_u8 / qg_dot_u8 (UXTB16 + SMLAD).
 * For every output position and group: the im2col patch as int16 grid values
 * (qg_lqi_grid of each input value on the input step S_in; padding taps 0),
 * per activation region (lo, d) and codes, Σq per segment; per output channel
 * T = Σ_seg lo*Em + (Bm*Σq + Dm*Σp·q)*d (int64, qg_lqi_part, segments in
 * ascending order), then qg_lqi_requant and y = (float)v * S_out.
 * Bit-exact with interp/kernels_lqi.cpp: the same runtime functions
 * (runtime/qg_lqi.h) on the same integers.
 * Scratch: K int16 (grid patch), R int32 (lo), R int32 (d), S QG_ACC_T (Σq,
 * 8-byte aligned), K bytes (codes), at QG_SCR_G, _RLO, _RD, _SQ, _CODES
 * (select/select.cpp, fill_lqi); a compile-time check rejects a layout
 * that does not hold them.
 * QG_PIX (integer regions of QG_RB values inside one input pixel, Cg % RB
 * == 0): every region of a patch is a region of one input pixel, with the
 * same values in every patch that reads it, so the layer first computes the
 * codes (QG_H*QG_W*QG_C bytes at QG_SCR_ALLQ) and (lo, d) (int16 each, at
 * QG_SCR_ALLLO / _ALLD) of every input region once, and each patch copies
 * them per tap; a padding tap is the region of Cg zeros: lo 0, d 1, codes 0,
 * what qg_lqi_region / qg_lqi_code give for zeros. Same integers as the
 * per-patch path, so the same outputs.
 * QG_LQI_FAST (QG_PIX on DSP targets, every segment one activation region
 * of QG_RB values, d·Σp·q < 2^31 for every step d of the code range: checked
 * by select/select.cpp, fill_lqi): the layer also keeps d·Σq per input region
 * (int32, QG_SCR_ALLDSQ), and the patches are not copied: per position a
 * list of its valid segments (input offset, weight offset, constants
 * offset, lo, d, d·Σq: 6 int32 per segment at QG_SCR_SEGV), then the dot products read the input's codes
 * in place, four output channels per pass (each code word loaded and widened
 * once, SMLAD; up to 16 segments, then their combination), and each segment's
 * share lo·Em + Bm·(d·Σq) + Dm·(d·Σp·q) is three 32×32→64 multiply-adds.
 * QG_LQI_D32 (d·Σp·q < 2^31 for the longest segment, any path): the same
 * by qg_lqi_part32.
 * Its constants come interleaved: the em argument is [O][S][3] (Em, Bm, Dm
 * of one channel and segment together; bm and dm are unused, null).
 * Its weight codes are widened at compile time (codegen/c_emitter.cpp,
 * lqi_wide_codes): 2 bytes per code, little-endian, and in each group of 4
 * codes of a segment stored in the order w0 w2 w1 w3, so that the two words
 * are UXTB16 of the byte layout's word and of it rotated by 8 (the SMLAD
 * operands without unpacking); the last QG_RB % 4 codes of a segment in order.
 * These are the integers of qg_lqi_part (exact: every term and partial sum
 * is bounded by the compile-time bound of |T| < 2^62). Padding taps are
 * skipped: their regions have lo 0, Σq 0, Σp·q 0, so their share is the
 * integer 0.
 * QG_IN_PACKED (kernel name "...p_lqi..."; needs QG_PIX with QG_IN_R ==
 * QG_RB): the input is stored LQ-packed in the lq_int form (ir::LqPacked
 * with lqi, runtime/qg_lqi.h, docs/quantization.md §12 "Packed storage"):
 * its producer already computed the codes and (lo, d) of every region, on
 * this layer's input grid, so there is no grid division, no region scan and
 * no ALL* scratch; each valid tap's codes are unpacked (qg_lqp_codes) into
 * the patch codes (CODES) and its (lo, d) read from the tensor. With
 * QG_LQI_FAST d·Σq is computed per segment from those codes.
 * QG_OUT_PACKED ("..._po"): the output grid values v of one position (QG_O
 * int16 at QG_SCR_YG) are packed (qg_lqi_pack: regions of QG_OUT_R channels,
 * QG_OUT_CB-bit codes, one region's codes at QG_SCR_YQ) instead of being
 * stored as v * S_out: the grid values its consumers recover from v * S_out
 * are v (docs/quantization.md §12, "Grid"), so the bytes are those of
 * packing the float output.
 * QG_POOL 1 (kernel name "..._mp_po", select.cpp fuse_lq_pools): a max pool
 * (window QG_PKH x QG_PKW, stride QG_PSH x QG_PSW, padding QG_PPT / QG_PPL,
 * output QG_POH x QG_POW) fused after the convolution, whose output is
 * lq_int-packed: per pool position the conv's output grid values of the
 * window's valid taps (YG) and their running maximum (int32 at QG_SCR_PACC),
 * then (float)max * S_out on the pool output's grid (step st[2]) and packed:
 * the floats the pool would take the maximum of (v -> (float)v * S_out is
 * strictly increasing), without the conv's float output.
 * Per layer, passed at the call: areg / seg / seg_areg index tables, the
 * weight codes (one per byte), Em / Bm / Dm [O][S], rq [O][4] (pre-shift r,
 * multiplier M, shift N, bias on the output grid), st = {S_in, S_out} (and
 * the pool output's step with QG_POOL), and
 * the clamp (amin, amax) of the fused activation on the output grid. */
#include <stdint.h>
#include "../runtime/qg_lqi.h"
#include "../runtime/qg_arm_dsp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_a8w8rk_lqi__c_example
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
#define QG_K 18
#define QG_LA 255
#define QG_R 1
#define QG_S 1
#define QG_ACC_T int32_t
#define QG_DOT_U8 0
#define QG_SCRATCH_BYTES 76
#define QG_SCR_G 0
#define QG_SCR_RLO 36
#define QG_SCR_RD 40
#define QG_SCR_SQ 48
#define QG_SCR_CODES 56
#define QG_PIX 0
#define QG_RB 1
#define QG_SCR_ALLQ 0
#define QG_SCR_ALLLO 0
#define QG_SCR_ALLD 0
#define QG_LQI_FAST 0
#define QG_LQI_D32 0
#define QG_SCR_ALLDSQ 0
#define QG_SCR_SEGV 0
#define QG_IN_PACKED 0
#define QG_IN_R 1
#define QG_IN_CB 8
#define QG_OUT_PACKED 0
#define QG_OUT_R 1
#define QG_OUT_CB 8
#define QG_OUT_LA 255
#define QG_SCR_YG 74
#define QG_SCR_YQ 74
#define QG_SCR_PACC 76
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
/* the input values the layer scans itself (none when it reads packed codes) */
#define QG_NALL (QG_IN_PACKED ? 0L : (long)QG_H * QG_W * QG_C)
#if QG_OUT_PACKED
#define QG_LQI_OUT(pos, o, v) ((void)(pos), yg[o] = (int16_t)(v))
#else
#define QG_LQI_OUT(pos, o, v) (y[(pos) * QG_O + (o)] = (float)(v) * s_out)
#endif
static void QG_FN(const void *xv, void *yv, unsigned char *scratch, const int32_t *areg, const int32_t *seg, const int32_t *seg_areg,
                  const uint8_t *codes, const int32_t *em, const int32_t *bm, const int32_t *dm, const int32_t *rq, const float *st,
                  int32_t amin, int32_t amax) {
  const long cg = QG_C / QG_G, og = QG_O / QG_G;
  int16_t *gp = (int16_t *)(scratch + QG_SCR_G);
  int32_t *rlo = (int32_t *)(scratch + QG_SCR_RLO);
  int32_t *rd = (int32_t *)(scratch + QG_SCR_RD);
  QG_ACC_T *sq = (QG_ACC_T *)(scratch + QG_SCR_SQ); /* 8-byte aligned */
  uint8_t *q = scratch + QG_SCR_CODES;
  const float s_in = st[0], s_out = st[1];
  long oy, ox, grp, o, ob, j, s, r, ky, kx;
#if QG_IN_PACKED
  const uint8_t *xc = (const uint8_t *)xv;
  const int16_t *xlo = (const int16_t *)(xc + QG_LQP_CODE_BYTES((long)QG_H * QG_W * QG_C, QG_IN_CB));
  const uint8_t *xdx = (const uint8_t *)(xlo + (long)QG_H * QG_W * QG_C / QG_IN_R);
#else
  const float *x = (const float *)xv;
#endif
#if QG_OUT_PACKED
  int16_t *yg = (int16_t *)(scratch + QG_SCR_YG);
  uint8_t *yc = (uint8_t *)yv;
  /* the packed output: the conv's, or with QG_POOL the pool's */
  const long yn = (QG_POOL ? (long)QG_POH * QG_POW : (long)QG_OH * QG_OW) * QG_O;
  int16_t *ylo = (int16_t *)(yc + QG_LQP_CODE_BYTES(yn, QG_OUT_CB));
  uint8_t *ydx = (uint8_t *)(ylo + yn / QG_OUT_R);
  (void)s_out;
#else
  float *y = (float *)yv;
#endif
#if QG_POOL
  int32_t *pacc = (int32_t *)(scratch + QG_SCR_PACC);
  long poy, pox, pky, pkx;
#endif
  (void)s_in;
  (void)gp;
  (void)sizeof(char[(QG_SCR_RLO >= QG_SCR_G + QG_K * (long)sizeof(int16_t) && QG_SCR_RLO % 4 == 0 &&
                     QG_SCR_RD >= QG_SCR_RLO + QG_R * (long)sizeof(int32_t) && QG_SCR_SQ >= QG_SCR_RD + QG_R * (long)sizeof(int32_t) &&
                     QG_SCR_SQ % 8 == 0 && QG_SCR_CODES >= QG_SCR_SQ + QG_S * (long)sizeof(QG_ACC_T) &&
                     QG_SCR_YG >= QG_SCR_CODES + QG_K && QG_SCR_YG % 2 == 0 &&
                     QG_SCR_YQ == QG_SCR_YG + (QG_OUT_PACKED ? 2L * QG_O : 0) &&
                     QG_SCR_PACC >= QG_SCR_YQ + (QG_OUT_PACKED ? QG_OUT_R : 0) && QG_SCR_PACC % 4 == 0 &&
                     QG_SCRATCH_BYTES == QG_SCR_PACC + (QG_POOL ? 4L * QG_O : 0) && (!QG_POOL || QG_OUT_PACKED) &&
                     (!QG_IN_PACKED || (QG_PIX && QG_IN_R == QG_RB)) && (!QG_OUT_PACKED || QG_O % QG_OUT_R == 0))
                        ? 1
                        : -1]);
#if QG_PIX
  (void)sizeof(char[(QG_C / QG_G % QG_RB == 0 && QG_R == QG_K / QG_RB && QG_SCR_ALLQ >= QG_SCR_CODES + QG_K &&
                     QG_SCR_ALLLO >= QG_SCR_ALLQ + QG_NALL && QG_SCR_ALLLO % 2 == 0 &&
                     QG_SCR_ALLD >= QG_SCR_ALLLO + 2L * QG_NALL / QG_RB && QG_SCR_ALLD % 2 == 0)
                        ? 1
                        : -1]);
#if QG_LQI_FAST
  (void)sizeof(char[(QG_DOT_U8 && QG_S * QG_RB == QG_K && QG_SCR_ALLDSQ % 4 == 0 &&
                     QG_SCR_ALLDSQ >= QG_SCR_ALLD + 2L * QG_NALL / QG_RB && QG_SCR_SEGV % 4 == 0 &&
                     QG_SCR_SEGV >= QG_SCR_ALLDSQ + 4L * QG_NALL / QG_RB && QG_SCR_YG >= QG_SCR_SEGV + 24L * QG_S)
                        ? 1
                        : -1]);
#else
  (void)sizeof(char[QG_SCR_YG >= QG_SCR_ALLD + 2L * QG_NALL / QG_RB ? 1 : -1]);
#endif
#endif
  (void)ob;
  (void)ky;
  (void)kx;
#if QG_PIX && !QG_IN_PACKED
  {
    uint8_t *allq = scratch + QG_SCR_ALLQ;
    int16_t *alllo = (int16_t *)(scratch + QG_SCR_ALLLO), *alld = (int16_t *)(scratch + QG_SCR_ALLD);
    long i;
    for (i = 0; i < (long)QG_H * QG_W * QG_C / QG_RB; ++i) {
      int32_t lo, dd;
      const float *src = x + i * QG_RB;
      for (j = 0; j < QG_RB; ++j) gp[j] = (int16_t)qg_lqi_grid(src[j], s_in);
      qg_lqi_region(gp, QG_RB, QG_LA, &lo, &dd);
      alllo[i] = (int16_t)lo;
      alld[i] = (int16_t)dd;
      for (j = 0; j < QG_RB; ++j) allq[i * QG_RB + j] = (uint8_t)qg_lqi_code(gp[j], lo, dd, QG_LA);
#if QG_LQI_FAST
      ((int32_t *)(scratch + QG_SCR_ALLDSQ))[i] = dd * qg_sum_u8(allq + i * QG_RB, QG_RB);
#endif
    }
  }
#endif
#if QG_LQI_FAST
  (void)bm;
  (void)dm;
  (void)gp;
  (void)rlo;
  (void)rd;
  (void)sq;
  (void)q;
  (void)areg;
  (void)seg;
  (void)seg_areg;
  (void)s;
  (void)r;
  (void)j;
#endif
#if QG_POOL
  for (poy = 0; poy < QG_POH; ++poy)
    for (pox = 0; pox < QG_POW; ++pox) {
      for (o = 0; o < QG_O; ++o) pacc[o] = INT32_MIN;
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
#if QG_LQI_FAST
#if QG_IN_PACKED
        const uint8_t *allq = q; /* the valid taps' codes, unpacked at q + t * cg */
#else
        const uint8_t *allq = scratch + QG_SCR_ALLQ;
        const int16_t *alllo = (const int16_t *)(scratch + QG_SCR_ALLLO), *alld = (const int16_t *)(scratch + QG_SCR_ALLD);
        const int32_t *alldsq = (const int32_t *)(scratch + QG_SCR_ALLDSQ);
#endif
        const long nb = cg / QG_RB; /* regions (= segments) per tap */
        /* the valid segments of this patch (padding taps skipped): first code
         * in the input, segment index, and the region's lo, d, d·Σq */
        int32_t *desc = (int32_t *)(scratch + QG_SCR_SEGV); /* 6 int32 per valid segment */
        long nv = 0, t = 0, v0;
        const long pos = oy * QG_OW + ox;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
          for (kx = 0; kx < QG_KW; ++kx, ++t) {
            const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
            if (iy >= 0 && iy < QG_H && ix >= 0 && ix < QG_W) {
              const long a0 = (iy * QG_W + ix) * QG_C + grp * cg;
              long m;
#if QG_IN_PACKED
              qg_lqp_codes(xc, a0, cg, QG_IN_CB, q + t * cg);
#endif
              for (m = 0; m < nb; ++m, ++nv) {
                const long ri = a0 / QG_RB + m;
                int32_t *dv = desc + 6 * nv;
                dv[1] = (int32_t)(2 * (t * nb + m) * QG_RB); /* first weight byte in the row */
                dv[2] = (int32_t)(3 * (t * nb + m));        /* (Em, Bm, Dm) of the segment */
#if QG_IN_PACKED
                dv[0] = (int32_t)(t * cg + m * QG_RB); /* first code in q */
                dv[3] = xlo[ri];
                dv[4] = qg_lqi_step_of(xdx[ri]);
                dv[5] = dv[4] * qg_sum_u8(q + t * cg + m * QG_RB, QG_RB);
#else
                dv[0] = (int32_t)(a0 + m * QG_RB);          /* first code in the input */
                dv[3] = alllo[ri];
                dv[4] = alld[ri];
                dv[5] = alldsq[ri];
#endif
              }
            }
          }
        }
        for (ob = 0; ob + 4 <= og; ob += 4) {
          const long o0 = grp * og + ob;
          const uint8_t *w0 = codes + 2 * o0 * QG_K;
          int64_t T[4] = {0, 0, 0, 0};
          /* the four channels' Σp·q of up to 16 segments, then their
           * combination two channels at a time (the dot loop keeps its
           * registers, the combination its 64-bit accumulators) */
          int32_t t4[4 * 16];
          for (v0 = 0; v0 < nv; v0 += 16) {
            const long v1 = v0 + 16 < nv ? v0 + 16 : nv;
            long v, kk;
            for (v = v0; v < v1; ++v) {
              /* weights widened (QG_LQI_FAST layout): 2 bytes per code, row
               * stride 2·QG_K bytes */
              const uint8_t *qs = allq + desc[6 * v], *ws = w0 + desc[6 * v + 1];
              int32_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
              long k;
#pragma GCC unroll 16
              for (k = 0; k + 4 <= QG_RB; k += 4) {
                const uint32_t wq = qg_load4(qs + k);
                const uint32_t qe = qg_uxtb16(wq), qo = qg_uxtb16_ror8(wq);
                t0 = qg_smlad(qg_load4(ws + 2 * k), qe, t0);
                t0 = qg_smlad(qg_load4(ws + 2 * k + 4), qo, t0);
                t1 = qg_smlad(qg_load4(ws + 2 * QG_K + 2 * k), qe, t1);
                t1 = qg_smlad(qg_load4(ws + 2 * QG_K + 2 * k + 4), qo, t1);
                t2 = qg_smlad(qg_load4(ws + 4 * QG_K + 2 * k), qe, t2);
                t2 = qg_smlad(qg_load4(ws + 4 * QG_K + 2 * k + 4), qo, t2);
                t3 = qg_smlad(qg_load4(ws + 6 * QG_K + 2 * k), qe, t3);
                t3 = qg_smlad(qg_load4(ws + 6 * QG_K + 2 * k + 4), qo, t3);
              }
#pragma GCC unroll 4
              for (k = QG_RB / 4 * 4; k < QG_RB; ++k) {
                const int32_t c = qs[k];
                t0 = qg_mac_wrap(t0, ws[2 * k], c);
                t1 = qg_mac_wrap(t1, ws[2 * QG_K + 2 * k], c);
                t2 = qg_mac_wrap(t2, ws[4 * QG_K + 2 * k], c);
                t3 = qg_mac_wrap(t3, ws[6 * QG_K + 2 * k], c);
              }
              t4[4 * (v - v0)] = t0;
              t4[4 * (v - v0) + 1] = t1;
              t4[4 * (v - v0) + 2] = t2;
              t4[4 * (v - v0) + 3] = t3;
            }
            for (kk = 0; kk < 4; kk += 2) {
              const int32_t *ea = em + 3 * (o0 + kk) * QG_S;
              int64_t Ta = T[kk], Tb = T[kk + 1];
              for (v = v0; v < v1; ++v) {
                const int32_t *dv = desc + 6 * v, *ca = ea + dv[2], *cb = ca + 3 * QG_S;
                const int32_t lo = dv[3], dd = dv[4], dsq = dv[5];
                Ta += (int64_t)lo * ca[0];
                Ta += (int64_t)ca[1] * dsq;
                Ta += (int64_t)ca[2] * (dd * t4[4 * (v - v0) + kk]);
                Tb += (int64_t)lo * cb[0];
                Tb += (int64_t)cb[1] * dsq;
                Tb += (int64_t)cb[2] * (dd * t4[4 * (v - v0) + kk + 1]);
              }
              T[kk] = Ta;
              T[kk + 1] = Tb;
            }
          }
          {
            const int32_t *p = rq + 4 * o0;
            QG_LQI_OUT(pos, o0, qg_lqi_requant(T[0], (int)p[0], p[1], (int)p[2], p[3], amin, amax));
            QG_LQI_OUT(pos, o0 + 1, qg_lqi_requant(T[1], (int)p[4], p[5], (int)p[6], p[7], amin, amax));
            QG_LQI_OUT(pos, o0 + 2, qg_lqi_requant(T[2], (int)p[8], p[9], (int)p[10], p[11], amin, amax));
            QG_LQI_OUT(pos, o0 + 3, qg_lqi_requant(T[3], (int)p[12], p[13], (int)p[14], p[15], amin, amax));
          }
        }
        /* the last og % 4 channels one at a time */
        for (; ob < og; ++ob) {
          const int32_t *e0;
          const uint8_t *w0;
          int64_t T0 = 0;
          long v;
          o = grp * og + ob;
          e0 = em + 3 * o * QG_S;
          w0 = codes + 2 * o * QG_K;
          for (v = 0; v < nv; ++v) {
            const int32_t *dv = desc + 6 * v, *c = e0 + dv[2];
            const uint8_t *qs = allq + dv[0], *ws = w0 + dv[1];
            int32_t t0 = 0;
            long k;
            for (k = 0; k + 4 <= QG_RB; k += 4) {
              const uint32_t wq = qg_load4(qs + k);
              t0 = qg_smlad(qg_load4(ws + 2 * k), qg_uxtb16(wq), t0);
              t0 = qg_smlad(qg_load4(ws + 2 * k + 4), qg_uxtb16_ror8(wq), t0);
            }
            for (; k < QG_RB; ++k) t0 = qg_mac_wrap(t0, ws[2 * k], qs[k]);
            T0 += (int64_t)dv[3] * c[0] + (int64_t)c[1] * dv[5] + (int64_t)c[2] * (dv[4] * t0);
          }
          QG_LQI_OUT(pos, o, qg_lqi_requant(T0, (int)rq[4 * o], rq[4 * o + 1], (int)rq[4 * o + 2], rq[4 * o + 3], amin, amax));
        }
#else /* QG_LQI_FAST */
#if QG_PIX
        {
#if !QG_IN_PACKED
          const uint8_t *allq = scratch + QG_SCR_ALLQ;
          const int16_t *alllo = (const int16_t *)(scratch + QG_SCR_ALLLO), *alld = (const int16_t *)(scratch + QG_SCR_ALLD);
#endif
          const long nb = cg / QG_RB; /* regions per tap */
          long t = 0;
          for (ky = 0; ky < QG_KH; ++ky) {
            const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
            for (kx = 0; kx < QG_KW; ++kx, ++t) {
              const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
              if (iy >= 0 && iy < QG_H && ix >= 0 && ix < QG_W) {
                const long base = (iy * QG_W + ix) * QG_C + grp * cg;
#if QG_IN_PACKED
                qg_lqi_gather(xc, xlo, xdx, base, cg, QG_RB, QG_IN_CB, q + t * cg, rlo + t * nb, rd + t * nb);
#else
                for (j = 0; j < cg; ++j) q[t * cg + j] = allq[base + j];
                for (j = 0; j < nb; ++j) {
                  rlo[t * nb + j] = alllo[base / QG_RB + j];
                  rd[t * nb + j] = alld[base / QG_RB + j];
                }
#endif
              } else {
                for (j = 0; j < cg; ++j) q[t * cg + j] = 0;
                for (j = 0; j < nb; ++j) {
                  rlo[t * nb + j] = 0;
                  rd[t * nb + j] = 1;
                }
              }
            }
          }
          (void)r;
          (void)areg;
        }
#else
        {
        int16_t *pg = gp;
        /* The patch's grid values, (ky, kx, c) order; padding taps are 0. */
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
          for (kx = 0; kx < QG_KW; ++kx, pg += cg) {
            const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
            if (iy >= 0 && iy < QG_H && ix >= 0 && ix < QG_W) {
              const float *src = x + (iy * QG_W + ix) * QG_C + grp * cg;
              for (j = 0; j < cg; ++j) pg[j] = (int16_t)qg_lqi_grid(src[j], s_in);
            } else {
              for (j = 0; j < cg; ++j) pg[j] = 0;
            }
          }
        }
        for (r = 0; r < QG_R; ++r) {
          const long b = areg[r], e = areg[r + 1];
          qg_lqi_region(gp + b, e - b, QG_LA, &rlo[r], &rd[r]);
          for (j = b; j < e; ++j) q[j] = (uint8_t)qg_lqi_code(gp[j], rlo[r], rd[r], QG_LA);
        }
        }
#endif
        for (s = 0; s < QG_S; ++s) {
          QG_ACC_T t = 0;
          for (j = seg[s]; j < seg[s + 1]; ++j) t += q[j];
          sq[s] = t;
        }
#if QG_DOT_U8
        /* Four output channels per pass over the codes; the rest one by one. */
        for (ob = 0; ob < og - 3; ob += 4) {
          int64_t t4[4] = {0, 0, 0, 0};
          long k;
          o = grp * og + ob;
          for (s = 0; s < QG_S; ++s) {
            const long a = seg_areg[s];
            int32_t spq[4] = {0, 0, 0, 0};
            qg_dot4_u8(codes + o * QG_K + seg[s], QG_K, q + seg[s], seg[s + 1] - seg[s], spq);
            for (k = 0; k < 4; ++k) {
              const long ci = (o + k) * QG_S + s;
#if QG_LQI_D32
              t4[k] += qg_lqi_part32(rlo[a], rd[a], em[ci], bm[ci], dm[ci], (int32_t)sq[s], spq[k]);
#else
              t4[k] += qg_lqi_part(rlo[a], rd[a], em[ci], bm[ci], dm[ci], sq[s], spq[k]);
#endif
            }
          }
          for (k = 0; k < 4; ++k) {
            const int32_t *p = rq + 4 * (o + k);
            QG_LQI_OUT(oy * QG_OW + ox, o + k, qg_lqi_requant(t4[k], (int)p[0], p[1], (int)p[2], p[3], amin, amax));
          }
        }
#else
        ob = 0;
#endif
        for (; ob < og; ++ob) {
          const uint8_t *pw;
          const int32_t *p;
          int64_t t = 0;
          o = grp * og + ob;
          pw = codes + o * QG_K;
          p = rq + 4 * o;
          for (s = 0; s < QG_S; ++s) {
            const long a = seg_areg[s], ci = o * QG_S + s;
            QG_ACC_T spq = 0;
#if QG_DOT_U8
            spq = qg_dot_u8(pw + seg[s], q + seg[s], seg[s + 1] - seg[s]);
#else
            for (j = seg[s]; j < seg[s + 1]; ++j) spq += (QG_ACC_T)pw[j] * (QG_ACC_T)q[j];
#endif
#if QG_LQI_D32
            t += qg_lqi_part32(rlo[a], rd[a], em[ci], bm[ci], dm[ci], (int32_t)sq[s], (int32_t)spq);
#else
            t += qg_lqi_part(rlo[a], rd[a], em[ci], bm[ci], dm[ci], sq[s], spq);
#endif
          }
          QG_LQI_OUT(oy * QG_OW + ox, o, qg_lqi_requant(t, (int)p[0], p[1], (int)p[2], p[3], amin, amax));
        }
#endif /* QG_LQI_FAST */
      }
#if QG_POOL
          for (o = 0; o < QG_O; ++o) pacc[o] = yg[o] > pacc[o] ? yg[o] : pacc[o];
        }
      }
      /* the pool's floats, (float)v * S_out of the largest v (the float
       * maximum: v -> (float)v * S_out is strictly increasing on int16), on
       * the grid of the pool output's step */
      for (o = 0; o < QG_O; ++o) yg[o] = (int16_t)qg_lqi_grid((float)pacc[o] * s_out, st[2]);
      qg_lqi_pack(yg, QG_O, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (poy * QG_POW + pox) * QG_O, yc, ylo, ydx, scratch + QG_SCR_YQ);
    }
#else
#if QG_OUT_PACKED
      qg_lqi_pack(yg, QG_O, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, (oy * QG_OW + ox) * QG_O, yc, ylo, ydx, scratch + QG_SCR_YQ);
#endif
    }
#endif
}
#undef QG_NALL
#undef QG_LQI_OUT
