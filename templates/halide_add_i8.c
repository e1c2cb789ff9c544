/* qg_add_i8_halide__<target>: C glue of an int8 add (TFLite semantics, the
 * same results as add_i8.c) compiled ahead of time by Halide (function
 * QG_HL_FN in <prefix>_halide.o; see docs/halide.md): describes both inputs
 * and the output (QG_N int8 values each) to Halide (halide_buffer_t, declared
 * layout-compatibly in runtime/qg_halide.h) and calls the pipeline, which
 * holds the layer's zero points, shifts and multipliers as constants. */
#include <stdint.h>
#include "../runtime/qg_halide.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_add_i8_halide__example
#define QG_HL_FN qg_example_halide_add
#define QG_N 16
/* QG_TEMPLATE_DEFAULTS_END */
int QG_HL_FN(struct qg_halide_buffer *a, struct qg_halide_buffer *b, struct qg_halide_buffer *out);
static void QG_FN(const int8_t *a, const int8_t *b, int8_t *y) {
  struct qg_halide_dim da[1] = {{0, QG_N, 1, 0}}, db[1] = {{0, QG_N, 1, 0}}, dout[1] = {{0, QG_N, 1, 0}};
  struct qg_halide_buffer ba, bb, bout;
  ba = qg_halide_buffer8(a, 0, 1, da); /* int8 */
  bb = qg_halide_buffer8(b, 0, 1, db);
  bout = qg_halide_buffer8(y, 0, 1, dout);
  (void)QG_HL_FN(&ba, &bb, &bout);
}
