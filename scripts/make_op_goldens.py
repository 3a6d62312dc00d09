#!/usr/bin/python3
"""Writes PyTorch golden files for every tensor op of saccade, read by dev.saccade.nn.parity.OpParityTest.

Run from anywhere with Debian's python3 (python3-torch 1.13, python3-numpy):

    /usr/bin/python3 scripts/make_op_goldens.py

Output: nn/src/test/resources/goldens/ops/<case>/*.npy and goldens/ops/cases.json (the index). For each case the
folder holds the inputs (float32, or int64 for class/index inputs), out.npy (plus any extra outputs such as updated
batch-norm running statistics), grad_out.npy (a fixed random upstream gradient of out's shape) and grad_<input>.npy
for every differentiable input: the gradient of sum(out * grad_out).

The stored inputs are float32. PyTorch evaluates each case in float64 on exactly those float32 values, and the results
are rounded once to float32, so a golden is the correctly rounded answer, not one float32 evaluation order among many.
Random values come from numpy generators seeded with the CRC-32 of the case name: the output is byte-identical from
run to run and adding a case does not change the others.

The temporal ops are written in plain torch the way the official code computes them (TSM's zeros + slice assignment,
M2A's shift-left minus x, ACTION-Net's conv(x)[:, 1:] − x[:, :T−1] followed by F.pad of a zero last frame).
"""
import json
import os
import shutil
import zlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn", "src", "test", "resources", "goldens", "ops")

CASES = []

# Cases where saccade is known to disagree with PyTorch and the fix is pending: case name -> what is wrong.
# OpParityTest requires such a case to still disagree, so a fix makes it ask for the entry to be removed.
KNOWN_BUGS = {}


def rng_for(name, salt=""):
    return np.random.default_rng(zlib.crc32((name + salt).encode()))


class Inputs:
    """Random input arrays of one case, drawn in call order from the case's generator."""

    def __init__(self, name):
        self.rng = rng_for(name)

    def randn(self, *shape, scale=1.0):
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    def uniform(self, lo, hi, *shape):
        return self.rng.uniform(lo, hi, shape).astype(np.float32)

    def ints(self, hi, *shape):
        return self.rng.integers(0, hi, shape).astype(np.int64)


def to_torch(a, grad):
    if a.dtype == np.int64:
        return torch.from_numpy(a.copy())
    return torch.from_numpy(a.astype(np.float64)).requires_grad_(grad)


def save(folder, name, array):
    # np.ascontiguousarray would turn a 0-d array into shape (1,).
    np.save(os.path.join(folder, name + ".npy"), np.array(array, order="C"))


def emit(name, op, fn, inputs, grads, params=None, tol=None, note=None, strided=None):
    """Evaluates fn(**inputs) in float64, back-propagates a random grad_out and writes the case folder.

    fn returns the output tensor, or (output, {extra output name: tensor}) for ops with side outputs.
    grads lists the inputs whose gradients are stored; strided lists inputs the Java test feeds as non-contiguous
    views of the same values.
    """
    assert name not in {c["name"] for c in CASES}, name
    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    order = list(inputs)
    for k in order:
        save(folder, k, inputs[k])
    tensors = {k: to_torch(v, k in grads) for k, v in inputs.items()}
    result = fn(**tensors)
    extras = {}
    if isinstance(result, tuple):
        result, extras = result
    out = result
    grad_out = rng_for(name, "/grad_out").standard_normal(tuple(out.shape)).astype(np.float32)
    out.backward(torch.from_numpy(grad_out.astype(np.float64)))
    save(folder, "out", out.detach().numpy().astype(np.float32))
    save(folder, "grad_out", grad_out)
    for k, v in extras.items():
        save(folder, k, v.detach().numpy().astype(np.float32))
    for k in grads:
        g = tensors[k].grad
        assert g is not None, f"{name}: no gradient for {k}"
        save(folder, "grad_" + k, g.numpy().astype(np.float32))
    entry = {"name": name, "op": op, "params": params or {}, "inputs": order, "grads": list(grads),
             "extra_outputs": list(extras)}
    if tol:
        entry["tol"] = tol
    if strided:
        entry["strided_inputs"] = list(strided)
    if note:
        entry["note"] = note
    if name in KNOWN_BUGS:
        entry["knownBug"] = KNOWN_BUGS[name]
    CASES.append(entry)


# ------------------------------------------------------------------ elementwise

