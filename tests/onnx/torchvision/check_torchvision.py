#!/usr/bin/env python3
"""check_torchvision.py QGEN TORCH_PYTHON WORK_DIR [--cc CC] [--report] [--m7] [NAME ...]

The 12 torchvision architectures of issue 15, end to end:
  1. export each with TORCH_PYTHON (export_torchvision.py; cached in WORK_DIR),
  2. `qgen run` (float) against onnxruntime on the exported input: worst
     |qgen - ort| / max(1, |ort|) and worst |qgen - ort| / max |ort| must
     both be <= 1e-4,
  3. `qgen compile` (portable C), build the emitted C with a small driver
     (-O2 -ffp-contract=off, the c target's flags) and run it on the same
     input: its output must equal `qgen run`'s bit for bit.
  4. with --m7: `qgen compile` with {"default": {"scheme": "int8"}} and
     --calibrate (4 random inputs of the model's size, uniform in [0, 1) like
     the exported one) for --target cortex-m7, the weights in the board's
     PSRAM (--weights-section .psram.weights), built with
     targets/cortex-m7/build-elf.sh and run under qemu-system-arm
     (run-qemu.sh) on two inputs (the exported one and one more random one),
     embedded in the program, which compares every output element bit for bit
     with `qgen run` (same config and calibration) on the board. A model whose
     int8 weights exceed the board's 16 MiB PSRAM, or whose arena exceeds its
     4 MiB RAM, is reported as too big (by name, with its sizes), not run.
     Each line says how many layers of that build are left with a float
     kernel (ops without an int8 one, between quantize / dequantize layers);
     --int8-count does only that compile for each model (no steps 2-3, no QEMU).
Prints one line per model and, with --report, the RESULT lines of bench/zoo/run
(with --m7 also zoo.torchvision.int8_all_int8, the models whose int8 build has
no float layer, and zoo.torchvision.int8_float_ops, the float layers of all).
Exits 77 (skip) when TORCH_PYTHON cannot import torch and torchvision (or,
with --m7, when arm-none-eabi-gcc or qemu-system-arm is missing), 1 on any
failure (a model too big for the board is not a failure). This interpreter
needs numpy and onnxruntime.
"""
import argparse
import os
import json
import re
import shutil
import subprocess
import sys

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
TOL = 1e-4
MODELS = ["mobilenet_v2", "resnet18", "squeezenet1_1", "regnet_x_400mf", "alexnet", "vgg11_bn",
          "mobilenet_v3_small", "efficientnet_b0", "mnasnet0_5", "shufflenet_v2_x0_5", "googlenet", "densenet121"]

DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "%(stem)s.h"
static float in[%(P)s_INPUT_SIZE], out[%(P)s_OUTPUT_SIZE];
int main(int argc, char **argv) {
  void *arena = aligned_alloc(16, (%(P)s_ARENA_BYTES + 15) / 16 * 16);
  FILE *f = fopen(argv[1], "rb");
  if (argc != 3 || !f || fread(in, sizeof in, 1, f) != 1) return 2;
  fclose(f);
  if (%(stem)s_run(in, out, arena) != %(P)s_OK) return 3;
  f = fopen(argv[2], "wb");
  if (!f || fwrite(out, sizeof out, 1, f) != 1) return 4;
  return fclose(f) ? 5 : 0;
}
"""


M7_DIR = os.path.join(HERE, "..", "..", "..", "targets", "cortex-m7")
# QEMU's mps2-an500: 4 MiB of code memory at 0, 4 MiB of RAM at 0x20000000,
# 16 MiB of PSRAM at 0x60000000 (targets/cortex-m7/mps2_an500.ld).
M7_PSRAM, M7_RAM = 16 << 20, 4 << 20
M7_STACK = 64 << 10
M7_INPUTS = 2

M7_MAIN = r"""
#include <stdint.h>
#include <string.h>
#include "board.h"
#include "model.h"
#include "m7_data.h" /* NS samples: IN_BITS[NS][MODEL_INPUT_SIZE], WANT_BITS[NS][MODEL_OUTPUT_SIZE] */
static T_IN in[MODEL_INPUT_SIZE];
static T_OUT out[MODEL_OUTPUT_SIZE];
static uint8_t arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
static uint32_t bits(const T_OUT *p) {
  uint32_t u = 0;
  if (sizeof *p == 1) return (uint32_t)(int32_t)*(const int8_t *)p;
  memcpy(&u, p, sizeof u);
  return u;
}
int main(void) {
  for (unsigned s = 0; s < NS; ++s) {
    unsigned long bad = 0, first = 0;
    uint32_t n;
    for (unsigned i = 0; i < MODEL_INPUT_SIZE; ++i) {
      const uint32_t b = IN_BITS[s][i];
      if (sizeof in[0] == 1) { const int8_t c = (int8_t)(int32_t)b; memcpy(&in[i], &c, 1); }
      else memcpy(&in[i], &b, sizeof b);
    }
    memset(out, 0x5A, sizeof out);  /* poison: every element must be written */
    memset(arena, 0xA5 ^ (int)s, sizeof arena);
    qg_icount_start();
    if (model_run(in, out, arena) != MODEL_OK) return 3;
    n = qg_icount_stop();
    for (unsigned i = 0; i < MODEL_OUTPUT_SIZE; ++i)
      if (bits(&out[i]) != WANT_BITS[s][i] && bad++ == 0) first = i;
    qg_board_puts("qg-zoo: sample "); qg_board_put_u64(s);
    qg_board_puts(" mismatches "); qg_board_put_u64(bad);
    qg_board_puts(" first "); qg_board_put_u64(first);
    qg_board_puts(" instructions "); qg_board_put_u64(n); qg_board_puts("\n");
    if (bad) return 1;
  }
  return 0;
}
"""


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def export_once(name, a, d):
    """Exports the model into d unless it is there; "" or the exporter's error."""
    if os.path.exists(os.path.join(d, name + ".onnx")) and os.path.exists(os.path.join(d, name + ".input.npy")):
        return ""
    r = run([a.torch_python, os.path.join(HERE, "export_torchvision.py"), d, name])
    return "" if r.returncode == 0 else "export failed: " + r.stderr.strip()[-400:]


def check(name, a, d):
    onnx_path = os.path.join(d, name + ".onnx")
    inp = os.path.join(d, name + ".input.npy")
    err = export_once(name, a, d)
    if err:
        return err, False, False
    x = np.load(inp).astype(np.float32)
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    want = sess.run(None, {sess.get_inputs()[0].name: x})[0].astype(np.float64).ravel()
    f32 = os.path.join(d, name + ".in.f32")
    x.tofile(f32)
    out_i = os.path.join(d, name + ".qgen.f32")
    r = run([a.qgen, "run", onnx_path, "--input", f32, "--output", out_i])
    if r.returncode != 0:
        return "qgen run: " + r.stderr.strip(), False, False
    got = np.fromfile(out_i, dtype=np.float32)
    if got.size != want.size:
        return "qgen gives %d outputs, onnxruntime %d" % (got.size, want.size), False, False
    diff = np.abs(got.astype(np.float64) - want)
    worst = float(np.max(diff / np.maximum(1.0, np.abs(want))))
    # Random-weight classifiers can have small logits (MobileNetV3: |y| < 0.02),
    # where the max(1, |y|) form is an absolute bound: also bound the worst
    # difference relative to the largest output.
    scale = float(np.max(np.abs(want)))
    worst_scaled = float(np.max(diff)) / scale if scale > 0 else float(np.max(diff))
    imported = worst <= TOL and worst_scaled <= TOL
    msg = "worst relative difference vs onnxruntime %.3g, %.3g of the largest output (%.3g)" % (worst, worst_scaled, scale)
    cdir = os.path.join(d, name + "_c")
    r = run([a.qgen, "compile", onnx_path, "-o", cdir, "-q"])
    if r.returncode != 0:
        return msg + "; qgen compile: " + r.stderr.strip(), imported, False
    stem = name
    prefix = re.sub(r"[^A-Za-z0-9]", "_", stem).upper()
    with open(os.path.join(cdir, "driver.c"), "w") as f:
        f.write(DRIVER % {"stem": stem, "P": prefix})
    exe = os.path.join(cdir, "model")
    r = run([a.cc, "-std=c11", "-O2", "-ffp-contract=off", "-Wa,-I" + cdir, "-o", exe, os.path.join(cdir, "driver.c"),
             os.path.join(cdir, stem + ".c"), os.path.join(cdir, stem + "_weights.c"), "-lm"])
    if r.returncode != 0:
        return msg + "; cc: " + r.stderr.strip()[-600:], imported, False
    out_c = os.path.join(d, name + ".c.f32")
    r = run([exe, f32, out_c])
    if r.returncode != 0:
        return msg + "; emitted C exited with %d" % r.returncode, imported, False
    c_out = np.fromfile(out_c, dtype=np.float32)
    diff = int(np.sum(c_out.view(np.uint32) != got.view(np.uint32)))
    return msg + ("; emitted C bit-exact" if diff == 0 else "; emitted C differs in %d of %d outputs" % (diff, got.size)), imported, diff == 0


