#include "quant/int8.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ir/diag.h"
#include "ir/op_table.h"
#include "runtime/qg_runtime.h"

namespace qg::quant {

void quantize_multiplier(double real, int32_t* multiplier, int* shift) {
  if (real == 0.0) {
    *multiplier = 0;
    *shift = 0;
    return;
  }
  const double q = std::frexp(real, shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  QG_CHECK(q_fixed <= (int64_t{1} << 31), "multiplier rounding out of range");
  if (q_fixed == (int64_t{1} << 31)) {
    q_fixed /= 2;
    ++*shift;
  }
  if (*shift < -31) {
    *shift = 0;
    q_fixed = 0;
  }
  if (*shift > 30) {
    *shift = 30;
    q_fixed = (int64_t{1} << 31) - 1;
  }
  *multiplier = static_cast<int32_t>(q_fixed);
}

void activation_range_i8(ir::Activation act, const ir::TensorQuant& out, int32_t* act_min, int32_t* act_max) {
  // As TFLite: zero point + round(f / scale) in float; the rounded value is
  // held inside +-1e9 first so that a tiny scale cannot overflow the int
  // conversion (the result is clamped to int8 anyway; found by fuzz_tflite).
  auto quantize = [&](float f) {
    const float r = std::max(-1e9f, std::min(1e9f, std::round(f / out.scale)));
    return static_cast<int32_t>(std::max<int64_t>(-1000000000, std::min<int64_t>(1000000000, int64_t{out.zero_point} + static_cast<int64_t>(r))));
  };
  // int8: [-128, 127]; int16 (16x8): [-32768, 32767]; sub-byte codes: [0, 2^bits - 1].
  const int32_t qmin = out.bits == 8 ? -128 : out.bits == 16 ? -32768 : 0;
  const int32_t qmax = out.bits == 8 ? 127 : out.bits == 16 ? 32767 : (1 << out.bits) - 1;
  *act_min = qmin;
  *act_max = qmax;
  if (act == ir::Activation::Relu || act == ir::Activation::Relu6) *act_min = std::max<int32_t>(qmin, quantize(0.0f));
  if (act == ir::Activation::Relu6) *act_max = std::min<int32_t>(qmax, quantize(6.0f));
}

ir::TensorQuant int8_params(const Range& r) {
  const double lo = std::min<double>(r.lo, 0.0), hi = std::max<double>(r.hi, 0.0);
  ir::TensorQuant q;
  double scale = (hi - lo) / 255.0;
  if (!(scale > 0.0) || !std::isfinite(scale)) scale = 1.0 / 255.0;
  q.scale = static_cast<float>(scale);
  const double zp = std::round(-128.0 - lo / static_cast<double>(q.scale));
  q.zero_point = static_cast<int32_t>(std::min(127.0, std::max(-128.0, zp)));
  return q;
}

ir::TensorQuant activation_params(const Range& r, int bits) {
  if (bits == 8) return int8_params(r);
  QG_CHECK(bits == 4 || bits == 2, "sub-byte activations are 4 or 2 bits");
  // TFLite's uint8 nudging with qmin = 0, qmax = 2^bits - 1.
  const double lo = std::min<double>(r.lo, 0.0), hi = std::max<double>(r.hi, 0.0);
  const double qmax = static_cast<double>((1 << bits) - 1);
  ir::TensorQuant q;
  double scale = (hi - lo) / qmax;
  if (!(scale > 0.0) || !std::isfinite(scale)) scale = 1.0 / qmax;
  q.scale = static_cast<float>(scale);
  const double zp_from_min = 0.0 - lo / static_cast<double>(q.scale);
  q.zero_point = static_cast<int32_t>(zp_from_min < 0.0 ? 0.0 : zp_from_min > qmax ? qmax : std::round(zp_from_min));
  q.bits = bits;
  return q;
}

bool uses_int8(const ir::Graph& g) {
  for (const ir::Node& n : g.nodes)
    if (ir::op_info(n.op).int8 == ir::Int8Rule::Linear && n.quant.scheme == ir::Scheme::Int8 && !n.il)
      return true;  // float weights still to convert
  return false;
}

namespace {

std::shared_ptr<ir::IntLinear> int_weights(const ir::Node& n, float in_scale) {
  auto il = std::make_shared<ir::IntLinear>();
  il->w_bits = n.quant.w_bits;
  const int64_t O = n.weight.shape[0], per = static_cast<int64_t>(n.weight.data.size()) / O;
  const float qmax = static_cast<float>((1 << (il->w_bits - 1)) - 1);
  il->weight.resize(n.weight.data.size());
  for (int64_t o = 0; o < O; ++o) {
    float m = 0.0f;
    for (int64_t k = 0; k < per; ++k) m = std::max(m, std::fabs(n.weight.data[static_cast<size_t>(o * per + k)]));
    float s = m / qmax;
    if (!(s > 0.0f) || !std::isfinite(s)) s = 1.0f;
    il->w_scale.push_back(s);
    for (int64_t k = 0; k < per; ++k) {
      const float c = std::round(n.weight.data[static_cast<size_t>(o * per + k)] / s);
      il->weight[static_cast<size_t>(o * per + k)] = static_cast<int8_t>(std::min(qmax, std::max(-qmax, c)));
    }
    const double b = n.bias.empty() ? 0.0 : static_cast<double>(n.bias.data[static_cast<size_t>(o)]);
    const double bq = std::round(b / (static_cast<double>(in_scale) * static_cast<double>(s)));
    il->bias.push_back(static_cast<int32_t>(std::min(2147483647.0, std::max(-2147483648.0, bq))));
  }
  return il;
}

}  // namespace

ir::Graph to_int8(ir::Graph g, const std::vector<Range>& ranges) {
  if (!uses_int8(g)) return g;
  QG_CHECK(ranges.size() >= g.tensors.size(), "calibration ranges do not cover the graph");
  const size_t T0 = g.tensors.size();
  std::vector<bool> i8(T0, false);        // tensor lives in int8
  std::vector<int> as_i8(T0, -1), as_f32(T0, -1), as_wide(T0, -1);  // converted copies
  std::vector<ir::Node> out;
  // A packed sub-byte tensor read by anything but a conv / dense layer or a
  // max pool is first unpacked to one int8 code per byte with the same scale
  // and zero point (a quantize node with an int8 input: exact, the codes do
  // not change). A max pool reads the packed codes and writes its output
  // packed at the same width (KeepQuant; templates/pool2d_sub.c).
  auto unpack = [&](int t, std::vector<ir::Node>& into) -> int {
    if (!g.tensor(t).sub_byte()) return t;
    int& slot = as_wide[static_cast<size_t>(t)];
    if (slot >= 0) return slot;
    ir::Tensor nt = g.tensor(t);
    nt.name = g.tensor(t).name + ":u";
    nt.q.bits = 8;
    g.tensors.push_back(nt);
    slot = static_cast<int>(g.tensors.size()) - 1;
    ir::Node c;
    c.op = ir::Op::Quantize;
    c.name = nt.name;
    c.src = "(unpack " + message_name(g.tensor(t).name) + ")";
    c.inputs = {t};
    c.output = slot;
    into.push_back(std::move(c));
    return slot;
  };
  auto convert = [&](int t, bool to_i8, std::vector<ir::Node>& into) -> int {
    int& slot = to_i8 ? as_i8[static_cast<size_t>(t)] : as_f32[static_cast<size_t>(t)];
    if (slot >= 0) return slot;
    const int src = to_i8 ? t : unpack(t, into);
    ir::Tensor nt = g.tensor(t);
    nt.q.bits = 8;
    nt.name = g.tensor(t).name + (to_i8 ? ":q" : ":f");
    nt.dtype = to_i8 ? ir::DType::I8 : ir::DType::F32;
    if (to_i8) nt.q = int8_params(ranges[static_cast<size_t>(t)]);
    g.tensors.push_back(nt);
    slot = static_cast<int>(g.tensors.size()) - 1;
    ir::Node c;
    c.op = to_i8 ? ir::Op::Quantize : ir::Op::Dequantize;
    c.name = nt.name;
    c.src = "(" + std::string(to_i8 ? "quantize " : "dequantize ") + message_name(g.tensor(t).name) + ")";
    c.inputs = {src};
    c.output = slot;
    into.push_back(std::move(c));
    return slot;
  };
  for (ir::Node& n : g.nodes) {
    const ir::OpInfo& info = ir::op_info(n.op);
    const bool linear = info.int8 == ir::Int8Rule::Linear && n.quant.scheme == ir::Scheme::Int8 && !n.il;
    bool fed_i8 = false;
    for (int t : n.inputs) fed_i8 = fed_i8 || (static_cast<size_t>(t) < T0 && i8[static_cast<size_t>(t)]);
    // Other int8 ops run in int8 when fed int8 (linear ops only by their choice).
    bool run_i8 = linear || (ir::int8_compute(info) && info.int8 != ir::Int8Rule::Linear && fed_i8);
    // Codes are only comparable (minimum, maximum) or concatenable under one
    // quantization: a several-input KeepQuant op whose inputs are not all int8
    // with equal (scale, zero point) runs in float, unless the op requantizes
    // its inputs (OpInfo::int8_requantize_inputs, concat).
    bool requant_inputs = false;
    if (run_i8 && info.int8 == ir::Int8Rule::KeepQuant && n.inputs.size() > 1)
      for (int t : n.inputs) {
        const bool t_i8 = static_cast<size_t>(t) < T0 && i8[static_cast<size_t>(t)];
        const ir::TensorQuant &q = g.tensor(t).q, &q0 = g.tensor(n.inputs[0]).q;
        if (!t_i8 || q.scale != q0.scale || q.zero_point != q0.zero_point || q.bits != q0.bits) {
          requant_inputs = info.int8_requantize_inputs;
          run_i8 = requant_inputs;
        }
      }
    if (requant_inputs) {
      // The output's own calibrated quantization; every input not already in
      // it is quantized (float) or requantized (int8 -> int8, TFLite's
      // QUANTIZE as its converter inserts it before CONCATENATION) to it.
      const ir::TensorQuant oq = int8_params(ranges[static_cast<size_t>(n.output)]);
      for (int& t : n.inputs) {
        const bool t_i8 = static_cast<size_t>(t) < T0 && i8[static_cast<size_t>(t)];
        if (t_i8) t = unpack(t, out);
        const ir::TensorQuant& q = g.tensor(t).q;
        if (t_i8 && q.scale == oq.scale && q.zero_point == oq.zero_point && q.bits == 8) continue;
        ir::Tensor nt = g.tensor(t);
        nt.name = g.tensor(t).name + ":r" + std::to_string(n.output);
        nt.dtype = ir::DType::I8;
        nt.q = oq;
        g.tensors.push_back(nt);
        ir::Node c;
        c.op = ir::Op::Quantize;
        c.name = nt.name;
        c.src = "(" + std::string(t_i8 ? "requantize " : "quantize ") + message_name(g.tensor(t).name) + ")";
        c.inputs = {t};
        t = static_cast<int>(g.tensors.size()) - 1;
        c.output = t;
        out.push_back(std::move(c));
      }
      ir::Tensor& o = g.tensor(n.output);
      o.dtype = ir::DType::I8;
      o.q = oq;
      i8[static_cast<size_t>(n.output)] = true;
      out.push_back(std::move(n));
      continue;
    }
    for (int& t : n.inputs) {
      const bool t_i8 = static_cast<size_t>(t) < T0 && i8[static_cast<size_t>(t)];
      if (run_i8 && !t_i8) t = convert(t, true, out);
      else if (!run_i8 && t_i8) t = convert(t, false, out);
      else if (run_i8 && !linear && n.op != ir::Op::MaxPool2d) t = unpack(t, out);  // conv / dense / max pool read packed codes
    }
    if (run_i8) {
      ir::Tensor& o = g.tensor(n.output);
      o.dtype = ir::DType::I8;
      const ir::TensorQuant& in_q = g.tensor(n.inputs[0]).q;
      if (info.int8 == ir::Int8Rule::KeepQuant)
        o.q = in_q;  // TFLite: pooling and reshapes keep the quantization
      else if (info.int8 == ir::Int8Rule::FixedQuant || info.int8 == ir::Int8Rule::Table)
        o.q = info.int8_out;
      else  // a linear layer's a_bits: 8 (int8) or 4 / 2 (packed unsigned codes)
        o.q = activation_params(ranges[static_cast<size_t>(n.output)], linear ? n.quant.a_bits : 8);
      if (linear) n.il = int_weights(n, in_q.scale);
      i8[static_cast<size_t>(n.output)] = true;
    }
    out.push_back(std::move(n));
  }
  // The caller sees floats: dequantize an int8 output (each of them).
  auto to_float = [&](int& t) {
    if (static_cast<size_t>(t) < T0 && i8[static_cast<size_t>(t)]) t = convert(t, false, out);
  };
  to_float(g.output);
  for (int& t : g.more_outputs) to_float(t);
  g.nodes = std::move(out);
  return g;
}

namespace {

[[noreturn]] void unsupported(const ir::Graph& g, const ir::Node& n, const std::string& why) {
  user_error(g.file, n.src, std::string(ir::op_info(n.op).name) + " '" + message_name(n.name) + "': " + why);
}

bool is_i8(const ir::Graph& g, int t) { return g.tensor(t).dtype == ir::DType::I8; }

void need_q(const ir::Graph& g, const ir::Node& n, int t) {
  if (!(g.tensor(t).q.scale > 0.0f) || !std::isfinite(g.tensor(t).q.scale))
    unsupported(g, n, "int8 tensor '" + message_name(g.tensor(t).name) + "' has no valid scale");
}

}  // namespace

namespace {

// ---- op-specific int8 parameters (Int8Rule::Requantize / FixedQuant) ----

void params_add(const ir::Graph& g, ir::Node& n) {
  const ir::TensorQuant& in = g.tensor(n.inputs[0]).q;
  const ir::TensorQuant& in2 = g.tensor(n.inputs[1]).q;
  const ir::TensorQuant& out = g.tensor(n.output).q;
  // TFLite: 20 for int8, 15 for int16 (its general-scale int16 ADD / SUB).
  n.ip.left_shift = out.bits == 16 ? 15 : 20;
  const double twice_max = 2.0 * std::max(static_cast<double>(in.scale), static_cast<double>(in2.scale));
  const double r1 = static_cast<double>(in.scale) / twice_max, r2 = static_cast<double>(in2.scale) / twice_max;
  const double ro = twice_max / (static_cast<double>(int64_t{1} << n.ip.left_shift) * static_cast<double>(out.scale));
  int s1, s2, so;
  quantize_multiplier(r1, &n.ip.in1_mult, &s1);
  quantize_multiplier(r2, &n.ip.in2_mult, &s2);
  quantize_multiplier(ro, &n.ip.out_mult, &so);
  if (s1 > 0 || s2 > 0 || so > 0) unsupported(g, n, std::string("input/output scales out of the range TFLite's int8 ") + ir::op_info(n.op).name + " supports");
  n.ip.in1_shift = s1;
  n.ip.in2_shift = s2;
  n.ip.out_shift = so;
}

// TFLite's int8 SUB (PrepareGeneralSubOp): the parameters of its int8 ADD;
// the kernel subtracts the rescaled inputs.
void params_sub(const ir::Graph& g, ir::Node& n) { params_add(g, n); }

// TFLite's int8 MUL: (x1 - zp1) * (x2 - zp2) requantized by
// s1 * s2 / s_out (QuantizeMultiplier in double), plus the output zero point.
void params_mul(const ir::Graph& g, ir::Node& n) {
  const double real = static_cast<double>(g.tensor(n.inputs[0]).q.scale) * static_cast<double>(g.tensor(n.inputs[1]).q.scale) /
                      static_cast<double>(g.tensor(n.output).q.scale);
  int sh = 0;
  quantize_multiplier(real, &n.ip.out_mult, &sh);
  n.ip.out_shift = sh;
}

// TFLite's int8 DIV (div.cc Prepare): QuantizeMultiplier of s1 / (s2 * s_out)
// formed in float. A shift above 22 could make qg_div_i8's final rounding
// divide a left shift (the numerator's headroom is at least 23 bits).
void params_div(const ir::Graph& g, ir::Node& n) {
  const float real = g.tensor(n.inputs[0]).q.scale / (g.tensor(n.inputs[1]).q.scale * g.tensor(n.output).q.scale);
  int sh = 0;
  quantize_multiplier(static_cast<double>(real), &n.ip.out_mult, &sh);
  if (sh > 22) unsupported(g, n, "input/output scales out of the range qgen's int8 div supports (s1 / (s2 * s_out) >= 2^22)");
  n.ip.out_shift = sh;
}

// TFLite's int8 MEAN (PrepareMeanOrSum, then reference_ops::QuantizedMeanOrSum):
// QuantizeMultiplier of s_in / s_out in double, then 1 / N (N = H*W) folded
// in: shift = min(floor(log2 N), 32, 31 + s), m = (m << shift) / N, s -= shift.
void params_mean(const ir::Graph& g, ir::Node& n) {
  const auto& is = g.tensor(n.inputs[0]).shape;
  const int64_t N = is[0] * is[1];
  if (N > (int64_t{1} << 23)) unsupported(g, n, "int8 mean over more than 2^23 elements (the int32 sum could overflow)");
  int32_t m = 0;
  int s = 0;
  quantize_multiplier(static_cast<double>(g.tensor(n.inputs[0]).q.scale) / static_cast<double>(g.tensor(n.output).q.scale), &m, &s);
  int shift = 0;
  while ((int64_t{2} << shift) <= N) ++shift;  // 63 - CountLeadingZeros(N)
  shift = std::min(shift, 32);
  shift = std::min(shift, 31 + s);
  n.ip.out_mult = static_cast<int32_t>((static_cast<int64_t>(m) << shift) / N);
  n.ip.out_shift = s - shift;
}

// TFLite's int8 LEAKY_RELU (LeakyReluPrepare, reference QuantizeLeakyRelu),
// tabulated over the 256 input codes: the two multipliers come from float
// products as TFLite forms them, the codes from MultiplyByQuantizedMultiplier.
void params_leaky_relu(const ir::Graph& g, ir::Node& n) {
  const ir::TensorQuant &in = g.tensor(n.inputs[0]).q, &out = g.tensor(n.output).q;
  const float alpha_real = in.scale * n.attrs.alpha / out.scale, identity_real = in.scale / out.scale;
  int32_t m_alpha = 0, m_id = 0;
  int s_alpha = 0, s_id = 0;
  quantize_multiplier(static_cast<double>(alpha_real), &m_alpha, &s_alpha);
  quantize_multiplier(static_cast<double>(identity_real), &m_id, &s_id);
  n.ip.table_i8.assign(256, 0);
  for (int32_t v = -128; v <= 127; ++v) {
    const int32_t x = v - in.zero_point;
    const int32_t y = out.zero_point + (x >= 0 ? qg_mbqm(x, m_id, s_id) : qg_mbqm(x, m_alpha, s_alpha));
    n.ip.table_i8[static_cast<size_t>(v + 128)] = static_cast<int8_t>(std::max(-128, std::min(127, y)));
  }
}

// gemmlowp's int16 fixed-point steps, as TFLite's reference HardSwish uses them.
int16_t srdhm16(int16_t a, int16_t b) {  // SaturatingRoundingDoublingHighMul
  if (a == b && a == INT16_MIN) return INT16_MAX;
  const int32_t ab = int32_t{a} * int32_t{b};
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}
int16_t sdhm16(int16_t a, int16_t b) {  // SaturatingDoublingHighMul (no rounding)
  if (a == b && a == INT16_MIN) return INT16_MAX;
  return static_cast<int16_t>((int32_t{a} * int32_t{b}) / (1 << 15));
}
int16_t sat_left_shift16(int16_t v, int amount) {
  const int32_t r = int32_t{v} * (1 << amount);
  return static_cast<int16_t>(std::max<int32_t>(INT16_MIN, std::min<int32_t>(INT16_MAX, r)));
}
int16_t rdbp16(int16_t x, int exponent) {  // RoundingDivideByPOT
  const int64_t mask = (int64_t{1} << exponent) - 1, remainder = x & mask, threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int16_t>((int32_t{x} >> std::min(exponent, 31)) + (remainder > threshold ? 1 : 0));
}
int16_t downscale16(int32_t m) {  // DownScaleInt32ToInt16Multiplier
  if (m >= INT32_MAX - (1 << 15)) return INT16_MAX;
  return static_cast<int16_t>((m + (1 << 15)) >> 16);
}

// TFLite's int8 HARD_SWISH (HardSwishPrepare, reference_ops::HardSwish),
// tabulated over the 256 input codes.
void params_hardswish(const ir::Graph& g, ir::Node& n) {
  const ir::TensorQuant &in = g.tensor(n.inputs[0]).q, &out = g.tensor(n.output).q;
  const float hires_input_scale = (1.0f / 128.0f) * in.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const float output_multiplier = hires_input_scale / out.scale;
  const float reluish_multiplier = hires_input_scale / reluish_scale;
  int32_t om32 = 0, rm32 = 0;
  int out_exp = 0, reluish_exp = 0;
  quantize_multiplier(static_cast<double>(output_multiplier), &om32, &out_exp);
  quantize_multiplier(static_cast<double>(reluish_multiplier), &rm32, &reluish_exp);
  if (out_exp > 0) unsupported(g, n, "the output scale is too small for TFLite's int8 HARD_SWISH (output multiplier above 1)");
  const int16_t om = downscale16(om32), rm = downscale16(rm32);
  n.ip.table_i8.assign(256, 0);
  for (int32_t v = -128; v <= 127; ++v) {
    const int16_t x = static_cast<int16_t>(v - in.zero_point);
    const int16_t hires = static_cast<int16_t>(x * (1 << 7));
    const int16_t preshift_out = srdhm16(hires, om);
    int16_t reluish = hires;
    if (reluish_exp > 0) reluish = sat_left_shift16(reluish, reluish_exp - 1);
    reluish = srdhm16(reluish, rm);
    if (reluish_exp > 0) reluish = sat_left_shift16(reluish, 1);
    if (reluish_exp < 0) reluish = rdbp16(reluish, -reluish_exp);
    reluish = static_cast<int16_t>((int32_t{reluish} + (1 << 15)) >> 1);
    const int16_t pre = sdhm16(reluish, preshift_out);
    int32_t y = rdbp16(pre, -out_exp);
    y += out.zero_point;
    n.ip.table_i8[static_cast<size_t>(v + 128)] = static_cast<int8_t>(std::max(-128, std::min(127, y)));
  }
}

// TFLite's int8 -> int8 QUANTIZE (reference Requantize): (x - zp_in)
// requantized by s_in / s_out (QuantizeMultiplier of the double ratio), plus
// zp_out, clamped; tabulated over the 256 input codes.
void requantize_table(const ir::Graph& g, ir::Node& n) {
  const ir::TensorQuant &in = g.tensor(n.inputs[0]).q, &out = g.tensor(n.output).q;
  int32_t m = 0;
  int sh = 0;
  quantize_multiplier(static_cast<double>(in.scale) / static_cast<double>(out.scale), &m, &sh);
  n.ip.table_i8.assign(256, 0);
  for (int32_t v = -128; v <= 127; ++v) {
    const int32_t y = qg_mbqm(v - in.zero_point, m, sh) + out.zero_point;
    n.ip.table_i8[static_cast<size_t>(v + 128)] = static_cast<int8_t>(std::max(-128, std::min(127, y)));
  }
}

// TFLite's LUTPopulate for int16 tables (double, 512 steps + 1): the input
// range [scale_in * (-32768 - zp_in), scale_in * (32767 - zp_in)], output
// scale 2 / 65535 (zero point 0); each entry the rounded sample corrected by
// half the midpoint error of the linear interpolation, then clamped.
void lut16_populate(double in_scale, int32_t in_zp, double (*f)(double), int16_t* lut) {
  const double in_min = in_scale * static_cast<double>(-32768 - in_zp), in_max = in_scale * static_cast<double>(32767 - in_zp);
  const double out_scale = 2.0 / 65535.0;
  const double out_min = out_scale * -32768.0, out_max = out_scale * 32767.0;
  const double step = (in_max - in_min) / 512, half = step / 2;
  const double inv = 65536.0 / (out_max - out_min);
  auto clamp16 = [](double v) { return static_cast<int16_t>(std::min(std::max(v, -32768.0), 32767.0)); };
  for (int i = 0; i < 512; ++i) {
    const double val = f(in_min + i * step), mid = f(in_min + i * step + half), next = f(in_min + (i + 1) * step);
    const double sample = std::round(val * inv);
    const double interp = std::round((next * inv + std::round(val * inv)) / 2);
    const double err = interp - std::round(mid * inv);
    lut[i] = clamp16(sample - std::round(err / 2));
  }
  lut[512] = clamp16(std::round(f(in_max) * inv));
}

// TFLite's 16x8 SOFTMAX (reference_ops::SoftmaxInt16): the input difference
// to the row's maximum scaled so that [-65535, 0] is [-10, 0]
// (input_scale * beta / (10 / 65535), beta times the scale in float), the
// exp and 1 / (1 + x) tables. The output is 1/32768, zero point 0.
void params_softmax_i16(const ir::Graph& g, ir::Node& n) {
  const ir::TensorQuant& out = g.tensor(n.output).q;
  if (std::fabs(out.scale - 1.0f / 32768.0f) > 0.001f / 32768.0f)
    unsupported(g, n, "a 16x8 softmax output must have scale 1/32768 (TFLite's int16 SOFTMAX); it has " + std::to_string(out.scale));
  const float scale_beta = g.tensor(n.inputs[0]).q.scale * n.attrs.beta;
  int sh = 0;
  quantize_multiplier(static_cast<double>(scale_beta) / (10.0 / 65535.0), &n.ip.in16_mult, &sh);
  n.ip.in16_shift = sh;
  n.ip.lut16.assign(2 * 513, 0);
  lut16_populate(10.0 / 65535.0, 32767, [](double v) { return std::exp(v); }, n.ip.lut16.data());
  lut16_populate(1.0 / 65535.0, -32768, [](double v) { return 1.0 / (1.0 + v); }, n.ip.lut16.data() + 513);
}

// TFLite's CheckedLog2: log2(x) in float, true when within 1e-3 of an integer.
bool checked_log2(float x, int* log2) {
  const float l = std::log(x) * (1.0f / std::log(2.0f));
  const float r = std::round(l);
  *log2 = static_cast<int>(r);
  return std::fabs(l - r) < 1e-3f;
}

// TFLite's 16x8 LOGISTIC / TANH (Int16Lut): the input rescaled to units of
// 1 / (3 * 4096). A power-of-two input scale 2^-12 (TANH also 2^-11) gives
// the multiplier 3 << k without a shift; any other scale the multiplier
// scale * 3 * 4096 doubled (shift + 1) while it is at most 32767 / 2, then
// truncated. The output must be 2^-15 (TFLite's check).
void params_lut16(const ir::Graph& g, ir::Node& n, ir::Int16Lut kind) {
  const ir::OpInfo& info = ir::op_info(n.op);
  if (kind == ir::Int16Lut::None) unsupported(g, n, std::string("has no 16x8 kernel (") + info.name + ")");
  const float in_scale = g.tensor(n.inputs[0]).q.scale;
  int l2 = 0;
  if (!checked_log2(g.tensor(n.output).q.scale, &l2) || l2 != -15)
    unsupported(g, n, "a 16x8 " + std::string(info.name) + " output must have scale 2^-15 (TFLite's int16 kernel); it has " +
                          std::to_string(g.tensor(n.output).q.scale));
  bool pot = checked_log2(in_scale, &l2);
  const int k = 12 + l2;
  pot = pot && (k == 0 || (k == 1 && kind == ir::Int16Lut::Tanh));
  if (pot) {
    n.ip.in16_mult = 3 << k;
    n.ip.in16_shift = 0;
    return;
  }
  double m = static_cast<double>(in_scale) * 4096.0 * 3.0;
  int sh = 0;
  while (m <= 32767.0 / 2.0 && sh <= 30) {
    ++sh;
    m *= 2.0;
  }
  // x * m must stay within int32 for every int16 code x.
  if (!(m < 65536.0))
    unsupported(g, n, "input scale " + std::to_string(in_scale) + " is too large for TFLite's 16x8 " + info.name + " (at most about 5.3)");
  n.ip.in16_mult = static_cast<int32_t>(m);
  n.ip.in16_shift = sh;
}

void params_softmax(const ir::Graph& g, ir::Node& n) {
  if (g.tensor(n.output).i16()) return params_softmax_i16(g, n);
  const float scale = -g.tensor(n.inputs[0]).q.scale * n.attrs.beta;
  n.ip.softmax_table.assign(256, 0.0f);
  for (int32_t v = 0; v <= 255; ++v) n.ip.softmax_table[static_cast<size_t>(255 - v)] = std::exp(scale * static_cast<float>(v));
}

using ParamsFn = void (*)(const ir::Graph&, ir::Node&);
// One row per op whose int8 kernel needs parameters of its own.
const std::pair<ir::Op, ParamsFn> kParams[] = {
    {ir::Op::Add, params_add},
    {ir::Op::Sub, params_sub},
    {ir::Op::Mul, params_mul},
    {ir::Op::Div, params_div},
    {ir::Op::Mean, params_mean},
    {ir::Op::GlobalAvgPool, params_mean},
    {ir::Op::LeakyRelu, params_leaky_relu},
    {ir::Op::HardSwish, params_hardswish},
    {ir::Op::Softmax, params_softmax},
};

ParamsFn params_for(ir::Op op) {
  for (const auto& [o, fn] : kParams)
    if (o == op) return fn;
  return nullptr;
}

// Int8Rule::Table: TFLite's LUTPopulate<int8_t> (kernels/internal/common.h),
// step by step in float: dequantize the code, apply the op's function, scale
// by 1 / output scale, round half away from zero, add the zero point, clamp.
void table_i8(const ir::Graph& g, ir::Node& n, float (*f)(float)) {
  const ir::TensorQuant& in = g.tensor(n.inputs[0]).q;
  const ir::TensorQuant& out = g.tensor(n.output).q;
  const float inverse_scale = 1.0f / out.scale;
  n.ip.table_i8.assign(256, 0);
  for (int32_t v = -128; v <= 127; ++v) {
    const float dequantized = in.scale * static_cast<float>(v - in.zero_point);
    const float transformed = f(dequantized);
    int32_t q = -128;  // a NaN or infinite value maps to the lowest code
    if (std::isfinite(transformed)) {
      const float rescaled = std::round(transformed * inverse_scale);
      q = static_cast<int32_t>(std::max(-1e9f, std::min(1e9f, rescaled + static_cast<float>(out.zero_point))));
    }
    n.ip.table_i8[static_cast<size_t>(v + 128)] = static_cast<int8_t>(std::max(-128, std::min(127, q)));
  }
}

void requantize_linear(const ir::Graph& g, ir::Node& n) {
  if (!n.il) unsupported(g, n, "int8 layer without integer weights");
  const ir::TensorQuant& in = g.tensor(n.inputs[0]).q;
  const ir::TensorQuant& out = g.tensor(n.output).q;
  ir::IntLinear& il = *n.il;
  const size_t O = static_cast<size_t>(n.weight.shape[0]);
  const size_t nb = in.bits == 16 ? il.bias64.size() : il.bias.size();  // 16x8: the int64 bias
  if (il.w_scale.size() != O || nb != O) unsupported(g, n, "weight scales / bias do not match the output channels");
  il.single_rounding = ir::op_info(n.op).int8_single_rounding;
  il.mult.assign(O, 0);
  il.shift.assign(O, 0);
  for (size_t o = 0; o < O; ++o) {
    const double real = static_cast<double>(in.scale) * static_cast<double>(il.w_scale[o]) / static_cast<double>(out.scale);
    int sh = 0;
    quantize_multiplier(real, &il.mult[o], &sh);
    // TFLite's int64 MultiplyByQuantizedMultiplier (16x8 conv) takes shifts
    // below 8 only (qg_mbqm64 shifts by 15 - shift).
    if (in.bits == 16 && sh >= 8)
      unsupported(g, n, "input scale x weight scale / output scale is " + std::to_string(real) + " for output channel " +
                            std::to_string(o) + "; TFLite's 16x8 kernels need it below 128");
    il.shift[o] = sh;
  }
}

}  // namespace

bool has_int8_params(ir::Op op) { return params_for(op) != nullptr; }

ir::Graph lower_int8(ir::Graph g) {
  for (ir::Node& n : g.nodes) {
    const ir::OpInfo& info = ir::op_info(n.op);
    const bool out_i8 = is_i8(g, n.output);
    bool any_in_i8 = false;
    for (int t : n.inputs) any_in_i8 = any_in_i8 || is_i8(g, t);
    if (info.int8 == ir::Int8Rule::Quantize) {
      need_q(g, n, n.output);
      if (any_in_i8) {
        const ir::TensorQuant &qi = g.tensor(n.inputs[0]).q, &qo = g.tensor(n.output).q;
        need_q(g, n, n.inputs[0]);
        if (qi.bits == 8 && qo.bits == 8 && (qi.scale != qo.scale || qi.zero_point != qo.zero_point)) {
          requantize_table(g, n);  // TFLite's int8 -> int8 QUANTIZE
          continue;
        }
        // unpack: same scale and zero point, packed codes -> int8 codes
        QG_CHECK(qi.scale == qo.scale && qi.zero_point == qo.zero_point && qo.bits == 8,
                 "quantize with an int8 input must unpack (same scale and zero point, 8-bit output)");
      }
      continue;
    }
    if (info.int8 == ir::Int8Rule::Dequantize) {
      need_q(g, n, n.inputs[0]);
      continue;
    }
    if (!out_i8 && !any_in_i8) continue;
    for (int t : n.inputs)
      if (!is_i8(g, t)) unsupported(g, n, "mixes int8 and float tensors (insert quantize/dequantize)");
    if (!out_i8) unsupported(g, n, "mixes int8 and float tensors");
    for (int t : n.inputs) need_q(g, n, t);
    need_q(g, n, n.output);
    const bool packed_ok = info.int8 == ir::Int8Rule::Linear || n.op == ir::Op::MaxPool2d;
    if (!packed_ok)
      for (int t : n.inputs) QG_CHECK(!g.tensor(t).sub_byte(), std::string("packed sub-byte input to int8 ") + info.name + " (quant::to_int8 unpacks it)");
    QG_CHECK(packed_ok || !g.tensor(n.output).sub_byte(), std::string("packed sub-byte output of int8 ") + info.name);
    QG_CHECK(n.op != ir::Op::MaxPool2d || g.tensor(n.inputs[0]).q.bits == g.tensor(n.output).q.bits, "a max pool keeps its input's width");
    const ir::TensorQuant& out = g.tensor(n.output).q;
    // A relu / relu6 op clamps as the activation it is (Int8Rule::KeepQuant).
    activation_range_i8(info.activation != ir::Activation::None ? info.activation : n.act, out, &n.ip.act_min, &n.ip.act_max);
    switch (info.int8) {
      case ir::Int8Rule::Linear:
        requantize_linear(g, n);
        break;
      case ir::Int8Rule::KeepQuant:
        for (int t : n.inputs) {
          const ir::TensorQuant& q = g.tensor(t).q;
          if (q.scale != out.scale || q.zero_point != out.zero_point)
            unsupported(g, n, std::string("int8 ") + info.name + " needs equal input and output quantization");
        }
        break;
      case ir::Int8Rule::Requantize:
      case ir::Int8Rule::FixedQuant: {
        const ParamsFn fn = params_for(n.op);
        QG_CHECK(fn != nullptr, std::string("no int8 parameters for ") + info.name);
        fn(g, n);
        break;
      }
      case ir::Int8Rule::Table:
        if (g.tensor(n.output).i16()) params_lut16(g, n, info.int16_lut);
        else table_i8(g, n, info.int8_table);
        break;
      case ir::Int8Rule::FloatOnly:
      case ir::Int8Rule::Quantize:
      case ir::Int8Rule::Dequantize:
        unsupported(g, n, "has no int8 kernel (supported: " + ir::op_names_where(ir::int8_compute) + ")");
    }
  }
  return g;
}

}  // namespace qg::quant
