#!/usr/bin/env python3
"""check_torchvision.py QGEN TORCH_PYTHON WORK_DIR [--cc CC] [--report] [NAME ...]

The 12 torchvision architectures of issue 15, end to end:
  1. export each with TORCH_PYTHON (export_torchvision.py; cached in WORK_DIR),
  2. `qgen run` (float) against onnxruntime on the exported input: worst
     |qgen - ort| / max(1, |ort|) and worst |qgen - ort| / max |ort| must
     both be <= 1e-4,
  3. `qgen compile` (portable C), build the emitted C with a small driver
     (-O2 -ffp-contract=off, the c target's flags) and run it on the same
     input: its output must equal `qgen run`'s bit for bit.
Prints one line per model and, with --report, the RESULT lines of bench/zoo/run.
Exits 77 (skip) when TORCH_PYTHON cannot import torch and torchvision, 1 on any
failure. This interpreter needs numpy and onnxruntime.
"""
import argparse
import os
import re
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


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def check(name, a, d):
    onnx_path = os.path.join(d, name + ".onnx")
    inp = os.path.join(d, name + ".input.npy")
    if not (os.path.exists(onnx_path) and os.path.exists(inp)):
        r = run([a.torch_python, os.path.join(HERE, "export_torchvision.py"), d, name])
        if r.returncode != 0:
            return "export failed: " + r.stderr.strip()[-400:], False, False
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qgen")
    p.add_argument("torch_python")
    p.add_argument("work_dir")
    p.add_argument("--cc", default=os.environ.get("CC", "cc"))
    p.add_argument("--report", action="store_true")
    p.add_argument("names", nargs="*")
    a = p.parse_args()
    a.qgen = os.path.abspath(a.qgen)
    if not a.torch_python or run([a.torch_python, "-c", "import torch, torchvision"]).returncode != 0:
        print("SKIP: %r cannot import torch and torchvision (configure QGEN_TORCH_PYTHON)" % a.torch_python)
        return 77
    os.makedirs(a.work_dir, exist_ok=True)
    names = a.names or MODELS
    ok_import = ok_c = 0
    for name in names:
        msg, imported, exact = check(name, a, a.work_dir)
        ok_import += imported
        ok_c += exact
        print("%s %s: %s" % ("ok" if imported and exact else "FAIL", name, msg), flush=True)
    print("%d models, %d match onnxruntime, %d with bit-exact emitted C" % (len(names), ok_import, ok_c))
    if a.report:
        print("RESULT zoo.torchvision.import_ok=%d" % ok_import)
        print("RESULT zoo.torchvision.c_bitexact=%d" % ok_c)
    return 0 if ok_import == ok_c == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
