#include "driver/pipeline.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "codegen/templates.h"
#include "driver/cmd_report.h"
#include "interp/interp.h"
#include <cstring>
#include <fstream>
#include "codegen/embedded.h"
#include "codegen/halide/halide_backend.h"
#include "codegen/hls_emitter.h"
#include "frontend/load.h"
#include "ir/diag.h"
#include "ir/input_file.h"
#include "ir/op_table.h"
#include "ir/passes/fold_batchnorm.h"
#include "ir/passes/fuse_activations.h"
#include "ir/printer.h"
#include "quant/format.h"
#include "quant/int8.h"
#include "quant/lq_int.h"
#include "quant/lut.h"
#include "quant/quantize.h"
#include "quant/storage.h"

namespace qg::driver {

std::vector<float> read_f32_file(const std::string& path) {
  const std::string b = read_input_file(path);
  if (b.size() % 4) user_error(path, "", "size " + std::to_string(b.size()) + " is not a multiple of 4 (expected raw little-endian float32)");
  return decode_raw(b, 4);
}

std::vector<float> decode_raw(const std::string& bytes, int64_t elem) {
  const size_t e = static_cast<size_t>(elem), n = bytes.size() / e;
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data() + i * e);
    if (elem == 1) {
      v[i] = static_cast<float>(static_cast<int8_t>(p[0]));
    } else if (elem == 2) {
      v[i] = static_cast<float>(static_cast<int16_t>(static_cast<uint16_t>(p[0] | p[1] << 8)));
    } else {
      const uint32_t u = uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
      std::memcpy(&v[i], &u, 4);
    }
  }
  return v;
}

void append_raw(std::string& out, const float* v, size_t n, int64_t elem) {
  for (size_t i = 0; i < n; ++i) {
    uint32_t u = 0;
    if (elem == 4) std::memcpy(&u, &v[i], 4);
    else u = static_cast<uint32_t>(static_cast<int32_t>(v[i]));  // an int8 / int16 code; its low bytes
    for (int64_t b = 0; b < elem; ++b) out.push_back(static_cast<char>(u >> (8 * b) & 0xFF));
  }
}

// Tensor ranges of the float graph over the calibration inputs.
static std::vector<quant::Range> calibrate(const ir::Graph& g, const PipelineOptions& o, const quant::QuantConfig& cfg) {
  std::vector<std::vector<float>> samples = o.calibration;
  size_t n = 0;  // one sample: the model's inputs back to back, in model order (interp::run)
  for (int t : g.inputs()) n += static_cast<size_t>(g.tensor(t).numel());
  if (samples.empty() && !o.calibration_path.empty()) {
    const std::vector<float> all = read_f32_file(o.calibration_path);
    if (all.empty() || all.size() % n)
      user_error(o.calibration_path, "", "holds " + std::to_string(all.size()) + " floats, not a multiple of the input size " + std::to_string(n));
    // NaN / inf carry no range information (an all-NaN file used to fall back to [0, 1] silently): refused.
    for (size_t i = 0; i < all.size(); ++i)
      if (!std::isfinite(all[i]))
        user_error(o.calibration_path, "float " + std::to_string(i) + " (sample " + std::to_string(i / n) + ")",
                   "calibration inputs must be finite, got " + std::string(std::isnan(all[i]) ? "NaN" : "inf"));
    for (size_t i = 0; i < all.size(); i += n) samples.emplace_back(all.begin() + static_cast<long>(i), all.begin() + static_cast<long>(i + n));
  }
  std::string origin = "default.scheme", scheme = "int8";
  for (const ir::Node& nd : g.nodes)
    if (nd.quant.scheme == ir::Scheme::Int8 || (nd.quant.scheme == ir::Scheme::LQ && nd.quant.lq_int)) {
      // The JSON path of the scheme: the layer's own "scheme", else the default's.
      auto it = cfg.layers.find(nd.name);
      origin = it != cfg.layers.end() && it->second.path_of.count("scheme") ? it->second.path_of.at("scheme") : "default.scheme";
      scheme = nd.quant.scheme == ir::Scheme::Int8 ? "int8" : "lq_int";
      break;
    }
  if (samples.empty())
    user_error(o.config_path, origin, "scheme " + scheme + " needs calibration inputs: pass --calibrate FILE (raw float32 inputs, N back to back)");
  std::vector<quant::Range> r;
  for (const interp::TensorRange& t : interp::tensor_ranges(g, samples)) r.push_back({t.lo, t.hi});
  return r;
}

