#include "onnx_models.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>

namespace qot {

int64_t numel(const std::vector<int64_t>& d) {
  int64_t n = 1;
  for (int64_t x : d) n *= x;
  return n;
}

// ------------------------------------------------------------------ builder

namespace {
void set_type(onnx::ValueInfoProto& vi, const std::vector<int64_t>& dims, int elem) {
  auto* tt = vi.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem);
  auto* sh = tt->mutable_shape();
  for (int64_t d : dims) {
    auto* dim = sh->add_dim();
    if (d < 0) dim->set_dim_param(d == -1 ? "N" : "D");
    else dim->set_dim_value(d);
  }
}

std::string raw_floats(const std::vector<float>& v) {
  std::string s(4 * v.size(), '\0');
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t u;
    std::memcpy(&u, &v[i], 4);
    for (int b = 0; b < 4; ++b) s[4 * i + static_cast<size_t>(b)] = static_cast<char>((u >> (8 * b)) & 0xff);
  }
  return s;
}
}  // namespace

Builder::Builder(int64_t opset, uint64_t seed) : rng_(seed) {
  m_.set_ir_version(7);
  m_.set_producer_name("qgen-tests");
  auto* o = m_.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  m_.mutable_graph()->set_name("test_graph");
}

onnx::ValueInfoProto& Builder::input(const std::string& name, const std::vector<int64_t>& dims, int elem) {
  auto* vi = graph().add_input();
  vi->set_name(name);
  set_type(*vi, dims, elem);
  return *vi;
}

onnx::ValueInfoProto& Builder::output(const std::string& name, const std::vector<int64_t>& dims) {
  auto* vi = graph().add_output();
  vi->set_name(name);
  if (!dims.empty()) set_type(*vi, dims, onnx::TensorProto::FLOAT);
  else vi->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  return *vi;
}

onnx::ValueInfoProto& Builder::value_info(const std::string& name, const std::vector<int64_t>& dims) {
  auto* vi = graph().add_value_info();
  vi->set_name(name);
  set_type(*vi, dims, onnx::TensorProto::FLOAT);
  return *vi;
}

onnx::TensorProto& Builder::init(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& data, bool raw) {
  auto* t = graph().add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  if (raw) t->set_raw_data(raw_floats(data));
  else
    for (float f : data) t->add_float_data(f);
  return *t;
}

onnx::TensorProto& Builder::rinit(const std::string& name, const std::vector<int64_t>& dims, float a) {
  return init(name, dims, rng_.vec(static_cast<size_t>(numel(dims)), a));
}

onnx::TensorProto& Builder::init_i64(const std::string& name, const std::vector<int64_t>& dims, const std::vector<int64_t>& data) {
  auto* t = graph().add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  for (int64_t d : dims) t->add_dims(d);
  for (int64_t x : data) t->add_int64_data(x);
  return *t;
}

onnx::NodeProto& Builder::node(const std::string& op, const std::vector<std::string>& ins, const std::vector<std::string>& outs,
                               const std::string& name) {
  auto* n = graph().add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : ins) n->add_input(i);
  for (const auto& o : outs) n->add_output(o);
  return *n;
}

