/* m7 DSP: int8 dot products with __sxtb16/__smlad (<arm_acle.h>, ARMv7E-M
 * SIMD32) against a scalar reference, including the extreme values. */
#include <arm_acle.h>
#include <stdint.h>
#include <string.h>

#include "board.h"

#ifndef __ARM_FEATURE_SIMD32
#error "expected __ARM_FEATURE_SIMD32 with -mcpu=cortex-m7"
#endif
#ifndef __ARM_FEATURE_DSP
#error "expected __ARM_FEATURE_DSP with -mcpu=cortex-m7"
#endif

static uint32_t rd32(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* sum a[i]*b[i], n a multiple of 4: bytes 0,2 via sxtb16(x), bytes 1,3 via sxtb16(x ror 8). */
__attribute__((noinline)) static int32_t dot_dsp(const int8_t *a, const int8_t *b, int n, int32_t acc) {
  int i;
  for (i = 0; i < n; i += 4) {
    uint32_t x = rd32(a + i), y = rd32(b + i);
    int16x2_t xe = __sxtb16((int8x4_t)x), ye = __sxtb16((int8x4_t)y);
    int16x2_t xo = __sxtb16((int8x4_t)((x >> 8) | (x << 24)));
    int16x2_t yo = __sxtb16((int8x4_t)((y >> 8) | (y << 24)));
    acc = __smlad(xe, ye, acc);
    acc = __smlad(xo, yo, acc);
  }
  return acc;
}

__attribute__((noinline)) static int32_t dot_ref(const int8_t *a, const int8_t *b, int n, int32_t acc) {
  int i;
  for (i = 0; i < n; ++i) acc += (int32_t)a[i] * (int32_t)b[i];
  return acc;
}

int main(void) {
  static int8_t a[64], b[64];
  uint32_t s = 12345u;
  int i, bad = 0;
  int32_t r, want;
  for (i = 0; i < 64; ++i) {
    s = s * 1103515245u + 12345u;
    a[i] = (int8_t)(s >> 16);
    s = s * 1103515245u + 12345u;
    b[i] = (int8_t)(s >> 16);
  }
  r = dot_dsp(a, b, 64, 7);
  want = dot_ref(a, b, 64, 7);
  qg_board_puts("random dot: ");
  qg_board_put_i64(r);
  qg_board_puts(" reference ");
  qg_board_put_i64(want);
  qg_board_puts("\n");
  bad |= r != want;

  /* extremes: -128*-128 and 127*-128 */
  for (i = 0; i < 64; ++i) {
    a[i] = (int8_t)(i & 1 ? 127 : -128);
    b[i] = -128;
  }
  r = dot_dsp(a, b, 64, -5);
  want = dot_ref(a, b, 64, -5);
  qg_board_puts("extreme dot: ");
  qg_board_put_i64(r);
  qg_board_puts(" reference ");
  qg_board_put_i64(want);
  qg_board_puts("\n");
  bad |= r != want || want != -5 + 32 * 16384 - 32 * 16256;

  /* one SMLAD by hand: (3 * -4) + (-2 * 5) + 100 = 78 */
  r = __smlad((int16x2_t)(((uint32_t)(uint16_t)-2 << 16) | 3u), (int16x2_t)((5u << 16) | (uint16_t)-4), 100);
  qg_board_puts("smlad: ");
  qg_board_put_i64(r);
  qg_board_puts("\n");
  bad |= r != 78;
  qg_board_puts(bad ? "qg-m7 dsp: FAIL\n" : "qg-m7 dsp: PASS\n");
  return bad;
}
