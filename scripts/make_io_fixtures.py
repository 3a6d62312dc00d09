#!/usr/bin/python3
"""Writes the small array/checkpoint fixtures read by the tests of dev.saccade.nn.io.

Run from the repository root with Debian's python3 (python3-torch, python3-numpy):

    /usr/bin/python3 scripts/make_io_fixtures.py

Output: nn/src/test/resources/io/ (a few KB) plus expected.json, which lists for every fixture file the entries it
holds (dtype, shape and all values flattened in C order) so the Java tests compare against what Python wrote.
Values are small integers or exact binary fractions so that every dtype represents them exactly.
"""
import collections
import io
import json
import os
import struct
import zipfile

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "nn", "src", "test", "resources", "io")
# relative: a payload that ran would create it in the working directory of the reader (nn/ under Maven)
MALICIOUS_MARKER = "saccade_io_malicious_marker"

TORCH_DTYPE_NAMES = {
    torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32", torch.float64: "F64",
    torch.int8: "I8", torch.uint8: "U8", torch.int16: "I16", torch.int32: "I32", torch.int64: "I64",
    torch.bool: "BOOL",
}
NUMPY_DTYPE_NAMES = {
    "float16": "F16", "float32": "F32", "float64": "F64", "int8": "I8", "uint8": "U8", "int16": "I16",
    "int32": "I32", "int64": "I64", "bool": "BOOL",
}

expected = {}


def describe_tensor(t):
    values = t.detach().to(torch.float64).reshape(-1).tolist()
    return {"dtype": TORCH_DTYPE_NAMES[t.dtype], "shape": list(t.shape), "values": values}


def describe_numpy(a):
    values = a.astype(np.float64).reshape(-1, order="C").tolist()
    return {"dtype": NUMPY_DTYPE_NAMES[a.dtype.name], "shape": list(a.shape), "values": values}


def path(name):
    return os.path.join(OUT, name)


def pth_state_dict():
    base = torch.arange(20, dtype=torch.float32).reshape(4, 5) / 4  # (4, 5), exact quarters
    sd = collections.OrderedDict()
    sd["conv.weight"] = torch.arange(6, dtype=torch.float32).reshape(2, 3, 1, 1) - 2.5
    sd["fc.bias"] = torch.tensor([0.5, -1.25, 3.0], dtype=torch.float64)
    sd["bn.num_batches_tracked"] = torch.tensor(7, dtype=torch.int64)  # 0-dim
    sd["steps"] = torch.tensor([-3, 0, 1 << 40], dtype=torch.int64)
    sd["counts"] = torch.tensor([1, -2, 3], dtype=torch.int32)
    sd["mask"] = torch.tensor([True, False, True])
    sd["half"] = torch.tensor([[1.0, -0.5, 2.0], [0.25, 65504.0, -3.0]], dtype=torch.float16)
    sd["bhalf"] = torch.tensor([1.0, -2.0, 0.375], dtype=torch.bfloat16)
    sd["base"] = base
    sd["transposed"] = base.t()  # (5, 4), strides (1, 5), shares storage with base
    sd["slice"] = base[1:3, 2:5]  # (2, 3), offset 7, strides (5, 1), shares storage with base
    sd["param"] = torch.nn.Parameter(torch.tensor([[1.5, 2.5]]))  # rebuilt via _rebuild_parameter
    torch.save(sd, path("state_dict.pth"))
    expected["state_dict.pth"] = {k: describe_tensor(v) for k, v in sd.items()}


def pth_module_state():
    """A real module's state_dict(): an OrderedDict carrying _metadata (pickled with BUILD) and BatchNorm buffers."""
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    with torch.no_grad():
        model[0].weight.copy_(torch.arange(6, dtype=torch.float32).reshape(2, 3) / 8)
        model[0].bias.copy_(torch.tensor([0.5, -0.5]))
        model[1].running_mean.copy_(torch.tensor([1.0, 2.0]))
    sd = model.state_dict()
    torch.save(sd, path("module_state.pth"))
    expected["module_state.pth"] = {k: describe_tensor(v) for k, v in sd.items()}


