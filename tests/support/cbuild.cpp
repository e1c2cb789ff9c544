#include "support/cbuild.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "codegen/writer.h"

namespace qgt {
namespace fs = std::filesystem;

CmdResult run_cmd(const std::string& cmd) {
  CmdResult r;
  std::FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

SplitResult run_cmd_split(const std::string& cmd, const std::string& tmp_dir) {
  const std::string o = tmp_dir + "/.stdout", e = tmp_dir + "/.stderr";
  const CmdResult r = run_cmd("{ " + cmd + " >'" + o + "' 2>'" + e + "'; }");
  SplitResult p;
  p.status = r.status;
  p.out = read_file(o);
  p.err = read_file(e);
  std::remove(o.c_str());
  std::remove(e.c_str());
  return p;
}

bool have_tool(const std::string& name) { return run_cmd("command -v " + name + " >/dev/null").status == 0; }

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string make_temp_dir(const std::string& tag) {
  std::random_device rd;
  fs::path p = fs::temp_directory_path() / ("qgen-test-" + tag + "-" + std::to_string(rd()));
  fs::create_directories(p);
  return p.string();
}

void remove_dir(const std::string& dir) {
  std::error_code ec;
  fs::remove_all(dir, ec);
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  f << data;
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_floats(const std::string& path, const std::vector<float>& v) {
  write_file(path, std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
}

std::vector<float> read_floats(const std::string& path) {
  std::string s = read_file(path);
  std::vector<float> v(s.size() / sizeof(float));
  std::memcpy(v.data(), s.data(), v.size() * sizeof(float));
  return v;
}

// Runs the pipeline and writes the emitted files + report.json to dir/out.
static qg::driver::PipelineState compile_with(const std::string& dir, const qg::driver::PipelineOptions& o) {
  qg::driver::PipelineState s = qg::driver::run_pipeline(o);
  std::vector<qg::codegen::OutputFile> files = s.emitted->files;
  files.push_back({"report.json", qg::driver::report_json(s, o)});
  qg::codegen::write_output_dir(dir + "/out", files);
  return s;
}

qg::driver::PipelineState compile_model(const std::string& dir, const std::string& net_json, const std::string& quant_json,
                                        const std::string& prefix, const std::vector<std::vector<float>>& calibration,
                                        const std::string& target, const std::string& target_features) {
  qg::driver::PipelineOptions o;
  o.target = target;
  o.net_path = dir + "/net.json";
  write_file(o.net_path, net_json);
  if (!quant_json.empty()) {
    o.config_path = dir + "/quant.json";
    write_file(o.config_path, quant_json);
  }
  o.name = prefix;
  o.calibration = calibration;
  o.target = target;
  o.target_features = target_features;
  return compile_with(dir, o);
}

qg::driver::PipelineState compile_model_file(const std::string& dir, const std::string& path, const std::string& prefix,
                                             const std::string& target, const std::string& target_features,
                                             const std::string& quant_json_path, const std::vector<std::vector<float>>& calibration) {
  qg::driver::PipelineOptions o;
  o.target = target;
  o.net_path = path;
  o.name = prefix;
  o.target_features = target_features;
  o.config_path = quant_json_path;
  o.calibration = calibration;
  return compile_with(dir, o);
}

std::vector<float> read_i8_as_float(const std::string& path) {
  const std::string b = read_file(path);
  std::vector<float> v;
  for (char c : b) v.push_back(static_cast<float>(static_cast<int8_t>(c)));
  return v;
}

long first_difference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return static_cast<long>(i);
  return -1;
}

}  // namespace qgt
