/* qg_add_i8__c: TFLite int8 add: both inputs shifted left by QG_LEFT_SHIFT
 * and rescaled to a common scale, summed, requantized to the output. */
#include <stdint.h>
#include "../runtime/qg_runtime.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_add_i8__c_example
#define QG_N 16
#define QG_ZP1 0
#define QG_ZP2 0
#define QG_OUT_ZP 0
#define QG_LEFT_SHIFT 20
#define QG_M1 1073741824
#define QG_S1 0
#define QG_M2 1073741824
#define QG_S2 0
#define QG_MO 1073741824
#define QG_SO (-19)
#define QG_ACT_MIN (-128)
#define QG_ACT_MAX 127
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *a, const int8_t *b, int8_t *y) {
  long i;
  for (i = 0; i < QG_N; ++i) {
    const int32_t v1 = (int32_t)a[i] - QG_ZP1, v2 = (int32_t)b[i] - QG_ZP2;
    const int32_t s1 = qg_mbqm((int32_t)((uint32_t)v1 << QG_LEFT_SHIFT), QG_M1, QG_S1);
    const int32_t s2 = qg_mbqm((int32_t)((uint32_t)v2 << QG_LEFT_SHIFT), QG_M2, QG_S2);
    int32_t r = (int32_t)((uint32_t)qg_mbqm((int32_t)((uint32_t)s1 + (uint32_t)s2), QG_MO, QG_SO) + (uint32_t)QG_OUT_ZP);
    r = r < QG_ACT_MIN ? QG_ACT_MIN : r;
    r = r > QG_ACT_MAX ? QG_ACT_MAX : r;
    y[i] = (int8_t)r;
  }
}
