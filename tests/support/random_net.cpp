#include "support/random_net.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace qgt {
namespace {
using json = nlohmann::json;

struct T {  // a tensor available to later layers, internal shape (H, W, C) or (N)
  std::string name;
  std::vector<int64_t> s;
  int64_t numel() const {
    int64_t n = 1;
    for (auto d : s) n *= d;
    return n;
  }
};

class Gen {
 public:
  Gen(uint64_t seed, const RandomNetOptions& o) : r_(seed), opt_(o) {}

  RandomNet make(uint64_t seed) {
    RandomNet out;
    out.seed = seed;
    chw_ = r_.chance(0.6);
    json net;
    net["format"] = "qgen-net";
    net["version"] = 1;
    net["name"] = "rnd" + std::to_string(seed);
    const std::vector<int64_t> dims = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13};
    T in;
    in.name = r_.chance(0.2) ? "in \"put\"*/" : "input";
    if (r_.chance(0.75)) {
      in.s = {r_.pick(dims), r_.pick(dims), round_up(r_.uniform(1, 7))};
      net["input"] = {{"name", in.name}, {"shape", logical(in.s)}, {"layout", chw_ ? "CHW" : "HWC"}};
    } else {
      in.s = {round_up(r_.uniform(1, 40))};
      net["input"] = {{"name", in.name}, {"shape", in.s}};
    }
    out.input_size = in.numel();
    avail_.push_back(in);
    cur_ = in;
    const int n = static_cast<int>(r_.uniform(opt_.min_layers, opt_.max_layers));
    json layers = json::array();
    for (int i = 0; i < n || layers.empty(); ++i) add_layer(layers);
    net["layers"] = layers;
    out.net_json = net.dump(1);
    if (opt_.quantized) out.quant_json = make_config().dump(1);
    return out;
  }

 private:
  Rng r_;
  RandomNetOptions opt_;
  bool chw_ = true;
  std::vector<T> avail_;
  T cur_;
  int counter_ = 0;
  struct QL {
    std::string name;
    int64_t K;
  };
  std::vector<QL> qlayers_;

  std::vector<int64_t> logical(const std::vector<int64_t>& s) const {
    if (s.size() == 3 && chw_) return {s[2], s[0], s[1]};
    return s;
  }

  std::string fresh(const char* base) {
    ++counter_;
    if (r_.chance(0.08)) return std::string(base) + " #" + std::to_string(counter_) + " \"q\"\n*/";
    return std::string(base) + std::to_string(counter_);
  }

  json data(int64_t n, float scale) {
    json d = json::array();
    const bool constant = r_.chance(0.04);
    const float c = r_.sym(scale);
    for (int64_t i = 0; i < n; ++i) d.push_back(constant ? c : r_.sym(scale));
    return d;
  }

