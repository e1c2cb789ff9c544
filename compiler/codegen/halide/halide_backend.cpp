#include "codegen/halide/halide_backend.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "codegen/halide/linear_i8.h"
#include "ir/diag.h"
#include "ir/op_table.h"
#include "select/select.h"

namespace qg::codegen::halide {

namespace {

int64_t round4(int64_t v) { return (v + 3) / 4 * 4; }

// The "halide" block of targets/<name>/target.json.
const nlohmann::json& descriptor(const Target& t) {
  QG_CHECK(t.halide.is_object(), "target " + t.name + " has no halide block");
  return t.halide;
}

std::set<std::string> cpu_flags() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  std::set<std::string> r;
  while (std::getline(f, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream is(line.substr(line.find(':') + 1));
    std::string w;
    while (is >> w) r.insert(w);
    break;
  }
  return r;
}

// --target-features host: the best feature set of the descriptor's
// "host_detect" list the host CPU has (each entry names the /proc/cpuinfo
// flags it needs), else the baseline. Only on request: the default is the
// descriptor's fixed "default", so output never depends on the build machine.
std::string host_features(const nlohmann::json& d) {
  const std::set<std::string> have = cpu_flags();
  for (const auto& e : d.at("host_detect")) {
    bool ok = true;
    for (const auto& f : e.at("needs")) ok = ok && have.count(f.get<std::string>());
    if (ok) return e.at("use").get<std::string>();
  }
  return d.at("baseline").get<std::string>();
}

}  // namespace

std::string halide_target_string(const Target& t, const std::string& features) {
  const nlohmann::json& d = descriptor(t);
  const nlohmann::json& sets = d.at("feature_sets");
  std::string want = features.empty() ? d.at("default").get<std::string>() : features;
  if (want == "host") want = host_features(d);
  if (!sets.contains(want)) {
    std::string known = "host";
    for (auto it = sets.begin(); it != sets.end(); ++it) known += ", " + it.key();
    user_error("", "--target-features", "unknown feature set '" + printable_name(want) + "' for target " + t.name + " (known: " + known + ")");
  }
  std::string s = d.at("arch").get<std::string>();
  const std::string extra = sets.at(want).get<std::string>();
  if (!extra.empty()) s += "-" + extra;
  return s + "-no_runtime-no_asserts-no_bounds_query";
}

bool evex_only(const Target& t, const std::string& features) {
  const nlohmann::json& d = descriptor(t);
  const std::string set = features == "host" ? host_features(d) : features.empty() ? d.at("default").get<std::string>() : features;
  return d.contains("evex_only") && d.at("evex_only").contains(set);
}

void check_features(const Target& t, const std::string& features) {
  if (features.empty()) return;
  if (!select::halide_enabled(t)) user_error("", "--target-features", "target " + t.name + " takes no feature set (only the Halide targets x86-64 and cortex-a do)");
  halide_target_string(t, features);
}

struct Backend::Impl {
  Halide::Target target;
  // Feature sets of the descriptor's "evex_only" map (x86-64
  // avx512_vnni_evex): the target LLVM gets lets it encode 128/256-bit
  // dot products as VEX AVX-VNNI, which CPUs with AVX512-VNNI but no AVX-VNNI
  // (AMD Zen 4) lack. Such a model compiles with `target` only if every
  // conv / dense / depthwise layer's output channels fill whole 512-bit
  // vectors (16 int32 lanes: no narrower dot product exists), else every
  // layer compiles with `narrow` (the map's value, e.g. avx512). Conv and
  // dense layers of other channel counts then accumulate whole vectors
  // (Layer::padded), so only a depthwise layer (no padding: its input has
  // only Cp channels) makes a model narrow.
  bool evex_only = false;
  bool all_wide = true;
  Halide::Target narrow;
  std::string narrow_string;
  MachineInfo machine;
  int in_offset = 0;
  std::string prefix;
  struct Layer {
    Halide::Pipeline pipeline;
    std::vector<Halide::Argument> args;
    std::string fn;
    // evex_only targets, conv / dense with O % 16 != 0: the same layer with
    // its accumulators padded to whole 512-bit vectors (LinearSpec::Op), used
    // when the model compiles with `target`.
    std::function<Halide::Pipeline()> padded;
  };
  std::vector<Layer> layers;  // compiled in compile_object, once the target is known
};

Backend::Backend(const Target& t, const std::string& features, const std::string& prefix) : impl_(std::make_unique<Impl>()) {
  target_ = halide_target_string(t, features);
  impl_->target = Halide::Target(target_);
  const nlohmann::json& d = descriptor(t);
  const std::string set = features == "host" ? host_features(d) : features.empty() ? d.at("default").get<std::string>() : features;
  if (evex_only(t, features)) {
    impl_->evex_only = true;
    impl_->narrow_string = halide_target_string(t, d.at("evex_only").at(set).get<std::string>());
    impl_->narrow = Halide::Target(impl_->narrow_string);
  }
  impl_->prefix = prefix;
  const Halide::Target& ht = impl_->target;
  if (ht.arch == Halide::Target::X86) {
    const bool avx512 = ht.has_feature(Halide::Target::AVX512_Skylake);
    impl_->machine.i32_lanes = avx512 ? 16 : ht.has_feature(Halide::Target::AVX2) ? 8 : 4;
    impl_->machine.accumulators = avx512 ? 24 : 12;
    impl_->machine.i8_lanes = 4 * impl_->machine.i32_lanes;
    impl_->machine.rounding_mulhi = avx512;
    // vpdpbusd needs AVX512-VNNI (Halide: avx512_sapphirerapids); else pairs for vpmaddwd.
    impl_->machine.dot_group = ht.has_feature(Halide::Target::AVX512_SapphireRapids) ? 4 : 2;
    impl_->machine.add_tables = !avx512;  // measured on AVX2 only (docs/halide.md)
    impl_->in_offset = 128;  // vpdpbusd multiplies unsigned activations by signed weights
  } else {
    impl_->machine.i32_lanes = 4;
    impl_->machine.accumulators = 20;
    impl_->machine.i8_lanes = 16;
    impl_->in_offset = 0;  // sdot: signed × signed
  }
}

Backend::~Backend() = default;

size_t Backend::layers() const { return impl_->layers.size(); }

Defines Backend::add_layer(const ir::Graph& g, const ir::Node& n, const std::string& fn) {
  if (n.op == ir::Op::MaxPool2d || n.op == ir::Op::AvgPool2d) return add_pool(g, n, fn);
  if (n.op == ir::Op::Add) return add_add(g, n, fn);
  const auto t0 = std::chrono::steady_clock::now();
  LinearSpec s;
  s.dense = n.op == ir::Op::Dense;
  s.depthwise = ir::is_depthwise(g, n);
  if (s.dense) {
    s.C = static_cast<int>(g.in(n).shape[0]);
    s.O = static_cast<int>(g.out(n).shape[0]);
  } else {
    const auto& is = g.in(n).shape;
    const auto& os = g.out(n).shape;
    const ir::Window& w = n.attrs.win;
    s.H = static_cast<int>(is[0]), s.W = static_cast<int>(is[1]), s.C = static_cast<int>(is[2]);
    s.OH = static_cast<int>(os[0]), s.OW = static_cast<int>(os[1]), s.O = static_cast<int>(os[2]);
    s.KH = static_cast<int>(w.kh), s.KW = static_cast<int>(w.kw), s.SH = static_cast<int>(w.sh), s.SW = static_cast<int>(w.sw);
    s.DH = static_cast<int>(w.dh), s.DW = static_cast<int>(w.dw), s.PT = static_cast<int>(w.pt), s.PL = static_cast<int>(w.pl);
    s.Hp = (s.OH - 1) * s.SH + (s.KH - 1) * s.DH + 1;
    s.Wp = (s.OW - 1) * s.SW + (s.KW - 1) * s.DW + 1;
  }
  s.Cp = static_cast<int>(round4(s.C));
  s.in_zp = static_cast<int>(g.in(n).q.zero_point);
  s.out_zp = static_cast<int>(g.out(n).q.zero_point);
  s.act_min = n.ip.act_min;
  s.act_max = n.ip.act_max;
  s.in_offset = impl_->in_offset;
  s.weight = n.il->weight;
  s.bias = n.il->bias;
  s.mult = n.il->mult;
  s.shift = n.il->shift;
  QG_CHECK(static_cast<int64_t>(s.Hp) * s.Wp * s.Cp == select::halide_scratch_bytes(g, n), "halide scratch size mismatch");

  Halide::ImageParam in(s.in_offset ? Halide::UInt(8) : Halide::Int(8), s.dense ? 1 : 3, fn + "_in");
  s.Op = s.O;
  if (s.depthwise && (impl_->machine.i32_lanes != 16 || !depthwise_full_vectors(s, impl_->machine))) impl_->all_wide = false;
  try {
    impl_->layers.push_back({build_linear_i8(s, impl_->machine, fn, in), {in}, fn, {}});
    if (impl_->evex_only && !s.depthwise && s.O % 16) {
      LinearSpec p = s;
      p.Op = padded_outputs(s, impl_->machine);
      const MachineInfo m = impl_->machine;
      impl_->layers.back().padded = [p, m, fn, in]() mutable { return build_linear_i8(p, m, fn, in); };
    }
  } catch (const Halide::Error& e) {
    internal_error(__FILE__, __LINE__, "Halide rejected layer pipeline " + fn + ": " + e.what());
  }
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  auto str = [](int64_t v) { return std::to_string(v); };
  return {{"QG_HL_FN", fn},
          {"QG_H", str(s.H)}, {"QG_W", str(s.W)}, {"QG_C", str(s.C)}, {"QG_CP", str(s.Cp)},
          {"QG_HP", str(s.Hp)}, {"QG_WP", str(s.Wp)}, {"QG_PT", str(s.PT)}, {"QG_PL", str(s.PL)},
          {"QG_OH", str(s.OH)}, {"QG_OW", str(s.OW)}, {"QG_O", str(s.O)},
          {"QG_DIMS", s.dense ? "1" : "3"},
          {"QG_IN_OFFSET", str(s.in_offset)},
          {"QG_PAD", "((unsigned char)" + str(s.in_zp + s.in_offset) + ")"},
          {"QG_IN_TYPE_CODE", s.in_offset ? "1" : "0"}};
}

Defines Backend::add_pool(const ir::Graph& g, const ir::Node& n, const std::string& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  PoolSpec s;
  s.avg = n.op == ir::Op::AvgPool2d;
  const auto& is = g.in(n).shape;
  const auto& os = g.out(n).shape;
  const ir::Window& w = n.attrs.win;
  s.H = static_cast<int>(is[0]), s.W = static_cast<int>(is[1]), s.C = static_cast<int>(is[2]);
  s.OH = static_cast<int>(os[0]), s.OW = static_cast<int>(os[1]);
  s.KH = static_cast<int>(w.kh), s.KW = static_cast<int>(w.kw), s.SH = static_cast<int>(w.sh), s.SW = static_cast<int>(w.sw);
  s.PT = static_cast<int>(w.pt), s.PL = static_cast<int>(w.pl);
  s.act_min = n.ip.act_min;
  s.act_max = n.ip.act_max;
  Halide::ImageParam in(Halide::Int(8), 3, fn + "_in");
  try {
    // No multiplies by data (the average's division by a constant at most): nothing a VNNI instruction could be formed from.
    impl_->layers.push_back({build_pool_i8(s, impl_->machine, fn, in), {in}, fn, {}});
  } catch (const Halide::Error& e) {
    internal_error(__FILE__, __LINE__, "Halide rejected layer pipeline " + fn + ": " + e.what());
  }
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto str = [](int64_t v) { return std::to_string(v); };
  return {{"QG_HL_FN", fn}, {"QG_H", str(s.H)}, {"QG_W", str(s.W)}, {"QG_C", str(s.C)}, {"QG_OH", str(s.OH)}, {"QG_OW", str(s.OW)}};
}

Defines Backend::add_add(const ir::Graph& g, const ir::Node& n, const std::string& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  AddSpec s;
  const ir::IntParams& p = n.ip;
  s.N = static_cast<int>(g.out(n).numel());
  s.zp1 = static_cast<int>(g.in(n, 0).q.zero_point);
  s.zp2 = static_cast<int>(g.in(n, 1).q.zero_point);
  s.out_zp = static_cast<int>(g.out(n).q.zero_point);
  s.left_shift = p.left_shift, s.m1 = p.in1_mult, s.s1 = p.in1_shift, s.m2 = p.in2_mult, s.s2 = p.in2_shift;
  s.mo = p.out_mult, s.so = p.out_shift, s.act_min = p.act_min, s.act_max = p.act_max;
  Halide::ImageParam a(Halide::Int(8), 1, fn + "_a"), b(Halide::Int(8), 1, fn + "_b");
  try {
    // Multiplies only in int64 (the requantization): no VNNI pattern.
    impl_->layers.push_back({build_add_i8(s, impl_->machine, fn, a, b), {a, b}, fn, {}});
  } catch (const Halide::Error& e) {
    internal_error(__FILE__, __LINE__, "Halide rejected layer pipeline " + fn + ": " + e.what());
  }
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {{"QG_HL_FN", fn}, {"QG_N", std::to_string(s.N)}};
}

std::string Backend::compile_object() {
  const auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  std::string tmpl = (std::filesystem::temp_directory_path(ec) / "qgen-halide-XXXXXX").string();
  if (ec || !mkdtemp(&tmpl[0])) user_error(tmpl, "", "cannot create a temporary directory for the Halide object (set TMPDIR)");
  const std::string dir = tmpl, obj = dir + "/" + impl_->prefix + "_halide.o";
  std::string bytes;
  try {
    const bool narrow = impl_->evex_only && !impl_->all_wide;
    if (narrow) target_ = impl_->narrow_string;
    std::vector<Halide::Module> modules;
    for (Impl::Layer& l : impl_->layers) {
      if (!narrow && l.padded) l.pipeline = l.padded();
      modules.push_back(l.pipeline.compile_to_module(l.args, l.fn, narrow ? impl_->narrow : impl_->target));
    }
    Halide::Module m = Halide::link_modules(impl_->prefix + "_halide", modules);
    m.compile({{Halide::OutputFileType::object, obj}});
    std::ifstream f(obj, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    bytes = ss.str();
  } catch (const Halide::Error& e) {
    std::remove(obj.c_str());
    rmdir(dir.c_str());
    internal_error(__FILE__, __LINE__, std::string("Halide could not compile the layer object: ") + e.what());
  }
  std::remove(obj.c_str());
  rmdir(dir.c_str());
  QG_CHECK(!bytes.empty(), "Halide wrote an empty object file");
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return bytes;
}

}  // namespace qg::codegen::halide
