/* qg_maxpool2d_i8_halide__<target>: C glue of an int8 max pool compiled ahead
 * of time by Halide (function QG_HL_FN in <prefix>_halide.o; see
 * docs/halide.md): describes the input and output (HWC int8) to Halide
 * (halide_buffer_t, declared layout-compatibly) and calls the pipeline.
 * Same results as pool2d_i8.c. */
#include <stdint.h>
/* QG_TEMPLATE_DEFAULTS_BEGIN */
#define QG_FN qg_maxpool2d_i8_halide__example
#define QG_HL_FN qg_example_halide_pool
#define QG_H 4
#define QG_W 4
#define QG_C 8
#define QG_OH 2
#define QG_OW 2
/* QG_TEMPLATE_DEFAULTS_END */
#ifndef QG_HALIDE_BUFFER_DECLARED
#define QG_HALIDE_BUFFER_DECLARED
/* Layout of Halide 14's halide_dimension_t and halide_buffer_t. */
struct qg_halide_dim {
  int32_t min, extent, stride;
  uint32_t flags;
};
struct qg_halide_buffer {
  uint64_t device;
  const void *device_interface;
  uint8_t *host;
  uint64_t flags;
  uint8_t type_code, type_bits;
  uint16_t type_lanes;
  int32_t dimensions;
  struct qg_halide_dim *dim;
  void *padding;
};
#endif
int QG_HL_FN(struct qg_halide_buffer *in, struct qg_halide_buffer *out);
static void QG_FN(const int8_t *x, int8_t *y) {
  struct qg_halide_dim din[3] = {{0, QG_C, 1, 0}, {0, QG_W, QG_C, 0}, {0, QG_H, QG_C * QG_W, 0}};
  struct qg_halide_dim dout[3] = {{0, QG_C, 1, 0}, {0, QG_OW, QG_C, 0}, {0, QG_OH, QG_C * QG_OW, 0}};
  struct qg_halide_buffer bin, bout;
  bin.device = 0;
  bin.device_interface = 0;
  bin.host = (uint8_t *)(uintptr_t)x;
  bin.flags = 0;
  bin.type_code = 0; /* int8 */
  bin.type_bits = 8;
  bin.type_lanes = 1;
  bin.dimensions = 3;
  bin.dim = din;
  bin.padding = 0;
  bout = bin;
  bout.host = (uint8_t *)y;
  bout.dim = dout;
  (void)QG_HL_FN(&bin, &bout);
}
