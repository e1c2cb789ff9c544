#!/usr/bin/env python3
"""Models with two inputs and two outputs (tests/models/multiio), end to end.

For each case: `qgen compile` (--name model), check the header declares
  int model_run(const T *input0, const T *input1, T *output0, T *output1, void *arena);
and the per-tensor macros MODEL_INPUT<k>_SIZE / MODEL_OUTPUT<k>_SIZE (+ _NAME,
_SHAPE, _SCALE / _ZERO_POINT for int8 tensors); build the emitted C with a
driver that calls model_run on N random samples; compare its outputs element
by element with `qgen run --input A --input B --output O0 --output O1`
(bit-exact) and with the framework:
  two_io.tflite  int8:  TFLite's reference kernels (BUILTIN_REF), bit-exact
  two_io.onnx    float: ONNX Runtime, within 1e-4 (relative to max |value|)
  two_io.json    float, LQ and int8 (--calibrate): `qgen run` only

usage: check_multiio.py QGEN MODELS_DIR WORKDIR [--targets c,x86-64,cortex-a,cortex-m7] [--samples N]
cortex-a: built with aarch64-linux-gnu-gcc, run with qemu-aarch64.
cortex-m7: the emitted C built for QEMU's mps2-an500 (targets/cortex-m7), the
samples compiled into the program; needs arm-none-eabi-gcc and qemu-system-arm.
Also: --target hls and a wrong number of --input / --output files (qgen run,
qgen diff) or --save-inputs files (qgen validate) are one error line each
(exit 1, nothing written). qgen validate / diff themselves on these models:
tests/diff (diff_multiio, diff_multiio_m7).
Exit 0: all equal; 1: a difference; 77: a Python module or model is missing.
"""
import os
import re
import subprocess
import sys

try:
    import numpy as np
except ImportError as e:  # pragma: no cover
    print(f"SKIP: numpy is not importable ({e})")
    sys.exit(77)

MAIN_C = r"""
#include <stdint.h>
#include <stdio.h>
#include "model.h"
/* argv: in0 in1 out0 out1: N samples back to back per file. */
int main(int argc, char **argv) {
  static T_IN0 in0[MODEL_INPUT0_SIZE];
  static T_IN1 in1[MODEL_INPUT1_SIZE];
  static T_OUT0 out0[MODEL_OUTPUT0_SIZE];
  static T_OUT1 out1[MODEL_OUTPUT1_SIZE];
  static uint8_t arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
  if (argc < 5) return 2;
  FILE *f0 = fopen(argv[1], "rb"), *f1 = fopen(argv[2], "rb"), *g0 = fopen(argv[3], "wb"), *g1 = fopen(argv[4], "wb");
  if (!f0 || !f1 || !g0 || !g1) return 2;
  if (MODEL_NUM_INPUTS != 2 || MODEL_NUM_OUTPUTS != 2) return 5;
  while (fread(in0, 1, sizeof in0, f0) == sizeof in0 && fread(in1, 1, sizeof in1, f1) == sizeof in1) {
    /* poison the outputs: every element must be written */
    for (unsigned i = 0; i < MODEL_OUTPUT0_SIZE; ++i) out0[i] = (T_OUT0)99;
    for (unsigned i = 0; i < MODEL_OUTPUT1_SIZE; ++i) out1[i] = (T_OUT1)99;
    if (model_run(in0, in1, out0, out1, arena) != MODEL_OK) return 3;
    fwrite(out0, 1, sizeof out0, g0);
    fwrite(out1, 1, sizeof out1, g1);
  }
  if (model_run(in0, 0, out0, out1, arena) != MODEL_ERR_NULL) return 6;
  return fclose(g0) || fclose(g1) ? 4 : 0;
}
"""


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-3000:]}")
    return r.stdout


