// Reading the user's input files (models, weights, quant.json, calibration and
// run inputs, datasets). An input must be a regular file (a FIFO, a device such
// as /dev/zero or a directory is refused before anything blocks or reads
// without end) and at most max_input_bytes() long.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace qg {

// The size limit of one input file: 1 GiB, or QGEN_MAX_INPUT_MB mebibytes
// when that environment variable holds a positive integer.
int64_t max_input_bytes();

struct InputFile {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f{nullptr, &std::fclose};
  int64_t size = 0;
};

// Opens `path` for reading. Returns "" and fills `out`, or returns why the
// file cannot be used ("cannot open file: No such file or directory", "is a FIFO,
// not a regular file", "is 2147483648 bytes, above the input size limit ...").
std::string open_input_file(const std::string& path, InputFile& out);

// The whole file; any failure is user_error(path, "", reason).
std::string read_input_file(const std::string& path);

}  // namespace qg