struct Stage {
  const char* name;
  std::function<void(PipelineState&, const PipelineOptions&)> run;
};

static const std::vector<Stage>& stages() {
  static const std::vector<Stage> kStages = {
      {"import",
       [](PipelineState& s, const PipelineOptions& o) {
         s.graph = frontend::load_model(o.net_path);
         if (!o.config_path.empty()) {
           s.config = quant::load_quant_config(o.config_path);
           quant::check_layer_names(s.config, s.graph);
         }
       }},
      {"fold_batchnorm", [](PipelineState& s, const PipelineOptions&) { s.graph = ir::fold_batchnorm(std::move(s.graph)); }},
      {"fuse_activations", [](PipelineState& s, const PipelineOptions&) { s.graph = ir::fuse_activations(std::move(s.graph)); }},
      {"quantize",
       [](PipelineState& s, const PipelineOptions& o) {
         s.graph = quant::resolve_choices(std::move(s.graph), s.config);
         std::vector<quant::Range> ranges;
         const bool int8 = quant::uses_int8(s.graph), lqi = quant::uses_lq_int(s.graph);
         if (int8 || lqi) ranges = o.ranges.empty() ? calibrate(s.graph, o, s.config) : o.ranges;
         s.graph = quant::quantize(std::move(s.graph), !o.keep_float_weights);
         if (lqi) s.graph = quant::lower_lq_int(std::move(s.graph), ranges);  // docs/quantization.md §12
         if (int8) s.graph = quant::to_int8(std::move(s.graph), ranges);
         s.graph = quant::lower_int8(std::move(s.graph));
       }},
      {"select",
       [](PipelineState& s, const PipelineOptions& o) {
         target::Target t = target::get(o.target);
         // The lq_x86 kernels are AVX2 code: not with a feature set without
         // AVX2 (x86-64 --target-features sse41, or host on such a CPU).
         if (t.has_kernel("lq_x86") && select::halide_enabled(t) &&
             codegen::halide::halide_target_string(t, o.target_features).find("-avx2") == std::string::npos)
           t.kernels.erase(std::remove(t.kernels.begin(), t.kernels.end(), std::string("lq_x86")), t.kernels.end());
         // A feature set with AVX512-VNNI (avx512_vnni, avx512_vnni_evex, or host on such a CPU): the lq_x86
         // kernels take vpdpbusd (EVEX, 256-bit) for their dot products (templates/conv2d_lqp_x86.c, QG_VNNI).
         if (t.has_kernel("lq_x86") && select::halide_enabled(t) &&
             codegen::halide::halide_target_string(t, o.target_features).find("-avx512_sapphirerapids") != std::string::npos)
           t.features.push_back("x86_avx512_vnni");
         // avx512_vnni_evex: dense layers that would keep the model off VNNI run in C (docs/halide.md).
         if (select::halide_enabled(t) && codegen::halide::evex_only(t, o.target_features)) t.features.push_back("halide_evex_only");
         s.graph = select::resolve_auto(std::move(s.graph), t);
         // LQ-packed activations (docs/quantization.md §11, §12) only where the
         // target's emitter has the packed kernels ("lq_packed" family for
         // float-combination LQ, "lqi_packed" for lq_int).
         if (t.has_kernel("lq_packed") || t.has_kernel("lqi_packed"))
           s.graph = quant::choose_storage(std::move(s.graph), t.has_kernel("lq_packed"), t.has_kernel("lqi_packed"));
         s.kernels = select::select_kernels(s.graph, t);
       }},
      {"plan",
       [](PipelineState& s, const PipelineOptions&) {
         QG_CHECK(s.kernels.has_value(), "plan needs the select stage's choices");
         const select::Selection& k = *s.kernels;
         std::vector<int> fused;  // select::fuse_lq_pools: a max pool computed by the LQ conv before it
         for (const select::KernelChoice& c : k) fused.push_back(c.pool_node);
         s.plan = plan::plan_memory(
             s.graph, [&k](const ir::Graph& g, const ir::Node& n) { return k.at(static_cast<size_t>(&n - g.nodes.data())).scratch_bytes(); },
             "greedy-best-of", fused);
       }},
      {"codegen",
       [](PipelineState& s, const PipelineOptions& o) {
         codegen::EmitOptions eo;
         eo.name = o.name;
         eo.weights = o.weights;
         eo.weights_section = o.weights_section;
         eo.source = o.net_path;
         eo.target = o.target;
         eo.target_features = o.target_features;
         QG_CHECK(s.kernels.has_value() && s.plan.has_value(), "codegen needs the select and plan stages");
         if (codegen::target(o.target).emitter == "hls")
           s.emitted = codegen::emit_hls(s.graph, eo, o.config_path);  // docs/hls.md
         else
           s.emitted = codegen::emit_c(s.graph, *s.plan, *s.kernels, eo);
       }},
  };
  return kStages;
}