def m7_tools():
    return shutil.which(os.environ.get("QG_M7_CC", "arm-none-eabi-gcc")) and shutil.which(os.environ.get("QG_QEMU", "qemu-system-arm"))


def c_words(a):
    """float32 values as their bit patterns, int8 codes sign-extended to 32 bits."""
    return ",".join("%du" % (int(v) & 0xFFFFFFFF) for v in (a.view(np.uint32) if a.dtype == np.float32 else a))


def m7_int8(name, a, d):
    """Issue 15's int8 + --calibrate build on the Cortex-M7 under QEMU.
    Returns (status, message, float layers): status "ok", "too big" or "FAIL";
    the number of layers left with a float kernel (None when it did not compile)."""
    x = np.load(os.path.join(d, name + ".input.npy")).astype(np.float32).reshape(-1)
    w = os.path.join(d, name + "_m7")
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    rng = np.random.default_rng(1515)
    calib = os.path.join(w, "calib.f32")
    rng.random((4, x.size), dtype=np.float32).tofile(calib)
    xs = [x, rng.random(x.size, dtype=np.float32)]
    qj = os.path.join(w, "quant.json")
    with open(qj, "w") as f:
        f.write('{"default": {"scheme": "int8"}}\n')
    onnx_path = os.path.join(d, name + ".onnx")
    cfg = ["--config", qj, "--calibrate", calib]
    out = os.path.join(w, "out")
    r = run([a.qgen, "compile", onnx_path, "--target", "cortex-m7", "--name", "model", "--weights-section", ".psram.weights",
             "-o", out, "-q"] + cfg)
    if r.returncode != 0:
        return "FAIL", "int8 compile for cortex-m7: " + r.stderr.strip(), None
    with open(os.path.join(out, "report.json")) as f:
        rep = json.load(f)
    weights, arena = int(rep["weight_bytes"]), int(rep["arena_bytes"])
    # Operators without an int8 kernel stay float between quantize / dequantize layers: say which.
    fl = {}
    for layer in rep["layers"]:
        if "_f32_" in layer["kernel"] or layer["kernel"].endswith("_f32"):
            fl[layer["op"]] = fl.get(layer["op"], 0) + 1
    mixed = "%d of %d layers float (%s)" % (sum(fl.values()), len(rep["layers"]),
                                           ", ".join("%s x%d" % kv for kv in sorted(fl.items())) or "none")
    io_bytes = 4 * (x.size + 1000)  # input and output buffers (4 bytes per element at most)
    sizes = "int8 weights %.1f MiB (board PSRAM 16 MiB), arena %.2f MiB (board RAM 4 MiB)" % (weights / 2**20, arena / 2**20)
    nfl = sum(fl.values())
    if a.int8_count:
        return "ok", mixed + "; " + sizes + " (not run: --int8-count)", nfl
    if weights > M7_PSRAM or arena + io_bytes + M7_STACK > M7_RAM:
        return "too big", sizes + "; " + mixed, nfl
    with open(os.path.join(out, "model.h")) as f:
        h = f.read()
    m = re.search(r"int model_run\(const (\w+) \*input, (\w+) \*output, void \*arena\);", h)
    if not m:
        return "FAIL", "no single-input model_run declaration in model.h", nfl
    t_in, t_out = m.group(1), m.group(2)
    np_in = {"float": np.float32, "int8_t": np.int8}[t_in]
    np_out = {"float": np.float32, "int8_t": np.int8}[t_out]
    want = []
    for k, xk in enumerate(xs):  # `qgen run` (the reference interpreter), same config and calibration
        fin, fout = os.path.join(w, "in%d.bin" % k), os.path.join(w, "want%d.bin" % k)
        xk.tofile(fin)
        r = run([a.qgen, "run", onnx_path, "--input", fin, "--output", fout] + cfg)
        if r.returncode != 0:
            return "FAIL", "qgen run (int8): " + r.stderr.strip(), nfl
        want.append(np.fromfile(fout, dtype=np_out))
    n_out = want[0].size
    with open(os.path.join(w, "m7_data.h"), "w") as f:
        f.write("#define NS %d\n" % len(xs))
        # A float model input stays float (quantized inside model_run); an int8 one takes codes.
        ins = [xk if np_in == np.float32 else np.clip(np.round(xk), -128, 127).astype(np.int8) for xk in xs]
        f.write("static const uint32_t IN_BITS[NS][%d] = {%s};\n" % (x.size, ",".join("{" + c_words(v) + "}" for v in ins)))
        f.write("static const uint32_t WANT_BITS[NS][%d] = {%s};\n" % (n_out, ",".join("{" + c_words(v) + "}" for v in want)))
    with open(os.path.join(w, "main.c"), "w") as f:
        f.write(M7_MAIN)
    elf = os.path.join(w, "model.elf")
    r = run([os.path.join(M7_DIR, "build-elf.sh"), "--size", elf, os.path.join(w, "main.c"), os.path.join(out, "model.c"),
             os.path.join(out, "model_weights.c"), "--", "-I" + out, "-I" + w, "-Wa,-I" + out, "-DT_IN=" + t_in, "-DT_OUT=" + t_out,
             "-Wl,--defsym=__flash_size=4M", "-Wl,--defsym=__ram_size=4M", "-Wl,--defsym=__stack_size=%d" % M7_STACK])
    if r.returncode != 0:
        return "FAIL", "Cortex-M7 build: " + (r.stderr.strip() or r.stdout.strip())[-800:], nfl
    size = r.stdout.strip().replace("qg-size: ", "")
    r = run([os.path.join(M7_DIR, "run-qemu.sh"), elf], env=dict(os.environ, QG_QEMU_TIMEOUT=os.environ.get("QG_QEMU_TIMEOUT", "1800")))
    lines = re.findall(r"qg-zoo: sample (\d+) mismatches (\d+) first (\d+) instructions (\d+)", r.stdout)
    if r.returncode != 0 or len(lines) != len(xs):
        detail = "; ".join("sample %s: %s of %d outputs differ from `qgen run`, the first at element %s" % (s_, b, n_out, i)
                           for s_, b, i, _ in lines if b != "0")
        return "FAIL", "under QEMU (status %d): %s %s" % (r.returncode, detail or r.stdout.strip()[-300:], r.stderr.strip()[-300:]), nfl
    instr = "/".join("%.1f M" % (int(n) / 1e6) for *_, n in lines)
    return "ok", "%d inputs x %d outputs bit-exact with `qgen run` under QEMU, %s instructions per inference; %s; %s; %s" % (
        len(xs), n_out, instr, mixed, sizes, size), nfl


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qgen")
    p.add_argument("torch_python")
    p.add_argument("work_dir")
    p.add_argument("--cc", default=os.environ.get("CC", "cc"))
    p.add_argument("--report", action="store_true")
    p.add_argument("--m7", action="store_true", help="also int8 + --calibrate on the Cortex-M7 under QEMU")
    p.add_argument("--int8-count", action="store_true",
                   help="only the int8 cortex-m7 compile of each model (implies --m7), counting the layers left float: "
                        "no onnxruntime check, no portable C, no QEMU")
    p.add_argument("names", nargs="*")
    a = p.parse_intermixed_args()
    a.qgen = os.path.abspath(a.qgen)
    if not a.torch_python or run([a.torch_python, "-c", "import torch, torchvision"]).returncode != 0:
        print("SKIP: %r cannot import torch and torchvision (configure QGEN_TORCH_PYTHON)" % a.torch_python)
        return 77
    if a.m7 and not a.int8_count and not m7_tools():
        print("SKIP: --m7 needs arm-none-eabi-gcc and qemu-system-arm (scripts/install-deps.sh installs them)")
        return 77
    os.makedirs(a.work_dir, exist_ok=True)
    names = a.names or MODELS
    ok_import = ok_c = ok_m7 = 0
    too_big = []
    all_int8 = float_layers = 0
    a.m7 = a.m7 or a.int8_count
    for name in names:
        if a.int8_count:
            export_once(name, a, a.work_dir)
        else:
            msg, imported, exact = check(name, a, a.work_dir)
            ok_import += imported
            ok_c += exact
            print("%s %s: %s" % ("ok" if imported and exact else "FAIL", name, msg), flush=True)
        if a.m7 and os.path.exists(os.path.join(a.work_dir, name + ".onnx")):
            status, m7msg, nfl = m7_int8(name, a, a.work_dir)
            ok_m7 += status == "ok"
            if nfl is not None:
                all_int8 += nfl == 0
                float_layers += nfl
            if status == "too big":
                too_big.append(name)
            print("%s %s int8 cortex-m7: %s" % (status, name, m7msg), flush=True)
    if not a.int8_count:
        print("%d models, %d match onnxruntime, %d with bit-exact emitted C" % (len(names), ok_import, ok_c))
    if a.m7 and not a.int8_count:
        print("int8 + --calibrate on the Cortex-M7 under QEMU: %d of %d bit-exact, %d too big for the board%s" % (
            ok_m7, len(names), len(too_big), (" (" + ", ".join(too_big) + ")") if too_big else ""))
    if a.int8_count:
        print("int8 + --calibrate for cortex-m7: %d of %d models without a float layer, %d float layers in all" % (
            all_int8, len(names), float_layers))
    if a.report and not a.int8_count:
        print("RESULT zoo.torchvision.import_ok=%d" % ok_import)
        print("RESULT zoo.torchvision.c_bitexact=%d" % ok_c)
        if a.m7 and not a.int8_count:
            print("RESULT zoo.torchvision.m7_int8_bitexact=%d" % ok_m7)
            print("RESULT zoo.torchvision.m7_int8_too_big=%d" % len(too_big))
        if a.m7:
            # The int8 + --calibrate cortex-m7 builds: models with no layer left
            # float, and the float layers left over all the models.
            print("RESULT zoo.torchvision.int8_all_int8=%d" % all_int8)
            print("RESULT zoo.torchvision.int8_float_ops=%d" % float_layers)
    m7_ok = not a.m7 or ok_m7 + len(too_big) == len(names)
    if a.int8_count:
        return 0 if m7_ok else 1
    return 0 if ok_import == ok_c == len(names) and m7_ok else 1


if __name__ == "__main__":
    sys.exit(main())
