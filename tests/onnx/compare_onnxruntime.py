#!/usr/bin/env python3
"""compare_onnxruntime.py QGEN MAKE_ONNX_MODELS

Writes the ONNX test models (make_onnx_models), runs each on random inputs with
onnxruntime and with `qgen run` (float), and checks that the outputs agree
within 1e-4 (relative to max(1, |value|)). Prints one line per model, exits 1
on any mismatch. Needs python3 with numpy and onnxruntime.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort

TOL = 1e-4


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    qgen, maker = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failed = 0
    with tempfile.TemporaryDirectory(prefix="qgen-onnx-ort-") as d:
        subprocess.run([maker, d], check=True)
        with open(os.path.join(d, "models.tsv")) as f:
            rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
        rng = np.random.default_rng(1)
        for name, dims in rows:
            shape = [int(x) for x in dims.split(",")]
            path = os.path.join(d, name + ".onnx")
            sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            worst = 0.0
            for _ in range(3):
                x = rng.uniform(-1, 1, size=shape).astype(np.float32)
                want = sess.run(None, {sess.get_inputs()[0].name: x})[0].astype(np.float64).ravel()
                x.tofile(os.path.join(d, "in.f32"))
                r = subprocess.run([qgen, "run", path, "--input", "in.f32", "--output", "out.f32"],
                                   cwd=d, capture_output=True, text=True)
                if r.returncode != 0:
                    print("FAIL %s: qgen run: %s" % (name, r.stderr.strip()))
                    failed += 1
                    break
                got = np.fromfile(os.path.join(d, "out.f32"), dtype=np.float32).astype(np.float64)
                if got.shape != want.shape:
                    print("FAIL %s: %d outputs, onnxruntime has %d" % (name, got.size, want.size))
                    failed += 1
                    break
                worst = max(worst, float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))))
            else:
                ok = worst <= TOL
                failed += not ok
                print("%s %s: worst relative difference %.3g" % ("ok" if ok else "FAIL", name, worst))
    print("%d models, %d failed" % (len(rows), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
