#!/usr/bin/env python3
"""Helpers for bench/m7/run (Python 3 standard library only).

  bench.py gen DIR
      Writes the single-layer cases into DIR/<key>/: net.json, net.bin
      (float32 weights), quant.json, calib.f32 (4 random inputs) and
      input.f32 (1 random input, not among the calibration inputs).
      Deterministic: fixed seeds.
  bench.py carray IN.bin OUT.c CTYPE
      OUT.c defines `const CTYPE qgb_input[]` from the raw bytes of IN.bin, in
      the .psram section (loaded by QEMU, not counted in flash or RAM).
  bench.py random_i8 N SEED OUT.bin
      N random int8 codes (uniform in [-128, 127]).
  bench.py fnv IN.bin
      FNV-1a 32 of the file's bytes, as 0x%08x (what main.c prints).
  bench.py layers OUT_DIR PREFIX
      Checks that report.json's layer list matches the QG_LAYER_BEGIN(i)
      numbering of the emitted PREFIX.c (layer i = report.json layers[i-1],
      calling a body of the same kernel) and prints one line per layer:
      i<TAB>op<TAB>kernel<TAB>macs<TAB>weight_bytes<TAB>type<TAB>name, where
      type is the layer family the per-type instructions/MAC lines sum over:
      dense, depthwise (a conv2d with a depthwise kernel), pointwise (a
      conv2d whose reduction is one pixel's channels: 1x1), conv (any other
      conv2d), other (pooling, add, softmax, quantize, ...).
  bench.py quant_input HEADER UPPER IN.f32 OUT.bin
      The first UPPER_INPUT_SIZE float32 values of IN.f32 quantized with the
      emitted header's UPPER_INPUT_SCALE / _ZERO_POINT (round half away from
      zero, clamped to int8), as TFLite's quantize: the int8 input of a model
      whose sample input is stored as float (AD).
  bench.py mca ASM.s OUT_DIR [COUNTS.tsv LAYERS.tsv]
      Cycle estimates of the hot inner loops: ASM.s is the emitted model
      compiled with -S (the target's build_flags). For every kernel body of
      report.json (OUT_DIR) it takes the innermost loops of the body's
      functions (a label and a later branch back to it, no loop inside), keeps
      the one with the most multiply-accumulates, and runs
      `llvm-mca-14 -mtriple=thumbv7em -mcpu=cortex-m7` on its instructions
      (the loop body repeated, steady state; no cache or memory wait states:
      an estimate, not a measurement). Prints per body the loop's
      instructions, estimated cycles, MACs per iteration (SMLAD, SMLALD: 2;
      SMLA<x><y>, MLA: 1) and, with the counts of the profiled run
      (bench/m7/run's counts.tsv / layers.tsv), the QEMU instructions per MAC
      of the layers that call the body, beside each other.
"""
import json
import random
import re
import struct
import sys

# key: (description, net builder, weight bits)
def conv3x3(r):
    H, W, C, O = 32, 32, 16, 16
    return {"input": [H, W, C], "layers": [
        ("conv", {"op": "conv2d", "stride": 1, "padding": 1}, [O, C, 3, 3], O),
        ("relu", {"op": "relu"}, None, None)]}

def pointwise(r):
    return {"input": [25, 5, 64], "layers": [
        ("conv", {"op": "conv2d", "stride": 1, "padding": 0}, [64, 64, 1, 1], 64),
        ("relu", {"op": "relu"}, None, None)]}

def depthwise(r):
    return {"input": [25, 5, 64], "layers": [
        ("conv", {"op": "conv2d", "stride": 1, "padding": 1, "groups": 64}, [64, 1, 3, 3], 64),
        ("relu", {"op": "relu"}, None, None)]}

def dense(r):
    return {"input": [64], "layers": [
        ("fc", {"op": "dense"}, [12, 64], 12)]}

CASES = {
    "resnet_conv3x3_int8": (conv3x3, 8, 101),
    "conv3x3_w4": (conv3x3, 4, 101),     # same float net as resnet_conv3x3_int8
    "conv3x3_w2": (conv3x3, 2, 101),
    "pointwise_int8": (pointwise, 8, 202),
    "depthwise_int8": (depthwise, 8, 303),
    "dense_int8": (dense, 8, 404),
}


def prod(s):
    n = 1
    for v in s:
        n *= v
    return n


def f32(values):
    return struct.pack("<%df" % len(values), *values)


