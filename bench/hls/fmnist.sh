#!/usr/bin/env bash
# bench/hls/fmnist.sh -- part of bench/hls/run: the trained Fashion-MNIST nets
# (examples/fashion-mnist/fmnist_cnn.onnx, fmnist_vgg.onnx) through
# `qgen compile --target hls`, their C-simulation testbench on the first N
# test images (one testbench process per design, all N images in one input
# file), every output compared bit for bit with `qgen run` (the interpreter),
# and top-1 from the C-simulation outputs compared with `qgen eval --limit N`.
#
# usage: bench/hls/fmnist.sh BUILD_DIR AP_TYPES_DIR WORK_DIR [N]   (N default 1000)
#
# Designs (quant.json written below):
#   int8      {"scheme": "int8"}, calibrated (--calibrate) on the first 256
#             training images (pixel / 255), default parallelism 1
#   lq4_r16   LQ, 8-bit weights, 4-bit activations, w_region = a_region = 16
#             (clamped by qgen to K = 9 on the first conv), MAC kernel
#   int8_pmax / lq4_r16_pmax  (fmnist_cnn only) the same with "hls":
#             {"parallelism": 4096} in default, which qgen clamps to each
#             layer's output channel count: one output pixel's channels all
#             at once, the design hls4ml_peer.py compares with hls4ml
#   int8_w4fl8_pmax  (fmnist_cnn only) scheme int8 at parallelism = output
#             channels, 4-bit weights except the first and the last layer
#             (8-bit): the common "first and last layer at 8 bits" rule, not a
#             per-layer search; its 4 x 9-bit multipliers are LUT fabric
#   lut2_pmax (fmnist_cnn only) LQ 8-bit weights, 2-bit activations,
#             regions of 16, LUT kernel (ROM tables, lut_group 2): 0 DSP for
#             Σp·q; one code group per cycle for all of a layer's channels
#             (the ROM in P = O banks, docs/hls.md)
# QGEN_HLS_FMNIST_NETS="fmnist_cnn" limits the nets (default both).
#
# Prints per design a line, then RESULT lines:
#   hls.<net>.<design>.top1=P            top-1 % of the C-simulation outputs on the N images
#   hls.<net>.<design>.eval_top1=P       `qgen eval` on the same images (must be equal)
#   hls.<net>.<design>.bitexact_images=K images whose every output equals `qgen run`'s
#   hls.<net>.top1=P                     the int8 design's top-1 (hls.<net>.int8.top1)
#   hls.<net>.bitexact_images=K          images bit-exact in every design
#   hls.<net>.<design>[_pmax].dsp_estimate=D, .latency_cycles_estimate=C, .lut_estimate=L  (report.json)
# and writes WORK_DIR/fmnist_ok (nets bit-exact in every design on all N
# images and with top-1 equal to qgen eval) and WORK_DIR/fmnist_summary.json.
# Exit status 1 when a tool fails; a mismatch is reported, not fatal.
set -euo pipefail
die() { echo "bench/hls/fmnist.sh: error: $*" >&2; exit 1; }
[[ $# -ge 3 ]] || die "usage: fmnist.sh BUILD_DIR AP_TYPES_DIR WORK_DIR [N]"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$1 AP=$2 W=$3 N=${4:-1000}
QGEN=$BUILD/qgen
E=$ROOT/examples/fashion-mnist
FMNIST_DIR=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}
[[ -r $FMNIST_DIR/t10k-images-idx3-ubyte.gz && -r $FMNIST_DIR/train-images-idx3-ubyte.gz ]] ||
  die "Fashion-MNIST not found in $FMNIST_DIR (apt-get install dataset-fashion-mnist)"
mkdir -p "$W"

python3 - "$FMNIST_DIR" "$W" "$N" <<'PY'
import gzip, struct, sys
d, w, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def imgs(f, k):
    b = gzip.open(d + "/" + f).read()[16:16 + 784 * k]
    return struct.pack("<%df" % len(b), *[x / 255.0 for x in b])  # pixel / 255, as qgen eval
open(w + "/calib.f32", "wb").write(imgs("train-images-idx3-ubyte.gz", 256))
open(w + "/test.f32", "wb").write(imgs("t10k-images-idx3-ubyte.gz", n))
open(w + "/labels.bin", "wb").write(gzip.open(d + "/t10k-labels-idx1-ubyte.gz").read()[8:8 + n])
PY
echo '{"default": {"scheme": "int8"}}' > "$W/int8.json"
echo '{"default": {"scheme": "lq", "w_bits": 8, "a_bits": 4, "w_region": 16, "a_region": 16, "kernel": "mac"}}' > "$W/lq4_r16.json"
echo '{"default": {"scheme": "int8", "hls": {"parallelism": 4096}}}' > "$W/int8_pmax.json"
echo '{"default": {"scheme": "lq", "w_bits": 8, "a_bits": 4, "w_region": 16, "a_region": 16, "kernel": "mac", "hls": {"parallelism": 4096}}}' > "$W/lq4_r16_pmax.json"
# first conv and last dense (fmnist_cnn's names) at 8 bits, the others at 4
echo '{"default": {"scheme": "int8", "w_bits": 4, "hls": {"parallelism": 4096}},
 "layers": {"/conv1/Conv": {"scheme": "int8", "w_bits": 8}, "/fc2/Gemm": {"scheme": "int8", "w_bits": 8}}}' > "$W/int8_w4fl8_pmax.json"
