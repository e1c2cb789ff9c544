"""Write a PyTorch nn.Sequential as qgen net.json v1 + little-endian float32 side file.

Usage:

    import netjson
    model.eval()
    netjson.export(model, (1, 28, 28), "out/model.json", name="model")

writes out/model.json and out/model.bin (see docs/net-format.md).

Layer names are the nn.Sequential child names (use an OrderedDict to choose
them).  Supported modules: Conv2d (stride/padding/dilation/groups, zero
padding), BatchNorm2d, BatchNorm1d, ReLU, ReLU6, MaxPool2d, AvgPool2d,
AdaptiveAvgPool2d(1) -> global_avgpool, Flatten, Linear, Softmax.  Anything
else raises NetJsonError.  Output is deterministic for a given model.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn as nn

__all__ = ["export", "NetJsonError"]


class NetJsonError(Exception):
    pass


def _pair(v, what):
    if isinstance(v, int):
        return (v, v)
    v = tuple(int(x) for x in v)
    if len(v) != 2:
        raise NetJsonError("%s: expected an int or a pair, got %r" % (what, v))
    return v


def _attr(v, what):
    """int if both axes agree, else [h, w]."""
    h, w = _pair(v, what)
    return h if h == w else [h, w]


class _Writer:
    def __init__(self):
        self.chunks = []
        self.offset = 0

    def tensor(self, t, what):
        a = t.detach().cpu().to(torch.float32).numpy()
        if not np.all(np.isfinite(a)):
            raise NetJsonError("%s: tensor has non-finite values" % what)
        data = np.ascontiguousarray(a, dtype="<f4").tobytes()
        ref = {"offset": self.offset, "shape": [int(d) for d in a.shape]}
        self.chunks.append(data)
        self.offset += len(data)
        return ref


def _conv2d(name, m, w, in_shape):
    if len(in_shape) != 3:
        raise NetJsonError("%s: Conv2d needs an image input, got shape %s" % (name, in_shape))
    if m.padding_mode != "zeros":
        raise NetJsonError("%s: Conv2d padding_mode %r is not supported" % (name, m.padding_mode))
    kh, kw = m.kernel_size
    dh, dw = _pair(m.dilation, name + ".dilation")
    if isinstance(m.padding, str):
        if m.padding == "valid":
            padding = 0
        elif m.padding == "same":
            # PyTorch puts the smaller half at the beginning.
            th, tw = dh * (kh - 1), dw * (kw - 1)
            padding = [th // 2, tw // 2, th - th // 2, tw - tw // 2]
            if padding[0] == padding[2] and padding[1] == padding[3]:
                padding = _attr((padding[0], padding[1]), name)
        else:
            raise NetJsonError("%s: Conv2d padding %r is not supported" % (name, m.padding))
    else:
        padding = _attr(m.padding, name + ".padding")
    layer = {"name": name, "op": "conv2d",
             "stride": _attr(m.stride, name + ".stride"),
             "padding": padding}
    if _pair(m.dilation, name) != (1, 1):
        layer["dilation"] = _attr(m.dilation, name + ".dilation")
    if m.groups != 1:
        layer["groups"] = int(m.groups)
    layer["weight"] = w.tensor(m.weight, name + ".weight")
    if m.bias is not None:
        layer["bias"] = w.tensor(m.bias, name + ".bias")
    return layer


def _batchnorm(name, m, w, in_shape, rank):
    if len(in_shape) != rank:
        raise NetJsonError("%s: %s needs a rank-%d input, got shape %s"
                           % (name, type(m).__name__, rank, in_shape))
    if m.running_mean is None or m.running_var is None:
        raise NetJsonError("%s: BatchNorm without running statistics cannot be exported" % name)
    c = m.num_features
    scale = m.weight if m.weight is not None else torch.ones(c)
    bias = m.bias if m.bias is not None else torch.zeros(c)
    return {"name": name, "op": "batchnorm", "epsilon": float(m.eps),
            "scale": w.tensor(scale, name + ".scale"),
            "bias": w.tensor(bias, name + ".bias"),
            "mean": w.tensor(m.running_mean, name + ".mean"),
            "var": w.tensor(m.running_var, name + ".var")}


def _pool(name, m, op, in_shape):
    if len(in_shape) != 3:
        raise NetJsonError("%s: %s needs an image input, got shape %s"
                           % (name, type(m).__name__, in_shape))
    if m.ceil_mode:
        raise NetJsonError("%s: ceil_mode=True is not supported" % name)
    stride = m.stride if m.stride is not None else m.kernel_size
    layer = {"name": name, "op": op,
             "kernel": _attr(m.kernel_size, name + ".kernel"),
             "stride": _attr(stride, name + ".stride"),
             "padding": _attr(m.padding, name + ".padding")}
    if op == "maxpool2d":
        if _pair(m.dilation, name) != (1, 1):
            raise NetJsonError("%s: MaxPool2d dilation is not supported" % name)
        if m.return_indices:
            raise NetJsonError("%s: MaxPool2d return_indices is not supported" % name)
    else:
        if m.divisor_override is not None:
            raise NetJsonError("%s: AvgPool2d divisor_override is not supported" % name)
        layer["count_include_pad"] = bool(m.count_include_pad)
    return layer


def _layer(name, m, w, in_shape):
    if isinstance(m, nn.Conv2d):
        return _conv2d(name, m, w, in_shape)
    if isinstance(m, nn.BatchNorm2d):
        return _batchnorm(name, m, w, in_shape, 3)
    if isinstance(m, nn.BatchNorm1d):
        return _batchnorm(name, m, w, in_shape, 1)
    if isinstance(m, nn.ReLU6):  # a Hardtanh subclass in PyTorch
        return {"name": name, "op": "relu6"}
    if isinstance(m, nn.ReLU):
        return {"name": name, "op": "relu"}
    if isinstance(m, nn.MaxPool2d):
        return _pool(name, m, "maxpool2d", in_shape)
    if isinstance(m, nn.AvgPool2d):
        return _pool(name, m, "avgpool2d", in_shape)
    if isinstance(m, nn.AdaptiveAvgPool2d):
        if len(in_shape) != 3:
            raise NetJsonError("%s: AdaptiveAvgPool2d needs an image input" % name)
        os_ = m.output_size
        if os_ not in (1, (1, 1), [1, 1]):
            raise NetJsonError("%s: only AdaptiveAvgPool2d(1) is supported, got %r" % (name, os_))
        return {"name": name, "op": "global_avgpool"}
    if isinstance(m, nn.Flatten):
        if m.start_dim != 1 or m.end_dim != -1:
            raise NetJsonError("%s: only Flatten(start_dim=1, end_dim=-1) is supported" % name)
        return {"name": name, "op": "flatten"}
    if isinstance(m, nn.Linear):
        if len(in_shape) != 1:
            raise NetJsonError("%s: Linear needs a vector input, got shape %s (add a Flatten)"
                               % (name, in_shape))
        layer = {"name": name, "op": "dense",
                 "weight": w.tensor(m.weight, name + ".weight")}
        if m.bias is not None:
            layer["bias"] = w.tensor(m.bias, name + ".bias")
        return layer
    if isinstance(m, nn.Softmax):
        rank = len(in_shape) + 1  # with batch
        if m.dim is None or not -rank <= m.dim < rank or m.dim % rank != 1:
            # only the channel axis: dim 1 of [N, C, ...] (or -1 for vectors)
            raise NetJsonError("%s: Softmax must be over channels (dim=1), got dim=%r" % (name, m.dim))
        return {"name": name, "op": "softmax"}
    raise NetJsonError("%s: unsupported module %s" % (name, type(m).__name__))


def _dumps(doc):
    """Pretty, deterministic JSON: indent 2, one line per layer."""
    def one(v):
        return json.dumps(v, separators=(", ", ": "), allow_nan=False)

    lines = ["{"]
    keys = list(doc.keys())
    for i, k in enumerate(keys):
        comma = "," if i + 1 < len(keys) else ""
        if k == "layers":
            lines.append('  "layers": [')
            for j, layer in enumerate(doc["layers"]):
                lc = "," if j + 1 < len(doc["layers"]) else ""
                lines.append("    " + one(layer) + lc)
            lines.append("  ]" + comma)
        else:
            lines.append("  " + one(k) + ": " + one(doc[k]) + comma)
    lines.append("}")
    return "\n".join(lines) + "\n"


def export(model, input_shape, json_path, name=None, input_name="input", bin_path=None):
    """Write `model` (an nn.Sequential, in eval mode) as net.json v1.

    input_shape: shape without batch, e.g. (1, 28, 28) for a CHW image or (n,) for a vector.
    json_path:   where to write the net.json; the weights go to bin_path
                 (default: json_path with extension .bin), referenced relative to it.
    Returns the document (a dict) that was written.
    """
    if not isinstance(model, nn.Sequential):
        raise NetJsonError("model must be an nn.Sequential, got %s" % type(model).__name__)
    if model.training:
        raise NetJsonError("model must be in eval mode (call model.eval())")
    input_shape = [int(d) for d in input_shape]
    if len(input_shape) not in (1, 3):
        raise NetJsonError("input shape must be rank 1 (vector) or 3 (CHW image), got %s"
                           % input_shape)
    if bin_path is None:
        bin_path = os.path.splitext(json_path)[0] + ".bin"
    json_dir = os.path.dirname(os.path.abspath(json_path))
    rel_bin = os.path.relpath(os.path.abspath(bin_path), json_dir).replace(os.sep, "/")
    if name is None:
        name = os.path.splitext(os.path.basename(json_path))[0]

    w = _Writer()
    layers = []
    seen = set()
    x = torch.zeros([1] + input_shape)
    with torch.no_grad():
        for child_name, m in model.named_children():
            lname = str(child_name)
            if lname in seen or lname == input_name:
                raise NetJsonError("duplicate layer name %r" % lname)
            seen.add(lname)
            in_shape = list(x.shape[1:])
            layers.append(_layer(lname, m, w, in_shape))
            x = m(x)  # shape inference (and checks that the model runs)
    if not layers:
        raise NetJsonError("model has no layers")

    inp = {"name": input_name, "shape": input_shape,
           "layout": "CHW" if len(input_shape) == 3 else "C"}
    doc = {"format": "qgen-net", "version": 1, "name": name}
    if w.offset:
        doc["weights"] = rel_bin
    doc["input"] = inp
    doc["layers"] = layers
    doc["outputs"] = [layers[-1]["name"]]

    text = _dumps(doc)
    json.loads(text)  # sanity
    with open(bin_path, "wb") as f:
        for c in w.chunks:
            f.write(c)
    with open(json_path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return doc