void attr(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void attr(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
void attr(onnx::NodeProto& n, const std::string& name, const std::string& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}
void attr(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
void attr(onnx::NodeProto& n, const std::string& name, const onnx::TensorProto& t) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::TENSOR);
  *a->mutable_t() = t;
}

namespace {
using V = std::vector<int64_t>;
const std::string kI = "x";  // input name of every model

onnx::TensorProto tensor_i64(const V& dims, const V& data) {
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto::INT64);
  for (int64_t d : dims) t.add_dims(d);
  for (int64_t x : data) t.add_int64_data(x);
  return t;
}

onnx::TensorProto tensor_f(const V& dims, const std::vector<float>& data) {
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t.add_dims(d);
  t.set_raw_data(raw_floats(data));
  return t;
}

// Positive variances.
void bn_params(Builder& b, const std::string& p, int64_t C) {
  b.rinit(p + "_scale", {C}, 1.5f);
  b.rinit(p + "_bias", {C}, 0.5f);
  b.rinit(p + "_mean", {C}, 0.5f);
  std::vector<float> var = b.rng().vec(static_cast<size_t>(C), 0.4f);
  for (float& v : var) v = std::fabs(v) + 0.1f;
  b.init(p + "_var", {C}, var);
}

NamedModel conv_bn_relu_pool_gemm_softmax() {
  Builder b(13, 11);
  b.input(kI, {1, 3, 8, 8});
  b.rinit("W1", {4, 3, 3, 3});
  b.rinit("B1", {4});
  attr(b.node("Conv", {kI, "W1", "B1"}, {"c1"}, "conv1"), "pads", V{1, 1, 1, 1});
  b.value_info("c1", {1, 4, 8, 8});
  bn_params(b, "bn1", 4);
  attr(b.node("BatchNormalization", {"c1", "bn1_scale", "bn1_bias", "bn1_mean", "bn1_var"}, {"n1"}, "bn1"), "epsilon", 1e-3f);
  b.node("Relu", {"n1"}, {"r1"}, "relu1");
  auto& mp = b.node("MaxPool", {"r1"}, {"p1"}, "pool1");
  attr(mp, "kernel_shape", V{2, 2});
  attr(mp, "strides", V{2, 2});
  b.value_info("p1", {-1, 4, 4, 4});
  b.node("Flatten", {"p1"}, {"f1"}, "flatten");
  b.rinit("Wfc", {5, 64}, 0.3f);
  b.rinit("Bfc", {5});
  attr(b.node("Gemm", {"f1", "Wfc", "Bfc"}, {"g1"}, "fc"), "transB", int64_t{1});
  attr(b.node("Softmax", {"g1"}, {"prob"}, "softmax"), "axis", int64_t{1});
  b.output("prob", {1, 5});
  return {"conv_bn_relu_pool_gemm_softmax", b.bytes(), {1, 3, 8, 8}, "conv2d batchnorm relu maxpool2d flatten dense softmax"};
}

NamedModel residual_concat() {
  Builder b(13, 12);
  b.input(kI, {1, 2, 6, 6});
  b.rinit("Wa", {4, 2, 3, 3});
  b.rinit("Ba", {4});
  attr(b.node("Conv", {kI, "Wa", "Ba"}, {"a"}, "conv_a"), "auto_pad", std::string("SAME_UPPER"));
  b.node("Relu", {"a"}, {"ra"}, "relu_a");
  b.rinit("Wb", {4, 4, 1, 1});
  b.node("Conv", {"ra", "Wb"}, {"b"}, "conv_b");
  b.rinit("Bb", {1, 4, 1, 1});
  b.node("Add", {"b", "Bb"}, {"bb"}, "conv_b_bias");
  b.node("Add", {"bb", "ra"}, {"s"}, "residual");
  b.rinit("Wc", {3, 2, 3, 3});
  b.rinit("Bc", {3});
  attr(b.node("Conv", {kI, "Wc", "Bc"}, {"cx"}, "conv_c"), "pads", V{1, 1, 1, 1});
  attr(b.node("Concat", {"s", "cx"}, {"cat"}, "cat_channels"), "axis", int64_t{-3});
  b.value_info("cat", {1, 7, 6, 6});
  attr(b.node("Concat", {"cat", "cat"}, {"cat2"}, "cat_height"), "axis", int64_t{2});
  b.value_info("cat2", {1, 7, 12, 6});
  b.node("GlobalAveragePool", {"cat2"}, {"gap"}, "gap");
  b.node("Flatten", {"gap"}, {"flat"}, "flatten");
  b.rinit("Wm", {7, 3});
  b.node("MatMul", {"flat", "Wm"}, {"m"}, "fc");
  b.rinit("Bm", {3});
  b.node("Add", {"m", "Bm"}, {"out"}, "fc_bias");
  b.output("out", {1, 3});
  return {"residual_concat", b.bytes(), {1, 2, 6, 6}, "conv2d relu conv2d add conv2d concat concat global_avgpool flatten dense"};
}

NamedModel clip_pools_opset11() {
  Builder b(11, 13);
  b.input(kI, {1, 2, 5, 5});
  b.rinit("W", {3, 2, 3, 3}, 2.0f);
  b.rinit("B", {3}, 2.0f);
  auto& c = b.node("Conv", {kI, "W", "B"}, {"c"}, "conv");
  attr(c, "strides", V{2, 2});
  attr(c, "pads", V{1, 1, 1, 1});
  attr(c, "kernel_shape", V{3, 3});
  b.init("zero", {}, {0.0f});
  attr(b.node("Constant", {}, {"six"}, "six_const"), "value", tensor_f({}, {6.0f}));
  b.node("Clip", {"c", "zero", "six"}, {"r6"}, "relu6");
  auto& a1 = b.node("AveragePool", {"r6"}, {"a1"}, "avg_incl");
  attr(a1, "kernel_shape", V{3, 3});
  attr(a1, "pads", V{1, 1, 1, 1});
  attr(a1, "count_include_pad", int64_t{1});
  auto& a2 = b.node("AveragePool", {"a1"}, {"a2"}, "avg_excl");
  attr(a2, "kernel_shape", V{2, 2});
  attr(a2, "pads", V{1, 0, 0, 1});
  b.node("Clip", {"a2", "zero"}, {"r"}, "relu_clip");
  b.node("Flatten", {"r"}, {"out"}, "flatten");
  b.output("out", {1, 27});
  return {"clip_pools_opset11", b.bytes(), {1, 2, 5, 5}, "conv2d relu6 avgpool2d avgpool2d relu flatten"};
}

NamedModel clip_attrs_opset9() {
  Builder b(9, 14);
  b.input(kI, {1, 6});
  b.rinit("W", {6, 4}, 3.0f);
  b.rinit("C", {1, 4}, 3.0f);
  auto& g = b.node("Gemm", {kI, "W", "C"}, {"g"}, "fc");
  attr(g, "alpha", 1.5f);
  attr(g, "beta", 0.5f);
  auto& c = b.node("Clip", {"g"}, {"out"}, "relu6");
  attr(c, "min", 0.0f);
  attr(c, "max", 6.0f);
  b.output("out", {1, 4});
  return {"clip_attrs_opset9", b.bytes(), {1, 6}, "dense relu6"};
}

NamedModel matmul_add() {
  Builder b(13, 15);
  b.input(kI, {1, 6});
  b.rinit("W1", {6, 4});
  b.rinit("B1", {1, 4});
  b.node("MatMul", {kI, "W1"}, {"m1"}, "fc1");
  b.node("Add", {"B1", "m1"}, {"a1"}, "fc1_bias");  // the constant first
  b.node("Relu", {"a1"}, {"r1"}, "relu1");
  b.rinit("W2", {4, 3});
  b.node("MatMul", {"r1", "W2"}, {"out"}, "fc2");  // no bias
  b.output("out", {1, 3});
  return {"matmul_add", b.bytes(), {1, 6}, "dense relu dense"};
}

NamedModel reshape_zero_minus_one() {
  Builder b(13, 16);
  b.input(kI, {1, 2, 4, 4});
  b.rinit("W", {4, 2, 3, 3});
  attr(b.node("Conv", {kI, "W"}, {"c"}, "conv"), "pads", V{1, 1, 1, 1});
  b.init_i64("s1", {2}, {0, -1});
  b.node("Reshape", {"c", "s1"}, {"r1"}, "to_vector");
  b.value_info("r1", {1, 64});
  b.rinit("G", {64, 16}, 0.3f);
  b.rinit("C", {16});
  auto& g = b.node("Gemm", {"r1", "G", "C"}, {"g"}, "fc");
  attr(g, "alpha", 0.5f);
  attr(g, "beta", 2.0f);
  attr(g, "transB", int64_t{0});
  b.init_i64("s2", {4}, {1, 4, -1, 2});
  b.node("Reshape", {"g", "s2"}, {"r2"}, "to_image");
  b.value_info("r2", {1, 4, 2, 2});
  b.rinit("W2", {2, 4, 1, 1});
  b.rinit("B2", {2});
  b.node("Conv", {"r2", "W2", "B2"}, {"c2"}, "conv2");
  b.init_i64("s3", {2}, {1, -1});
  b.node("Reshape", {"c2", "s3"}, {"out"}, "to_vector2");
  b.output("out", {1, 8});
  return {"reshape_zero_minus_one", b.bytes(), {1, 2, 4, 4}, "conv2d flatten dense reshape conv2d flatten"};
}

// x.view(x.size(0), -1) as older PyTorch exports it, plus Identity, Dropout and
// a weight from a Constant node.
NamedModel shape_chain_view() {
  Builder b(13, 17);
  b.input(kI, {-1, 3, 4, 4});
  b.rinit("W", {2, 3, 3, 3});
  b.rinit("B", {2});
  b.node("Conv", {kI, "W", "B"}, {"c"}, "conv");
  b.node("Shape", {"c"}, {"shape"}, "shape");
  b.init_i64("zero_idx", {}, {0});
  b.node("Gather", {"shape", "zero_idx"}, {"batch"}, "gather");
  b.init_i64("axes0", {1}, {0});
  b.node("Unsqueeze", {"batch", "axes0"}, {"batch1"}, "unsqueeze");
  attr(b.node("Constant", {}, {"minus1"}, "minus1"), "value", tensor_i64({1}, {-1}));
  attr(b.node("Concat", {"batch1", "minus1"}, {"target"}, "concat_shape"), "axis", int64_t{0});
  b.node("Reshape", {"c", "target"}, {"v"}, "view");
  b.node("Identity", {"v"}, {"vi"}, "identity");
  b.node("Dropout", {"vi"}, {"vd", ""}, "dropout");
  attr(b.node("Constant", {}, {"Wfc"}, "fc_weight"), "value", tensor_f({3, 8}, b.rng().vec(24, 0.5f)));
  attr(b.node("Gemm", {"vd", "Wfc"}, {"out"}, "fc"), "transB", int64_t{1});
  b.output("out", {-1, 3});
  return {"shape_chain_view", b.bytes(), {1, 3, 4, 4}, "conv2d flatten dense"};
}

NamedModel conv_variants() {
  Builder b(13, 18);
  b.input(kI, {1, 4, 12, 12});
  b.rinit("Wdw", {4, 1, 3, 3});
  b.rinit("Bdw", {4});
  auto& dw = b.node("Conv", {kI, "Wdw", "Bdw"}, {"dw"}, "depthwise");
  attr(dw, "group", int64_t{4});
  attr(dw, "strides", V{2, 2});
  attr(dw, "pads", V{1, 1, 1, 1});
  b.value_info("dw", {1, 4, 6, 6});
  b.rinit("Wd", {6, 4, 3, 3});
  auto& dil = b.node("Conv", {"dw", "Wd"}, {"dil"}, "dilated");
  attr(dil, "dilations", V{2, 2});
  attr(dil, "pads", V{2, 1, 1, 2});
  b.value_info("dil", {1, 6, 5, 5});
  auto& mp = b.node("MaxPool", {"dil"}, {"mp"}, "pool_same");
  attr(mp, "kernel_shape", V{2, 2});
  attr(mp, "strides", V{2, 2});
  attr(mp, "auto_pad", std::string("SAME_UPPER"));
  b.value_info("mp", {1, 6, 3, 3});
  b.rinit("Wg", {4, 3, 2, 2});
  b.rinit("Bg", {4});
  auto& gc = b.node("Conv", {"mp", "Wg", "Bg"}, {"gc"}, "grouped_same_lower");
  attr(gc, "group", int64_t{2});
  attr(gc, "strides", V{2, 2});
  attr(gc, "auto_pad", std::string("SAME_LOWER"));
  b.value_info("gc", {1, 4, 2, 2});
  b.rinit("Wv", {3, 4, 2, 1});
  attr(b.node("Conv", {"gc", "Wv"}, {"v"}, "valid"), "auto_pad", std::string("VALID"));
  b.value_info("v", {1, 3, 1, 2});
  b.node("Flatten", {"v"}, {"out"}, "flatten");
  b.output("out", {1, 6});
  return {"conv_variants", b.bytes(), {1, 4, 12, 12}, "conv2d conv2d maxpool2d conv2d conv2d flatten"};
}

NamedModel bn_vector_softmax_opset11() {
  Builder b(11, 19);
  b.input(kI, {1, 8});
  bn_params(b, "bn", 8);
  b.node("BatchNormalization", {kI, "bn_scale", "bn_bias", "bn_mean", "bn_var"}, {"n"}, "bn");
  b.rinit("W", {5, 8});
  b.init("C", {1}, {0.25f}, false);  // scalar bias, float_data
  attr(b.node("Gemm", {"n", "W", "C"}, {"g"}, "fc"), "transB", int64_t{1});
  b.node("Softmax", {"g"}, {"out"}, "softmax");  // opset 11: axis 1 by default
  b.output("out", {1, 5});
  return {"bn_vector_softmax_opset11", b.bytes(), {1, 8}, "batchnorm dense softmax"};
}

NamedModel concat_width_channel_softmax() {
  Builder b(13, 20);
  b.input(kI, {1, 3, 4, 4});
  b.rinit("W", {3, 3, 3, 3});
  attr(b.node("Conv", {kI, "W"}, {"c"}, "conv"), "pads", V{1, 1, 1, 1});
  attr(b.node("Concat", {"c", kI}, {"cat"}, "cat_width"), "axis", int64_t{3});
  b.value_info("cat", {1, 3, 4, 8});
  attr(b.node("Softmax", {"cat"}, {"out"}, "channel_softmax"), "axis", int64_t{1});
  b.output("out", {1, 3, 4, 8});
  return {"concat_width_channel_softmax", b.bytes(), {1, 3, 4, 4}, "conv2d concat softmax"};
}

NamedModel pools_gemm_bias_add() {
  Builder b(13, 21);
  b.input(kI, {1, 2, 7, 7});
  auto& mp = b.node("MaxPool", {kI}, {"mp"}, "maxpool_pad");
  attr(mp, "kernel_shape", V{3, 3});
  attr(mp, "strides", V{2, 2});
  attr(mp, "pads", V{1, 1, 1, 1});
  b.value_info("mp", {1, 2, 4, 4});
  auto& ap = b.node("AveragePool", {"mp"}, {"ap"}, "avgpool_pad");
  attr(ap, "kernel_shape", V{3, 3});
  attr(ap, "pads", V{1, 1, 1, 1});
  b.node("Flatten", {"ap"}, {"f"}, "flatten");
  b.rinit("W", {4, 32});
  attr(b.node("Gemm", {"f", "W"}, {"g"}, "fc"), "transB", int64_t{1});
  b.rinit("B", {4});
  b.node("Add", {"g", "B"}, {"out"}, "fc_bias");
  b.output("out", {1, 4});
  return {"pools_gemm_bias_add", b.bytes(), {1, 2, 7, 7}, "maxpool2d avgpool2d flatten dense"};
}

NamedModel bn_image_kept() {  // a BatchNormalization after a Relu: not foldable
  Builder b(15, 22);
  b.input(kI, {1, 3, 5, 5});
  b.rinit("W", {4, 3, 3, 3});
  b.node("Conv", {kI, "W"}, {"c"}, "conv");
  b.node("Relu", {"c"}, {"r"}, "relu");
  bn_params(b, "bn", 4);
  b.node("BatchNormalization", {"r", "bn_scale", "bn_bias", "bn_mean", "bn_var"}, {"n"}, "bn");
  b.node("GlobalAveragePool", {"n"}, {"g"}, "gap");
  b.node("Flatten", {"g"}, {"out"}, "flatten");
  b.output("out", {1, 4});
  return {"bn_image_kept", b.bytes(), {1, 3, 5, 5}, "conv2d relu batchnorm global_avgpool flatten"};
}
// Issue 15: the constructs of MobileNetV3 / EfficientNet / MNASNet / GoogLeNet /
// DenseNet exports: HardSwish, a squeeze-excitation with HardSigmoid and a
// broadcast Mul, the other binary ops, LeakyRelu, an all-zero Pad, a ceil-mode MaxPool
// and ReduceMean without keepdims.
NamedModel zoo_mobilenet_ops() {
  Builder b(14, 21);  // HardSwish: opset 14
  b.input(kI, {1, 4, 7, 7});
  b.rinit("W1", {8, 4, 3, 3});
  attr(b.node("Conv", {kI, "W1"}, {"c"}, "/features/0/Conv"), "pads", V{1, 1, 1, 1});
  b.node("HardSwish", {"c"}, {"hs"}, "/features/0/HardSwish");
  b.node("GlobalAveragePool", {"hs"}, {"gap"}, "/se/pool");
  b.rinit("Wse", {8, 8, 1, 1}, 1.5f);
  b.rinit("Bse", {8});
  b.node("Conv", {"gap", "Wse", "Bse"}, {"se"}, "/se/fc");
  auto& hsig = b.node("HardSigmoid", {"se"}, {"hsig"}, "/se/HardSigmoid");
  attr(hsig, "alpha", 1.0f / 6.0f);
  attr(hsig, "beta", 0.5f);
  b.node("Mul", {"hs", "hsig"}, {"m"}, "/se/Mul");
  b.node("Sub", {"m", "hs"}, {"s"}, "/Sub");
  b.node("Max", {"s", "m"}, {"mx"}, "/Max");
  b.node("Min", {"mx", "hs"}, {"mn"}, "/Min");
  attr(b.node("LeakyRelu", {"mn"}, {"lk"}, "/LeakyRelu"), "alpha", 0.3f);
  b.node("Sigmoid", {"hs"}, {"sg"}, "/Sigmoid");
  b.node("Div", {"lk", "sg"}, {"dv"}, "/Div");
  b.init_i64("zero_pads", {8}, {0, 0, 0, 0, 0, 0, 0, 0});
  b.node("Pad", {"dv", "zero_pads"}, {"pd"}, "/Pad");
  auto& mp = b.node("MaxPool", {"pd"}, {"p"}, "/maxpool1/MaxPool");
  attr(mp, "kernel_shape", V{2, 2});
  attr(mp, "strides", V{2, 2});
  attr(mp, "ceil_mode", int64_t{1});
  b.value_info("p", {1, 8, 4, 4});
  auto& rm = b.node("ReduceMean", {"p"}, {"y"}, "/ReduceMean");
  attr(rm, "axes", V{2, 3});
  attr(rm, "keepdims", int64_t{0});
  b.output("y", {1, 8});
  return {"zoo_mobilenet_ops", b.bytes(), {1, 4, 7, 7},
          "conv2d hardswish global_avgpool conv2d hardsigmoid mul sub maximum minimum leaky_relu sigmoid div maxpool2d global_avgpool flatten"};
}

// Issue 15: ShuffleNetV2's constructs: Split, the channel shuffle (Reshape to
// 5-D, Transpose, Reshape back), Slice, and a ceil-mode AveragePool.
NamedModel zoo_shufflenet_ops() {
  Builder b(13, 22);
  b.input(kI, {1, 8, 4, 4});
  b.init_i64("split", {2}, {4, 4});
  attr(b.node("Split", {kI, "split"}, {"a", "bb"}, "/Split"), "axis", int64_t{1});
  b.node("Relu", {"bb"}, {"rb"}, "/branch2/Relu");
  attr(b.node("Concat", {"a", "rb"}, {"cat"}, "/Concat"), "axis", int64_t{1});
  b.init_i64("s5", {5}, {1, 2, 4, 4, 4});
  b.node("Reshape", {"cat", "s5"}, {"r5"}, "/Reshape");
  attr(b.node("Transpose", {"r5"}, {"t5"}, "/Transpose"), "perm", V{0, 2, 1, 3, 4});
  b.init_i64("s4", {4}, {1, -1, 4, 4});
  b.node("Reshape", {"t5", "s4"}, {"sh"}, "/Reshape_1");
  b.init_i64("st", {1}, {2});
  b.init_i64("en", {1}, {6});
  b.init_i64("ax", {1}, {1});
  b.node("Slice", {"sh", "st", "en", "ax"}, {"sl"}, "/Slice");
  auto& ap = b.node("AveragePool", {"sl"}, {"ap"}, "/AveragePool");
  attr(ap, "kernel_shape", V{3, 3});
  attr(ap, "strides", V{2, 2});
  attr(ap, "ceil_mode", int64_t{1});
  b.value_info("ap", {1, 4, 2, 2});
  b.init_i64("st2", {1}, {0});
  b.init_i64("en2", {1}, {1});
  b.init_i64("ax2", {1}, {-1});
  b.node("Slice", {"ap", "st2", "en2", "ax2"}, {"w1"}, "/Slice_1");
  b.node("Flatten", {"w1"}, {"y"}, "/Flatten");
  b.output("y", {1, 8});
  return {"zoo_shufflenet_ops", b.bytes(), {1, 8, 4, 4}, "slice slice relu concat channel_shuffle slice avgpool2d slice flatten"};
}
// Issue 15: decoder / generator constructs: ConvTranspose (stride 2, pads,
// output_padding, bias; then stride 1, dilation 2, a bias Add after it) and Tanh.
NamedModel zoo_upsample_ops() {
  Builder b(13, 24);
  b.input(kI, {1, 3, 5, 4});
  b.rinit("w1", {3, 4, 3, 3});
  b.rinit("b1", {4});
  auto& t1 = b.node("ConvTranspose", {kI, "w1", "b1"}, {"u1"}, "/up1/ConvTranspose");
  attr(t1, "strides", V{2, 2});
  attr(t1, "pads", V{1, 0, 1, 1});
  attr(t1, "output_padding", V{1, 0});
  b.node("Tanh", {"u1"}, {"h"}, "/Tanh");
  b.rinit("w2", {4, 2, 2, 3});
  auto& t2 = b.node("ConvTranspose", {"h", "w2"}, {"u2"}, "/up2/ConvTranspose");
  attr(t2, "dilations", V{2, 1});
  b.rinit("b2", {1, 2, 1, 1});
  b.node("Add", {"u2", "b2"}, {"y"}, "/up2/Add");
  b.output("y", {1, 2, 12, 10});
  return {"zoo_upsample_ops", b.bytes(), {1, 3, 5, 4}, "pad conv2d tanh pad conv2d"};
}
// x.reshape(x.shape[:1] + (-1,)): Shape, Slice of the shape, Concat, Reshape
// (folded at import).
NamedModel shape_slice_reshape() {
  Builder b(13, 23);
  b.input(kI, {1, 3, 4, 4});
  b.node("Relu", {kI}, {"r"}, "/Relu");
  b.node("Shape", {"r"}, {"s"}, "/Shape");
  b.init_i64("st", {1}, {0});
  b.init_i64("en", {1}, {1});
  b.node("Slice", {"s", "st", "en"}, {"s0"}, "/Slice");
  b.init_i64("m1", {1}, {-1});
  attr(b.node("Concat", {"s0", "m1"}, {"shape"}, "/Concat"), "axis", int64_t{0});
  b.node("Reshape", {"r", "shape"}, {"y"}, "/Reshape");
  b.output("y", {1, 48});
  return {"shape_slice_reshape", b.bytes(), {1, 3, 4, 4}, "relu flatten"};
}
}  // namespace

