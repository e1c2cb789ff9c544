// Integer-only LQ ("scheme": "lq_int", docs/quantization.md §12): the pass
// that turns an LQ layer's float constants E, B, D into integers and fixes
// its output requantization, from calibrated per-tensor grid steps.
#pragma once
#include <vector>

#include "ir/graph.h"
#include "quant/int8.h"

namespace qg::quant {

// True when some conv2d / dense chose "scheme": "lq_int".
bool uses_lq_int(const ir::Graph& g);

// Headroom of the int16 grid over the calibrated range: values up to 4x the
// largest calibrated magnitude are represented (13 bits below it remain, far
// finer than the 8-bit region codes), instead of being clamped.
constexpr double kLqiHeadroom = 4.0;

// Grid step of a tensor with calibrated range r: kLqiHeadroom *
// max(|lo|, |hi|) / 32767 (1 when the range is {0}).
float lqi_step(const Range& r);

// Largest region step d (qg_lqi_region) a region of int16 grid values can
// need at code maximum L (a grid range is at most 65535): 288 at L = 255,
// 4,608 at 15, 22,528 at 3.
int lqi_max_step(int L);

// Pass: every LQ layer with QuantChoice::lq_int (already quantized, n.lq set)
// gets LinearQuant::lqi and its integer parameters: per output channel o the
// exponent f[o] and E, B, D rounded to integers of `mbits` bits (24, or fewer
// when the accumulator bound needs it), the proof that |T| < 2^62 (else a
// user error naming the layer), and the requantization to the output grid.
// `ranges` (indexed by tensor id) come from the float graph on calibration data.
ir::Graph lower_lq_int(ir::Graph g, const std::vector<Range>& ranges);

}  // namespace qg::quant
