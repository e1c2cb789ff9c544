// Loading and instantiating kernel templates (templates/*.c).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace qg::codegen {

using Defines = std::vector<std::pair<std::string, std::string>>;

// The text of an embedded file ("templates/x.c", "runtime/qg_common.h").
const std::string& embedded_text(const std::string& name);

// The runtime headers (runtime/qg_*.h) the given templates include, directly
// or through each other, dependencies first; always runtime/qg_common.h.
std::vector<std::string> runtime_parts(const std::vector<std::string>& template_names);
// The text of one runtime header with its own #include "qg_*.h" lines turned
// into comments (the emitted model pastes the parts in runtime_parts order).
std::string runtime_text(const std::string& part);

// One instance of a template: `#define`s of `defs`, the template body (the
// text after its QG_TEMPLATE_DEFAULTS_END marker), then `#undef`s.
std::string instantiate(const std::string& template_name, const Defines& defs);

}  // namespace qg::codegen
