#include "driver/cmd_diff.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "codegen/target.h"
#include "driver/target_exec.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "ir/op_table.h"

namespace qg::driver {

namespace {

const char* kDiffHelp =
    "\nBuilds the emitted code for --target with every layer's output tensor dumped (the QG_LAYER_END hook;\n"
    "on the Cortex-M7 under qemu-system-arm through semihosting), runs it and the reference interpreter on\n"
    "--input, and prints the first layer (as the model names it), tensor and element that differ, with both\n"
    "values and the layer's kernel. Exit 0: every layer agrees bit for bit; 1: they differ (or an error).\n"
    "Flags that break exactness (-ffast-math, -Ofast, -ffp-contract=fast, ...) are named.\n"
    "\nExamples:\n"
    "  qgen diff net.json --config quant.json --input image.f32 --target c\n"
    "  qgen diff net.json --config quant.json --input image.f32 --target cortex-m7\n"
    "  qgen diff net.json --config quant.json --input image.f32 --target c --cc clang --cflags \"-O3 -march=native\"\n"
    "  qgen diff model.tflite --input sample.i8 --target cortex-m7 --cflags -O0\n"
    "\n--input: raw little-endian float32 in the model's layout (int8 / int16 codes for an integer input), as for qgen\n"
    "run; several samples back to back are compared one after the other. A model with several inputs takes one\n"
    "--input file per input, in model order, each with the same number of samples. The build folder is temporary (--keep-temp\n"
    "keeps it). Needs: c / x86-64: a host C compiler (--cc, $CC, default cc); cortex-a: aarch64-linux-gnu-gcc and\n"
    "qemu-aarch64; cortex-m7: arm-none-eabi-gcc ($QG_M7_CC) and qemu-system-arm ($QG_QEMU). See docs/diff.md.";

// A name as the model spells it, on one line: printable ASCII kept, other bytes as \\xNN.
std::string shown(const std::string& s) {
  std::string r;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      r += static_cast<char>(c);
    } else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      r += b;
    }
  }
  return r;
}

// Bit for bit; any NaN equals any NaN (the default NaN's bits differ between ISAs, e.g. x86 and Arm).
bool same(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

std::string value_text(float v, const ir::Tensor& t) {
  char b[96];
  if (t.dtype == ir::DType::I8) {
    if (t.q.scale != 0.0f)
      std::snprintf(b, sizeof b, "%d (real %.9g)", static_cast<int>(v),
                    static_cast<double>(t.q.scale) * (static_cast<double>(v) - static_cast<double>(t.q.zero_point)));
    else
      std::snprintf(b, sizeof b, "%d", static_cast<int>(v));
  } else {
    uint32_t u;
    std::memcpy(&u, &v, 4);
    std::snprintf(b, sizeof b, "%.9g (0x%08" PRIx32 ")", static_cast<double>(v), u);
  }
  return b;
}

// Coordinates of internal element `i` in the model's declared layout.
std::string coordinates(const ir::Graph& g, const ir::Tensor& t, int64_t i) {
  const std::vector<int64_t> shape = ir::logical_shape(t.shape, g.layout);
  int64_t li = ir::logical_index(t.shape, g.layout, i);
  std::vector<std::string> names;
  if (shape.size() == 3 && t.shape.size() == 3)
    names = g.layout == ir::Layout::HWC ? std::vector<std::string>{"y", "x", "c"} : std::vector<std::string>{"c", "y", "x"};
  std::vector<int64_t> c(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    c[d] = li % shape[d];
    li /= shape[d];
  }
  std::string r = "[";
  for (size_t d = 0; d < c.size(); ++d)
    r += (d ? ", " : "") + (names.empty() ? "i" + std::to_string(d) : names[d]) + "=" + std::to_string(c[d]);
  return r + "]";
}

}  // namespace

