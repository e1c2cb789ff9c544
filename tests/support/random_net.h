// Random networks for the differential suite: random op chains with residual
// adds and concats, odd and prime shapes, random bits and regions per layer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace qgt {

struct RandomNet {
  uint64_t seed = 0;
  std::string net_json;    // inline weights, no side file
  std::string quant_json;  // empty: float
  int64_t input_size = 0;
};

struct RandomNetOptions {
  bool quantized = true;
  int min_layers = 2, max_layers = 9;
  int64_t max_elements = 2500;  // per activation tensor
  // > 1: input, conv and dense channel counts rounded up to a multiple of
  // this (the same random draws otherwise), e.g. 4 for the vector kernels of
  // the Halide targets.
  int64_t channel_multiple = 1;
  // LQ configs that let tensors be stored LQ-packed (quant::choose_storage):
  // one default (a_bits, integer a_region R in 1..4) that most layers inherit,
  // so R divides some channel counts and not others; a few layers get another
  // choice (mixed consumers fall back to float); more conv2d layers.
  bool lq_pack = false;
  // false: only the ops every target has kernels for (no mul / sub / div /
  // minimum / maximum, slice, channel_shuffle, hardsigmoid, hardswish, leaky_relu), e.g.
  // for --target hls, which refuses the newer float ops.
  bool zoo_ops = true;
  // A max pool right after most conv2d layers (the sub-byte max pool on
  // packed codes, tests/differential/test_subbyte.cpp).
  bool pool_after_conv = false;
  // An average pool without padding (half of them one window over the whole
  // image) after most conv2d layers (the Halide average pool,
  // tests/differential/test_halide.cpp).
  bool avgpool_after_conv = false;
};

RandomNet random_net(uint64_t seed, const RandomNetOptions& opt = {});

// Inputs of a few kinds: 0 = N(0,1)-like, 1 = all zeros (hi == lo regions),
// 2 = wide range with some exact repeats, 3 = non-negative (post-ReLU-like).
std::vector<float> random_input(uint64_t seed, int64_t n, int kind);

// Small deterministic PRNG (splitmix64).
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x1234567ull) {}
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int64_t uniform(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }
  double real() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  float sym(float a) { return static_cast<float>((real() * 2.0 - 1.0) * a); }
  bool chance(double p) { return real() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<size_t>(uniform(0, static_cast<int64_t>(v.size()) - 1))]; }
};

}  // namespace qgt
