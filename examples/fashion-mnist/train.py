#!/usr/bin/python3
"""Train two Fashion-MNIST CNNs with PyTorch and export them as ONNX (opset 13).

    /usr/bin/python3 examples/fashion-mnist/train.py [--keep-bn] [--only cnn|vgg]

Needs Debian's python3-torch (1.13), python3-numpy, python3-onnx and
dataset-fashion-mnist (read from /usr/share/datasets/fashion-mnist; nothing is
downloaded).  Runs on the CPU with 2 threads, fixed seeds, deterministic
algorithms.

Writes next to this script:
  fmnist_cnn.onnx, fmnist_vgg.onnx   eval-mode export (BatchNorm folded into Conv)
  fmnist_vgg_bn.onnx                 only with --keep-bn: BatchNormalization kept
  accuracy.json                      float accuracies, MACs, params, logits of image 0
  torch_reference.json               PyTorch logits of test images 0..99 and the
                                     top-1 prediction of every test image (used by
                                     verify_onnx.py)

Input of both models: "image", float32 [1, 1, 28, 28] (NCHW), pixel / 255, no
mean/std normalization.  Output: "logits", float32 [1, 10] (no softmax).
"""

import argparse
import collections
import json
import os
import random
import sys
import time

# libgomp's default busy-waiting makes 2 OpenMP threads many times slower when
# other processes compete for the cores; passive waiting costs nothing when
# they don't.  Must be set before torch (and libgomp) is loaded.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from fmnist_data import CLASSES, DATA, dumps, load_torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 1
BATCH = 128
REF_IMAGES = 100  # test images whose PyTorch logits go into torch_reference.json


# --- models -------------------------------------------------------------------

def make_cnn():
    return nn.Sequential(collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 16, 3, padding=1)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),                 # 28 -> 14
        ("conv2", nn.Conv2d(16, 32, 3, padding=1)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),                 # 14 -> 7
        ("conv3", nn.Conv2d(32, 32, 3, padding=1)),
        ("relu3", nn.ReLU()),
        ("pool3", nn.MaxPool2d(2)),                 # 7 -> 3 (floor)
        ("flatten", nn.Flatten()),                  # 32*3*3 = 288
        ("fc1", nn.Linear(32 * 3 * 3, 128)),
        ("relu4", nn.ReLU()),
        ("fc2", nn.Linear(128, 10)),
    ]))


VGG_STAGES = [(16, 16), (32, 32), (64, 64), (64, 64)]


def make_vgg():
    layers = []
    cin = 1
    for s, chans in enumerate(VGG_STAGES, 1):
        for j, cout in enumerate(chans):
            tag = "%d%s" % (s, "ab"[j])
            layers.append(("conv" + tag, nn.Conv2d(cin, cout, 3, padding=1, bias=False)))
            layers.append(("bn" + tag, nn.BatchNorm2d(cout)))
            layers.append(("relu" + tag, nn.ReLU()))
            cin = cout
        if s < len(VGG_STAGES):
            layers.append(("pool%d" % s, nn.MaxPool2d(2)))  # 28 -> 14 -> 7 -> 3
    layers += [
        ("gap", nn.AdaptiveAvgPool2d(1)),           # 64x3x3 -> 64x1x1
        ("flatten", nn.Flatten()),                  # 64
        ("fc", nn.Linear(cin, 10)),
    ]
    return nn.Sequential(collections.OrderedDict(layers))


# name, constructor, epochs, one-cycle max learning rate
MODELS = [
    ("fmnist_cnn", make_cnn, 10, 6e-3),
    ("fmnist_vgg", make_vgg, 6, 4e-3),
]


def count_macs(model):
    """Multiply-accumulates of Conv2d and Linear layers for one image."""
    macs = []

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            k = (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
            macs.append(out.numel() * k)
        elif isinstance(m, nn.Linear):
            macs.append(out.numel() * m.in_features)

    hs = [m.register_forward_hook(hook) for m in model.modules()
          if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 1, 28, 28))
    for h in hs:
        h.remove()
    return int(sum(macs))


