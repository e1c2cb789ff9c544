/* qg_conv2d_f32__c: float 2-D convolution (groups, stride, dilation, padding),
 * HWC activations, OHWI weights. Padded taps are skipped; each output sums its
 * taps in (ky, kx, c) order, then adds the bias, then applies QG_ACT. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_f32__c_example
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
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y, const float *weight, const float *bias) {
  const long cg = QG_C / QG_G, og = QG_O / QG_G;
  long oy, ox, o, ky, kx, c;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
      for (o = 0; o < QG_O; ++o) {
        const long grp = o / og;
        float acc = 0.0f;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
            const float *wp, *xp;
            if (ix < 0 || ix >= QG_W) continue;
            wp = weight + ((o * QG_KH + ky) * QG_KW + kx) * cg;
            xp = x + (iy * QG_W + ix) * QG_C + grp * cg;
            for (c = 0; c < cg; ++c) acc = acc + wp[c] * xp[c];
          }
        }
        acc = acc + bias[o];
#if QG_ACT >= 1
        acc = acc > 0.0f ? acc : 0.0f;
#endif
#if QG_ACT == 2
        acc = acc < 6.0f ? acc : 6.0f;
#endif
        y[(oy * QG_OW + ox) * QG_O + o] = acc;
      }
}
