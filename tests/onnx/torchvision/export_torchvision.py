#!/usr/bin/env python3
"""Exports the 12 torchvision architectures of issue 15 to ONNX (random
weights from a fixed seed, eval mode, batch 1, TorchScript exporter, opset
13), plus a .npy input per model.

    export_torchvision.py OUT_DIR [NAME ...]

Needs torch + torchvision (Debian's python3-torch / python3-torchvision, or
the PyPI wheels in a venv). The files are not committed: the big ones
(AlexNet 244 MB, VGG-11-BN 531 MB) would not fit a repository, so the tests
and bench/zoo/run export them when a Python with torch is configured and SKIP
otherwise. Image size: 64x64, AlexNet and VGG at 224 (their classifiers need
it; at 64 AlexNet's features are 1x1)."""
import inspect
import os
import sys

import numpy as np
import torch
import torchvision.models as M

MODELS = {  # name: (constructor, input size)
    "mobilenet_v2": (lambda: M.mobilenet_v2(), 64),
    "resnet18": (lambda: M.resnet18(), 64),
    "squeezenet1_1": (lambda: M.squeezenet1_1(), 64),
    "regnet_x_400mf": (lambda: M.regnet_x_400mf(), 64),
    "alexnet": (lambda: M.alexnet(), 224),
    "vgg11_bn": (lambda: M.vgg11_bn(), 224),
    "mobilenet_v3_small": (lambda: M.mobilenet_v3_small(), 64),
    "efficientnet_b0": (lambda: M.efficientnet_b0(), 64),
    "mnasnet0_5": (lambda: M.mnasnet0_5(), 64),
    "shufflenet_v2_x0_5": (lambda: M.shufflenet_v2_x0_5(), 64),
    "googlenet": (lambda: M.googlenet(aux_logits=False, init_weights=True), 64),
    "densenet121": (lambda: M.densenet121(), 64),
}


def randomize_bn(model, gen):
    # Fresh BatchNorm statistics are mean 0 / var 1, which hides mistakes in
    # their folding: give them random values.
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(m.weight.shape, generator=gen) * 0.5 + 0.75)
            m.bias.data.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)


def export(name, out_dir):
    make, size = MODELS[name]
    torch.manual_seed(15)
    model = make().eval()
    gen = torch.Generator().manual_seed(15)
    with torch.no_grad():
        randomize_bn(model, gen)
    x = torch.rand(1, 3, size, size, generator=gen)
    path = os.path.join(out_dir, name + ".onnx")
    # The TorchScript exporter: torch >= 2.5 needs dynamo=False to pick it,
    # older releases (Debian's python3-torch 1.13) have no such argument.
    extra = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(model, (x,), path, opset_version=13, input_names=["input"],
                      output_names=["logits"], do_constant_folding=True, **extra)
    np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy().astype(np.float32))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or MODELS:
        if name not in MODELS:
            sys.exit(f"unknown model {name} (known: {', '.join(MODELS)})")
        export(name, out)
        print(name, "exported")


if __name__ == "__main__":
    main()