std::vector<NamedModel> valid_models() {
  return {conv_bn_relu_pool_gemm_softmax(), residual_concat(),          clip_pools_opset11(),         clip_attrs_opset9(),
          matmul_add(),                     reshape_zero_minus_one(),   shape_chain_view(),           conv_variants(),
          bn_vector_softmax_opset11(),      concat_width_channel_softmax(), pools_gemm_bias_add(),   bn_image_kept(),
          zoo_mobilenet_ops(),              zoo_shufflenet_ops(),         shape_slice_reshape(),        zoo_upsample_ops()};
}

// ------------------------------------------------------------------ bad cases

namespace {
// conv -> relu -> flatten -> gemm; `edit` changes the builder before the nodes.
Builder base_model(int64_t opset = 13) {
  Builder b(opset, 99);
  b.input(kI, {1, 3, 8, 8});
  return b;
}

std::string tiny_valid() {
  Builder b = base_model();
  b.rinit("W", {2, 3, 3, 3});
  b.node("Conv", {kI, "W"}, {"c"}, "conv1");
  b.node("Relu", {"c"}, {"out"}, "relu1");
  b.output("out");
  return b.bytes();
}

BadCase simple(const std::string& name, const std::function<void(Builder&)>& body, const std::string& loc, const std::string& msg,
               int64_t opset = 13) {
  Builder b(opset, 98);
  body(b);
  return {name, b.bytes(), loc, msg};
}
}  // namespace

