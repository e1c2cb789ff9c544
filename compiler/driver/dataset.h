// Labelled image sets for `qgen eval`, and their preprocessing into model inputs.
//
// Two on-disk forms:
//  - IDX (the MNIST / Fashion-MNIST format, e.g. Debian's dataset-fashion-mnist):
//    `<split>-images-idx3-ubyte[.gz]` + `<split>-labels-idx1-ubyte[.gz]` in a
//    folder (split "t10k" for --split test, "train" for --split train), or the
//    image file itself (labels found by name, or given);
//  - a raw folder: `labels.csv` with one `FILE,LABEL` line per item (an optional
//    first line `file,label` is a header) and the raw files it names, each the
//    item's values as uint8 or little-endian float32, all of the same size.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace qg::driver {

enum class ElemType { U8, F32 };

struct Dataset {
  std::string description;          // for messages and the report line
  std::string source;               // path used in error messages
  ElemType type = ElemType::U8;
  std::vector<int64_t> item_dims;   // IDX: the per-item dims (e.g. {28, 28}); raw: {values}
  int64_t item_size = 0;            // values per item
  std::vector<uint8_t> u8;          // count * item_size, for U8
  std::vector<float> f32;           // count * item_size, for F32
  std::vector<int64_t> labels;      // count
  int64_t count() const { return static_cast<int64_t>(labels.size()); }
};

struct DataOptions {
  std::string path;           // folder, IDX image file, or labels.csv
  std::string labels_path;    // IDX labels file (default: derived from the image file name)
  std::string split = "test"; // test (t10k) or train
  ElemType raw_type = ElemType::U8;  // raw folder files
  int64_t limit = -1;         // first N items only (-1: all)
};

// Loads a dataset; every problem (missing files, bad headers, size
// mismatches, bad labels) is one UserError naming the file.
Dataset load_dataset(const DataOptions& o);

// The whole content of a file, gunzipped if it is gzip-compressed (zlib;
// plain files are read as they are).
std::vector<uint8_t> read_maybe_gz(const std::string& path);

// One IDX array: dims and the raw uint8 elements (element type 0x08 only).
struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};
// Parses an IDX file (gzip'ed or not); reads at most `limit` items (-1: all).
IdxArray read_idx(const std::string& path, int64_t limit = -1);

// How raw values become model inputs: v = raw / divisor (or raw * factor),
// then per channel (v - mean[c]) / std[c].
struct Preprocess {
  bool divide = true;       // true: raw / divisor; false: raw * factor
  float divisor = 255.0f;
  float factor = 1.0f;
  std::vector<float> mean, stddev;  // empty, one value, or one per channel
  bool nhwc = false;                // data items are HWC (NHWC); default CHW (NCHW)
};

// Parses a --scale value: "1/255" (exactly raw / 255.0f), "0.5" (raw * 0.5f).
Preprocess parse_scale(const std::string& s, Preprocess p);

// Maps dataset items to the model's input: checks that sizes and shapes fit
// (one UserError otherwise) and converts item i to the model's declared
// layout. Cheap to copy; used from several threads.
class InputMaker {
 public:
  InputMaker(const Dataset& d, const ir::Graph& g, const Preprocess& p);
  std::vector<float> make(int64_t i) const;
  std::string describe() const;  // "28x28 uint8 -> [1,28,28] CHW, x/255"

 private:
  const Dataset* d_;
  Preprocess p_;
  int64_t C_ = 1, HW_ = 0;        // model input channels and pixels per channel (rank 3)
  bool model_chw_ = true;         // model's declared layout of a rank-3 input
  bool rank3_ = false;
  std::vector<int64_t> model_shape_;  // declared shape
};

}  // namespace qg::driver
