// Float mode: emitted C (no quant.json) vs a straightforward float64
// reference evaluation of the imported graph, within 1e-5 relative (relative
// to the largest magnitude of the output tensor), on random nets and on the
// trained Fashion-MNIST model.
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>

#include "differential/harness.h"
#include "frontend/netjson.h"
#include "support/cbuild.h"
#include "support/float_reference.h"

namespace {

std::string within_tolerance(const std::vector<float>& got, const std::vector<double>& ref, double rel) {
  if (got.size() != ref.size()) return "size mismatch";
  double scale = 0;
  for (double r : ref) scale = std::max(scale, std::fabs(r));
  scale = std::max(scale, 1e-6);
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(static_cast<double>(got[i]) - ref[i]);
    if (!(err <= rel * scale)) {
      std::ostringstream os;
      os.precision(9);
      os << "element " << i << ": C " << got[i] << " vs float64 reference " << ref[i] << " (error " << err / scale
         << " of the output scale " << scale << ")";
      return os.str();
    }
  }
  return "";
}

}  // namespace

TEST_CASE("float mode: emitted C of random float nets within 1e-5 of a float64 reference", "[float]") {
  std::vector<qgt::DiffModel> models;
  std::vector<qg::ir::Graph> graphs;
  for (uint64_t seed = 700000; seed < 700040; ++seed) {
    qgt::RandomNetOptions opt;
    opt.quantized = false;
    qgt::RandomNet rn = qgt::random_net(seed, opt);
    qgt::DiffModel m;
    m.net_json = rn.net_json;
    m.prefix = "flt" + std::to_string(seed);
    m.label = "float net seed " + std::to_string(seed);
    for (int kind : {0, 2, 3}) m.inputs.push_back(qgt::random_input(seed + 17 * static_cast<uint64_t>(kind), rn.input_size, kind));
    graphs.push_back(qg::frontend::parse_netjson(rn.net_json, "net.json", "."));
    models.push_back(std::move(m));
  }
  const std::string err = qgt::run_differential(models, {{"gcc", "-O2"}}, "float", [&](size_t m, size_t k, const std::vector<float>& got) {
    return within_tolerance(got, qgt::float_reference(graphs[m], models[m].inputs[k]), 1e-5);
  });
  if (!err.empty()) FAIL(err);
}

TEST_CASE("float mode: trained fmnist-small model within 1e-5 of a float64 reference", "[float]") {
  const std::string dir = std::string(QGEN_SOURCE_DIR) + "/examples/fmnist-small";
  qgt::DiffModel m;
  m.net_json = qgt::read_file(dir + "/fmnist_small.json");
  // The side file is found relative to net.json: point at it absolutely.
  const std::string key = "\"weights\": \"fmnist_small.bin\"";
  const size_t pos = m.net_json.find(key);
  REQUIRE(pos != std::string::npos);
  m.net_json.replace(pos, key.size(), "\"weights\": \"" + dir + "/fmnist_small.bin\"");
  m.prefix = "fmnist_float";
  m.label = "fmnist-small";
  for (int kind : {3, 0}) m.inputs.push_back(qgt::random_input(42 + static_cast<uint64_t>(kind), 784, kind));
  qg::ir::Graph g = qg::frontend::parse_netjson(m.net_json, "fmnist_small.json", dir);
  const std::string err = qgt::run_differential({m}, {{"gcc", "-O2"}, {"clang", "-O0"}}, "fmnistf", [&](size_t, size_t k, const std::vector<float>& got) {
    return within_tolerance(got, qgt::float_reference(g, m.inputs[k]), 1e-5);
  });
  if (!err.empty()) FAIL(err);
}