def layer_table(model):
    """(name, description, output shape) per layer for one image."""
    rows = []
    x = torch.zeros(1, 1, 28, 28)
    model.eval()
    with torch.no_grad():
        for name, m in model.named_children():
            x = m(x)
            rows.append((name, describe(m), list(x.shape[1:])))
    return rows


def describe(m):
    if isinstance(m, nn.Conv2d):
        return "conv %d→%d, %dx%d, pad %d%s" % (
            m.in_channels, m.out_channels, m.kernel_size[0], m.kernel_size[1],
            m.padding[0], "" if m.bias is not None else ", no bias")
    if isinstance(m, nn.BatchNorm2d):
        return "batchnorm %d" % m.num_features
    if isinstance(m, nn.ReLU):
        return "relu"
    if isinstance(m, nn.MaxPool2d):
        return "maxpool %dx%d, stride %d" % (m.kernel_size, m.kernel_size, m.stride)
    if isinstance(m, nn.AdaptiveAvgPool2d):
        return "global average pool"
    if isinstance(m, nn.Flatten):
        return "flatten"
    if isinstance(m, nn.Linear):
        return "dense %d→%d" % (m.in_features, m.out_features)
    return type(m).__name__


# --- training / evaluation ----------------------------------------------------

def predict(model, x):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            out.append(model(x[i:i + 1000]))
    return torch.cat(out)


def accuracy(logits, y):
    top1 = (logits.argmax(1) == y).sum().item()
    top5 = (logits.topk(5, 1).indices == y[:, None]).any(1).sum().item()
    return top1, top5


