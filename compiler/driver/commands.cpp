#include "driver/commands.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <new>
#include <sstream>

#include "codegen/writer.h"
#include "driver/cmd_diff.h"
#include "driver/cmd_eval.h"
#include "driver/cmd_import.h"
#include "driver/cmd_plan.h"
#include "driver/cmd_report.h"
#include "driver/cmd_validate.h"
#include "driver/pipeline.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "ir/input_file.h"

namespace qg::driver {
namespace {

const char* kDescription =
    "qgen - ahead-of-time compiler for quantized neural networks on small devices.\n"
    "Reads a trained network (net.json v1) and per-layer precision choices (quant.json),\n"
    "quantizes it (LQ: local quantization regions, or DQ: one region per layer), plans its\n"
    "memory and emits dependency-free C that is bit-exact with qgen's reference interpreter.";

const char* kExamples =
    "\nExamples:\n"
    "  qgen compile net.json -o out/                              float model, portable C\n"
    "  qgen compile net.json --config quant.json --target c -o out/\n"
    "  qgen compile net.json --config quant.json -o out/ --dump-after=quantize\n"
    "  qgen run net.json --config quant.json --input image.f32    reference interpreter\n"
    "  qgen import model.onnx -o net.json                         ONNX -> net.json + net.bin\n"
    "  qgen report net.json --config quant.json                   multiplies / adds / look-ups, MAC vs LUT\n"
    "  qgen eval net.json --config quant.json --data /usr/share/datasets/fashion-mnist   top-1/top-5\n"
    "  qgen diff net.json --config quant.json --input image.f32 --target cortex-m7   first layer that differs\n"
    "  qgen validate net.json --config quant.json --target c --inputs 20      bit-exact? error vs float\n"
    "  qgen plan net.json --target cortex-m7 --ram 65536 -o plan/  8/4/2-bit widths for budgets (Rusci's rule)\n"
    "\n"
    "quant.json:\n"
    "  {\"default\": {\"w_bits\": 8, \"a_bits\": 4, \"w_region\": \"kernel\", \"a_region\": 16},\n"
    "   \"layers\":  {\"conv1\": {\"scheme\": \"float\"}, \"fc\": {\"a_region\": \"layer\"}}}\n"
    "  bits: 8, 6, 4, 2, 1.  regions: \"layer\" (DQ), \"kernel\" (per patch / output channel), R.\n"
    "  kernel: \"mac\" (default), \"lut\" (1/2/4-bit activations, table look-ups; \"lut_group\": codes per look-up), \"auto\".\n"
    "\n"
    "Docs: README.md, docs/net-format.md, docs/quantization.md, docs/architecture.md\n";


// --target's help: every target's description from its target.json.
std::string target_help() {
  std::string r = "Target (targets/<name>/target.json; docs/cortex-m7.md, docs/halide.md):";
  for (const std::string& n : codegen::target_names()) r += "\n  " + n + ": " + codegen::target(n).description;
  return r;
}

codegen::WeightsFormat weights_format(const std::string& s) {
  if (s == "c") return codegen::WeightsFormat::C;
  if (s == "blob") return codegen::WeightsFormat::Blob;
  return codegen::WeightsFormat::Auto;
}

int cmd_compile(PipelineOptions o, const std::string& out_dir, bool quiet) {
  o.keep_float_weights = false;  // nothing after codegen runs the graph
  PipelineState s = run_pipeline(o);
  // Moved, not copied: the weight blob alone can be hundreds of MB. The reports
  // below only read s.emitted's layer table and totals.
  std::vector<codegen::OutputFile> files = std::move(s.emitted->files);
  files.push_back({"report.json", report_json(s, o)});
  files.push_back({"report.md", report_md(s, o)});
  codegen::write_output_dir(out_dir, files);
  // After the last possible error: a failing compile prints one line.
  const std::string clamp_note = quant::region_clamp_note(s.graph, s.config);
  if (!clamp_note.empty()) std::cerr << "qgen: note: " << clamp_note << "\n";
  // Not an error: the link-time budgets can be raised (a bigger part, PSRAM).
  const std::string budget = budget_problem(s, o);
  if (!budget.empty())
    std::cerr << "qgen: warning: " << budget << " (" << codegen::target(o.target).budget_note << ")\n";
  if (!quiet) {
    std::cout << report_md(s, o);
    // Timings go to the terminal only: the output folder must not depend on them.
    if (!s.emitted->halide_target.empty())
      std::cout << "\nHalide compile time: " << s.emitted->halide_compile_seconds << " s (lowering and LLVM, all layers)\n";
    std::cout << "\nwrote " << out_dir << "/{";
    for (size_t i = 0; i < files.size(); ++i) std::cout << (i ? "," : "") << files[i].name;
    std::cout << "}\n";
  }
  return 0;
}

struct RunOptions {
  std::vector<std::string> inputs, outputs;  // one file per model input / output, model order
  std::string dump_tensors;
  bool float_mode = false;
  unsigned threads = 0;
};

// Bytes of one raw value of tensor t in files: 1 (int8 codes), 2 (int16
// codes of a 16x8 model, little-endian) or 4 (float32).
int raw_bytes(const ir::Tensor& t) { return t.i16() ? 2 : t.dtype == ir::DType::I8 ? 1 : 4; }

// Inputs of an int8 model are raw int8 codes (int16 codes, little-endian,
// for a 16x8 model); float models read float32.
std::vector<float> read_inputs(const std::string& path, int bytes) {
  if (bytes == 4) return read_f32_file(path);
  const std::string raw = read_input_file(path);
  if (bytes == 2 && raw.size() % 2) user_error(path, "", "holds an odd number of bytes; the model input is int16 (2 bytes per value)");
  return decode_raw(raw, bytes);
}

void write_tensor(std::ofstream& f, const std::vector<float>& v, int bytes) {
  std::string raw;
  append_raw(raw, v.data(), v.size(), bytes);
  f.write(raw.data(), static_cast<std::streamsize>(raw.size()));
}

int cmd_run(PipelineOptions o, const RunOptions& ro) {
  if (o.dump_after == "plan" || o.dump_after == "codegen")
    user_error("", "--dump-after", "qgen run stops after the select stage; use qgen compile --dump-after=" + o.dump_after);
  PipelineState s = run_pipeline(o, "select");  // the graph `qgen compile` emits ("auto" layers resolved)
  const ir::Graph& g = s.graph;
  const std::vector<int> ins = g.inputs(), outs = g.outputs();
  auto names = [&](const std::vector<int>& ids) {
    std::string r;
    for (size_t k = 0; k < ids.size(); ++k) r += (k ? ", '" : "'") + message_name(g.tensor(ids[k]).name) + "'";
    return r;
  };
  if (ro.inputs.size() != ins.size())
    user_error("", "--input", "the model has " + std::to_string(ins.size()) + " input" + (ins.size() > 1 ? "s (" + names(ins) + ")" : "") +
                                  "; give --input once per input, in model order (got " + std::to_string(ro.inputs.size()) + ")");
  if (!ro.outputs.empty() && ro.outputs.size() != outs.size())
    user_error("", "--output", "the model has " + std::to_string(outs.size()) + " output" + (outs.size() > 1 ? "s (" + names(outs) + ")" : "") +
                                   "; give --output once per output, in model order, or not at all (got " + std::to_string(ro.outputs.size()) + ")");
  // Each input file holds the same number of samples; sample b is the
  // inputs' b-th samples back to back (interp::run).
  std::vector<std::vector<float>> per(ins.size());
  size_t samples = 0;
  for (size_t k = 0; k < ins.size(); ++k) {
    const int bytes = raw_bytes(g.tensor(ins[k]));
    per[k] = read_inputs(ro.inputs[k], bytes);
    const size_t n = static_cast<size_t>(g.tensor(ins[k]).numel());
    if (per[k].empty() || per[k].size() % n)
      user_error(ro.inputs[k], "", "holds " + std::to_string(per[k].size()) + (bytes == 2 ? " int16 values" : bytes == 1 ? " int8 values" : " floats") +
                                       "; the model input" + (ins.size() > 1 ? " '" + message_name(g.tensor(ins[k]).name) + "'" : std::string()) +
                                       " has " + std::to_string(n) + " (a batch file holds a multiple of that)");
    if (k > 0 && per[k].size() / n != samples)
      user_error(ro.inputs[k], "", "holds " + std::to_string(per[k].size() / n) + " samples, the first --input file " + std::to_string(samples) +
                                       " (every input file holds the same number)");
    samples = per[k].size() / n;
  }
  const std::string clamp_note = quant::region_clamp_note(g, s.config);
  if (!clamp_note.empty()) std::cerr << "qgen: note: " << clamp_note << "\n";
  std::vector<std::vector<float>> batch;
  for (size_t b = 0; b < samples; ++b) {
    std::vector<float> x;
    for (size_t k = 0; k < ins.size(); ++k) {
      const size_t n = static_cast<size_t>(g.tensor(ins[k]).numel());
      x.insert(x.end(), per[k].begin() + static_cast<long>(b * n), per[k].begin() + static_cast<long>((b + 1) * n));
    }
    batch.push_back(std::move(x));
  }
  const interp::Mode mode = ro.float_mode ? interp::Mode::Float : interp::Mode::AsCompiled;
  auto res = interp::run_batch(g, batch, mode, ro.threads);
  // Output k of sample b: res[b] holds the outputs back to back (interp::run).
  std::vector<size_t> out_at{0};
  for (int t : outs) out_at.push_back(out_at.back() + static_cast<size_t>(g.tensor(t).numel()));
  auto slice = [&](const std::vector<float>& r, size_t k) {
    return std::vector<float>(r.begin() + static_cast<long>(out_at[k]), r.begin() + static_cast<long>(out_at[k + 1]));
  };
  for (size_t k = 0; k < ro.outputs.size(); ++k) {
    std::ofstream f(ro.outputs[k], std::ios::binary);
    for (const auto& r : res) write_tensor(f, slice(r, k), raw_bytes(g.tensor(outs[k])));
    if (!f) user_error(ro.outputs[k], "", "cannot write output file");
  }
  if (!ro.dump_tensors.empty()) {
    // Every tensor of the first sample (internal layout), for locating differences.
    const auto t = interp::run_all_tensors(g, batch[0], mode);
    std::error_code ec;
    std::filesystem::create_directories(ro.dump_tensors, ec);
    std::ofstream index(ro.dump_tensors + "/index.tsv");
    if (!index) user_error(ro.dump_tensors, "", "cannot write tensor dump");
    auto dump = [&](int id) {
      const ir::Tensor& tt = g.tensor(id);
      const std::string file = "t" + std::to_string(id) + ".bin";
      std::ofstream f(ro.dump_tensors + "/" + file, std::ios::binary);
      write_tensor(f, t[static_cast<size_t>(id)], raw_bytes(tt));
      index << tt.name << "\t" << file << "\t" << (tt.pack.on() && mode == interp::Mode::AsCompiled ? "lq_packed" : tt.i16() ? "i16" : ir::dtype_name(tt.dtype)) << "\t" << ir::shape_str(tt.shape) << "\n";
    };
    for (int id : ins) dump(id);
    for (const ir::Node& nd : g.nodes) dump(nd.output);
  }
  for (size_t b = 0; b < res.size(); ++b)
    for (size_t k = 0; k < outs.size(); ++k) {
      const std::vector<float> r = slice(res[b], k);
      size_t best = 0;
      for (size_t i = 1; i < r.size(); ++i)
        if (r[i] > r[best]) best = i;
      if (outs.size() > 1) std::printf("sample %zu output %zu '%s': argmax %zu:", b, k, printable_name(g.tensor(outs[k]).name).c_str(), best);
      else std::printf("sample %zu: argmax %zu:", b, best);
      for (float v : r) std::printf(" %.9g", static_cast<double>(v));
      std::printf("\n");
    }
  return 0;
}

}  // namespace

int qgen_main(int argc, char** argv) {
  CLI::App app{kDescription, "qgen"};
  app.footer(kExamples);
  app.require_subcommand(1);
  app.set_version_flag("--version", "qgen 0.1.0");

  PipelineOptions co;
  std::string out_dir, weights = "auto";
  bool quiet = false;
  auto* compile = app.add_subcommand("compile", "Compile a network to C sources (+ report.json, report.md)");
  compile->add_option("net", co.net_path, "Network: net.json (docs/net-format.md), model.tflite or model.onnx")->required();
  compile->add_option("-c,--config", co.config_path, "Precision choices: quant.json (none = float)");
  compile->add_option("-t,--target", co.target, target_help())->capture_default_str();
  compile->add_option("--target-features", co.target_features,
                      "Halide feature set: x86-64: avx2 (default), avx512, avx512_vnni, avx512_vnni_evex, sse41, or host (the best this CPU has: "
                      "the output then depends on the machine running qgen); cortex-a: dotprod (default), neon; "
                      "hls: part=PART,clock=NS (docs/hls.md)");
  compile->add_option("-o,--output", out_dir, "Output directory (created; never left half-written)")->required();
  compile->add_option("--name", co.name, "C prefix of the emitted API (default: the model's name)");
  compile->add_option("--dump-after", co.dump_after, "Print the IR after STAGE: import, fold_batchnorm, fuse_activations, quantize, select, plan, codegen");
  compile->add_option("--weights-format", weights, "Constant tables as C arrays (c), as .incbin blobs (blob), or auto (blob above 8 MiB)")
      ->check(CLI::IsMember({"auto", "c", "blob"}))
      ->capture_default_str();
  compile->add_option("--weights-section", co.weights_section,
                      "Put every constant table (weights, biases, requantization and index tables) in linker section NAME, "
                      "aligned to 4 bytes, e.g. .qspi_weights (GCC/Clang; default: none, the compiler's .rodata)")
      ->check([](const std::string& s) -> std::string {
        if (s.empty() || s.size() > 64) return "NAME must have 1 to 64 characters";
        for (char c : s)
          if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '$'))
            return "NAME may only contain letters, digits, '.', '_' and '$': " + s;
        return "";
      });
  compile->add_flag("-q,--quiet", quiet, "Do not print the layer table");
  compile->add_option("--calibrate", co.calibration_path, "Calibration inputs for scheme int8: raw float32, N inputs back to back (a model with several inputs: each sample holds its inputs back to back, in model order)");

  PipelineOptions ro;
  RunOptions rop;
  auto* run = app.add_subcommand("run", "Run the reference interpreter on raw input(s): float32, or int8 codes for an int8 model, int16 codes for a 16x8 model (the output likewise)");
  run->add_option("net", ro.net_path, "Network: net.json, model.tflite or model.onnx")->required();
  run->add_option("-c,--config", ro.config_path, "Precision choices: quant.json (none = float)");
  run->add_option("-i,--input", rop.inputs,
                  "Raw input in the model's layout: float32 little-endian, or int8 codes for an int8 model (int16 little-endian for a 16x8 model); "
                  "N inputs back to back = a batch. A model with several inputs: give --input once per input, in model order (the order of "
                  "<prefix>_run's parameters), each file holding the same number of samples")
      ->required()
      ->allow_extra_args(false);  // one file per --input: `-i a.f32 net.json` must not read net.json as an input
  run->add_option("-o,--output", rop.outputs,
                  "Write the outputs here: raw float32 little-endian, or int8 codes (one byte each) for a model whose output is int8, int16 codes "
                  "(little-endian) for a 16x8 model's int16 output. A model with several outputs: give --output once per output, in model order")
      ->allow_extra_args(false);
  run->add_flag("--float", rop.float_mode, "Ignore the quantization choices: run everything in float");
  run->add_option("--dump-tensors", rop.dump_tensors, "Write every tensor of the first input to DIR (index.tsv + raw files)");
  run->add_option("--threads", rop.threads, "Worker threads over the batch (0 = all cores)");
  run->add_option("--calibrate", ro.calibration_path, "Calibration inputs for scheme int8 (as for compile)");
  run->add_option("--dump-after", ro.dump_after, "Print the IR after STAGE (import ... select)");

  ImportCommand import_cmd(app);
  EvalCommand eval_cmd(app);
  ReportCommand report_cmd(app);
  DiffCommand diff_cmd(app);
  ValidateCommand validate_cmd(app);
  PlanCommand plan_cmd(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    std::fprintf(stderr, "qgen: error: %s (see qgen --help)\n", what.c_str());
    return 1;
  }

  try {
    if (*compile) {
      co.weights = weights_format(weights);
      return cmd_compile(co, out_dir, quiet);
    }
    if (*run) return cmd_run(ro, rop);
    if (import_cmd.selected()) return import_cmd.run();
    if (eval_cmd.selected()) return eval_cmd.run();
    if (report_cmd.selected()) return report_cmd.run();
    if (diff_cmd.selected()) return diff_cmd.run();
    if (validate_cmd.selected()) return validate_cmd.run();
    if (plan_cmd.selected()) return plan_cmd.run();
  } catch (const UserError& e) {
    std::fprintf(stderr, "qgen: error: %s\n", e.what());
    return 1;
  } catch (const InternalError& e) {
    std::fprintf(stderr, "qgen: %s (this is a bug in qgen; please report it with the input files)\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "qgen: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qgen: internal error: %s (this is a bug in qgen)\n", e.what());
    return 2;
  }
  return 1;
}

}  // namespace qg::driver
