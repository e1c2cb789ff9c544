"""hls4ml on the same trained fmnist_cnn, for bench/hls/run (docs/hls.md "hls4ml").

    PYTHON bench/hls/hls4ml_peer.py WORK_DIR [N]

PYTHON: a Python with hls4ml (PyPI) and torch (Debian's python3-torch 1.13
works: bench/hls/run makes a venv with --system-site-packages), numpy, onnx.
WORK_DIR: the directory bench/hls/fmnist.sh filled (test.f32, labels.bin,
fmnist_summary.json with qgen's designs); the hls4ml projects go below it.

1. Rebuilds the PyTorch module of examples/fashion-mnist/train.py (make_cnn)
   and loads the trained weights from fmnist_cnn.onnx (no retraining); checks
   its top-1 predictions on the N images against torch_reference.json.
2. For three precisions -- hls4ml's default ap_fixed<16,6> everywhere, one
   tuned precision (TUNED below, 8-bit weights) and a low-bit one (4-bit
   weights except the first and the last layer, LOWBIT below; left out with
   QGEN_HLS4ML_LOWBIT=0) -- converts it with hls4ml's
   PyTorch converter (Vivado backend, io_stream), runs its C simulation
   (hls_model.compile() builds the generated C++ with g++; predict()) on the
   same N test images (pixel / 255) and computes top-1.
3. Counts the multipliers hls4ml instantiates: the sum over conv / dense
   layers of the `multiplier_limit` of the generated firmware/parameters.h,
   DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor (n_in =
   filt_h * filt_w * n_chan for a conv), read from the written project:
     - hls4ml's default ReuseFactor 1 (every product of one output pixel in
       parallel), and
     - ReuseFactor = n_in per layer ("matched"): n_out multipliers per layer,
       one output pixel per n_in cycles -- the throughput of qgen's design
       with parallelism = output channels (fmnist.sh's *_pmax designs, P
       multipliers, one pixel per max(ceil(O/P)·K, O) cycles: the taps and
       the output stage are two processes, docs/hls.md "The output stage").
   A multiplier with both operands wider than 4 bits is counted as one DSP
   (qgen's rule, docs/hls.md "Which multiplier is a DSP"; the low-bit
   design's 4-bit-weight layers have none); that is the count compared with
   qgen's DSP estimate (report.json). The baseline is the hls4ml design with
   the fewest DSPs among those within 0.5 pt of hls4ml's best top-1 (qgen's
   designs are held to the same window); qgen's ratio to every hls4ml design
   is printed too.
   No synthesis is run: both sides are counts / estimates.

QGEN_HLS4ML_REUSE=1 reuses WORK_DIR/hls4ml_results.json (hls4ml's top-1 and
multiplier counts, written by an earlier run on the same images) and only
redoes the comparison with qgen's designs.

Prints lines and RESULT lines (see bench/hls/run).
"""
import importlib.util
import json
import math
import os
import re
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
EX = os.path.join(ROOT, "examples", "fashion-mnist")

# The tuned precision: 8-bit weights (|w| < 2 in every layer, checked below),
# 16-bit biases, 12-bit layer results, both rounded to nearest (AP_RND_CONV)
# and saturated, 24-bit accumulators; the input keeps the default
# ap_fixed<16,6>. Chosen among three tries on the same 1,000 images (weights
# <8,2> truncated + results <12,6,AP_RND>: 88.4 %; this: 91.3 %; weights
# <10,2> + results <14,6>, both AP_RND_CONV: 91.2 %).
TUNED = {"weight": "ap_fixed<8,2,AP_RND_CONV,AP_SAT>", "bias": "ap_fixed<16,6>",
         "result": "ap_fixed<12,6,AP_RND_CONV,AP_SAT>", "accum": "ap_fixed<24,10>"}

