// Writes the tiny valid model and the bad-input cases (tiny_model.cpp) to DIR:
//   DIR/valid.tflite, DIR/logistic.tflite (FC + LOGISTIC), DIR/<case>.tflite, and DIR/cases.tsv with one line per
//   case: name <TAB> location the error must name <TAB> message substring.
#include <cstdio>
#include <fstream>
#include <string>

#include "tiny_model.h"

static bool write(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(f);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  if (!write(dir + "/valid.tflite", qgt::tiny_int8_fc_model())) return 1;
  if (!write(dir + "/logistic.tflite", qgt::tiny_int8_logistic_model())) return 1;
  std::ofstream tsv(dir + "/cases.tsv");
  for (const qgt::BadCase& c : qgt::bad_tflite_cases()) {
    if (!write(dir + "/" + c.name + ".tflite", c.bytes)) return 1;
    tsv << c.name << '\t' << c.path << '\t' << c.message << '\n';
  }
  return tsv ? 0 : 1;
}
