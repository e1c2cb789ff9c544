#include "quant/config.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "ir/diag.h"
#include "ir/input_file.h"
#include "ir/json_parse.h"
#include "ir/op_table.h"
#include "quant/format.h"
#include "quant/lut.h"

namespace qg::quant {
namespace {
using json = nlohmann::json;

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

// A JSON value for a one-line message, shortened if long.
std::string shown(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 40) + "...";
  return s;
}

constexpr int64_t kMaxRegion = int64_t{1} << 30;

ir::Region parse_region(const json& v, const std::string& file, const std::string& path) {
  ir::Region r;
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s == "layer") r.kind = ir::RegionKind::Layer;
    else if (s == "kernel") r.kind = ir::RegionKind::Kernel;
    else user_error(file, path, "must be \"layer\", \"kernel\" or a positive integer region size, got \"" + printable_name(s) + "\"");
    return r;
  }
  if (!v.is_number_integer())
    user_error(file, path, "must be \"layer\", \"kernel\" or a positive integer region size, got " + shown(v));
  const bool too_big = v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(kMaxRegion) : v.get<int64_t>() > kMaxRegion;
  if (too_big) user_error(file, path, "region size must be <= 2^30, got " + shown(v));
  const int64_t b = v.get<int64_t>();
  if (b < 1) user_error(file, path, "region size must be >= 1, got " + shown(v));
  r.kind = ir::RegionKind::Block;
  r.block = b;
  return r;
}

LayerChoice parse_choice(const json& v, const std::string& file, const std::string& path) {
  if (!v.is_object()) user_error(file, path, "must be an object");
  LayerChoice c;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& k = it.key();
    const std::string p = join(path, printable_name(k));
    const json& x = it.value();
    if (k == "scheme") {
      std::string s = x.is_string() ? x.get<std::string>() : "";
      if (s == "float") c.scheme = ir::Scheme::Float;
      else if (s == "lq") c.scheme = ir::Scheme::LQ;
      else if (s == "int8") c.scheme = ir::Scheme::Int8;
      else if (s == "lq_int") {
        c.scheme = ir::Scheme::LQ;
        c.lq_int = true;
      } else user_error(file, p, "must be \"lq\", \"lq_int\", \"int8\" or \"float\", got " + shown(x));
    } else if (k == "w_bits" || k == "a_bits") {
      if (!x.is_number_integer() || !is_supported_bits(static_cast<int>(x.get<int64_t>())) ||
          x.get<int64_t>() != static_cast<int>(x.get<int64_t>()))
        user_error(file, p, std::string("must be one of ") + supported_bits_text() + ", got " + shown(x) +
                                (x.is_string() ? " (a string; write the number without quotes)" : ""));
      (k == "w_bits" ? c.w_bits : c.a_bits) = static_cast<int>(x.get<int64_t>());
    } else if (k == "w_region" || k == "a_region") {
      (k == "w_region" ? c.w_region : c.a_region) = parse_region(x, file, p);
    } else if (k == "kernel") {
      const std::string s = x.is_string() ? x.get<std::string>() : "";
      if (s == "mac") c.kernel = ir::KernelKind::Mac;
      else if (s == "lut") c.kernel = ir::KernelKind::Lut;
      else if (s == "auto") c.kernel = ir::KernelKind::Auto;
      else user_error(file, p, "must be \"mac\", \"lut\" or \"auto\", got " + shown(x));
    } else if (k == "lut_group") {
      if (!x.is_number_integer() || x.get<int64_t>() < 1 || x.get<int64_t>() > 8)
        user_error(file, p, "must be an integer from 1 to 8 (activation codes per table look-up), got " + shown(x));
      c.lut_group = static_cast<int>(x.get<int64_t>());
    } else if (k == "hls") {
      if (!x.is_object()) user_error(file, p, "must be an object such as {\"parallelism\": 4}, got " + shown(x));
      for (auto h = x.begin(); h != x.end(); ++h) {
        const std::string hp = join(p, printable_name(h.key()));
        if (h.key() != "parallelism") user_error(file, hp, "unknown key (allowed: parallelism)");
        const json& pv = h.value();
        if (!pv.is_number_integer() || (pv.is_number_unsigned() ? (pv.get<uint64_t>() < 1 || pv.get<uint64_t>() > 4096)
                                                                 : (pv.get<int64_t>() < 1 || pv.get<int64_t>() > 4096)))
          user_error(file, hp, "must be an integer from 1 to 4096 (output channels computed in parallel), got " + shown(pv));
        c.hls_parallelism = pv.get<int64_t>();
        c.path_of["hls.parallelism"] = hp;
      }
    } else {
      user_error(file, p, "unknown key (allowed: scheme, w_bits, a_bits, w_region, a_region, kernel, lut_group, hls)");
    }
    c.path_of[k] = p;
  }
  return c;
}

}  // namespace