echo '{"default": {"scheme": "lq", "w_bits": 8, "a_bits": 2, "w_region": 16, "a_region": 16, "kernel": "lut", "lut_group": 2, "hls": {"parallelism": 4096}}}' > "$W/lut2_pmax.json"

CXXFLAGS=(-std=c++17 -O2 -ffp-contract=off -Wall -Wextra -Werror -Wvla -Wno-unknown-pragmas -Wno-uninitialized -Wno-maybe-uninitialized)
: > "$W/fmnist_ok"
: > "$W/fmnist_results"
: > "$W/fmnist_rows"
for net in ${QGEN_HLS_FMNIST_NETS:-fmnist_cnn fmnist_vgg}; do
  all_ok=1
  : > "$W/$net.same"
  designs=(int8 lq4_r16)
  [[ $net == fmnist_cnn ]] && designs+=(int8_pmax lq4_r16_pmax int8_w4fl8_pmax lut2_pmax)
  [[ -n ${QGEN_HLS_FMNIST_DESIGNS:-} ]] && read -r -a designs <<< "$QGEN_HLS_FMNIST_DESIGNS"
  for d in "${designs[@]}"; do
    p=${net}_$d
    cal=()
    [[ $d == int8* ]] && cal=(--calibrate "$W/calib.f32")
    "$QGEN" compile "$E/$net.onnx" --config "$W/$d.json" "${cal[@]}" --target hls --name "$p" -o "$W/$p" -q 2> "$W/$p.compile.err" ||
      { cat "$W/$p.compile.err" >&2; die "$p: qgen compile failed"; }
    g++ "${CXXFLAGS[@]}" -isystem "$AP" -I"$W/$p" "$W/$p/$p.cpp" "$W/$p/${p}_tb.cpp" -o "$W/$p.tb" || die "$p: building the testbench failed"
    t0=$(date +%s.%N)
    "$W/$p.tb" "$W/test.f32" "$W/$p.csim" || die "$p: the testbench failed"
    t1=$(date +%s.%N)
    "$QGEN" run "$E/$net.onnx" --config "$W/$d.json" "${cal[@]}" --input "$W/test.f32" --output "$W/$p.ref" > /dev/null 2>&1 ||
      die "$p: qgen run failed"
    "$QGEN" eval "$E/$net.onnx" --config "$W/$d.json" "${cal[@]}" --data "$FMNIST_DIR" --limit "$N" --threads 2 \
      --predictions "$W/$p.pred.csv" > "$W/$p.eval.txt" 2> /dev/null || die "$p: qgen eval failed"
    line=$(python3 - "$W" "$p" "$N" "$net" "$d" "$t0" "$t1" <<'PY'
import csv, struct, sys
w, p, n, net, d, t0, t1 = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], float(sys.argv[6]), float(sys.argv[7])
csim = open(w + "/" + p + ".csim", "rb").read()
ref = open(w + "/" + p + ".ref", "rb").read()
labels = open(w + "/labels.bin", "rb").read()
assert len(ref) == n * 40, "qgen run wrote %d bytes, want %d" % (len(ref), n * 40)
same = sum(csim[40 * i:40 * i + 40] == ref[40 * i:40 * i + 40] for i in range(n)) if len(csim) == len(ref) else 0
pred = []
for i in range(len(csim) // 40):
    y = struct.unpack("<10f", csim[40 * i:40 * i + 40])
    pred.append(max(range(10), key=lambda k: (y[k], -k)))  # first maximum, as qgen run / eval
correct = sum(pred[i] == labels[i] for i in range(min(n, len(pred))))
rows = list(csv.reader(open(w + "/" + p + ".pred.csv")))
rows = [r for r in rows if r and r[0].isdigit()]
ev = sum(int(r[1]) == int(r[2]) for r in rows)
evpred = [int(r[2]) for r in rows]
agree = sum(a == b for a, b in zip(pred, evpred))
ok = int(same == n and correct == ev and len(rows) == n and agree == n)
print("%d %d %d %d %d %.1f" % (same, correct, ev, agree, ok, t1 - t0))
PY
)
    read -r same correct ev agree ok secs <<< "$line"
    top1=$(python3 -c "print('%.2f' % (100.0 * $correct / $N))")
    evtop1=$(python3 -c "print('%.2f' % (100.0 * $ev / $N))")
    echo "$net $d: C simulation of $N test images in ${secs} s; $same/$N images bit-exact with qgen run;" \
         "top-1 $top1 % (qgen eval $evtop1 %, predictions agreeing on $agree/$N)$([[ $ok == 1 ]] || echo '  -- MISMATCH')"
    [[ $ok == 1 ]] || all_ok=0
    {
      echo "RESULT hls.$net.$d.top1=$top1"
      echo "RESULT hls.$net.$d.eval_top1=$evtop1"
      echo "RESULT hls.$net.$d.bitexact_images=$same"
    } >> "$W/fmnist_results"
    echo "$same" >> "$W/$net.same"
    echo "$net $d ${W}/$p/report.json $correct $same" >> "$W/fmnist_rows"
    [[ $d == int8 ]] && echo "RESULT hls.$net.top1=$top1" >> "$W/fmnist_results"
  done
  echo "RESULT hls.$net.bitexact_images=$(sort -n "$W/$net.same" | head -1)" >> "$W/fmnist_results"
  [[ $all_ok == 1 ]] && echo "$net" >> "$W/fmnist_ok"