def unary_cases():
    fns = {
        "neg": (torch.neg, "any"), "exp": (torch.exp, "any"), "log": (torch.log, "positive"),
        "sqrt": (torch.sqrt, "positive"), "rsqrt": (torch.rsqrt, "positive"), "abs": (torch.abs, "any"),
        "relu": (torch.relu, "any"), "relu6": (F.relu6, "wide"), "sigmoid": (torch.sigmoid, "any"),
        "tanh": (torch.tanh, "any"), "square": (torch.square, "any"), "reciprocal": (torch.reciprocal, "positive"),
    }
    for fn_name, (fn, domain) in fns.items():
        name = "unary_" + fn_name
        r = Inputs(name)
        if domain == "positive":
            x = r.uniform(0.2, 3.0, 3, 37)
        elif domain == "wide":
            x = r.uniform(-3.0, 9.0, 3, 37)           # both clamps of relu6 are hit
        else:
            x = r.randn(3, 37, scale=1.5)
        emit(name, "unary", lambda x, f=fn: f(x), {"x": x}, ["x"], {"fn": fn_name})
    scalar = {
        "add_scalar": (lambda x, a: x + a, 0.75, "any"),
        "mul_scalar": (lambda x, a: x * a, -1.25, "any"),
        "rsub_scalar": (lambda x, a: a - x, 2.5, "any"),
        "pow_scalar": (lambda x, a: x ** a, 1.7, "positive"),
        "pow_scalar_int": (lambda x, a: x ** a, 3.0, "any"),
    }
    for fn_name, (fn, alpha, domain) in scalar.items():
        name = "unary_" + fn_name
        r = Inputs(name)
        x = r.uniform(0.2, 3.0, 5, 19) if domain == "positive" else r.randn(5, 19)
        emit(name, "unary", lambda x, f=fn, a=alpha: f(x, a), {"x": x}, ["x"],
             {"fn": fn_name.replace("_int", ""), "alpha": alpha})
    # Points where the derivative has a kink: PyTorch's subgradient is 0 at relu(0), relu6(0), relu6(6), abs(0).
    for fn_name, fn, points in [("relu", torch.relu, [0.0]), ("relu6", F.relu6, [0.0, 6.0]), ("abs", torch.abs, [0.0])]:
        name = f"unary_{fn_name}_kinks"
        r = Inputs(name)
        x = r.uniform(-2.0, 8.0, 3, 17)
        x.reshape(-1)[::5] = np.resize(np.array(points, dtype=np.float32), x.size)[: x.reshape(-1)[::5].size]
        emit(name, "unary", lambda x, f=fn: f(x), {"x": x}, ["x"], {"fn": fn_name})
    for fn_name, fn in [("sigmoid", torch.sigmoid), ("tanh", torch.tanh)]:
        name = f"unary_{fn_name}_saturated"
        emit(name, "unary", lambda x, f=fn: f(x), {"x": Inputs(name).uniform(-60.0, 60.0, 3, 21)}, ["x"], {"fn": fn_name})
    r = Inputs("unary_exp_strided")
    emit("unary_exp_strided", "unary", lambda x: torch.exp(x), {"x": r.randn(7, 23)}, ["x"], {"fn": "exp"}, strided=["x"])


def binary_cases():
    specs = [
        ("add", torch.add, (3, 1, 5), (4, 5), "any"),
        ("sub", torch.sub, (2, 3, 17), (17,), "any"),
        ("mul", torch.mul, (2, 1, 7), (1, 3, 1), "any"),
        ("div", torch.div, (3, 19), (3, 1), "denominator"),
        ("maximum", torch.maximum, (3, 4, 5), (1, 4, 1), "any"),
        ("minimum", torch.minimum, (5, 21), (5, 21), "any"),
    ]
    for fn_name, fn, sa, sb, domain in specs:
        name = "binary_" + fn_name
        r = Inputs(name)
        a = r.randn(*sa)
        b = r.uniform(0.5, 2.0, *sb) * np.where(r.uniform(0, 1, *sb) < 0.5, -1, 1).astype(np.float32) \
            if domain == "denominator" else r.randn(*sb)
        emit(name, "binary", lambda a, b, f=fn: f(a, b), {"a": a, "b": b}, ["a", "b"], {"fn": fn_name})
    # Ties: maximum/minimum give each side half the gradient where a == b, as PyTorch does.
    for fn_name, fn in [("maximum", torch.maximum), ("minimum", torch.minimum)]:
        name = f"binary_{fn_name}_ties"
        r = Inputs(name)
        a = np.round(r.uniform(-2, 2, 4, 1, 6)).astype(np.float32)
        b = np.round(r.uniform(-2, 2, 3, 6)).astype(np.float32)
        emit(name, "binary", lambda a, b, f=fn: f(a, b), {"a": a, "b": b}, ["a", "b"], {"fn": fn_name})
    r = Inputs("binary_mul_strided")
    emit("binary_mul_strided", "binary", lambda a, b: a * b, {"a": r.randn(6, 9), "b": r.randn(6, 9)}, ["a", "b"],
         {"fn": "mul"}, strided=["a"])


# ------------------------------------------------------------------ reductions

def reduction_cases():
    def reduce(op, x, axes, keepdim, **kw):
        dim = tuple(axes) if axes else tuple(range(x.dim()))
        if op == "sum":
            return torch.sum(x, dim=dim, keepdim=keepdim)
        if op == "mean":
            return torch.mean(x, dim=dim, keepdim=keepdim)
        if op == "amax":
            return torch.amax(x, dim=dim, keepdim=keepdim)
        if op == "amin":
            return torch.amin(x, dim=dim, keepdim=keepdim)
        if op == "var":
            return torch.var(x, dim=dim, unbiased=kw["unbiased"], keepdim=keepdim)
        raise ValueError(op)

    specs = [
        ("sum_axis1_keepdim", "sum", (3, 5, 7), [1], True, {}),
        ("sum_axes02", "sum", (3, 5, 7), [0, 2], False, {}),
        ("sum_all", "sum", (4, 3, 5), [], False, {}),
        ("sum_last_long_row", "sum", (2, 1031), [-1], False, {}),
        ("mean_axes12", "mean", (3, 4, 5), [1, 2], False, {}),
        ("mean_all_large", "mean", (3, 701), [], False, {}),
        ("amax_last", "amax", (4, 3, 9), [-1], False, {}),
        ("amin_axes02_keepdim", "amin", (4, 3, 9), [0, 2], True, {}),
        ("var_unbiased_axis1", "var", (3, 6, 4), [1], False, {"unbiased": True}),
        ("var_biased_axes02", "var", (3, 6, 4), [0, 2], True, {"unbiased": False}),
    ]
    for suffix, op, shape, axes, keepdim, kw in specs:
        name = "reduce_" + suffix
        x = Inputs(name).randn(*shape)
        emit(name, op, lambda x, op=op, axes=axes, keepdim=keepdim, kw=kw: reduce(op, x, axes, keepdim, **kw),
             {"x": x}, ["x"], dict(axes=axes, keepdim=keepdim, **kw))
    # Ties: amax splits the gradient evenly among equal maxima, as torch.amax's backward does.
    x = np.round(Inputs("reduce_amax_ties").uniform(0, 3, 4, 6)).astype(np.float32)
    emit("reduce_amax_ties", "amax", lambda x: torch.amax(x, dim=1), {"x": x}, ["x"],
         {"axes": [1], "keepdim": False})
    x = Inputs("reduce_sum_strided").randn(5, 8, 3)
    emit("reduce_sum_strided", "sum", lambda x: torch.sum(x, dim=(1,)), {"x": x}, ["x"],
         {"axes": [1], "keepdim": False}, strided=["x"])


