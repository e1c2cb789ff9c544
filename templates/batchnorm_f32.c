/* qg_batchnorm_f32__c: per-channel y = x*scale + shift (a batchnorm that could
 * not be folded into the layer before it). */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_batchnorm_f32__c_example
#define QG_N 12
#define QG_C 3
static const float qg_example_scale[3] = {1, 1, 1}, qg_example_shift[3] = {0, 0, 0};
#define QG_SCALE qg_example_scale
#define QG_SHIFT qg_example_shift
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long i;
  for (i = 0; i < QG_N; ++i) y[i] = x[i] * QG_SCALE[i % QG_C] + QG_SHIFT[i % QG_C];
}
