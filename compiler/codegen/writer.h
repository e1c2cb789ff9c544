#pragma once
#include <string>
#include <vector>

#include "codegen/c_emitter.h"

namespace qg::codegen {
// Writes all files into `dir` or nothing: files go to a temporary sibling
// folder first and are moved into place only when every write succeeded.
void write_output_dir(const std::string& dir, const std::vector<OutputFile>& files);
}
