#include "driver/target_exec.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "codegen/target.h"
#include "driver/embedded_board.h"
#include "interp/interp.h"
#include "ir/diag.h"
#include "ir/input_file.h"

namespace qg::driver {
namespace fs = std::filesystem;

namespace {

// A conv with a max pool fused into its kernel (select::fuse_lq_pools) never
// stores its output: the dump sends nothing for it and the pool's output is compared.
bool output_not_stored(const PipelineState& s, size_t node) {
  return s.kernels && node < s.kernels->size() && (*s.kernels)[node].pool_node >= 0;
}

// ---- processes and files ----------------------------------------------------

std::string sq(const std::string& s) {  // single-quoted for sh
  std::string r = "'";
  for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return r + "'";
}

std::string first_word(const std::string& s) {
  std::istringstream is(s);
  std::string w;
  is >> w;
  return w;
}

// On PATH (or a path to an executable file).
bool have_tool(const std::string& name) {
  if (name.empty()) return false;
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::istringstream is(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(is, dir, ':'))
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  return false;
}

void need_tool(const std::string& tool, const std::string& option, const std::string& why, const std::string& install) {
  if (!have_tool(first_word(tool)))
    user_error("", option, why + " needs " + first_word(tool) + ", which is not on PATH" + (install.empty() ? "" : " (" + install + ")"));
}

struct Shell {
  int status = -1;  // exit status, or 128 + signal
  std::string out;  // stdout + stderr
};

int decode_status(int st) {
  if (st == -1) return -1;
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

Shell shell(const std::string& cmd) {
  Shell r;
  std::FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  r.status = decode_status(pclose(p));
  return r;
}

// The first lines of a tool's output, for an error message.
std::string head_lines(const std::string& s, int lines) {
  std::string r;
  std::istringstream is(s);
  std::string l;
  for (int i = 0; i < lines && std::getline(is, l); ++i) r += "\n  " + l;
  return r;
}

void write_text(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
  f.close();
  if (!f) user_error(path, "", "cannot write file (temporary build folder)");
}

// A temporary folder, removed when done (unless kept).
class TempDir {
 public:
  TempDir(const std::string& tag, bool keep) : keep_(keep) {
    const char* t = std::getenv("TMPDIR");
    std::string pattern = std::string(t && *t ? t : "/tmp") + "/qgen-" + tag + "-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) user_error(pattern, "", "cannot create a temporary folder (set TMPDIR)");
    path_ = buf.data();
    if (path_.find_first_of(" \t\n'\"\\") != std::string::npos) {
      fs::remove_all(path_);
      user_error(path_, "", "the temporary folder's path contains spaces or quotes; set TMPDIR to a plain path");
    }
  }
  ~TempDir() {
    if (keep_) {
      std::fprintf(stderr, "qgen: kept the build folder %s\n", path_.c_str());
      return;
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool keep_;
};

// ---- the driver program -------------------------------------------------------

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool is_i8(const ir::Graph& g, int t) { return g.tensor(t).dtype == ir::DType::I8; }

// Bytes per element of a tensor the driver moves: float32, int8 codes, or
// int16 codes (16x8 models).
int64_t elem_bytes(const ir::Graph& g, int t) { return !is_i8(g, t) ? 4 : g.tensor(t).i16() ? 2 : 1; }

std::string c_type(const ir::Graph& g, int t) {
  const int64_t e = elem_bytes(g, t);
  return e == 4 ? "float" : e == 2 ? "int16_t" : "int8_t";
}

// The model's inputs and outputs as the emitted API takes them: `input` /
// `output` for a model with one of each, else input0, input1, ..., output0, ...
struct Io {
  int tensor;
  std::string param, type;
  int64_t numel, elem;
};

std::vector<Io> io_list(const ir::Graph& g, bool inputs) {
  std::vector<Io> r;
  const std::vector<int> ids = inputs ? g.inputs() : g.outputs();
  for (size_t k = 0; k < ids.size(); ++k)
    r.push_back({ids[k], std::string(inputs ? "input" : "output") + (g.multi_io() ? std::to_string(k) : ""), c_type(g, ids[k]),
                 g.tensor(ids[k]).numel(), elem_bytes(g, ids[k])});
  return r;
}

// The hook header, force-included into every source when layers are dumped.
std::string hook_header(const ir::Graph& g) {
  std::string ins, outs;
  for (const Io& x : io_list(g, true)) ins += (ins.empty() ? "" : ", ") + std::string("(const void *)") + x.param;
  for (const Io& x : io_list(g, false)) outs += (outs.empty() ? "" : ", ") + std::string("(void *)") + x.param;
  return "/* qgen diff: QG_LAYER_END(i) reads layer i's output tensor. It expands inside <prefix>_run,\n"
         " * where A (the arena) and the caller's input and output buffers are in scope. Generated; removed with its folder. */\n"
         "#ifndef QGD_HOOK_H\n#define QGD_HOOK_H\n"
         "void qgd_layer_end(int i, unsigned char *A, const void *const *in, void *const *out);\n"
         "#define QG_LAYER_END(i) do { const void *const qgd_in_[] = {" + ins + "}; void *const qgd_out_[] = {" + outs +
         "}; qgd_layer_end((i), A, qgd_in_, qgd_out_); } while (0)\n"
         "#endif\n";
}

// Input `x` of inputs first .. first + count - 1 as a C array (the board reads
// them from flash), exact bit patterns. A sample holds the model's inputs back
// to back in model order; `at` is where input `x` starts in it.
std::string input_array(const std::vector<std::vector<float>>& inputs, size_t first, size_t count, const Io& x, size_t at,
                        const std::string& name) {
  std::ostringstream os;
  const size_t n = count * static_cast<size_t>(x.numel);
  const size_t len = static_cast<size_t>(x.numel);
  if (x.elem != 4) {
    os << "static const " << x.type << " " << name << "[" << std::max<size_t>(n, 1) << "] = {";
    size_t j = 0;
    for (size_t k = first; k < first + count; ++k)
      for (size_t e = 0; e < len; ++e) os << (j++ % 24 ? "" : "\n") << static_cast<int>(inputs[k][at + e]) << ",";
    os << "};\n";
  } else {
    os << "static const union { uint32_t u[" << std::max<size_t>(n, 1) << "]; float f[" << std::max<size_t>(n, 1) << "]; } " << name
       << "_u = {{";
    size_t j = 0;
    for (size_t k = first; k < first + count; ++k)
      for (size_t e = 0; e < len; ++e) {
        uint32_t u;
        std::memcpy(&u, &inputs[k][at + e], 4);
        os << (j++ % 8 ? "" : "\n") << u << "u,";
      }
    os << "}};\n#define " << name << " " << name << "_u.f\n";
  }
  return os.str();
}

std::string driver_source(const PipelineState& s, const std::vector<std::vector<float>>& inputs, size_t first, size_t count, bool m7,
                          bool dump) {
  const ir::Graph& g = s.graph;
  const std::string P = s.emitted->prefix, U = upper(P);
  const std::vector<Io> ins = io_list(g, true), outs = io_list(g, false);
  std::ostringstream os;
  os << "/* qgen diff / validate driver for " << P << ". Generated; removed with its folder. */\n"
     << "#include <stdint.h>\n#include <string.h>\n#include \"" << P << ".h\"\n";
  if (m7)
    os << "#include \"board.h\"\n#define QGD_PUTS(s) qg_board_puts(s)\n#define QGD_FLUSH() ((void)0)\n";
  else
    os << "#include <stdio.h>\n#define QGD_PUTS(s) fputs((s), stdout)\n#define QGD_FLUSH() fflush(stdout)\n";
  os << "static void qgd_put_long(long v) {\n"
        "  char b[24];\n  int i = 23;\n  unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;\n  b[i] = '\\0';\n"
        "  do { b[--i] = (char)('0' + (int)(u % 10u)); u /= 10u; } while (u != 0u);\n"
        "  if (v < 0) b[--i] = '-';\n  QGD_PUTS(&b[i]);\n}\n"
        "/* One record: \"qg-t TAG K I BYTES HEX\\n\". */\n"
        "static void qgd_send(const char *tag, long k, long i, const unsigned char *p, long n) {\n"
        "  static const char hexd[] = \"0123456789abcdef\";\n  char buf[129];\n  long j;\n  int m = 0;\n"
        "  QGD_PUTS(\"qg-t \"); QGD_PUTS(tag); QGD_PUTS(\" \"); qgd_put_long(k); QGD_PUTS(\" \"); qgd_put_long(i);\n"
        "  QGD_PUTS(\" \"); qgd_put_long(n); QGD_PUTS(\" \");\n"
        "  for (j = 0; j < n; ++j) {\n"
        "    buf[m++] = hexd[p[j] >> 4];\n    buf[m++] = hexd[p[j] & 15u];\n"
        "    if (m == 128) { buf[m] = '\\0'; QGD_PUTS(buf); m = 0; }\n  }\n"
        "  buf[m] = '\\0';\n  QGD_PUTS(buf);\n  QGD_PUTS(\"\\n\");\n}\n"
        "static long qgd_k;\n";
  if (dump) {
    // Where each layer's output lives: the plan's buffer of the node's output tensor.
    os << "#include \"qgd_hook.h\"\n"
       << "/* where: 0 arena, 1 caller input `io`, 2 caller output `io` (model order) */\n"
       << "struct qgd_layer { int where, io; long offset, bytes, elem; };\n"
       << "static const struct qgd_layer qgd_layers[" << std::max<size_t>(g.nodes.size(), 1) << "] = {\n";
    for (const ir::Node& n : g.nodes) {
      const plan::Buffer& b = s.plan->tensors.at(static_cast<size_t>(n.output));
      const int where = b.place == plan::Place::Input ? 1 : b.place == plan::Place::Output ? 2 : 0;
      const ir::Tensor& t = g.tensor(n.output);
      const int64_t elem = elem_bytes(g, n.output);
      // An LQ-packed tensor (docs/quantization.md §11) is compared as the 32-bit
      // words of its storage (codes, then (lo, s) per region), which the
      // interpreter holds as Tensor::bytes() / 4 floats of the same bits.
      const bool fused = output_not_stored(s, static_cast<size_t>(&n - g.nodes.data()));
      const int64_t dump_bytes = fused ? 0 : t.pack.on() ? t.bytes() : t.numel() * elem;
      // A tensor stored in another form than numel elements of its dtype cannot be read back here.
      if (!fused && where == 0 && !t.pack.on() && b.bytes < t.numel() * elem)
        user_error("", "layer '" + message_name(n.name) + "'",
                   "its output is stored in " + std::to_string(b.bytes) + " bytes, not as " + std::to_string(g.tensor(n.output).numel()) +
                       " " + ir::dtype_name(g.tensor(n.output).dtype) + " values: qgen diff cannot read this tensor");
      os << "  {" << where << ", " << (where == 0 ? 0 : b.io) << ", " << (where == 0 ? b.offset : 0) << "L, " << dump_bytes << "L, " << elem
         << "L},\n";
    }
    os << "};\n"
       << "void qgd_layer_end(int i, unsigned char *A, const void *const *in, void *const *out) {\n"
       << "  const struct qgd_layer *l = &qgd_layers[i - 1];\n"
       << "  unsigned char *p = l->where == 0 ? A + l->offset : l->where == 2 ? (unsigned char *)out[l->io] : (unsigned char *)(uintptr_t)in[l->io];\n"
       << "#ifdef QGEN_DIFF_TEST_FLIP_LAYER\n"
       << "  /* Test-only fault injection (tests/diff; docs/diff.md): flips the lowest bit of element\n"
       << "   * QGEN_DIFF_TEST_FLIP_ELEMENT of layer QGEN_DIFF_TEST_FLIP_LAYER's output, in place, so the\n"
       << "   * layers after it compute from the changed value. Never defined unless asked for on the command line. */\n"
       << "  if (i == QGEN_DIFF_TEST_FLIP_LAYER && l->where != 1 && (long)(QGEN_DIFF_TEST_FLIP_ELEMENT) * l->elem < l->bytes)\n"
       << "    p[(long)(QGEN_DIFF_TEST_FLIP_ELEMENT) * l->elem] ^= 1u;\n"
       << "#endif\n"
       << "  qgd_send(\"L\", qgd_k, i, p, l->bytes);\n}\n";
  }
  os << "static unsigned char qgd_arena[" << U << "_ARENA_BYTES] __attribute__((aligned(16)));\n";
  for (size_t j = 0; j < outs.size(); ++j) os << "static " << outs[j].type << " qgd_out" << j << "[" << outs[j].numel << "];\n";
  if (m7) {
    size_t at = 0;
    for (size_t j = 0; j < ins.size(); ++j) {
      os << input_array(inputs, first, count, ins[j], at, "qgd_in" + std::to_string(j));
      at += static_cast<size_t>(ins[j].numel);
    }
    os << "int main(void) {\n  long k;\n";
    for (size_t j = 0; j < ins.size(); ++j) os << "  const " << ins[j].type << " *in" << j << " = qgd_in" << j << ";\n";
  } else {
    // One file per model input: `count` samples back to back.
    os << "int main(int argc, char **argv) {\n  long k;\n  FILE *f;\n";
    for (size_t j = 0; j < ins.size(); ++j) {
      const std::string n = std::to_string(std::max<size_t>(count, 1)) + "L * " + std::to_string(ins[j].numel) + "L";
      os << "  static " << ins[j].type << " in" << j << "[" << n << "];\n"
         << "  f = argc > " << j + 1 << " ? fopen(argv[" << j + 1 << "], \"rb\") : 0;\n"
         << "  if (!f || fread(in" << j << ", sizeof in" << j << "[0], " << n << ", f) != (size_t)(" << n
         << ")) { QGD_PUTS(\"qg-error cannot read the inputs\\n\"); return 10; }\n"
         << "  fclose(f);\n";
    }
  }
  std::string args;
  for (size_t j = 0; j < ins.size(); ++j) args += "in" + std::to_string(j) + " + k * " + std::to_string(ins[j].numel) + "L, ";
  for (size_t j = 0; j < outs.size(); ++j) args += "qgd_out" + std::to_string(j) + ", ";
  os << "  for (k = 0; k < " << count << "L; ++k) {\n"
     << "    int rc;\n"
     << "    qgd_k = k;\n"
     << "    rc = " << P << "_run(" << args << "qgd_arena);\n"
     << "    if (rc != " << U << "_OK) { QGD_PUTS(\"qg-error " << P << "_run returned \"); qgd_put_long(rc); QGD_PUTS(\"\\n\"); return 11; }\n";
  for (size_t j = 0; j < outs.size(); ++j)
    os << "    qgd_send(\"O\", k, " << j << ", (const unsigned char *)qgd_out" << j << ", (long)sizeof qgd_out" << j << ");\n";
  os << "    QGD_PUTS(\"qg-done \");\n    qgd_put_long(k);\n    QGD_PUTS(\"\\n\");\n    QGD_FLUSH();\n  }\n"
     << "  QGD_PUTS(\"qg-end\\n\");\n  return 0;\n}\n";
  return os.str();
}

// ---- reading the program's report ------------------------------------------

// `elem` bytes per value: 1 int8 codes, 2 int16 codes (little-endian, as both
// the host and the board store them), 4 float32.
std::vector<float> decode(const std::string& hex, int64_t elem) {
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<char>(nib(hex[i]) << 4 | nib(hex[i + 1])));
  return decode_raw(bytes, elem);
}

struct Reader {
  const ir::Graph& g;
  ExecResult& r;
  std::vector<std::vector<std::vector<float>>>& outs;  // per input, per model output
  size_t base = 0;  // index of the batch's first input
  std::function<void(size_t)> progress;
  bool ended = false;
  std::string errors;  // qg-error lines

  void line(const std::string& l) {
    if (l.rfind("qg-t ", 0) == 0) {
      std::istringstream is(l.substr(5));
      std::string tag, hex;
      long k = 0, i = 0, n = 0;
      is >> tag >> k >> i >> n >> hex;
      if (static_cast<long>(hex.size()) != 2 * n || k < 0) {
        errors += "malformed record: " + l.substr(0, 80) + "\n";
        return;
      }
      const size_t kk = base + static_cast<size_t>(k);
      if (tag == "O" && kk < outs.size() && i >= 0 && static_cast<size_t>(i) < outs[kk].size())
        outs[kk][static_cast<size_t>(i)] = decode(hex, elem_bytes(g, g.outputs()[static_cast<size_t>(i)]));
      if (tag == "L" && kk < r.layers.size() && i >= 1 && static_cast<size_t>(i) <= g.nodes.size())
        r.layers[kk][static_cast<size_t>(i - 1)] = decode(hex, elem_bytes(g, g.nodes[static_cast<size_t>(i - 1)].output));
    } else if (l.rfind("qg-done ", 0) == 0) {
      if (progress) progress(base + static_cast<size_t>(std::atol(l.c_str() + 8)) + 1);
    } else if (l == "qg-end") {
      ended = true;
    } else if (l.rfind("qg-error ", 0) == 0) {
      errors += l.substr(9) + "\n";
    }
  }
};

// Runs `cmd`, feeding its stdout lines to `rd`; stderr goes to `err_file`.
int run_streaming(const std::string& cmd, const std::string& err_file, Reader& rd, std::string& other) {
  std::FILE* p = popen((cmd + " 2>" + sq(err_file)).c_str(), "r");
  if (!p) user_error("", "", "cannot start: " + cmd);
  char* buf = nullptr;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&buf, &cap, p)) > 0) {
    std::string l(buf, static_cast<size_t>(n));
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    if (l.rfind("qg-", 0) == 0)
      rd.line(l);
    else if (other.size() < 4000)
      other += l + "\n";
  }
  std::free(buf);
  return decode_status(pclose(p));
}

std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// ---- toolchains ----------------------------------------------------------------

struct Toolchain {
  std::string cc, flags, runner;  // runner: prefix of the program's command line
  bool m7 = false;
};

Toolchain toolchain_for(const ExecOptions& o) {
  const codegen::Target& t = codegen::target(o.target);
  Toolchain tc;
  if (o.target == "cortex-m7") {
    tc.m7 = true;
    const char* env = std::getenv("QG_M7_CC");
    tc.cc = !o.cc.empty() ? o.cc : env && *env ? env : "arm-none-eabi-gcc";
    tc.flags = t.build_flags;
    need_tool(tc.cc, "--target cortex-m7", "building for the Cortex-M7", "Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi");
    const char* q = std::getenv("QG_QEMU");
    const std::string qemu = q && *q ? q : "qemu-system-arm";
    need_tool(qemu, "--target cortex-m7", "running the Cortex-M7 board", "Debian: apt-get install qemu-system-arm");
    need_tool("bash", "--target cortex-m7", "the board's build and run scripts", "");
    need_tool("timeout", "--target cortex-m7", "the board's run script", "Debian: coreutils");
    tc.runner = qemu + " -M mps2-an500";
  } else if (o.target == "cortex-a") {
    tc.cc = o.cc.empty() ? "aarch64-linux-gnu-gcc" : o.cc;
    tc.flags = "-std=c99 -O2 -ffp-contract=off";
    need_tool(tc.cc, "--target cortex-a", "building for Cortex-A", "Debian: apt-get install gcc-aarch64-linux-gnu");
    need_tool("qemu-aarch64", "--target cortex-a", "running Cortex-A code", "Debian: apt-get install qemu-user");
    tc.runner = "qemu-aarch64 -L /usr/aarch64-linux-gnu";
  } else if (o.target == "c" || o.target == "x86-64") {
    const char* env = std::getenv("CC");
    tc.cc = !o.cc.empty() ? o.cc : env && *env ? env : "cc";
    tc.flags = o.target == "c" ? t.build_flags : "-std=c99 -O2 -ffp-contract=off";
    need_tool(tc.cc, "--cc", "building the emitted code", "Debian: apt-get install gcc");
  } else {
    user_error("", "--target", "'" + o.target + "' cannot be built and run here (c, x86-64, cortex-a, cortex-m7)");
  }
  return tc;
}

std::string bad_flags_text(const std::vector<BadFlag>& v) {
  std::string r;
  for (const BadFlag& b : v) r += (r.empty() ? "" : ", ") + b.flag + " " + b.why;
  return r;
}

// The flags define __FAST_MATH__ (whatever spelling turned it on): the
// emitted header #errors, so say so instead of showing the build failure.
void refuse_fast_math(const Toolchain& tc, const ExecOptions& o, const std::string& dir) {
  const Shell p = shell(tc.cc + " " + tc.flags + " " + o.cflags + " -dM -E -x c /dev/null -o " + sq(dir + "/macros.txt"));
  if (p.status != 0 || read_all(dir + "/macros.txt").find("__FAST_MATH__") == std::string::npos) return;
  std::vector<BadFlag> bad = exactness_breaking_flags(o.cflags);
  user_error("", "--cflags",
             (bad.empty() ? std::string("these flags define __FAST_MATH__, which breaks bit-exactness with the interpreter")
                          : bad_flags_text(bad) + " breaks bit-exactness with the interpreter") +
                 "; the emitted header refuses to compile under __FAST_MATH__: remove it");
}

}  // namespace

