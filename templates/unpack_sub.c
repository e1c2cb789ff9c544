/* qg_unpack_a<B>__c: a packed sub-byte activation tensor (QG_IBITS 4 or 2:
 * unsigned codes, 8/bits per byte, little end first; docs/integer-only.md)
 * to one int8 code per byte with the same scale and zero point: the codes do
 * not change (a quantize node with an int8 input, inserted by quant::to_int8
 * before any consumer other than conv / dense). Compile-time: QG_N, QG_IBITS. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_unpack_a4__c_example
#define QG_N 15
#define QG_IBITS 4
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y) {
  const uint8_t *xb = (const uint8_t *)x;
  long i;
  for (i = 0; i < QG_N; ++i) y[i] = (int8_t)((xb[i / (8 / QG_IBITS)] >> ((i % (8 / QG_IBITS)) * QG_IBITS)) & ((1 << QG_IBITS) - 1));
}
