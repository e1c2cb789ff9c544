// Small helpers shared by the unit tests (header only: tests/CMakeLists.txt
// lists the .cpp files).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "frontend/netjson.h"
#include "ir/diag.h"
#include "ir/graph.h"
#include "ir/passes/fold_batchnorm.h"
#include "ir/passes/fuse_activations.h"
#include "quant/config.h"
#include "quant/quantize.h"

namespace qgu {

using json = nlohmann::json;

// A net.json document with inline weights.
inline json net_doc(const json& input, const json& layers) {
  return {{"format", "qgen-net"}, {"version", 1}, {"name", "t"}, {"input", input}, {"layers", layers}};
}

inline json image_input(int64_t c, int64_t h, int64_t w, bool chw = true) {
  if (chw) return {{"name", "x"}, {"shape", {c, h, w}}, {"layout", "CHW"}};
  return {{"name", "x"}, {"shape", {h, w, c}}, {"layout", "HWC"}};
}

inline json vector_input(int64_t n) { return {{"name", "x"}, {"shape", {n}}}; }

// An inline parameter {"shape": s, "data": [...]}.
inline json param(const std::vector<int64_t>& shape, const std::vector<float>& data) {
  json d = json::array();
  for (float f : data) d.push_back(f);
  return {{"shape", shape}, {"data", d}};
}

inline int64_t numel(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

// Deterministic pseudo-random floats in [-a, a] (splitmix64).
struct Prng {
  uint64_t s;
  explicit Prng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 12345) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double real() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  float sym(float a) { return static_cast<float>((real() * 2.0 - 1.0) * a); }
  // Approximately N(0, 1) (sum of 12 uniforms - 6).
  double normal() {
    double t = 0;
    for (int i = 0; i < 12; ++i) t += real();
    return t - 6.0;
  }
  std::vector<float> vec(size_t n, float a) {
    std::vector<float> v(n);
    for (auto& x : v) x = sym(a);
    return v;
  }
};

inline json random_param(Prng& r, const std::vector<int64_t>& shape, float a) {
  return param(shape, r.vec(static_cast<size_t>(numel(shape)), a));
}

inline qg::ir::Graph parse(const json& doc, const std::string& label = "test.json") {
  return qg::frontend::parse_netjson(doc.dump(), label, "");
}

// Runs f and returns the UserError it throws (nullopt if none).
template <class F>
std::optional<qg::UserError> user_error_of(F&& f) {
  try {
    f();
  } catch (const qg::UserError& e) {
    return e;
  }
  return std::nullopt;
}

// The compiler's passes up to and including quantization.
inline qg::ir::Graph prepare(qg::ir::Graph g, const qg::quant::QuantConfig& cfg) {
  g = qg::ir::fold_batchnorm(std::move(g));
  g = qg::ir::fuse_activations(std::move(g));
  return qg::quant::quantize(qg::quant::resolve_choices(std::move(g), cfg));
}

inline qg::ir::Graph prepare(qg::ir::Graph g, const std::string& quant_json) {
  return prepare(std::move(g), quant_json.empty() ? qg::quant::QuantConfig{} : qg::quant::parse_quant_config(quant_json, "quant.json"));
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

}  // namespace qgu
