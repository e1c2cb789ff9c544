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
 * conv2d_i8.c.
 * Packed sub-byte activations (docs/integer-only.md, "Sub-byte activations";
 * qg_conv2d_a<I>o<O>_i8_halide__<target>): QG_IBITS 4 or 2 = the input is
 * unsigned codes, 8/bits per byte, little end first; the glue unpacks each
 * code q into the padded buffer as the int8 value q (+ QG_IN_OFFSET), which
 * is what conv2d_i8_sub.c multiplies. QG_OBITS 4 or 2 = the pipeline writes
 * one code per byte (its clamp [act_min, act_max] lies inside
 * [0, 2^bits - 1]) into scratch at QG_SCR_OUT, then the glue packs them into
 * the output, a whole byte at a time (the tail byte's unused high bits 0),
 * as conv2d_i8_sub.c stores them. */
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
#define QG_IBITS 8
#define QG_OBITS 8
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
#if QG_IBITS != 8 && !defined(QG_HALIDE_UNPACK_DECLARED)
#define QG_HALIDE_UNPACK_DECLARED
/* dst[k] = code(i + k) + offset for n codes of a packed tensor (bits 4 or 2,
 * 8/bits codes per byte, little end first): a partial first byte, whole
 * bytes, a partial last byte. */
static void qg_halide_unpack_offset(unsigned char *d, const uint8_t *xb, long i, long n, int bits, int offset) {
  const long per = 8 / bits;
  const unsigned mask = (1u << bits) - 1u;
  long k = 0;
  for (; k < n && (i + k) % per != 0; ++k) d[k] = (unsigned char)(((xb[(i + k) / per] >> (((i + k) % per) * bits)) & mask) + (unsigned)offset);
  if (bits == 4) {
    for (; k + 2 <= n; k += 2) {
      const unsigned b = xb[(i + k) / 2];
      d[k] = (unsigned char)((b & 15u) + (unsigned)offset);
      d[k + 1] = (unsigned char)((b >> 4) + (unsigned)offset);
    }
  } else {
    for (; k + 4 <= n; k += 4) {
      const unsigned b = xb[(i + k) / 4];
      d[k] = (unsigned char)((b & 3u) + (unsigned)offset);
      d[k + 1] = (unsigned char)(((b >> 2) & 3u) + (unsigned)offset);
      d[k + 2] = (unsigned char)(((b >> 4) & 3u) + (unsigned)offset);
      d[k + 3] = (unsigned char)((b >> 6) + (unsigned)offset);
    }
  }
  for (; k < n; ++k) d[k] = (unsigned char)(((xb[(i + k) / per] >> (((i + k) % per) * bits)) & mask) + (unsigned)offset);
}
#endif
#if QG_OBITS != 8 && !defined(QG_HALIDE_PACK_DECLARED)
#define QG_HALIDE_PACK_DECLARED
/* Packs n codes (one per byte, each inside [0, 2^bits - 1]) into
 * ceil(n * bits / 8) bytes, little end first; the last byte's unused high
 * bits are 0. */
static void qg_halide_pack(uint8_t *y, const int8_t *v, long n, int bits) {
  const long per = 8 / bits;
  long j = 0, k;
  for (; j + per <= n; j += per) {
    unsigned b = 0;
    for (k = 0; k < per; ++k) b |= (unsigned)(uint8_t)v[j + k] << (k * bits);
    y[j / per] = (uint8_t)b;
  }
  if (j < n) {
    unsigned b = 0;
    for (k = 0; j + k < n; ++k) b |= (unsigned)(uint8_t)v[j + k] << (k * bits);
    y[j / per] = (uint8_t)b;
  }
}
#endif
static void QG_FN(const int8_t *x, int8_t *y, unsigned char *scratch) {
  long py, px, c;
  struct qg_halide_dim din[3] = {{0, QG_CP, 1, 0}, {0, QG_WP, QG_CP, 0}, {0, QG_HP, QG_CP * QG_WP, 0}};
  struct qg_halide_dim dout[3] = {{0, QG_O, 1, 0}, {0, QG_OW, QG_O, 0}, {0, QG_OH, QG_O * QG_OW, 0}};
  struct qg_halide_buffer bin, bout;
  unsigned char *padded = scratch + QG_SCR_PADDED;
#if QG_IBITS != 8
  const uint8_t *xb = (const uint8_t *)x;
#endif
  /* The padded input at scratch offset QG_SCR_PADDED (and a packed output's
   * codes at QG_SCR_OUT): the compiler's layout (select/select.cpp); a
   * compile error (negative array size) if it differs. */
#if QG_OBITS == 8
  int8_t *yo = y;
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_PADDED + (long)QG_HP * QG_WP * QG_CP ? 1 : -1]);
#else
  int8_t *yo = (int8_t *)(scratch + QG_SCR_OUT);
  (void)sizeof(char[QG_SCR_OUT >= QG_SCR_PADDED + (long)QG_HP * QG_WP * QG_CP ? 1 : -1]);
  (void)sizeof(char[QG_SCRATCH_BYTES == QG_SCR_OUT + (long)QG_OH * QG_OW * QG_O ? 1 : -1]);
#endif
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
#if QG_IBITS == 8
      if (n > 0) qg_halide_copy_offset(row + left * QG_CP, x + (iy * QG_W + skip) * QG_C, n * QG_C, QG_IN_OFFSET);
#else
      if (n > 0) qg_halide_unpack_offset(row + left * QG_CP, xb, (iy * QG_W + skip) * QG_C, n * QG_C, QG_IBITS, QG_IN_OFFSET);
#endif
      if (left + (n > 0 ? n : 0) < QG_WP)
        memset(row + (left + (n > 0 ? n : 0)) * QG_CP, QG_PAD, (size_t)((QG_WP - left - (n > 0 ? n : 0)) * QG_CP));
    } else {
      px = 0;
#if QG_IBITS == 8 && QG_CP == 4 && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
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
#if QG_IBITS == 8
          const int8_t *s = x + (iy * QG_W + ix) * QG_C;
          for (; c < QG_C; ++c) d[c] = (unsigned char)((int)s[c] + QG_IN_OFFSET);
#else
          qg_halide_unpack_offset(d, xb, (iy * QG_W + ix) * QG_C, QG_C, QG_IBITS, QG_IN_OFFSET);
          c = QG_C;
#endif
        }
        for (; c < QG_CP; ++c) d[c] = QG_PAD;
      }
    }
  }
  bin = qg_halide_buffer8(padded, QG_IN_TYPE_CODE, QG_DIMS, din); /* 1: uint8, 0: int8 */
  bout = qg_halide_buffer8(yo, 0, QG_DIMS, dout);
  (void)QG_HL_FN(&bin, &bout);
#if QG_OBITS != 8
  qg_halide_pack((uint8_t *)y, yo, (long)QG_OH * QG_OW * QG_O, QG_OBITS);
#endif
}
