#include "differential/harness.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "interp/interp.h"
#include "ir/diag.h"
#include "support/cbuild.h"

namespace qgt {

std::vector<Toolchain> default_toolchains() { return {{"gcc", "-O0"}, {"gcc", "-O2"}, {"clang", "-O0"}, {"clang", "-O2"}}; }

std::vector<DiffModel> random_models(uint64_t first, int count, const std::string& scheme, const std::string& prefix, int inputs,
                                     const std::function<void(int k, RandomNetOptions&)>& tweak) {
  QG_CHECK(scheme == "int8" || scheme == "lq" || scheme == "float", "random_models: unknown scheme " + scheme);
  std::vector<DiffModel> models;
  for (int k = 0; k < count; ++k) {
    const uint64_t seed = first + static_cast<uint64_t>(k);
    RandomNetOptions opt;
    opt.quantized = scheme == "lq";
    if (tweak) tweak(k, opt);
    const RandomNet rn = random_net(seed, opt);
    DiffModel m;
    m.net_json = rn.net_json;
    m.prefix = prefix + std::to_string(seed);
    m.label = (scheme == "lq" ? std::string("LQ/DQ") : scheme) + " net seed " + std::to_string(seed);
    if (scheme == "int8") {
      const int wb[3] = {8, 4, 2};
      m.quant_json = "{\"default\": {\"scheme\": \"int8\", \"w_bits\": " + std::to_string(wb[seed % 3]) + "}}";
      for (int c = 0; c < 8; ++c) m.calibration.push_back(random_input(seed * 31 + static_cast<uint64_t>(c), rn.input_size, c % 2 ? 0 : 3));
    } else if (scheme == "lq") {
      m.quant_json = rn.quant_json;
    }
    for (int kind = 0; kind < inputs; ++kind) m.inputs.push_back(random_input(seed * 7 + static_cast<uint64_t>(kind), rn.input_size, kind));
    models.push_back(std::move(m));
  }
  return models;
}

DiffModel file_model(const std::string& dir, const std::string& file, const std::string& prefix, bool int8,
                     const std::string& quant_json, size_t size, int count, Rng& r) {
  DiffModel m;
  m.model_file = dir + "/" + file;
  m.prefix = prefix;
  m.label = file + (quant_json.empty() ? "" : " " + quant_json);
  m.quant_json = quant_json;
  for (int k = 0; k < count; ++k) {
    std::vector<float> in(size);
    for (float& v : in) v = int8 ? static_cast<float>(r.uniform(-128, 127)) : r.sym(2.0f);
    m.inputs.push_back(in);
  }
  return m;
}

std::vector<Toolchain> m7_toolchains() { return {{"arm-none-eabi-gcc", "-O2", "cortex-m7"}, {"gcc", "-O2", "cortex-m7"}}; }

namespace {

bool is_m7(const Toolchain& tc) { return tc.cc.find("arm-none-eabi") != std::string::npos; }

template <class T>
void c_array(std::ostringstream& os, const char* type, const std::string& name, const std::vector<T>& v) {
  os << "static const " << type << " " << name << "[" << std::max<size_t>(v.size(), 1) << "] = {";
  for (size_t i = 0; i < v.size(); ++i) os << (i % 16 ? "" : "\n") << +v[i] << ",";
  os << "};\n";
}

// A firmware main for the Cortex-M7 board: inputs and the interpreter's
// outputs are constants; every output is compared bit for bit on the target.
std::string m7_main(const std::vector<DiffModel>& models, const std::vector<std::string>& prefixes,
                    const std::vector<std::string>& in_types, const std::vector<std::string>& out_types,
                    const std::vector<std::vector<std::vector<float>>>& expected, const std::vector<int64_t>& arenas) {
  std::ostringstream os;
  os << "#include <stdint.h>\n#include <string.h>\n#include \"board.h\"\n";
  for (size_t m = 0; m < models.size(); ++m) os << "#include \"m" << m << "/out/" << prefixes[m] << ".h\"\n";
  os << "static uint32_t f32_bits(float f) __attribute__((unused));\nstatic uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }\n";
  os << "static void mismatch(int m, int k, long i, uint32_t got, uint32_t want) {\n"
        "  qg_board_puts(\"qg-diff: MISMATCH \"); qg_board_put_i64(m); qg_board_puts(\" \"); qg_board_put_i64(k);\n"
        "  qg_board_puts(\" \"); qg_board_put_i64(i); qg_board_puts(\" \"); qg_board_put_hex32(got);\n"
        "  qg_board_puts(\" \"); qg_board_put_hex32(want); qg_board_puts(\"\\n\");\n}\n";
  const int64_t arena_max = *std::max_element(arenas.begin(), arenas.end());
  for (size_t m = 0; m < models.size(); ++m) {
    std::string U = prefixes[m];
    for (char& c : U) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    os << "typedef char arena_fits" << m << "[(" << U << "_ARENA_BYTES <= " << arena_max << ") ? 1 : -1];\n";
    std::vector<float> in_all;
    for (const auto& in : models[m].inputs) in_all.insert(in_all.end(), in.begin(), in.end());
    const bool in_int = in_types[m] != "float", out_int = out_types[m] != "float";  // int8_t / int16_t codes
    if (in_int) {
      std::vector<int> v(in_all.begin(), in_all.end());
      c_array(os, in_types[m].c_str(), "in" + std::to_string(m), v);
    } else {
      std::vector<uint32_t> v;
      for (float f : in_all) { uint32_t u; std::memcpy(&u, &f, 4); v.push_back(u); }
      os << "static const union { uint32_t u[" << std::max<size_t>(v.size(), 1) << "]; float f[" << std::max<size_t>(v.size(), 1)
         << "]; } in" << m << "_u = {{";
      for (size_t i = 0; i < v.size(); ++i) os << (i % 8 ? "" : "\n") << v[i] << "u,";
      os << "}};\n#define in" << m << " in" << m << "_u.f\n";
    }
    std::vector<uint32_t> want;
    for (const auto& e : expected[m])
      for (float f : e) {
        if (out_int) {
          want.push_back(static_cast<uint32_t>(static_cast<int32_t>(f)));
        } else {
          uint32_t u;
          std::memcpy(&u, &f, 4);
          want.push_back(u);
        }
      }
    c_array(os, "uint32_t", "want" + std::to_string(m), want);
  }
  os << "#define ARENA_MAX " << arena_max << "\n";
  os << "static unsigned char arena[ARENA_MAX + 64] __attribute__((aligned(16)));\n";
  os << "int main(void) {\n  long i;\n  int k;\n";
  for (size_t m = 0; m < models.size(); ++m) {
    std::string P = prefixes[m], U = P;
    for (char& c : U) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const bool out_int = out_types[m] != "float";
    os << "  for (k = 0; k < " << models[m].inputs.size() << "; ++k) {\n"
       << "    static " << out_types[m] << " out[" << U << "_OUTPUT_SIZE];\n"
       << "    uint32_t n;\n"
       << "    memset(arena, 0xA5 ^ k, sizeof arena);\n"
       << "    qg_icount_start();\n"
       << "    if (" << P << "_run(in" << m << " + k * " << U << "_INPUT_SIZE, out, arena) != " << U << "_OK) return 11;\n"
       << "    n = qg_icount_stop();\n"
       << "    for (i = " << U << "_ARENA_BYTES; i < (long)sizeof arena; ++i) if (arena[i] != (unsigned char)(0xA5 ^ k)) return 12;\n"
       << "    for (i = 0; i < " << U << "_OUTPUT_SIZE; ++i) {\n"
       << "      const uint32_t got = " << (out_int ? "(uint32_t)(int32_t)out[i]" : "f32_bits(out[i])") << ";\n"
       << "      if (got != want" << m << "[k * " << U << "_OUTPUT_SIZE + i]) { mismatch(" << m << ", k, i, got, want" << m
       << "[k * " << U << "_OUTPUT_SIZE + i]); return 1; }\n"
       << "    }\n"
       << "    qg_board_puts(\"qg-diff: ok " << m << " \"); qg_board_put_u64(n); qg_board_puts(\" instructions\\n\");\n"
       << "  }\n"
       << "  if (" << P << "_run(in" << m << ", (" << out_types[m] << " *)arena, 0) != " << U << "_ERR_NULL) return 14;\n"
       << "  if (" << P << "_run(in" << m << ", (" << out_types[m] << " *)(arena + 32), arena + 4) != " << U << "_ERR_ALIGN) return 15;\n";
  }
  os << "  qg_board_puts(\"qg-diff: all ok\\n\");\n  return 0;\n}\n";
  return os.str();
}


// Every file of an emitted package that goes on the link line.
std::string package_files(const std::string& out_dir, int* objects) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(out_dir)) {
    const std::string ext = e.path().extension().string();
    if (ext == ".c" || ext == ".o" || ext == ".a") files.push_back(e.path().string());
    if ((ext == ".o" || ext == ".a") && objects) ++*objects;
  }
  std::sort(files.begin(), files.end());
  std::string r;
  for (const auto& f : files) r += " '" + f + "'";
  return r;
}