def softmax_cases():
    for log in (False, True):
        name = "log_softmax_axis1" if log else "softmax_axis1"
        x = Inputs(name).randn(3, 7, 5, scale=2.0)
        f = F.log_softmax if log else F.softmax
        emit(name, "log_softmax" if log else "softmax", lambda x, f=f: f(x, dim=1), {"x": x}, ["x"], {"axis": 1})
    x = Inputs("softmax_last_long").randn(4, 37, scale=3.0)
    emit("softmax_last_long", "softmax", lambda x: F.softmax(x, dim=-1), {"x": x}, ["x"], {"axis": -1})
    # Logits far beyond exp's float32 range: only a max-subtracted softmax survives.
    x = Inputs("softmax_large_logits").randn(3, 19, scale=80.0)
    emit("softmax_large_logits", "softmax", lambda x: F.softmax(x, dim=-1), {"x": x}, ["x"], {"axis": -1})
    x = Inputs("log_softmax_large_logits_axis0").randn(6, 5, scale=80.0)
    emit("log_softmax_large_logits_axis0", "log_softmax", lambda x: F.log_softmax(x, dim=0), {"x": x}, ["x"],
         {"axis": 0})
    r = Inputs("cross_entropy_large_logits")
    logits, targets = r.randn(5, 7, scale=60.0), r.ints(7, 5)
    emit("cross_entropy_large_logits", "cross_entropy", lambda logits, targets: F.cross_entropy(logits, targets),
         {"logits": logits, "targets": targets}, ["logits"])
    r = Inputs("cross_entropy")
    logits, targets = r.randn(6, 11, scale=2.0), r.ints(11, 6)
    emit("cross_entropy", "cross_entropy", lambda logits, targets: F.cross_entropy(logits, targets),
         {"logits": logits, "targets": targets}, ["logits"])


# ------------------------------------------------------------------ linear algebra

def matmul_cases():
    specs = [
        ("matmul_2d", (5, 7), (7, 3)),
        ("matmul_2d_wide", (3, 33), (33, 21)),
        ("matmul_batched", (4, 3, 6), (4, 6, 5)),
        ("matmul_broadcast", (2, 1, 3, 4), (3, 4, 5)),
        ("matmul_shared_rhs", (3, 5, 4), (4, 6)),
        ("matmul_odd_blocks", (23, 61), (61, 35)),     # several register blocks plus tails on every axis
    ]
    for name, sa, sb in specs:
        r = Inputs(name)
        emit(name, "matmul", lambda a, b: torch.matmul(a, b), {"a": r.randn(*sa), "b": r.randn(*sb)}, ["a", "b"])
    r = Inputs("matmul_transposed_lhs")
    emit("matmul_transposed_lhs", "matmul", lambda a, b: torch.matmul(a, b), {"a": r.randn(5, 9), "b": r.randn(9, 4)}, ["a", "b"],
         strided=["a"])
    r = Inputs("linear")
    emit("linear", "linear", lambda x, w, b: F.linear(x, w, b), {"x": r.randn(2, 3, 9), "w": r.randn(5, 9), "b": r.randn(5)},
         ["x", "w", "b"])
    r = Inputs("linear_no_bias")
    emit("linear_no_bias", "linear", lambda x, w: F.linear(x, w), {"x": r.randn(4, 7), "w": r.randn(3, 7)},
         ["x", "w"])


# ------------------------------------------------------------------ convolution and pooling

def conv_cases():
    convs = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
    specs = [
        # name, rank, x shape, w shape, bias, stride, padding, dilation, groups
        ("conv1d_s2_p1_bias", 1, (2, 3, 11), (4, 3, 3), True, [2], [1], [1], 1),
        ("conv1d_dil2_groups2", 1, (2, 4, 9), (6, 2, 3), False, [1], [2], [2], 2),
        ("conv2d_s2_p1_bias", 2, (2, 3, 7, 9), (5, 3, 3, 3), True, [2, 2], [1, 1], [1, 1], 1),
        ("conv2d_dil2_groups2", 2, (1, 4, 7, 7), (6, 2, 3, 3), False, [1, 1], [2, 2], [2, 2], 2),
        ("conv2d_depthwise", 2, (2, 5, 6, 7), (5, 1, 3, 3), True, [1, 1], [1, 1], [1, 1], 5),
        ("conv2d_1x1", 2, (2, 6, 5, 3), (4, 6, 1, 1), True, [1, 1], [0, 0], [1, 1], 1),
        ("conv2d_asymmetric", 2, (1, 3, 8, 7), (4, 3, 3, 2), False, [2, 1], [1, 0], [1, 2], 1),
        ("conv2d_7x7_s2_p3", 2, (1, 3, 13, 11), (4, 3, 7, 7), False, [2, 2], [3, 3], [1, 1], 1),
        ("conv3d_s2_p1_bias", 3, (1, 2, 5, 6, 7), (3, 2, 3, 3, 3), True, [2, 2, 2], [1, 1, 1], [1, 1, 1], 1),
        ("conv3d_temporal_1x3x3", 3, (2, 3, 4, 5, 5), (4, 3, 1, 3, 3), False, [1, 2, 2], [0, 1, 1], [1, 1, 1], 1),
        ("conv3d_depthwise_3x1x1", 3, (1, 4, 5, 3, 3), (4, 1, 3, 1, 1), True, [1, 1, 1], [1, 0, 0], [1, 1, 1], 4),
    ]
    for name, rank, sx, sw, bias, stride, padding, dilation, groups in specs:
        r = Inputs(name)
        inputs = {"x": r.randn(*sx), "w": r.randn(*sw, scale=0.5)}
        if bias:
            inputs["b"] = r.randn(sw[0])
        conv = convs[rank]
        fn = (lambda x, w, b=None, conv=conv, s=stride, p=padding, d=dilation, g=groups:
              conv(x, w, b, stride=s, padding=p, dilation=d, groups=g))
        emit(name, "conv", fn, inputs, list(inputs),
             {"rank": rank, "stride": stride, "padding": padding, "dilation": dilation, "groups": groups})


