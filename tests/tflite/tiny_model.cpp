#include "tiny_model.h"

#include <cstring>

#include "tflite_schema_generated.h"

namespace qgt {
namespace {

namespace tfl = qg::tfl;

// What the tiny model looks like; each bad case changes one thing.
struct Spec {
  tfl::TensorType input_type = tfl::TensorType::INT8;
  int64_t input_zero_point = -3;
  int filter_scales = 3;              // per-channel (3 outputs); 1 = per tensor
  int64_t filter_zero_point = 0;
  int output_scales = 1;              // activation scales of the output tensor
  int32_t op = static_cast<int32_t>(tfl::BuiltinOperator::FULLY_CONNECTED);
  std::string custom_code;
  tfl::ActivationFunctionType act = tfl::ActivationFunctionType::RELU;
  int32_t op_input0 = 0;              // tensor index of the FC input
  uint32_t filter_buffer = 1;
  size_t filter_bytes = 12;
  bool two_model_inputs = false;
  uint32_t version = 3;
  bool reshape_requantizes = false;   // append a RESHAPE whose output has another scale
  std::string input_name = "input";
  float output_scale = 0.25f;
  int32_t bias0 = 100;                // bias of output channel 0
  bool logistic = false;              // append a LOGISTIC (int8 output: scale 1/256, zero point -128)
  std::vector<tfl::BuiltinOperator> tail;  // append these ops, each on the previous one's output
  bool four_outputs = false;          // dense(4): a whole vector of outputs (the Halide targets take it; no tail)
  bool tail_self_operand = false;     // tail ops read the previous output twice (e.g. PAD with run-time paddings)
};

std::vector<uint8_t> build(const Spec& s) {
  flatbuffers::FlatBufferBuilder b;
  auto quant = [&](std::vector<float> scale, std::vector<int64_t> zp, int dim) {
    return tfl::CreateQuantizationParametersDirect(b, nullptr, nullptr, &scale, &zp, tfl::QuantizationDetails::NONE, 0, dim);
  };
  const int O = s.four_outputs ? 4 : 3;
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors;
  {
    std::vector<int32_t> shape = {1, 4};
    tensors.push_back(tfl::CreateTensorDirect(b, &shape, s.input_type, 0, s.input_name.c_str(), quant({0.5f}, {s.input_zero_point}, 0)));
  }
  {
    std::vector<int32_t> shape = {O, 4};
    const size_t ns = static_cast<size_t>(s.four_outputs ? O : s.filter_scales);
    std::vector<float> sc(ns, 0.02f);
    std::vector<int64_t> zp(ns, s.filter_zero_point);
    tensors.push_back(tfl::CreateTensorDirect(b, &shape, tfl::TensorType::INT8, s.filter_buffer, "fc/weights", quant(sc, zp, 0)));
  }
  {
    std::vector<int32_t> shape = {O};
    tensors.push_back(tfl::CreateTensorDirect(b, &shape, tfl::TensorType::INT32, 2, "fc/bias",
                                              quant(std::vector<float>(static_cast<size_t>(O), 0.01f), std::vector<int64_t>(static_cast<size_t>(O), 0), 0)));
  }
  {
    std::vector<int32_t> shape = {1, O};
    std::vector<float> sc(static_cast<size_t>(s.output_scales), s.output_scale);
    std::vector<int64_t> zp(static_cast<size_t>(s.output_scales), 1);
    tensors.push_back(tfl::CreateTensorDirect(b, &shape, tfl::TensorType::INT8, 0, "output", quant(sc, zp, 0)));
  }
  if (s.reshape_requantizes) {
    std::vector<int32_t> shape = {1, 3};
    tensors.push_back(tfl::CreateTensorDirect(b, &shape, tfl::TensorType::INT8, 0, "reshaped", quant({0.5f}, {1}, 0)));
  }
  if (s.logistic) {
    std::vector<int32_t> shape = {1, 3};
    tensors.push_back(tfl::CreateTensorDirect(b, &shape, tfl::TensorType::INT8, 0, "sigmoid", quant({1.0f / 256.0f}, {-128}, 0)));
  }
  for (size_t i = 0; i < s.tail.size(); ++i) {
    std::vector<int32_t> shape = {1, 3};
    const std::string name = "tail" + std::to_string(i);
    tensors.push_back(tfl::CreateTensorDirect(b, &shape, tfl::TensorType::INT8, 0, name.c_str(), quant({0.5f}, {1}, 0)));
  }
  const int8_t w[16] = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 127, -127, 127, 100};
  const int32_t bias[4] = {s.bias0, -200, 300, 400};
  std::vector<uint8_t> wbytes(s.four_outputs ? 16 : s.filter_bytes);
  std::memcpy(wbytes.data(), w, std::min(size_t{s.four_outputs ? 16u : 12u}, wbytes.size()));
  std::vector<uint8_t> bbytes(4 * static_cast<size_t>(O));
  for (size_t i = 0; i < static_cast<size_t>(O); ++i)
    for (size_t k = 0; k < 4; ++k) bbytes[4 * i + k] = static_cast<uint8_t>(static_cast<uint32_t>(bias[i]) >> (8 * k));
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers = {
      tfl::CreateBuffer(b), tfl::CreateBufferDirect(b, &wbytes), tfl::CreateBufferDirect(b, &bbytes)};