# The low-bit design (QGEN_HLS4ML_LOWBIT=0 leaves it out): the tuned precision
# with 4-bit weights, ap_fixed<4,I,AP_RND_CONV,AP_SAT>, except the first and the
# last layer (8-bit, as TUNED) -- the rule of qgen's int8_w4fl8_pmax design
# (bench/hls/fmnist.sh). Post-training, no retraining: per layer the integer
# bits I (a power-of-two scale per tensor, hls4ml's fixed point has no
# per-channel scale) are those of -4..3 with the least squared error of the
# rounded, saturated weights (lowbit_precision below).
LOWBIT_8BIT_LAYERS = ("conv1", "fc2")


def fixed_error(w, width, integer):
    """Squared error of w in ap_fixed<width, integer, AP_RND_CONV, AP_SAT> (round to nearest even, saturate)."""
    step = 2.0 ** (integer - width)
    lo, hi = -(2.0 ** (integer - 1)), 2.0 ** (integer - 1) - step
    q = np.clip(np.round(w / step) * step, lo, hi)
    return float(((q - w) ** 2).sum())


def lowbit_precision(model):
    """Per weighted layer: TUNED, with a 4-bit weight type outside LOWBIT_8BIT_LAYERS."""
    out = {}
    for name, mod in model.named_children():
        if not hasattr(mod, "weight"):
            continue
        p = dict(TUNED)
        if name not in LOWBIT_8BIT_LAYERS:
            w = mod.weight.detach().numpy().astype(np.float64)
            best = min(range(-4, 4), key=lambda i: fixed_error(w, 4, i))
            p["weight"] = "ap_fixed<4,%d,AP_RND_CONV,AP_SAT>" % best
        out[name] = p
    return out


def load_model():
    import onnx
    from onnx import numpy_helper
    import torch
    spec = importlib.util.spec_from_file_location("fmnist_train", os.path.join(EX, "train.py"))
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    model = train.make_cnn()
    inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(os.path.join(EX, "fmnist_cnn.onnx")).graph.initializer}
    sd = model.state_dict()
    missing = sorted(set(sd) - set(inits))
    if missing:
        sys.exit("hls4ml_peer: fmnist_cnn.onnx lacks initializers " + ", ".join(missing))
    model.load_state_dict({k: torch.from_numpy(np.array(inits[k])) for k in sd})
    model.eval()
    return model