std::vector<quant::Range> calibration_ranges(const ir::Graph& g, const PipelineOptions& opts) { return calibrate(g, opts, quant::QuantConfig{}); }

std::vector<std::string> stage_names() {
  std::vector<std::string> r;
  for (const Stage& s : stages()) r.push_back(s.name);
  return r;
}

std::vector<std::string> target_names() { return codegen::target_names(); }

static std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

PipelineState run_pipeline(const PipelineOptions& opts, const std::string& last_stage) {
  const auto names = stage_names();
  auto known = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  if (!opts.dump_after.empty() && !known(opts.dump_after))
    user_error("", "--dump-after", "unknown stage '" + printable_name(opts.dump_after) + "' (stages: " + join(names) + ")");
  codegen::target(opts.target);  // an unknown target is a user error before any work
  if (codegen::target(opts.target).emitter == "hls")
    codegen::parse_hls_features(codegen::target(opts.target), opts.target_features);
  else
    codegen::halide::check_features(codegen::target(opts.target), opts.target_features);
  PipelineState s;
  for (const Stage& st : stages()) {
    st.run(s, opts);
    if (opts.dump_after == st.name) {
      if (s.emitted) {
        for (const auto& f : s.emitted->files) {
          const std::string ext = f.name.substr(f.name.find_last_of('.'));
          if (ext == ".c" || ext == ".h" || ext == ".cpp") std::cout << "// ---- " << f.name << " ----\n" << f.content;
        }
      } else if (s.plan) {
        std::cout << plan::print_plan(s.graph, *s.plan);
      } else if (s.kernels) {
        std::cout << select::print_selection(s.graph, *s.kernels);
      } else {
        std::cout << ir::print_graph(s.graph);
      }
      std::cout.flush();
      if (opts.stop_after_dump) break;
    }
    if (st.name == last_stage) break;
  }
  return s;
}

void run_stages(PipelineState& s, const PipelineOptions& opts, const std::string& first, const std::string& last) {
  bool on = false;
  for (const Stage& st : stages()) {
    on = on || st.name == first;
    if (on) st.run(s, opts);
    if (st.name == last) break;
  }
  QG_CHECK(on, "run_stages: unknown stage " + first);
}

