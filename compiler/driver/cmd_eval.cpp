// qgen eval: top-1 / top-5 accuracy of a network over a labelled image set,
// run by the reference interpreter on all cores; --sweep evaluates a grid of
// precision choices and writes sweep.csv plus two hand-written SVG plots.
#include "driver/cmd_eval.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "driver/dataset.h"
#include "driver/eval_result.h"
#include "driver/pipeline.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "quant/config.h"
#include "quant/int8.h"
#include "quant/quantize.h"

namespace qg::driver {

struct EvalCommand::Options {
  CLI::App* cmd = nullptr;
  PipelineOptions po;
  DataOptions data;
  std::string raw_type = "uint8", scale, mean, stddev, layout = "NCHW", out_dir, predictions;
  std::string shard, result_path;     // --shard I/N, --result FILE
  std::vector<std::string> merge;     // --merge FILES
  bool float_mode = false, sweep = false;
  int sweep_w_bits = 8;
  unsigned threads = 0;
};

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// ---------------------------------------------------------------------------
// Scoring

struct Score {
  int64_t n = 0, top1 = 0, top5 = 0;
  std::vector<int64_t> pred;  // argmax per item
  double seconds = 0;
  double top1_pct() const { return n ? 100.0 * static_cast<double>(top1) / static_cast<double>(n) : 0.0; }
  double top5_pct() const { return n ? 100.0 * static_cast<double>(top5) / static_cast<double>(n) : 0.0; }
};

// The first maximum, as `qgen run` reports it.
int64_t argmax(const std::vector<float>& y) {
  size_t best = 0;
  for (size_t i = 1; i < y.size(); ++i)
    if (y[i] > y[best]) best = i;
  return static_cast<int64_t>(best);
}

// Classes ranked before the label: higher scores, and equal scores at lower
// indices (so rank 0 <=> argmax == label).
int64_t label_rank(const std::vector<float>& y, int64_t label) {
  const float v = y[static_cast<size_t>(label)];
  int64_t r = 0;
  for (size_t j = 0; j < y.size(); ++j) r += y[j] > v || (y[j] == v && static_cast<int64_t>(j) < label);
  return r;
}

void draw_progress(const std::string& what, int64_t done, int64_t n, double secs) {
  constexpr int kWidth = 30;
  const int fill = n ? static_cast<int>(kWidth * done / n) : kWidth;
  std::string bar(static_cast<size_t>(fill), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r%s [%s] %lld/%lld %5.1f s", what.c_str(), bar.c_str(), static_cast<long long>(done),
               static_cast<long long>(n), secs);
  std::fflush(stderr);
}

// Runs every item through the interpreter on `threads` workers (0 = all
// cores). Workers take items one at a time from a shared counter; a progress
// bar is drawn on stderr only when stderr is a terminal.
Score evaluate(const ir::Graph& g, interp::Mode mode, const Dataset& d, const InputMaker& mk, unsigned threads, const std::string& what,
               int64_t begin = 0, int64_t end = -1) {
  if (end < 0) end = d.count();
  const int64_t N = end - begin;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<int64_t>(threads, std::max<int64_t>(1, N)));
  Score s;
  s.n = N;
  s.pred.assign(static_cast<size_t>(N), -1);
  std::vector<uint8_t> hit1(static_cast<size_t>(N), 0), hit5(static_cast<size_t>(N), 0);
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<unsigned> finished{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const Clock::time_point t0 = Clock::now();

  auto worker = [&] {
    try {
      for (int64_t i = next++; i < N && !stop; i = next++) {
        const std::vector<float> y = interp::run(g, mk.make(begin + i), mode);
        const int64_t label = d.labels[static_cast<size_t>(begin + i)];
        const size_t k = static_cast<size_t>(i);
        s.pred[k] = argmax(y);
        hit1[k] = s.pred[k] == label;
        hit5[k] = hit1[k] || label_rank(y, label) < 5;
        ++done;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
    ++finished;
  };
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < threads; ++w) pool.emplace_back(worker);
  const bool tty = isatty(STDERR_FILENO) == 1;
  while (tty && finished < threads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    draw_progress(what, done, N, seconds_since(t0));
  }
  for (auto& t : pool) t.join();
  if (tty) std::fprintf(stderr, "\r\033[K");  // erase the bar
  if (error) std::rethrow_exception(error);
  for (int64_t i = 0; i < N; ++i) {
    s.top1 += hit1[static_cast<size_t>(i)];
    s.top5 += hit5[static_cast<size_t>(i)];
  }
  s.seconds = seconds_since(t0);
  return s;
}

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

// ---------------------------------------------------------------------------
// Options -> dataset, preprocessing

std::vector<float> parse_list(const std::string& s, const char* opt) {
  std::vector<float> v;
  if (s.empty()) return v;
  std::stringstream ss(s);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    char* end = nullptr;
    const float x = std::strtof(tok.c_str(), &end);
    if (tok.empty() || *end) user_error("", opt, "must be a comma-separated list of numbers, got '" + printable_name(s) + "'");
    v.push_back(x);
  }
  return v;
}

Preprocess preprocess_options(const EvalCommand::Options& o, const Dataset& d) {
  Preprocess p;
  // Defaults: uint8 pixels -> pixel / 255.0f; float32 values as they are.
  if (d.type == ElemType::F32) p.divide = false, p.factor = 1.0f;
  if (!o.scale.empty()) p = parse_scale(o.scale, p);
  p.mean = parse_list(o.mean, "--mean");
  p.stddev = parse_list(o.stddev, "--std");
  p.nhwc = o.layout == "NHWC";
  return p;
}

void check_labels(const Dataset& d, const ir::Graph& g) {
  if (g.multi_io())
    user_error(g.file, "", "qgen eval scores a model with one input and one output (class scores); this one has " +
                               std::to_string(g.inputs().size()) + " inputs and " + std::to_string(g.outputs().size()) + " outputs");
  const int64_t classes = g.tensor(g.output).numel();
  for (int64_t i = 0; i < d.count(); ++i)
    if (d.labels[static_cast<size_t>(i)] >= classes)
      user_error(d.source, "item " + std::to_string(i),
                 "label " + std::to_string(d.labels[static_cast<size_t>(i)]) + " is out of range: the model has " + std::to_string(classes) +
                     " outputs");
}

// ---------------------------------------------------------------------------
// Sweep

struct SweepPoint {
  std::string scheme;  // float, dq, lq
  int a_bits = 32, w_bits = 32;
  std::string a_region;  // none, layer, kernel, or R
  Score score;
  std::vector<std::string> kernel_fallback;  // layers whose reduction is shorter than R
};

// The grid: float; a_bits in {8,6,4,2,1} x {DQ (layer regions, weights and
// activations), LQ (kernel regions)}; LQ at 4 and 2 bits with activation
// regions R in {64,32,16,8,4} (weights: kernel regions). w_bits fixed.
std::vector<SweepPoint> sweep_grid(int w_bits) {
  std::vector<SweepPoint> v{{"float", 32, 32, "none", {}, {}}};
  for (const char* scheme : {"dq", "lq"})
    for (int b : {8, 6, 4, 2, 1}) v.push_back({scheme, b, w_bits, scheme == std::string("dq") ? "layer" : "kernel", {}, {}});
  for (int b : {4, 2})
    for (int r : {64, 32, 16, 8, 4}) v.push_back({"lq", b, w_bits, std::to_string(r), {}, {}});
  return v;
}

// quant.json text of one point. A layer whose reduction length K is shorter
// than R gets "kernel" activation regions (a region cannot exceed K).
std::string sweep_config(const ir::Graph& fused, SweepPoint& p) {
  const std::string wr = p.scheme == "dq" ? "\"layer\"" : "\"kernel\"";
  const bool block = p.a_region != "layer" && p.a_region != "kernel";
  const std::string ar = block ? p.a_region : "\"" + p.a_region + "\"";
  std::string layers;
  if (block) {
    const int64_t R = std::stoll(p.a_region);
    for (const ir::Node& n : fused.nodes) {
      if (n.op != ir::Op::Conv2d && n.op != ir::Op::Dense) continue;
      const int64_t K = ir::reduction_length(fused, n);
      if (R <= K) continue;
      p.kernel_fallback.push_back(n.name + " (K=" + std::to_string(K) + ")");
      layers += std::string(layers.empty() ? "" : ", ") + nlohmann::json(n.name).dump() + ": {\"a_region\": \"kernel\"}";
    }
  }
  return "{\"default\": {\"scheme\": \"lq\", \"w_bits\": " + std::to_string(p.w_bits) + ", \"a_bits\": " + std::to_string(p.a_bits) +
         ", \"w_region\": " + wr + ", \"a_region\": " + ar + "}, \"layers\": {" + layers + "}}";
}

// The stages of `qgen compile` from quantize through select on a copy of the
// fused float graph (pipeline.cpp's stage functions, not a copy of them).
ir::Graph quantize_with(const ir::Graph& fused, const std::string& config_text, const PipelineOptions& po) {
  PipelineState s;
  s.graph = fused;
  s.config = quant::parse_quant_config(config_text, "(sweep config)");
  run_stages(s, po, "quantize", "select");
  return std::move(s.graph);
}

// ---- SVG, by hand ----------------------------------------------------------

std::string xml_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '&') r += "&amp;";
    else if (c == '<') r += "&lt;";
    else if (c == '>') r += "&gt;";
    else if (c == '"') r += "&quot;";
    else r += c;
  }
  return r;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