def pool_cases():
    pools = {("max", 2): F.max_pool2d, ("max", 3): F.max_pool3d, ("avg", 2): F.avg_pool2d, ("avg", 3): F.avg_pool3d}
    specs = [
        ("max_pool2d_k3_s2_p1", "max", 2, (2, 3, 9, 8), [3, 3], [2, 2], [1, 1]),
        ("max_pool2d_k2_s2_odd", "max", 2, (1, 2, 7, 5), [2, 2], [2, 2], [0, 0]),
        ("max_pool2d_k3_s1", "max", 2, (1, 3, 6, 19), [3, 3], [1, 1], [0, 0]),
        ("max_pool3d_1x3x3_s122_p011", "max", 3, (1, 2, 3, 7, 6), [1, 3, 3], [1, 2, 2], [0, 1, 1]),
        ("max_pool3d_k2_s2", "max", 3, (2, 2, 5, 4, 5), [2, 2, 2], [2, 2, 2], [0, 0, 0]),
        ("avg_pool2d_k3_s2_p1", "avg", 2, (2, 3, 9, 8), [3, 3], [2, 2], [1, 1]),
        ("avg_pool2d_k2_s2_odd", "avg", 2, (1, 2, 7, 5), [2, 2], [2, 2], [0, 0]),
        ("avg_pool3d_k3_s1_p1", "avg", 3, (1, 2, 3, 4, 5), [3, 3, 3], [1, 1, 1], [1, 1, 1]),
        ("avg_pool3d_2x1x1", "avg", 3, (1, 3, 5, 2, 3), [2, 1, 1], [2, 1, 1], [0, 0, 0]),
    ]
    for name, kind, rank, sx, k, s, p in specs:
        # A permutation of distinct values: max pooling has no ties, so its gradient is well defined.
        n = int(np.prod(sx))
        x = (Inputs(name).rng.permutation(n).astype(np.float32) / n - 0.5).reshape(sx).astype(np.float32)
        pool = pools[(kind, rank)]
        emit(name, kind + "_pool", lambda x, f=pool, k=k, s=s, p=p: f(x, k, s, p), {"x": x}, ["x"],
             {"kernel": k, "stride": s, "padding": p})
    for name, sx, size in [("adaptive_avg_pool2d_1x1", (2, 3, 5, 7), [1, 1]),
                           ("adaptive_avg_pool2d_3x2", (1, 2, 5, 7), [3, 2]),
                           ("adaptive_avg_pool2d_4x4_from_7x6", (1, 2, 7, 6), [4, 4])]:
        x = Inputs(name).randn(*sx)
        emit(name, "adaptive_avg_pool", lambda x, size=size: F.adaptive_avg_pool2d(x, size), {"x": x}, ["x"],
             {"out_size": size})


# ------------------------------------------------------------------ normalisation

def norm_cases():
    for name, sx in [("batch_norm_train_2d", (4, 3, 5, 3)), ("batch_norm_train_3d_input", (5, 4, 7))]:
        r = Inputs(name)
        c = sx[1]
        inputs = {"x": r.randn(*sx, scale=2.0) + 0.5, "weight": r.randn(c), "bias": r.randn(c),
                  "running_mean": r.randn(c, scale=0.1), "running_var": r.uniform(0.5, 1.5, c)}

        def fn(x, weight, bias, running_mean, running_var):
            y = F.batch_norm(x, running_mean, running_var, weight, bias, training=True, momentum=0.1, eps=1e-5)
            return y, {"running_mean_out": running_mean, "running_var_out": running_var}
        emit(name, "batch_norm", fn, inputs, ["x", "weight", "bias"],
             {"training": True, "momentum": 0.1, "eps": 1e-5})
    name = "batch_norm_train_no_affine"
    r = Inputs(name)
    emit(name, "batch_norm",
         lambda x: F.batch_norm(x, None, None, None, None, training=True, momentum=0.1, eps=1e-5),
         {"x": r.randn(3, 2, 4, 5)}, ["x"], {"training": True, "momentum": 0.1, "eps": 1e-5})
    name = "batch_norm_eval"
    r = Inputs(name)
    emit(name, "batch_norm",
         lambda x, weight, bias, running_mean, running_var:
         F.batch_norm(x, running_mean, running_var, weight, bias, training=False, momentum=0.1, eps=1e-5),
         {"x": r.randn(2, 3, 4, 5), "weight": r.randn(3), "bias": r.randn(3), "running_mean": r.randn(3, scale=0.3),
          "running_var": r.uniform(0.5, 1.5, 3)}, ["x", "weight", "bias"],
         {"training": False, "momentum": 0.1, "eps": 1e-5})

    specs = [
        ("layer_norm_no_affine", (3, 7), 1, False),
        ("layer_norm_affine", (2, 3, 19), 1, True),
        ("layer_norm_affine_two_axes", (2, 3, 4, 5), 2, True),
        ("layer_norm_no_affine_three_axes", (2, 3, 4, 5), 3, False),
    ]
    for name, sx, k, affine in specs:
        r = Inputs(name)
        inputs = {"x": r.randn(*sx, scale=2.0) + 1.0}
        norm_shape = list(sx[-k:])
        if affine:
            inputs["weight"] = r.randn(*norm_shape)
            inputs["bias"] = r.randn(*norm_shape)
        emit(name, "layer_norm",
             lambda x, weight=None, bias=None, ns=norm_shape: F.layer_norm(x, ns, weight, bias, eps=1e-5),
             inputs, list(inputs), {"normalized_axes": k, "eps": 1e-5})


