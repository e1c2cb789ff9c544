// targets/*/target.json, compiled into qgen (cmake/EmbedFiles.cmake).
#pragma once
#include <cstddef>
#include <vector>

namespace qg::target {
struct EmbeddedFile {
  const char* name;  // relative to the repository: "targets/c/target.json"
  const char* data;
  size_t size;
};
const std::vector<EmbeddedFile>& embedded_files();
}  // namespace qg::target
