#!/usr/bin/env python3
"""Independent check of qgen against TFLite itself.

For every int8 model in the model folder (models/ of the repository;
$QGEN_MODELS_DIR overrides MODELS_DIR): TFLite's interpreter with its
*reference* kernels (BUILTIN_REF) and qgen's emitted C (built with gcc) run the
real inputs and >= 100 random inputs; the int8 outputs must be identical. On a
difference the script names the first differing tensor and element (TFLite's
preserved intermediate tensors vs `qgen run --dump-tensors`).

usage: check_against_tflite.py QGEN MODELS_DIR WORKDIR [--random N] [--interp] [--target T] [--only REL ...]
--only: check just these int8 models (paths relative to MODELS_DIR; random inputs).
--interp: also run `qgen run` (the reference interpreter) on the same inputs;
its int8 outputs must equal the emitted C's.
--target T: compile with `qgen compile --target T` (a host target: c, x86-64)
and link every .c / .o / .a it writes.
--count-ops: print `ops_bitexact=N`, the number of distinct TFLite builtin
operators in the models that passed (for bench/zoo/run).
Exit 0: all identical. Exit 1: a difference (or a missing model under
QGEN_REQUIRE_MODELS=1). Exit 77: ai_edge_litert or a model missing.
"""
import os
import subprocess
import sys

try:
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
except ImportError as e:  # pragma: no cover
    print(f"SKIP: TFLite's interpreter is not importable ({e}); install it with "
          "`python3 -m pip install ai-edge-litert` (scripts/test.sh does)")
    sys.exit(77)

MODELS = [
    ("mlperf-tiny/kws_ref_model.tflite", "kws"),
    ("mlperf-tiny/pretrainedResnet_quant.tflite", "resnet8"),
    ("mlperf-tiny/vww_96_int8.tflite", "vww"),
    ("mlperf-tiny/ad01_int8.tflite", "ad01"),
    ("hello_world_int8.tflite", "hello"),
]
INPUTS = ["mlperf-tiny/kws_input0.int8.bin", "mlperf-tiny/ad_input0.f32.bin"]

MAIN_C = r"""
#include <stdint.h>
#include <stdio.h>
#include "model.h"
int main(int argc, char **argv) {
  static int8_t in[MODEL_INPUT_SIZE], out[MODEL_OUTPUT_SIZE];
  static uint8_t arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
  FILE *fi = fopen(argv[1], "rb"), *fo = fopen(argv[2], "wb");
  if (argc < 3 || !fi || !fo) return 2;
  while (fread(in, 1, sizeof in, fi) == sizeof in) {
    if (model_run(in, out, arena) != MODEL_OK) return 3;
    fwrite(out, 1, sizeof out, fo);
  }
  return fclose(fo) ? 4 : 0;
}
"""


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-3000:]}")
    return r.stdout


def tflite_run(path, inputs):
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                     experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    din, dout = it.get_input_details()[0], it.get_output_details()[0]
    outs = []
    for x in inputs:
        it.set_tensor(din["index"], x.reshape(din["shape"]))
        it.invoke()
        outs.append(it.get_tensor(dout["index"]).reshape(-1).copy())
    return it, outs