struct Series {
  std::string label, color;
  bool dashed = false;
  std::vector<std::pair<double, double>> pts;  // (x, y)
};
struct RefLine {  // horizontal line across the plot
  std::string label, color;
  double y = 0;
  std::string dash;  // stroke-dasharray
};
struct Plot {
  std::string title, subtitle, xlabel, ylabel;
  double xmin = 0, xmax = 1;
  std::vector<std::pair<double, std::string>> xticks;
  std::vector<Series> series;
  std::vector<RefLine> refs;
};

std::string render_svg(const Plot& p) {
  constexpr double W = 780, H = 470, L = 72, R = 560, T = 64, B = 400;  // plot area [L,R] x [T,B]
  double lo = 100, hi = 0;
  for (const Series& s : p.series)
    for (auto [x, y] : s.pts) lo = std::min(lo, y), hi = std::max(hi, y);
  for (const RefLine& r : p.refs) lo = std::min(lo, r.y), hi = std::max(hi, r.y);
  if (lo > hi) lo = 0, hi = 100;
  double step = hi - lo > 40 ? 10 : hi - lo > 15 ? 5 : 2;
  lo = std::max(0.0, std::floor((lo - step / 2) / step) * step);
  hi = std::min(100.0, std::ceil((hi + step / 2) / step) * step);
  if (hi <= lo) hi = lo + step;
  auto X = [&](double x) { return L + (x - p.xmin) / (p.xmax - p.xmin) * (R - L); };
  auto Y = [&](double y) { return B - (y - lo) / (hi - lo) * (B - T); };

  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\" viewBox=\"0 0 " << W << ' ' << H
    << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"13\">\n"
    << "<rect x=\"0\" y=\"0\" width=\"" << W << "\" height=\"" << H << "\" fill=\"white\"/>\n"
    << "<text x=\"" << (L + R) / 2 << "\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">" << xml_escape(p.title)
    << "</text>\n"
    << "<text x=\"" << (L + R) / 2 << "\" y=\"46\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555\">" << xml_escape(p.subtitle)
    << "</text>\n";
  // Grid and y ticks.
  for (double y = lo; y <= hi + 1e-9; y += step) {
    o << "<line x1=\"" << L << "\" y1=\"" << num(Y(y)) << "\" x2=\"" << R << "\" y2=\"" << num(Y(y))
      << "\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n"
      << "<text x=\"" << L - 8 << "\" y=\"" << num(Y(y) + 4) << "\" text-anchor=\"end\">" << num(y).substr(0, num(y).size() - 2)
      << "</text>\n";
  }
  for (auto [x, label] : p.xticks)
    o << "<line x1=\"" << num(X(x)) << "\" y1=\"" << B << "\" x2=\"" << num(X(x)) << "\" y2=\"" << B + 5 << "\" stroke=\"black\"/>\n"
      << "<text x=\"" << num(X(x)) << "\" y=\"" << B + 20 << "\" text-anchor=\"middle\">" << xml_escape(label) << "</text>\n";
  // Axes (box) and labels.
  o << "<rect x=\"" << L << "\" y=\"" << T << "\" width=\"" << R - L << "\" height=\"" << B - T
    << "\" fill=\"none\" stroke=\"black\" stroke-width=\"1\"/>\n"
    << "<text x=\"" << (L + R) / 2 << "\" y=\"" << B + 44 << "\" text-anchor=\"middle\">" << xml_escape(p.xlabel) << "</text>\n"
    << "<text x=\"20\" y=\"" << (T + B) / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 20 " << (T + B) / 2 << ")\">"
    << xml_escape(p.ylabel) << "</text>\n";
  // Reference lines, then series (lines and markers).
  for (const RefLine& r : p.refs)
    o << "<line x1=\"" << L << "\" y1=\"" << num(Y(r.y)) << "\" x2=\"" << R << "\" y2=\"" << num(Y(r.y)) << "\" stroke=\"" << r.color
      << "\" stroke-width=\"1.5\" stroke-dasharray=\"" << r.dash << "\"/>\n";
  for (const Series& s : p.series) {
    o << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\"" << (s.dashed ? " stroke-dasharray=\"7 4\"" : "")
      << " points=\"";
    for (size_t i = 0; i < s.pts.size(); ++i) o << (i ? " " : "") << num(X(s.pts[i].first)) << ',' << num(Y(s.pts[i].second));
    o << "\"/>\n";
    for (auto [x, y] : s.pts)
      o << "<circle cx=\"" << num(X(x)) << "\" cy=\"" << num(Y(y)) << "\" r=\"3.5\" fill=\"" << (s.dashed ? "white" : s.color)
        << "\" stroke=\"" << s.color << "\" stroke-width=\"1.5\"><title>" << xml_escape(s.label) << ": " << pct(y) << "%</title></circle>\n";
  }
  // Legend, right of the plot.
  double ly = T + 10;
  auto legend = [&](const std::string& label, const std::string& color, const std::string& dash, bool marker, bool hollow) {
    o << "<line x1=\"" << R + 18 << "\" y1=\"" << ly << "\" x2=\"" << R + 52 << "\" y2=\"" << ly << "\" stroke=\"" << color
      << "\" stroke-width=\"2\"" << (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") << "/>\n";
    if (marker)
      o << "<circle cx=\"" << R + 35 << "\" cy=\"" << ly << "\" r=\"3.5\" fill=\"" << (hollow ? "white" : color) << "\" stroke=\"" << color
        << "\" stroke-width=\"1.5\"/>\n";
    o << "<text x=\"" << R + 60 << "\" y=\"" << ly + 4 << "\">" << xml_escape(label) << "</text>\n";
    ly += 22;
  };
  for (const Series& s : p.series) legend(s.label, s.color, s.dashed ? "7 4" : "", true, s.dashed);
  for (const RefLine& r : p.refs) legend(r.label, r.color, r.dash, false, false);
  o << "</svg>\n";
  return o.str();
}

