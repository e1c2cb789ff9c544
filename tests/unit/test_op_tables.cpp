// Every per-op table has a row for every op, and the rows agree with the op
// table's capabilities (compiler/ir/op_table.h). Adding an ir::Op without a
// row somewhere makes one of these fail.
//
// Covered: ir::op_info (capabilities), the interpreter's kernel table
// (interp::kernels_for), quant/int8.cpp's int8 parameter table
// (quant::has_int8_params), the net.json reader / writer (every net.json op
// round-trips), and the random net generator of the differential suite (it
// produces every net.json op). The emitter's table is in compiler/codegen and
// is checked by the codegen tests.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "frontend/netjson.h"
#include "frontend/netjson_writer.h"
#include "interp/kernels.h"
#include "ir/op_table.h"
#include "ir/printer.h"
#include "quant/int8.h"
#include "support/random_net.h"

using namespace qg;

namespace {

std::vector<ir::Op> all_ops() {
  std::vector<ir::Op> r;
  for (size_t i = 0; i < static_cast<size_t>(ir::Op::kCount); ++i) r.push_back(static_cast<ir::Op>(i));
  return r;
}

}  // namespace

TEST_CASE("op table: a consistent row for every op", "[ir][tables]") {
  for (ir::Op op : all_ops()) {
    INFO("op #" << static_cast<int>(op));
    const ir::OpInfo& info = ir::op_info(op);  // QG_CHECKs the row's position
    REQUIRE(info.name != nullptr);
    INFO(info.name);
    CHECK(info.op == op);
    CHECK(info.infer != nullptr);
    // Linear ops: geometry, MACs, a precision choice and weights come together.
    const bool linear = info.geom != nullptr;
    CHECK(info.quantizable == linear);
    CHECK((info.macs != nullptr) == linear);
    CHECK((info.int8 == ir::Int8Rule::Linear) == linear);
    CHECK((!linear || info.param_form == ir::ParamForm::ConvOIHW || info.param_form == ir::ParamForm::Matrix));
    CHECK(info.params.empty() == (info.param_form == ir::ParamForm::None));
    CHECK((!info.fused_act || linear));
    CHECK((!info.int8_single_rounding || info.int8 == ir::Int8Rule::Linear));
    // A fixed int8 output quantization is given exactly when the rule needs it.
    CHECK((info.int8_out.scale > 0.0f) == (info.int8 == ir::Int8Rule::FixedQuant || info.int8 == ir::Int8Rule::Table));
    // A table op names the function its int8 table samples, and only a table op does.
    CHECK((info.int8_table != nullptr) == (info.int8 == ir::Int8Rule::Table));
    // In-place bits name existing inputs.
    const int max_in = info.max_inputs < 0 ? 32 : info.max_inputs;
    CHECK((uint64_t{info.in_place} >> max_in) == 0u);  // 64-bit: max_in may be 32
    CHECK((!info.relayout || info.in_place != 0u));
    if (info.activation != ir::Activation::None) {
      CHECK(ir::activation_op(info.activation) == op);
      CHECK(info.in_place == 1u);
    }
    // Quantize / dequantize exist only inside qgen.
    if (info.int8 == ir::Int8Rule::Quantize || info.int8 == ir::Int8Rule::Dequantize) CHECK(info.internal);
  }
  // Every fused activation has its op.
  for (ir::Activation a : {ir::Activation::Relu, ir::Activation::Relu6})
    CHECK(ir::op_info(ir::activation_op(a)).activation == a);
}

TEST_CASE("interpreter kernel table: a row for every op, kernels where the op table says", "[interp][tables]") {
  for (ir::Op op : all_ops()) {
    const ir::OpInfo& info = ir::op_info(op);
    INFO(info.name);
    const interp::OpKernels& k = interp::kernels_for(op);  // QG_CHECKs the row's position
    CHECK(k.op == op);
    CHECK((k.f32 != nullptr) == ir::float_output(info));
    CHECK((k.i8 != nullptr) == ir::int8_output(info));
  }
}

TEST_CASE("int8 parameter table: a row for exactly the ops whose int8 rule needs one", "[quant][tables]") {
  for (ir::Op op : all_ops()) {
    const ir::OpInfo& info = ir::op_info(op);
    INFO(info.name);
    const bool needs = info.int8 == ir::Int8Rule::Requantize || info.int8 == ir::Int8Rule::FixedQuant;
    CHECK(quant::has_int8_params(op) == needs);
  }
}

TEST_CASE("net.json: every net.json op is generated, read, written and read back the same", "[frontend][tables]") {
  std::set<std::string> want;
  for (ir::Op op : all_ops())
    if (!ir::op_info(op).internal) want.insert(ir::op_info(op).name);
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "qgen_test_op_tables";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::set<std::string> seen;
  for (uint64_t seed = 1; seed <= 200 && seen != want; ++seed) {
    INFO("random net seed " << seed);
    qgt::RandomNetOptions opt;
    opt.quantized = false;
    const qgt::RandomNet rn = qgt::random_net(seed, opt);
    const ir::Graph a = frontend::parse_netjson(rn.net_json, "random.json", dir.string());
    bool fresh = false;
    for (const ir::Node& n : a.nodes) fresh = seen.insert(ir::op_info(n.op).name).second || fresh;
    if (!fresh) continue;
    const std::string json_path = (dir / ("net" + std::to_string(seed) + ".json")).string();
    frontend::write_netjson(a, json_path);
    const ir::Graph b = frontend::load_netjson(json_path);
    CHECK(ir::print_graph(b) == ir::print_graph(a));
    REQUIRE(a.nodes.size() == b.nodes.size());
    for (size_t i = 0; i < a.nodes.size(); ++i) {
      INFO("node " << a.nodes[i].name);
      CHECK(a.nodes[i].attrs.win.sh == b.nodes[i].attrs.win.sh);
      CHECK(a.nodes[i].attrs.count_include_pad == b.nodes[i].attrs.count_include_pad);
      CHECK(a.nodes[i].attrs.target_shape == b.nodes[i].attrs.target_shape);
      CHECK(a.nodes[i].weight.shape == b.nodes[i].weight.shape);
      CHECK(a.nodes[i].weight.data == b.nodes[i].weight.data);
      CHECK(a.nodes[i].bias.data == b.nodes[i].bias.data);
    }
  }
  std::filesystem::remove_all(dir);
  // An op missing here has no case in tests/support/random_net.cpp.
  CHECK(seen == want);
}
