#include "quant/format.h"

#include <array>

#include "ir/diag.h"

namespace qg::quant {
namespace {
// Rounding to nearest puts every value within half a step (s/2 = (hi-lo)/(2L)).
constexpr std::array<Format, 5> kFormats = {{
    {8, 255, "u8", 8, 0.5 / 255},
    {6, 63, "u6", 8, 0.5 / 63},
    {4, 15, "u4", 8, 0.5 / 15},
    {2, 3, "u2", 8, 0.5 / 3},
    {1, 1, "u1", 8, 0.5},
}};
}  // namespace

bool is_supported_bits(int bits) {
  for (const Format& f : kFormats)
    if (f.bits == bits) return true;
  return false;
}

const Format& format_for_bits(int bits) {
  for (const Format& f : kFormats)
    if (f.bits == bits) return f;
  internal_error(__FILE__, __LINE__, "unsupported bit width " + std::to_string(bits));
}

const char* supported_bits_text() { return "8, 6, 4, 2, 1"; }

}  // namespace qg::quant