const SweepPoint* find_point(const std::vector<SweepPoint>& v, const std::string& scheme, int a_bits, const std::string& region) {
  for (const SweepPoint& p : v)
    if (p.scheme == scheme && p.a_bits == a_bits && p.a_region == region) return &p;
  return nullptr;
}

std::string plot_bits(const std::vector<SweepPoint>& v, const std::string& model, int w_bits, int64_t n) {
  Plot p;
  p.title = "Top-1 accuracy vs activation bits: " + model;
  p.subtitle = std::to_string(w_bits) + "-bit weights, " + std::to_string(n) + " images";
  p.xlabel = "activation bits";
  p.ylabel = "top-1 accuracy (%)";
  p.xmin = 0.5;
  p.xmax = 8.5;
  for (int b : {1, 2, 4, 6, 8}) p.xticks.push_back({b, std::to_string(b)});
  Series lq{"LQ (kernel regions)", "#1f5fb4", false, {}}, dq{"DQ (layer regions)", "#d62728", true, {}};
  for (int b : {1, 2, 4, 6, 8}) {
    if (const SweepPoint* q = find_point(v, "lq", b, "kernel")) lq.pts.push_back({b, q->score.top1_pct()});
    if (const SweepPoint* q = find_point(v, "dq", b, "layer")) dq.pts.push_back({b, q->score.top1_pct()});
  }
  p.series = {lq, dq};
  if (const SweepPoint* f = find_point(v, "float", 32, "none"))
    p.refs.push_back({"float32 (" + pct(f->score.top1_pct()) + "%)", "#555555", f->score.top1_pct(), "2 3"});
  return render_svg(p);
}

