// ONNX test models built in C++ with the protobuf API (no Python / PyTorch
// needed): a small builder, the valid models the tests import, the bad cases,
// and a plain NCHW float64 evaluator of ONNX graphs (the yardstick).
#pragma once
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qot {

// Deterministic pseudo-random floats in [-a, a] (splitmix64).
struct Prng {
  uint64_t s;
  explicit Prng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 7) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  float sym(float a) { return static_cast<float>((static_cast<double>(next() >> 11) / 9007199254740992.0 * 2.0 - 1.0) * a); }
  std::vector<float> vec(size_t n, float a) {
    std::vector<float> v(n);
    for (float& x : v) x = sym(a);
    return v;
  }
};

int64_t numel(const std::vector<int64_t>& d);

class Builder {
 public:
  explicit Builder(int64_t opset = 13, uint64_t seed = 1);
  onnx::ModelProto& model() { return m_; }
  onnx::GraphProto& graph() { return *m_.mutable_graph(); }

  // dims: -1 = symbolic ("N"); elem_type defaults to FLOAT.
  onnx::ValueInfoProto& input(const std::string& name, const std::vector<int64_t>& dims, int elem = onnx::TensorProto::FLOAT);
  onnx::ValueInfoProto& output(const std::string& name, const std::vector<int64_t>& dims = {});
  onnx::ValueInfoProto& value_info(const std::string& name, const std::vector<int64_t>& dims);
  // Float initializer in raw_data (as PyTorch writes it) or float_data.
  onnx::TensorProto& init(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& data, bool raw = true);
  // Random float initializer in [-a, a].
  onnx::TensorProto& rinit(const std::string& name, const std::vector<int64_t>& dims, float a = 0.5f);
  onnx::TensorProto& init_i64(const std::string& name, const std::vector<int64_t>& dims, const std::vector<int64_t>& data);
  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& ins, const std::vector<std::string>& outs,
                        const std::string& name = "");
  std::string bytes() const { return m_.SerializeAsString(); }
  Prng& rng() { return rng_; }

 private:
  onnx::ModelProto m_;
  Prng rng_;
};

void attr(onnx::NodeProto& n, const std::string& name, int64_t v);
void attr(onnx::NodeProto& n, const std::string& name, float v);
void attr(onnx::NodeProto& n, const std::string& name, const std::string& v);
void attr(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v);
void attr(onnx::NodeProto& n, const std::string& name, const onnx::TensorProto& t);

struct NamedModel {
  std::string name;
  std::string bytes;            // serialized ModelProto
  std::vector<int64_t> input;   // ONNX input dims (batch 1)
  std::string census;           // expected IR ops, e.g. "conv2d batchnorm relu ..." (empty: not checked)
};

// The valid models (every supported op and attribute form).
std::vector<NamedModel> valid_models();

struct BadCase {
  std::string name;
  std::string bytes;
  std::string location;  // expected error location ("" = none), e.g. "node 'lstm1' (op LSTM)"
  std::string message;   // expected substring of the message
};
std::vector<BadCase> bad_cases();

// NCHW float64 evaluation of a model (the ops above, numpy broadcasting for
// Add); returns the graph output.
std::vector<double> reference_eval(const onnx::ModelProto& m, const std::vector<float>& input);

}  // namespace qot
