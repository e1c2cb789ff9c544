"""Fashion-MNIST from Debian's dataset-fashion-mnist package (no downloads)."""
import gzip

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path):
    """Read a gzip'ed IDX file (big-endian header) into a uint8 numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def load_torch(split):
    """(images [N, 1, 28, 28] float32 = pixel / 255, labels int64) as torch tensors."""
    import os

    import torch
    x = read_idx(os.path.join(DATA, "%s-images-idx3-ubyte.gz" % split))
    y = read_idx(os.path.join(DATA, "%s-labels-idx1-ubyte.gz" % split))
    x = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(y.astype(np.int64))
    return x, y


def dumps(v, indent=0):
    """JSON with one key per line; lists of scalars and small dicts stay on one line."""
    import json
    flat = json.dumps(v, ensure_ascii=False)
    if not isinstance(v, (dict, list)) or len(flat) + indent <= 100:
        return flat
    pad = " " * (indent + 1)
    if isinstance(v, list):
        if all(not isinstance(e, (dict, list)) for e in v):
            return flat
        items = [pad + dumps(e, indent + 1) for e in v]
        return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"
    items = [pad + json.dumps(k) + ": " + dumps(e, indent + 1) for k, e in v.items()]
    return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