std::string plot_regions(const std::vector<SweepPoint>& v, const std::string& model, int w_bits, int64_t n) {
  Plot p;
  p.title = "Top-1 accuracy vs activation region size: " + model;
  p.subtitle = std::to_string(w_bits) + "-bit weights (kernel regions), " + std::to_string(n) +
               " images; layers with K < R use kernel regions";
  p.xlabel = "activation region size R (elements of the reduction axis)";
  p.ylabel = "top-1 accuracy (%)";
  const std::vector<std::string> regions{"kernel", "64", "32", "16", "8", "4"};
  p.xmin = -0.4;
  p.xmax = static_cast<double>(regions.size()) - 0.6;
  for (size_t i = 0; i < regions.size(); ++i) p.xticks.push_back({static_cast<double>(i), regions[i]});
  const std::vector<std::pair<int, std::string>> bits{{2, "#1f5fb4"}, {4, "#2ca02c"}};
  for (auto [b, color] : bits) {
    Series s{"LQ, " + std::to_string(b) + "-bit activations", color, false, {}};
    for (size_t i = 0; i < regions.size(); ++i)
      if (const SweepPoint* q = find_point(v, "lq", b, regions[i])) s.pts.push_back({static_cast<double>(i), q->score.top1_pct()});
    p.series.push_back(s);
  }
  for (auto [b, color] : bits)
    if (const SweepPoint* q = find_point(v, "dq", b, "layer"))
      p.refs.push_back({"DQ, " + std::to_string(b) + "-bit (" + pct(q->score.top1_pct()) + "%)", color, q->score.top1_pct(), "7 4"});
  if (const SweepPoint* f = find_point(v, "float", 32, "none"))
    p.refs.push_back({"float32 (" + pct(f->score.top1_pct()) + "%)", "#555555", f->score.top1_pct(), "2 3"});
  return render_svg(p);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) user_error(path, "", "cannot write file");
}

