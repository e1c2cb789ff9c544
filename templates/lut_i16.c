/* qg_<op>_i16__c: TFLite's 16x8 LOGISTIC (QG_TANH 0, qg_sigmoid_i16__c) or
 * TANH (QG_TANH 1, qg_tanh_i16__c) on int16 codes, elementwise (y may be x):
 * runtime/qg_fixed.h qg_logistic_i16 / qg_tanh_i16, which read TFLite's
 * sigmoid table with linear interpolation. Compile-time: QG_N, QG_TANH;
 * passed at the call: the input rescale (m, s) from quant::lower_int8. */
#include "../runtime/qg_fixed.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_sigmoid_i16__c_example
#define QG_N 16
#define QG_TANH 0
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int16_t *x, int16_t *y, int32_t m, int32_t s) {
  long i;
  for (i = 0; i < QG_N; ++i) y[i] = QG_TANH ? qg_tanh_i16(x[i], m, (int)s) : qg_logistic_i16(x[i], m, (int)s);
}
