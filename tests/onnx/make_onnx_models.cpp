// make_onnx_models DIR [--bad]: writes the valid test models of onnx_models.cpp
// as DIR/<name>.onnx and their input dims as DIR/models.tsv (name <TAB> dims),
// for tests that run other ONNX runtimes on them; with --bad, the bad cases
// instead, as DIR/<name>.onnx and DIR/cases.tsv (name <TAB> location <TAB> message).
#include <cstdio>
#include <fstream>

#include "onnx_models.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || (argc == 3 && std::string(argv[2]) != "--bad")) {
    std::fprintf(stderr, "usage: %s DIR [--bad]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  if (argc == 3) {
    std::ofstream tsv(dir + "/cases.tsv");
    for (const qot::BadCase& c : qot::bad_cases()) {
      std::ofstream f(dir + "/" + c.name + ".onnx", std::ios::binary);
      f << c.bytes;
      tsv << c.name << "\t" << c.location << "\t" << c.message << "\n";
    }
    return tsv ? 0 : 1;
  }
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