namespace {
using json = nlohmann::json;

json layer_rows(const PipelineState& s) {
  const ir::Graph& g = s.graph;
  json rows = json::array();
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const ir::Node& n = g.nodes[i];
    const ir::OpInfo& info = ir::op_info(n.op);
    json r;
    r["name"] = n.name;
    r["op"] = info.name;
    json ins = json::array();
    for (int t : n.inputs) ins.push_back(ir::logical_shape(g.tensor(t).shape, g.layout));
    r["input_shapes"] = ins;
    r["output_shape"] = ir::logical_shape(g.out(n).shape, g.layout);
    if (g.out(n).pack.on()) {  // quant::choose_storage: stored LQ-packed (docs/quantization.md §11)
      const ir::Tensor& t = g.out(n);
      r["output_storage"] = {{"form", t.pack.lqi ? "lqi_packed" : "lq_packed"}, {"a_bits", t.pack.a_bits}, {"region", t.pack.region},
                             {"code_bytes", t.packed_code_bytes()}, {"region_param_bytes", t.packed_param_bytes()}};
    }
    if (n.act != ir::Activation::None) r["activation"] = ir::activation_name(n.act);
    if (info.quantizable) {
      r["scheme"] = n.lq ? (n.lq->lqi ? "lq_int" : "lq") : n.il ? "int8" : "float";
      if (n.il) {
        r["w_bits"] = n.il->w_bits;
        r["a_bits"] = g.out(n).q.bits;  // the layer's output activations (8, or 4 / 2 packed)
        r["input_a_bits"] = g.in(n).q.bits;
        r["w_region"] = "channel";
        r["a_region"] = "tensor";
        r["accumulator"] = "int32";
      }
      if (n.lq) {
        r["w_bits"] = n.lq->w_bits;
        r["a_bits"] = n.lq->a_bits;
        r["w_region"] = ir::region_name(n.lq->w_region);
        r["a_region"] = ir::region_name(n.lq->a_region);
        // a "default" size larger than K, clamped to K (quant::resolve_choices)
        if (n.quant.w_region_requested) r["w_region_requested"] = n.quant.w_region_requested;
        if (n.quant.a_region_requested) r["a_region_requested"] = n.quant.a_region_requested;
        r["dq"] = n.lq->a_region.kind == ir::RegionKind::Layer;
        r["segments"] = n.lq->segments();
        r["accumulator"] = n.lq->acc64 ? "int64" : "int32";
        r["accumulator_bound"] = n.lq->acc_bound;
        if (n.lq->lqi) {  // docs/quantization.md §12
          r["lq_int"] = {{"input_step", n.lq->S_in}, {"output_step", n.lq->S_out}, {"constant_bits", n.lq->mbits},
                         {"accumulator", "int64"}, {"accumulator_bound", n.lq->T_bound}};
        }
      }
    }
    if (s.kernels) r["kernel"] = (*s.kernels)[i].kernel;
    if (s.emitted && !s.emitted->layers[i].hls.empty()) r["kernel"] = s.emitted->layers[i].function;  // --target hls: the layer function
    if (s.emitted) {
      r["function"] = s.emitted->layers[i].function;  // the emitted body it calls (layers of equal shape share one)
      r["weight_bytes"] = s.emitted->layers[i].table_bytes;
      if (!s.emitted->layers[i].hls.empty()) {
        json h = json::object();
        for (const auto& [k, v] : s.emitted->layers[i].hls) h[k] = v;
        r["hls"] = h;  // --target hls: accumulator, parallelism, estimates (docs/hls.md)
      }
    }
    const plan::Buffer& b = s.plan->tensors[static_cast<size_t>(n.output)];
    r["output_place"] = b.place == plan::Place::Arena ? "arena" : "caller_output";
    r["arena_offset"] = b.place == plan::Place::Arena ? b.offset : -1;
    r["arena_bytes"] = b.place == plan::Place::Arena ? b.bytes : 0;
    r["scratch_offset"] = s.plan->scratch[i].bytes ? s.plan->scratch[i].offset : -1;
    r["scratch_bytes"] = s.plan->scratch[i].bytes;
    r["macs"] = ir::node_macs(g, n);
    if (info.quantizable) r["ops"] = layer_ops_json(g, n);  // MAC vs LUT counts (cmd_report.h)
    rows.push_back(r);
  }
  return rows;
}
}  // namespace

std::string budget_problem(const PipelineState& s, const PipelineOptions& opts) {
  const codegen::Target& t = codegen::target(opts.target);
  if (t.flash_budget <= 0 || !s.emitted || !s.plan) return "";
  const int64_t flash = s.emitted->table_bytes + s.emitted->code_bytes_estimate();
  const int64_t ram = std::max<int64_t>(s.plan->arena_bytes, plan::MemoryPlan::kAlign);
  std::string r;
  if (flash > t.flash_budget)
    r += "estimated flash " + std::to_string(flash) + " bytes exceeds the " + t.name + " budget of " + std::to_string(t.flash_budget);
  if (t.ram_budget > 0 && ram > t.ram_budget)
    r += std::string(r.empty() ? "" : "; ") + "arena " + std::to_string(ram) + " bytes exceeds the " + t.name + " RAM budget of " +
         std::to_string(t.ram_budget);
  return r;
}

