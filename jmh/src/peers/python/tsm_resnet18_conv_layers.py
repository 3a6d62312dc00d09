"""PyTorch peer of TrainingConvTiming: the convolutions of TrainStepBench's TSM ResNet-18 (width 16, 128 frames of
32x32) one shape at a time, on one thread: the forward, the input gradient and the weight gradient, each by
aten::convolution_backward with one output selected (oneDNN on the CPU). Prints each shape's medians in ms and the
sums per training step (the stem's input gradient is not needed in training and left out of them).

    /usr/bin/python3 jmh/src/peers/python/tsm_resnet18_conv_layers.py --threads 1 --runs 40
"""
import argparse
import statistics
import time

import torch

# name, kernel, stride, C_in, C_out, input plane, count per step (as TrainingConvTiming names them)
SHAPES = [("k7s2_3_16_32", 7, 2, 3, 16, 32, 1), ("k3s1_16_16_8", 3, 1, 16, 16, 8, 4),
          ("k3s2_16_32_8", 3, 2, 16, 32, 8, 1), ("k3s1_32_32_4", 3, 1, 32, 32, 4, 3),
          ("k1s2_16_32_8", 1, 2, 16, 32, 8, 1), ("k3s2_32_64_4", 3, 2, 32, 64, 4, 1),
          ("k3s1_64_64_2", 3, 1, 64, 64, 2, 3), ("k1s2_32_64_4", 1, 2, 32, 64, 4, 1),
          ("k3s2_64_128_2", 3, 2, 64, 128, 2, 1), ("k3s1_128_128_1", 3, 1, 128, 128, 1, 3),
          ("k1s2_64_128_2", 1, 2, 64, 128, 2, 1)]


def median_ms(fn, runs):
    for _ in range(10):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=40)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    step = [0.0, 0.0, 0.0]
    for name, k, s, cin, cout, hw, count in SHAPES:
        x = torch.randn(128, cin, hw, hw)
        w = torch.randn(cout, cin, k, k) * 0.1
        pad = k // 2
        gy = torch.randn_like(torch.nn.functional.conv2d(x, w, None, s, pad))

        def backward(mask):
            return lambda: torch.ops.aten.convolution_backward(gy, x, w, None, [s, s], [pad, pad], [1, 1], False,
                                                              [0, 0], 1, mask)
        fwd = median_ms(lambda: torch.nn.functional.conv2d(x, w, None, s, pad), a.runs)
        data = median_ms(backward([True, False, False]), a.runs)
        filt = median_ms(backward([False, True, False]), a.runs)
        print("%-16s (%d)  fwd %7.3f  bwdD %7.3f  bwdF %7.3f" % (name, count, fwd, data, filt))
        step[0] += count * fwd
        step[1] += 0 if k == 7 else count * data
        step[2] += count * filt
    print("per step           fwd %7.2f  bwdD %7.2f  bwdF %7.2f  all three %.2f ms (torch %s, %d threads)"
          % (step[0], step[1], step[2], sum(step), torch.__version__, a.threads))


if __name__ == "__main__":
    main()