QuantConfig parse_quant_config(const std::string& text, const std::string& label) {
  const json root = parse_user_json(text, label);
  QuantConfig cfg;
  cfg.file = label;
  if (!root.is_object()) user_error(label, "(top level)", "must be an object with \"default\" and/or \"layers\"");
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "default") {
      cfg.has_default = true;
      cfg.default_choice = parse_choice(it.value(), label, "default");
    } else if (it.key() == "layers") {
      if (!it.value().is_object()) user_error(label, "layers", "must be an object mapping layer names to choices");
      for (auto l = it.value().begin(); l != it.value().end(); ++l) {
        const std::string p = "layers." + message_name(l.key());
        cfg.layers[l.key()] = parse_choice(l.value(), label, p);
        cfg.layer_path[l.key()] = p;
      }
    } else {
      user_error(label, printable_name(it.key()), "unknown key (allowed at top level: default, layers)");
    }
  }
  return cfg;
}

QuantConfig load_quant_config(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) user_error(path, "", "is a directory, not a quant.json file");
  return parse_quant_config(read_input_file(path), path);
}

void check_layer_names(const QuantConfig& cfg, const ir::Graph& imported) {
  for (const auto& [name, choice] : cfg.layers) {
    const ir::Node* found = nullptr;
    for (const ir::Node& n : imported.nodes)
      if (n.name == name) found = &n;
    const std::string& p = cfg.layer_path.at(name);
    if (!found) user_error(cfg.file, p, "no layer named '" + message_name(name) + "' in " + imported.file);
    if (!ir::op_info(found->op).quantizable)
      user_error(cfg.file, p,
                 "layer '" + message_name(name) + "' is a " + ir::op_info(found->op).name +
                     "; only " + ir::op_names_where([](const ir::OpInfo& i) { return i.quantizable; }, " and ") +
                     " layers take precision choices");
  }
}