DiffCommand::DiffCommand(CLI::App& app) {
  sub_ = app.add_subcommand("diff", "Run the emitted code for a target and the interpreter; name the first layer and element that differ");
  sub_->footer(kDiffHelp);
  sub_->add_option("net", po_.net_path, "Network: net.json, model.tflite or model.onnx")->required();
  sub_->add_option("-c,--config", po_.config_path, "Precision choices: quant.json (none = float)");
  sub_->add_option("--calibrate", po_.calibration_path, "Calibration inputs for scheme int8 (as for compile)");
  sub_->add_option("-i,--input", input_,
                   "Input(s) in the model's layout: raw float32, or int8 / int16 codes for an integer input; a model with several "
                   "inputs: --input once per input, in model order")
      ->required();
  sub_->add_option("-t,--target", po_.target, "Target: c, x86-64, cortex-a, cortex-m7")->capture_default_str();
  sub_->add_option("--target-features", po_.target_features, "Halide feature set (x86-64, cortex-a), as for compile");
  sub_->add_option("--cc", cc_, "C compiler (default: $CC or cc on the host, aarch64-linux-gnu-gcc, $QG_M7_CC or arm-none-eabi-gcc)");
  sub_->add_option("--cflags", cflags_, "Extra compiler flags, after the target's defaults (split by the shell), e.g. \"-O3\"");
  sub_->add_flag("--keep-temp", keep_, "Keep the temporary build folder (its path is printed)");
}