def header_io(h):
    """(input types, output types, sizes) from the header; checks the signature."""
    m = re.search(r"int model_run\(([^)]*)\);", h)
    if not m:
        raise RuntimeError("no model_run declaration in model.h")
    params = [p.strip() for p in m.group(1).split(",")]
    want = ["input0", "input1", "output0", "output1", "arena"]
    names = [re.split(r"[ *]+", p)[-1] for p in params]
    if names != want:
        raise RuntimeError(f"model_run parameters are {names}, expected {want}")
    types = [re.sub(r"^const ", "", p).split()[0] for p in params[:4]]
    sizes = {}
    for k in ("INPUT0", "INPUT1", "OUTPUT0", "OUTPUT1"):
        s = re.search(rf"#define MODEL_{k}_SIZE (\d+)", h)
        if not s or not re.search(rf'#define MODEL_{k}_NAME "[A-Za-z0-9_.:+-]*"', h):
            raise RuntimeError(f"model.h has no MODEL_{k}_SIZE / MODEL_{k}_NAME")
        sizes[k] = int(s.group(1))
    for k, t in zip(("INPUT0", "INPUT1", "OUTPUT0", "OUTPUT1"), types):
        if t == "int8_t" and not re.search(rf"#define MODEL_{k}_ZERO_POINT -?\d+", h):
            raise RuntimeError(f"int8 tensor {k} has no MODEL_{k}_ZERO_POINT")
    return types, sizes


NP = {"float": np.float32, "int8_t": np.int8}


M7_C = r"""
#include <stdint.h>
#include <string.h>
#include "board.h"
#include "model.h"
#include "m7_data.h" /* NS samples: IN0[NS][...], IN1[NS][...] */
static T_OUT0 out0[MODEL_OUTPUT0_SIZE];
static T_OUT1 out1[MODEL_OUTPUT1_SIZE];
static uint8_t arena[MODEL_ARENA_BYTES] __attribute__((aligned(16)));
static void put(const void *p, unsigned n, unsigned elem) {
  for (unsigned i = 0; i < n; ++i) {
    if (elem == 1) qg_board_put_i64(((const int8_t *)p)[i]);
    else { uint32_t u; memcpy(&u, (const char *)p + 4 * i, 4); qg_board_put_hex32(u); }
    qg_board_puts(" ");
  }
  qg_board_puts("\n");
}
int main(void) {
  for (unsigned s = 0; s < NS; ++s) {
    if (model_run(IN0[s], IN1[s], out0, out1, arena) != MODEL_OK) return 3;
    put(out0, MODEL_OUTPUT0_SIZE, sizeof out0[0]);
    put(out1, MODEL_OUTPUT1_SIZE, sizeof out1[0]);
  }
  return 0;
}
"""


def m7_outputs(out, work, types, xs):
    """Builds the emitted C for QEMU's Cortex-M7 (targets/cortex-m7) and returns its outputs."""
    m7 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "targets", "cortex-m7")
    with open(os.path.join(work, "m7_data.h"), "w") as f:
        f.write(f"#define NS {len(xs)}\n")
        for k in range(2):
            vals = ",".join("{" + ",".join(repr(float(v)) if types[k] == "float" else str(int(v)) for v in x[k]) + "}" for x in xs)
            f.write(f"static const {types[k]} IN{k}[NS][{xs[0][k].size}] = {{{vals}}};\n")
    main = os.path.join(work, "m7_main.c")
    with open(main, "w") as f:
        f.write(M7_C)
    elf = os.path.join(work, "prog.elf")
    defs = [f"-D{n}={t}" for n, t in zip(("T_OUT0", "T_OUT1"), types[2:])]
    run([os.path.join(m7, "build-elf.sh"), elf, main, os.path.join(out, "model.c"), os.path.join(out, "model_weights.c"), "--",
         "-I" + out, "-I" + work] + defs)
    lines = run([os.path.join(m7, "run-qemu.sh"), elf], env=dict(os.environ, QG_QEMU_TIMEOUT="120")).split("\n")
    lines = [ln.split() for ln in lines if ln.strip()]
    if len(lines) != 2 * len(xs):
        raise RuntimeError(f"the Cortex-M7 program printed {len(lines)} lines, expected {2 * len(xs)}")
    c = [[], []]
    for i, toks in enumerate(lines[:2 * len(xs)]):
        k = i % 2
        if types[2 + k] == "int8_t":
            c[k].append(np.array([int(t) for t in toks], dtype=np.int8))
        else:
            c[k].append(np.array([int(t, 16) for t in toks], dtype=np.uint32).view(np.float32))
    return [np.stack(v) for v in c]


