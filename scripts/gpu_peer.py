#!/usr/bin/env python3
"""PyTorch eager peer timing for saccade's GPU checks: TSM-ResNet-50, 8 frames at 224x224.

The network is a plain-torch ResNet-50 (He et al. 2016, bottleneck v1.5: stride on the 3x3 conv) with the TSM
temporal shift (Lin et al. 2019) on the residual branch of every bottleneck, fold_div 8, as the official code's
"blockres" placement. Times one training step (forward, cross-entropy, backward, SGD step) and one inference
(torch.inference_mode) for batch 8 and batch 1 clips (batch * 8 frames), with CUDA events after warm-up.
PyTorch defaults are kept (FP32 storage, cuDNN may use TF32; cudnn.benchmark on).

Usage: python3 scripts/gpu_peer.py [--out peer.json] [--reps 20]
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def temporal_shift(x, frames, fold_div=8):
    """(N*T, C, H, W): channels [0, fold) take frame t+1, [fold, 2*fold) frame t-1, zero at clip edges."""
    nt, c, h, w = x.shape
    x = x.view(nt // frames, frames, c, h, w)
    fold = c // fold_div
    out = torch.zeros_like(x)
    out[:, :-1, :fold] = x[:, 1:, :fold]
    out[:, 1:, fold:2 * fold] = x[:, :-1, fold:2 * fold]
    out[:, :, 2 * fold:] = x[:, :, 2 * fold:]
    return out.view(nt, c, h, w)


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride, frames):
        super().__init__()
        cout = width * 4
        self.frames = frames
        self.conv1 = nn.Conv2d(cin, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.down is None else self.down(x)
        y = temporal_shift(x, self.frames)
        y = F.relu(self.bn1(self.conv1(y)))
        y = F.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return F.relu(y + identity)


class TsmResNet50(nn.Module):
    def __init__(self, frames=8, classes=400):
        super().__init__()
        self.frames = frames
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for width, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            for i in range(blocks):
                layers.append(Bottleneck(cin, width, stride if i == 0 else 1, frames))
                cin = width * 4
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):  # x (N*T, 3, 224, 224) -> (N, classes), averaged over frames (TSN consensus)
        y = self.layers(self.stem(x))
        y = F.adaptive_avg_pool2d(y, 1).flatten(1)
        y = self.fc(y)
        return y.view(-1, self.frames, y.shape[-1]).mean(1)


def time_ms(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / reps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    ap.add_argument("--reps", type=int, default=20)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print("gpu_peer.py: CUDA not available to PyTorch", file=sys.stderr)
        return 1
    torch.backends.cudnn.benchmark = True
    dev = torch.device("cuda")
    frames = 8
    model = TsmResNet50(frames).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    results = {"device": torch.cuda.get_device_name(0), "torch": torch.__version__,
               "cudnn": torch.backends.cudnn.version(), "model": "TSM-ResNet-50, 8x224x224, fp32 (PyTorch defaults)"}
    lines = []
    for batch in (8, 1):
        x = torch.randn(batch * frames, 3, 224, 224, device=dev)
        labels = torch.randint(0, 400, (batch,), device=dev)

        def train():
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), labels).backward()
            opt.step()

        def infer():
            with torch.inference_mode():
                model(x)

        model.train()
        train_ms = time_ms(train, 5, args.reps)
        model.eval()
        infer_ms = time_ms(infer, 5, args.reps)
        results[f"batch{batch}"] = {"train_step_ms": train_ms, "inference_ms": infer_ms,
                                     "train_clips_per_s": 1000 * batch / train_ms,
                                     "inference_clips_per_s": 1000 * batch / infer_ms}
        line = f"batch {batch}: train step {train_ms:.1f} ms ({1000 * batch / train_ms:.1f} clips/s), " \
               f"inference {infer_ms:.1f} ms ({1000 * batch / infer_ms:.1f} clips/s)"
        lines.append(line)
        print(f"PyTorch {torch.__version__} eager, {results['device']}: {line}", flush=True)
    results["peak_memory_mib"] = torch.cuda.max_memory_allocated() / 2**20
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
        with open(os.path.splitext(args.out)[0] + ".txt", "w") as f:
            f.write("; ".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
