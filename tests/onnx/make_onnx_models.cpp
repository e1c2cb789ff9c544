// make_onnx_models DIR: writes the valid test models of onnx_models.cpp as
// DIR/<name>.onnx and their input dims as DIR/models.tsv (name <TAB> dims),
// for tests that run other ONNX runtimes on them.
#include <cstdio>
#include <fstream>

#include "onnx_models.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  std::ofstream tsv(dir + "/models.tsv");
  for (const qot::NamedModel& m : qot::valid_models()) {
    std::ofstream f(dir + "/" + m.name + ".onnx", std::ios::binary);
    f << m.bytes;
    if (!f) {
      std::fprintf(stderr, "cannot write %s/%s.onnx\n", dir.c_str(), m.name.c_str());
      return 1;
    }
    tsv << m.name << "\t";
    for (size_t i = 0; i < m.input.size(); ++i) tsv << (i ? "," : "") << m.input[i];
    tsv << "\n";
  }
  return tsv ? 0 : 1;
}
