// Loading and instantiating kernel templates (templates/*.c).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace qg::codegen {

using Defines = std::vector<std::pair<std::string, std::string>>;

// The text of an embedded file ("templates/x.c", "runtime/qg_runtime.h").
const std::string& embedded_text(const std::string& name);

// One instance of a template: `#define`s of `defs`, the template body (the
// text after its QG_TEMPLATE_DEFAULTS_END marker), then `#undef`s.
std::string instantiate(const std::string& template_name, const Defines& defs);

}  // namespace qg::codegen