  json param(const std::vector<int64_t>& shape, float scale) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return {{"shape", shape}, {"data", data(n, scale)}};
  }

  void push(json& layers, json L, const T& out) {
    layers.push_back(std::move(L));
    avail_.push_back(out);
    cur_ = out;
  }

  int64_t round_up(int64_t v) const { return (v + opt_.channel_multiple - 1) / opt_.channel_multiple * opt_.channel_multiple; }

  bool conv(json& layers, bool same_shape) {
    const int64_t H = cur_.s[0], W = cur_.s[1], C = cur_.s[2];
    for (int attempt = 0; attempt < 20; ++attempt) {
      int64_t kh = r_.uniform(1, 5), kw = r_.chance(0.7) ? kh : r_.uniform(1, 5);
      int64_t dh = r_.chance(0.2) ? 2 : 1, dw = r_.chance(0.2) ? 2 : 1;
      int64_t sh = r_.chance(0.6) ? 1 : r_.uniform(2, 3), sw = r_.chance(0.7) ? sh : r_.uniform(1, 3);
      int64_t pt = r_.uniform(0, 2), pl = r_.uniform(0, 2), pb = r_.chance(0.7) ? pt : r_.uniform(0, 2),
              pr = r_.chance(0.7) ? pl : r_.uniform(0, 2);
      int64_t groups = 1, O = round_up(r_.uniform(1, 12));
      if (same_shape) {
        kh = 2 * r_.uniform(0, 2) + 1;
        kw = 2 * r_.uniform(0, 2) + 1;
        dh = dw = sh = sw = 1;
        pt = pb = (kh - 1) / 2;
        pl = pr = (kw - 1) / 2;
        O = C;
      }
      const double g = r_.real();
      if (g < 0.25) {
        groups = C;  // depthwise (multiplier 1 or 2)
        O = same_shape ? C : C * r_.uniform(1, 2);
      } else if (g < 0.35) {
        std::vector<int64_t> divs;
        for (int64_t d = 1; d <= C; ++d)
          if (C % d == 0) divs.push_back(d);
        groups = r_.pick(divs);
        O = same_shape ? C : groups * r_.uniform(1, 3);
      }
      if (O % groups) continue;
      const int64_t oh = (H + pt + pb - dh * (kh - 1) - 1), ow = (W + pl + pr - dw * (kw - 1) - 1);
      if (oh < 0 || ow < 0) continue;
      T out{fresh("conv"), {oh / sh + 1, ow / sw + 1, O}};
      if (out.numel() > opt_.max_elements) continue;
      json L = {{"name", out.name}, {"op", "conv2d"}, {"inputs", {cur_.name}}};
      L["stride"] = sh == sw && r_.chance(0.5) ? json(sh) : json({sh, sw});
      L["padding"] = json({pt, pl, pb, pr});
      if (dh != 1 || dw != 1) L["dilation"] = json({dh, dw});
      if (groups != 1) L["groups"] = groups;
      const int64_t K = kh * kw * (C / groups);
      L["weight"] = param({O, C / groups, kh, kw}, 1.5f / std::sqrt(static_cast<float>(K)));
      if (r_.chance(0.8)) L["bias"] = param({O}, 0.3f);
      qlayers_.push_back({out.name, K});
      push(layers, L, out);
      return true;
    }
    return false;
  }

  void dense(json& layers, int64_t O) {
    const int64_t I = cur_.s[0];
    T out{fresh("fc"), {O}};
    json L = {{"name", out.name}, {"op", "dense"}, {"inputs", {cur_.name}}};
    L["weight"] = param({O, I}, 1.5f / std::sqrt(static_cast<float>(I)));
    if (r_.chance(0.8)) L["bias"] = param({O}, 0.3f);
    qlayers_.push_back({out.name, I});
    push(layers, L, out);
  }

  void simple(json& layers, const char* op) {
    T out{fresh(op), cur_.s};
    if (std::string(op) == "flatten") out.s = {cur_.numel()};
    if (std::string(op) == "global_avgpool") out.s = {1, 1, cur_.s[2]};
    json L = {{"name", out.name}, {"op", op}, {"inputs", {cur_.name}}};
    if (std::string(op) == "leaky_relu" && r_.chance(0.7)) L["alpha"] = r_.chance(0.5) ? 0.1 : 0.2;  // else the default 0.01
    push(layers, L, out);
  }

  void batchnorm(json& layers) {
    const int64_t C = cur_.s.back();
    T out{fresh("bn"), cur_.s};
    json L = {{"name", out.name}, {"op", "batchnorm"}, {"inputs", {cur_.name}}};
    json sc = json::array(), bi = json::array(), mu = json::array(), va = json::array();
    for (int64_t c = 0; c < C; ++c) {
      sc.push_back(0.5 + r_.real());
      bi.push_back(r_.sym(0.5f));
      mu.push_back(r_.sym(0.5f));
      va.push_back(0.1 + 2 * r_.real());
    }
    L["scale"] = {{"shape", {C}}, {"data", sc}};
    L["bias"] = {{"shape", {C}}, {"data", bi}};
    L["mean"] = {{"shape", {C}}, {"data", mu}};
    L["var"] = {{"shape", {C}}, {"data", va}};
    if (r_.chance(0.3)) L["epsilon"] = 1e-3;
    push(layers, L, out);
  }

  // nopad: no padding, and half the time one window over the whole image.
  bool pool(json& layers, bool mx, bool nopad = false) {
    const int64_t H = cur_.s[0], W = cur_.s[1];
    for (int attempt = 0; attempt < 10; ++attempt) {
      const bool whole = nopad && r_.chance(0.5);
      const int64_t kh = whole ? H : r_.uniform(1, 3), kw = whole ? W : r_.uniform(1, 3), sh = r_.uniform(1, 3), sw = r_.uniform(1, 3);
      const int64_t ph = nopad ? 0 : r_.uniform(0, kh - 1), pw = nopad ? 0 : r_.uniform(0, kw - 1);
      if (H + 2 * ph < kh || W + 2 * pw < kw) continue;
      T out{fresh(mx ? "maxpool" : "avgpool"), {(H + 2 * ph - kh) / sh + 1, (W + 2 * pw - kw) / sw + 1, cur_.s[2]}};
      json L = {{"name", out.name}, {"op", mx ? "maxpool2d" : "avgpool2d"}, {"inputs", {cur_.name}},
                {"kernel", {kh, kw}}, {"stride", {sh, sw}}, {"padding", {ph, pw}}};
      if (!mx && r_.chance(0.5)) L["count_include_pad"] = r_.chance(0.5);
      push(layers, L, out);
      return true;
    }
    return false;
  }

  void add(json& layers) {
    std::vector<T> same;
    for (size_t i = 0; i + 1 < avail_.size(); ++i)
      if (avail_[i].s == cur_.s) same.push_back(avail_[i]);
    T other;
    if (!same.empty() && r_.chance(0.7)) {
      other = r_.pick(same);
    } else {  // make a residual branch of the same shape
      T base = cur_;
      if (cur_.s.size() == 3) {
        if (!conv(layers, true)) return;
      } else {
        dense(layers, cur_.s[0]);
      }
      other = base;
    }
    T out{fresh("add"), cur_.s};
    push(layers, {{"name", out.name}, {"op", "add"}, {"inputs", {other.name, cur_.name}}}, out);
  }

  void concat(json& layers) {
    const size_t rank = cur_.s.size();
    // Pick a logical axis and partners that match outside it.
    const int64_t lax = static_cast<int64_t>(r_.uniform(0, static_cast<int64_t>(rank) - 1));
    const size_t iax = rank == 3 && chw_ ? (lax == 0 ? 2 : static_cast<size_t>(lax - 1)) : static_cast<size_t>(lax);
    std::vector<T> parts{cur_};
    for (const T& t : avail_) {
      if (t.s.size() != rank || parts.size() >= 3) continue;
      bool ok = true;
      for (size_t d = 0; d < rank; ++d)
        if (d != iax && t.s[d] != cur_.s[d]) ok = false;
      if (ok && r_.chance(0.5)) parts.push_back(t);
    }
    if (parts.size() < 2) parts.push_back(cur_);
    T out{fresh("concat"), cur_.s};
    out.s[iax] = 0;
    json names = json::array();
    for (const T& p : parts) {
      out.s[iax] += p.s[iax];
      names.push_back(p.name);
    }
    if (out.numel() > opt_.max_elements) return;
    json L = {{"name", out.name}, {"op", "concat"}, {"inputs", names}};
    const bool channel_axis = rank == 1 || iax == 2;  // the default axis
    if (!channel_axis || r_.chance(0.5)) L["axis"] = lax - (r_.chance(0.3) ? static_cast<int64_t>(rank) : 0);
    push(layers, L, out);
  }

  // mul, sub, div, minimum, maximum of cur_ and a tensor of the same shape or
  // one that broadcasts to it (a global_avgpool output, ...); div divides by
  // a sigmoid of it (in (0, 1), so the quotient stays well conditioned).
  void binary(json& layers, const char* op) {
    std::vector<T> cands;
    for (size_t i = 0; i + 1 < avail_.size(); ++i) {
      const T& t = avail_[i];
      bool ok = t.s.size() == cur_.s.size();
      for (size_t d = 0; ok && d < t.s.size(); ++d) ok = t.s[d] == cur_.s[d] || t.s[d] == 1;
      if (ok) cands.push_back(t);
    }
    const T a = cur_;
    T b = cands.empty() || r_.chance(0.2) ? cur_ : r_.pick(cands);
    if (std::string(op) == "div") {
      T s{fresh("sigmoid"), b.s};
      push(layers, {{"name", s.name}, {"op", "sigmoid"}, {"inputs", {b.name}}}, s);
      b = s;
    }
    T out{fresh(op), a.s};
    const bool swap = std::string(op) != "div" && r_.chance(0.5);
    push(layers, {{"name", out.name}, {"op", op}, {"inputs", swap ? json{b.name, a.name} : json{a.name, b.name}}}, out);
  }

  // slice: [begin, end) of a random logical axis.
  void slice(json& layers) {
    const size_t rank = cur_.s.size();
    const int64_t lax = static_cast<int64_t>(r_.uniform(0, static_cast<int64_t>(rank) - 1));
    const size_t iax = rank == 3 && chw_ ? (lax == 0 ? 2 : static_cast<size_t>(lax - 1)) : static_cast<size_t>(lax);
    const int64_t len = cur_.s[iax], b = r_.uniform(0, len - 1), e = r_.uniform(b + 1, len);
    T out{fresh("slice"), cur_.s};
    out.s[iax] = e - b;
    push(layers, {{"name", out.name}, {"op", "slice"}, {"inputs", {cur_.name}}, {"axis", lax}, {"begin", b}, {"end", e}}, out);
  }

  void channel_shuffle(json& layers) {
    const int64_t C = cur_.s[2];
    std::vector<int64_t> divs;
    for (int64_t d = 2; d < C; ++d)
      if (C % d == 0) divs.push_back(d);
    if (divs.empty()) return simple(layers, "softmax");
    T out{fresh("shuffle"), cur_.s};
    push(layers, {{"name", out.name}, {"op", "channel_shuffle"}, {"inputs", {cur_.name}}, {"groups", r_.pick(divs)}}, out);
  }

  const char* act_op(bool common, double x, double lo, double hi) const {  // relu, or one of the others by x in [lo, hi)
    if (common) return "relu";
    const double f = (x - lo) / (hi - lo);
    if (!opt_.zoo_ops) return f < 0.5 ? "relu6" : "sigmoid";
    return f < 0.3 ? "relu6" : f < 0.45 ? "sigmoid" : f < 0.6 ? "hardsigmoid" : f < 0.75 ? "hardswish" : f < 0.9 ? "leaky_relu" : "tanh";
  }

  const char* binary_op(double x, double lo, double hi) const {  // add, or one of the others by x in [lo, hi)
    if (!opt_.zoo_ops) return "add";
    const double f = (x - lo) / (hi - lo);
    return f < 0.5 ? "add" : f < 0.6 ? "mul" : f < 0.7 ? "sub" : f < 0.8 ? "div" : f < 0.9 ? "minimum" : "maximum";
  }

  void reshape(json& layers) {
    const int64_t n = cur_.numel();
    std::vector<int64_t> target;
    if (r_.chance(0.5) || cur_.s.size() == 1) {
      target = {r_.chance(0.5) ? -1 : n};
    } else {
      // Logical rank-3 shape with the same element count.
      std::vector<int64_t> divs;
      for (int64_t d = 1; d <= n; ++d)
        if (n % d == 0) divs.push_back(d);
      const int64_t a = r_.pick(divs);
      target = {a, n / a, 1};
      if (r_.chance(0.5)) std::swap(target[0], target[2]);
    }
    std::vector<int64_t> t = target;
    if (t[0] == -1) t[0] = n;
    std::vector<int64_t> internal = t.size() == 3 && chw_ ? std::vector<int64_t>{t[1], t[2], t[0]} : t;
    T out{fresh("reshape"), internal};
    push(layers, {{"name", out.name}, {"op", "reshape"}, {"inputs", {cur_.name}}, {"shape", target}}, out);
  }

  void add_layer(json& layers) {
    const bool image = cur_.s.size() == 3;
    const bool image_net = avail_.front().s.size() == 3;
    const double x = r_.real();
    if (image && opt_.lq_pack && r_.chance(0.35)) {
      conv(layers, false);
      if (r_.chance(0.3)) simple(layers, "relu");
      return;
    }
    if (image) {
      if (x < 0.30) {
        conv(layers, false);
        if (opt_.pool_after_conv && cur_.s.size() == 3 && r_.chance(0.6)) pool(layers, true);
        if (opt_.avgpool_after_conv && cur_.s.size() == 3 && r_.chance(0.6)) pool(layers, false, true);
      } else if (x < 0.40) simple(layers, act_op(r_.chance(0.7), x, 0.30, 0.40));
      else if (x < 0.47) pool(layers, true);
      else if (x < 0.52) pool(layers, false);
      else if (x < 0.58) batchnorm(layers);
      else if (x < 0.67) std::string(binary_op(x, 0.58, 0.67)) == "add" ? add(layers) : binary(layers, binary_op(x, 0.58, 0.67));
      else if (x < 0.71) concat(layers);
      else if (x < 0.74) opt_.zoo_ops ? slice(layers) : concat(layers);
      else if (x < 0.78) simple(layers, "global_avgpool");
      else if (x < 0.86) simple(layers, "flatten");
      else if (x < 0.92) reshape(layers);
      else if (x < 0.96) simple(layers, "softmax");
      else if (opt_.zoo_ops) channel_shuffle(layers);
      else simple(layers, "softmax");
    } else {
      if (x < 0.40) dense(layers, round_up(r_.uniform(1, 40)));
      else if (x < 0.55) simple(layers, act_op(r_.chance(0.7), x, 0.40, 0.55));
      else if (x < 0.62) batchnorm(layers);
      else if (x < 0.74) std::string(binary_op(x, 0.62, 0.74)) == "add" ? add(layers) : binary(layers, binary_op(x, 0.62, 0.74));
      else if (x < 0.79) concat(layers);
      else if (x < 0.82) opt_.zoo_ops ? slice(layers) : concat(layers);
      else if (x < 0.90 && image_net) reshape(layers);
      else if (x < 0.90) dense(layers, round_up(r_.uniform(1, 40)));
      else simple(layers, "softmax");
    }
  }

  json region(int64_t max_r) {
    const double x = r_.real();
    if (x < 0.25) return "layer";
    if (x < 0.5) return "kernel";
    return r_.uniform(1, std::max<int64_t>(1, std::min<int64_t>(max_r, 40)));
  }

  json choice(int64_t max_r) {
    const std::vector<int64_t> bits = {8, 6, 4, 2, 1};
    json c;
    c["w_bits"] = r_.pick(bits);
    c["a_bits"] = r_.pick(bits);
    c["w_region"] = region(max_r);
    c["a_region"] = region(max_r);
    return c;
  }

  json make_config() {
    json cfg;
    int64_t minK = 1 << 30;
    for (const QL& q : qlayers_) minK = std::min(minK, q.K);
    if (opt_.lq_pack) {
      const std::vector<int64_t> bits = {8, 6, 4, 2, 1};
      json d;
      d["w_bits"] = r_.pick(bits);
      d["a_bits"] = r_.pick(bits);
      d["w_region"] = r_.chance(0.5) ? json(r_.uniform(1, std::min<int64_t>(minK, 6))) : region(minK);
      d["a_region"] = std::min<int64_t>(minK, r_.uniform(1, 4));
      cfg["default"] = d;
      json layers = json::object();
      for (const QL& q : qlayers_) {
        if (r_.chance(0.05)) layers[q.name] = {{"scheme", "float"}};
        else if (r_.chance(0.15)) layers[q.name] = choice(q.K);
        else if (r_.chance(0.1)) layers[q.name] = {{"kernel", "lut"}, {"a_bits", r_.pick(std::vector<int64_t>{1, 2, 4})}};
      }
      if (!layers.empty()) cfg["layers"] = layers;
      return cfg;
    }
    cfg["default"] = choice(minK);
    json layers = json::object();
    for (const QL& q : qlayers_) {
      if (r_.chance(0.1)) layers[q.name] = {{"scheme", "float"}};
      else if (r_.chance(0.6)) layers[q.name] = choice(q.K);
    }
    if (!layers.empty()) cfg["layers"] = layers;
    return cfg;
  }
};

}  // namespace

RandomNet random_net(uint64_t seed, const RandomNetOptions& opt) {
  Gen g(seed, opt);
  return g.make(seed);
}

std::vector<float> random_input(uint64_t seed, int64_t n, int kind) {
  Rng r(seed ^ 0xABCDEFull);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) {
    switch (kind) {
      case 1: x = 0.0f; break;
      case 2: x = r.chance(0.2) ? 1.0f : r.sym(20.0f); break;
      case 3: x = static_cast<float>(r.real() * 3.0); break;
      default: x = r.sym(1.0f) + r.sym(1.0f); break;
    }
  }
  return v;
}

}  // namespace qgt
