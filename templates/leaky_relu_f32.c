/* qg_leaky_relu_f32__c: y = x for x > 0, x * QG_ALPHA otherwise (TFLite's
 * float LEAKY_RELU), elementwise (y may be x). Same float steps as the
 * interpreter's k_leaky_relu (compiler/interp/kernels.cpp). QG_ALPHA is a
 * float literal written exactly (hex). */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_leaky_relu_f32__c_example
#define QG_N 16
#define QG_ALPHA 0x1.99999ap-3f
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long i;
  for (i = 0; i < QG_N; ++i) {
    const float v = x[i];
    y[i] = v > 0.0f ? v : v * QG_ALPHA;
  }
}
