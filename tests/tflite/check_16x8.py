#!/usr/bin/env python3
"""16x8 TFLite models (int16 activations, int8 weights) against TFLite itself.

For every model given: TFLite's interpreter with its *reference* kernels
(BUILTIN_REF, through ai-edge-litert), qgen's emitted C (built with gcc) and
`qgen run` (the reference interpreter) run the same int16 inputs: N uniform
over the whole int16 range and N drawn as the models were calibrated
(normal, sigma 1.5, quantized with the input scale). Every int16 output must
be identical in all three. On a difference the script names the first
differing tensor (TFLite's preserved tensors vs `qgen run --dump-tensors`).

usage: check_16x8.py QGEN MODELS_DIR WORKDIR [--random N] [--count-ops] [--cortex-a] [--refused M.tflite:OP ...] MODEL.tflite ...
--cortex-a: compile with `--target cortex-a`, build with aarch64-linux-gnu-gcc
(static) and run the program under qemu-aarch64 (exit 77 if either is missing).
--refused: `qgen compile M.tflite` must fail (exit 1) with one error line naming
the operator as the model spells it (`(OP)`) and no output directory.
--count-ops: print `ops_bitexact_16x8=N`, the number of distinct TFLite builtin
operators in the models that passed (bench/zoo/run).
Exit 0: all identical. Exit 1: a difference or a refusal. Exit 77:
ai_edge_litert or a model missing (QGEN_REQUIRE_MODELS=1: missing models fail).
"""
import os
import shutil
import subprocess
import sys

try:
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
except ImportError as e:  # pragma: no cover
    print(f"SKIP: TFLite's interpreter is not importable ({e}); install it with "
          "`python3 -m pip install ai-edge-litert` (scripts/test.sh does)")
    sys.exit(77)

MAIN_C = r"""
#include <stdint.h>
#include <stdio.h>
#include "model.h"
int main(int argc, char **argv) {
  static int16_t in[MODEL_INPUT_SIZE], out[MODEL_OUTPUT_SIZE];
  static uint8_t arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
  FILE *fi = fopen(argv[1], "rb"), *fo = fopen(argv[2], "wb");
  if (argc < 3 || !fi || !fo) return 2;
  while (fread(in, sizeof in[0], MODEL_INPUT_SIZE, fi) == MODEL_INPUT_SIZE) {
    if (model_run(in, out, arena) != MODEL_OK) return 3;
    fwrite(out, sizeof out[0], MODEL_OUTPUT_SIZE, fo);
  }
  return fclose(fo) ? 4 : 0;
}
"""


# The command runner and TFLite's BUILTIN_REF interpreter of the int8 check
# (same directory); its own import guard exits 77 as ours does.
from check_against_tflite import run, tflite_run as _tflite_run_int8  # noqa: E402


def interpreter(path):
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                     experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    return it


def tflite_run(path, inputs):
    return _tflite_run_int8(path, inputs)[1]


def first_difference(qgen, path, x, work):
    xin = os.path.join(work, "diff_in.i16")
    x.astype("<i2").tofile(xin)
    dump = os.path.join(work, "dump")
    run([qgen, "run", path, "--input", xin, "--dump-tensors", dump])
    it = interpreter(path)
    din = it.get_input_details()[0]
    it.set_tensor(din["index"], x.reshape(din["shape"]))
    it.invoke()
    by_name = {d["name"]: d["index"] for d in it.get_tensor_details()}
    types = {"i8": np.int8, "i16": "<i2", "f32": np.float32}
    with open(os.path.join(dump, "index.tsv")) as f:
        for line in f:
            name, file, dtype, _shape = line.rstrip("\n").split("\t")
            if name not in by_name or dtype not in types:
                continue
            ours = np.fromfile(os.path.join(dump, file), dtype=types[dtype])
            theirs = it.get_tensor(by_name[name]).reshape(-1)
            if ours.size != theirs.size:
                return f"tensor '{name}': size {ours.size} vs TFLite {theirs.size}"
            bad = np.nonzero(ours != theirs)[0]
            if bad.size:
                i = int(bad[0])
                return (f"first differing tensor '{name}' element {i}: qgen {ours[i]} vs TFLite {theirs[i]} "
                        f"({bad.size} of {ours.size} elements differ)")
    return "outputs differ but no intermediate tensor could be matched by name"