def multipliers(project):
    """Sum of multiplier_limit over conv2d / dense configs of the project's parameters.h."""
    text = open(os.path.join(project, "firmware", "parameters.h")).read()
    total, layers, cycles = 0, [], 0
    for m in re.finditer(r"struct (config\d+) : nnet::(conv2d_config|dense_config) \{(.*?)\n\};", text, re.S):
        name, kind, body = m.group(1), m.group(2), m.group(3)
        f = {k: int(v) for k, v in re.findall(r"static const unsigned (\w+) = (\d+);", body)}
        if kind == "conv2d_config":
            n_in = f["filt_height"] * f["filt_width"] * f["n_chan"]
            n_out = f["n_filt"]
        else:
            n_in, n_out = f["n_in"], f["n_out"]
        rf, nz = f["reuse_factor"], f["n_zeros"]
        cycles += rf * (f["out_height"] * f["out_width"] if kind == "conv2d_config" else 1)
        mult = -(-n_in * n_out // rf) - nz // rf
        layers.append((name, n_in, n_out, rf, mult))
        total += mult
    if not layers:
        sys.exit("hls4ml_peer: no conv2d / dense config in " + project)
    return total, layers, cycles


def convert(model, tag, precision, matched_rf, outdir):
    """precision: None (hls4ml's default), or per weighted layer name its precision dict."""
    import hls4ml
    cfg = hls4ml.utils.config_from_pytorch_model(model, (1, 28, 28), granularity="name", backend="Vivado",
                                                 default_precision="ap_fixed<16,6>", default_reuse_factor=1)
    for name, lc in cfg["LayerName"].items():
        mod = dict(model.named_children()).get(name)
        if precision is not None and hasattr(mod, "weight"):
            lc["Precision"] = dict(precision[name])
        elif precision is not None and name != "image" and isinstance(lc.get("Precision"), dict):
            lc["Precision"]["result"] = TUNED["result"]
        if matched_rf and hasattr(mod, "weight"):
            w = mod.weight
            lc["ReuseFactor"] = int(np.prod(w.shape[1:]))  # n_in: kh*kw*C (conv) or in_features (dense)
    return hls4ml.converters.convert_from_pytorch_model(model, hls_config=cfg, output_dir=outdir, backend="Vivado",
                                                        io_type="io_stream", project_name="fmnist_cnn_" + tag)


def main():
    work = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    import torch
    torch.set_num_threads(1)
    model = load_model()
    x = np.frombuffer(open(os.path.join(work, "test.f32"), "rb").read(), dtype="<f4")[: n * 784].reshape(n, 1, 28, 28)
    labels = np.frombuffer(open(os.path.join(work, "labels.bin"), "rb").read()[:n], dtype=np.uint8)
    with torch.no_grad():
        tp = model(torch.from_numpy(x.copy())).argmax(1).numpy()
    ref = json.load(open(os.path.join(EX, "torch_reference.json")))["models"]["fmnist_cnn"]["top1_predictions"][:n]
    differ = sum(int(a) != int(b) for a, b in zip(tp, ref))
    print("hls4ml peer: PyTorch fmnist_cnn rebuilt from fmnist_cnn.onnx: top-1 %.2f %% on %d images, "
          "%d predictions differ from torch_reference.json" % (100.0 * (tp == labels).sum() / n, n, differ))
    if differ:
        sys.exit("hls4ml_peer: the rebuilt module does not reproduce the trained model")
    wmax = max(float(m.weight.abs().max()) for m in model.children() if hasattr(m, "weight"))
    if wmax >= 2.0:
        sys.exit("hls4ml_peer: a weight of magnitude %.3f does not fit the tuned ap_fixed<8,2>" % wmax)

    res = {}
    res_latency = 0
    cache = os.path.join(work, "hls4ml_results.json")
    if os.environ.get("QGEN_HLS4ML_REUSE") == "1" and os.path.exists(cache):
        # bench/hls/hls4ml_peer.py's own output of an earlier run on the same WORK_DIR (the comparison only)
        c = json.load(open(cache))
        if c["images"] != n:
            sys.exit("hls4ml_peer: %s is for %d images, not %d" % (cache, c["images"], n))
        res, res_latency = {k: tuple(v) for k, v in c["res"].items()}, c["latency"]
        for tag, (correct, mult_rf1, mult_m, dsp_m) in sorted(res.items()):
            print("hls4ml %s (reused from %s): top-1 %.2f %%; multipliers %d at ReuseFactor 1, %d at ReuseFactor = n_in"
                  % (tag, cache, 100.0 * correct / n, mult_rf1, mult_m))
    weighted = [name for name, mod in model.named_children() if hasattr(mod, "weight")]
    designs = [("default", None), ("tuned", {name: TUNED for name in weighted})]
    if os.environ.get("QGEN_HLS4ML_LOWBIT", "1") != "0":
        designs.append(("w4fl8", lowbit_precision(model)))
    for tag, prec in designs:
        if tag in res:
            continue
        t0 = time.time()
        hm = convert(model, tag, prec, False, os.path.join(work, "hls4ml_" + tag))
        hm.compile()
        t1 = time.time()
        y = np.asarray(hm.predict(np.ascontiguousarray(x.reshape(n, -1)))).reshape(n, -1)
        t2 = time.time()
        correct = int((y.argmax(1) == labels).sum())
        mult_rf1, _, _ = multipliers(os.path.join(work, "hls4ml_" + tag))
        hm2 = convert(model, tag + "_matched", prec, True, os.path.join(work, "hls4ml_" + tag + "_matched"))
        hm2.write()
        mult_m, layers, cycles = multipliers(os.path.join(work, "hls4ml_" + tag + "_matched"))
        # The same DSP rule as qgen's estimate (docs/hls.md "Which multiplier is a DSP"): a multiplier with
        # an operand of at most 4 bits is LUT fabric. Operand widths: the weight precision, and the layer
        # input's (the image's ap_fixed<16,6> for the first layer, the previous layer's result after it).
        dsp_m = 0
        for li, (_, _, _, _, mult) in enumerate(layers):
            wbits = width(prec[weighted[li]]["weight"]) if prec else 16
            xbits = 16 if li == 0 or not prec else width(TUNED["result"])
            dsp_m += 0 if min(wbits, xbits) <= 4 else mult
        if tag == "default":
            res_latency = cycles
        res[tag] = (correct, mult_rf1, mult_m, dsp_m)
        print("hls4ml %s (%s): C simulation of %d images in %.0f s (+%.0f s g++), top-1 %.2f %%; multipliers "
              "%d at ReuseFactor 1, %d at ReuseFactor = n_in (%s), of which DSP by qgen's rule %d"
              % (tag, "ap_fixed<16,6>" if prec is None else
                 "; ".join("%s: weight %s" % (k, v["weight"]) for k, v in prec.items()) +
                 "; bias %s, results %s, accumulators %s" % (TUNED["bias"], TUNED["result"], TUNED["accum"]), n,
                 t2 - t1, t1 - t0, 100.0 * correct / n, mult_rf1, mult_m,
                 " ".join("%s:%dx%d/RF%d=%d" % l for l in layers), dsp_m))
    json.dump({"images": n, "res": res, "latency": res_latency}, open(cache, "w"))
    for tag, (correct, mult_rf1, mult_m, dsp_m) in sorted(res.items()):
        print("RESULT hls4ml.fmnist_cnn.%s.top1=%.2f" % (tag, 100.0 * correct / n))
        print("RESULT hls4ml.fmnist_cnn.%s.multipliers_rf1=%d" % (tag, mult_rf1))
        print("RESULT hls4ml.fmnist_cnn.%s.multipliers_matched=%d" % (tag, mult_m))
        print("RESULT hls4ml.fmnist_cnn.%s.dsp_matched=%d" % (tag, dsp_m))

    # qgen's designs against hls4ml at ReuseFactor = n_in: qgen's DSP estimate (every DSP of the
    # design: Σp·q multipliers, float units; the int8 requantization multipliers and the dequantize
    # ROM are fabric, 0 DSP: docs/hls.md "The requantization in fabric") over hls4ml's DSP count
    # (its multipliers whose operands are both wider than 4 bits: all of them for both precisions),
    # and the top-1 difference to the better of hls4ml's two designs. Throughput: hls4ml at
    # ReuseFactor = n_in computes one output pixel of a conv / dense layer in n_in cycles; qgen at
    # parallelism P in max(ceil(O/P) * K, ceil(O/P) * P) (K = n_in: the taps; the requantization is a
    # second process beside them, one output per cycle), plus reading its input. Only designs whose every
    # conv / dense layer runs at parallelism = its output channels (one pixel per max(K, O) cycles) count for
    # the headline figure; the others are printed with their ratios and cycle counts.
    # The hls4ml baseline: of hls4ml's designs within 0.5 pt of its best top-1, the one with the fewest DSPs
    # (the same accuracy window as qgen's designs below: both sides pick their cheapest design of that
    # accuracy). hls4ml's designs outside the window are printed beside, with qgen's ratio to them.
    summary = json.load(open(os.path.join(work, "fmnist_summary.json")))["designs"]
    base_correct = max(r[0] for r in res.values())
    window = [(r[3], tag) for tag, r in res.items() if 100.0 * (r[0] - base_correct) / n >= -0.5]
    base_dsp, base_tag = min(window)
    print("hls4ml baseline: %s, %d DSP at ReuseFactor = n_in (the fewest among hls4ml's designs within 0.5 pt of "
          "its best top-1 %.2f %%), %d cycles per image in conv / dense layers (sum of out_h * out_w * RF over "
          "convs + RF over dense layers, no overlap)" % (base_tag, base_dsp, 100.0 * base_correct / n, res_latency))
    for tag, r in sorted(res.items()):
        print("hls4ml %s: top-1 %.2f %% (%+.2f pt vs hls4ml's best), %d DSP at ReuseFactor = n_in%s"
              % (tag, 100.0 * r[0] / n, 100.0 * (r[0] - base_correct) / n, r[3],
                 " (the baseline)" if tag == base_tag else ""))
    best = None
    for key, d in sorted(summary.items()):
        if not key.startswith("fmnist_cnn."):
            continue
        design = key.split(".", 1)[1]
        matched = d["matched_parallelism"]
        ratio = d["dsp"] / base_dsp
        dt = 100.0 * (d["top1_correct"] - base_correct) / n
        lin_cycles = sum(l["latency_cycles"] for l in d["linear_layers"])
        print("qgen %s: %d DSP (estimate; %d of them for sum p*q), %.3f x hls4ml %s's %d; conv / dense cycles %d "
              "(estimate) = %.2f x hls4ml's %d; top-1 %+.2f pt vs hls4ml's best; %s"
              % (design, d["dsp"], d["dot_dsp"], ratio, base_tag, base_dsp, lin_cycles, lin_cycles / res_latency, res_latency, dt,
                 "throughput-matched (parallelism = output channels in every conv / dense layer)" if matched
                 else "NOT throughput-matched (a conv / dense layer below parallelism = output channels)"))
        for tag, r in sorted(res.items()):
            if tag != base_tag and r[3] > 0:
                print("    against hls4ml %s (%d DSP, top-1 %.2f %%): %.3f x DSP, top-1 %+.2f pt"
                      % (tag, r[3], 100.0 * r[0] / n, d["dsp"] / r[3], 100.0 * (d["top1_correct"] - r[0]) / n))
                print("RESULT hls.fmnist_cnn.%s.dsp_estimate_vs_hls4ml_%s=%.3f" % (design, tag, d["dsp"] / r[3]))
        print("RESULT hls.fmnist_cnn.%s.dsp_estimate_vs_hls4ml=%.3f" % (design, ratio))
        print("RESULT hls.fmnist_cnn.%s.linear_cycles_vs_hls4ml=%.2f" % (design, lin_cycles / res_latency))
        print("RESULT hls.fmnist_cnn.%s.top1_minus_hls4ml=%.2f" % (design, dt))
        # DSP x cycles: the ratio at equal throughput, were hls4ml's reuse factor raised to qgen's cycles
        print("RESULT hls.fmnist_cnn.%s.dsp_cycles_vs_hls4ml=%.3f" % (design, ratio * lin_cycles / res_latency))
        if matched and dt >= -0.5 and (best is None or ratio < best[0]):
            best = (ratio, design, dt, lin_cycles / res_latency)
    print("RESULT hls4ml.fmnist_cnn.baseline_dsp=%d" % base_dsp)
    if best is None:
        print("RESULT hls.fmnist_cnn.dsp_estimate_vs_hls4ml=nan")
        print("(no throughput-matched qgen design within 0.5 pt of hls4ml's best top-1)")
    else:
        print("RESULT hls.fmnist_cnn.dsp_estimate_vs_hls4ml=%.3f" % best[0])
        print("RESULT hls.fmnist_cnn.top1_minus_hls4ml=%.2f" % best[2])
        print("RESULT hls.fmnist_cnn.linear_cycles_vs_hls4ml=%.2f" % best[3])
        print("RESULT hls.fmnist_cnn.dsp_cycles_vs_hls4ml=%.3f" % (best[0] * best[3]))
        print("(best throughput-matched qgen design within 0.5 pt of hls4ml's best top-1: %s, against hls4ml %s; goal <= 0.5)"
              % (best[1], base_tag))


def width(t):
    """Total width W of an ap_fixed<W,...> type string."""
    m = re.match(r"ap_u?fixed<(\d+)", t)
    if not m:
        sys.exit("hls4ml_peer: cannot read the width of " + t)
    return int(m.group(1))

if __name__ == "__main__":
    main()
