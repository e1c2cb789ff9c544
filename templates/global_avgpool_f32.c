/* qg_global_avgpool_f32__c: per channel, the sum over (h, w) in row-major
 * order divided by H*W. */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_global_avgpool_f32__c_example
#define QG_HW 16
#define QG_C 3
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const float *x, float *y) {
  long c, i;
  for (c = 0; c < QG_C; ++c) {
    float s = 0.0f;
    for (i = 0; i < QG_HW; ++i) s = s + x[i * QG_C + c];
    y[c] = s / (float)QG_HW;
  }
}
