#include "driver/cmd_validate.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "driver/target_exec.h"
#include "interp/interp.h"
#include "ir/diag.h"

namespace qg::driver {

namespace {

const char* kValidateHelp =
    "\nCompiles the network for --target, builds and runs the emitted code on N random inputs (seeded, uniform\n"
    "in [-1, 1), int8 codes in [-128, 127] for an int8 input, int16 codes for a 16x8 one; a model with several\n"
    "inputs gets each, in model order) or on a data set (one input, one output), and reports:\n"
    "  - bit-exactness against the reference interpreter running the quantized model (qgen run);\n"
    "  - the error against the float model (the network without --config, run by the interpreter in float:\n"
    "    qgen run NET --float): max / mean abs error, RMSE and top-1 agreement (int8 outputs are dequantized\n"
    "    first; not available for an integer-only model such as an int8 .tflite);\n"
    "  - with --data: top-1 accuracy of the emitted code and of the float model.\n"
    "Progress goes to stderr. Exit 0: bit-exact on every input; 1: not: then replay the inputs with qgen diff,\n"
    "which names the first input, layer and element that differ:\n"
    "  qgen validate net.json --config quant.json --target cortex-m7 --save-inputs in.f32 || \\\n"
    "    qgen diff net.json --config quant.json --target cortex-m7 --input in.f32\n"
    "\nExamples:\n"
    "  qgen validate net.json --config quant.json --target c\n"
    "  qgen validate net.json --config quant.json --target cortex-m7 --inputs 20 --seed 7\n"
    "  qgen validate net.json --config quant.json --target c --data /usr/share/datasets/fashion-mnist --limit 500\n"
    "\n--data takes what qgen eval takes (IDX folder or file, or a folder with labels.csv; values / 255 for uint8).\n"
    "A model with several inputs: --save-inputs once per input, in model order (qgen diff then takes one --input each).\n"
    "Needs the tools of qgen diff (see qgen diff --help and docs/diff.md).";

// Bit for bit; any NaN equals any NaN (the default NaN's bits differ between ISAs, e.g. x86 and Arm).
bool same(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b)); }

size_t argmax(const std::vector<float>& y) {
  size_t best = 0;
  for (size_t i = 1; i < y.size(); ++i)
    if (y[i] > y[best]) best = i;
  return best;
}

// Progress on stderr: a bar on a terminal, else a line at each quarter.
class Progress {
 public:
  Progress(std::string what, size_t n) : what_(std::move(what)), n_(n), tty_(isatty(STDERR_FILENO) == 1) {}
  void operator()(size_t done) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (tty_) {
      constexpr size_t kWidth = 30;
      std::string bar(n_ ? kWidth * done / n_ : kWidth, '#');
      bar.resize(kWidth, '.');
      std::fprintf(stderr, "\r%s [%s] %zu/%zu %5.1f s", what_.c_str(), bar.c_str(), done, n_, secs);
      if (done == n_) std::fprintf(stderr, "\n");
    } else if (n_ && done * 4 / n_ > last_quarter_) {
      last_quarter_ = done * 4 / n_;
      std::fprintf(stderr, "%s: %zu/%zu inputs, %.1f s\n", what_.c_str(), done, n_, secs);
    }
    std::fflush(stderr);
  }

 private:
  std::string what_;
  size_t n_;
  bool tty_;
  size_t last_quarter_ = 0;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

}  // namespace

