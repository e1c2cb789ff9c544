#pragma once
#include <string>
#include <vector>

namespace qg::codegen {
struct EmbeddedFile {
  const char* name;  // relative to the repository: "templates/conv2d_lq.c"
  const char* data;
  size_t size;
};
// Kernel templates and runtime headers, compiled into qgen (cmake/EmbedFiles.cmake).
const std::vector<EmbeddedFile>& embedded_files();
}  // namespace qg::codegen
