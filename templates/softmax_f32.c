/* qg_softmax_f32__c: softmax over the channel axis of each of QG_ROWS rows:
 * m = max, e_i = qg_expf(x_i - m), sum in order, y_i = e_i / sum. */
#include "../runtime/qg_common.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_softmax_f32__c_example
#define QG_ROWS 1
#define QG_C 10
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long r, c;
  for (r = 0; r < QG_ROWS; ++r) {
    const float *xr = x + r * QG_C;
    float *yr = y + r * QG_C;
    float m = xr[0], sum = 0.0f;
    for (c = 1; c < QG_C; ++c) m = xr[c] > m ? xr[c] : m;
    for (c = 0; c < QG_C; ++c) {
      yr[c] = qg_expf(xr[c] - m);
      sum = sum + yr[c];
    }
    for (c = 0; c < QG_C; ++c) yr[c] = yr[c] / sum;
  }
}
