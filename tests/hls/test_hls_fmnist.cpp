// --target hls on the trained examples/fashion-mnist/fmnist_cnn.onnx, scheme
// int8 calibrated on training images, through the qgen command line as a user
// runs it: the C-simulation testbench on the first 20 Fashion-MNIST test
// images, every output compared bit for bit with `qgen run` (the interpreter).
// bench/hls/fmnist.sh does the same on 1,000 images, plus LQ-4 and fmnist_vgg.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "hls_test_support.h"
#include "support/cbuild.h"
#include "support/skip.h"

namespace {

using qgt::quote;

// The first `count` images of an IDX file as float32 pixel / 255, back to back (as qgen eval reads them).
std::string fmnist_f32(const std::string& idx_gz, int count) {
  const qgt::CmdResult r =
      qgt::run_cmd("gzip -dc " + quote(idx_gz) + " | head -c " + std::to_string(16 + 784 * count) + " | tail -c " + std::to_string(784 * count));
  REQUIRE(r.output.size() == static_cast<size_t>(784 * count));
  std::vector<std::vector<float>> v(1);
  for (char c : r.output) v[0].push_back(static_cast<float>(static_cast<unsigned char>(c)) / 255.0f);
  return qgt_hls::bytes_of(v, false);
}

}  // namespace

TEST_CASE("fmnist_cnn int8 (calibrated) on 20 Fashion-MNIST test images, C simulation bit-exact with qgen run", "[hls]") {
  REQUIRE_AP_TYPES();
  const char* env = std::getenv("FMNIST_DIR");
  const std::string data = env && *env ? std::string(env) : std::string("/usr/share/datasets/fashion-mnist");
  const std::string net = std::string(QGEN_SOURCE_DIR) + "/examples/fashion-mnist/fmnist_cnn.onnx";
  const std::string missing = qgt::missing_files("/", {net.substr(1), data.substr(1) + "/t10k-images-idx3-ubyte.gz",
                                                       data.substr(1) + "/train-images-idx3-ubyte.gz"});
  if (!missing.empty()) QGT_SKIP_MISSING(missing << " (Debian dataset-fashion-mnist)");
  const std::string dir = qgt::make_temp_dir("hls_fmnist");
  INFO("files kept in " << dir);
  qgt::write_file(dir + "/calib.f32", fmnist_f32(data + "/train-images-idx3-ubyte.gz", 64));
  qgt::write_file(dir + "/test.f32", fmnist_f32(data + "/t10k-images-idx3-ubyte.gz", 20));
  qgt::write_file(dir + "/int8.json", "{\"default\": {\"scheme\": \"int8\", \"hls\": {\"parallelism\": 4}}}\n");
  const std::string q = quote(QGEN_BINARY), cfg = " --config " + quote(dir + "/int8.json") + " --calibrate " + quote(dir + "/calib.f32");
  const qgt::CmdResult c = qgt::run_cmd(q + " compile " + quote(net) + cfg + " --target hls --name fmcnn -q -o " + quote(dir + "/out") + " 2>&1");
  INFO(c.output);
  REQUIRE(c.status == 0);
  const qgt::CmdResult b = qgt::run_cmd("g++ " + qgt_hls::kO2 + " -isystem " + quote(qgt_hls::kAp) + " -I" + quote(dir + "/out") + " " +
                                        quote(dir + "/out/fmcnn.cpp") + " " + quote(dir + "/out/fmcnn_tb.cpp") + " -o " + quote(dir + "/tb") + " 2>&1");
  INFO(b.output.substr(0, 3000));
  REQUIRE(b.status == 0);
  const qgt::CmdResult t = qgt::run_cmd(quote(dir + "/tb") + " " + quote(dir + "/test.f32") + " " + quote(dir + "/csim.bin") + " 2>&1");
  INFO(t.output);
  REQUIRE(t.status == 0);
  const qgt::CmdResult r = qgt::run_cmd(q + " run " + quote(net) + cfg + " --input " + quote(dir + "/test.f32") + " --output " +
                                        quote(dir + "/ref.bin") + " 2>&1");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::vector<float> got = qgt::read_floats(dir + "/csim.bin"), want = qgt::read_floats(dir + "/ref.bin");
  REQUIRE(want.size() == 20 * 10);
  REQUIRE(got.size() == want.size());
  const long d = qgt::first_difference(got, want);
  INFO("first difference at output value " << d << " (image " << d / 10 << ")");
  REQUIRE(d < 0);
  qgt::remove_dir(dir);
}
