/* qg_tanh_f32__c: y = tanh(x), elementwise (y may be x), as
 * e = qg_expf(-2|x|) (qg_expf takes arguments <= 0), t = (1 - e) / (1 + e),
 * y = -t for x < 0, else t. Same float steps as the interpreter
 * (compiler/interp/kernels.cpp). */
#include "../runtime/qg_common.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_tanh_f32__c_example
#define QG_N 16
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long i;
  for (i = 0; i < QG_N; ++i) {
    const float v = x[i], n = v < 0.0f ? v : -v, e = qg_expf(n + n), t = (1.0f - e) / (1.0f + e);
    y[i] = v < 0.0f ? -t : t;
  }
}
