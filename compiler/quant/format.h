// Quantization formats are data: one row per code width. The packed storage
// struct of each width is defined here too, with a static_assert on its size
// (ggml style), so flash accounting and the emitters agree.
#pragma once
#include <cstdint>

namespace qg::quant {

struct Format {
  int bits;                // code width
  int levels;              // L = 2^bits - 1; codes are 0..L
  const char* name;        // "u8", "u4", ...
  int storage_bits;        // bits one code occupies in emitted weight tables
  double max_rel_error;    // |v - v'| <= max_rel_error * (hi - lo) for a value in its region
};

const Format& format_for_bits(int bits);  // bits in {8, 6, 4, 2, 1}
bool is_supported_bits(int bits);
const char* supported_bits_text();        // "8, 6, 4, 2, 1"

// Storage of codes in emitted weight tables today: one code per byte.
struct CodeU8 {
  uint8_t code;
};
static_assert(sizeof(CodeU8) == 1, "codes are stored one per byte");

}  // namespace qg::quant