// ---------------------------------------------------------------------------

int run_sweep(const EvalCommand::Options& o, const Dataset& d) {
  if (!o.po.config_path.empty() || o.float_mode) user_error("", "--sweep", "makes its own precision choices; drop --config / --float");
  if (o.out_dir.empty()) user_error("", "--sweep", "needs --out DIR for sweep.csv and the plots");
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (!std::filesystem::is_directory(o.out_dir)) user_error(o.out_dir, "", "cannot create the output directory");

  PipelineOptions po = o.po;
  const PipelineState base = run_pipeline(po, "fuse_activations");
  const ir::Graph& fused = base.graph;
  check_labels(d, fused);
  const InputMaker mk(d, fused, preprocess_options(o, d));
  std::printf("model: %s (%s)\ndata:  %s\n       %s\n", printable_name(fused.name).c_str(), o.po.net_path.c_str(), d.description.c_str(),
              mk.describe().c_str());
  std::printf("%-6s %6s %6s %8s %8s %8s\n", "scheme", "a_bits", "w_bits", "a_region", "top1", "top5");
  std::fflush(stdout);

  std::vector<SweepPoint> grid = sweep_grid(o.sweep_w_bits);
  std::string csv = "scheme,a_bits,w_bits,a_region,top1,top5\n";
  for (SweepPoint& p : grid) {
    const std::string label = p.scheme + " a" + std::to_string(p.a_bits) + " " + p.a_region;
    if (p.scheme == "float") {
      p.score = evaluate(fused, interp::Mode::Float, d, mk, o.threads, label);
    } else {
      const ir::Graph g = quantize_with(fused, sweep_config(fused, p), po);
      p.score = evaluate(g, interp::Mode::AsCompiled, d, mk, o.threads, label);
    }
    std::printf("%-6s %6d %6d %8s %8s %8s", p.scheme.c_str(), p.a_bits, p.w_bits, p.a_region.c_str(), pct(p.score.top1_pct()).c_str(),
                pct(p.score.top5_pct()).c_str());
    if (!p.kernel_fallback.empty()) {
      std::string s;
      for (const auto& x : p.kernel_fallback) s += (s.empty() ? "" : ", ") + x;
      std::printf("   (kernel regions for %s)", s.c_str());
    }
    std::printf("\n");
    std::fflush(stdout);
    csv += p.scheme + "," + std::to_string(p.a_bits) + "," + std::to_string(p.w_bits) + "," + p.a_region + "," + pct(p.score.top1_pct()) +
           "," + pct(p.score.top5_pct()) + "\n";
  }
  const std::string dir = o.out_dir + "/";
  write_text(dir + "sweep.csv", csv);
  write_text(dir + "accuracy_vs_bits.svg", plot_bits(grid, fused.name, o.sweep_w_bits, d.count()));
  write_text(dir + "accuracy_vs_region.svg", plot_regions(grid, fused.name, o.sweep_w_bits, d.count()));
  std::printf("wrote %ssweep.csv, %saccuracy_vs_bits.svg, %saccuracy_vs_region.svg\n", dir.c_str(), dir.c_str(), dir.c_str());
  return 0;
}

