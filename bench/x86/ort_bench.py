#!/usr/bin/env python3
"""ONNX side of bench/x86/run (needs onnxruntime, onnx, numpy).

  ort_bench.py export NET.json OUT.onnx     qgen net.json (CHW layout) -> ONNX, same weights
  ort_bench.py qdq IN.onnx CALIB.f32 OUT.onnx
                                            onnxruntime.quantization.quantize_static: int8 QDQ,
                                            per-channel weights, calibrated on CALIB.f32
  ort_bench.py time MODEL.onnx INPUT.f32    single-thread latency: prints "median_us X runs N"

Timing: intra_op_num_threads = 1, sequential execution, all graph
optimizations; the session load and the first run are excluded; then 10
warm-up runs; then each run timed alone with perf_counter, at least 21 runs
and about one second; the median is printed.
"""
import json
import os
import statistics
import sys
import time

import numpy as np


def pair(v):
    return [v, v] if isinstance(v, int) else list(v)


def pads(v):
    v = v if not isinstance(v, int) else [v]
    if len(v) == 1:
        return [v[0]] * 4
    if len(v) == 2:
        return [v[0], v[1], v[0], v[1]]
    t, l, b, r = v
    return [t, l, b, r]


def export(net_path, out_path):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    net = json.load(open(net_path))
    if net["input"].get("layout", "CHW") != "CHW" and len(net["input"]["shape"]) == 3:
        sys.exit("export: only CHW nets are supported")
    blob = b""
    if "weights" in net:
        blob = open(os.path.join(os.path.dirname(net_path), net["weights"]), "rb").read()

    def param(p):
        shape = p["shape"]
        if "data" in p:
            return np.array(p["data"], dtype=np.float32).reshape(shape)
        n = int(np.prod(shape))
        return np.frombuffer(blob, dtype="<f4", count=n, offset=p["offset"]).reshape(shape).astype(np.float32)

    nodes, inits = [], []
    in_name = net["input"]["name"]
    prev = in_name
    for L in net["layers"]:
        op, name = L["op"], L["name"]
        ins = L.get("inputs", [prev])
        out = name

        def init(tag, arr):
            inits.append(numpy_helper.from_array(arr, name + "_" + tag))
            return name + "_" + tag

        if op == "conv2d":
            w = param(L["weight"])
            b = param(L["bias"]) if "bias" in L else np.zeros(w.shape[0], np.float32)
            p = pads(L.get("padding", 0))
            nodes.append(helper.make_node("Conv", [ins[0], init("w", w), init("b", b)], [out],
                                          strides=pair(L.get("stride", 1)), dilations=pair(L.get("dilation", 1)),
                                          pads=[p[0], p[1], p[2], p[3]], group=L.get("groups", 1),
                                          kernel_shape=list(w.shape[2:])))
        elif op == "dense":
            w = param(L["weight"])
            b = param(L["bias"]) if "bias" in L else np.zeros(w.shape[0], np.float32)
            nodes.append(helper.make_node("Gemm", [ins[0], init("w", w), init("b", b)], [out], transB=1))
        elif op == "batchnorm":
            nodes.append(helper.make_node("BatchNormalization",
                                          [ins[0], init("s", param(L["scale"])), init("b", param(L["bias"])),
                                           init("m", param(L["mean"])), init("v", param(L["var"]))], [out],
                                          epsilon=L.get("epsilon", 1e-5)))
        elif op in ("relu", "relu6"):
            if op == "relu":
                nodes.append(helper.make_node("Relu", ins, [out]))
            else:
                nodes.append(helper.make_node("Clip", [ins[0], init("lo", np.array(0, np.float32)),
                                                       init("hi", np.array(6, np.float32))], [out]))
        elif op in ("maxpool2d", "avgpool2d"):
            k = pair(L["kernel"])
            p = pads(L.get("padding", 0))
            kw = dict(kernel_shape=k, strides=pair(L.get("stride", L["kernel"])), pads=p)
            if op == "avgpool2d":
                kw["count_include_pad"] = int(L.get("count_include_pad", False))
            nodes.append(helper.make_node("MaxPool" if op == "maxpool2d" else "AveragePool", ins, [out], **kw))
        elif op == "global_avgpool":
            nodes.append(helper.make_node("GlobalAveragePool", ins, [out]))
        elif op == "flatten":
            nodes.append(helper.make_node("Flatten", ins, [out], axis=1))
        elif op == "add":
            nodes.append(helper.make_node("Add", ins, [out]))
        elif op == "softmax":
            nodes.append(helper.make_node("Softmax", ins, [out], axis=1))
        else:
            sys.exit("export: op %s not supported" % op)
        prev = out
    shape = [1] + list(net["input"]["shape"])
    graph = helper.make_graph(nodes, net.get("name", "net"),
                              [helper.make_tensor_value_info(in_name, TensorProto.FLOAT, shape)], [], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    # The output's shape comes from ONNX shape inference.
    info = {v.name: v for v in onnx.shape_inference.infer_shapes(model).graph.value_info}
    model.graph.output.append(info[prev])
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


def input_shape(sess):
    shape = sess.get_inputs()[0].shape
    return [d if isinstance(d, int) else 1 for d in shape]


def load_inputs(path, shape):
    x = np.fromfile(path, dtype="<f4")
    n = int(np.prod(shape))
    return [x[i:i + n].reshape(shape) for i in range(0, len(x) - n + 1, n)]


def session(path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def qdq(in_path, calib_path, out_path):
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    s = session(in_path)
    name, shape = s.get_inputs()[0].name, input_shape(s)
    data = load_inputs(calib_path, shape)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(data)

        def get_next(self):
            x = next(self.it, None)
            return None if x is None else {name: x}

    quantize_static(in_path, out_path, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)


def time_model(path, input_path):
    s = session(path)
    feed = {s.get_inputs()[0].name: load_inputs(input_path, input_shape(s))[0]}
    s.run(None, feed)  # first run excluded
    for _ in range(10):
        s.run(None, feed)
    ts = []
    end = time.perf_counter() + 1.0
    while len(ts) < 21 or (time.perf_counter() < end and len(ts) < 20000):
        t0 = time.perf_counter()
        s.run(None, feed)
        ts.append(time.perf_counter() - t0)
    print("median_us %.2f runs %d" % (statistics.median(ts) * 1e6, len(ts)))


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "export" and len(sys.argv) == 4:
        export(sys.argv[2], sys.argv[3])
    elif cmd == "qdq" and len(sys.argv) == 5:
        qdq(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "time" and len(sys.argv) == 4:
        time_model(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