std::vector<BadCase> bad_cases() {
  std::vector<BadCase> v;
  const std::string valid = tiny_valid();
  v.push_back({"truncated", valid.substr(0, valid.size() / 2), "", "not a valid ONNX model"});
  v.push_back({"not_protobuf", "this is a text file, not an ONNX model\n", "", "ONNX model"});
  v.push_back({"empty_file", "", "", "the file is empty"});
  v.push_back(simple("unsupported_lstm", [](Builder& b) {
    b.input(kI, {1, 4, 8, 8});
    b.rinit("W", {1, 32, 8});
    b.node("LSTM", {kI, "W"}, {"y"}, "Conv_3");
    b.output("y");
  }, "node 'Conv_3' (op LSTM)", "unsupported: LSTM \u00d71 (supported: Add, AveragePool,"));
  // Issue 15: every unsupported operator in one message, names as the model
  // spells them ('/' kept), counts by first appearance; the first one's node
  // is the location.
  v.push_back(simple("unsupported_counted", [](Builder& b) {
    b.input(kI, {1, 8});
    b.node("Softplus", {kI}, {"t1"}, "/block1/Softplus");
    b.node("Relu", {"t1"}, {"r"}, "/block1/Relu");
    b.node("Erf", {"r"}, {"e"}, "/block1/Erf");
    b.node("Softplus", {"e"}, {"t2"}, "/block2/Softplus");
    b.node("Softplus", {"t2"}, {"y"}, "/block3/Softplus");
    b.output("y");
  }, "node '/block1/Softplus' (op Softplus)", "unsupported: Softplus \u00d73, Erf \u00d71 (supported: "));
  // ConvTranspose forms qgen does not take: one error naming the node.
  v.push_back(simple("conv_transpose_group", [](Builder& b) {
    b.input(kI, {1, 4, 5, 5});
    b.rinit("W", {4, 1, 3, 3});
    attr(b.node("ConvTranspose", {kI, "W"}, {"y"}, "/up/ConvTranspose"), "group", int64_t{4});
    b.output("y");
  }, "node '/up/ConvTranspose' (op ConvTranspose)", "group 4 is not supported (group 1 only)"));
  v.push_back(simple("conv_transpose_crop", [](Builder& b) {
    b.input(kI, {1, 4, 5, 5});
    b.rinit("W", {4, 2, 3, 3});
    attr(b.node("ConvTranspose", {kI, "W"}, {"y"}, "/up/ConvTranspose"), "pads", std::vector<int64_t>{3, 0, 0, 0});
    b.output("y");
  }, "node '/up/ConvTranspose' (op ConvTranspose)", "exceed the dilated kernel extent 2 (cropping is not supported)"));
  v.push_back(simple("missing_initializer", [](Builder& b) {
    b.input(kI, {1, 3, 8, 8});
    b.node("Conv", {kI, "onnx::Conv_67"}, {"c"}, "conv1");
    b.output("c");
  }, "node 'conv1' (op Conv)", "input 'onnx::Conv_67' (W, the weight) is not defined"));
  v.push_back(simple("batch_2", [](Builder& b) {
    b.input(kI, {2, 3, 8, 8});
    b.rinit("W", {2, 3, 3, 3});
    b.node("Conv", {kI, "W"}, {"c"}, "conv1");
    b.output("c");
  }, "input 'x'", "has batch size 2; qgen compiles batch-1 models"));
  v.push_back(simple("int64_input", [](Builder& b) {
    b.input(kI, {1, 16}, onnx::TensorProto::INT64);
    b.node("Relu", {kI}, {"y"}, "relu");
    b.output("y");
  }, "input 'x'", "has type INT64; qgen supports float32 inputs only"));
  v.push_back(simple("dynamic_height", [](Builder& b) {
    b.input(kI, {1, 3, -2, 8});
    b.node("Relu", {kI}, {"y"}, "relu");
    b.output("y");
  }, "input 'x'", "dimension 2 (height) is dynamic ('D')"));
  v.push_back(simple("rank3_input", [](Builder& b) {
    b.input(kI, {1, 3, 8});
    b.node("Relu", {kI}, {"y"}, "relu");
    b.output("y");
  }, "input 'x'", "has rank 3"));
  // Several inputs are fine, but in one form (one layout per model).
  v.push_back(simple("two_inputs_mixed", [](Builder& b) {
    b.input(kI, {1, 8});
    b.input("y", {1, 3, 4, 4});
    b.node("Relu", {kI}, {"z"}, "relu");
    b.output("z");
  }, "input 'y'", "is an [N, C, H, W] image and the first input is not"));
  v.push_back(simple("clip_range", [](Builder& b) {
    b.input(kI, {1, 8});
    b.init("lo", {}, {0.0f});
    b.init("hi", {}, {4.0f});
    b.node("Clip", {kI, "lo", "hi"}, {"y"}, "clip4");
    b.output("y");
  }, "node 'clip4' (op Clip)", "Clip to [0, 4] is not supported"));
  v.push_back(simple("gemm_transA", [](Builder& b) {
    b.input(kI, {1, 8});
    b.rinit("W", {8, 4});
    attr(b.node("Gemm", {kI, "W"}, {"y"}, "fc"), "transA", int64_t{1});
    b.output("y");
  }, "node 'fc' (op Gemm)", "transA=1 is not supported"));
  v.push_back(simple("add_constant", [](Builder& b) {
    b.input(kI, {1, 8});
    b.node("Relu", {kI}, {"r"}, "relu");
    b.rinit("K", {8});
    b.node("Add", {"r", "K"}, {"y"}, "add_k");
    b.output("y");
  }, "node 'add_k' (op Add)", "adding a constant (initializer 'K') is supported only as the bias"));
  v.push_back(simple("value_info_mismatch", [](Builder& b) {
    b.input(kI, {1, 3, 8, 8});
    b.rinit("W", {2, 3, 3, 3});
    b.node("Conv", {kI, "W"}, {"c"}, "conv1");
    b.value_info("c", {1, 2, 8, 8});
    b.node("Relu", {"c"}, {"y"}, "relu");
    b.output("y");
  }, "node 'conv1' (op Conv)", "output 'c' has shape [1,2,6,6], but the model declares [1,2,8,8]"));
  v.push_back(simple("int64_weight", [](Builder& b) {
    b.input(kI, {1, 3, 8, 8});
    b.init_i64("W", {2, 3, 1, 1}, {1, 2, 3, 4, 5, 6});
    b.node("Conv", {kI, "W"}, {"c"}, "conv1");
    b.output("c");
  }, "node 'conv1' (op Conv)", "initializer 'W' (W, the weight) has type INT64; qgen supports float32 weights only"));
  v.push_back(simple("external_data", [](Builder& b) {
    b.input(kI, {1, 3, 8, 8});
    auto& t = b.rinit("W", {2, 3, 3, 3});
    t.clear_raw_data();
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    auto* e = t.add_external_data();
    e->set_key("location");
    e->set_value("weights.bin");
    b.node("Conv", {kI, "W"}, {"c"}, "conv1");
    b.output("c");
  }, "node 'conv1' (op Conv)", "initializer 'W': its data is stored in an external file"));
  v.push_back(simple("raw_data_size", [](Builder& b) {
    b.input(kI, {1, 3, 8, 8});
    auto& t = b.rinit("W", {2, 3, 3, 3});
    t.mutable_raw_data()->resize(100);
    b.node("Conv", {kI, "W"}, {"c"}, "conv1");
    b.output("c");
  }, "node 'conv1' (op Conv)", "raw_data has 100 bytes, its dims [2,3,3,3] need 216"));
  v.push_back(simple("nan_weight", [](Builder& b) {
    b.input(kI, {1, 3});
    b.init("W", {2, 3}, {1, 2, std::numeric_limits<float>::quiet_NaN(), 4, 5, 6});
    attr(b.node("Gemm", {kI, "W"}, {"y"}, "fc"), "transB", int64_t{1});
    b.output("y");
  }, "node 'fc' (op Gemm)", "value 2 is not finite"));
  v.push_back(simple("softmax_axis", [](Builder& b) {
    b.input(kI, {1, 3, 4, 4});
    attr(b.node("Softmax", {kI}, {"y"}, "sm"), "axis", int64_t{2});
    b.output("y");
  }, "node 'sm' (op Softmax)", "softmax over axis 2 of [1,3,4,4] is not supported"));
  v.push_back(simple("conv3d", [](Builder& b) {
    b.input(kI, {1, 3, 8, 8});
    b.rinit("W", {2, 3, 3, 3, 3});
    b.node("Conv", {kI, "W"}, {"c"}, "conv1");
    b.output("c");
  }, "node 'conv1' (op Conv)", "qgen supports 2-D convolutions"));
  v.push_back(simple("reshape_batch", [](Builder& b) {
    b.input(kI, {1, 8});
    b.node("Relu", {kI}, {"r"}, "relu");
    b.init_i64("s", {2}, {2, -1});
    b.node("Reshape", {"r", "s"}, {"y"}, "reshape");
    b.output("y");
  }, "node 'reshape' (op Reshape)", "changes the batch dimension"));
  v.push_back(simple("custom_domain", [](Builder& b) {
    b.input(kI, {1, 8});
    b.node("Gelu", {kI}, {"y"}, "gelu").set_domain("com.microsoft");
    b.output("y");
  }, "node 'gelu' (op Gelu)", "unsupported: Gelu (domain 'com.microsoft') \u00d71"));
  v.push_back(simple("flatten_axis2", [](Builder& b) {
    b.input(kI, {1, 3, 4, 4});
    attr(b.node("Flatten", {kI}, {"y"}, "flat"), "axis", int64_t{2});
    b.output("y");
  }, "node 'flat' (op Flatten)", "Flatten with axis 2"));
  v.push_back(simple("bn_training", [](Builder& b) {
    b.input(kI, {1, 2, 4, 4});
    bn_params(b, "bn", 2);
    attr(b.node("BatchNormalization", {kI, "bn_scale", "bn_bias", "bn_mean", "bn_var"}, {"y"}, "bn"), "training_mode", int64_t{1});
    b.output("y");
  }, "node 'bn' (op BatchNormalization)", "training_mode=1 is not supported", 15));
  v.push_back(simple("computed_weight", [](Builder& b) {
    b.input(kI, {1, 3, 8, 8});
    b.rinit("W0", {2, 3, 3, 3});
    b.node("Relu", {kI}, {"r"}, "relu");
    b.node("Conv", {kI, "r"}, {"c"}, "conv1");
    b.output("c");
  }, "node 'conv1' (op Conv)", "input 'r' (W, the weight) must be a constant"));
  v.push_back(simple("groups_mismatch", [](Builder& b) {
    b.input(kI, {1, 3, 8, 8});
    b.rinit("W", {4, 1, 3, 3});
    attr(b.node("Conv", {kI, "W"}, {"c"}, "conv1"), "group", int64_t{2});
    b.output("c");
  }, "node 'conv1' (op Conv)", "input channels 3 are not divisible by groups 2"));
  v.push_back(simple("output_missing", [](Builder& b) {
    b.input(kI, {1, 8});
    b.node("Relu", {kI}, {"r"}, "relu");
    b.output("nothing");
  }, "output 'nothing'", "is not produced by any node"));
  v.push_back(simple("defined_twice", [](Builder& b) {
    b.input(kI, {1, 8});
    b.node("Relu", {kI}, {"r"}, "relu1");
    b.node("Relu", {kI}, {"r"}, "relu2");
    b.output("r");
  }, "node 'relu2' (op Relu)", "output 'r' is defined twice"));
  // Ceil mode is supported (zoo_mobilenet_ops), except where it would average
  // over windows past the padding with count_include_pad=1.
  v.push_back(simple("ceil_mode_count_pad", [](Builder& b) {
    b.input(kI, {1, 2, 7, 7});
    auto& ap = b.node("AveragePool", {kI}, {"y"}, "pool");
    attr(ap, "kernel_shape", V{2, 2});
    attr(ap, "strides", V{2, 2});
    attr(ap, "ceil_mode", int64_t{1});
    attr(ap, "count_include_pad", int64_t{1});
    b.output("y");
  }, "node 'pool' (op AveragePool)", "ceil_mode=1 with count_include_pad=1 is not supported"));
  v.push_back(simple("pad_nonzero", [](Builder& b) {
    b.input(kI, {1, 2, 7, 7});
    b.init_i64("pads", {8}, {0, 0, 1, 1, 0, 0, 1, 1});
    b.node("Pad", {kI, "pads"}, {"y"}, "/features/Pad");
    b.output("y");
  }, "node '/features/Pad' (op Pad)", "Pad [0,0,1,1,0,0,1,1] (mode constant, value 0) is not supported; qgen folds only all-zero pads"));
  v.push_back(simple("transpose_general", [](Builder& b) {
    b.input(kI, {1, 2, 3, 3});
    attr(b.node("Transpose", {kI}, {"y"}, "/Transpose"), "perm", V{0, 2, 3, 1});
    b.output("y");
  }, "node '/Transpose' (op Transpose)", "Transpose with perm [0,2,3,1] of [1,2,3,3] is not supported"));
  v.push_back(simple("unknown_attribute", [](Builder& b) {
    b.input(kI, {1, 8});
    attr(b.node("Relu", {kI}, {"y"}, "relu"), "alpha", 0.5f);
    b.output("y");
  }, "node 'relu' (op Relu)", "attribute 'alpha' is not supported"));
  v.push_back(simple("no_opset", [](Builder& b) {
    b.model().clear_opset_import();
    b.input(kI, {1, 8});
    b.node("Relu", {kI}, {"y"}, "relu");
    b.output("y");
  }, "opset_import", "declares no opset version"));
  v.push_back(simple("gather_on_activation", [](Builder& b) {
    b.input(kI, {1, 8});
    b.init_i64("i", {}, {0});
    b.node("Gather", {kI, "i"}, {"y"}, "gather");
    b.output("y");
  }, "node 'gather' (op Gather)", "Gather on a computed tensor ('x') is not supported"));
  v.push_back(simple("unnamed_node", [](Builder& b) {
    b.input(kI, {1, 8});
    b.node("Relu", {kI}, {"r"});
    b.node("Softplus", {"r"}, {"y"});
    b.output("y");
  }, "node #1 (op Softplus)", "unsupported: Softplus \u00d71"));
  return v;
}