def train(name, model, epochs, max_lr, xtr, ytr, xte, yte):
    # channels_last runs the oneDNN convolutions ~1.7x faster on the CPU; the
    # model goes back to the default layout before evaluation and export.
    model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=max_lr / 25.0)
    steps = epochs * ((len(xtr) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    t0, c0 = time.time(), time.process_time()
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=gen)
        total = 0.0
        for i in range(0, len(xtr), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        top1, _ = accuracy(predict(model, xte), yte)
        print("%s epoch %d/%d: loss %.4f  test top-1 %.4f  (%.0f s)"
              % (name, epoch + 1, epochs, total / len(xtr), top1 / len(xte),
                 time.time() - t0), flush=True)
    model.to(memory_format=torch.contiguous_format)
    return time.time() - t0, time.process_time() - c0


# --- ONNX export ----------------------------------------------------------------

def export_onnx(model, path, keep_bn=False):
    import onnx  # Debian python3-onnx
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    kw = dict(opset_version=13, input_names=["image"], output_names=["logits"],
              export_params=True)
    if keep_bn:
        # PRESERVE keeps the eval-mode graph without the Conv+BatchNorm fusion
        # that TrainingMode.EVAL applies; no constant folding either.
        kw.update(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    else:
        kw.update(training=torch.onnx.TrainingMode.EVAL, do_constant_folding=True)
    torch.onnx.export(model, dummy, path, **kw)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = collections.Counter(n.op_type for n in m.graph.node)
    nfloats = sum(int(np.prod(t.dims)) for t in m.graph.initializer)
    return m, dict(sorted(ops.items())), nfloats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep-bn", action="store_true",
                    help="also write <model>_bn.onnx with BatchNormalization nodes "
                         "(models that have BatchNorm only)")
    ap.add_argument("--only", choices=["cnn", "vgg"],
                    help="train only this model (accuracy.json keeps the other's entry)")
    ap.add_argument("--epochs", type=int, help="override the epoch count (for quick tests)")
    ap.add_argument("--train-limit", type=int,
                    help="train on the first N training images only (for quick tests)")
    args = ap.parse_args()

    torch.set_num_threads(2)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)

    xtr, ytr = load_torch("train")
    if args.train_limit:
        xtr, ytr = xtr[:args.train_limit], ytr[:args.train_limit]
    xte, yte = load_torch("t10k")

    acc_path = os.path.join(HERE, "accuracy.json")
    ref_path = os.path.join(HERE, "torch_reference.json")
    acc_doc = {"models": {}}
    ref_doc = {"models": {}}
    if args.only:
        for path, doc in ((acc_path, acc_doc), (ref_path, ref_doc)):
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    doc.update(json.load(f))

    for name, ctor, epochs, max_lr in MODELS:
        if args.only and not name.endswith(args.only):
            continue
        if args.epochs:
            epochs = args.epochs
        torch.manual_seed(SEED)  # each model's init does not depend on the other
        model = ctor()
        params = sum(p.numel() for p in model.parameters())
        macs = count_macs(model)
        print("%s: %d parameters, %d MACs per image" % (name, params, macs), flush=True)
        train_s, train_cpu_s = train(name, model, epochs, max_lr, xtr, ytr, xte, yte)

        model.eval()
        logits = predict(model, xte)
        top1, top5 = accuracy(logits, yte)
        with torch.no_grad():
            logits0 = model(xte[:1])[0]  # batch-1 run, as exported

        onnx_path = os.path.join(HERE, name + ".onnx")
        _, ops, nfloats = export_onnx(model, onnx_path)
        entry = {
            "file": name + ".onnx",
            "bytes": os.path.getsize(onnx_path),
            "onnx_ops": ops,
            "onnx_initializer_floats": nfloats,
            "params": params,
            "macs": macs,
            "epochs": epochs,
            "max_lr": max_lr,
            "batch": BATCH,
            "train_seconds": round(train_s, 1),
            "train_cpu_seconds": round(train_cpu_s, 1),
            "top1": top1 / len(yte),
            "top5": top5 / len(yte),
            "top1_correct": top1,
            "top5_correct": top5,
            "test_images": len(yte),
            "test0_label": int(yte[0]),
            "test0_logits": [float(v) for v in logits0],
            "layers": [{"name": n, "op": d, "out_shape": s} for n, d, s in layer_table(model)],
        }
        print("%s: top-1 %.4f  top-5 %.4f  train %.0f s  %s %d bytes  ops %s"
              % (name, entry["top1"], entry["top5"], train_s, entry["file"],
                 entry["bytes"], ops), flush=True)

        bn_path = os.path.join(HERE, name + "_bn.onnx")
        has_bn = any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
        if args.keep_bn and has_bn:
            _, bops, bfloats = export_onnx(model, bn_path, keep_bn=True)
            if bops.get("BatchNormalization", 0) != sum(
                    isinstance(m, nn.BatchNorm2d) for m in model.modules()):
                os.remove(bn_path)
                raise SystemExit("%s: --keep-bn export has unexpected ops %s" % (name, bops))
            entry["bn_file"] = name + "_bn.onnx"
            entry["bn_bytes"] = os.path.getsize(bn_path)
            entry["bn_onnx_ops"] = bops
            entry["bn_onnx_initializer_floats"] = bfloats
            print("%s: wrote %s (%d bytes) ops %s"
                  % (name, entry["bn_file"], entry["bn_bytes"], bops), flush=True)
        elif os.path.exists(bn_path):
            os.remove(bn_path)  # stale file from an earlier --keep-bn run

        acc_doc["models"][name] = entry
        ref_doc["models"][name] = {
            "logits": [[float(v) for v in row] for row in logits[:REF_IMAGES]],
            "top1_predictions": "".join(str(int(v)) for v in logits.argmax(1)),
        }

    acc_doc.update({
        "dataset": "Fashion-MNIST test set (%s/t10k-*)" % DATA,
        "input": {"name": "image", "shape": [1, 1, 28, 28], "layout": "NCHW",
                  "value": "pixel / 255, no mean/std normalization"},
        "output": {"name": "logits", "shape": [1, 10]},
        "classes": CLASSES,
        "torch_version": torch.__version__,
        "seed": SEED,
        "macs_note": "multiply-accumulates of conv and dense layers per image",
    })
    acc_doc["models"] = dict(sorted(acc_doc["models"].items()))
    ref_doc.update({
        "note": "PyTorch float32 logits of test images 0..%d (batches of 1000) and the "
                "top-1 class of every test image; see verify_onnx.py" % (REF_IMAGES - 1),
    })
    ref_doc["models"] = dict(sorted(ref_doc["models"].items()))
    with open(acc_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(dumps(acc_doc) + "\n")
    with open(ref_path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(ref_doc, f, separators=(",", ":"))
        f.write("\n")
    print("wrote %s and %s" % (acc_path, ref_path))


if __name__ == "__main__":
    main()
