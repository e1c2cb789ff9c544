#pragma once
#include <string>
#include <vector>

#include "target/embedded.h"

namespace qg::codegen {
// One embedded file: the same record as the target descriptors' (target/embedded.h).
using target::EmbeddedFile;
// Kernel templates and runtime headers, compiled into qgen (cmake/EmbedFiles.cmake).
const std::vector<EmbeddedFile>& embedded_files();
}  // namespace qg::codegen