// What a result file's fingerprint covers: the network, precision and
// calibration files (their bytes), the target, the data items and labels as
// loaded (after --limit), the preprocessing and the mode.
std::string eval_fingerprint(const EvalCommand::Options& o, const Dataset& d, const InputMaker& mk) {
  Fingerprint f;
  f.add(std::string("qgen eval"));
  f.add_file(o.po.net_path);
  f.add_file(o.float_mode ? std::string() : o.po.config_path);
  f.add_file(o.float_mode ? std::string() : o.po.calibration_path);
  f.add(o.po.target);
  f.add(o.float_mode ? std::string("float") : std::string("as compiled"));
  f.add(mk.describe() + "|" + o.scale + "|" + o.mean + "|" + o.stddev + "|" + o.layout);
  for (int64_t v : d.item_dims) f.add(&v, sizeof v);
  f.add(d.u8.data(), d.u8.size());
  f.add(d.f32.data(), d.f32.size() * sizeof(float));
  f.add(d.labels.data(), d.labels.size() * sizeof(int64_t));
  return f.hex();
}

void print_summary(const std::string& model_line, int64_t n, int64_t top1, int64_t top5) {
  const double dn = n ? static_cast<double>(n) : 1.0;
  std::printf("%s", model_line.c_str());
  std::printf("images: %lld\n", static_cast<long long>(n));
  std::printf("top-1: %s%%\ntop-5: %s%%\n", pct(100.0 * static_cast<double>(top1) / dn).c_str(), pct(100.0 * static_cast<double>(top5) / dn).c_str());
  std::fflush(stdout);
}

void write_predictions(const std::string& path, int64_t begin, const std::vector<int64_t>& labels, const std::vector<int64_t>& pred) {
  std::string csv = "index,label,prediction\n";
  for (size_t i = 0; i < pred.size(); ++i)
    csv += std::to_string(begin + static_cast<int64_t>(i)) + "," + std::to_string(labels[i]) + "," + std::to_string(pred[i]) + "\n";
  write_text(path, csv);
}