// ------------------------------------------------------------------ reference

namespace {
struct T {
  V d;
  std::vector<double> v;
};

int64_t iattr(const onnx::NodeProto& n, const std::string& k, int64_t def) {
  for (const auto& a : n.attribute())
    if (a.name() == k) return a.i();
  return def;
}
double fattr(const onnx::NodeProto& n, const std::string& k, double def) {
  for (const auto& a : n.attribute())
    if (a.name() == k) return a.f();
  return def;
}
std::string sattr(const onnx::NodeProto& n, const std::string& k, const std::string& def) {
  for (const auto& a : n.attribute())
    if (a.name() == k) return a.s();
  return def;
}
V vattr(const onnx::NodeProto& n, const std::string& k, const V& def) {
  for (const auto& a : n.attribute())
    if (a.name() == k) return V(a.ints().begin(), a.ints().end());
  return def;
}

T from_proto(const onnx::TensorProto& t) {
  T r;
  r.d.assign(t.dims().begin(), t.dims().end());
  const size_t n = static_cast<size_t>(numel(r.d));
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    if (!t.raw_data().empty()) {
      for (size_t i = 0; i < n; ++i) {
        float f;
        std::memcpy(&f, t.raw_data().data() + 4 * i, 4);
        r.v.push_back(f);
      }
    } else {
      for (float f : t.float_data()) r.v.push_back(f);
    }
  } else {
    for (int64_t x : t.int64_data()) r.v.push_back(static_cast<double>(x));
  }
  return r;
}

