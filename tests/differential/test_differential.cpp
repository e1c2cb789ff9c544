// The differential suite: >= 300 random quantized networks (random op chains
// with residual adds and concats, odd and prime shapes, random bits 8/6/4/2/1
// and regions layer (DQ) / kernel / R per layer), emitted C built with gcc and
// clang at -O0 and -O2, outputs compared bit-exactly with the interpreter.
#include <catch2/catch.hpp>

#include "differential/harness.h"

namespace {

constexpr int kGroups = 13;
constexpr int kPerGroup = 25;

std::vector<qgt::DiffModel> make_group(int group, bool quantized) {
  std::vector<qgt::DiffModel> models;
  for (int k = 0; k < kPerGroup; ++k) {
    const uint64_t seed = static_cast<uint64_t>(quantized ? 1000 : 500000) + static_cast<uint64_t>(group * kPerGroup + k);
    qgt::RandomNetOptions opt;
    opt.quantized = quantized;
    qgt::RandomNet rn = qgt::random_net(seed, opt);
    qgt::DiffModel m;
    m.net_json = rn.net_json;
    m.quant_json = rn.quant_json;
    m.prefix = "rnd" + std::to_string(seed);
    m.label = "random net seed " + std::to_string(seed);
    for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
    models.push_back(std::move(m));
  }
  return models;
}

}  // namespace

static void check_group(int group, bool quantized) {
  const int base = quantized ? 1000 : 500000;
  INFO("group " << group << " (seeds " << base + group * kPerGroup << ".." << base + group * kPerGroup + kPerGroup - 1 << ")");
  const std::string err = qgt::run_differential(make_group(group, quantized), qgt::default_toolchains(),
                                                std::string(quantized ? "diff" : "difff") + std::to_string(group));
  if (!err.empty()) FAIL(err);
}

// One test case per group so CTest runs groups in parallel.
#define QG_DIFF_GROUP(n) \
  TEST_CASE("random quantized nets group " #n ": emitted C equals interpreter bit for bit (gcc and clang at -O0 and -O2)", "[differential]") { check_group(n, true); }
QG_DIFF_GROUP(0)
QG_DIFF_GROUP(1)
QG_DIFF_GROUP(2)
QG_DIFF_GROUP(3)
QG_DIFF_GROUP(4)
QG_DIFF_GROUP(5)
QG_DIFF_GROUP(6)
QG_DIFF_GROUP(7)
QG_DIFF_GROUP(8)
QG_DIFF_GROUP(9)
QG_DIFF_GROUP(10)
QG_DIFF_GROUP(11)
QG_DIFF_GROUP(12)
static_assert(kGroups == 13, "one QG_DIFF_GROUP line per group");

// Integer-only (TFLite int8 semantics) from random float nets: calibrated
// per-tensor int8 activations, per-channel 8/4/2-bit weights, quantize /
// dequantize where int8 and float ops meet.
static void check_int8_group(int group) {
  std::vector<qgt::DiffModel> models;
  for (int k = 0; k < kPerGroup; ++k) {
    const uint64_t seed = 900000 + static_cast<uint64_t>(group * kPerGroup + k);
    qgt::RandomNetOptions opt;
    opt.quantized = false;
    qgt::RandomNet rn = qgt::random_net(seed, opt);
    qgt::DiffModel m;
    m.net_json = rn.net_json;
    const int wb[3] = {8, 4, 2};
    m.quant_json = "{\"default\": {\"scheme\": \"int8\", \"w_bits\": " + std::to_string(wb[seed % 3]) + "}}";
    m.prefix = "i8net" + std::to_string(seed);
    m.label = "int8 net seed " + std::to_string(seed);
    for (int c = 0; c < 8; ++c) m.calibration.push_back(qgt::random_input(seed * 31 + static_cast<uint64_t>(c), rn.input_size, c % 2 ? 0 : 3));
    for (int kind = 0; kind < 4; ++kind) m.inputs.push_back(qgt::random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
    models.push_back(std::move(m));
  }
  INFO("int8 group " << group);
  const std::string err = qgt::run_differential(models, qgt::default_toolchains(), "diffi8" + std::to_string(group));
  if (!err.empty()) FAIL(err);
}

TEST_CASE("random integer-only nets group 0: emitted C equals interpreter bit for bit", "[differential][int8]") { check_int8_group(0); }
TEST_CASE("random integer-only nets group 1: emitted C equals interpreter bit for bit", "[differential][int8]") { check_int8_group(1); }
TEST_CASE("random integer-only nets group 2: emitted C equals interpreter bit for bit", "[differential][int8]") { check_int8_group(2); }

TEST_CASE("random float nets group 0: emitted C equals interpreter bit for bit", "[differential]") { check_group(0, false); }
TEST_CASE("random float nets group 1: emitted C equals interpreter bit for bit", "[differential]") { check_group(1, false); }