int run_eval(const EvalCommand::Options& o, const Dataset& d) {
  ShardSpec shard;
  if (!o.shard.empty()) {
    shard = parse_shard(o.shard);
    if (o.result_path.empty()) user_error("", "--shard", "needs --result FILE for the partial result (combine them with --merge)");
  }
  const PipelineState s = run_pipeline(o.po, "select");
  const ir::Graph& g = s.graph;
  check_labels(d, g);
  const InputMaker mk(d, g, preprocess_options(o, d));
  int64_t begin = 0, end = d.count();
  shard_range(shard, d.count(), &begin, &end);
  const Score sc = evaluate(g, o.float_mode ? interp::Mode::Float : interp::Mode::AsCompiled, d, mk, o.threads, "eval", begin, end);
  const std::string what = o.float_mode ? "float (--float)" : o.po.config_path.empty() ? "float (no config)" : "config " + o.po.config_path;
  std::string head = "model:  " + printable_name(g.name) + " (" + o.po.net_path + "), " + what + "\n";
  head += "data:   " + d.description + "\n        " + mk.describe() + "\n";
  if (!o.shard.empty())
    head += "shard:  " + std::to_string(shard.index) + "/" + std::to_string(shard.count) + ", items " + std::to_string(begin) + ".." +
            std::to_string(end) + " of " + std::to_string(d.count()) + "\n";
  print_summary(head, sc.n, sc.top1, sc.top5);
  std::fprintf(stderr, "qgen eval: %lld images in %.2f s\n", static_cast<long long>(sc.n), sc.seconds);
  const std::vector<int64_t> labels(d.labels.begin() + begin, d.labels.begin() + end);
  if (!o.predictions.empty()) write_predictions(o.predictions, begin, labels, sc.pred);
  if (!o.result_path.empty()) {
    EvalResult r;
    r.fingerprint = eval_fingerprint(o, d, mk);
    r.model = g.name;
    r.what = what;
    r.total = d.count();
    r.shards = shard.count;
    r.shard_ids = {shard.index};
    r.begin = begin;
    r.end = end;
    r.top1 = sc.top1;
    r.top5 = sc.top5;
    r.classes = g.tensor(g.output).numel();
    r.class_count.assign(static_cast<size_t>(r.classes), 0);
    r.class_top1.assign(static_cast<size_t>(r.classes), 0);
    for (size_t i = 0; i < labels.size(); ++i) {
      const size_t c = static_cast<size_t>(labels[i]);
      ++r.class_count[c];
      r.class_top1[c] += sc.pred[i] == labels[i];
    }
    r.pred = sc.pred;
    write_text(o.result_path, eval_result_json(r));
  }
  return 0;
}

// --merge: no network or data needed; the files carry the counts.
int run_merge(const EvalCommand::Options& o) {
  const EvalResult m = merge_eval_results(o.merge);
  print_summary("model:  " + printable_name(m.model) + ", " + m.what + "\nmerged: " + std::to_string(o.merge.size()) + " shard files, fingerprint " +
                    m.fingerprint + "\n",
                m.n(), m.top1, m.top5);
  if (!o.result_path.empty()) write_text(o.result_path, eval_result_json(m));
  return 0;
}

}  // namespace

