#!/usr/bin/env python3
"""Float TFLite models: `qgen run` must match TFLite's reference kernels
(BUILTIN_REF resolver) within 1e-4 relative (max |qgen - tflite| / max |tflite|)
on random inputs.

Hybrid models (FLOAT32 activations with INT8 constant filters, e.g.
kws_ref_model_float32.tflite) are compared against a copy whose filters are
dequantized to FLOAT32: TFLite's hybrid kernels quantize the activations to
int8 on the fly, which qgen's float mode does not (it dequantizes the filters
at import and computes in float), so the original differs by ~1e-2.

usage: compare_float.py QGEN MODEL.tflite...   (needs numpy, ai_edge_litert, flatbuffers)
Exit 0: all within tolerance. Exit 1: a difference (or a missing model under
QGEN_REQUIRE_MODELS=1). Exit 77: a model is missing.
"""
import os, subprocess, sys, tempfile
import numpy as np
import flatbuffers
from ai_edge_litert import schema_py_generated as S
from ai_edge_litert.interpreter import Interpreter, OpResolverType

TOL = 1e-4


def dequantized_copy(src, dst):
    """Writes src with its INT8 constant tensors dequantized to FLOAT32; returns how many."""
    m = S.ModelT.InitFromObj(S.Model.GetRootAs(open(src, 'rb').read(), 0))
    n = 0
    for t in m.subgraphs[0].tensors:
        b = m.buffers[t.buffer]
        if t.type != S.TensorType.INT8 or b.data is None or len(b.data) == 0:
            continue
        q = np.frombuffer(bytes(b.data), dtype=np.int8).reshape(t.shape).astype(np.float64)
        sc, zp = np.array(t.quantization.scale), np.array(t.quantization.zeroPoint)
        shape = [1] * len(t.shape)
        if sc.size > 1:
            shape[t.quantization.quantizedDimension] = sc.size
        f = (sc.reshape(shape) * (q - zp.reshape(shape))).astype(np.float32)
        b.data = np.frombuffer(f.tobytes(), dtype=np.uint8)
        t.type, t.quantization = S.TensorType.FLOAT32, None
        n += 1
    fb = flatbuffers.Builder(1024)
    fb.Finish(m.Pack(fb), file_identifier=b"TFL3")
    open(dst, 'wb').write(fb.Output())
    return n


def main():
    qgen, models = sys.argv[1], sys.argv[2:]
    missing = [m for m in models if not os.path.isfile(m)]
    if missing:
        # A missing model is a skip (exit 77), a failure under QGEN_REQUIRE_MODELS=1.
        if os.environ.get("QGEN_REQUIRE_MODELS") == "1":
            print(f"FAIL: model(s) not found: {', '.join(missing)} (QGEN_REQUIRE_MODELS=1: missing inputs fail)")
            return 1
        print(f"SKIP: model(s) not found: {', '.join(missing)}")
        return 77
    rng = np.random.default_rng(20240601)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="qgen-tflite-float.") as tmp:
        for path in models:
            name = os.path.basename(path)
            ref = os.path.join(tmp, "ref.tflite")
            hybrid = dequantized_copy(path, ref)
            it = Interpreter(model_path=ref, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
            it.allocate_tensors()
            ind, outd = it.get_input_details()[0], it.get_output_details()[0]
            worst = 0.0
            for trial in range(3):
                x = rng.uniform(-1, 1, size=ind['shape']).astype(np.float32)
                it.set_tensor(ind['index'], x)
                it.invoke()
                want = it.get_tensor(outd['index']).reshape(-1).astype(np.float64)
                x.tofile(os.path.join(tmp, "in.f32"))
                r = subprocess.run([qgen, "run", path, "--input", os.path.join(tmp, "in.f32"), "--output",
                                    os.path.join(tmp, "out.f32")], capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"FAIL {name}: qgen run: {r.stderr.strip()}")
                    failed += 1
                    break
                got = np.fromfile(os.path.join(tmp, "out.f32"), dtype=np.float32).astype(np.float64)
                if got.shape != want.shape:
                    print(f"FAIL {name}: {got.size} outputs, TFLite has {want.size}")
                    failed += 1
                    break
                worst = max(worst, float(np.max(np.abs(got - want)) / max(float(np.max(np.abs(want))), 1e-30)))
            else:
                status = "ok" if worst <= TOL else "FAIL"
                failed += status == "FAIL"
                note = f" (vs a copy with {hybrid} int8 filters dequantized)" if hybrid else ""
                print(f"{status} {name}: max relative difference {worst:.3g}{note}")
    print(f"{len(models) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