# ------------------------------------------------------------------ shapes

def shape_cases():
    r = Inputs("permute_contiguous")
    emit("permute_contiguous", "permute", lambda x: x.permute(2, 0, 1).contiguous(), {"x": r.randn(2, 3, 5)}, ["x"],
         {"order": [2, 0, 1]})
    r = Inputs("narrow_axis1")
    emit("narrow_axis1", "narrow", lambda x: x.narrow(1, 2, 3), {"x": r.randn(3, 7, 2)}, ["x"],
         {"axis": 1, "start": 2, "length": 3})
    r = Inputs("cat_axis1")
    emit("cat_axis1", "cat", lambda a, b, c: torch.cat([a, b, c], dim=1),
         {"a": r.randn(2, 1, 3), "b": r.randn(2, 4, 3), "c": r.randn(2, 2, 3)}, ["a", "b", "c"], {"axis": 1})
    r = Inputs("cat_last")
    emit("cat_last", "cat", lambda a, b: torch.cat([a, b], dim=-1), {"a": r.randn(3, 5), "b": r.randn(3, 2)},
         ["a", "b"], {"axis": -1})
    for axis in (0, 2):
        name = f"stack_axis{axis}"
        r = Inputs(name)
        emit(name, "stack", lambda a, b, c, axis=axis: torch.stack([a, b, c], dim=axis),
             {"a": r.randn(3, 4), "b": r.randn(3, 4), "c": r.randn(3, 4)}, ["a", "b", "c"], {"axis": axis})
    r = Inputs("pad_constant")
    # torch order: last axis first, (before, after) pairs.
    emit("pad_constant", "pad", lambda x: F.pad(x, (1, 2, 0, 1, 2, 0), value=0.0), {"x": r.randn(2, 3, 4)}, ["x"],
         {"torch_pad": [1, 2, 0, 1, 2, 0], "value": 0.0})
    r = Inputs("pad_value")
    emit("pad_value", "pad", lambda x: F.pad(x, (2, 1), value=-1.5), {"x": r.randn(3, 5)}, ["x"],
         {"torch_pad": [2, 1], "value": -1.5})
    r = Inputs("index_select_repeats")
    emit("index_select_repeats", "index_select", lambda x, index: torch.index_select(x, 1, index),
         {"x": r.randn(3, 6, 2), "index": np.array([4, 0, 4, 2, 5], dtype=np.int64)}, ["x"], {"axis": 1})
    r = Inputs("index_select_axis0")
    emit("index_select_axis0", "index_select", lambda x, index: torch.index_select(x, 0, index),
         {"x": r.randn(5, 4), "index": np.array([3, 3, 1], dtype=np.int64)}, ["x"], {"axis": 0})
    r = Inputs("gather_axis1")
    emit("gather_axis1", "gather", lambda x, index: torch.gather(x, 1, index),
         {"x": r.randn(3, 5, 4), "index": r.ints(5, 3, 7, 4)}, ["x"], {"axis": 1})
    r = Inputs("gather_last_smaller")
    emit("gather_last_smaller", "gather", lambda x, index: torch.gather(x, -1, index),
         {"x": r.randn(4, 6), "index": r.ints(6, 3, 2)}, ["x"], {"axis": -1})
    r = Inputs("expand")
    emit("expand", "expand", lambda x: x.expand(2, 3, 5, 4), {"x": r.randn(3, 1, 4)}, ["x"], {"shape": [2, 3, 5, 4]})


# ------------------------------------------------------------------ temporal ops

