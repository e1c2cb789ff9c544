#!/usr/bin/env python3
"""Makes the small 16x8 TFLite test models in this folder (int16 activations,
int8 weights, TFLite's EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8).

Run once by hand, never in CI (it needs the `tensorflow` wheel from PyPI):

    python3 -m venv build/tfenv && build/tfenv/bin/pip install tensorflow-cpu
    build/tfenv/bin/python tests/models/tflite_ops16/make_models.py tests/models/tflite_ops16

Each model is a tf.function of a few ops over an [1, 8, 8, 4] float input,
converted with an int16 input and output and a representative dataset of 64
random inputs (fixed seeds). The committed files are the reference (README.md
lists the TensorFlow version that made them).
"""
import os
import sys

import numpy as np
import tensorflow as tf

H, W, C = 8, 8, 4
SHAPE = (1, H, W, C)
rng = np.random.default_rng(16)
F33 = tf.constant(rng.normal(0.0, 0.4, size=(3, 3, C, 6)).astype(np.float32))
B6 = tf.constant(rng.normal(0.0, 0.5, size=(6,)).astype(np.float32))
F11 = tf.constant(rng.normal(0.0, 0.6, size=(1, 1, C, C)).astype(np.float32))
B4 = tf.constant(rng.normal(0.0, 0.5, size=(C,)).astype(np.float32))
DW = tf.constant(rng.normal(0.0, 0.5, size=(3, 3, C, 1)).astype(np.float32))
FC = tf.constant(rng.normal(0.0, 0.2, size=(H * W * C, 10)).astype(np.float32))
B10 = tf.constant(rng.normal(0.0, 0.5, size=(10,)).astype(np.float32))
# TRANSPOSE_CONV: filter [h, w, out_channels=6, in_channels=C] (drawn after the others: their values stay).
TF33 = tf.constant(rng.normal(0.0, 0.4, size=(3, 3, 6, C)).astype(np.float32))


def conv1(x):
    return tf.nn.bias_add(tf.nn.conv2d(x, F11, strides=1, padding="VALID"), B4)


MODELS = {
    "conv_2d": lambda x: tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, F33, strides=1, padding="SAME"), B6)),
    "conv_2d_stride": lambda x: tf.nn.bias_add(tf.nn.conv2d(x, F33, strides=2, padding="VALID"), B6),
    "depthwise_conv_2d": lambda x: tf.nn.relu6(
        tf.nn.bias_add(tf.nn.depthwise_conv2d(x, DW, strides=[1, 1, 1, 1], padding="SAME"), B4)),
    "fully_connected": lambda x: tf.nn.bias_add(tf.matmul(tf.reshape(x, [1, H * W * C]), FC), B10),
    "add": lambda x: tf.add(conv1(x), x),
    "max_pool_2d": lambda x: tf.nn.max_pool2d(x, ksize=2, strides=2, padding="VALID"),
    "average_pool_2d": lambda x: tf.nn.avg_pool2d(x, ksize=3, strides=2, padding="SAME"),
    "softmax": lambda x: tf.nn.softmax(x),  # over the channels of each pixel
    "softmax_conv": lambda x: tf.nn.softmax(conv1(x) * 4.0),
    "logistic": lambda x: tf.sigmoid(x),
    "tanh": lambda x: tf.tanh(x),
    "tanh_conv": lambda x: tf.tanh(conv1(x)),
    "logistic_conv": lambda x: tf.sigmoid(conv1(x) * 0.25),
    "transpose_conv": lambda x: tf.nn.bias_add(
        tf.nn.conv2d_transpose(x, TF33, (1, 2 * H, 2 * W, 6), strides=2, padding="SAME"), B6),
    "mul": lambda x: tf.multiply(conv1(x), x),  # no 16x8 MUL in qgen: the refusal case
}


def convert(fn, shape):
    f = tf.function(fn, input_signature=[tf.TensorSpec(shape, tf.float32)])
    conc = f.get_concrete_function()
    cv = tf.lite.TFLiteConverter.from_concrete_functions([conc], f)
    cv.optimizations = [tf.lite.Optimize.DEFAULT]
    data = np.random.default_rng(1).normal(0.0, 1.5, size=(64,) + shape).astype(np.float32)
    cv.representative_dataset = lambda: ([d] for d in data)
    cv.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    cv.inference_input_type = tf.int16
    cv.inference_output_type = tf.int16
    return cv.convert()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    only = sys.argv[2:]
    for name, fn in MODELS.items():
        if only and name not in only:
            continue
        try:
            b = convert(fn, SHAPE)
        except Exception as e:  # report and go on: one op the converter refuses must not stop the rest
            print(f"{name}: conversion failed: {e}")
            continue
        with open(os.path.join(out, name + ".tflite"), "wb") as f:
            f.write(b)
        it = tf.lite.Interpreter(model_content=b)
        ops = [d["op_name"] for d in it._get_ops_details()]
        print(f"{name}.tflite: {len(b)} bytes, ops {' '.join(ops)}")
    print("tensorflow", tf.__version__)


if __name__ == "__main__":
    main()
