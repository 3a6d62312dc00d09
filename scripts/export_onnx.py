#!/usr/bin/env python3
"""Exports the CPU inference peers of `ModelInferenceBench`: the same networks and the same weights for saccade,
ONNX Runtime and libtorch.

For each model (TSN-ResNet-50, TSM-ResNet-50, TSM-MobileNetV2; 8 frames at 224², 174 classes) it builds the network
from torchvision's `resnet50` / `mobilenet_v2` with the TSN head (per-frame `new_fc`, logits averaged over the T
frames) and, for TSM, the temporal shift before every block's first convolution (TSM's "blockres" placement;
MobileNetV2: the 10 blocks that expand and are residual), draws random weights, sets every BatchNorm's running
statistics from one train-mode forward of a random clip, and writes to --out (default jmh/target/onnx, not
committed):

  <model>.safetensors    the weights under saccade's names (`base_model.*` as in docs/CHECKPOINTS.md, `new_fc.*`),
                         loadable with `TsnCheckpoint.load` / `saccade bench --weights`
  <model>_b<N>.onnx      the network for N clips (N·T frames), input `clip` (N, T, 3, 224, 224), output `logits`
                         (N, 174), opset 13, fixed shapes
  <model>.pt             the same network as TorchScript (traced; any batch), for libtorch through DJL
  <model>_b1_input.bin   one clip (1, 8, 3, 224, 224), float32 little-endian, and
  <model>_b1_logits.bin  PyTorch's eval-mode logits for it (1, 174), float32 little-endian: the reference that
                         `ModelInferenceCheck` compares saccade and ONNX Runtime against

The temporal shift is written with slices, a zero `Pad` and `Concat`, so ONNX Runtime runs it as a copy (an in-place
assignment, as in the official code, exports as ScatterND).

Needs Debian's PyTorch 1.13 and torchvision (`apt-get install python3-torch python3-torchvision
libopenblas0-pthread`); `torch.onnx.export` works offline.

Usage: /usr/bin/python3 scripts/export_onnx.py [--out DIR] [--models tsn-resnet50,tsm-resnet50,tsm-mobilenetv2]
       [--batches 1,8]
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

FRAMES, SIZE, CLASSES, FOLD_DIV = 8, 224, 174, 8
MODELS = ("tsn-resnet50", "tsm-resnet50", "tsm-mobilenetv2")


class TemporalShift(nn.Module):
    """TSM's shift (1/8 of the channels one frame back, 1/8 forward, zeros at the clip ends), then `net`.
    Reference: TSM ops/temporal_shift.py, TemporalShift.shift; the child is named `net` as there."""

    def __init__(self, net, frames, fold_div=FOLD_DIV):
        super().__init__()
        self.net, self.frames, self.fold_div = net, frames, fold_div

    def forward(self, x):
        nt, c, h, w = x.shape
        x = x.view(-1, self.frames, c, h, w)                                 # (N, T, C, H, W)
        fold = c // self.fold_div
        back = F.pad(x[:, 1:, :fold], (0, 0, 0, 0, 0, 0, 0, 1))            # frame t takes t+1, last frame zero
        fwd = F.pad(x[:, :-1, fold:2 * fold], (0, 0, 0, 0, 0, 0, 1, 0))    # frame t takes t−1, first frame zero
        out = torch.cat((back, fwd, x[:, :, 2 * fold:]), dim=2)
        return self.net(out.view(nt, c, h, w))


class Tsn(nn.Module):
    """TSN's head over a 2-D backbone: (N, T, 3, H, W) → frames (N·T, 3, H, W) → features → new_fc → mean over T."""

    def __init__(self, backbone, channels, frames, classes):
        super().__init__()
        self.base_model, self.frames = backbone, frames
        self.new_fc = nn.Linear(channels, classes)

    def forward(self, clip):
        x = clip.reshape(-1, 3, clip.shape[-2], clip.shape[-1])              # (N·T, 3, H, W)
        logits = self.new_fc(self.base_model(x))                             # (N·T, K)
        return logits.view(-1, self.frames, logits.shape[-1]).mean(1)       # (N, K)


