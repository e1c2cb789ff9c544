// Test helpers: temp dirs, files, shell commands, compiling a model through
// the library pipeline, building emitted C with a host compiler.
#pragma once
#include <string>
#include <vector>

#include "driver/pipeline.h"

namespace qgt {

struct CmdResult {
  int status = -1;
  std::string output;  // stdout + stderr
};
CmdResult run_cmd(const std::string& cmd);
// A shell command with stdout and stderr captured apart (through files in
// `tmp_dir`, removed afterwards).
struct SplitResult {
  int status = -1;
  std::string out, err;
};
SplitResult run_cmd_split(const std::string& cmd, const std::string& tmp_dir);
bool have_tool(const std::string& name);
// A path for a shell command line, in single quotes (test paths hold no quote).
std::string quote(const std::string& s);
std::string make_temp_dir(const std::string& tag);
void remove_dir(const std::string& dir);
void write_file(const std::string& path, const std::string& data);
std::string read_file(const std::string& path);
void write_floats(const std::string& path, const std::vector<float>& v);
std::vector<float> read_floats(const std::string& path);
// A file of int8 codes (e.g. a model input) as floats holding the codes.
std::vector<float> read_i8_as_float(const std::string& path);

// Writes net.json (+ quant.json if non-empty) into dir and compiles them with
// the library pipeline into dir/out with C prefix `prefix`.
qg::driver::PipelineState compile_model(const std::string& dir, const std::string& net_json, const std::string& quant_json,
                                        const std::string& prefix,
                                        const std::vector<std::vector<float>>& calibration = {},
                                        const std::string& target = "c", const std::string& target_features = "");

// Compiles a model file (any format qgen reads) into dir/out.
qg::driver::PipelineState compile_model_file(const std::string& dir, const std::string& path, const std::string& prefix,
                                             const std::string& target = "c", const std::string& target_features = "",
                                             const std::string& quant_json_path = "",
                                             const std::vector<std::vector<float>>& calibration = {});

// Index and description of the first bitwise difference, or -1.
long first_difference(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace qgt
