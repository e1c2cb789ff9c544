/* qg_slice_f32__c: elements [begin, end) of one axis: QG_OUTER rows of
 * QG_ROW values taken from rows of QG_IN_ROW values at QG_OFF. QG_T is the
 * element type. */
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_slice_f32__c_example
#define QG_OUTER 4
#define QG_ROW 3
#define QG_IN_ROW 5
#define QG_OFF 2
#define QG_T float
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const QG_T *x, QG_T *y) {
  long o, i;
  for (o = 0; o < QG_OUTER; ++o)
    for (i = 0; i < QG_ROW; ++i) y[o * QG_ROW + i] = x[o * QG_IN_ROW + QG_OFF + i];
}