// Window pads (t, l, b, r) of a conv / pool.
V pads_of(const onnx::NodeProto& n, const V& in, const V& k, const V& s, const V& d) {
  const std::string ap = sattr(n, "auto_pad", "NOTSET");
  if (ap == "VALID") return {0, 0, 0, 0};
  if (ap == "NOTSET") return vattr(n, "pads", {0, 0, 0, 0});
  V p(4);
  for (int a = 0; a < 2; ++a) {
    const int64_t len = in[static_cast<size_t>(2 + a)];
    const int64_t out = (len + s[a] - 1) / s[a];
    const int64_t need = std::max<int64_t>(0, (out - 1) * s[a] + (k[a] - 1) * d[a] + 1 - len);
    p[a] = ap == "SAME_UPPER" ? need / 2 : need - need / 2;
    p[a + 2] = need - p[a];
  }
  return p;
}

T conv(const onnx::NodeProto& n, const T& x, const T& w, const T* b) {
  const int64_t N = x.d[0], C = x.d[1], H = x.d[2], W = x.d[3], O = w.d[0], Cg = w.d[1], KH = w.d[2], KW = w.d[3];
  const int64_t G = iattr(n, "group", 1);
  const V s = vattr(n, "strides", {1, 1}), dl = vattr(n, "dilations", {1, 1});
  const V p = pads_of(n, x.d, {KH, KW}, s, dl);
  const int64_t OH = (H + p[0] + p[2] - (dl[0] * (KH - 1) + 1)) / s[0] + 1, OW = (W + p[1] + p[3] - (dl[1] * (KW - 1) + 1)) / s[1] + 1;
  T y{{N, O, OH, OW}, {}};
  y.v.assign(static_cast<size_t>(numel(y.d)), 0.0);
  (void)C;
  for (int64_t o = 0; o < O; ++o) {
    const int64_t g = o / (O / G);
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox) {
        double acc = b ? b->v[static_cast<size_t>(o)] : 0.0;
        for (int64_t c = 0; c < Cg; ++c)
          for (int64_t ky = 0; ky < KH; ++ky)
            for (int64_t kx = 0; kx < KW; ++kx) {
              const int64_t iy = oy * s[0] - p[0] + ky * dl[0], ix = ox * s[1] - p[1] + kx * dl[1];
              if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
              acc += w.v[static_cast<size_t>(((o * Cg + c) * KH + ky) * KW + kx)] * x.v[static_cast<size_t>(((g * Cg + c) * H + iy) * W + ix)];
            }
        y.v[static_cast<size_t>((o * OH + oy) * OW + ox)] = acc;
      }
  }
  return y;
}

// ConvTranspose, group 1: y(o, iy * s - p + ky * d) += x(c, iy) * w(c, o, ky).
T conv_transpose(const onnx::NodeProto& n, const T& x, const T& w, const T* b) {
  const int64_t C = x.d[1], H = x.d[2], W = x.d[3], O = w.d[1], KH = w.d[2], KW = w.d[3];
  const V s = vattr(n, "strides", {1, 1}), dl = vattr(n, "dilations", {1, 1}), p = vattr(n, "pads", {0, 0, 0, 0}),
          op = vattr(n, "output_padding", {0, 0});
  const int64_t OH = (H - 1) * s[0] + op[0] + (KH - 1) * dl[0] + 1 - p[0] - p[2];
  const int64_t OW = (W - 1) * s[1] + op[1] + (KW - 1) * dl[1] + 1 - p[1] - p[3];
  T y{{1, O, OH, OW}, {}};
  y.v.assign(static_cast<size_t>(numel(y.d)), 0.0);
  for (int64_t o = 0; o < O; ++o)
    for (int64_t i = 0; i < OH * OW; ++i) y.v[static_cast<size_t>(o * OH * OW + i)] = b ? b->v[static_cast<size_t>(o)] : 0.0;
  for (int64_t c = 0; c < C; ++c)
    for (int64_t iy = 0; iy < H; ++iy)
      for (int64_t ix = 0; ix < W; ++ix)
        for (int64_t o = 0; o < O; ++o)
          for (int64_t ky = 0; ky < KH; ++ky)
            for (int64_t kx = 0; kx < KW; ++kx) {
              const int64_t oy = iy * s[0] - p[0] + ky * dl[0], ox = ix * s[1] - p[1] + kx * dl[1];
              if (oy < 0 || ox < 0 || oy >= OH || ox >= OW) continue;
              y.v[static_cast<size_t>((o * OH + oy) * OW + ox)] +=
                  x.v[static_cast<size_t>((c * H + iy) * W + ix)] * w.v[static_cast<size_t>(((c * O + o) * KH + ky) * KW + kx)];
            }
  return y;
}