def gen_case(key, builder, w_bits, seed, d):
    import os
    os.makedirs(d, exist_ok=True)
    r = random.Random(seed)
    spec = builder(r)
    blob = bytearray()
    layers = []
    for name, attrs, wshape, nbias in spec["layers"]:
        L = {"name": name}
        L.update(attrs)
        if wshape is not None:
            fan_in = prod(wshape[1:])
            std = (2.0 / fan_in) ** 0.5
            w = [r.gauss(0.0, std) for _ in range(prod(wshape))]
            L["weight"] = {"offset": len(blob), "shape": wshape}
            blob += f32(w)
            b = [r.uniform(-0.1, 0.1) for _ in range(nbias)]
            L["bias"] = {"offset": len(blob), "shape": [nbias]}
            blob += f32(b)
        layers.append(L)
    shape = spec["input"]
    net = {"format": "qgen-net", "version": 1, "name": key, "weights": "net.bin",
           "input": {"name": "x", "shape": shape, "layout": "HWC" if len(shape) == 3 else "C"},
           "layers": layers}
    with open(os.path.join(d, "net.json"), "w") as f:
        json.dump(net, f, indent=1)
    with open(os.path.join(d, "net.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(d, "quant.json"), "w") as f:
        json.dump({"default": {"scheme": "int8", "w_bits": w_bits}}, f)
    n_in = prod(shape)
    ri = random.Random(seed * 1000 + 7)
    with open(os.path.join(d, "calib.f32"), "wb") as f:
        for _ in range(4):
            f.write(f32([ri.uniform(-1.0, 1.0) for _ in range(n_in)]))
    with open(os.path.join(d, "input.f32"), "wb") as f:
        f.write(f32([ri.uniform(-1.0, 1.0) for _ in range(n_in)]))


def cmd_gen(d):
    import os
    for key, (builder, bits, seed) in CASES.items():
        gen_case(key, builder, bits, seed, os.path.join(d, key))


def cmd_carray(src, dst, ctype):
    data = open(src, "rb").read()
    esize = {"int8_t": 1, "float": 4}[ctype]
    if len(data) == 0 or len(data) % esize:
        sys.exit("bench.py carray: %s: %d bytes is not a whole number of %s" % (src, len(data), ctype))
    out = ["/* Generated by bench/m7/bench.py from %s. */" % src.rsplit("/", 1)[-1],
           "#include <stdint.h>",
           "const unsigned qgb_input_bytes = %du;" % len(data)]
    if ctype == "float":
        words = struct.unpack("<%dI" % (len(data) // 4), data)
        out.append("/* float bit patterns, exact */")
        out.append("__attribute__((section(\".psram.qgb_input\"), aligned(16)))")
        out.append("const uint32_t qgb_input_words[%d] = {" % len(words))
        for i in range(0, len(words), 8):
            out.append("  " + ", ".join("0x%08xu" % w for w in words[i:i + 8]) + ",")
        out.append("};")
        out.append("const float *const qgb_input = (const float *)qgb_input_words;")
    else:
        vals = struct.unpack("<%db" % len(data), data)
        out.append("__attribute__((section(\".psram.qgb_input\"), aligned(16)))")
        out.append("const int8_t qgb_input_codes[%d] = {" % len(vals))
        for i in range(0, len(vals), 16):
            out.append("  " + ", ".join(str(v) for v in vals[i:i + 16]) + ",")
        out.append("};")
        out.append("const int8_t *const qgb_input = qgb_input_codes;")
    with open(dst, "w") as f:
        f.write("\n".join(out) + "\n")


def cmd_random_i8(n, seed, dst):
    r = random.Random(int(seed))
    with open(dst, "wb") as f:
        f.write(bytes(r.randrange(256) for _ in range(int(n))))


def fnv1a(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def cmd_fnv(src):
    print("0x%08x" % fnv1a(open(src, "rb").read()))


def layer_type(L):
    op = L["op"]
    if op == "dense":
        return "dense"
    if op != "conv2d":
        return "other"
    if "dwconv" in L["kernel"]:
        return "depthwise"
    ins = L.get("input_shapes") or [[]]
    red = (L.get("ops") or {}).get("reduction_length")
    if len(ins[0]) == 3 and red == ins[0][2]:
        return "pointwise"
    return "conv"


def cmd_quant_input(header, upper, src, dst):
    h = open(header).read()
    def define(name):
        m = re.search(r"^#define %s_%s (\S+)" % (upper, name), h, re.M)
        if not m:
            sys.exit("bench.py quant_input: no %s_%s in %s" % (upper, name, header))
        return m.group(1)
    scale = float.fromhex(define("INPUT_SCALE").rstrip("f"))
    zp = int(define("INPUT_ZERO_POINT"))
    n = int(define("INPUT_SIZE"))
    data = open(src, "rb").read()
    if len(data) < 4 * n:
        sys.exit("bench.py quant_input: %s holds %d bytes, fewer than %d float32" % (src, len(data), n))
    out = bytearray()
    for x in struct.unpack("<%df" % n, data[:4 * n]):
        v = x / scale
        q = int(v + 0.5) if v >= 0 else -int(-v + 0.5)
        out.append((max(-128, min(127, q + zp))) & 0xFF)
    open(dst, "wb").write(bytes(out))


MAC_WEIGHT = {"smlad": 2, "smladx": 2, "smlald": 2, "smlaldx": 2, "smlabb": 1, "smlabt": 1,
              "smlatb": 1, "smlatt": 1, "mla": 1, "smulbb": 1, "smultt": 1, "smlawb": 1, "smlawt": 1}


def asm_functions(path):
    """{function: [lines]} of a GCC ARM assembly file."""
    funcs, cur, skip = {}, None, 0
    for line in open(path):
        line = line.rstrip("\n")
        # inline assembly's ".if 0" blocks are not assembled (QG_DOT2X4_HL)
        d = line.strip()
        if skip or re.match(r"^\.if\s+0$", d):
            skip += 1 if d.startswith(".if") else -1 if d == ".endif" else 0
            continue
        m = re.match(r"^([A-Za-z_][\w.]*):", line)
        if m and not line.startswith(".L"):
            cur = m.group(1)
            funcs[cur] = []
            continue
        if cur is None:
            continue
        if re.match(r"^\s*\.size\s", line):
            cur = None
            continue
        funcs[cur].append(line)
    return funcs


def mnemonic(line):
    t = line.strip()
    if not t or t.startswith(("@", ".", "/*")) or t.endswith(":"):
        return None
    return t.split()[0].lower()


def innermost_loops(lines):
    """[(start, end)] line ranges: a label, later a branch back to it, no such loop inside.
    Labels are GCC's (.L...) and inline assembly's numeric ones (N:, branch Nb)."""
    labels = {}
    loops = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\.L\w+):", line) or re.match(r"^\s*(\d+):\s*$", line)
        if m:
            labels[m.group(1)] = i
            continue
        op = mnemonic(line)
        if op and op.startswith(("b", "cb")) and not op.startswith(("bl", "bic", "bfi", "bfc")):
            tgt = line.split()[-1]
            if re.match(r"^\d+b$", tgt):
                tgt = tgt[:-1]
            if tgt in labels:
                loops.append((labels[tgt], i))
    return [(a, b) for (a, b) in loops if not any((c, d) != (a, b) and a <= c and d <= b for (c, d) in loops)]


def mca_cycles(body):
    import subprocess
    src = ".syntax unified\n.thumb\n" + "\n".join(body) + "\n"
    r = subprocess.run(["llvm-mca-14", "-mtriple=thumbv7em", "-mcpu=cortex-m7", "-iterations=100"],
                       input=src, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[:1]
    m = re.search(r"Total Cycles:\s+(\d+)", r.stdout)
    return (int(m.group(1)) / 100.0 if m else None), None


def cmd_mca(asm, out_dir, counts=None, layers_tsv=None):
    import os
    rep = json.load(open(os.path.join(out_dir, "report.json")))
    bodies = sorted({L["function"] for L in rep["layers"] if L.get("function")}, key=len, reverse=True)
    # QEMU counts per body: sum over the layers that call it
    q_n, q_m, q_layers = {}, {}, {}
    if counts and layers_tsv:
        cnt = {}
        for line in open(counts):
            f = line.split()
            cnt[int(f[0])] = int(f[1])
        for i, L in enumerate(rep["layers"], 1):
            fn = L.get("function")
            if fn and i in cnt:
                q_n[fn] = q_n.get(fn, 0) + cnt[i]
                q_m[fn] = q_m.get(fn, 0) + L.get("macs", 0)
                q_layers.setdefault(fn, []).append(str(i))
    best = {}
    funcs = asm_functions(asm)
    for name, lines in funcs.items():
        body = next((b for b in bodies if name == b or name.startswith(b + "_") or name.startswith(b + ".")), None)
        if body is None:
            continue
        # the body's own loops and those of the shared helpers it calls
        # (e.g. qg_dot2x4_hl, one copy per model), or branches to in tail
        # position (qg_gemm2x4_hl_m2)
        callees = [c for c in re.findall(r"^\s*bl?\s+([\w.]+)", "\n".join(lines), re.M) if c in funcs]
        for fname in [name] + sorted(set(callees)):
            flines = funcs[fname]
            for a, b in innermost_loops(flines):
                ins = [l for l in flines[a:b + 1] if mnemonic(l)]
                macs = sum(MAC_WEIGHT.get(mnemonic(l), 0) for l in ins)
                if macs and (body not in best or macs > best[body][1] or (macs == best[body][1] and len(ins) < len(best[body][2]))):
                    best[body] = (fname if fname == name else name + ">" + fname, macs, ins)
    print("    %-54s %6s %8s %6s %10s %10s   %s" % ("hot loop (llvm-mca-14 -mcpu=cortex-m7)", "instr", "cycles", "MACs", "instr/MAC", "cycles/MAC",
                                                "QEMU instr/MAC of the layers"))
    for body in sorted(best, key=lambda b: -q_n.get(b, 0)):
        name, macs, ins = best[body]
        cyc, err = mca_cycles(ins)
        qemu = "-"
        if q_m.get(body):
            qemu = "%.3f (layers %s)" % (q_n[body] / q_m[body], ",".join(q_layers[body][:8]) + (",..." if len(q_layers[body]) > 8 else ""))
        print("    %-54s %6d %8s %6d %10.3f %10s   %s" % (name[:54], len(ins), "%.1f" % cyc if cyc is not None else "?", macs,
                                                len(ins) / macs, "%.3f" % (cyc / macs) if cyc is not None else "?", qemu))
        if err:
            print("    (llvm-mca-14: %s)" % err[0])


def cmd_layers(out_dir, prefix):
    import os
    rep = json.load(open(os.path.join(out_dir, "report.json")))
    layers = rep["layers"]
    src = open(os.path.join(out_dir, prefix + ".c")).read()
    # Kernel bodies: "/* FN: KERNEL, called by layer N 'name', ... */" (one
    # per body, shared by layers of equal shape); layer i calls them between
    # QG_LAYER_BEGIN(i) and QG_LAYER_END(i).
    kernel_of = dict(re.findall(r"^/\* (\w+): (\S+), called by ", src, re.M))
    kern = {}
    for m in re.finditer(r"QG_LAYER_BEGIN\((\d+)\);\n(.*?)QG_LAYER_END\(\1\);", src, re.S):
        calls = re.findall(r"^\s+(\w+)\(", m.group(2), re.M)
        kern[int(m.group(1))] = [kernel_of.get(f, "?" + f) for f in calls]
    hooks = [int(v) for v in re.findall(r"QG_LAYER_BEGIN\((\d+)\);", src)]
    errs = []
    if hooks != list(range(1, len(layers) + 1)):
        errs.append("QG_LAYER_BEGIN numbers %s are not 1..%d (report.json layers)" % (hooks[:20], len(layers)))
    for i, L in enumerate(layers, 1):
        want = L["kernel"].split(",")
        if kern.get(i, []) != want:
            errs.append("layer %d: emitted kernels %s, report.json says %s" % (i, kern.get(i), want))
    if errs:
        sys.exit("bench.py layers: %s/%s.c does not match report.json:\n  " % (out_dir, prefix) + "\n  ".join(errs[:10]))
    for i, L in enumerate(layers, 1):
        name = L["name"].replace("\t", " ").replace("\n", " ")
        print("\t".join(str(v) for v in (i, L["op"], L["kernel"], L.get("macs", 0), L.get("weight_bytes", 0), layer_type(L), name)))


def main(argv):
    if len(argv) >= 2:
        c = argv[1]
        if c == "gen" and len(argv) == 3:
            return cmd_gen(argv[2])
        if c == "carray" and len(argv) == 5:
            return cmd_carray(argv[2], argv[3], argv[4])
        if c == "random_i8" and len(argv) == 5:
            return cmd_random_i8(argv[2], argv[3], argv[4])
        if c == "fnv" and len(argv) == 3:
            return cmd_fnv(argv[2])
        if c == "quant_input" and len(argv) == 6:
            return cmd_quant_input(argv[2], argv[3], argv[4], argv[5])
        if c == "mca" and len(argv) in (4, 6):
            return cmd_mca(*argv[2:])
        if c == "layers" and len(argv) == 4:
            return cmd_layers(argv[2], argv[3])
    sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