std::string report_json(const PipelineState& s, const PipelineOptions& opts) {
  json j;
  j["generator"] = codegen::kGeneratorVersion;
  j["model"] = s.graph.name;
  j["prefix"] = s.emitted->prefix;
  j["target"] = opts.target;
  // Base names only (like the banner): the output must not depend on the folder the inputs were in.
  auto base_name = [](const std::string& p) { return p.substr(p.find_last_of('/') + 1); };
  j["source"] = base_name(opts.net_path);
  j["config"] = base_name(opts.config_path);
  j["arena_bytes"] = std::max<int64_t>(s.plan->arena_bytes, plan::MemoryPlan::kAlign);
  j["arena_lower_bound"] = s.plan->lower_bound;
  j["memory_planner"] = s.plan->algorithm;
  j["weight_bytes"] = s.emitted->table_bytes;
  j["kernel_bodies"] = s.emitted->kernel_instances;
  j["kernel_calls"] = s.emitted->kernel_calls;
  j["code_bytes_estimate"] = s.emitted->code_bytes_estimate();
  j["flash_bytes"] = s.emitted->table_bytes + s.emitted->code_bytes_estimate();
  const codegen::Target& t = codegen::target(opts.target);
  if (t.flash_budget > 0) {
    j["flash_budget"] = t.flash_budget;
    j["ram_budget"] = t.ram_budget;
    j["fits_budget"] = budget_problem(s, opts).empty();
  }
  j["flash_note"] = "weight_bytes (constant tables: weights, codes, per-channel constants) + code_bytes_estimate (machine code: a measured size per kernel body by template, 24 bytes per call, 128 for the run function; layers of equal shape share one body)";
  j["weights_format"] = s.emitted->blob ? "blob" : "c";
  if (!s.emitted->halide_target.empty()) j["halide_target"] = s.emitted->halide_target;
  if (t.emitter == "hls") {
    const codegen::HlsFeatures f = codegen::parse_hls_features(t, opts.target_features);
    j["hls_part"] = f.part;
    j["hls_clock_ns"] = f.clock_ns;
    json tot = json::object();
    for (const char* k : {"dsp", "lut", "ff", "bram18", "latency_cycles"}) {
      int64_t sum = 0;
      for (const auto& l : s.emitted->layers)
        for (const auto& [key, v] : l.hls)
          if (key == k) sum += v;
      tot[k] = sum;
    }
    j["hls_estimate_total"] = tot;  // latency: the sum over layers (no overlap between DATAFLOW stages assumed)
  }
  j["build_flags"] = codegen::target(opts.target).build_flags;
  int64_t macs = 0;
  for (const ir::Node& n : s.graph.nodes) macs += ir::node_macs(s.graph, n);
  j["total_macs"] = macs;
  j["ops_total"] = ops_totals_json(s.graph);
  j["layers"] = layer_rows(s);
  // Names are checked UTF-8 at import; paths given on the command line may not be.
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string report_md(const PipelineState& s, const PipelineOptions& opts) {
  json rows = layer_rows(s);
  std::ostringstream os;
  os << "# qgen report: " << printable_name(s.graph.name) << "\n\n";
  os << "Target `" << opts.target << "`, generated by " << codegen::kGeneratorVersion << ".\n\n";
  os << "| # | layer | op | output | scheme | w bits/region | a bits/region | kernel | weight bytes | arena offset | arena bytes | MACs |\n";
  os << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  int i = 1;
  for (const json& r : rows) {
    std::string shape;
    for (const auto& d : r["output_shape"]) shape += (shape.empty() ? "" : "×") + std::to_string(d.get<int64_t>());
    os << "| " << i++ << " | " << printable_name(r["name"].get<std::string>()) << " | " << r["op"].get<std::string>() << " | " << shape
       << " | " << (r.contains("scheme") ? r["scheme"].get<std::string>() : "") << " | "
       << (r.contains("w_bits") ? std::to_string(r["w_bits"].get<int>()) + " / " + r["w_region"].get<std::string>() : "") << " | "
       << (r.contains("a_bits") ? std::to_string(r["a_bits"].get<int>()) + " / " + r["a_region"].get<std::string>() : "") << " | "
       << r["kernel"].get<std::string>() << " | " << r["weight_bytes"].get<int64_t>() << " | "
       << (r["arena_offset"].get<int64_t>() >= 0 ? std::to_string(r["arena_offset"].get<int64_t>()) : "output") << " | "
       << r["arena_bytes"].get<int64_t>() << " | " << r["macs"].get<int64_t>() << " |\n";
  }
  int64_t macs = 0;
  for (const json& r : rows) macs += r["macs"].get<int64_t>();
  os << "\n**Flash:** " << s.emitted->table_bytes + s.emitted->code_bytes_estimate() << " bytes (constant tables "
     << s.emitted->table_bytes << " + code estimate " << s.emitted->code_bytes_estimate() << ")  \n";
  os << "**RAM (arena):** " << std::max<int64_t>(s.plan->arena_bytes, plan::MemoryPlan::kAlign) << " bytes (liveness lower bound "
     << s.plan->lower_bound << ", planner " << s.plan->algorithm << ")  \n";
  os << "**MACs per inference:** " << macs << "\n";
  const codegen::Target& t = codegen::target(opts.target);
  const std::string& p = s.emitted->prefix;
  if (t.emitter == "hls") {
    // Per-layer estimates (docs/hls.md: formulas, not synthesis results).
    os << "\n| # | layer | accumulator | parallelism | DSP | LUT | FF | BRAM18 | latency (cycles) |\n|---|---|---|---|---|---|---|---|---|\n";
    for (size_t li = 0; li < s.emitted->layers.size(); ++li) {
      std::map<std::string, int64_t> h(s.emitted->layers[li].hls.begin(), s.emitted->layers[li].hls.end());
      auto v = [&](const char* k) { return h.count(k) ? std::to_string(h[k]) : std::string(); };
      os << "| " << li + 1 << " | " << printable_name(s.graph.nodes[li].name) << " | " << (h.count("accumulator_bits") ? v("accumulator_bits") + " bits" : "")
         << " | " << v("parallelism")
         << (h.count("parallelism_requested") && h["parallelism_requested"] != h["parallelism"] ? " (" + v("parallelism_requested") + " requested, clamped)" : "")
         << " | " << v("dsp") << " | " << v("lut") << " | " << v("ff") << " | " << v("bram18") << " | "
         << v("latency_cycles") << " |\n";
    }
    os << "\n(The arena columns above are the C targets' memory plan; the HLS design keeps each layer's buffers in its own static arrays.)  \n";
    os << "**HLS C simulation:** `g++ -std=c++17 -I<ap_types> " << p << ".cpp " << p << "_tb.cpp` (docs/hls.md); synthesis: `vitis_hls -f run_hls.tcl`\n";
    return os.str();
  }
  os << "**Build with:** `" << t.build_flags << "` (no `-ffast-math`): every `.c` file of this folder"
     << (s.emitted->blob ? ", `" + p + "_weights.c` also with `-Wa,-I<this folder>` (`.incbin` blobs)" : "")
     << (s.emitted->halide_target.empty() ? "" : "; link `" + p + "_halide.o` (Halide target `" + s.emitted->halide_target + "`)") << "  \n";
  if (t.flash_budget > 0) {
    const std::string problem = budget_problem(s, opts);
    os << "**Budget (" << t.name << "):** flash " << t.flash_budget << " bytes, RAM " << t.ram_budget << " bytes ("
       << t.budget_note << "): " << (problem.empty() ? "fits" : problem) << "  \n";
  }
  const json ops = ops_totals_json(s.graph);
  if (ops.contains("mac_over_lut")) {
    const json& c = ops["chosen"];
    os << "**Ops per inference, chosen kernels** (docs/quantization.md §10): " << c["multiplies"] << " multiplies, " << c["adds"]
       << " adds, " << c["lookups"] << " table look-ups (all MAC: " << ops["mac"]["multiplies"] << " / " << ops["mac"]["adds"]
       << "; all LUT where possible: " << ops["lut"]["multiplies"] << " / " << ops["lut"]["adds"] << " / " << ops["lut"]["lookups"]
       << "; `qgen report` for the per-layer table)\n";
  }
  return os.str();
}

}  // namespace qg::driver
