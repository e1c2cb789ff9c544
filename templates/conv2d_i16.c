/* qg_conv2d_i16__c / qg_dense_i16__c: TFLite's 16x8 convolution (int16
 * activations, int8 weights; reference_integer_ops::ConvPerChannel /
 * DepthwiseConvPerChannel / FullyConnected on int16). acc = Σ w·x over the
 * taps inside the image in int64 (activation zero points are 0), + the int64
 * bias, requantized per output channel by QG_REQUANT: qg_mbqm64 (TFLite's
 * int64 MultiplyByQuantizedMultiplier, conv / depthwise) or qg_mbqm64_single
 * (its fully-connected kernel), clamped to [act_min, act_max].
 * The compiler bounds |acc| below 2^47 (frontend/tflite.cpp). A dense layer is
 * a 1x1 convolution over a 1x1 image.
 * Compile-time (a body is shared by the layers where they are equal): the
 * shape macros and QG_REQUANT; per layer, passed at the call: the tables (weight OHWI, bias,
 * mult, shift per output channel) and the clamp. */
#include <stdint.h>
#include "../runtime/qg_fixed.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_i16__c_example
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
#define QG_REQUANT qg_mbqm64
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int16_t *x, int16_t *y, const int8_t *weight, const int64_t *bias, const int32_t *mult, const int32_t *shift,
                  int32_t act_min, int32_t act_max) {
  const long cg = QG_C / QG_G, og = QG_O / QG_G;
  long oy, ox, o, ky, kx, c;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
      for (o = 0; o < QG_O; ++o) {
        const long grp = o / og;
        int64_t acc = 0;
        int32_t r;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky * QG_DH;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx * QG_DW;
            const int8_t *wp;
            const int16_t *xp;
            if (ix < 0 || ix >= QG_W) continue;
            wp = weight + ((o * QG_KH + ky) * QG_KW + kx) * cg;
            xp = x + (iy * QG_W + ix) * QG_C + grp * cg;
            for (c = 0; c < cg; ++c) acc += (int32_t)wp[c] * (int32_t)xp[c];
          }
        }
        acc += bias[o];
        r = QG_REQUANT(acc, mult[o], shift[o]);
        r = r < act_min ? act_min : r;
        r = r > act_max ? act_max : r;
        y[(oy * QG_OW + ox) * QG_O + o] = (int16_t)r;
      }
}
