/* qg_maxpool2d_i8_halide__<target>, qg_avgpool2d_i8_halide__<target>: C glue of an int8 max or average pool compiled ahead
 * of time by Halide (function QG_HL_FN in <prefix>_halide.o; see
 * docs/halide.md): describes the input and output (HWC int8) to Halide
 * (halide_buffer_t, declared layout-compatibly in runtime/qg_halide.h) and calls the pipeline.
 * Same results as pool2d_i8.c. */
#include <stdint.h>
#include "../runtime/qg_halide.h"
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_maxpool2d_i8_halide__example
#define QG_HL_FN qg_example_halide_pool
#define QG_H 4
#define QG_W 4
#define QG_C 8
#define QG_OH 2
#define QG_OW 2
/* QG_TEMPLATE_DEFAULTS_END */
int QG_HL_FN(struct qg_halide_buffer *in, struct qg_halide_buffer *out);
static void QG_FN(const int8_t *x, int8_t *y) {
  struct qg_halide_dim din[3] = {{0, QG_C, 1, 0}, {0, QG_W, QG_C, 0}, {0, QG_H, QG_C * QG_W, 0}};
  struct qg_halide_dim dout[3] = {{0, QG_C, 1, 0}, {0, QG_OW, QG_C, 0}, {0, QG_OH, QG_C * QG_OW, 0}};
  struct qg_halide_buffer bin, bout;
  bin = qg_halide_buffer8(x, 0, 3, din); /* int8 */
  bout = qg_halide_buffer8(y, 0, 3, dout);
  (void)QG_HL_FN(&bin, &bout);
}