std::string run_one_target(const std::vector<DiffModel>& models, const std::vector<Toolchain>& toolchains, const std::string& tag,
                           const ExtraCheck& extra, int* objects) {
  const std::string dir = make_temp_dir(tag);
  const std::string target = toolchains.front().target, features = toolchains.front().features;
  std::vector<std::vector<std::vector<float>>> expected(models.size());
  std::vector<std::string> prefixes;
  std::vector<int64_t> in_sizes, out_sizes, arenas;
  std::vector<std::string> in_types, out_types;
  std::ostringstream main_c;
  main_c << "#include <stdint.h>\n#include <stdio.h>\n#include <string.h>\n";
  for (size_t m = 0; m < models.size(); ++m) {
    const DiffModel& md = models[m];
    const std::string mdir = dir + "/m" + std::to_string(m);
    run_cmd("mkdir -p '" + mdir + "'");
    qg::driver::PipelineState s;
    try {
      std::string qpath;
      if (!md.model_file.empty() && !md.quant_json.empty()) write_file(qpath = mdir + "/quant.json", md.quant_json);
      s = md.model_file.empty() ? compile_model(mdir, md.net_json, md.quant_json, md.prefix, md.calibration, target, features)
                                : compile_model_file(mdir, md.model_file, md.prefix, target, features, qpath, md.calibration);
    } catch (const std::exception& e) {
      return md.label + ": qgen failed: " + e.what() + " (files in " + mdir + ")";
    }
    const qg::ir::Graph& g = s.graph;
    in_sizes.push_back(g.tensor(g.input).numel());
    arenas.push_back(std::max<int64_t>(s.plan->arena_bytes, 16));
    out_sizes.push_back(g.tensor(g.output).numel());
    // int8 codes, int16 codes (16x8 models) or float, as the emitted API declares them
    auto c_type = [](const qg::ir::Tensor& t) { return t.dtype != qg::ir::DType::I8 ? "float" : t.i16() ? "int16_t" : "int8_t"; };
    in_types.push_back(c_type(g.tensor(g.input)));
    out_types.push_back(c_type(g.tensor(g.output)));
    std::vector<float> all;
    for (const auto& in : md.inputs) {
      all.insert(all.end(), in.begin(), in.end());
      expected[m].push_back(qg::interp::run(g, in));
    }
    write_floats(mdir + "/in.f32", all);
    main_c << "#include \"m" << m << "/out/" << s.emitted->prefix << ".h\"\n";
    prefixes.push_back(s.emitted->prefix);
  }
  main_c << "static int run_all(const char *dir, const char *tag) {\n  char path[4096];\n  FILE *f;\n  long i, k;\n";
  for (size_t m = 0; m < models.size(); ++m) {
    std::string P = prefixes[m], U = P;
    for (char& c : U) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const size_t n = models[m].inputs.size();
    main_c << "  {\n"
           << "    static float in[" << n * static_cast<size_t>(in_sizes[m]) << "], out[" << n * static_cast<size_t>(out_sizes[m]) << "];\n"
           << "    static " << in_types[m] << " in_t[" << n * static_cast<size_t>(in_sizes[m]) << "];\n"
           << "    static " << out_types[m] << " out_t[" << n * static_cast<size_t>(out_sizes[m]) << "];\n"
           << "    static unsigned char arena[" << U << "_ARENA_BYTES + 64] __attribute__((aligned(16)));\n"
           << "    snprintf(path, sizeof path, \"%s/m" << m << "/in.f32\", dir);\n"
           << "    f = fopen(path, \"rb\");\n"
           << "    if (!f || fread(in, sizeof(float), " << n * static_cast<size_t>(in_sizes[m]) << ", f) != "
           << n * static_cast<size_t>(in_sizes[m]) << ") return 10;\n    fclose(f);\n"
           << "    for (i = 0; i < " << n * static_cast<size_t>(in_sizes[m]) << "; ++i) in_t[i] = (" << in_types[m] << ")in[i];\n"
           << "    for (k = 0; k < " << n << "; ++k) {\n"
           << "      memset(arena, 0xA5 ^ (int)k, sizeof arena);\n"
           << "      if (" << P << "_run(in_t + k * " << in_sizes[m] << ", out_t + k * " << out_sizes[m] << ", arena) != " << U
           << "_OK) return 11;\n"
           << "      for (i = " << U << "_ARENA_BYTES; i < (long)sizeof arena; ++i) if (arena[i] != (unsigned char)(0xA5 ^ (int)k)) return 12;\n"
           << "    }\n"
           << "    for (i = 0; i < " << n * static_cast<size_t>(out_sizes[m]) << "; ++i) out[i] = (float)out_t[i];\n"
           << "    snprintf(path, sizeof path, \"%s/m" << m << "/out_%s.f32\", dir, tag);\n"
           << "    f = fopen(path, \"wb\");\n"
           << "    if (!f || fwrite(out, sizeof(float), " << n * static_cast<size_t>(out_sizes[m]) << ", f) != "
           << n * static_cast<size_t>(out_sizes[m]) << ") return 13;\n    fclose(f);\n"
           << "    if (" << P << "_run(in_t, out_t, 0) != " << U << "_ERR_NULL) return 14;\n"
           << "    if (" << P << "_run(in_t, out_t, arena + 4) != " << U << "_ERR_ALIGN) return 15;\n"
           << "  }\n";
  }
  main_c << "  return 0;\n}\nint main(int argc, char **argv) { return argc < 3 ? 2 : run_all(argv[1], argv[2]); }\n";
  write_file(dir + "/main.c", main_c.str());

  std::string sources = dir + "/main.c";
  for (size_t m = 0; m < models.size(); ++m) sources += package_files(dir + "/m" + std::to_string(m) + "/out", objects);
  // Models whose weights exceed the C-array threshold get blob weights, which
  // the assembler pulls in from the package folder (-Wa,-I, as the emitted
  // <prefix>_weights.c says).
  std::string asm_inc;
  for (size_t m = 0; m < models.size(); ++m) asm_inc += " -Wa,-I'" + dir + "/m" + std::to_string(m) + "/out'";
  for (const Toolchain& tc : toolchains) {
    if (!have_tool(tc.cc)) return "compiler '" + tc.cc + "' not found (install it: see README)";
    if (is_m7(tc)) {
      // Cortex-M7 firmware under QEMU: the comparison runs on the target.
      const std::string board = std::string(QGEN_SOURCE_DIR) + "/targets/cortex-m7";
      if (!have_tool("qemu-system-arm")) return "qemu-system-arm not found (install it: see README)";
      write_file(dir + "/main_m7.c", m7_main(models, prefixes, in_types, out_types, expected, arenas));
      std::string m7_sources = dir + "/main_m7.c";
      for (size_t m = 0; m < models.size(); ++m)
        m7_sources += " '" + dir + "/m" + std::to_string(m) + "/out/" + prefixes[m] + ".c' '" + dir + "/m" + std::to_string(m) + "/out/" +
                      prefixes[m] + "_weights.c'";
      const std::string elf = dir + "/prog_m7.elf";
      CmdResult b = run_cmd("QG_M7_CC='" + tc.cc + "' bash '" + board + "/build-elf.sh' '" + elf + "' " + m7_sources + " -- " + tc.flags + asm_inc +
                            " -std=c99 -I'" + dir + "' -Wl,--defsym=__flash_size=4M -Wl,--defsym=__ram_size=4M");
      if (b.status != 0) return "cortex-m7: build failed (files in " + dir + "):\n" + b.output.substr(0, 4000);
      CmdResult r = run_cmd("bash '" + board + "/run-qemu.sh' '" + elf + "'");
      if (r.status != 0 || r.output.find("qg-diff: all ok") == std::string::npos) {
        std::string detail = r.output.substr(0, 2000);
        const size_t at = r.output.find("qg-diff: MISMATCH ");
        if (at != std::string::npos) {
          std::istringstream is(r.output.substr(at + 18));
          size_t m = 0;
          long k = 0, i = 0;
          std::string got, want;
          is >> m >> k >> i >> got >> want;
          if (m < models.size())
            detail = models[m].label + " input " + std::to_string(k) + ": output element " + std::to_string(i) + " differs: target bits " +
                     got + " vs interpreter " + want;
        }
        return "cortex-m7 (qemu, " + tc.flags + "): status " + std::to_string(r.status) + ": " + detail + " (files in " + dir + ")";
      }
      continue;
    }
    if (!tc.runner.empty() && !have_tool(tc.runner.substr(0, tc.runner.find(' '))))
      return "runner '" + tc.runner + "' not found (install it: see README)";
    const std::string ttag = tc.target + tc.features + "_" + tc.cc + tc.flags;
    const std::string bin = dir + "/prog_" + ttag;
    CmdResult b = run_cmd(tc.cc + " -std=c99 -Wall -Wextra -Werror -ffp-contract=off " + tc.flags + asm_inc + " -I'" + dir + "' " + sources +
                          " -o '" + bin + "' -lm");
    if (b.status != 0) return ttag + ": build failed (files in " + dir + "):\n" + b.output.substr(0, 4000);
    CmdResult r = run_cmd(tc.runner + (tc.runner.empty() ? "" : " ") + "'" + bin + "' '" + dir + "' '" + ttag + "'");
    if (r.status != 0) return ttag + ": program failed with status " + std::to_string(r.status) + " (files in " + dir + ")\n" + r.output;
    for (size_t m = 0; m < models.size(); ++m) {
      std::vector<float> got = read_floats(dir + "/m" + std::to_string(m) + "/out_" + ttag + ".f32");
      for (size_t k = 0; k < models[m].inputs.size(); ++k) {
        std::vector<float> part(got.begin() + static_cast<long>(k * static_cast<size_t>(out_sizes[m])),
                                got.begin() + static_cast<long>((k + 1) * static_cast<size_t>(out_sizes[m])));
        if (extra) {
          const std::string e = extra(m, k, part);
          if (!e.empty()) return ttag + ": " + models[m].label + " input " + std::to_string(k) + ": " + e + " (files in " + dir + ")";
        }
        long d = first_difference(part, expected[m][k]);
        if (d >= 0) {
          std::ostringstream os;
          os.precision(9);
          os << ttag << ": " << models[m].label << " input " << k << ": output element " << d << " differs: C " << part[static_cast<size_t>(d)]
             << " vs interpreter " << expected[m][k][static_cast<size_t>(d)] << " (files in " << dir << "/m" << m << ")";
          return os.str();
        }
      }
    }
  }
  remove_dir(dir);
  return "";
}

}  // namespace

std::string run_differential(const std::vector<DiffModel>& models, const std::vector<Toolchain>& toolchains, const std::string& tag,
                             const ExtraCheck& extra, int* objects) {
  // One build directory per (target, features), in the order they first appear.
  std::vector<std::vector<Toolchain>> groups;
  for (const Toolchain& tc : toolchains) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& gr) { return gr.front().target == tc.target && gr.front().features == tc.features; });
    if (it == groups.end()) groups.push_back({tc});
    else it->push_back(tc);
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    const std::string err = run_one_target(models, groups[i], groups.size() > 1 ? tag + "_" + std::to_string(i) : tag, extra, objects);
    if (!err.empty()) return err;
  }
  return "";
}

}  // namespace qgt
