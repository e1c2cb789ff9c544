/* qg_batchnorm_f32__c: per-channel y = x*scale + shift (a batchnorm that could
 * not be folded into the layer before it). */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_batchnorm_f32__c_example
#define QG_N 12
#define QG_C 3
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y, const float *scale, const float *shift) {
  long i;
  for (i = 0; i < QG_N; ++i) y[i] = x[i] * scale[i % QG_C] + shift[i % QG_C];
}