int DiffCommand::run() const {
  PipelineOptions po = po_;
  po.keep_float_weights = true;
  const PipelineState s = run_pipeline(po);
  const ir::Graph& g = s.graph;
  const std::vector<std::vector<float>> inputs = read_model_inputs(input_, g);
  const std::vector<BadFlag> bad = exactness_breaking_flags(cflags_);

  ExecOptions eo;
  eo.target = po.target;
  eo.cc = cc_;
  eo.cflags = cflags_;
  eo.dump_layers = true;
  eo.keep_temp = keep_;
  const ExecResult r = run_emitted(s, inputs, eo);

  std::printf("model:  %s (%s), %s\n", printable_name(g.name).c_str(), po.net_path.c_str(),
              po.config_path.empty() ? "no --config" : ("config " + po.config_path).c_str());
  std::printf("target: %s: %s\n", po.target.c_str(), r.toolchain.c_str());
  for (size_t k = 0; k < inputs.size(); ++k) {
    const std::vector<std::vector<float>> ref = interp::run_all_tensors(g, inputs[k], interp::Mode::AsCompiled);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const ir::Node& n = g.nodes[i];
      const ir::Tensor& t = g.tensor(n.output);
      const std::vector<float>& want = ref[static_cast<size_t>(n.output)];
      const std::vector<float>& got = r.layers[k][i];
      // Not stored on the target (a conv whose max pool is fused into its kernel): compared at the pool.
      if (got.size() < want.size()) continue;
      // LQ-packed storage is compared bit for bit, word by word (no NaN rule: the words are codes and (lo, s)).
      const bool packed = t.pack.on();
      auto differ = [packed](float a, float b) { return packed ? std::memcmp(&a, &b, sizeof a) != 0 : !same(a, b); };
      int64_t first = -1, count = 0;
      for (size_t e = 0; e < want.size() && e < got.size(); ++e)
        if (differ(got[e], want[e])) {
          if (first < 0) first = static_cast<int64_t>(e);
          ++count;
        }
      if (first < 0) continue;
      // Later layers that differ too (they may only inherit this difference).
      int later = 0;
      std::string later_first;
      for (size_t j = i + 1; j < g.nodes.size(); ++j) {
        const std::vector<float>& w = ref[static_cast<size_t>(g.nodes[j].output)];
        const std::vector<float>& gj = r.layers[k][j];
        if (gj.size() < w.size()) continue;
        for (size_t e = 0; e < w.size(); ++e)
          if (!same(gj[e], w[e])) {
            if (!later++) later_first = g.nodes[j].name;
            break;
          }
      }
      const codegen::LayerReport* lr = nullptr;
      for (const codegen::LayerReport& l : s.emitted->layers)
        if (l.node == static_cast<int>(i)) lr = &l;
      std::printf("\nFIRST DIFFERENCE: input %zu, layer %zu '%s' (%s)\n", k, i + 1, shown(n.name).c_str(), ir::op_info(n.op).name);
      std::printf("  kernel:      %s (function %s)\n", lr ? lr->kernel.c_str() : "?", lr ? lr->function.c_str() : "?");
      std::printf("  tensor:      '%s' %s %s, %" PRId64 " elements\n", shown(t.name).c_str(),
                  ir::shape_str(ir::logical_shape(t.shape, g.layout)).c_str(), ir::dtype_name(t.dtype), t.numel());
      if (packed) {
        const int64_t code_words = t.packed_code_bytes() / 4;
        auto word = [](float v) {
          uint32_t u;
          std::memcpy(&u, &v, 4);
          char b[16];
          std::snprintf(b, sizeof b, "0x%08" PRIx32, u);
          return std::string(b);
        };
        std::printf("  stored:      LQ-packed, %d-bit codes, regions of %" PRId64 " (docs/quantization.md section 11)\n", t.pack.a_bits,
                    static_cast<int64_t>(t.pack.region));
        if (first < code_words)
          std::printf("  word:        %" PRId64 " of the codes (bytes %" PRId64 "-%" PRId64 ")\n", first, 4 * first, 4 * first + 3);
        else if (t.pack.lqi)  // docs/quantization.md §12: int16 lo per region, then one step byte per region
          std::printf("  word:        %" PRId64 " of the lq_int region parameters (int16 lo, then step bytes)\n", first - code_words);
        else {
          const int64_t regions = t.packed_regions(), ri = first - code_words;
          std::printf("  word:        %" PRId64 ": %s of region %" PRId64 "\n", first, ri < regions ? "lo" : "s", ri < regions ? ri : ri - regions);
        }
        std::printf("  target:      %s\n  interpreter: %s\n", word(got[static_cast<size_t>(first)]).c_str(),
                    word(want[static_cast<size_t>(first)]).c_str());
      } else {
        std::printf("  element:     %" PRId64 " %s (index %" PRId64 " in the internal HWC order)\n", ir::logical_index(t.shape, g.layout, first),
                    coordinates(g, t, first).c_str(), first);
        std::printf("  target:      %s\n", value_text(got[static_cast<size_t>(first)], t).c_str());
        std::printf("  interpreter: %s\n", value_text(want[static_cast<size_t>(first)], t).c_str());
      }
      const std::string before = i == 0 ? "it is the first layer" : i == 1 ? "layer 1 agrees" : "layers 1-" + std::to_string(i) + " agree";
      std::printf("  %" PRId64 " of %" PRId64 " %s of this tensor differ; %s; %d later layer%s differ%s\n", count,
                  packed ? static_cast<int64_t>(want.size()) : t.numel(), packed ? "stored words" : "elements",
                  before.c_str(), later, later == 1 ? "" : "s", later ? (" (first: '" + shown(later_first) + "')").c_str() : "");
      if (!bad.empty()) {
        std::string names;
        for (const BadFlag& b : bad) names += " " + b.flag;
        std::printf("  note: built with flags that break bit-exactness:%s\n", names.c_str());
      }
      std::fflush(stdout);
      return 1;
    }
    // Every layer agrees; the outputs (after the caller-layout relayout) must too.
    const std::vector<float> want = interp::run(g, inputs[k], interp::Mode::AsCompiled);
    const std::vector<int> outs = g.outputs();
    size_t at = 0;
    for (size_t j = 0; j < outs.size(); ++j) {
      const ir::Tensor& t = g.tensor(outs[j]);
      for (size_t e = 0; e < static_cast<size_t>(t.numel()); ++e)
        if (!same(r.outputs[k][at + e], want[at + e])) {
          const std::string which = outs.size() == 1 ? "output" : "output " + std::to_string(j) + " ('" + shown(t.name) + "')";
          std::printf("\nFIRST DIFFERENCE: input %zu: every layer agrees, but %s element %zu differs (the copy to the caller's layout): "
                      "target %s, interpreter %s\n",
                      k, which.c_str(), e, value_text(r.outputs[k][at + e], t).c_str(), value_text(want[at + e], t).c_str());
          return 1;
        }
      at += static_cast<size_t>(t.numel());
    }
  }
  std::printf("\nall %zu layers agree bit for bit with the interpreter on %zu input%s\n", g.nodes.size(), inputs.size(),
              inputs.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace qg::driver
