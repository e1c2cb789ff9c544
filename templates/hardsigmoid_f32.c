/* qg_hardsigmoid_f32__c: y = max(0, min(1, x * (1/6) + 0.5)), elementwise
 * (y may be x); PyTorch's Hardsigmoid, ONNX HardSigmoid with alpha 1/6 and
 * beta 0.5. Same float steps as the interpreter (compiler/interp/kernels.cpp). */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_hardsigmoid_f32__c_example
#define QG_N 16
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long i;
  for (i = 0; i < QG_N; ++i) {
    const float h = x[i] * (1.0f / 6.0f) + 0.5f;
    y[i] = h < 0.0f ? 0.0f : h > 1.0f ? 1.0f : h;
  }
}
