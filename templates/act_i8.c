/* qg_relu_i8__c / qg_relu6_i8__c: TFLite's int8 RELU / RELU6 with the
 * output in the input's quantization (quant::to_int8 keeps it): the
 * requantization by 1 is exact, so the kernel is the clamp
 * y = min(max(x, act_min), act_max) with act_min = max(-128, zp) and act_max
 * = 127 (relu) or min(127, zp + round(6 / scale)) (relu6), passed per layer.
 * Elementwise (y may be x). Compile-time: QG_N. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_relu_i8__c_example
#define QG_N 16
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y, int32_t act_min, int32_t act_max) {
  long i;
  for (i = 0; i < QG_N; ++i) {
    const int32_t v = x[i];
    y[i] = (int8_t)(v < act_min ? act_min : v > act_max ? act_max : v);
  }
}
