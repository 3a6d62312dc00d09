#!/usr/bin/python3
"""Times the PyTorch temporal-attention modules at the shapes of saccade's TemporalModuleBench (the `peers` side
of docs/PERF.md's "Temporal-attention modules, composed vs fused").

ACTION and M2A are the official modules, imported from checkouts made outside the saccade repository
(V-Sense/ACTION-Net models/action.py, gebob19/M2A ops/temporal_shift.py); W3 and CBAM have no public code and are
saccade's PyTorch re-statements. The import code and the re-statements are shared with make_attention_goldens.py
(attention_modules.py). Run with Debian's python3 (python3-torch 1.13):

    /usr/bin/python3 scripts/time_attention_modules.py --action-repo ../ext/ACTION-Net --m2a-repo ../ext/M2A \\
        --out torch-modules.json

Each module is built as the Java bench builds it: ACTION is its excitation only (the official Action with the
wrapped conv replaced by nn.Identity, eval-mode batch norm), W3 the full channel + spatio-temporal attention, CBAM
both attentions, M2A the whole residual gate (motion+attn, C/8). Input x (N·T, C, H, W) uniform in [-1, 1), T = 8.
`infer` is the eval forward under torch.no_grad(); `train` is forward + backward of a fixed upstream gradient to x
and the parameters (modules in eval mode, as the bench). After --warmup untimed calls, --runs calls are timed one by
one; the JSON keeps every time, the median and the best, in ms.
"""
import argparse
import datetime
import json
import os
import statistics
import time

import torch
import torch.nn as nn

from attention_modules import SaccadeCbamRestatement, SaccadeW3Restatement, load_official

FRAMES = 8
MODULES = ["action", "w3", "cbam", "m2a"]
SHAPES = ["256x56", "512x28", "1024x14", "2048x7"]


def build(name, c, official):
    action_py, m2a_ts = official
    if name == "action":
        m = action_py.Action(nn.Conv2d(c, c // 4, 1, bias=False), n_segment=FRAMES, shift_div=8)
        m.net = nn.Identity()                   # the excitation only, as the bench's ActionModule.excite
    elif name == "w3":
        m = SaccadeW3Restatement(c, FRAMES)
    elif name == "cbam":
        m = SaccadeCbamRestatement(c)
    elif name == "m2a":
        m = m2a_ts.M2A(None, c, FRAMES, 8, [("motion+attn", "b t (c h w)")])
    else:
        raise ValueError(f"module must be one of {MODULES}, got {name!r}")
    return m.eval()


def timed(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def measure(module, x, upstream, step, warmup, runs):
    if step == "infer":
        def call():
            with torch.no_grad():
                module(x)
    elif step == "train":
        def call():
            module.zero_grad(set_to_none=True)
            xi = x.detach().requires_grad_(True)
            module(xi).backward(upstream)
    else:
        raise ValueError(f"pass must be infer or train, got {step!r}")
    return timed(call, warmup, runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--action-repo", required=True, help="checkout of V-Sense/ACTION-Net")
    ap.add_argument("--m2a-repo", required=True, help="checkout of gebob19/M2A")
    ap.add_argument("--modules", default=",".join(MODULES), help="comma-separated, of %(default)s")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="C x H (H = W), comma-separated (default %(default)s)")
    ap.add_argument("--clips", default="1,8", help="clips N per call, comma-separated (default %(default)s)")
    ap.add_argument("--passes", default="infer,train", help="infer and/or train (default %(default)s)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default %(default)s)")
    ap.add_argument("--warmup", type=int, default=3, help="untimed calls first (default %(default)s)")
    ap.add_argument("--runs", type=int, default=10, help="timed calls (default %(default)s)")
    ap.add_argument("--out", required=True, help="JSON file to write")
    args = ap.parse_args()
    if args.runs < 1 or args.warmup < 0:
        ap.error("--runs must be ≥ 1 and --warmup ≥ 0")
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)                      # fail before the timing, not after it
    if not os.access(out_dir, os.W_OK):
        ap.error(f"cannot write to {out_dir}")

    torch.set_num_threads(args.threads)
    action_py, m2a_ts, _, shim = load_official(args.action_repo, args.m2a_repo)
    official = (action_py, m2a_ts)
    gen = torch.Generator().manual_seed(1)
    results = []
    started = datetime.datetime.now(datetime.timezone.utc)
    for name in args.modules.split(","):
        for shape in args.shapes.split(","):
            c, h = (int(v) for v in shape.split("x"))
            module = build(name, c, official)
            for clips in (int(v) for v in args.clips.split(",")):
                x = torch.rand(clips * FRAMES, c, h, h, generator=gen) * 2 - 1
                upstream = torch.rand(clips * FRAMES, c, h, h, generator=gen) * 2 - 1
                for step in args.passes.split(","):
                    times = measure(module, x, upstream, step, args.warmup, args.runs)
                    row = {"module": name, "shape": shape, "clips": clips, "pass": step,
                           "median_ms": statistics.median(times), "best_ms": min(times), "times_ms": times}
                    results.append(row)
                    print(f"{name:6s} {shape:8s} clips {clips} {step:5s} median {row['median_ms']:9.1f} ms, "
                          f"best {row['best_ms']:9.1f} ms", flush=True)
    doc = {"engine": "pytorch", "torch_version": torch.__version__, "threads": args.threads, "frames": FRAMES,
           "warmup": args.warmup, "runs": args.runs, "einops": "stand-in" if shim else "installed",
           "action_repo": os.path.abspath(args.action_repo), "m2a_repo": os.path.abspath(args.m2a_repo),
           "started_utc": started.isoformat(timespec="seconds"),
           "load_average": os.getloadavg(), "results": results}
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.out)                                 # never a half-written result
    print(f"{len(results)} results in {args.out}")


if __name__ == "__main__":
    main()