def build_and_run(qgen, model, work, target, extra, xs):
    out = os.path.join(work, "out")
    run(["rm", "-rf", work])
    os.makedirs(work)
    run([qgen, "compile", model, "--name", "model", "--target", target, "-o", out, "-q"] + extra)
    with open(os.path.join(out, "model.h")) as f:
        types, sizes = header_io(f.read())
    files = [os.path.join(work, n) for n in ("in0.bin", "in1.bin", "c0.bin", "c1.bin", "i0.bin", "i1.bin")]
    for k in range(2):
        np.concatenate([x[k].reshape(-1) for x in xs]).astype(NP[types[k]]).tofile(files[k])
    if target == "cortex-m7":
        c = m7_outputs(out, work, types, xs)
    else:
        main = os.path.join(work, "main.c")
        with open(main, "w") as f:
            f.write(MAIN_C)
        defs = [f"-D{n}={t}" for n, t in zip(("T_IN0", "T_IN1", "T_OUT0", "T_OUT1"), types)]
        srcs = [main] + [os.path.join(out, f) for f in sorted(os.listdir(out)) if f.endswith(".c") or f.endswith(".o")]
        prog = os.path.join(work, "prog")
        aarch64 = target == "cortex-a"  # cross-built, run under qemu-aarch64
        run(["aarch64-linux-gnu-gcc" if aarch64 else "gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off",
             "-I" + out] + defs + srcs + ["-o", prog, "-lm", "-lpthread", "-ldl"])
        run((["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"] if aarch64 else []) + [prog] + files[:4])
        c = [np.fromfile(files[2 + k], dtype=NP[types[2 + k]]).reshape(len(xs), -1) for k in range(2)]
    interp_cmd = [qgen, "run", model, "--input", files[0], "--input", files[1], "--output", files[4], "--output", files[5]]
    run(interp_cmd + [e for e in extra if e != "-q"])
    r = [np.fromfile(files[4 + k], dtype=NP[types[2 + k]]).reshape(len(xs), -1) for k in range(2)]
    for k in range(2):
        if c[k].shape[1] != sizes[f"OUTPUT{k}"]:
            raise RuntimeError(f"output {k}: {c[k].shape[1]} values, MODEL_OUTPUT{k}_SIZE {sizes[f'OUTPUT{k}']}")
        bad = np.argwhere(c[k].view(np.uint8 if types[2 + k] == "int8_t" else np.uint32) !=
                          r[k].view(np.uint8 if types[2 + k] == "int8_t" else np.uint32))
        if bad.size:
            s, e = bad[0]
            raise RuntimeError(f"emitted C differs from `qgen run`: output {k} sample {s} element {e}: "
                               f"{c[k][s, e]} vs {r[k][s, e]} ({len(bad)} elements differ)")
    return types, c


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    qgen, models, work = sys.argv[1], sys.argv[2], sys.argv[3]
    targets = sys.argv[sys.argv.index("--targets") + 1].split(",") if "--targets" in sys.argv else ["c"]
    n = int(sys.argv[sys.argv.index("--samples") + 1]) if "--samples" in sys.argv else 20
    rng = np.random.default_rng(1515)
    cases = []  # (name, model, extra args, inputs, reference)

    tfl = os.path.join(models, "two_io.tflite")
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        def tflite_ref(xs):
            it = Interpreter(model_path=tfl, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
            it.allocate_tensors()
            din, dout = it.get_input_details(), it.get_output_details()  # subgraph order = model order
            outs = [[], []]
            for x in xs:
                for k in range(2):
                    it.set_tensor(din[k]["index"], x[k].reshape(din[k]["shape"]))
                it.invoke()
                for k in range(2):
                    outs[k].append(it.get_tensor(dout[k]["index"]).reshape(-1).copy())
            return [np.stack(o) for o in outs], 0.0
        xs = [[rng.integers(-128, 128, 192, dtype=np.int8), rng.integers(-128, 128, 192, dtype=np.int8)] for _ in range(n)]
        cases.append(("tflite int8", tfl, [], xs, tflite_ref))
    except ImportError as e:
        print(f"SKIP: two_io.tflite vs TFLite (ai_edge_litert not importable: {e})")
        return 77

    onx = os.path.join(models, "two_io.onnx")
    try:
        import onnxruntime as ort

        def onnx_ref(xs):
            s = ort.InferenceSession(onx, providers=["CPUExecutionProvider"])
            outs = [[], []]
            for x in xs:
                r = s.run(None, {"a": x[0].reshape(1, 3, 8, 8), "b": x[1].reshape(1, 3, 8, 8)})
                for k in range(2):
                    outs[k].append(r[k].reshape(-1))
            return [np.stack(o) for o in outs], 1e-4
        xs = [[rng.uniform(-1, 1, 192).astype(np.float32), rng.uniform(-1, 1, 192).astype(np.float32)] for _ in range(n)]
        cases.append(("onnx float", onx, [], xs, onnx_ref))
    except ImportError as e:
        print(f"SKIP: two_io.onnx vs ONNX Runtime (onnxruntime not importable: {e})")
        return 77

    js = os.path.join(models, "two_io.json")
    xs = [[rng.uniform(-1, 1, 108).astype(np.float32), rng.uniform(-1, 1, 108).astype(np.float32)] for _ in range(n)]
    os.makedirs(work, exist_ok=True)
    cal = os.path.join(work, "calib.f32")  # samples: both inputs back to back
    np.concatenate([np.concatenate(x) for x in xs[:8]]).astype(np.float32).tofile(cal)
    cases.append(("net.json float", js, [], xs, None))
    cases.append(("net.json lq8", js, ["--config", os.path.join(models, "lq.json")], xs, None))
    cases.append(("net.json int8", js, ["--config", os.path.join(models, "int8.json"), "--calibrate", cal], xs, None))

    missing = [m for _, m, _, _, _ in cases if not os.path.isfile(m)]
    if missing:
        print(f"SKIP: missing {', '.join(missing)}")
        return 77
    failed = 0
    for name, model, extra, xs, ref in cases:
        for target in targets:
            tag = f"{name} --target {target}"
            try:
                types, c = build_and_run(qgen, model, os.path.join(work, re.sub(r"\W+", "_", tag)), target, extra, xs)
                what = "emitted C = `qgen run`"
                if ref:
                    want, tol = ref(xs)
                    for k in range(2):
                        if tol == 0.0:
                            bad = np.argwhere(c[k] != want[k])
                        else:
                            bad = np.argwhere(np.abs(c[k] - want[k]) > tol * max(1.0, float(np.abs(want[k]).max())))
                        if bad.size:
                            s, e = bad[0]
                            raise RuntimeError(f"output {k} sample {s} element {e}: {c[k][s, e]} vs reference {want[k][s, e]} "
                                               f"({len(bad)} elements differ)")
                    what += " = TFLite BUILTIN_REF (bit-exact)" if tol == 0.0 else f" = ONNX Runtime (within {tol})"
                print(f"ok {tag}: {len(xs)} samples, {types}: {what}")
            except RuntimeError as e:
                print(f"FAIL {tag}: {e}")
                failed += 1
    failed += check_refusals(qgen, tfl, js, work)
    print(f"{failed} failed")
    return 1 if failed else 0


def check_refusals(qgen, tfl, js, work):
    """What takes one input and one output only says so in one error line, exit 1, no output folder."""
    failed = 0
    a = os.path.join(work, "a.f32")
    np.zeros(108, dtype=np.float32).tofile(a)
    cases = [
        ([qgen, "compile", tfl, "--target", "hls", "-o", os.path.join(work, "hls_out")], "--target hls takes a model with one input and one output"),
        ([qgen, "diff", js, "--target", "c", "--input", a], "--input: the model has 2 inputs and 1 --input file was given"),
        ([qgen, "validate", tfl, "--target", "c", "--inputs", "2", "--save-inputs", os.path.join(work, "o0")],
         "--save-inputs: the model has 2 inputs and 1 --save-inputs file was given"),
        ([qgen, "run", js, "--input", a], "--input: the model has 2 inputs ('left image', 'right*/image'); give --input once per input"),
        ([qgen, "run", js, "--input", a, "--input", a, "--output", os.path.join(work, "o0")], "--output: the model has 2 outputs"),
    ]
    for cmd, want in cases:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = r.stderr.strip().split("\n")
        if r.returncode != 1 or len(lines) != 1 or want not in lines[0] or not lines[0].startswith("qgen: error: "):
            print(f"FAIL refusal {' '.join(cmd[1:3])}: exit {r.returncode}, stderr {r.stderr!r}, expected one line with {want!r}")
            failed += 1
        else:
            print(f"ok refusal: {lines[0]}")
    if os.path.exists(os.path.join(work, "hls_out")) or os.path.exists(os.path.join(work, "o0")):
        print("FAIL refusal: an output was written")
        failed += 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
