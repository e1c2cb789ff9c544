/* qg_hardswish_f32__c: y = x * hardsigmoid(x), hardsigmoid(x) = max(0, min(1,
 * x * (1/6) + 0.5)), elementwise (y may be x). Same float steps as the
 * interpreter (compiler/interp/kernels.cpp). */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_hardswish_f32__c_example
#define QG_N 16
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long i;
  for (i = 0; i < QG_N; ++i) {
    const float v = x[i], h = v * (1.0f / 6.0f) + 0.5f;
    y[i] = v * (h < 0.0f ? 0.0f : h > 1.0f ? 1.0f : h);
  }
}
