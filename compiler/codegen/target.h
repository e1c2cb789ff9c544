// The target descriptor under codegen's names (the descriptor itself lives in
// compiler/target/target.h, below the select stage).
#pragma once
#include "target/target.h"

namespace qg::codegen {

using Target = target::Target;

// The descriptor of `name`; throws a user error naming the known targets.
inline const Target& target(const std::string& name) { return target::get(name); }

// Targets known to this build, sorted.
inline std::vector<std::string> target_names() { return target::names(); }

}  // namespace qg::codegen
