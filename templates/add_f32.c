/* qg_add_f32__c: elementwise sum of two tensors of equal shape. */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_add_f32__c_example
#define QG_N 16
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *a, const float *b, float *y) {
  long i;
  for (i = 0; i < QG_N; ++i) y[i] = a[i] + b[i];
}
