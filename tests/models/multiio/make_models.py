#!/usr/bin/env python3
"""Makes the two-input, two-output test models of tests/multiio once (the
committed files are used; CI never runs this script).

  two_io.tflite  int8 (TFLite full-integer quantization; TensorFlow's converter)
  two_io.onnx    float (the onnx package's helper, opset 13)

Both compute, from inputs `a` and `b` (image 8x8x3 each):
  sum   = a + b
  out0  = relu(conv3x3(sum, 4 channels, same padding))
  cat   = concat([a, sum], channels)
  out1  = dense(flatten(maxpool2x2(cat)), 5)        (TFLite: then softmax)
so the first output depends on both inputs and the second reads input `a`
again after `sum` was computed (both inputs live across several layers).

usage: make_models.py OUT_DIR   (TFLite part: a Python with tensorflow, e.g.
build/tfenv; ONNX part: a Python with onnx and numpy)
"""
import os
import sys

import numpy as np


def make_tflite(out_dir):
    import tensorflow as tf
    rng = np.random.default_rng(15)
    k_conv = tf.constant(rng.normal(0, 0.3, (3, 3, 3, 4)).astype(np.float32))
    b_conv = tf.constant(rng.normal(0, 0.1, (4,)).astype(np.float32))
    k_fc = tf.constant(rng.normal(0, 0.2, (4 * 4 * 6, 5)).astype(np.float32))
    b_fc = tf.constant(rng.normal(0, 0.1, (5,)).astype(np.float32))

    @tf.function(input_signature=[tf.TensorSpec([1, 8, 8, 3], tf.float32, name="a"),
                                  tf.TensorSpec([1, 8, 8, 3], tf.float32, name="b")])
    def f(a, b):
        s = a + b
        out0 = tf.nn.relu(tf.nn.conv2d(s, k_conv, 1, "SAME") + b_conv)
        cat = tf.concat([a, s], axis=-1)
        p = tf.nn.max_pool2d(cat, 2, 2, "VALID")
        out1 = tf.nn.softmax(tf.matmul(tf.reshape(p, [1, -1]), k_fc) + b_fc)
        return {"out0": out0, "out1": out1}

    def rep():
        r = np.random.default_rng(7)
        for _ in range(64):
            yield [r.uniform(-1, 1, (1, 8, 8, 3)).astype(np.float32), r.uniform(-1, 1, (1, 8, 8, 3)).astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    data = conv.convert()
    with open(os.path.join(out_dir, "two_io.tflite"), "wb") as fo:
        fo.write(data)


def make_onnx(out_dir):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(15)
    w_conv = rng.normal(0, 0.3, (4, 3, 3, 3)).astype(np.float32)
    b_conv = rng.normal(0, 0.1, (4,)).astype(np.float32)
    w_fc = rng.normal(0, 0.2, (6 * 4 * 4, 5)).astype(np.float32)
    b_fc = rng.normal(0, 0.1, (5,)).astype(np.float32)
    nodes = [
        helper.make_node("Add", ["a", "b"], ["sum"], name="/add"),
        helper.make_node("Conv", ["sum", "w_conv", "b_conv"], ["conv"], name="/head0/conv", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["conv"], ["out0"], name="/head0/relu"),
        helper.make_node("Concat", ["a", "sum"], ["cat"], name="/cat", axis=1),
        helper.make_node("MaxPool", ["cat"], ["pool"], name="/head1/pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["pool"], ["flat"], name="/head1/flatten", axis=1),
        helper.make_node("Gemm", ["flat", "w_fc", "b_fc"], ["out1"], name="/head1/fc"),
    ]
    inits = [numpy_helper.from_array(w_conv, "w_conv"), numpy_helper.from_array(b_conv, "b_conv"),
             numpy_helper.from_array(w_fc, "w_fc"), numpy_helper.from_array(b_fc, "b_fc")]
    g = helper.make_graph(nodes, "two_io",
                          [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 3, 8, 8]),
                           helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 3, 8, 8])],
                          [helper.make_tensor_value_info("out0", TensorProto.FLOAT, [1, 4, 8, 8]),
                           helper.make_tensor_value_info("out1", TensorProto.FLOAT, [1, 5])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="qgen tests/models/multiio")
    m.ir_version = 7
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(out_dir, "two_io.onnx"))


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    try:
        import tensorflow  # noqa: F401
        make_tflite(out)
    except ImportError:
        print("no tensorflow here: two_io.tflite not made")
    try:
        import onnx  # noqa: F401
        make_onnx(out)
    except ImportError:
        print("no onnx here: two_io.onnx not made")
