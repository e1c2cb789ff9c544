#!/usr/bin/env python3
"""bench/plan/gen_mbv1.py DIR [CALIB_N]: MobileNetV1 1.0 at 224x224 (ImageNet
shapes, 4,221,032 parameters: Keras counts 4,231,976 with BatchNorm
unfolded) with weights from a fixed seed, for
bench/plan/run. Never committed: the float model is 16.9 MB.

The layers of Howard et al. (2017), Table 1: a 3x3 stride-2 conv 3 -> 32,
13 depthwise-separable blocks (3x3 depthwise conv + relu6, 1x1 pointwise
conv + relu6; strides 1,2,1,2,1,2,1,1,1,1,1,2,1; widths 64 .. 1024), a
global average pool, a 1024 -> 1000 dense layer and a softmax. BatchNorm is
taken as already folded into each conv's bias (random, small). Weights are
He-normal (std sqrt(2 / fan_in)) from random.Random(1313) (pure Python:
no numpy needed).

Writes DIR/net.json, DIR/net.bin (float32), DIR/calib.f32 (CALIB_N inputs,
default 2, uniform [-1, 1], seed 1314) and DIR/input.f32 (one more input)."""
import json
import os
import sys

import array
import random

H = W = 224
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
          (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]


def main(d, calib_n):
    os.makedirs(d, exist_ok=True)
    rng = random.Random(1313)
    blob = bytearray()
    layers = []
    params = 0

    def tensor(shape, std):
        nonlocal params
        n = 1
        for v in shape:
            n *= v
        a = array.array("f", (rng.gauss(0.0, std) for _ in range(n)))
        if sys.byteorder != "little":
            a.byteswap()
        off = len(blob)
        blob.extend(a.tobytes())
        params += n
        return {"offset": off, "shape": list(shape)}

    def conv(name, cin, cout, k, stride, groups):
        fan_in = (cin // groups) * k * k
        layers.append({"name": name, "op": "conv2d", "stride": stride, "padding": k // 2, "groups": groups,
                       "weight": tensor([cout, cin // groups, k, k], (2.0 / fan_in) ** 0.5),
                       "bias": tensor([cout], 0.05)})
        layers.append({"name": name + "_relu6", "op": "relu6"})

    conv("conv1", 3, 32, 3, 2, 1)
    c = 32
    for i, (cout, s) in enumerate(BLOCKS, 1):
        conv("dw%d" % i, c, c, 3, s, c)
        conv("pw%d" % i, c, cout, 1, 1, 1)
        c = cout
    layers.append({"name": "pool", "op": "global_avgpool"})
    layers.append({"name": "flat", "op": "flatten"})
    layers.append({"name": "fc", "op": "dense", "weight": tensor([1000, c], (1.0 / c) ** 0.5), "bias": tensor([1000], 0.05)})
    layers.append({"name": "prob", "op": "softmax"})
    assert params == 4221032, params  # 4,210,088 weights + 10,944 conv biases (folded BatchNorm)
    net = {"format": "qgen-net", "version": 1, "name": "mbv1_224", "weights": "net.bin",
           "input": {"name": "image", "shape": [H, W, 3], "layout": "HWC"}, "layers": layers}
    with open(os.path.join(d, "net.json"), "w") as f:
        json.dump(net, f, indent=1)
    with open(os.path.join(d, "net.bin"), "wb") as f:
        f.write(blob)
    ri = random.Random(1314)

    def image():
        a = array.array("f", (ri.uniform(-1.0, 1.0) for _ in range(H * W * 3)))
        if sys.byteorder != "little":
            a.byteswap()
        return a.tobytes()

    with open(os.path.join(d, "calib.f32"), "wb") as f:
        for _ in range(calib_n):
            f.write(image())
    with open(os.path.join(d, "input.f32"), "wb") as f:
        f.write(image())


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: gen_mbv1.py DIR [CALIB_N]")
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 2)