done

# estimates + summary for hls4ml_peer.py
python3 - "$W" "$N" <<'PY' >> "$W/fmnist_results"
import json, sys
w, n = sys.argv[1], int(sys.argv[2])
summary = {"images": n, "designs": {}}
for line in open(w + "/fmnist_rows"):
    net, d, rep, correct, same = line.split()
    t = json.load(open(rep))["hls_estimate_total"]
    key = net + "." + d
    e = {"dsp": t["dsp"], "latency_cycles": t["latency_cycles"], "bram18": t["bram18"], "lut": t["lut"]}
    layers = json.load(open(rep))["layers"]
    # the multipliers of Σp·q alone (conv / dense dot_dsp) and the rest (requantization, float units)
    e["dot_dsp"] = sum(l["hls"].get("dot_dsp", 0) for l in layers if l["op"] in ("conv2d", "dense"))
    # per conv / dense layer: cycles per output position (latency minus reading the input, over the positions)
    e["linear_layers"] = [{"name": l["name"], "parallelism": l["hls"].get("parallelism"), "dsp": l["hls"]["dsp"],
                           "dot_dsp": l["hls"].get("dot_dsp"), "mul_fabric": l["hls"].get("mul_fabric"),
                           "requant_x_bits": l["hls"].get("requant_x_bits"), "requant_m_bits": l["hls"].get("requant_m_bits"),
                           "requant_dsp": l["hls"].get("requant_dsp"), "requant_lut": l["hls"].get("requant_lut"),
                           "lut": l["hls"]["lut"], "latency_cycles": l["hls"]["latency_cycles"]}
                          for l in layers if l["op"] in ("conv2d", "dense")]
    # every conv / dense layer at parallelism = its output channels (outputs per patch)?
    e["matched_parallelism"] = all(
        l["hls"].get("parallelism") == l["ops"]["outputs"] // l["ops"]["patches"]
        for l in json.load(open(rep))["layers"] if l["op"] in ("conv2d", "dense"))
    e["top1_correct"] = int(correct)
    e["bitexact_images"] = int(same)
    summary["designs"][key] = e
    print("RESULT hls.%s.dsp_estimate=%d" % (key, t["dsp"]))
    print("RESULT hls.%s.latency_cycles_estimate=%d" % (key, t["latency_cycles"]))
    print("RESULT hls.%s.lut_estimate=%d" % (key, t["lut"]))
json.dump(summary, open(w + "/fmnist_summary.json", "w"), indent=1)
PY
cat "$W/fmnist_results"
