#include "differential/harness.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "interp/interp.h"
#include "ir/diag.h"
#include "support/cbuild.h"

namespace qgt {

std::vector<Toolchain> default_toolchains() { return {{"gcc", "-O0"}, {"gcc", "-O2"}, {"clang", "-O0"}, {"clang", "-O2"}}; }

namespace {

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
  std::vector<int64_t> in_sizes, out_sizes;
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
    out_sizes.push_back(g.tensor(g.output).numel());
    in_types.push_back(g.tensor(g.input).dtype == qg::ir::DType::I8 ? "int8_t" : "float");
    out_types.push_back(g.tensor(g.output).dtype == qg::ir::DType::I8 ? "int8_t" : "float");
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
  for (const Toolchain& tc : toolchains) {
    if (!have_tool(tc.cc)) return "compiler '" + tc.cc + "' not found (install it: see README)";
    if (!tc.runner.empty() && !have_tool(tc.runner.substr(0, tc.runner.find(' '))))
      return "runner '" + tc.runner + "' not found (install it: see README)";
    const std::string ttag = tc.target + tc.features + "_" + tc.cc + tc.flags;
    const std::string bin = dir + "/prog_" + ttag;
    CmdResult b = run_cmd(tc.cc + " -std=c99 -Wall -Wextra -Werror -ffp-contract=off " + tc.flags + " -I'" + dir + "' " + sources +
                          " -o '" + bin + "' -lm");
    if (b.status != 0) return ttag + ": build failed (files in " + dir + "):\n" + b.output.substr(0, 4000);
    CmdResult r = run_cmd(tc.runner + (tc.runner.empty() ? "" : " ") + "'" + bin + "' '" + dir + "' " + ttag);
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
