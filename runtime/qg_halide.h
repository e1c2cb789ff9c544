/* qg_halide.h - the halide_buffer_t ABI for the C glue of Halide-compiled
 * layers (templates/halide_*.c). */
#ifndef QG_HALIDE_H
#define QG_HALIDE_H

#include "qg_common.h"

/* ---- Glue to Halide-compiled layers (targets x86-64, cortex-a;
 * templates/halide_*.c): the layout of Halide 14's halide_dimension_t and
 * halide_buffer_t, so that emitted code needs no Halide header. ---- */
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

/* A host buffer of 8-bit elements (type_code 0: int8, 1: uint8). */
QG_INLINE struct qg_halide_buffer qg_halide_buffer8(const void *host, int type_code, int dimensions, struct qg_halide_dim *dim) {
  struct qg_halide_buffer b;
  b.device = 0;
  b.device_interface = 0;
  b.host = (uint8_t *)(uintptr_t)host;
  b.flags = 0;
  b.type_code = (uint8_t)type_code;
  b.type_bits = 8;
  b.type_lanes = 1;
  b.dimensions = dimensions;
  b.dim = dim;
  b.padding = 0;
  return b;
}

#endif /* QG_HALIDE_H */