std::vector<BadFlag> exactness_breaking_flags(const std::string& cflags) {
  static const std::pair<const char*, const char*> kBad[] = {
      {"-ffast-math", "(reorders, contracts and approximates float operations; assumes no NaN or infinity)"},
      {"-Ofast", "(turns on -ffast-math)"},
      {"-funsafe-math-optimizations", "(reassociates float operations, uses reciprocals)"},
      {"-fassociative-math", "(reorders float additions)"},
      {"-freciprocal-math", "(multiplies by reciprocals instead of dividing)"},
      {"-ffinite-math-only", "(assumes no NaN or infinity)"},
      {"-fno-signed-zeros", "(ignores the sign of zero)"},
      {"-ffp-contract=fast", "(fuses multiplies and adds into FMAs: one rounding instead of two)"},
      {"-ffp-contract=on", "(fuses multiplies and adds into FMAs within expressions)"},
      {"-mfpmath=387", "(x87 arithmetic keeps excess precision)"},
      {"-mrecip", "(approximate reciprocal and square root instructions)"},
  };
  std::vector<BadFlag> r;
  std::istringstream is(cflags);
  std::string w;
  while (is >> w)
    for (const auto& [flag, why] : kBad)
      if (w == flag || (std::string(flag) == "-mrecip" && w.rfind("-mrecip", 0) == 0)) r.push_back({w, why});
  return r;
}