T pool(const onnx::NodeProto& n, const T& x, bool max) {
  const int64_t C = x.d[1], H = x.d[2], W = x.d[3];
  const V k = vattr(n, "kernel_shape", {}), s = vattr(n, "strides", {1, 1});
  const V p = pads_of(n, x.d, k, s, {1, 1});
  const bool incl = iattr(n, "count_include_pad", 0) != 0;
  int64_t OH = (H + p[0] + p[2] - k[0]) / s[0] + 1, OW = (W + p[1] + p[3] - k[1]) / s[1] + 1;
  if (iattr(n, "ceil_mode", 0)) {  // ceil of the division; the last window must start inside the input or the leading pad
    OH = (H + p[0] + p[2] - k[0] + s[0] - 1) / s[0] + 1;
    OW = (W + p[1] + p[3] - k[1] + s[1] - 1) / s[1] + 1;
    if ((OH - 1) * s[0] >= H + p[0]) --OH;
    if ((OW - 1) * s[1] >= W + p[1]) --OW;
  }
  T y{{1, C, OH, OW}, {}};
  for (int64_t c = 0; c < C; ++c)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox) {
        double acc = max ? -INFINITY : 0.0;
        int64_t cnt = 0;
        for (int64_t ky = 0; ky < k[0]; ++ky)
          for (int64_t kx = 0; kx < k[1]; ++kx) {
            const int64_t iy = oy * s[0] - p[0] + ky, ix = ox * s[1] - p[1] + kx;
            if (iy < 0 || ix < 0 || iy >= H || ix >= W) continue;
            const double v = x.v[static_cast<size_t>((c * H + iy) * W + ix)];
            acc = max ? std::max(acc, v) : acc + v;
            ++cnt;
          }
        y.v.push_back(max ? acc : acc / static_cast<double>(incl ? k[0] * k[1] : cnt));
      }
  return y;
}

// numpy broadcasting of two tensors (rank <= 4).
T binary(const T& a, const T& b, double (*f)(double, double)) {
  const size_t r = std::max(a.d.size(), b.d.size());
  auto pad = [&](const V& d) {
    V p(r - d.size(), 1);
    p.insert(p.end(), d.begin(), d.end());
    return p;
  };
  const V da = pad(a.d), db = pad(b.d);
  T y;
  for (size_t i = 0; i < r; ++i) y.d.push_back(std::max(da[i], db[i]));
  const int64_t n = numel(y.d);
  for (int64_t i = 0; i < n; ++i) {
    int64_t rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
    for (size_t k = r; k-- > 0;) {
      const int64_t idx = rem % y.d[k];
      rem /= y.d[k];
      ia += (da[k] == 1 ? 0 : idx) * sa;
      ib += (db[k] == 1 ? 0 : idx) * sb;
      sa *= da[k];
      sb *= db[k];
    }
    y.v.push_back(f(a.v[static_cast<size_t>(ia)], b.v[static_cast<size_t>(ib)]));
  }
  return y;
}

T add(const T& a, const T& b) {
  return binary(a, b, [](double x, double y) { return x + y; });
}

// Axis permutation of an N-D tensor: y.d[k] = x.d[perm[k]].
T transpose(const T& x, const V& perm) {
  const size_t r = x.d.size();
  T y;
  for (size_t k = 0; k < r; ++k) y.d.push_back(x.d[static_cast<size_t>(perm[k])]);
  V xs(r, 1);
  for (size_t k = r - 1; k-- > 0;) xs[k] = xs[k + 1] * x.d[k + 1];
  const int64_t n = numel(y.d);
  for (int64_t i = 0; i < n; ++i) {
    int64_t rem = i, src = 0;
    for (size_t k = r; k-- > 0;) {
      src += (rem % y.d[k]) * xs[static_cast<size_t>(perm[k])];
      rem /= y.d[k];
    }
    y.v.push_back(x.v[static_cast<size_t>(src)]);
  }
  return y;
}

// [b, e) of one axis.
T slice_axis(const T& x, int64_t axis, int64_t b, int64_t e) {
  T y;
  y.d = x.d;
  y.d[static_cast<size_t>(axis)] = e - b;
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k) outer *= x.d[static_cast<size_t>(k)];
  for (size_t k = static_cast<size_t>(axis) + 1; k < x.d.size(); ++k) inner *= x.d[k];
  const int64_t len = x.d[static_cast<size_t>(axis)];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = b; j < e; ++j)
      for (int64_t i = 0; i < inner; ++i) y.v.push_back(x.v[static_cast<size_t>((o * len + j) * inner + i)]);
  return y;
}

T concat(const std::vector<const T*>& xs, int64_t axis) {
  const int64_t r = static_cast<int64_t>(xs[0]->d.size());
  if (axis < 0) axis += r;
  T y;
  y.d = xs[0]->d;
  y.d[static_cast<size_t>(axis)] = 0;
  for (const T* x : xs) y.d[static_cast<size_t>(axis)] += x->d[static_cast<size_t>(axis)];
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k) outer *= y.d[static_cast<size_t>(k)];
  for (int64_t k = axis + 1; k < r; ++k) inner *= y.d[static_cast<size_t>(k)];
  for (int64_t o = 0; o < outer; ++o)
    for (const T* x : xs) {
      const int64_t row = x->d[static_cast<size_t>(axis)] * inner;
      for (int64_t i = 0; i < row; ++i) y.v.push_back(x->v[static_cast<size_t>(o * row + i)]);
    }
  return y;
}

T softmax(const T& x, int64_t axis, int64_t opset) {
  const int64_t r = static_cast<int64_t>(x.d.size());
  if (axis < 0) axis += r;
  T y = x;
  if (opset < 13) {  // over the flattened axes [axis, r)
    int64_t inner = 1;
    for (int64_t k = axis; k < r; ++k) inner *= x.d[static_cast<size_t>(k)];
    for (int64_t o = 0; o < numel(x.d) / inner; ++o) {
      double m = -INFINITY, s = 0;
      for (int64_t i = 0; i < inner; ++i) m = std::max(m, x.v[static_cast<size_t>(o * inner + i)]);
      for (int64_t i = 0; i < inner; ++i) s += std::exp(x.v[static_cast<size_t>(o * inner + i)] - m);
      for (int64_t i = 0; i < inner; ++i) y.v[static_cast<size_t>(o * inner + i)] = std::exp(x.v[static_cast<size_t>(o * inner + i)] - m) / s;
    }
    return y;
  }
  int64_t outer = 1, inner = 1;
  const int64_t len = x.d[static_cast<size_t>(axis)];
  for (int64_t k = 0; k < axis; ++k) outer *= x.d[static_cast<size_t>(k)];
  for (int64_t k = axis + 1; k < r; ++k) inner *= x.d[static_cast<size_t>(k)];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t j) { return static_cast<size_t>((o * len + j) * inner + i); };
      double m = -INFINITY, s = 0;
      for (int64_t j = 0; j < len; ++j) m = std::max(m, x.v[at(j)]);
      for (int64_t j = 0; j < len; ++j) s += std::exp(x.v[at(j)] - m);
      for (int64_t j = 0; j < len; ++j) y.v[at(j)] = std::exp(x.v[at(j)] - m) / s;
    }
  return y;
}
}  // namespace

