/* qg_avgpool2d_i8_dsp__cortex_m7: TFLite int8 average pooling (same results
 * as pool2d_i8.c) when every window lies inside the image (no padding: the
 * count is QG_KH * QG_KW for every output) and KH * KW <= 255, four channels
 * per step: SXTB16 / SXTB16-ROR8 split a word of four int8 values into
 * halfword pairs (c, c+2), (c+1, c+3) and UADD16 adds them lane by lane (the
 * sums, |sum| <= 128 * 255 < 2^15, never leave a lane; lane-wise modulo
 * addition is exact for them). Then as pool2d_i8.c: the sum divided by the
 * count, rounding half away from zero, clamped to [act_min, act_max]. The
 * compiler selects it (compiler/select/select.cpp, when_dsp_avgpool); it
 * takes pool2d_i8.c's parameters (QG_MAX is 0, QG_PT / QG_PL are 0,
 * QG_COUNT_PAD does not matter). */
#include <stdint.h>
#include "../runtime/qg_arm_dsp.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_avgpool2d_i8_dsp__cortex_m7_example
#define QG_MAX 0
#define QG_H 4
#define QG_W 4
#define QG_C 6
#define QG_OH 2
#define QG_OW 2
#define QG_KH 2
#define QG_KW 2
#define QG_SH 2
#define QG_SW 2
#define QG_PT 0
#define QG_PL 0
#define QG_COUNT_PAD 0
/* QG_TEMPLATE_DEFAULTS_END */
/* the compiler's conditions (a compile error, negative array size, otherwise) */
typedef char QG_CAT(QG_FN, _valid)[(!QG_MAX && QG_PT == 0 && QG_PL == 0 && (QG_OH - 1) * QG_SH + QG_KH <= QG_H &&
                                    (QG_OW - 1) * QG_SW + QG_KW <= QG_W && QG_KH * QG_KW <= 255)
                                       ? 1
                                       : -1];
#define QG_COUNT (QG_KH * QG_KW)
#define QG_AVG(s) QG_CAT(QG_FN, _avg)((s), act_min, act_max)
QG_INLINE int8_t QG_CAT(QG_FN, _avg)(int32_t acc, int32_t act_min, int32_t act_max) {
  acc = acc > 0 ? (acc + QG_COUNT / 2) / QG_COUNT : (acc - QG_COUNT / 2) / QG_COUNT;
  acc = acc < act_min ? act_min : acc;
  acc = acc > act_max ? act_max : acc;
  return (int8_t)acc;
}
static void QG_FN(const int8_t *x, int8_t *y, int32_t act_min, int32_t act_max) {
  long oy, ox, c, ky, kx;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox) {
      const int8_t *base = x + (oy * QG_SH * QG_W + ox * QG_SW) * QG_C;
      int8_t *out = y + (oy * QG_OW + ox) * QG_C;
      for (c = 0; c + 4 <= QG_C; c += 4) {
        uint32_t lo = 0, hi = 0; /* lanes: channels (c, c+2) and (c+1, c+3) */
        for (ky = 0; ky < QG_KH; ++ky)
          for (kx = 0; kx < QG_KW; ++kx) {
            const uint32_t v = qg_load4(base + (ky * QG_W + kx) * QG_C + c);
            lo = qg_uadd16(lo, qg_sxtb16(v));
            hi = qg_uadd16(hi, qg_sxtb16_ror8(v));
          }
        {
          /* lane j of four: channel c + j (one division body: less code) */
          int j;
          _Pragma("GCC unroll 1") for (j = 0; j < 4; ++j) {
            const uint32_t w = (j & 1) ? hi : lo;
            out[c + j] = QG_AVG((int16_t)(((j & 2) ? w >> 16 : w) & 0xffffu));
          }
        }
      }
      for (; c < QG_C; ++c) {
        int32_t acc = 0;
        for (ky = 0; ky < QG_KH; ++ky)
          for (kx = 0; kx < QG_KW; ++kx) acc += base[(ky * QG_W + kx) * QG_C + c];
        out[c] = QG_AVG(acc);
      }
    }
}
#undef QG_COUNT
#undef QG_AVG
