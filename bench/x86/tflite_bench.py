#!/usr/bin/env python3
"""TFLite side of bench/x86/run (needs ai-edge-litert and numpy).

  tflite_bench.py MODEL.tflite TRIVIAL.tflite
      prints "median_us X raw_us R overhead_us O runs N"

MODEL is run by ai-edge-litert's default interpreter (`Interpreter(model_path,
num_threads=1)`: the built-in op resolver with the XNNPACK delegate it applies
by default) on a fixed pseudo-random input of the model's input type, set once.
Timing as bench/x86/timer.c: 10 warm-up invokes, then each invoke() timed alone
(perf_counter), at least 21 runs and about one second; R = the median.

Python call overhead: TRIVIAL (a one-op model on 256 int8 values, e.g.
tests/models/tflite_ops/quantize.tflite) is timed the same way right before and
after MODEL; O = the smaller of its two medians, and X = R - O. O includes the
trivial op's own work (well under a microsecond), so X is, if anything, a
little low: the comparison errs in TFLite's favour.
"""
import sys
import time

import numpy as np


def interpreter(path):
    from ai_edge_litert.interpreter import Interpreter
    it = Interpreter(model_path=path, num_threads=1)
    it.allocate_tensors()
    rng = np.random.default_rng(12345)
    for d in it.get_input_details():
        dt = np.dtype(d["dtype"])
        if dt.kind == "f":
            x = rng.uniform(-1, 1, size=d["shape"]).astype(dt)
        else:
            info = np.iinfo(dt)
            x = rng.integers(info.min, info.max, size=d["shape"], endpoint=True).astype(dt)
        it.set_tensor(d["index"], x)
    return it


def median_us(it):
    invoke = it.invoke
    for _ in range(10):
        invoke()
    t = []
    end = time.perf_counter() + 1.0
    while len(t) < 21 or (time.perf_counter() < end and len(t) < 20000):
        a = time.perf_counter()
        invoke()
        t.append(time.perf_counter() - a)
    t.sort()
    return t[len(t) // 2] * 1e6, len(t)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model, trivial = interpreter(sys.argv[1]), interpreter(sys.argv[2])
    o1, _ = median_us(trivial)
    raw, n = median_us(model)
    o2, _ = median_us(trivial)
    over = min(o1, o2)
    print("median_us %.2f raw_us %.2f overhead_us %.2f runs %d" % (raw - over, raw, over, n))


if __name__ == "__main__":
    main()