std::vector<double> reference_eval(const onnx::ModelProto& m, const std::vector<float>& input) {
  const auto& g = m.graph();
  int64_t opset = 0;
  for (const auto& o : m.opset_import())
    if (o.domain().empty()) opset = o.version();
  std::map<std::string, T> t;
  for (const auto& init : g.initializer()) t[init.name()] = from_proto(init);
  for (const auto& in : g.input()) {
    if (t.count(in.name())) continue;
    T x;
    for (const auto& d : in.type().tensor_type().shape().dim()) x.d.push_back(d.has_dim_value() ? d.dim_value() : 1);
    x.v.assign(input.begin(), input.end());
    t[in.name()] = x;
  }
  for (const auto& n : g.node()) {
    const std::string& op = n.op_type();
    auto in = [&](int k) -> const T& { return t.at(n.input(k)); };
    auto has = [&](int k) { return k < n.input_size() && !n.input(k).empty(); };
    T y;
    if (op == "Conv") {
      y = conv(n, in(0), in(1), has(2) ? &in(2) : nullptr);
    } else if (op == "ConvTranspose") {
      y = conv_transpose(n, in(0), in(1), has(2) ? &in(2) : nullptr);
    } else if (op == "Tanh") {
      y = in(0);
      for (double& v : y.v) v = std::tanh(v);
    } else if (op == "Gemm" || op == "MatMul") {
      const T& a = in(0);
      const T& w = in(1);
      const bool tb = op == "Gemm" && iattr(n, "transB", 0);
      const double alpha = op == "Gemm" ? fattr(n, "alpha", 1.0) : 1.0, beta = op == "Gemm" ? fattr(n, "beta", 1.0) : 1.0;
      const int64_t K = a.d[1], N = tb ? w.d[0] : w.d[1];
      y.d = {1, N};
      for (int64_t o = 0; o < N; ++o) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k) acc += a.v[static_cast<size_t>(k)] * w.v[static_cast<size_t>(tb ? o * K + k : k * N + o)];
        acc *= alpha;
        if (op == "Gemm" && has(2)) acc += beta * in(2).v[in(2).v.size() == 1 ? 0 : static_cast<size_t>(o)];
        y.v.push_back(acc);
      }
    } else if (op == "Add") {
      y = add(in(0), in(1));
    } else if (op == "Mul" || op == "Sub" || op == "Div" || op == "Min" || op == "Max") {
      double (*f)(double, double) = op == "Mul"   ? +[](double a, double b) { return a * b; }
                                    : op == "Sub" ? +[](double a, double b) { return a - b; }
                                    : op == "Div" ? +[](double a, double b) { return a / b; }
                                    : op == "Min" ? +[](double a, double b) { return std::min(a, b); }
                                                  : +[](double a, double b) { return std::max(a, b); };
      y = binary(in(0), in(1), f);
    } else if (op == "LeakyRelu") {
      y = in(0);
      const double alpha = fattr(n, "alpha", 0.01);
      for (double& v : y.v) v = v > 0.0 ? v : alpha * v;
    } else if (op == "Sigmoid" || op == "HardSigmoid" || op == "HardSwish") {
      y = in(0);
      const double alpha = op == "HardSwish" ? 1.0 / 6.0 : fattr(n, "alpha", 0.2), beta = fattr(n, "beta", 0.5);
      for (double& v : y.v) {
        const double h = std::min(1.0, std::max(0.0, alpha * v + beta));
        v = op == "Sigmoid" ? 1.0 / (1.0 + std::exp(-v)) : op == "HardSigmoid" ? h : v * h;
      }
    } else if (op == "ReduceMean") {  // axes [2, 3]
      const T& x = in(0);
      const int64_t C = x.d[1], HW = x.d[2] * x.d[3];
      y.d = iattr(n, "keepdims", 1) ? V{1, C, 1, 1} : V{1, C};
      for (int64_t c = 0; c < C; ++c) {
        double s = 0;
        for (int64_t i = 0; i < HW; ++i) s += x.v[static_cast<size_t>(c * HW + i)];
        y.v.push_back(s / static_cast<double>(HW));
      }
    } else if (op == "Pad") {
      for (double p : in(1).v)
        if (p != 0) throw std::runtime_error("reference_eval: Pad with non-zero pads");
      y = in(0);
    } else if (op == "Transpose") {
      y = transpose(in(0), vattr(n, "perm", {}));
    } else if (op == "Slice") {  // opset >= 10 inputs; steps 1
      y = in(0);
      for (size_t k = 0; k < in(1).v.size(); ++k) {
        const int64_t r = static_cast<int64_t>(y.d.size());
        int64_t ax = has(3) ? static_cast<int64_t>(in(3).v[k]) : static_cast<int64_t>(k);
        if (ax < 0) ax += r;
        const int64_t len = y.d[static_cast<size_t>(ax)];
        auto cl = [&](double v) { int64_t i = static_cast<int64_t>(v); return std::clamp<int64_t>(i < 0 ? i + len : i, 0, len); };
        y = slice_axis(y, ax, cl(in(1).v[k]), cl(in(2).v[k]));
      }
    } else if (op == "Split") {  // opset 13: sizes as input 1
      int64_t ax = iattr(n, "axis", 0), b0 = 0;
      if (ax < 0) ax += static_cast<int64_t>(in(0).d.size());
      for (int k = 0; k < n.output_size(); ++k) {
        const int64_t e = b0 + static_cast<int64_t>(in(1).v[static_cast<size_t>(k)]);
        t[n.output(k)] = slice_axis(in(0), ax, b0, e);
        b0 = e;
      }
      continue;
    } else if (op == "Relu") {
      y = in(0);
      for (double& v : y.v) v = std::max(v, 0.0);
    } else if (op == "Clip") {
      double lo = -INFINITY, hi = INFINITY;
      if (opset < 11) {
        lo = fattr(n, "min", lo);
        hi = fattr(n, "max", hi);
      } else {
        if (has(1)) lo = in(1).v[0];
        if (has(2)) hi = in(2).v[0];
      }
      y = in(0);
      for (double& v : y.v) v = std::min(std::max(v, lo), hi);
    } else if (op == "MaxPool" || op == "AveragePool") {
      y = pool(n, in(0), op == "MaxPool");
    } else if (op == "GlobalAveragePool") {
      const T& x = in(0);
      const int64_t C = x.d[1], HW = x.d[2] * x.d[3];
      y.d = {1, C, 1, 1};
      for (int64_t c = 0; c < C; ++c) {
        double s = 0;
        for (int64_t i = 0; i < HW; ++i) s += x.v[static_cast<size_t>(c * HW + i)];
        y.v.push_back(s / static_cast<double>(HW));
      }
    } else if (op == "Concat") {
      std::vector<const T*> xs;
      for (int k = 0; k < n.input_size(); ++k) xs.push_back(&in(k));
      y = concat(xs, iattr(n, "axis", 0));
    } else if (op == "BatchNormalization") {
      const T& x = in(0);
      const double eps = fattr(n, "epsilon", 1e-5);
      const int64_t C = x.d[1], inner = numel(x.d) / C;
      y = x;
      for (int64_t c = 0; c < C; ++c)
        for (int64_t i = 0; i < inner; ++i) {
          double& v = y.v[static_cast<size_t>(c * inner + i)];
          const size_t k = static_cast<size_t>(c);
          v = in(1).v[k] * (v - in(3).v[k]) / std::sqrt(in(4).v[k] + eps) + in(2).v[k];
        }
    } else if (op == "Flatten") {
      y = in(0);
      y.d = {1, numel(y.d)};
    } else if (op == "Reshape") {
      y = in(0);
      const T& s = in(1);
      V d;
      int64_t known = 1, neg = -1;
      for (size_t k = 0; k < s.v.size(); ++k) {
        int64_t e = static_cast<int64_t>(s.v[k]);
        if (e == 0) e = in(0).d[k];
        if (e == -1) neg = static_cast<int64_t>(k);
        else known *= e;
        d.push_back(e);
      }
      if (neg >= 0) d[static_cast<size_t>(neg)] = numel(in(0).d) / known;
      y.d = d;
    } else if (op == "Softmax") {
      y = softmax(in(0), iattr(n, "axis", opset < 13 ? 1 : -1), opset);
    } else if (op == "Identity" || op == "Dropout") {
      y = in(0);
    } else if (op == "Constant") {
      y = from_proto(n.attribute(0).t());
    } else if (op == "Shape") {
      for (int64_t e : in(0).d) y.v.push_back(static_cast<double>(e));
      y.d = {static_cast<int64_t>(y.v.size())};
    } else if (op == "Gather") {
      const T& idx = in(1);
      y.d = idx.d;
      for (double i : idx.v) y.v.push_back(in(0).v[static_cast<size_t>(i)]);
    } else if (op == "Unsqueeze") {
      y = in(0);
      y.d.insert(y.d.begin(), 1);  // axes [0] only (the tests use nothing else)
    } else {
      throw std::runtime_error("reference_eval: op " + op);
    }
    t[n.output(0)] = y;
  }
  return t.at(g.output(0).name()).v;
}

}  // namespace qot