std::vector<std::vector<float>> read_model_inputs(const std::vector<std::string>& paths, const ir::Graph& g) {
  const std::vector<int> ids = g.inputs();
  if (paths.size() != ids.size())
    user_error("", "--input", "the model has " + std::to_string(ids.size()) + " input" + (ids.size() == 1 ? "" : "s") + " and " +
                                  std::to_string(paths.size()) + " --input file" + (paths.size() == 1 ? " was" : "s were") +
                                  " given: give one per model input, in model order");
  std::vector<std::vector<float>> batch;
  for (size_t j = 0; j < ids.size(); ++j) {
    const int64_t elem = elem_bytes(g, ids[j]);
    const std::string& path = paths[j];
    std::vector<float> all;
    if (elem == 4) {
      all = read_f32_file(path);
    } else {
      const std::string bytes = read_input_file(path);
      if (bytes.size() % static_cast<size_t>(elem))
        user_error(path, "", "holds " + std::to_string(bytes.size()) + " bytes, not a whole number of int16 codes");
      all = decode_raw(bytes, elem);
    }
    const size_t n = static_cast<size_t>(g.tensor(ids[j]).numel());
    const std::string what = elem == 4 ? " floats" : elem == 2 ? " int16 codes" : " int8 values";
    const std::string which = ids.size() == 1 ? "the model input" : "model input " + std::to_string(j) + " ('" + message_name(g.tensor(ids[j]).name) + "')";
    if (all.empty() || all.size() % n)
      user_error(path, "", "holds " + std::to_string(all.size()) + what + "; " + which + " has " + std::to_string(n) +
                               " (a batch file holds a multiple of that)");
    if (j > 0 && all.size() / n != batch.size())
      user_error(path, "", "holds " + std::to_string(all.size() / n) + " samples of " + which + ", the first --input file " +
                               std::to_string(batch.size()) + ": every input file must hold the same number");
    if (j == 0) batch.resize(all.size() / n);
    for (size_t k = 0; k < batch.size(); ++k)
      batch[k].insert(batch[k].end(), all.begin() + static_cast<long>(k * n), all.begin() + static_cast<long>((k + 1) * n));
  }
  return batch;
}

