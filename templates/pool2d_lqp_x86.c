/* qg_maxpool2d_f32_po__x86_64 / qg_avgpool2d_f32_po__x86_64: pool2d_lqp.c
 * (window pooling over HWC, output stored LQ-packed, docs/quantization.md
 * §11) with 8 channels per AVX2 operation and qg_x86_lqp_pack
 * (runtime/qg_lq_x86.h). Per channel the float steps are those of
 * pool2d_lqp.c in the same order: max: acc = v > acc ? v : acc (vmaxps(v,
 * acc) is exactly that), from -inf; average: acc = acc + v over the taps
 * inside the image, then acc / count; the channels past the last multiple
 * of 8 take the scalar code. YPIX holds one row of OW positions, packed
 * in one call. */
#include <math.h>
#include <stdint.h>
#include "../runtime/qg_lq_x86.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_maxpool2d_f32_po__x86_64_example
#define QG_MAX 1
#define QG_COUNT_PAD 0
#define QG_H 4
#define QG_W 4
#define QG_C 12
#define QG_OH 2
#define QG_OW 2
#define QG_KH 2
#define QG_KW 2
#define QG_SH 2
#define QG_SW 2
#define QG_PT 0
#define QG_PL 0
#define QG_OUT_R 4
#define QG_OUT_CB 4
#define QG_OUT_LA 15
#define QG_SCRATCH_BYTES 96
#define QG_SCR_YPIX 0
/* QG_TEMPLATE_DEFAULTS_END */
QG_X86_AVX2 static void QG_FN(const float *x, void *yv, unsigned char *scratch) {
  float *ypix = (float *)(scratch + QG_SCR_YPIX);
  uint8_t *yc = (uint8_t *)yv;
  float *ylo = (float *)(yc + QG_LQP_CODE_BYTES((long)QG_OH * QG_OW * QG_C, QG_OUT_CB));
  float *ys = ylo + (long)QG_OH * QG_OW * QG_C / QG_OUT_R;
  long oy, ox, c, ky, kx;
  float *yrow = ypix;
  (void)sizeof(char[(QG_SCRATCH_BYTES == QG_SCR_YPIX + QG_OW * QG_C * (long)sizeof(float) && QG_C % QG_OUT_R == 0) ? 1 : -1]);
  for (oy = 0; oy < QG_OH; ++oy) {
    for (ox = 0; ox < QG_OW; ++ox) {
      long count = 0;
      ypix = yrow + ox * QG_C;
      for (c = 0; c + 8 <= QG_C; c += 8) {
        __m256 acc = _mm256_set1_ps(QG_MAX ? -INFINITY : 0.0f);
        count = 0;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx;
            __m256 v;
            if (ix < 0 || ix >= QG_W) continue;
            v = _mm256_loadu_ps(x + (iy * QG_W + ix) * QG_C + c);
#if QG_MAX
            acc = _mm256_max_ps(v, acc);
#else
            acc = _mm256_add_ps(acc, v);
#endif
            ++count;
          }
        }
#if !QG_MAX
        acc = _mm256_div_ps(acc, _mm256_set1_ps((float)(QG_COUNT_PAD ? QG_KH * QG_KW : count)));
#endif
        _mm256_storeu_ps(ypix + c, acc);
      }
      for (; c < QG_C; ++c) {
        float acc = QG_MAX ? -INFINITY : 0.0f;
        count = 0;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx;
            float v;
            if (ix < 0 || ix >= QG_W) continue;
            v = x[(iy * QG_W + ix) * QG_C + c];
#if QG_MAX
            acc = v > acc ? v : acc;
#else
            acc = acc + v;
#endif
            ++count;
          }
        }
#if !QG_MAX
        acc = acc / (float)(QG_COUNT_PAD ? QG_KH * QG_KW : count);
#endif
        ypix[c] = acc;
      }
      (void)count;
    }
    /* the row's OW * C outputs (YPIX) packed in one call: its regions are
     * independent, so their latency overlaps */
    qg_x86_lqp_pack(yrow, QG_OW * QG_C, QG_OUT_R, QG_OUT_CB, QG_OUT_LA, oy * QG_OW * QG_C, yc, ylo, ys);
  }
}
