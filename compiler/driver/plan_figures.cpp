#include "driver/plan_figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "ir/op_table.h"
#include "plan/aware.h"

namespace qg::driver {
namespace {

std::string esc(const std::string& s) {
  std::string r;
  for (char c : s) r += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" : std::string(1, c);
  return r;
}
std::string f1(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}
std::string head(double w, double h, const std::string& title) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + f1(w) + "\" height=\"" + f1(h) +
         "\" viewBox=\"0 0 " + f1(w) + " " + f1(h) + "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n" +
         "<rect x=\"0\" y=\"0\" width=\"" + f1(w) + "\" height=\"" + f1(h) + "\" fill=\"white\"/>\n<text x=\"" + f1(w / 2) +
         "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" + esc(title) + "</text>\n";
}
int64_t packed(int64_t n, int bits) { return (n * bits + 7) / 8; }
// A round axis maximum >= v.
double nice_max(double v) {
  if (v <= 0) return 1;
  double p = 1;
  while (p * 10 <= v) p *= 10;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= v) return m * p;
  return 10 * p;
}

}  // namespace

std::string memory_per_layer_svg(const ir::Graph& g, const std::map<std::string, int>& a_bits, const std::map<std::string, int>& w_bits,
                                 const std::string& title) {
  struct Row {
    std::string name;
    int64_t w8, w, a8, a;
  };
  std::vector<Row> rows;
  for (const ir::Node& n : g.nodes) {
    if (ir::op_info(n.op).int8 != ir::Int8Rule::Linear) continue;
    const int64_t nw = static_cast<int64_t>(n.weight.data.size()), na = g.tensor(n.output).numel();
    const int wb = w_bits.count(n.name) ? w_bits.at(n.name) : 8, ab = a_bits.count(n.name) ? a_bits.at(n.name) : 8;
    rows.push_back({n.name, packed(nw, 8), packed(nw, wb), packed(na, 8), packed(na, ab)});
  }
  double top = 1;
  for (const Row& r : rows) top = std::max({top, static_cast<double>(r.w8), static_cast<double>(r.a8)});
  top = nice_max(top);
  const double L = 70, T = 60, B = 330, slot = 64, W = std::max(640.0, L + slot * static_cast<double>(std::max<size_t>(rows.size(), 1)) + 200), H = 440;
  auto Y = [&](double v) { return B - v / top * (B - T); };
  std::ostringstream o;
  o << head(W, H, title);
  for (int i = 0; i <= 4; ++i) {
    const double v = top * i / 4;
    o << "<line x1=\"" << L << "\" y1=\"" << f1(Y(v)) << "\" x2=\"" << W - 200 << "\" y2=\"" << f1(Y(v)) << "\" stroke=\"#e4e4e4\"/>\n"
      << "<text x=\"" << L - 6 << "\" y=\"" << f1(Y(v) + 4) << "\" text-anchor=\"end\">" << static_cast<int64_t>(v) << "</text>\n";
  }
  const char* colors[4] = {"#9ecae1", "#1f5fb4", "#fdae6b", "#d95f0e"};
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    const double x0 = L + slot * static_cast<double>(i) + 6;
    const int64_t v[4] = {r.w8, r.w, r.a8, r.a};
    for (int k = 0; k < 4; ++k)
      o << "<rect x=\"" << f1(x0 + 13 * k) << "\" y=\"" << f1(Y(static_cast<double>(v[k]))) << "\" width=\"12\" height=\""
        << f1(B - Y(static_cast<double>(v[k]))) << "\" fill=\"" << colors[k] << "\"><title>" << esc(r.name) << ": " << v[k]
        << " bytes</title></rect>\n";
    o << "<text x=\"" << f1(x0 + 26) << "\" y=\"" << B + 14 << "\" text-anchor=\"end\" transform=\"rotate(-40 " << f1(x0 + 26) << " " << B + 14
      << ")\">" << esc(r.name) << "</text>\n";
  }
  o << "<line x1=\"" << L << "\" y1=\"" << B << "\" x2=\"" << W - 200 << "\" y2=\"" << B << "\" stroke=\"black\"/>\n"
    << "<text x=\"18\" y=\"" << (T + B) / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " << (T + B) / 2 << ")\">bytes</text>\n";
  const char* legend[4] = {"weights, 8 bits", "weights, planned", "output activation, 8 bits", "output activation, planned"};
  for (int k = 0; k < 4; ++k)
    o << "<rect x=\"" << W - 190 << "\" y=\"" << T + 22 * k << "\" width=\"12\" height=\"12\" fill=\"" << colors[k] << "\"/>\n<text x=\""
      << W - 172 << "\" y=\"" << T + 22 * k + 11 << "\">" << legend[k] << "</text>\n";
  o << "</svg>\n";
  return o.str();
}