ValidateCommand::ValidateCommand(CLI::App& app) {
  sub_ = app.add_subcommand("validate", "Run the emitted code for a target on N inputs: bit-exactness vs the interpreter, error vs float");
  sub_->footer(kValidateHelp);
  sub_->add_option("net", po_.net_path, "Network: net.json, model.tflite or model.onnx")->required();
  sub_->add_option("-c,--config", po_.config_path, "Precision choices: quant.json (none = float)");
  sub_->add_option("--calibrate", po_.calibration_path, "Calibration inputs for scheme int8 (as for compile)");
  sub_->add_option("-t,--target", po_.target, "Target: c, x86-64, cortex-a, cortex-m7")->capture_default_str();
  sub_->add_option("--target-features", po_.target_features, "Halide feature set (x86-64, cortex-a), as for compile");
  auto* n = sub_->add_option("-n,--inputs", inputs_, "Number of random inputs")->capture_default_str();
  sub_->add_option("--seed", seed_, "Seed of the random inputs (printed)")->capture_default_str();
  auto* d = sub_->add_option("-d,--data", data_.path, "Data set instead of random inputs: IDX folder or file, or a folder with labels.csv");
  n->excludes(d);
  sub_->add_option("--split", data_.split, "IDX files of a folder: test (t10k-*) or train (train-*)")
      ->check(CLI::IsMember({"test", "train"}))
      ->capture_default_str();
  sub_->add_option("--limit", data_.limit, "Use the first N items of --data only");
  sub_->add_option("--raw-type", raw_type_, "Element type of raw files of --data: uint8 or float32")
      ->check(CLI::IsMember({"uint8", "float32"}))
      ->capture_default_str();
  sub_->add_option("--layout", layout_, "Layout of the --data items: NCHW or NHWC")->check(CLI::IsMember({"NCHW", "NHWC"}))->capture_default_str();
  sub_->add_option("--save-inputs", save_inputs_,
                   "Write the inputs used, back to back in the model's input format, to FILE (for qgen diff --input FILE); a model "
                   "with several inputs: once per input, in model order");
  sub_->add_option("--cc", cc_, "C compiler (as for qgen diff)");
  sub_->add_option("--cflags", cflags_, "Extra compiler flags, after the target's defaults (split by the shell)");
  sub_->add_flag("--keep-temp", keep_, "Keep the temporary build folder (its path is printed)");
}

