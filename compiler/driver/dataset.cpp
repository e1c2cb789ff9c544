#include "driver/dataset.h"

#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ir/diag.h"
#include "ir/input_file.h"

namespace qg::driver {
namespace fs = std::filesystem;

namespace {

std::string type_name(ElemType t) { return t == ElemType::U8 ? "uint8" : "float32"; }

std::string dims_str(const std::vector<int64_t>& d) {
  std::string s;
  for (int64_t x : d) s += (s.empty() ? "" : "x") + std::to_string(x);
  return s;
}

bool is_file(const std::string& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

uint32_t be32(const uint8_t* p) { return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]; }

// `name` or `name.gz` inside dir, whichever exists ("" if neither).
std::string find_gz(const fs::path& dir, const std::string& name) {
  for (const std::string& n : {name + ".gz", name})
    if (is_file((dir / n).string())) return (dir / n).string();
  return "";
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

bool parse_int(const std::string& s, int64_t& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const long long x = std::strtoll(s.c_str(), &end, 10);
  if (errno || *end) return false;
  v = x;
  return true;
}

Dataset load_idx(const std::string& images, const std::string& labels, int64_t limit) {
  IdxArray im = read_idx(images, limit), lb = read_idx(labels, limit);
  if (im.dims.size() < 2) user_error(images, "", "is an IDX file of rank " + std::to_string(im.dims.size()) + "; expected images (N x H x W ...)");
  if (lb.dims.size() != 1)
    user_error(labels, "", "is an IDX file of shape " + dims_str(lb.dims) + "; expected labels (rank 1)");
  if (im.dims[0] != lb.dims[0])
    user_error(labels, "", "holds " + std::to_string(lb.dims[0]) + " labels but " + images + " holds " + std::to_string(im.dims[0]) +
                               " images");
  Dataset d;
  d.source = images;
  d.type = ElemType::U8;
  d.item_dims.assign(im.dims.begin() + 1, im.dims.end());
  d.item_size = 1;
  for (int64_t x : d.item_dims) d.item_size *= x;
  d.u8 = std::move(im.data);
  d.labels.assign(lb.data.begin(), lb.data.end());
  d.description = images + " (" + std::to_string(d.count()) + " images " + dims_str(d.item_dims) + " uint8)";
  return d;
}

Dataset load_raw_folder(const std::string& csv_path, ElemType type, int64_t limit) {
  std::istringstream f(read_input_file(csv_path));
  const fs::path dir = fs::path(csv_path).parent_path();
  Dataset d;
  d.source = csv_path;
  d.type = type;
  const int64_t esize = type == ElemType::U8 ? 1 : 4;
  std::string line, first_file;
  int64_t lineno = 0;
  while (std::getline(f, line) && (limit < 0 || d.count() < limit)) {
    ++lineno;
    line = trim(line);
    if (line.empty()) continue;
    const size_t comma = line.find(',');
    const std::string where = "line " + std::to_string(lineno);
    if (comma == std::string::npos) user_error(csv_path, where, "expected FILE,LABEL, got '" + printable_name(line) + "'");
    const std::string file = trim(line.substr(0, comma)), lab = trim(line.substr(comma + 1));
    int64_t label = 0;
    if (!parse_int(lab, label)) {
      if (d.count() == 0 && lineno == 1 && file == "file") continue;  // header
      user_error(csv_path, where, "label must be a non-negative integer, got '" + printable_name(lab) + "'");
    }
    if (label < 0) user_error(csv_path, where, "label must be a non-negative integer, got " + std::to_string(label));
    if (file.empty()) user_error(csv_path, where, "empty file name");
    const std::string p = (dir / file).string();
    InputFile rf;
    const std::string why = open_input_file(p, rf);
    if (!why.empty()) {
      const std::string what = "'" + printable_name(file) + "' (looked for " + p + ")";
      user_error(csv_path, where, why.rfind("cannot open file", 0) == 0 ? "cannot open " + what + why.substr(16) : what + " " + why);
    }
    std::string b(static_cast<size_t>(rf.size), '\0');
    if (!b.empty() && std::fread(&b[0], 1, b.size(), rf.f.get()) != b.size()) user_error(p, "", "cannot read file");
    if (b.empty() || b.size() % static_cast<size_t>(esize))
      user_error(p, "", "has " + std::to_string(b.size()) + " bytes, not a positive multiple of " + std::to_string(esize) + " (--raw-type " +
                            type_name(type) + ")");
    const int64_t n = static_cast<int64_t>(b.size()) / esize;
    if (d.count() == 0) {
      d.item_size = n;
      first_file = file;
    } else if (n != d.item_size) {
      user_error(p, "", "has " + std::to_string(n) + " " + type_name(type) + " values but '" + printable_name(first_file) + "' has " +
                            std::to_string(d.item_size) + " (all files must have the same size)");
    }
    if (type == ElemType::U8) {
      d.u8.insert(d.u8.end(), b.begin(), b.end());
    } else {
      const size_t at = d.f32.size();
      d.f32.resize(at + static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) {
        const auto* q = reinterpret_cast<const uint8_t*>(b.data()) + 4 * i;
        const uint32_t u = uint32_t{q[0]} | uint32_t{q[1]} << 8 | uint32_t{q[2]} << 16 | uint32_t{q[3]} << 24;
        std::memcpy(&d.f32[at + static_cast<size_t>(i)], &u, 4);
      }
    }
    d.labels.push_back(label);
  }
  if (d.count() == 0) user_error(csv_path, "", "lists no items (expected FILE,LABEL lines)");
  d.item_dims = {d.item_size};
  d.description = dir.string() + " (" + std::to_string(d.count()) + " raw " + type_name(type) + " files of " +
                  std::to_string(d.item_size) + " values)";
  return d;
}

}  // namespace

std::vector<uint8_t> read_maybe_gz(const std::string& path) {
  if (!is_file(path)) user_error(path, "", "cannot open file");
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files transparently
  if (!f) user_error(path, "", "cannot open file");
  std::vector<uint8_t> out;
  std::vector<uint8_t> buf(1 << 16);
  for (;;) {
    const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int err = 0;
      const std::string msg = gzerror(f, &err);
      gzclose(f);
      user_error(path, "", "cannot decompress: " + msg);
    }
    if (n == 0) break;
    out.insert(out.end(), buf.begin(), buf.begin() + n);
  }
  gzclose(f);
  return out;
}

IdxArray read_idx(const std::string& path, int64_t limit) {
  const std::vector<uint8_t> b = read_maybe_gz(path);
  if (b.size() < 4 || b[0] != 0 || b[1] != 0)
    user_error(path, "", "is not an IDX file (expected the magic 0x00 0x00 TYPE RANK)");
  if (b[2] != 0x08)
    user_error(path, "", "IDX element type 0x" + std::string(1, "0123456789abcdef"[b[2] >> 4]) + "0123456789abcdef"[b[2] & 15] +
                             " is not supported (only unsigned bytes, 0x08)");
  const size_t rank = b[3];
  if (rank < 1 || b.size() < 4 + 4 * rank) user_error(path, "", "IDX header is truncated or has rank 0");
  IdxArray a;
  int64_t item = 1;
  for (size_t i = 0; i < rank; ++i) {
    const int64_t d = be32(&b[4 + 4 * i]);
    if (d <= 0 || d > (int64_t{1} << 31) - 1) user_error(path, "", "IDX dimension " + std::to_string(i) + " is " + std::to_string(d));
    a.dims.push_back(d);
    if (i) item *= d;
  }
  const size_t hdr = 4 + 4 * rank;
  const int64_t have = static_cast<int64_t>(b.size() - hdr);
  if (have < a.dims[0] * item)
    user_error(path, "", "holds " + std::to_string(have) + " data bytes; its header (" + dims_str(a.dims) + ") needs " +
                             std::to_string(a.dims[0] * item));
  if (limit >= 0 && limit < a.dims[0]) a.dims[0] = limit;
  a.data.assign(b.begin() + static_cast<long>(hdr), b.begin() + static_cast<long>(hdr + static_cast<size_t>(a.dims[0] * item)));
  return a;
}

Dataset load_dataset(const DataOptions& o) {
  if (o.split != "test" && o.split != "train") user_error("", "--split", "must be test or train, got '" + printable_name(o.split) + "'");
  const std::string prefix = o.split == "test" ? "t10k" : "train";
  std::error_code ec;
  if (!fs::exists(o.path, ec)) user_error(o.path, "", "no such file or directory (--data)");
  if (fs::is_directory(o.path, ec)) {
    const fs::path dir(o.path);
    const std::string images = find_gz(dir, prefix + "-images-idx3-ubyte"), labels = find_gz(dir, prefix + "-labels-idx1-ubyte");
    if (!images.empty() || !labels.empty()) {
      if (images.empty()) user_error(o.path, "", "has " + labels + " but no " + prefix + "-images-idx3-ubyte.gz");
      if (labels.empty()) user_error(o.path, "", "has " + images + " but no " + prefix + "-labels-idx1-ubyte.gz");
      return load_idx(images, o.labels_path.empty() ? labels : o.labels_path, o.limit);
    }
    if (is_file((dir / "labels.csv").string())) return load_raw_folder((dir / "labels.csv").string(), o.raw_type, o.limit);
    user_error(o.path, "", "is not a dataset folder: expected " + prefix + "-images-idx3-ubyte.gz and " + prefix +
                               "-labels-idx1-ubyte.gz (IDX), or labels.csv with FILE,LABEL lines (raw files)");
  }
  const std::string name = fs::path(o.path).filename().string();
  if (name == "labels.csv" || fs::path(o.path).extension() == ".csv") return load_raw_folder(o.path, o.raw_type, o.limit);
  std::string labels = o.labels_path;
  if (labels.empty()) {
    const size_t p = o.path.rfind("images-idx3");
    if (p == std::string::npos || p < o.path.size() - name.size())
      user_error(o.path, "", "give the labels with --labels FILE (cannot derive them from a file name without 'images-idx3')");
    labels = o.path.substr(0, p) + "labels-idx1" + o.path.substr(p + 11);
    if (!is_file(labels)) user_error(o.path, "", "no labels file " + labels + " next to it (give one with --labels FILE)");
  }
  return load_idx(o.path, labels, o.limit);
}

Preprocess parse_scale(const std::string& s, Preprocess p) {
  const std::string t = trim(s);
  auto number = [&](const std::string& x, float& v) {
    if (x.empty()) return false;
    char* end = nullptr;
    v = std::strtof(x.c_str(), &end);
    return *end == 0 && std::isfinite(v);
  };
  const size_t slash = t.find('/');
  float a = 0, b = 0;
  if (slash != std::string::npos) {
    if (!number(trim(t.substr(0, slash)), a) || a != 1.0f || !number(trim(t.substr(slash + 1)), b) || b == 0.0f)
      user_error("", "--scale", "must be a number or 1/D (e.g. 1/255), got '" + printable_name(s) + "'");
    p.divide = true;
    p.divisor = b;
    return p;
  }
  if (!number(t, a)) user_error("", "--scale", "must be a number or 1/D (e.g. 1/255), got '" + printable_name(s) + "'");
  p.divide = false;
  p.factor = a;
  return p;
}

InputMaker::InputMaker(const Dataset& d, const ir::Graph& g, const Preprocess& p) : d_(&d), p_(p) {
  if (g.multi_io())
    user_error(g.file, "", "a data set feeds a model with one input and one output; this model has " + std::to_string(g.inputs().size()) +
                               " inputs and " + std::to_string(g.outputs().size()) + " outputs (use qgen run, one --input per input)");
  const ir::Tensor& t = g.tensor(g.input);
  model_shape_ = ir::logical_shape(t.shape, g.layout);
  const int64_t n = t.numel();
  rank3_ = t.shape.size() == 3;
  const std::string mshape = ir::shape_str(model_shape_) + (rank3_ ? std::string(" ") + ir::layout_name(g.layout) : "");
  const std::string dshape = dims_str(d.item_dims) + " " + type_name(d.type) + " (" + std::to_string(d.item_size) + " values)";
  if (d.item_size != n)
    user_error(d.source, "", "data items are " + dshape + "; the model input " + mshape + " has " + std::to_string(n) + " values");
  if (rank3_) {
    // Internal shape is {H, W, C}.
    const int64_t H = t.shape[0], W = t.shape[1];
    C_ = t.shape[2];
    HW_ = H * W;
    model_chw_ = g.layout != ir::Layout::HWC;
    const auto& id = d.item_dims;
    int64_t dc = -1, dh = -1, dw = -1;  // what the data says, if it has an image shape
    if (id.size() == 2) dc = 1, dh = id[0], dw = id[1];
    if (id.size() == 3) {
      if (p.nhwc) dh = id[0], dw = id[1], dc = id[2];
      else dc = id[0], dh = id[1], dw = id[2];
    }
    if (dc >= 0 && (dc != C_ || dh != H || dw != W))
      user_error(d.source, "", "data items are " + dshape + (id.size() == 3 ? (p.nhwc ? " read as HWC" : " read as CHW") : "") +
                                   " = " + std::to_string(dc) + " channel(s) of " + std::to_string(dh) + "x" + std::to_string(dw) +
                                   "; the model input " + mshape + " has " + std::to_string(C_) + " channel(s) of " + std::to_string(H) +
                                   "x" + std::to_string(W) + (id.size() == 3 ? " (see --layout)" : ""));
  } else {
    C_ = 1;
    HW_ = n;
  }
  for (auto [v, opt] : {std::pair{&p_.mean, "--mean"}, {&p_.stddev, "--std"}}) {
    if (v->size() > 1 && static_cast<int64_t>(v->size()) != C_)
      user_error("", opt, "has " + std::to_string(v->size()) + " values; the model input has " + std::to_string(C_) +
                              " channel(s) (give one value or one per channel)");
    for (float x : *v)
      if (!std::isfinite(x) || (v == &p_.stddev && x == 0.0f)) user_error("", opt, "values must be finite (and --std non-zero)");
  }
}

std::vector<float> InputMaker::make(int64_t i) const {
  const Dataset& d = *d_;
  std::vector<float> out(static_cast<size_t>(d.item_size));
  const size_t base = static_cast<size_t>(i * d.item_size);
  for (int64_t c = 0; c < C_; ++c) {
    const float mean = p_.mean.empty() ? 0.0f : p_.mean[p_.mean.size() == 1 ? 0 : static_cast<size_t>(c)];
    const float sd = p_.stddev.empty() ? 1.0f : p_.stddev[p_.stddev.size() == 1 ? 0 : static_cast<size_t>(c)];
    for (int64_t px = 0; px < HW_; ++px) {
      const size_t src = base + static_cast<size_t>(p_.nhwc ? px * C_ + c : c * HW_ + px);
      // (float)pixel / 255.0f, exactly as examples/fmnist-small/main.c.
      float v = d.type == ElemType::U8 ? static_cast<float>(d.u8[src]) : d.f32[src];
      v = p_.divide ? v / p_.divisor : v * p_.factor;
      if (!p_.mean.empty()) v = v - mean;
      if (!p_.stddev.empty()) v = v / sd;
      out[static_cast<size_t>(model_chw_ ? c * HW_ + px : px * C_ + c)] = v;
    }
  }
  return out;
}

std::string InputMaker::describe() const {
  std::ostringstream os;
  os << dims_str(d_->item_dims) << ' ' << type_name(d_->type) << (rank3_ ? (p_.nhwc ? " NHWC" : " NCHW") : "") << " -> "
     << ir::shape_str(model_shape_) << ", x" << (p_.divide ? "/" : "*") << (p_.divide ? p_.divisor : p_.factor);
  auto list = [&](const std::vector<float>& v) {
    std::string s;
    for (float x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
    return s;
  };
  if (!p_.mean.empty()) os << ", -mean(" << list(p_.mean) << ")";
  if (!p_.stddev.empty()) os << ", /std(" << list(p_.stddev) << ")";
  return os.str();
}

}  // namespace qg::driver
