#include "ir/printer.h"

#include <sstream>
#include <string>

#include "ir/diag.h"
#include "ir/op_table.h"

namespace qg::ir {

static std::string tname(const Graph& g, int t) { return "%" + printable_name(g.tensor(t).name); }

std::string print_graph(const Graph& g) {
  std::ostringstream os;
  os << "graph " << printable_name(g.name) << " layout=" << layout_name(g.layout) << " (shapes internal HWC)\n";
  for (int t : g.inputs()) os << "  input " << tname(g, t) << " " << shape_str(g.tensor(t).shape) << "\n";
  for (const Node& n : g.nodes) {
    const OpInfo& info = op_info(n.op);
    os << "  " << tname(g, n.output) << " = " << info.name << "(";
    for (size_t i = 0; i < n.inputs.size(); ++i) os << (i ? ", " : "") << tname(g, n.inputs[i]);
    os << ") : " << shape_str(g.out(n).shape);
    if (info.attrs & kAttrWindow) {
      const Window& w = n.attrs.win;
      os << " k=" << w.kh << "x" << w.kw << " s=" << w.sh << "x" << w.sw << " p=" << w.pt << "," << w.pl << "," << w.pb
         << "," << w.pr;
      if (w.dh != 1 || w.dw != 1) os << " d=" << w.dh << "x" << w.dw;
    }
    if (n.attrs.groups != 1) os << " groups=" << n.attrs.groups;
    if (info.attrs & kAttrAxis) os << " axis=" << n.attrs.axis;
    if (info.attrs & kAttrRange) os << " range=" << n.attrs.begin << ":" << n.attrs.end;
    if (n.act != Activation::None) os << " act=" << activation_name(n.act);
    const Tensor& ot = g.out(n);
    if (ot.dtype == DType::I8) os << (ot.q.bits == 8 ? std::string(" i8") : ot.q.bits == 16 ? std::string(" i16") : " u" + std::to_string(ot.q.bits) + "packed") << "(scale=" << ot.q.scale << ", zp=" << ot.q.zero_point << ")";
    if (ot.pack.on()) os << " stored=" << (ot.pack.lqi ? "lqi" : "lq") << "-packed(a" << ot.pack.a_bits << ", r" << ot.pack.region << ")";
    if (n.il) {
      os << " q=int8 w" << n.il->w_bits << "/channel a" << g.out(n).q.bits << "/tensor macs=" << node_macs(g, n) << "\n";
      continue;
    }
    if (info.quantizable) {
      if (n.quant.scheme == Scheme::Float) {
        os << " q=float";
      } else {
        os << " q=lq w" << n.quant.w_bits << "/" << region_name(n.quant.w_region) << " a" << n.quant.a_bits << "/"
           << region_name(n.quant.a_region);
      }
      if (n.lq) os << " segments=" << n.lq->segments() << " acc=" << (n.lq->acc64 ? "i64" : "i32");
      if (n.lq && n.lq->lut_g) os << " kernel=lut g=" << n.lq->lut_g << " groups=" << n.lq->lut_groups();
      os << " macs=" << node_macs(g, n);
    }
    os << "\n";
  }
  for (int t : g.outputs()) os << "  output " << tname(g, t) << "\n";
  return os.str();
}

}  // namespace qg::ir