int ValidateCommand::run() const {
  if (data_.path.empty() && (inputs_ < 1 || inputs_ > 100000)) user_error("", "--inputs", "must be between 1 and 100000");
  if (data_.limit == 0 || data_.limit < -1) user_error("", "--limit", "must be a positive number of items");
  PipelineOptions po = po_;
  po.keep_float_weights = true;  // the float model runs afterwards
  const PipelineState s = run_pipeline(po);
  const ir::Graph& g = s.graph;
  const std::vector<int> in_ids = g.inputs(), out_ids = g.outputs();
  if (!save_inputs_.empty() && save_inputs_.size() != in_ids.size())
    user_error("", "--save-inputs", "the model has " + std::to_string(in_ids.size()) + " input" + (in_ids.size() == 1 ? "" : "s") + " and " +
                                        std::to_string(save_inputs_.size()) + " --save-inputs file" + (save_inputs_.size() == 1 ? " was" : "s were") +
                                        " given: give one per model input, in model order");
  // A sample holds the model's inputs back to back in model order (interp::run, run_emitted).
  int64_t in_total = 0;
  for (int t : in_ids) in_total += g.tensor(t).numel();

  std::vector<std::vector<float>> inputs;
  std::vector<int64_t> labels;
  std::string source;
  if (!data_.path.empty()) {
    DataOptions dopt = data_;
    dopt.raw_type = raw_type_ == "float32" ? ElemType::F32 : ElemType::U8;
    const Dataset ds = load_dataset(dopt);
    Preprocess p;
    if (ds.type == ElemType::F32) p.divide = false, p.factor = 1.0f;
    p.nhwc = layout_ == "NHWC";
    const InputMaker mk(ds, g, p);
    for (int64_t i = 0; i < ds.count(); ++i) inputs.push_back(mk.make(i));
    labels = ds.labels;
    source = ds.description + "; " + mk.describe();
  } else {
    std::mt19937_64 rng(seed_);
    std::uniform_real_distribution<float> uf(-1.0f, 1.0f);
    std::uniform_int_distribution<int> ui(-128, 127), ui16(-32768, 32767);
    for (int64_t k = 0; k < inputs_; ++k) {
      std::vector<float> x;
      for (int t : in_ids) {
        const ir::Tensor& ti = g.tensor(t);
        for (int64_t e = 0; e < ti.numel(); ++e)
          x.push_back(ti.dtype == ir::DType::F32 ? uf(rng) : static_cast<float>(ti.i16() ? ui16(rng) : ui(rng)));
      }
      inputs.push_back(std::move(x));
    }
    std::string kinds;
    for (size_t j = 0; j < in_ids.size(); ++j) {
      const ir::Tensor& ti = g.tensor(in_ids[j]);
      kinds += std::string(j ? "; " : "") + (in_ids.size() > 1 ? "input " + std::to_string(j) + ": " : "") +
               (ti.dtype == ir::DType::F32 ? "float32 uniform in [-1, 1)" : ti.i16() ? "int16 codes uniform in [-32768, 32767]"
                                                                                     : "int8 codes uniform in [-128, 127]");
    }
    source = std::to_string(inputs_) + " random inputs, seed " + std::to_string(seed_) + ", " + kinds;
  }
  size_t at = 0;
  for (size_t j = 0; j < save_inputs_.size(); ++j) {  // one file per model input
    const ir::Tensor& ti = g.tensor(in_ids[j]);
    std::string bytes;
    for (const auto& x : inputs)
      append_raw(bytes, &x[at], static_cast<size_t>(ti.numel()), ti.dtype == ir::DType::F32 ? 4 : ti.i16() ? 2 : 1);
    at += static_cast<size_t>(ti.numel());
    std::ofstream f(save_inputs_[j], std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) user_error(save_inputs_[j], "", "cannot write the inputs file");
  }
  std::printf("model:  %s (%s), %s\ninputs: %s\n", printable_name(g.name).c_str(), po.net_path.c_str(),
              po.config_path.empty() ? "no --config" : ("config " + po.config_path).c_str(), source.c_str());
  std::fflush(stdout);

  ExecOptions eo;
  eo.target = po.target;
  eo.cc = cc_;
  eo.cflags = cflags_;
  eo.keep_temp = keep_;
  Progress progress("qgen validate: " + po.target, inputs.size());
  progress(0);  // the bar appears while the code is built (on a terminal)
  const ExecResult r = run_emitted(s, inputs, eo, [&](size_t done) { progress(done); });
  std::printf("target: %s: %s\n", po.target.c_str(), r.toolchain.c_str());

  // Bit-exactness against the quantized model.
  const std::vector<std::vector<float>> want = interp::run_batch(g, inputs, interp::Mode::AsCompiled);
  size_t bad_inputs = 0;
  int64_t bad_elems = 0;
  std::string first_bad;
  for (size_t k = 0; k < inputs.size(); ++k) {
    int64_t n = 0;
    size_t e = 0;
    for (size_t j = 0; j < out_ids.size(); ++j)
      for (int64_t i = 0; i < g.tensor(out_ids[j]).numel(); ++i, ++e)
        if (!same(r.outputs[k][e], want[k][e])) {
          if (!n && first_bad.empty()) {
            const std::string which =
                out_ids.size() == 1 ? "output" : "output " + std::to_string(j) + " ('" + message_name(g.tensor(out_ids[j]).name) + "')";
            char b[200];
            std::snprintf(b, sizeof b, " element %" PRId64 ": target %.9g, interpreter %.9g", i, static_cast<double>(r.outputs[k][e]),
                          static_cast<double>(want[k][e]));
            first_bad = "first: input " + std::to_string(k) + ", " + which + b;
          }
          ++n;
        }
    bad_elems += n;
    bad_inputs += n > 0;
  }

  // Error against the float model (dequantized integer outputs). `e` indexes
  // the outputs back to back in model order.
  std::vector<int> out_of;  // output index of each element
  for (size_t j = 0; j < out_ids.size(); ++j) out_of.insert(out_of.end(), static_cast<size_t>(g.tensor(out_ids[j]).numel()), static_cast<int>(j));
  auto real = [&](float v, size_t e) {
    const ir::Tensor& to = g.tensor(out_ids[static_cast<size_t>(out_of[e])]);
    return to.dtype == ir::DType::I8 ? static_cast<double>(to.q.scale) * (static_cast<double>(v) - static_cast<double>(to.q.zero_point))
                                     : static_cast<double>(v);
  };
  std::printf("\n%-34s %s\n", "bit-exact vs quantized interpreter:",
              bad_inputs ? ("NO: " + std::to_string(bad_inputs) + " of " + std::to_string(inputs.size()) + " inputs, " +
                            std::to_string(bad_elems) + " output elements differ (" + first_bad + ")")
                               .c_str()
                         : ("yes, " + std::to_string(inputs.size()) + " of " + std::to_string(inputs.size()) + " inputs").c_str());
  // The float model: the same network without precision choices, stopped
  // before quantization (an int8 model's input codes are dequantized for it).
  PipelineOptions fo = po_;
  fo.config_path.clear();
  fo.calibration_path.clear();
  const PipelineState fs = run_pipeline(fo, "fuse_activations");
  const ir::Graph& fg = fs.graph;
  bool float_model = fg.inputs().size() == in_ids.size() && fg.outputs().size() == out_ids.size();
  for (size_t j = 0; float_model && j < in_ids.size(); ++j)
    float_model = fg.tensor(fg.inputs()[j]).dtype == ir::DType::F32 && fg.tensor(fg.inputs()[j]).numel() == g.tensor(in_ids[j]).numel();
  for (size_t j = 0; float_model && j < out_ids.size(); ++j)
    float_model = fg.tensor(fg.outputs()[j]).dtype == ir::DType::F32 && fg.tensor(fg.outputs()[j]).numel() == g.tensor(out_ids[j]).numel();
  if (!float_model) {
    std::printf("%-34s not available: the model is integer-only (no float weights to compare with)\n", "error vs float model:");
  } else try {
    std::vector<std::vector<float>> finputs = inputs;
    for (auto& x : finputs) {
      size_t e = 0;
      for (int t : in_ids) {
        const ir::Tensor& ti = g.tensor(t);
        for (int64_t i = 0; i < ti.numel(); ++i, ++e)
          if (ti.dtype == ir::DType::I8) x[e] = ti.q.scale * (x[e] - static_cast<float>(ti.q.zero_point));
      }
    }
    const std::vector<std::vector<float>> ref = interp::run_batch(fg, finputs, interp::Mode::Float);
    double max_abs = 0, sum_abs = 0, sum_sq = 0;
    int64_t n = 0, agree = 0, hits = 0, ref_hits = 0;
    for (size_t k = 0; k < inputs.size(); ++k) {
      std::vector<float> got(r.outputs[k].size());
      for (size_t e = 0; e < got.size(); ++e) {
        got[e] = static_cast<float>(real(r.outputs[k][e], e));
        const double d = std::fabs(static_cast<double>(got[e]) - static_cast<double>(ref[k][e]));
        max_abs = std::max(max_abs, std::isnan(d) ? INFINITY : d);
        sum_abs += d;
        sum_sq += d * d;
        ++n;
      }
      agree += argmax(got) == argmax(ref[k]);
      if (!labels.empty()) {
        hits += static_cast<int64_t>(argmax(got)) == labels[k];
        ref_hits += static_cast<int64_t>(argmax(ref[k])) == labels[k];
      }
    }
    const double N = static_cast<double>(std::max<int64_t>(n, 1)), K = static_cast<double>(inputs.size());
    std::printf("%-34s max abs %.6g, mean abs %.6g, rmse %.6g\n", "error vs float model:", max_abs, sum_abs / N, std::sqrt(sum_sq / N));
    if (out_ids.size() == 1)  // class scores; several outputs have no single argmax
      std::printf("%-34s %.2f%% (%" PRId64 " of %zu inputs)\n", "top-1 agreement with float model:", 100.0 * static_cast<double>(agree) / K,
                  agree, inputs.size());
    if (!labels.empty())
      std::printf("%-34s emitted code %.2f%%, float model %.2f%%\n", "top-1 accuracy (labels):", 100.0 * static_cast<double>(hits) / K,
                  100.0 * static_cast<double>(ref_hits) / K);
  } catch (const UserError& e) {
    std::printf("%-34s not available (the float model does not run: %s)\n", "error vs float model:", e.what());
  }
  std::fflush(stdout);
  return bad_inputs ? 1 : 0;
}

}  // namespace qg::driver
