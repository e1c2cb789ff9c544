/* qg_conv2d_a<A>w<W>r<R>_mac__c: LQ / DQ quantized 2-D convolution (Yang et
 * al.), portable C99. For every output position and group: gather the im2col
 * patch in (ky, kx, c) order (zero padding included), quantize it region by
 * region at run time, then per output channel and segment combine the exact
 * integer sums Σq and Σp·q with the compile-time constants E, B, D:
 *   acc = lo_a*E + s_a*(B*(float)Σq + D*(float)Σp·q),  y = Σ_seg acc + bias.
 * Scratch: K floats (patch), 2R floats (region lo, s), padded to 8 bytes,
 * S accumulators (Σq), K bytes (codes), at the offsets QG_SCR_PATCH, _RLO,
 * _RS, _SQ, _CODES the compiler chose (select/select.cpp, fill_lq_mac); a
 * compile-time check below rejects a layout that does not hold them.
 * Weight codes: one per byte (QG_WPACK 8), or packed QG_WPACK = 4, 2 or 1 bits
 * each, little-end first within a byte, rows back to back (code i of the
 * layer at bit (i * QG_WPACK) % 8 of byte i * QG_WPACK / 8).
 * QG_DOT_U8 (byte codes, 32-bit sums): Σp·q of four output channels per pass
 * over the patch's codes (qg_dot4_u8: each code word loaded and unpacked
 * once; SIMD on DSP targets), the 1-3 channels left of a group by qg_dot_u8.
 * With "kernel" activation regions and one segment (QG_PAIR) two output
 * positions at a time times two channels (qg_dot2x2_u8); the second
 * position's codes are written over its own float patch, so the scratch
 * layout is the same.
 * "kernel" activation regions (QG_R == 1, not the whole tensor): the patch's
 * min / max are taken while gathering it (qg_im2col_params_f32) and Σq while
 * coding it (qg_lq_codes_sum) - the same comparisons and sums in the same
 * order as the general path. Codes by qg_quantize_fast (qg_lq.h: equal to
 * qg_quantize for every input, fewer instructions on Arm FPUs).
 * Compile-time (a body is shared by the layers where they are equal): the
 * shape macros and the QG_ settings above; per layer, passed at the call: the
 * region / segment index tables (areg, seg, seg_areg), the weight codes and
 * the constants e, bb (B), d and bias. */
