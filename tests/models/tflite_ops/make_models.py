#!/usr/bin/env python3
"""Makes the small full-int8 TFLite test models in this folder, one per builtin.

Run once by hand, never in CI (it needs the `tensorflow` wheel from PyPI):

    python3 -m venv build/tfenv && build/tfenv/bin/pip install tensorflow-cpu
    build/tfenv/bin/python tests/models/tflite_ops/make_models.py tests/models/tflite_ops

Each model is a tf.function of a few ops, converted by TFLiteConverter with
full-integer quantization (int8 input and output, TFLITE_BUILTINS_INT8) and a
representative dataset of 64 random inputs. Helper ops (a 1x1 CONV_2D, an
AVERAGE_POOL_2D) give the binary ops a second activation operand with its
own scale. The weights and the calibration data come from fixed seeds, but
the converter's output may change with the TensorFlow version; the committed
files are the reference (README.md lists the version that made them).
"""
import os
import sys

import numpy as np
import tensorflow as tf

H, W, C = 8, 8, 4
SHAPE = (1, H, W, C)
rng = np.random.default_rng(15)
FILTER = tf.constant(rng.normal(0.0, 0.6, size=(1, 1, C, C)).astype(np.float32))
# TRANSPOSE_CONV: a 3x3 filter [h, w, out_channels=6, in_channels=C] and a bias.
TFILTER = tf.constant(rng.normal(0.0, 0.4, size=(3, 3, 6, C)).astype(np.float32))
TBIAS = tf.constant(rng.normal(0.0, 0.5, size=(6,)).astype(np.float32))


def conv(x):
    return tf.nn.conv2d(x, FILTER, strides=1, padding="VALID")


def gpool(x):  # AVERAGE_POOL_2D over the whole image: [1, 1, 1, C]
    return tf.nn.avg_pool2d(x, ksize=(H, W), strides=(H, W), padding="VALID")


MODELS = {
    "sub": lambda x: tf.subtract(conv(x), x),
    "sub_broadcast": lambda x: tf.subtract(x, gpool(x)),
    "mul": lambda x: tf.multiply(conv(x), x),
    "mul_broadcast": lambda x: tf.multiply(x, gpool(x)),
    "maximum": lambda x: tf.maximum(conv(x), x),
    "minimum": lambda x: tf.minimum(conv(x), x),
    "leaky_relu": lambda x: tf.nn.leaky_relu(x, alpha=0.2),
    "logistic": lambda x: tf.sigmoid(x),
    "tanh": lambda x: tf.tanh(x),
    "hard_swish": lambda x: x * tf.nn.relu6(x + 3.0) * (1.0 / 6.0),
    "pad": lambda x: tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]]),
    "strided_slice": lambda x: x[:, 1:7:2, :, 1:3],
    "concatenation": lambda x: tf.concat([x, conv(x) * 3.0], axis=-1),
    "mean": lambda x: tf.reduce_mean(x, axis=[1, 2], keepdims=True),
    "transpose": lambda x: tf.transpose(x, [0, 2, 1, 3]),
    # The divisor is sigmoid(relu(.)) >= 0.5: never the zero code (TFLite leaves x / 0 undefined).
    "div": lambda x: tf.divide(x, tf.sigmoid(tf.nn.relu(conv(x)))),
    # TRANSPOSE_CONV, stride 2, SAME: [1, 16, 16, 6]; with and without a bias.
    "transpose_conv": lambda x: tf.nn.conv2d_transpose(x, TFILTER, (1, 2 * H, 2 * W, 6), strides=2, padding="SAME"),
    "transpose_conv_bias": lambda x: tf.nn.bias_add(
        tf.nn.conv2d_transpose(x, TFILTER, (1, 2 * H, 2 * W, 6), strides=2, padding="SAME"), TBIAS),
    # TRANSPOSE_CONV, stride 1, VALID: [1, 10, 10, 6], bias.
    "transpose_conv_valid": lambda x: tf.nn.bias_add(
        tf.nn.conv2d_transpose(x, TFILTER, (1, H + 2, W + 2, 6), strides=1, padding="VALID"), TBIAS),
}


def convert(fn, shape):
    f = tf.function(fn, input_signature=[tf.TensorSpec(shape, tf.float32)])
    conc = f.get_concrete_function()
    cv = tf.lite.TFLiteConverter.from_concrete_functions([conc], f)
    cv.optimizations = [tf.lite.Optimize.DEFAULT]
    data = np.random.default_rng(1).normal(0.0, 1.5, size=(64,) + shape).astype(np.float32)
    cv.representative_dataset = lambda: ([d] for d in data)
    cv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    cv.inference_input_type = tf.int8
    cv.inference_output_type = tf.int8
    return cv.convert()


# Float32 versions (no quantization) of the element-moving and reduction ops,
# written as <name>_f32.tflite.
FLOAT_MODELS = ["pad", "transpose", "strided_slice", "mean", "div", "transpose_conv_bias"]


def convert_float(fn, shape):
    f = tf.function(fn, input_signature=[tf.TensorSpec(shape, tf.float32)])
    cv = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    return cv.convert()


def requantize_model(b):
    """An int8 -> int8 QUANTIZE model: the converter makes none for a lone
    requantization, so the LEAKY_RELU model's operator is rewritten into a
    QUANTIZE from its int8 input to its int8 output (their scales and zero
    points differ) with TFLite's own schema classes."""
    import flatbuffers
    from tensorflow.lite.python import schema_py_generated as schema
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(b, 0))
    op = m.subgraphs[0].operators[0]
    code = m.operatorCodes[op.opcodeIndex]
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.QUANTIZE
    code.version = 1
    op.builtinOptionsType, op.builtinOptions = schema.BuiltinOptions.NONE, None
    fb = flatbuffers.Builder(1024)
    fb.Finish(m.Pack(fb), file_identifier=b"TFL3")
    return bytes(fb.Output())


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
        if name == "leaky_relu" and not only:
            q = requantize_model(b)
            with open(os.path.join(out, "quantize.tflite"), "wb") as f:
                f.write(q)
            print(f"quantize.tflite: {len(q)} bytes, ops QUANTIZE (rewritten from leaky_relu)")
        with open(os.path.join(out, name + ".tflite"), "wb") as f:
            f.write(b)
        it = tf.lite.Interpreter(model_content=b)
        ops = [d["op_name"] for d in it._get_ops_details()]
        print(f"{name}.tflite: {len(b)} bytes, ops {' '.join(ops)}")
    for name in FLOAT_MODELS:
        if only and name + "_f32" not in only:
            continue
        b = convert_float(MODELS[name], SHAPE)
        with open(os.path.join(out, name + "_f32.tflite"), "wb") as f:
            f.write(b)
        ops = [d["op_name"] for d in tf.lite.Interpreter(model_content=b)._get_ops_details()]
        print(f"{name}_f32.tflite: {len(b)} bytes, ops {' '.join(ops)}")
    print("tensorflow", tf.__version__)


if __name__ == "__main__":
    main()
