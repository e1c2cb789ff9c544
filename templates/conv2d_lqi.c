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
 * Per layer, passed at the call: areg / seg / seg_areg index tables, the
 * weight codes (one per byte), Em / Bm / Dm [O][S], rq [O][4] (pre-shift r,
 * multiplier M, shift N, bias on the output grid), st = {S_in, S_out}, and
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
#define QG_SCRATCH_BYTES 74
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
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y, unsigned char *scratch, const int32_t *areg, const int32_t *seg, const int32_t *seg_areg,
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
  (void)sizeof(char[(QG_SCR_RLO >= QG_SCR_G + QG_K * (long)sizeof(int16_t) && QG_SCR_RLO % 4 == 0 &&
                     QG_SCR_RD >= QG_SCR_RLO + QG_R * (long)sizeof(int32_t) && QG_SCR_SQ >= QG_SCR_RD + QG_R * (long)sizeof(int32_t) &&
                     QG_SCR_SQ % 8 == 0 && QG_SCR_CODES >= QG_SCR_SQ + QG_S * (long)sizeof(QG_ACC_T) &&
                     QG_SCRATCH_BYTES >= QG_SCR_CODES + QG_K)
                        ? 1
                        : -1]);
#if QG_PIX
  (void)sizeof(char[(QG_C / QG_G % QG_RB == 0 && QG_R == QG_K / QG_RB && QG_SCR_ALLQ >= QG_SCR_CODES + QG_K &&
                     QG_SCR_ALLLO >= QG_SCR_ALLQ + (long)QG_H * QG_W * QG_C && QG_SCR_ALLLO % 2 == 0 &&
                     QG_SCR_ALLD >= QG_SCR_ALLLO + 2L * QG_H * QG_W * QG_C / QG_RB && QG_SCR_ALLD % 2 == 0 &&
                     QG_SCRATCH_BYTES == QG_SCR_ALLD + 2L * QG_H * QG_W * QG_C / QG_RB)
                        ? 1
                        : -1]);
#else
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_CODES + QG_K ? 1 : -1]);
#endif
  (void)ob;
  (void)ky;
  (void)kx;
#if QG_PIX
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
    }
  }
#endif
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
      for (grp = 0; grp < QG_G; ++grp) {
#if QG_PIX
        {
          const uint8_t *allq = scratch + QG_SCR_ALLQ;
          const int16_t *alllo = (const int16_t *)(scratch + QG_SCR_ALLLO), *alld = (const int16_t *)(scratch + QG_SCR_ALLD);
          const long nb = cg / QG_RB; /* regions per tap */
          long t = 0;
          for (ky = 0; ky < QG_KH; ++ky) {
            const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
            for (kx = 0; kx < QG_KW; ++kx, ++t) {
              const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
              if (iy >= 0 && iy < QG_H && ix >= 0 && ix < QG_W) {
                const long base = (iy * QG_W + ix) * QG_C + grp * cg;
                for (j = 0; j < cg; ++j) q[t * cg + j] = allq[base + j];
                for (j = 0; j < nb; ++j) {
                  rlo[t * nb + j] = alllo[base / QG_RB + j];
                  rd[t * nb + j] = alld[base / QG_RB + j];
                }
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
              t4[k] += qg_lqi_part(rlo[a], rd[a], em[ci], bm[ci], dm[ci], sq[s], spq[k]);
            }
          }
          for (k = 0; k < 4; ++k) {
            const int32_t *p = rq + 4 * (o + k);
            y[(oy * QG_OW + ox) * QG_O + o + k] = (float)qg_lqi_requant(t4[k], (int)p[0], p[1], (int)p[2], p[3], amin, amax) * s_out;
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
            t += qg_lqi_part(rlo[a], rd[a], em[ci], bm[ci], dm[ci], sq[s], spq);
          }
          y[(oy * QG_OW + ox) * QG_O + o] = (float)qg_lqi_requant(t, (int)p[0], p[1], (int)p[2], p[3], amin, amax) * s_out;
        }
      }
}
