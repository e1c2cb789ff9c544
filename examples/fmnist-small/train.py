#!/usr/bin/python3
"""Train the small Fashion-MNIST CNN and export it as qgen net.json v1.

    /usr/bin/python3 examples/fmnist-small/train.py

Needs Debian's python3-torch, python3-numpy and dataset-fashion-mnist.
Writes fmnist_small.json, fmnist_small.bin and README.md next to this script.
Input: pixel/255 as float32, shape [1, 28, 28] (CHW), no mean/std normalization.
"""

import collections
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
import netjson  # noqa: E402
from fmnist_data import CLASSES, load_torch  # noqa: E402

SEED = 1
EPOCHS = 6
BATCH = 64


def make_model():
    return nn.Sequential(collections.OrderedDict([
        ("conv1", nn.Conv2d(1, 8, 3, padding=1)),
        ("bn1", nn.BatchNorm2d(8)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(8, 16, 3, padding=1)),
        ("bn2", nn.BatchNorm2d(16)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(16 * 7 * 7, 32)),
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(32, 10)),
    ]))


def evaluate(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    return correct / len(x)


def main():
    torch.set_num_threads(2)
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)

    xtr, ytr = load_torch("train")
    xte, yte = load_torch("t10k")

    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = EPOCHS * ((len(xtr) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=4e-3, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)

    t0 = time.time()
    for epoch in range(EPOCHS):
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
        acc = evaluate(model, xte, yte)
        print("epoch %d: loss %.4f  test acc %.4f  (%.0f s)"
              % (epoch + 1, total / len(xtr), acc, time.time() - t0), flush=True)
    train_s = time.time() - t0

    model.eval()
    acc = evaluate(model, xte, yte)
    with torch.no_grad():
        logits0 = model(xte[:1])[0].tolist()

    json_path = os.path.join(HERE, "fmnist_small.json")
    bin_path = os.path.join(HERE, "fmnist_small.bin")
    netjson.export(model, (1, 28, 28), json_path, name="fmnist_small", input_name="image")
    json_size = os.path.getsize(json_path)
    bin_size = os.path.getsize(bin_path)

    logits_txt = ", ".join("%.6f" % v for v in logits0)
    pred0 = int(np.argmax(logits0))
    readme = README.format(
        acc=100.0 * acc, correct=int(round(acc * len(xte))), n=len(xte),
        epochs=EPOCHS, seed=SEED, train_min=max(1, int(round(train_s / 60.0))),
        json_size=json_size, bin_size=bin_size, total_kb=(json_size + bin_size) / 1024.0,
        nparams=sum(p.numel() for p in model.parameters()),
        label0=int(yte[0]), label0_name=CLASSES[int(yte[0])],
        pred0=pred0, pred0_name=CLASSES[pred0], logits=logits_txt)
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme)

    print("float test accuracy: %.2f %% (%d/%d)" % (100.0 * acc, round(acc * len(xte)), len(xte)))
    print("training time: %.1f s" % train_s)
    print("test image 0 (label %d) logits: [%s]" % (int(yte[0]), logits_txt))
    print("wrote %s (%d bytes), %s (%d bytes)" % (json_path, json_size, bin_path, bin_size))


README = """\
# fmnist-small

A small CNN for [Fashion-MNIST](https://github.com/zalandoresearch/fashion-mnist)
(28×28 grayscale clothing images, 10 classes), trained with PyTorch and exported
as qgen net.json v1 (`fmnist_small.json` + `fmnist_small.bin`, see
`docs/net-format.md`).

## Model

Input `image`: shape `[1, 28, 28]`, layout `CHW`, value = pixel / 255 (float in
[0, 1], no mean/std normalization). Output: the 10 logits of `fc2` (no softmax).

| layer | op |
|---|---|
| conv1, bn1, relu1, pool1 | conv2d 1→8, 3×3, padding 1; batchnorm; relu; maxpool 2 |
| conv2, bn2, relu2, pool2 | conv2d 8→16, 3×3, padding 1; batchnorm; relu; maxpool 2 |
| flatten | 16×7×7 = 784 (CHW order) |
| fc1, relu3 | dense 784→32; relu |
| fc2 | dense 32→10 (logits) |

{nparams} trainable parameters. BatchNorm is exported as separate `batchnorm`
layers; qgen folds them into the convolutions.

Classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal,
6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.

## Results (float, PyTorch)

- Test accuracy: **{acc:.2f} %** ({correct}/{n} test images).
- Test image 0 (label {label0}, {label0_name}; predicted {pred0}, {pred0_name}) logits:

      [{logits}]

## Files

| file | bytes |
|---|---|
| `fmnist_small.json` | {json_size} |
| `fmnist_small.bin` | {bin_size} |

Total {total_kb:.1f} KiB.

- `extract_image.sh IDX N OUT` writes the raw 784 uint8 pixels of image N
  (0-based) of a gzip'ed IDX image file to OUT, e.g.
  `./extract_image.sh /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz 0 img0.raw`.
- `extract_label.sh IDX N` prints the label of item N of a gzip'ed IDX label file.

## Retraining

Needs Debian's `python3-torch`, `python3-numpy` and `dataset-fashion-mnist`
(data read from `/usr/share/datasets/fashion-mnist/`; nothing is downloaded).
From the repository root:

    /usr/bin/python3 examples/fmnist-small/train.py

{epochs} epochs, Adam with a one-cycle learning rate, batch 64, seed {seed},
2 threads; takes about {train_min} min on 2 CPU cores. It rewrites `fmnist_small.json`,
`fmnist_small.bin` and this README. The net.json writer is
`examples/common/netjson.py` (reusable for other nn.Sequential models).
"""


if __name__ == "__main__":
    main()
