#!/usr/bin/env python3
"""Cycle estimates of qgen's Halide inner loops on Cortex-A (bench/cortex-a/run).

  mca.py PACKAGE_DIR MODEL_KEY

PACKAGE_DIR is a `qgen compile --target cortex-a` output (report.json and
m_halide.o, prefix m). For every layer that runs in Halide (conv, depthwise,
pointwise, dense), the layer function m_hl_L<n> is disassembled
(llvm-objdump-14); its innermost loops are the backward branches that enclose
no other one; the loop with the most multiply-accumulates per iteration is
the layer's inner loop (sdot = 16 MACs, smlal/smlal2/umlal/mla on .4s = 4,
on .8h = 8, mul on .4s = 4). Its body goes to llvm-mca-14 (-mtriple=aarch64,
-mcpu=cortex-a55 and cortex-a76, 200 iterations); cycles per MAC = Total
Cycles / (iterations x MACs per iteration). A static estimate of the steady
state of one loop: no cache misses, no loop overhead outside the body, no
requantization or glue copies. Per family the MAC-weighted mean over the
model's layers is printed:
  RESULT cortex_a.<model>.<family>.a55_cycles_per_mac=X
  RESULT cortex_a.<model>.<family>.a76_cycles_per_mac=X
"""
import json
import re
import subprocess
import sys

CPUS = ("a55", "a76")


def family(layer):
    if layer["op"] == "dense":
        return "dense"
    cin = layer["input_shapes"][0][-1]
    out = layer["output_shape"]
    per = layer["macs"] // (out[0] * out[1] * out[2])
    if per == cin:
        return "pointwise"
    if cin == out[2] and per < cin:
        return "depthwise"
    return "conv"


def macs_of(ins):
    op, _, args = ins.partition(" ")
    if op == "sdot" or op == "udot":
        return 16 if ".4s" in args else 8
    if op in ("smlal", "smlal2", "umlal", "umlal2", "mla", "mul", "smull", "smull2"):
        return 8 if args.split(",")[0].endswith(".8h") else 4 if args.split(",")[0].endswith(".4s") else 0
    return 0


def function_lines(obj, fn):
    out = subprocess.run(["llvm-objdump-14", "-d", "--mattr=+dotprod", "--no-show-raw-insn", "--disassemble-symbols=" + fn, obj],
                         check=True, capture_output=True, text=True).stdout
    lines = []
    for ln in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(.*)$", ln)
        if m:
            lines.append((int(m.group(1), 16), " ".join(m.group(2).split("//")[0].split())))
    return lines


def inner_loop(lines):
    loops = []
    for i, (addr, ins) in enumerate(lines):
        m = re.match(r"(b\.\w+|cbn?z|tbn?z|b)\s.*?\b0x([0-9a-f]+)\b|(b\.\w+|cbn?z|tbn?z|b)\s+([0-9a-f]+)\s*<", ins)
        if not m:
            continue
        target = int(m.group(2) or m.group(4), 16)
        if target <= addr:
            loops.append((target, addr))
    innermost = [l for l in loops if not any(o != l and l[0] <= o[0] and o[1] <= l[1] for o in loops)]
    best, best_macs = None, 0
    for a, b in innermost:
        body = [ins for addr, ins in lines if a <= addr <= b]
        macs = sum(macs_of(x) for x in body)
        if macs > best_macs:
            best, best_macs = body, macs
    return best, best_macs


def mca_cycles(body, cpu, iterations=200):
    asm = "\n".join(re.sub(r"\s+0x[0-9a-f]+\s*<[^>]*>", " 0", x) if x.startswith(("b", "cb", "tb")) else x for x in body[:-1])
    r = subprocess.run(["llvm-mca-14", "-mtriple=aarch64", "-mcpu=cortex-" + cpu, "-mattr=+dotprod", "-iterations=%d" % iterations],
                       input=asm + "\n", capture_output=True, text=True)
    m = re.search(r"Total Cycles:\s+(\d+)", r.stdout)
    if not m:
        sys.exit("llvm-mca-14 failed: " + r.stderr[:400])
    return int(m.group(1)) / iterations


def main():
    pkg, key = sys.argv[1], sys.argv[2]
    rep = json.load(open(pkg + "/report.json"))
    fam = {}
    for i, layer in enumerate(rep["layers"]):
        if "_halide__" not in layer["kernel"] or layer["op"] not in ("conv2d", "dense"):
            continue
        f = family(layer)
        lines = function_lines(pkg + "/m_halide.o", "m_hl_L%d" % (i + 1))
        body, macs = inner_loop(lines)
        if not body:
            print("  layer %d (%s): no inner loop with multiply-accumulates found" % (i + 1, f))
            continue
        cyc = {c: mca_cycles(body, c) for c in CPUS}
        print("  layer %2d %-9s %9d MACs: inner loop %3d instructions, %3d MACs/iteration; cycles/MAC a55 %.3f a76 %.3f" %
              (i + 1, f, layer["macs"], len(body), macs, cyc["a55"] / macs, cyc["a76"] / macs))
        acc = fam.setdefault(f, {"macs": 0, "a55": 0.0, "a76": 0.0})
        acc["macs"] += layer["macs"]
        for c in CPUS:
            acc[c] += layer["macs"] * cyc[c] / macs
    for f in ("conv", "pointwise", "depthwise", "dense"):
        if f in fam:
            for c in CPUS:
                print("RESULT cortex_a.%s.%s.%s_cycles_per_mac=%.3f" % (key, f, c, fam[f][c] / fam[f]["macs"]))


if __name__ == "__main__":
    main()
