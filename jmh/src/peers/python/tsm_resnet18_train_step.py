"""PyTorch peer of TrainStepBench: one CPU training step of TSM ResNet-18 at width 16 (channels 16/32/64/128),
8 frames of 32x32, 14 classes, 16 clips (N*T = 128): forward, cross-entropy, backward, SGD (momentum 0.9, weight
decay 1e-4). The temporal shift (Lin et al. 2019, "TSM", residual shift, 1/8 of the channels each way) is written
out here. Prints clips/s per timed step and the median and best.

    /usr/bin/python3 jmh/src/peers/python/tsm_resnet18_train_step.py --threads 2 --steps 30
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def shift(x, frames, fold_div=8):
    nt, c, h, w = x.shape
    x = x.view(nt // frames, frames, c, h, w)
    fold = c // fold_div
    out = torch.zeros_like(x)
    out[:, :-1, :fold] = x[:, 1:, :fold]                  # shift left (from the future)
    out[:, 1:, fold:2 * fold] = x[:, :-1, fold:2 * fold]  # shift right (from the past)
    out[:, :, 2 * fold:] = x[:, :, 2 * fold:]
    return out.view(nt, c, h, w)


class Block(nn.Module):
    def __init__(self, cin, cout, stride, frames):
        super().__init__()
        self.frames = frames
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(shift(x, self.frames))))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


class TsmResNet18(nn.Module):
    def __init__(self, width=16, frames=8, classes=14, dropout=0.2):
        super().__init__()
        self.frames = frames
        w = [width, 2 * width, 4 * width, 8 * width]
        self.stem = nn.Sequential(nn.Conv2d(3, w[0], 7, 2, 3, bias=False), nn.BatchNorm2d(w[0]), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], w[0]
        for i, c in enumerate(w):
            layers += [Block(cin, c, 1 if i == 0 else 2, frames), Block(c, c, 1, frames)]
            cin = c
        self.layers = nn.Sequential(*layers)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(w[3], classes)

    def forward(self, clip):                                 # (N, T, 3, H, W)
        n = clip.shape[0]
        x = self.layers(self.stem(clip.reshape(-1, *clip.shape[2:])))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(self.dropout(x)).view(n, self.frames, -1).mean(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = TsmResNet18().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9, weight_decay=1e-4)
    clip = torch.rand(16, 8, 3, 32, 32) * 2 - 1
    target = torch.arange(16) % 14
    rates = []
    for step in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(clip), target)
        loss.backward()
        opt.step()
        dt = time.perf_counter() - t0
        if step >= a.warmup:
            rates.append(16 / dt)
    print("torch %s, %d threads: clips/s median %.1f best %.1f (%d steps)"
          % (torch.__version__, a.threads, statistics.median(rates), max(rates), len(rates)))


if __name__ == "__main__":
    main()
