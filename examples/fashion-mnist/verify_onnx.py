#!/usr/bin/env python3
"""Check the exported ONNX files against PyTorch with onnxruntime.

    python3 examples/fashion-mnist/verify_onnx.py [--record]

Needs onnxruntime and numpy (not torch).  For every model in accuracy.json
(and its *_bn.onnx variant if present) it runs onnxruntime on all 10,000
Fashion-MNIST test images, one image per run (the models have a static batch
of 1), and checks that

  - the logits of test images 0..99 match PyTorch's (torch_reference.json)
    with max abs difference < 1e-4,
  - top-1 accuracy equals PyTorch's (accuracy.json), and how many top-1
    predictions differ from PyTorch's.

--record writes the results into accuracy.json ("onnxruntime" entry per model).
Exit status 1 if a check fails.
"""

import argparse
import json
import os
import sys

import numpy as np
import onnxruntime as ort
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from fmnist_data import DATA, dumps, read_idx  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOL = 1e-4


def run_all(path, x):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 2
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    (inp,), (out,) = sess.get_inputs(), sess.get_outputs()
    if inp.name != "image" or list(inp.shape) != [1, 1, 28, 28]:
        raise SystemExit("%s: unexpected input %s %s" % (path, inp.name, inp.shape))
    if out.name != "logits" or list(out.shape) != [1, 10]:
        raise SystemExit("%s: unexpected output %s %s" % (path, out.name, out.shape))
    return np.concatenate([sess.run(None, {"image": x[i:i + 1]})[0] for i in range(len(x))])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--record", action="store_true", help="write results into accuracy.json")
    args = ap.parse_args()

    x = read_idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    x = (x.astype(np.float32) / np.float32(255.0))[:, None, :, :]  # [N, 1, 28, 28]

    acc_path = os.path.join(HERE, "accuracy.json")
    with open(acc_path, encoding="utf-8") as f:
        acc = json.load(f)
    with open(os.path.join(HERE, "torch_reference.json"), encoding="utf-8") as f:
        ref = json.load(f)

    ok = True
    for name, entry in acc["models"].items():
        ref_logits = np.array(ref["models"][name]["logits"], dtype=np.float32)
        ref_pred = np.array([int(c) for c in ref["models"][name]["top1_predictions"]])
        files = [entry["file"]] + ([entry["bn_file"]] if "bn_file" in entry else [])
        results = {}
        for fname in files:
            logits = run_all(os.path.join(HERE, fname), x)
            pred = logits.argmax(1)
            top1 = int((pred == y).sum())
            top5 = int((np.argsort(-logits, 1)[:, :5] == y[:, None]).any(1).sum())
            diff = float(np.abs(logits[:len(ref_logits)] - ref_logits).max())
            d0 = float(np.abs(logits[0] - np.array(entry["test0_logits"], np.float32)).max())
            mism = int((pred != ref_pred).sum())
            good = diff < TOL and d0 < TOL and top1 == entry["top1_correct"]
            ok = ok and good
            print("%-20s max|ort-torch| %.2e over %d images (image 0: %.2e)  top-1 %d/%d "
                  "(torch %d)  top-5 %d (torch %d)  predictions differing from torch: %d  %s"
                  % (fname, diff, len(ref_logits), d0, top1, len(y), entry["top1_correct"],
                     top5, entry["top5_correct"], mism, "OK" if good else "FAIL"))
            results[fname] = {"max_abs_diff_first%d" % len(ref_logits): diff,
                              "top1_correct": top1, "top5_correct": top5,
                              "top1_predictions_differing": mism}
        entry["onnxruntime"] = dict(results, version=ort.__version__)

    if args.record:
        with open(acc_path, "w", encoding="utf-8", newline="\n") as f:
            f.write(dumps(acc) + "\n")
        print("recorded in %s" % acc_path)
    print("all checks passed" if ok else "CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
