// Shared by the libFuzzer targets (tests/fuzz/README.md): runs the whole
// in-process pipeline of `qgen compile` + `qgen run` (import, passes, quantize,
// plan, emit C, report.json / report.md, the interpreter on one input) on a
// model file written to a private temporary folder. A UserError is the
// expected answer to bad input; anything else escaping (InternalError, a JSON
// or std exception) aborts, so libFuzzer records the input as a crash.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "driver/pipeline.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "ir/graph.h"

namespace qg::fuzz {

// Per-process folder (in /dev/shm when there is one: no disk traffic).
inline const std::string& work_dir() {
  // Never destroyed: the atexit cleanup runs after static destructors may have.
  static const std::string* const dir = [] {
    const char* base = std::getenv("QGEN_FUZZ_TMP");
    const std::string b = base ? base : (std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp");
    auto* d = new std::string(b + "/qgen-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(*d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(work_dir(), ec);
    });
    return d;
  }();
  return *dir;
}

inline std::string write_file(const std::string& name, const uint8_t* data, size_t size) {
  const std::string p = work_dir() + "/" + name;
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return p;
}

// Models whose one inference is too big for a fuzzing iteration are skipped
// after import (they are valid, only slow); the limits keep each run in ms.
inline bool small_enough(const ir::Graph& g) {
  int64_t macs = 0, elems = 0;
  for (const ir::Tensor& t : g.tensors) {
    int64_t n = 1;
    for (int64_t d : t.shape) n = d > 0 && n < (int64_t{1} << 40) / d ? n * d : (int64_t{1} << 40);
    elems += n;
  }
  for (const ir::Node& n : g.nodes) macs += ir::node_macs(g, n);
  return elems <= (int64_t{1} << 20) && macs >= 0 && macs <= 20'000'000 && g.nodes.size() <= 200;
}

// config: "" (float), or the text of a quant.json. Returns normally on
// success and on a user error.
inline void run_model(const std::string& model_path, const std::string& config_text, const std::string& target = "c") {
  try {
    driver::PipelineOptions o;
    o.net_path = model_path;
    o.target = target;
    if (!config_text.empty())
      o.config_path = write_file("quant.json", reinterpret_cast<const uint8_t*>(config_text.data()), config_text.size());
    driver::PipelineState imp = driver::run_pipeline(o, "import");
    if (!small_enough(imp.graph)) return;
    const int64_t n = imp.graph.tensor(imp.graph.input).numel();
    const bool int8_in = imp.graph.tensor(imp.graph.input).dtype == ir::DType::I8;
    // Calibration for scheme int8: a ramp and its negation.
    std::vector<float> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      a[static_cast<size_t>(i)] = static_cast<float>(i % 17) / 8.0f - 1.0f;
      b[static_cast<size_t>(i)] = -a[static_cast<size_t>(i)];
    }
    o.calibration = {a, b};
    driver::PipelineState s = driver::run_pipeline(o);
    (void)driver::report_json(s, o);
    (void)driver::report_md(s, o);
    (void)driver::budget_problem(s, o);
    std::vector<float> in(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) in[static_cast<size_t>(i)] = int8_in ? static_cast<float>(static_cast<int8_t>(i * 37)) : a[static_cast<size_t>(i)];
    (void)interp::run(s.graph, in);
  } catch (const UserError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: not a user error: %s\n", e.what());
    std::abort();
  }
}

}  // namespace qg::fuzz
