// The differential suite: >= 300 random quantized networks (random op chains
// with residual adds and concats, odd and prime shapes, random bits 8/6/4/2/1
// and regions layer (DQ) / kernel / R per layer), emitted C built with gcc and
// clang at -O0 and -O2, outputs compared bit-exactly with the interpreter.
#include <catch2/catch.hpp>
#include <map>

#include "differential/harness.h"
#include "support/cbuild.h"

namespace {

constexpr int kGroups = 13;
constexpr int kPerGroup = 25;

std::vector<qgt::DiffModel> make_group(int group, bool quantized) {
  const uint64_t first = static_cast<uint64_t>(quantized ? 1000 : 500000) + static_cast<uint64_t>(group * kPerGroup);
  return qgt::random_models(first, kPerGroup, quantized ? "lq" : "float", "rnd");
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
  const std::vector<qgt::DiffModel> models = qgt::random_models(900000 + static_cast<uint64_t>(group * kPerGroup), kPerGroup, "int8", "i8net");
  INFO("int8 group " << group);
  const std::string err = qgt::run_differential(models, qgt::default_toolchains(), "diffi8" + std::to_string(group));
  if (!err.empty()) FAIL(err);
}

TEST_CASE("random integer-only nets group 0: emitted C equals interpreter bit for bit", "[differential][int8]") { check_int8_group(0); }
TEST_CASE("random integer-only nets group 1: emitted C equals interpreter bit for bit", "[differential][int8]") { check_int8_group(1); }
TEST_CASE("random integer-only nets group 2: emitted C equals interpreter bit for bit", "[differential][int8]") { check_int8_group(2); }

TEST_CASE("random float nets group 0: emitted C equals interpreter bit for bit", "[differential]") { check_group(0, false); }
TEST_CASE("random float nets group 1: emitted C equals interpreter bit for bit", "[differential]") { check_group(1, false); }

// The int8 groups above reach the int8 kernels of the data-movement and
// table ops (else they could pass with those ops left in float between
// quantize / dequantize layers): slice, channel_shuffle, hardsigmoid's table,
// global_avgpool as TFLite's MEAN, and concat with requantized inputs.
TEST_CASE("random integer-only nets reach the int8 slice, channel_shuffle, hardsigmoid, global_avgpool and requantizing concat",
          "[differential][int8]") {
  std::map<std::string, int> count;
  const std::vector<std::string> kernels = {"qg_slice_i8__c", "qg_channel_shuffle_i8__c", "qg_hardsigmoid_table_i8__c",
                                            "qg_global_avgpool_i8__c", "qg_concat_i8__c", "qg_quantize_table_i8__c"};
  const std::string dir = qgt::make_temp_dir("i8cover");
  for (int group = 0; group < 3; ++group)
    for (const qgt::DiffModel& m : qgt::random_models(900000 + static_cast<uint64_t>(group * kPerGroup), kPerGroup, "int8", "i8net", 0)) {
      const qg::driver::PipelineState s = qgt::compile_model(dir, m.net_json, m.quant_json, m.prefix, m.calibration, "c");
      for (const qg::select::KernelChoice& c : *s.kernels)
        for (const std::string& k : kernels) count[k] += c.kernel == k ? 1 : 0;
    }
  qgt::remove_dir(dir);
  for (const std::string& k : kernels) {
    INFO(k << ": " << count[k] << " layers");
    CHECK(count[k] >= 1);
  }
}
