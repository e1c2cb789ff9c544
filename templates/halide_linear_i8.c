/* qg_conv2d_i8_halide__<target> / qg_dense_i8_halide__<target>: C glue of an
 * int8 convolution or dense layer compiled ahead of time by Halide (function
 * QG_HL_FN in <prefix>_halide.o; see docs/halide.md). The glue writes the
 * input into arena scratch as the padded buffer the pipeline reads:
 * QG_HP x QG_WP pixels of QG_CP channels (C rounded up to 4), each value
 * x + QG_IN_OFFSET (128 on x86: vpdpbusd wants unsigned activations), the
 * padding and extra channels QG_PAD = zp_in + QG_IN_OFFSET, which the
 * pipeline's bias correction cancels exactly. It then describes both
 * buffers to Halide (halide_buffer_t, declared here layout-compatibly so the
 * package needs no Halide header) and calls the pipeline. Accumulation and
 * requantization (TFLite rounding) happen in the pipeline, bit-exact with
 * conv2d_i8.c. */
#include <stdint.h>
#include "../runtime/qg_halide.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_conv2d_i8_halide__example
#define QG_HL_FN qg_example_halide_layer
#define QG_H 5
#define QG_W 4
#define QG_C 2
#define QG_CP 4
#define QG_HP 7
#define QG_WP 6
#define QG_PT 1
#define QG_PL 1
#define QG_OH 5
#define QG_OW 4
#define QG_O 4
#define QG_DIMS 3
#define QG_IN_OFFSET 128
#define QG_PAD ((unsigned char)125)
#define QG_IN_TYPE_CODE 1
#define QG_SCRATCH_BYTES 168
#define QG_SCR_PADDED 0
/* QG_TEMPLATE_DEFAULTS_END */
int QG_HL_FN(struct qg_halide_buffer *in, struct qg_halide_buffer *out);
/* dst[i] = src[i] + QG_IN_OFFSET for n bytes: with an offset of 128 that is
 * src ^ 0x80, done 8 bytes at a time (memcpy keeps it free of aliasing UB). */
#ifndef QG_HALIDE_COPY_DECLARED
#define QG_HALIDE_COPY_DECLARED
#include <string.h>
static void qg_halide_copy_offset(unsigned char *d, const int8_t *s, long n, int offset) {
  long i = 0;
  if (offset == 0) {
    memcpy(d, s, (size_t)n);
    return;
  }
  for (; i + 8 <= n; i += 8) {
    uint64_t v;
    memcpy(&v, s + i, 8);
    v ^= 0x8080808080808080ull;
    memcpy(d + i, &v, 8);
  }
  for (; i < n; ++i) d[i] = (unsigned char)((int)s[i] + 128);
}
#endif
static void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch) {
  long py, px, c;
  struct qg_halide_dim din[3] = {{0, QG_CP, 1, 0}, {0, QG_WP, QG_CP, 0}, {0, QG_HP, QG_CP * QG_WP, 0}};
  struct qg_halide_dim dout[3] = {{0, QG_O, 1, 0}, {0, QG_OW, QG_O, 0}, {0, QG_OH, QG_O * QG_OW, 0}};
  struct qg_halide_buffer bin, bout;
  unsigned char *padded = scratch + QG_SCR_PADDED;
  /* The padded input at scratch offset QG_SCR_PADDED: the compiler's layout
   * (select/select.cpp); a compile error (negative array size) if it differs. */
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_PADDED + (long)QG_HP * QG_WP * QG_CP ? 1 : -1]);
  for (py = 0; py < QG_HP; ++py) {
    const long iy = py - QG_PT;
    unsigned char *row = padded + py * QG_WP * QG_CP;
    if (iy < 0 || iy >= QG_H) {
      memset(row, QG_PAD, (size_t)(QG_WP * QG_CP));
    } else if (QG_C == QG_CP) {
      /* Left border, the W pixels of the input row (contiguous), right border. */
      const long left = QG_PL < 0 ? 0 : QG_PL, skip = QG_PL < 0 ? -QG_PL : 0;
      const long n = (QG_W - skip < QG_WP - left ? QG_W - skip : QG_WP - left);
      memset(row, QG_PAD, (size_t)(left * QG_CP));
      if (n > 0) qg_halide_copy_offset(row + left * QG_CP, x + (iy * QG_W + skip) * QG_C, n * QG_C, QG_IN_OFFSET);
      if (left + (n > 0 ? n : 0) < QG_WP)
        memset(row + (left + (n > 0 ? n : 0)) * QG_CP, QG_PAD, (size_t)((QG_WP - left - (n > 0 ? n : 0)) * QG_CP));
    } else {
      px = 0;
#if QG_CP == 4 && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      /* 1-3 channels padded to 4 (first layers: RGB, audio): one 32-bit word
       * per pixel, read from the pixel's C bytes and the next ones (masked
       * off): the input pixels whose 4 bytes end inside the input row
       * (nword of them); the rest take the byte loop. */
      {
        const uint32_t keep = (uint32_t)((1ull << (8 * QG_C)) - 1u);
        const uint32_t off = QG_IN_OFFSET ? 0x80808080u & keep : 0u;
        const uint32_t pad = ((uint32_t)QG_PAD * 0x01010101u) & ~keep;
        const long nword = QG_W * QG_C >= 4 ? (QG_W * QG_C - 4) / QG_C + 1 : 0;
        const long first = QG_PL > 0 ? QG_PL : 0, last = nword + QG_PL; /* padded x: [first, last) read words */
        for (; px < first && px < QG_WP; ++px) memset(row + px * QG_CP, QG_PAD, QG_CP);
        for (; px < last && px < QG_WP; ++px) {
          uint32_t v;
          memcpy(&v, x + (iy * QG_W + px - QG_PL) * QG_C, 4);
          v = ((v & keep) ^ off) | pad;
          memcpy(row + px * QG_CP, &v, 4);
        }
      }
#endif
      for (; px < QG_WP; ++px) {
        const long ix = px - QG_PL;
        unsigned char *d = row + px * QG_CP;
        c = 0;
        if (ix >= 0 && ix < QG_W) {
          const int8_t *s = x + (iy * QG_W + ix) * QG_C;
          for (; c < QG_C; ++c) d[c] = (unsigned char)((int)s[c] + QG_IN_OFFSET);
        }
        for (; c < QG_CP; ++c) d[c] = QG_PAD;
      }
    }
  }
  bin = qg_halide_buffer8(padded, QG_IN_TYPE_CODE, QG_DIMS, din); /* 1: uint8, 0: int8 */
  bout = qg_halide_buffer8(y, 0, QG_DIMS, dout);
  (void)QG_HL_FN(&bin, &bout);
}
