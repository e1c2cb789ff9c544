#!/usr/bin/env python3
"""bench/subbyte/gen.py DIR A_BITS: the two-layer net of bench/subbyte/run.

A 1x1 conv c0 (32x32x16 -> 16, relu) whose output has A_BITS bits (8, 4 or
2; scheme int8), then the measured layer c1: a 3x3 conv 16 -> 16, stride 1,
same padding, bias, relu, 8-bit weights and 8-bit output, the shape of
bench/m7's resnet_conv3x3_int8. Then d0, a 1x1 conv 16 -> 16 (relu) whose
output has A_BITS bits, and the second measured layer dw: a 3x3 depthwise
conv on 16 channels, stride 1, same padding, bias, relu, 8-bit weights and
8-bit output (the 32x32 input of a MobileNet block). The float weights, calibration inputs and
the input do not depend on A_BITS (fixed seed). Writes DIR/net.json,
net.bin, quant.json, calib.f32 (4 inputs) and input.f32 (1 other input)."""
import json
import os
import random
import struct
import sys


def f32(v):
    return struct.pack("<%df" % len(v), *v)


def main(d, a_bits):
    os.makedirs(d, exist_ok=True)
    r = random.Random(505)
    H, W, C = 32, 32, 16
    blob = bytearray()
    layers = []
    for name, k, pad, groups in (("c0", 1, 0, 1), ("c1", 3, 1, 1), ("d0", 1, 0, 1), ("dw", 3, 1, C)):
        fan_in = C // groups * k * k
        w = [r.gauss(0.0, (2.0 / fan_in) ** 0.5) for _ in range(16 * fan_in)]
        b = [r.uniform(-0.1, 0.1) for _ in range(16)]
        layers.append({"name": name, "op": "conv2d", "stride": 1, "padding": pad,
                       "weight": {"offset": len(blob), "shape": [16, C // groups, k, k]},
                       "bias": {"offset": len(blob) + 4 * len(w), "shape": [16]}})
        if groups != 1:
            layers[-1]["groups"] = groups
        blob += f32(w) + f32(b)
        layers.append({"name": name + "_relu", "op": "relu"})
    net = {"format": "qgen-net", "version": 1, "name": "sub", "weights": "net.bin",
           "input": {"name": "x", "shape": [H, W, C], "layout": "HWC"}, "layers": layers}
    json.dump(net, open(os.path.join(d, "net.json"), "w"), indent=1)
    open(os.path.join(d, "net.bin"), "wb").write(blob)
    json.dump({"default": {"scheme": "int8"}, "layers": {"c0": {"a_bits": a_bits}, "d0": {"a_bits": a_bits}}},
              open(os.path.join(d, "quant.json"), "w"))
    ri = random.Random(606)
    with open(os.path.join(d, "calib.f32"), "wb") as f:
        for _ in range(4):
            f.write(f32([ri.uniform(-1.0, 1.0) for _ in range(H * W * C)]))
    open(os.path.join(d, "input.f32"), "wb").write(f32([ri.uniform(-1.0, 1.0) for _ in range(H * W * C)]))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("8", "4", "2"):
        sys.exit("usage: gen.py DIR A_BITS(8|4|2)")
    main(sys.argv[1], int(sys.argv[2]))
