/* qg_maxpool2d_a<B>__c: int8-scheme max pooling straight on packed sub-byte
 * codes (QG_IBITS 4 or 2: unsigned codes, 8/bits per byte, little end first;
 * docs/integer-only.md). The output keeps the input's scale, zero point and
 * width, so it is packed the same way: the max of codes is the code of the max
 * (the same result as unpacking to int8 codes, pooling and packing again, with
 * no int8 copy in the arena). Valid taps only, then the clamp to [act_min,
 * act_max] (inside [0, 2^bits - 1], quant::activation_range_i8). A partial last
 * output byte keeps 0 in its unused bits. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_maxpool2d_a4__c_example
#define QG_IBITS 4
#define QG_H 4
#define QG_W 4
#define QG_C 3
#define QG_OH 2
#define QG_OW 2
#define QG_KH 2
#define QG_KW 2
#define QG_SH 2
#define QG_SW 2
#define QG_PT 0
#define QG_PL 0
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y, int32_t act_min, int32_t act_max) {
  enum { PER = 8 / QG_IBITS, MASK = (1 << QG_IBITS) - 1 };
  const uint8_t *xb = (const uint8_t *)x;
  uint8_t *yb = (uint8_t *)y;
  long oy, ox, c, ky, kx;
  unsigned acc_byte = 0u;
  long o = 0;
  for (oy = 0; oy < QG_OH; ++oy)
    for (ox = 0; ox < QG_OW; ++ox)
      for (c = 0; c < QG_C; ++c, ++o) {
        int32_t acc = -1;
        for (ky = 0; ky < QG_KH; ++ky) {
          const long iy = oy * QG_SH - QG_PT + ky;
          if (iy < 0 || iy >= QG_H) continue;
          for (kx = 0; kx < QG_KW; ++kx) {
            const long ix = ox * QG_SW - QG_PL + kx;
            long i;
            int32_t v;
            if (ix < 0 || ix >= QG_W) continue;
            i = (iy * QG_W + ix) * QG_C + c;
            v = (int32_t)((xb[i / PER] >> ((i % PER) * QG_IBITS)) & MASK);
            acc = v > acc ? v : acc;
          }
        }
        acc = acc < act_min ? act_min : acc;
        acc = acc > act_max ? act_max : acc;
        acc_byte |= ((unsigned)acc & MASK) << ((o % PER) * QG_IBITS);
        if (o % PER == PER - 1) {
          yb[o / PER] = (uint8_t)acc_byte;
          acc_byte = 0u;
        }
      }
  if (o % PER) yb[o / PER] = (uint8_t)acc_byte;
}
