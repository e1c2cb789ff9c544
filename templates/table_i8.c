/* qg_<op>_table_i8__c: an int8 op computed by a table (ir::Int8Rule::Table,
 * e.g. TFLite's int8 LOGISTIC): y = table[x + 128], the 256 entries built
 * at compile time by quant::lower_int8 as TFLite's LUTPopulate builds them.
 * Elementwise: y may be x (in place). */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_sigmoid_table_i8__c_example
#define QG_N 16
/* QG_TEMPLATE_DEFAULTS_END */
static void QG_FN(const int8_t *x, int8_t *y, const int8_t *table) {
  long i;
  for (i = 0; i < QG_N; ++i) y[i] = table[x[i] + 128];
}
