// net.json v1 reader (docs/net-format.md). Validates everything it reads and
// reports the first problem as a UserError naming the file and JSON path.
#pragma once
#include <string>

#include "ir/graph.h"

namespace qg::frontend {

// Reads `path` (and the weight file it references, relative to its folder).
ir::Graph load_netjson(const std::string& path);

// Same, from text already in memory; `label` names it in messages and
// `base_dir` resolves the weight file.
ir::Graph parse_netjson(const std::string& text, const std::string& label, const std::string& base_dir);

// Limits (documented in docs/net-format.md).
constexpr int64_t kMaxDim = int64_t{1} << 24;
constexpr int64_t kMaxElements = int64_t{1} << 31;
constexpr size_t kMaxLayers = 10000;

}  // namespace qg::frontend