def first_difference(qgen, model, x, work, tfl_path):
    """Names the first tensor (in qgen's execution order) that differs from TFLite's."""
    xin = os.path.join(work, "diff_in.i8")
    x.astype(np.int8).tofile(xin)
    dump = os.path.join(work, "dump")
    run([qgen, "run", model, "--input", xin, "--dump-tensors", dump])
    it = Interpreter(model_path=tfl_path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                     experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x.reshape(it.get_input_details()[0]["shape"]))
    it.invoke()
    by_name = {d["name"]: d["index"] for d in it.get_tensor_details()}
    with open(os.path.join(dump, "index.tsv")) as f:
        for line in f:
            name, file, dtype, _shape = line.rstrip("\n").split("\t")
            if name not in by_name:
                continue
            ours = np.fromfile(os.path.join(dump, file), dtype=np.int8 if dtype == "i8" else np.float32)
            theirs = it.get_tensor(by_name[name]).reshape(-1)
            if ours.size != theirs.size:
                return f"tensor '{name}': size {ours.size} vs TFLite {theirs.size}"
            bad = np.nonzero(ours != theirs)[0]
            if bad.size:
                i = int(bad[0])
                return (f"first differing tensor '{name}' element {i}: qgen {ours[i]} vs TFLite {theirs[i]} "
                        f"({bad.size} of {ours.size} elements differ)")
    return "outputs differ but no intermediate tensor could be matched by name"


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    qgen, models_dir, work = sys.argv[1], sys.argv[2], sys.argv[3]
    global TARGET
    TARGET = sys.argv[sys.argv.index("--target") + 1] if "--target" in sys.argv else None
    n_random = int(sys.argv[sys.argv.index("--random") + 1]) if "--random" in sys.argv else 100
    models = MODELS
    if "--only" in sys.argv:
        models = [(rel, os.path.splitext(os.path.basename(rel))[0]) for rel in sys.argv[sys.argv.index("--only") + 1:]]
    else:
        models_dir = os.environ.get("QGEN_MODELS_DIR") or models_dir
    missing = [rel for rel, _ in models if not os.path.isfile(os.path.join(models_dir, rel))]
    missing += [rel for rel in (INPUTS if models is MODELS else []) if not os.path.isfile(os.path.join(models_dir, rel))]
    if missing:
        if os.environ.get("QGEN_REQUIRE_MODELS") == "1":
            print(f"FAIL: not found in {models_dir}: {', '.join(missing)} (QGEN_REQUIRE_MODELS=1: missing inputs fail)")
            return 1
        print(f"SKIP: not found in {models_dir}: {', '.join(missing)}")
        return 77
    os.makedirs(work, exist_ok=True)
    passed = failed = 0
    ops_ok = set()  # builtin operators of the models that passed
    rng = np.random.default_rng(20261122)
    for rel, tag in models:
        path = os.path.join(models_dir, rel)
        it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        din = it.get_input_details()[0]
        size = int(np.prod(din["shape"]))
        scale, zp = din["quantization"]
        inputs = []
        if tag == "kws":
            inputs.append(np.fromfile(os.path.join(models_dir, "mlperf-tiny/kws_input0.int8.bin"), dtype=np.int8))
        if tag == "ad01":
            spec = np.fromfile(os.path.join(models_dir, "mlperf-tiny/ad_input0.f32.bin"), dtype=np.float32).reshape(-1, 640)
            for w in spec:  # TFLite's input quantization: round half away from zero, clamp
                q = np.sign(w / scale) * np.floor(np.abs(w / np.float32(scale)) + 0.5) + zp
                inputs.append(np.clip(q, -128, 127).astype(np.int8))
        inputs += [rng.integers(-128, 128, size=size, dtype=np.int8) for _ in range(n_random)]

        try:
            ok = check_model(qgen, path, rel, tag, inputs, n_random, work, "--interp" in sys.argv)
            if ok:
                it = Interpreter(model_path=path)
                ops_ok.update(d["op_name"] for d in it._get_ops_details())
        except RuntimeError as e:  # a model qgen refuses or whose C does not build: a failure, go on
            print(f"FAIL {rel}: {e}")
            ok = False
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    if "--count-ops" in sys.argv:
        print(f"ops in passing models: {' '.join(sorted(ops_ok))}")
        print(f"ops_bitexact={len(ops_ok)}")
    return 0 if failed == 0 else 1


TARGET = None  # --target


def check_model(qgen, path, rel, tag, inputs, n_random, work, interp):
    """Compiles `path`, runs its C on `inputs` and compares with TFLite; True when identical."""
    if True:
        d = os.path.join(work, tag)
        out_dir = os.path.join(d, "out")
        run(["rm", "-rf", d])
        os.makedirs(d)
        run([qgen, "compile", path, "--name", "model", "-o", out_dir, "-q"] + (["--target", TARGET] if TARGET else []))
        with open(os.path.join(d, "main.c"), "w") as f:
            f.write(MAIN_C)
        prog = os.path.join(d, "prog")
        srcs = [os.path.join(out_dir, "model.c"), os.path.join(out_dir, "model_weights.c")]
        if TARGET:
            srcs = sorted(os.path.join(out_dir, f) for f in os.listdir(out_dir) if f.endswith((".c", ".o", ".a")))
        run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off", "-I" + out_dir,
             os.path.join(d, "main.c")] + srcs + ["-o", prog, "-lm"])
        xin, xout = os.path.join(d, "in.i8"), os.path.join(d, "out.i8")
        np.concatenate(inputs).astype(np.int8).tofile(xin)
        run([prog, xin, xout])
        ours = np.fromfile(xout, dtype=np.int8).reshape(len(inputs), -1)
        _, theirs = tflite_run(path, inputs)
        mism = [k for k in range(len(inputs)) if not np.array_equal(ours[k], theirs[k])]
        if mism:
            k = mism[0]
            why = first_difference(qgen, path, inputs[k], d, path)
            print(f"FAIL {rel}: {len(mism)} of {len(inputs)} inputs differ; input {k}: {why}")
            return False
        also = ""
        if interp:  # the reference interpreter on the same inputs: equal to the emitted C
            xint = os.path.join(d, "interp.i8")
            run([qgen, "run", path, "--input", xin, "--output", xint])
            mine = np.fromfile(xint, dtype=np.int8).reshape(len(inputs), -1)
            bad = [k for k in range(len(inputs)) if not np.array_equal(mine[k], ours[k])]
            if bad:
                print(f"FAIL {rel}: `qgen run` differs from the emitted C on {len(bad)} of {len(inputs)} inputs")
                return False
            also = " and to `qgen run`"
        print(f"ok {rel}: {len(inputs)} inputs ({len(inputs) - n_random} real, {n_random} random), "
              f"int8 outputs bit-identical to TFLite's reference kernels{also}")
        return True


if __name__ == "__main__":
    sys.exit(main())