ir::Graph resolve_choices(ir::Graph g, const QuantConfig& cfg) {
  for (ir::Node& n : g.nodes) {
    if (!ir::op_info(n.op).quantizable) continue;
    ir::QuantChoice q;  // defaults: 8/8 kernel/kernel
    q.scheme = ir::Scheme::Float;
    auto apply = [&](const LayerChoice& c, const std::string& origin) {
      if (c.scheme) {
        q.scheme = *c.scheme;
        q.lq_int = c.lq_int;
      }
      if (c.w_bits) q.w_bits = *c.w_bits;
      if (c.a_bits) q.a_bits = *c.a_bits;
      if (c.w_region) q.w_region = *c.w_region;
      if (c.a_region) q.a_region = *c.a_region;
      if (c.kernel) q.kernel = *c.kernel;
      if (c.lut_group) q.lut_group = *c.lut_group;
      if (c.hls_parallelism) {
        q.hls_parallelism = *c.hls_parallelism;
        q.hls_origin = c.path_of.at("hls.parallelism");
      }
      q.origin = origin;
    };
    if (cfg.has_default) {
      q.scheme = ir::Scheme::LQ;
      apply(cfg.default_choice, "default");
    }
    auto it = cfg.layers.find(n.name);
    if (it != cfg.layers.end()) {
      if (!it->second.scheme && !cfg.has_default) q.scheme = ir::Scheme::LQ;
      apply(it->second, cfg.layer_path.at(n.name));
    }
    if (q.scheme == ir::Scheme::Int8) {
      auto where = [&](const char* key) {
        if (it != cfg.layers.end() && it->second.path_of.count(key)) return it->second.path_of.at(key);
        return cfg.default_choice.path_of.count(key) ? cfg.default_choice.path_of.at(key) : q.origin;
      };
      if (q.w_bits != 8 && q.w_bits != 4 && q.w_bits != 2)
        user_error(cfg.file, where("w_bits"), "scheme int8 takes w_bits 8, 4 or 2, got " + std::to_string(q.w_bits));
      if (q.a_bits != 8 && q.a_bits != 4 && q.a_bits != 2)
        user_error(cfg.file, where("a_bits"), "scheme int8 takes a_bits 8, 4 or 2, got " + std::to_string(q.a_bits));
      for (const char* key : {"w_region", "a_region"})
        if ((it != cfg.layers.end() && it->second.path_of.count(key)) ||
            (cfg.default_choice.path_of.count(key) && !(it != cfg.layers.end() && it->second.scheme)))
          user_error(cfg.file, where(key), std::string(key) + " does not apply to scheme int8 (per-channel weights, per-tensor activations)");
    }
    // Integer-only LQ (docs/quantization.md §12): the MAC kernel, 8/4/2-bit
    // activations, and activation regions that are not the whole tensor.
    if (q.scheme == ir::Scheme::LQ && q.lq_int) {
      auto where = [&](const char* key) {
        if (it != cfg.layers.end() && it->second.path_of.count(key)) return it->second.path_of.at(key);
        return cfg.default_choice.path_of.count(key) ? cfg.default_choice.path_of.at(key) : q.origin;
      };
      const std::string layer = " (layer '" + message_name(n.name) + "')";
      if (q.a_bits != 8 && q.a_bits != 4 && q.a_bits != 2)
        user_error(cfg.file, where("a_bits"), "scheme lq_int takes a_bits 8, 4 or 2, got " + std::to_string(q.a_bits) + layer);
      if (q.kernel != ir::KernelKind::Mac)
        user_error(cfg.file, where("kernel"), "scheme lq_int has only the \"mac\" kernel" + layer);
      if (q.a_region.kind == ir::RegionKind::Layer)
        user_error(cfg.file, where("a_region"), "scheme lq_int takes a_region \"kernel\" or an integer size, not \"layer\"" + layer);
    }
    // Kernel kind and LUT group size (quant/lut.h).
    {
      auto kpath = [&](const char* key) {
        if (it != cfg.layers.end() && it->second.path_of.count(key)) return it->second.path_of.at(key);
        return cfg.default_choice.path_of.count(key) ? cfg.default_choice.path_of.at(key) : q.origin;
      };
      if (q.kernel != ir::KernelKind::Mac && q.scheme == ir::Scheme::LQ)
        check_lut_choice(cfg.file, kpath("kernel"), kpath("lut_group"), q, n.name);
      else if (q.kernel == ir::KernelKind::Lut && q.scheme == ir::Scheme::Int8)
        user_error(cfg.file, kpath("kernel"), "kernel \"lut\" needs scheme lq; scheme int8 has no LUT kernels (layer '" +
                                                  message_name(n.name) + "')");
      else if (q.kernel == ir::KernelKind::Lut && q.scheme == ir::Scheme::Float && it != cfg.layers.end() && it->second.kernel)
        user_error(cfg.file, kpath("kernel"), "kernel \"lut\" needs scheme lq; layer '" + message_name(n.name) + "' is float");
      const LayerChoice& gsrc = (it != cfg.layers.end() && it->second.lut_group) ? it->second : cfg.default_choice;
      const bool gsrc_mac = !gsrc.kernel || *gsrc.kernel == ir::KernelKind::Mac;
      if (q.lut_group && gsrc_mac && q.kernel == ir::KernelKind::Mac && q.scheme == ir::Scheme::LQ)
        user_error(cfg.file, kpath("lut_group"), "lut_group needs \"kernel\": \"lut\" or \"auto\" (layer '" + message_name(n.name) + "' uses mac)");
      if (q.scheme != ir::Scheme::LQ) q.kernel = ir::KernelKind::Mac;
    }
    // Region sizes must fit the layer's reduction axis. A size given for this
    // layer must; one inherited from "default" is clamped to K (depthwise
    // layers have K = 9 whatever the network's default region).
    const int64_t K = ir::reduction_length(g, n);
    for (auto [r, key, requested] : {std::tuple{&q.w_region, "w_region", &q.w_region_requested},
                                     {&q.a_region, "a_region", &q.a_region_requested}}) {
      if (q.scheme != ir::Scheme::LQ || r->kind != ir::RegionKind::Block || r->block <= K) continue;
      if (it != cfg.layers.end() && it->second.path_of.count(key))
        user_error(cfg.file, it->second.path_of.at(key),
                   "region size " + std::to_string(r->block) + " exceeds the reduction length " + std::to_string(K) + " of layer '" +
                       message_name(n.name) + "'");
      *requested = r->block;
      r->block = K;
    }
    n.quant = q;
  }
  return g;
}

std::string region_clamp_note(const ir::Graph& g, const QuantConfig& cfg) {
  std::string what;
  int count = 0;
  for (const char* key : {"w_region", "a_region"}) {
    std::string layers;
    int n_layers = 0;
    int64_t requested = 0;
    for (const ir::Node& n : g.nodes) {
      const int64_t req = std::string(key) == "w_region" ? n.quant.w_region_requested : n.quant.a_region_requested;
      if (!req) continue;
      requested = req;
      const ir::Region& eff = std::string(key) == "w_region" ? n.quant.w_region : n.quant.a_region;
      if (n_layers < 4) layers += std::string(n_layers ? ", " : "") + "'" + message_name(n.name) + "' " + std::to_string(eff.block);
      ++n_layers;
    }
    if (!n_layers) continue;
    if (n_layers > 4) layers += ", ... (" + std::to_string(n_layers - 4) + " more)";
    what += std::string(count++ ? "; " : "") + "default." + key + " " + std::to_string(requested) + " exceeds the reduction length of " +
            std::to_string(n_layers) + (n_layers == 1 ? " layer" : " layers") + ", clamped to it: " + layers;
  }
  if (what.empty()) return "";
  return cfg.file + ": " + what + " (report.json: *_region_requested)";
}

}  // namespace qg::quant
