/* qg_relayout_f32__c: copies QG_N values keeping their order in the model's
 * declared layout. A side with QG_*_CHW = 1 is an internal HWC image of
 * QG_*_HW pixels x QG_*_C channels whose declared layout is CHW; a side with 0
 * is stored in declared order already. QG_T is the element type. Used for flatten, reshape and for
 * converting the caller's input / output buffers. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_relayout_f32__c_example
#define QG_N 12
#define QG_IN_CHW 0
#define QG_IN_HW 1
#define QG_IN_C 1
#define QG_OUT_CHW 1
#define QG_OUT_HW 4
#define QG_OUT_C 3
#define QG_T float
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const QG_T *x, QG_T *y) {
  long li;
  for (li = 0; li < QG_N; ++li) {
    const long si = QG_IN_CHW ? (li % QG_IN_HW) * QG_IN_C + li / QG_IN_HW : li;
    const long di = QG_OUT_CHW ? (li % QG_OUT_HW) * QG_OUT_C + li / QG_OUT_HW : li;
    y[di] = x[si];
  }
}
