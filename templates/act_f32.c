/* qg_relu_f32__c / qg_relu6_f32__c: y = x > 0 ? x : 0, then (relu6)
 * y < 6 ? y : 6. */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_relu_f32__c_example
#define QG_N 16
#define QG_ACT 1
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long i;
  for (i = 0; i < QG_N; ++i) {
    float v = x[i];
    v = v > 0.0f ? v : 0.0f;
#if QG_ACT == 2
    v = v < 6.0f ? v : 6.0f;
#endif
    y[i] = v;
  }
}
