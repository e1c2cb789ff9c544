/* qg_sigmoid_f32__c: y = 1 / (1 + exp(-x)), elementwise (y may be x), as
 * e = qg_expf(-|x|) (qg_expf takes arguments <= 0): y = 1 / (1 + e) for
 * x >= 0, e / (1 + e) below. Same float steps as the interpreter
 * (compiler/interp/kernels.cpp). */
#include "../runtime/qg_common.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_sigmoid_f32__c_example
#define QG_N 16
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long i;
  for (i = 0; i < QG_N; ++i) {
    const float v = x[i], e = qg_expf(v < 0.0f ? v : -v);
    y[i] = v >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
  }
}