def build(model_id):
    if model_id.endswith("resnet50"):
        backbone = torchvision.models.resnet50()
        backbone.fc = nn.Identity()
        if model_id.startswith("tsm"):
            for layer in (backbone.layer1, backbone.layer2, backbone.layer3, backbone.layer4):
                for block in layer:
                    block.conv1 = TemporalShift(block.conv1, FRAMES)
        return Tsn(backbone, 2048, FRAMES, CLASSES)
    if model_id.endswith("mobilenetv2"):
        backbone = torchvision.models.mobilenet_v2()
        backbone.classifier = nn.Identity()
        if model_id.startswith("tsm"):
            for block in backbone.features[1:18]:
                if block.use_res_connect and len(block.conv) == 4:           # expands and is residual
                    block.conv[0][0] = TemporalShift(block.conv[0][0], FRAMES)
        return Tsn(backbone, 1280, FRAMES, CLASSES)
    raise SystemExit(f"unknown model {model_id}: expected one of {', '.join(MODELS)}")


def randomise(model, seed):
    """Random weights and BatchNorm affine parameters; running statistics from one train-mode forward."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
                m.momentum = 1.0                                             # running stats := this batch's
        model.new_fc.weight.copy_(0.01 * torch.randn(model.new_fc.weight.shape, generator=g))
        model.new_fc.bias.copy_(0.01 * torch.randn(model.new_fc.bias.shape, generator=g))
        model.train()
        model(torch.randn(1, FRAMES, 3, SIZE, SIZE, generator=g))
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 0.1
    model.eval()


def mobilenet_key(key):
    """torchvision MobileNetV2 names → the TSM repository's (saccade's): blocks are flat Sequentials
    [conv, bn, relu6, …], so features.N.conv.A.B / conv.A become conv.(3·A + B) / conv.(3·A)."""
    parts = key.split(".")
    if len(parts) < 4 or parts[0] != "base_model" or parts[1] != "features" or parts[3] != "conv":
        return key                                                           # features.0 / 18 are already flat
    block = int(parts[2])
    a = int(parts[4])
    rest = parts[5:]
    expands = block != 1
    # expand: conv.0 = Conv2dNormActivation(pw), conv.1 = (dw), conv.2 = pw-linear conv, conv.3 = its bn
    # no expand (block 1): conv.0 = (dw), conv.1 = pw-linear conv, conv.2 = its bn
    last_conv = 2 if expands else 1
    if a < last_conv:
        b = int(rest[0])                                                     # 0 = conv (maybe .net), 1 = bn
        index, rest = 3 * a + b, rest[1:]
    else:
        index = 3 * last_conv + (a - last_conv)
    return ".".join(parts[:4] + [str(index)] + rest)


def saccade_state(model, model_id):
    out = {}
    for k, v in model.state_dict().items():
        if model_id.endswith("mobilenetv2"):
            k = mobilenet_key(k)
        out[k] = v.detach().contiguous()
    return out


def write_safetensors(path, tensors):
    """The safetensors format: 8-byte little-endian header length, JSON header, raw little-endian data."""
    dtypes = {torch.float32: "F32", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.numpy().tobytes()
        header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)


def check_onnx(path):
    """The ONNX checker (Debian's python3-onnx), when it is installed."""
    try:
        import onnx
    except ImportError:
        return
    onnx.checker.check_model(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "jmh", "target", "onnx"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--batches", default="1,8")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    for model_id in args.models.split(","):
        model = build(model_id)
        seed = MODELS.index(model_id)                 # build() refused unknown ids; the same files whatever --models lists
        randomise(model, seed)
        base = os.path.join(args.out, model_id)
        write_safetensors(base + ".safetensors", saccade_state(model, model_id))
        clip = torch.randn(1, FRAMES, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(100 + seed))
        with torch.no_grad():
            logits = model(clip)
            clip.numpy().astype("<f4").tofile(base + "_b1_input.bin")
            logits.numpy().astype("<f4").tofile(base + "_b1_logits.bin")
            traced = torch.jit.trace(model, clip)
            traced.save(base + ".pt")
            for n in (int(b) for b in args.batches.split(",")):
                x = torch.randn(n, FRAMES, 3, SIZE, SIZE)
                torch.onnx.export(model, x, f"{base}_b{n}.onnx", input_names=["clip"], output_names=["logits"],
                                  opset_version=13, do_constant_folding=True)
                check_onnx(f"{base}_b{n}.onnx")
            again = torch.jit.load(base + ".pt")(clip)
        drift = float((again - logits).abs().max() / logits.abs().max())
        print(f"{model_id}: logits |max| {float(logits.abs().max()):.4g}, TorchScript relative difference {drift:.2e}, "
              f"files {base}.*", flush=True)
        if not drift < 1e-5:
            sys.exit(f"{model_id}: the traced TorchScript disagrees with the eager model ({drift:.2e})")


if __name__ == "__main__":
    main()
