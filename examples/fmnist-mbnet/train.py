#!/usr/bin/python3
"""Train a depthwise-separable (MobileNet-style) Fashion-MNIST net and export ONNX.

    /usr/bin/python3 examples/fmnist-mbnet/train.py [--epochs N]
    /usr/bin/python3 examples/fmnist-mbnet/train.py --write-calib DIR

Needs Debian's python3-torch (1.13), python3-numpy, python3-onnx and
dataset-fashion-mnist (read from /usr/share/datasets/fashion-mnist; nothing is
downloaded).  CPU, 2 threads, fixed seeds, deterministic algorithms.

The net trains on the first 55,000 TRAINING images only.  The last 5,000
training images (55000..59999) are held out as the labelled calibration split
that `qgen plan --data` measures sensitivities on; the test set (t10k) is used
only for the reported accuracy, never for planning.  `--write-calib DIR` writes
that split as DIR/calib-images-idx3-ubyte.gz + DIR/calib-labels-idx1-ubyte.gz
(IDX, what `qgen eval` / `qgen plan --data` read) and exits.

Writes next to this script:
  fmnist_mbnet.onnx   eval-mode export (BatchNorm folded into Conv), opset 13
  accuracy.json       float accuracy on the 10,000 test images, MACs, params, layers

Input "image", float32 [1, 1, 28, 28] (NCHW), pixel / 255.  Output "logits" [1, 10].
"""

import argparse
import collections
import gzip
import json
import os
import random
import sys

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see ../fashion-mnist/train.py

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "fashion-mnist"))
from fmnist_data import CLASSES, DATA, dumps, load_torch, read_idx  # noqa: E402
import train as base  # noqa: E402  (../fashion-mnist/train.py: train loop, export, MAC count)

SEED = 1
TRAIN_IMAGES = 55000  # training images 55000..59999 are the calibration split
EPOCHS = 6
MAX_LR = 5e-3

# (depthwise stride, pointwise output channels) after a 3x3 stem conv 1 -> 16
BLOCKS = [(2, 32), (1, 32), (2, 64), (1, 64), (2, 128)]


def make_mbnet():
    layers = [("conv0", nn.Conv2d(1, 16, 3, padding=1, bias=False)),
              ("bn0", nn.BatchNorm2d(16)), ("relu0", nn.ReLU())]
    cin = 16
    for i, (stride, cout) in enumerate(BLOCKS, 1):
        layers += [
            ("dw%d" % i, nn.Conv2d(cin, cin, 3, stride=stride, padding=1, groups=cin, bias=False)),
            ("dwbn%d" % i, nn.BatchNorm2d(cin)), ("dwrelu%d" % i, nn.ReLU()),
            ("pw%d" % i, nn.Conv2d(cin, cout, 1, bias=False)),
            ("pwbn%d" % i, nn.BatchNorm2d(cout)), ("pwrelu%d" % i, nn.ReLU()),
        ]
        cin = cout
    # A global depthwise conv (4x4 valid, one per channel) instead of global
    # average pooling: an int8 linear layer, where qgen's integer-only scheme
    # runs a global average pool in float (an 8 KiB float buffer at the end).
    layers += [("gdconv", nn.Conv2d(cin, cin, 4, groups=cin, bias=False)), ("gdbn", nn.BatchNorm2d(cin)),
               ("flatten", nn.Flatten()), ("fc", nn.Linear(cin, 10))]
    return nn.Sequential(collections.OrderedDict(layers))


def describe(m):
    if isinstance(m, nn.Conv2d) and m.groups > 1:
        return "depthwise conv %d, %dx%d, stride %d, pad %d" % (
            m.in_channels, m.kernel_size[0], m.kernel_size[1], m.stride[0], m.padding[0])
    return base.describe(m)


def write_calib(out):
    os.makedirs(out, exist_ok=True)
    for kind, magic in (("images", 3), ("labels", 1)):
        a = read_idx(os.path.join(DATA, "train-%s-idx%d-ubyte.gz" % (kind, magic)))[TRAIN_IMAGES:]
        head = bytes([0, 0, 8, a.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in a.shape)
        path = os.path.join(out, "calib-%s-idx%d-ubyte.gz" % (kind, magic))
        with gzip.GzipFile(path, "wb", mtime=0) as f:
            f.write(head + a.tobytes())
        print("wrote %s (%d items)" % (path, a.shape[0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--write-calib", metavar="DIR", help="write the calibration split and exit")
    args = ap.parse_args()
    if args.write_calib:
        write_calib(args.write_calib)
        return

    torch.set_num_threads(2)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    xtr, ytr = load_torch("train")
    xtr, ytr = xtr[:TRAIN_IMAGES], ytr[:TRAIN_IMAGES]
    xte, yte = load_torch("t10k")

    name = "fmnist_mbnet"
    model = make_mbnet()
    params = sum(p.numel() for p in model.parameters())
    macs = base.count_macs(model)
    print("%s: %d parameters, %d MACs per image" % (name, params, macs), flush=True)
    train_s, train_cpu_s = base.train(name, model, args.epochs, MAX_LR, xtr, ytr, xte, yte)
    model.eval()
    logits = base.predict(model, xte)
    top1, top5 = base.accuracy(logits, yte)
    with torch.no_grad():
        logits0 = model(xte[:1])[0]
    onnx_path = os.path.join(HERE, name + ".onnx")
    _, ops, nfloats = base.export_onnx(model, onnx_path)
    rows = []
    x = torch.zeros(1, 1, 28, 28)
    with torch.no_grad():
        for n, m in model.named_children():
            x = m(x)
            rows.append({"name": n, "op": describe(m), "out_shape": list(x.shape[1:])})
    entry = {
        "file": name + ".onnx", "bytes": os.path.getsize(onnx_path), "onnx_ops": ops,
        "onnx_initializer_floats": nfloats, "params": params, "macs": macs,
        "epochs": args.epochs, "max_lr": MAX_LR, "batch": base.BATCH,
        "train_images": "train 0..%d" % (TRAIN_IMAGES - 1),
        "calibration_split": "train %d..59999 (not trained on; write it with --write-calib)" % TRAIN_IMAGES,
        "train_seconds": round(train_s, 1), "train_cpu_seconds": round(train_cpu_s, 1),
        "top1": top1 / len(yte), "top5": top5 / len(yte), "top1_correct": top1, "top5_correct": top5,
        "test_images": len(yte), "test0_label": int(yte[0]),
        "test0_logits": [float(v) for v in logits0], "layers": rows,
    }
    print("%s: top-1 %.4f  top-5 %.4f  train %.0f s  %d bytes  ops %s"
          % (name, entry["top1"], entry["top5"], train_s, entry["bytes"], ops), flush=True)
    doc = {"models": {name: entry},
           "dataset": "Fashion-MNIST test set (%s/t10k-*)" % DATA,
           "input": {"name": "image", "shape": [1, 1, 28, 28], "layout": "NCHW",
                     "value": "pixel / 255, no mean/std normalization"},
           "output": {"name": "logits", "shape": [1, 10]}, "classes": CLASSES,
           "torch_version": torch.__version__, "seed": SEED}
    with open(os.path.join(HERE, "accuracy.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(doc) + "\n")
    print("wrote", onnx_path)


if __name__ == "__main__":
    main()