EvalCommand::EvalCommand(CLI::App& app) : o_(std::make_unique<Options>()) {
  Options& o = *o_;
  CLI::App* c = app.add_subcommand("eval", "Accuracy (top-1, top-5) of a network over a labelled image set, or a precision sweep");
  o.cmd = c;
  c->footer(
      "\nDATA is a folder with <split>-images-idx3-ubyte.gz and <split>-labels-idx1-ubyte.gz (IDX, e.g.\n"
      "/usr/share/datasets/fashion-mnist), an IDX image file, or a folder with labels.csv (FILE,LABEL lines)\n"
      "and raw files of --raw-type values. Input = ((raw / 255 or raw * scale) - mean[c]) / std[c].\n"
      "--sweep: float; a_bits 8,6,4,2,1 x DQ (layer regions) / LQ (kernel regions); LQ at 4 and 2 bits with\n"
      "activation regions R = 64,32,16,8,4 (layers whose reduction is shorter than R keep kernel regions).\n"
      "Writes DIR/sweep.csv, DIR/accuracy_vs_bits.svg, DIR/accuracy_vs_region.svg.\n"
      "--shard I/N --result FILE evaluates items [I*T/N, (I+1)*T/N) and writes a partial result; --merge FILES...\n"
      "combines all N into the result of one run (refused if their fingerprints differ). See docs/eval.md.");
  c->add_option("net", o.po.net_path, "Network (net.json or any format qgen reads); not with --merge");
  c->add_option("-c,--config", o.po.config_path, "Precision choices: quant.json (none = float)");
  c->add_option("-d,--data", o.data.path, "Dataset folder, IDX image file, or labels.csv (required except with --merge)");
  c->add_option("--labels", o.data.labels_path, "IDX labels file (default: next to the image file)");
  c->add_option("--split", o.data.split, "IDX files of a folder: test (t10k-*) or train (train-*)")
      ->check(CLI::IsMember({"test", "train"}))
      ->capture_default_str();
  c->add_option("--raw-type", o.raw_type, "Element type of raw files: uint8 or float32 (little-endian)")
      ->check(CLI::IsMember({"uint8", "float32"}))
      ->capture_default_str();
  c->add_option("--scale", o.scale, "Value scaling: 1/D divides (default 1/255 for uint8, exactly pixel / 255.0f), a number multiplies "
                                   "(default 1 for float32)");
  c->add_option("--mean", o.mean, "Per-channel mean subtracted after scaling (one value or C, comma-separated)");
  c->add_option("--std", o.stddev, "Per-channel std divided by after the mean (one value or C, comma-separated)");
  c->add_option("--layout", o.layout, "Layout of the data items: NCHW (default; 28x28 IDX images -> [1,28,28]) or NHWC")
      ->check(CLI::IsMember({"NCHW", "NHWC"}))
      ->capture_default_str();
  c->add_option("--limit", o.data.limit, "Evaluate the first N items only");
  c->add_option("--threads", o.threads, "Worker threads (0 = all cores)")->capture_default_str();
  c->add_flag("--float", o.float_mode, "Ignore the precision choices: run everything in float");
  c->add_option("--calibrate", o.po.calibration_path, "Calibration inputs for scheme int8 (as for compile)");
  c->add_option("--predictions", o.predictions, "Write index,label,prediction per item to this CSV file");
  c->add_flag("--sweep", o.sweep, "Evaluate the precision grid; write --out DIR/sweep.csv and two SVG plots");
  c->add_option("--sweep-w-bits", o.sweep_w_bits, "Weight bits of every sweep point")
      ->check(CLI::IsMember({1, 2, 4, 6, 8}))
      ->capture_default_str();
  c->add_option("-o,--out", o.out_dir, "Output directory of --sweep (created)");
  c->add_option("--shard", o.shard, "Evaluate shard I of N (0-based; contiguous blocks of items) and write it to --result FILE");
  c->add_option("--result", o.result_path, "Write the counts (top-1/5, per class, predictions, fingerprint) as JSON to FILE");
  c->add_option("--merge", o.merge, "Combine --shard result files into the result of one unsharded run (with --result FILE: write it)")
      ->expected(1, -1);
}

EvalCommand::~EvalCommand() = default;

bool EvalCommand::selected() const { return o_->cmd->parsed(); }

int EvalCommand::run() {
  Options& o = *o_;
  if (!o.merge.empty()) {
    if (!o.po.net_path.empty() || !o.data.path.empty() || o.sweep || !o.shard.empty())
      user_error("", "--merge", "takes only result files (and --result FILE); drop the network, --data, --shard and --sweep");
    return run_merge(o);
  }
  if (o.po.net_path.empty()) user_error("", "net", "a network is required (or --merge FILES)");
  if (o.data.path.empty()) user_error("", "--data", "is required (or --merge FILES)");
  if (o.sweep && (!o.shard.empty() || !o.result_path.empty())) user_error("", "--sweep", "cannot be sharded; drop --shard / --result");
  if (o.data.limit == 0 || o.data.limit < -1) user_error("", "--limit", "must be a positive number of items");
  o.data.raw_type = o.raw_type == "float32" ? ElemType::F32 : ElemType::U8;
  const Dataset d = load_dataset(o.data);
  return o.sweep ? run_sweep(o, d) : run_eval(o, d);
}

}  // namespace qg::driver