ExecResult run_emitted(const PipelineState& s, const std::vector<std::vector<float>>& inputs, const ExecOptions& o,
                       const std::function<void(size_t)>& progress) {
  QG_CHECK(s.emitted && s.plan, "run_emitted needs a compiled model");
  const ir::Graph& g = s.graph;
  const Toolchain tc = toolchain_for(o);
  TempDir tmp(o.dump_layers ? "diff" : "validate", o.keep_temp);
  const std::string dir = tmp.path(), out = dir + "/out";
  refuse_fast_math(tc, o, dir);
  for (const BadFlag& b : exactness_breaking_flags(o.cflags))
    std::fprintf(stderr, "qgen: warning: --cflags %s breaks bit-exactness %s\n", b.flag.c_str(), b.why.c_str());

  // The emitted package, exactly as `qgen compile` writes it.
  fs::create_directories(out);
  std::string package;
  bool blob = false;
  for (const codegen::OutputFile& f : s.emitted->files) {
    write_text(out + "/" + f.name, f.content);
    const std::string ext = fs::path(f.name).extension().string();
    if (ext == ".c" || (ext == ".o" && !tc.m7)) package += " " + sq(out + "/" + f.name);
    if (ext == ".bin") blob = true;
  }
  if (o.dump_layers) write_text(dir + "/qgd_hook.h", hook_header(g));
  std::string extra = "-I" + sq(dir) + " -I" + sq(out) + (blob ? " -Wa,-I" + sq(out) : "");
  if (o.dump_layers) extra += " -include " + sq(dir + "/qgd_hook.h");

  const std::vector<Io> ins = io_list(g, true), outs = io_list(g, false);
  ExecResult r;
  r.outputs.assign(inputs.size(), {});
  std::vector<std::vector<std::vector<float>>> out_parts(inputs.size(), std::vector<std::vector<float>>(outs.size()));
  if (o.dump_layers) r.layers.assign(inputs.size(), std::vector<std::vector<float>>(g.nodes.size()));
  const std::string board = dir + "/board";
  if (tc.m7) {
    fs::create_directories(board);
    for (const target::EmbeddedFile& f : board::embedded_files())
      write_text(board + "/" + fs::path(f.name).filename().string(), std::string(f.data, f.size));
    r.toolchain = tc.cc + " " + tc.flags + (o.cflags.empty() ? "" : " " + o.cflags) + ", run on " + tc.runner;
  } else {
    r.toolchain = tc.cc + " " + tc.flags + (o.cflags.empty() ? "" : " " + o.cflags) + (tc.runner.empty() ? "" : ", run under " + tc.runner);
  }

  // The board takes its inputs from flash: batches of at most 256 KiB.
  size_t in_bytes = 0;
  for (const Io& x : ins) in_bytes += static_cast<size_t>(x.numel * x.elem);
  const size_t per_batch = tc.m7 ? std::max<size_t>(1, (256u << 10) / std::max<size_t>(in_bytes, 1)) : std::max<size_t>(inputs.size(), 1);
  for (size_t first = 0; first < inputs.size(); first += per_batch) {
    const size_t count = std::min(per_batch, inputs.size() - first);
    write_text(dir + "/qgd_main.c", driver_source(s, inputs, first, count, tc.m7, o.dump_layers));
    std::string build_cmd, run_cmd;
    if (tc.m7) {
      const std::string elf = dir + "/prog.elf";
      build_cmd = "QG_M7_CC=" + sq(tc.cc) + " bash " + sq(board + "/build-elf.sh") + " " + sq(elf) + " " + sq(dir + "/qgd_main.c") + package +
                  " -- -std=c99 " + extra + " " + o.cflags + " -Wl,--defsym=__flash_size=4M -Wl,--defsym=__ram_size=4M";
      run_cmd = "bash " + sq(board + "/run-qemu.sh") + " " + sq(elf);
    } else {
      // One file per model input (a sample holds them back to back in model order).
      std::string in_args;
      size_t at = 0;
      for (size_t j = 0; j < ins.size(); ++j) {
        std::string in_file;
        for (size_t k = first; k < first + count; ++k)
          append_raw(in_file, &inputs[k][at], static_cast<size_t>(ins[j].numel), ins[j].elem);
        at += static_cast<size_t>(ins[j].numel);
        const std::string path = dir + "/inputs" + std::to_string(j) + ".bin";
        write_text(path, in_file);
        in_args += " " + sq(path);
      }
      const std::string prog = dir + "/prog";
      build_cmd = tc.cc + " " + tc.flags + " " + extra + " " + o.cflags + " " + sq(dir + "/qgd_main.c") + package + " -o " + sq(prog) + " -lm";
      run_cmd = (tc.runner.empty() ? "" : tc.runner + " ") + sq(prog) + in_args;
      // A modified template can loop forever: the same limit as the board's runner.
      if (have_tool("timeout")) {
        const char* t = std::getenv("QG_QEMU_TIMEOUT");
        run_cmd = "timeout " + sq(t && *t ? t : "300") + " " + run_cmd;
      }
    }
    const Shell b = shell(build_cmd);
    if (b.status != 0) {
      if (b.out.find("build without -ffast-math") != std::string::npos)
        user_error("", "--cflags", "the emitted header refuses these flags: they define __FAST_MATH__, which breaks bit-exactness; remove them");
      user_error("", "--target " + o.target,
                 "building the emitted code failed (" + first_word(tc.cc) + ", status " + std::to_string(b.status) + "):" + head_lines(b.out, 25));
    }
    Reader rd{g, r, out_parts, first, progress, false, ""};
    std::string other;
    const int st = run_streaming(run_cmd, dir + "/stderr.txt", rd, other);
    if (st != 0 || !rd.ended || !rd.errors.empty()) {
      std::string why = rd.errors + other + read_all(dir + "/stderr.txt");
      std::string what = "status " + std::to_string(st);
      if (st == 127 && tc.m7) what += " (qemu-system-arm not found)";
      if (st == 124) what += " (timed out; QG_QEMU_TIMEOUT sets the limit)";
      if (st > 128) what += " (killed by signal " + std::to_string(st - 128) + (st - 128 == 4 ? ": illegal instruction, e.g. AVX2 code on a CPU without it" : "") + ")";
      if (st == 3 && tc.m7) what += " (a fault on the board)";
      user_error("", "--target " + o.target, "the program built from the emitted code failed: " + what + head_lines(why, 15));
    }
  }
  for (size_t k = 0; k < inputs.size(); ++k) {
    // Something else writing to stdout (e.g. a modified template's printf) can garble the records.
    for (size_t j = 0; j < outs.size(); ++j) {
      if (out_parts[k][j].size() != static_cast<size_t>(outs[j].numel))
        user_error("", "--target " + o.target, "the program's report lacks output " + std::to_string(j) + " of input " + std::to_string(k) +
                                                   " (garbled standard output?)");
      r.outputs[k].insert(r.outputs[k].end(), out_parts[k][j].begin(), out_parts[k][j].end());
    }
    for (size_t i = 0; o.dump_layers && i < g.nodes.size(); ++i)
      if (const ir::Tensor& t = g.tensor(g.nodes[i].output);
          r.layers[k][i].size() != (output_not_stored(s, i) ? 0 : static_cast<size_t>(t.pack.on() ? t.bytes() / 4 : t.numel())))
        user_error("", "--target " + o.target, "the program's report lacks layer " + std::to_string(i + 1) + " of input " + std::to_string(k) +
                                                   " (garbled standard output?)");
  }
  return r;
}

}  // namespace qg::driver