def check_model(qgen, path, rel, inputs, work, cortex_a):
    d = os.path.join(work, os.path.splitext(os.path.basename(rel))[0])
    out_dir = os.path.join(d, "out")
    run(["rm", "-rf", d])
    os.makedirs(d)
    run([qgen, "compile", path, "--name", "model", "-o", out_dir, "-q"] + (["--target", "cortex-a"] if cortex_a else []))
    with open(os.path.join(d, "main.c"), "w") as f:
        f.write(MAIN_C)
    prog = os.path.join(d, "prog")
    objs = sorted(os.path.join(out_dir, f) for f in os.listdir(out_dir) if f.endswith((".c", ".o", ".a")))
    cc = ["aarch64-linux-gnu-gcc", "-static"] if cortex_a else ["gcc"]
    run(cc + ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off", "-I" + out_dir,
              os.path.join(d, "main.c")] + objs + ["-o", prog, "-lm"])
    xin, xout, xint = (os.path.join(d, n) for n in ("in.i16", "out.i16", "interp.i16"))
    np.concatenate(inputs).astype("<i2").tofile(xin)
    run((["qemu-aarch64"] if cortex_a else []) + [prog, xin, xout])
    ours = np.fromfile(xout, dtype="<i2").reshape(len(inputs), -1)
    theirs = tflite_run(path, inputs)
    mism = [k for k in range(len(inputs)) if not np.array_equal(ours[k], theirs[k])]
    if mism:
        k = mism[0]
        print(f"FAIL {rel}: {len(mism)} of {len(inputs)} inputs differ from TFLite; input {k}: "
              f"{first_difference(qgen, path, inputs[k], d)}")
        return False
    run([qgen, "run", path, "--input", xin, "--output", xint])
    mine = np.fromfile(xint, dtype="<i2").reshape(len(inputs), -1)
    bad = [k for k in range(len(inputs)) if not np.array_equal(mine[k], ours[k])]
    if bad:
        print(f"FAIL {rel}: `qgen run` differs from the emitted C on {len(bad)} of {len(inputs)} inputs")
        return False
    changed = sum(int(np.any(o != 0)) for o in ours)
    print(f"ok {rel}: {len(inputs)} int16 inputs, outputs bit-identical to TFLite's reference kernels and to "
          f"`qgen run` ({changed} non-zero outputs)")
    return True


def main():
    args = [a for a in sys.argv[1:]]
    n_random = 50
    if "--random" in args:
        k = args.index("--random")
        n_random = int(args[k + 1])
        del args[k:k + 2]
    refused = []
    while "--refused" in args:
        k = args.index("--refused")
        refused.append(args[k + 1].split(":"))
        del args[k:k + 2]
    count_ops = "--count-ops" in args
    cortex_a = "--cortex-a" in args
    args = [a for a in args if a not in ("--count-ops", "--cortex-a")]
    if cortex_a and not (shutil.which("aarch64-linux-gnu-gcc") and shutil.which("qemu-aarch64")):
        print("SKIP: --cortex-a needs aarch64-linux-gnu-gcc and qemu-aarch64")
        return 77
    if len(args) < 4:
        print(__doc__)
        return 2
    qgen, models_dir, work, models = args[0], args[1], args[2], args[3:]
    missing = [m for m in models + [r[0] for r in refused] if not os.path.isfile(os.path.join(models_dir, m))]
    if missing:
        if os.environ.get("QGEN_REQUIRE_MODELS") == "1":
            print(f"FAIL: not found in {models_dir}: {', '.join(missing)} (QGEN_REQUIRE_MODELS=1)")
            return 1
        print(f"SKIP: not found in {models_dir}: {', '.join(missing)}")
        return 77
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(20261207)
    passed = failed = 0
    ops_ok = set()
    for rel in models:
        path = os.path.join(models_dir, rel)
        din = interpreter(path).get_input_details()[0]
        size = int(np.prod(din["shape"]))
        scale = float(din["quantization"][0])
        inputs = [rng.integers(-32768, 32768, size=size).astype(np.int16) for _ in range(n_random)]
        inputs += [np.clip(np.round(rng.normal(0.0, 1.5, size=size) / scale), -32768, 32767).astype(np.int16)
                   for _ in range(n_random)]
        try:
            ok = check_model(qgen, path, rel, inputs, work, cortex_a)
        except RuntimeError as e:  # refused, or the C does not build: a failure, go on
            print(f"FAIL {rel}: {e}")
            ok = False
        if ok:
            ops_ok.update(d["op_name"] for d in Interpreter(model_path=path)._get_ops_details())
        passed += ok
        failed += not ok
    for rel, op in refused:  # 16x8 operators qgen has no int16 kernel for: one clear error
        out_dir = os.path.join(work, "refused_" + os.path.splitext(rel)[0])
        run(["rm", "-rf", out_dir])
        r = subprocess.run([qgen, "compile", os.path.join(models_dir, rel), "-o", out_dir], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        lines = r.stderr.strip().splitlines()
        ok = r.returncode == 1 and len(lines) == 1 and f"({op})" in lines[0] and "16x8" in lines[0] and not os.path.exists(out_dir)
        print(f"{'ok' if ok else 'FAIL'} {rel} refused: exit {r.returncode}: {r.stderr.strip()}")
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    if count_ops:
        print(f"ops in passing models: {' '.join(sorted(ops_ok))}")
        print(f"ops_bitexact_16x8={len(ops_ok)}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