  const bool wide = s.op > 127;
  std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes = {tfl::CreateOperatorCodeDirect(
      b, static_cast<int8_t>(wide ? 127 : s.op), s.custom_code.empty() ? nullptr : s.custom_code.c_str(), 1,
      static_cast<tfl::BuiltinOperator>(s.op))};
  if (s.reshape_requantizes)
    codes.push_back(tfl::CreateOperatorCode(b, static_cast<int8_t>(tfl::BuiltinOperator::RESHAPE), 0, 1, tfl::BuiltinOperator::RESHAPE));
  if (s.logistic)
    codes.push_back(tfl::CreateOperatorCode(b, static_cast<int8_t>(tfl::BuiltinOperator::LOGISTIC), 0, 1, tfl::BuiltinOperator::LOGISTIC));
  std::vector<int32_t> ins = {s.op_input0, 1, 2}, outs = {3};
  auto opts = tfl::CreateFullyConnectedOptions(b, s.act);
  std::vector<flatbuffers::Offset<tfl::Operator>> ops = {
      tfl::CreateOperatorDirect(b, 0, &ins, &outs, tfl::BuiltinOptions::FullyConnectedOptions, opts.Union())};
  std::vector<int32_t> sg_in = {0}, sg_out = {3};
  if (s.reshape_requantizes) {
    std::vector<int32_t> rin = {3}, rout = {4};
    ops.push_back(tfl::CreateOperatorDirect(b, 1, &rin, &rout));
    sg_out = {4};
  }
  if (s.logistic) {
    std::vector<int32_t> lin = {3}, lout = {4};
    ops.push_back(tfl::CreateOperatorDirect(b, static_cast<uint32_t>(codes.size() - 1), &lin, &lout));
    sg_out = {4};
  }
  for (size_t i = 0; i < s.tail.size(); ++i) {
    codes.push_back(tfl::CreateOperatorCode(b, static_cast<int8_t>(s.tail[i]), 0, 1, s.tail[i]));
    const int32_t t = static_cast<int32_t>(tensors.size() - s.tail.size() + i);  // tail tensor i
    std::vector<int32_t> tin = {i == 0 ? sg_out[0] : t - 1}, tout = {t};
    if (s.tail_self_operand) tin.push_back(tin[0]);
    ops.push_back(tfl::CreateOperatorDirect(b, static_cast<uint32_t>(codes.size() - 1), &tin, &tout));
    sg_out = tout;
  }
  if (s.two_model_inputs) sg_in.push_back(1);
  std::vector<flatbuffers::Offset<tfl::SubGraph>> sgs = {tfl::CreateSubGraphDirect(b, &tensors, &sg_in, &sg_out, &ops, "main")};
  auto model = tfl::CreateModelDirect(b, s.version, &codes, &sgs, "qgen test model", &buffers);
  tfl::FinishModelBuffer(b, model);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

// Deterministic pseudo-random bytes.
std::vector<uint8_t> noise(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  for (auto& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<uint8_t>(seed >> 24);
  }
  return v;
}

}  // namespace

std::vector<uint8_t> tiny_int8_fc_model() { return build(Spec{}); }

std::vector<uint8_t> tiny_int8_logistic_model() {
  Spec s;
  s.act = tfl::ActivationFunctionType::NONE;
  s.output_scale = 0.05f;  // the FC outputs span about [-6, 6]: the whole sigmoid, saturation included
  s.logistic = true;
  return build(s);
}

std::vector<uint8_t> tiny_int8_fc_overflow_model(bool four_outputs, bool big_bias) {
  Spec s;
  if (big_bias) s.bias0 = INT32_MAX - 50;  // + a positive dot product: the int32 sum wraps
  s.output_scale = 1e-45f;   // a huge requantization multiplier: the shifted / requantized values saturate
  s.four_outputs = four_outputs;
  return build(s);
}

std::vector<BadCase> bad_tflite_cases() {
  std::vector<BadCase> c;
  const std::vector<uint8_t> good = tiny_int8_fc_model();
  auto with = [](auto f) {
    Spec s;
    f(s);
    return build(s);
  };
  const std::string fc = "operators[0] (FULLY_CONNECTED)";

  // Damaged files: caught by the identifier check or the flatbuffers verifier.
  c.push_back({"truncated", "", "corrupt or truncated TFLite file", {good.begin(), good.begin() + static_cast<long>(good.size() / 2)}});
  c.push_back({"truncated_tail", "", "corrupt or truncated TFLite file", {good.begin(), good.end() - 16}});
  {
    std::vector<uint8_t> v = good;
    std::memcpy(&v[4], "XXXX", 4);
    c.push_back({"wrong_identifier", "", "not a TFLite model: the file identifier (bytes 4-7) is 'XXXX', expected 'TFL3'", v});
  }
  c.push_back({"random_bytes", "", "not a TFLite model", noise(4096, 42)});
  {
    std::vector<uint8_t> v = noise(4096, 7);
    std::memcpy(&v[4], "TFL3", 4);
    c.push_back({"random_bytes_tfl3", "", "corrupt or truncated TFLite file", v});
  }
  {
    std::vector<uint8_t> v = good;
    v[0] = v[1] = v[2] = 0xff;  // root table offset far outside the file
    c.push_back({"bad_root_offset", "", "corrupt or truncated TFLite file", v});
  }
  c.push_back({"too_small", "", "too small to be a TFLite model", {0x18, 0, 0, 0, 'T'}});
  c.push_back({"empty_file", "", "file of 0 bytes is too small", {}});
  // Issue #18 D2: names must be UTF-8 (report.json is JSON).
  c.push_back({"name_not_utf8", "tensor 'in_put'", "the name is not valid UTF-8",
               with([](Spec& s) { s.input_name = "in\xffput"; })});

  // Well-formed flatbuffers that qgen does not support or that are inconsistent.
  c.push_back({"unsupported_op", "operators[0]",
               "unsupported: SQUEEZE \u00d71 (supported: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED, ADD, SUB, MUL, "
               "MINIMUM, MAXIMUM, CONCATENATION, AVERAGE_POOL_2D, MAX_POOL_2D, RESHAPE, CAST, LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, "
               "QUANTIZE, SOFTMAX, "
               "DIV, PAD, TRANSPOSE, STRIDED_SLICE, MEAN)",
               with([](Spec& s) { s.op = static_cast<int32_t>(qg::tfl::BuiltinOperator::SQUEEZE); })});
  // Issue 15: every unsupported operator of the model in one message, with counts, by first appearance.
  c.push_back({"unsupported_ops_counted", "operators[1]", "unsupported: EXP \u00d72, GATHER \u00d71 (supported: ", with([](Spec& s) {
                 s.tail = {qg::tfl::BuiltinOperator::EXP, qg::tfl::BuiltinOperator::LOGISTIC, qg::tfl::BuiltinOperator::GATHER,
                           qg::tfl::BuiltinOperator::EXP};
               })});
  // A supported operator in a form qgen does not take: one clear error naming it.
  c.push_back({"pad_runtime_paddings", "operators[1] (PAD)",
               "the paddings tensor 'output' (tensors[3]) is computed at run time; qgen needs it constant", with([](Spec& s) {
                 s.output_scale = 0.5f;  // the tail tensor's: PAD must not requantize
                 s.tail = {qg::tfl::BuiltinOperator::PAD};
                 s.tail_self_operand = true;
               })});
  // CAST: only FLOAT32 -> FLOAT32; other pairs are named.
  c.push_back({"cast_int8", "operators[1] (CAST)", "CAST from INT8 to INT8 is not supported (only FLOAT32 to FLOAT32", with([](Spec& s) {
                 s.tail = {qg::tfl::BuiltinOperator::CAST};
               })});
  c.push_back({"unsupported_op_extended_code", "operators[0]", "unsupported: CUMSUM \u00d71",
               with([](Spec& s) { s.op = static_cast<int32_t>(qg::tfl::BuiltinOperator::CUMSUM); })});
  c.push_back({"custom_op", "operators[0]", "unsupported: custom operator 'MyOp' \u00d71", with([](Spec& s) {
                 s.op = static_cast<int32_t>(qg::tfl::BuiltinOperator::CUSTOM);
                 s.custom_code = "MyOp";
               })});
  c.push_back({"mismatched_quant_dims", fc, "mismatched quantization dims: the filter tensor 'fc_weights' (tensors[1]) has 2 scales for 3 output channels",
               with([](Spec& s) { s.filter_scales = 2; })});
  c.push_back({"uint8_tensor", "tensors[0]", "tensor 'input' (tensors[0]) has type UINT8",
               with([](Spec& s) { s.input_type = qg::tfl::TensorType::UINT8; })});
  // INT16 activations are 16x8 models: symmetric, so the tiny model's input zero point is refused.
  c.push_back({"int16_tensor", "tensors[0]", "has zero point -3; int16 activations (16x8) must have zero point 0",
               with([](Spec& s) { s.input_type = qg::tfl::TensorType::INT16; })});
  c.push_back({"int16_into_int8", fc, "the input 'input' is INT16 but the output tensor 'output' (tensors[3]) is INT8; operators mixing",
               with([](Spec& s) {
                 s.input_type = qg::tfl::TensorType::INT16;
                 s.input_zero_point = 0;
               })});
  c.push_back({"per_channel_activation", "tensors[3]", "has per-channel quantization (3 scales)",
               with([](Spec& s) { s.output_scales = 3; })});
  c.push_back({"filter_zero_point", fc, "int8 filters must be symmetric (zero point 0)",
               with([](Spec& s) { s.filter_zero_point = 5; })});
  c.push_back({"fused_tanh", fc, "unsupported fused activation TANH (supported: NONE, RELU, RELU6)",
               with([](Spec& s) { s.act = qg::tfl::ActivationFunctionType::TANH; })});
  c.push_back({"tensor_index_out_of_range", fc, "tensor index 42 is out of range (the subgraph has 4 tensors)",
               with([](Spec& s) { s.op_input0 = 42; })});
  c.push_back({"buffer_index_out_of_range", "tensors[1]", "refers to buffer 99, but the model has 3 buffers",
               with([](Spec& s) { s.filter_buffer = 99; })});
  c.push_back({"filter_data_short", "tensors[1]", "holds 11 bytes; its shape [3,4] and type INT8 need 12",
               with([](Spec& s) { s.filter_bytes = 11; })});
  // A second model input that is a constant (the weights): several inputs are fine, constants are not.
  c.push_back({"two_inputs", "inputs[1]", "is a constant, not an input", with([](Spec& s) { s.two_model_inputs = true; })});
  c.push_back({"requantizing_reshape", "operators[1] (RESHAPE)", "this operator must not requantize",
               with([](Spec& s) { s.reshape_requantizes = true; })});
  c.push_back({"schema_version", "version", "unsupported TFLite schema version 2", with([](Spec& s) { s.version = 2; })});
  return c;
}

}  // namespace qgt