def tsm_shift(x, n_segment, fold_div):
    """TSM's shift (temporal-shift-module ops/temporal_shift.py, inplace=False): zeros plus slice assignment."""
    nt, c, h, w = x.size()
    x = x.view(nt // n_segment, n_segment, c, h, w)
    fold = c // fold_div
    out = torch.zeros_like(x)
    out[:, :-1, :fold] = x[:, 1:, :fold]
    out[:, 1:, fold:2 * fold] = x[:, :-1, fold:2 * fold]
    out[:, :, 2 * fold:] = x[:, :, 2 * fold:]
    return out.view(nt, c, h, w)


def tsm_online_shift(x, n_segment, fold_div):
    """TSM's online shift as the online demo runs it (online_demo/mobilenet_v2_tsm.py): frame by frame, the first
    C//fold_div channels come from a buffer holding the previous frame's (zeros before the first frame)."""
    nt, c, h, w = x.size()
    x = x.view(nt // n_segment, n_segment, c, h, w)
    fold = c // fold_div
    buffer = torch.zeros_like(x[:, 0, :fold])
    frames = []
    for t in range(n_segment):
        frames.append(torch.cat((buffer, x[:, t, fold:]), dim=1))
        buffer = x[:, t, :fold]
    return torch.stack(frames, dim=1).view(nt, c, h, w)


def m2a_motion(x, n_segment):
    """M2A's motion term: x shifted left along time (a zero frame shifted in at the end) minus x."""
    nt, c, h, w = x.size()
    v = x.view(nt // n_segment, n_segment, c, h, w)
    shifted = torch.zeros_like(v)
    shifted[:, :-1] = v[:, 1:]
    return (shifted - v).view(nt, c, h, w)


def action_motion(a, b, n_segment):
    """ACTION-Net ME: a[:, 1:] − b[:, :T−1], then F.pad of a zero frame at the end of the time axis."""
    nt, c, h, w = b.size()
    av = a.view(nt // n_segment, n_segment, c, h, w)
    bv = b.view(nt // n_segment, n_segment, c, h, w)
    _, a_next = av.split([1, n_segment - 1], dim=1)
    b_prev, _ = bv.split([n_segment - 1, 1], dim=1)
    diff = a_next - b_prev
    diff = F.pad(diff, (0, 0, 0, 0, 0, 0, 0, 1), mode="constant", value=0)
    return diff.view(nt, c, h, w)


def temporal_cases():
    for name, sx, frames, fold_div in [("temporal_shift_c7_div3", (6, 7, 2, 3), 3, 3),
                                       ("temporal_shift_c16_div8", (8, 16, 3, 2), 4, 8)]:
        x = Inputs(name).randn(*sx)
        emit(name, "temporal_shift", lambda x, t=frames, d=fold_div: tsm_shift(x, t, d), {"x": x}, ["x"],
             {"frames": frames, "fold_div": fold_div})
    for name, sx, frames, fold_div in [("temporal_shift_online_c7_div3", (6, 7, 2, 3), 3, 3),
                                       ("temporal_shift_online_c16_div8", (8, 16, 3, 2), 4, 8)]:
        x = Inputs(name).randn(*sx)
        emit(name, "temporal_shift_online", lambda x, t=frames, d=fold_div: tsm_online_shift(x, t, d), {"x": x}, ["x"],
             {"frames": frames, "fold_div": fold_div})
    name = "frame_difference_m2a"
    x = Inputs(name).randn(6, 3, 2, 5)
    emit(name, "frame_difference_m2a", lambda x: m2a_motion(x, 3), {"x": x}, ["x"], {"frames": 3})
    name = "frame_difference_action"
    r = Inputs(name)
    emit(name, "frame_difference_action", lambda a, b: action_motion(a, b, 4),
         {"a": r.randn(8, 3, 2, 3), "b": r.randn(8, 3, 2, 3)}, ["a", "b"], {"frames": 4})
    name = "action_motion_depthwise"
    r = Inputs(name)
    c = 4

    def fn(x, w):
        conv = F.conv2d(x, w, None, stride=1, padding=1, groups=c)   # ACTION-Net's depthwise 3x3, no bias
        return action_motion(conv, x, 3)
    emit(name, "action_motion", fn, {"x": r.randn(6, c, 5, 4), "w": r.randn(c, 1, 3, 3, scale=0.5)}, ["x", "w"],
         {"frames": 3})


# ------------------------------------------------------------------ fused temporal-attention ops
# Each fused op is checked against the composed PyTorch expression it replaces, at T = 1, 3 and 8 frames.

def action_shift(x, w, n_segment):
    """ACTION-Net's learnable shift (V-Sense/ACTION-Net models/action.py, Action.forward): permute to
    (N·H·W, C, T), depthwise Conv1d(C, C, 3, padding=1, groups=C, bias=False), permute back."""
    nt, c, h, wd = x.size()
    n = nt // n_segment
    seq = x.view(n, n_segment, c, h, wd).permute([0, 3, 4, 2, 1]).contiguous().view(n * h * wd, c, n_segment)
    seq = F.conv1d(seq, w, None, padding=1, groups=c)
    return seq.view(n, h, wd, c, n_segment).permute([0, 4, 3, 1, 2]).contiguous().view(nt, c, h, wd)


def gate_sum(x, c, s, alpha):
    """ACTION-Net's sum of gated copies, xs·p + xs + xs·q + xs + …: x·c + x·s + α·x (an absent gate drops out)."""
    y = alpha * x
    if c is not None:
        y = y + x * c
    if s is not None:
        y = y + x * s
    return y


def gate_product(x, c, s):
    """CBAM's M_s ⊗ (M_c ⊗ F) (Woo et al., Eq. 1): channel gate first, then spatial (an absent gate is 1)."""
    y = x
    if c is not None:
        y = y * c
    if s is not None:
        y = y * s
    return y


def avg_max_pool(x, c, axis):
    """CBAM's pooled descriptors of v = x·c: spatial → stack([mean, amax] over H, W) (2, M, C); channel →
    cat([mean, amax] over C, keepdim) (M, 2, H, W). torch.amax splits the gradient evenly among ties."""
    v = x if c is None else x * c
    if axis == "spatial":
        return torch.stack([v.mean((2, 3)), v.amax((2, 3))], 0)
    return torch.cat([v.mean(1, keepdim=True), v.amax(1, keepdim=True)], 1)


def fused_op_cases():
    # Shapes: odd sizes; each op has a case with H·W = 21 or 35 (whole vectors of 8 or 16 lanes plus a tail) next to
    # cases with H·W shorter than a vector, so both code paths of the SIMD kernels are compared.
    # temporal_conv: (N·T, C, H, W); the (N·T, C, 1, 1) case is W3's channel-temporal conv
    for name, (n, t, c, h, w) in [("temporal_conv_t1", (3, 1, 5, 3, 2)), ("temporal_conv_t3", (2, 3, 5, 3, 3)),
                                  ("temporal_conv_t8", (1, 8, 3, 2, 3)), ("temporal_conv_t8_n2_1x1", (2, 8, 9, 1, 1)),
                                  ("temporal_conv_t3_rows", (1, 3, 3, 5, 7))]:
        r = Inputs(name)
        emit(name, "temporal_conv", lambda x, w, t=t: action_shift(x, w, t),
             {"x": r.randn(n * t, c, h, w), "w": r.randn(c, 1, 3)}, ["x", "w"], {"frames": t})
    # broadcast_gate: M = N·T frames; gates in (0, 1) as the sigmoids that produce them
    for name, m, (c, h, w), gates, combine, alpha in [
            ("broadcast_gate_sum_t1", 2, (3, 5, 7), "cs", "sum", 3.0),
            ("broadcast_gate_sum_t3", 3, (7, 2, 5), "cs", "sum", 3.0),
            ("broadcast_gate_sum_t8_channel_only", 8, (3, 3, 2), "c", "sum", 2.0),
            ("broadcast_gate_sum_t3_spatial_only", 3, (4, 5, 3), "s", "sum", 1.5),
            ("broadcast_gate_product_t1", 1, (9, 3, 5), "cs", "product", 0.0),
            ("broadcast_gate_product_t3", 3, (3, 5, 7), "cs", "product", 0.0),
            ("broadcast_gate_product_t8_channel_only", 8, (6, 3, 3), "c", "product", 0.0),
            ("broadcast_gate_product_t8_spatial_only", 8, (3, 2, 5), "s", "product", 0.0)]:
        r = Inputs(name)
        inputs = {"x": r.randn(m, c, h, w)}
        if "c" in gates:
            inputs["c"] = r.uniform(0.0, 1.0, m, c, 1, 1)
        if "s" in gates:
            inputs["s"] = r.uniform(0.0, 1.0, m, 1, h, w)
        if combine == "sum":
            fn = lambda x, c=None, s=None, a=alpha: gate_sum(x, c, s, a)
        else:
            fn = lambda x, c=None, s=None: gate_product(x, c, s)
        emit(name, "broadcast_gate", fn, inputs, list(inputs), {"combine": combine, "offset": alpha})
    # avg_max_pool: with the channel attention c (W3, CBAM) and without; the tie cases take values from {0, 1, 2}
    for name, m, (c, h, w), scaled, axis, ties in [
            ("avg_max_pool_spatial_t1", 1, (5, 3, 7), True, "spatial", False),
            ("avg_max_pool_spatial_t3", 3, (7, 5, 3), True, "spatial", False),
            ("avg_max_pool_spatial_t8_unscaled", 8, (3, 3, 5), False, "spatial", False),
            ("avg_max_pool_channel_t1", 2, (9, 3, 7), True, "channel", False),
            ("avg_max_pool_channel_t3", 3, (5, 4, 3), True, "channel", False),
            ("avg_max_pool_channel_t8_unscaled", 8, (6, 3, 3), False, "channel", False),
            ("avg_max_pool_spatial_t3_ties", 3, (4, 3, 7), False, "spatial", True),
            ("avg_max_pool_channel_t3_ties", 3, (5, 3, 7), False, "channel", True)]:
        r = Inputs(name)
        x = r.ints(3, m, c, h, w).astype(np.float32) if ties else r.randn(m, c, h, w)
        inputs = {"x": x}
        if scaled:
            inputs["c"] = r.uniform(0.1, 1.0, m, c, 1, 1)
        emit(name, "avg_max_pool", lambda x, c=None, a=axis: avg_max_pool(x, c, a), inputs, list(inputs),
             {"axis": axis})
    # sigmoid_gate: M2A's x·σ(z) + x (α = 1); z wide enough to saturate σ at both ends
    for name, m, (c, h, w), alpha in [("sigmoid_gate_t1", 2, (5, 3, 3), 1.0), ("sigmoid_gate_t3", 3, (3, 5, 7), 1.0),
                                      ("sigmoid_gate_t8", 8, (3, 3, 3), 1.0),
                                      ("sigmoid_gate_t3_alpha_half", 3, (4, 3, 5), 0.5)]:
        r = Inputs(name)
        emit(name, "sigmoid_gate", lambda x, z, a=alpha: x * torch.sigmoid(z) + a * x,
             {"x": r.randn(m, c, h, w), "z": r.randn(m, c, h, w, scale=4.0)}, ["x", "z"], {"offset": alpha})
    # non-contiguous inputs (every axis permuted): the backends take any layout
    r = Inputs("strided_temporal_conv")
    emit("strided_temporal_conv", "temporal_conv", lambda x, w: action_shift(x, w, 3),
         {"x": r.randn(6, 5, 3, 2), "w": r.randn(5, 1, 3)}, ["x", "w"], {"frames": 3}, strided=["x", "w"])
    r = Inputs("strided_broadcast_gate_sum")
    emit("strided_broadcast_gate_sum", "broadcast_gate", lambda x, c, s: gate_sum(x, c, s, 3.0),
         {"x": r.randn(6, 5, 3, 2), "c": r.uniform(0, 1, 6, 5, 1, 1), "s": r.uniform(0, 1, 6, 1, 3, 2)},
         ["x", "c", "s"], {"combine": "sum", "offset": 3.0}, strided=["x", "c", "s"])
    r = Inputs("strided_avg_max_pool_channel")
    emit("strided_avg_max_pool_channel", "avg_max_pool", lambda x, c: avg_max_pool(x, c, "channel"),
         {"x": r.randn(3, 5, 3, 4), "c": r.uniform(0.1, 1, 3, 5, 1, 1)}, ["x", "c"], {"axis": "channel"},
         strided=["x"])
    r = Inputs("strided_sigmoid_gate")
    emit("strided_sigmoid_gate", "sigmoid_gate", lambda x, z: x * torch.sigmoid(z) + x,
         {"x": r.randn(3, 4, 3, 2), "z": r.randn(3, 4, 3, 2, scale=2.0)}, ["x", "z"], {"offset": 1.0},
         strided=["x", "z"])


def strided_cases():
    """Layer and temporal ops fed non-contiguous inputs (every axis permuted): the backend contract says any layout."""
    r = Inputs("strided_conv2d")
    emit("strided_conv2d", "conv", lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=1),
         {"x": r.randn(2, 3, 5, 4), "w": r.randn(4, 3, 3, 3, scale=0.5), "b": r.randn(4)}, ["x", "w", "b"],
         {"rank": 2, "stride": [1, 1], "padding": [1, 1], "dilation": [1, 1], "groups": 1}, strided=["x", "w"])
    n = 2 * 3 * 7 * 6
    x = (Inputs("strided_max_pool2d").rng.permutation(n).astype(np.float32) / n).reshape(2, 3, 7, 6)
    emit("strided_max_pool2d", "max_pool", lambda x: F.max_pool2d(x, 3, 2, 1), {"x": x}, ["x"],
         {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1]}, strided=["x"])
    x = Inputs("strided_avg_pool3d").randn(1, 2, 4, 5, 3)
    emit("strided_avg_pool3d", "avg_pool", lambda x: F.avg_pool3d(x, 3, 1, 1), {"x": x}, ["x"],
         {"kernel": [3, 3, 3], "stride": [1, 1, 1], "padding": [1, 1, 1]}, strided=["x"])
    x = Inputs("strided_adaptive_avg_pool2d").randn(2, 3, 5, 7)
    emit("strided_adaptive_avg_pool2d", "adaptive_avg_pool", lambda x: F.adaptive_avg_pool2d(x, [2, 3]), {"x": x},
         ["x"], {"out_size": [2, 3]}, strided=["x"])
    r = Inputs("strided_batch_norm_train")
    emit("strided_batch_norm_train", "batch_norm",
         lambda x, weight, bias: F.batch_norm(x, None, None, weight, bias, training=True, momentum=0.1, eps=1e-5),
         {"x": r.randn(3, 4, 2, 5), "weight": r.randn(4), "bias": r.randn(4)}, ["x", "weight", "bias"],
         {"training": True, "momentum": 0.1, "eps": 1e-5}, strided=["x"])
    r = Inputs("strided_layer_norm")
    emit("strided_layer_norm", "layer_norm", lambda x, weight, bias: F.layer_norm(x, [6], weight, bias, eps=1e-5),
         {"x": r.randn(4, 3, 6), "weight": r.randn(6), "bias": r.randn(6)}, ["x", "weight", "bias"],
         {"normalized_axes": 1, "eps": 1e-5}, strided=["x"])
    x = Inputs("strided_softmax_axis1").randn(3, 5, 4)
    emit("strided_softmax_axis1", "softmax", lambda x: F.softmax(x, dim=1), {"x": x}, ["x"], {"axis": 1},
         strided=["x"])
    x = Inputs("strided_temporal_shift").randn(6, 8, 2, 3)
    emit("strided_temporal_shift", "temporal_shift", lambda x: tsm_shift(x, 3, 4), {"x": x}, ["x"],
         {"frames": 3, "fold_div": 4}, strided=["x"])
    x = Inputs("strided_temporal_shift_online").randn(6, 8, 2, 3)
    emit("strided_temporal_shift_online", "temporal_shift_online", lambda x: tsm_online_shift(x, 3, 4), {"x": x}, ["x"],
         {"frames": 3, "fold_div": 4}, strided=["x"])
    x = Inputs("strided_frame_difference_m2a").randn(4, 3, 3, 2)
    emit("strided_frame_difference_m2a", "frame_difference_m2a", lambda x: m2a_motion(x, 2), {"x": x}, ["x"],
         {"frames": 2}, strided=["x"])
    r = Inputs("strided_frame_difference_action")
    emit("strided_frame_difference_action", "frame_difference_action", lambda a, b: action_motion(a, b, 3),
         {"a": r.randn(6, 2, 3, 2), "b": r.randn(6, 2, 3, 2)}, ["a", "b"], {"frames": 3}, strided=["a", "b"])
    r = Inputs("strided_gather")
    emit("strided_gather", "gather", lambda x, index: torch.gather(x, 1, index),
         {"x": r.randn(4, 5, 3), "index": r.ints(5, 4, 2, 3)}, ["x"], {"axis": 1}, strided=["x"])
    r = Inputs("strided_cat")
    emit("strided_cat", "cat", lambda a, b: torch.cat([a, b], dim=0), {"a": r.randn(2, 5), "b": r.randn(3, 5)},
         ["a", "b"], {"axis": 0}, strided=["a"])


def main():
    torch.manual_seed(0)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    unary_cases()
    binary_cases()
    reduction_cases()
    softmax_cases()
    matmul_cases()
    conv_cases()
    pool_cases()
    norm_cases()
    shape_cases()
    temporal_cases()
    fused_op_cases()
    strided_cases()
    unknown = set(KNOWN_BUGS) - {c["name"] for c in CASES}
    assert not unknown, f"KNOWN_BUGS names no case: {sorted(unknown)}"
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        # One case per line: small diffs when a case is added.
        f.write('{"torch_version": ' + json.dumps(torch.__version__) + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c) for c in CASES))
        f.write("\n]}\n")
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(OUT) for n in ns)
    print(f"{len(CASES)} cases, {total / 1024:.0f} KB in {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