def pth_checkpoint():
    inner = collections.OrderedDict()
    inner["module.fc.weight"] = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    inner["module.fc.bias"] = torch.tensor([-1.0, 1.0])
    ckpt = {"epoch": 3, "arch": "resnet50", "state_dict": inner, "best_prec1": 71.25}
    torch.save(ckpt, path("checkpoint.pth"))
    expected["checkpoint.pth"] = {k: describe_tensor(v) for k, v in inner.items()}


class RunsShellOnLoad:
    """Unpickling this in Python would run a shell command (the classic pickle attack)."""

    def __reduce__(self):
        return (os.system, ("touch " + MALICIOUS_MARKER,))


def pth_malicious():
    torch.save({"weight": torch.zeros(2), "payload": RunsShellOnLoad()}, path("malicious.pth"))


def pth_legacy():
    torch.save({"w": torch.ones(2)}, path("legacy.pth"), _use_new_zipfile_serialization=False)


def npy_files():
    arrays = {
        "f4.npy": (np.arange(6, dtype=np.float32).reshape(2, 3) - 1.5),
        "f8.npy": np.array([0.1, -2.0, 1e300, 3.5], dtype=np.float64),
        "i8.npy": np.array([[-(1 << 40), 2], [3, 4]], dtype=np.int64),
        "i4.npy": np.array([7, -8, 9], dtype=np.int32),
        "u1.npy": np.array([0, 1, 127, 200, 255], dtype=np.uint8),
        "b1.npy": np.array([[True, False], [False, True]]),
        "f2.npy": np.array([1.0, -0.5, 2048.0], dtype=np.float16),
        "scalar.npy": np.array(2.5, dtype=np.float32),
    }
    for name, a in arrays.items():
        np.save(path(name), a)
        expected[name] = {"": describe_numpy(a)}
    v2 = np.arange(4, dtype=np.float64).reshape(2, 2)
    with open(path("v2.npy"), "wb") as f:
        np.lib.format.write_array(f, v2, version=(2, 0))
    expected["v2.npy"] = {"": describe_numpy(v2)}
    np.save(path("fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
    np.save(path("bigendian.npy"), np.arange(3, dtype=">f4"))
    a = np.arange(4, dtype=np.float32)
    b = np.array([[1, 2], [3, 4]], dtype=np.int64)
    np.savez_compressed(path("arrays.npz"), a=a, b=b)
    expected["arrays.npz"] = {"a": describe_numpy(a), "b": describe_numpy(b)}


def safetensors_by_hand():
    """Writes a .safetensors file following the format spec (huggingface/safetensors README) by hand."""
    entries = [
        ("weight", "F32", [2, 2], struct.pack("<4f", 1.0, -2.0, 0.5, 8.0), [1.0, -2.0, 0.5, 8.0]),
        ("ids", "I64", [3], struct.pack("<3q", 5, -6, 1 << 50), [5, -6, 1 << 50]),
        ("half", "F16", [2], np.array([1.5, -4.0], dtype="<f2").tobytes(), [1.5, -4.0]),
        # bf16 is the upper half of an f32: 1.0 = 0x3F80, -0.75 = 0xBF40
        ("bhalf", "BF16", [2], struct.pack("<2H", 0x3F80, 0xBF40), [1.0, -0.75]),
        ("flags", "BOOL", [3], bytes([1, 0, 1]), [1, 0, 1]),
        ("empty", "F32", [0, 3], b"", []),
    ]
    header = {"__metadata__": {"format": "pt", "source": "make_io_fixtures.py"}}
    data = b""
    for name, dtype, shape, raw, _ in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path("handmade.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)
    expected["handmade.safetensors"] = {
        name: {"dtype": dtype, "shape": shape, "values": [float(v) for v in values]}
        for name, dtype, shape, _, values in entries
    }
    expected["handmade.safetensors.metadata"] = header["__metadata__"]


def main():
    os.makedirs(OUT, exist_ok=True)
    pth_state_dict()
    pth_module_state()
    pth_checkpoint()
    pth_malicious()
    pth_legacy()
    npy_files()
    safetensors_by_hand()
    with open(path("expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(path(n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