std::string pareto_svg(const std::vector<ParetoPoint>& pts, int64_t flash_budget, int64_t ram_budget, const std::string& title) {
  const double PW = 380, PH = 300, T = 60, H = T + PH + 70, W = 2 * PW + 3 * 70;
  double lo = 100, hi = 0;
  for (const ParetoPoint& p : pts) lo = std::min(lo, p.top1), hi = std::max(hi, p.top1);
  if (lo > hi) lo = 0, hi = 100;
  lo = std::max(0.0, std::floor(lo / 5) * 5);
  hi = std::min(100.0, std::max(lo + 5, std::ceil(hi / 5) * 5));
  std::ostringstream o;
  o << head(W, H, title);
  for (int panel = 0; panel < 2; ++panel) {
    const bool flash = panel == 0;
    const int64_t budget = flash ? flash_budget : ram_budget;
    double xmax = static_cast<double>(budget);
    for (const ParetoPoint& p : pts) xmax = std::max(xmax, static_cast<double>(flash ? p.flash : p.ram));
    xmax = nice_max(xmax);
    const double L = 70 + panel * (PW + 70), R = L + PW, B = T + PH;
    auto X = [&](double v) { return L + v / xmax * PW; };
    auto Y = [&](double v) { return B - (v - lo) / (hi - lo) * PH; };
    o << "<rect x=\"" << L << "\" y=\"" << T << "\" width=\"" << PW << "\" height=\"" << PH << "\" fill=\"none\" stroke=\"black\"/>\n";
    for (int i = 0; i <= 4; ++i) {
      const double xv = xmax * i / 4, yv = lo + (hi - lo) * i / 4;
      o << "<text x=\"" << f1(X(xv)) << "\" y=\"" << B + 16 << "\" text-anchor=\"middle\">" << static_cast<int64_t>(xv) << "</text>\n"
        << "<line x1=\"" << L << "\" y1=\"" << f1(Y(yv)) << "\" x2=\"" << R << "\" y2=\"" << f1(Y(yv)) << "\" stroke=\"#e4e4e4\"/>\n"
        << "<text x=\"" << L - 6 << "\" y=\"" << f1(Y(yv) + 4) << "\" text-anchor=\"end\">" << f1(yv) << "</text>\n";
    }
    o << "<text x=\"" << (L + R) / 2 << "\" y=\"" << B + 38 << "\" text-anchor=\"middle\">" << (flash ? "flash: tables + code estimate (bytes)" : "RAM: arena bytes")
      << "</text>\n<text x=\"" << L - 48 << "\" y=\"" << (T + B) / 2 << "\" text-anchor=\"middle\" transform=\"rotate(-90 " << L - 48 << " "
      << (T + B) / 2 << ")\">top-1 on the calibration split (%)</text>\n";
    if (budget > 0)
      o << "<line x1=\"" << f1(X(static_cast<double>(budget))) << "\" y1=\"" << T << "\" x2=\"" << f1(X(static_cast<double>(budget)))
        << "\" y2=\"" << B << "\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"><title>budget " << budget << " bytes</title></line>\n";
    std::vector<std::pair<int64_t, double>> xy;
    for (const ParetoPoint& p : pts) xy.push_back({flash ? p.flash : p.ram, p.top1});
    const std::vector<size_t> front = plan::pareto_front(xy);
    o << "<polyline fill=\"none\" stroke=\"#1f5fb4\" stroke-width=\"2\" points=\"";
    for (size_t i = 0; i < front.size(); ++i)
      o << (i ? " " : "") << f1(X(static_cast<double>(xy[front[i]].first))) << "," << f1(Y(xy[front[i]].second));
    o << "\"/>\n";
    for (size_t i = 0; i < pts.size(); ++i)
      o << "<circle cx=\"" << f1(X(static_cast<double>(xy[i].first))) << "\" cy=\"" << f1(Y(xy[i].second)) << "\" r=\"" << (pts[i].chosen ? 6 : 3)
        << "\" fill=\"" << (pts[i].chosen ? "#d62728" : "#777777") << "\" fill-opacity=\"0.7\"><title>" << esc(pts[i].label) << ": "
        << xy[i].first << " bytes, " << f1(xy[i].second) << "%</title></circle>\n";
  }
  o << "<text x=\"" << W / 2 << "\" y=\"" << H - 8
    << "\" text-anchor=\"middle\" fill=\"#555\">grey: evaluated configs; blue: Pareto front; red: the chosen plan; dashed: budget</text>\n</svg>\n";
  return o.str();
}

}  // namespace qg::driver