#include <stdint.h>
#include "../runtime/qg_lq.h"
#include "../runtime/qg_arm_dsp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_a8w8rk_mac__c_example
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
#define QG_ACT 0
#define QG_K 18
#define QG_LA 255
#define QG_R 1
#define QG_S 1
#define QG_A_WHOLE 0
#define QG_PADDED 1
#define QG_ACC_T int32_t
#define QG_WPACK 8
#define QG_DOT_U8 0
#define QG_SCRATCH_BYTES 102
#define QG_SCR_PATCH 0
#define QG_SCR_RLO 72
#define QG_SCR_RS 76
#define QG_SCR_SQ 80
#define QG_SCR_CODES 84
/* QG_TEMPLATE_DEFAULTS_END */
#if QG_WPACK == 8
#define QG_WCODE(i) (codes[i])
#else
#define QG_WCODE(i) ((codes[(i) / (8 / QG_WPACK)] >> (((i) % (8 / QG_WPACK)) * QG_WPACK)) & ((1 << QG_WPACK) - 1))
#endif
/* Two output positions per pass: "kernel" regions, one segment, byte codes. */
#define QG_PAIR (QG_R == 1 && !QG_A_WHOLE && QG_S == 1 && QG_DOT_U8)
static void QG_FN(const float *x, float *y, unsigned char *scratch, const int32_t *areg, const int32_t *seg, const int32_t *seg_areg,
                  const uint8_t *codes, const float *e, const float *bb, const float *d, const float *bias) {
  const long cg = QG_C / QG_G, og = QG_O / QG_G;
  float *patch = (float *)(scratch + QG_SCR_PATCH);
  float *rlo = (float *)(scratch + QG_SCR_RLO);
  float *rs = (float *)(scratch + QG_SCR_RS);
  QG_ACC_T *sq = (QG_ACC_T *)(scratch + QG_SCR_SQ); /* 8-byte aligned */
  uint8_t *q = scratch + QG_SCR_CODES;
  long oy, ox, grp, o, ob, j, s;
  float whole_lo = 0.0f, whole_s = 1.0f;
  /* The parts in order, without overlap, Σq 8-byte aligned, the total exact;
   * a compile error (negative array size) otherwise. */
  (void)sizeof(char[(QG_SCR_RLO >= QG_SCR_PATCH + QG_K * (long)sizeof(float) && QG_SCR_RS >= QG_SCR_RLO + QG_R * (long)sizeof(float) &&
                     QG_SCR_SQ >= QG_SCR_RS + QG_R * (long)sizeof(float) && QG_SCR_SQ % 8 == 0 &&
                     QG_SCR_CODES >= QG_SCR_SQ + QG_S * (long)sizeof(QG_ACC_T) && QG_SCRATCH_BYTES == QG_SCR_CODES + QG_K)
                        ? 1
                        : -1]);
  (void)areg; /* not read by every configuration */
  (void)j;
  (void)ob;
  (void)whole_lo;
  (void)whole_s;
#if QG_A_WHOLE
  qg_region_params(x, (long)QG_H * QG_W * QG_C, QG_PADDED, QG_LA, &whole_lo, &whole_s);
#endif
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
      for (grp = 0; grp < QG_G; ++grp) {
#if QG_PAIR
        /* Two output positions (ox, ox + 1) at a time: the codes of the
         * first in q, those of the second written over its own patch (byte j
         * after float j is read: never a float still to be read), then every
         * code word of both and weight word of two channels loaded once. */
        if (ox + 1 < QG_OW) {
          const long iy0 = oy * QG_SH - QG_PT, ix0 = ox * QG_SW - QG_PL;
          uint8_t *qb = (uint8_t *)patch;
          float lo0, s0, lo1, s1;
          int32_t sq0, sq1;
          float *y0 = y + (oy * QG_OW + ox) * QG_O, *y1 = y0 + QG_O;
          qg_im2col_params_f32(x, QG_H, QG_W, QG_C, grp * cg, cg, iy0, ix0, QG_KH, QG_KW, QG_DH, QG_DW, patch, QG_LA, &lo0, &s0);
          sq0 = qg_lq_codes_sum(patch, QG_K, lo0, s0, QG_LA, q);
          qg_im2col_params_f32(x, QG_H, QG_W, QG_C, grp * cg, cg, iy0, ix0 + QG_SW, QG_KH, QG_KW, QG_DH, QG_DW, patch, QG_LA, &lo1, &s1);
          sq1 = qg_lq_codes_sum(patch, QG_K, lo1, s1, QG_LA, qb);
          for (ob = 0; ob < og - 1; ob += 2) {
            int32_t spq[4] = {0, 0, 0, 0}; /* (ox, o) (ox, o+1) (ox+1, o) (ox+1, o+1) */
            o = grp * og + ob;
            qg_dot2x2_u8(codes + o * QG_K, QG_K, q, qb, QG_K, spq);
            y0[o] = qg_lq_finish(0.0f + qg_lq_part(lo0, s0, e[o], bb[o], d[o], (float)sq0, (float)spq[0]), bias[o], QG_ACT);
            y0[o + 1] = qg_lq_finish(0.0f + qg_lq_part(lo0, s0, e[o + 1], bb[o + 1], d[o + 1], (float)sq0, (float)spq[1]), bias[o + 1], QG_ACT);
            y1[o] = qg_lq_finish(0.0f + qg_lq_part(lo1, s1, e[o], bb[o], d[o], (float)sq1, (float)spq[2]), bias[o], QG_ACT);
            y1[o + 1] = qg_lq_finish(0.0f + qg_lq_part(lo1, s1, e[o + 1], bb[o + 1], d[o + 1], (float)sq1, (float)spq[3]), bias[o + 1], QG_ACT);
          }
#if (QG_O / QG_G) % 2 != 0
          o = grp * og + og - 1;
          y0[o] = qg_lq_finish(0.0f + qg_lq_part(lo0, s0, e[o], bb[o], d[o], (float)sq0, (float)qg_dot_u8(codes + o * QG_K, q, QG_K)), bias[o],
                               QG_ACT);
          y1[o] = qg_lq_finish(0.0f + qg_lq_part(lo1, s1, e[o], bb[o], d[o], (float)sq1, (float)qg_dot_u8(codes + o * QG_K, qb, QG_K)), bias[o],
                               QG_ACT);
#endif
          if (grp == QG_G - 1) ++ox; /* both positions done for every group */
          continue;
        }
#endif
#if QG_R == 1 && !QG_A_WHOLE
        /* "kernel" activation regions: one region, the patch; its min / max
         * taken while gathering it, Σq while coding it. */
        qg_im2col_params_f32(x, QG_H, QG_W, QG_C, grp * cg, cg, oy * QG_SH - QG_PT, ox * QG_SW - QG_PL, QG_KH, QG_KW, QG_DH, QG_DW, patch,
                             QG_LA, &rlo[0], &rs[0]);
#if QG_S == 1
        sq[0] = qg_lq_codes_sum(patch, QG_K, rlo[0], rs[0], QG_LA, q);
#else
        (void)qg_lq_codes_sum(patch, QG_K, rlo[0], rs[0], QG_LA, q);
#endif
#else
        qg_im2col_f32(x, QG_H, QG_W, QG_C, grp * cg, cg, oy * QG_SH - QG_PT, ox * QG_SW - QG_PL, QG_KH, QG_KW, QG_DH, QG_DW, patch);
        qg_lq_patch_codes(patch, areg, QG_R, QG_A_WHOLE, whole_lo, whole_s, QG_LA, rlo, rs, q);
#endif
#if !(QG_R == 1 && !QG_A_WHOLE && QG_S == 1)
        for (s = 0; s < QG_S; ++s) {
          QG_ACC_T t = 0;
          for (j = seg[s]; j < seg[s + 1]; ++j) t += q[j];
          sq[s] = t;
        }
#endif
#if QG_DOT_U8
        /* Four output channels per pass over the codes; the rest one by one. */
        for (ob = 0; ob < og - 3; ob += 4) {
          float acc4[4] = {0.0f, 0.0f, 0.0f, 0.0f};
          long k;
          o = grp * og + ob;
          for (s = 0; s < QG_S; ++s) {
            const long a = seg_areg[s];
            int32_t spq[4] = {0, 0, 0, 0};
            qg_dot4_u8(codes + o * QG_K + seg[s], QG_K, q + seg[s], seg[s + 1] - seg[s], spq);
            for (k = 0; k < 4; ++k) {
              const long ci = (o + k) * QG_S + s;
              acc4[k] = acc4[k] + qg_lq_part(rlo[a], rs[a], e[ci], bb[ci], d[ci], (float)sq[s], (float)spq[k]);
            }
          }
          for (k = 0; k < 4; ++k) y[(oy * QG_OW + ox) * QG_O + o + k] = qg_lq_finish(acc4[k], bias[o + k], QG_ACT);
        }
#else
        ob = 0;
#endif
#if !QG_DOT_U8 || (QG_O / QG_G) % 4 != 0
        for (; ob < og; ++ob) {
          const long p = (grp * og + ob) * QG_K;
          float acc = 0.0f;
          o = grp * og + ob;
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
          y[(oy * QG_OW + ox) * QG_O + o] = qg_lq_finish(acc, bias[o], QG_ACT);
        }
#endif
      }
}
#undef QG_WCODE
#undef QG_PAIR
